//! Reading the signed history for both front-ends: the log and the audit with
//! the verifier of the user's git config, the two side by side, the genesis
//! pin of a new campaign and `pingxuan reindex`.

use super::{verifier, ActError};
use crate::history::{self, AuditOptions, AuditReport, Entry, HistoryError, LogOptions};
use crate::i18n::Lang;
use crate::model::Snapshot;
use crate::store::{Store, StoreError};

/// Log options with the repository's verifier, no limit.
pub fn log_options(store: &Store, lang: Lang) -> LogOptions {
    LogOptions {
        lang,
        verifier: verifier(store),
        limit: None,
    }
}

/// Audit options with the repository's verifier.
pub fn audit_options(store: &Store, lang: Lang, since: Option<String>) -> AuditOptions {
    AuditOptions {
        lang,
        verifier: verifier(store),
        since,
    }
}

/// Every commit from HEAD (newest first) and the audit's report. The log and
/// the audit each verify every signature: they run side by side, each with
/// its own repository handle.
pub fn log_and_audit(session: &super::Session) -> Result<(Vec<Entry>, AuditReport), ActError> {
    let lang = session.lang;
    let store = session.open()?;
    let lo = log_options(&store, lang);
    let verifier = lo.verifier.clone();
    let (entries, report) = std::thread::scope(|scope| {
        let audit = scope.spawn(|| -> Result<AuditReport, ActError> {
            let store = session.open()?;
            Ok(history::audit(
                &store,
                &AuditOptions {
                    lang,
                    verifier,
                    since: None,
                },
            )?)
        });
        let entries = history::log(&store, None, &lo);
        let report = audit
            .join()
            .unwrap_or_else(|_| Err(ActError::Worker("the audit thread panicked".into())));
        (entries, report)
    });
    Ok((entries?, report?))
}

/// ONE-CHAIN: records `genesis` as this repository's first commit.
pub fn pin_genesis(store: &Store, genesis: git2::Oid) -> Result<(), HistoryError> {
    history::hook::pin_genesis(store.repo(), genesis)
}

/// Deletes and rebuilds the snapshot cache and the history index (`pingxuan
/// reindex`); returns the snapshot at HEAD.
pub fn reindex(store: &Store) -> Result<Snapshot, HistoryError> {
    let io = |path: std::path::PathBuf| {
        move |source| StoreError::Io {
            path: path.display().to_string(),
            source,
        }
    };
    let git_dir = store.git_dir();
    store.remove_cache()?;
    history::index::remove(&git_dir).map_err(io(history::index::path(&git_dir)))?;
    if let Some(head) = store.head()? {
        history::index::load(store.repo(), head)?;
    }
    Ok(store.snapshot()?)
}
