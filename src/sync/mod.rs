//! Sync (DESIGN.md "Sync: one chain, replayed, never merged", issue 12): fetch,
//! check what came in, replay the user's unpublished actions on top, push; on a
//! rejected push fetch and replay again, at most [`MAX_RETRIES`] times.
//!
//! - Fetch and push run the user's own `git` ([`GitProgram`]), so ssh config,
//!   ssh-agent, known_hosts and credential helpers work as in their own push.
//! - The commits new to us must extend the chain we hold by one line of
//!   commits, each with exactly one parent (rule ONE-CHAIN: no merge commit, no
//!   second root, no rewritten history), and pass the audit
//!   ([`history::audit_commits`]); otherwise nothing changes.
//! - Only the remote moved: the branch fast-forwards (no identity needed).
//! - Both moved: each unpublished local action is re-applied, as the same file
//!   changes, onto the fetched tip ([`replay`]): judged against its new parent
//!   exactly as the audit judges a commit, re-signed by the user, its action
//!   time kept as author time. An action the new state refuses is set aside
//!   ([`aside`]) with its reason, never dropped. No merge commit is ever made.
//! - Every ref, index and work-tree update goes through the store's one writer
//!   (`Store::advance_branch`, under the write lock and the crash journal).

pub mod aside;
pub mod git;
mod replay;
pub mod report;

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, Sort};

use crate::history::{self, AuditOptions, Verifier};
use crate::i18n::Lang;
use crate::store::{SignFn, Store, StoreError};

pub use aside::{ReasonKind, SetAside};
pub use git::{GitProgram, Pushed};
pub use replay::Replayed;
pub use report::{Integrated, Progress, SyncError, SyncReport};

/// Pushes retried after a rejection before the sync gives up.
pub const MAX_RETRIES: usize = 5;

/// The rule a sync enforces on the shape of the history (RULES.md / DESIGN.md
/// "Sync"): one chain of single-parent commits from the genesis.
pub const ONE_CHAIN: &str = "ONE-CHAIN";

/// How to sync.
pub struct SyncOptions<'a> {
    /// The remote's name (`origin`) or a path or URL git accepts.
    pub remote: String,
    pub lang: Lang,
    /// Checks the signatures of incoming and replayed commits.
    pub verifier: Verifier,
    pub git: GitProgram,
    /// The local user's email (git's `user.email`); names the member whose
    /// unpublished actions are replayed. Not needed for a fast-forward.
    pub email: Option<String>,
    /// Re-signs replayed actions. Not needed for a fast-forward.
    pub sign: Option<SignFn<'a>>,
    /// Now: the committer time of replayed actions (never before their new
    /// parent's committer time) and of set-aside records.
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

    fn audit_options(&self) -> AuditOptions {
        AuditOptions {
            lang: self.lang,
            verifier: self.verifier.clone(),
            since: None,
        }
    }
}

pub(crate) fn short(s: &str) -> &str {
    s.get(..12).unwrap_or(s)
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
        return Ok(Some((0, new_commits(store.repo(), theirs, None)?.len())));
    };
    Ok(Some(store.repo().graph_ahead_behind(ours, theirs)?))
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
        steps: Vec::new(),
        pushed: false,
        retries: 0,
        set_aside: Vec::new(),
        head: None,
    };
    // A pingxuan killed between moving the branch and updating the work tree
    // left a journal: taking the write lock finishes that update first.
    drop(store.lock()?);
    let mut attempt = 0;
    loop {
        let started = std::time::Instant::now();
        let tracking = tracking_ref(&opts.remote, &branch);
        let fetched_before = resolve_ref(repo, &tracking)?;
        opts.report(Progress::Fetch { attempt });
        opts.git.fetch(&git_dir, &opts.remote)?;
        let step = integrate(store, &branch, fetched_before, opts, &mut report)?;
        let remote_tip = resolve_ref(repo, &tracking)?;
        let local = store.head()?;
        if !matches!(step, Integrated::UpToDate | Integrated::Ahead) {
            report.steps.push(step);
        }
        report.set_aside = aside::list(store)?;
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
                        Lang::Zh | Lang::ZhHans => format!(
                            "推送 {attempt} 次重試後仍被拒絕（其他人不斷先推送），已停止；本地提交完好，稍後再運行 `pingxuan sync`。\n最後一次：{detail}"
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
                    Lang::Zh | Lang::ZhHans => {
                        format!("遠端拒絕了推送（本地提交完好）：\n{detail}")
                    }
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

fn not_one_chain(commit: Oid, zh: bool, what_zh: &str, what_en: &str) -> SyncError {
    let c = commit.to_string();
    // The same kind names as the audit's violations, so a clerk reads one word.
    let kind = if what_en.contains("root") {
        "foreign-root"
    } else if what_en.contains("merge") {
        "merge"
    } else {
        "rewritten"
    };
    let message = if zh {
        format!(
            "{} {what_zh}；評選分支必須是一條單親提交鏈，拒絕接收。本地分支和工作區未改動。（{ONE_CHAIN}）",
            short(&c)
        )
    } else {
        format!(
            "{ONE_CHAIN} [{kind}]: {} {what_en}; the campaign branch must be one chain of single-parent commits, so nothing was taken in (local branch and work tree unchanged).",
            short(&c)
        )
    };
    SyncError::NotOneChain { commit: c, message }
}

/// ONE-CHAIN for the commits new to us: every one has exactly one parent,
/// except the genesis when we hold nothing yet.
fn check_incoming_chain(
    repo: &Repository,
    incoming: &[Oid],
    ours: Option<Oid>,
    zh: bool,
) -> Result<(), SyncError> {
    let mut roots = 0;
    for &oid in incoming {
        let c = repo.find_commit(oid)?;
        match c.parent_count() {
            1 => {}
            0 if ours.is_none() && roots == 0 => roots += 1,
            0 => {
                return Err(not_one_chain(
                    oid,
                    zh,
                    "是另一個根提交（與本地歷史不同源）",
                    "is a second root commit (a history not descending from ours)",
                ))
            }
            n => {
                return Err(not_one_chain(
                    oid,
                    zh,
                    &format!("是合併提交（{n} 個父提交）"),
                    &format!("is a merge commit ({n} parents)"),
                ))
            }
        }
    }
    Ok(())
}

/// Takes the remote-tracking branch into the local one: check, then
/// fast-forward or replay. Looks again when another writer moves the branch
/// in between.
fn integrate(
    store: &Store,
    branch: &str,
    fetched_before: Option<Oid>,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Integrated, SyncError> {
    let repo = store.repo();
    let zh = opts.lang.zh();
    let tracking = tracking_ref(&opts.remote, branch);
    let mut races = 0;
    loop {
        let Some(theirs) = resolve_ref(repo, &tracking)? else {
            return Ok(Integrated::NoRemoteBranch);
        };
        // The remote must only ever grow: what we fetched before stays in it.
        if let Some(before) = fetched_before {
            if before != theirs && !repo.graph_descendant_of(theirs, before)? {
                // Keep what we knew, so that the next sync sees the rewrite too.
                store.set_ref(&tracking, before, "pingxuan sync: remote rewritten")?;
                return Err(not_one_chain(
                    theirs,
                    zh,
                    &format!(
                        "不包含之前獲取的 {}（遠端歷史被改寫）",
                        short(&before.to_string())
                    ),
                    &format!(
                        "does not contain {} fetched before (the remote's history was rewritten)",
                        short(&before.to_string())
                    ),
                ));
            }
        }
        let ours = store.head()?;
        if ours == Some(theirs) {
            return Ok(Integrated::UpToDate);
        }
        if let Some(o) = ours {
            if repo.graph_descendant_of(o, theirs)? {
                // What we are about to push must be one chain too (a `git
                // pull` that merged would make the server refuse it).
                replay::check_local_chain(repo, &new_commits(repo, o, Some(theirs))?, zh)?;
                return Ok(Integrated::Ahead);
            }
        }
        let base = match ours {
            Some(o) => match repo.merge_base(o, theirs) {
                Ok(b) => Some(b),
                Err(e) if e.code() == git2::ErrorCode::NotFound => {
                    let root = new_commits(repo, theirs, None)?
                        .first()
                        .copied()
                        .unwrap_or(theirs);
                    return Err(not_one_chain(
                        root,
                        zh,
                        "是另一個根提交（遠端歷史與本地歷史不同源）",
                        "is a foreign root commit (the remote's history does not descend from ours)",
                    ));
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let incoming = new_commits(repo, theirs, ours)?;
        check_incoming_chain(repo, &incoming, ours, zh)?;
        // Audit before anything is taken in (outside the lock: it may be slow,
        // and the set of commits new to us only shrinks meanwhile).
        opts.report(Progress::Audit {
            commits: incoming.len(),
        });
        let audit = opts.audit_options();
        // Its own small pool: the signature checks mostly wait on ssh-keygen or
        // gpg, and must not queue behind other work on the global pool.
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
        if !violations.is_empty() {
            return Err(SyncError::Violations {
                violations,
                remote_tip: theirs.to_string(),
                zh,
            });
        }
        let local = match ours {
            Some(o) if base != Some(o) => new_commits(repo, o, Some(theirs))?,
            _ => Vec::new(),
        };
        // `None`: the branch moved under us (another writer); look again.
        let step = if local.is_empty() {
            let _lock = store.lock()?;
            match store.advance_branch(ours, theirs, "pingxuan sync: fast-forward") {
                Ok(()) => Some(Integrated::FastForward {
                    from: ours.map(|o| o.to_string()),
                    to: theirs.to_string(),
                }),
                Err(StoreError::Conflict) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            let Some(o) = ours else {
                return Err(StoreError::Conflict.into()); // local commits need a local head
            };
            opts.report(Progress::Replay {
                actions: local.len(),
            });
            replay::replay_all(store, opts, o, theirs, &local)?
        };
        match step {
            None if races < MAX_RETRIES => races += 1,
            None => return Err(StoreError::Conflict.into()),
            Some(step) => {
                report.incoming += incoming.len();
                return Ok(step);
            }
        }
    }
}
