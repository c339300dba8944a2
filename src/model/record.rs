//! The files beside `nomination.ron`: scores, evaluations, opinions, votes,
//! objections and the decision.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::vecmap::VecMap;

/// One reviewer's mark for one criterion. None of the no-score states ever counts as 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Mark {
    Points(f64),
    NotScored,
    Abstain,
    NotApplicable,
    Recused,
}

impl Mark {
    pub fn points(self) -> Option<f64> {
        match self {
            Mark::Points(p) => Some(p),
            _ => None,
        }
    }
}

/// `scores/<reviewer>.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub reviewer: String,
    /// Criterion id to mark.
    #[serde(deserialize_with = "super::unique::map")]
    pub marks: VecMap<String, Mark>,
    #[serde(default)]
    pub comment: String,
    #[serde(with = "super::compact::time")]
    pub time: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EvaluationKind {
    /// 日常測評 (ROUTINE-EVAL).
    Routine,
    /// 明察暗訪 (SPOT-CHECK).
    Unannounced,
    /// 實地考察 (ASSESS).
    SiteVisit,
    /// 座談走訪 (ASSESS).
    Interview,
}

/// `evaluations/<stamp>-<author>.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub kind: EvaluationKind,
    pub author: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    /// 0 to 100; routine and unannounced ratings weigh in the final score.
    #[serde(default)]
    pub rating: Option<f64>,
    pub findings: String,
    /// Committee measurements, which take precedence over the unit's own figures.
    #[serde(default)]
    pub knowledge_rate: Option<f64>,
    #[serde(default)]
    pub service_satisfaction: Option<f64>,
    #[serde(default)]
    pub incidents: Vec<super::nomination::Incident>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stance {
    Approve,
    Concern,
    Veto,
}

/// `opinions/<department>.ron` (DEPT-OPINIONS, GATE-VETO).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opinion {
    pub department: String,
    pub stance: Stance,
    #[serde(default)]
    pub reason: String,
    /// The clerk who recorded it.
    pub recorded_by: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
}

/// `votes.ron`: democratic evaluation 民主測評 (ASSESS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Votes {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub dissatisfied: u32,
    pub recorded_by: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
}

impl Votes {
    pub fn total(&self) -> u32 {
        self.satisfied + self.basically_satisfied + self.dissatisfied
    }

    /// (satisfied + basically satisfied) / all, as a percentage; `None` with no votes.
    pub fn satisfaction_rate(&self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| {
            f64::from(self.satisfied + self.basically_satisfied) * 100.0 / f64::from(total)
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Dismissed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub by: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub reason: String,
}

/// `objections/<stamp>-<n>.ron` (CANDIDATES, FRAUD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objection {
    #[serde(with = "super::compact::time")]
    pub filed: DateTime<FixedOffset>,
    /// Who raised it or through which channel (letter, hotline, anonymous).
    pub source: String,
    pub text: String,
    /// A report of fraud (弄虛作假), accepted at any stage.
    #[serde(default)]
    pub fraud: bool,
    pub recorded_by: String,
    pub status: ObjectionStatus,
    #[serde(default)]
    pub resolution: Option<Resolution>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    Candidate,
    Final,
    Rejected,
    Disqualified,
}

/// `decision.ron`: the chair's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub outcome: Outcome,
    pub reason: String,
    /// FRAUD: the disqualification is for fraud; it stays in the record.
    #[serde(default)]
    pub fraud: bool,
    pub by: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    /// FREEZE: the chair reopened the committee's assessment after this
    /// decision; scores, evaluations and votes may change again until the
    /// chair decides anew (a new decision has no `reopened`).
    /// Always written (also as `None`): the snapshot cache's postcard needs every field.
    #[serde(default)]
    pub reopened: Option<Reopening>,
}

/// FREEZE: the chair's recorded reopening of a decided nomination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    pub by: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub reason: String,
}
