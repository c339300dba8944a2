//! `.xlsx`: a real workbook (written by `rust_xlsxwriter`) whose cells are typed:
//! text is always a string cell, numbers are numbers, dates are dates with a date
//! format, so nothing from a record can ever be a formula. One worksheet per
//! [`Sheet`]; the header row is bold and frozen; the source commit is the last
//! column of every row and the workbook's `Comments` property. The workbook's
//! creation time is fixed (the export's day), so a repeat export is byte-identical.

use chrono::{Datelike, NaiveDate, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::sheet::{Cell, Sheet};
use super::ExportError;

/// Excel's limit on the characters of one cell.
const MAX_CELL: usize = 32_767;

fn err(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// not blank, unique in the workbook.
fn sheet_name(name: &str, i: usize, used: &mut Vec<String>) -> String {
    let mut clean: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    clean = clean.trim().trim_matches('\'').to_string();
    if clean.is_empty() {
        clean = format!("Sheet{}", i + 1);
    }
    let mut base: String = clean.chars().take(28).collect();
    if used.iter().any(|u| u.eq_ignore_ascii_case(&base)) {
        base = format!("{}{}", base.chars().take(25).collect::<String>(), i + 1);
    }
    used.push(base.clone());
    base
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, ExportError> {
    let year = u16::try_from(d.year()).map_err(|_| ExportError::Xlsx(format!("year of {d}")))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(err)
}

fn truncated(s: &str) -> String {
    let s = super::no_bidi(s);
    if s.chars().count() <= MAX_CELL {
        s
    } else {
        let mut t: String = s.chars().take(MAX_CELL - 1).collect();
        t.push('\u{2026}');
        t
    }
}

/// The workbook of `sheets`, each with the commit as a last column.
pub fn write(
    sheets: &[Sheet],
    commit_header: &str,
    commit: &str,
    day: NaiveDate,
) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = excel_date(day)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_comment(format!("{commit_header} {commit}")),
    );
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let time_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let num_fmt = Format::new().set_num_format("0.00");
    let int_fmt = Format::new().set_num_format("0");
    let wrap = Format::new().set_text_wrap();
    let mut used = Vec::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.name, i, &mut used))
            .map_err(err)?;
        let ncols = sheet.headers.len();
        for (c, h) in sheet
            .headers
            .iter()
            .chain(std::iter::once(&commit_header.to_string()))
            .enumerate()
        {
            ws.write_string_with_format(0, col(c)?, truncated(h), &bold)
                .map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| ExportError::Xlsx("too many rows".into()))?;
            for (c, cell) in row.iter().enumerate().take(ncols) {
                let c = col(c)?;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        if s.contains('\n') {
                            ws.write_string_with_format(r, c, truncated(s), &wrap)
                                .map_err(err)?;
                        } else {
                            ws.write_string(r, c, truncated(s)).map_err(err)?;
                        }
                    }
                    Cell::Int(v) => {
                        ws.write_number_with_format(r, c, *v as f64, &int_fmt)
                            .map_err(err)?;
                    }
                    Cell::Num(v) => {
                        ws.write_number_with_format(r, c, *v, &num_fmt)
                            .map_err(err)?;
                    }
                    Cell::Date(d) => {
                        ws.write_datetime_with_format(r, c, &excel_date(*d)?, &date_fmt)
                            .map_err(err)?;
                    }
                    Cell::Time(t) => {
                        let dt = excel_date(t.date())?
                            .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)
                            .map_err(err)?;
                        ws.write_datetime_with_format(r, c, &dt, &time_fmt)
                            .map_err(err)?;
                    }
                }
            }
            ws.write_string(r, col(ncols)?, commit).map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        ws.autofit();
    }
    if sheets.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(err)
}

fn col(c: usize) -> Result<u16, ExportError> {
    u16::try_from(c).map_err(|_| ExportError::Xlsx("too many columns".into()))
}
