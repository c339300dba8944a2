//! The commits that touched one record: a plain walk from HEAD comparing the
//! record's subtree id with the parents' (a subtree id changes exactly when the
//! record changes). The history module deepens this with an index and diffs.

use chrono::{DateTime, FixedOffset, TimeZone};
use git2::{Oid, Tree};
use serde::Serialize;

use super::{layout, Store, StoreError};

/// One commit in a record's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// Full commit id (hex).
    pub oid: String,
    pub summary: String,
    /// `Pingxuan-Action` trailer, if present (never trusted for audit).
    pub action: Option<String>,
    /// `Pingxuan-Actor` trailer, if present.
    pub actor: Option<String>,
    pub author: String,
    pub time: DateTime<FixedOffset>,
}

fn subtree(tree: &Tree, path: &str) -> Option<Oid> {
    tree.get_path(std::path::Path::new(path))
        .ok()
        .map(|e| e.id())
}

fn trailer(message: &str, key: &str) -> Option<String> {
    message.lines().rev().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .map(|v| v.trim().to_string())
    })
}

impl Store {
    /// The commits reachable from HEAD that changed nomination `id`, newest first.
    pub fn record_log(&self, id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let path = layout::record_dir(id)?;
        let Some(head) = self.head()? else {
            return Ok(Vec::new());
        };
        let repo = self.repo();
        let mut walk = repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        walk.push(head)?;
        let mut out = Vec::new();
        for oid in walk {
            let commit = repo.find_commit(oid?)?;
            let mine = subtree(&commit.tree()?, &path);
            let changed = if commit.parent_count() == 0 {
                mine.is_some()
            } else {
                // A merge counts only when it differs from every parent.
                let mut all = true;
                for p in commit.parents() {
                    if subtree(&p.tree()?, &path) == mine {
                        all = false;
                    }
                }
                all
            };
            if !changed {
                continue;
            }
            let message = commit.message().unwrap_or_default().to_string();
            let when = commit.time();
            let offset = FixedOffset::east_opt(when.offset_minutes() * 60)
                .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC offset"));
            let time = offset
                .timestamp_opt(when.seconds(), 0)
                .single()
                .unwrap_or_else(|| offset.timestamp_opt(0, 0).single().expect("epoch"));
            out.push(LogEntry {
                oid: commit.id().to_string(),
                summary: commit
                    .summary()
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .to_string(),
                action: trailer(&message, "Pingxuan-Action"),
                actor: trailer(&message, "Pingxuan-Actor"),
                author: commit.author().name().unwrap_or_default().to_string(),
                time,
            });
        }
        Ok(out)
    }
}
