//! What files an action writes, computed from the snapshot it applies to.
//! Pure apart from reading the snapshot; the commit is made in `write.rs`.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::codec::to_ron;
use super::layout;
use super::StoreError;
use crate::model::{
    Action, Evaluation, ObjectionStatus, Record, Reopening, Resolution, Rulings, Snapshot,
};

/// One path set to new content, or removed when `content` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub content: Option<String>,
}

fn put<T: Serialize>(path: String, value: &T) -> Result<FileChange, StoreError> {
    let content = to_ron(value).map_err(|e| StoreError::Encode {
        path: path.clone(),
        message: e.to_string(),
    })?;
    Ok(FileChange {
        path,
        content: Some(content),
    })
}

fn record<'s>(snapshot: Option<&'s Snapshot>, id: &str) -> Result<&'s Record, StoreError> {
    snapshot
        .and_then(|s| s.records.get(id))
        .ok_or_else(|| StoreError::UnknownRecord(id.to_string()))
}

/// `YYYYMMDD-HHMMSS` of the action time, the prefix of evaluation and objection files.
pub fn stamp(when: &DateTime<FixedOffset>) -> String {
    when.format("%Y%m%d-%H%M%S").to_string()
}

/// The file stem an objection filed at `when` gets: `<stamp>-<n>`, n counting from 1.
pub fn objection_stem(record: &Record, when: &DateTime<FixedOffset>) -> String {
    let stamp = stamp(when);
    let n = (1..)
        .find(|n| !record.objections.contains_key(&format!("{stamp}-{n}")))
        .unwrap_or(1);
    format!("{stamp}-{n}")
}

fn rulings_change(
    snapshot: Option<&Snapshot>,
    edit: impl FnOnce(&mut Rulings),
) -> Result<FileChange, StoreError> {
    let mut rulings = snapshot.map(|s| s.rulings.clone()).unwrap_or_default();
    edit(&mut rulings);
    put(layout::RULINGS.to_string(), &rulings)
}

/// The changes `actor` makes with `action` at `when`. `snapshot` is `None` only for `Setup`.
pub fn plan(
    snapshot: Option<&Snapshot>,
    actor: &str,
    when: &DateTime<FixedOffset>,
    action: &Action,
) -> Result<Vec<FileChange>, StoreError> {
    let one = |c: Result<FileChange, StoreError>| c.map(|c| vec![c]);
    match action {
        Action::Setup {
            campaign,
            members,
            units,
        } => {
            if snapshot.is_some() {
                return Err(StoreError::Exists(layout::CAMPAIGN.into()));
            }
            Ok(vec![
                put(layout::CAMPAIGN.into(), campaign)?,
                put(layout::UNITS.into(), units)?,
                put(layout::MEMBERS.into(), members)?,
            ])
        }
        Action::Nominate(n) => one(put(layout::nomination_path(&n.id)?, n)),
        Action::Activity {
            nomination,
            activity,
        } => {
            let mut n = record(snapshot, nomination)?.nomination.clone();
            n.activities.push(activity.clone());
            one(put(layout::nomination_path(nomination)?, &n))
        }
        Action::Supervisor {
            nomination,
            supervisor,
        } => {
            let mut n = record(snapshot, nomination)?.nomination.clone();
            n.supervisors.push(supervisor.clone());
            one(put(layout::nomination_path(nomination)?, &n))
        }
        Action::FileForm { nomination, date } => {
            let mut n = record(snapshot, nomination)?.nomination.clone();
            n.form_filed = Some(*date);
            one(put(layout::nomination_path(nomination)?, &n))
        }
        Action::Score { nomination, score } => {
            record(snapshot, nomination)?;
            one(put(layout::score_path(nomination, &score.reviewer)?, score))
        }
        Action::Evaluate {
            nomination,
            evaluation,
        } => one(evaluation_change(snapshot, when, nomination, evaluation)),
        Action::Opinion {
            nomination,
            opinion,
        } => {
            record(snapshot, nomination)?;
            one(put(
                layout::opinion_path(nomination, &opinion.department)?,
                opinion,
            ))
        }
        Action::Vote { nomination, votes } => {
            record(snapshot, nomination)?;
            one(put(layout::votes_path(nomination)?, votes))
        }
        Action::Object {
            nomination,
            objection,
        } => {
            let rec = record(snapshot, nomination)?;
            let stem = objection_stem(rec, when);
            one(put(layout::objection_path(nomination, &stem)?, objection))
        }
        Action::Resolve {
            nomination,
            objection,
            upheld,
            reason,
            date,
        } => {
            let rec = record(snapshot, nomination)?;
            let resolution = Resolution {
                by: actor.to_string(),
                date: *date,
                reason: reason.clone(),
            };
            one(resolve_change(
                rec, nomination, objection, *upheld, resolution,
            ))
        }
        Action::Decide {
            nomination,
            decision,
        } => {
            record(snapshot, nomination)?;
            one(put(layout::decision_path(nomination)?, decision))
        }
        Action::Publish(notice) => one(rulings_change(snapshot, |r| {
            r.notices.retain(|n| n.category != notice.category);
            r.notices.push(notice.clone());
        })),
        Action::Override(o) => one(rulings_change(snapshot, |r| r.overrides.push(o.clone()))),
        Action::Exception(e) => one(rulings_change(snapshot, |r| r.exceptions.push(e.clone()))),
        Action::TieOrder { category, order } => one(rulings_change(snapshot, |r| {
            r.tie_orders.insert(category.clone(), order.clone());
        })),
        Action::Members(m) => one(put(layout::MEMBERS.into(), m)),
        Action::Units(u) => one(put(layout::UNITS.into(), u)),
        Action::Campaign(c) => one(put(layout::CAMPAIGN.into(), c.as_ref())),
        Action::Reopen {
            nomination,
            reason,
            date,
        } => {
            let reopening = Reopening {
                by: actor.to_string(),
                date: *date,
                reason: reason.clone(),
            };
            one(reopen_change(snapshot, nomination, reopening))
        }
        // The one action that removes a file: the reviewer's own score.
        Action::Withdraw {
            nomination,
            reviewer,
        } => one(withdraw_change(snapshot, nomination, reviewer)),
    }
}

/// A new evaluation file, `<stamp>-<author>`; refused if that file exists.
fn evaluation_change(
    snapshot: Option<&Snapshot>,
    when: &DateTime<FixedOffset>,
    nomination: &str,
    evaluation: &Evaluation,
) -> Result<FileChange, StoreError> {
    let rec = record(snapshot, nomination)?;
    let stem = format!("{}-{}", stamp(when), evaluation.author);
    let path = layout::evaluation_path(nomination, &stem)?;
    if rec.evaluations.contains_key(&stem) {
        return Err(StoreError::Exists(path));
    }
    put(path, evaluation)
}

/// The objection `objection` of `rec`, upheld or dismissed with `resolution`.
fn resolve_change(
    rec: &Record,
    nomination: &str,
    objection: &str,
    upheld: bool,
    resolution: Resolution,
) -> Result<FileChange, StoreError> {
    let mut o =
        rec.objections
            .get(objection)
            .cloned()
            .ok_or_else(|| StoreError::UnknownObjection {
                nomination: nomination.to_string(),
                objection: objection.to_string(),
            })?;
    o.status = if upheld {
        ObjectionStatus::Upheld
    } else {
        ObjectionStatus::Dismissed
    };
    o.resolution = Some(resolution);
    put(layout::objection_path(nomination, objection)?, &o)
}

/// The decision of `nomination` with the chair's `reopening`.
fn reopen_change(
    snapshot: Option<&Snapshot>,
    nomination: &str,
    reopening: Reopening,
) -> Result<FileChange, StoreError> {
    let path = layout::decision_path(nomination)?;
    let mut d = record(snapshot, nomination)?
        .decision
        .clone()
        .ok_or_else(|| StoreError::Missing(path.clone()))?;
    d.reopened = Some(reopening);
    put(path, &d)
}

/// The removal of `reviewer`'s score of `nomination`, which must exist.
fn withdraw_change(
    snapshot: Option<&Snapshot>,
    nomination: &str,
    reviewer: &str,
) -> Result<FileChange, StoreError> {
    let path = layout::score_path(nomination, reviewer)?;
    if !record(snapshot, nomination)?.scores.contains_key(reviewer) {
        return Err(StoreError::Missing(path));
    }
    Ok(FileChange {
        path,
        content: None,
    })
}

fn rec<'s>(s: &'s mut Snapshot, id: &str) -> Result<&'s mut Record, StoreError> {
    s.records
        .get_mut(id)
        .ok_or_else(|| StoreError::UnknownRecord(id.to_string()))
}

/// Applies `action` to an in-memory snapshot exactly as a commit would change
/// it: the files [`plan`] writes are parsed back into their places. For
/// previews and replays that need no repository; the tree index is not touched.
pub fn apply(
    snapshot: &mut Snapshot,
    actor: &str,
    when: &DateTime<FixedOffset>,
    action: &Action,
) -> Result<(), StoreError> {
    use super::codec::from_ron;
    use super::layout::FileKind;
    for change in plan(Some(snapshot), actor, when, action)? {
        let Some(text) = change.content else {
            // Only a withdrawn score is ever removed.
            if let FileKind::Score { id, reviewer } = layout::classify(&change.path) {
                rec(snapshot, &id)?.scores.remove(&reviewer);
            }
            continue;
        };
        let bytes = text.as_bytes();
        let path = change.path.as_str();
        let parse = |p| StoreError::Invalid(p);
        match layout::classify(path) {
            FileKind::Campaign => snapshot.campaign = from_ron(path, bytes).map_err(parse)?,
            FileKind::Members => snapshot.members = from_ron(path, bytes).map_err(parse)?,
            FileKind::Units => snapshot.units = from_ron(path, bytes).map_err(parse)?,
            FileKind::Rulings => snapshot.rulings = from_ron(path, bytes).map_err(parse)?,
            FileKind::Nomination { id } => {
                let n = from_ron(path, bytes).map_err(parse)?;
                match snapshot.records.get_mut(&id) {
                    Some(r) => r.nomination = n,
                    None => {
                        snapshot.records.insert(id, Record::new(n));
                    }
                }
            }
            FileKind::Score { id, reviewer } => {
                let v = from_ron(path, bytes).map_err(parse)?;
                rec(snapshot, &id)?.scores.insert(reviewer, v);
            }
            FileKind::Evaluation { id, stem } => {
                let v = from_ron(path, bytes).map_err(parse)?;
                rec(snapshot, &id)?.evaluations.insert(stem, v);
            }
            FileKind::Opinion { id, department } => {
                let v = from_ron(path, bytes).map_err(parse)?;
                rec(snapshot, &id)?.opinions.insert(department, v);
            }
            FileKind::Votes { id } => {
                rec(snapshot, &id)?.votes = Some(from_ron(path, bytes).map_err(parse)?)
            }
            FileKind::Objection { id, stem } => {
                let v = from_ron(path, bytes).map_err(parse)?;
                rec(snapshot, &id)?.objections.insert(stem, v);
            }
            FileKind::Decision { id } => {
                rec(snapshot, &id)?.decision = Some(from_ron(path, bytes).map_err(parse)?)
            }
            FileKind::Other => {}
        }
    }
    Ok(())
}
