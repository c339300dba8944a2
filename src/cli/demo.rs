//! `pingxuan demo [DIR] [--no-tui]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::Context;
use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo repository (default: a new temporary folder). Keys go to DIR.keys.
    pub dir: Option<PathBuf>,
    /// Stop after building (for scripts).
    #[arg(long)]
    pub no_tui: bool,
}

pub fn run(cx: &Context, a: DemoArgs, at: Option<String>) -> Result<i32> {
    let dir = match a.dir {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("pingxuan-demo-")
            .tempdir()?
            .keep()
            .join("campaign"),
    };
    let l = cx.lang;
    errln!(
        "{} {}",
        l.pick("正在生成示例評選:", "building the demo campaign in"),
        dir.display()
    );
    let quiet = !std::io::IsTerminal::is_terminal(&std::io::stderr());
    let demo = crate::demo::build(&dir, l, |done, total| {
        if !quiet && (done % 25 == 0 || done == total) {
            eprint!("\r{done}/{total}");
            let _ = std::io::stderr().flush();
        }
    })?;
    if !quiet {
        errln!();
    }
    match l {
        Lang::Zh => {
            outln!("示例評選已生成:{}", demo.repo.display());
            outln!(
                "  {} 個簽名提交;成員密鑰在 {}(不在倉庫內)",
                demo.commits,
                demo.keys.display()
            );
            outln!(
                "  以評委會主任 {}({})的身份操作",
                demo.chair.name,
                demo.chair.email
            );
            outln!("  查看:pingxuan --repo {} list", demo.repo.display());
            outln!("  驗證:git -C {} log --show-signature", demo.repo.display());
        }
        Lang::En => {
            outln!("demo campaign built: {}", demo.repo.display());
            outln!(
                "  {} signed commits; member keys in {} (outside the repository)",
                demo.commits,
                demo.keys.display()
            );
            outln!(
                "  acting as the chair {} ({})",
                demo.chair.name,
                demo.chair.email
            );
            outln!("  browse: pingxuan --repo {} list", demo.repo.display());
            outln!(
                "  verify: git -C {} log --show-signature",
                demo.repo.display()
            );
        }
    }
    if a.no_tui {
        return Ok(0);
    }
    // Without --at the demo opens on the last scripted day, where the campaign's
    // phases are open, rather than today, when every phase of 2017 is closed.
    let at = match at {
        Some(at) => at,
        None => crate::demo::sample()?
            .history
            .last()
            .map(|s| (s.at + chrono::Duration::hours(1)).to_rfc3339())
            .unwrap_or_else(|| chrono::Local::now().fixed_offset().to_rfc3339()),
    };
    errln!("{} {at} (--at)", l.pick("界面時鐘:", "interface clock:"));
    crate::tui::run(crate::tui::Options {
        repo: Some(demo.repo),
        lang: l,
        at: Some(at),
    })
}
