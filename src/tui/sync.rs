//! Sync in the terminal interface: `S` runs [`crate::sync::sync`] on its own
//! thread (like writes), a popup shows its progress and outcome (with every
//! action set aside and why), and the header shows how many commits the clone
//! is ahead of and behind the remote-tracking branch. The popup itself (its
//! state, keys and drawing) is `tui/popups/sync.rs`.

use std::path::PathBuf;
use std::sync::mpsc;

use chrono::{DateTime, FixedOffset};

use crate::history::Verifier;
use crate::i18n::Lang;
use crate::sign::Signer;
use crate::store::Store;
use crate::sync::{SetAside, SyncOptions};

use super::app::App;
pub use super::popups::sync::Popup;
use super::tr;

/// The remote the interface syncs with.
pub const REMOTE: &str = "origin";

pub enum Msg {
    Progress(String),
    Finished(Result<Outcome, String>),
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

/// Re-reads the ahead/behind counts (no network).
pub fn refresh_counts(app: &mut App, store: &Store) {
    app.sync.counts = crate::sync::ahead_behind(store, REMOTE).ok().flatten();
}

/// Starts a sync of the repository at `git_dir` on its own thread.
pub fn start(app: &mut App, git_dir: PathBuf) {
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
    std::thread::spawn(move || {
        let result = run(&git_dir, lang, when, &tx);
        let _ = tx.send(Msg::Finished(result));
    });
}

fn run(
    git_dir: &std::path::Path,
    lang: Lang,
    when: DateTime<FixedOffset>,
    tx: &mpsc::Sender<Msg>,
) -> Result<Outcome, String> {
    let message = |e: &dyn std::fmt::Display| e.to_string();
    let store = Store::open(git_dir).map_err(|e| message(&e))?;
    let config = store.repo().config().map_err(|e| message(&e))?;
    let email = config.get_string("user.email").ok();
    let signer = Signer::from_git_config(&config).ok().flatten();
    let sign = signer
        .as_ref()
        .map(|s| move |b: &[u8]| s.sign(b).map_err(|e| e.to_string()));
    let progress = |p: &crate::sync::Progress| {
        let _ = tx.send(Msg::Progress(p.describe(lang)));
    };
    let mut opts = SyncOptions::new(REMOTE, lang, when);
    opts.verifier = Verifier::from_git_config(&config);
    opts.email = email;
    opts.sign = sign
        .as_ref()
        .map(|f| f as &dyn Fn(&[u8]) -> Result<String, String>);
    opts.progress = Some(&progress);
    let r = crate::sync::sync(&store, &opts).map_err(|e| message(&e))?;
    let replayed = r.replayed();
    let text = match lang {
        Lang::Zh => format!(
            "同步完成:收到 {} 個提交,重放 {} 項操作,{},重試 {} 次",
            r.incoming,
            replayed,
            if r.pushed {
                "已推送"
            } else {
                "無需推送"
            },
            r.retries
        ),
        Lang::En => format!(
            "synced: {} commits in, {} actions replayed, {}, {} retries",
            r.incoming,
            replayed,
            if r.pushed {
                "pushed"
            } else {
                "nothing to push"
            },
            r.retries
        ),
    };
    Ok(Outcome {
        text,
        fresh: r.new_set_aside(),
        set_aside: r.set_aside,
    })
}

/// Takes what the sync thread sent; reloads the snapshot once it is done.
pub fn poll(app: &mut App, store: &Store) {
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
            Msg::Finished(r) => finished = Some(r),
        }
    }
    let Some(result) = finished else {
        return;
    };
    app.sync.rx = None;
    app.sync.popup = Some(match result {
        Ok(outcome) => Popup::Done { outcome, scroll: 0 },
        Err(m) => Popup::Failed(m),
    });
    if let Ok(s) = store.snapshot() {
        app.set_snapshot(s);
    }
    refresh_counts(app, store);
}
