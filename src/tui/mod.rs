//! The terminal interface (ratatui + crossterm). The state and drawing are pure
//! ([`app`], [`view`]); this runner owns the terminal and does what the state
//! asks for: writes go to a worker thread through `act` (the same path as the
//! CLI), reads of the history (log, audit, blame) and exports to a reader thread
//! through `act` and `export`, a sync to its own thread ([`jobs`] holds the
//! work each thread does); answers come back over channels with the snapshot
//! and the ahead/behind counts already read. The UI thread holds no
//! repository; nothing here knows git beyond the service layer [`crate::act`].

pub mod app;
pub mod backend;
pub mod history;
pub mod jobs;
pub mod keys;
pub mod popups;
pub mod rows;
pub mod screens;
pub mod sync;
pub mod theme;
pub mod view;
pub mod watch;
mod worker;

use std::io::Write as _;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use crossterm::event::{self, Event};

use crate::i18n::Lang;
use crate::model::{Action, Snapshot};
use crate::text::strip_annotations;

use app::{App, Effect, Session};
use jobs::{Done, Job, Written};

/// A UI string in the session language (annotations in the source stripped).
pub fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => strip_annotations(zh),
        Lang::ZhHans => crate::i18n::to_hans(&strip_annotations(zh)),
        Lang::En => en.to_string(),
    }
}

/// A sentence of the rules (written in zh-Hant, record text inserted) in the
/// session's script: in zh-Hans its words are converted and the snapshot's
/// record text stays as entered.
pub fn say(lang: Lang, snap: &Snapshot, msg: &str) -> String {
    match lang {
        Lang::ZhHans => crate::export::script::Keep::cached(snap).convert(msg),
        _ => msg.to_string(),
    }
}

/// What the TUI opens: the repository, the language and the clock (the
/// service layer's session; `Options { repo, lang, at }`).
pub type Options = crate::act::Session;

/// Opens the repository and works out who acts, with which key, when; the
/// repository is closed again before the interface starts (workers open
/// their own).
pub fn open(opts: &Options) -> Result<App> {
    let store = opts.open()?;
    let snapshot = store.snapshot()?;
    let now = opts.now()?;
    let (actor, read_only) = match opts.actor(&store, &snapshot) {
        Ok(m) => (Some(m.id.clone()), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let signer = crate::act::Identity::of(&store)
        .ok()
        .and_then(|id| id.signer().ok().flatten())
        .map(|s| s.describe());
    let session = Session {
        lang: opts.lang,
        now,
        actor,
        read_only,
        signer,
        theme: theme::Theme::from_env(),
        clock_fixed: opts.clock_fixed(),
    };
    let counts = crate::act::sync::counts(&store, sync::REMOTE);
    // Issue 18, P7: the handle's mapped pack index and pack windows and its
    // delta-base cache (~40 MB resident after a 10k open) go before the rows
    // are built, and the open's freed memory back to the system.
    drop(store);
    crate::mem::release();
    let mut app = App::new(snapshot, session);
    app.sync.counts = counts;
    Ok(app)
}

type WriteResult = Result<Written, String>;

/// The writer's ends: actions in, their results out.
type Writer = (mpsc::Sender<Action>, mpsc::Receiver<WriteResult>);

/// The writer: one action at a time, signed and committed through `act`; the
/// snapshot it hands back is the one `act` refreshed to the new commit.
fn spawn_writer(
    opts: Options,
    actor: String,
) -> (mpsc::Sender<Action>, mpsc::Receiver<WriteResult>) {
    let (tx, rx_jobs) = mpsc::channel::<Action>();
    let (tx_done, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for action in rx_jobs {
            let result = worker::write(&opts, &actor, &action);
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
            let done = worker::read(&opts, job, snapshot.as_deref());
            if tx_done.send(done).is_err() {
                break;
            }
        }
    });
    (tx, rx)
}

/// Hands a job to the reader (an export takes the snapshot on screen).
fn send_job(reader: &Reader, app: &mut App, job: Job) {
    let snapshot =
        matches!(job, Job::Export(_) | Job::Preview(_)).then(|| Box::new(app.snap.clone()));
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
    // A wide character in the last column does not fit: the terminal would
    // draw it at the start of the next row, over a cell ratatui believes
    // blank and so never clears (a stray 「。」 until a resize). Blank it.
    let area = buf.area;
    if area.width > 0 {
        for y in area.top()..area.bottom() {
            if let Some(c) = buf.cell_mut((area.right() - 1, y)) {
                if crate::text::width(c.symbol()) > 1 {
                    c.set_symbol(" ");
                }
            }
        }
    }
}

/// Draws one frame: the view, scrubbed, inside a synchronized update (slow
/// links never show a half-drawn frame). The perf bench draws through this too.
pub fn draw<W: std::io::Write>(
    terminal: &mut ratatui::Terminal<backend::Wide<ratatui::backend::CrosstermBackend<W>>>,
    app: &mut App,
) -> std::io::Result<()> {
    let _ = crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::BeginSynchronizedUpdate
    );
    terminal.draw(|f| {
        view::draw(app, f);
        scrub(f.buffer_mut());
    })?;
    let _ = crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::EndSynchronizedUpdate
    );
    Ok(())
}

/// Runs the TUI until the user quits. The terminal is restored on every exit,
/// including a panic (ratatui's hook) and Ctrl-C (a key in raw mode).
pub fn run(opts: Options) -> Result<i32> {
    let mut app = open(&opts)?;
    let writer = app
        .session
        .actor
        .clone()
        .map(|a| spawn_writer(opts.clone(), a));
    let reader = spawn_reader(opts.clone());
    let mut watcher = watch::Watcher::spawn(opts.clone(), app.snap.clone());
    let mut terminal = backend::open().context("opening the terminal")?;
    let result = event_loop(
        &mut terminal,
        &mut app,
        &opts,
        (writer.as_ref(), &reader),
        &mut watcher,
    );
    ratatui::restore();
    result.map(|()| 0)
}

/// Takes a write's answer: the counts the writer read, then the app's part.
fn write_done(app: &mut App, result: WriteResult) {
    if let Ok(w) = &result {
        app.sync.counts = w.counts;
    }
    app.write_done(result);
}

fn event_loop(
    terminal: &mut backend::Term,
    app: &mut App,
    opts: &Options,
    (writer, reader): (Option<&Writer>, &Reader),
    watcher: &mut watch::Watcher,
) -> Result<()> {
    let mut dirty = true;
    loop {
        // What the screen shows and has not read yet.
        while let Some(job) = app.next_job() {
            send_job(reader, app, job);
        }
        if dirty {
            draw(terminal, app)?;
        }
        // Wait for the next event; wake up for the watcher's news, and
        // more often while work under way ticks the spinner.
        let busy = app.busy() || app.sync.running();
        let wait = if busy { 100 } else { 250 };
        let ev = if event::poll(Duration::from_millis(wait))? {
            Some(event::read()?)
        } else {
            None
        };
        dirty = ev.is_some() || busy;
        // The branch moved elsewhere: what the watcher read, unless this
        // interface has shown a later commit since (its own write or sync).
        while let Ok(moved) = watcher.rx.try_recv() {
            if moved.generation != watcher.generation {
                continue;
            }
            dirty = true;
            match moved.result {
                Ok(snap) => {
                    app.branch_moved(*snap, moved.counts);
                }
                Err(e) => app.message = Some(e),
            }
        }
        if let Ok(problem) = watcher.signing.try_recv() {
            app.signing_problem = problem;
            dirty = true;
        }
        let shown = app.snap.commit.clone();
        if let Some((_, rx)) = writer {
            while let Ok(r) = rx.try_recv() {
                write_done(app, r);
                dirty = true;
            }
        }
        while let Ok(done) = reader.1.try_recv() {
            app.job_done(done);
            dirty = true;
        }
        sync::poll(app);
        if app.snap.commit != shown {
            watcher.shown(app.snap.commit.clone());
        }
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
                            write_done(app, r);
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
                None => app.write_done(Err(app.t("只讀：不能寫入", "read-only: cannot write"))),
            },
            Some(Effect::Job(job)) => send_job(reader, app, job),
            Some(Effect::Sync) => sync::start(app, opts),
            Some(Effect::Refresh) => watcher.now(),
            Some(Effect::Editor(text)) => {
                ratatui::restore();
                let r = edit(&text).map_err(|e| format!("{e:#}"));
                *terminal = backend::reopen().context("reopening the terminal")?;
                terminal.clear()?;
                app.editor_done(r);
            }
        }
    }
}
