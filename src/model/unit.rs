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
    /// REPORTING-UNIT: the unit this one reports through (a window unit's town,
    /// street or department). A unit without a parent reports for itself.
    #[serde(default)]
    pub parent: Option<String>,
}

/// REPORTING-UNIT: the unit that reports `unit` to the office: the top of its
/// `parent` chain (the unit itself when it has no parent). The walk stops at an
/// unknown parent or a cycle (both refused when units.ron is written).
pub fn reporting_unit<'a>(units: &'a [Unit], unit: &'a str) -> &'a str {
    let mut current = unit;
    for _ in 0..=units.len() {
        let Some(parent) = units
            .iter()
            .find(|u| u.id == current)
            .and_then(|u| u.parent.as_deref())
        else {
            return current;
        };
        if !units.iter().any(|u| u.id == parent) || parent == unit {
            return current;
        }
        current = parent;
    }
    current
}

/// REPORTING-UNIT: whether `unit` is `ancestor` or lies under it.
pub fn is_under(units: &[Unit], unit: &str, ancestor: &str) -> bool {
    let mut current = unit;
    for _ in 0..=units.len() {
        if current == ancestor {
            return true;
        }
        match units
            .iter()
            .find(|u| u.id == current)
            .and_then(|u| u.parent.as_deref())
        {
            Some(p) => current = p,
            None => return false,
        }
    }
    false
}

/// REPORTING-UNIT: the units whose parent chain leads back to themselves.
pub fn units_in_cycles(units: &[Unit]) -> Vec<&str> {
    units
        .iter()
        .filter(|u| {
            u.parent
                .as_deref()
                .is_some_and(|p| is_under(units, p, &u.id))
        })
        .map(|u| u.id.as_str())
        .collect()
}
