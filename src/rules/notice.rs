//! CANDIDATES: the candidate list and its public notice.
//!
//! - Candidates are the nominations whose decision is `Candidate` and that have no
//!   upheld objection (an upheld objection removes the candidate).
//! - Publishing requires at least one name, and every name must be a candidate of
//!   that category; the notice may not be dated before the day it is published.
//! - A nomination's notice is the latest published notice of its category that lists
//!   it. Objections are taken on `published ..= published + notice_days − 1`
//!   ([`super::objection`]).
//! - NOTICE-RECHECK: publishing re-checks every listed candidate at that moment (a
//!   veto, fraud report or open objection recorded after the candidate decision keeps
//!   it off the notice); `Final` re-checks the same ([`super::decide`]).
//!
//! Objections live in [`super::objection`] and the chair's decisions and the final
//! list in [`super::decide`]; their names are re-exported here for the paths
//! callers already use.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::model::{Notice, Outcome, Record, Snapshot};

use super::refusal::{RefKind, Refusal};
use super::scope::category_exact;

pub use super::decide::{candidate_refusals, check_decide, final_list, FinalEntry, FinalList};
pub use super::objection::{
    check_object, check_resolve, fraud_disqualification, open_objections, upheld_objection,
};

/// First and last day objections are taken for `notice`. With `notice_days` 0 the
/// window is empty (`last < first`).
pub fn notice_window(notice: &Notice, notice_days: u32) -> (NaiveDate, NaiveDate) {
    let first = notice.published;
    let last = if notice_days == 0 {
        first.pred_opt().unwrap_or(first)
    } else {
        first
            .checked_add_days(Days::new(u64::from(notice_days) - 1))
            .unwrap_or(NaiveDate::MAX)
    };
    (first, last)
}

/// The latest published notice of `category` that lists `nomination`.
pub fn notice_of<'a>(
    snapshot: &'a Snapshot,
    category: &str,
    nomination: &str,
) -> Option<&'a Notice> {
    snapshot
        .rulings
        .notices
        .iter()
        .filter(|n| n.category == category && n.candidates.iter().any(|c| c == nomination))
        .max_by_key(|n| n.published)
}

/// The latest notice of a category and where it stands on `day`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeState {
    pub category: String,
    pub published: NaiveDate,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub candidates: Vec<String>,
    /// Objections are being taken on `day`.
    pub running: bool,
    /// The notice period is over on `day`.
    pub over: bool,
}

pub fn notice_state(snapshot: &Snapshot, notice: &Notice, day: NaiveDate) -> NoticeState {
    let (first_day, last_day) = notice_window(notice, snapshot.campaign.notice_days);
    NoticeState {
        category: notice.category.clone(),
        published: notice.published,
        first_day,
        last_day,
        candidates: notice.candidates.clone(),
        running: first_day <= day && day <= last_day,
        over: day > last_day,
    }
}

/// The latest notice of `category`, if any, on `day`.
pub fn category_notice(snapshot: &Snapshot, category: &str, day: NaiveDate) -> Option<NoticeState> {
    snapshot
        .rulings
        .notices
        .iter()
        .filter(|n| n.category == category)
        .max_by_key(|n| n.published)
        .map(|n| notice_state(snapshot, n, day))
}

pub(super) fn is_outcome(record: &Record, outcome: Outcome) -> bool {
    record
        .decision
        .as_ref()
        .is_some_and(|d| d.outcome == outcome)
}

/// CANDIDATES: the candidates of `category` (decision Candidate, no upheld objection).
pub fn candidates(snapshot: &Snapshot, category: &str) -> Vec<String> {
    snapshot
        .records
        .iter()
        .filter(|(_, r)| r.nomination.category == category)
        .filter(|(_, r)| is_outcome(r, Outcome::Candidate) && upheld_objection(r).is_none())
        .map(|(id, _)| id.clone())
        .collect()
}

/// Refusals of publishing `notice` on `day`.
pub fn check_publish(snapshot: &Snapshot, notice: &Notice, day: NaiveDate) -> Vec<Refusal> {
    let mut out = Vec::new();
    let Some(cat) = category_exact(snapshot, &notice.category, &mut out).map(|c| c.id.clone())
    else {
        return out;
    };
    if notice.candidates.is_empty() {
        out.push(Refusal::PublishWithoutCandidates {
            category: cat.clone(),
        });
    }
    if notice.published < day {
        out.push(Refusal::BackdatedNotice {
            published: notice.published,
            day,
        });
    }
    let listed = candidates(snapshot, &cat);
    for (i, id) in notice.candidates.iter().enumerate() {
        if notice.candidates[..i].contains(id) {
            out.push(Refusal::Duplicate { id: id.clone() });
            continue;
        }
        match snapshot.record(id) {
            None => out.push(Refusal::Unknown {
                what: RefKind::Nomination,
                id: id.clone(),
            }),
            Some(r) if r.nomination.category != cat => out.push(Refusal::WrongCategory {
                nomination: id.clone(),
                category: r.nomination.category.clone(),
                expected: cat.clone(),
            }),
            Some(_) if !listed.contains(id) => out.push(Refusal::NotCandidate {
                nomination: id.clone(),
            }),
            // NOTICE-RECHECK: only an entry that passes every gate now goes on the notice.
            Some(r) => out.extend(
                super::needs::recheck(snapshot, r)
                    .into_iter()
                    .map(|reason| Refusal::Recheck {
                        nomination: id.clone(),
                        reason: Box::new(reason),
                    }),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Decision, Member, Objection, ObjectionStatus, Resolution};
    use crate::rules::check::check_action;
    use crate::rules::fixture::*;

    fn rules(s: &Snapshot, actor: &str, action: &Action, d: NaiveDate) -> Vec<String> {
        let m: Member = s.member(actor).unwrap().clone();
        match check_action(s, &m, action, d) {
            Ok(()) => vec![],
            Err(v) => v.iter().map(|r| r.rule()).collect(),
        }
    }

    fn decide(id: &str, outcome: Outcome, d: NaiveDate) -> Action {
        Action::Decide {
            nomination: id.into(),
            decision: decision(outcome, "chair", d),
        }
    }

    fn object(id: &str, fraud: bool) -> Action {
        Action::Object {
            nomination: id.into(),
            objection: objection(fraud, ObjectionStatus::Open),
        }
    }

    /// Two complete window entries, both decided Candidate, published on 12-01.
    fn published() -> Snapshot {
        let mut s = snapshot();
        complete(&mut s, "w1", "window", "win-1", 0.9);
        complete(&mut s, "w2", "window", "win-2", 0.8);
        for id in ["w1", "w2"] {
            s.records.get_mut(id).unwrap().decision =
                Some(decision(Outcome::Candidate, "chair", day(11, 28)));
        }
        s.rulings
            .notices
            .push(notice("window", &["w1", "w2"], day(12, 1)));
        s
    }

    #[test]
    fn candidates_decision_requires_eligibility_and_minimum() {
        // CANDIDATES, DEPT-OPINIONS, NO-FILLER: Candidate refused when not eligible
        let mut s = snapshot();
        complete(&mut s, "w1", "window", "win-1", 0.9);
        complete(&mut s, "low", "window", "win-2", 0.5);
        complete(&mut s, "open", "window", "win-3", 0.9);
        s.records
            .get_mut("open")
            .unwrap()
            .opinions
            .remove("huanbao");
        assert!(rules(
            &s,
            "chair",
            &decide("w1", Outcome::Candidate, day(11, 20)),
            day(11, 20)
        )
        .is_empty());
        assert_eq!(
            rules(
                &s,
                "chair",
                &decide("low", Outcome::Candidate, day(11, 20)),
                day(11, 20)
            ),
            ["NO-FILLER"]
        );
        assert_eq!(
            rules(
                &s,
                "chair",
                &decide("open", Outcome::Candidate, day(11, 20)),
                day(11, 20)
            ),
            ["DEPT-OPINIONS"]
        );
        assert_eq!(
            rules(
                &s,
                "clerk",
                &decide("w1", Outcome::Candidate, day(11, 20)),
                day(11, 20)
            ),
            ["ROLES", "ROLES"]
        );
    }

    #[test]
    fn candidates_publishing_requires_candidates() {
        // CANDIDATES
        let mut s = published();
        s.rulings.notices.clear();
        let publish = |ids: &[&str]| Action::Publish(notice("window", ids, day(12, 1)));
        assert!(rules(&s, "chair", &publish(&["w1", "w2"]), day(12, 1)).is_empty());
        assert_eq!(
            rules(&s, "chair", &publish(&[]), day(12, 1)),
            ["CANDIDATES"]
        );
        assert_eq!(
            rules(&s, "chair", &publish(&["w1", "w2"]), day(11, 28)),
            ["PHASES"]
        );
        s.records.get_mut("w2").unwrap().decision = None;
        assert_eq!(
            rules(&s, "chair", &publish(&["w1", "w2"]), day(12, 1)),
            ["CANDIDATES"]
        );
        assert_eq!(candidates(&s, "window"), ["w1"]);
    }

    #[test]
    fn candidates_objections_only_during_the_notice() {
        // CANDIDATES: notice 12-01..12-07 (7 days)
        let s = published();
        assert!(rules(&s, "clerk", &object("w1", false), day(12, 1)).is_empty());
        assert!(rules(&s, "clerk", &object("w1", false), day(12, 7)).is_empty());
        let late = rules(&s, "clerk", &object("w1", false), day(12, 8));
        assert_eq!(late, ["CANDIDATES"]);
        let m = s.member("clerk").unwrap();
        let e = check_action(&s, m, &object("w1", false), day(12, 8)).unwrap_err();
        assert!(
            e[0].message(false).contains("2017-12-01..2017-12-07"),
            "{}",
            e[0].message(false)
        );
        // FRAUD: a fraud report is taken at any time, even in build on an unpublished entry
        let mut s2 = snapshot();
        add(&mut s2, nomination("x", "window", "town-b"));
        assert_eq!(
            rules(&s2, "clerk", &object("x", false), day(8, 1)),
            ["PHASES", "CANDIDATES"]
        );
        assert!(rules(&s2, "clerk", &object("x", true), day(8, 1)).is_empty());
    }

    #[test]
    fn candidates_final_only_after_notice_and_without_open_objection() {
        // CANDIDATES
        let mut s = published();
        let fin = |d| decide("w1", Outcome::Final, d);
        assert_eq!(
            rules(&s, "chair", &fin(day(12, 7)), day(12, 7)),
            ["CANDIDATES"]
        );
        assert!(rules(&s, "chair", &fin(day(12, 8)), day(12, 8)).is_empty());
        s.records
            .get_mut("w1")
            .unwrap()
            .objections
            .insert("20171203-1".into(), objection(false, ObjectionStatus::Open));
        assert_eq!(
            rules(&s, "chair", &fin(day(12, 8)), day(12, 8)),
            ["CANDIDATES"]
        );
        // dismissing the objection lets it through
        let resolve = Action::Resolve {
            nomination: "w1".into(),
            objection: "20171203-1".into(),
            upheld: false,
            reason: "unfounded".into(),
            date: day(12, 8),
        };
        assert!(rules(&s, "chair", &resolve, day(12, 8)).is_empty());
        let o = s
            .records
            .get_mut("w1")
            .unwrap()
            .objections
            .get_mut("20171203-1")
            .unwrap();
        o.status = ObjectionStatus::Dismissed;
        assert!(rules(&s, "chair", &fin(day(12, 9)), day(12, 9)).is_empty());
        assert_eq!(
            rules(&s, "chair", &resolve, day(12, 9)),
            ["CANDIDATES"],
            "already resolved"
        );
        // an entry never published cannot be final
        complete(&mut s, "w3", "window", "win-3", 0.95);
        s.records.get_mut("w3").unwrap().decision =
            Some(decision(Outcome::Candidate, "chair", day(11, 28)));
        assert_eq!(
            rules(
                &s,
                "chair",
                &decide("w3", Outcome::Final, day(12, 9)),
                day(12, 9)
            ),
            ["CANDIDATES"]
        );
    }

    #[test]
    fn candidates_upheld_objection_removes_the_candidate() {
        // CANDIDATES
        let mut s = published();
        let o = s.records.get_mut("w2").unwrap();
        o.objections.insert(
            "20171203-1".into(),
            Objection {
                status: ObjectionStatus::Upheld,
                resolution: Some(Resolution {
                    by: "chair".into(),
                    date: day(12, 5),
                    reason: "confirmed".into(),
                }),
                ..objection(false, ObjectionStatus::Upheld)
            },
        );
        assert_eq!(candidates(&s, "window"), ["w1"]);
        assert_eq!(
            rules(
                &s,
                "chair",
                &decide("w2", Outcome::Final, day(12, 9)),
                day(12, 9)
            ),
            ["CANDIDATES"]
        );
    }

    #[test]
    fn fraud_disqualifies_at_any_stage_and_stays() {
        // FRAUD
        let mut s = published();
        let dq = Action::Decide {
            nomination: "w1".into(),
            decision: Decision {
                fraud: true,
                reason: "forged satisfaction survey".into(),
                ..decision(Outcome::Disqualified, "chair", day(8, 1))
            },
        };
        assert!(rules(&s, "chair", &dq, day(8, 1)).is_empty(), "any phase");
        let plain = decide("w1", Outcome::Disqualified, day(8, 1));
        assert_eq!(rules(&s, "chair", &plain, day(8, 1)), ["PHASES"]);
        let mut no_reason = dq.clone();
        if let Action::Decide { decision, .. } = &mut no_reason {
            decision.reason = " ".into();
        }
        assert_eq!(rules(&s, "chair", &no_reason, day(8, 1)), ["FRAUD"]);
        s.records.get_mut("w1").unwrap().decision = Some(Decision {
            fraud: true,
            reason: "forged satisfaction survey".into(),
            ..decision(Outcome::Disqualified, "chair", day(12, 3))
        });
        for outcome in [
            Outcome::Candidate,
            Outcome::Final,
            Outcome::Rejected,
            Outcome::Disqualified,
        ] {
            let r = rules(&s, "chair", &decide("w1", outcome, day(12, 9)), day(12, 9));
            assert_eq!(r, ["FRAUD"], "{outcome:?}");
        }
        assert_eq!(
            rules(&s, "chair", &dq, day(12, 9)),
            ["FRAUD"],
            "not even again"
        );
        let e = check_action(&s, s.member("chair").unwrap(), &dq, day(12, 9)).unwrap_err();
        assert!(e[0].message(false).contains("forged satisfaction survey"));
    }

    #[test]
    fn commend_final_list_is_ranked_selection_with_final_decisions() {
        // COMMEND
        let mut s = published();
        assert!(final_list(&s, "window", day(12, 9))
            .unwrap()
            .entries
            .is_empty());
        s.records.get_mut("w2").unwrap().decision =
            Some(decision(Outcome::Final, "chair", day(12, 9)));
        s.records.get_mut("w1").unwrap().decision =
            Some(decision(Outcome::Final, "chair", day(12, 9)));
        let f = final_list(&s, "window", day(12, 10)).unwrap();
        let ids: Vec<_> = f.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["w1", "w2"], "in rank order");
        assert!(f.outside_selection.is_empty());
        // a vetoed final is reported outside the selection, not listed
        s.records.get_mut("w2").unwrap().opinions.insert(
            "anquan".into(),
            opinion("anquan", crate::model::Stance::Veto),
        );
        let f = final_list(&s, "window", day(12, 10)).unwrap();
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.outside_selection, ["w2"]);
    }

    #[test]
    fn slots_full_refuses_an_eleventh_final() {
        // SCOPE-WINDOW: at most 10 winners
        let mut s = snapshot();
        let mut ids = Vec::new();
        for i in 0..11 {
            let id = format!("w{i:02}");
            complete(
                &mut s,
                &id,
                "window",
                &format!("win-{i}"),
                0.95 - i as f64 * 0.01,
            );
            s.records.get_mut(&id).unwrap().decision = Some(decision(
                if i < 10 {
                    Outcome::Final
                } else {
                    Outcome::Candidate
                },
                "chair",
                day(12, 9),
            ));
            ids.push(id);
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        s.rulings.notices.push(notice("window", &refs, day(12, 1)));
        let r = rules(
            &s,
            "chair",
            &decide("w10", Outcome::Final, day(12, 9)),
            day(12, 9),
        );
        assert_eq!(r, ["COMMEND", "SCOPE-WINDOW"]);
    }
}
