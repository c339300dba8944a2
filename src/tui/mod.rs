//! The terminal interface (ratatui + crossterm). The state and drawing are pure
//! ([`app`], [`view`]); this runner owns the terminal and does what the state
//! asks for: writes go to a worker thread through `act` (the same path as the
//! CLI), answers come back over a channel. Nothing here knows git beyond the
//! store's own functions.

pub mod app;
mod detail;
pub mod form;
pub mod keys;
mod rankings;
pub mod rows;
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

fn draw(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<()> {
    // Synchronized updates keep slow links from showing half-drawn frames.
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(out, crossterm::terminal::BeginSynchronizedUpdate);
    terminal.draw(|f| view::draw(app, f))?;
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
    let mut terminal = ratatui::try_init().context("opening the terminal")?;
    let result = event_loop(&mut terminal, &store, &mut app, writer.as_ref());
    ratatui::restore();
    result.map(|()| 0)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    store: &Store,
    app: &mut App,
    writer: Option<&(mpsc::Sender<Action>, mpsc::Receiver<WriteResult>)>,
) -> Result<()> {
    loop {
        draw(terminal, app)?;
        // Block for the next event; only a pending write ticks the spinner.
        let ev = if app.pending.is_some() {
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
            }
        }
        if app.pending.is_some() {
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
            Some(Effect::LoadHistory(id)) => {
                let r = store.record_log(&id).map_err(|e| e.to_string());
                app.history_loaded(id, r);
            }
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
