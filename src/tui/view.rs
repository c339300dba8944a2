//! The frame: header, the current screen's body (`screens/`), footer, then the
//! popups (`popups/`) bottom up; and the drawing helpers they share. Drawing
//! reads `&App` only. Every column, truncation and cursor is measured in
//! terminal columns (CJK counts two).

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::text::{display, pad, truncate, width};

use super::app::{App, Overlay, Screen};
use super::keys;
use super::popups::{export, form, help, menu};
use super::screens::{audit, detail, list, rankings};

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `text` cut or padded to `cols`, with the characters in `hl` highlighted.
pub fn cell<'a>(text: &str, cols: usize, hl: &[usize], base: Style, hls: Style) -> Vec<Span<'a>> {
    let shown = truncate(text, cols);
    let mut spans: Vec<Span> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, c) in shown.chars().enumerate() {
        let h = hl.contains(&i) && c != '…';
        if h != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { base.patch(hls) } else { base },
            ));
        }
        run_hl = h;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(
            run,
            if run_hl { base.patch(hls) } else { base },
        ));
    }
    let w = width(&shown);
    if w < cols {
        spans.push(Span::styled(" ".repeat(cols - w), base));
    }
    spans
}

/// `lines` wrapped to `cols` terminal columns by display width (see
/// [`crate::text::wrap_breaks`]), the styles kept; with the index of each
/// given line's first wrapped line. Used instead of ratatui's word wrapper,
/// which lets a wide character overhang the last column (the terminal then
/// moves it to the next row, where it hides a character and is never
/// cleared).
pub fn wrap_lines(lines: Vec<Line<'static>>, cols: usize) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut out = Vec::with_capacity(lines.len());
    let mut starts = Vec::with_capacity(lines.len());
    for line in lines {
        starts.push(out.len());
        out.extend(wrap_line(line, cols));
    }
    (out, starts)
}

/// One line wrapped (see [`wrap_lines`]).
fn wrap_line(line: Line<'static>, cols: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let breaks = crate::text::wrap_breaks(&text, cols);
    if breaks.is_empty() {
        return vec![line];
    }
    let (style, alignment) = (line.style, line.alignment);
    let finish = |spans: Vec<Span<'static>>| {
        let mut l = Line::from(spans).style(style);
        l.alignment = alignment;
        l
    };
    let mut out = Vec::with_capacity(breaks.len() + 1);
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut next = breaks.into_iter().peekable();
    let mut off = 0;
    for span in line.spans {
        let content = span.content.into_owned();
        let mut start = 0;
        while let Some(b) = next.next_if(|b| *b < off + content.len()) {
            let cut = b.saturating_sub(off).max(start);
            if cut > start {
                cur.push(Span::styled(content[start..cut].to_string(), span.style));
            }
            out.push(finish(std::mem::take(&mut cur)));
            start = cut;
        }
        if start < content.len() {
            cur.push(Span::styled(content[start..].to_string(), span.style));
        }
        off += content.len();
    }
    out.push(finish(cur));
    out
}

pub fn line_of(text: &str, cols: usize, style: Style) -> Line<'static> {
    Line::from(Span::styled(pad(text, cols), style))
}

/// Draws the frame: header, the current screen, footer, then the popups from
/// the bottom up. Reads `app` only (the list's measured page goes to a cell).
pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    if area.width < 20 || area.height < 6 {
        f.render_widget(
            Paragraph::new(app.t("終端太小", "terminal too small")),
            area,
        );
        return;
    }
    let th = app.session.theme;
    let mut y = area.y;
    // Header: campaign and clock; who acts and with which key.
    let title = format!(
        "{} {}",
        app.t("評選", "pingxuan"),
        display(
            app.lang()
                .pick(&app.snap.campaign.title, &app.snap.campaign.title_en)
        )
    );
    let right = format!("{} {}", app.day(), app.open_phases());
    let w = area.width as usize;
    let left_w = w.saturating_sub(width(&right) + 1);
    let line1 = Line::from(vec![
        Span::styled(pad(&title, left_w), th.title()),
        Span::raw(" "),
        Span::styled(truncate(&right, w.saturating_sub(left_w + 1)), th.warn()),
    ]);
    f.render_widget(Paragraph::new(line1), Rect::new(area.x, y, area.width, 1));
    y += 1;
    let who = match app.me() {
        Some(m) => {
            let roles: Vec<&str> = m.roles.iter().map(|r| app.lang().role(*r)).collect();
            format!("{} {}", display(&m.name), display(&roles.join("/")))
        }
        None => app.t("只讀", "read-only"),
    };
    let usable = app.session.signer.is_some() && app.signing_problem.is_none();
    let key = match (&app.session.signer, &app.signing_problem) {
        (Some(k), Some(why)) => format!("{} ✗ {k}: {}", app.t("簽名", "signing"), display(why)),
        (Some(k), None) => format!("{} ✓ {k}", app.t("簽名", "signing")),
        (None, _) => format!(
            "{} ✗ {}",
            app.t("簽名", "signing"),
            app.t("未配置密鑰", "no key")
        ),
    };
    let line2 = Line::from(vec![
        Span::styled(who.clone(), th.mine()),
        Span::raw(" │ "),
        Span::styled(
            truncate(&key, w.saturating_sub(width(&who) + 3)),
            if usable { th.good() } else { th.bad() },
        ),
        Span::styled(super::sync::header(app), th.dim()),
    ]);
    f.render_widget(Paragraph::new(line2), Rect::new(area.x, y, area.width, 1));
    y += 1;
    if let Some(why) = &app.session.read_only {
        let text = format!("{}{}", app.t("只讀：", "READ-ONLY: "), display(why));
        f.render_widget(
            Paragraph::new(line_of(&text, w, th.banner())),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
    }
    let footer_y = area.y + area.height - 1;
    let body = Rect::new(area.x, y, area.width, footer_y.saturating_sub(y));
    match &app.screen {
        Screen::List => list::draw(app, f, body),
        Screen::Detail { id, tab, scroll } => detail::draw(app, f, body, id, *tab, *scroll),
        Screen::Rankings { cat, scroll } => rankings::draw(app, f, body, *cat, *scroll),
        Screen::Audit {
            sel,
            only_violations,
        } => audit::draw(app, f, body, *sel, *only_violations),
    }
    draw_footer(app, f, Rect::new(area.x, footer_y, area.width, 1));
    for o in &app.overlays {
        match o {
            Overlay::Help { scroll } => help::draw_help(app, f, body, *scroll),
            Overlay::Error(e) => help::draw_error(app, f, body, e),
            Overlay::Menu(m) => menu::draw(app, f, body, m),
            Overlay::Form(fm) => form::draw(app, f, body, fm),
            Overlay::Export(m) => export::draw(app, f, body, m),
            Overlay::Done(text) => help::draw_done(app, f, body, text),
            Overlay::Confirm(c) => super::popups::confirm::draw(app, f, body, c),
            Overlay::Aside(a) => super::popups::aside::draw(app, f, body, a),
        }
    }
    super::popups::sync::draw(app, f);
}

fn draw_footer(app: &App, f: &mut Frame, area: Rect) {
    let th = app.session.theme;
    let w = area.width as usize;
    let line = if let Some(p) = &app.pending {
        let what = &p.what;
        Line::from(vec![
            Span::styled(SPINNER[p.frame % SPINNER.len()], th.key()),
            Span::raw(" "),
            Span::raw(truncate(
                &format!(
                    "{}{what}",
                    app.t("正在簽名並提交：", "signing and committing: ")
                ),
                w.saturating_sub(2),
            )),
        ])
    } else if let Some(job) = app.loading.first() {
        Line::from(vec![
            Span::styled(SPINNER[app.frame % SPINNER.len()], th.key()),
            Span::raw(" "),
            Span::raw(truncate(
                &display(&job.describe(app.lang())),
                w.saturating_sub(2),
            )),
        ])
    } else if let Some(m) = &app.message {
        Line::from(Span::styled(truncate(&display(m), w), th.good()))
    } else {
        let mut spans = Vec::new();
        for (k, d) in keys::footer(app.ctx(), app.lang(), w) {
            spans.push(Span::styled(k, th.key()));
            spans.push(Span::raw(d));
        }
        Line::from(spans)
    };
    f.render_widget(Paragraph::new(line), area);
}

/// Tabs as one line, the current one reversed; scrolled so it stays visible.
pub fn tabs_line(
    titles: &[String],
    current: usize,
    cols: usize,
    th: super::theme::Theme,
) -> Line<'static> {
    let mut start = 0;
    // Drop tabs from the left until the current one fits.
    loop {
        let w: usize = titles[start..=current.min(titles.len().saturating_sub(1))]
            .iter()
            .map(|t| width(t) + 3)
            .sum();
        if w <= cols || start >= current {
            break;
        }
        start += 1;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    if start > 0 {
        spans.push(Span::raw("‹"));
        used += 1;
    }
    for (i, t) in titles.iter().enumerate().skip(start) {
        let s = format!(" {t} ");
        let sw = width(&s) + 1;
        if used + sw > cols {
            if used < cols {
                spans.push(Span::raw("›"));
            }
            break;
        }
        spans.push(Span::styled(
            s,
            if i == current {
                th.selected()
            } else {
                th.plain()
            },
        ));
        spans.push(Span::raw("│"));
        used += sw;
    }
    Line::from(spans)
}

/// A centred box of at most `w`×`h` inside `area`, cleared, with a title.
pub fn popup(f: &mut Frame, area: Rect, w: u16, h: u16, title: &str, style: Style) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    // A wide character cut by the left edge would hide the border: blank it.
    if r.x > 0 {
        let buf = f.buffer_mut();
        for y in r.y..r.y + r.height {
            if let Some(c) = buf.cell_mut(Position::new(r.x - 1, y)) {
                if width(c.symbol()) > 1 {
                    c.set_symbol(" ");
                }
            }
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(title.to_string(), style));
    let inner = block.inner(r);
    f.render_widget(block, r);
    inner
}
