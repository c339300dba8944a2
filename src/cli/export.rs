//! `export <what> [ID] [--category C] [--format md|html|csv|json] [--out FILE]`:
//! the documents of `crate::export`, to a file or to standard output.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, ValueEnum};

use super::Context;
use crate::export::{self, AuditLog, AuditRow, Format, Options, What};
use crate::i18n::Lang;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhatArg {
    /// The public notice (公示) of the candidate list.
    Notice,
    /// The commended list per category in rank order.
    Final,
    /// The application form (申报表) of one nomination: `form ID`.
    Form,
    /// Scores per reviewer and criterion, with aggregates, spread and flags.
    Scores,
    /// The signed history with signature states.
    Audit,
    /// The whole snapshot as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    pub what: WhatArg,
    /// The nomination, for `form`.
    pub id: Option<String>,
    /// Only this category (id, name or alias); default every category.
    #[arg(long)]
    pub category: Option<String>,
    /// md, html, csv or json; default from the --out extension, else md (json for `json`).
    #[arg(long)]
    pub format: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn format_of(cx: &Context, a: &ExportArgs) -> Result<Format> {
    if let Some(f) = &a.format {
        return Format::parse(f).ok_or_else(|| {
            anyhow!(match cx.lang {
                Lang::Zh => format!("未知格式 {f:?}:可用 md、html、csv、json"),
                Lang::En => format!("unknown format {f:?}: use md, html, csv or json"),
            })
        });
    }
    if let Some(f) = a.out.as_deref().and_then(Format::from_path) {
        return Ok(f);
    }
    Ok(if a.what == WhatArg::Json {
        Format::Json
    } else {
        Format::Markdown
    })
}

pub fn run(cx: &Context, a: ExportArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let format = format_of(cx, &a)?;
    let mut opts = Options::new(cx.now()?.date_naive(), cx.lang);
    opts.category = a.category.clone();
    let log;
    let what = match a.what {
        WhatArg::Notice => What::Notice,
        WhatArg::Final => What::Final,
        WhatArg::Form => match a.id.as_deref() {
            Some(id) => What::Form { id },
            None => bail!(cx.lang.pick(
                "用法:pingxuan export form ID",
                "usage: pingxuan export form ID"
            )),
        },
        WhatArg::Scores => What::Scores,
        WhatArg::Audit => {
            log = audit_log(&store, cx.lang)?;
            What::Audit(&log)
        }
        WhatArg::Json => What::Json,
    };
    if a.id.is_some() && a.what != WhatArg::Form {
        bail!(cx
            .lang
            .pick("只有 form 需要编号", "only `form` takes a nomination id"));
    }
    let bytes = export::render(&snapshot, &what, format, &opts)
        .map_err(|e| anyhow!(e.message(cx.lang.zh())))?;
    match &a.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| path.display().to_string())?;
            let commit = export::source_commit(&snapshot);
            eprintln!(
                "{} {} ({} {})",
                cx.lang.pick("已写入", "wrote"),
                path.display(),
                cx.lang.pick("来源提交", "source commit"),
                commit.get(..12).unwrap_or(&commit)
            );
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(0)
}

/// The history from HEAD, oldest first, with each signature verified against the
/// member registry at the commit's parent and the audit's violations attached.
pub fn audit_log(store: &Store, lang: Lang) -> Result<AuditLog> {
    let verifier = crate::sign::verify::Verifier::from_git_config(&store.repo().config()?);
    let entries = crate::history::log(
        store,
        None,
        &crate::history::LogOptions {
            lang,
            verifier: verifier.clone(),
            limit: None,
        },
    )?;
    let report = crate::history::audit(
        store,
        &crate::history::AuditOptions {
            lang,
            verifier,
            since: None,
        },
    )?;
    let mut violations: std::collections::HashMap<&str, Vec<String>> =
        std::collections::HashMap::new();
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
