//! Performing an action: check it against the rules on the current snapshot,
//! refuse an unsigned write where signing is required, plan the files, commit,
//! and retry from a fresh snapshot when another writer moved the branch first.
//! The CLI, the TUI and the demo all write through here.

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use crate::i18n::Lang;
use crate::model::{Action, Snapshot, FORMAT};
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
        match store.commit_changes(head, &changes, &meta, sign) {
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
