//! The nominations list: category tabs, the search line, one row per
//! nomination (id, nominee, unit, status, my part, score, flags); its keys and
//! the search line's typing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::model::ActionKind;
use crate::rules;
use crate::text::{display, pad, truncate, width};

use super::super::app::{App, Effect, Screen, Tab};
use super::super::keys::Cmd;
use super::super::popups::menu;
use super::super::rows::Mine;
use super::super::view::{cell, line_of, tabs_line};

/// Typing on the search line: `Some` when the key was taken.
pub fn typed(app: &mut App, key: &KeyEvent) -> Option<Option<Effect>> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            app.query.push(c);
            app.sel = 0;
            app.offset.set(0);
            app.refilter();
            Some(None)
        }
        KeyCode::Backspace => {
            app.query.pop();
            app.refilter();
            Some(None)
        }
        _ => None,
    }
}

/// The search line's commands (Enter keeps the query, Esc drops it).
pub fn handle_search(app: &mut App, cmd: Cmd) -> Option<Effect> {
    match cmd {
        Cmd::Open => app.searching = false,
        Cmd::Back => {
            app.searching = false;
            app.query.clear();
            app.refilter();
        }
        Cmd::Up => app.move_sel(-1),
        Cmd::Down => app.move_sel(1),
        _ => {}
    }
    app.fill_hits();
    None
}

/// The list's commands.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let page = app.page() as isize;
    match cmd {
        Cmd::Up => app.move_sel(-1),
        Cmd::Down => app.move_sel(1),
        Cmd::PageUp => app.move_sel(-page),
        Cmd::PageDown => app.move_sel(page),
        Cmd::Top => app.sel = 0,
        Cmd::Bottom => app.sel = app.view.len().saturating_sub(1),
        Cmd::PrevTab | Cmd::NextTab => {
            app.cat_tab = step_category(
                app.cat_tab,
                app.snap.campaign.categories.len(),
                cmd == Cmd::NextTab,
            );
            app.sel = 0;
            app.offset.set(0);
            app.refilter();
        }
        Cmd::Open => {
            if let Some(r) = app.selected_row() {
                app.screen = Screen::Detail {
                    id: r.id.clone(),
                    tab: Tab::Overview,
                    scroll: 0,
                };
                app.cursor = (0, 0);
                app.blamed = None;
            }
        }
        Cmd::Search => {
            app.searching = true;
            app.query.clear();
            app.refilter();
        }
        Cmd::Back => {
            app.query.clear();
            app.refilter();
        }
        Cmd::Filter => {
            app.filter = app.filter.next();
            app.refilter();
            app.message = Some(format!(
                "{}{}",
                app.t("篩選：", "filter: "),
                app.filter.label(app.lang())
            ));
        }
        Cmd::Sort => {
            app.sort = app.sort.next();
            app.refilter();
            app.message = Some(format!(
                "{}{}",
                app.t("排序：", "sort: "),
                app.sort.label(app.lang())
            ));
        }
        Cmd::Rankings => {
            app.screen = Screen::Rankings {
                cat: app.cat_tab.unwrap_or(0),
                scroll: 0,
            }
        }
        Cmd::SetAside => return super::super::popups::aside::open(app),
        Cmd::Audit => {
            app.screen = Screen::Audit {
                sel: 0,
                only_violations: false,
            }
        }
        Cmd::Act => {
            let id = app.selected_row().map(|r| r.id.clone());
            menu::open(app, id);
        }
        Cmd::Score => {
            if let Some(id) = app.selected_row().map(|r| r.id.clone()) {
                menu::open_form(app, ActionKind::Score, Some(id));
            }
        }
        _ => {}
    }
    app.fill_hits();
    None
}

/// The category tab after (or before) `tab` among `n` categories and "all".
pub fn step_category(tab: Option<usize>, n: usize, forward: bool) -> Option<usize> {
    // Positions: 0 is every category, then each one.
    let len = n + 1;
    let at = tab.map_or(0, |i| i + 1);
    let next = if forward {
        (at + 1) % len
    } else {
        (at + len - 1) % len
    };
    next.checked_sub(1)
}

/// The list: category tabs, the search line, the column heads, the rows on
/// screen (the window kept on the selection).
pub fn draw(app: &App, f: &mut Frame, area: Rect) {
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
        Paragraph::new(tabs_line(&titles, app.cat_tab.map_or(0, |i| i + 1), w, th)),
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
    let cols = Columns::new(w);
    let head = cols.head(app);
    f.render_widget(
        Paragraph::new(line_of(&head, w, th.title())),
        Rect::new(area.x, y, area.width, 1),
    );
    y += 1;
    let rows_h = (area.y + area.height).saturating_sub(y) as usize;
    // Layout only the draw knows: kept in cells for the keys (paging).
    app.page.set(rows_h.max(1));
    let offset = app.window(rows_h);
    app.offset.set(offset);
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
    // Only the visible rows are built (their matches located by the keys).
    let mut lines = Vec::with_capacity(rows_h);
    for (pos, &ri) in app.view.iter().enumerate().skip(offset).take(rows_h) {
        lines.push(row_line(app, &cols, ri, pos == app.sel));
    }
    f.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, y, area.width, rows_h as u16),
    );
}

/// One row of the list; the cursor marks its first column.
fn row_line(app: &App, cols: &Columns, ri: usize, selected: bool) -> Line<'static> {
    let th = app.session.theme;
    let l = app.lang();
    let r = &app.rows[ri];
    // The cursor marks the row's first column only: moving it rewrites a
    // few cells, not two whole rows (slow SSH links; P8 in the README).
    let base = th.plain();
    let first = if selected { th.selected() } else { th.plain() };
    let hit = app.hit(ri);
    let hit = hit.as_deref();
    let hl = |field: usize| -> Vec<usize> {
        match hit {
            Some((fi, m)) if *fi == field => m.chars.clone(),
            _ => Vec::new(),
        }
    };
    let mut spans = Vec::new();
    if cols.wide {
        spans.extend(cell(
            &r.id,
            cols.id,
            &hl(r.keys.len()),
            first,
            th.highlight(),
        ));
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
    let nominee_style = if cols.wide { base } else { first };
    spans.extend(cell(
        &nominee,
        cols.nominee,
        &hl(0),
        nominee_style,
        th.highlight(),
    ));
    spans.push(Span::styled(" ", base));
    if cols.wide {
        spans.extend(cell(&r.unit, cols.unit, &hl(1), base, th.highlight()));
        spans.push(Span::styled(" ", base));
        spans.extend(cell(&r.status.label(l), cols.status, &[], base, th.plain()));
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
    spans.extend(cell(&mine, cols.mine, &[], mine_style, th.plain()));
    spans.push(Span::styled(" ", base));
    let score = r
        .score
        .map_or_else(|| "-".to_string(), crate::rules::round::two);
    spans.extend(cell(&score, cols.score, &[], base, th.plain()));
    spans.push(Span::styled(" ", base));
    spans.extend(cell(
        &r.flags(),
        cols.flag,
        &[],
        base.patch(th.bad()),
        th.plain(),
    ));
    Line::from(spans)
}

/// The list's column widths: wide terminals get id, unit and status; narrow
/// ones the essentials.
struct Columns {
    wide: bool,
    id: usize,
    nominee: usize,
    unit: usize,
    status: usize,
    mine: usize,
    score: usize,
    flag: usize,
}

impl Columns {
    fn new(w: usize) -> Columns {
        let wide = w >= 70;
        let (id, status, mine, score, flag) = if wide {
            (15, 8, 6, 6, 4)
        } else {
            (0, 0, 5, 6, 3)
        };
        let fixed = id + status + mine + score + flag + if wide { 6 } else { 3 };
        let flex = w.saturating_sub(fixed);
        let (nominee, unit) = if wide {
            let n = flex * 3 / 5;
            (n, flex - n)
        } else {
            (flex, 0)
        };
        Columns {
            wide,
            id,
            nominee,
            unit,
            status,
            mine,
            score,
            flag,
        }
    }

    /// The column heads.
    fn head(&self, app: &App) -> String {
        let mut s = String::new();
        if self.wide {
            s.push_str(&pad(&app.t("編號", "id"), self.id));
            s.push(' ');
        }
        s.push_str(&pad(&app.t("名稱", "nominee"), self.nominee));
        s.push(' ');
        if self.wide {
            s.push_str(&pad(&app.t("單位", "unit"), self.unit));
            s.push(' ');
            s.push_str(&pad(&app.t("狀態", "status"), self.status));
            s.push(' ');
        }
        s.push_str(&pad(&app.t("我的", "mine"), self.mine));
        s.push(' ');
        s.push_str(&pad(&app.t("總分", "score"), self.score));
        s.push(' ');
        s.push_str(&pad(&app.t("標記", "flag"), self.flag));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::step_category;

    #[test]
    fn category_tabs_go_through_all_then_each_and_wrap() {
        assert_eq!(step_category(None, 3, true), Some(0));
        assert_eq!(step_category(Some(2), 3, true), None);
        assert_eq!(step_category(None, 3, false), Some(2));
        assert_eq!(step_category(Some(0), 3, false), None);
        assert_eq!(step_category(None, 0, true), None, "no category: all only");
    }
}
