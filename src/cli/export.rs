//! `export KIND [ID] [--category C] [--format F] [--out FILE]`: the documents of
//! `crate::export` (one list, [`Kind`], shared with the TUI's export menu), to a
//! file or to standard output.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;

use super::Context;
use crate::export::{self, ExportError, Format, Kind, Options, What};
use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Which document.
    pub what: Kind,
    /// The nomination, for `form`.
    pub id: Option<String>,
    /// Only this category (id, name or alias); default every category.
    #[arg(long)]
    pub category: Option<String>,
    /// md, html, docx, xlsx, csv or json; default from the --out extension, else
    /// md (json for `json`). `.pdf` is refused: print the HTML.
    #[arg(long)]
    pub format: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn format_of(cx: &Context, a: &ExportArgs) -> Result<Format> {
    let refuse = |e: ExportError| anyhow!(e.message(cx.lang.zh()));
    if let Some(f) = &a.format {
        if f.trim().eq_ignore_ascii_case("pdf") {
            return Err(refuse(ExportError::Pdf));
        }
        return Format::parse(f).ok_or_else(|| {
            anyhow!(match cx.lang {
                Lang::Zh | Lang::ZhHans =>
                    format!("未知格式 {f:?}：可用 md、html、docx、xlsx、csv、json"),
                Lang::En => format!("unknown format {f:?}: use md, html, docx, xlsx, csv or json"),
            })
        });
    }
    if let Some(out) = &a.out {
        if let Some(f) = Format::for_path(out).map_err(refuse)? {
            return Ok(f);
        }
    }
    Ok(a.what.default_format())
}

pub fn run(cx: &Context, a: ExportArgs) -> Result<i32> {
    let format = format_of(cx, &a)?;
    if a.id.is_some() && !a.what.needs_id() {
        bail!(cx
            .lang
            .pick("只有 form 需要編號", "only `form` takes a nomination id"));
    }
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    // Documents speak the campaign's language, not the operator's locale.
    let mut opts = Options::new(
        snapshot.campaign.day_of(&cx.now()?),
        cx.doc_lang(&snapshot.campaign),
    );
    opts.category = a.category.clone();
    let log = if a.what == Kind::Audit {
        if !Kind::Audit.formats().contains(&format) {
            // refuse before the (slow) verification
            return Err(anyhow!(ExportError::Unsupported {
                what: "audit",
                format: format.extension(),
            }
            .message(cx.lang.zh())));
        }
        Some(crate::act::audit_log::from_history(&store, opts.lang)?)
    } else {
        None
    };
    let Some(what) = What::of(a.what, a.id.as_deref(), log.as_ref()) else {
        bail!(cx.lang.pick(
            "用法：pingxuan export form 編號",
            "usage: pingxuan export form ID"
        ))
    };
    let bytes = export::render(&snapshot, &what, format, &opts)
        .map_err(|e| anyhow!(e.message(cx.lang.zh())))?;
    match &a.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| path.display().to_string())?;
            let commit = export::source_commit(&snapshot);
            let short = commit.get(..12).unwrap_or(&commit);
            match cx.lang {
                Lang::Zh | Lang::ZhHans => errln!("已寫入 {}（來源提交 {short}）", path.display()),
                Lang::En => errln!("wrote {} (source commit {short})", path.display()),
            }
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
