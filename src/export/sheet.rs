//! Tables with typed cells: what a spreadsheet export (CSV or `.xlsx`) is made of.
//!
//! A document that has a spreadsheet form builds [`Sheet`]s of [`Cell`]s; numbers
//! are numbers, dates are dates and text is text, so no status word (不適用,
//! 棄權 …) ever sits in a numeric column and nothing from a record can become a
//! formula: [`crate::export::csv`] neutralises text that a spreadsheet would read
//! as one, and [`crate::export::xlsx`] writes every text cell as a string.

use chrono::{NaiveDate, NaiveDateTime};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A local date and time (the offset, when it matters, goes in a column of its own).
    Time(NaiveDateTime),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A number, or an empty cell when missing.
    pub fn num(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }

    pub fn int(v: impl TryInto<i64>) -> Cell {
        v.try_into().map_or(Cell::Empty, Cell::Int)
    }

    /// A date, or an empty cell when missing.
    pub fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// Text, or an empty cell when blank.
    pub fn opt(s: Option<&str>) -> Cell {
        match s {
            Some(s) if !s.trim().is_empty() => Cell::Text(s.to_string()),
            _ => Cell::Empty,
        }
    }
}

/// A named table: one header row, then rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name in a workbook (cleaned to Excel's rules when written).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: impl Into<String>, headers: Vec<String>) -> Sheet {
        Sheet {
            name: name.into(),
            headers,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

/// Headers from string slices.
pub fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}
