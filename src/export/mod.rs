//! Exports the office publishes, prints and opens in a spreadsheet (COMMEND,
//! CANDIDATES): pure renderers over a loaded [`Snapshot`] and the rules' outputs.
//! Nothing here touches git or the file system, except [`audit_log`], which reads
//! the signed history into the `audit` export's rows.
//!
//! One module per document — [`notice`] (公示), [`final_list`] (入选名单),
//! [`form`] (申报表), [`scores`] (评分明细), [`audit`] (签名历史), [`json`] (the
//! whole snapshot) — and one per format: [`md`], [`html`], [`csv`].
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
pub mod audit_log;
pub mod csv;
pub mod final_list;
pub mod form;
pub mod html;
pub mod json;
pub mod md;
pub mod notice;
pub mod scores;

use std::path::Path;

use chrono::NaiveDate;

use crate::i18n::Lang;
use crate::model::{Category, Nomination, Snapshot};

pub use audit::{AuditLog, AuditRow};

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
}

impl Format {
    /// `md` / `markdown`, `html` / `htm`, `csv`, `json` (case-insensitive).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// The format a file name's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        Format::parse(path.extension()?.to_str()?)
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Json => "json",
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
    /// The application form (申报表) of one nomination, three copies when printed.
    Form { id: &'a str },
    /// Scores per reviewer and criterion, with aggregates, spread and flags.
    Scores,
    /// The signed history with signature states and violations.
    Audit(&'a AuditLog),
    /// The whole snapshot (JSON only).
    Json,
}

impl What<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            What::Notice => "notice",
            What::Final => "final",
            What::Form { .. } => "form",
            What::Scores => "scores",
            What::Audit(_) => "audit",
            What::Json => "json",
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
}

impl ExportError {
    /// The message in the interface language.
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            ExportError::UnknownCategory(c) => format!("没有类别 {c:?}"),
            ExportError::UnknownNomination(id) => {
                format!("没有申报项目 {id:?}(pingxuan list 查看全部)")
            }
            ExportError::Unsupported { what, format } => {
                format!("`{what}` 不能导出为 {format}")
            }
            other => other.to_string(),
        }
    }
}

/// Renders `what` from `snapshot` in `format`.
pub fn render(
    snapshot: &Snapshot,
    what: &What<'_>,
    format: Format,
    opts: &Options,
) -> Result<Vec<u8>, ExportError> {
    match what {
        What::Notice => notice::render(snapshot, format, opts),
        What::Final => final_list::render(snapshot, format, opts),
        What::Form { id } => form::render(snapshot, id, format, opts),
        What::Scores => scores::render(snapshot, format, opts),
        What::Audit(log) => audit::render(snapshot, log, format, opts),
        What::Json => match format {
            Format::Json => json::render(snapshot),
            other => Err(ExportError::Unsupported {
                what: "json",
                format: other.extension(),
            }),
        },
    }
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

/// The nominee with workplace and post, e.g. `孔祥伟(滕州市公安局…,民警)`.
pub fn nominee_line(n: &Nomination, lang: Lang) -> String {
    let extra: Vec<&str> = [n.nominee.workplace.as_deref(), n.nominee.post.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    if extra.is_empty() || n.nominee.kind == crate::model::NomineeKind::Organisation {
        n.nominee.name.clone()
    } else if lang.zh() {
        format!("{}({})", n.nominee.name, extra.join(","))
    } else {
        format!("{} ({})", n.nominee.name, extra.join(", "))
    }
}

/// A date as the office writes it: `2017年12月4日`, or `2017-12-04` in English.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// A score with two decimals, `—` when missing.
pub fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "\u{2014}".to_string(), |s| format!("{s:.2}"))
}

/// The first sentence or so of `deeds`: at most `max` characters, cut after a
/// full stop or semicolon where possible, `…` when cut.
pub fn summary(deeds: &str, max: usize) -> String {
    let text = crate::text::sanitize(deeds.trim());
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text;
    }
    let stops = ['\u{3002}', '\u{ff1b}', ';', '\u{ff01}', '!', '.'];
    let cut = chars[..max]
        .iter()
        .rposition(|c| stops.contains(c))
        .filter(|&i| i + 1 >= max / 2)
        .map(|i| i + 1);
    match cut {
        Some(i) => chars[..i].iter().collect(),
        None => {
            let mut s: String = chars[..max.saturating_sub(1)].iter().collect();
            s.push('\u{2026}');
            s
        }
    }
}

/// Labels common to every document.
pub(crate) fn source_label(lang: Lang) -> &'static str {
    lang.pick("来源提交", "Source commit")
}

pub(crate) fn exported_label(lang: Lang) -> &'static str {
    lang.pick("导出依据日期", "As of")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_cuts_at_a_sentence_end_or_with_an_ellipsis() {
        assert_eq!(summary("short", 10), "short");
        let s = "\u{4e00}\u{4e8c}\u{4e09}\u{3002}\u{56db}\u{4e94}\u{516d}\u{4e03}";
        assert_eq!(summary(s, 6), "\u{4e00}\u{4e8c}\u{4e09}\u{3002}");
        assert_eq!(summary("abcdefghij", 5), "abcd\u{2026}");
        assert_eq!(summary("a\x1b[2Jb", 10), "a\\e[2Jb");
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
