//! The detail view of one nomination, one tab at a time.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::model::{EvaluationKind, Mark, ObjectionStatus, Role, Stance};
use crate::rules::{self, aggregate::review_total, conflict::conflict_of, text::num};
use crate::text::{display, pad, truncate};

use super::app::{App, Tab};
use super::history;
use super::view::tabs_line;

/// Whether Up/Down move a cursor over rows on `tab` (else they scroll).
pub fn has_cursor(tab: Tab) -> bool {
    matches!(
        tab,
        Tab::Scores | Tab::Evaluations | Tab::Opinions | Tab::Objections | Tab::History
    )
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

fn mark_short(m: &Mark, zh: bool) -> String {
    match m {
        Mark::Points(p) => num(*p),
        Mark::NotScored => "·".into(),
        Mark::Abstain => if zh { "棄" } else { "ab" }.into(),
        Mark::NotApplicable => "-".into(),
        Mark::Recused => if zh { "避" } else { "rc" }.into(),
    }
}

pub fn draw(app: &mut App, f: &mut Frame, area: Rect, id: &str, tab: usize, scroll: u16) {
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
        Paragraph::new(tabs_line(&titles, tab, w, th)),
        Rect::new(area.x, area.y + 1, area.width, 1),
    );
    let body = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(2),
    );
    let zh = l.zh();
    let me = app.session.actor.clone();
    let mut lines: Vec<Line> = Vec::new();
    // The first line of each cursor row, and the history entry's span.
    let mut row_lines: Vec<usize> = Vec::new();
    let mut history_span = None;
    let (cur_row, cur_col) = app.cursor;
    let cat = app.snap.campaign.category(&n.category);
    match Tab::ALL[tab.min(Tab::ALL.len() - 1)] {
        Tab::Overview => {
            let st = rules::status(&app.snap, id, app.day(), me.as_deref());
            let kv = |k: String, v: String| {
                Line::from(vec![
                    Span::styled(format!("{} ", pad(&k, 10)), th.dim()),
                    Span::raw(v),
                ])
            };
            lines.push(kv(
                app.t("類別", "category"),
                cat.map_or(n.category.clone(), |c| display(l.pick(&c.name, &c.name_en))),
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
            if let Ok(st) = &st {
                let score = st
                    .aggregate
                    .final_score
                    .map_or_else(|| "-".into(), |s| format!("{s:.2}"));
                let min = cat.map_or(0.0, |c| c.min_score);
                lines.push(kv(
                    app.t("總分", "final score"),
                    format!("{score} ({} {})", app.t("最低分", "minimum"), num(min)),
                ));
                lines.push(kv(
                    app.t("匯總", "aggregate"),
                    display(&st.aggregate.summary(zh)),
                ));
                if let Some(d) = &st.decision {
                    lines.push(kv(
                        app.t("決定", "decision"),
                        format!("{:?} · {} ({})", d.outcome, display(&d.reason), d.date),
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
                        Span::raw(display(&g.message(zh))),
                    ]));
                }
                for v in &st.gates.vetoes {
                    let dept = app
                        .snap
                        .campaign
                        .department(&v.department)
                        .map_or(v.department.clone(), |d| {
                            display(l.pick(&d.name, &d.name_en))
                        });
                    lines.push(Line::from(vec![
                        Span::styled("⊘ ", th.bad()),
                        Span::raw(format!("{dept}: {}", display(&v.reason))),
                    ]));
                }
                if st.gates.priority.flag {
                    lines.push(Line::from(Span::styled(
                        app.t("★ 優先(PRIORITY-BRAND)", "★ priority (PRIORITY-BRAND)"),
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
                            format!("✗ {}", display(&i.message(zh))),
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
                            format!("· {}", display(&m.message(zh))),
                            th.warn(),
                        )));
                    }
                }
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
        }
        Tab::Scores => {
            let Some(cat) = cat else {
                return;
            };
            let reviewers: Vec<_> = app
                .snap
                .members
                .iter()
                .filter(|m| m.has_role(Role::Reviewer))
                .collect();
            let nw = 8;
            let cw = 5;
            let mut head = pad(&app.t("評委", "reviewer"), nw);
            for c in &cat.criteria {
                head.push_str(&pad(&format!(" {}", c.id), cw));
            }
            head.push_str(&format!(" {}", app.t("合計", "total")));
            lines.push(Line::from(Span::styled(head, th.title())));
            let mut maxes = pad(&app.t("滿分", "max"), nw);
            for c in &cat.criteria {
                maxes.push_str(&pad(&format!(" {}", num(c.max)), cw));
            }
            maxes.push_str(&format!(" {}", num(cat.total_max())));
            lines.push(Line::from(Span::styled(maxes, th.dim())));
            for r in &reviewers {
                let mine = me.as_deref() == Some(r.id.as_str());
                let name = format!("{}{}", if mine { "▶" } else { " " }, display(&r.name));
                let base = if mine { th.mine() } else { th.plain() };
                let here = row_lines.len() == cur_row;
                let mut spans = vec![Span::styled(pad(&name, nw), base)];
                let conflict = conflict_of(r, n);
                match (record.scores.get(&r.id), &conflict) {
                    (_, Some(c)) => {
                        spans.push(Span::styled(
                            format!(
                                " {} {}",
                                app.t("回避:", "recused:"),
                                display(&c.message(zh))
                            ),
                            base,
                        ));
                    }
                    (Some(sc), None) => {
                        for (ci, c) in cat.criteria.iter().enumerate() {
                            let v = sc
                                .marks
                                .get(&c.id)
                                .map_or("·".into(), |m| mark_short(m, zh));
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
                            format!(" {}", t.total.map_or("-".into(), |t| format!("{t:.1}"))),
                            base,
                        ));
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
                lines.push(Line::from(Span::styled(display(&a.summary(zh)), th.dim())));
            }
            lines.push(Line::from(Span::styled(
                app.t("各項分布(0 → 滿分)", "Distribution per criterion (0 → max)"),
                th.title(),
            )));
            let my_score = me.as_deref().and_then(|m| record.scores.get(m));
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
                    format!("{:.1}", vals.iter().sum::<f64>() / vals.len() as f64)
                };
                spans.push(Span::raw(format!(" {} {mean}", app.t("均", "avg"))));
                if let Some(m) = mine {
                    spans.push(Span::styled(
                        format!(" {}={}", app.t("我", "me"), num(m)),
                        th.mine(),
                    ));
                }
                lines.push(Line::from(spans));
            }
        }
        Tab::Evaluations => {
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
        }
        Tab::Opinions => {
            for d in &app.snap.campaign.departments {
                let name = display(l.pick(&d.name, &d.name_en));
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
        }
        Tab::Votes => match &record.votes {
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
        },
        Tab::Objections => {
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
                        format!("  → {} {}: {}", r.date, r.by, display(&r.reason)),
                        th.dim(),
                    )));
                }
            }
        }
        Tab::History => {
            let (hl, span) = history::tab_lines(app, id, cur_row, w);
            lines = hl;
            history_span = Some(span);
        }
    }
    let current = Tab::ALL[tab.min(Tab::ALL.len() - 1)];
    let h = body.height as usize;
    let mut scroll = scroll;
    if let Some(span) = history_span {
        scroll = history::scroll_to(span, h);
    } else if has_cursor(current) && !row_lines.is_empty() {
        // The row under the cursor, reversed and kept in view.
        let r = cur_row.min(row_lines.len() - 1);
        let start = row_lines[r];
        let end = row_lines.get(r + 1).copied().unwrap_or(lines.len());
        if let Some(line) = lines.get_mut(start) {
            *line = std::mem::take(line).patch_style(th.selected());
        }
        scroll = history::scroll_to((start, end - start), h);
    }
    // The score grid keeps its columns (clipped); text tabs wrap.
    let p = Paragraph::new(lines).scroll((scroll, 0));
    let p = if matches!(current, Tab::Scores | Tab::History) {
        p
    } else {
        p.wrap(Wrap { trim: false })
    };
    f.render_widget(p, body);
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
}
