//! CANDIDATE-NEEDS: what a candidate decision needs besides the gates (四、3: 「11月底…
//! 上報…申報表(一式三份),評委會將集中進行實地考察、座談走訪、民主測評,并在…基礎上,確定候選
//! 名單」): the filed application form, the democratic-evaluation votes and one committee
//! evaluation of every kind the campaign requires (`campaign.candidate_needs`; by
//! default a site visit and an interview). An evaluation counts only when its author is
//! a known member without a conflict with the nomination.
//!
//! NOTICE-RECHECK: publishing the notice and fixing the final list re-check every gate
//! at that moment; [`recheck`] lists what keeps a candidate off the notice.

use serde::Serialize;

use crate::model::{EvaluationKind, Record, Snapshot};

use super::conflict::author_counts;
use super::refusal::Refusal;
use super::text::pick;

/// One thing a candidate decision still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "need", rename_all = "snake_case")]
pub enum Need {
    /// The application form (申報表) is not filed.
    ApplicationForm,
    /// No democratic-evaluation (民主測評) vote is recorded.
    Votes,
    /// No counting committee evaluation of this kind.
    Assessment { kind: EvaluationKind },
}

/// The name of an evaluation kind, in Chinese when `zh`.
pub fn evaluation_kind_name(kind: EvaluationKind, zh: bool) -> &'static str {
    match (kind, zh) {
        (EvaluationKind::Routine, true) => "日常測評",
        (EvaluationKind::Routine, false) => "routine evaluation",
        (EvaluationKind::Unannounced, true) => "明察暗訪",
        (EvaluationKind::Unannounced, false) => "unannounced inspection",
        (EvaluationKind::SiteVisit, true) => "實地考察",
        (EvaluationKind::SiteVisit, false) => "site visit",
        (EvaluationKind::Interview, true) => "座談走訪",
        (EvaluationKind::Interview, false) => "interview",
    }
}

impl Need {
    pub fn message(&self, zh: bool) -> String {
        match self {
            Need::ApplicationForm => pick(
                zh,
                "申報表未報送".into(),
                "the application form is not filed".into(),
            ),
            Need::Votes => pick(
                zh,
                "尚無民主測評票數".into(),
                "no democratic-evaluation votes".into(),
            ),
            Need::Assessment { kind } => pick(
                zh,
                format!("尚無評委會{}記錄", evaluation_kind_name(*kind, true)),
                format!(
                    "no committee {} recorded",
                    evaluation_kind_name(*kind, false)
                ),
            ),
        }
    }
}

/// What `record` still lacks for a candidate decision, in the campaign's order.
pub fn missing_needs(snapshot: &Snapshot, record: &Record) -> Vec<Need> {
    let needs = &snapshot.campaign.candidate_needs;
    let n = &record.nomination;
    let mut out = Vec::new();
    if needs.application_form && n.form_filed.is_none() {
        out.push(Need::ApplicationForm);
    }
    if needs.votes && record.votes.as_ref().is_none_or(|v| v.total() == 0) {
        out.push(Need::Votes);
    }
    for (i, kind) in needs.assessments.iter().enumerate() {
        if needs.assessments[..i].contains(kind) {
            continue;
        }
        let done = record
            .evaluations
            .values()
            .any(|e| e.kind == *kind && author_counts(&snapshot.members, n, &e.author));
        if !done {
            out.push(Need::Assessment { kind: *kind });
        }
    }
    out
}

/// CANDIDATE-NEEDS: the refusal of a candidate decision on `record`, if it lacks anything.
pub fn check_needs(snapshot: &Snapshot, record: &Record) -> Option<Refusal> {
    let missing = missing_needs(snapshot, record);
    (!missing.is_empty()).then(|| Refusal::CandidateNeeds {
        nomination: record.nomination.id.clone(),
        missing,
    })
}

/// NOTICE-RECHECK: everything that keeps the candidate `record` off a notice (or off
/// the final list) now: a gate, a veto, a missing opinion, an upheld or open objection
/// (a fraud report included), a score below the minimum, a lacking need.
pub fn recheck(snapshot: &Snapshot, record: &Record) -> Vec<Refusal> {
    let mut out = super::decide::candidate_refusals(snapshot, record);
    let open = super::objection::open_objections(record);
    if !open.is_empty() {
        out.push(Refusal::ObjectionsOpen {
            nomination: record.nomination.id.clone(),
            objections: open,
        });
    }
    out
}

/// NOTICE-RECHECK: the default candidate list of a notice on category
/// `category`: every nomination decided Candidate there that passes the
/// recheck now, in id order; and, for each kept off, why (a
/// [`Refusal::Recheck`]). The CLI's `publish` and the TUI's form both use it.
pub fn notice_candidates(snapshot: &Snapshot, category: &str) -> (Vec<String>, Vec<Refusal>) {
    let mut on = Vec::new();
    let mut off = Vec::new();
    for r in snapshot.records.values().filter(|r| {
        r.nomination.category == category
            && r.decision
                .as_ref()
                .is_some_and(|d| d.outcome == crate::model::Outcome::Candidate)
    }) {
        match recheck(snapshot, r).into_iter().next() {
            None => on.push(r.nomination.id.clone()),
            Some(why) => off.push(Refusal::Recheck {
                nomination: r.nomination.id.clone(),
                reason: Box::new(why),
            }),
        }
    }
    (on, off)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Conflict, ObjectionStatus, Outcome, Stance};
    use crate::rules::check::check_action;
    use crate::rules::fixture::*;

    #[test]
    fn candidate_needs_form_votes_and_required_assessments() {
        // CANDIDATE-NEEDS
        let mut s = snapshot();
        complete(&mut s, "w", "window", "town-b", 0.9);
        assert_eq!(missing_needs(&s, &s.records["w"]), vec![]);
        let r = s.records.get_mut("w").unwrap();
        r.nomination.form_filed = None;
        r.votes = None;
        r.evaluations
            .retain(|_, e| e.kind != EvaluationKind::SiteVisit);
        let missing = missing_needs(&s, &s.records["w"]);
        assert_eq!(
            missing,
            vec![
                Need::ApplicationForm,
                Need::Votes,
                Need::Assessment {
                    kind: EvaluationKind::SiteVisit
                }
            ]
        );
        let refusal = check_needs(&s, &s.records["w"]).unwrap();
        assert_eq!(refusal.rule(), "CANDIDATE-NEEDS");
        let zh = refusal.message(true);
        assert!(zh.contains("申報表") && zh.contains("民主測評") && zh.contains("實地考察"));
        assert!(!zh.contains("座談走訪"), "{zh}");
        // the campaign decides what it requires
        s.campaign.candidate_needs.application_form = false;
        s.campaign.candidate_needs.votes = false;
        s.campaign.candidate_needs.assessments = vec![EvaluationKind::Interview];
        assert_eq!(missing_needs(&s, &s.records["w"]), vec![]);
    }

    fn rules(s: &Snapshot, actor: &str, action: &Action, d: chrono::NaiveDate) -> Vec<String> {
        let m = s.member(actor).unwrap().clone();
        match check_action(s, &m, action, d) {
            Ok(()) => vec![],
            Err(v) => v.iter().map(Refusal::rule).collect(),
        }
    }

    fn candidates(s: &mut Snapshot, ids: &[&str]) {
        for (i, id) in ids.iter().enumerate() {
            complete(s, id, "window", &format!("win-{i}"), 0.9);
            s.records.get_mut(*id).unwrap().decision =
                Some(decision(Outcome::Candidate, "chair", day(11, 20)));
        }
    }

    #[test]
    fn candidate_needs_refuses_the_decision_through_check_action() {
        // CANDIDATE-NEEDS
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        let decide = Action::Decide {
            nomination: "w".into(),
            decision: decision(Outcome::Candidate, "chair", day(11, 25)),
        };
        assert!(rules(&s, "chair", &decide, day(11, 25)).is_empty());
        s.records
            .get_mut("w")
            .unwrap()
            .evaluations
            .retain(|_, e| e.kind != EvaluationKind::Interview);
        assert_eq!(
            rules(&s, "chair", &decide, day(11, 25)),
            ["CANDIDATE-NEEDS"]
        );
        let m = s.member("chair").unwrap().clone();
        let e = check_action(&s, &m, &decide, day(11, 25)).unwrap_err();
        assert!(
            e[0].message(false).contains("interview"),
            "{}",
            e[0].message(false)
        );
    }

    #[test]
    fn notice_recheck_keeps_a_veto_or_fraud_report_after_candidacy_off_the_notice() {
        // NOTICE-RECHECK
        let mut s = snapshot();
        candidates(&mut s, &["a", "b", "c", "d"]);
        let publish = |ids: &[&str]| Action::Publish(notice("window", ids, day(12, 1)));
        assert!(rules(&s, "chair", &publish(&["a", "b", "c", "d"]), day(12, 1)).is_empty());
        // after the candidate decisions: a veto on a, a fraud report on b, an objection on c
        s.records
            .get_mut("a")
            .unwrap()
            .opinions
            .insert("xinfang".into(), opinion("xinfang", Stance::Veto));
        s.records
            .get_mut("b")
            .unwrap()
            .objections
            .insert("20171125-1".into(), objection(true, ObjectionStatus::Open));
        s.records
            .get_mut("c")
            .unwrap()
            .objections
            .insert("20171125-2".into(), objection(false, ObjectionStatus::Open));
        let r = rules(&s, "chair", &publish(&["a", "b", "c", "d"]), day(12, 1));
        assert_eq!(r, ["NOTICE-RECHECK"; 3], "{r:?}");
        let m = s.member("chair").unwrap().clone();
        let e = check_action(&s, &m, &publish(&["a", "b", "c", "d"]), day(12, 1)).unwrap_err();
        assert!(
            e[0].message(false).contains("GATE-VETO"),
            "{}",
            e[0].message(false)
        );
        let named: Vec<&str> = e
            .iter()
            .filter_map(|x| match x {
                Refusal::Recheck { nomination, .. } => Some(nomination.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(named, ["a", "b", "c"]);
        assert!(rules(&s, "chair", &publish(&["d"]), day(12, 1)).is_empty());
    }

    #[test]
    fn notice_recheck_the_final_list_re_checks_every_gate() {
        // NOTICE-RECHECK: `final` re-checks the gates, the veto, objections and needs
        let mut s = snapshot();
        candidates(&mut s, &["a", "b"]);
        s.rulings
            .notices
            .push(notice("window", &["a", "b"], day(12, 1)));
        let fin = |id: &str| Action::Decide {
            nomination: id.into(),
            decision: decision(Outcome::Final, "chair", day(12, 9)),
        };
        assert!(rules(&s, "chair", &fin("a"), day(12, 9)).is_empty());
        s.records
            .get_mut("a")
            .unwrap()
            .opinions
            .insert("anquan".into(), opinion("anquan", Stance::Veto));
        assert_eq!(rules(&s, "chair", &fin("a"), day(12, 9)), ["GATE-VETO"]);
        s.records.get_mut("b").unwrap().votes = None;
        assert_eq!(
            rules(&s, "chair", &fin("b"), day(12, 9)),
            ["CANDIDATE-NEEDS"]
        );
    }

    #[test]
    fn candidate_needs_a_conflicted_assessor_does_not_count() {
        // CANDIDATE-NEEDS: the interview by a member with a declared conflict is no interview
        let mut s = snapshot();
        complete(&mut s, "w", "window", "town-b", 0.9);
        let r4 = s.members.iter_mut().find(|m| m.id == "r4").unwrap();
        r4.conflicts.push(Conflict {
            unit: None,
            nomination: Some("w".into()),
            reason: "brother works there".into(),
        });
        assert_eq!(
            missing_needs(&s, &s.records["w"]),
            vec![Need::Assessment {
                kind: EvaluationKind::Interview
            }]
        );
    }
}
