//! Sync as the configured user: the identity, the signer and the verifier of
//! git's config handed to [`crate::sync`], for `pingxuan sync`, `pingxuan
//! set-aside retry` and the TUI's sync job alike.

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use super::session::with_sign;
use super::Identity;
use crate::i18n::Lang;
use crate::model::Snapshot;
use crate::store::Store;
use crate::sync::{self, aside, GitProgram, Progress, SyncError, SyncOptions, SyncReport};

/// What a sync needs beyond the store: where to, in which language, when,
/// and who to tell about progress.
pub struct Request<'a> {
    pub remote: &'a str,
    pub lang: Lang,
    /// The committer time of replayed actions and of set-aside records.
    pub when: DateTime<FixedOffset>,
    pub progress: Option<&'a dyn Fn(&Progress)>,
    /// How `git fetch` and `git push` run (default: the user's own git).
    pub git: GitProgram,
}

impl<'a> Request<'a> {
    /// Syncs with `remote` through the user's own git, without progress.
    pub fn new(remote: &'a str, lang: Lang, when: DateTime<FixedOffset>) -> Request<'a> {
        Request {
            remote,
            lang,
            when,
            progress: None,
            git: GitProgram::default(),
        }
    }
}

/// Runs `f` with the sync options of the configured user: `user.email`
/// names the member whose actions are replayed, the configured key re-signs
/// them (no key is fine for pulling; a replay asks for one).
fn with_options<R>(
    store: &Store,
    req: &Request,
    f: impl FnOnce(&SyncOptions) -> Result<R, SyncError>,
) -> Result<R, SyncError> {
    let id = Identity::of(store)?;
    let signer = id.signer().ok().flatten();
    with_sign(signer.as_ref(), |sign| {
        let mut opts = SyncOptions::new(req.remote, req.lang, req.when);
        opts.verifier = id.verifier.clone();
        opts.email = id.email().map(str::to_string);
        opts.sign = sign;
        opts.progress = req.progress;
        opts.git = req.git.clone();
        f(&opts)
    })
}

/// Fetches, checks, replays and pushes (see [`crate::sync::sync`]).
pub fn sync(store: &Store, req: &Request) -> Result<SyncReport, SyncError> {
    with_options(store, req, |opts| sync::sync(store, opts))
}

/// Re-applies a set-aside action onto HEAD, re-signed (see [`aside::retry`]).
pub fn retry_set_aside(store: &Store, id: &str, req: &Request) -> Result<Oid, SyncError> {
    with_options(store, req, |opts| aside::retry(store, id, opts))
}

/// Commits to push and commits to take in against `remote`'s tracking
/// branch; `None` without one (or when it cannot be read). No network.
pub fn counts(store: &Store, remote: &str) -> Option<(usize, usize)> {
    sync::ahead_behind(store, remote).ok().flatten()
}

/// What the TUI's sync job hands back to the interface: the outcome, and
/// the snapshot at HEAD and the ahead/behind counts after it (read on the
/// worker whether the sync succeeded or not: a sync that stops at the push
/// may already have taken commits in).
pub struct Synced {
    pub result: Result<SyncReport, SyncError>,
    /// `None` when the repository or its snapshot cannot be read.
    pub snapshot: Option<Snapshot>,
    pub counts: Option<(usize, usize)>,
}

/// Opens the session's repository, syncs it and reads what the interface
/// shows afterwards.
pub fn sync_session(session: &super::Session, req: &Request) -> Synced {
    let store = match session.open() {
        Ok(s) => s,
        Err(e) => {
            return Synced {
                result: Err(e.into()),
                snapshot: None,
                counts: None,
            }
        }
    };
    let result = sync(&store, req);
    Synced {
        result,
        snapshot: store.snapshot().ok(),
        counts: counts(&store, req.remote),
    }
}
