//! The service layer both front-ends call (the CLI and the TUI alike): open
//! the store, who acts ([`Session`]: the actor from git's `user.email`, the
//! signer and the verifier from the user's git config, the clock of `--at` /
//! `PINGXUAN_NOW`, the language), perform an action ([`perform`]: check it
//! against the rules on the current snapshot, refuse an unsigned write where
//! signing is required, plan the files, commit, and retry from a fresh
//! snapshot when another writer moved the branch first), [`sync`], and read
//! the history ([`history`]: log, audit, the audit export's rows). The CLI,
//! the TUI and the demo all write through here; nothing in `cli/` or `tui/`
//! reads git's config or touches a repository except through this module.

pub mod audit_log;
pub mod history;
mod perform;
pub mod preview;
mod session;
pub mod sync;

use chrono::{DateTime, FixedOffset};
use git2::Oid;

use crate::i18n::Lang;
use crate::model::{Action, Snapshot, FORMAT};
use crate::sign::SignError;
use crate::store::{layout, StoreError};

pub use perform::perform;
pub use preview::{preview, Preview, PreviewFile};
pub use session::{verifier, Identity, Session};

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
    /// The signing configuration cannot be read, or its key cannot be used here.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// A configured key failed to sign: what failed and which settings choose it.
    #[error("{0}")]
    SignFailed(String),
    /// `--at` / `PINGXUAN_NOW` is not a time.
    #[error("--at {at:?}: expected RFC 3339 time such as 2017-11-20T10:00:00+08:00")]
    BadTime {
        at: String,
        #[source]
        source: chrono::ParseError,
    },
    /// Git's `user.email` is unset or names no member: the session may read only.
    #[error("{0}")]
    ReadOnly(String),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    /// A worker thread of this layer stopped.
    #[error("{0}")]
    Worker(String),
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

impl Done {
    /// The ids of the nominations whose files this commit changed; empty
    /// when a file outside every nomination changed (the campaign, members,
    /// units, rulings), which can change any record's standing.
    pub fn changed_records(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for path in &self.paths {
            match layout::classify(path).record() {
                Some(id) => {
                    if !ids.iter().any(|i| i == id) {
                        ids.push(id.to_string());
                    }
                }
                None => return Vec::new(),
            }
        }
        ids
    }
}

/// The one-line summary of a commit, in the interface language.
pub fn summary(lang: Lang, action: &Action, actor_name: &str) -> String {
    summary_in(lang, None, action, actor_name)
}

/// [`summary`] with the snapshot's names: departments and categories by the
/// names the campaign gave them, never by id.
pub fn summary_in(
    lang: Lang,
    snap: Option<&crate::model::Snapshot>,
    action: &Action,
    actor_name: &str,
) -> String {
    let verb = lang.action(action.kind());
    let dept = |id: &str| snap.map_or_else(|| id.to_string(), |s| lang.department(s, id));
    let cat = |id: &str| snap.map_or_else(|| id.to_string(), |s| lang.category(s, id));
    let what = match action {
        Action::Decide { decision, .. } => format!(" {}", lang.outcome(decision.outcome)),
        Action::Opinion { opinion, .. } => format!(
            " {} {}",
            dept(&opinion.department),
            lang.stance(opinion.stance)
        ),
        Action::Publish(n) => format!(" {}", cat(&n.category)),
        Action::TieOrder { category, .. } => format!(" {}", cat(category)),
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
        Lang::Zh | Lang::ZhHans => format!("{verb}{record}{what}（{actor_name}）"),
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
        ActError::Refused(
            refusals
                .iter()
                .map(|r| r.message_in(Some(snapshot), req.lang.zh()))
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(paths: &[&str]) -> Done {
        Done {
            commit: Oid::ZERO_SHA1,
            paths: paths.iter().map(|p| p.to_string()).collect(),
            summary: String::new(),
        }
    }

    #[test]
    fn changed_records_names_each_nomination_once() {
        let score = layout::score_path("2017-window-001", "li").expect("path");
        let nomination = layout::nomination_path("2017-window-001").expect("path");
        let other = layout::votes_path("2017-brand-002").expect("path");
        assert_eq!(
            done(&[&score, &nomination, &other]).changed_records(),
            vec!["2017-window-001".to_string(), "2017-brand-002".to_string()]
        );
    }

    #[test]
    fn changed_records_is_empty_when_a_campaign_wide_file_changed() {
        let score = layout::score_path("2017-window-001", "li").expect("path");
        for top in [layout::MEMBERS, layout::CAMPAIGN, layout::UNITS] {
            assert!(done(&[&score, top]).changed_records().is_empty(), "{top}");
        }
        assert!(done(&[]).changed_records().is_empty());
    }
}
