//! The detail view of one nomination, one tab at a time.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::model::{
    ActionKind, Category, EvaluationKind, Mark, ObjectionStatus, Record, Role, Stance,
};
use crate::rules::{self, aggregate::review_total, conflict::conflict_of, text::num, Status};
use crate::text::{display, pad, truncate};

use super::super::app::{every_kind, App, Effect, Screen, Tab};
use super::super::history;
use super::super::jobs::{ExportKind, Job};
use super::super::keys::Cmd;
use super::super::popups::menu;
use super::super::view::{tabs_line, wrap_lines};

/// Whether Up/Down move a cursor over rows on `tab` (else they scroll).
pub fn has_cursor(tab: Tab) -> bool {
    matches!(
        tab,
        Tab::Scores | Tab::Evaluations | Tab::Opinions | Tab::Objections | Tab::History
    )
}

/// The detail's commands: tabs, the cursor (or scrolling on tabs without
/// one), the scores grid's columns, blame, export, act, back. The cursor rows
/// are read only for the commands that need them.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let Screen::Detail { id, tab, .. } = &app.screen else {
        return None;
    };
    let (id, tab) = (id.clone(), *tab);
    let cursor = has_cursor(tab);
    let needs_rows = matches!(
        cmd,
        Cmd::Down
            | Cmd::PageDown
            | Cmd::Bottom
            | Cmd::PrevCol
            | Cmd::NextCol
            | Cmd::Blame
            | Cmd::Open
    );
    let rows = if needs_rows {
        rows(app, &id, tab)
    } else {
        Vec::new()
    };
    let last = rows.len().saturating_sub(1);
    let page = app.page();
    let Screen::Detail { tab, scroll, .. } = &mut app.screen else {
        return None;
    };
    match cmd {
        Cmd::PrevTab | Cmd::NextTab => {
            *tab = tab.step(cmd == Cmd::NextTab);
            *scroll = 0;
            app.cursor = (0, 0);
            app.blamed = None;
        }
        Cmd::Up if cursor => app.cursor.0 = app.cursor.0.saturating_sub(1),
        Cmd::Down if cursor => app.cursor.0 = (app.cursor.0 + 1).min(last),
        Cmd::PageUp if cursor => app.cursor.0 = app.cursor.0.saturating_sub(page),
        Cmd::PageDown if cursor => app.cursor.0 = (app.cursor.0 + page).min(last),
        Cmd::Top if cursor => app.cursor.0 = 0,
        Cmd::Bottom if cursor => app.cursor.0 = last,
        Cmd::Up => *scroll = scroll.saturating_sub(1),
        Cmd::Down => *scroll = scroll.saturating_add(1),
        Cmd::PageUp => *scroll = scroll.saturating_sub(page as u16),
        Cmd::PageDown => *scroll = scroll.saturating_add(page as u16),
        Cmd::Top => *scroll = 0,
        Cmd::PrevCol | Cmd::NextCol => {
            // Column 0 is the whole score sheet, then each criterion.
            let cols = rows.first().map_or(1, Vec::len).max(1);
            app.cursor.1 = if cmd == Cmd::NextCol {
                (app.cursor.1 + 1) % cols
            } else {
                (app.cursor.1 + cols - 1) % cols
            };
        }
        Cmd::Blame => return blame(app, id, &rows),
        Cmd::Open => {
            let tab = *tab;
            return open(app, id, tab, &rows);
        }
        Cmd::Export => {
            let category = app.snap.record(&id).map(|r| r.nomination.category.clone());
            app.export_menu(every_kind(true, ExportKind::Form), category, Some(id));
        }
        Cmd::Back => {
            app.screen = Screen::List;
            app.blamed = None;
        }
        Cmd::Act => menu::open(app, Some(id)),
        Cmd::Score => menu::open_form(app, ActionKind::Score, Some(id)),
        _ => {}
    }
    None
}

/// Enter, the same on every tab: opens or expands the item under the
/// cursor. On the history tab the commit under the cursor shows its diff in
/// full (wrapped by display width) or folds again; my own score row opens
/// the score form; an open objection opens the resolve form when it is
/// offered; anything else jumps to the commit that last changed it, in full
/// (a blame).
fn open(app: &mut App, id: String, tab: Tab, rows: &[Vec<String>]) -> Option<Effect> {
    let field = rows.get(app.cursor.0).and_then(|r| r.first()).cloned();
    match tab {
        Tab::History => {
            let commit = app
                .history
                .get(&id)
                .and_then(|h| h.as_ref().ok())
                .and_then(|h| h.get(app.cursor.0))
                .map(|e| e.commit.clone());
            if let Some(c) = commit {
                app.expanded = if app.expanded.as_deref() == Some(c.as_str()) {
                    None
                } else {
                    Some(c)
                };
            }
            None
        }
        Tab::Scores
            if app
                .session
                .actor
                .as_ref()
                .is_some_and(|a| field.as_deref() == Some(format!("scores.{a}").as_str())) =>
        {
            menu::open_form(app, ActionKind::Score, Some(id));
            None
        }
        Tab::Objections => {
            let stem = field
                .as_deref()
                .and_then(|f| f.strip_prefix("objections."))
                .map(str::to_string);
            let open = stem.as_deref().is_some_and(|s| {
                app.snap
                    .record(&id)
                    .and_then(|r| r.objections.get(s))
                    .is_some_and(|o| o.status == ObjectionStatus::Open)
            });
            if open && menu::why_not(app, ActionKind::Resolve, Some(&id)).is_none() {
                menu::open_form(app, ActionKind::Resolve, Some(id));
                if let (Some(stem), Some(super::super::app::Overlay::Form(f))) =
                    (stem, app.overlays.last_mut())
                {
                    f.choose("objection", &stem);
                    f.settle();
                }
                return None;
            }
            blame(app, id, rows)
        }
        _ => blame(app, id, rows),
    }
}

/// Blames the field under the cursor: shown at once when known, else asked
/// of the reader (with the record's log when that is not loaded either).
fn blame(app: &mut App, id: String, rows: &[Vec<String>]) -> Option<Effect> {
    let field = rows
        .get(app.cursor.0)
        .and_then(|r| r.get(app.cursor.1).or(r.first()))
        .cloned();
    let Some(field) = field else {
        app.message = Some(app.t("這裡沒有可追溯的欄位", "nothing here to blame"));
        return None;
    };
    if app.blames.contains_key(&(id.clone(), field.clone())) {
        app.show_blame(id, field);
        return None;
    }
    let log = !app.history.contains_key(&id);
    app.request(Job::Blame { id, field, log })
}

/// The rows the cursor moves over on `tab` and the field a blame asks about on
/// each: column 0 the whole row (a score sheet, an opinion, the decision…),
/// then in the scores grid each criterion. History rows have no field.
pub fn rows(app: &App, id: &str, tab: Tab) -> Vec<Vec<String>> {
    let Some(record) = app.snap.record(id) else {
        return Vec::new();
    };
    match tab {
        Tab::Overview => vec![vec![if record.decision.is_some() {
            "decision".to_string()
        } else {
            "nomination".to_string()
        }]],
        Tab::Scores => {
            let criteria: Vec<String> = app
                .snap
                .campaign
                .category(&record.nomination.category)
                .map(|c| c.criteria.iter().map(|c| c.id.clone()).collect())
                .unwrap_or_default();
            app.snap
                .members
                .iter()
                .filter(|m| m.has_role(Role::Reviewer))
                .map(|m| {
                    std::iter::once(format!("scores.{}", m.id))
                        .chain(
                            criteria
                                .iter()
                                .map(|c| format!("scores.{}.marks.{c}", m.id)),
                        )
                        .collect()
                })
                .collect()
        }
        Tab::Evaluations => record
            .evaluations
            .keys()
            .map(|k| vec![format!("evaluations.{k}")])
            .collect(),
        Tab::Opinions => app
            .snap
            .campaign
            .departments
            .iter()
            .map(|d| vec![format!("opinions.{}", d.id)])
            .collect(),
        Tab::Votes => vec![vec!["votes".to_string()]],
        Tab::Objections => record
            .objections
            .keys()
            .map(|k| vec![format!("objections.{k}")])
            .collect(),
        Tab::History => match app.history.get(id) {
            Some(Ok(h)) => vec![Vec::new(); h.len()],
            _ => Vec::new(),
        },
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `▁▃█▂`-style histogram of `values` over 0..=max, and the bucket of `mine`.
pub fn histogram(values: &[f64], max: f64, mine: Option<f64>) -> (String, Option<usize>) {
    let nb = if max <= 10.0 {
        max.round() as usize + 1
    } else {
        11
    }
    .max(2);
    let bucket = |p: f64| ((p / max).clamp(0.0, 1.0) * (nb - 1) as f64).round() as usize;
    let mut counts = vec![0usize; nb];
    for v in values {
        counts[bucket(*v)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let s = counts
        .iter()
        .map(|c| {
            if *c == 0 {
                '·'
            } else {
                BARS[((c * 8).div_ceil(top)).clamp(1, 8) - 1]
            }
        })
        .collect();
    (s, mine.map(bucket))
}

fn mark_short(m: &Mark, lang: crate::i18n::Lang) -> String {
    match m {
        Mark::Points(p) => num(*p),
        Mark::NotScored => "·".into(),
        Mark::Abstain => lang.pick("棄", "ab").into(),
        Mark::NotApplicable => "-".into(),
        Mark::Recused => lang.pick("避", "rc").into(),
    }
}

/// What every tab of one record reads.
#[derive(Clone, Copy)]
struct Cx<'a> {
    app: &'a App,
    id: &'a str,
    record: &'a Record,
    cat: Option<&'a Category>,
    w: usize,
    zh: bool,
    me: Option<&'a str>,
    cursor: (usize, usize),
}

/// A tab's body: its lines, the first line of each cursor row, and (on the
/// history tab) the span of the entry under the cursor.
#[derive(Default)]
struct Body {
    lines: Vec<Line<'static>>,
    row_lines: Vec<usize>,
    history_span: Option<(usize, usize)>,
}

/// The record's head line, the tabs, and the body of `tab`.
pub fn draw(app: &App, f: &mut Frame, area: Rect, id: &str, tab: Tab, scroll: u16) {
    let th = app.session.theme;
    let l = app.lang();
    let w = area.width as usize;
    let Some(record) = app.snap.record(id) else {
        f.render_widget(Paragraph::new(format!("? {id}")), area);
        return;
    };
    let n = &record.nomination;
    let unit = app
        .snap
        .unit(&n.unit)
        .map_or_else(|| n.unit.clone(), |u| display(&u.name));
    let head = format!("{} · {} · {id}", display(&n.nominee.name), unit);
    f.render_widget(
        Paragraph::new(Span::styled(truncate(&head, w), th.title())),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let titles: Vec<String> = Tab::ALL.iter().map(|t| t.label(l)).collect();
    f.render_widget(
        Paragraph::new(tabs_line(&titles, tab.index(), w, th)),
        Rect::new(area.x, area.y + 1, area.width, 1),
    );
    let body = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2),
    );
    let cx = Cx {
        app,
        id,
        record,
        cat: app.snap.campaign.category(&n.category),
        w,
        zh: l.zh(),
        me: app.session.actor.as_deref(),
        cursor: app.cursor,
    };
    let b = match tab {
        Tab::Overview => overview(&cx),
        Tab::Scores => match scores(&cx) {
            Some(b) => b,
            None => return,
        },
        Tab::Evaluations => evaluations(&cx),
        Tab::Opinions => opinions(&cx),
        Tab::Votes => votes(&cx),
        Tab::Objections => objections(&cx),
        Tab::History => history(&cx),
    };
    let Body {
        mut lines,
        mut row_lines,
        history_span,
    } = b;
    let h = body.height as usize;
    let mut scroll = scroll;
    let cursor_row = (history_span.is_none() && has_cursor(tab) && !row_lines.is_empty())
        .then(|| app.cursor.0.min(row_lines.len() - 1));
    if let Some(r) = cursor_row {
        // The row under the cursor, reversed (kept in view below).
        if let Some(line) = lines.get_mut(row_lines[r]) {
            *line = std::mem::take(line).patch_style(th.selected());
        }
    }
    // The score grid and the history keep their columns (clipped); text tabs
    // wrap by display width (a wide character never sits half off the edge).
    if !matches!(tab, Tab::Scores | Tab::History) {
        let (wrapped, starts) = wrap_lines(lines, w);
        for r in row_lines.iter_mut() {
            *r = starts.get(*r).copied().unwrap_or(wrapped.len());
        }
        lines = wrapped;
    }
    if let Some(span) = history_span {
        scroll = history::scroll_to(span, h);
    } else if let Some(r) = cursor_row {
        let start = row_lines[r];
        let end = row_lines.get(r + 1).copied().unwrap_or(lines.len());
        scroll = history::scroll_to((start, end.saturating_sub(start)), h);
    }
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
}

/// Category, registration, score, gates, why not a candidate, what is missing, deeds, metrics.
fn overview(cx: &Cx) -> Body {
    let Cx {
        app,
        id,
        record,
        cat,
        ..
    } = *cx;
    let th = app.session.theme;
    let l = app.lang();
    let n = &record.nomination;
    let mut b = Body::default();
    let lines = &mut b.lines;
    let st = app.status(id);
    let kv = |k: String, v: String| {
        Line::from(vec![
            Span::styled(format!("{} ", pad(&k, 10)), th.dim()),
            Span::raw(v),
        ])
    };
    lines.push(kv(
        app.t("類別", "category"),
        cat.map_or(n.category.clone(), |c| display(l.own(&c.name, &c.name_en))),
    ));
    if let Some(b) = &n.brand {
        lines.push(kv(app.t("服務品牌", "brand"), display(b)));
    }
    lines.push(kv(
        app.t("登記", "registered"),
        format!(
            "{} · {} {}",
            n.registered,
            display(&n.contact.name),
            display(&n.contact.phone)
        ),
    ));
    if let Ok(st) = st.as_ref() {
        status_lines(cx, st, lines);
    }
    lines.push(Line::from(Span::styled(app.t("事跡", "Deeds"), th.title())));
    lines.push(Line::from(display(&n.deeds)));
    lines.push(Line::from(Span::styled(
        app.t("指標", "Metrics"),
        th.title(),
    )));
    let m = &n.metrics;
    for (y, v) in &m.appraisal_satisfaction {
        lines.push(kv(
            format!("{} {y}", app.t("行風評議", "appraisal")),
            format!("{}%", num(*v)),
        ));
    }
    if let Some(v) = m.service_satisfaction {
        lines.push(kv(
            app.t("服務滿意率", "satisfaction"),
            format!("{}%", num(v)),
        ));
    }
    if let Some(v) = m.knowledge_rate {
        lines.push(kv(app.t("應知應會率", "knowledge"), format!("{}%", num(v))));
    }
    lines.push(kv(
        app.t("創建活動", "activities"),
        format!(
            "{} · {} {} · {} {}",
            n.activities.len(),
            app.t("監督員", "supervisors"),
            n.supervisors.len(),
            app.t("證明材料", "evidence"),
            n.evidence.len()
        ),
    ));
    b
}

/// The overview's part the rules decide: score, aggregate, decision, gates,
/// vetoes, priority, why not a candidate, what is missing.
fn status_lines(cx: &Cx, st: &Status, lines: &mut Vec<Line<'static>>) {
    let Cx { app, cat, zh, .. } = *cx;
    let th = app.session.theme;
    let l = app.lang();
    let kv = |k: String, v: String| {
        Line::from(vec![
            Span::styled(format!("{} ", pad(&k, 10)), th.dim()),
            Span::raw(v),
        ])
    };
    let score = st
        .aggregate
        .final_score
        .map_or_else(|| "-".into(), crate::rules::round::two);
    let min = cat.map_or(0.0, |c| c.min_score);
    lines.push(kv(
        app.t("總分", "final score"),
        format!("{score} ({} {})", app.t("最低分", "minimum"), num(min)),
    ));
    lines.push(kv(
        app.t("匯總", "aggregate"),
        display(&app.say(&st.aggregate.summary(zh))),
    ));
    if let Some(d) = &st.decision {
        lines.push(kv(
            app.t("決定", "decision"),
            format!(
                "{} · {}（{}）",
                l.outcome(d.outcome),
                display(&d.reason),
                d.date
            ),
        ));
    }
    lines.push(Line::from(Span::styled(
        app.t("硬性條件", "Gates"),
        th.title(),
    )));
    for g in &st.gates.gates {
        let (mark, style) = if g.passed {
            ("✓", th.good())
        } else {
            ("✗", th.bad())
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} "), style),
            Span::raw(display(&app.say(&g.message(zh)))),
        ]));
    }
    for v in &st.gates.vetoes {
        let dept = app
            .snap
            .campaign
            .department(&v.department)
            .map_or(v.department.clone(), |d| {
                display(l.own(&d.name, &d.name_en))
            });
        lines.push(Line::from(vec![
            Span::styled("⊘ ", th.bad()),
            Span::raw(format!("{dept}: {}", display(&v.reason))),
        ]));
    }
    if st.gates.priority.flag {
        lines.push(Line::from(Span::styled(
            app.t("★ 優先（PRIORITY-BRAND）", "★ priority (PRIORITY-BRAND)"),
            th.good(),
        )));
    }
    if !st.ineligible.is_empty() {
        lines.push(Line::from(Span::styled(
            app.t("不能成為候選的原因", "Why it cannot be a candidate"),
            th.title(),
        )));
        for i in &st.ineligible {
            lines.push(Line::from(Span::styled(
                format!("✗ {}", display(&app.say(&i.message(Some(&app.snap), zh)))),
                th.bad(),
            )));
        }
    }
    if !st.missing.is_empty() {
        lines.push(Line::from(Span::styled(
            app.t("尚缺", "Still missing"),
            th.title(),
        )));
        for m in &st.missing {
            lines.push(Line::from(Span::styled(
                format!("· {}", display(&app.say(&m.message(Some(&app.snap), zh)))),
                th.warn(),
            )));
        }
    }
}

/// The reviewers' score grid (the criterion under the cursor marked) and each criterion's distribution.
fn scores(cx: &Cx) -> Option<Body> {
    let Cx {
        app,
        record,
        cat,
        zh,
        me,
        cursor: (cur_row, cur_col),
        ..
    } = *cx;
    let th = app.session.theme;
    let n = &record.nomination;
    let mut b = Body::default();
    let lines = &mut b.lines;
    let row_lines = &mut b.row_lines;
    let cat = cat?;
    let reviewers: Vec<_> = app
        .snap
        .members
        .iter()
        .filter(|m| m.has_role(Role::Reviewer))
        .collect();
    let nw = 8;
    let cw = 5;
    let w = cx.w;
    // The grid is clipped, not wrapped: a cell that does not fit whole
    // becomes … so that no number is cut into another number.
    let cells = |first: String, rest: Vec<String>, last: String, style| {
        let mut spans = vec![Span::styled(pad(&first, nw), style)];
        spans.extend(rest.into_iter().map(|t| Span::styled(pad(&t, cw), style)));
        spans.push(Span::styled(last, style));
        Line::from(fit_cells(spans, w))
    };
    lines.push(cells(
        app.t("評委", "reviewer"),
        cat.criteria.iter().map(|c| format!(" {}", c.id)).collect(),
        format!(" {}", app.t("合計", "total")),
        th.title(),
    ));
    lines.push(cells(
        app.t("滿分", "max"),
        cat.criteria
            .iter()
            .map(|c| format!(" {}", num(c.max)))
            .collect(),
        format!(" {}", num(cat.total_max())),
        th.dim(),
    ));
    for r in &reviewers {
        let mine = me == Some(r.id.as_str());
        let name = format!("{}{}", if mine { "▶" } else { " " }, display(&r.name));
        let base = if mine { th.mine() } else { th.plain() };
        let here = row_lines.len() == cur_row;
        let mut spans = vec![Span::styled(pad(&name, nw), base)];
        let conflict = conflict_of(r, n);
        match (record.scores.get(&r.id), &conflict) {
            (_, Some(c)) => {
                spans.push(Span::styled(
                    format!(
                        " {}{}",
                        app.t("回避：", "recused: "),
                        display(&app.say(&c.message(Some(&app.snap), zh)))
                    ),
                    base,
                ));
            }
            (Some(sc), None) => {
                for (ci, c) in cat.criteria.iter().enumerate() {
                    let v = sc
                        .marks
                        .get(&c.id)
                        .map_or("·".into(), |m| mark_short(m, app.lang()));
                    // The criterion under the cursor, for a blame.
                    let style = if here && cur_col == ci + 1 {
                        base.patch(th.highlight())
                    } else {
                        base
                    };
                    spans.push(Span::styled(pad(&format!(" {v}"), cw), style));
                }
                let t = review_total(cat, &r.id, sc);
                spans.push(Span::styled(
                    format!(" {}", t.total.map_or("-".into(), crate::rules::round::two)),
                    base,
                ));
                spans = fit_cells(spans, w);
            }
            (None, None) => spans.push(Span::styled(
                format!(" {}", app.t("未評分", "not scored")),
                base,
            )),
        }
        row_lines.push(lines.len());
        lines.push(Line::from(spans));
    }
    if let Some(a) = rules::aggregate(&app.snap, record) {
        lines.push(Line::from(Span::styled(
            truncate(&display(&app.say(&a.summary(zh))), w),
            th.dim(),
        )));
    }
    lines.push(Line::from(Span::styled(
        app.t(
            "各項分布（0 → 滿分）",
            "Distribution per criterion (0 → max)",
        ),
        th.title(),
    )));
    let my_score = me.and_then(|m| record.scores.get(m));
    for c in &cat.criteria {
        let vals: Vec<f64> = record
            .scores
            .values()
            .filter_map(|s| s.marks.get(&c.id).and_then(|m| m.points()))
            .collect();
        let mine = my_score
            .and_then(|s| s.marks.get(&c.id))
            .and_then(|m| m.points());
        let (hist, my_bucket) = histogram(&vals, c.max, mine);
        let mut spans = vec![Span::raw(format!(
            "{} /{} ",
            pad(&c.id, 3),
            pad(&num(c.max), 2)
        ))];
        for (i, ch) in hist.chars().enumerate() {
            let style = if Some(i) == my_bucket {
                th.mine().patch(th.selected())
            } else {
                th.plain()
            };
            spans.push(Span::styled(ch.to_string(), style));
        }
        let mean = if vals.is_empty() {
            "-".into()
        } else {
            crate::rules::round::two(vals.iter().sum::<f64>() / vals.len() as f64)
        };
        spans.push(Span::raw(format!(" {} {mean}", app.t("均", "avg"))));
        if let Some(m) = mine {
            spans.push(Span::styled(
                format!(" {}={}", app.t("我", "me"), num(m)),
                th.mine(),
            ));
        }
        lines.push(Line::from(fit_cells(spans, w)));
    }
    Some(b)
}

/// `spans` (one cell each) cut to `cols` columns at a cell boundary: the
/// first cell that does not fit whole becomes `…` (in its style) and the
/// rest is dropped, so a clipped number never reads as another number.
pub fn fit_cells(spans: Vec<Span<'static>>, cols: usize) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    for s in spans {
        let sw = crate::text::width(&s.content);
        if used + sw <= cols {
            used += sw;
            out.push(s);
            continue;
        }
        // The cell's leading space stays before the mark, so that … is
        // never glued to the number before it; without room for both, nothing.
        let lead = s.content.len() - s.content.trim_start().len();
        let left = cols - used;
        if lead == 0 && left >= 1 {
            out.push(Span::styled("…", s.style));
        } else if lead > 0 && left >= 2 {
            let room = (left - 1).min(lead);
            out.push(Span::styled(format!("{}…", " ".repeat(room)), s.style));
        }
        break;
    }
    out
}

/// Each evaluation: date, kind, author, rating and findings.
fn evaluations(cx: &Cx) -> Body {
    let Cx { app, record, .. } = *cx;
    let th = app.session.theme;
    let mut b = Body::default();
    let lines = &mut b.lines;
    let row_lines = &mut b.row_lines;
    if record.evaluations.is_empty() {
        lines.push(Line::from(app.t("尚無測評記錄", "no evaluation yet")));
    }
    for e in record.evaluations.values() {
        let kind = match e.kind {
            EvaluationKind::Routine => app.t("日常測評", "routine"),
            EvaluationKind::Unannounced => app.t("明察暗訪", "unannounced"),
            EvaluationKind::SiteVisit => app.t("實地考察", "site visit"),
            EvaluationKind::Interview => app.t("座談走訪", "interview"),
        };
        let who = app
            .snap
            .member(&e.author)
            .map_or(e.author.clone(), |m| display(&m.name));
        let rating = e.rating.map_or(String::new(), |r| format!(" · {}", num(r)));
        row_lines.push(lines.len());
        lines.push(Line::from(Span::styled(
            format!("{} {kind} {who}{rating}", e.date),
            th.title(),
        )));
        lines.push(Line::from(format!("  {}", display(&e.findings))));
    }
    b
}

/// Each department's opinion, or that it has not answered.
fn opinions(cx: &Cx) -> Body {
    let Cx { app, record, .. } = *cx;
    let th = app.session.theme;
    let l = app.lang();
    let mut b = Body::default();
    let lines = &mut b.lines;
    let row_lines = &mut b.row_lines;
    for d in &app.snap.campaign.departments {
        let name = display(l.own(&d.name, &d.name_en));
        row_lines.push(lines.len());
        match record.opinions.get(&d.id) {
            Some(o) => {
                let (mark, label, style) = match o.stance {
                    Stance::Approve => ("✓", app.t("同意", "approve"), th.good()),
                    Stance::Concern => ("?", app.t("有保留", "concern"), th.warn()),
                    Stance::Veto => ("⊘", app.t("否決", "veto"), th.bad()),
                };
                let reason = if o.reason.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", display(&o.reason))
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{mark} {} {label}", pad(&name, 12)), style),
                    Span::raw(format!(" {}{reason}", o.date)),
                ]));
            }
            None => lines.push(Line::from(Span::styled(
                format!("· {} {}", pad(&name, 12), app.t("未答復", "no answer yet")),
                th.dim(),
            ))),
        }
    }
    b
}

/// The democratic vote: a bar per answer and the satisfaction rate.
fn votes(cx: &Cx) -> Body {
    let Cx { app, record, w, .. } = *cx;
    let mut b = Body::default();
    let lines = &mut b.lines;
    match &record.votes {
        None => lines.push(Line::from(app.t("尚無民主測評", "no votes recorded"))),
        Some(v) => {
            let total = v.total().max(1);
            let bw = w.saturating_sub(24).max(4);
            for (label, n) in [
                (app.t("滿意", "satisfied"), v.satisfied),
                (app.t("基本滿意", "basically"), v.basically_satisfied),
                (app.t("不滿意", "dissatisfied"), v.dissatisfied),
            ] {
                let bar = "█".repeat(n as usize * bw / total as usize);
                lines.push(Line::from(format!("{} {:>5} {bar}", pad(&label, 12), n)));
            }
            if let Some(r) = v.satisfaction_rate() {
                lines.push(Line::from(format!(
                    "{} {:.1}% · {}",
                    app.t("滿意率", "satisfaction"),
                    r,
                    v.date
                )));
            }
        }
    }
    b
}

/// Each objection: status, fraud report, source, text and resolution.
fn objections(cx: &Cx) -> Body {
    let Cx { app, record, .. } = *cx;
    let th = app.session.theme;
    let mut b = Body::default();
    let lines = &mut b.lines;
    let row_lines = &mut b.row_lines;
    if record.objections.is_empty() {
        lines.push(Line::from(app.t("沒有異議", "no objection")));
    }
    for (stem, o) in &record.objections {
        let (status, style) = match o.status {
            ObjectionStatus::Open => (app.t("未處理", "open"), th.bad()),
            ObjectionStatus::Upheld => (app.t("成立", "upheld"), th.warn()),
            ObjectionStatus::Dismissed => (app.t("不成立", "dismissed"), th.good()),
        };
        let fraud = if o.fraud {
            app.t(" · 舉報弄虛作假", " · fraud report")
        } else {
            String::new()
        };
        row_lines.push(lines.len());
        lines.push(Line::from(Span::styled(
            format!("{stem} {status}{fraud} · {}", display(&o.source)),
            style,
        )));
        lines.push(Line::from(format!("  {}", display(&o.text))));
        if let Some(r) = &o.resolution {
            lines.push(Line::from(Span::styled(
                format!(
                    "  → {} {}{}{}",
                    r.date,
                    display(&app.lang().member(&app.snap, &r.by)),
                    if app.lang().zh() { "：" } else { ": " },
                    display(&r.reason)
                ),
                th.dim(),
            )));
        }
    }
    b
}

/// The record's signed history (see `tui/history.rs`).
fn history(cx: &Cx) -> Body {
    let Cx {
        app,
        id,
        w,
        cursor: (cur_row, _),
        ..
    } = *cx;
    let mut b = Body::default();
    let lines = &mut b.lines;
    let (hl, span) = history::tab_lines(app, id, cur_row, w);
    *lines = hl;
    b.history_span = Some(span);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_marks_my_bucket() {
        let (h, mine) = histogram(&[8.0, 8.0, 9.0, 10.0], 10.0, Some(9.0));
        assert_eq!(h.chars().count(), 11);
        assert_eq!(h.chars().nth(8), Some('█'));
        assert_eq!(h.chars().nth(9), Some('▄'));
        assert_eq!(h.chars().next(), Some('·'));
        assert_eq!(mine, Some(9));
    }

    #[test]
    fn a_cell_that_does_not_fit_whole_becomes_an_ellipsis() {
        let cells = || {
            ["name    ", " 14  ", " 19.5", " 93.5"]
                .into_iter()
                .map(|t| Span::raw(t.to_string()))
                .collect::<Vec<_>>()
        };
        let text =
            |v: Vec<Span<'static>>| v.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(fit_cells(cells(), 40)), "name     14   19.5 93.5");
        // 93.5 cut after its first digit would read 9: never.
        assert_eq!(text(fit_cells(cells(), 20)), "name     14   19.5 …");
        assert_eq!(text(fit_cells(cells(), 19)), "name     14   19.5");
        assert_eq!(text(fit_cells(cells(), 15)), "name     14   …");
    }
}
