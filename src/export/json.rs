//! `json`: the whole snapshot for other tools (records, campaign, members, units,
//! rulings, load problems), and the JSON form of every other document. Each names
//! its source in the `commit` field.

use serde::Serialize;

use super::ExportError;
use crate::model::Snapshot;

/// Pretty JSON of any document, with a final newline.
pub fn to_vec<T: Serialize>(doc: &T) -> Result<Vec<u8>, ExportError> {
    let mut v = serde_json::to_vec_pretty(doc).map_err(|e| ExportError::Json(e.to_string()))?;
    v.push(b'\n');
    Ok(v)
}

/// The whole snapshot; `commit` is its first field.
pub fn render(snapshot: &Snapshot) -> Result<Vec<u8>, ExportError> {
    to_vec(snapshot)
}
