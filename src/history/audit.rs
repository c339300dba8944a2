//! The audit: every commit judged against DESIGN.md "Roles and the audit".
//!
//! For each commit, oldest first:
//! 1. the signature, against `members.ron` as it stood at the first parent (the
//!    root commit: its own): unsigned, bad, unknown key, key revoked or not yet
//!    valid on the commit's day; a good signature by one member on a commit
//!    authored as another;
//! 2. the acting member: the owner of the signing key, else the author's email;
//!    none is a violation of OPEN;
//! 3. each file the commit changes (a merge: only what differs from every parent),
//!    read from the trees, never from the message:
//!    - files outside the campaign layout, and `campaign.ron`, `members.ron`,
//!      `units.ron`, `rulings.ron` without the chair;
//!    - rewriting or deleting another member's file (a score, evaluation, opinion,
//!      votes, objection or decision names its author); the chair's resolution of
//!      an objection is the one allowed rewrite;
//!    - a file whose path and content disagree on its author;
//!    - the action the change amounts to (score, opinion, resolve, publish …),
//!      reconstructed from the two versions of the file and put through
//!      [`rules::check_action`](crate::rules::check_action) on the parent's
//!      snapshot and the commit's day: roles, conflicts of interest, the phase
//!      clock, deadlines and every other rule of RULES.md.

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, Sort};
use rayon::prelude::*;
use serde::Serialize;

use super::walk::{self, Delta};
use super::HistoryError;
use crate::i18n::Lang;
use crate::model::{
    Action, Campaign, Decision, Evaluation, Member, Nomination, Objection, ObjectionStatus,
    Opinion, Role, Rulings, Score, Snapshot, Unit, Votes,
};
use crate::rules::Refusal;
use crate::sign::verify::{judge, SigStatus, Verifier};
use crate::store::codec::from_ron;
use crate::store::layout::{classify, FileKind};
use crate::store::plan::plan;
use crate::store::reconstruct::{owner, reconstruct, same_content, NotAction};
use crate::store::Store;

/// What kind of rule a commit breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationKind {
    Unsigned,
    BadSignature,
    UnknownKey,
    KeyRevoked,
    KeyNotYetValid,
    /// Good signature of one member on a commit authored as another.
    SignerNotAuthor,
    /// Neither a registered key nor the author's email names a member.
    UnknownMember,
    /// A path or action outside the member's role.
    OutsideRole,
    /// A reviewer judging a nomination of their own unit (or a declared conflict).
    Conflict,
    /// An action outside the phase that allows it (or past its deadline).
    OutsidePhase,
    /// Rewriting or deleting a file another member authored.
    OthersFile,
    /// `campaign.ron`, `members.ron`, `units.ron` or `rulings.ron` changed without the chair.
    ChairOnly,
    /// Any other rule of RULES.md the action breaks.
    Rule,
    /// A file that does not parse, or whose path and content disagree.
    Invalid,
    /// A push that rewrites or deletes published history (hook only).
    HistoryRewrite,
    /// ONE-CHAIN: a merge commit on the campaign branch.
    Merge,
    /// ONE-CHAIN: a root commit other than the campaign's genesis, or a push
    /// whose history does not descend from the pinned genesis.
    ForeignRoot,
    /// TIME-FORWARD: committer time before the parent's, action time after the
    /// committer time or earlier than it by more than `max_offline`, or a
    /// committer time the server's clock refuses.
    Time,
    /// EVERY-CHANGE: a change that is no action (a deletion, an edit no
    /// action makes, several actions in one commit).
    NotAnAction,
    /// EVERY-CHANGE: a file that cannot be read or is too large.
    Unreadable,
    /// OPEN: the committer names another member than the author and signer.
    CommitterNotAuthor,
}

impl ViolationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::Unsigned => "unsigned",
            ViolationKind::BadSignature => "bad-signature",
            ViolationKind::UnknownKey => "unknown-key",
            ViolationKind::KeyRevoked => "key-revoked",
            ViolationKind::KeyNotYetValid => "key-not-yet-valid",
            ViolationKind::SignerNotAuthor => "signer-not-author",
            ViolationKind::UnknownMember => "unknown-member",
            ViolationKind::OutsideRole => "outside-role",
            ViolationKind::Conflict => "conflict",
            ViolationKind::OutsidePhase => "outside-phase",
            ViolationKind::OthersFile => "others-file",
            ViolationKind::ChairOnly => "chair-only",
            ViolationKind::Rule => "rule",
            ViolationKind::Invalid => "invalid",
            ViolationKind::HistoryRewrite => "history-rewrite",
            ViolationKind::Merge => "merge",
            ViolationKind::ForeignRoot => "foreign-root",
            ViolationKind::Time => "time",
            ViolationKind::NotAnAction => "not-an-action",
            ViolationKind::Unreadable => "unreadable",
            ViolationKind::CommitterNotAuthor => "committer-not-author",
        }
    }
}

/// One rule broken by one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub commit: String,
    /// The acting member, when one could be named.
    pub member: Option<String>,
    pub kind: ViolationKind,
    /// The rule's id: RULES.md's (`PHASES`, `CONFLICT`, `REG-DEADLINE` …) or
    /// `OPEN` (signatures and identity), `ROLES` (DESIGN.md "Roles and the audit").
    pub rule: String,
    /// The file at fault, if one.
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = self.commit.get(..12).unwrap_or(&self.commit);
        write!(
            f,
            "{short} {} {} [{}]",
            self.member.as_deref().unwrap_or("-"),
            self.rule,
            self.kind.as_str()
        )?;
        if let Some(p) = &self.path {
            write!(f, " {p}")?;
        }
        write!(f, ": {}", crate::text::sanitize(&self.message))
    }
}

impl Violation {
    /// The violation as a person reads it: the message, then the rule it
    /// breaks as its reference — `……（ROLES）`, `… (ROLES)` — unless the
    /// message already names it. No member id, no machine kind (those are
    /// in the fields and in `--json`).
    pub fn sentence(&self, lang: Lang) -> String {
        let m = crate::text::sanitize(&self.message);
        if self.rule.is_empty() || m.contains(&self.rule) {
            return m;
        }
        match lang {
            Lang::Zh | Lang::ZhHans => format!("{m}（{}）", self.rule),
            Lang::En => format!("{m} ({})", self.rule),
        }
    }

    /// One line of `pingxuan audit`: the commit, who acted (by `name`, the
    /// member's name), the file at fault when the message does not name it,
    /// then [`Violation::sentence`].
    pub fn line(&self, lang: Lang, name: &dyn Fn(&str) -> String) -> String {
        let short = self.commit.get(..12).unwrap_or(&self.commit);
        let who = self.member.as_deref().map_or_else(|| "–".to_string(), name);
        let path = match &self.path {
            Some(p) if !self.message.contains(p.as_str()) => format!(" {p}"),
            _ => String::new(),
        };
        let sep = lang.pick("：", ": ");
        format!("{short} {who}{path}{sep}{}", self.sentence(lang))
    }
}

/// What to audit and how.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Language of the messages.
    pub lang: Lang,
    pub verifier: Verifier,
    /// Audit only the commits not reachable from this revision.
    pub since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// How many commits were audited.
    pub commits: usize,
    pub violations: Vec<Violation>,
}

/// Audits every commit reachable from HEAD (after `opts.since`), oldest first.
pub fn audit(store: &Store, opts: &AuditOptions) -> Result<AuditReport, HistoryError> {
    let repo = store.repo();
    let Some(head) = store.head()? else {
        return Ok(AuditReport {
            commits: 0,
            violations: Vec::new(),
        });
    };
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    revs.push(head)?;
    if let Some(since) = &opts.since {
        let c = repo
            .revparse_single(since)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| HistoryError::Revision {
                rev: since.clone(),
                message: e.message().to_string(),
            })?;
        revs.hide(c.id())?;
    }
    let commits: Vec<Oid> = revs.collect::<Result<_, _>>()?;
    let violations = audit_commits(store, &commits, opts)?;
    Ok(AuditReport {
        commits: commits.len(),
        violations,
    })
}

/// A commit's facts gathered before its signature is checked.
struct Pending {
    oid: Oid,
    registry: Vec<Member>,
    email: String,
    committer_email: String,
    /// The action time (author time).
    when: DateTime<FixedOffset>,
    /// The action's day on the campaign's calendar (CAMPAIGN-TZ).
    day: chrono::NaiveDate,
    committed: DateTime<FixedOffset>,
    /// The commit's day on the campaign's calendar.
    committed_day: chrono::NaiveDate,
    /// The first parent's committer time.
    parent_committed: Option<DateTime<FixedOffset>>,
    parents: usize,
    signed: Result<Option<(String, Vec<u8>)>, String>,
}

/// The campaign's first commit: the one pinned in the repository's git config
/// (`pingxuan.genesis`, see [`super::hook::pinned_genesis`]), else the oldest
/// root (by committer time) that HEAD reaches. `None` in an empty repository.
pub fn genesis(repo: &Repository) -> Option<Oid> {
    if let Some(pin) = super::hook::pinned_genesis(repo) {
        return Some(pin);
    }
    let head = repo.head().ok()?.peel_to_commit().ok()?;
    let mut walk = repo.revwalk().ok()?;
    walk.push(head.id()).ok()?;
    walk.filter_map(Result::ok)
        .filter_map(|oid| repo.find_commit(oid).ok())
        .filter(|c| c.parent_count() == 0)
        .min_by_key(|c| (c.committer().when().seconds(), c.id()))
        .map(|c| c.id())
}

/// The committer time of `commit` in its own offset.
pub fn committer_time(commit: &git2::Commit) -> DateTime<FixedOffset> {
    let t = commit.committer().when();
    use chrono::Offset;
    let offset = FixedOffset::east_opt(t.offset_minutes() * 60).unwrap_or(chrono::Utc.fix());
    DateTime::from_timestamp(t.seconds(), 0)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// Audits `commits` (parents before children); their parents may lie outside.
pub fn audit_commits(
    store: &Store,
    commits: &[Oid],
    opts: &AuditOptions,
) -> Result<Vec<Violation>, HistoryError> {
    let repo = store.repo();
    let mut pending = Vec::with_capacity(commits.len());
    let mut zones = std::collections::HashMap::new();
    let mut registries = std::collections::HashMap::new();
    for &oid in commits {
        let commit = repo.find_commit(oid)?;
        let signed = match repo.extract_signature(&oid, None) {
            Ok((sig, data)) => match sig.as_str() {
                Ok(s) => Ok(Some((s.to_string(), data.to_vec()))),
                Err(_) => Err("the signature is not text".to_string()),
            },
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.message().to_string()),
        };
        let when = walk::author_time(&commit);
        let committed = committer_time(&commit);
        let zone = walk::judging_zone(repo, &commit, &mut zones);
        pending.push(Pending {
            oid,
            registry: walk::parent_registry_cached(repo, &commit, &mut registries),
            email: commit.author().email().unwrap_or("").to_string(),
            committer_email: commit.committer().email().unwrap_or("").to_string(),
            // CAMPAIGN-TZ: the days on the calendar of the campaign that judges the commit
            day: when.with_timezone(&zone).date_naive(),
            committed_day: committed.with_timezone(&zone).date_naive(),
            when,
            committed,
            parent_committed: commit.parent(0).ok().map(|p| committer_time(&p)),
            parents: commit.parent_count(),
            signed,
        });
    }
    // The signature programs run in parallel; everything git stays on this thread.
    // The key must be valid on the action day and on the day it was committed.
    let statuses: Vec<SigStatus> = pending
        .par_iter()
        .map(|p| match &p.signed {
            Ok(None) => SigStatus::Unsigned,
            Ok(Some((sig, data))) => match opts.verifier.check(sig, data) {
                Err(e) => SigStatus::Bad {
                    detail: e.to_string(),
                },
                Ok(raw) => {
                    let on_action = judge(&raw, &p.registry, &p.email, p.day);
                    let on_commit = judge(&raw, &p.registry, &p.email, p.committed_day);
                    if on_action.is_good() {
                        on_commit
                    } else {
                        on_action
                    }
                }
            },
            Err(detail) => SigStatus::Bad {
                detail: detail.clone(),
            },
        })
        .collect();
    let genesis = genesis(repo);
    let mut out = Vec::new();
    let mut cache: Option<(Oid, Snapshot)> = None;
    for (p, status) in pending.iter().zip(&statuses) {
        let mut j = Judge {
            store,
            repo,
            lang: opts.lang,
            commit: p.oid.to_string(),
            member: None,
            out: Vec::new(),
        };
        j.chain(p, genesis);
        j.commit(p, status, &mut cache)?;
        out.extend(j.out);
    }
    Ok(out)
}

/// A file before and after a commit (`None`: absent).
type Versions = (Option<Vec<u8>>, Option<Vec<u8>>);

/// Judges one commit, collecting its violations.
struct Judge<'a> {
    store: &'a Store,
    repo: &'a Repository,
    lang: Lang,
    commit: String,
    member: Option<String>,
    out: Vec<Violation>,
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, bytes: &Option<Vec<u8>>) -> Option<T> {
    bytes.as_ref().and_then(|b| from_ron(path, b).ok())
}

impl Judge<'_> {
    fn push(&mut self, kind: ViolationKind, rule: &str, path: Option<&str>, message: String) {
        self.out.push(Violation {
            commit: self.commit.clone(),
            member: self.member.clone(),
            kind,
            rule: rule.to_string(),
            path: path.map(str::to_string),
            message,
        });
    }

    fn pick(&self, zh: String, en: String) -> String {
        if self.lang.zh() {
            zh
        } else {
            en
        }
    }

    fn commit(
        &mut self,
        p: &Pending,
        sig: &SigStatus,
        cache: &mut Option<(Oid, Snapshot)>,
    ) -> Result<(), HistoryError> {
        let commit = self.repo.find_commit(p.oid)?;
        let by_email = p
            .registry
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(p.email.trim()));
        let actor = sig
            .member()
            .map(str::to_string)
            .or_else(|| by_email.map(|m| m.id.clone()));
        self.member = actor.clone();
        self.signature(sig, by_email, &p.email, &p.registry);
        self.committer(p, actor.as_deref());
        let parent = commit.parent(0).ok();
        let snapshot = match &parent {
            None => None,
            Some(parent) => match cache.take() {
                Some((oid, s)) if oid == parent.id() => Some(s),
                _ => match self.store.snapshot_cold(parent.id()) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let m = self.pick(
                            format!("父提交無法讀取，無法核對內容：{e}"),
                            format!("the parent does not load, contents not checked: {e}"),
                        );
                        self.push(ViolationKind::Invalid, "RECORD", None, m);
                        None
                    }
                },
            },
        };
        match (&actor, &parent, &snapshot) {
            (None, _, _) => {
                let m = self.pick(
                    format!("作者 {} 不是成員，簽名密鑰也未登記", p.email),
                    format!(
                        "the author {} is no member and no registered key signed it",
                        p.email
                    ),
                );
                self.push(ViolationKind::UnknownMember, "OPEN", None, m);
            }
            (Some(actor), None, _) => self.root(&commit, actor)?,
            (Some(actor), Some(parent), Some(snap)) => {
                // ONE-CHAIN: judged against its one (first) parent, whole.
                let deltas = walk::deltas(
                    self.repo,
                    Some(&parent.tree()?),
                    Some(&commit.tree()?),
                    None,
                )?;
                self.changes(snap, actor, &deltas, &p.when);
            }
            (Some(_), Some(_), None) => {}
        }
        let max_offline = match &snapshot {
            Some(s) => s.campaign.max_offline(),
            None => commit
                .tree()
                .ok()
                .and_then(|t| walk::campaign(self.repo, &t))
                .map(|c| c.max_offline())
                .unwrap_or_else(|| {
                    chrono::Duration::hours(i64::from(crate::model::DEFAULT_MAX_OFFLINE))
                }),
        };
        self.times(p, max_offline);
        // Carry the snapshot forward to this commit for the next one.
        *cache = match (snapshot, &parent) {
            (Some(mut s), Some(_)) => self.store.refresh(&mut s, p.oid).ok().map(|()| (p.oid, s)),
            _ => self.store.snapshot_cold(p.oid).ok().map(|s| (p.oid, s)),
        };
        Ok(())
    }

    /// ONE-CHAIN: no merge, and no root but the genesis.
    fn chain(&mut self, p: &Pending, genesis: Option<Oid>) {
        if p.parents > 1 {
            let m = self.pick(
                format!("合併提交（{} 個父提交）：評選分支只能是一條鏈，每個提交一項操作", p.parents),
                format!(
                    "a merge commit ({} parents): the campaign branch is one chain of single actions",
                    p.parents
                ),
            );
            self.push(ViolationKind::Merge, "ONE-CHAIN", None, m);
        }
        if p.parents == 0 && genesis.is_some_and(|g| g != p.oid) {
            let g = genesis.map(|g| g.to_string()).unwrap_or_default();
            let m = self.pick(
                format!("另一個根提交：本評選的起點是 {}", &g[..g.len().min(12)]),
                format!(
                    "a second root commit: the campaign's genesis is {}",
                    &g[..g.len().min(12)]
                ),
            );
            self.push(ViolationKind::ForeignRoot, "ONE-CHAIN", None, m);
        }
    }

    /// OPEN: the committer is the acting member.
    fn committer(&mut self, p: &Pending, actor: Option<&str>) {
        let Some(actor) = actor else { return };
        let email = p.committer_email.trim();
        let named = p
            .registry
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email))
            .map(|m| m.id.as_str());
        if named == Some(actor) {
            return;
        }
        let actor = registry_name(&p.registry, actor);
        let m = match named.map(|o| registry_name(&p.registry, o)) {
            Some(other) => self.pick(
                format!("提交者是 {other}（{email}），操作者卻是 {actor}"),
                format!("committed by {other} ({email}) for {actor}"),
            ),
            None => self.pick(
                format!("提交者 {email} 不是操作者 {actor}"),
                format!("the committer {email} is not the acting member {actor}"),
            ),
        };
        self.push(ViolationKind::CommitterNotAuthor, "OPEN", None, m);
    }

    /// TIME-FORWARD: committer time never before the parent's; the action time
    /// not after the committer time, nor before it by more than `max_offline`.
    fn times(&mut self, p: &Pending, max_offline: chrono::Duration) {
        let fmt = |t: &DateTime<FixedOffset>| t.to_rfc3339();
        if let Some(parent) = p.parent_committed {
            if p.committed < parent {
                let m = self.pick(
                    format!(
                        "提交時間 {} 早於父提交的 {}：時間只能向前",
                        fmt(&p.committed),
                        fmt(&parent)
                    ),
                    format!(
                        "committed at {}, before its parent ({}): time only moves forward",
                        fmt(&p.committed),
                        fmt(&parent)
                    ),
                );
                self.push(ViolationKind::Time, "TIME-FORWARD", None, m);
            }
        }
        if p.when > p.committed {
            let m = self.pick(
                format!(
                    "操作時間 {} 晚於提交時間 {}",
                    fmt(&p.when),
                    fmt(&p.committed)
                ),
                format!(
                    "the action time {} is after the commit time {}",
                    fmt(&p.when),
                    fmt(&p.committed)
                ),
            );
            self.push(ViolationKind::Time, "TIME-FORWARD", None, m);
        } else if p.committed - p.when > max_offline {
            let hours = max_offline.num_hours();
            let m = self.pick(
                format!(
                    "操作時間 {} 比提交時間 {} 早了超過 {hours} 小時（max_offline）",
                    fmt(&p.when),
                    fmt(&p.committed)
                ),
                format!(
                    "the action time {} lies more than {hours} h (max_offline) before the commit time {}",
                    fmt(&p.when),
                    fmt(&p.committed)
                ),
            );
            self.push(ViolationKind::Time, "TIME-FORWARD", None, m);
        }
    }

    fn signature(
        &mut self,
        sig: &SigStatus,
        by_email: Option<&Member>,
        email: &str,
        registry: &[Member],
    ) {
        let zh = self.lang.zh();
        // members by the names the registry at the parent gives them
        let name = |id: &str| registry_name(registry, id);
        let (kind, message) = match sig {
            SigStatus::Good { member, .. } => {
                if by_email.map(|m| &m.id) == Some(member) {
                    return;
                }
                (
                    ViolationKind::SignerNotAuthor,
                    self.pick(
                        format!("由 {} 的密鑰簽名，作者卻是 {email}", name(member)),
                        format!("signed with {}'s key but authored as {email}", name(member)),
                    ),
                )
            }
            SigStatus::Unsigned => (ViolationKind::Unsigned, sig.describe_named(zh, &name)),
            SigStatus::Bad { .. } => (ViolationKind::BadSignature, sig.describe_named(zh, &name)),
            SigStatus::UnknownKey { .. } => {
                (ViolationKind::UnknownKey, sig.describe_named(zh, &name))
            }
            SigStatus::KeyRevoked { .. } => {
                (ViolationKind::KeyRevoked, sig.describe_named(zh, &name))
            }
            SigStatus::KeyNotYetValid { .. } => {
                (ViolationKind::KeyNotYetValid, sig.describe_named(zh, &name))
            }
        };
        self.push(kind, "OPEN", None, message);
    }

    /// The first commit: a chair of its own members.ron sets the campaign up.
    fn root(&mut self, commit: &git2::Commit, actor: &str) -> Result<(), HistoryError> {
        let tree = commit.tree()?;
        let read = |path: &str| walk::blob_at(self.repo, &tree, path);
        let campaign: Option<Campaign> = parse(
            crate::store::layout::CAMPAIGN,
            &read(crate::store::layout::CAMPAIGN),
        );
        let members: Option<Vec<Member>> = parse(
            crate::store::layout::MEMBERS,
            &read(crate::store::layout::MEMBERS),
        );
        let units: Option<Vec<Unit>> = parse(
            crate::store::layout::UNITS,
            &read(crate::store::layout::UNITS),
        );
        let (Some(campaign), Some(members), Some(units)) = (campaign, members, units) else {
            let m = self.pick(
                "首個提交缺少可解析的 campaign.ron、members.ron 或 units.ron".into(),
                "the first commit lacks a parsable campaign.ron, members.ron or units.ron".into(),
            );
            self.push(ViolationKind::Invalid, "SETUP", None, m);
            return Ok(());
        };
        if let Err(refusals) = crate::rules::check_setup(actor, &campaign, &members, &units) {
            // the setup's own registry names its members and units
            let snap = Snapshot {
                commit: None,
                campaign,
                members,
                units,
                rulings: Rulings::default(),
                records: Default::default(),
                problems: Vec::new(),
                index: Default::default(),
            };
            for r in refusals {
                self.refusal(Some(&snap), &r, None, true, false);
            }
        }
        Ok(())
    }

    fn refusal(
        &mut self,
        snap: Option<&Snapshot>,
        r: &Refusal,
        path: Option<&str>,
        top: bool,
        skip_self: bool,
    ) {
        let (kind, rule) = match r {
            Refusal::NotSelf { .. } if skip_self => return,
            Refusal::MissingRole { .. } | Refusal::NotOwnUnit { .. } | Refusal::NotSelf { .. } => (
                if top {
                    ViolationKind::ChairOnly
                } else {
                    ViolationKind::OutsideRole
                },
                r.rule(),
            ),
            Refusal::Conflict { .. } => (ViolationKind::Conflict, r.rule()),
            Refusal::PhaseClosed { .. } | Refusal::DeadlinePassed { .. } => {
                (ViolationKind::OutsidePhase, r.rule())
            }
            Refusal::UnknownActor { .. } => (ViolationKind::UnknownMember, r.rule()),
            _ => (ViolationKind::Rule, r.rule()),
        };
        let message = r.message_in(snap, self.lang.zh());
        self.push(kind, &rule, path, message);
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        snap: &Snapshot,
        actor: &Member,
        action: &Action,
        day: chrono::NaiveDate,
        path: &str,
        top: bool,
        skip_self: bool,
    ) {
        if let Err(refusals) = crate::rules::check_action(snap, actor, action, day) {
            for r in refusals {
                self.refusal(Some(snap), &r, Some(path), top, skip_self);
            }
        }
    }

    fn changes(
        &mut self,
        snap: &Snapshot,
        actor_id: &str,
        deltas: &[Delta],
        when: &DateTime<FixedOffset>,
    ) {
        let Some(actor) = snap.member(actor_id).cloned() else {
            let m = self.pick(
                format!("{actor_id} 不在父提交的 members.ron 中"),
                format!("{actor_id} is not in the parent's members.ron"),
            );
            self.push(ViolationKind::UnknownMember, "OPEN", None, m);
            return;
        };
        let chair = actor.has_role(Role::Chair);
        // EVERY-CHANGE: one action, and every action but the setup writes one file.
        let campaign_files = deltas
            .iter()
            .filter(|d| classify(&d.path) != FileKind::Other)
            .count();
        if campaign_files > 1 {
            let m = self.pick(
                format!("一個提交改動了 {campaign_files} 個評選文件；每項操作只改一個文件，各自成一個提交"),
                format!("changes {campaign_files} campaign files in one commit; each action changes one file in a commit of its own"),
            );
            self.push(ViolationKind::NotAnAction, "EVERY-CHANGE", None, m);
        }
        for d in deltas {
            let kind = classify(&d.path);
            let path = d.path.as_str();
            // EVERY-CHANGE: a file that cannot be read is no record.
            let Some((old, new)) = self.read_versions(d) else {
                continue;
            };
            match &kind {
                FileKind::Other => {
                    if !chair {
                        let m = self.pick(
                            format!("{path} 不屬於評選數據，只有主任可以改動"),
                            format!("{path} is not a campaign file; only the chair may change it"),
                        );
                        self.push(ViolationKind::OutsideRole, "ROLES", Some(path), m);
                    }
                }
                FileKind::Campaign | FileKind::Members | FileKind::Units | FileKind::Rulings => {
                    if !chair {
                        let who = self.lang.member(snap, actor_id);
                        let m = self.pick(
                            format!("{path} 只能由評委會主任修改，{who} 不是主任"),
                            format!(
                                "{path} may be changed by the chair only; {who} is not the chair"
                            ),
                        );
                        self.push(ViolationKind::ChairOnly, "ROLES", Some(path), m);
                        if new.is_none() {
                            self.not_an_action(path, &NotAction::Deleted);
                        }
                        continue;
                    }
                    if !self.parses(&kind, path, &new) {
                        continue;
                    }
                    self.action_of(snap, &actor, &kind, path, &old, &new, when, true, false);
                }
                _ => self.record_file(snap, &actor, &kind, path, &old, &new, when),
            }
        }
    }

    /// The two versions of a changed file; `None` (reported) when one exists
    /// but cannot be read: not a blob, or larger than a record may be.
    fn read_versions(&mut self, d: &Delta) -> Option<Versions> {
        let path = d.path.as_str();
        let read = |oid: Option<Oid>| -> Result<Option<Vec<u8>>, String> {
            let Some(oid) = oid else { return Ok(None) };
            let blob = self
                .repo
                .find_blob(oid)
                .map_err(|_| "not a regular file".to_string())?;
            if blob.size() > crate::store::MAX_FILE_BYTES {
                return Err(format!(
                    "{} bytes; a record is at most {}",
                    blob.size(),
                    crate::store::MAX_FILE_BYTES
                ));
            }
            Ok(Some(blob.content().to_vec()))
        };
        match (read(d.old), read(d.new)) {
            (Ok(old), Ok(new)) => Some((old, new)),
            (_, Err(why)) => {
                if classify(path) != FileKind::Other {
                    let m = self.pick(
                        format!("{path} 無法讀取：{why}"),
                        format!("{path} cannot be read: {why}"),
                    );
                    self.push(ViolationKind::Unreadable, "EVERY-CHANGE", Some(path), m);
                }
                None
            }
            // The old version was already judged when it came in.
            (Err(_), Ok(new)) => Some((None, new)),
        }
    }

    fn not_an_action(&mut self, path: &str, why: &NotAction) {
        let m = why.message(self.lang.zh());
        self.push(ViolationKind::NotAnAction, "EVERY-CHANGE", Some(path), m);
    }

    /// Reconstructs the one action the change amounts to, judges it by the
    /// rules on the parent's snapshot, and requires that planning it there
    /// writes exactly this file with exactly this content.
    #[allow(clippy::too_many_arguments)]
    fn action_of(
        &mut self,
        snap: &Snapshot,
        actor: &Member,
        kind: &FileKind,
        path: &str,
        old: &Option<Vec<u8>>,
        new: &Option<Vec<u8>>,
        when: &DateTime<FixedOffset>,
        top: bool,
        skip_self: bool,
    ) {
        let action = match reconstruct(kind, path, old.as_deref(), new.as_deref()) {
            Ok(a) => a,
            // Reported by `parses`.
            Err(NotAction::Unparsable) => return,
            Err(why) => {
                self.not_an_action(path, &why);
                return;
            }
        };
        self.check(
            snap,
            actor,
            &action,
            snap.campaign.day_of(when),
            path,
            top,
            skip_self,
        );
        let planned = plan(Some(snap), &actor.id, when, &action);
        let exact = match &planned {
            Ok(changes) => match (changes.as_slice(), new) {
                ([c], Some(new)) => {
                    c.path == path
                        && c.content.as_deref().is_some_and(|planned| {
                            same_content(kind, path, planned.as_bytes(), new)
                        })
                }
                ([c], None) => c.path == path && c.content.is_none(),
                _ => false,
            },
            Err(_) => false,
        };
        if !exact {
            let detail = match planned {
                Err(e) => e.to_string(),
                Ok(changes) => changes
                    .iter()
                    .map(|c| c.path.clone())
                    .collect::<Vec<_>>()
                    .join(self.lang.pick("、", ", ")),
            };
            let verb = self.lang.action(action.kind());
            let m = self.pick(
                format!("此改動不是一項「{verb}」操作會寫的內容（應為：{detail}）"),
                format!(
                    "the change is not what a `{verb}` action writes (it would write: {detail})"
                ),
            );
            self.push(ViolationKind::NotAnAction, "EVERY-CHANGE", Some(path), m);
        }
    }

    /// Whether `new` (if present) parses as what `kind` holds; reports it if not.
    fn parses(&mut self, kind: &FileKind, path: &str, new: &Option<Vec<u8>>) -> bool {
        let Some(bytes) = new else { return true };
        let fault = match kind {
            FileKind::Campaign => from_ron::<Campaign>(path, bytes).err(),
            FileKind::Members => from_ron::<Vec<Member>>(path, bytes).err(),
            FileKind::Units => from_ron::<Vec<Unit>>(path, bytes).err(),
            FileKind::Rulings => from_ron::<Rulings>(path, bytes).err(),
            FileKind::Nomination { .. } => from_ron::<Nomination>(path, bytes).err(),
            FileKind::Score { .. } => from_ron::<Score>(path, bytes).err(),
            FileKind::Evaluation { .. } => from_ron::<Evaluation>(path, bytes).err(),
            FileKind::Opinion { .. } => from_ron::<Opinion>(path, bytes).err(),
            FileKind::Votes { .. } => from_ron::<Votes>(path, bytes).err(),
            FileKind::Objection { .. } => from_ron::<Objection>(path, bytes).err(),
            FileKind::Decision { .. } => from_ron::<Decision>(path, bytes).err(),
            FileKind::Other => None,
        };
        match fault {
            Some(p) => {
                self.push(ViolationKind::Invalid, "RECORD", Some(path), p.to_string());
                false
            }
            None => true,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_file(
        &mut self,
        snap: &Snapshot,
        actor: &Member,
        kind: &FileKind,
        path: &str,
        old: &Option<Vec<u8>>,
        new: &Option<Vec<u8>>,
        when: &DateTime<FixedOffset>,
    ) {
        if !self.parses(kind, path, new) {
            return;
        }
        if kind.record().is_none() {
            return;
        }
        let owner_old = owner(kind, path, old.as_deref());
        let mut others = false;
        if let Some(o) = owner_old.as_deref().filter(|o| *o != actor.id) {
            if !is_resolution(kind, path, old, new, actor) {
                let o = self.lang.member(snap, o);
                let m = match (new.is_some(), self.lang) {
                    (true, Lang::En) => format!("rewrites {o}'s file"),
                    (false, Lang::En) => format!("deletes {o}'s file"),
                    (true, Lang::Zh | Lang::ZhHans) => format!("改寫了 {o} 的文件"),
                    (false, Lang::Zh | Lang::ZhHans) => format!("刪除了 {o} 的文件"),
                };
                self.push(ViolationKind::OthersFile, "ROLES", Some(path), m);
                others = true;
            }
        }
        if new.is_none() {
            // EVERY-CHANGE: the one deletion an action makes is a reviewer
            // withdrawing their own score; no other deletes a record.
            if matches!(kind, FileKind::Score { .. }) && !others {
                self.action_of(snap, actor, kind, path, old, new, when, false, false);
            } else {
                self.not_an_action(path, &NotAction::Deleted);
            }
            return;
        }
        // The path names the author too: it must agree with the content.
        let mismatch = match kind {
            FileKind::Score { reviewer, .. } => parse::<Score>(path, new)
                .filter(|s| &s.reviewer != reviewer)
                .map(|s| s.reviewer),
            FileKind::Evaluation { stem, .. } => parse::<Evaluation>(path, new)
                .filter(|e| !stem.ends_with(&format!("-{}", e.author)))
                .map(|e| e.author),
            FileKind::Opinion { department, .. } => parse::<Opinion>(path, new)
                .filter(|o| &o.department != department)
                .map(|o| o.department),
            _ => None,
        };
        if let Some(named) = mismatch {
            let named = match kind {
                FileKind::Opinion { .. } => self.lang.department(snap, &named),
                _ => self.lang.member(snap, &named),
            };
            let m = self.pick(
                format!("{path} 的內容寫的是 {named}，與路徑不符"),
                format!("{path} holds {named}'s entry under another name"),
            );
            self.push(ViolationKind::Invalid, "RECORD", Some(path), m);
            return;
        }
        if others {
            // Reported as another member's file; the action is theirs, not this one's.
            let a = reconstruct(kind, path, old.as_deref(), new.as_deref());
            if let Ok(action) = a {
                self.check(
                    snap,
                    actor,
                    &action,
                    snap.campaign.day_of(when),
                    path,
                    false,
                    true,
                );
            }
            return;
        }
        self.action_of(snap, actor, kind, path, old, new, when, false, false);
    }
}

/// The chair resolving an open objection (only status and resolution change),
/// or reopening a decision (FREEZE).
fn is_resolution(
    kind: &FileKind,
    path: &str,
    old: &Option<Vec<u8>>,
    new: &Option<Vec<u8>>,
    actor: &Member,
) -> bool {
    if !actor.has_role(Role::Chair) {
        return false;
    }
    // FREEZE: any chair may reopen a decision another chair made.
    if matches!(kind, FileKind::Decision { .. }) {
        return matches!(
            reconstruct(kind, path, old.as_deref(), new.as_deref()),
            Ok(Action::Reopen { .. })
        );
    }
    if !matches!(kind, FileKind::Objection { .. }) {
        return false;
    }
    match (parse::<Objection>(path, old), parse::<Objection>(path, new)) {
        (Some(a), Some(mut b)) => {
            let resolved = a.status == ObjectionStatus::Open
                && b.status != ObjectionStatus::Open
                && b.resolution.is_some();
            b.status = a.status;
            b.resolution = a.resolution.clone();
            resolved && a == b
        }
        _ => false,
    }
}

/// A member by the name the registry gives them; the id when unknown.
fn registry_name(registry: &[Member], id: &str) -> String {
    registry
        .iter()
        .find(|m| m.id == id)
        .map_or_else(|| id.to_string(), |m| m.name.clone())
}
