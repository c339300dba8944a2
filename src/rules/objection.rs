//! CANDIDATES, FRAUD: public objections to a nomination and their resolution.
//!
//! - Objections are taken while the nomination's notice runs
//!   (`published ..= published + notice_days − 1`, [`super::notice`]); a fraud
//!   report at any time, on any nomination.
//! - Only an open objection is resolved, and a resolution gives its reason.
//! - An upheld objection removes the candidate; a disqualification for fraud can
//!   never be changed, and its reason stays.

use chrono::NaiveDate;

use crate::model::{Decision, Objection, ObjectionStatus, Outcome, Record, Snapshot};

use super::notice::{notice_of, notice_window};
use super::refusal::{RefKind, Refusal};

/// Stems of the open objections of a record.
pub fn open_objections(record: &Record) -> Vec<String> {
    record
        .objections
        .iter()
        .filter(|(_, o)| o.status == ObjectionStatus::Open)
        .map(|(k, _)| k.clone())
        .collect()
}

/// The first upheld objection of a record.
pub fn upheld_objection(record: &Record) -> Option<(&str, &Objection)> {
    record
        .objections
        .iter()
        .find(|(_, o)| o.status == ObjectionStatus::Upheld)
        .map(|(k, o)| (k.as_str(), o))
}

/// The fraud disqualification of a record, which can never change.
pub fn fraud_disqualification(record: &Record) -> Option<&Decision> {
    record
        .decision
        .as_ref()
        .filter(|d| d.outcome == Outcome::Disqualified && d.fraud)
}

/// Refusals of filing `objection` against `nomination` on `day`.
pub fn check_object(
    snapshot: &Snapshot,
    record: &Record,
    objection: &Objection,
    day: NaiveDate,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    if objection.status != ObjectionStatus::Open || objection.resolution.is_some() {
        out.push(Refusal::ObjectionNotNew);
    }
    if objection.text.trim().is_empty() {
        out.push(Refusal::EmptyField {
            rule: "CANDIDATES".into(),
            field: "objection.text".into(),
        });
    }
    if objection.fraud {
        return out; // FRAUD: reported at any stage
    }
    let n = &record.nomination;
    let window = notice_of(snapshot, &n.category, &n.id)
        .map(|notice| notice_window(notice, snapshot.campaign.notice_days));
    let inside = window.is_some_and(|(a, b)| a <= day && day <= b);
    if !inside {
        out.push(Refusal::ObjectionOutsideNotice {
            nomination: n.id.clone(),
            day,
            window,
        });
    }
    out
}

/// Refusals of resolving objection `stem` of `record`.
pub fn check_resolve(record: &Record, stem: &str, reason: &str) -> Vec<Refusal> {
    let mut out = Vec::new();
    match record.objections.get(stem) {
        None => out.push(Refusal::Unknown {
            what: RefKind::Objection,
            id: stem.to_string(),
        }),
        Some(o) if o.status != ObjectionStatus::Open => out.push(Refusal::ObjectionResolved {
            nomination: record.nomination.id.clone(),
            objection: stem.to_string(),
            status: o.status,
        }),
        Some(_) => {}
    }
    if reason.trim().is_empty() {
        out.push(Refusal::EmptyField {
            rule: "CANDIDATES".into(),
            field: "reason".into(),
        });
    }
    out
}
