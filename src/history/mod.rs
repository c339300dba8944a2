//! History that a chair can read and anyone can verify (issue 5).
//!
//! - [`record_log`] / [`log`]: the commits that touched a record (or all), newest
//!   first, each with its actor, action hint, time, signature status (checked
//!   against `members.ron` as it stood at the commit's parent) and a semantic
//!   field-by-field diff ([`Change`]); merges are included and marked.
//! - [`blame`]: the commit that last changed one field of a record.
//! - [`audit`] / [`audit_commits`]: every violation of DESIGN.md "Roles and the
//!   audit", per commit, with the member and the rule broken.
//! - [`hook::pre_receive`]: the server side, for `pingxuan hook pre-receive`.
//!
//! Trailers (`Pingxuan-Action` …) are shown as hints only; everything judged is
//! read from the trees. Nothing here writes.
//!
//! For the TUI: everything returned is plain data (`Serialize`); signature
//! checks run `ssh-keygen`/`gpg`, so call these off the draw path.

pub mod audit;
pub mod diff;
pub mod field_words;
pub mod hook;
pub mod index;
pub mod walk;

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Sort};
use serde::Serialize;

use crate::i18n::Lang;
use crate::model::BadId;
use crate::store::layout::{self, classify};
use crate::store::{Store, StoreError};

pub use crate::sign::verify::{SigStatus, Verifier};
pub use audit::{audit, audit_commits, AuditOptions, AuditReport, Violation, ViolationKind};
pub use diff::{Change, ChangeKind};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error(transparent)]
    BadId(#[from] BadId),
    #[error("{rev:?} names no commit: {message}")]
    Revision { rev: String, message: String },
    #[error("pre-receive input line {line}: {message}")]
    HookInput { line: usize, message: String },
}

/// One commit as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub commit: String,
    pub parents: Vec<String>,
    /// More than one parent.
    pub merge: bool,
    /// Author time, in the author's offset (the time the action was recorded at).
    pub time: DateTime<FixedOffset>,
    pub author: String,
    pub email: String,
    /// The acting member: the owner of the signing key when it is registered,
    /// else the member whose email is the author's.
    pub actor: Option<String>,
    pub actor_name: Option<String>,
    /// The `Pingxuan-Action` trailer: a hint, never trusted.
    pub action: Option<String>,
    pub summary: String,
    pub signature: SigStatus,
    /// Semantic changes against the first parent (for a record log: that record's only).
    pub changes: Vec<Change>,
}

/// How to read the history.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    /// Language of [`Change::text`].
    pub lang: Lang,
    /// Runs `ssh-keygen`/`gpg` for signature checks.
    pub verifier: Verifier,
    /// At most this many entries.
    pub limit: Option<usize>,
}

/// The field a blame asked for and the commit that last changed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blame {
    pub field: String,
    pub entry: Entry,
    /// The change of `field` (or of the file or part holding it) in `entry`.
    pub change: Change,
}

/// The commits that touched nomination `id`, newest first, with semantic diffs
/// and signature states: texts in the default language (Chinese), `ssh-keygen`
/// and `gpg` from the process environment. [`log`] takes [`LogOptions`].
pub fn record_log(store: &Store, id: &str) -> Result<Vec<Entry>, HistoryError> {
    log(store, Some(id), &LogOptions::default())
}

/// The commits reachable from HEAD, newest first; with `record`, only those that
/// changed that nomination's folder (merges that bring such a change included).
pub fn log(
    store: &Store,
    record: Option<&str>,
    opts: &LogOptions,
) -> Result<Vec<Entry>, HistoryError> {
    let Some(head) = store.head()? else {
        return Ok(Vec::new());
    };
    let dir = record.map(layout::record_dir).transpose()?;
    let mut out = Vec::new();
    for oid in touching(store, head, dir.as_deref())? {
        out.push(entry(store, oid, dir.as_deref(), opts)?);
        if opts.limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok(out)
}

/// The commits reachable from `head` that changed `dir` (all without), newest first.
/// A record's commits come from the incremental history index ([`index`]).
fn touching(store: &Store, head: Oid, dir: Option<&str>) -> Result<Vec<Oid>, HistoryError> {
    let repo = store.repo();
    let Some(dir) = dir else {
        let mut revs = repo.revwalk()?;
        revs.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        revs.push(head)?;
        return Ok(revs.collect::<Result<Vec<_>, _>>()?);
    };
    let id = dir.rsplit('/').next().unwrap_or(dir);
    Ok(index::load(repo, head)?.touching(id))
}

/// One commit as a log entry; `prefix` limits the diff to a record's folder.
pub fn entry(
    store: &Store,
    oid: Oid,
    prefix: Option<&str>,
    opts: &LogOptions,
) -> Result<Entry, HistoryError> {
    build_entry(store, oid, prefix, opts, true)
}

fn build_entry(
    store: &Store,
    oid: Oid,
    prefix: Option<&str>,
    opts: &LogOptions,
    verify: bool,
) -> Result<Entry, HistoryError> {
    let repo = store.repo();
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let parent_tree = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
    let time = walk::author_time(&commit);
    let author = commit.author();
    let email = author.email().unwrap_or("").to_string();
    let registry = walk::parent_registry(repo, &commit);
    let signature = if verify {
        let day = walk::campaign_day(repo, &commit, &time);
        opts.verifier
            .verify_commit(repo, oid, &registry, &email, day)
    } else {
        SigStatus::Unsigned
    };
    let actor = signature.member().map(str::to_string).or_else(|| {
        registry
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
            .map(|m| m.id.clone())
    });
    let names = walk::names(repo, &tree);
    let actor_name = actor.as_ref().and_then(|a| names.members.get(a).cloned());
    let mut changes = Vec::new();
    for d in walk::deltas(repo, parent_tree.as_ref(), Some(&tree), prefix)? {
        let kind = classify(&d.path);
        let old = walk::blob(repo, d.old);
        let new = walk::blob(repo, d.new);
        changes.extend(diff::file_changes(
            &d.path,
            &kind,
            old.as_deref(),
            new.as_deref(),
            &names,
            opts.lang,
        ));
    }
    let message = commit.message().unwrap_or("");
    Ok(Entry {
        commit: oid.to_string(),
        parents: commit.parent_ids().map(|p| p.to_string()).collect(),
        merge: commit.parent_count() > 1,
        time,
        author: author.name().unwrap_or("").to_string(),
        email,
        actor,
        actor_name,
        action: walk::trailer(message, "Pingxuan-Action"),
        summary: crate::text::sanitize(&String::from_utf8_lossy(
            commit.summary_bytes().unwrap_or_default(),
        )),
        signature,
        changes,
    })
}

/// Whether a change at `changed` is a change of `field` (the same field, a part
/// of it, or the file or part holding it).
fn covers(changed: &str, field: &str) -> bool {
    changed == field
        || changed.starts_with(&format!("{field}."))
        || field.starts_with(&format!("{changed}."))
}

/// The commit that last changed `field` of nomination `id`, e.g.
/// `scores.zhangwei.marks.W3`, `opinions.xinfang`, `decision.outcome`,
/// `nomination.deeds` (the dotted paths of [`Change::field`]).
pub fn blame(store: &Store, id: &str, field: &str) -> Result<Option<Blame>, HistoryError> {
    blame_with(store, id, field, &LogOptions::default())
}

pub fn blame_with(
    store: &Store,
    id: &str,
    field: &str,
    opts: &LogOptions,
) -> Result<Option<Blame>, HistoryError> {
    let Some(head) = store.head()? else {
        return Ok(None);
    };
    let dir = layout::record_dir(id)?;
    for oid in touching(store, head, Some(&dir))? {
        // Signatures are checked only for the commit found.
        let e = build_entry(store, oid, Some(&dir), opts, false)?;
        if e.merge {
            continue;
        }
        if let Some(c) = e.changes.iter().find(|c| covers(&c.field, field)) {
            return Ok(Some(Blame {
                field: field.to_string(),
                change: c.clone(),
                entry: build_entry(store, oid, Some(&dir), opts, true)?,
            }));
        }
    }
    Ok(None)
}
