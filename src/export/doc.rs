//! The printed documents as blocks — title, paragraphs, tables, signature — from
//! which Markdown, HTML and `.docx` are all rendered, so the three say the same.
//!
//! Record text stays plain text here; each renderer escapes it for its format
//! ([`super::md::esc`], [`super::html::esc`], XML escaping in `.docx`).

use super::{html, md};
use crate::i18n::Lang;

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's title: centred, large.
    Title(String),
    /// A centred line under the title (文號, a subtitle).
    Centered(String),
    /// A bold mark at the right margin (草稿, 第一聯).
    Mark(String),
    Heading(String),
    /// A body paragraph with a two-character first-line indent.
    Para(String),
    /// A paragraph without indent.
    Plain(String),
    /// Small print (notes).
    Note(String),
    /// Right-aligned lines at the end: the issuing body and the date, above the
    /// seal place (`seal` keeps room for a 42 mm seal).
    Signature {
        lines: Vec<String>,
        seal: bool,
    },
    Table(Table),
    /// The next block starts a new page.
    PageBreak,
}

/// A table on a grid of `widths.len()` columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// A CSS class for the HTML (`candidates`, `form` …).
    pub class: String,
    /// Relative column widths (percent of the text width).
    pub widths: Vec<u32>,
    /// Header rows, repeated at the top of every page the table runs onto.
    pub head: Vec<Row>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub cells: Vec<TCell>,
    /// At least this tall (mm): a box to write or seal in.
    pub min_height_mm: Option<u32>,
    /// The row may break across pages (long text).
    pub can_split: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TCell {
    /// Lines of text.
    pub lines: Vec<String>,
    pub colspan: usize,
    pub rowspan: usize,
    /// A label (bold, shaded).
    pub label: bool,
    /// Text at the foot of the box, right-aligned (a signature line).
    pub bottom: Option<String>,
    pub center: bool,
    pub right: bool,
}

impl TCell {
    pub fn new(text: impl Into<String>) -> TCell {
        let text: String = text.into();
        TCell {
            lines: text.lines().map(str::to_string).collect(),
            colspan: 1,
            rowspan: 1,
            ..TCell::default()
        }
    }

    pub fn lines(lines: Vec<String>) -> TCell {
        TCell {
            lines,
            colspan: 1,
            rowspan: 1,
            ..TCell::default()
        }
    }

    pub fn label(text: impl Into<String>) -> TCell {
        TCell {
            label: true,
            ..TCell::new(text)
        }
    }

    pub fn span(mut self, cols: usize) -> TCell {
        self.colspan = cols.max(1);
        self
    }

    pub fn rows(mut self, rows: usize) -> TCell {
        self.rowspan = rows.max(1);
        self
    }

    pub fn center(mut self) -> TCell {
        self.center = true;
        self
    }

    pub fn right(mut self) -> TCell {
        self.right = true;
        self
    }

    pub fn bottom(mut self, text: impl Into<String>) -> TCell {
        self.bottom = Some(text.into());
        self
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

impl Row {
    pub fn new(cells: Vec<TCell>) -> Row {
        Row {
            cells,
            min_height_mm: None,
            can_split: false,
        }
    }

    pub fn height(mut self, mm: u32) -> Row {
        self.min_height_mm = Some(mm);
        self
    }

    pub fn split(mut self) -> Row {
        self.can_split = true;
        self
    }
}

impl Table {
    /// A plain table: one header row of labels, rows of text cells.
    pub fn simple(
        class: &str,
        widths: Vec<u32>,
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> Table {
        Table {
            class: class.to_string(),
            widths,
            head: vec![Row::new(head.into_iter().map(TCell::label).collect())],
            rows: rows
                .into_iter()
                .map(|r| Row::new(r.into_iter().map(TCell::new).collect()))
                .collect(),
        }
    }
}

/// A whole document: blocks plus what frames them.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub lang: Lang,
    /// The page's `<title>` and the `.docx` title property.
    pub title: String,
    pub commit: String,
    /// Landscape pages (wide tables).
    pub landscape: bool,
    pub blocks: Vec<Block>,
}

/// A non-breaking space: blanks to write in (年　月　日) survive HTML.
pub const BLANK: &str = "\u{3000}\u{3000}";

/// `年　　月　　日` with room to write the date by hand.
pub fn date_blank(l: Lang) -> String {
    match l {
        Lang::Zh | Lang::ZhHans => format!("{BLANK}年{BLANK}月{BLANK}日"),
        Lang::En => "date: ____________".to_string(),
    }
}

pub fn to_markdown(d: &Document) -> String {
    let mut out = String::new();
    for b in &d.blocks {
        match b {
            Block::Title(t) => out.push_str(&format!("# {}\n\n", md::esc(t))),
            Block::Centered(t) | Block::Plain(t) | Block::Para(t) => {
                out.push_str(&format!("{}\n\n", md::esc(t)))
            }
            Block::Mark(t) => out.push_str(&format!("**{}**\n\n", md::esc(t))),
            Block::Heading(t) => out.push_str(&format!("## {}\n\n", md::esc(t))),
            Block::Note(t) => out.push_str(&format!("> {}\n\n", md::esc(t))),
            Block::Signature { lines, .. } => {
                let l: Vec<String> = lines.iter().map(|s| md::esc(s)).collect();
                out.push_str(&format!("{}\n\n", l.join("  \n")));
            }
            Block::Table(t) => {
                out.push_str(&md_table(t));
                out.push('\n');
            }
            Block::PageBreak => out.push_str("---\n\n"),
        }
    }
    out.push_str(&format!("---\n\n{}\n", md::source_line(d.lang, &d.commit)));
    out
}

fn md_cell(c: &TCell) -> String {
    let mut parts: Vec<String> = c.lines.iter().map(|s| md::esc(s)).collect();
    if let Some(b) = &c.bottom {
        parts.push(md::esc(b));
    }
    let text = parts.join("<br>");
    if c.label && !text.is_empty() {
        format!("**{text}**")
    } else {
        text
    }
}

/// A Markdown table: the last header row heads it; spans are flattened.
fn md_table(t: &Table) -> String {
    let width = t.widths.len().max(1);
    let flat = |r: &Row| -> Vec<String> {
        let mut cells: Vec<String> = Vec::new();
        for c in &r.cells {
            cells.push(md_cell(c));
            for _ in 1..c.colspan {
                cells.push(String::new());
            }
        }
        cells.resize(width, String::new());
        cells
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header = match t.head.last() {
        Some(h) => {
            for extra in &t.head[..t.head.len() - 1] {
                rows.push(flat(extra));
            }
            flat(h)
        }
        None => vec![String::new(); width],
    };
    rows.extend(t.rows.iter().map(flat));
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", " --- |".repeat(width)));
    for r in rows {
        let cells: Vec<&str> = r
            .iter()
            .map(|c| if c.is_empty() { " " } else { c.as_str() })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn html_cell(tag: &str, c: &TCell) -> String {
    let mut attrs = String::new();
    if c.colspan > 1 {
        attrs.push_str(&format!(" colspan=\"{}\"", c.colspan));
    }
    if c.rowspan > 1 {
        attrs.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
    }
    let mut class = Vec::new();
    if c.label && tag == "td" {
        class.push("label");
    }
    if c.center {
        class.push("center");
    }
    if c.right {
        class.push("num");
    }
    if c.bottom.is_some() {
        class.push("box");
    }
    if !class.is_empty() {
        attrs.push_str(&format!(" class=\"{}\"", class.join(" ")));
    }
    let mut inner = c
        .lines
        .iter()
        .map(|s| html::esc(s))
        .collect::<Vec<_>>()
        .join("<br>\n");
    if let Some(b) = &c.bottom {
        inner.push_str(&format!("<div class=\"signline\">{}</div>", html::esc(b)));
    }
    format!("<{tag}{attrs}>{inner}</{tag}>")
}

fn html_row(tag: &str, r: &Row) -> String {
    let mut style = String::new();
    if let Some(h) = r.min_height_mm {
        style = format!(" style=\"height:{h}mm\"");
    }
    let class = if r.can_split { " class=\"split\"" } else { "" };
    let cells: String = r.cells.iter().map(|c| html_cell(tag, c)).collect();
    format!("<tr{class}{style}>{cells}</tr>\n")
}

pub fn html_table(t: &Table) -> String {
    let mut out = format!("<table class=\"{}\">\n<colgroup>", html::esc(&t.class));
    for w in &t.widths {
        out.push_str(&format!("<col style=\"width:{w}%\">"));
    }
    out.push_str("</colgroup>\n");
    if !t.head.is_empty() {
        out.push_str("<thead>\n");
        for r in &t.head {
            out.push_str(&html_row("th", r));
        }
        out.push_str("</thead>\n");
    }
    out.push_str("<tbody>\n");
    for r in &t.rows {
        out.push_str(&html_row("td", r));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The blocks as HTML (inside the page frame of [`html::page`]).
pub fn html_body(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => out.push_str(&format!("<h1>{}</h1>\n", html::esc(t))),
            Block::Centered(t) => out.push_str(&format!("<p class=\"sub\">{}</p>\n", html::esc(t))),
            Block::Mark(t) => {
                out.push_str(&format!("<div class=\"copymark\">{}</div>\n", html::esc(t)))
            }
            Block::Heading(t) => out.push_str(&format!("<h2>{}</h2>\n", html::esc(t))),
            Block::Para(t) => out.push_str(&format!("<p class=\"lead\">{}</p>\n", html::esc(t))),
            Block::Plain(t) => out.push_str(&format!("<p>{}</p>\n", html::esc(t))),
            Block::Note(t) => out.push_str(&format!("<p class=\"note\">{}</p>\n", html::esc(t))),
            Block::Signature { lines, seal } => {
                let class = if *seal { "signature seal" } else { "signature" };
                let l: Vec<String> = lines.iter().map(|s| html::esc(s)).collect();
                out.push_str(&format!(
                    "<div class=\"{class}\">{}</div>\n",
                    l.join("<br>")
                ));
            }
            Block::Table(t) => out.push_str(&html_table(t)),
            Block::PageBreak => out.push_str("<div class=\"pagebreak\"></div>\n"),
        }
    }
    out
}

pub fn to_html(d: &Document) -> String {
    let body = html_body(&d.blocks);
    if d.landscape {
        html::page_landscape(d.lang, &d.title, &d.commit, &body)
    } else {
        html::page(d.lang, &d.title, &d.commit, &body)
    }
}
