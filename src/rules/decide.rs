//! COMMEND, FRAUD, NO-FILLER, CANDIDATE-NEEDS: the chair's decisions and the
//! final list.
//!
//! - `Final` is refused unless the nomination is on a published notice, that notice
//!   is over, no objection on it is open or upheld, it is still a candidate, it is in
//!   the ranking's selection (within the slots, at or above the minimum score) and the
//!   category's slots are not already taken by other final decisions.
//! - `Candidate` is refused for an ineligible nomination (gates, veto, missing
//!   opinions, upheld objection, no score), one below the minimum score (NO-FILLER)
//!   or one that lacks its form, votes or required assessments (CANDIDATE-NEEDS).
//! - NOTICE-RECHECK: `Final` re-checks what publishing checked.
//! - A disqualification for fraud can never be changed; its reason stays.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Decision, Outcome, Record, Snapshot};

use super::eligibility::assess;
use super::notice::{is_outcome, notice_of, notice_window};
use super::objection::{fraud_disqualification, open_objections};
use super::rank::rank;
use super::refusal::{RefKind, Refusal};
use super::scope::scope_rule;

/// Refusals of the chair's `decision` on `record` on `day`.
pub fn check_decide(
    snapshot: &Snapshot,
    record: &Record,
    decision: &Decision,
    day: NaiveDate,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    let n = &record.nomination;
    if let Some(d) = fraud_disqualification(record) {
        out.push(Refusal::FraudFinal {
            nomination: n.id.clone(),
            reason: d.reason.clone(),
        });
        return out;
    }
    if decision.fraud && decision.outcome != Outcome::Disqualified {
        out.push(Refusal::FraudNotDisqualified);
    }
    let needs_reason = matches!(decision.outcome, Outcome::Rejected | Outcome::Disqualified);
    if needs_reason && decision.reason.trim().is_empty() {
        out.push(Refusal::EmptyField {
            rule: if decision.fraud { "FRAUD" } else { "DECISION" }.into(),
            field: "decision.reason".into(),
        });
    }
    match decision.outcome {
        Outcome::Candidate => out.extend(check_candidate(snapshot, record)),
        Outcome::Final => out.extend(check_final(snapshot, record, day)),
        Outcome::Rejected | Outcome::Disqualified => {}
    }
    out
}

fn check_candidate(snapshot: &Snapshot, record: &Record) -> Vec<Refusal> {
    candidate_refusals(snapshot, record)
}

/// Why `record` cannot be a candidate now: gates, veto, opinions, upheld objection,
/// no score (eligibility), NO-FILLER and CANDIDATE-NEEDS.
pub fn candidate_refusals(snapshot: &Snapshot, record: &Record) -> Vec<Refusal> {
    let mut out = eligibility_refusals(snapshot, record);
    out.extend(super::needs::check_needs(snapshot, record));
    out
}

fn eligibility_refusals(snapshot: &Snapshot, record: &Record) -> Vec<Refusal> {
    let n = &record.nomination;
    let Some(a) = assess(snapshot, record) else {
        return vec![Refusal::Unknown {
            what: RefKind::Category,
            id: n.category.clone(),
        }];
    };
    let mut out: Vec<Refusal> = a
        .ineligible
        .into_iter()
        .filter(|r| !r.is_decision())
        .map(|reason| Refusal::NotEligible {
            nomination: n.id.clone(),
            reason: Box::new(reason),
        })
        .collect();
    let min = snapshot
        .campaign
        .category(&n.category)
        .map_or(0.0, |c| c.min_score);
    let fin = a.aggregate.final_score;
    if fin.is_some_and(|f| f < min) {
        out.push(Refusal::BelowMinimum {
            nomination: n.id.clone(),
            final_score: fin,
            min_score: min,
        });
    }
    out
}

fn check_final(snapshot: &Snapshot, record: &Record, day: NaiveDate) -> Vec<Refusal> {
    let n = &record.nomination;
    let mut out = Vec::new();
    match notice_of(snapshot, &n.category, &n.id) {
        None => out.push(Refusal::NotPublished {
            nomination: n.id.clone(),
        }),
        Some(notice) => {
            let (_, last) = notice_window(notice, snapshot.campaign.notice_days);
            if day <= last {
                out.push(Refusal::NoticeRunning {
                    nomination: n.id.clone(),
                    last_day: last,
                    day,
                });
            }
        }
    }
    let open = open_objections(record);
    if !open.is_empty() {
        out.push(Refusal::ObjectionsOpen {
            nomination: n.id.clone(),
            objections: open,
        });
    }
    if !(is_outcome(record, Outcome::Candidate) || is_outcome(record, Outcome::Final)) {
        out.push(Refusal::NotCandidate {
            nomination: n.id.clone(),
        });
    }
    if let Some(a) = assess(snapshot, record) {
        out.extend(
            a.ineligible
                .into_iter()
                .filter(|r| !r.is_decision())
                .map(|reason| Refusal::NotEligible {
                    nomination: n.id.clone(),
                    reason: Box::new(reason),
                }),
        );
    }
    // NOTICE-RECHECK: the final list re-checks what a candidate needs, too.
    out.extend(super::needs::check_needs(snapshot, record));
    if let (Some(category), Ok(ranking)) = (
        snapshot.campaign.category(&n.category),
        rank(snapshot, &n.category, day),
    ) {
        let entry = ranking.entries.iter().find(|e| e.id == n.id);
        if let Some(e) = entry {
            if !e.selected {
                out.push(Refusal::NotSelected {
                    nomination: n.id.clone(),
                    position: e.position,
                    final_score: e.final_score,
                    tie: ranking
                        .cut_tie
                        .as_ref()
                        .is_some_and(|t| t.ids.contains(&n.id)),
                });
            }
        }
        if let Some(slots) = category.slots {
            let finals: Vec<String> = snapshot
                .records
                .iter()
                .filter(|(id, r)| {
                    **id != n.id
                        && r.nomination.category == n.category
                        && is_outcome(r, Outcome::Final)
                })
                .map(|(id, _)| id.clone())
                .collect();
            if finals.len() >= slots as usize {
                out.push(Refusal::SlotsFull {
                    rule: scope_rule(category),
                    category: category.id.clone(),
                    slots,
                    finals,
                });
            }
        }
    }
    out
}

/// One entry of the final list (COMMEND).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalEntry {
    pub position: usize,
    pub id: String,
    pub nominee: String,
    pub unit: String,
    pub final_score: Option<f64>,
}

/// COMMEND: the final list of a category = the ranked selection with Final decisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalList {
    pub category: String,
    pub entries: Vec<FinalEntry>,
    /// Final decisions that are not (or no longer) in the ranked selection.
    pub outside_selection: Vec<String>,
}

pub fn final_list(
    snapshot: &Snapshot,
    category: &str,
    day: NaiveDate,
) -> Result<FinalList, Refusal> {
    let ranking = rank(snapshot, category, day)?;
    let is_final = |id: &str| {
        snapshot
            .record(id)
            .is_some_and(|r| is_outcome(r, Outcome::Final))
    };
    let entries = ranking
        .entries
        .iter()
        .filter(|e| e.selected && is_final(&e.id))
        .map(|e| FinalEntry {
            position: e.position,
            id: e.id.clone(),
            nominee: e.nominee.clone(),
            unit: e.unit.clone(),
            final_score: e.final_score,
        })
        .collect::<Vec<_>>();
    let outside_selection = snapshot
        .records
        .iter()
        .filter(|(id, r)| {
            r.nomination.category == ranking.category
                && is_outcome(r, Outcome::Final)
                && !entries.iter().any(|e| &e.id == *id)
        })
        .map(|(id, _)| id.clone())
        .collect();
    Ok(FinalList {
        category: ranking.category,
        entries,
        outside_selection,
    })
}
