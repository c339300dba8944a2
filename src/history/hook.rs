//! `pingxuan hook pre-receive`: the server side of the audit.
//!
//! git runs the hook in the receiving repository with one `old new ref` line per
//! ref on stdin, before any ref moves, with the pushed objects in a quarantine
//! directory (`GIT_OBJECT_DIRECTORY`, `GIT_QUARANTINE_PATH`). The new commits are
//! those reachable from a new tip and from no existing ref (`git rev-list new
//! --not --all`); each is audited as [`audit_commits`] does. A ref that moves
//! backwards or sideways (a forced push) or is deleted would discard signed
//! history and is refused too. Any violation rejects the whole push.
//!
//! ONE-CHAIN: the hook pins the campaign's genesis in the server repository's
//! git config (`pingxuan.genesis`, a full commit id): set at install
//! (`pingxuan hook install --genesis`), or else by the first push the hook
//! accepts (the root of what it accepted). A push whose history does not
//! descend from the pinned genesis is refused.
//!
//! TIME-FORWARD: the server's clock (`--at` / `PINGXUAN_NOW`, else the system
//! clock) anchors time. A new commit's committer time may not be ahead of it
//! by more than [`CLOCK_SLACK_MINUTES`], nor behind it by more than the
//! campaign's `max_offline` (not checked for the first push into an empty
//! repository, which imports a campaign's existing history).

use chrono::{DateTime, FixedOffset};
use git2::{Oid, Repository, Sort};
use serde::Serialize;

use super::audit::{audit_commits, AuditOptions, Violation, ViolationKind};
use super::HistoryError;
use crate::store::Store;

/// The git config key holding the pinned genesis (full hex commit id).
pub const GENESIS_KEY: &str = "pingxuan.genesis";

/// How far ahead of the server's clock a pushed commit may be dated.
pub const CLOCK_SLACK_MINUTES: i64 = 5;

/// The genesis pinned in `repo`'s git config, if any (and if it is a commit id).
pub fn pinned_genesis(repo: &Repository) -> Option<Oid> {
    let cfg = repo.config().ok()?;
    let text = cfg.get_string(GENESIS_KEY).ok()?;
    let text = text.trim();
    if !matches!(text.len(), 40 | 64) {
        return None;
    }
    Oid::from_str(text).ok()
}

/// Pins `genesis` in `repo`'s own (local) git config.
pub fn pin_genesis(repo: &Repository, genesis: Oid) -> Result<(), HistoryError> {
    let mut cfg = repo.config()?.open_level(git2::ConfigLevel::Local)?;
    cfg.set_str(GENESIS_KEY, &genesis.to_string())?;
    Ok(())
}

/// The root `tip` reaches by first parents.
pub fn root_of(repo: &Repository, tip: Oid) -> Result<Oid, HistoryError> {
    let mut c = repo.find_commit(tip)?;
    while let Ok(p) = c.parent(0) {
        c = p;
    }
    Ok(c.id())
}

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

/// Audits a push described by pre-receive `input`, with the system clock as
/// the server's.
pub fn pre_receive(
    store: &Store,
    input: &str,
    opts: &AuditOptions,
) -> Result<HookReport, HistoryError> {
    pre_receive_at(store, input, opts, chrono::Local::now().fixed_offset())
}

/// Audits a push described by pre-receive `input`; `now` is the server's
/// clock. When the push is accepted and no genesis is pinned yet, pins the
/// root of what was accepted.
pub fn pre_receive_at(
    store: &Store,
    input: &str,
    opts: &AuditOptions,
    now: DateTime<FixedOffset>,
) -> Result<HookReport, HistoryError> {
    let updates = parse_input(input)?;
    let pinned = pinned_genesis(store.repo());
    let zh = opts.lang.zh();
    let repo = store.repo();
    let mut violations = Vec::new();
    let mut revs = repo.revwalk()?;
    revs.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut any = false;
    for u in &updates {
        let (old, new) = (Oid::from_str(&u.old)?, Oid::from_str(&u.new)?);
        if new.is_zero() {
            violations.push(Violation {
                commit: u.old.clone(),
                member: None,
                kind: ViolationKind::HistoryRewrite,
                rule: "OPEN".into(),
                path: None,
                message: if zh {
                    format!("不能刪除 {}：已簽名的歷史必須保留", u.name)
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
                    format!("{} 不是快進更新：強制推送會改寫已簽名的歷史", u.name)
                } else {
                    format!(
                        "{} does not fast-forward: a forced push rewrites signed history",
                        u.name
                    )
                },
            });
        }
        let target = repo.find_object(new, None)?.peel_to_commit()?;
        // ONE-CHAIN: every pushed history grows from the pinned genesis.
        if let Some(g) = pinned {
            if target.id() != g && !repo.graph_descendant_of(target.id(), g)? {
                let short = g.to_string();
                violations.push(Violation {
                    commit: u.new.clone(),
                    member: None,
                    kind: ViolationKind::ForeignRoot,
                    rule: "ONE-CHAIN".into(),
                    path: None,
                    message: if zh {
                        format!(
                            "{} 的歷史不是從本評選的起點 {} 開始的",
                            u.name,
                            &short[..12]
                        )
                    } else {
                        format!(
                            "{} does not descend from the campaign's genesis {}",
                            u.name,
                            &short[..12]
                        )
                    },
                });
            }
        }
        revs.push(target.id())?;
        any = true;
    }
    let mut commits = Vec::new();
    // The first push into an empty repository imports the campaign's history:
    // its old commits are not held to the server's clock from behind.
    let mut first = true;
    if any {
        for r in repo.references()? {
            let r = r?;
            if let Ok(c) = r.peel_to_commit() {
                revs.hide(c.id())?;
                first = false;
            }
        }
        commits = revs.collect::<Result<Vec<Oid>, _>>()?;
        // Before the first push is accepted there is no genesis but its own.
        let roots: Vec<Oid> = commits
            .iter()
            .filter(|c| repo.find_commit(**c).is_ok_and(|c| c.parent_count() == 0))
            .copied()
            .collect();
        if pinned.is_none() && roots.len() > 1 {
            for r in &roots[1..] {
                violations.push(Violation {
                    commit: r.to_string(),
                    member: None,
                    kind: ViolationKind::ForeignRoot,
                    rule: "ONE-CHAIN".into(),
                    path: None,
                    message: if zh {
                        "推送帶有多個根提交；評選只有一個起點".into()
                    } else {
                        "the push holds more than one root commit; a campaign has one genesis"
                            .into()
                    },
                });
            }
        }
        violations.extend(audit_commits(store, &commits, opts)?);
        violations.extend(server_clock(store, &commits, now, !first, zh)?);
    }
    let report = HookReport {
        updates,
        commits: commits.len(),
        violations,
    };
    if report.accepted() && pinned.is_none() {
        let tips = report
            .updates
            .iter()
            .filter_map(|u| Oid::from_str(&u.new).ok())
            .find(|o| !o.is_zero());
        if let Some(tip) = tips {
            let tip = repo.find_object(tip, None)?.peel_to_commit()?;
            pin_genesis(repo, root_of(repo, tip.id())?)?;
        }
    }
    Ok(report)
}

/// TIME-FORWARD at the server: committer times against the server's clock.
fn server_clock(
    store: &Store,
    commits: &[Oid],
    now: DateTime<FixedOffset>,
    behind_too: bool,
    zh: bool,
) -> Result<Vec<Violation>, HistoryError> {
    let repo = store.repo();
    let mut out = Vec::new();
    let slack = chrono::Duration::minutes(CLOCK_SLACK_MINUTES);
    for &oid in commits {
        let c = repo.find_commit(oid)?;
        let committed = super::audit::committer_time(&c);
        let max_offline = c
            .tree()
            .ok()
            .and_then(|t| super::walk::campaign(repo, &t))
            .map(|c| c.max_offline())
            .unwrap_or_else(|| {
                chrono::Duration::hours(i64::from(crate::model::DEFAULT_MAX_OFFLINE))
            });
        let (c_s, n_s) = (committed.to_rfc3339(), now.to_rfc3339());
        let message = if committed > now + slack {
            Some(if zh {
                format!("提交時間 {c_s} 超前於服務器時鐘 {n_s}")
            } else {
                format!(
                    "committed at {c_s}, ahead of the server's clock ({n_s}) by more than {CLOCK_SLACK_MINUTES} minutes"
                )
            })
        } else if behind_too && committed < now - max_offline {
            let h = max_offline.num_hours();
            Some(if zh {
                format!("提交時間 {c_s} 落後服務器時鐘 {n_s} 超過 {h} 小時（max_offline）")
            } else {
                format!(
                    "committed at {c_s}, behind the server's clock ({n_s}) by more than {h} h (max_offline)"
                )
            })
        } else {
            None
        };
        if let Some(message) = message {
            out.push(Violation {
                commit: oid.to_string(),
                member: None,
                kind: ViolationKind::Time,
                rule: "TIME-FORWARD".into(),
                path: None,
                message,
            });
        }
    }
    Ok(out)
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
