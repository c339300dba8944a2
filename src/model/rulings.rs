//! `rulings.ron`: what the chair records beside the decisions: phase-clock
//! overrides, deadline exceptions, tie-break orders and published notices.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulings {
    #[serde(default)]
    pub overrides: Vec<PhaseOverride>,
    #[serde(default)]
    pub exceptions: Vec<Exception>,
    /// Category id to nomination ids, first ranks highest among equals.
    #[serde(default, deserialize_with = "super::unique::map")]
    pub tie_orders: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub notices: Vec<Notice>,
}

/// PHASES: the phase `phase` is open from `start` to `end` instead of its campaign dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseOverride {
    pub phase: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub reason: String,
    pub by: String,
    pub date: NaiveDate,
}

/// REG-DEADLINE / FORM-DEADLINE exception for one nomination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub nomination: String,
    /// `REG-DEADLINE` or `FORM-DEADLINE`.
    pub rule: String,
    /// The deadline is extended to this day.
    pub until: NaiveDate,
    pub reason: String,
    pub by: String,
    pub date: NaiveDate,
}

/// CANDIDATES: a published candidate list; objections are taken for `notice_days` from `published`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub category: String,
    pub candidates: Vec<String>,
    pub published: NaiveDate,
    pub by: String,
}
