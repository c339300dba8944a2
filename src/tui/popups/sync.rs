//! The sync popup: a running sync's progress, its outcome (every action set
//! aside and why) or why it stopped. Its keys are the key table's `Sync`
//! bindings (close) and the global ones (scroll); it takes every key while open.

use std::borrow::Cow;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::text::{display, truncate};

use super::super::app::{App, Effect};
use super::super::keys::{self, Cmd, Ctx};
use super::super::sync::Outcome;

/// What the sync popup shows: progress lines while the sync runs, then its
/// outcome (scrollable) or why it stopped.
pub enum Popup {
    Running(Vec<String>),
    Done { outcome: Outcome, scroll: u16 },
    Failed(String),
}

/// Keys while a sync popup is open (the key table's `Sync` bindings, then the
/// global ones): every key is taken, `Some`, while it shows.
pub fn handle(app: &mut App, key: &KeyEvent) -> Option<Option<Effect>> {
    let popup = app.sync.popup.as_mut()?;
    let cmd = keys::lookup(Ctx::Sync, key);
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
        "擱置的操作（未丟失；* 為本次擱置）：",
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
    out.push(app.t(
        "或在列表上按 Z：逐項對照、重試、編輯重做、放棄",
        "or Z on the list: compare, retry, edit and redo, or drop each",
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
    let (title, lines, style, scroll): (String, Cow<[String]>, _, u16) = match popup {
        Popup::Running(lines) => (app.t("同步", "Sync"), Cow::Borrowed(lines), th.title(), 0),
        Popup::Done { outcome, scroll } => {
            let style = if outcome.set_aside.is_empty() {
                th.good()
            } else {
                th.warn()
            };
            (
                app.t("同步", "Sync"),
                Cow::Owned(done_lines(app, outcome)),
                style,
                *scroll,
            )
        }
        Popup::Failed(text) => (
            app.t("同步已停止", "Sync stopped"),
            Cow::Owned(text.lines().map(display).collect()),
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
