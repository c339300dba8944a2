//! Deployment commands: `hook install`, `doctor`, `completions`, `man`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, CommandFactory};

use super::{Cli, Context};
use crate::deploy::doctor::{self, DoctorOptions, Level};
use crate::deploy::hook_install::{self, GenesisSource, InstallOptions};
use crate::i18n::Lang;

#[derive(Debug, Args)]
pub struct HookInstallArgs {
    /// The server's repository (bare; for gitolite ~git/repositories/NAME.git).
    #[arg(required_unless_present = "print")]
    pub repo: Option<PathBuf>,
    /// The campaign's first commit, pinned in the repository's config
    /// (`pingxuan.genesis`). Default: the root of the branch already there.
    #[arg(long)]
    pub genesis: Option<String>,
    /// The pingxuan binary the hook runs (default: this one).
    #[arg(long)]
    pub program: Option<PathBuf>,
    /// Replace a pre-receive hook pingxuan did not write, or re-pin another genesis.
    #[arg(long)]
    pub force: bool,
    /// Print the hook script instead of installing it (for GitLab, Gitea, Forgejo).
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The remote to check (default: the current branch's, else origin).
    #[arg(long)]
    pub remote: Option<String>,
    /// Seconds the remote may take to answer.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish (also elvish, powershell).
    pub shell: clap_complete::Shell,
}

fn program(given: Option<PathBuf>) -> Result<PathBuf> {
    let p = match given {
        Some(p) => p,
        None => std::env::current_exe().context("the path of this pingxuan binary")?,
    };
    Ok(std::fs::canonicalize(&p).unwrap_or(p))
}

pub fn hook_install(cx: &Context, a: HookInstallArgs) -> Result<i32> {
    let lang = cx.lang;
    let program = program(a.program)?;
    if a.print {
        print!("{}", hook_install::hook_script(&program, lang));
        return Ok(0);
    }
    let Some(repo) = a.repo else {
        anyhow::bail!("hook install: which repository? (pingxuan hook install REPO)");
    };
    let done = hook_install::install(
        &repo,
        &InstallOptions {
            genesis: a.genesis,
            program,
            lang,
            force: a.force,
        },
    )?;
    outln!(
        "{} {}",
        lang.pick("已安裝 pre-receive 鈎子：", "pre-receive hook installed:"),
        done.hook.display()
    );
    match (&done.genesis, done.genesis_source) {
        (Some(g), GenesisSource::AlreadyPinned) => outln!(
            "{} {g}",
            lang.pick("創始提交（原已固定）：", "genesis (already pinned):")
        ),
        (Some(g), _) => outln!(
            "{} {g} ({})",
            lang.pick("已固定創始提交：", "genesis pinned:"),
            hook_install::GENESIS_KEY
        ),
        (None, _) => outln!(
            "{}",
            lang.pick(
                "倉庫是空的，尚未固定創始提交：第一次推送後運行 pingxuan hook install <倉庫> 固定它（或現在用 --genesis 給出）",
                "the repository is empty, so no genesis is pinned yet: after the first push run pingxuan hook install <repository> again (or give --genesis now)"
            )
        ),
    }
    Ok(0)
}

pub fn doctor(cx: &Context, a: DoctorArgs) -> Result<i32> {
    let checks = doctor::doctor(&DoctorOptions {
        repo: cx.repo_path(),
        remote: a.remote,
        lang: cx.lang,
        now: cx.now()?,
        timeout: Duration::from_secs(a.timeout.max(1)),
    });
    let blocked = doctor::blocked(&checks);
    if a.json {
        super::out::json(&checks)?;
    } else {
        let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &checks {
            outln!(
                "{} {:width$}  {}",
                c.level.mark(),
                c.name,
                crate::text::sanitize(&c.found)
            );
            if let Some(fix) = &c.fix {
                if c.level != Level::Ok {
                    for (i, line) in fix.lines().enumerate() {
                        let lead = if i == 0 { "→" } else { " " };
                        outln!("  {:width$}  {lead} {}", "", crate::text::sanitize(line));
                    }
                }
            }
        }
        let fails = checks.iter().filter(|c| c.level == Level::Fail).count();
        let warns = checks.iter().filter(|c| c.level == Level::Warn).count();
        outln!(
            "{}",
            match (cx.lang, blocked) {
                (Lang::Zh | Lang::ZhHans, false) => format!("可以工作（{warns} 個提醒）"),
                (Lang::En, false) => format!("ready to work ({warns} warnings)"),
                (Lang::Zh | Lang::ZhHans, true) =>
                    format!("{fails} 個問題妨礙工作，{warns} 個提醒"),
                (Lang::En, true) => format!("{fails} problems block work, {warns} warnings"),
            }
        );
    }
    Ok(if blocked { 1 } else { 0 })
}

pub fn completions(a: CompletionsArgs) -> Result<i32> {
    let mut cmd = Cli::command();
    // Into a buffer first: clap_complete panics when its writer fails (a closed pipe).
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "pingxuan", &mut buf);
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_all(&buf) {
        super::out::quit_on_write_error(&e);
    }
    Ok(0)
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write pingxuan.1 and one page per command (pingxuan-score.1 …) into this folder
    /// instead of printing pingxuan.1.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn man(a: ManArgs) -> Result<i32> {
    let cmd = Cli::command();
    match a.dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            use std::io::Write;
            if let Err(e) = std::io::stdout().lock().write_all(&buf) {
                super::out::quit_on_write_error(&e);
            }
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
            clap_mangen::generate_to(cmd, &dir).with_context(|| dir.display().to_string())?;
            outln!("{}", dir.display());
        }
    }
    Ok(0)
}
