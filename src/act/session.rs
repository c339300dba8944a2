//! Who acts, with which key, when, in which language: the one place that
//! reads the user's git configuration (`user.email`, `user.name`, the signing
//! settings and the verification programs) and the clock (`--at` /
//! `PINGXUAN_NOW`), for the CLI and the TUI alike.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::{perform, ActError, Done, Request};
use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot};
use crate::sign::verify::Verifier;
use crate::sign::{SignError, Signer};
use crate::store::{SignFn, Store, StoreError};

/// A session: the repository, the language and the clock.
#[derive(Debug, Clone)]
pub struct Session {
    /// The campaign repository (`None`: the current folder).
    pub repo: Option<PathBuf>,
    pub lang: Lang,
    /// `--at` / `PINGXUAN_NOW`: the time writes are recorded at and rules judged by.
    pub at: Option<String>,
}

/// The user as git's configuration names them.
pub struct Identity {
    /// `user.name`, when set.
    pub name: Option<String>,
    /// `user.email`, when set (as written, possibly blank).
    pub email: Option<String>,
    /// The verification programs (`gpg.ssh.program`, `gpg.program`).
    pub verifier: Verifier,
    config: git2::Config,
}

/// The verifier of the repository's git config (`gpg.ssh.program`,
/// `gpg.program`); the defaults when the config cannot be read.
pub fn verifier(store: &Store) -> Verifier {
    store
        .repo()
        .config()
        .map(|c| Verifier::from_git_config(&c))
        .unwrap_or_default()
}

/// Runs `f` with the signing callback of `signer`, if any: the one place the
/// callback is made from the user's key.
pub(crate) fn with_sign<R>(signer: Option<&Signer>, f: impl FnOnce(Option<SignFn>) -> R) -> R {
    let sign = signer.map(|s| move |buf: &[u8]| s.sign(buf));
    f(sign.as_ref().map(|f| f as SignFn))
}

impl Identity {
    /// Reads the identity from the git configuration `store` sees (its own,
    /// the user's global one, the system's).
    pub fn of(store: &Store) -> Result<Identity, StoreError> {
        let config = store.repo().config()?;
        Ok(Identity {
            name: config.get_string("user.name").ok(),
            email: config.get_string("user.email").ok(),
            verifier: Verifier::from_git_config(&config),
            config,
        })
    }

    /// The signer `git commit -S` would use (`None`: no key configured), or
    /// why the signing settings cannot be used. May run
    /// `gpg.ssh.defaultKeyCommand`.
    pub fn signer(&self) -> Result<Option<Signer>, SignError> {
        Signer::from_git_config(&self.config)
    }

    /// `user.email` unless unset or blank.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref().filter(|e| !e.trim().is_empty())
    }
}

impl Session {
    pub fn new(repo: Option<PathBuf>, lang: Lang, at: Option<String>) -> Session {
        Session { repo, lang, at }
    }

    pub fn repo_path(&self) -> PathBuf {
        self.repo.clone().unwrap_or_else(|| PathBuf::from("."))
    }

    pub fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.repo_path())
    }

    /// Whether the clock is fixed by `--at` / `PINGXUAN_NOW`.
    pub fn clock_fixed(&self) -> bool {
        self.at.is_some()
    }

    /// The action time: `--at` / `PINGXUAN_NOW`, else now in the local offset.
    pub fn now(&self) -> Result<DateTime<FixedOffset>, ActError> {
        match &self.at {
            Some(s) => DateTime::parse_from_rfc3339(s).map_err(|source| ActError::BadTime {
                at: s.clone(),
                source,
            }),
            None => Ok(chrono::Local::now().fixed_offset()),
        }
    }

    /// The member whose email is git's `user.email`; others may read but not write.
    pub fn actor<'s>(&self, store: &Store, snapshot: &'s Snapshot) -> Result<&'s Member, ActError> {
        let email = Identity::of(store)?.email.ok_or_else(|| {
            ActError::ReadOnly(self.lang.pick(
                "未設置 git 的 user.email:只讀。請設置為 members.ron 中您的郵箱(git config user.email …)",
                "git user.email is not set: read-only. Set it to your email in members.ron (git config user.email …)"
            ).to_string())
        })?;
        snapshot.member_by_email(&email).ok_or_else(|| {
            ActError::ReadOnly(match self.lang {
                Lang::Zh | Lang::ZhHans => format!("{email} 不是本次評選的成員（members.ron）：可以查看，不能寫入"),
                Lang::En => format!("{email} is not a member of this campaign (members.ron): you may read but not write"),
            })
        })
    }

    /// The preview of a write as `actor` on `snapshot` ([`super::preview`]):
    /// refused as the write would be, else the commit it would make.
    pub fn preview(
        &self,
        store: &Store,
        snapshot: &Snapshot,
        actor: &str,
        action: &Action,
    ) -> Result<super::Preview, ActError> {
        let signed = Identity::of(store)?.signer()?.is_some();
        let req = Request {
            actor,
            action,
            when: self.now()?,
            lang: self.lang,
        };
        super::preview(store, snapshot, &req, signed)
    }

    /// Performs a write as `actor`, signed as `git commit -S` would sign it.
    /// `snapshot`, when it is the one at HEAD, saves a load. Returns what was
    /// written and the snapshot at the new commit (refreshed from `snapshot`
    /// incrementally), ready to use as it is.
    pub fn perform(
        &self,
        store: &Store,
        snapshot: Option<Snapshot>,
        actor: &str,
        action: &Action,
    ) -> Result<(Done, Snapshot), ActError> {
        let signer = Identity::of(store)?.signer()?;
        // A key in ssh-agent with no agent here (ssh without -A): say so, write nothing.
        if let Some(s) = &signer {
            s.ready()?;
        }
        let req = Request {
            actor,
            action,
            when: self.now()?,
            lang: self.lang,
        };
        let mut snapshot = snapshot;
        let done = with_sign(signer.as_ref(), |sign| {
            perform(store, &mut snapshot, &req, sign)
        });
        match done {
            Ok(done) => {
                let snapshot = match snapshot {
                    Some(s) => s,
                    None => store.snapshot_at(done.commit)?,
                };
                Ok((done, snapshot))
            }
            // A configured but unusable key: say which settings choose it.
            Err(ActError::Store(StoreError::Sign(e))) => Err(ActError::SignFailed(format!(
                "{}\n{e}\n{}",
                self.lang.pick(
                    "簽名失敗，未寫入任何內容：",
                    "signing failed; nothing was written:"
                ),
                crate::sign::missing_key_hint(self.lang.zh())
            ))),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_at_when_given() {
        let s = Session::new(None, Lang::En, Some("2017-11-20T10:00:00+08:00".into()));
        assert!(s.clock_fixed());
        assert_eq!(
            s.now().expect("a time").to_rfc3339(),
            "2017-11-20T10:00:00+08:00"
        );
        assert!(!Session::new(None, Lang::En, None).clock_fixed());
    }

    #[test]
    fn a_bad_at_names_the_option_and_the_format() {
        let s = Session::new(None, Lang::En, Some("yesterday".into()));
        let e = s.now().expect_err("not a time");
        assert!(matches!(e, ActError::BadTime { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("--at \"yesterday\": expected RFC 3339"),
            "{e}"
        );
    }
}
