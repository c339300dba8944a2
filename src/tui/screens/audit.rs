//! The audit screen: every commit, newest first, the selected commit's
//! signature, violations and diff below; `f` keeps only commits that break a rule.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::history::Violation;
use crate::text::{display, truncate, width};

use super::super::app::{every_kind, App, Effect, Screen, Tab};
use super::super::history::{body_lines, head_line};
use super::super::jobs::ExportKind;
use super::super::keys::Cmd;
use super::super::view::{wrap_lines, SPINNER};

/// The audit's commands: move, only violations, open the commit's record on
/// its history tab, export, back to the list.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let Screen::Audit {
        mut sel,
        mut only_violations,
    } = app.screen
    else {
        return None;
    };
    let page = app.page();
    let rows = audit_rows(app, only_violations);
    let last = rows.len().saturating_sub(1);
    match cmd {
        Cmd::Up => sel = sel.saturating_sub(1),
        Cmd::Down => sel = (sel + 1).min(last),
        Cmd::PageUp => sel = sel.saturating_sub(page),
        Cmd::PageDown => sel = (sel + page).min(last),
        Cmd::Top => sel = 0,
        Cmd::Bottom => sel = last,
        Cmd::Filter => {
            only_violations = !only_violations;
            sel = 0;
        }
        Cmd::Back => {
            app.screen = Screen::List;
            return None;
        }
        Cmd::Export => {
            app.export_menu(every_kind(false, ExportKind::Audit), None, None);
            return None;
        }
        Cmd::Open if open_commit(app, &rows, sel) => return None,
        _ => {}
    }
    app.screen = Screen::Audit {
        sel,
        only_violations,
    };
    None
}

/// Opens the record the selected commit touched, on its history tab with the
/// commit under the cursor; `true` when the screen changed.
fn open_commit(app: &mut App, rows: &[usize], sel: usize) -> bool {
    let target = match &app.audit {
        Some(Ok(a)) => rows.get(sel).map(|i| &a.entries[*i]).map(|e| {
            (
                e.commit.clone(),
                e.changes.iter().find_map(|c| c.record.clone()),
            )
        }),
        _ => None,
    };
    match target {
        Some((commit, Some(id))) if app.snap.record(&id).is_some() => {
            app.cursor = (app.history_row(&id, &commit).unwrap_or(0), 0);
            if !app.history.contains_key(&id) {
                app.focus_commit = Some(commit);
            }
            app.blamed = None;
            app.screen = Screen::Detail {
                id,
                tab: Tab::History,
                scroll: 0,
            };
            true
        }
        Some(_) => {
            app.message = Some(app.t(
                "此提交不涉及現有的申報記錄",
                "this commit touches no current nomination",
            ));
            false
        }
        None => false,
    }
}

/// The indices of the audit's entries shown (all, or those with violations).
pub fn audit_rows(app: &App, only_violations: bool) -> Vec<usize> {
    match &app.audit {
        Some(Ok(a)) => a
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !only_violations || a.violations_of(&e.commit).next().is_some())
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    }
}

/// The audit screen: a title, the commit list, and the selected commit's
/// signature, violations and diff.
pub fn draw(app: &App, f: &mut Frame, area: Rect, sel: usize, only_violations: bool) {
    let th = app.session.theme;
    let w = area.width as usize;
    let spinner = SPINNER[app.frame % SPINNER.len()];
    let data = match &app.audit {
        None => {
            let text = format!(
                "{spinner} {}",
                app.t(
                    "正在審計全部提交（驗證每個簽名）……",
                    "auditing every commit (verifying each signature)…"
                )
            );
            f.render_widget(Paragraph::new(text), area);
            return;
        }
        Some(Err(e)) => {
            f.render_widget(
                Paragraph::new(
                    wrap_lines(
                        vec![Line::from(Span::styled(display(e), th.bad()))],
                        area.width as usize,
                    )
                    .0,
                ),
                area,
            );
            return;
        }
        Some(Ok(a)) => a,
    };
    let rows = audit_rows(app, only_violations);
    let flagged = data
        .entries
        .iter()
        .filter(|e| data.violations_of(&e.commit).next().is_some())
        .count();
    let title = format!(
        "{} · {} {} · {} {}{}",
        app.t("審計", "Audit"),
        data.entries.len(),
        app.t("個提交", "commits"),
        data.violations.len(),
        app.t("條違規", "violations"),
        if only_violations {
            format!(" · {} {flagged}", app.t("只看違規", "violations only"))
        } else {
            String::new()
        }
    );
    f.render_widget(
        Paragraph::new(Span::styled(truncate(&title, w), th.title())),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let inner_h = area.height.saturating_sub(2) as usize;
    let list_h = (inner_h / 2).max(1);
    let sel = sel.min(rows.len().saturating_sub(1));
    let offset = sel.saturating_sub(list_h.saturating_sub(1));
    let mut list = Vec::new();
    if rows.is_empty() {
        list.push(Line::from(Span::styled(
            app.t("沒有違規的提交", "no commit breaks a rule"),
            th.dim(),
        )));
    }
    for (pos, &i) in rows.iter().enumerate().skip(offset).take(list_h) {
        let e = &data.entries[i];
        let bad = data.violations_of(&e.commit).next().is_some();
        let mut line = head_line(app, e, w, bad, w >= 60);
        if bad {
            line = line.patch_style(th.bad());
        }
        if pos == sel {
            line = line.patch_style(th.selected());
        }
        list.push(line);
    }
    let list_area = Rect::new(area.x, area.y + 1, area.width, list_h as u16);
    f.render_widget(Paragraph::new(list), list_area);
    // The diff pane of the selected commit.
    let y = area.y + 1 + list_h as u16;
    let pane_h = area.height.saturating_sub(1 + list_h as u16);
    if pane_h == 0 {
        return;
    }
    let Some(e) = rows.get(sel).map(|i| &data.entries[*i]) else {
        return;
    };
    let vs: Vec<&Violation> = data.violations_of(&e.commit).collect();
    let mut rule = format!("── {} ", e.commit.get(..12).unwrap_or(&e.commit));
    rule.push_str(&"─".repeat(w.saturating_sub(width(&rule))));
    let mut pane = vec![Line::from(Span::styled(truncate(&rule, w), th.dim()))];
    pane.extend(body_lines(app, e, &vs, None, true));
    f.render_widget(
        Paragraph::new(wrap_lines(pane, w).0),
        Rect::new(area.x, y, area.width, pane_h),
    );
}
