//! Sync in the terminal interface: `S` runs [`crate::sync::sync`] on its own
//! thread (like writes), a popup shows its progress and outcome, the header
//! shows how many commits the clone is ahead of and behind the remote-tracking
//! branch, and a conflict opens a view with both versions side by side and who
//! signed each.

use std::path::PathBuf;
use std::sync::mpsc;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::history::Verifier;
use crate::i18n::Lang;
use crate::sign::Signer;
use crate::store::Store;
use crate::sync::{ConflictReport, Side, SyncError, SyncOptions};
use crate::text::{display, truncate};

use super::app::{App, Effect};
use super::tr;

/// The remote the interface syncs with.
pub const REMOTE: &str = "origin";

pub enum Msg {
    Progress(String),
    Finished(Result<String, Failure>),
}

pub enum Failure {
    Conflict(Box<ConflictReport>),
    Message(String),
}

pub enum Popup {
    Running(Vec<String>),
    Done(String),
    Failed(String),
    Conflict {
        report: Box<ConflictReport>,
        scroll: u16,
    },
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
) -> Result<String, Failure> {
    let message = |e: &dyn std::fmt::Display| Failure::Message(e.to_string());
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
    match crate::sync::sync(&store, &opts) {
        Ok(r) => Ok(match lang {
            Lang::Zh => format!(
                "同步完成:收到 {} 個提交,{},重試 {} 次",
                r.incoming,
                if r.pushed {
                    "已推送"
                } else {
                    "無需推送"
                },
                r.retries
            ),
            Lang::En => format!(
                "synced: {} commits in, {}, {} retries",
                r.incoming,
                if r.pushed {
                    "pushed"
                } else {
                    "nothing to push"
                },
                r.retries
            ),
        }),
        Err(SyncError::Conflicts(report)) => Err(Failure::Conflict(report)),
        Err(e) => Err(message(&e)),
    }
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
        Ok(text) => Popup::Done(text),
        Err(Failure::Message(m)) => Popup::Failed(m),
        Err(Failure::Conflict(report)) => Popup::Conflict { report, scroll: 0 },
    });
    if let Ok(s) = store.snapshot() {
        app.set_snapshot(s);
    }
    refresh_counts(app, store);
}

/// Keys while a sync popup is open; `Some` when the key was taken.
pub fn key(app: &mut App, key: KeyEvent) -> Option<Option<Effect>> {
    let popup = app.sync.popup.as_mut()?;
    let close = matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q'));
    match popup {
        Popup::Running(_) => {}
        Popup::Done(_) | Popup::Failed(_) => {
            if close {
                app.sync.popup = None;
            }
        }
        Popup::Conflict { scroll, .. } => match key.code {
            KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown => *scroll = scroll.saturating_add(10),
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            _ if close => app.sync.popup = None,
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

fn side_lines(app: &App, report: &ConflictReport, ours: bool, w: usize) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let mut out = Vec::new();
    for c in &report.conflicts {
        let side: &Side = if ours { &c.ours } else { &c.theirs };
        out.push(Line::from(Span::styled(truncate(&c.path, w), th.title())));
        if let Some(e) = &side.entry {
            let who = format!(
                "{} {} <{}>",
                e.commit.get(..10).unwrap_or(&e.commit),
                display(e.actor.as_deref().unwrap_or("?")),
                e.email
            );
            out.push(Line::from(Span::styled(truncate(&who, w), th.dim())));
            let sig = e.signature.describe(app.lang().zh());
            let style = if e.signature.is_good() {
                th.good()
            } else {
                th.bad()
            };
            out.push(Line::from(Span::styled(truncate(&display(&sig), w), style)));
        }
        match &side.content {
            Some(text) => {
                for l in text.lines() {
                    out.push(Line::from(truncate(&display(l), w)));
                }
            }
            None => out.push(Line::from(Span::styled(
                app.t("(已刪除)", "(deleted)"),
                th.warn(),
            ))),
        }
        out.push(Line::from(""));
    }
    out
}

/// Draws the sync popup, if any, over everything.
pub fn draw(app: &App, f: &mut Frame) {
    let Some(popup) = &app.sync.popup else {
        return;
    };
    let th = app.session.theme;
    let area = f.area();
    let (title, lines, style): (String, Vec<String>, _) = match popup {
        Popup::Running(lines) => (app.t("同步", "Sync"), lines.clone(), th.title()),
        Popup::Done(text) => (app.t("同步", "Sync"), vec![text.clone()], th.good()),
        Popup::Failed(text) => (
            app.t("同步已停止", "Sync stopped"),
            text.lines().map(display).collect(),
            th.bad(),
        ),
        Popup::Conflict { report, scroll } => {
            let rect = centered(area, 96, area.height.saturating_sub(2));
            f.render_widget(Clear, rect);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(th.bad())
                .title(app.t(
                    "衝突:雙方改動了同一文件,未合併,未改動任何內容",
                    "Conflict: both sides changed the same file; nothing merged, nothing changed",
                ));
            let inner = block.inner(rect);
            f.render_widget(block, rect);
            if inner.height < 3 || inner.width < 10 {
                return;
            }
            let half = inner.width / 2;
            let body_h = inner.height - 2;
            for (i, ours) in [true, false].into_iter().enumerate() {
                let x = inner.x + half * i as u16;
                let w = if i == 0 { half - 1 } else { inner.width - half };
                let head = if ours {
                    app.t("本地版本 (ours)", "local (ours)")
                } else {
                    app.t("遠端版本 (theirs)", "remote (theirs)")
                };
                f.render_widget(
                    Paragraph::new(Line::from(Span::styled(head, th.title()))),
                    Rect::new(x, inner.y, w, 1),
                );
                let lines = side_lines(app, report, ours, w as usize);
                f.render_widget(
                    Paragraph::new(lines).scroll((*scroll, 0)),
                    Rect::new(x, inner.y + 1, w, body_h),
                );
            }
            let hint = app.t(
                "解決:pingxuan sync --resolve theirs 接收遠端版本(本地版本留在歷史中),再以正常簽名操作記錄正確內容;--resolve ours 僅限主任。Esc 關閉",
                "Settle: `pingxuan sync --resolve theirs` keeps the remote version (yours stays in the history), then record the right content with a normal signed action; `--resolve ours` is the chair's. Esc closes",
            );
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    truncate(&hint, inner.width as usize),
                    th.warn(),
                ))),
                Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
            );
            return;
        }
    };
    let rect = centered(area, 70, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(title);
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let w = inner.width as usize;
    let text: Vec<Line> = lines.iter().map(|l| Line::from(truncate(l, w))).collect();
    f.render_widget(Paragraph::new(text), inner);
}
