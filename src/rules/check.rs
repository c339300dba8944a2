//! `check_action`: the single entry point the store calls before writing an action.
//! It combines, and reports together, every refusal that applies:
//! OPEN (a known member acts), PHASES, REG-DEADLINE, FORM-DEADLINE, roles, scope,
//! QUOTA, conflicts, EVIDENCE, the notice and objection rules (CANDIDATES), FRAUD,
//! NO-FILLER, COMMEND and references (unknown nomination, criterion, department…).
//! Roles are read from the snapshot's `members.ron`, not from the `actor` passed in.

use chrono::NaiveDate;

use crate::model::{
    validate_id, Action, Campaign, Category, Member, Nomination, Record, Role, Snapshot, Stance,
    Unit, FORMAT,
};

use super::conflict::check_conflict;
use super::deadline::{check_form, check_registration, FORM_DEADLINE, REG_DEADLINE};
use super::notice::{check_decide, check_object, check_publish, check_resolve};
use super::phase::check_action_phase;
use super::quota::check_quota;
use super::refusal::{RefKind, Refusal};
use super::roles::check_roles;
use super::scope::check_scope;

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
    ids_ok(units.iter().map(|u| u.id.as_str()))
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

fn category_exact<'a>(
    snapshot: &'a Snapshot,
    given: &str,
    out: &mut Vec<Refusal>,
) -> Option<&'a Category> {
    match snapshot.campaign.category(given) {
        None => {
            out.push(Refusal::Unknown {
                what: RefKind::Category,
                id: given.to_string(),
            });
            None
        }
        Some(c) if c.id != given => {
            out.push(Refusal::CategoryAlias {
                given: given.to_string(),
                id: c.id.clone(),
            });
            None
        }
        Some(c) => Some(c),
    }
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
    if existing.is_none() {
        if let Err(r) = check_registration(&snapshot.campaign, &snapshot.rulings, &n.id, day) {
            out.push(r);
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
            if let Some(r) = record_of(snapshot, nomination, &mut out) {
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
        Action::Evaluate {
            nomination,
            evaluation,
        } => {
            if let Some(r) = record_of(snapshot, nomination, &mut out) {
                if let Err(c) = check_conflict(actor, &r.nomination) {
                    out.push(c);
                }
            }
            percent("evaluation.rating", evaluation.rating, &mut out);
            percent(
                "evaluation.knowledge_rate",
                evaluation.knowledge_rate,
                &mut out,
            );
            percent(
                "evaluation.service_satisfaction",
                evaluation.service_satisfaction,
                &mut out,
            );
        }
        Action::Opinion {
            nomination,
            opinion,
        } => {
            record_of(snapshot, nomination, &mut out);
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
        Action::Override(o) => {
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
        Action::Exception(e) => {
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
                record_of(snapshot, &e.nomination, &mut out);
            }
            if e.reason.trim().is_empty() {
                out.push(empty(&e.rule, "exception.reason"));
            }
        }
        Action::TieOrder { category, order } => {
            if let Some(cat) = category_exact(snapshot, category, &mut out) {
                for (i, id) in order.iter().enumerate() {
                    if order[..i].contains(id) {
                        out.push(Refusal::Duplicate { id: id.clone() });
                    } else if let Some(r) = record_of(snapshot, id, &mut out) {
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
        Action::Members(members) => out.extend(check_members(members)),
        Action::Units(units) => out.extend(check_units(units)),
        Action::Campaign(c) => out.extend(check_campaign(c)),
    }
    out
}
