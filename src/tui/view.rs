//! Drawing: header, body of the current screen, footer, popups. Every column,
//! truncation and cursor is measured in terminal columns (CJK counts two).

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::rules;
use crate::text::{display, pad, truncate, width};

use super::app::{App, Overlay, Screen};
use super::form::{mark_state_label, Form, Input};
use super::keys;
use super::rows::Mine;
use super::{detail, export, history, rankings};

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

fn line_of(text: &str, cols: usize, style: Style) -> Line<'static> {
    Line::from(Span::styled(pad(text, cols), style))
}

pub fn draw(app: &mut App, f: &mut Frame) {
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
    let phases: Vec<String> = rules::open_phases(&app.snap.campaign, &app.snap.rulings, app.day())
        .iter()
        .map(|p| display(app.lang().pick(&p.name, &p.name_en)))
        .collect();
    let phases = if phases.is_empty() {
        app.t("各階段均已關閉", "all phases closed")
    } else {
        phases.join("+")
    };
    let right = format!("{} {}", app.day(), phases);
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
            let roles: Vec<&str> = m
                .roles
                .iter()
                .map(|r| rules::text::role_name(*r, app.lang().zh()))
                .collect();
            format!(
                "{} {} ({})",
                display(&m.name),
                display(&roles.join("/")),
                m.id
            )
        }
        None => app.t("只讀", "read-only"),
    };
    let key = match &app.session.signer {
        Some(k) => format!("{} ✓ {k}", app.t("簽名", "signing")),
        None => format!(
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
            if app.session.signer.is_some() {
                th.good()
            } else {
                th.bad()
            },
        ),
        Span::styled(super::sync::header(app), th.dim()),
    ]);
    f.render_widget(Paragraph::new(line2), Rect::new(area.x, y, area.width, 1));
    y += 1;
    if let Some(why) = &app.session.read_only {
        let text = format!("{} {}", app.t("只讀:", "READ-ONLY:"), display(why));
        f.render_widget(
            Paragraph::new(line_of(&text, w, th.banner())),
            Rect::new(area.x, y, area.width, 1),
        );
        y += 1;
    }
    let footer_y = area.y + area.height - 1;
    let body = Rect::new(area.x, y, area.width, footer_y.saturating_sub(y));
    match app.screen.clone() {
        Screen::List => draw_list(app, f, body),
        Screen::Detail { id, tab, scroll } => detail::draw(app, f, body, &id, tab, scroll),
        Screen::Rankings { cat, scroll } => rankings::draw(app, f, body, cat, scroll),
        Screen::Audit {
            sel,
            only_violations,
        } => history::draw_audit(app, f, body, sel, only_violations),
    }
    draw_footer(app, f, Rect::new(area.x, footer_y, area.width, 1));
    let overlays = app.overlays.clone();
    for o in &overlays {
        match o {
            Overlay::Help { scroll } => draw_help(app, f, body, *scroll),
            Overlay::Error(e) => draw_error(app, f, body, e),
            Overlay::Menu {
                items,
                sel,
                nomination,
            } => draw_menu(app, f, body, items, *sel, nomination.as_deref()),
            Overlay::Form(form) => draw_form(app, f, body, form),
            Overlay::Export(m) => export::draw(app, f, body, m),
            Overlay::Done(text) => draw_done(app, f, body, text),
        }
    }
    super::sync::draw(app, f);
}

fn draw_footer(app: &App, f: &mut Frame, area: Rect) {
    let th = app.session.theme;
    let w = area.width as usize;
    let line = if let Some((what, frame)) = &app.pending {
        Line::from(vec![
            Span::styled(SPINNER[frame % SPINNER.len()], th.key()),
            Span::raw(" "),
            Span::raw(truncate(
                &format!(
                    "{} {what}",
                    app.t("正在簽名并提交:", "signing and committing:")
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
        let mut used = 0;
        for (k, d) in keys::hints(app.ctx(), app.lang()) {
            let need = width(k) + 1 + width(&d) + 2;
            if used + need > w {
                break;
            }
            spans.push(Span::styled(k, th.key()));
            spans.push(Span::raw(format!(" {d}  ")));
            used += need;
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

fn draw_list(app: &mut App, f: &mut Frame, area: Rect) {
    if area.height < 3 {
        return;
    }
    let th = app.session.theme;
    let l = app.lang();
    let w = area.width as usize;
    let mut titles = vec![app.t("全部", "All")];
    titles.extend(
        app.snap
            .campaign
            .categories
            .iter()
            .map(|c| display(l.pick(&c.name, &c.name_en))),
    );
    f.render_widget(
        Paragraph::new(tabs_line(&titles, app.cat_tab, w, th)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let mut y = area.y + 1;
    // Search line, filter and count.
    let count = format!(
        "{}/{} · {} · {}",
        app.view.len(),
        app.rows.len(),
        app.filter.label(l),
        app.sort.label(l)
    );
    if app.searching || !app.query.is_empty() {
        let q = format!("/{}", app.query);
        let line = Line::from(vec![
            Span::styled(q.clone(), th.highlight()),
            Span::raw(if app.searching { "▏" } else { " " }),
            Span::styled(
                truncate(&format!(" {count}"), w.saturating_sub(width(&q) + 1)),
                th.dim(),
            ),
        ]);
        f.render_widget(Paragraph::new(line), Rect::new(area.x, y, area.width, 1));
        if app.searching {
            f.set_cursor_position(Position::new(area.x + width(&q) as u16, y));
        }
    } else {
        f.render_widget(
            Paragraph::new(Span::styled(truncate(&count, w), th.dim())),
            Rect::new(area.x, y, area.width, 1),
        );
    }
    y += 1;
    // Columns: wide terminals get id, unit and status; narrow ones the essentials.
    let wide = w >= 70;
    let (idw, stw, mw, sw, fw) = if wide {
        (15, 8, 6, 6, 4)
    } else {
        (0, 0, 5, 5, 3)
    };
    let fixed = idw + stw + mw + sw + fw + if wide { 6 } else { 3 };
    let flex = w.saturating_sub(fixed);
    let (nw, uw) = if wide {
        let n = flex * 3 / 5;
        (n, flex - n)
    } else {
        (flex, 0)
    };
    let head = {
        let mut s = String::new();
        if wide {
            s.push_str(&pad(&app.t("編號", "id"), idw));
            s.push(' ');
        }
        s.push_str(&pad(&app.t("名稱", "nominee"), nw));
        s.push(' ');
        if wide {
            s.push_str(&pad(&app.t("單位", "unit"), uw));
            s.push(' ');
            s.push_str(&pad(&app.t("狀態", "status"), stw));
            s.push(' ');
        }
        s.push_str(&pad(&app.t("我的", "mine"), mw));
        s.push(' ');
        s.push_str(&pad(&app.t("總分", "score"), sw));
        s.push(' ');
        s.push_str(&pad(&app.t("標記", "flag"), fw));
        s
    };
    f.render_widget(
        Paragraph::new(line_of(&head, w, th.title())),
        Rect::new(area.x, y, area.width, 1),
    );
    y += 1;
    let rows_h = (area.y + area.height).saturating_sub(y) as usize;
    app.page = rows_h.max(1);
    if app.sel < app.offset {
        app.offset = app.sel;
    }
    if rows_h > 0 && app.sel >= app.offset + rows_h {
        app.offset = app.sel + 1 - rows_h;
    }
    if app.view.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(
                app.t("沒有符合條件的申報", "no nomination matches"),
                th.dim(),
            )),
            Rect::new(area.x, y, area.width, 1),
        );
        return;
    }
    // Only the visible rows are built (and only their matches located).
    let visible: Vec<usize> = app
        .view
        .iter()
        .skip(app.offset)
        .take(rows_h)
        .copied()
        .collect();
    for ri in visible {
        app.ensure_hit(ri);
    }
    let mut lines = Vec::with_capacity(rows_h);
    for (pos, &ri) in app.view.iter().enumerate().skip(app.offset).take(rows_h) {
        let r = &app.rows[ri];
        // The cursor marks the row's first column only: moving it rewrites a
        // few cells, not two whole rows (slow SSH links; P8 in the README).
        let selected = pos == app.sel;
        let base = th.plain();
        let first = if selected { th.selected() } else { th.plain() };
        let hit = app.hits.get(&ri);
        let hl = |field: usize| -> Vec<usize> {
            match hit {
                Some((fi, m)) if *fi == field => m.chars.clone(),
                _ => Vec::new(),
            }
        };
        let mut spans = Vec::new();
        if wide {
            spans.extend(cell(&r.id, idw, &hl(r.keys.len()), first, th.highlight()));
            spans.push(Span::styled(" ", base));
        }
        // A match in brand or deeds is named after the nominee.
        let nominee = match hit {
            Some((2, _)) | Some((3, _)) => {
                let why = if hit.is_some_and(|h| h.0 == 2) {
                    app.t("品牌", "brand")
                } else {
                    app.t("事跡", "deeds")
                };
                format!("{} ·{why}", r.nominee)
            }
            _ => r.nominee.clone(),
        };
        let nominee_style = if wide { base } else { first };
        spans.extend(cell(&nominee, nw, &hl(0), nominee_style, th.highlight()));
        spans.push(Span::styled(" ", base));
        if wide {
            spans.extend(cell(&r.unit, uw, &hl(1), base, th.highlight()));
            spans.push(Span::styled(" ", base));
            spans.extend(cell(&r.status.label(l), stw, &[], base, th.plain()));
            spans.push(Span::styled(" ", base));
        }
        let mine = match r.mine {
            Mine::Scored => r.my_total.map_or_else(|| "-".to_string(), rules::text::num),
            Mine::Needed => app.t("待評", "todo"),
            Mine::Conflict => app.t("回避", "recuse"),
            Mine::NotReviewer => String::new(),
        };
        let mine_style = if r.mine == Mine::Needed {
            base.patch(th.warn())
        } else {
            base
        };
        spans.extend(cell(&mine, mw, &[], mine_style, th.plain()));
        spans.push(Span::styled(" ", base));
        let score = r
            .score
            .map_or_else(|| "-".to_string(), |s| format!("{s:.1}"));
        spans.extend(cell(&score, sw, &[], base, th.plain()));
        spans.push(Span::styled(" ", base));
        spans.extend(cell(&r.flags(), fw, &[], base.patch(th.bad()), th.plain()));
        lines.push(Line::from(spans));
    }
    f.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, y, area.width, rows_h as u16),
    );
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

fn draw_help(app: &App, f: &mut Frame, area: Rect, scroll: u16) {
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

fn draw_error(app: &App, f: &mut Frame, area: Rect, e: &str) {
    let th = app.session.theme;
    let text = display_multiline(e);
    let h = (text.lines().count() as u16 + 4).max(5);
    let inner = popup(f, area, 60, h + 2, &app.t("錯誤", "Error"), th.bad());
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

fn draw_done(app: &App, f: &mut Frame, area: Rect, text: &str) {
    let th = app.session.theme;
    let text = display_multiline(text);
    let h = text.lines().count() as u16 + 2;
    let inner = popup(f, area, 70, h + 2, &app.t("完成", "Done"), th.good());
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

fn display_multiline(s: &str) -> String {
    s.split('\n').map(display).collect::<Vec<_>>().join("\n")
}

fn draw_menu(
    app: &App,
    f: &mut Frame,
    area: Rect,
    items: &[super::app::MenuItem],
    sel: usize,
    nomination: Option<&str>,
) {
    let th = app.session.theme;
    let title = match nomination {
        Some(id) => format!("{} · {id}", app.t("操作", "Act")),
        None => app.t("操作", "Act"),
    };
    let inner = popup(f, area, 70, items.len() as u16 * 2 + 2, &title, th.title());
    let w = inner.width as usize;
    let mut lines = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let name = display(app.lang().action(it.kind));
        let mark = if i == sel { "▸ " } else { "  " };
        let style = match (&it.why_not, i == sel) {
            (None, true) => th.selected(),
            (None, false) => th.plain(),
            (Some(_), true) => th.dim().patch(th.selected()),
            (Some(_), false) => th.dim(),
        };
        lines.push(line_of(&format!("{mark}{name}"), w, style));
        if let Some(why) = &it.why_not {
            lines.push(Line::from(Span::styled(
                truncate(
                    &format!("    {} {why}", app.t("不可用:", "not offered:")),
                    w,
                ),
                th.dim(),
            )));
        }
    }
    let h = inner.height as usize;
    let skip = (sel * 2 + 2).saturating_sub(h);
    f.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), inner);
}

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
            if *state == 0 {
                format!("[{}] /{m}", pad(value, 5))
            } else {
                format!("[{}] /{m}", mark_state_label(*state, app.lang()))
            }
        }
    }
}

fn draw_form(app: &App, f: &mut Frame, area: Rect, form: &Form) {
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
                value: v, state: 0, ..
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
        if let Some((Some(ei), msg)) = &form.error {
            if *ei == i {
                for m in msg.lines() {
                    lines.push(Line::from(Span::styled(
                        truncate(&format!("  ✗ {m}"), w),
                        th.bad(),
                    )));
                }
            }
        }
    }
    if let Some((None, msg)) = &form.error {
        for m in msg.lines() {
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
                let summary = crate::act::summary(app.lang(), &action, &display(&me.name));
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
            Err((_, e)) => lines.push(Line::from(Span::styled(
                truncate(&format!("{} {}", app.t("提交:", "commit: "), e), w),
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
