//! `export <what> [ID] [--category C] [--format md|html|csv|json] [--out FILE]`:
//! the documents of `crate::export`, to a file or to standard output.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, ValueEnum};

use super::Context;
use crate::export::{self, Format, Options, What};
use crate::i18n::Lang;

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
    let mut opts = Options::new(snapshot.campaign.day_of(&cx.now()?), cx.lang);
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
            log = export::audit_log::from_history(&store, cx.lang)?;
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
            errln!(
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
