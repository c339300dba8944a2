//! What every command needs: the [`Session`] of the service layer (the
//! repository, the language, the clock and — for writes — the acting member
//! and the signer from the user's git config), plus the command line's own
//! way of reporting a write.

use std::ops::Deref;
use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::act::{Done, Session};
use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot};
use crate::store::Store;

pub struct Context {
    session: Session,
    /// `--lang` as given: documents speak the campaign's language unless it is given.
    lang_flag: Option<String>,
}

/// The session's repository, language and clock (`cx.lang`, `cx.open()`,
/// `cx.now()`, `cx.actor(…)`).
impl Deref for Context {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl Context {
    pub fn new(repo: Option<PathBuf>, lang: Lang, at: Option<String>) -> Context {
        Context {
            session: Session::new(repo, lang, at),
            lang_flag: None,
        }
    }

    /// The same, remembering the `--lang` given (if any) for [`Context::doc_lang`].
    pub fn with_lang_flag(mut self, flag: Option<String>) -> Context {
        self.lang_flag = flag;
        self
    }

    /// The language of a document: the campaign's (`language` in
    /// campaign.ron), or `--lang` when given explicitly (`zh` alone: the
    /// campaign's Chinese script) — never the operator's locale.
    pub fn doc_lang(&self, campaign: &crate::model::Campaign) -> Lang {
        match &self.lang_flag {
            None => campaign.language,
            Some(f) => Lang::detect_for(Some(f), campaign.language),
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Performs a write as the configured user, signed as `git commit -S` would be.
    pub fn act(&self, build: impl FnOnce(&Snapshot, &Member) -> Result<Action>) -> Result<i32> {
        let store = self.open()?;
        let snapshot = store.snapshot()?;
        let actor = self.actor(&store, &snapshot)?.clone();
        let action = build(&snapshot, &actor)?;
        let done = self.perform(&store, Some(snapshot), &actor.id, &action)?;
        self.report(&done);
        Ok(0)
    }

    /// Performs `action` as `actor` (see [`Session::perform`]).
    pub fn perform(
        &self,
        store: &Store,
        snapshot: Option<Snapshot>,
        actor: &str,
        action: &Action,
    ) -> Result<Done> {
        Ok(self.session.perform(store, snapshot, actor, action)?.0)
    }

    pub fn report(&self, done: &Done) {
        outln!("{} {}", &done.commit.to_string()[..12], done.summary);
        for p in &done.paths {
            outln!("  {p}");
        }
    }

    /// Refuses an id that names no nomination, with the ids that are close.
    pub fn require_record(&self, snapshot: &Snapshot, id: &str) -> Result<()> {
        if snapshot.records.contains_key(id) {
            return Ok(());
        }
        bail!(match self.lang {
            Lang::Zh | Lang::ZhHans => format!("沒有申報項目 {id:?}（pingxuan list 查看全部）"),
            Lang::En => format!("no nomination {id:?} (pingxuan list shows them all)"),
        })
    }
}
