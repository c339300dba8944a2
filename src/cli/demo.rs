//! `pingxuan demo [DIR] [--no-tui] [--as MEMBER]`, with the global `--at`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use super::progress::Progress;
use super::Context;
use crate::i18n::Lang;
use crate::model::Role;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo repository (default: a new temporary folder). Keys go to DIR.keys,
    /// exports from the interface to DIR.exports.
    pub dir: Option<PathBuf>,
    /// Stop after building (for scripts).
    #[arg(long)]
    pub no_tui: bool,
    /// Act as this member of the sample (default: the first reviewer, 王建國 wangjianguo).
    #[arg(long = "as", value_name = "MEMBER_ID")]
    pub member: Option<String>,
}

fn role_name(lang: Lang, r: Role) -> &'static str {
    match r {
        Role::Chair => lang.pick("評委會主任", "chair"),
        Role::Reviewer => lang.pick("評委", "reviewer"),
        Role::Clerk => lang.pick("聯絡員", "clerk"),
    }
}

pub fn run(cx: &Context, a: DemoArgs, at: Option<String>) -> Result<i32> {
    let l = cx.lang;
    // The demo is built up to the moment it opens on: --at, else the review day.
    let at = at.unwrap_or_else(|| crate::demo::REVIEW_DAY.to_string());
    let until = chrono::DateTime::parse_from_rfc3339(&at).with_context(|| {
        format!("--at {at:?}: expected RFC 3339 time such as 2017-11-20T10:00:00+08:00")
    })?;
    let dir = match a.dir {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("pingxuan-demo-")
            .tempdir()?
            .keep()
            .join("campaign"),
    };
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    errln!(
        "{} {} ({} {at})",
        l.pick("正在生成示例評選：", "building the demo campaign in"),
        dir.display(),
        l.pick("播放腳本至", "script played up to"),
    );
    let mut progress = Progress::new(
        l.pick("生成示例", "building the demo"),
        l.pick("個提交", "commits"),
    );
    let demo = crate::demo::build_with(
        &dir,
        l,
        &crate::demo::DemoOptions {
            until: Some(until),
            member: a.member.clone(),
            loose_objects: false,
        },
        |done, total| progress.set(done, total),
    )?;
    progress.finish();
    let exports = PathBuf::from(format!("{}.exports", demo.repo.display()));
    std::fs::create_dir_all(&exports).with_context(|| format!("creating {}", exports.display()))?;
    let me = &demo.member;
    let roles: Vec<&str> = me.roles.iter().map(|r| role_name(l, *r)).collect();
    let others: Vec<String> = demo
        .members
        .iter()
        .filter(|m| m.id != me.id)
        .map(|m| {
            let roles: Vec<&str> = m.roles.iter().map(|r| role_name(l, *r)).collect();
            format!("{} {}({})", m.id, m.name, roles.join("/"))
        })
        .collect();
    match l {
        Lang::Zh | Lang::ZhHans => {
            outln!("示例評選已生成：{}", demo.repo.display());
            outln!(
                "  {} 個簽名提交，腳本播放至 {at}（其後還有 {} 步未做）；成員密鑰在 {}（不在倉庫內）",
                demo.commits,
                demo.left,
                demo.keys.display()
            );
            outln!(
                "  您的身份：{} {}（{}），倉庫的 user.email 與簽名密鑰已設為此成員",
                roles.join("/"),
                me.name,
                me.id
            );
            outln!("  換一個成員：pingxuan --at {at} demo 新目錄 --as 成員編號");
            outln!("  其他成員：{}", others.join("、"));
            outln!("  界面導出的文件默認寫到 {}", exports.display());
            outln!(
                "  查看：pingxuan --repo {} --at {at} list",
                demo.repo.display()
            );
            outln!(
                "  驗證：git -C {} log --show-signature",
                demo.repo.display()
            );
        }
        Lang::En => {
            outln!("demo campaign built: {}", demo.repo.display());
            outln!(
                "  {} signed commits, script played up to {at} ({} steps still to come); member keys in {} (outside the repository)",
                demo.commits,
                demo.left,
                demo.keys.display()
            );
            outln!(
                "  you are {} {} ({}): the repository's user.email and signing key are this member's",
                roles.join("/"),
                me.name,
                me.id
            );
            outln!("  to be another member: pingxuan --at {at} demo NEW_DIR --as MEMBER_ID");
            outln!("  other members: {}", others.join(", "));
            outln!(
                "  exports from the interface go to {} by default",
                exports.display()
            );
            outln!(
                "  browse: pingxuan --repo {} --at {at} list",
                demo.repo.display()
            );
            outln!(
                "  verify: git -C {} log --show-signature",
                demo.repo.display()
            );
        }
    }
    if a.no_tui {
        return Ok(0);
    }
    errln!("{} {at} (--at)", l.pick("界面時鐘：", "interface clock:"));
    // Exports named without a folder land outside the work tree.
    std::env::set_current_dir(&exports)
        .with_context(|| format!("entering {}", exports.display()))?;
    crate::tui::run(crate::tui::Options {
        repo: Some(demo.repo),
        lang: l,
        at: Some(at),
    })
}
