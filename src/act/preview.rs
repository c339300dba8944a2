//! The preview of a write before it is signed: the commit message with its
//! trailers, the author and time, and what each file the commit changes will
//! say in the history, field by field. Built by the same planning the write
//! uses ([`super::perform`]'s rule check and `store::plan`) and the same
//! semantic diff the history shows afterwards (`history::diff`), against the
//! files of the snapshot's commit; nothing is written.

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use super::{ActError, Request};
use crate::history::diff::{file_changes, Names};
use crate::history::walk;
use crate::history::ChangeKind;
use crate::model::Snapshot;
use crate::store::{layout, Store, StoreError};

/// One file the commit changes.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewFile {
    pub path: String,
    pub kind: ChangeKind,
    /// The changes of its fields, one line each, as the history will show them.
    pub changes: Vec<String>,
}

/// What a write would commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The commit message exactly as it will be written (summary, blank line, trailers).
    pub message: String,
    /// `name <email>` of the author and committer.
    pub author: String,
    pub when: DateTime<FixedOffset>,
    /// The commit the write goes on (the snapshot's), hex.
    pub parent: Option<String>,
    pub files: Vec<PreviewFile>,
}

/// The preview of `req` on `snapshot` (at its commit in `store`): refused
/// for the same reasons the write would be (rules, time, signing), else the
/// planned commit. `signed`: whether a signer is configured.
pub fn preview(
    store: &Store,
    snapshot: &Snapshot,
    req: &Request,
    signed: bool,
) -> Result<Preview, ActError> {
    let head_commit = match snapshot.commit.as_deref() {
        Some(c) => Some(
            store
                .repo()
                .find_commit(Oid::from_str(c).map_err(StoreError::from)?)
                .map_err(StoreError::from)?,
        ),
        None => None,
    };
    // TIME-FORWARD: as the write checks it.
    if let Some(h) = &head_commit {
        let head_time = crate::history::audit::committer_time(h);
        if req.when < head_time {
            return Err(ActError::Backdated(super::perform::backdated(
                req.lang, &req.when, &head_time,
            )));
        }
    }
    let planned = super::perform::plan_write(store, Some(snapshot), req, signed)?;
    let tree = match &head_commit {
        Some(c) => Some(c.tree().map_err(StoreError::from)?),
        None => None,
    };
    let names = Names::new(&snapshot.members, Some(&snapshot.campaign));
    let files = planned
        .changes
        .iter()
        .map(|c| {
            let old = tree
                .as_ref()
                .and_then(|t| walk::blob_at(store.repo(), t, &c.path));
            let new = c.content.as_deref().map(str::as_bytes);
            let kind = match (&old, new) {
                (None, _) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                _ => ChangeKind::Modified,
            };
            let changes = file_changes(
                &c.path,
                &layout::classify(&c.path),
                old.as_deref(),
                new,
                &names,
                req.lang,
            )
            .into_iter()
            .map(|ch| ch.text)
            .collect();
            PreviewFile {
                path: c.path.clone(),
                kind,
                changes,
            }
        })
        .collect();
    Ok(Preview {
        message: planned.meta.message(),
        author: format!("{} <{}>", planned.meta.name, planned.meta.email),
        when: planned.meta.when,
        parent: snapshot.commit.clone(),
        files,
    })
}
