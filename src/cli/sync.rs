//! `pingxuan sync [--remote NAME]`: fetch, audit, merge, push (see [`crate::sync`]).

use super::out;
use anyhow::Result;
use clap::{Args, ValueEnum};

use super::Context;
use crate::history::Verifier;
use crate::i18n::Lang;
use crate::sign::Signer;
use crate::sync::{self, Merged, Progress, Resolve, SyncError, SyncOptions};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResolveArg {
    /// Keep the local version of every conflicting file.
    Ours,
    /// Keep the remote version of every conflicting file.
    Theirs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The git remote to sync with.
    #[arg(long, default_value = "origin")]
    pub remote: String,
    /// Merge incoming commits even when the audit finds violations (they are listed).
    #[arg(long)]
    pub accept_violations: bool,
    /// Settle conflicting files in a signed merge: theirs keeps the remote version
    /// (yours stays in the history); ours keeps yours (chair only).
    #[arg(long, value_enum)]
    pub resolve: Option<ResolveArg>,
    /// Print the report (or the conflict, or the violations) as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress lines on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn run(cx: &Context, a: SyncArgs) -> Result<i32> {
    let store = cx.open()?;
    let config = store.repo().config()?;
    let email = config
        .get_string("user.email")
        .ok()
        .filter(|e| !e.trim().is_empty());
    // No key is fine for pulling; a merge commit asks for one.
    let signer = Signer::from_git_config(&config).ok().flatten();
    let sign_fn = signer
        .as_ref()
        .map(|s| move |buf: &[u8]| s.sign(buf).map_err(|e| e.to_string()));
    let lang = cx.lang;
    let progress = move |p: &Progress| errln!("{}", p.describe(lang));
    let mut opts = SyncOptions::new(&a.remote, lang, cx.now()?);
    opts.verifier = Verifier::from_git_config(&config);
    opts.accept_violations = a.accept_violations;
    opts.resolve = a.resolve.map(|r| match r {
        ResolveArg::Ours => Resolve::Ours,
        ResolveArg::Theirs => Resolve::Theirs,
    });
    opts.email = email;
    opts.sign = sign_fn
        .as_ref()
        .map(|f| f as &dyn Fn(&[u8]) -> Result<String, String>);
    if !a.quiet && !a.json {
        opts.progress = Some(&progress);
    }
    match sync::sync(&store, &opts) {
        Ok(report) => {
            if a.json {
                out::json(&report)?;
                return Ok(0);
            }
            for m in &report.merges {
                outln!("{}", merged_text(m, lang));
            }
            for v in &report.accepted_violations {
                outln!("{} {v}", lang.pick("已接收的違規:", "accepted violation:"));
            }
            let head = report.head.as_deref().map(|h| h.get(..12).unwrap_or(h));
            match (report.pushed, lang) {
                (true, Lang::Zh) => outln!(
                    "已推送到 {}/{}({} 次重試)",
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
                (false, Lang::Zh) => outln!("已是最新 {}", head.unwrap_or("-")),
                (false, Lang::En) => outln!("up to date {}", head.unwrap_or("-")),
            }
            Ok(0)
        }
        Err(SyncError::Conflicts(report)) if a.json => {
            out::json(&report)?;
            Ok(1)
        }
        Err(SyncError::Violations { violations, .. }) if a.json => {
            out::json(&violations)?;
            Ok(1)
        }
        Err(SyncError::Conflicts(report)) => {
            errln!(
                "pingxuan sync: {}",
                crate::text::sanitize_multiline(&crate::sync::conflicts_text(&report, lang.zh()))
            );
            Ok(1)
        }
        Err(
            e @ (SyncError::Violations { .. }
            | SyncError::NeedIdentity(_)
            | SyncError::ChairOnly(_)
            | SyncError::TooManyRetries { .. }
            | SyncError::PushRefused(_)),
        ) => {
            errln!(
                "pingxuan sync: {}",
                crate::text::sanitize_multiline(&e.to_string())
            );
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}

fn merged_text(m: &Merged, lang: Lang) -> String {
    let short = |s: &str| s.get(..12).unwrap_or(s).to_string();
    match (m, lang) {
        (Merged::FastForward { to, .. }, Lang::Zh) => format!("快進到 {}", short(to)),
        (Merged::FastForward { to, .. }, Lang::En) => format!("fast-forward to {}", short(to)),
        (Merged::Merge { commit }, Lang::Zh) => format!("合併提交 {}(已簽名)", short(commit)),
        (Merged::Merge { commit }, Lang::En) => format!("merge commit {} (signed)", short(commit)),
        (Merged::NoRemoteBranch, Lang::Zh) => "遠端還沒有此分支".into(),
        (Merged::NoRemoteBranch, Lang::En) => "the remote has no such branch yet".into(),
        (Merged::UpToDate | Merged::Ahead, Lang::Zh) => "無需合併".into(),
        (Merged::UpToDate | Merged::Ahead, Lang::En) => "nothing to merge".into(),
    }
}
