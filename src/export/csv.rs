//! CSV: UTF-8 with a byte-order mark (so that Excel reads Chinese text), CRLF line
//! ends, quoted by the `csv` crate; the source commit is the last column of every
//! row.
//!
//! Spreadsheet safety: a text cell that Excel, WPS or LibreOffice would read as a
//! formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage return, or
//! their full-width forms, also after leading spaces) is written with a leading
//! `'`, so it stays text. Numbers and dates come from typed [`Cell`]s and are
//! written plainly (`84.02`, `2017-12-04`, `2017-12-04 09:30:00`), which every
//! spreadsheet reads as numbers and dates.

use super::sheet::{Cell, Sheet};
use super::ExportError;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// True when a spreadsheet would take `s` for a formula (or a DDE payload).
pub fn looks_like_formula(s: &str) -> bool {
    let first = s
        .trim_start_matches([' ', '\u{3000}', '\u{a0}'])
        .chars()
        .next();
    matches!(
        first,
        Some(
            '=' | '+'
                | '-'
                | '@'
                | '\t'
                | '\r'
                | '\n'
                | '\u{ff1d}'
                | '\u{ff0b}'
                | '\u{ff0d}'
                | '\u{ff20}'
        )
    ) || matches!(s.chars().next(), Some('\t' | '\r' | '\n'))
}

/// Text as a cell that no spreadsheet evaluates: `'` before anything formula-like.
pub fn neutralise(s: &str) -> String {
    let s = super::no_bidi(s);
    if looks_like_formula(&s) {
        format!("'{s}")
    } else {
        s
    }
}

/// A cell as CSV text.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => neutralise(s),
        Cell::Int(i) => i.to_string(),
        Cell::Num(v) => number(*v),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Time(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// A number with at most two decimals, trailing zeros dropped (`84.02`, `90`).
/// Rounded half up by the one rule ([`crate::rules::round`]).
pub fn number(v: f64) -> String {
    crate::rules::round::short(v)
}

/// Writes the sheet, with the commit appended to every row as a last column.
pub fn write_sheet(
    sheet: &Sheet,
    commit_header: &str,
    commit: &str,
) -> Result<Vec<u8>, ExportError> {
    let err = |e: csv::Error| ExportError::Csv(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .flexible(false)
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let mut head: Vec<String> = sheet.headers.iter().map(|h| neutralise(h)).collect();
    head.push(commit_header.to_string());
    w.write_record(&head).map_err(err)?;
    for row in &sheet.rows {
        let mut r: Vec<String> = row.iter().map(cell_text).collect();
        r.resize(sheet.headers.len(), String::new());
        r.push(commit.to_string());
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

/// Writes `headers` and text `rows` (each neutralised), with the commit appended.
pub fn write(
    headers: &[String],
    rows: &[Vec<String>],
    commit_header: &str,
    commit: &str,
) -> Result<Vec<u8>, ExportError> {
    let sheet = Sheet {
        name: String::new(),
        headers: headers.to_vec(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::Text(c.clone())).collect())
            .collect(),
    };
    write_sheet(&sheet, commit_header, commit)
}

/// An optional number for a cell: two decimals, empty when missing.
pub fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, crate::rules::round::two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_then_quoted_rows_with_the_commit() {
        let out = write(
            &["a".into(), "b".into()],
            &[vec!["x,\"y\"".into(), "line\nbreak".into()]],
            "commit",
            "abc",
        )
        .unwrap();
        assert!(out.starts_with(BOM));
        assert!(out.windows(2).any(|w| w == b"\r\n"), "CRLF line ends");
        let mut r = csv::Reader::from_reader(&out[3..]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "x,\"y\"");
        assert_eq!(&rec[1], "line\nbreak");
        assert_eq!(&rec[2], "abc");
    }

    #[test]
    fn formula_like_text_is_neutralised_numbers_and_dates_are_not() {
        for evil in [
            "=HYPERLINK(\"http://evil.example/\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(1+1)",
            "\tx",
            "\rx",
            "  =1+1",
            "\u{ff1d}1+1",
        ] {
            assert_eq!(cell_text(&Cell::text(evil)), format!("'{evil}"), "{evil:?}");
        }
        assert_eq!(cell_text(&Cell::text("滕州市=文明辦")), "滕州市=文明辦");
        assert_eq!(cell_text(&Cell::Num(84.5)), "84.5");
        assert_eq!(cell_text(&Cell::Num(-3.0)), "-3");
        let d = chrono::NaiveDate::from_ymd_opt(2017, 12, 4).unwrap();
        assert_eq!(cell_text(&Cell::Date(d)), "2017-12-04");
        let t = d.and_hms_opt(9, 30, 0).unwrap();
        assert_eq!(cell_text(&Cell::Time(t)), "2017-12-04 09:30:00");
    }
}
