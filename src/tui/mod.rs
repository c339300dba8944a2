//! The terminal interface (ratatui + crossterm). The state and drawing are pure
//! ([`app`], [`view`]); this runner owns the terminal and does what the state
//! asks for: writes go to a worker thread through `act` (the same path as the
//! CLI), reads of the history (log, audit, blame) and exports to a reader thread
//! through `history` and `export`; answers come back over channels. Nothing here
//! knows git beyond the library's own functions.

pub mod app;
pub mod history;
pub mod jobs;
pub mod keys;
pub mod popups;
pub mod rows;
pub mod screens;
pub mod sync;
pub mod theme;
pub mod view;

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use crossterm::event::{self, Event};

use crate::cli::Context;
use crate::i18n::Lang;
use crate::model::{Action, Snapshot};
use crate::sign::Signer;
use crate::store::Store;
use crate::text::strip_annotations;

use app::{App, Effect, Session};
use jobs::{AuditData, Done, ExportJob, ExportKind, Exported, Job};

/// A UI string in the session language (annotations in the source stripped).
pub fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => strip_annotations(zh),
        Lang::En => en.to_string(),
    }
}

/// What the TUI opens: the repository, the language and the clock.
#[derive(Debug, Clone)]
pub struct Options {
    pub repo: Option<PathBuf>,
    pub lang: Lang,
    /// `--at` / `PINGXUAN_NOW`: the time writes are recorded at and rules judged by.
    pub at: Option<String>,
}

impl Options {
    fn context(&self) -> Context {
        Context::new(self.repo.clone(), self.lang, self.at.clone())
    }
}

/// Opens the repository and works out who acts, with which key, when.
pub fn open(opts: &Options) -> Result<(Store, App)> {
    let cx = opts.context();
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let now = cx.now()?;
    let (actor, read_only) = match cx.actor(&store, &snapshot) {
        Ok(m) => (Some(m.id.clone()), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let signer = store
        .repo()
        .config()
        .ok()
        .and_then(|c| Signer::from_git_config(&c).ok().flatten())
        .map(|s| s.describe());
    let session = Session {
        lang: opts.lang,
        now,
        actor,
        read_only,
        signer,
        theme: theme::Theme::from_env(),
        clock_fixed: opts.at.is_some(),
    };
    Ok((store, App::new(snapshot, session)))
}

type WriteResult = Result<(String, Snapshot), String>;

/// The writer: one action at a time, signed and committed through `act`.
fn spawn_writer(
    opts: Options,
    actor: String,
) -> (mpsc::Sender<Action>, mpsc::Receiver<WriteResult>) {
    let (tx, rx_jobs) = mpsc::channel::<Action>();
    let (tx_done, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for action in rx_jobs {
            let cx = opts.context();
            let result = (|| -> Result<(String, Snapshot)> {
                let store = cx.open()?;
                let done = cx.perform(&store, None, &actor, &action)?;
                let short: String = done.commit.to_string().chars().take(7).collect();
                Ok((format!("{short} {}", done.summary), store.snapshot()?))
            })()
            .map_err(|e| format!("{e:#}"));
            if tx_done.send(result).is_err() {
                break;
            }
        }
    });
    (tx, rx)
}

/// The reader: history, audit, blame and exports, one at a time, off the UI thread.
type Reader = (
    mpsc::Sender<(Job, Option<Box<Snapshot>>)>,
    mpsc::Receiver<Done>,
);

fn spawn_reader(opts: Options) -> Reader {
    let (tx, rx_jobs) = mpsc::channel::<(Job, Option<Box<Snapshot>>)>();
    let (tx_done, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for (job, snapshot) in rx_jobs {
            let done = read(&opts, job, snapshot.as_deref());
            if tx_done.send(done).is_err() {
                break;
            }
        }
    });
    (tx, rx)
}

fn log_options(store: &Store, lang: Lang) -> crate::history::LogOptions {
    crate::history::LogOptions {
        lang,
        verifier: store
            .repo()
            .config()
            .map(|c| crate::history::Verifier::from_git_config(&c))
            .unwrap_or_default(),
        limit: None,
    }
}

/// Does one job of the reader.
fn read(opts: &Options, job: Job, snapshot: Option<&Snapshot>) -> Done {
    let cx = opts.context();
    let lang = opts.lang;
    let err = |e: anyhow::Error| format!("{e:#}");
    match job {
        Job::RecordLog(id) => Done::RecordLog {
            result: (|| {
                let store = cx.open()?;
                Ok(crate::history::log(
                    &store,
                    Some(&id),
                    &log_options(&store, lang),
                )?)
            })()
            .map_err(err),
            id,
        },
        Job::Audit => Done::Audit(
            (|| {
                // The log and the audit each verify every signature: run them
                // side by side, each with its own repository handle.
                let store = cx.open()?;
                let lo = log_options(&store, lang);
                let verifier = lo.verifier.clone();
                let (entries, report) = std::thread::scope(|scope| {
                    let audit = scope.spawn(|| -> Result<_> {
                        let store = cx.open()?;
                        Ok(crate::history::audit(
                            &store,
                            &crate::history::AuditOptions {
                                lang,
                                verifier,
                                since: None,
                            },
                        )?)
                    });
                    let entries = crate::history::log(&store, None, &lo);
                    let report = audit
                        .join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("the audit thread panicked")));
                    (entries, report)
                });
                Ok(AuditData {
                    entries: entries?,
                    violations: report?.violations,
                })
            })()
            .map_err(err),
        ),
        Job::Blame { id, field, log } => {
            let store = cx.open();
            let (result, log) = match store {
                Err(e) => (Err(err(e)), None),
                Ok(store) => {
                    let lo = log_options(&store, lang);
                    let result = crate::history::blame_with(&store, &id, &field, &lo)
                        .map(|b| b.map(Box::new))
                        .map_err(|e| e.to_string());
                    let log = log.then(|| {
                        crate::history::log(&store, Some(&id), &lo).map_err(|e| e.to_string())
                    });
                    (result, log)
                }
            };
            Done::Blame {
                id,
                field,
                result,
                log,
            }
        }
        Job::Export(e) => Done::Export(match snapshot {
            Some(s) => export(&cx, &e, s).map_err(err),
            None => Err("no snapshot to export".into()),
        }),
    }
}

/// Renders an export of the app's snapshot and writes it.
fn export(cx: &Context, job: &ExportJob, snapshot: &Snapshot) -> Result<Exported> {
    use crate::export::{self, What};
    let mut opts = export::Options::new(job.day, job.lang);
    opts.category = job.category.clone();
    let log;
    let what = match job.kind {
        ExportKind::Notice => What::Notice,
        ExportKind::Final => What::Final,
        ExportKind::Form => What::Form {
            id: job.id.as_deref().unwrap_or_default(),
        },
        ExportKind::Scores => What::Scores,
        ExportKind::Audit => {
            log = export::audit_log::from_history(&cx.open()?, job.lang)?;
            What::Audit(&log)
        }
        ExportKind::Json => What::Json,
        ExportKind::Decision => What::Decision,
        ExportKind::Registration => What::Registration,
        ExportKind::ScoreSheet => What::ScoreSheet,
        ExportKind::Ballot => What::Ballot,
        ExportKind::Votes => What::Votes,
        ExportKind::Letter => What::Letter,
        ExportKind::Opinions => What::Opinions,
        ExportKind::Objections => What::Objections,
    };
    let bytes = export::render(snapshot, &what, job.format, &opts)
        .map_err(|e| anyhow::anyhow!(e.message(job.lang.zh())))?;
    std::fs::write(&job.path, &bytes).with_context(|| job.path.display().to_string())?;
    let path = std::fs::canonicalize(&job.path).unwrap_or_else(|_| job.path.clone());
    Ok(Exported {
        path: path.display().to_string(),
        commit: export::source_commit(snapshot),
        format: job.format,
        bytes: bytes.len(),
    })
}

/// Hands a job to the reader (an export takes the snapshot on screen).
fn send_job(reader: &Reader, app: &mut App, job: Job) {
    let snapshot = matches!(job, Job::Export(_)).then(|| Box::new(app.snap.clone()));
    if reader.0.send((job.clone(), snapshot)).is_err() {
        app.job_done(Done::failed(&job, "the reader stopped".into()));
    }
}

/// Edits `text` in `$VISUAL`/`$EDITOR` (else `vi`) as `git commit` does: a
/// private temporary file (0600), removed afterwards.
pub fn edit(text: &str) -> Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix("pingxuan-")
        .suffix(".txt")
        .tempfile()
        .context("temporary file for the editor")?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|e| !e.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".into());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .with_context(|| format!("running {editor}"))?;
    if !status.success() {
        anyhow::bail!("{editor}: {status}");
    }
    let out = std::fs::read_to_string(file.path())?;
    file.close()?;
    Ok(out)
}

/// The backstop behind [`crate::text::display`]: no cell may carry a control
/// or bidi formatting character to the terminal, whatever path its text took.
pub fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(crate::text::is_unsafe) {
            let kept: String = cell
                .symbol()
                .chars()
                .filter(|c| !crate::text::is_unsafe(*c))
                .collect();
            cell.set_symbol(if kept.is_empty() { "?" } else { &kept });
        }
    }
}

fn draw(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
    // Synchronized updates keep slow links from showing half-drawn frames.
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, crossterm::terminal::BeginSynchronizedUpdate);
    terminal.draw(|f| {
        view::draw(app, f);
        scrub(f.buffer_mut());
    })?;
    let _ = crossterm::execute!(out, crossterm::terminal::EndSynchronizedUpdate);
    Ok(())
}

/// Runs the TUI until the user quits. The terminal is restored on every exit,
/// including a panic (ratatui's hook) and Ctrl-C (a key in raw mode).
pub fn run(opts: Options) -> Result<i32> {
    let (store, mut app) = open(&opts)?;
    let writer = app
        .session
        .actor
        .clone()
        .map(|a| spawn_writer(opts.clone(), a));
    let reader = spawn_reader(opts.clone());
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let result = event_loop(&mut terminal, &mut app, &store, writer.as_ref(), &reader);
    drop(store);
    ratatui::restore();
    result.map(|()| 0)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    store: &Store,
    writer: Option<&(mpsc::Sender<Action>, mpsc::Receiver<WriteResult>)>,
    reader: &Reader,
) -> Result<()> {
    sync::refresh_counts(app, store);
    loop {
        // What the screen shows and has not read yet.
        while let Some(job) = app.next_job() {
            send_job(reader, app, job);
        }
        draw(terminal, app)?;
        // Block for the next event; only work under way ticks the spinner.
        let ev = if app.busy() || app.sync.running() {
            if event::poll(Duration::from_millis(100))? {
                Some(event::read()?)
            } else {
                None
            }
        } else {
            Some(event::read()?)
        };
        if let Some((_, rx)) = writer {
            while let Ok(r) = rx.try_recv() {
                app.write_done(r);
                sync::refresh_counts(app, store);
            }
        }
        while let Ok(done) = reader.1.try_recv() {
            app.job_done(done);
        }
        sync::poll(app, store);
        if app.busy() {
            app.tick();
        }
        let Some(Event::Key(key)) = ev else {
            continue;
        };
        match app.key(key) {
            None => {}
            Some(Effect::Quit) => {
                // Never leave a commit half made: wait for a pending write.
                if app.pending.is_some() {
                    if let Some((_, rx)) = writer {
                        if let Ok(r) = rx.recv() {
                            app.write_done(r);
                        }
                    }
                }
                // Nor a file half written: wait for exports under way.
                while app.loading.iter().any(|j| matches!(j, Job::Export(_))) {
                    match reader.1.recv() {
                        Ok(done) => app.job_done(done),
                        Err(_) => break,
                    }
                }
                return Ok(());
            }
            Some(Effect::Write(action)) => match writer {
                Some((tx, _)) => {
                    if tx.send(*action).is_err() {
                        app.write_done(Err("the writer stopped".into()));
                    }
                }
                None => app.write_done(Err(app.t("只讀:不能寫入", "read-only: cannot write"))),
            },
            Some(Effect::Job(job)) => send_job(reader, app, job),
            Some(Effect::Sync) => sync::start(app, store.git_dir()),
            Some(Effect::Editor(text)) => {
                ratatui::restore();
                let r = edit(&text).map_err(|e| format!("{e:#}"));
                *terminal = ratatui::try_init().context("reopening the terminal")?;
                terminal.clear()?;
                app.editor_done(r);
            }
        }
    }
}
