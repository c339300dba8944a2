//! `pingxuan hook pre-receive`: the server side of the audit.
//!
//! git runs the hook in the receiving repository with one `old new ref` line per
//! ref on stdin, before any ref moves, with the pushed objects in a quarantine
//! directory (`GIT_OBJECT_DIRECTORY`, `GIT_QUARANTINE_PATH`). The new commits are
//! those reachable from a new tip and from no existing ref (`git rev-list new
//! --not --all`); each is audited as [`audit_commits`] does. A ref that moves
//! backwards or sideways (a forced push) or is deleted would discard signed
//! history and is refused too. Any violation rejects the whole push.

use git2::{Oid, Sort};
use serde::Serialize;

use super::audit::{audit_commits, AuditOptions, Violation, ViolationKind};
use super::HistoryError;
use crate::store::Store;

/// One line of pre-receive input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefUpdate {
    pub old: String,
    pub new: String,
    pub name: String,
}

/// What the hook decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookReport {
    pub updates: Vec<RefUpdate>,
    /// The new commits audited.
    pub commits: usize,
    pub violations: Vec<Violation>,
}

impl HookReport {
    pub fn accepted(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Parses git's pre-receive input: `<old> <new> <ref>` per line.
pub fn parse_input(input: &str) -> Result<Vec<RefUpdate>, HistoryError> {
    let mut out = Vec::new();
    for (i, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let bad = |message: &str| HistoryError::HookInput {
            line: i + 1,
            message: message.to_string(),
        };
        let [old, new, name] = f[..] else {
            return Err(bad("expected `<old> <new> <ref>`"));
        };
        for id in [old, new] {
            // git sends full ids; libgit2 would pad a short one with zeros
            // (`0` would read as "no old value", a ref creation).
            let full = matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit());
            if !full {
                return Err(bad("not a full object id"));
            }
            Oid::from_str(id).map_err(|_| bad("not an object id"))?;
        }
        out.push(RefUpdate {
            old: old.to_string(),
            new: new.to_string(),
            name: name.to_string(),
        });
    }
    Ok(out)
}

/// Opens the repository git runs the hook in (`GIT_DIR`, else `path`), with the
/// quarantined objects of the push visible.
pub fn open_for_hook(path: &std::path::Path) -> Result<Store, HistoryError> {
    let dir = std::env::var_os("GIT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| path.to_path_buf());
    let mut store = Store::open(&dir)?;
    add_quarantine(&mut store)?;
    Ok(store)
}

fn add_quarantine(store: &mut Store) -> Result<(), HistoryError> {
    for var in ["GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY"] {
        if let Some(q) = std::env::var_os(var) {
            let q = std::path::PathBuf::from(q);
            if q.is_dir() {
                store.add_object_dir(&q)?;
            }
        }
    }
    if let Some(alts) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        for q in std::env::split_paths(&alts) {
            if q.is_dir() {
                store.add_object_dir(&q)?;
            }
        }
    }
    Ok(())
}

/// Audits a push described by pre-receive `input`.
pub fn pre_receive(
    store: &Store,
    input: &str,
    opts: &AuditOptions,
) -> Result<HookReport, HistoryError> {
    let updates = parse_input(input)?;
    let repo = store.repo();
    let mut violations = Vec::new();
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut any = false;
    for u in &updates {
        let (old, new) = (Oid::from_str(&u.old)?, Oid::from_str(&u.new)?);
        let zh = opts.lang.zh();
        if new.is_zero() {
            violations.push(Violation {
                commit: u.old.clone(),
                member: None,
                kind: ViolationKind::HistoryRewrite,
                rule: "OPEN".into(),
                path: None,
                message: if zh {
                    format!("不能刪除 {}:已簽名的歷史必須保留", u.name)
                } else {
                    format!("deleting {} would discard signed history", u.name)
                },
            });
            continue;
        }
        if !old.is_zero() && old != new && !repo.graph_descendant_of(new, old)? {
            violations.push(Violation {
                commit: u.new.clone(),
                member: None,
                kind: ViolationKind::HistoryRewrite,
                rule: "OPEN".into(),
                path: None,
                message: if zh {
                    format!("{} 不是快進更新:強制推送會改寫已簽名的歷史", u.name)
                } else {
                    format!(
                        "{} does not fast-forward: a forced push rewrites signed history",
                        u.name
                    )
                },
            });
        }
        let target = repo.find_object(new, None)?.peel_to_commit()?;
        revs.push(target.id())?;
        any = true;
    }
    let mut commits = Vec::new();
    if any {
        for r in repo.references()? {
            let r = r?;
            if let Ok(c) = r.peel_to_commit() {
                revs.hide(c.id())?;
            }
        }
        commits = revs.collect::<Result<Vec<Oid>, _>>()?;
        violations.extend(audit_commits(store, &commits, opts)?);
    }
    Ok(HookReport {
        updates,
        commits: commits.len(),
        violations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_parse() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let u = parse_input(&format!("{z} {a} refs/heads/main\n\n")).expect("parse");
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].name, "refs/heads/main");
        assert!(parse_input("x y").is_err());
        assert!(parse_input(&format!("{z} nothex refs/heads/main")).is_err());
        assert!(
            parse_input("0 1 refs/heads/main").is_err(),
            "short ids are refused"
        );
        assert!(parse_input(&format!("{z} +{} refs/heads/main", &a[1..])).is_err());
    }
}
