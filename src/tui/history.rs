//! The signed history on screen: a record's history tab (semantic diffs and a
//! signature badge per commit, the blamed commit marked) and the repository-wide
//! audit screen (commit list, diff pane, violations on their commits).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::history::{Entry, SigStatus, Violation};
use crate::text::{display, truncate, width};

use super::app::App;
use super::theme::Theme;
use super::view::SPINNER;

/// One character per signature state: ✓ good, ✗ bad, ? unknown key,
/// ⊘ key revoked or not yet valid, – unsigned.
pub fn badge(s: &SigStatus) -> &'static str {
    match s {
        SigStatus::Good { .. } => "✓",
        SigStatus::Bad { .. } => "✗",
        SigStatus::UnknownKey { .. } => "?",
        SigStatus::KeyRevoked { .. } | SigStatus::KeyNotYetValid { .. } => "⊘",
        SigStatus::Unsigned => "–",
    }
}

pub fn badge_style(th: Theme, s: &SigStatus) -> Style {
    match s {
        SigStatus::Good { .. } => th.good(),
        SigStatus::UnknownKey { .. }
        | SigStatus::KeyRevoked { .. }
        | SigStatus::KeyNotYetValid { .. } => th.warn(),
        SigStatus::Bad { .. } | SigStatus::Unsigned => th.bad(),
    }
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// Who acted: the member's name, else the author as git recorded it.
fn who(e: &Entry) -> String {
    display(e.actor_name.as_deref().unwrap_or(&e.author))
}

/// The head line of an entry: badge, commit, time, actor, summary.
pub(super) fn head_line(
    app: &App,
    e: &Entry,
    w: usize,
    flagged: bool,
    full_date: bool,
) -> Line<'static> {
    let th = app.session.theme;
    let time = if full_date {
        e.time.format("%Y-%m-%d %H:%M")
    } else {
        e.time.format("%m-%d %H:%M")
    };
    let mut spans = vec![
        Span::styled(
            badge(&e.signature).to_string(),
            badge_style(th, &e.signature),
        ),
        Span::styled(
            if flagged { "!" } else { " " }.to_string(),
            if flagged { th.bad() } else { th.plain() },
        ),
        Span::styled(format!("{} ", short(&e.commit)), th.warn()),
        Span::styled(format!("{time} "), th.dim()),
    ];
    let mut used = 2 + 8 + width(&time.to_string()) + 1;
    if e.merge {
        let m = format!("{} ", app.t("合併", "merge"));
        used += width(&m);
        spans.push(Span::styled(m, th.key()));
    }
    let rest = format!("{} {}", who(e), display(&e.summary));
    spans.push(Span::raw(truncate(&rest, w.saturating_sub(used))));
    Line::from(spans)
}

/// The diff and violation lines under an entry's head line.
pub(super) fn body_lines(
    app: &App,
    e: &Entry,
    violations: &[&Violation],
    w: Option<usize>,
    signature: bool,
) -> Vec<Line<'static>> {
    let th = app.session.theme;
    // Cut to the width, or left whole for a wrapping pane.
    let cut = |s: &str| match w {
        Some(w) => truncate(s, w),
        None => s.to_string(),
    };
    let mut out = Vec::new();
    if signature {
        out.push(Line::from(Span::styled(
            cut(&display(
                &app.say(
                    &e.signature
                        .describe_named(app.lang().zh(), &|m| app.lang().member(&app.snap, m)),
                ),
            )),
            badge_style(th, &e.signature),
        )));
    }
    for v in violations {
        let text = format!("! {}", display(&app.say(&v.sentence(app.lang()))));
        out.push(Line::from(Span::styled(cut(&text), th.bad())));
    }
    for c in &e.changes {
        out.push(Line::from(cut(&format!("  {}", display(&c.text)))));
    }
    out
}

/// The history tab of record `id`: lines (never wrapped, so they can be
/// counted) and the line span of the entry under the cursor.
pub fn tab_lines(
    app: &App,
    id: &str,
    cursor: usize,
    w: usize,
) -> (Vec<Line<'static>>, (usize, usize)) {
    let th = app.session.theme;
    let mut lines = Vec::new();
    let mut span = (0, 1);
    let spinner = SPINNER[app.frame % SPINNER.len()];
    let blamed = app
        .blamed
        .as_ref()
        .filter(|(bid, _)| bid == id)
        .and_then(|(bid, field)| {
            app.blames
                .get(&(bid.clone(), field.clone()))
                .map(|r| (field, r))
        });
    if let Some((field, r)) = blamed {
        let text = match r {
            Ok(Some(b)) => format!(
                "{} {field} ← {} {}",
                app.t("追溯", "blame"),
                short(&b.entry.commit),
                display(&b.change.text)
            ),
            Ok(None) => format!(
                "{} {field}: {}",
                app.t("追溯", "blame"),
                app.t("從未改動", "never changed")
            ),
            Err(e) => format!("{} {field}: {}", app.t("追溯", "blame"), display(e)),
        };
        lines.push(Line::from(Span::styled(truncate(&text, w), th.key())));
    }
    match app.history.get(id) {
        None => lines.push(Line::from(format!(
            "{spinner} {}",
            app.t("正在讀取歷史……", "reading history…")
        ))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(display(e), th.bad()))),
        Some(Ok(entries)) => {
            if entries.is_empty() {
                lines.push(Line::from(app.t("沒有提交", "no commit")));
            }
            let blamed_commit = blamed.and_then(|(_, r)| match r {
                Ok(Some(b)) => Some(b.entry.commit.as_str()),
                _ => None,
            });
            for (i, e) in entries.iter().enumerate() {
                let start = lines.len();
                let mut head = head_line(app, e, w, false, w >= 60);
                if Some(e.commit.as_str()) == blamed_commit {
                    head = head.patch_style(th.highlight());
                }
                if i == cursor {
                    head = head.patch_style(th.selected());
                }
                lines.push(head);
                if app.expanded.as_deref() == Some(e.commit.as_str()) {
                    // In full: the signature and every change, wrapped.
                    let (whole, _) =
                        super::view::wrap_lines(body_lines(app, e, &[], None, true), w);
                    lines.extend(whole);
                } else {
                    let cut = e
                        .changes
                        .iter()
                        .any(|c| width(&format!("  {}", display(&c.text))) > w);
                    lines.extend(body_lines(app, e, &[], Some(w), false));
                    if cut && i == cursor {
                        lines.push(Line::from(Span::styled(
                            truncate(&app.t("  Enter 展開全文", "  Enter shows it in full"), w),
                            th.dim(),
                        )));
                    }
                }
                if i == cursor {
                    span = (start, lines.len() - start);
                }
            }
        }
    }
    (lines, span)
}

/// The first line to show so that `span` (start, height) is visible in `h` rows.
pub fn scroll_to(span: (usize, usize), h: usize) -> u16 {
    let (start, len) = span;
    start.min((start + len).saturating_sub(h)) as u16
}
