//! Drawing a form: its fields, the error at the field at fault, what would be
//! committed and who signs it.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::rules;
use crate::text::{display, pad, truncate, width, wrap};

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
                app.t("（^E 用編輯器）", "(^E editor)")
            } else if focused {
                tail(&v)
            } else {
                truncate(&v, cols)
            }
        }
        Input::Number { value } | Input::Date { value } => value.clone(),
        Input::Pick {
            options,
            sel,
            query,
        } => {
            let o = options.get(*sel).map_or(String::new(), |o| o.1.clone());
            let n = super::pick_matches(options, query).len();
            // What was typed first: it stays in sight when the name is cut.
            let q = if query.is_empty() {
                String::new()
            } else {
                format!("/{query} ({n}) ")
            };
            truncate(&format!("{q}‹ {o} ›"), cols)
        }
        Input::Add { .. } => app.t("[Enter 添加]", "[Enter to add]"),
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

/// The description of criterion `key` of the form's nomination's category.
fn criterion_text(app: &App, form: &Form, key: &str) -> Option<String> {
    let record = app.snap.record(form.nomination.as_deref()?)?;
    let cat = app.snap.campaign.category(&record.nomination.category)?;
    let c = cat.criteria.iter().find(|c| c.id == key)?;
    Some(display(&c.description))
}

/// The fields' lines: the focused one's line and last line, and where the
/// cursor goes (line, column).
struct Fields {
    lines: Vec<Line<'static>>,
    focus_line: usize,
    focus_end: usize,
    cursor: Option<(usize, usize)>,
}

/// One line per field (the focused one marked), each with its problems right
/// under it, and the focused criterion's description.
fn field_lines(
    app: &App,
    form: &Form,
    problems: &[FieldError],
    (w, lw, iw): (usize, usize, usize),
) -> Fields {
    let th = app.session.theme;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let (mut focus_line, mut focus_end) = (0, 0);
    let mut cursor = None;
    let bad = |lines: &mut Vec<Line<'static>>, text: String| {
        for l in wrap(&text, w) {
            lines.push(Line::from(Span::styled(l, th.bad())));
        }
    };
    for (i, fd) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let mark = if focused { "▸" } else { " " };
        let value = input_text(app, &fd.input, focused, iw);
        let vstyle = if focused { th.selected() } else { th.plain() };
        if focused
            && matches!(
                fd.input,
                Input::Text { .. } | Input::Number { .. } | Input::Date { .. }
            )
        {
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
                format!("{mark}{}", pad(&truncate(&fd.label, lw), lw)),
                if focused { th.key() } else { th.plain() },
            ),
            Span::raw(" "),
            Span::styled(value, vstyle),
        ]));
        // The submit's refusal, or (while typing) what is wrong now.
        let changed = form.pristine.get(i) != Some(fd);
        match &form.error {
            Some(FieldError {
                field: Some(ei),
                message,
            }) if *ei == i => {
                for m in message.lines() {
                    bad(&mut lines, format!("  ✗ {m}"));
                }
            }
            Some(_) => {}
            None if form.tried || changed => {
                for p in problems.iter().filter(|p| p.field == Some(i)) {
                    for m in p.message.lines() {
                        bad(&mut lines, format!("  ✗ {m}"));
                    }
                }
            }
            None => {}
        }
        if focused && matches!(fd.input, Input::Mark { .. }) {
            if let Some(d) = criterion_text(app, form, &fd.key) {
                for l in wrap(&format!("  {d}"), w) {
                    lines.push(Line::from(Span::styled(l, th.dim())));
                }
            }
        }
        if focused {
            focus_end = lines.len().saturating_sub(1);
        }
    }
    Fields {
        lines,
        focus_line,
        focus_end,
        cursor,
    }
}

/// The problems of no one field (the submit's, or while typing the rules'
/// refusals that name none), wrapped whole.
fn general_lines(app: &App, form: &Form, problems: &[FieldError], w: usize) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let bad = |lines: &mut Vec<Line<'static>>, text: String| {
        for l in wrap(&text, w) {
            lines.push(Line::from(Span::styled(l, th.bad())));
        }
    };
    let mut general: Vec<Line<'static>> = Vec::new();
    match &form.error {
        Some(FieldError {
            field: None,
            message,
        }) => {
            for m in message.lines() {
                bad(&mut general, format!("✗ {m}"));
            }
        }
        Some(_) => {}
        None if form.tried || form.changed() => {
            for p in problems.iter().filter(|p| p.field.is_none()) {
                for m in p.message.lines() {
                    bad(&mut general, format!("✗ {m}"));
                }
            }
        }
        None => {}
    }
    general
}

/// What will be committed (its summary, and apart its files) and who signs
/// it, with how to submit.
fn commit_lines(app: &App, form: &Form, w: usize) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let th = app.session.theme;
    let mut foot: Vec<Line<'static>> = Vec::new();
    let mut files: Vec<Line<'static>> = Vec::new();
    foot.push(Line::from(Span::styled("─".repeat(w), th.dim())));
    if let Some(me) = app.me() {
        match form.action(&app.snap, me, app.session.now, app.lang()) {
            Ok(action) => {
                let summary = crate::act::summary_in(
                    app.lang(),
                    Some(&app.snap),
                    &action,
                    &display(&me.name),
                );
                foot.push(Line::from(vec![
                    Span::styled(app.t("提交：", "commit: "), th.dim()),
                    Span::raw(truncate(&display(&summary), w.saturating_sub(8))),
                ]));
                if let Ok(changes) =
                    crate::store::plan::plan(Some(&app.snap), &me.id, &app.session.now, &action)
                {
                    for c in changes {
                        files.push(Line::from(Span::styled(
                            truncate(&format!("  {}", c.path), w),
                            th.dim(),
                        )));
                    }
                }
            }
            Err(e) => foot.push(Line::from(Span::styled(
                truncate(&format!("{}{}", app.t("提交：", "commit: "), e.message), w),
                th.warn(),
            ))),
        }
        let key = app
            .session
            .signer
            .clone()
            .unwrap_or_else(|| app.t("未配置簽名密鑰", "no signing key configured"));
        foot.push(Line::from(vec![
            Span::styled(app.t("簽名：", "signer: "), th.dim()),
            Span::raw(truncate(
                &format!("{} <{}> · {key}", display(&me.name), me.email),
                w.saturating_sub(8),
            )),
        ]));
        foot.push(Line::from(Span::styled(
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
    (foot, files)
}

/// The form: one line per field (the focused one marked, a criterion's
/// description and any problem under it, wrapped whole), then, kept at the
/// bottom, what would be committed, who signs it and how to submit.
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
    // Labels as wide as the widest, up to half the popup.
    let widest = form
        .fields
        .iter()
        .map(|fd| width(&fd.label))
        .max()
        .unwrap_or(8);
    let lw = if w >= 50 {
        widest.clamp(20, (w / 2).max(20))
    } else {
        (w / 2).min(12)
    };
    let iw = w.saturating_sub(lw + 2);
    let problems = match app.me() {
        Some(me) => form.problems(&app.snap, me, app.session.now, app.lang()),
        None => Vec::new(),
    };
    let Fields {
        lines,
        focus_line,
        focus_end,
        cursor,
    } = field_lines(app, form, &problems, (w, lw, iw));
    // Problems of no one field, Esc's question: at the very end, kept in sight.
    let general = general_lines(app, form, &problems, w);
    let (mut foot, files) = commit_lines(app, form, w);
    foot.extend(general);
    if form.confirm_discard {
        for l in wrap(
            &app.t(
                "放棄已填寫的修改?y 放棄  n 繼續填寫",
                "Throw away your changes? y discard  n keep editing",
            ),
            w,
        ) {
            foot.push(Line::from(Span::styled(l, th.warn())));
        }
    }
    let h = inner.height as usize;
    // The files go in when there is room.
    let room = h.saturating_sub(lines.len());
    if files.len() + foot.len() <= room {
        let at = 2.min(foot.len());
        for (k, l) in files.into_iter().enumerate() {
            foot.insert(at + k, l);
        }
    }
    // The foot (problems, the question, how to submit) before the fields:
    // the fields keep two lines, the focused one in sight.
    let keep = foot.len().min(h.saturating_sub(lines.len().min(2)).max(1));
    let foot = foot.split_off(foot.len() - keep);
    // The foot follows the fields right away (at the bottom when they fill
    // the popup).
    let body_h = h.saturating_sub(foot.len()).min(lines.len());
    let scroll = if focus_end < body_h {
        0
    } else {
        (focus_end + 1).saturating_sub(body_h).min(focus_line)
    };
    if let Some((row, col)) = cursor {
        if row >= scroll && row - scroll < body_h && col < w {
            f.set_cursor_position(Position::new(
                inner.x + col as u16,
                inner.y + (row - scroll) as u16,
            ));
        }
    }
    let body = Rect::new(inner.x, inner.y, inner.width, body_h as u16);
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), body);
    let foot_area = Rect::new(
        inner.x,
        inner.y + body_h as u16,
        inner.width,
        foot.len() as u16,
    );
    f.render_widget(Paragraph::new(foot), foot_area);
}
