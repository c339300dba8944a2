//! What every command needs: the repository, the language, the clock, and —
//! for writes — the acting member and the signer from the user's git config.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, FixedOffset};

use crate::act::{self, Done, Request};
use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot};
use crate::sign::Signer;
use crate::store::Store;

pub struct Context {
    pub repo: Option<PathBuf>,
    pub lang: Lang,
    at: Option<String>,
}

impl Context {
    pub fn new(repo: Option<PathBuf>, lang: Lang, at: Option<String>) -> Context {
        Context { repo, lang, at }
    }

    pub fn repo_path(&self) -> PathBuf {
        self.repo.clone().unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn open(&self) -> Result<Store> {
        Ok(Store::open(&self.repo_path())?)
    }

    /// The action time: `--at` / `PINGXUAN_NOW`, else now in the local offset.
    pub fn now(&self) -> Result<DateTime<FixedOffset>> {
        match &self.at {
            Some(s) => DateTime::parse_from_rfc3339(s).with_context(|| {
                format!("--at {s:?}: expected RFC 3339 time such as 2017-11-20T10:00:00+08:00")
            }),
            None => Ok(chrono::Local::now().fixed_offset()),
        }
    }

    /// The member whose email is git's `user.email`; others may read but not write.
    pub fn actor<'s>(&self, store: &Store, snapshot: &'s Snapshot) -> Result<&'s Member> {
        let config = store.repo().config()?;
        let email = config.get_string("user.email").map_err(|_| {
            anyhow!(self.lang.pick(
                "未設置 git 的 user.email:只讀。請設置為 members.ron 中您的郵箱(git config user.email …)",
                "git user.email is not set: read-only. Set it to your email in members.ron (git config user.email …)"
            ))
        })?;
        snapshot.member_by_email(&email).ok_or_else(|| {
            anyhow!(match self.lang {
                Lang::Zh => format!("{email} 不是本次評選的成員(members.ron):可以查看,不能寫入"),
                Lang::En => format!("{email} is not a member of this campaign (members.ron): you may read but not write"),
            })
        })
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

    pub fn perform(
        &self,
        store: &Store,
        snapshot: Option<Snapshot>,
        actor: &str,
        action: &Action,
    ) -> Result<Done> {
        let config = store.repo().config()?;
        let signer = Signer::from_git_config(&config)?;
        // A key in ssh-agent with no agent here (ssh without -A): say so, write nothing.
        if let Some(s) = &signer {
            s.ready()?;
        }
        let sign_fn = signer
            .as_ref()
            .map(|s| move |buf: &[u8]| s.sign(buf).map_err(|e| e.to_string()));
        let mut snapshot = snapshot;
        let req = Request {
            actor,
            action,
            when: self.now()?,
            lang: self.lang,
        };
        let done = act::perform(
            store,
            &mut snapshot,
            &req,
            sign_fn
                .as_ref()
                .map(|f| f as &dyn Fn(&[u8]) -> Result<String, String>),
        );
        match done {
            Ok(done) => Ok(done),
            // A configured but unusable key: say which settings choose it.
            Err(act::ActError::Store(crate::store::StoreError::Sign(msg))) => Err(anyhow!(
                "{}\n{msg}\n{}",
                self.lang.pick(
                    "簽名失敗,未寫入任何內容:",
                    "signing failed; nothing was written:"
                ),
                crate::sign::missing_key_hint(self.lang.zh())
            )),
            Err(e) => Err(e.into()),
        }
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
            Lang::Zh => format!("沒有申報項目 {id:?}(pingxuan list 查看全部)"),
            Lang::En => format!("no nomination {id:?} (pingxuan list shows them all)"),
        })
    }
}
