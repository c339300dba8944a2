//! `pingxuan sync [--remote NAME]`: fetch, check, replay, push (see
//! [`crate::sync`]); `pingxuan set-aside list|show|retry|drop`: the actions a
//! sync set aside.

use super::out;
use anyhow::Result;
use clap::{Args, Subcommand};

use super::Context;
use crate::act;
use crate::i18n::Lang;
use crate::sync::{self, aside, Integrated, Progress, SetAside, SyncError};
use crate::text::{sanitize, sanitize_multiline};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The git remote to sync with.
    #[arg(long, default_value = "origin")]
    pub remote: String,
    /// Print the report as JSON (when refused: the violations, or the
    /// ONE-CHAIN commit, or another member's unpublished commits).
    #[arg(long)]
    pub json: bool,
    /// No progress lines on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SetAsideArgs {
    #[command(subcommand)]
    pub command: SetAsideCommand,
}

#[derive(Debug, Subcommand)]
pub enum SetAsideCommand {
    /// Every set-aside action with its reason.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One set-aside action: its reason and the files it writes.
    Show { id: String },
    /// Re-apply it onto the current HEAD with the same checks as a sync (its
    /// owner only, re-signed); `pingxuan sync` then pushes it.
    Retry { id: String },
    /// Forget it for good.
    Drop { id: String },
}

pub fn run(cx: &Context, a: SyncArgs) -> Result<i32> {
    let store = cx.open()?;
    let lang = cx.lang;
    let progress = move |p: &Progress| errln!("{}", p.describe(lang));
    let mut req = act::sync::Request::new(&a.remote, lang, cx.now()?);
    if !a.quiet && !a.json {
        req.progress = Some(&progress);
    }
    match act::sync::sync(&store, &req) {
        Ok(report) => {
            if a.json {
                out::json(&report)?;
                return Ok(0);
            }
            for m in &report.steps {
                outln!("{}", step_text(m, lang));
            }
            let fresh = report.new_set_aside();
            if !report.set_aside.is_empty() {
                outln!(
                    "{}",
                    lang.pick(
                        "擱置的操作（未丟失；`pingxuan set-aside retry ID` 重試，`drop ID` 放棄）：",
                        "set-aside actions (kept, not lost; `pingxuan set-aside retry ID` retries, `drop ID` gives up):"
                    )
                );
                for s in &report.set_aside {
                    let mark = if fresh.contains(&s.id) { "*" } else { " " };
                    outln!("{mark} {}", aside_line(s, lang));
                }
            }
            let head = report.head.as_deref().map(|h| h.get(..12).unwrap_or(h));
            match (report.pushed, lang) {
                (true, Lang::Zh | Lang::ZhHans) => outln!(
                    "已推送到 {}/{}（{} 次重試）",
                    report.remote,
                    report.branch,
                    report.retries
                ),
                (true, Lang::En) => outln!(
                    "pushed to {}/{} ({} retries)",
                    report.remote,
                    report.branch,
                    report.retries
                ),
                (false, Lang::Zh | Lang::ZhHans) => outln!("已是最新 {}", head.unwrap_or("-")),
                (false, Lang::En) => outln!("up to date {}", head.unwrap_or("-")),
            }
            Ok(0)
        }
        Err(SyncError::Violations { violations, .. }) if a.json => {
            out::json(&violations)?;
            Ok(1)
        }
        Err(SyncError::NotOneChain { commit, message }) if a.json => {
            let v = serde_json::json!({ "rule": sync::ONE_CHAIN, "commit": commit, "message": message });
            out::json(&v)?;
            Ok(1)
        }
        Err(SyncError::OthersUnpublished { commits, message }) if a.json => {
            let v = serde_json::json!({ "others_unpublished": commits, "message": message });
            out::json(&v)?;
            Ok(1)
        }
        Err(
            e @ (SyncError::Violations { .. }
            | SyncError::NotOneChain { .. }
            | SyncError::OthersUnpublished { .. }
            | SyncError::NeedIdentity(_)
            | SyncError::TooManyRetries { .. }
            | SyncError::PushRefused(_)),
        ) => {
            errln!("pingxuan sync: {}", sanitize_multiline(&e.to_string()));
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}

/// One line for a set-aside action: id, actor, action, time, reason's first line.
fn aside_line(s: &SetAside, lang: Lang) -> String {
    format!(
        "{} {} {} {} — {}: {}",
        s.id,
        sanitize(s.actor.as_deref().unwrap_or("?")),
        sanitize(s.action.as_deref().unwrap_or("?")),
        s.when,
        s.kind.describe(lang.zh()),
        sanitize(s.reason.lines().next().unwrap_or(""))
    )
}

pub fn set_aside(cx: &Context, a: SetAsideArgs) -> Result<i32> {
    let store = cx.open()?;
    let lang = cx.lang;
    let zh = lang.zh();
    let refused = |e: SyncError| -> Result<i32> {
        match e {
            SyncError::SetAside(_) | SyncError::NeedIdentity(_) | SyncError::NotOneChain { .. } => {
                errln!("pingxuan set-aside: {}", sanitize_multiline(&e.to_string()));
                Ok(1)
            }
            e => Err(e.into()),
        }
    };
    match a.command {
        SetAsideCommand::List { json } => {
            let all = aside::list(&store)?;
            if json {
                out::json(&all)?;
            } else if all.is_empty() {
                outln!("{}", lang.pick("沒有擱置的操作", "no set-aside actions"));
            } else {
                for s in &all {
                    outln!("{}", aside_line(s, lang));
                }
            }
            Ok(0)
        }
        SetAsideCommand::Show { id } => {
            let s = match aside::get(&store, &id, zh) {
                Ok(s) => s,
                Err(e) => return refused(e),
            };
            outln!("{} {}", s.id, s.commit);
            outln!("{}", sanitize(&s.summary));
            let field = |zh_name: &str, en_name: &str, v: &str| {
                outln!("{}: {}", lang.pick(zh_name, en_name), sanitize(v));
            };
            field("操作者", "actor", s.actor.as_deref().unwrap_or("?"));
            field("操作", "action", s.action.as_deref().unwrap_or("?"));
            field("操作時間", "action time", &s.when);
            field("擱置時間", "set aside at", &s.set_aside_at);
            field("原因", "reason", s.kind.describe(zh));
            for l in s.reason.lines() {
                outln!("  {}", sanitize(l));
            }
            for c in aside::changes(&store, &s)? {
                outln!("== {}", sanitize(&c.path));
                match &c.content {
                    Some(t) => {
                        for l in t.lines() {
                            outln!("   {}", sanitize(l));
                        }
                    }
                    None => outln!("   {}", lang.pick("（刪除）", "(removed)")),
                }
            }
            Ok(0)
        }
        SetAsideCommand::Retry { id } => {
            let req = act::sync::Request::new("origin", lang, cx.now()?);
            match act::sync::retry_set_aside(&store, &id, &req) {
                Ok(commit) => {
                    let c = commit.to_string();
                    outln!(
                        "{} {}",
                        lang.pick(
                            "已重新應用並簽名（`pingxuan sync` 推送）：",
                            "re-applied and signed (`pingxuan sync` pushes it):"
                        ),
                        c.get(..12).unwrap_or(&c)
                    );
                    Ok(0)
                }
                Err(e) => refused(e),
            }
        }
        SetAsideCommand::Drop { id } => match aside::drop(&store, &id, zh) {
            Ok(s) => {
                outln!(
                    "{} {} {}",
                    lang.pick("已放棄", "dropped"),
                    s.id,
                    sanitize(&s.summary)
                );
                Ok(0)
            }
            Err(e) => refused(e),
        },
    }
}

fn step_text(m: &Integrated, lang: Lang) -> String {
    let short = |s: &str| s.get(..12).unwrap_or(s).to_string();
    match (m, lang) {
        (Integrated::FastForward { to, .. }, Lang::Zh | Lang::ZhHans) => {
            format!("快進到 {}", short(to))
        }
        (Integrated::FastForward { to, .. }, Lang::En) => format!("fast-forward to {}", short(to)),
        (
            Integrated::Replayed {
                onto,
                replayed,
                set_aside,
                ..
            },
            Lang::Zh | Lang::ZhHans,
        ) => format!(
            "在 {} 之上重放了 {} 項操作（已重新簽名），擱置 {} 項",
            short(onto),
            replayed.len(),
            set_aside.len()
        ),
        (
            Integrated::Replayed {
                onto,
                replayed,
                set_aside,
                ..
            },
            Lang::En,
        ) => format!(
            "replayed {} action(s) onto {} (re-signed), {} set aside",
            replayed.len(),
            short(onto),
            set_aside.len()
        ),
        (Integrated::NoRemoteBranch, Lang::Zh | Lang::ZhHans) => "遠端還沒有此分支".into(),
        (Integrated::NoRemoteBranch, Lang::En) => "the remote has no such branch yet".into(),
        (Integrated::UpToDate | Integrated::Ahead, Lang::Zh | Lang::ZhHans) => "無需接收".into(),
        (Integrated::UpToDate | Integrated::Ahead, Lang::En) => "nothing to take in".into(),
    }
}
