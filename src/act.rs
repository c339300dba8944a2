//! Performing an action: check it against the rules on the current snapshot,
//! refuse an unsigned write where signing is required, plan the files, commit,
//! and retry from a fresh snapshot when another writer moved the branch first.
//! The CLI, the TUI and the demo all write through here.

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot, FORMAT};
use crate::sign::verify::{SigStatus, Verifier};
use crate::store::{plan, CommitMeta, SignFn, Store, StoreError};

/// How often a commit is retried after losing a race for the branch.
pub const MAX_RETRIES: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", .0.join("\n"))]
    Refused(Vec<String>),
    #[error("{0}")]
    SigningRequired(String),
    #[error("no member {0:?} in members.ron")]
    UnknownActor(String),
    /// TIME-FORWARD: the action time lies before the chain's head.
    #[error("{0}")]
    Backdated(String),
    /// OPEN: the key git signs with is not the actor's, or not valid on the day.
    #[error("{0}")]
    WrongKey(String),
}

/// A write and who makes it when.
pub struct Request<'a> {
    /// Member id of the actor.
    pub actor: &'a str,
    pub action: &'a Action,
    pub when: DateTime<FixedOffset>,
    pub lang: Lang,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Done {
    pub commit: Oid,
    pub paths: Vec<String>,
    pub summary: String,
}

/// The one-line summary of a commit, in the interface language.
pub fn summary(lang: Lang, action: &Action, actor_name: &str) -> String {
    let verb = lang.action(action.kind());
    let what = match action {
        Action::Decide { decision, .. } => format!(" {:?}", decision.outcome).to_lowercase(),
        Action::Opinion { opinion, .. } => {
            format!(" {} {:?}", opinion.department, opinion.stance).to_lowercase()
        }
        Action::Publish(n) => format!(" {}", n.category),
        Action::TieOrder { category, .. } => format!(" {category}"),
        Action::Resolve { upheld, .. } => lang
            .pick(
                if *upheld { " 成立" } else { " 不成立" },
                if *upheld { " upheld" } else { " dismissed" },
            )
            .to_string(),
        _ => String::new(),
    };
    let record = action
        .nomination()
        .map(|r| format!(" {r}"))
        .unwrap_or_default();
    match lang {
        Lang::Zh => format!("{verb}{record}{what}({actor_name})"),
        Lang::En => format!("{verb}{record}{what} by {actor_name}"),
    }
}

/// Checks a write against the snapshot before anything is written.
pub fn check(snapshot: &Snapshot, req: &Request) -> Result<(), ActError> {
    if snapshot.campaign.format > FORMAT {
        return Err(StoreError::NewerFormat {
            found: snapshot.campaign.format,
            supported: FORMAT,
        }
        .into());
    }
    let actor = snapshot
        .member(req.actor)
        .ok_or_else(|| ActError::UnknownActor(req.actor.to_string()))?;
    crate::rules::check_action(
        snapshot,
        actor,
        req.action,
        snapshot.campaign.day_of(&req.when),
    )
    .map_err(|refusals| {
        ActError::Refused(refusals.iter().map(|r| r.message(req.lang.zh())).collect())
    })
}

/// Performs `req` on `store`. `snapshot`, when given and still at HEAD, saves a
/// reload and is brought up to the new commit afterwards.
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
        let fresh = match (head, snapshot.as_ref()) {
            (None, _) => false,
            (Some(h), Some(s)) => s.commit.as_deref() == Some(h.to_string().as_str()),
            (Some(_), None) => false,
        };
        if !fresh {
            *snapshot = match head {
                Some(h) => Some(store.snapshot_at(h)?),
                None => None,
            };
        }
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
        // CAMPAIGN-TZ: key validity is judged on the campaign's calendar.
        let day = match (snapshot.as_ref(), req.action) {
            (Some(s), _) => s.campaign.day_of(&req.when),
            (None, Action::Setup { campaign, .. }) => campaign.day_of(&req.when),
            (None, _) => req.when.date_naive(),
        };
        let (changes, actor_name, actor_email) = match (snapshot.as_ref(), req.action) {
            (
                None,
                Action::Setup {
                    campaign,
                    members,
                    units,
                },
            ) => {
                crate::rules::check_setup(req.actor, campaign, members, units).map_err(
                    |refusals| {
                        ActError::Refused(
                            refusals.iter().map(|r| r.message(req.lang.zh())).collect(),
                        )
                    },
                )?;
                let m = members
                    .iter()
                    .find(|m| m.id == req.actor)
                    .ok_or_else(|| ActError::UnknownActor(req.actor.to_string()))?;
                let changes = plan::plan(None, req.actor, &req.when, req.action)?;
                (changes, m.name.clone(), m.email.clone())
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
                if s.campaign.signing_required && sign.is_none() {
                    return Err(ActError::SigningRequired(crate::sign::missing_key_hint(
                        req.lang.zh(),
                    )));
                }
                let m = s
                    .member(req.actor)
                    .ok_or_else(|| ActError::UnknownActor(req.actor.to_string()))?;
                (
                    plan::plan(Some(s), req.actor, &req.when, req.action)?,
                    m.name.clone(),
                    m.email.clone(),
                )
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
            name: actor_name.clone(),
            email: actor_email,
            when: req.when,
            summary: summary(req.lang, req.action, &actor_name),
            trailers,
        };
        // OPEN: the signature must be one the audit accepts, checked on the
        // commit buffer before anything is written.
        let registry: Vec<Member> = match (snapshot.as_ref(), req.action) {
            (Some(s), _) => s.members.clone(),
            (None, Action::Setup { members, .. }) => members.clone(),
            (None, _) => Vec::new(),
        };
        let refused = std::cell::RefCell::new(None::<String>);
        let verifier = Verifier::from_git_config(&store.repo().config().map_err(StoreError::from)?);
        let checked = |buf: &[u8]| -> Result<String, String> {
            let Some(sign) = sign else {
                return Err("no signer".into());
            };
            let signature = sign(buf)?;
            let status = verifier.verify(&signature, buf, &registry, &meta.email, day);
            match key_refusal(req.lang, req.actor, &status, &registry) {
                None => Ok(signature),
                Some(why) => {
                    let short = why.lines().next().unwrap_or("").to_string();
                    *refused.borrow_mut() = Some(why);
                    Err(short)
                }
            }
        };
        let sign_checked: Option<SignFn> = match sign {
            Some(_) => Some(&checked),
            None => None,
        };
        let result = store.commit_changes(head, &changes, &meta, sign_checked);
        if let Some(why) = refused.borrow_mut().take() {
            return Err(ActError::WrongKey(why));
        }
        match result {
            Ok(commit) => {
                let paths: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
                match snapshot.as_mut() {
                    Some(s) => store.refresh(s, commit)?,
                    None => *snapshot = Some(store.snapshot_at(commit)?),
                }
                return Ok(Done {
                    commit,
                    paths,
                    summary: meta.summary,
                });
            }
            Err(StoreError::Conflict) if attempt < MAX_RETRIES => {
                attempt += 1;
                *snapshot = None;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn backdated(lang: Lang, when: &DateTime<FixedOffset>, head: &DateTime<FixedOffset>) -> String {
    match lang {
        Lang::Zh => format!(
            "操作時間 {} 早于分支最新提交的時間 {}:時間只能向前(TIME-FORWARD),未寫入任何內容。請用不早于它的 --at,或不用 --at",
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
        format!("請主任登記您的公鑰:pingxuan key add {actor} --key <公鑰>;或把 git 的 user.signingkey 設為已登記給 {actor} 的密鑰")
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
        lang.pick("(尚無登記的密鑰)", "(no key registered yet)")
            .to_string()
    } else {
        registered.join(", ")
    };
    let what = match status {
        SigStatus::Good { member, .. } if member == actor => return None,
        SigStatus::Good { member, key } => match lang {
            Lang::Zh => format!("git 配置的簽名密鑰 {key} 登記在 {member} 名下,不是 {actor} 的"),
            Lang::En => format!("the key git is configured to sign with ({key}) is registered to {member}, not to {actor}"),
        },
        SigStatus::UnknownKey { key } => match lang {
            Lang::Zh => format!("git 配置的簽名密鑰 {key} 沒有登記在 members.ron 中"),
            Lang::En => format!("the key git is configured to sign with ({key}) is registered to no member in members.ron"),
        },
        SigStatus::KeyRevoked { key, revoked, .. } => match lang {
            Lang::Zh => format!("簽名密鑰 {key} 已于 {revoked} 吊銷"),
            Lang::En => format!("the signing key {key} was revoked on {revoked}"),
        },
        SigStatus::KeyNotYetValid { key, valid_from, .. } => match lang {
            Lang::Zh => format!("簽名密鑰 {key} 自 {valid_from} 起才生效"),
            Lang::En => format!("the signing key {key} is valid only from {valid_from}"),
        },
        SigStatus::Bad { detail } => match lang {
            Lang::Zh => format!("簽名無法驗證:{detail}"),
            Lang::En => format!("the signature does not verify: {detail}"),
        },
        SigStatus::Unsigned => lang.pick("沒有簽名", "no signature").to_string(),
    };
    Some(match lang {
        Lang::Zh => format!(
            "{what};審計會拒絕這個提交,所以未寫入任何內容。\n{add}。{actor} 已登記的密鑰:{listed}"
        ),
        Lang::En => format!(
            "{what}; the audit would refuse this commit, so nothing was written.\n{add}. Keys registered to {actor}: {listed}"
        ),
    })
}
