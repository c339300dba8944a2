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
pub struct Whole<'a> {
    pub snapshot: &'a Snapshot,
    pub commit: String,
}

impl<'a> Whole<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Whole<'a> {
        Whole {
            snapshot,
            commit: super::source_commit(snapshot),
        }
    }
}

impl super::document::Document for Whole<'_> {
    fn kind(&self) -> super::Kind {
        super::Kind::Json
    }

    fn commit(&self) -> &str {
        &self.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        to_vec(self.snapshot)
    }
}
