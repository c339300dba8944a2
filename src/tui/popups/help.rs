//! The small popups: `?` help (generated from the key table), an error, and a
//! finished job's report. Up/Down scroll the help; Esc closes each.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::text::{display, pad};

use super::super::app::{App, Effect, Overlay};
use super::super::keys::{self, Cmd};
use super::super::view::popup;

/// The keys of the help, error and report popups.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    match (app.overlays.last_mut(), cmd) {
        (Some(Overlay::Help { scroll }), Cmd::Down) => *scroll += 1,
        (Some(Overlay::Help { scroll }), Cmd::Up) => *scroll = scroll.saturating_sub(1),
        (_, Cmd::Back) => {
            app.overlays.pop();
        }
        _ => {}
    }
    None
}

pub fn draw_help(app: &App, f: &mut Frame, area: Rect, scroll: u16) {
    let th = app.session.theme;
    let inner = popup(
        f,
        area,
        64,
        area.height,
        &app.t("幫助 · 按鍵", "Help · keys"),
        th.title(),
    );
    let mut lines = Vec::new();
    for (ctx, bs) in keys::groups() {
        lines.push(Line::from(Span::styled(
            ctx.title(app.lang()).to_string(),
            th.title(),
        )));
        for b in bs {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(b.label, 10)), th.key()),
                Span::raw(b.desc(app.lang())),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(
        app.t(
            "標記:✗ 硬性條件未通過  ⊘ 部門否決  ! 未處理異議  ≠ 評委分歧大",
            "flags: ✗ failed gate  ⊘ veto  ! open objection  ≠ reviewers disagree",
        ),
        th.dim(),
    )));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

pub fn draw_error(app: &App, f: &mut Frame, area: Rect, e: &str) {
    let th = app.session.theme;
    let text = display_multiline(e);
    let h = (text.lines().count() as u16 + 4).max(5);
    let inner = popup(f, area, 60, h + 2, &app.t("錯誤", "Error"), th.bad());
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

pub fn draw_done(app: &App, f: &mut Frame, area: Rect, text: &str) {
    let th = app.session.theme;
    let text = display_multiline(text);
    let h = text.lines().count() as u16 + 2;
    let inner = popup(f, area, 70, h + 2, &app.t("完成", "Done"), th.good());
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

fn display_multiline(s: &str) -> String {
    s.split('\n').map(display).collect::<Vec<_>>().join("\n")
}
