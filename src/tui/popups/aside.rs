//! Settling what a sync set aside (`Z` on the list): every set-aside action
//! with its reason; Enter opens the side-by-side view of the selected one
//! (its files as the action wrote them beside the current record at HEAD,
//! aligned line by line, what differs highlighted, scrolling); `r` retries
//! it onto HEAD re-signed by its owner (`pingxuan set-aside retry`), `e`
//! opens its form filled from the action to do it again on today's record,
//! `d` drops it after `y` (`pingxuan set-aside drop`). The reader thread
//! reads and settles (`Job::Asides`, `AsideRetry`, `AsideDrop`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::model::ActionKind;
use crate::sync::SetAside;
use crate::text::{display, pad, truncate};

use super::super::app::{App, Effect, Overlay};
use super::super::jobs::Job;
use super::super::keys::Cmd;
use super::super::view::{popup, wrap_lines};

/// One file of a set-aside action: as the action wrote it, and as HEAD has it.
#[derive(Debug, Clone, PartialEq)]
pub struct AsideFile {
    pub path: String,
    /// `None`: the action removes it.
    pub theirs: Option<String>,
    /// `None`: HEAD has no such file.
    pub ours: Option<String>,
}

/// A set-aside action and its files.
#[derive(Debug, Clone, PartialEq)]
pub struct AsideItem {
    pub aside: SetAside,
    pub files: Vec<AsideFile>,
}

/// The settling popup's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Asides {
    /// `None` while the reader reads them.
    pub items: Option<Result<Vec<AsideItem>, String>>,
    pub sel: usize,
    /// The side-by-side view of the selected action is open.
    pub side: bool,
    pub scroll: u16,
    /// `d` was pressed: `y` drops the selected action, any other command
    /// (`n`, Esc) keeps it.
    pub asking_drop: bool,
    /// What the last retry or drop did.
    pub note: Option<String>,
    /// The side-by-side view's furthest scroll at the last draw.
    pub max: std::cell::Cell<u16>,
}

impl Asides {
    pub fn selected(&self) -> Option<&AsideItem> {
        match &self.items {
            Some(Ok(items)) => items.get(self.sel),
            _ => None,
        }
    }

    fn count(&self) -> usize {
        match &self.items {
            Some(Ok(items)) => items.len(),
            _ => 0,
        }
    }
}

/// Opens the popup and asks the reader for the list.
pub fn open(app: &mut App) -> Option<Effect> {
    app.overlays.push(Overlay::Aside(Asides::default()));
    app.request(Job::Asides)
}

fn state(app: &mut App) -> Option<&mut Asides> {
    app.overlays.iter_mut().rev().find_map(|o| match o {
        Overlay::Aside(a) => Some(a),
        _ => None,
    })
}

/// The reader's answer: the fresh list, and what a retry or drop did.
pub fn loaded(
    app: &mut App,
    result: Result<Vec<AsideItem>, String>,
    note: Option<Result<String, String>>,
) {
    let Some(a) = state(app) else { return };
    let n = result.as_ref().map_or(0, Vec::len);
    a.items = Some(result);
    a.sel = a.sel.min(n.saturating_sub(1));
    a.asking_drop = false;
    match note {
        Some(Ok(text)) => a.note = Some(text),
        Some(Err(e)) => {
            a.note = None;
            app.overlays.push(Overlay::Error(e));
        }
        None => {}
    }
}

/// The popup's keys.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let busy = app
        .loading
        .iter()
        .any(|j| matches!(j, Job::AsideRetry(_) | Job::AsideDrop(_) | Job::Asides));
    let Some(Overlay::Aside(a)) = app.overlays.last_mut() else {
        return None;
    };
    if a.asking_drop {
        match cmd {
            Cmd::Submit => {
                let id = a.selected()?.aside.id.clone();
                a.asking_drop = false;
                return app.request(Job::AsideDrop(id));
            }
            _ => a.asking_drop = false,
        }
        return None;
    }
    let n = a.count();
    match cmd {
        Cmd::Back if a.side => {
            a.side = false;
            a.scroll = 0;
        }
        Cmd::Back => {
            app.overlays.pop();
        }
        Cmd::Open if a.selected().is_some() => {
            a.side = !a.side;
            a.scroll = 0;
        }
        Cmd::Up if a.side => a.scroll = a.scroll.min(a.max.get()).saturating_sub(1),
        Cmd::Down if a.side => a.scroll = a.scroll.saturating_add(1).min(a.max.get()),
        Cmd::PageUp if a.side => a.scroll = a.scroll.min(a.max.get()).saturating_sub(10),
        Cmd::PageDown if a.side => a.scroll = a.scroll.saturating_add(10).min(a.max.get()),
        Cmd::Top if a.side => a.scroll = 0,
        Cmd::Bottom if a.side => a.scroll = a.max.get(),
        Cmd::Up => a.sel = a.sel.saturating_sub(1),
        Cmd::Down => a.sel = (a.sel + 1).min(n.saturating_sub(1)),
        Cmd::Top => a.sel = 0,
        Cmd::Bottom => a.sel = n.saturating_sub(1),
        Cmd::Retry if !busy => {
            let id = a.selected()?.aside.id.clone();
            a.note = None;
            return app.request(Job::AsideRetry(id));
        }
        Cmd::Drop if !busy && a.selected().is_some() => a.asking_drop = true,
        Cmd::Edit => {
            let item = a.selected()?.clone();
            edit(app, &item);
        }
        _ => {}
    }
    None
}

/// Opens the form of the set-aside action on today's record, filled from
/// what the action wrote where the form can hold it (a score's marks and
/// comment); the action itself stays set aside until dropped.
fn edit(app: &mut App, item: &AsideItem) {
    let kind = item.aside.action.as_deref().and_then(ActionKind::parse);
    let (Some(kind), Some(me)) = (kind, app.me().cloned()) else {
        app.overlays.push(Overlay::Error(app.t(
            "這項操作沒有可編輯的表單；請在命令行處理",
            "this action has no form to edit; settle it on the command line",
        )));
        return;
    };
    if item.aside.actor.as_deref() != Some(me.id.as_str()) {
        app.overlays.push(Overlay::Error(app.t(
            "只有本人可以重做自己的操作",
            "only its own member may do this action again",
        )));
        return;
    }
    let record = item.aside.record.clone();
    let files: Vec<(String, Option<String>)> = item
        .files
        .iter()
        .map(|f| (f.path.clone(), f.theirs.clone()))
        .collect();
    match super::form::Form::from_set_aside(
        kind,
        &app.snap,
        &me,
        record.as_deref(),
        &files,
        app.lang(),
    ) {
        Some(mut f) => {
            f.settle();
            app.message = Some(app.t(
                "表單已按擱置的操作填好；提交後按 Z 放棄舊的一項",
                "the form holds the set-aside action; after committing, drop the old one (Z, d)",
            ));
            app.overlays.push(Overlay::Form(f))
        }
        None => app.overlays.push(Overlay::Error(format!(
            "{}: {}",
            display(app.lang().action(kind)),
            app.t(
                "此操作沒有表單；請在命令行處理",
                "no form for this action; settle it on the command line"
            )
        ))),
    }
}

/// The lines of `a` and `b` paired in order, matched lines side by side
/// (a longest common subsequence), the rest against blanks.
pub fn align<'s>(a: &[&'s str], b: &[&'s str]) -> Vec<(Option<&'s str>, Option<&'s str>)> {
    let (n, m) = (a.len(), b.len());
    // Files this size are small; beyond it, pair by position.
    if n.saturating_mul(m) > 4_000_000 {
        return (0..n.max(m))
            .map(|i| (a.get(i).copied(), b.get(i).copied()))
            .collect();
    }
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push((Some(a[i]), Some(b[j])));
            i += 1;
            j += 1;
        } else if i < n && j < m && lcs[i + 1][j] == lcs[i][j + 1] {
            // Both sides changed here: one row.
            out.push((Some(a[i]), Some(b[j])));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push((Some(a[i]), None));
            i += 1;
        } else {
            out.push((None, Some(b[j])));
            j += 1;
        }
    }
    out
}

fn short(s: &str) -> &str {
    s.get(..12).unwrap_or(s)
}

/// The list: each action, its reason under the selected one.
fn list_lines(app: &App, a: &Asides, w: usize) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let zh = app.lang().zh();
    let mut lines = Vec::new();
    let items = match &a.items {
        None => {
            lines.push(Line::from(Span::styled(
                app.t("正在讀取擱置的操作…", "reading the set-aside actions…"),
                th.dim(),
            )));
            return lines;
        }
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(display(e), th.bad())));
            return lines;
        }
        Some(Ok(items)) => items,
    };
    if items.is_empty() {
        lines.push(Line::from(app.t(
            "沒有擱置的操作：同步沒有留下要處理的事。",
            "no set-aside actions: sync left nothing to settle.",
        )));
    }
    for (i, it) in items.iter().enumerate() {
        let s = &it.aside;
        let mark = if i == a.sel { "▸ " } else { "  " };
        let head = format!(
            "{mark}{} · {} · {} · {} · {}",
            s.id,
            s.actor.as_deref().unwrap_or("?"),
            s.action.as_deref().unwrap_or("?"),
            s.record.as_deref().unwrap_or("-"),
            s.when.get(..16).unwrap_or(&s.when)
        );
        let style = if i == a.sel {
            th.selected()
        } else {
            th.plain()
        };
        lines.push(Line::from(Span::styled(pad(&display(&head), w), style)));
        lines.push(Line::from(Span::styled(
            format!("    {}{}", app.t("原因：", "why: "), s.kind.describe(zh)),
            th.warn(),
        )));
        if i == a.sel {
            lines.push(Line::from(Span::styled(
                format!("    {}", display(&s.summary)),
                th.dim(),
            )));
            for l in s.reason.lines() {
                lines.push(Line::from(format!("    {}", display(l))));
            }
        }
    }
    lines
}

/// The side-by-side view of `it`: each file, the action's lines beside the
/// current ones, the rows that differ highlighted.
pub fn side_lines(app: &App, it: &AsideItem, w: usize) -> Vec<Line<'static>> {
    let th = app.session.theme;
    let col = w.saturating_sub(3) / 2;
    let cell = |s: &str| pad(&truncate(&display(s), col), col);
    let mut lines = vec![Line::from(vec![
        Span::styled(
            cell(&format!(
                "{} {} · {}",
                app.t("他們的操作", "their action"),
                short(&it.aside.commit),
                it.aside.actor.as_deref().unwrap_or("?")
            )),
            th.title(),
        ),
        Span::raw(" │ "),
        Span::styled(
            cell(&app.t("當前記錄（HEAD）", "current record (HEAD)")),
            th.title(),
        ),
    ])];
    for f in &it.files {
        lines.push(Line::from(Span::styled(
            truncate(&format!("== {}", display(&f.path)), w),
            th.key(),
        )));
        let none_t = app.t("（刪除）", "(removed)");
        let none_o = app.t("（無此文件）", "(no such file)");
        let t: Vec<&str> = match &f.theirs {
            Some(s) => s.lines().collect(),
            None => vec![none_t.as_str()],
        };
        let o: Vec<&str> = match &f.ours {
            Some(s) => s.lines().collect(),
            None => vec![none_o.as_str()],
        };
        for (l, r) in align(&t, &o) {
            let differs = l != r;
            let style = if differs { th.highlight() } else { th.plain() };
            let mark = if differs { "≠" } else { "│" };
            lines.push(Line::from(vec![
                Span::styled(cell(l.unwrap_or("")), style),
                Span::styled(
                    format!(" {mark} "),
                    if differs { th.warn() } else { th.dim() },
                ),
                Span::styled(cell(r.unwrap_or("")), style),
            ]));
        }
    }
    lines
}

/// The popup over the whole body.
pub fn draw(app: &App, f: &mut Frame, area: Rect, a: &Asides) {
    let th = app.session.theme;
    let title = match a.selected() {
        Some(it) if a.side => format!(
            "{} · {}",
            app.t("擱置的操作 · 對照", "Set aside · side by side"),
            it.aside.id
        ),
        _ => format!(
            "{} ({})",
            app.t("擱置的操作", "Set-aside actions"),
            a.count()
        ),
    };
    let inner = popup(f, area, area.width, area.height, &title, th.title());
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let w = inner.width as usize;
    let body_h = inner.height.saturating_sub(1) as usize;
    let (lines, scroll) = match a.selected() {
        Some(it) if a.side => {
            let lines = side_lines(app, it, w);
            let max = lines.len().saturating_sub(body_h);
            a.max.set(max.min(u16::MAX as usize) as u16);
            (lines, (a.scroll as usize).min(max))
        }
        _ => {
            let (lines, starts) = wrap_lines(list_lines(app, a, w), w);
            // Keep the selected action in view.
            let at = starts.get(a.sel * 2).copied().unwrap_or(0);
            (lines, at.saturating_sub(body_h / 2))
        }
    };
    let more = lines.len() > scroll + body_h;
    f.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)),
        Rect::new(inner.x, inner.y, inner.width, body_h as u16),
    );
    let bottom = if a.asking_drop {
        (
            app.t(
                "放棄這項操作?y 確認放棄 · n/Esc 保留",
                "drop this action for good? y drops it · n/Esc keeps it",
            ),
            th.bad(),
        )
    } else if let Some(n) = &a.note {
        (display(n), th.good())
    } else if more {
        (app.t("↓ 更多", "↓ more"), th.dim())
    } else {
        (String::new(), th.dim())
    };
    f.render_widget(
        Paragraph::new(Span::styled(truncate(&bottom.0, w), bottom.1)),
        Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
    );
}

#[cfg(test)]
mod tests {
    use super::align;

    #[test]
    fn aligned_lines_pair_what_matches_and_leave_the_rest_against_blanks() {
        let a = ["(", "  W1: 9,", "  W2: 5,", ")"];
        let b = ["(", "  W1: 7,", "  W2: 5,", "  W3: 1,", ")"];
        let rows = align(&a, &b);
        assert_eq!(
            rows,
            vec![
                (Some("("), Some("(")),
                (Some("  W1: 9,"), Some("  W1: 7,")),
                (Some("  W2: 5,"), Some("  W2: 5,")),
                (None, Some("  W3: 1,")),
                (Some(")"), Some(")")),
            ]
        );
        assert_eq!(align(&[], &["x"]), vec![(None, Some("x"))]);
    }
}
