//! FREEZE: once the chair has decided a nomination (a candidate decision or any
//! later outcome), the committee's assessment of it (scores, evaluations,
//! democratic-evaluation votes, and the withdrawal of a score) is frozen. The
//! chair may reopen it with a recorded reason (`Decision::reopened`); the
//! reopening lasts until the chair decides again, since a new decision is written
//! without one. Departments' opinions, objections and fraud reports are not the
//! committee's assessment and may still arrive (NOTICE-RECHECK).
//!
//! Also here: the `reopen` and `withdraw` actions' own conditions.

use crate::model::{Action, Decision, Record, Snapshot};

use super::refusal::Refusal;

/// The decision that freezes `record`, if it is frozen now.
pub fn frozen_by(record: &Record) -> Option<&Decision> {
    record.decision.as_ref().filter(|d| d.reopened.is_none())
}

/// FREEZE and the conditions of `reopen` and `withdraw` for `action`.
pub fn check_freeze(snapshot: &Snapshot, action: &Action) -> Vec<Refusal> {
    let mut out = Vec::new();
    let Some(id) = action.nomination() else {
        return out;
    };
    let Some(record) = snapshot.record(id) else {
        // An unknown nomination is refused elsewhere (REFERENCE).
        return out;
    };
    match action {
        Action::Score { .. }
        | Action::Evaluate { .. }
        | Action::Vote { .. }
        | Action::Withdraw { .. } => {
            if let Some(d) = frozen_by(record) {
                out.push(Refusal::Frozen {
                    nomination: id.to_string(),
                    action: action.kind(),
                    outcome: d.outcome,
                    decided: d.date,
                });
            }
            if let Action::Withdraw { reviewer, .. } = action {
                if !record.scores.contains_key(reviewer) {
                    out.push(Refusal::NoScore {
                        nomination: id.to_string(),
                        reviewer: reviewer.clone(),
                    });
                }
            }
        }
        Action::Reopen { reason, .. } => {
            if frozen_by(record).is_none() {
                out.push(Refusal::NotFrozen {
                    nomination: id.to_string(),
                });
            }
            if reason.trim().is_empty() {
                out.push(Refusal::EmptyField {
                    rule: "FREEZE".into(),
                    field: "reopen.reason".into(),
                });
            }
        }
        Action::Decide { decision, .. } if decision.reopened.is_some() => {
            out.push(Refusal::DecisionReopened);
        }
        Action::Setup { .. }
        | Action::Nominate(_)
        | Action::Activity { .. }
        | Action::Supervisor { .. }
        | Action::FileForm { .. }
        | Action::Opinion { .. }
        | Action::Object { .. }
        | Action::Resolve { .. }
        | Action::Decide { .. }
        | Action::Publish(_)
        | Action::Override(_)
        | Action::Exception(_)
        | Action::TieOrder { .. }
        | Action::Members(_)
        | Action::Units(_)
        | Action::Campaign(_) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EvaluationKind, Member, Outcome, Reopening, Stance};
    use crate::rules::check_action;
    use crate::rules::fixture::*;
    use chrono::NaiveDate;

    fn check(s: &Snapshot, actor: &str, action: &Action, d: NaiveDate) -> Vec<String> {
        let m: Member = s.member(actor).cloned().expect("member");
        match check_action(s, &m, action, d) {
            Ok(()) => vec![],
            Err(v) => v.iter().map(Refusal::rule).collect(),
        }
    }

    /// A window entry of town-b with r2's score and a candidate decision.
    fn decided() -> Snapshot {
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let c = s.campaign.category("window").expect("window").clone();
        let r = s.records.get_mut("w").expect("w");
        r.scores.insert("r2".into(), uniform_score(&c, "r2", 0.8));
        r.decision = Some(decision(Outcome::Candidate, "chair", day(11, 20)));
        s
    }

    fn score(s: &Snapshot) -> Action {
        let c = s.campaign.category("window").expect("window");
        Action::Score {
            nomination: "w".into(),
            score: uniform_score(c, "r2", 0.9),
        }
    }

    #[test]
    fn freeze_scores_evaluations_and_votes_after_a_candidate_decision() {
        let s = decided();
        assert_eq!(check(&s, "r2", &score(&s), day(11, 25)), ["FREEZE"]);
        let ev = Action::Evaluate {
            nomination: "w".into(),
            evaluation: evaluation("r2", EvaluationKind::Routine, day(11, 25), Some(80.0)),
        };
        assert_eq!(check(&s, "r2", &ev, day(11, 25)), ["FREEZE"]);
        let vote = Action::Vote {
            nomination: "w".into(),
            votes: votes(10, 2, 1),
        };
        assert_eq!(check(&s, "clerk", &vote, day(11, 25)), ["FREEZE"]);
        let withdraw = Action::Withdraw {
            nomination: "w".into(),
            reviewer: "r2".into(),
        };
        assert_eq!(check(&s, "r2", &withdraw, day(11, 25)), ["FREEZE"]);
        // Without the decision, all of them pass.
        let mut open = s.clone();
        open.records.get_mut("w").expect("w").decision = None;
        assert!(check(&open, "r2", &score(&open), day(11, 25)).is_empty());
        assert!(check(&open, "r2", &withdraw, day(11, 25)).is_empty());
    }

    #[test]
    fn freeze_later_outcomes_freeze_too() {
        for outcome in [Outcome::Final, Outcome::Rejected, Outcome::Disqualified] {
            let mut s = decided();
            s.records.get_mut("w").expect("w").decision =
                Some(decision(outcome, "chair", day(11, 20)));
            assert_eq!(check(&s, "r2", &score(&s), day(11, 25)), ["FREEZE"]);
        }
    }

    #[test]
    fn freeze_opinions_and_objections_still_arrive() {
        let s = decided();
        let op = Action::Opinion {
            nomination: "w".into(),
            opinion: opinion("xinfang", Stance::Approve),
        };
        assert!(check(&s, "clerk", &op, day(11, 25)).is_empty());
        assert!(check_freeze(
            &s,
            &Action::Object {
                nomination: "w".into(),
                objection: objection(true, crate::model::ObjectionStatus::Open),
            }
        )
        .is_empty());
    }

    #[test]
    fn freeze_reopen_by_the_chair_with_a_reason_lifts_it_until_the_next_decision() {
        let mut s = decided();
        let reopen = |reason: &str| Action::Reopen {
            nomination: "w".into(),
            reason: reason.into(),
            date: day(11, 25),
        };
        assert!(check(&s, "chair", &reopen("recount"), day(11, 25)).is_empty());
        assert_eq!(check(&s, "chair", &reopen("  "), day(11, 25)), ["FREEZE"]);
        assert_eq!(check(&s, "r2", &reopen("recount"), day(11, 25)), ["ROLES"]);
        // Reopened: the score is accepted again, and a second reopen is refused.
        s.records
            .get_mut("w")
            .and_then(|r| r.decision.as_mut())
            .expect("decision")
            .reopened = Some(Reopening {
            by: "chair".into(),
            date: day(11, 25),
            reason: "recount".into(),
        });
        assert!(check(&s, "r2", &score(&s), day(11, 26)).is_empty());
        assert_eq!(
            check(&s, "chair", &reopen("again"), day(11, 26)),
            ["FREEZE"]
        );
        // Nothing decided: nothing to reopen.
        s.records.get_mut("w").expect("w").decision = None;
        assert_eq!(
            check(&s, "chair", &reopen("recount"), day(11, 26)),
            ["FREEZE"]
        );
        // A decision is written without a reopening.
        let mut d = decision(Outcome::Candidate, "chair", day(11, 27));
        d.reopened = Some(Reopening {
            by: "chair".into(),
            date: day(11, 27),
            reason: "x".into(),
        });
        let decide = Action::Decide {
            nomination: "w".into(),
            decision: d,
        };
        assert!(check_freeze(&s, &decide).contains(&Refusal::DecisionReopened));
    }

    #[test]
    fn freeze_withdraw_only_ones_own_existing_score_while_scoring_is_open() {
        let mut s = decided();
        s.records.get_mut("w").expect("w").decision = None;
        let withdraw = |who: &str| Action::Withdraw {
            nomination: "w".into(),
            reviewer: who.into(),
        };
        assert!(check(&s, "r2", &withdraw("r2"), day(11, 25)).is_empty());
        assert_eq!(check(&s, "r3", &withdraw("r2"), day(11, 25)), ["ROLES"]);
        assert_eq!(check(&s, "r3", &withdraw("r3"), day(11, 25)), ["REFERENCE"]);
        assert_eq!(check(&s, "r2", &withdraw("r2"), day(12, 25)), ["PHASES"]);
    }
}
