//! Conflicts of interest: a reviewer never judges a nomination of their own unit
//! nor one they declared a conflict with (a unit or a single nomination in
//! `members.ron`). Conflicted scores are refused on write and left out of every
//! aggregate; conflicted reviewers are not expected to score.

use serde::Serialize;

use crate::model::{Member, Nomination, Role, Snapshot};

use super::refusal::Refusal;
use super::text::pick;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "conflict", rename_all = "snake_case")]
pub enum ConflictReason {
    /// The nomination comes from the member's own unit.
    OwnUnit { unit: String },
    /// A declared conflict with the nominating unit.
    DeclaredUnit { unit: String, reason: String },
    /// A declared conflict with this nomination.
    DeclaredNomination { reason: String },
}

impl ConflictReason {
    /// The conflict as a sentence, the unit by name.
    pub fn message(&self, s: Option<&Snapshot>, zh: bool) -> String {
        let lang = crate::i18n::Lang::of(zh);
        match self {
            ConflictReason::OwnUnit { unit } => {
                let u = lang.unit_in(s, unit);
                pick(
                    zh,
                    format!("推薦單位{u}是本人所在單位"),
                    format!("the nominating unit {u} is the member's own unit"),
                )
            }
            ConflictReason::DeclaredUnit { unit, reason } => {
                let u = lang.unit_in(s, unit);
                pick(
                    zh,
                    format!("已申報與{u}存在利益衝突：{reason}"),
                    format!("declared conflict with unit {u}: {reason}"),
                )
            }
            ConflictReason::DeclaredNomination { reason } => pick(
                zh,
                format!("已申報與該推薦對象存在利益衝突：{reason}"),
                format!("declared conflict with this nomination: {reason}"),
            ),
        }
    }
}

/// The member's conflict with `nomination`, if any (own unit first).
pub fn conflict_of(member: &Member, nomination: &Nomination) -> Option<ConflictReason> {
    if member.unit == nomination.unit {
        return Some(ConflictReason::OwnUnit {
            unit: member.unit.clone(),
        });
    }
    member.conflicts.iter().find_map(|c| {
        if c.nomination.as_deref() == Some(nomination.id.as_str()) {
            Some(ConflictReason::DeclaredNomination {
                reason: c.reason.clone(),
            })
        } else if c.unit.as_deref() == Some(nomination.unit.as_str()) {
            Some(ConflictReason::DeclaredUnit {
                unit: nomination.unit.clone(),
                reason: c.reason.clone(),
            })
        } else {
            None
        }
    })
}

/// Whether the member has a conflict with `nomination`: exactly
/// `conflict_of(member, nomination).is_some()`, without building the reason.
pub fn has_conflict(member: &Member, nomination: &Nomination) -> bool {
    member.unit == nomination.unit
        || member.conflicts.iter().any(|c| {
            c.nomination.as_deref() == Some(nomination.id.as_str())
                || c.unit.as_deref() == Some(nomination.unit.as_str())
        })
}

/// A reviewer conflicted with a nomination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerConflict {
    pub reviewer: String,
    pub reason: ConflictReason,
}

/// Every reviewer conflicted with `nomination`.
pub fn conflicted_reviewers(members: &[Member], nomination: &Nomination) -> Vec<ReviewerConflict> {
    members
        .iter()
        .filter(|m| m.has_role(Role::Reviewer))
        .filter_map(|m| {
            conflict_of(m, nomination).map(|reason| ReviewerConflict {
                reviewer: m.id.clone(),
                reason,
            })
        })
        .collect()
}

/// The reviewers expected to score `nomination`: every reviewer without a conflict.
pub fn expected_reviewers<'a>(members: &'a [Member], nomination: &Nomination) -> Vec<&'a Member> {
    members
        .iter()
        .filter(|m| m.has_role(Role::Reviewer) && !has_conflict(m, nomination))
        .collect()
}

/// Refuses a score or evaluation by a conflicted member.
pub fn check_conflict(member: &Member, nomination: &Nomination) -> Result<(), Refusal> {
    match conflict_of(member, nomination) {
        None => Ok(()),
        Some(reason) => Err(Refusal::Conflict {
            member: member.id.clone(),
            nomination: nomination.id.clone(),
            reason,
        }),
    }
}

/// Whether a record written by `author` (a score or an evaluation) counts for
/// `nomination`: the author is a known member and not conflicted (OPEN, conflicts).
pub fn author_counts(members: &[Member], nomination: &Nomination, author: &str) -> bool {
    members
        .iter()
        .find(|m| m.id == author)
        .is_some_and(|m| !has_conflict(m, nomination))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Conflict;
    use crate::rules::fixture::*;

    #[test]
    fn own_unit_and_declared_conflicts() {
        let s = snapshot();
        let n = nomination("a1", "window", "town-a");
        let r1 = s.member("r1").unwrap(); // r1 belongs to town-a
        assert!(matches!(
            conflict_of(r1, &n),
            Some(ConflictReason::OwnUnit { .. })
        ));
        let mut r2 = s.member("r2").unwrap().clone();
        assert_eq!(conflict_of(&r2, &n), None);
        r2.conflicts.push(Conflict {
            unit: None,
            nomination: Some("a1".into()),
            reason: "spouse works there".into(),
        });
        assert!(matches!(
            conflict_of(&r2, &n),
            Some(ConflictReason::DeclaredNomination { .. })
        ));
        let mut r3 = s.member("r3").unwrap().clone();
        r3.conflicts.push(Conflict {
            unit: Some("town-a".into()),
            nomination: None,
            reason: "former employer".into(),
        });
        assert!(check_conflict(&r3, &n).is_err());
        let expected: Vec<_> = expected_reviewers(&s.members, &n)
            .iter()
            .map(|m| m.id.clone())
            .collect();
        assert!(!expected.contains(&"r1".to_string()));
        assert_eq!(expected.len(), 5);
        assert_eq!(conflicted_reviewers(&s.members, &n).len(), 1);
    }

    /// `has_conflict` says exactly whether `conflict_of` finds a reason: own
    /// unit, a declared nomination, a declared unit, each alone and together.
    #[test]
    fn has_conflict_is_conflict_of_is_some() {
        let s = snapshot();
        for m in &s.members {
            for unit in ["town-a", "town-b", "ent"] {
                for declared in 0..4 {
                    let mut m = m.clone();
                    let n = nomination("a1", "window", unit);
                    if declared & 1 != 0 {
                        m.conflicts.push(Conflict {
                            unit: None,
                            nomination: Some("a1".into()),
                            reason: "r".into(),
                        });
                    }
                    if declared & 2 != 0 {
                        m.conflicts.push(Conflict {
                            unit: Some("town-b".into()),
                            nomination: Some("other".into()),
                            reason: "r".into(),
                        });
                    }
                    assert_eq!(
                        has_conflict(&m, &n),
                        conflict_of(&m, &n).is_some(),
                        "{} {unit} {declared}",
                        m.id
                    );
                }
            }
        }
    }
}
