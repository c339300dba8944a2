//! Rankings per category: positions, ties, the minimum-score line, the cut line
//! and a bar of each final score; then the entries out of the ranking and why.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::i18n::Lang;
use crate::rules::{text::num, Ranking};
use crate::text::{display, pad, truncate};

use super::super::app::{every_kind, App, Effect, Screen};
use super::super::jobs::ExportKind;
use super::super::keys::Cmd;
use super::super::view::tabs_line;

/// The rankings' commands: category tabs, scroll, export, the action menu
/// (the chair's campaign-wide writes: publish, tie order …), back.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    if cmd == Cmd::Act {
        super::super::popups::menu::open(app, None);
        return None;
    }
    if cmd == Cmd::Export {
        if let Screen::Rankings { cat, .. } = app.screen {
            let category = app.snap.campaign.categories.get(cat).map(|c| c.id.clone());
            app.export_menu(every_kind(false, ExportKind::Notice), category, None);
        }
        return None;
    }
    let page = app.page() as u16;
    let n = app.snap.campaign.categories.len().max(1);
    let Screen::Rankings { cat, scroll } = &mut app.screen else {
        return None;
    };
    match cmd {
        Cmd::PrevTab => *cat = (*cat + n - 1) % n,
        Cmd::NextTab => *cat = (*cat + 1) % n,
        Cmd::Up => *scroll = scroll.saturating_sub(1),
        Cmd::Down => *scroll = scroll.saturating_add(1),
        Cmd::PageDown => *scroll = scroll.saturating_add(page),
        Cmd::PageUp => *scroll = scroll.saturating_sub(page),
        Cmd::Top => *scroll = 0,
        Cmd::Back => app.screen = Screen::List,
        _ => {}
    }
    None
}

const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// A bar of `value / max` over `cols` columns, in eighths.
pub fn bar(value: f64, max: f64, cols: usize) -> String {
    if max <= 0.0 || cols == 0 {
        return String::new();
    }
    let eighths = ((value / max).clamp(0.0, 1.0) * (cols * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    s
}

/// The entries out of the ranking, each with its first reason.
fn out_of_ranking(app: &App, ranking: &Ranking, nw: usize, w: usize) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let zh = app.lang().zh();
    let mut lines = Vec::new();
    if ranking.ineligible.is_empty() {
        return lines;
    }
    lines.push(Line::from(Span::styled(
        match app.lang() {
            Lang::En => format!("Out of the ranking ({})", ranking.ineligible.len()),
            _ => format!(
                "{}（{}）",
                app.t("不參與排名", "Out of the ranking"),
                ranking.ineligible.len()
            ),
        },
        th.title(),
    )));
    for e in &ranking.ineligible {
        let why = e
            .reasons
            .first()
            .map(|r| display(&app.say(&r.message(Some(&app.snap), zh))))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::raw(format!("  {} ", pad(&display(&e.nominee), nw))),
            Span::styled(truncate(&why, w.saturating_sub(nw + 3)), th.dim()),
        ]));
    }
    lines
}

/// The minimum-score mark after a bar that stops short of it: spaces up to
/// its column, then `┊`; nothing when the bar reaches it.
fn min_mark(value: f64, max: f64, cols: usize, min_col: usize) -> String {
    let drawn = crate::text::width(&bar(value, max, cols));
    if min_col == 0 || drawn > min_col || min_col >= cols {
        return String::new();
    }
    format!("{}┊", " ".repeat(min_col - drawn))
}

/// One category's ranking (memoised per snapshot), its lines and the entries
/// out of it.
pub fn draw(app: &App, f: &mut Frame, area: Rect, cat: usize, scroll: u16) {
    let th = app.session.theme;
    let l = app.lang();
    let zh = l.zh();
    let w = area.width as usize;
    let titles: Vec<String> = app
        .snap
        .campaign
        .categories
        .iter()
        .map(|c| display(l.own(&c.name, &c.name_en)))
        .collect();
    f.render_widget(
        Paragraph::new(tabs_line(&titles, cat, w, th)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let Some(category) = app.snap.campaign.categories.get(cat) else {
        return;
    };
    let total_max = category.total_max();
    let mut lines: Vec<Line> = Vec::new();
    let Some(ranking) = app.ranking(cat) else {
        return;
    };
    let ranking = match ranking.as_ref() {
        Ok(r) => r,
        Err(e) => {
            f.render_widget(
                Paragraph::new(display(&app.say(&e.message(zh)))),
                Rect::new(
                    area.x,
                    area.y + 1,
                    area.width,
                    area.height.saturating_sub(1),
                ),
            );
            return;
        }
    };
    let lowest = ranking
        .entries
        .iter()
        .filter_map(|e| e.final_score)
        .fold(ranking.min_score, f64::min);
    let lo = (((lowest - 5.0) / 5.0).floor() * 5.0).clamp(0.0, total_max.max(0.0));
    let slots = ranking
        .slots
        .map_or_else(|| app.t("不限", "open"), |s| s.to_string());
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                "{} {slots} · {} {} · {} {} · {} {}",
                app.t("名額", "slots"),
                app.t("最低分", "minimum"),
                num(ranking.min_score),
                app.t("已選", "selected"),
                ranking.selected.len(),
                app.t("條形起點", "bars from"),
                num(lo)
            ),
            w,
        ),
        th.dim(),
    )));
    let nw = if w >= 60 {
        24
    } else {
        w.saturating_sub(16).min(14)
    };
    let bw = w.saturating_sub(nw + 14);
    // Bars start a little below the lowest score or the minimum, not at 0
    // (else 76 and 92 look alike); ┊ marks the minimum score in each bar.
    let span = total_max - lo;
    let min_col = if span > 0.0 {
        (((ranking.min_score - lo) / span).clamp(0.0, 1.0) * bw as f64).round() as usize
    } else {
        0
    };
    let min_line = Line::from(Span::styled(
        truncate(
            &format!(
                "┄┄ {} {} ┄┄{}",
                app.t("最低分線", "minimum score"),
                num(ranking.min_score),
                "┄".repeat(w)
            ),
            w,
        ),
        th.warn(),
    ));
    let mut min_drawn = false;
    let last_selected = ranking.entries.iter().rposition(|e| e.selected);
    for (i, e) in ranking.entries.iter().enumerate() {
        if !e.above_min && !min_drawn {
            min_drawn = true;
            lines.push(min_line.clone());
        }
        let tie = if e.tied_with.is_empty() { " " } else { "=" };
        let sel = if e.selected { "✓" } else { " " };
        let prio = if e.priority { "★" } else { " " };
        let score = e.final_score.unwrap_or(0.0);
        let style = if e.selected { th.good() } else { th.plain() };
        lines.push(Line::from(vec![
            Span::styled(format!("{tie}{:>2} {sel}{prio}", e.position), style),
            Span::styled(pad(&display(&e.nominee), nw), style),
            Span::raw(format!(" {:>6.2} ", score)),
            Span::styled(bar(score - lo, span, bw), th.title()),
            Span::styled(min_mark(score - lo, span, bw, min_col), th.warn()),
        ]));
        if Some(i) == last_selected {
            lines.push(Line::from(Span::styled(
                truncate(
                    &format!("━━ {} ━━{}", app.t("入選線", "cut line"), "━".repeat(w)),
                    w,
                ),
                th.bad(),
            )));
        }
    }
    // Every entry is above the minimum: the line still shows where it is.
    if !min_drawn && !ranking.entries.is_empty() {
        lines.push(min_line);
    }
    if let Some(t) = &ranking.cut_tie {
        lines.push(Line::from(Span::styled(
            display(&app.say(&t.message(zh))),
            th.bad(),
        )));
    }
    lines.extend(out_of_ranking(app, ranking, nw, w));
    f.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)),
        Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height.saturating_sub(1),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_use_eighths() {
        assert_eq!(bar(50.0, 100.0, 4), "██");
        assert_eq!(bar(100.0, 100.0, 2), "██");
        assert_eq!(bar(1.0, 8.0, 1), "▏");
        assert_eq!(bar(0.0, 100.0, 4), "");
    }
}
