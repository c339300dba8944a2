//! `units.ron`: the nominating units.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UnitKind {
    Town,
    Street,
    Department,
    Enterprise,
    Institution,
    WindowUnit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    /// The town, street or department a window unit belongs to.
    #[serde(default)]
    pub parent: Option<String>,
}
