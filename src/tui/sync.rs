//! Sync in the terminal interface: `S` runs [`crate::act::sync`] on its own
//! thread (like writes; the work is `worker::sync`), a popup shows its
//! progress and outcome (with every action set aside and why), and the header
//! shows how many commits the clone is ahead of and behind the
//! remote-tracking branch (counted on the worker threads). The popup itself
//! (its state, keys and drawing) is `tui/popups/sync.rs`.

use std::sync::mpsc;

use crate::model::Snapshot;
use crate::sync::SetAside;

use super::app::App;
pub use super::popups::sync::Popup;
use super::{tr, Options};

/// The remote the interface syncs with.
pub const REMOTE: &str = "origin";

pub enum Msg {
    Progress(String),
    /// The outcome, with the snapshot and the ahead/behind counts read on
    /// the sync's thread after it (whether it succeeded or not).
    Finished {
        result: Result<Outcome, String>,
        snapshot: Option<Box<Snapshot>>,
        counts: Option<(usize, usize)>,
    },
}

/// A finished sync: its summary and the actions set aside in the clone.
pub struct Outcome {
    pub text: String,
    pub set_aside: Vec<SetAside>,
    /// Ids set aside by this sync.
    pub fresh: Vec<String>,
}

/// The sync part of the application state.
#[derive(Default)]
pub struct SyncView {
    /// (ahead, behind) against `origin/<branch>`; `None` without one.
    pub counts: Option<(usize, usize)>,
    pub popup: Option<Popup>,
    rx: Option<mpsc::Receiver<Msg>>,
}

impl SyncView {
    pub fn running(&self) -> bool {
        self.rx.is_some()
    }
}

/// The header's part: `↑2 ↓5` (commits to push, commits to take in).
pub fn header(app: &App) -> String {
    match app.sync.counts {
        Some((ahead, behind)) => format!(" │ {} ↑{ahead} ↓{behind}", REMOTE),
        None => String::new(),
    }
}

/// Starts a sync of the session's repository on its own thread
/// (`worker::sync`).
pub fn start(app: &mut App, opts: &Options) {
    if app.sync.running() {
        return;
    }
    let lang = app.lang();
    let when = if app.session.clock_fixed {
        app.session.now
    } else {
        chrono::Local::now().fixed_offset()
    };
    let (tx, rx) = mpsc::channel();
    app.sync.rx = Some(rx);
    app.sync.popup = Some(Popup::Running(vec![tr(lang, "正在同步…", "syncing…")]));
    let opts = opts.clone();
    std::thread::spawn(move || super::worker::sync(&opts, when, &tx));
}

/// Takes what the sync thread sent; once it is done, the snapshot and the
/// counts it read.
pub fn poll(app: &mut App) {
    let Some(rx) = &app.sync.rx else {
        return;
    };
    let mut finished = None;
    while let Ok(msg) = rx.try_recv() {
        match msg {
            Msg::Progress(line) => {
                if let Some(Popup::Running(lines)) = &mut app.sync.popup {
                    lines.push(line);
                }
            }
            Msg::Finished {
                result,
                snapshot,
                counts,
            } => finished = Some((result, snapshot, counts)),
        }
    }
    let Some((result, snapshot, counts)) = finished else {
        return;
    };
    app.sync.rx = None;
    app.sync.popup = Some(match result {
        Ok(outcome) => Popup::Done { outcome, scroll: 0 },
        Err(m) => Popup::Failed(m),
    });
    if let Some(s) = snapshot {
        app.set_snapshot(*s);
    }
    app.sync.counts = counts;
}
