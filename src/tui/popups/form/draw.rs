//! Drawing a form: its fields, the error at the field at fault, what would be
//! committed and who signs it.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::rules;
use crate::text::{display, pad, truncate, width};

use super::super::super::app::App;
use super::super::super::view::popup;
use super::{FieldError, Form, Input, MarkState};

fn input_text(app: &App, input: &Input, focused: bool, cols: usize) -> String {
    let tail = |v: &str| {
        if width(v) <= cols {
            v.to_string()
        } else {
            // Show the end of what is being typed.
            let mut out: Vec<char> = Vec::new();
            let mut used = 1;
            for c in v.chars().rev() {
                let cw = width(&c.to_string());
                if used + cw > cols {
                    break;
                }
                used += cw;
                out.push(c);
            }
            out.reverse();
            format!("…{}", out.into_iter().collect::<String>())
        }
    };
    match input {
        Input::Text { value, long } => {
            let v = display(value);
            if v.is_empty() && *long && !focused {
                app.t("(^E 用編輯器)", "(^E editor)")
            } else if focused {
                tail(&v)
            } else {
                truncate(&v, cols)
            }
        }
        Input::Number { value } => value.clone(),
        Input::Choice { options, sel } => {
            let o = options.get(*sel).map_or(String::new(), |o| o.1.clone());
            truncate(&format!("‹ {o} ›"), cols)
        }
        Input::Flag(v) => if *v { "[x]" } else { "[ ]" }.to_string(),
        Input::Mark { value, state, max } => {
            let m = rules::text::num(*max);
            if *state == MarkState::Points {
                format!("[{}] /{m}", pad(value, 5))
            } else {
                format!("[{}] /{m}", state.label(app.lang()))
            }
        }
    }
}

/// The form: one line per field (the focused one marked, its error under
/// it), then what would be committed, its files, and who signs it.
pub fn draw(app: &App, f: &mut Frame, area: Rect, form: &Form) {
    let th = app.session.theme;
    let inner = popup(
        f,
        area,
        78,
        area.height,
        &form.title(app.lang()),
        th.title(),
    );
    let w = inner.width as usize;
    if w < 10 || inner.height < 2 {
        return;
    }
    let lw = if w >= 50 { 20 } else { (w / 2).min(12) };
    let iw = w.saturating_sub(lw + 2);
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut cursor = None;
    for (i, fd) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let mark = if focused { "▸" } else { " " };
        let value = input_text(app, &fd.input, focused, iw);
        let vstyle = if focused { th.selected() } else { th.plain() };
        if focused && matches!(fd.input, Input::Text { .. } | Input::Number { .. }) {
            cursor = Some((lines.len(), lw + 2 + width(&value)));
        }
        if focused {
            if let Input::Mark {
                value: v,
                state: MarkState::Points,
                ..
            } = &fd.input
            {
                cursor = Some((lines.len(), lw + 3 + width(v)));
            }
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark}{}", pad(&fd.label, lw)),
                if focused { th.key() } else { th.plain() },
            ),
            Span::raw(" "),
            Span::styled(value, vstyle),
        ]));
        if let Some(FieldError {
            field: Some(ei),
            message,
        }) = &form.error
        {
            if *ei == i {
                for m in message.lines() {
                    lines.push(Line::from(Span::styled(
                        truncate(&format!("  ✗ {m}"), w),
                        th.bad(),
                    )));
                }
            }
        }
    }
    if let Some(FieldError {
        field: None,
        message,
    }) = &form.error
    {
        for m in message.lines() {
            lines.push(Line::from(Span::styled(
                truncate(&format!("✗ {m}"), w),
                th.bad(),
            )));
        }
    }
    // What will be committed, and who signs it.
    lines.push(Line::from(Span::styled("─".repeat(w), th.dim())));
    if let Some(me) = app.me() {
        match form.action(&app.snap, me, app.session.now, app.lang()) {
            Ok(action) => {
                let summary = crate::act::summary_in(
                    app.lang(),
                    Some(&app.snap),
                    &action,
                    &display(&me.name),
                );
                lines.push(Line::from(vec![
                    Span::styled(app.t("提交:", "commit: "), th.dim()),
                    Span::raw(truncate(&display(&summary), w.saturating_sub(8))),
                ]));
                if let Ok(changes) =
                    crate::store::plan::plan(Some(&app.snap), &me.id, &app.session.now, &action)
                {
                    for c in changes {
                        lines.push(Line::from(Span::styled(
                            truncate(&format!("  {}", c.path), w),
                            th.dim(),
                        )));
                    }
                }
            }
            Err(e) => lines.push(Line::from(Span::styled(
                truncate(&format!("{} {}", app.t("提交:", "commit: "), e.message), w),
                th.warn(),
            ))),
        }
        let key = app
            .session
            .signer
            .clone()
            .unwrap_or_else(|| app.t("未配置簽名密鑰", "no signing key configured"));
        lines.push(Line::from(vec![
            Span::styled(app.t("簽名:", "signer: "), th.dim()),
            Span::raw(truncate(
                &format!("{} <{}> · {key}", display(&me.name), me.email),
                w.saturating_sub(8),
            )),
        ]));
        lines.push(Line::from(Span::styled(
            truncate(
                &format!(
                    "{} · {}",
                    app.session.now.format("%Y-%m-%d %H:%M %:z"),
                    app.t("^S 提交  Esc 取消", "^S submit  Esc cancel")
                ),
                w,
            ),
            th.dim(),
        )));
    }
    let h = inner.height as usize;
    let scroll = (focus_line + 2).saturating_sub(h);
    if let Some((row, col)) = cursor {
        if row >= scroll && row - scroll < h && col < w {
            f.set_cursor_position(Position::new(
                inner.x + col as u16,
                inner.y + (row - scroll) as u16,
            ));
        }
    }
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}
