//! Small git helpers shared by the log and the audit: changed files between
//! trees, blobs, the registry and names a tree holds, commit times and trailers.

use chrono::{DateTime, FixedOffset};
use git2::{Commit, Oid, Repository, Tree};

use crate::model::{Campaign, Member};
use crate::store::codec::from_ron;
use crate::store::layout;

use super::diff::Names;

/// Files bigger than this are not read for diffs (a record is a few kilobytes).
pub const MAX_BLOB: usize = 4 << 20;

/// One file that differs between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub path: String,
    /// Blob before (`None`: added) and after (`None`: removed).
    pub old: Option<Oid>,
    pub new: Option<Oid>,
}

fn nonzero(oid: Oid) -> Option<Oid> {
    (!oid.is_zero()).then_some(oid)
}

/// The files that differ from `old` (`None`: empty) to `new`, under `prefix` if given.
pub fn deltas(
    repo: &Repository,
    old: Option<&Tree>,
    new: Option<&Tree>,
    prefix: Option<&str>,
) -> Result<Vec<Delta>, git2::Error> {
    let mut opts = git2::DiffOptions::new();
    if let Some(p) = prefix {
        opts.pathspec(p);
        opts.disable_pathspec_match(true);
    }
    let diff = repo.diff_tree_to_tree(old, new, Some(&mut opts))?;
    let mut out = Vec::new();
    for d in diff.deltas() {
        let path = d
            .new_file()
            .path()
            .or_else(|| d.old_file().path())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if let Some(p) = prefix {
            if !(path == p || path.starts_with(&format!("{p}/"))) {
                continue;
            }
        }
        out.push(Delta {
            path,
            old: nonzero(d.old_file().id()),
            new: nonzero(d.new_file().id()),
        });
    }
    Ok(out)
}

/// The content of a blob, if it is one and not too big.
pub fn blob(repo: &Repository, oid: Option<Oid>) -> Option<Vec<u8>> {
    let blob = repo.find_blob(oid?).ok()?;
    (blob.size() <= MAX_BLOB).then(|| blob.content().to_vec())
}

/// The blob at `path` of `tree`.
pub fn blob_at(repo: &Repository, tree: &Tree, path: &str) -> Option<Vec<u8>> {
    let entry = tree.get_path(std::path::Path::new(path)).ok()?;
    blob(repo, Some(entry.id()))
}

/// The id of the entry at `path` of `tree` (a subtree or a blob).
pub fn entry_id(tree: &Tree, path: &str) -> Option<Oid> {
    tree.get_path(std::path::Path::new(path))
        .ok()
        .map(|e| e.id())
}

/// The members registered in `tree` (empty when members.ron is missing or broken).
pub fn registry(repo: &Repository, tree: &Tree) -> Vec<Member> {
    blob_at(repo, tree, layout::MEMBERS)
        .and_then(|b| from_ron::<Vec<Member>>(layout::MEMBERS, &b).ok())
        .unwrap_or_default()
}

pub fn campaign(repo: &Repository, tree: &Tree) -> Option<Campaign> {
    blob_at(repo, tree, layout::CAMPAIGN).and_then(|b| from_ron(layout::CAMPAIGN, &b).ok())
}

pub fn names(repo: &Repository, tree: &Tree) -> Names {
    let units = blob_at(repo, tree, layout::UNITS)
        .and_then(|b| from_ron::<Vec<crate::model::Unit>>(layout::UNITS, &b).ok())
        .unwrap_or_default();
    Names::new(&registry(repo, tree), campaign(repo, tree).as_ref()).with_units(&units)
}

/// The author time of `commit` in its own offset.
pub fn author_time(commit: &Commit) -> DateTime<FixedOffset> {
    let t = commit.author().when();
    let utc = FixedOffset::east_opt(0).expect("UTC is a valid offset");
    let offset = FixedOffset::east_opt(t.offset_minutes() * 60).unwrap_or(utc);
    DateTime::from_timestamp(t.seconds(), 0)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// The value of the last `key: value` trailer of `message`.
pub fn trailer(message: &str, key: &str) -> Option<String> {
    message
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

/// The registry that judges `commit`: its first parent's, or (root) its own.
pub fn parent_registry(repo: &Repository, commit: &Commit) -> Vec<Member> {
    match commit.parent(0) {
        Ok(p) => p.tree().map(|t| registry(repo, &t)).unwrap_or_default(),
        Err(_) => commit
            .tree()
            .map(|t| registry(repo, &t))
            .unwrap_or_default(),
    }
}

/// [`parent_registry`], each version of `members.ron` parsed once through
/// `cache` (by blob id): the audit asks it of every commit, and the registry
/// changes only when a member or key does.
pub fn parent_registry_cached(
    repo: &Repository,
    commit: &Commit,
    cache: &mut std::collections::HashMap<Oid, Vec<Member>>,
) -> Vec<Member> {
    let tree = match commit.parent(0) {
        Ok(p) => p.tree(),
        Err(_) => commit.tree(),
    };
    let Some(id) = tree.ok().and_then(|t| entry_id(&t, layout::MEMBERS)) else {
        return Vec::new();
    };
    cache
        .entry(id)
        .or_insert_with(|| {
            blob(repo, Some(id))
                .and_then(|b| from_ron::<Vec<Member>>(layout::MEMBERS, &b).ok())
                .unwrap_or_default()
        })
        .clone()
}

/// CAMPAIGN-TZ: the campaign's day of `time` for `commit`, judged by the campaign.ron
/// of its first parent (the root: its own); the default zone when none parses.
pub fn campaign_day(
    repo: &Repository,
    commit: &Commit,
    time: &DateTime<FixedOffset>,
) -> chrono::NaiveDate {
    // campaign.ron changes rarely: parse each version once per process
    static ZONES: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<Oid, chrono_tz::Tz>>,
    > = std::sync::OnceLock::new();
    let zones = ZONES.get_or_init(Default::default);
    let zone = match zones.lock() {
        Ok(mut cache) => judging_zone(repo, commit, &mut cache),
        Err(_) => judging_zone(repo, commit, &mut std::collections::HashMap::new()),
    };
    time.with_timezone(&zone).date_naive()
}

/// CAMPAIGN-TZ: the time zone of the campaign.ron that judges `commit` (its first
/// parent's; the root: its own), parsed once per blob through `cache`.
pub fn judging_zone(
    repo: &Repository,
    commit: &Commit,
    cache: &mut std::collections::HashMap<Oid, chrono_tz::Tz>,
) -> chrono_tz::Tz {
    let tree = match commit.parent(0) {
        Ok(p) => p.tree(),
        Err(_) => commit.tree(),
    };
    let Some(id) = tree.ok().and_then(|t| entry_id(&t, layout::CAMPAIGN)) else {
        return crate::model::default_time_zone();
    };
    *cache.entry(id).or_insert_with(|| {
        blob(repo, Some(id))
            .and_then(|b| from_ron::<Campaign>(layout::CAMPAIGN, &b).ok())
            .map_or_else(crate::model::default_time_zone, |c| c.time_zone)
    })
}

/// The files a merge changes by itself: different from every parent's version.
pub fn own_deltas(repo: &Repository, commit: &Commit) -> Result<Vec<Delta>, git2::Error> {
    let tree = commit.tree()?;
    let first = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
    let all = deltas(repo, first.as_ref(), Some(&tree), None)?;
    if commit.parent_count() < 2 {
        return Ok(all);
    }
    let mut others = Vec::new();
    for p in commit.parents().skip(1) {
        others.push(p.tree()?);
    }
    Ok(all
        .into_iter()
        .filter(|d| {
            !others.iter().any(|t| {
                let there = t
                    .get_path(std::path::Path::new(&d.path))
                    .ok()
                    .map(|e| e.id());
                there == d.new
            })
        })
        .collect())
}
