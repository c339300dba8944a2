//! Actions set aside by a sync: an unpublished action the new remote state
//! refused (the same file changed upstream, a rule such as a quota or a closed
//! phase, an audit violation) is never dropped. It stays in the repository as
//! `refs/pingxuan/set-aside/<id>` (`<id>`: the first 12 hex digits of the
//! original commit), pointing at an annotated tag object whose message keeps
//! the reason and whose tagger is the member and time it was set aside; the
//! tag points at the original signed commit. Its owner may retry it onto the
//! current HEAD (same checks as a sync's replay, re-signed by them) or drop it.

use git2::{Oid, Repository, Signature};
use serde::Serialize;

use super::replay::{local_member, need_key, owned_by, Outcome, Replayer};
use super::{short, SyncError, SyncOptions};
use crate::history::walk;
use crate::store::{FileChange, Store};

/// Where set-aside actions live.
pub const PREFIX: &str = "refs/pingxuan/set-aside/";

/// Why an action was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// A file it changes was changed upstream since it was taken.
    SameFile,
    /// The rules (as the audit judges them) refuse it on top of the new state.
    Refused,
    /// It holds a file that is not UTF-8 text.
    NotText,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::SameFile => "same-file",
            ReasonKind::Refused => "refused",
            ReasonKind::NotText => "not-text",
        }
    }

    fn parse(s: &str) -> ReasonKind {
        match s.trim() {
            "same-file" => ReasonKind::SameFile,
            "not-text" => ReasonKind::NotText,
            _ => ReasonKind::Refused,
        }
    }

    pub fn describe(self, zh: bool) -> &'static str {
        match (self, zh) {
            (ReasonKind::SameFile, true) => "同一文件已在遠端被改動",
            (ReasonKind::SameFile, false) => "the same file changed upstream",
            (ReasonKind::Refused, true) => "新狀態下規則不允許",
            (ReasonKind::Refused, false) => "the rules refuse it on the new state",
            (ReasonKind::NotText, true) => "含非文本文件",
            (ReasonKind::NotText, false) => "holds a file that is not text",
        }
    }
}

/// One set-aside action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAside {
    /// The ref's last part: the original commit's first 12 hex digits.
    pub id: String,
    /// The original signed commit.
    pub commit: String,
    /// `Pingxuan-Action`, `Pingxuan-Actor` and `Pingxuan-Record` of the commit.
    pub action: Option<String>,
    pub actor: Option<String>,
    pub record: Option<String>,
    pub summary: String,
    /// The action time (author time), RFC 3339.
    pub when: String,
    /// The files it changes.
    pub paths: Vec<String>,
    pub kind: ReasonKind,
    /// Why, one line per finding (the rules' messages, the paths changed upstream).
    pub reason: String,
    /// When it was (last) set aside, RFC 3339.
    pub set_aside_at: String,
}

fn refname_of(original: Oid) -> String {
    format!("{PREFIX}{}", short(&original.to_string()))
}

fn rfc3339(t: git2::Time) -> String {
    let offset = chrono::FixedOffset::east_opt(t.offset_minutes() * 60)
        .or_else(|| chrono::FixedOffset::east_opt(0));
    match (chrono::DateTime::from_timestamp(t.seconds(), 0), offset) {
        (Some(d), Some(o)) => d.with_timezone(&o).to_rfc3339(),
        _ => t.seconds().to_string(),
    }
}

fn read(repo: &Repository, name: &str) -> Result<SetAside, SyncError> {
    let reference = repo.find_reference(name)?;
    let target = reference
        .target()
        .ok_or_else(|| git2::Error::from_str("symbolic set-aside ref"))?;
    let (commit, message, at) = match repo.find_tag(target) {
        Ok(tag) => (
            tag.target_id(),
            String::from_utf8_lossy(tag.message_bytes().unwrap_or_default()).into_owned(),
            tag.tagger().map(|t| rfc3339(t.when())).unwrap_or_default(),
        ),
        // A bare commit (made by hand): no reason kept.
        Err(_) => (target, String::new(), String::new()),
    };
    let c = repo.find_commit(commit)?;
    let (kind, reason) = match message.split_once("\n\n") {
        Some((k, r)) => (ReasonKind::parse(k), r.trim_end().to_string()),
        None => (ReasonKind::parse(&message), String::new()),
    };
    let text = String::from_utf8_lossy(c.message_bytes()).into_owned();
    let paths = match c.parent(0) {
        Ok(p) => walk::deltas(repo, Some(&p.tree()?), Some(&c.tree()?), None)?,
        Err(_) => walk::deltas(repo, None, Some(&c.tree()?), None)?,
    }
    .into_iter()
    .map(|d| d.path)
    .collect();
    Ok(SetAside {
        id: name.strip_prefix(PREFIX).unwrap_or(name).to_string(),
        commit: commit.to_string(),
        action: walk::trailer(&text, "Pingxuan-Action"),
        actor: walk::trailer(&text, "Pingxuan-Actor"),
        record: walk::trailer(&text, "Pingxuan-Record"),
        summary: text.lines().next().unwrap_or("").to_string(),
        when: walk::author_time(&c).to_rfc3339(),
        paths,
        kind,
        reason,
        set_aside_at: at,
    })
}

/// Sets `original` aside with its reason (replacing an earlier reason).
pub(crate) fn put(
    store: &Store,
    original: Oid,
    kind: ReasonKind,
    reason: &str,
    tagger: &Signature,
) -> Result<SetAside, SyncError> {
    let repo = store.repo();
    let name = refname_of(original);
    let object = repo.find_object(original, Some(git2::ObjectType::Commit))?;
    let message = format!("{}\n\n{}\n", kind.as_str(), reason.trim_end());
    let tag = repo.tag_annotation_create(
        name.strip_prefix("refs/pingxuan/").unwrap_or(&name),
        &object,
        tagger,
        &message,
    )?;
    store.set_ref(&name, tag, "pingxuan sync: set aside")?;
    read(repo, &name)
}

/// Forgets the set-aside record of `original`, if any.
pub(crate) fn remove(store: &Store, original: Oid) -> Result<(), SyncError> {
    Ok(store.delete_ref(&refname_of(original))?)
}

/// Every set-aside action, by action time.
pub fn list(store: &Store) -> Result<Vec<SetAside>, SyncError> {
    let repo = store.repo();
    let mut out = Vec::new();
    for r in repo.references_glob(&format!("{PREFIX}*"))? {
        let r = r?;
        if let Ok(name) = r.name() {
            out.push(read(repo, name)?);
        }
    }
    out.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The set-aside action whose id (or commit) starts with `id`.
pub fn get(store: &Store, id: &str, zh: bool) -> Result<SetAside, SyncError> {
    let id = id.trim();
    let found: Vec<SetAside> = list(store)?
        .into_iter()
        .filter(|s| !id.is_empty() && (s.id.starts_with(id) || s.commit.starts_with(id)))
        .collect();
    match found.len() {
        1 => Ok(found
            .into_iter()
            .next()
            .ok_or(git2::Error::from_str("none"))?),
        0 => Err(SyncError::SetAside(if zh {
            format!("沒有擱置的操作 {id:?}（`pingxuan set-aside list` 列出全部）")
        } else {
            format!("no set-aside action {id:?} (`pingxuan set-aside list` shows them all)")
        })),
        n => Err(SyncError::SetAside(if zh {
            format!("{id:?} 對應 {n} 項擱置的操作，請寫得更長些")
        } else {
            format!("{id:?} matches {n} set-aside actions; give more of it")
        })),
    }
}

/// The file changes a set-aside action makes (against its original parent).
pub fn changes(store: &Store, s: &SetAside) -> Result<Vec<FileChange>, SyncError> {
    let c = store.repo().find_commit(Oid::from_str(&s.commit)?)?;
    let parent = c.parent(0).ok().map(|p| p.id());
    Ok(store.changes_between(parent, c.id())?)
}

/// Removes a set-aside action for good (the original commit becomes garbage).
pub fn drop(store: &Store, id: &str, zh: bool) -> Result<SetAside, SyncError> {
    let s = get(store, id, zh)?;
    let _lock = store.lock()?;
    store.delete_ref(&format!("{PREFIX}{}", s.id))?;
    Ok(s)
}

/// Re-applies a set-aside action onto the current HEAD with the same checks as
/// a sync's replay, re-signed by its owner (the only one who may); on success
/// the branch moves to the new commit and the record is removed; refused
/// again, the record keeps the new reason and nothing else changes. Returns
/// the new commit. Needs `opts.email`, `opts.sign`, `opts.when`, `opts.verifier`.
pub fn retry(store: &Store, id: &str, opts: &SyncOptions) -> Result<Oid, SyncError> {
    let zh = opts.lang.zh();
    let s = get(store, id, zh)?;
    let repo = store.repo();
    let original = Oid::from_str(&s.commit)?;
    let c = repo.find_commit(original)?;
    let _lock = store.lock()?;
    let Some(head) = store.head()? else {
        return Err(SyncError::SetAside(
            if zh {
                "倉庫還沒有提交"
            } else {
                "the repository has no commits yet"
            }
            .into(),
        ));
    };
    let member = local_member(store, opts.email.as_deref(), &[head], opts.lang)?;
    if !owned_by(&c, &member) {
        return Err(SyncError::SetAside(if zh {
            format!(
                "{} 是 {} 的操作；只有本人可以用自己的簽名重試，未作任何改動",
                s.id,
                s.actor.as_deref().unwrap_or("?")
            )
        } else {
            format!(
                "{} is an action of {}; only they may retry it under their own signature, so nothing was changed",
                s.id,
                s.actor.as_deref().unwrap_or("?")
            )
        }));
    }
    if c.parent_count() != 1 {
        return Err(super::not_one_chain(
            original,
            zh,
            "不是單親提交，無法重放",
            "has not exactly one parent and cannot be replayed",
        ));
    }
    let Some(sign) = opts.sign else {
        return Err(need_key(opts.lang));
    };
    let replayer = Replayer {
        store,
        member,
        sign,
        lang: opts.lang,
        audit: opts.audit_options(),
        when: opts.when,
    };
    match replayer.replay_one(original, head)? {
        Outcome::Applied(new) => {
            store.advance_branch(Some(head), new, "pingxuan set-aside retry")?;
            remove(store, original)?;
            Ok(new)
        }
        Outcome::Refused { kind, reason } => {
            let tagger = Signature::new(
                &replayer.member.name,
                &replayer.member.email,
                &git2::Time::new(
                    opts.when.timestamp(),
                    opts.when.offset().local_minus_utc() / 60,
                ),
            )?;
            put(store, original, kind, &reason, &tagger)?;
            Err(SyncError::SetAside(if zh {
                format!(
                    "{} 仍被拒絕（{}），保持擱置：\n{}",
                    s.id,
                    kind.describe(true),
                    crate::text::sanitize_multiline(&reason)
                )
            } else {
                format!(
                    "{} is still refused ({}) and stays set aside:\n{}",
                    s.id,
                    kind.describe(false),
                    crate::text::sanitize_multiline(&reason)
                )
            }))
        }
    }
}
