//! Sync (DESIGN.md "Sync", issue 6): fetch, audit what came in, merge, push;
//! on a rejected push fetch, merge and try again, at most [`MAX_RETRIES`] times.
//!
//! - Fetch and push run the user's own `git` ([`GitProgram`]), so ssh config,
//!   ssh-agent, known_hosts and credential helpers work as in their own push.
//! - Everything local goes through git2: the commits new to us are audited with
//!   [`history::audit_commits`](crate::history::audit_commits) *before* they are
//!   merged; a violation stops the sync unless [`SyncOptions::accept_violations`].
//! - A fast-forward needs no identity. When both sides moved, a merge commit is
//!   made, signed by the local member like any action (`Pingxuan-Action: merge`);
//!   without a member identity and a signing key the merge is refused and
//!   nothing changes.
//! - A file changed on both sides to different contents (two versions of one
//!   `decision.ron` or `nomination.ron`) is a conflict: nothing is merged, the
//!   branch, work tree and the fetched remote-tracking ref stay as they are, and
//!   [`SyncError::Conflicts`] carries both versions with who signed each. It
//!   is settled by a signed merge that takes one side for the conflicting files
//!   ([`Resolve::Theirs`]: anyone, setting their own unpushed version aside;
//!   [`Resolve::Ours`]: the chair only), the other version staying in the
//!   history as the merge's parent; then whoever is entitled records the right
//!   content with a normal signed action (the chair's `decide` for a decision).
//! - The branch moves by compare-and-swap under the store's write lock, and the
//!   work tree and index follow path by path, never over a user's own edit.

pub mod git;
mod worktree;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, Sort};
use serde::Serialize;

use crate::history::walk;
use crate::history::{self, AuditOptions, Entry, LogOptions, Verifier, Violation};
use crate::i18n::Lang;
use crate::model::Role;
use crate::store::{layout, SignFn, Store, StoreError};

pub use git::{GitProgram, Pushed};

/// Pushes retried after a rejection before the sync gives up.
pub const MAX_RETRIES: usize = 5;

/// Which version a resolving merge keeps for every conflicting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolve {
    /// The local version.
    Ours,
    /// The remote version.
    Theirs,
}

impl Resolve {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolve::Ours => "ours",
            Resolve::Theirs => "theirs",
        }
    }
}

/// A step of a sync, for progress displays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Fetch {
        attempt: usize,
    },
    Audit {
        commits: usize,
    },
    Merge,
    Push {
        attempt: usize,
    },
    /// Waiting before the next attempt after a rejected push.
    Wait {
        millis: u64,
        retry: usize,
    },
}

impl Progress {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Progress::Fetch { .. }, Lang::Zh) => "正在獲取遠端更新…".into(),
            (Progress::Fetch { .. }, Lang::En) => "fetching…".into(),
            (Progress::Audit { commits }, Lang::Zh) => format!("正在審核 {commits} 個新提交…"),
            (Progress::Audit { commits }, Lang::En) => format!("auditing {commits} new commits…"),
            (Progress::Merge, Lang::Zh) => "正在合併…".into(),
            (Progress::Merge, Lang::En) => "merging…".into(),
            (Progress::Push { .. }, Lang::Zh) => "正在推送…".into(),
            (Progress::Push { .. }, Lang::En) => "pushing…".into(),
            (Progress::Wait { millis, retry }, Lang::Zh) => {
                format!("推送被拒(他人先推送),{millis} 毫秒後第 {retry} 次重試…")
            }
            (Progress::Wait { millis, retry }, Lang::En) => {
                format!("push rejected (someone pushed first); retry {retry} in {millis} ms…")
            }
        }
    }
}

/// How to sync.
pub struct SyncOptions<'a> {
    /// The remote's name (`origin`) or a path or URL git accepts.
    pub remote: String,
    pub lang: Lang,
    /// Checks the signatures of incoming commits (and of both sides of a conflict).
    pub verifier: Verifier,
    pub git: GitProgram,
    /// Merge incoming commits even when the audit finds violations (they are
    /// still reported in [`SyncReport::accepted_violations`]).
    pub accept_violations: bool,
    /// Settle conflicting files by taking one side (`Ours`: the chair only).
    pub resolve: Option<Resolve>,
    /// The local user's email (git's `user.email`); names the member who signs
    /// a merge commit. Not needed for a fast-forward.
    pub email: Option<String>,
    /// Signs a merge commit. Not needed for a fast-forward.
    pub sign: Option<SignFn<'a>>,
    /// The time a merge commit is recorded at.
    pub when: DateTime<FixedOffset>,
    pub max_retries: usize,
    /// The longest first back-off; it doubles with each retry (randomised).
    pub backoff: Duration,
    pub progress: Option<&'a dyn Fn(&Progress)>,
}

impl<'a> SyncOptions<'a> {
    /// Defaults: remote `origin`, the user's own git, 5 retries.
    pub fn new(remote: &str, lang: Lang, when: DateTime<FixedOffset>) -> SyncOptions<'a> {
        SyncOptions {
            remote: remote.to_string(),
            lang,
            verifier: Verifier::default(),
            git: GitProgram::default(),
            accept_violations: false,
            resolve: None,
            email: None,
            sign: None,
            when,
            max_retries: MAX_RETRIES,
            backoff: Duration::from_millis(200),
            progress: None,
        }
    }

    fn report(&self, p: Progress) {
        if let Some(f) = self.progress {
            f(&p);
        }
    }
}

/// What the local branch did with the remote one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Merged {
    /// Nothing new on either side.
    UpToDate,
    /// Only local commits: nothing to merge.
    Ahead,
    /// The remote branch does not exist yet.
    NoRemoteBranch,
    FastForward {
        from: Option<String>,
        to: String,
    },
    Merge {
        commit: String,
    },
}

/// What a sync did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub remote: String,
    pub branch: String,
    /// Commits new to this clone that were audited and taken in.
    pub incoming: usize,
    /// Merges and fast-forwards, one per attempt that found something.
    pub merges: Vec<Merged>,
    /// Whether local commits were pushed.
    pub pushed: bool,
    /// Pushes rejected and retried.
    pub retries: usize,
    /// Violations merged anyway (`accept_violations`).
    pub accepted_violations: Vec<Violation>,
    pub head: Option<String>,
}

/// One side of a conflicting file.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The RON text; `None`: the side deleted the file.
    pub content: Option<String>,
    /// The newest commit on this side that changed the file, with its author,
    /// acting member and signature status.
    pub entry: Option<Entry>,
}

/// A file both sides changed to different contents.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub path: String,
    /// The nomination it belongs to, if any.
    pub record: Option<String>,
    pub base: Option<String>,
    pub ours: Side,
    pub theirs: Side,
}

/// Everything a conflict view needs.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictReport {
    pub remote_ref: String,
    pub ours: String,
    pub theirs: String,
    pub base: Option<String>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error(transparent)]
    History(#[from] history::HistoryError),
    #[error("`{command}` failed ({status}){}", if stderr.is_empty() { String::new() } else { format!(":\n{stderr}") })]
    GitProgram {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("HEAD is detached; check out a branch before syncing")]
    Detached,
    #[error("{}", violations_text(.violations, *.zh))]
    Violations {
        violations: Vec<Violation>,
        remote_tip: String,
        zh: bool,
    },
    #[error("{}", conflicts_text(.0, false))]
    Conflicts(Box<ConflictReport>),
    #[error("{0}")]
    NeedIdentity(String),
    #[error("{0}")]
    ChairOnly(String),
    #[error("{message}")]
    TooManyRetries { retries: usize, message: String },
    #[error("{0}")]
    PushRefused(String),
}

fn violations_text(violations: &[Violation], zh: bool) -> String {
    let mut s = if zh {
        format!(
            "遠端的新提交有 {} 處違規,未合併(本地分支和工作區未改動):\n",
            violations.len()
        )
    } else {
        format!(
            "the incoming commits break {} rule(s); nothing was merged (local branch and work tree unchanged):\n",
            violations.len()
        )
    };
    for v in violations {
        s.push_str(&format!("  {v}\n"));
    }
    s.push_str(if zh {
        "請評委會主任核查;確需接收時用 `pingxuan sync --accept-violations`。"
    } else {
        "Ask the chair to look into them; to merge anyway, run `pingxuan sync --accept-violations`."
    });
    s
}

fn short(s: &str) -> &str {
    s.get(..12).unwrap_or(s)
}

fn signer_text(side: &Side, zh: bool) -> String {
    match &side.entry {
        Some(e) => format!(
            "{} {} <{}>, {}",
            short(&e.commit),
            e.actor.as_deref().unwrap_or("?"),
            e.email,
            e.signature.describe(zh)
        ),
        None => "-".into(),
    }
}

/// The conflict report for people: both versions and who signed each.
pub fn conflicts_text(r: &ConflictReport, zh: bool) -> String {
    let mut s = if zh {
        format!(
            "沖突:雙方對 {} 個文件作了不同修改;未合并任何內容(本地分支、工作區和 {} 均未改變)\n",
            r.conflicts.len(),
            r.remote_ref
        )
    } else {
        format!(
            "conflict: both sides changed {} file(s) differently; nothing was merged \
             (local branch, work tree and {} unchanged)\n",
            r.conflicts.len(),
            r.remote_ref
        )
    };
    let (ours, theirs) = if zh {
        ("本地版本", "遠端版本")
    } else {
        ("ours (local)", "theirs (remote)")
    };
    for c in &r.conflicts {
        s.push_str(&format!("\n== {}\n", c.path));
        for (name, side) in [(ours, &c.ours), (theirs, &c.theirs)] {
            s.push_str(&format!("-- {name}: {}\n", signer_text(side, zh)));
            match &side.content {
                Some(t) => {
                    for line in t.lines() {
                        s.push_str(&format!("   {}\n", crate::text::sanitize(line)));
                    }
                }
                None => s.push_str(if zh {
                    "   (已刪除)\n"
                } else {
                    "   (deleted)\n"
                }),
            }
        }
    }
    if zh {
        s.push_str(
            "\n處理辦法:`pingxuan sync --resolve theirs` 以簽名的合并提交保留遠端版本(本地版本留在歷史中),\
             再以正常操作記錄正確內容(主任:`pingxuan decide`);以本地版本覆蓋遠端版本(`--resolve ours`)須由主任決定。",
        );
        return s;
    }
    s.push_str(
        "\nTo settle it: `pingxuan sync --resolve theirs` makes a signed merge that keeps the \
         remote version (yours stays in the history); then record the right content with a \
         normal action (the chair: `pingxuan decide`). Keeping your version over the remote \
         one (`--resolve ours`) is the chair's call.",
    );
    s
}

/// Commits the local branch has that the remote-tracking branch lacks, and
/// the other way round; `None` without a remote-tracking branch. No network.
pub fn ahead_behind(store: &Store, remote: &str) -> Result<Option<(usize, usize)>, SyncError> {
    let branch = branch_name(store.repo())?;
    let tracking = tracking_ref(remote, &branch);
    let Some(theirs) = resolve_ref(store.repo(), &tracking)? else {
        return Ok(None);
    };
    let Some(ours) = store.head()? else {
        return Ok(Some((0, count(store.repo(), theirs, None)?)));
    };
    Ok(Some(store.repo().graph_ahead_behind(ours, theirs)?))
}

fn count(repo: &Repository, tip: Oid, hide: Option<Oid>) -> Result<usize, git2::Error> {
    Ok(new_commits(repo, tip, hide)?.len())
}

/// `main` for `refs/heads/main`.
fn branch_name(repo: &Repository) -> Result<String, SyncError> {
    let head = repo.find_reference("HEAD")?;
    let Some(target) = head.symbolic_target()? else {
        return Err(SyncError::Detached);
    };
    Ok(target
        .strip_prefix("refs/heads/")
        .unwrap_or(target)
        .to_string())
}

fn tracking_ref(remote: &str, branch: &str) -> String {
    format!("refs/remotes/{remote}/{branch}")
}

fn resolve_ref(repo: &Repository, name: &str) -> Result<Option<Oid>, git2::Error> {
    match repo.refname_to_id(name) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Commits reachable from `tip` and not from `hide`, parents first.
fn new_commits(repo: &Repository, tip: Oid, hide: Option<Oid>) -> Result<Vec<Oid>, git2::Error> {
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    revs.push(tip)?;
    if let Some(h) = hide {
        revs.hide(h)?;
    }
    revs.collect()
}

/// A random pause in [b/4, b·2^(retry-1)] ("full jitter": contenders that were
/// rejected together rarely retry together), at most 10 s, where b
/// is the larger of `base` and how long the rejected attempt took (a slow
/// server or link stretches the pauses with it).
fn backoff(base: Duration, window: Duration, retry: usize) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_usize(retry);
    h.write_u32(std::process::id());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    h.write_u32(nanos);
    let top = base
        .max(window)
        .saturating_mul(1 << retry.saturating_sub(1).min(6))
        .min(Duration::from_secs(10));
    let top_ms = u64::try_from(top.as_millis()).unwrap_or(10_000).max(2);
    let floor = (u64::try_from(base.max(window).as_millis()).unwrap_or(0) / 4).min(top_ms / 2);
    Duration::from_millis(floor + h.finish() % (top_ms - floor + 1))
}

/// Syncs the current branch of `store` with `opts.remote`.
pub fn sync(store: &Store, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let repo = store.repo();
    let branch = branch_name(repo)?;
    let git_dir = store.git_dir();
    let mut report = SyncReport {
        remote: opts.remote.clone(),
        branch: branch.clone(),
        incoming: 0,
        merges: Vec::new(),
        pushed: false,
        retries: 0,
        accepted_violations: Vec::new(),
        head: None,
    };
    let mut attempt = 0;
    loop {
        let started = std::time::Instant::now();
        opts.report(Progress::Fetch { attempt });
        opts.git.fetch(&git_dir, &opts.remote)?;
        let merged = integrate(store, &branch, opts, &mut report)?;
        let remote_tip = resolve_ref(repo, &tracking_ref(&opts.remote, &branch))?;
        let local = store.head()?;
        if !matches!(merged, Merged::UpToDate | Merged::Ahead) {
            report.merges.push(merged);
        }
        let needs_push = match (local, remote_tip) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(l), Some(r)) => l != r,
        };
        if !needs_push {
            report.head = local.map(|o| o.to_string());
            return Ok(report);
        }
        opts.report(Progress::Push { attempt });
        match opts.git.push(&git_dir, &opts.remote, &branch)? {
            Pushed::Done => {
                report.pushed = true;
                report.head = store.head()?.map(|o| o.to_string());
                return Ok(report);
            }
            Pushed::Retry(detail) => {
                if attempt >= opts.max_retries {
                    let message = match opts.lang {
                        Lang::Zh => format!(
                            "推送 {attempt} 次重試後仍被拒絕(其他人不斷先推送),已停止;本地提交完好,稍後再運行 `pingxuan sync`。\n最後一次:{detail}"
                        ),
                        Lang::En => format!(
                            "the push was still rejected after {attempt} retries (others keep pushing first); stopped with every local commit intact. Run `pingxuan sync` again later.\nLast rejection: {detail}"
                        ),
                    };
                    return Err(SyncError::TooManyRetries {
                        retries: attempt,
                        message,
                    });
                }
                attempt += 1;
                report.retries = attempt;
                let pause = backoff(opts.backoff, started.elapsed(), attempt);
                opts.report(Progress::Wait {
                    millis: u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    retry: attempt,
                });
                std::thread::sleep(pause);
            }
            Pushed::Refused(detail) => {
                return Err(SyncError::PushRefused(match opts.lang {
                    Lang::Zh => format!("遠端拒絕了推送(本地提交完好):\n{detail}"),
                    Lang::En => {
                        format!("the remote refused the push (local commits intact):\n{detail}")
                    }
                }))
            }
            // `GitProgram::push` turns a failure into an error itself.
            Pushed::Failed => {
                return Err(SyncError::GitProgram {
                    command: "git push".into(),
                    status: "failed".into(),
                    stderr: String::new(),
                })
            }
        }
    }
}

/// Takes the remote-tracking branch into the local one: audit, then
/// fast-forward or merge. Retries itself when a writer outside pingxuan moves
/// the branch in between.
fn integrate(
    store: &Store,
    branch: &str,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Merged, SyncError> {
    let repo = store.repo();
    let refname = format!("refs/heads/{branch}");
    let tracking = tracking_ref(&opts.remote, branch);
    let mut races = 0;
    loop {
        let Some(theirs) = resolve_ref(repo, &tracking)? else {
            return Ok(Merged::NoRemoteBranch);
        };
        let ours = store.head()?;
        if ours == Some(theirs) {
            return Ok(Merged::UpToDate);
        }
        if let Some(o) = ours {
            if repo.graph_descendant_of(o, theirs)? {
                return Ok(Merged::Ahead);
            }
        }
        // Audit before anything is taken in (outside the lock: it may be slow,
        // and the set of commits new to us only shrinks meanwhile).
        let incoming = new_commits(repo, theirs, ours)?;
        opts.report(Progress::Audit {
            commits: incoming.len(),
        });
        let audit = AuditOptions {
            lang: opts.lang,
            verifier: opts.verifier.clone(),
            since: None,
        };
        // Its own small pool: the signature checks mostly wait on ssh-keygen or
        // gpg, and must not queue behind other work on the global pool (the
        // TUI's loading, other syncs in the same process).
        let violations = match rayon::ThreadPoolBuilder::new().num_threads(4).build() {
            Ok(pool) => {
                let git_dir = store.git_dir();
                pool.install(|| {
                    let own = Store::open(&git_dir)?;
                    history::audit_commits(&own, &incoming, &audit)
                })?
            }
            Err(_) => history::audit_commits(store, &incoming, &audit)?,
        };
        if !violations.is_empty() && !opts.accept_violations {
            return Err(SyncError::Violations {
                violations,
                remote_tip: theirs.to_string(),
                zh: opts.lang.zh(),
            });
        }
        opts.report(Progress::Merge);
        let _lock = store.lock()?;
        if store.head()? != ours {
            // A local action landed meanwhile: look again.
            continue;
        }
        let result = match ours {
            Some(o) if !repo.graph_descendant_of(theirs, o)? => {
                merge(store, &refname, o, theirs, opts)
            }
            _ => fast_forward(repo, &refname, ours, theirs),
        };
        match result {
            Err(SyncError::Store(StoreError::Conflict)) if races < MAX_RETRIES => {
                races += 1;
                continue;
            }
            Err(e) => return Err(e),
            Ok(m) => {
                report.incoming += incoming.len();
                report.accepted_violations.extend(violations);
                return Ok(m);
            }
        }
    }
}

fn tree_of(repo: &Repository, commit: Option<Oid>) -> Result<Option<git2::Tree<'_>>, git2::Error> {
    commit.map(|c| repo.find_commit(c)?.tree()).transpose()
}

/// Moves `refname` from `old` to `new` by compare-and-swap.
fn move_branch(
    repo: &Repository,
    refname: &str,
    old: Option<Oid>,
    new: Oid,
    log: &str,
) -> Result<(), SyncError> {
    let moved = match old {
        Some(o) => repo.reference_matching(refname, new, true, o, log),
        None => repo.reference(refname, new, false, log),
    };
    match moved {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::Modified | git2::ErrorCode::Exists | git2::ErrorCode::Locked
            ) =>
        {
            Err(StoreError::Conflict.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn fast_forward(
    repo: &Repository,
    refname: &str,
    ours: Option<Oid>,
    theirs: Oid,
) -> Result<Merged, SyncError> {
    let old = tree_of(repo, ours)?;
    let new = tree_of(repo, Some(theirs))?;
    let changes = walk::deltas(repo, old.as_ref(), new.as_ref(), None)?;
    worktree::check_clean(repo, &changes)?;
    move_branch(repo, refname, ours, theirs, "pingxuan sync: fast-forward")?;
    worktree::apply(repo, &changes)?;
    Ok(Merged::FastForward {
        from: ours.map(|o| o.to_string()),
        to: theirs.to_string(),
    })
}

/// Changed paths from `base` to `tip`: path → new blob (None: deleted).
fn changed(
    repo: &Repository,
    base: Option<&git2::Tree>,
    tip: &git2::Tree,
) -> Result<BTreeMap<String, Option<Oid>>, git2::Error> {
    Ok(walk::deltas(repo, base, Some(tip), None)?
        .into_iter()
        .map(|d| (d.path, d.new))
        .collect())
}

fn blob_id(tree: &git2::Tree, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

fn merge(
    store: &Store,
    refname: &str,
    ours: Oid,
    theirs: Oid,
    opts: &SyncOptions,
) -> Result<Merged, SyncError> {
    let repo = store.repo();
    let zh = opts.lang.zh();
    let ours_c = repo.find_commit(ours)?;
    let theirs_c = repo.find_commit(theirs)?;
    let ours_t = ours_c.tree()?;
    let theirs_t = theirs_c.tree()?;
    let base = repo.merge_base(ours, theirs).ok();
    let base_t = tree_of(repo, base)?;

    // The tree merge; renames are never records' business.
    let mut mopts = git2::MergeOptions::new();
    mopts.find_renames(false);
    let mut index = repo.merge_commits(&ours_c, &theirs_c, Some(&mopts))?;

    // A conflict: a file both sides changed to different contents that the
    // merge could not take from one side whole (no text merges of records).
    let ours_ch = changed(repo, base_t.as_ref(), &ours_t)?;
    let theirs_ch = changed(repo, base_t.as_ref(), &theirs_t)?;
    let mut conflicted: Vec<String> = Vec::new();
    for c in index.conflicts()? {
        let c = c?;
        let entry = c.our.or(c.their).or(c.ancestor);
        if let Some(e) = entry {
            conflicted.push(String::from_utf8_lossy(&e.path).into_owned());
        }
    }
    for (path, ours_id) in &ours_ch {
        let Some(theirs_id) = theirs_ch.get(path) else {
            continue;
        };
        if ours_id == theirs_id || conflicted.contains(path) {
            continue;
        }
        let merged = index.get_path(Path::new(path), 0).map(|e| e.id);
        if merged != *ours_id && merged != *theirs_id {
            conflicted.push(path.clone());
        }
    }
    conflicted.sort();
    conflicted.dedup();

    // Who makes the merge commit: a member, with a key.
    let snapshot = store.snapshot_at(ours)?;
    let member = opts
        .email
        .as_deref()
        .and_then(|e| snapshot.member_by_email(e))
        .cloned();

    if !conflicted.is_empty() {
        let Some(resolve) = opts.resolve else {
            return Err(SyncError::Conflicts(Box::new(conflict_report(
                store,
                opts,
                ours,
                theirs,
                base,
                &conflicted,
            )?)));
        };
        // Setting one's own unpushed version aside is anyone's right; keeping it
        // over a version already shared overrides another member: the chair's.
        if resolve == Resolve::Ours && !member.as_ref().is_some_and(|m| m.has_role(Role::Chair)) {
            return Err(SyncError::ChairOnly(
                if zh {
                    "只有評委會主任可以用 --resolve ours 以本地版本覆蓋遠端版本;未作任何改動。可用 --resolve theirs 接收遠端版本,再重新操作"
                } else {
                    "only the chair may keep the local version over the remote one (--resolve ours); nothing was changed. --resolve theirs takes the remote version, then act again"
                }
                .into(),
            ));
        }
        let pick_tree = match resolve {
            Resolve::Ours => &ours_t,
            Resolve::Theirs => &theirs_t,
        };
        for path in &conflicted {
            let p = Path::new(path);
            index.conflict_remove(p).ok();
            index.remove_path(p).ok();
            if let Ok(e) = pick_tree.get_path(p) {
                let blob = repo.find_blob(e.id())?;
                let entry = index_entry(path, e.id(), blob.content().len(), e.filemode());
                index.add(&entry)?;
            }
        }
    } else if index.has_conflicts() {
        // Cannot happen: every index conflict is in `conflicted`.
        return Err(SyncError::Git(git2::Error::from_str(
            "the merge left conflicts",
        )));
    }

    let Some(member) = member else {
        return Err(SyncError::NeedIdentity(need_identity(
            zh,
            opts.email.as_deref(),
        )));
    };
    let Some(sign) = opts.sign else {
        return Err(SyncError::NeedIdentity(format!(
            "{}\n{}",
            if zh {
                "雙方都有新提交,需要一個簽名的合併提交,但沒有簽名密鑰;未作任何改動。"
            } else {
                "both sides have new commits and need a signed merge commit, but no signing key is configured; nothing was changed."
            },
            crate::sign::missing_key_hint(zh)
        )));
    };

    let tree_id = index.write_tree_to(repo)?;
    let tree = repo.find_tree(tree_id)?;
    let changes = walk::deltas(repo, Some(&ours_t), Some(&tree), None)?;
    worktree::check_clean(repo, &changes)?;

    let remote_name = opts.remote.clone();
    let summary = if zh {
        format!("合併 {remote_name}({})", member.name)
    } else {
        format!("Merge {remote_name} by {}", member.name)
    };
    let mut message = format!(
        "{summary}\n\nPingxuan-Action: merge\nPingxuan-Actor: {}\n",
        member.id
    );
    if let Some(r) = opts.resolve.filter(|_| !conflicted.is_empty()) {
        for path in &conflicted {
            message.push_str(&format!("Pingxuan-Resolved: {path} {}\n", r.as_str()));
        }
    }
    let offset = opts.when.offset().local_minus_utc() / 60;
    let sig = git2::Signature::new(
        &member.name,
        &member.email,
        &git2::Time::new(opts.when.timestamp(), offset),
    )?;
    let buffer = repo.commit_create_buffer(&sig, &sig, &message, &tree, &[&ours_c, &theirs_c])?;
    let signature = sign(&buffer).map_err(StoreError::Sign)?;
    let text = std::str::from_utf8(&buffer)
        .map_err(|e| StoreError::Sign(format!("commit buffer is not UTF-8: {e}")))?;
    let commit = repo.commit_signed(text, &signature, None)?;
    move_branch(
        repo,
        refname,
        Some(ours),
        commit,
        &format!("pingxuan: {summary}"),
    )?;
    worktree::apply(repo, &changes)?;
    Ok(Merged::Merge {
        commit: commit.to_string(),
    })
}

fn need_identity(zh: bool, email: Option<&str>) -> String {
    match (zh, email) {
        (true, None) => "雙方都有新提交,需要由成員簽名的合併提交;未設置 git 的 user.email,未作任何改動。".into(),
        (false, None) => "both sides have new commits and need a merge commit signed by a member; git user.email is not set, so nothing was changed.".into(),
        (true, Some(e)) => format!("雙方都有新提交,需要由成員簽名的合併提交;{e} 不是 members.ron 中的成員,未作任何改動。"),
        (false, Some(e)) => format!("both sides have new commits and need a merge commit signed by a member; {e} is no member in members.ron, so nothing was changed."),
    }
}

fn index_entry(path: &str, id: Oid, size: usize, mode: i32) -> git2::IndexEntry {
    let zero = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: zero,
        mtime: zero,
        dev: 0,
        ino: 0,
        mode: u32::try_from(mode).unwrap_or(0o100644),
        uid: 0,
        gid: 0,
        file_size: u32::try_from(size).unwrap_or(u32::MAX),
        id,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The newest commit from `tip` (not reachable from `base`) that changed `path`
/// by itself.
fn last_change(
    repo: &Repository,
    tip: Oid,
    base: Option<Oid>,
    path: &str,
) -> Result<Option<Oid>, git2::Error> {
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL)?;
    revs.push(tip)?;
    if let Some(b) = base {
        revs.hide(b)?;
    }
    for oid in revs {
        let oid = oid?;
        let c = repo.find_commit(oid)?;
        let now = blob_id(&c.tree()?, path);
        let mut own = true;
        for p in c.parents() {
            if blob_id(&p.tree()?, path) == now {
                own = false;
            }
        }
        if c.parent_count() == 0 && now.is_none() {
            own = false;
        }
        if own {
            return Ok(Some(oid));
        }
    }
    Ok(None)
}

fn conflict_report(
    store: &Store,
    opts: &SyncOptions,
    ours: Oid,
    theirs: Oid,
    base: Option<Oid>,
    paths: &[String],
) -> Result<ConflictReport, SyncError> {
    let repo = store.repo();
    let log = LogOptions {
        lang: opts.lang,
        verifier: opts.verifier.clone(),
        limit: None,
    };
    let text = |tree: &git2::Tree, path: &str| -> Option<String> {
        let id = blob_id(tree, path)?;
        let blob = repo.find_blob(id).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    };
    let base_t = tree_of(repo, base)?;
    let ours_t = repo.find_commit(ours)?.tree()?;
    let theirs_t = repo.find_commit(theirs)?.tree()?;
    let mut conflicts = Vec::new();
    for path in paths {
        let record = layout::classify(path).record().map(str::to_string);
        let prefix = record.as_deref().and_then(|r| layout::record_dir(r).ok());
        let side = |tip: Oid, tree: &git2::Tree| -> Result<Side, SyncError> {
            let entry = match last_change(repo, tip, base, path)? {
                Some(c) => Some(history::entry(store, c, prefix.as_deref(), &log)?),
                None => None,
            };
            Ok(Side {
                content: text(tree, path),
                entry,
            })
        };
        conflicts.push(Conflict {
            path: path.clone(),
            record,
            base: base_t.as_ref().and_then(|t| text(t, path)),
            ours: side(ours, &ours_t)?,
            theirs: side(theirs, &theirs_t)?,
        });
    }
    Ok(ConflictReport {
        remote_ref: format!("{}/{}", opts.remote, branch_name(repo)?),
        ours: ours.to_string(),
        theirs: theirs.to_string(),
        base: base.map(|b| b.to_string()),
        conflicts,
    })
}
