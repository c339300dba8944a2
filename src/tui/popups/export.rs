//! The export menu (`x` on the rankings, detail and audit screens): which
//! document, which format, which file; the reader thread renders and writes it
//! and the answer names the file and the commit it was made from.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::export::Format;
use crate::text::{display, pad, truncate, width};

use super::super::app::{App, Effect, Overlay};
use super::super::jobs::{ExportJob, ExportKind, Exported, Job};
use super::super::keys::Cmd;
use super::super::view::popup;

/// Typing the file name; `Some` when the key was taken.
pub fn typed(app: &mut App, key: &KeyEvent) -> Option<Option<Effect>> {
    let Some(Overlay::Export(m)) = app.overlays.last_mut() else {
        return None;
    };
    match key.code {
        KeyCode::Char(c) if m.typing() && !key.modifiers.contains(KeyModifiers::CONTROL) => {
            m.type_char(c);
            Some(None)
        }
        KeyCode::Backspace => {
            m.backspace();
            Some(None)
        }
        _ => None,
    }
}

/// The menu's commands: move between fields, change one, write, close.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let (day, lang) = (app.day(), app.lang());
    let Some(Overlay::Export(m)) = app.overlays.last_mut() else {
        return None;
    };
    match cmd {
        Cmd::NextField | Cmd::Down => m.next_field(true),
        Cmd::PrevField | Cmd::Up => m.next_field(false),
        Cmd::Change => m.change(true),
        Cmd::PrevTab => m.change(false),
        Cmd::Back => {
            app.overlays.pop();
        }
        Cmd::Open => match m.job(day, lang) {
            Ok(job) => return app.request(Job::Export(job)),
            Err(e) => m.error = Some(e),
        },
        _ => {}
    }
    None
}

/// The formats a document comes in, print-ready HTML first (as the command line's).
pub fn formats(kind: ExportKind) -> &'static [Format] {
    kind.formats()
}

pub fn format_label(f: Format) -> &'static str {
    f.label()
}

/// The export menu's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportMenu {
    pub kinds: Vec<ExportKind>,
    pub kind: usize,
    /// Index into the current document's [`formats`].
    pub format: usize,
    pub path: String,
    /// The user typed the path: changing the document or format keeps it.
    pub edited: bool,
    /// 0 document, 1 format, 2 file.
    pub focus: usize,
    /// The category of `notice`, `final` and `scores`.
    pub category: Option<String>,
    /// The nomination of `form`.
    pub id: Option<String>,
    /// What the title names: the category or the nomination.
    pub scope: String,
    /// Why the last Enter did nothing.
    pub error: Option<String>,
}

impl ExportMenu {
    pub fn new(
        kinds: Vec<ExportKind>,
        category: Option<String>,
        id: Option<String>,
        scope: String,
    ) -> ExportMenu {
        let mut m = ExportMenu {
            kinds,
            kind: 0,
            format: 0,
            path: String::new(),
            edited: false,
            focus: 0,
            category,
            id,
            scope,
            error: None,
        };
        m.path = m.default_path();
        m
    }

    pub fn current(&self) -> ExportKind {
        self.kinds
            .get(self.kind)
            .copied()
            .unwrap_or(ExportKind::Final)
    }

    pub fn format(&self) -> Format {
        let f = formats(self.current());
        f[self.format % f.len()]
    }

    /// `form-2017-star-001.html`, `notice-window.csv`, `audit.md`: in the current directory.
    pub fn default_path(&self) -> String {
        let kind = self.current();
        let which = match kind {
            ExportKind::Form => self.id.as_deref(),
            ExportKind::Audit => None,
            _ => self.category.as_deref(),
        };
        let stem = match which {
            Some(w) => format!("{}-{w}", kind.name()),
            None => kind.name().to_string(),
        };
        format!("{stem}.{}", self.format().extension())
    }

    /// Cycles the focused choice.
    pub fn change(&mut self, forward: bool) {
        let step = |i: usize, n: usize| {
            if forward {
                (i + 1) % n.max(1)
            } else {
                (i + n.max(1) - 1) % n.max(1)
            }
        };
        match self.focus {
            0 => {
                // keep the format when the new document has it, else its first
                let was = self.format();
                self.kind = step(self.kind, self.kinds.len());
                self.format = formats(self.current())
                    .iter()
                    .position(|f| *f == was)
                    .unwrap_or(0);
            }
            1 => self.format = step(self.format, formats(self.current()).len()),
            _ => return,
        }
        if !self.edited {
            self.path = self.default_path();
        }
        self.error = None;
    }

    pub fn next_field(&mut self, forward: bool) {
        self.focus = if forward {
            (self.focus + 1) % 3
        } else {
            (self.focus + 2) % 3
        };
    }

    /// Typing goes to the file name.
    pub fn typing(&self) -> bool {
        self.focus == 2
    }

    pub fn type_char(&mut self, c: char) {
        if self.typing() && !c.is_control() {
            self.path.push(c);
            self.edited = true;
            self.error = None;
        }
    }

    pub fn backspace(&mut self) {
        if self.typing() {
            self.path.pop();
            self.edited = true;
        }
    }

    /// The job to run, or why not.
    pub fn job(
        &self,
        day: chrono::NaiveDate,
        lang: crate::i18n::Lang,
    ) -> Result<ExportJob, String> {
        let path = self.path.trim();
        if path.is_empty() {
            return Err(super::super::tr(lang, "請輸入文件名", "type a file name"));
        }
        let kind = self.current();
        Ok(ExportJob {
            kind,
            format: self.format(),
            path: PathBuf::from(path),
            category: if kind.by_category() {
                self.category.clone()
            } else {
                None
            },
            id: (kind == ExportKind::Form)
                .then(|| self.id.clone())
                .flatten(),
            day,
            lang,
        })
    }
}

/// The confirmation: where it wrote, from which commit.
pub fn done_text(app: &App, e: &Exported) -> String {
    let commit = e.commit.get(..12).unwrap_or(&e.commit);
    format!(
        "{} {}\n{} {commit}\n{} · {} {}",
        app.t("已寫入", "wrote"),
        e.path,
        app.t("來源提交", "source commit"),
        format_label(e.format),
        e.bytes,
        app.t("字節", "bytes"),
    )
}

pub fn draw(app: &App, f: &mut Frame, area: Rect, m: &ExportMenu) {
    let th = app.session.theme;
    let title = format!("{} · {}", app.t("導出", "Export"), m.scope);
    let inner = popup(f, area, 64, 8, &title, th.title());
    let w = inner.width as usize;
    if w < 8 || inner.height < 3 {
        return;
    }
    let lw = if w >= 40 { 6 } else { 5 };
    let iw = w.saturating_sub(lw + 2);
    let fields = [
        (
            app.t("內容", "what"),
            format!("‹ {} ›", m.current().label(app.lang())),
        ),
        (
            app.t("格式", "format"),
            format!("‹ {} ›", format_label(m.format())),
        ),
        (app.t("文件", "file"), m.path.clone()),
    ];
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, (label, value)) in fields.iter().enumerate() {
        let focused = i == m.focus;
        let value = if i == 2 && focused && width(value) > iw {
            // The end of what is being typed.
            let mut tail: Vec<char> = Vec::new();
            let mut used = 1;
            for c in value.chars().rev() {
                let cw = width(&c.to_string());
                if used + cw > iw {
                    break;
                }
                used += cw;
                tail.push(c);
            }
            tail.reverse();
            format!("…{}", tail.into_iter().collect::<String>())
        } else {
            truncate(value, iw)
        };
        if focused && i == 2 {
            cursor = Some((lines.len(), lw + 2 + width(&value)));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{}", if focused { "▸" } else { " " }, pad(label, lw)),
                if focused { th.key() } else { th.plain() },
            ),
            Span::raw(" "),
            Span::styled(value, if focused { th.selected() } else { th.plain() }),
        ]));
    }
    if let Some(e) = &m.error {
        lines.push(Line::from(Span::styled(
            truncate(&format!("✗ {}", display(e)), w),
            th.bad(),
        )));
    }
    lines.push(Line::from(Span::styled("─".repeat(w), th.dim())));
    let commit = match &app.snap.commit {
        Some(c) => c.get(..12).unwrap_or(c).to_string(),
        None => crate::export::source_commit(&app.snap),
    };
    lines.push(Line::from(Span::styled(
        truncate(
            &format!(
                "{} {} · {} {commit}",
                app.t("依據", "as of"),
                app.day(),
                app.t("提交", "commit"),
            ),
            w,
        ),
        th.dim(),
    )));
    lines.push(Line::from(Span::styled(
        truncate(
            &app.t(
                "Enter 導出  Space 切換  Esc 取消",
                "Enter export  Space change  Esc cancel",
            ),
            w,
        ),
        th.dim(),
    )));
    if let Some((row, col)) = cursor {
        if row < inner.height as usize && col < w {
            f.set_cursor_position(Position::new(inner.x + col as u16, inner.y + row as u16));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::app::every_kind;

    #[test]
    fn the_menu_reaches_every_document_in_the_formats_it_comes_in() {
        // one document list for the command line and the TUI
        let kinds = every_kind(true, ExportKind::Form);
        assert_eq!(kinds.len(), ExportKind::ALL.len());
        assert_eq!(kinds[0], ExportKind::Form);
        let ranking = every_kind(false, ExportKind::Notice);
        assert_eq!(ranking.len(), ExportKind::ALL.len() - 1);
        assert!(
            !ranking.contains(&ExportKind::Form),
            "the form needs a nomination"
        );
        let mut m = ExportMenu::new(kinds, Some("window".into()), Some("x-1".into()), "x".into());
        for _ in 0..ExportKind::ALL.len() {
            m.focus = 1;
            for _ in 0..8 {
                m.change(true);
                assert!(m.current().formats().contains(&m.format()));
                assert!(m.path.ends_with(m.format().extension()), "{}", m.path);
            }
            m.focus = 0;
            m.change(true);
            assert!(m.current().formats().contains(&m.format()));
        }
    }
}
