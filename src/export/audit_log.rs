//! The rows of the `audit` export read from the signed history: the one place
//! under `export` that reads git (through [`crate::history`]); the CLI and the
//! TUI both call [`from_history`], then render the [`AuditLog`] purely.

use std::collections::HashMap;

use super::{AuditLog, AuditRow};
use crate::history::{self, AuditOptions, HistoryError, LogOptions, Verifier};
use crate::i18n::Lang;
use crate::store::Store;

/// The history from HEAD, oldest first, with each signature verified against the
/// member registry at the commit's parent and the audit's violations attached.
/// Signature checks run `ssh-keygen`/`gpg` (the repository's git configuration
/// names them), so call this off any draw path.
pub fn from_history(store: &Store, lang: Lang) -> Result<AuditLog, HistoryError> {
    let verifier = Verifier::from_git_config(&store.repo().config()?);
    // Both the log and the audit verify every signature: side by side, the
    // audit with its own repository handle (a git2 repository is not Sync).
    let git_dir = store.git_dir();
    let (entries, report) = std::thread::scope(|scope| {
        let audit_verifier = verifier.clone();
        let audit = scope.spawn(move || -> Result<_, HistoryError> {
            let own = Store::open(&git_dir)?;
            history::audit(
                &own,
                &AuditOptions {
                    lang,
                    verifier: audit_verifier,
                    since: None,
                },
            )
        });
        let entries = history::log(
            store,
            None,
            &LogOptions {
                lang,
                verifier,
                limit: None,
            },
        );
        (entries, audit.join())
    });
    let entries = entries?;
    let report = match report {
        Ok(r) => r?,
        Err(_) => history::audit(
            store,
            &AuditOptions {
                lang,
                verifier: Verifier::from_git_config(&store.repo().config()?),
                since: None,
            },
        )?,
    };
    let mut violations: HashMap<&str, Vec<String>> = HashMap::new();
    for v in &report.violations {
        violations
            .entry(v.commit.as_str())
            .or_default()
            .push(format!("{}: {}", v.rule, v.message));
    }
    let rows = entries
        .iter()
        .rev()
        .map(|e| AuditRow {
            commit: e.commit.clone(),
            time: e.time,
            actor: e.actor.clone().unwrap_or_else(|| e.email.clone()),
            action: e.action.clone().unwrap_or_default(),
            record: e.changes.iter().find_map(|c| c.record.clone()),
            summary: e.summary.clone(),
            signature: e.signature.describe(lang.zh()),
            signature_ok: e.signature.is_good(),
            violations: violations.remove(e.commit.as_str()).unwrap_or_default(),
        })
        .collect();
    Ok(AuditLog {
        verified: true,
        rows,
    })
}
