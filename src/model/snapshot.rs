//! A typed snapshot of a campaign at one commit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::campaign::Campaign;
use super::member::Member;
use super::nomination::Nomination;
use super::record::{Decision, Evaluation, Objection, Opinion, Score, Votes};
use super::rulings::Rulings;
use super::unit::Unit;
use super::vecmap::VecMap;

/// Everything under `nominations/<shard>/<id>/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub nomination: Nomination,
    /// Reviewer id to score.
    pub scores: VecMap<String, Score>,
    /// File stem (`<stamp>-<author>`) to evaluation, in stamp order.
    pub evaluations: VecMap<String, Evaluation>,
    /// Department id to opinion.
    pub opinions: VecMap<String, Opinion>,
    pub votes: Option<Votes>,
    /// File stem (`<stamp>-<n>`) to objection, in stamp order.
    pub objections: VecMap<String, Objection>,
    pub decision: Option<Decision>,
}

impl Record {
    pub fn new(nomination: Nomination) -> Record {
        Record {
            nomination,
            scores: VecMap::new(),
            evaluations: VecMap::new(),
            opinions: VecMap::new(),
            votes: None,
            objections: VecMap::new(),
            decision: None,
        }
    }
}

/// A fault found while loading: the file, where in it, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    /// 1-based line and column for syntax faults.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field at fault for semantic faults, e.g. `marks.W3`.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The commit the snapshot was read from (hex), `None` for an empty repository.
    pub commit: Option<String>,
    pub campaign: Campaign,
    pub members: Vec<Member>,
    pub units: Vec<Unit>,
    pub rulings: Rulings,
    /// Nomination id to record; broken records are left out and listed in
    /// `problems`. Reads as a `BTreeMap`; an edit drops its "as read from
    /// the tree" mark, which the ranking memo's trust rests on (`Records`).
    pub records: super::records::Records,
    pub problems: Vec<Problem>,
    /// Object ids the snapshot was read from, so a reload re-reads only what changed.
    #[serde(skip)]
    pub index: TreeIndex,
}

/// The ids of the top-level files a record's validation depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopIds {
    pub campaign: String,
    pub members: String,
    pub units: String,
    pub rulings: Option<String>,
}

/// Tree and blob ids behind a snapshot (hex).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeIndex {
    pub top: TopIds,
    /// Shard folder name to its tree id.
    pub shards: BTreeMap<String, String>,
    /// Nomination id to (record folder, subtree id).
    pub records: BTreeMap<String, (String, String)>,
    /// Remembered ranking facts of the records, each under a key hashed from
    /// the record's content and the campaign-wide files (issue 18, P2).
    pub memo: crate::rules::memo::Memo,
}

impl Snapshot {
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn record(&self, id: &str) -> Option<&Record> {
        self.records.get(id)
    }
}
