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
use crate::sign::verify::{SigStatus, Verifier};
use crate::store::codec::from_ron;
use crate::store::layout::{classify, FileKind};
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
    day: chrono::NaiveDate,
    signed: Result<Option<(String, Vec<u8>)>, String>,
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
        pending.push(Pending {
            oid,
            registry: walk::parent_registry(repo, &commit),
            email: commit.author().email().unwrap_or("").to_string(),
            // CAMPAIGN-TZ: the day on the calendar of the campaign that judges the commit
            day: walk::author_time(&commit)
                .with_timezone(&walk::judging_zone(repo, &commit, &mut zones))
                .date_naive(),
            signed,
        });
    }
    // The signature programs run in parallel; everything git stays on this thread.
    let statuses: Vec<SigStatus> = pending
        .par_iter()
        .map(|p| match &p.signed {
            Ok(None) => SigStatus::Unsigned,
            Ok(Some((sig, data))) => opts
                .verifier
                .verify(sig, data, &p.registry, &p.email, p.day),
            Err(detail) => SigStatus::Bad {
                detail: detail.clone(),
            },
        })
        .collect();
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
        j.commit(p, status, &mut cache)?;
        out.extend(j.out);
    }
    Ok(out)
}

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
        self.signature(sig, by_email, &p.email);
        let parent = commit.parent(0).ok();
        let snapshot = match &parent {
            None => None,
            Some(parent) => match cache.take() {
                Some((oid, s)) if oid == parent.id() => Some(s),
                _ => match self.store.snapshot_cold(parent.id()) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        let m = self.pick(
                            format!("父提交無法讀取,無法核對內容:{e}"),
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
                    format!("作者 {} 不是成員,簽名密鑰也未登記", p.email),
                    format!(
                        "the author {} is no member and no registered key signed it",
                        p.email
                    ),
                );
                self.push(ViolationKind::UnknownMember, "OPEN", None, m);
            }
            (Some(actor), None, _) => self.root(&commit, actor)?,
            (Some(actor), Some(_), Some(snap)) => {
                let deltas = walk::own_deltas(self.repo, &commit)?;
                self.changes(snap, actor, &deltas, p.day);
            }
            (Some(_), Some(_), None) => {}
        }
        // Carry the snapshot forward to this commit for the next one.
        *cache = match (snapshot, &parent) {
            (Some(mut s), Some(_)) => self.store.refresh(&mut s, p.oid).ok().map(|()| (p.oid, s)),
            _ => self.store.snapshot_cold(p.oid).ok().map(|s| (p.oid, s)),
        };
        Ok(())
    }

    fn signature(&mut self, sig: &SigStatus, by_email: Option<&Member>, email: &str) {
        let zh = self.lang.zh();
        let (kind, message) = match sig {
            SigStatus::Good { member, .. } => {
                if by_email.map(|m| &m.id) == Some(member) {
                    return;
                }
                (
                    ViolationKind::SignerNotAuthor,
                    self.pick(
                        format!("由 {member} 的密鑰簽名,作者卻是 {email}"),
                        format!("signed with {member}'s key but authored as {email}"),
                    ),
                )
            }
            SigStatus::Unsigned => (ViolationKind::Unsigned, sig.describe(zh)),
            SigStatus::Bad { .. } => (ViolationKind::BadSignature, sig.describe(zh)),
            SigStatus::UnknownKey { .. } => (ViolationKind::UnknownKey, sig.describe(zh)),
            SigStatus::KeyRevoked { .. } => (ViolationKind::KeyRevoked, sig.describe(zh)),
            SigStatus::KeyNotYetValid { .. } => (ViolationKind::KeyNotYetValid, sig.describe(zh)),
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
            for r in refusals {
                self.refusal(&r, None, true, false);
            }
        }
        Ok(())
    }

    fn refusal(&mut self, r: &Refusal, path: Option<&str>, top: bool, skip_self: bool) {
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
        let message = r.message(self.lang.zh());
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
                self.refusal(&r, Some(path), top, skip_self);
            }
        }
    }

    fn changes(
        &mut self,
        snap: &Snapshot,
        actor_id: &str,
        deltas: &[Delta],
        day: chrono::NaiveDate,
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
        for d in deltas {
            let kind = classify(&d.path);
            let old = walk::blob(self.repo, d.old);
            let new = walk::blob(self.repo, d.new);
            let path = d.path.as_str();
            match &kind {
                FileKind::Other => {
                    if !chair {
                        let m = self.pick(
                            format!("{path} 不屬于評選數據,只有主任可以改動"),
                            format!("{path} is not a campaign file; only the chair may change it"),
                        );
                        self.push(ViolationKind::OutsideRole, "ROLES", Some(path), m);
                    }
                }
                FileKind::Campaign | FileKind::Members | FileKind::Units | FileKind::Rulings => {
                    if !chair {
                        let m = self.pick(
                            format!("{path} 只能由評委會主任修改,{actor_id} 不是主任"),
                            format!("{path} may be changed by the chair only; {actor_id} is not the chair"),
                        );
                        self.push(ViolationKind::ChairOnly, "ROLES", Some(path), m);
                        continue;
                    }
                    if !self.parses(&kind, path, &new) {
                        continue;
                    }
                    for action in top_actions(&kind, path, &old, &new) {
                        self.check(snap, &actor, &action, day, path, true, false);
                    }
                }
                _ => self.record_file(snap, &actor, &kind, path, &old, &new, day),
            }
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
        day: chrono::NaiveDate,
    ) {
        if !self.parses(kind, path, new) {
            return;
        }
        let Some(id) = kind.record().map(str::to_string) else {
            return;
        };
        let owner_old = owner(kind, path, old);
        let mut others = false;
        if let Some(o) = owner_old.as_deref().filter(|o| *o != actor.id) {
            if !is_resolution(kind, path, old, new, actor) {
                let m = match (new.is_some(), self.lang) {
                    (true, Lang::En) => format!("rewrites {o}'s file"),
                    (false, Lang::En) => format!("deletes {o}'s file"),
                    (true, Lang::Zh) => format!("改寫了 {o} 的文件"),
                    (false, Lang::Zh) => format!("刪除了 {o} 的文件"),
                };
                self.push(ViolationKind::OthersFile, "ROLES", Some(path), m);
                others = true;
            }
        }
        if new.is_none() {
            if owner_old.is_none() && !actor.has_role(Role::Chair) {
                let m = self.pick(
                    format!("刪除了 {path}"),
                    format!("deletes {path}; only the chair may remove a nomination"),
                );
                self.push(ViolationKind::OutsideRole, "ROLES", Some(path), m);
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
            let m = self.pick(
                format!("{path} 的內容寫的是 {named},與路徑不符"),
                format!("{path} holds {named}'s entry under another name"),
            );
            self.push(ViolationKind::Invalid, "RECORD", Some(path), m);
        }
        if let Some(action) = record_action(kind, &id, path, old, new) {
            self.check(snap, actor, &action, day, path, false, others);
        }
    }
}

/// The member a record file names as its author.
fn owner(kind: &FileKind, path: &str, bytes: &Option<Vec<u8>>) -> Option<String> {
    match kind {
        FileKind::Score { .. } => parse::<Score>(path, bytes).map(|s| s.reviewer),
        FileKind::Evaluation { .. } => parse::<Evaluation>(path, bytes).map(|e| e.author),
        FileKind::Opinion { .. } => parse::<Opinion>(path, bytes).map(|o| o.recorded_by),
        FileKind::Votes { .. } => parse::<Votes>(path, bytes).map(|v| v.recorded_by),
        FileKind::Objection { .. } => parse::<Objection>(path, bytes).map(|o| o.recorded_by),
        FileKind::Decision { .. } => parse::<Decision>(path, bytes).map(|d| d.by),
        _ => None,
    }
}

/// The chair resolving an open objection: only status and resolution change.
fn is_resolution(
    kind: &FileKind,
    path: &str,
    old: &Option<Vec<u8>>,
    new: &Option<Vec<u8>>,
    actor: &Member,
) -> bool {
    if !matches!(kind, FileKind::Objection { .. }) || !actor.has_role(Role::Chair) {
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

/// The action a change of a record file amounts to.
fn record_action(
    kind: &FileKind,
    id: &str,
    path: &str,
    old: &Option<Vec<u8>>,
    new: &Option<Vec<u8>>,
) -> Option<Action> {
    let nomination = id.to_string();
    Some(match kind {
        FileKind::Nomination { .. } => {
            let b: Nomination = parse(path, new)?;
            match parse::<Nomination>(path, old) {
                None => Action::Nominate(b),
                Some(a) => nomination_action(a, b),
            }
        }
        FileKind::Score { .. } => Action::Score {
            nomination,
            score: parse(path, new)?,
        },
        FileKind::Evaluation { .. } => Action::Evaluate {
            nomination,
            evaluation: parse(path, new)?,
        },
        FileKind::Opinion { .. } => Action::Opinion {
            nomination,
            opinion: parse(path, new)?,
        },
        FileKind::Votes { .. } => Action::Vote {
            nomination,
            votes: parse(path, new)?,
        },
        FileKind::Decision { .. } => Action::Decide {
            nomination,
            decision: parse(path, new)?,
        },
        FileKind::Objection { stem, .. } => {
            let b: Objection = parse(path, new)?;
            match parse::<Objection>(path, old) {
                None => Action::Object {
                    nomination,
                    objection: b,
                },
                Some(a) if a.status == ObjectionStatus::Open && b.status != a.status => {
                    let r = b.resolution.clone()?;
                    Action::Resolve {
                        nomination,
                        objection: stem.clone(),
                        upheld: b.status == ObjectionStatus::Upheld,
                        reason: r.reason,
                        date: r.date,
                    }
                }
                Some(_) => return None,
            }
        }
        _ => return None,
    })
}

/// An edit of an existing nomination: one activity or supervisor appended, the
/// form filed, or else a re-registration.
fn nomination_action(a: Nomination, b: Nomination) -> Action {
    let id = b.id.clone();
    let same_but = |edit: &dyn Fn(&mut Nomination)| {
        let mut x = b.clone();
        edit(&mut x);
        x == a
    };
    if b.activities.len() == a.activities.len() + 1
        && same_but(&|x| {
            x.activities.pop();
        })
    {
        if let Some(activity) = b.activities.last().cloned() {
            return Action::Activity {
                nomination: id,
                activity,
            };
        }
    }
    if b.supervisors.len() == a.supervisors.len() + 1
        && same_but(&|x| {
            x.supervisors.pop();
        })
    {
        if let Some(supervisor) = b.supervisors.last().cloned() {
            return Action::Supervisor {
                nomination: id,
                supervisor,
            };
        }
    }
    if let Some(date) = b.form_filed {
        if a.form_filed != b.form_filed && same_but(&|x| x.form_filed = a.form_filed) {
            return Action::FileForm {
                nomination: id,
                date,
            };
        }
    }
    Action::Nominate(b)
}

/// The chair's actions a change of a top-level file amounts to.
fn top_actions(
    kind: &FileKind,
    path: &str,
    old: &Option<Vec<u8>>,
    new: &Option<Vec<u8>>,
) -> Vec<Action> {
    match kind {
        FileKind::Members => parse(path, new).map(Action::Members).into_iter().collect(),
        FileKind::Units => parse(path, new).map(Action::Units).into_iter().collect(),
        FileKind::Campaign => parse::<Campaign>(path, new)
            .map(|c| Action::Campaign(Box::new(c)))
            .into_iter()
            .collect(),
        FileKind::Rulings => {
            let Some(b) = parse::<Rulings>(path, new) else {
                return Vec::new();
            };
            let a = parse::<Rulings>(path, old).unwrap_or_default();
            let mut out = Vec::new();
            for n in &b.notices {
                if !a.notices.contains(n) {
                    out.push(Action::Publish(n.clone()));
                }
            }
            for o in &b.overrides {
                if !a.overrides.contains(o) {
                    out.push(Action::Override(o.clone()));
                }
            }
            for e in &b.exceptions {
                if !a.exceptions.contains(e) {
                    out.push(Action::Exception(e.clone()));
                }
            }
            for (category, order) in &b.tie_orders {
                if a.tie_orders.get(category) != Some(order) {
                    out.push(Action::TieOrder {
                        category: category.clone(),
                        order: order.clone(),
                    });
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
