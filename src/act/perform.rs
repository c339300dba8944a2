//! One write, in four steps: bring the snapshot to HEAD and check the time
//! ([`perform`]), check the action and plan its files ([`plan_write`]), commit
//! with a signature the audit accepts ([`commit_checked`]), then bring the
//! snapshot forward to the new commit from the planned files
//! ([`Store::carry_forward`]). A lost race for the branch starts
//! again from a fresh snapshot.

use std::cell::RefCell;

use chrono::{DateTime, FixedOffset, NaiveDate};
use git2::Oid;

use super::{check, ActError, Done, Request, MAX_RETRIES};
use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot};
use crate::sign::verify::SigStatus;
use crate::sign::SignError;
use crate::store::{plan, CommitMeta, FileChange, SignFn, Store, StoreError};

/// A checked action, ready to commit.
pub(super) struct Planned {
    pub(super) changes: Vec<FileChange>,
    pub(super) meta: CommitMeta,
    /// CAMPAIGN-TZ: the campaign day key validity is judged on.
    day: NaiveDate,
    /// The member registry the signature must verify against.
    registry: Vec<Member>,
}

/// Performs `req` on `store`. `snapshot`, when given and still at HEAD, saves a
/// reload; afterwards it holds the snapshot at the new commit (brought up to it
/// incrementally), so the caller need not load it again.
pub fn perform(
    store: &Store,
    snapshot: &mut Option<Snapshot>,
    req: &Request,
    sign: Option<SignFn>,
) -> Result<Done, ActError> {
    let mut attempt = 0;
    loop {
        // Local writers take turns; the branch compare-and-swap catches the rest.
        let _lock = store.lock()?;
        let head = store.head()?;
        to_head(store, snapshot, head)?;
        // TIME-FORWARD: a write never goes back before the chain's head.
        if let Some(h) = head {
            let head_time = crate::history::audit::committer_time(
                &store.repo().find_commit(h).map_err(StoreError::from)?,
            );
            if req.when < head_time {
                return Err(ActError::Backdated(backdated(
                    req.lang, &req.when, &head_time,
                )));
            }
        }
        let planned = plan_write(store, snapshot.as_ref(), req, sign.is_some())?;
        match commit_checked(store, head, &planned, req, sign) {
            Ok(commit) => {
                match snapshot.as_mut() {
                    // The plan holds the changed files: parse those, not the record again.
                    Some(s) => store.carry_forward(s, commit, &planned.changes)?,
                    None => *snapshot = Some(store.snapshot_at(commit)?),
                }
                return Ok(Done {
                    commit,
                    paths: planned.changes.iter().map(|c| c.path.clone()).collect(),
                    summary: planned.meta.summary,
                });
            }
            Err(ActError::Store(StoreError::Conflict)) if attempt < MAX_RETRIES => {
                attempt += 1;
                *snapshot = None;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Keeps `snapshot` when it is at `head`, else loads the one at `head`.
fn to_head(
    store: &Store,
    snapshot: &mut Option<Snapshot>,
    head: Option<Oid>,
) -> Result<(), StoreError> {
    let fresh = match (head, snapshot.as_ref()) {
        (Some(h), Some(s)) => s.commit.as_deref() == Some(h.to_string().as_str()),
        _ => false,
    };
    if !fresh {
        *snapshot = match head {
            Some(h) => Some(store.snapshot_at(h)?),
            None => None,
        };
    }
    Ok(())
}

/// Checks the action against the rules (or, on an empty repository, the
/// set-up against itself) and plans its files and commit.
pub(super) fn plan_write(
    store: &Store,
    snapshot: Option<&Snapshot>,
    req: &Request,
    signed: bool,
) -> Result<Planned, ActError> {
    let refused = |refusals: Vec<crate::rules::Refusal>| {
        ActError::Refused(
            refusals
                .iter()
                .map(|r| r.message_in(snapshot, req.lang.zh()))
                .collect(),
        )
    };
    let (changes, actor, day, registry) = match (snapshot, req.action) {
        (
            None,
            Action::Setup {
                campaign,
                members,
                units,
            },
        ) => {
            crate::rules::check_setup(req.actor, campaign, members, units).map_err(refused)?;
            let m = members
                .iter()
                .find(|m| m.id == req.actor)
                .ok_or_else(|| ActError::UnknownActor(req.actor.to_string()))?;
            let changes = plan::plan(None, req.actor, &req.when, req.action)?;
            (changes, m, campaign.day_of(&req.when), members.clone())
        }
        (None, _) => {
            return Err(store
                .snapshot()
                .err()
                .map(ActError::from)
                .unwrap_or(ActError::UnknownActor(req.actor.into())))
        }
        (Some(s), _) => {
            check(s, req)?;
            if s.campaign.signing_required && !signed {
                return Err(ActError::SigningRequired(crate::sign::missing_key_hint(
                    req.lang.zh(),
                )));
            }
            let m = s
                .member(req.actor)
                .ok_or_else(|| ActError::UnknownActor(req.actor.to_string()))?;
            let changes = plan::plan(Some(s), req.actor, &req.when, req.action)?;
            (changes, m, s.campaign.day_of(&req.when), s.members.clone())
        }
    };
    let mut trailers = vec![(
        "Pingxuan-Action".to_string(),
        req.action.kind().as_str().to_string(),
    )];
    if let Some(r) = req.action.nomination() {
        trailers.push(("Pingxuan-Record".into(), r.to_string()));
    }
    trailers.push(("Pingxuan-Actor".into(), req.actor.to_string()));
    let meta = CommitMeta {
        name: actor.name.clone(),
        email: actor.email.clone(),
        when: req.when,
        summary: super::summary_in(req.lang, snapshot, req.action, &actor.name),
        trailers,
    };
    Ok(Planned {
        changes,
        meta,
        day,
        registry,
    })
}

/// Commits `planned` on `head`. OPEN: the signature must be one the audit
/// accepts, checked on the commit buffer before anything is written.
fn commit_checked(
    store: &Store,
    head: Option<Oid>,
    planned: &Planned,
    req: &Request,
    sign: Option<SignFn>,
) -> Result<Oid, ActError> {
    let refused = RefCell::new(None::<String>);
    let verifier = super::verifier(store);
    let checked = |buf: &[u8]| -> Result<String, SignError> {
        let Some(sign) = sign else {
            return Err(SignError::Refused("no signer".into()));
        };
        let signature = sign(buf)?;
        let status = verifier.verify(
            &signature,
            buf,
            &planned.registry,
            &planned.meta.email,
            planned.day,
        );
        match key_refusal(req.lang, req.actor, &status, &planned.registry) {
            None => Ok(signature),
            Some(why) => {
                let short = why.lines().next().unwrap_or("").to_string();
                *refused.borrow_mut() = Some(why);
                Err(SignError::Refused(short))
            }
        }
    };
    let sign_checked: Option<SignFn> = match sign {
        Some(_) => Some(&checked),
        None => None,
    };
    let result = store.commit_changes(head, &planned.changes, &planned.meta, sign_checked);
    if let Some(why) = refused.borrow_mut().take() {
        return Err(ActError::WrongKey(why));
    }
    Ok(result?)
}

pub(super) fn backdated(
    lang: Lang,
    when: &DateTime<FixedOffset>,
    head: &DateTime<FixedOffset>,
) -> String {
    match lang {
        Lang::Zh | Lang::ZhHans => format!(
            "操作時間 {} 早於分支最新提交的時間 {}：時間只能向前（TIME-FORWARD），未寫入任何內容。請用不早於它的 --at，或不用 --at",
            when.to_rfc3339(),
            head.to_rfc3339()
        ),
        Lang::En => format!(
            "the action time {} is before the time of the branch's last commit ({}): time only moves forward (TIME-FORWARD); nothing was written. Use an --at no earlier than that, or none",
            when.to_rfc3339(),
            head.to_rfc3339()
        ),
    }
}

/// Why the audit would flag a commit signed as `status` says, with what to do;
/// `None` when the signature is the actor's own good one.
fn key_refusal(lang: Lang, actor: &str, status: &SigStatus, registry: &[Member]) -> Option<String> {
    let zh = lang.zh();
    let add = if zh {
        format!("請主任登記您的公鑰：pingxuan key add {actor} --key <公鑰>；或把 git 的 user.signingkey 設為已登記給 {actor} 的密鑰")
    } else {
        format!("Ask the chair to register your public key (`pingxuan key add {actor} --key <public key>`), or set git's user.signingkey to a key registered to {actor}")
    };
    let registered: Vec<String> = registry
        .iter()
        .filter(|m| m.id == actor)
        .flat_map(|m| {
            m.keys
                .iter()
                .map(|k| crate::sign::verify::abbreviate(&k.key))
        })
        .collect();
    let listed = if registered.is_empty() {
        lang.pick("（尚無登記的密鑰）", "(no key registered yet)")
            .to_string()
    } else {
        registered.join(", ")
    };
    let what = match status {
        SigStatus::Good { member, .. } if member == actor => return None,
        SigStatus::Good { member, key } => match lang {
            Lang::Zh | Lang::ZhHans => format!("git 配置的簽名密鑰 {key} 登記在 {member} 名下，不是 {actor} 的"),
            Lang::En => format!("the key git is configured to sign with ({key}) is registered to {member}, not to {actor}"),
        },
        SigStatus::UnknownKey { key } => match lang {
            Lang::Zh | Lang::ZhHans => format!("git 配置的簽名密鑰 {key} 沒有登記在 members.ron 中"),
            Lang::En => format!("the key git is configured to sign with ({key}) is registered to no member in members.ron"),
        },
        SigStatus::KeyRevoked { key, revoked, .. } => match lang {
            Lang::Zh | Lang::ZhHans => format!("簽名密鑰 {key} 已於 {revoked} 吊銷"),
            Lang::En => format!("the signing key {key} was revoked on {revoked}"),
        },
        SigStatus::KeyNotYetValid { key, valid_from, .. } => match lang {
            Lang::Zh | Lang::ZhHans => format!("簽名密鑰 {key} 自 {valid_from} 起才生效"),
            Lang::En => format!("the signing key {key} is valid only from {valid_from}"),
        },
        SigStatus::Bad { detail } => match lang {
            Lang::Zh | Lang::ZhHans => format!("簽名無法驗證：{detail}"),
            Lang::En => format!("the signature does not verify: {detail}"),
        },
        SigStatus::Unsigned => lang.pick("沒有簽名", "no signature").to_string(),
    };
    Some(match lang {
        Lang::Zh | Lang::ZhHans => format!(
            "{what}；審計會拒絕這個提交，所以未寫入任何內容。\n{add}。{actor} 已登記的密鑰：{listed}"
        ),
        Lang::En => format!(
            "{what}; the audit would refuse this commit, so nothing was written.\n{add}. Keys registered to {actor}: {listed}"
        ),
    })
}
