//! Exports the office publishes, prints and opens in a spreadsheet (COMMEND,
//! CANDIDATES): pure renderers over a loaded [`Snapshot`] and the rules' outputs.
//! Nothing here touches git or the file system; the `audit` export's rows are
//! read from the signed history by [`crate::act::audit_log`].
//!
//! One module per document — [`notice`] (公示), [`decision`] (表彰決定),
//! [`final_list`] (入選名單), [`form`] (申報表), [`scores`] (評分明細),
//! [`audit`] (簽名歷史), [`sheets`] (the office's forms), [`json`] (the whole
//! snapshot) — each implementing the [`Document`] trait, and one per format:
//! [`md`], [`html`], [`csv`], [`xlsx`], [`docx`]. [`document::render`] is the one
//! place a format is chosen; [`Kind`] is the one list of documents.
//!
//! Every export names the commit it was made from (`snapshot.commit`), so a printed
//! page can be traced to the signed history: in Markdown and HTML as a line of text
//! (in HTML on every printed page, and in `<meta name="pingxuan-commit">`), in CSV
//! as the last column of every row, in JSON as the `commit` field.
//!
//! Entry point for the CLI and the TUI:
//!
//! ```no_run
//! # fn demo(snapshot: &pingxuan::model::Snapshot) -> Result<(), pingxuan::export::ExportError> {
//! use pingxuan::export::{render, Format, Options, What};
//! let day = chrono::NaiveDate::from_ymd_opt(2017, 12, 31).unwrap_or_default();
//! let opts = Options::new(day, pingxuan::i18n::Lang::Zh).category("window");
//! let bytes: Vec<u8> = render(snapshot, &What::Final, Format::Html, &opts)?;
//! # Ok(()) }
//! ```
//!
//! Text from the records is escaped for each format: HTML-escaped, CSV-quoted by
//! the `csv` crate, and in Markdown control characters are neutralised
//! ([`crate::text::sanitize`]) and Markdown punctuation (`|`, `*`, `<` …) is
//! backslash-escaped.

pub mod audit;
pub mod csv;
pub mod decision;
pub mod doc;
pub mod document;
pub mod docx;
pub mod final_list;
pub mod form;
pub mod html;
pub mod json;
pub mod kind;
pub mod md;
pub mod notice;
pub mod scores;
pub mod script;
pub mod sheet;
pub mod sheets;
pub mod xlsx;

use std::path::Path;

use chrono::NaiveDate;

use crate::i18n::Lang;
use crate::model::{Category, Nomination, Snapshot};

pub use audit::{AuditLog, AuditRow};
pub use document::Document;
pub use kind::Kind;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown with tables, for a Git forge.
    Markdown,
    /// Print-ready HTML on A4, with its own CSS and no network assets.
    Html,
    /// UTF-8 with a byte-order mark, so that Excel reads Chinese text correctly.
    Csv,
    Json,
    /// An Excel workbook with typed cells.
    Xlsx,
    /// A Word document an office edits before sealing.
    Docx,
}

impl Format {
    /// `md` / `markdown`, `html` / `htm`, `csv`, `json` (case-insensitive).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "xlsx" => Some(Format::Xlsx),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    /// The format a file name's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        Format::parse(path.extension()?.to_str()?)
    }

    /// The format a file name asks for: `Ok(None)` without an extension, a
    /// refusal for `.pdf` (print the HTML instead) and for any extension that
    /// names no format this tool writes.
    pub fn for_path(path: &Path) -> Result<Option<Format>, ExportError> {
        let Some(ext) = path.extension() else {
            return Ok(None);
        };
        let ext = ext.to_string_lossy().to_string();
        match Format::parse(&ext) {
            Some(f) => Ok(Some(f)),
            None if ext.eq_ignore_ascii_case("pdf") => Err(ExportError::Pdf),
            None => Err(ExportError::UnknownExtension(ext)),
        }
    }

    /// Every format, in the order menus offer them.
    pub const ALL: [Format; 6] = [
        Format::Html,
        Format::Markdown,
        Format::Docx,
        Format::Xlsx,
        Format::Csv,
        Format::Json,
    ];

    /// The name menus show.
    pub fn label(self) -> &'static str {
        match self {
            Format::Html => "HTML",
            Format::Markdown => "Markdown",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Xlsx => "Excel (xlsx)",
            Format::Docx => "Word (docx)",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
        }
    }
}

/// What to export.
#[derive(Debug, Clone, Copy)]
pub enum What<'a> {
    /// The public notice (公示) of a category's candidate list.
    Notice,
    /// The commended list per category in rank order (COMMEND).
    Final,
    /// The application form (申報表) of one nomination, three copies when printed.
    Form { id: &'a str },
    /// Scores per reviewer and criterion, with aggregates, spread and flags.
    Scores,
    /// The signed history with signature states and violations.
    Audit(&'a AuditLog),
    /// The whole snapshot (JSON only).
    Json,
    /// The commendation decision (表彰決定).
    Decision,
    /// The registration summary per reporting unit (擬參與名單匯總表).
    Registration,
    /// A blank score sheet per category, for a reviewer to fill by hand.
    ScoreSheet,
    /// The democratic-evaluation ballot (民主測評票), per category.
    Ballot,
    /// The democratic-evaluation vote summary.
    Votes,
    /// The letter asking the departments for their opinions (徵求意見函).
    Letter,
    /// The departments' answers per candidate.
    Opinions,
    /// The record of objections and how each was handled.
    Objections,
}

impl<'a> What<'a> {
    /// The document of `kind`: `form` takes the nomination `id` and `audit` the
    /// signed history; `None` when the one it takes is missing.
    pub fn of(kind: Kind, id: Option<&'a str>, log: Option<&'a AuditLog>) -> Option<What<'a>> {
        Some(match kind {
            Kind::Notice => What::Notice,
            Kind::Final => What::Final,
            Kind::Form => What::Form { id: id? },
            Kind::Scores => What::Scores,
            Kind::Audit => What::Audit(log?),
            Kind::Json => What::Json,
            Kind::Decision => What::Decision,
            Kind::Registration => What::Registration,
            Kind::ScoreSheet => What::ScoreSheet,
            Kind::Ballot => What::Ballot,
            Kind::Votes => What::Votes,
            Kind::Letter => What::Letter,
            Kind::Opinions => What::Opinions,
            Kind::Objections => What::Objections,
        })
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The document kind.
    pub fn kind(&self) -> Kind {
        match self {
            What::Notice => Kind::Notice,
            What::Final => Kind::Final,
            What::Form { .. } => Kind::Form,
            What::Scores => Kind::Scores,
            What::Audit(_) => Kind::Audit,
            What::Json => Kind::Json,
            What::Decision => Kind::Decision,
            What::Registration => Kind::Registration,
            What::ScoreSheet => Kind::ScoreSheet,
            What::Ballot => Kind::Ballot,
            What::Votes => Kind::Votes,
            What::Letter => Kind::Letter,
            What::Opinions => Kind::Opinions,
            What::Objections => Kind::Objections,
        }
    }
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this category (id, name or alias); `None` means every category.
    /// Ignored by `form`, `audit` and `json`.
    pub category: Option<String>,
    /// The day the rules are judged on (ranking, notice state).
    pub day: NaiveDate,
    /// Language of labels and fixed text; record text is printed as recorded.
    pub lang: Lang,
}

impl Options {
    pub fn new(day: NaiveDate, lang: Lang) -> Options {
        Options {
            category: None,
            day,
            lang,
        }
    }

    /// Restricts the export to one category.
    pub fn category(mut self, category: impl Into<String>) -> Options {
        self.category = Some(category.into());
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no category {0:?}")]
    UnknownCategory(String),
    #[error("no nomination {0:?}")]
    UnknownNomination(String),
    #[error("`{what}` cannot be exported as {format}")]
    Unsupported {
        what: &'static str,
        format: &'static str,
    },
    #[error("{0}")]
    Rules(String),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("JSON: {0}")]
    Json(String),
    #[error("xlsx: {0}")]
    Xlsx(String),
    #[error("docx: {0}")]
    Docx(String),
    #[error("PDF is not written directly: export HTML (--out FILE.html) and print it to PDF on A4 with a browser's Print (or scripts/print-pdf.sh FILE.html)")]
    Pdf,
    #[error("the file name's extension .{0} names no format: use .md, .html, .csv, .xlsx, .docx or .json")]
    UnknownExtension(String),
}

impl ExportError {
    /// The message in the interface language.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            ExportError::UnknownCategory(c) => format!("沒有類別 {c:?}"),
            ExportError::UnknownNomination(id) => {
                format!("沒有申報項目 {id:?}（pingxuan list 查看全部）")
            }
            ExportError::Unsupported { what, format } => {
                let kind = Kind::from_name(what).map_or_else(|| what.to_string(), |k| k.label(Lang::Zh));
                let can: Vec<&str> = Kind::from_name(what)
                    .map(|k| k.formats().iter().map(|f| f.extension()).collect())
                    .unwrap_or_default();
                format!("「{kind}」不能導出為 {format}（可用：{}）", can.join("、"))
            }
            ExportError::Pdf => "不直接生成 PDF：請導出 HTML（--out 文件.html），再用瀏覽器「打印」為 A4 PDF（或運行 scripts/print-pdf.sh 文件.html）".to_string(),
            ExportError::UnknownExtension(ext) => {
                format!("文件擴展名 .{ext} 不對應任何格式：請用 .md、.html、.csv、.xlsx、.docx 或 .json")
            }
            other => other.to_string(),
        }
    }
}

/// Renders `what` from `snapshot` in `format`: builds the [`Document`] and hands
/// it to [`document::render`], the one place a format is chosen.
pub fn render(
    snapshot: &Snapshot,
    what: &What<'_>,
    format: Format,
    opts: &Options,
) -> Result<Vec<u8>, ExportError> {
    let kind = what.kind();
    if !kind.formats().contains(&format) {
        return Err(document::unsupported(kind, format));
    }
    let doc = build(snapshot, what, opts)?;
    if opts.lang == Lang::ZhHans {
        return render_hans(snapshot, doc.as_ref(), format, opts);
    }
    document::render(doc.as_ref(), format, opts)
}

/// A zh-Hans document: the program's words converted, record text as entered
/// ([`script::Keep`]).
fn render_hans(
    snapshot: &Snapshot,
    doc: &dyn Document,
    format: Format,
    opts: &Options,
) -> Result<Vec<u8>, ExportError> {
    let keep = script::Keep::of(snapshot);
    let l = opts.lang;
    match format {
        Format::Json => doc.json(),
        Format::Docx => {
            let mut d = doc
                .blocks(l)
                .ok_or_else(|| document::unsupported(doc.kind(), format))?;
            keep.document(&mut d);
            docx::write(&d)
        }
        Format::Xlsx => {
            let mut sheets = doc
                .sheets(l)
                .ok_or_else(|| document::unsupported(doc.kind(), format))?;
            keep.sheets(&mut sheets);
            xlsx::write(&sheets, source_label(l), doc.commit(), opts.day)
        }
        Format::Markdown | Format::Html | Format::Csv => {
            let bytes = document::render(doc, format, opts)?;
            match String::from_utf8(bytes) {
                Ok(text) => Ok(keep.convert(&text).into_bytes()),
                Err(e) => Ok(e.into_bytes()),
            }
        }
    }
}

/// Builds the document `what` names, ready for any of its formats.
pub fn build<'a>(
    snapshot: &'a Snapshot,
    what: &What<'a>,
    opts: &Options,
) -> Result<Box<dyn Document + 'a>, ExportError> {
    Ok(match *what {
        What::Notice => Box::new(notice::build(snapshot, opts)?),
        What::Final => Box::new(final_list::build(snapshot, opts)?),
        What::Form { id } => Box::new(form::build(snapshot, id, opts)?),
        What::Scores => Box::new(scores::build(snapshot, opts)?),
        What::Audit(log) => Box::new(audit::AuditExport::new(snapshot, log, opts.lang)),
        What::Json => Box::new(json::Whole::new(snapshot)),
        What::Decision => Box::new(decision::build(snapshot, opts)?),
        What::Registration
        | What::ScoreSheet
        | What::Ballot
        | What::Votes
        | What::Letter
        | What::Opinions
        | What::Objections => Box::new(sheets::build(snapshot, what.kind(), opts)?),
    })
}

/// True for the bidirectional embedding, override and isolate controls, which
/// could make record text display in another order than it is stored (a
/// reversed name, a cell that reads as something else).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Record text with bidi controls shown as `\u{fffd}`, never obeyed.
pub fn no_bidi(s: &str) -> String {
    s.chars()
        .map(|c| if is_bidi_control(c) { '\u{fffd}' } else { c })
        .collect()
}

/// The commit the snapshot was read from, or a stand-in for an unsaved snapshot.
pub fn source_commit(snapshot: &Snapshot) -> String {
    snapshot
        .commit
        .clone()
        .unwrap_or_else(|| "(uncommitted)".to_string())
}

/// The categories selected by `opts.category`, in campaign order.
pub fn categories<'s>(
    snapshot: &'s Snapshot,
    opts: &Options,
) -> Result<Vec<&'s Category>, ExportError> {
    match &opts.category {
        Some(c) => snapshot
            .campaign
            .category(c)
            .map(|c| vec![c])
            .ok_or_else(|| ExportError::UnknownCategory(c.clone())),
        None => Ok(snapshot.campaign.categories.iter().collect()),
    }
}

/// A category's name in the language.
pub fn category_name(c: &Category, lang: Lang) -> &str {
    lang.pick(&c.name, &c.name_en)
}

/// A unit's name, or its id when the unit is unknown.
pub fn unit_name(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .unit(id)
        .map_or_else(|| id.to_string(), |u| u.name.clone())
}

/// A member's name, or the id when unknown.
pub fn member_name(snapshot: &Snapshot, id: &str) -> String {
    snapshot
        .member(id)
        .map_or_else(|| id.to_string(), |m| m.name.clone())
}

/// The name of the office that takes objections: the campaign's office unit.
pub fn office_name(snapshot: &Snapshot) -> String {
    unit_name(snapshot, &snapshot.campaign.office_unit)
}

/// The nominee with workplace and post, e.g. `孔祥偉(滕州市公安局…,民警)`.
pub fn nominee_line(n: &Nomination, lang: Lang) -> String {
    let extra: Vec<&str> = [n.nominee.workplace.as_deref(), n.nominee.post.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if extra.is_empty() || n.nominee.kind == crate::model::NomineeKind::Organisation {
        n.nominee.name.clone()
    } else if lang.zh() {
        format!("{}（{}）", n.nominee.name, extra.join("，"))
    } else {
        format!("{} ({})", n.nominee.name, extra.join(", "))
    }
}

/// A date as the office writes it: `2017年12月4日`, or `2017-12-04` in English.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Zh | Lang::ZhHans => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A score with two decimals, `—` when missing.
pub fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "\u{2014}".to_string(), crate::rules::round::two)
}

/// The first sentences of `deeds`: at most `max` characters (a text at most a
/// tenth and two characters longer is kept whole), cut after a full stop where possible, else after
/// a semicolon or anywhere, and then always marked `…` so the reader knows it
/// is shortened.
pub fn summary(deeds: &str, max: usize) -> String {
    let text = crate::text::sanitize(deeds.trim());
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max + max / 10 + 2 {
        return text;
    }
    let full = ['\u{3002}', '\u{ff01}', '!', '.'];
    let half = ['\u{ff1b}', ';', '\u{ff0c}', ','];
    let at = |stops: &[char]| {
        chars[..max]
            .iter()
            .rposition(|c| stops.contains(c))
            .filter(|&i| i + 1 >= max / 2)
    };
    match (at(&full), at(&half)) {
        (Some(i), _) => {
            let mut s: String = chars[..=i].iter().collect();
            s.push('\u{2026}');
            s
        }
        (None, Some(i)) => {
            let mut s: String = chars[..i].iter().collect();
            s.push('\u{2026}');
            s
        }
        (None, None) => {
            let mut s: String = chars[..max.saturating_sub(1)].iter().collect();
            s.push('\u{2026}');
            s
        }
    }
}

/// Labels common to every document.
pub(crate) fn source_label(lang: Lang) -> &'static str {
    lang.pick("來源提交", "Source commit")
}

pub(crate) fn exported_label(lang: Lang) -> &'static str {
    lang.pick("導出依據日期", "As of")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_cuts_at_a_sentence_end_or_with_an_ellipsis() {
        assert_eq!(summary("short", 10), "short");
        assert_eq!(summary("一二三。四五六七八九十", 6), "一二三。\u{2026}");
        assert_eq!(summary("一二三；四五六七八九十", 6), "一二三\u{2026}");
        assert_eq!(summary("abcdefghij", 5), "abcd\u{2026}");
        assert_eq!(summary("a\x1b[2Jb", 10), "a\\e[2Jb");
        // a text barely over the limit is kept whole, never cut two characters short
        assert_eq!(summary("無一起有效投訴。", 7), "無一起有效投訴。");
    }

    #[test]
    fn formats_parse_and_follow_the_file_name() {
        assert_eq!(Format::parse("MD"), Some(Format::Markdown));
        assert_eq!(
            Format::from_path(Path::new("out/notice.html")),
            Some(Format::Html)
        );
        assert_eq!(Format::from_path(Path::new("x.csv")), Some(Format::Csv));
        assert_eq!(Format::parse("pdf"), None);
    }
}
