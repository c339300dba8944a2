//! The confirmation before a chair's write is signed: the preview of the
//! commit (its message and trailers, author and time, the commit it goes on,
//! and each file it changes with the field changes the history will show),
//! built by the worker from the same planning the write uses
//! (`act::preview`). Enter (or y) signs and commits, Esc (or n) goes back to
//! the form with every value kept; the preview scrolls.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::act::Preview;
use crate::history::ChangeKind;
use crate::model::{Action, ActionKind};
use crate::text::{display, truncate};

use super::super::app::{App, Effect, Overlay, Pending};
use super::super::jobs::Job;
use super::super::keys::Cmd;
use super::super::view::{popup, wrap_lines};

/// The confirmation's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub action: Box<Action>,
    /// The commit's one-line summary, for the footer while it is written.
    pub what: String,
    /// The worker's preview; `None` while it is being built.
    pub preview: Option<Result<Preview, String>>,
    pub scroll: u16,
    /// The furthest scroll at the last draw (layout the draw learns).
    pub max: std::cell::Cell<u16>,
}

/// The writes that ask before signing: the chair's.
pub fn needed(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Decide
            | ActionKind::Resolve
            | ActionKind::Publish
            | ActionKind::TieOrder
            | ActionKind::Exception
            | ActionKind::Override
            | ActionKind::Reopen
            | ActionKind::Members
    )
}

/// Opens the confirmation of `action` (checked by the rules already) and
/// asks the worker for its preview.
pub fn open(app: &mut App, action: Action, what: String) -> Option<Effect> {
    let job = Job::Preview(Box::new(action.clone()));
    app.overlays.push(Overlay::Confirm(Confirm {
        action: Box::new(action),
        what,
        preview: None,
        scroll: 0,
        max: std::cell::Cell::new(u16::MAX),
    }));
    app.request(job)
}

/// The worker's preview of `action` arrived.
pub fn preview_done(app: &mut App, action: &Action, result: Result<Preview, String>) {
    for o in app.overlays.iter_mut().rev() {
        if let Overlay::Confirm(c) = o {
            if *c.action == *action {
                c.preview = Some(result);
                return;
            }
        }
    }
}

/// The confirmation's keys: sign and commit (only once the preview is
/// there and the write is not refused), back to the form, scroll.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    if app.pending.is_some() {
        return None;
    }
    let Some(Overlay::Confirm(c)) = app.overlays.last_mut() else {
        return None;
    };
    match cmd {
        Cmd::Submit | Cmd::Open => {
            if !matches!(c.preview, Some(Ok(_))) {
                return None;
            }
            let action = c.action.clone();
            app.pending = Some(Pending {
                what: c.what.clone(),
                frame: 0,
            });
            return Some(Effect::Write(action));
        }
        Cmd::Back => {
            app.overlays.pop();
        }
        Cmd::Down => c.scroll = c.scroll.saturating_add(1).min(c.max.get()),
        Cmd::Up => c.scroll = c.scroll.min(c.max.get()).saturating_sub(1),
        Cmd::PageDown => c.scroll = c.scroll.saturating_add(8).min(c.max.get()),
        Cmd::PageUp => c.scroll = c.scroll.min(c.max.get()).saturating_sub(8),
        Cmd::Top => c.scroll = 0,
        Cmd::Bottom => c.scroll = c.max.get(),
        _ => {}
    }
    None
}

/// The preview's lines, in the interface language.
pub fn lines(app: &App, c: &Confirm) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let mut out = Vec::new();
    match &c.preview {
        None => out.push(Line::from(Span::styled(
            app.t("正在生成提交預覽…", "building the commit preview…"),
            th.dim(),
        ))),
        Some(Err(e)) => {
            out.push(Line::from(Span::styled(
                app.t("不能提交：", "cannot commit:"),
                th.bad(),
            )));
            for l in e.lines() {
                out.push(Line::from(Span::styled(display(l), th.bad())));
            }
        }
        Some(Ok(p)) => {
            out.push(Line::from(Span::styled(
                app.t("提交信息", "commit message"),
                th.title(),
            )));
            for l in p.message.lines() {
                out.push(Line::from(format!("  {}", display(l))));
            }
            let parent: String = p.parent.as_deref().unwrap_or("").chars().take(7).collect();
            out.push(Line::from(Span::styled(
                format!(
                    "{} {} · {} · {} {parent}",
                    app.t("作者", "author"),
                    display(&p.author),
                    p.when.to_rfc3339(),
                    app.t("接在", "on"),
                ),
                th.dim(),
            )));
            out.push(Line::from(Span::styled(
                format!(
                    "{} ({})",
                    app.t("改動的文件", "files changed"),
                    p.files.len()
                ),
                th.title(),
            )));
            for file in &p.files {
                let (mark, style) = match file.kind {
                    ChangeKind::Added => ("A", th.good()),
                    ChangeKind::Modified => ("M", th.warn()),
                    ChangeKind::Removed => ("D", th.bad()),
                };
                out.push(Line::from(vec![
                    Span::styled(format!("  {mark} "), style),
                    Span::raw(display(&file.path)),
                ]));
                for ch in &file.changes {
                    out.push(Line::from(format!("      {}", display(ch))));
                }
            }
        }
    }
    out
}

/// The popup: the preview, scrolled, and the way on at the bottom.
pub fn draw(app: &App, f: &mut Frame, area: Rect, c: &Confirm) {
    let th = app.session.theme;
    let title = format!(
        "{} · {}",
        app.t("確認提交", "Confirm commit"),
        display(app.lang().action(c.action.kind()))
    );
    // The whole body: the form it confirms stays hidden under it.
    let inner = popup(f, area, area.width, area.height, &title, th.title());
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let (lines, _) = wrap_lines(lines(app, c), inner.width as usize);
    let body_h = inner.height.saturating_sub(1) as usize;
    let max = lines.len().saturating_sub(body_h);
    c.max.set(max.min(u16::MAX as usize) as u16);
    let s = (c.scroll as usize).min(max);
    f.render_widget(
        Paragraph::new(lines).scroll((s as u16, 0)),
        Rect::new(inner.x, inner.y, inner.width, body_h as u16),
    );
    let ready = matches!(c.preview, Some(Ok(_)));
    let more = if s < max { "↓ " } else { "" };
    let ask = if ready {
        app.t(
            "Enter/y 簽名並提交 · Esc/n 返回修改",
            "Enter/y sign and commit · Esc/n back to the form",
        )
    } else {
        app.t("Esc/n 返回修改", "Esc/n back to the form")
    };
    f.render_widget(
        Paragraph::new(Span::styled(
            truncate(&format!("{more}{ask}"), inner.width as usize),
            if ready { th.key() } else { th.dim() },
        )),
        Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
    );
}
