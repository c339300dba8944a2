//! The small popups: `?` help (generated from the key table), an error, and a
//! finished job's report. Up/Down scroll the help; Esc closes each.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::text::{display, pad, truncate};

use super::super::app::{App, Effect, Overlay};
use super::super::keys::{self, Cmd};
use super::super::view::{popup, wrap_lines};

/// The keys of the help, error and report popups: the help scrolls with the
/// usual keys (↑↓ j k, PgUp PgDn, g G), never past its end.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let (max, page) = app.help_view.get();
    match (app.overlays.last_mut(), cmd) {
        (Some(Overlay::Help { scroll }), c) if scroll_cmd(c) => {
            *scroll = match c {
                Cmd::Down => scroll.saturating_add(1),
                Cmd::Up => scroll.saturating_sub(1),
                Cmd::PageDown => scroll.saturating_add(page.max(1)),
                Cmd::PageUp => scroll.saturating_sub(page.max(1)),
                Cmd::Top => 0,
                _ => max,
            }
            .min(max);
        }
        (_, Cmd::Back) => {
            app.overlays.pop();
        }
        _ => {}
    }
    None
}

fn scroll_cmd(c: Cmd) -> bool {
    matches!(
        c,
        Cmd::Down | Cmd::Up | Cmd::PageDown | Cmd::PageUp | Cmd::Top | Cmd::Bottom
    )
}

/// What the marks on the screens mean, for the help's legend.
pub fn legend(app: &App) -> Vec<String> {
    vec![
        app.t(
            "標記：✗ 硬性條件未通過  ⊘ 部門否決  ! 未處理異議  ≠ 評委分歧大",
            "flags: ✗ failed gate  ⊘ veto  ! open objection  ≠ reviewers disagree",
        ),
        app.t(
            "排名：✓ 入選  ★ 優先（品牌）  = 並列  ┊ 最低分",
            "rankings: ✓ selected  ★ priority (brand)  = tie  ┊ minimum score",
        ),
        app.t(
            "歷史：✓ 簽名有效  ✗ 簽名無效  ? 未知密鑰  ⊘ 密鑰已撤銷或未生效  – 未簽名",
            "history: ✓ good signature  ✗ bad  ? unknown key  ⊘ key revoked or not yet valid  – unsigned",
        ),
    ]
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
    for text in legend(app) {
        lines.push(Line::from(Span::styled(text, th.dim())));
    }
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
    let (lines, _) = wrap_lines(lines, inner.width as usize);
    let total = lines.len();
    let h = inner.height as usize;
    // What does not fit scrolls; the last line says so and where you are.
    let body_h = if total > h { h.saturating_sub(1) } else { h };
    let max = total.saturating_sub(body_h);
    let s = (scroll as usize).min(max);
    app.help_view
        .set((max.min(u16::MAX as usize) as u16, body_h as u16));
    f.render_widget(
        Paragraph::new(lines).scroll((s as u16, 0)),
        Rect::new(inner.x, inner.y, inner.width, body_h as u16),
    );
    if total > h && h > 0 {
        let arrows = match (s > 0, s < max) {
            (true, true) => "↑↓",
            (false, _) => "↓ ",
            (true, false) => "↑ ",
        };
        let more = if s < max {
            app.t("更多", "more")
        } else {
            app.t("到底", "end")
        };
        let text = format!(
            "{arrows} {more} · {}–{}/{total} · ↑↓ PgUp PgDn g G",
            s + 1,
            (s + body_h).min(total)
        );
        f.render_widget(
            Paragraph::new(Span::styled(
                truncate(&text, inner.width as usize),
                th.key(),
            )),
            Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
        );
    }
}

pub fn draw_error(app: &App, f: &mut Frame, area: Rect, e: &str) {
    let th = app.session.theme;
    let text = display_multiline(e);
    let h = (text.lines().count() as u16 + 4).max(5);
    let inner = popup(f, area, 60, h + 2, &app.t("錯誤", "Error"), th.bad());
    f.render_widget(Paragraph::new(wrapped(&text, inner.width)), inner);
}

pub fn draw_done(app: &App, f: &mut Frame, area: Rect, text: &str) {
    let th = app.session.theme;
    let text = display_multiline(text);
    let h = text.lines().count() as u16 + 2;
    let inner = popup(f, area, 70, h + 2, &app.t("完成", "Done"), th.good());
    f.render_widget(Paragraph::new(wrapped(&text, inner.width)), inner);
}

/// Lines of `text` wrapped to `cols` by display width (see `view::wrap_lines`).
fn wrapped(text: &str, cols: u16) -> Vec<Line<'static>> {
    let lines = text.lines().map(|l| Line::from(l.to_string())).collect();
    wrap_lines(lines, cols as usize).0
}

fn display_multiline(s: &str) -> String {
    s.split('\n').map(display).collect::<Vec<_>>().join("\n")
}
