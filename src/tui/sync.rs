//! Sync in the terminal interface: `S` runs [`crate::act::sync`] on its own
//! thread (like writes; the work is `worker::sync`), a popup shows its
//! progress and outcome (with every action set aside and why), and the header
//! shows how many commits the clone is ahead of and behind the
//! remote-tracking branch (counted on the worker threads). The popup's keys are the
//! key table's `Popup` ones (close, scroll).

use std::sync::mpsc;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::model::Snapshot;
use crate::sync::SetAside;
use crate::text::{display, truncate};

use super::app::{App, Effect};
use super::keys::{self, Cmd, Ctx};
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

pub enum Popup {
    Running(Vec<String>),
    Done { outcome: Outcome, scroll: u16 },
    Failed(String),
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

/// Keys while a sync popup is open (the key table's `Popup` bindings);
/// `Some` when the key was taken.
pub fn key(app: &mut App, key: KeyEvent) -> Option<Option<Effect>> {
    let popup = app.sync.popup.as_mut()?;
    let cmd = keys::lookup(Ctx::Popup, &key);
    match popup {
        Popup::Running(_) => {}
        Popup::Failed(_) => {
            if cmd == Some(Cmd::Back) {
                app.sync.popup = None;
            }
        }
        Popup::Done { scroll, .. } => match cmd {
            Some(Cmd::Down) => *scroll = scroll.saturating_add(1),
            Some(Cmd::Up) => *scroll = scroll.saturating_sub(1),
            Some(Cmd::PageDown) => *scroll = scroll.saturating_add(10),
            Some(Cmd::PageUp) => *scroll = scroll.saturating_sub(10),
            Some(Cmd::Top) => *scroll = 0,
            Some(Cmd::Back) => app.sync.popup = None,
            _ => {}
        },
    }
    Some(None)
}

fn centered(area: Rect, pct: u16, height: u16) -> Rect {
    let w = (area.width * pct / 100).max(20).min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The lines of a finished sync: the summary, then each set-aside action with
/// its reason and what to do.
fn done_lines(app: &App, outcome: &Outcome) -> Vec<String> {
    let mut out = vec![outcome.text.clone()];
    if outcome.set_aside.is_empty() {
        return out;
    }
    out.push(String::new());
    out.push(app.t(
        "擱置的操作(未丟失;* 為本次擱置):",
        "Set-aside actions (kept, not lost; * set aside now):",
    ));
    let zh = app.lang().zh();
    for s in &outcome.set_aside {
        let mark = if outcome.fresh.contains(&s.id) {
            "*"
        } else {
            " "
        };
        out.push(format!(
            "{mark} {} {} {} {}",
            s.id,
            display(s.actor.as_deref().unwrap_or("?")),
            display(s.action.as_deref().unwrap_or("?")),
            s.when.get(..16).unwrap_or(&s.when)
        ));
        out.push(format!("    {}", s.kind.describe(zh)));
        for l in s.reason.lines() {
            out.push(format!("    {}", display(l)));
        }
    }
    out.push(String::new());
    out.push(app.t(
        "處理:pingxuan set-aside show|retry|drop ID(重試須由本人簽名)",
        "Next: pingxuan set-aside show|retry|drop ID (only its owner may retry)",
    ));
    out
}

/// Draws the sync popup, if any, over everything.
pub fn draw(app: &App, f: &mut Frame) {
    let Some(popup) = &app.sync.popup else {
        return;
    };
    let th = app.session.theme;
    let area = f.area();
    let (title, lines, style, scroll): (String, Vec<String>, _, u16) = match popup {
        Popup::Running(lines) => (app.t("同步", "Sync"), lines.clone(), th.title(), 0),
        Popup::Done { outcome, scroll } => {
            let style = if outcome.set_aside.is_empty() {
                th.good()
            } else {
                th.warn()
            };
            (
                app.t("同步", "Sync"),
                done_lines(app, outcome),
                style,
                *scroll,
            )
        }
        Popup::Failed(text) => (
            app.t("同步已停止", "Sync stopped"),
            text.lines().map(display).collect(),
            th.bad(),
            0,
        ),
    };
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2).max(3));
    let rect = centered(area, 80, height);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(title);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let w = inner.width as usize;
    let text: Vec<Line> = lines
        .iter()
        .map(|l| Line::from(Span::raw(truncate(l, w))))
        .collect();
    f.render_widget(Paragraph::new(text).scroll((scroll, 0)), inner);
}
