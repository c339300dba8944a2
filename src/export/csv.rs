//! CSV: UTF-8 with a byte-order mark (so that Excel reads Chinese text), quoted by
//! the `csv` crate; the source commit is the last column of every row.

use super::ExportError;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes `headers` and `rows`, each with the commit appended as a last column.
pub fn write(
    headers: &[String],
    rows: &[Vec<String>],
    commit_header: &str,
    commit: &str,
) -> Result<Vec<u8>, ExportError> {
    let err = |e: csv::Error| ExportError::Csv(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .flexible(false)
        .from_writer(BOM.to_vec());
    let mut head: Vec<&str> = headers.iter().map(String::as_str).collect();
    head.push(commit_header);
    w.write_record(&head).map_err(err)?;
    for row in rows {
        let mut r: Vec<&str> = row.iter().map(String::as_str).collect();
        r.push(commit);
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

/// An optional number for a cell: two decimals, empty when missing.
pub fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.2}"))
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
        let mut r = csv::Reader::from_reader(&out[3..]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "x,\"y\"");
        assert_eq!(&rec[1], "line\nbreak");
        assert_eq!(&rec[2], "abc");
    }
}
