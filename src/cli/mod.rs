//! The command line: clap definitions and dispatch; each command is a thin call
//! into the library. `pingxuan [--repo DIR] [--lang zh-Hans|zh-Hant|en] <command>`.

/// `println!` for the command line: text made safe for a terminal, and a closed
/// stdout ends the program quietly (see [`out`]).
macro_rules! outln {
    () => {
        $crate::cli::out::text("")
    };
    ($($arg:tt)*) => {
        $crate::cli::out::text(&format!($($arg)*))
    };
}

/// `eprintln!` for the command line: text made safe for a terminal.
macro_rules! errln {
    () => {
        $crate::cli::out::err_text("")
    };
    ($($arg:tt)*) => {
        $crate::cli::out::err_text(&format!($($arg)*))
    };
}

mod context;
mod demo;
mod deploy;
mod export;
mod history;
pub mod out;
mod progress;
mod rank;
mod read;
mod sync;
mod write;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::i18n::Lang;

pub use context::Context;

#[derive(Debug, Parser)]
#[command(
    name = "pingxuan",
    version = env!("PINGXUAN_VERSION"),
    about = "評選: a nomination campaign in Git, every action a signed commit"
)]
pub struct Cli {
    /// The campaign repository (default: the current folder).
    #[arg(long, global = true, env = "PINGXUAN_REPO")]
    pub repo: Option<PathBuf>,
    /// Language: zh-Hans, zh-Hant or en (zh: the campaign's Chinese script);
    /// default from the locale (LC_ALL, LC_MESSAGES, LANG). Documents
    /// (`export`) speak the campaign's language unless this is given.
    #[arg(long, global = true)]
    pub lang: Option<String>,
    /// The time an action is recorded at (RFC 3339, e.g. 2017-11-20T10:00:00+08:00);
    /// default now. Phase rules are judged on this date.
    #[arg(long, global = true, env = "PINGXUAN_NOW")]
    pub at: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the sample 2017 Tengzhou campaign with its signed history and open it.
    Demo(demo::DemoArgs),
    /// Create a new campaign repository.
    Init(write::InitArgs),
    /// Check every file; list the problems with file, line and column. Exit 1 if any.
    Validate(read::JsonArg),
    /// List the nominations.
    List(read::ListArgs),
    /// Show one nomination with everything recorded on it.
    Show(read::ShowArgs),
    /// Generate a large campaign repository (bare, unsigned) for benchmarks.
    Gen(GenArgs),
    /// Rebuild the snapshot cache from scratch.
    Reindex,
    /// Rank each category: cut line, minimum-score line, ties, and why each
    /// ineligible entry is out.
    Rank(rank::RankArgs),
    /// A nomination's gates, conflicts, aggregates and what it still lacks.
    Status(rank::StatusArgs),
    /// Register a nomination (or replace its nomination.ron) from a RON file.
    Nominate(write::NominateArgs),
    /// Report a campaign activity of a nomination (ACTIVITY).
    Activity(write::ActivityArgs),
    /// Record a supervisor appointed by the unit (ACTIVITY).
    Supervisor(write::SupervisorArgs),
    /// Record that the application form was filed (FORM-DEADLINE).
    FileForm(write::FileFormArgs),
    /// Score a nomination, criterion by criterion.
    Score(write::ScoreArgs),
    /// Record an evaluation: routine, unannounced, site visit or interview.
    Evaluate(write::EvaluateArgs),
    /// Record a department's opinion.
    Opinion(write::OpinionArgs),
    /// Record the democratic-evaluation votes.
    Vote(write::VoteArgs),
    /// Record a public objection (or a fraud report).
    Object(write::ObjectArgs),
    /// Resolve an objection as upheld or dismissed (chair).
    Resolve(write::ResolveArgs),
    /// Decide a nomination: candidate, final, rejected or disqualified (chair).
    Decide(write::DecideArgs),
    /// Reopen a decided nomination's scores, evaluations and votes, with a reason (chair; FREEZE).
    Reopen(write::ReopenArgs),
    /// Withdraw your own score of a nomination while scoring is open (reviewer).
    Withdraw(write::WithdrawArgs),
    /// Publish a category's candidate list; the public notice opens (chair).
    Publish(write::PublishArgs),
    /// Grant a deadline exception to one nomination (chair).
    Exception(write::ExceptionArgs),
    /// Override a phase's dates (chair).
    Override(write::OverrideArgs),
    /// Record the order in which tied nominations rank (chair).
    TieOrder(write::TieOrderArgs),
    /// Export a document: notice, final, form ID, scores, audit or json.
    Export(export::ExportArgs),
    /// The commits that touched a nomination (or all): actor, action, time,
    /// signature status and a field-by-field diff, newest first.
    Log(history::LogArgs),
    /// Check every commit against the roles, keys and rules; exit 1 on any violation.
    Audit(history::AuditArgs),
    /// Server-side git hooks: `hook pre-receive` (run by git), `hook install REPO`.
    Hook(history::HookArgs),
    /// Key rotation: register a member's new key or revoke an old one (chair).
    Key(history::KeyArgs),
    /// Fetch and check what others pushed, replay your unpublished actions on
    /// top (never a merge), then push; retried when someone pushed first.
    Sync(sync::SyncArgs),
    /// Your actions a sync set aside (list, show, retry, drop).
    SetAside(sync::SetAsideArgs),
    /// Check this set-up: programs, identity, signing key, remote, server hook, clock;
    /// say for each what to do. Exit 1 when something blocks work.
    Doctor(deploy::DoctorArgs),
    /// Print a shell completion script: pingxuan completions bash|zsh|fish.
    Completions(deploy::CompletionsArgs),
    /// Print the manual page (roff): pingxuan man > pingxuan.1.
    Man(deploy::ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Folder for the new bare repository.
    pub dir: PathBuf,
    #[arg(long, default_value_t = 10_000)]
    pub nominations: usize,
    #[arg(long, default_value_t = 2017)]
    pub seed: u64,
}

pub fn run(cli: Cli) -> Result<i32> {
    let lang = Lang::detect(cli.lang.as_deref());
    let cx = Context::new(cli.repo.clone(), lang, cli.at.clone()).with_lang_flag(cli.lang.clone());
    if lang == Lang::ZhHans {
        out::simplified(&cx);
    }
    dispatch(cli, cx, lang).map_err(|e| with_advice(e, lang))
}

/// A raw OS or git error gets a sentence saying what to do, in the interface
/// language, before the raw cause (`pingxuan: 磁盤已滿：……: No space left on device`).
fn with_advice(e: anyhow::Error, lang: Lang) -> anyhow::Error {
    let cause: &(dyn std::error::Error + 'static) = e.as_ref();
    match crate::i18n::errors::advice(cause, lang) {
        Some(advice) => e.context(advice),
        None => e,
    }
}

fn dispatch(cli: Cli, cx: Context, lang: Lang) -> Result<i32> {
    match cli.command {
        None => crate::tui::run(crate::tui::Options {
            repo: cli.repo.clone(),
            lang,
            at: cli.at.clone(),
        }),
        Some(Command::Demo(a)) => demo::run(&cx, a, cli.at.clone()),
        Some(Command::Init(a)) => write::init(&cx, a),
        Some(Command::Validate(a)) => read::validate(&cx, a),
        Some(Command::List(a)) => read::list(&cx, a),
        Some(Command::Show(a)) => read::show(&cx, a),
        Some(Command::Gen(a)) => {
            let mut p = progress::Progress::new(
                lang.pick("生成", "generating"),
                lang.pick("個提交（估計）", "commits (estimated)"),
            );
            let n =
                crate::gen::generate_with(&a.dir, a.nominations, a.seed, &mut |done, total| {
                    p.set(done, total)
                })?;
            p.finish();
            outln!(
                "{} commits, {} nominations: {}",
                n,
                a.nominations,
                a.dir.display()
            );
            Ok(0)
        }
        Some(Command::Reindex) => {
            let store = cx.open()?;
            // Issue 18: a long job shows a line that updates (on a terminal).
            let s = progress::while_running(lang.pick("重建索引", "reindexing"), || {
                crate::act::history::reindex(&store)
            })?;
            outln!(
                "{} {}",
                s.records.len(),
                lang.pick("個申報項目已重建索引", "nominations reindexed")
            );
            Ok(0)
        }
        Some(Command::Rank(a)) => rank::rank(&cx, a),
        Some(Command::Status(a)) => rank::status(&cx, a),
        Some(Command::Nominate(a)) => write::nominate(&cx, a),
        Some(Command::Activity(a)) => write::activity(&cx, a),
        Some(Command::Supervisor(a)) => write::supervisor(&cx, a),
        Some(Command::FileForm(a)) => write::file_form(&cx, a),
        Some(Command::Score(a)) => write::score(&cx, a),
        Some(Command::Evaluate(a)) => write::evaluate(&cx, a),
        Some(Command::Opinion(a)) => write::opinion(&cx, a),
        Some(Command::Vote(a)) => write::vote(&cx, a),
        Some(Command::Object(a)) => write::object(&cx, a),
        Some(Command::Resolve(a)) => write::resolve(&cx, a),
        Some(Command::Decide(a)) => write::decide(&cx, a),
        Some(Command::Reopen(a)) => write::reopen(&cx, a),
        Some(Command::Withdraw(a)) => write::withdraw(&cx, a),
        Some(Command::Publish(a)) => write::publish(&cx, a),
        Some(Command::Exception(a)) => write::exception(&cx, a),
        Some(Command::Override(a)) => write::override_phase(&cx, a),
        Some(Command::TieOrder(a)) => write::tie_order(&cx, a),
        Some(Command::Export(a)) => export::run(&cx, a),
        Some(Command::Log(a)) => history::log(&cx, a),
        Some(Command::Audit(a)) => history::audit(&cx, a),
        Some(Command::Hook(a)) => history::hook(&cx, a),
        Some(Command::Key(a)) => history::key(&cx, a),
        Some(Command::Sync(a)) => sync::run(&cx, a),
        Some(Command::SetAside(a)) => sync::set_aside(&cx, a),
        Some(Command::Doctor(a)) => deploy::doctor(&cx, a),
        Some(Command::Completions(a)) => deploy::completions(a),
        Some(Command::Man(a)) => deploy::man(a),
    }
}
