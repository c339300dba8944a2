//! History commands: `log`, `audit`, `hook pre-receive`, and key rotation
//! (`key add`, `key revoke`), each a thin call into [`crate::history`].

use super::out;
use std::io::Read;

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::Context;
use crate::act::verifier;
use crate::history::{self, AuditOptions, Entry, LogOptions};
use crate::i18n::Lang;
use crate::model::{Action, ActionKind, PublicKey};
use crate::sign::verify::{abbreviate, check_key_syntax, is_ssh_key, same_key};
use crate::text::sanitize;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// A nomination id: only the commits that changed it (default: all commits).
    pub id: Option<String>,
    /// At most this many commits.
    #[arg(long, short = 'n')]
    pub limit: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit only the commits after this revision (`REV..HEAD`).
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub hook: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// git's pre-receive hook: reject a push that holds a violating commit.
    PreReceive,
    /// Install the pre-receive hook into a server repository and pin the genesis.
    Install(super::deploy::HookInstallArgs),
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub key: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Register a new signing key for a member, valid from a date (chair).
    Add(KeyAddArgs),
    /// Revoke a member's key from a date on (chair).
    Revoke(KeyRevokeArgs),
}

#[derive(Debug, Args)]
pub struct KeyAddArgs {
    /// Member id.
    pub member: String,
    /// An ssh public key line (`ssh-ed25519 AAAA…`), a .pub file, or an OpenPGP fingerprint.
    #[arg(long)]
    pub key: String,
    /// First day the key counts (default: today).
    #[arg(long)]
    pub valid_from: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct KeyRevokeArgs {
    /// Member id.
    pub member: String,
    /// The key: its line, its base64 part, a .pub file, or the fingerprint.
    #[arg(long)]
    pub key: String,
    /// First day the key no longer counts (default: today).
    #[arg(long)]
    pub on: Option<NaiveDate>,
}

pub fn log(cx: &Context, a: LogArgs) -> Result<i32> {
    let store = cx.open()?;
    if let Some(id) = &a.id {
        let snapshot = store.snapshot()?;
        if !snapshot.records.contains_key(id) {
            // A record that existed once still has a history.
            crate::model::validate_id(id)?;
        }
    }
    let opts = LogOptions {
        lang: cx.lang,
        verifier: verifier(&store),
        limit: a.limit,
    };
    let entries = history::log(&store, a.id.as_deref(), &opts)?;
    if a.json {
        out::json(&entries)?;
        return Ok(0);
    }
    if entries.is_empty() {
        outln!("{}", cx.lang.pick("沒有相關提交", "no commits touch it"));
    }
    for e in &entries {
        print_entry(cx.lang, e);
    }
    Ok(0)
}

fn print_entry(lang: Lang, e: &Entry) {
    let who = match (&e.actor_name, &e.actor) {
        // a Chinese line names the member and the action in Chinese (the
        // ids and trailer names are in --json)
        (Some(n), Some(_)) if lang.zh() => n.clone(),
        (Some(n), Some(id)) => format!("{n} ({id})"),
        (None, Some(id)) => id.clone(),
        _ => format!("<{}>", e.email),
    };
    let merge = if e.merge {
        lang.pick(" 合併", " merge")
    } else {
        ""
    };
    outln!(
        "{} {} {}{merge} {} [{}] {}",
        e.commit.get(..12).unwrap_or(&e.commit),
        e.time.format("%Y-%m-%d %H:%M %:z"),
        sanitize(&who),
        e.action
            .as_deref()
            .map(|a| match ActionKind::parse(a) {
                Some(k) if lang.zh() => lang.action(k).to_string(),
                _ => sanitize(a),
            })
            .unwrap_or_else(|| "-".into()),
        e.signature.badge_in(lang),
        e.summary
    );
    if !e.signature.is_good() {
        outln!("    ! {}", sanitize(&e.signature.describe(lang.zh())));
    }
    for c in &e.changes {
        outln!("    {}", c.text);
    }
}

pub fn audit(cx: &Context, a: AuditArgs) -> Result<i32> {
    let store = cx.open()?;
    let opts = AuditOptions {
        lang: cx.lang,
        verifier: verifier(&store),
        since: a.since,
    };
    let report = super::progress::while_running(cx.lang.pick("審計中", "auditing"), || {
        history::audit(&store, &opts)
    })?;
    if a.json {
        out::json(&report)?;
    } else {
        // members by the names the campaign gives them now (ids in --json)
        let snap = store.snapshot().ok();
        let name = |id: &str| cx.lang.member_in(snap.as_ref(), id);
        for v in &report.violations {
            outln!("{}", v.line(cx.lang, &name));
        }
        let n = report.violations.len();
        let line = match cx.lang {
            Lang::Zh | Lang::ZhHans => format!("審計 {} 個提交：{n} 處違規", report.commits),
            Lang::En => format!("audited {} commits: {n} violations", report.commits),
        };
        if n == 0 {
            outln!("{line}");
        } else {
            errln!("{line}");
        }
    }
    Ok(if report.violations.is_empty() { 0 } else { 1 })
}

pub fn hook(cx: &Context, a: HookArgs) -> Result<i32> {
    match a.hook {
        HookCommand::Install(i) => super::deploy::hook_install(cx, i),
        HookCommand::PreReceive => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input)?;
            let store = history::hook::open_for_hook(&cx.repo_path())?;
            let opts = AuditOptions {
                lang: cx.lang,
                verifier: verifier(&store),
                since: None,
            };
            // The server's clock: `--at` / `PINGXUAN_NOW` (tests, the 2017 demo), else now.
            let report = history::hook::pre_receive_at(&store, &input, &opts, cx.now()?)?;
            if report.accepted() {
                errln!(
                    "{}",
                    match cx.lang {
                        Lang::Zh | Lang::ZhHans =>
                            format!("pingxuan：{} 個新提交審計通過", report.commits),
                        Lang::En =>
                            format!("pingxuan: {} new commits pass the audit", report.commits),
                    }
                );
                return Ok(0);
            }
            errln!(
                "{}",
                cx.lang.pick(
                    "pingxuan：推送被拒絕，以下提交違反評選規則：",
                    "pingxuan: push rejected; these commits break the campaign rules:"
                )
            );
            // In Chinese, members by name and the rule after the sentence;
            // in English the audit's machine-readable line.
            let snap = cx.lang.zh().then(|| store.snapshot().ok()).flatten();
            let name = |id: &str| cx.lang.member_in(snap.as_ref(), id);
            for v in &report.violations {
                if cx.lang.zh() {
                    errln!("  {}", v.line(cx.lang, &name));
                } else {
                    errln!("  {v}");
                }
            }
            Ok(1)
        }
    }
}

/// `--key` as given, or the contents of the file it names.
fn key_text(given: &str) -> Result<String> {
    let path = std::path::Path::new(given);
    if !is_ssh_key(given) && path.is_file() {
        let text = std::fs::read_to_string(path)?;
        return Ok(text.trim().to_string());
    }
    Ok(given.trim().to_string())
}

pub fn key(cx: &Context, a: KeyArgs) -> Result<i32> {
    let now = cx.now()?;
    let lang = cx.lang;
    match a.key {
        KeyCommand::Add(k) => {
            let key = key_text(&k.key)?;
            check_key_syntax(&key).map_err(|e| anyhow!("--key: {e}"))?;
            cx.act(|snapshot, _actor| {
                // CAMPAIGN-TZ: key validity days are the campaign's days
                let valid_from = k.valid_from.unwrap_or(snapshot.campaign.day_of(&now));
                let mut members = snapshot.members.clone();
                if let Some(owner) = members
                    .iter()
                    .find(|m| m.keys.iter().any(|x| same_key(&x.key, &key)))
                {
                    bail!(match lang {
                        Lang::Zh | Lang::ZhHans => format!("該密鑰已登記給 {}", owner.id),
                        Lang::En => format!("this key is already registered to {}", owner.id),
                    });
                }
                let m = members
                    .iter_mut()
                    .find(|m| m.id == k.member)
                    .ok_or_else(|| no_member(lang, &k.member))?;
                m.keys.push(PublicKey {
                    key: key.clone(),
                    valid_from,
                    revoked: None,
                });
                Ok(Action::Members(members))
            })
        }
        KeyCommand::Revoke(k) => {
            let key = key_text(&k.key)?;
            cx.act(|snapshot, _actor| {
                let on = k.on.unwrap_or(snapshot.campaign.day_of(&now));
                let mut members = snapshot.members.clone();
                let m = members
                    .iter_mut()
                    .find(|m| m.id == k.member)
                    .ok_or_else(|| no_member(lang, &k.member))?;
                let id = m.id.clone();
                let found = m
                    .keys
                    .iter_mut()
                    .find(|x| same_key(&x.key, &key))
                    .ok_or_else(|| {
                        anyhow!(match lang {
                            Lang::Zh | Lang::ZhHans =>
                                format!("{id} 沒有登記密鑰 {}", abbreviate(&key)),
                            Lang::En => format!("{id} has no registered key {}", abbreviate(&key)),
                        })
                    })?;
                if let Some(r) = found.revoked {
                    bail!(match lang {
                        Lang::Zh | Lang::ZhHans => format!("該密鑰已於 {r} 吊銷"),
                        Lang::En => format!("this key was already revoked on {r}"),
                    });
                }
                if on < found.valid_from {
                    bail!(match lang {
                        Lang::Zh | Lang::ZhHans =>
                            format!("吊銷日期 {on} 早於生效日期 {}", found.valid_from),
                        Lang::En => format!(
                            "revocation day {on} is before the key's first valid day {}",
                            found.valid_from
                        ),
                    });
                }
                found.revoked = Some(on);
                Ok(Action::Members(members))
            })
        }
    }
}

fn no_member(lang: Lang, id: &str) -> anyhow::Error {
    anyhow!(match lang {
        Lang::Zh | Lang::ZhHans => format!("members.ron 中沒有成員 {id:?}"),
        Lang::En => format!("no member {id:?} in members.ron"),
    })
}
