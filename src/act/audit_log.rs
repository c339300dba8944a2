//! The rows of the `audit` export read from the signed history (through
//! [`crate::history`]); the CLI and the TUI both call [`from_history`], then
//! render the [`AuditLog`] purely with [`crate::export`].
//!
//! Each signature is verified once. The audit ([`history::audit`]) verifies every
//! commit's signature against `members.ron` at its parent and reports a
//! violation of OPEN for every signature that is not a good one by the commit's
//! own author; the rows take their signature state from that one result (no
//! violation of that kind: good) and read the rest — time, author, action,
//! record, summary — from the commits without running `ssh-keygen` or `gpg`
//! again. (Before, the log verified every signature a second time: 1,988 runs
//! of `ssh-keygen` for 994 commits.)

use std::collections::HashMap;

use git2::Sort;

use crate::export::{AuditLog, AuditRow, Kind};
use crate::history::{self, walk, AuditOptions, HistoryError, ViolationKind};
use crate::i18n::Lang;
use crate::model::ActionKind;
use crate::store::Store;

/// Whether a violation is about the signature itself.
pub fn is_signature_violation(kind: ViolationKind) -> bool {
    matches!(
        kind,
        ViolationKind::Unsigned
            | ViolationKind::BadSignature
            | ViolationKind::UnknownKey
            | ViolationKind::KeyRevoked
            | ViolationKind::KeyNotYetValid
            | ViolationKind::SignerNotAuthor
    )
}

/// The audit log a document of `kind` needs: the verified history for the
/// audit document, nothing for every other (so only the audit pays for it).
pub fn for_kind(store: &Store, kind: Kind, lang: Lang) -> Result<Option<AuditLog>, HistoryError> {
    match kind {
        Kind::Audit => from_history(store, lang).map(Some),
        _ => Ok(None),
    }
}

/// The history from HEAD, oldest first, with each signature verified (once)
/// against the member registry at the commit's parent and the audit's
/// violations attached. Signature checks run `ssh-keygen`/`gpg` (the
/// repository's git configuration names them), so call this off any draw path.
pub fn from_history(store: &Store, lang: Lang) -> Result<AuditLog, HistoryError> {
    let verifier = super::verifier(store);
    let report = history::audit(
        store,
        &AuditOptions {
            lang,
            verifier,
            since: None,
        },
    )?;
    let mut violations: HashMap<&str, Vec<&history::Violation>> = HashMap::new();
    for v in &report.violations {
        violations.entry(v.commit.as_str()).or_default().push(v);
    }
    let repo = store.repo();
    let Some(head) = store.head()? else {
        return Ok(AuditLog {
            verified: true,
            rows: Vec::new(),
        });
    };
    let members = store.snapshot().map(|s| s.members).unwrap_or_default();
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    revs.push(head)?;
    let mut rows = Vec::new();
    for oid in revs {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let id = oid.to_string();
        let found = violations.remove(id.as_str()).unwrap_or_default();
        let email = commit.author().email().unwrap_or("").to_string();
        let actor = found.iter().find_map(|v| v.member.clone()).or_else(|| {
            members
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
                .map(|m| m.id.clone())
        });
        let sig: Vec<&&history::Violation> = found
            .iter()
            .filter(|v| is_signature_violation(v.kind))
            .collect();
        let signature_ok = sig.is_empty();
        let signature = if signature_ok {
            let who = actor.as_deref().unwrap_or(email.as_str());
            let name = members
                .iter()
                .find(|m| m.id == who)
                .map_or(who, |m| m.name.as_str());
            match lang {
                Lang::Zh | Lang::ZhHans => format!("簽名有效（{name}的登記密鑰）"),
                Lang::En => format!("good signature by {name} (registered key)"),
            }
        } else {
            sig.iter()
                .map(|v| v.message.clone())
                .collect::<Vec<_>>()
                .join(lang.pick("；", "; "))
        };
        let message = commit.message().unwrap_or("");
        let action = walk::trailer(message, "Pingxuan-Action")
            .and_then(|a| ActionKind::parse(&a))
            .map(|k| lang.action(k).to_string())
            .unwrap_or_default();
        let record = walk::own_deltas(repo, &commit)?.iter().find_map(|d| {
            let mut parts = d.path.split('/');
            (parts.next() == Some("nominations"))
                .then(|| parts.nth(1).map(str::to_string))
                .flatten()
        });
        rows.push(AuditRow {
            commit: id,
            time: walk::author_time(&commit),
            actor: actor.unwrap_or(email),
            action,
            record,
            summary: crate::text::sanitize(&String::from_utf8_lossy(
                commit.summary_bytes().unwrap_or_default(),
            )),
            signature,
            signature_ok,
            violations: found.iter().map(|v| v.sentence(lang)).collect(),
        });
    }
    Ok(AuditLog {
        verified: true,
        rows,
    })
}
