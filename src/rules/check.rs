//! `check_action`: the single entry point the store calls before writing an action.
//! It combines, and reports together, every refusal that applies:
//! OPEN (a known member acts), PHASES, REG-DEADLINE, FORM-DEADLINE, roles, scope,
//! QUOTA and REPORTING-UNIT, LATE-CHANGE, conflicts, EVIDENCE, the notice and
//! objection rules (CANDIDATES, CANDIDATE-NEEDS, NOTICE-RECHECK), FRAUD, NO-FILLER,
//! COMMEND, FREEZE (the committee's assessment of a decided entry) and references (unknown nomination, criterion, department…).
//! Roles are read from the snapshot's `members.ron`, not from the `actor` passed in.

use chrono::NaiveDate;

use crate::model::{
    units_in_cycles, validate_id, Action, Campaign, Evaluation, Exception, Member, Nomination,
    Opinion, PhaseOverride, Record, Role, Score, Snapshot, Stance, Unit, FORMAT,
};

use super::conflict::check_conflict;
use super::deadline::{check_form, check_registration, FORM_DEADLINE, REG_DEADLINE};
use super::decide::check_decide;
use super::freeze::check_freeze;
use super::late_change::check_late_change;
use super::notice::check_publish;
use super::objection::{check_object, check_resolve};
use super::phase::check_action_phase;
use super::quota::check_quota;
use super::refusal::{RefKind, Refusal};
use super::roles::check_roles;
use super::scope::{category_exact, check_scope};

/// Checks `action` by `actor` on `day` against every rule; `Err` lists all refusals.
pub fn check_action(
    snapshot: &Snapshot,
    actor: &Member,
    action: &Action,
    day: NaiveDate,
) -> Result<(), Vec<Refusal>> {
    // OPEN: only a known member acts.
    let Some(member) = snapshot.member(&actor.id) else {
        return Err(vec![Refusal::UnknownActor {
            actor: actor.id.clone(),
        }]);
    };
    let mut out = Vec::new();
    if let Err(r) = check_action_phase(snapshot, action, day) {
        out.push(r);
    }
    out.extend(check_roles(snapshot, member, action));
    out.extend(check_content(snapshot, member, action, day));
    out.extend(check_freeze(snapshot, action));
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// The first commit of a campaign (no snapshot yet): the actor must be a chair of the
/// new members list, the format must be supported and every id valid.
pub fn check_setup(
    actor: &str,
    campaign: &Campaign,
    members: &[Member],
    units: &[Unit],
) -> Result<(), Vec<Refusal>> {
    let mut out = Vec::new();
    match members.iter().find(|m| m.id == actor) {
        None => out.push(Refusal::UnknownActor {
            actor: actor.to_string(),
        }),
        Some(m) if !m.has_role(Role::Chair) => out.push(Refusal::MissingRole {
            action: crate::model::ActionKind::Setup,
            actor: actor.to_string(),
            roles: vec![Role::Chair],
        }),
        Some(_) => {}
    }
    out.extend(check_campaign(campaign));
    out.extend(check_members(members));
    out.extend(check_units(units));
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn bad_id(id: &str) -> Option<Refusal> {
    validate_id(id).err().map(|e| Refusal::BadId {
        id: id.to_string(),
        reason: e.reason.to_string(),
    })
}

fn ids_ok<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<Refusal> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for id in ids {
        if let Some(r) = bad_id(id) {
            out.push(r);
        }
        if seen.contains(&id) {
            out.push(Refusal::Duplicate { id: id.to_string() });
        }
        seen.push(id);
    }
    out
}

fn check_campaign(campaign: &Campaign) -> Vec<Refusal> {
    let mut out = Vec::new();
    if campaign.format > FORMAT {
        out.push(Refusal::NewerFormat {
            format: campaign.format,
            supported: FORMAT,
        });
    }
    out.extend(ids_ok(campaign.categories.iter().map(|c| c.id.as_str())));
    out.extend(ids_ok(campaign.departments.iter().map(|d| d.id.as_str())));
    out.extend(ids_ok(campaign.phases.iter().map(|p| p.id.as_str())));
    for p in &campaign.phases {
        if p.start > p.end {
            out.push(Refusal::PhaseRange {
                phase: p.id.clone(),
                start: p.start,
                end: p.end,
            });
        }
    }
    out
}

fn check_members(members: &[Member]) -> Vec<Refusal> {
    let mut out = ids_ok(members.iter().map(|m| m.id.as_str()));
    if !members.iter().any(|m| m.has_role(Role::Chair)) {
        out.push(Refusal::NoChair);
    }
    out
}

fn check_units(units: &[Unit]) -> Vec<Refusal> {
    let mut out = ids_ok(units.iter().map(|u| u.id.as_str()));
    // REPORTING-UNIT: every reporting line ends at a unit of the list, never in a cycle
    let cycles = units_in_cycles(units);
    for u in units {
        if let Some(parent) = &u.parent {
            let known = units.iter().any(|x| &x.id == parent);
            if !known || cycles.contains(&u.id.as_str()) {
                out.push(Refusal::ReportingLine {
                    unit: u.id.clone(),
                    parent: parent.clone(),
                    cycle: known,
                });
            }
        }
    }
    out
}

fn record_of<'a>(snapshot: &'a Snapshot, id: &str, out: &mut Vec<Refusal>) -> Option<&'a Record> {
    let r = snapshot.record(id);
    if r.is_none() {
        out.push(Refusal::Unknown {
            what: RefKind::Nomination,
            id: id.to_string(),
        });
    }
    r
}

fn empty(rule: &str, field: &str) -> Refusal {
    Refusal::EmptyField {
        rule: rule.into(),
        field: field.into(),
    }
}

fn percent(field: &str, v: Option<f64>, out: &mut Vec<Refusal>) {
    if let Some(v) = v {
        if !(0.0..=100.0).contains(&v) {
            out.push(Refusal::PercentOutOfRange {
                field: field.into(),
                value: v,
            });
        }
    }
}

fn check_nominate(snapshot: &Snapshot, n: &Nomination, day: NaiveDate) -> Vec<Refusal> {
    let mut out = Vec::new();
    if let Some(r) = bad_id(&n.id) {
        out.push(r);
    }
    let existing = snapshot.record(&n.id);
    match existing {
        None => {
            if let Err(r) = check_registration(&snapshot.campaign, &snapshot.rulings, &n.id, day) {
                out.push(r);
            }
        }
        // LATE-CHANGE: a late update may correct, not re-register
        Some(old) => {
            if let Err(r) = check_late_change(
                &snapshot.campaign,
                &snapshot.rulings,
                &old.nomination,
                n,
                day,
            ) {
                out.push(r);
            }
        }
    }
    let category_ok = category_exact(snapshot, &n.category, &mut out).is_some();
    if snapshot.unit(&n.unit).is_none() {
        out.push(Refusal::Unknown {
            what: RefKind::Unit,
            id: n.unit.clone(),
        });
    }
    if category_ok {
        out.extend(check_scope(snapshot, n));
        if let Err(r) = check_quota(snapshot, n) {
            out.push(r);
        }
    }
    // EVIDENCE: deeds stated, evidence references non-empty
    if n.deeds.trim().is_empty() {
        out.push(empty("EVIDENCE", "deeds"));
    }
    for (i, e) in n.evidence.iter().enumerate() {
        if e.title.trim().is_empty() {
            out.push(empty("EVIDENCE", &format!("evidence[{i}].title")));
        }
        if e.reference.trim().is_empty() {
            out.push(empty("EVIDENCE", &format!("evidence[{i}].reference")));
        }
    }
    percent(
        "metrics.service_satisfaction",
        n.metrics.service_satisfaction,
        &mut out,
    );
    percent("metrics.knowledge_rate", n.metrics.knowledge_rate, &mut out);
    for (y, v) in &n.metrics.appraisal_satisfaction {
        percent(
            &format!("metrics.appraisal_satisfaction.{y}"),
            Some(*v),
            &mut out,
        );
    }
    // a changed filing date through a Nominate is held to FORM-DEADLINE too
    if let Some(filed) = n.form_filed {
        if existing.and_then(|r| r.nomination.form_filed) != Some(filed) {
            if let Err(r) = check_form(&snapshot.campaign, &snapshot.rulings, &n.id, day.max(filed))
            {
                out.push(r);
            }
        }
    }
    out
}

fn check_content(
    snapshot: &Snapshot,
    actor: &Member,
    action: &Action,
    day: NaiveDate,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    let campaign = &snapshot.campaign;
    match action {
        Action::Setup { .. } => out.push(Refusal::AlreadySetUp),
        Action::Nominate(n) => out.extend(check_nominate(snapshot, n, day)),
        Action::Activity {
            nomination,
            activity,
        } => {
            record_of(snapshot, nomination, &mut out);
            if activity.summary.trim().is_empty() {
                out.push(empty("ACTIVITY", "activity.summary"));
            }
        }
        Action::Supervisor {
            nomination,
            supervisor,
        } => {
            record_of(snapshot, nomination, &mut out);
            if supervisor.name.trim().is_empty() {
                out.push(empty("ACTIVITY", "supervisor.name"));
            }
        }
        Action::FileForm { nomination, date } => {
            if record_of(snapshot, nomination, &mut out).is_some() {
                if let Err(r) = check_form(campaign, &snapshot.rulings, nomination, day.max(*date))
                {
                    out.push(r);
                }
            }
        }
        Action::Score { nomination, score } => {
            check_score(snapshot, actor, nomination, score, &mut out)
        }
        Action::Evaluate {
            nomination,
            evaluation,
        } => check_evaluate(snapshot, actor, nomination, evaluation, &mut out),
        Action::Opinion {
            nomination,
            opinion,
        } => check_opinion(snapshot, nomination, opinion, &mut out),
        Action::Vote { nomination, votes } => {
            record_of(snapshot, nomination, &mut out);
            if votes.total() == 0 {
                out.push(Refusal::NoVotes);
            }
        }
        Action::Object {
            nomination,
            objection,
        } => {
            if let Some(r) = record_of(snapshot, nomination, &mut out) {
                out.extend(check_object(snapshot, r, objection, day));
            }
        }
        Action::Resolve {
            nomination,
            objection,
            reason,
            ..
        } => {
            if let Some(r) = record_of(snapshot, nomination, &mut out) {
                out.extend(check_resolve(r, objection, reason));
            }
        }
        Action::Decide {
            nomination,
            decision,
        } => {
            if let Some(r) = record_of(snapshot, nomination, &mut out) {
                out.extend(check_decide(snapshot, r, decision, day));
            }
        }
        Action::Publish(notice) => out.extend(check_publish(snapshot, notice, day)),
        Action::Override(o) => check_override(campaign, o, &mut out),
        Action::Exception(e) => check_exception(snapshot, e, &mut out),
        Action::TieOrder { category, order } => {
            check_tie_order(snapshot, category, order, &mut out)
        }
        Action::Members(members) => out.extend(check_members(members)),
        Action::Units(units) => out.extend(check_units(units)),
        Action::Campaign(c) => out.extend(check_campaign(c)),
        // FREEZE: their own conditions are in `freeze.rs`.
        Action::Reopen { nomination, .. } | Action::Withdraw { nomination, .. } => {
            record_of(snapshot, nomination, &mut out);
        }
    }
    out
}

/// A score: no conflict of interest, known criteria, points within `0..max`.
fn check_score(
    snapshot: &Snapshot,
    actor: &Member,
    nomination: &str,
    score: &Score,
    out: &mut Vec<Refusal>,
) {
    let campaign = &snapshot.campaign;
    if let Some(r) = record_of(snapshot, nomination, out) {
        if let Err(c) = check_conflict(actor, &r.nomination) {
            out.push(c);
        }
        if let Some(cat) = campaign.category(&r.nomination.category) {
            for (id, mark) in &score.marks {
                match cat.criterion(id) {
                    None => out.push(Refusal::Unknown {
                        what: RefKind::Criterion,
                        id: id.clone(),
                    }),
                    Some(c) => {
                        if let Some(p) = mark.points() {
                            if !p.is_finite() || p < 0.0 || p > c.max {
                                out.push(Refusal::PointsOutOfRange {
                                    criterion: id.clone(),
                                    points: p,
                                    max: c.max,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An evaluation: no conflict of interest, its percentages within `0..100`.
fn check_evaluate(
    snapshot: &Snapshot,
    actor: &Member,
    nomination: &str,
    evaluation: &Evaluation,
    out: &mut Vec<Refusal>,
) {
    if let Some(r) = record_of(snapshot, nomination, out) {
        if let Err(c) = check_conflict(actor, &r.nomination) {
            out.push(c);
        }
    }
    percent("evaluation.rating", evaluation.rating, out);
    percent("evaluation.knowledge_rate", evaluation.knowledge_rate, out);
    percent(
        "evaluation.service_satisfaction",
        evaluation.service_satisfaction,
        out,
    );
}

/// A department's opinion: a known department, a reason unless it approves.
fn check_opinion(snapshot: &Snapshot, nomination: &str, opinion: &Opinion, out: &mut Vec<Refusal>) {
    let campaign = &snapshot.campaign;
    record_of(snapshot, nomination, out);
    if campaign.department(&opinion.department).is_none() {
        out.push(Refusal::Unknown {
            what: RefKind::Department,
            id: opinion.department.clone(),
        });
    }
    if opinion.stance != Stance::Approve && opinion.reason.trim().is_empty() {
        out.push(empty("GATE-VETO", "opinion.reason"));
    }
}

/// A phase override: a known phase, in order, with a reason.
fn check_override(campaign: &Campaign, o: &PhaseOverride, out: &mut Vec<Refusal>) {
    if campaign.phase(&o.phase).is_none() {
        out.push(Refusal::Unknown {
            what: RefKind::Phase,
            id: o.phase.clone(),
        });
    }
    if o.start > o.end {
        out.push(Refusal::PhaseRange {
            phase: o.phase.clone(),
            start: o.start,
            end: o.end,
        });
    }
    if o.reason.trim().is_empty() {
        out.push(empty("PHASES", "override.reason"));
    }
}

/// A deadline exception: for REG-DEADLINE or FORM-DEADLINE, a valid id, a reason.
fn check_exception(snapshot: &Snapshot, e: &Exception, out: &mut Vec<Refusal>) {
    if e.rule != REG_DEADLINE && e.rule != FORM_DEADLINE {
        out.push(Refusal::UnknownExceptionRule {
            rule: e.rule.clone(),
        });
    }
    if let Some(r) = bad_id(&e.nomination) {
        out.push(r);
    }
    // a registration exception names an id not registered yet; a form one an entry
    if e.rule == FORM_DEADLINE {
        record_of(snapshot, &e.nomination, out);
    }
    if e.reason.trim().is_empty() {
        out.push(empty(&e.rule, "exception.reason"));
    }
}

/// A tie order: the category by id, each nomination once and of that category.
fn check_tie_order(snapshot: &Snapshot, category: &str, order: &[String], out: &mut Vec<Refusal>) {
    if let Some(cat) = category_exact(snapshot, category, out) {
        for (i, id) in order.iter().enumerate() {
            if order[..i].contains(id) {
                out.push(Refusal::Duplicate { id: id.clone() });
            } else if let Some(r) = record_of(snapshot, id, out) {
                if r.nomination.category != cat.id {
                    out.push(Refusal::WrongCategory {
                        nomination: id.clone(),
                        category: r.nomination.category.clone(),
                        expected: cat.id.clone(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, EvaluationKind, Evidence, Exception, Mark, Opinion, Supervisor};
    use crate::rules::fixture::*;

    fn check(s: &Snapshot, actor: &str, action: &Action, d: NaiveDate) -> Vec<String> {
        let m = s.member(actor).cloned().unwrap_or_else(|| Member {
            id: actor.into(),
            ..s.members[0].clone()
        });
        match check_action(s, &m, action, d) {
            Ok(()) => vec![],
            Err(v) => v.iter().map(Refusal::rule).collect(),
        }
    }

    #[test]
    fn open_every_action_needs_a_known_member() {
        // OPEN: an unknown actor is refused, whatever roles the passed struct claims
        let s = snapshot();
        let act = Action::Nominate(nomination("w", "window", "town-b"));
        assert_eq!(check(&s, "clerk-b", &act, day(6, 20)), Vec::<String>::new());
        assert_eq!(check(&s, "mallory", &act, day(6, 20)), ["OPEN"]);
        let e = check_action(
            &s,
            &Member {
                id: "mallory".into(),
                ..s.members[0].clone()
            },
            &act,
            day(6, 20),
        )
        .unwrap_err();
        assert!(e[0].message(true).contains("mallory"));
    }

    #[test]
    fn reg_deadline_late_nomination_refused_unless_exception() {
        // REG-DEADLINE through check_action; an update of an existing id is not a registration
        let mut s = snapshot();
        let act = Action::Nominate(nomination("late", "window", "town-b"));
        assert_eq!(check(&s, "clerk-b", &act, day(7, 3)), ["REG-DEADLINE"]);
        s.rulings.exceptions.push(Exception {
            nomination: "late".into(),
            rule: REG_DEADLINE.into(),
            until: day(7, 5),
            reason: "flood".into(),
            by: "chair".into(),
            date: day(7, 1),
        });
        assert!(check(&s, "clerk-b", &act, day(7, 3)).is_empty());
        add(&mut s, nomination("w", "window", "town-a"));
        let update = Action::Nominate(nomination("w", "window", "town-a"));
        assert!(check(&s, "clerk-a", &update, day(9, 3)).is_empty());
        // and after review, no phase allows a nomination at all
        assert_eq!(check(&s, "clerk-a", &update, day(12, 3)), ["PHASES"]);
    }

    #[test]
    fn form_deadline_exception_also_lifts_the_phase_clock() {
        // FORM-DEADLINE
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let act = Action::FileForm {
            nomination: "w".into(),
            date: day(12, 2),
        };
        assert!(check(
            &s,
            "clerk-b",
            &Action::FileForm {
                nomination: "w".into(),
                date: day(11, 30)
            },
            day(11, 30)
        )
        .is_empty());
        let r = check(&s, "clerk-b", &act, day(12, 2));
        assert!(
            r.contains(&"FORM-DEADLINE".to_string()) && r.contains(&"PHASES".to_string()),
            "{r:?}"
        );
        s.rulings.exceptions.push(Exception {
            nomination: "w".into(),
            rule: FORM_DEADLINE.into(),
            until: day(12, 3),
            reason: "copies lost in the post".into(),
            by: "chair".into(),
            date: day(12, 1),
        });
        assert!(check(&s, "clerk-b", &act, day(12, 2)).is_empty());
        // a Nominate that changes form_filed after the deadline is held to it too
        let mut n = nomination("w", "window", "town-b");
        n.form_filed = Some(day(12, 9));
        s.rulings.exceptions.clear();
        let r = check(&s, "clerk-b", &Action::Nominate(n), day(11, 5));
        assert_eq!(r, ["FORM-DEADLINE"]);
    }

    #[test]
    fn activity_reports_and_supervisors_during_build() {
        // ACTIVITY: allowed in mobilise/build, refused in the notice phase; unit clerk only
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let act = Action::Activity {
            nomination: "w".into(),
            activity: Activity {
                date: day(8, 1),
                summary: "service week".into(),
            },
        };
        assert!(check(&s, "clerk-b", &act, day(8, 2)).is_empty());
        assert_eq!(check(&s, "clerk-b", &act, day(12, 2)), ["PHASES"]);
        assert_eq!(check(&s, "clerk-a", &act, day(8, 2)), ["ROLES"]);
        assert!(
            check(&s, "clerk", &act, day(8, 2)).is_empty(),
            "office clerk acts for any unit"
        );
        let sup = Action::Supervisor {
            nomination: "w".into(),
            supervisor: Supervisor {
                name: "".into(),
                affiliation: "人大代表".into(),
            },
        };
        assert_eq!(check(&s, "clerk-b", &sup, day(8, 2)), ["ACTIVITY"]);
    }

    #[test]
    fn scores_refused_for_conflicts_unknown_criteria_and_out_of_range() {
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-a"));
        let c = s.campaign.category("window").unwrap().clone();
        let act = |sc| Action::Score {
            nomination: "w".into(),
            score: sc,
        };
        let ok = uniform_score(&c, "r2", 0.8);
        assert!(check(&s, "r2", &act(ok.clone()), day(10, 5)).is_empty());
        assert_eq!(check(&s, "r2", &act(ok.clone()), day(8, 5)), ["PHASES"]);
        // r1 belongs to town-a
        assert_eq!(
            check(&s, "r1", &act(uniform_score(&c, "r1", 0.8)), day(10, 5)),
            ["CONFLICT"]
        );
        let mut bad = ok.clone();
        bad.marks.insert("W99".into(), Mark::Points(1.0));
        bad.marks.insert("W1".into(), Mark::Points(11.0));
        assert_eq!(
            check(&s, "r2", &act(bad), day(10, 5)),
            ["RECORD", "REFERENCE"]
        );
        let nomination_unknown = Action::Score {
            nomination: "nope".into(),
            score: ok,
        };
        assert_eq!(
            check(&s, "r2", &nomination_unknown, day(10, 5)),
            ["REFERENCE"]
        );
    }

    #[test]
    fn spot_check_and_routine_evaluations_by_committee_members() {
        // SPOT-CHECK, ROUTINE-EVAL: evaluations are recorded in build and review by reviewers, as author
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let ev = |author: &str, rating| Action::Evaluate {
            nomination: "w".into(),
            evaluation: evaluation(
                author,
                EvaluationKind::Unannounced,
                day(10, 5),
                Some(rating),
            ),
        };
        assert!(check(&s, "r2", &ev("r2", 85.0), day(10, 5)).is_empty());
        assert!(check(&s, "chair", &ev("chair", 85.0), day(10, 5)).is_empty());
        assert_eq!(check(&s, "r2", &ev("r3", 85.0), day(10, 5)), ["ROLES"]);
        assert_eq!(check(&s, "r2", &ev("r2", 120.0), day(10, 5)), ["RECORD"]);
        assert_eq!(check(&s, "r2", &ev("r2", 85.0), day(12, 5)), ["PHASES"]);
        assert_eq!(
            check(&s, "clerk", &ev("clerk", 85.0), day(10, 5)),
            ["ROLES"]
        );
    }

    #[test]
    fn evidence_references_must_be_non_empty() {
        // EVIDENCE
        let s = snapshot();
        let mut n = nomination("w", "window", "town-b");
        n.evidence.push(Evidence {
            title: "photo".into(),
            reference: "  ".into(),
        });
        assert_eq!(
            check(&s, "clerk-b", &Action::Nominate(n.clone()), day(6, 20)),
            ["EVIDENCE"]
        );
        n.evidence.pop();
        n.deeds = String::new();
        assert_eq!(
            check(&s, "clerk-b", &Action::Nominate(n), day(6, 20)),
            ["EVIDENCE"]
        );
    }

    #[test]
    fn nominate_checks_scope_quota_and_references() {
        // QUOTA, SCOPE-STAR through check_action
        let mut s = snapshot();
        add(&mut s, nomination("a1", "star", "town-a"));
        let r = check(
            &s,
            "clerk-a",
            &Action::Nominate(nomination("a2", "star", "town-a")),
            day(6, 21),
        );
        assert_eq!(r, ["QUOTA"]);
        let mut n = nomination("a3", "star", "town-b");
        n.nominee.front_line = false;
        assert_eq!(
            check(&s, "clerk-b", &Action::Nominate(n), day(6, 21)),
            ["SCOPE-STAR"]
        );
        let mut n = nomination("Bad/Id", "star", "town-b");
        n.category = "十佳服務明星".into();
        let r = check(&s, "clerk-b", &Action::Nominate(n), day(6, 21));
        assert_eq!(r, ["REFERENCE", "REFERENCE"], "bad id and alias");
    }

    #[test]
    fn opinions_need_a_known_department_and_a_reason_for_veto() {
        // GATE-VETO, DEPT-OPINIONS
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let op = |dept: &str, stance, reason: &str| Action::Opinion {
            nomination: "w".into(),
            opinion: Opinion {
                reason: reason.into(),
                ..opinion(dept, stance)
            },
        };
        use crate::model::Stance::*;
        assert!(check(&s, "clerk", &op("xinfang", Approve, ""), day(11, 5)).is_empty());
        assert_eq!(
            check(&s, "clerk", &op("xinfang", Veto, ""), day(11, 5)),
            ["GATE-VETO"]
        );
        assert_eq!(
            check(&s, "clerk", &op("police", Approve, ""), day(11, 5)),
            ["REFERENCE"]
        );
        assert_eq!(
            check(&s, "r2", &op("xinfang", Approve, ""), day(11, 5)),
            ["ROLES", "ROLES"]
        );
    }

    #[test]
    fn chair_actions_any_time_and_only_by_the_chair() {
        // PHASES: an override is the chair's own action, allowed any time
        let s = snapshot();
        let ov = Action::Override(crate::model::PhaseOverride {
            phase: "review".into(),
            start: day(9, 1),
            end: day(12, 5),
            reason: "late start".into(),
            by: "chair".into(),
            date: day(12, 20),
        });
        assert!(check(&s, "chair", &ov, day(12, 20)).is_empty());
        assert_eq!(check(&s, "clerk", &ov, day(12, 20)), ["ROLES", "ROLES"]);
        let mut members = s.members.clone();
        members.retain(|m| m.id != "chair");
        assert_eq!(
            check(&s, "chair", &Action::Members(members), day(1, 1)),
            ["SETUP"]
        );
    }

    #[test]
    fn setup_needs_a_chair_actor() {
        let c = campaign();
        assert!(check_setup("chair", &c, &members(), &units()).is_ok());
        assert!(check_setup("clerk", &c, &members(), &units()).is_err());
        let mut newer = c.clone();
        newer.format = FORMAT + 1;
        let e = check_setup("chair", &newer, &members(), &units()).unwrap_err();
        assert_eq!(e[0].rule(), "SETUP");
    }
}
