//! Replaying unpublished actions onto a new parent: the same file changes,
//! judged by the audit against the new parent, re-signed by their member.

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, Signature, Time};
use serde::Serialize;

use super::aside::{self, ReasonKind};
use super::{short, Integrated, SyncError, SyncOptions};
use crate::history::{self, walk, AuditOptions, Violation};
use crate::i18n::Lang;
use crate::model::Member;
use crate::store::{FileChange, NewCommit, SignFn, Store, StoreError};

/// One action re-applied: the original commit and the one that replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replayed {
    pub original: String,
    pub commit: String,
    pub summary: String,
}

/// What re-applying one action came to.
pub(crate) enum Outcome {
    Applied(Oid),
    Refused { kind: ReasonKind, reason: String },
}

/// The member re-signing, and how.
pub(crate) struct Replayer<'a> {
    pub store: &'a Store,
    pub member: Member,
    pub sign: SignFn<'a>,
    pub lang: Lang,
    pub audit: AuditOptions,
    pub when: DateTime<FixedOffset>,
}

fn git_time(t: DateTime<FixedOffset>) -> Time {
    Time::new(t.timestamp(), t.offset().local_minus_utc() / 60)
}

/// The member the local user is, by `email`, in the registry at `commits`
/// (the first that knows them).
pub(crate) fn local_member(
    store: &Store,
    email: Option<&str>,
    commits: &[Oid],
    lang: Lang,
) -> Result<Member, SyncError> {
    let zh = lang.zh();
    let Some(email) = email.filter(|e| !e.trim().is_empty()) else {
        return Err(SyncError::NeedIdentity(if zh {
            "有未推送的本地操作要重放到遠端最新提交之上，需要以成員身份重新簽名；未設置 git 的 user.email，未作任何改動。".into()
        } else {
            "unpublished local actions must be replayed onto the remote tip and re-signed by their member, but git user.email is not set; nothing was changed.".into()
        }));
    };
    for &c in commits {
        let snapshot = store.snapshot_at(c)?;
        if let Some(m) = snapshot.member_by_email(email) {
            return Ok(m.clone());
        }
    }
    Err(SyncError::NeedIdentity(if zh {
        format!("有未推送的本地操作要重放，需要成員重新簽名；{email} 不是 members.ron 中的成員，未作任何改動。")
    } else {
        format!("unpublished local actions must be replayed and re-signed by their member; {email} is no member in members.ron, so nothing was changed.")
    }))
}

pub(crate) fn need_key(lang: Lang) -> SyncError {
    let zh = lang.zh();
    SyncError::NeedIdentity(format!(
        "{}\n{}",
        if zh {
            "有未推送的本地操作要重放並重新簽名，但沒有配置簽名密鑰；未作任何改動。"
        } else {
            "unpublished local actions must be replayed and re-signed, but no signing key is configured; nothing was changed."
        },
        crate::sign::missing_key_hint(zh)
    ))
}

/// Whether `commit` is an action of `member`: its `Pingxuan-Actor` trailer
/// names them and its author is their email.
pub(crate) fn owned_by(commit: &git2::Commit, member: &Member) -> bool {
    let message = String::from_utf8_lossy(commit.message_bytes());
    walk::trailer(&message, "Pingxuan-Actor").as_deref() == Some(member.id.as_str())
        && commit
            .author()
            .email()
            .is_ok_and(|e| e.eq_ignore_ascii_case(&member.email))
}

/// The newest commit between `since` (exclusive) and `tip` that changed `path`.
fn changed_upstream(
    repo: &Repository,
    tip: Oid,
    since: Oid,
    path: &str,
) -> Result<Option<Oid>, git2::Error> {
    let mut revs = repo.revwalk()?;
    revs.push(tip)?;
    revs.hide(since)?;
    for oid in revs {
        let oid = oid?;
        let c = repo.find_commit(oid)?;
        let now = walk::entry_id(&c.tree()?, path);
        let before = match c.parent(0) {
            Ok(p) => walk::entry_id(&p.tree()?, path),
            Err(_) => None,
        };
        if now != before {
            return Ok(Some(oid));
        }
    }
    Ok(None)
}

/// Why the audit refuses a replayed action: in Chinese a sentence with the
/// rule after it (no kind code), in English the audit's own line.
fn violation_text(v: &Violation, lang: Lang) -> String {
    if lang.zh() {
        return match &v.path {
            Some(p) if !v.message.contains(p.as_str()) => format!("{p}：{}", v.sentence(lang)),
            _ => v.sentence(lang),
        };
    }
    let mut s = format!("{} [{}]", v.rule, v.kind.as_str());
    if let Some(p) = &v.path {
        s.push_str(&format!(" {p}"));
    }
    s.push_str(&format!(": {}", v.message));
    s
}

impl Replayer<'_> {
    /// Re-applies `original` (one parent) onto `parent` as a new signed commit
    /// object, the candidate; nothing else changes. Not yet judged by the
    /// audit (see [`Replayer::replay_one`]).
    pub fn build(&self, original: Oid, parent: Oid) -> Result<Outcome, SyncError> {
        let repo = self.store.repo();
        let zh = self.lang.zh();
        let c = repo.find_commit(original)?;
        let old_parent = c.parent(0)?;
        let old_base = old_parent.tree()?;
        let new_parent = repo.find_commit(parent)?;
        let new_base = new_parent.tree()?;
        let deltas = walk::deltas(repo, Some(&old_base), Some(&c.tree()?), None)?;

        // The same file changed upstream since the action was taken: its
        // change no longer applies to what it was made against.
        let mut clashes = Vec::new();
        for d in &deltas {
            if walk::entry_id(&new_base, &d.path) != d.old {
                let by = match changed_upstream(repo, parent, old_parent.id(), &d.path)? {
                    Some(u) => {
                        let uc = repo.find_commit(u)?;
                        let msg = String::from_utf8_lossy(uc.message_bytes()).into_owned();
                        let who = walk::trailer(&msg, "Pingxuan-Actor")
                            .unwrap_or_else(|| uc.author().email().unwrap_or("?").to_string());
                        let summary = crate::text::sanitize(msg.lines().next().unwrap_or(""));
                        format!("{} {who}: {summary}", short(&u.to_string()))
                    }
                    None => "?".into(),
                };
                clashes.push(if zh {
                    format!("{} 已在遠端被改動（{by}）", d.path)
                } else {
                    format!("{} was changed upstream ({by})", d.path)
                });
            }
        }
        if !clashes.is_empty() {
            return Ok(Outcome::Refused {
                kind: ReasonKind::SameFile,
                reason: clashes.join("\n"),
            });
        }

        let mut changes = Vec::with_capacity(deltas.len());
        for d in &deltas {
            let content = match d.new {
                Some(id) => {
                    let blob = repo.find_blob(id)?;
                    match std::str::from_utf8(blob.content()) {
                        Ok(t) => Some(t.to_string()),
                        Err(_) => {
                            // The codec's sentence names a GB18030 or UTF-16
                            // file's encoding and how to convert it.
                            let why = crate::store::codec::decode(&d.path, blob.content())
                                .err()
                                .map(|p| format!(": {}", p.message))
                                .unwrap_or_default();
                            return Ok(Outcome::Refused {
                                kind: ReasonKind::NotText,
                                reason: if zh {
                                    format!("{} 不是 UTF-8 文本{why}", d.path)
                                } else {
                                    format!("{} is not UTF-8 text{why}", d.path)
                                },
                            });
                        }
                    }
                }
                None => None,
            };
            changes.push(FileChange {
                path: d.path.clone(),
                content,
            });
        }

        let author = c.author();
        let author = Signature::new(
            author.name().unwrap_or(&self.member.name),
            author.email().unwrap_or(&self.member.email),
            &author.when(),
        )?;
        // Now, but never before the new parent (a clock a little behind the
        // one that wrote the parent).
        let parent_time = new_parent.committer().when();
        let now = git_time(self.when);
        let time = if now.seconds() < parent_time.seconds() {
            Time::new(parent_time.seconds(), now.offset_minutes())
        } else {
            now
        };
        let committer = Signature::new(&self.member.name, &self.member.email, &time)?;
        let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
        let candidate = match self.store.commit_object(
            &NewCommit {
                parent: Some(parent),
                changes: &changes,
                author,
                committer,
                message,
            },
            self.sign,
        ) {
            Ok(oid) => oid,
            Err(StoreError::Invalid(p)) => {
                return Ok(Outcome::Refused {
                    kind: ReasonKind::Refused,
                    reason: p.to_string(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        Ok(Outcome::Applied(candidate))
    }

    /// [`Replayer::build`], then the audit's verdict on the candidate.
    pub fn replay_one(&self, original: Oid, parent: Oid) -> Result<Outcome, SyncError> {
        let outcome = self.build(original, parent)?;
        let Outcome::Applied(candidate) = outcome else {
            return Ok(outcome);
        };
        let violations = history::audit_commits(self.store, &[candidate], &self.audit)?;
        Ok(judged(candidate, &violations, self.lang))
    }
}

/// The candidate `commit` as the audit's `violations` leave it.
fn judged(commit: Oid, violations: &[Violation], lang: Lang) -> Outcome {
    let own: Vec<String> = violations
        .iter()
        .filter(|v| v.commit == commit.to_string())
        .map(|v| violation_text(v, lang))
        .collect();
    if own.is_empty() {
        Outcome::Applied(commit)
    } else {
        Outcome::Refused {
            kind: ReasonKind::Refused,
            reason: own.join("\n"),
        }
    }
}

/// ONE-CHAIN for our own unpublished commits: a local merge (a `git pull`
/// that merged) or a second root can be neither replayed nor pushed.
pub(crate) fn check_local_chain(
    repo: &Repository,
    local: &[Oid],
    zh: bool,
) -> Result<(), SyncError> {
    for &oid in local {
        let n = repo.find_commit(oid)?.parent_count();
        if n != 1 {
            let what = if n == 0 {
                if zh {
                    "是本地的另一個根提交".to_string()
                } else {
                    "is a second local root commit".to_string()
                }
            } else if zh {
                format!("是本地的合併提交（{n} 個父提交），不能重放或推送")
            } else {
                format!(
                    "is a local merge commit ({n} parents) and can be neither replayed nor pushed"
                )
            };
            return Err(super::not_one_chain(oid, zh, &what, &what));
        }
    }
    Ok(())
}

/// Replays the unpublished `local` commits (parents first, from `ours`) onto
/// `theirs`, sets aside the ones refused, then moves the branch from `ours` to
/// the last one applied under the write lock. `None`: the branch moved
/// meanwhile and nothing was changed.
pub(crate) fn replay_all(
    store: &Store,
    opts: &SyncOptions,
    ours: Oid,
    theirs: Oid,
    local: &[Oid],
) -> Result<Option<Integrated>, SyncError> {
    let repo = store.repo();
    let zh = opts.lang.zh();
    check_local_chain(repo, local, zh)?;
    let member = local_member(store, opts.email.as_deref(), &[theirs, ours], opts.lang)?;
    check_all_owned(repo, local, &member, zh)?;
    let Some(sign) = opts.sign else {
        return Err(super::replay::need_key(opts.lang));
    };
    let replayer = Replayer {
        store,
        member,
        sign,
        lang: opts.lang,
        audit: opts.audit_options(),
        when: opts.when,
    };
    // Build the whole chain of candidates, then let the audit judge them in
    // one pass (signature checks in parallel); each is judged against its own
    // parent, so everything before the first refused candidate stands, and
    // the rest is built again without it.
    let mut parent = theirs;
    let mut replayed = Vec::new();
    let mut refused = Vec::new();
    let mut pending: Vec<Oid> = local.to_vec();
    while !pending.is_empty() {
        let mut outcomes = Vec::with_capacity(pending.len());
        let mut tip = parent;
        for &oid in &pending {
            let outcome = replayer.build(oid, tip)?;
            if let Outcome::Applied(c) = &outcome {
                tip = *c;
            }
            outcomes.push((oid, outcome));
        }
        let candidates: Vec<Oid> = outcomes
            .iter()
            .filter_map(|(_, o)| match o {
                Outcome::Applied(c) => Some(*c),
                Outcome::Refused { .. } => None,
            })
            .collect();
        let violations = history::audit_commits(store, &candidates, &replayer.audit)?;
        let mut rest = Vec::new();
        let mut rebuild = false;
        for (oid, outcome) in outcomes {
            if rebuild {
                rest.push(oid);
                continue;
            }
            let outcome = match outcome {
                Outcome::Applied(c) => judged(c, &violations, replayer.lang),
                refused => refused,
            };
            match outcome {
                Outcome::Applied(new) => {
                    let c = repo.find_commit(oid)?;
                    replayed.push(Replayed {
                        original: oid.to_string(),
                        commit: new.to_string(),
                        summary: crate::text::sanitize(&String::from_utf8_lossy(
                            c.summary_bytes().unwrap_or_default(),
                        )),
                    });
                    parent = new;
                }
                Outcome::Refused { kind, reason } => {
                    // Those after a refused candidate were built on top of
                    // it: build them again.
                    rebuild = kind == ReasonKind::Refused;
                    refused.push((oid, kind, reason));
                }
            }
        }
        pending = rest;
    }
    let _lock = store.lock()?;
    if store.head()? != Some(ours) {
        return Ok(None);
    }
    // Set aside first: a kill after this leaves the action both on the old
    // branch and set aside, never nowhere.
    let tagger = Signature::new(
        &replayer.member.name,
        &replayer.member.email,
        &git_time(opts.when),
    )?;
    let mut set_aside = Vec::new();
    for (oid, kind, reason) in &refused {
        set_aside.push(aside::put(store, *oid, *kind, reason, &tagger)?.id);
    }
    match store.advance_branch(Some(ours), parent, "pingxuan sync: replay") {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    // An action set aside by an earlier, interrupted attempt and replayed now.
    for r in &replayed {
        if let Ok(o) = Oid::from_str(&r.original) {
            aside::remove(store, o)?;
        }
    }
    Ok(Some(Integrated::Replayed {
        onto: theirs.to_string(),
        head: parent.to_string(),
        replayed,
        set_aside,
    }))
}

/// Another member's unpublished commits cannot be re-signed by us: refuses,
/// naming them, when any of `local` is not `member`'s own.
fn check_all_owned(
    repo: &Repository,
    local: &[Oid],
    member: &Member,
    zh: bool,
) -> Result<(), SyncError> {
    let mut others = Vec::new();
    for &oid in local {
        let c = repo.find_commit(oid)?;
        if !owned_by(&c, member) {
            let msg = String::from_utf8_lossy(c.message_bytes()).into_owned();
            let who = walk::trailer(&msg, "Pingxuan-Actor")
                .unwrap_or_else(|| c.author().email().unwrap_or("?").to_string());
            others.push((oid.to_string(), crate::text::sanitize(&who)));
        }
    }
    if !others.is_empty() {
        let list = others
            .iter()
            .map(|(c, who)| format!("  {} {who}", short(c)))
            .collect::<Vec<_>>()
            .join("\n");
        let message = if zh {
            format!(
                "本地分支上有其他成員尚未推送的提交；只有提交者本人才能重放並重新簽名，未改寫任何內容（本地分支和工作區未改動）：\n{list}\n請讓該成員從自己的副本推送，或在確認這些提交不需要後重新克隆。"
            )
        } else {
            format!(
                "the local branch holds unpublished commits of another member; only their own member may replay and re-sign them, so nothing was rewritten (local branch and work tree unchanged):\n{list}\nLet that member push them from their own clone, or clone afresh once they are not needed."
            )
        };
        return Err(SyncError::OthersUnpublished {
            commits: others.into_iter().map(|(c, _)| c).collect(),
            message,
        });
    }
    Ok(())
}
