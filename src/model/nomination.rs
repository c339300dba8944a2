//! `nomination.ron`: one entry of one category.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::campaign::NomineeKind;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nomination {
    pub id: String,
    /// Category id (aliases are resolved before the record is written).
    pub category: String,
    /// The nominating unit's id.
    pub unit: String,
    pub nominee: Nominee,
    /// SCOPE-BRAND: the established service brand.
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(with = "super::compact::date")]
    pub registered: NaiveDate,
    pub contact: Contact,
    pub deeds: String,
    #[serde(default)]
    pub metrics: Metrics,
    #[serde(default)]
    pub honours: Vec<Honour>,
    #[serde(default)]
    pub media: Vec<MediaReport>,
    /// ACTIVITY: dated reports of campaign activities.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// ACTIVITY: supervisors (監督員) appointed by the unit.
    #[serde(default)]
    pub supervisors: Vec<Supervisor>,
    /// EVIDENCE: documents and photos the deeds rest on.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// FORM-DEADLINE: when the application form (三份) was filed.
    #[serde(default, with = "super::compact::opt_date")]
    pub form_filed: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nominee {
    pub kind: NomineeKind,
    pub name: String,
    /// For a person: where they work; for an organisation: its parent body.
    #[serde(default)]
    pub workplace: Option<String>,
    /// For a person: the post held.
    #[serde(default)]
    pub post: Option<String>,
    /// Serves the public directly (SCOPE-WINDOW, SCOPE-STAR).
    #[serde(default)]
    pub front_line: bool,
    /// For a person, as the application form asks: 性別.
    #[serde(default)]
    pub gender: Option<String>,
    /// 出生年月, e.g. `1985-03` or 1985年3月.
    #[serde(default)]
    pub born: Option<String>,
    /// 政治面貌, e.g. 中共黨員.
    #[serde(default)]
    pub political_status: Option<String>,
    /// 學歷, e.g. 大學本科.
    #[serde(default)]
    pub education: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: String,
}

/// Figures the unit reports; committee measurements in evaluations take precedence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// 行風評議 satisfaction (%) by year.
    #[serde(default, deserialize_with = "super::unique::map")]
    pub appraisal_satisfaction: BTreeMap<i32, f64>,
    /// Service-quality satisfaction (%).
    #[serde(default)]
    pub service_satisfaction: Option<f64>,
    /// Staff knowledge rate 應知應會率 (%).
    #[serde(default)]
    pub knowledge_rate: Option<f64>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IncidentKind {
    /// Service-quality problem with negative social impact.
    NegativeImpact,
    LiabilityAccident,
    SafetyAccident,
    /// Violation of law or discipline.
    Violation,
    /// Complaint from those served.
    Complaint,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub kind: IncidentKind,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    National,
    Provincial,
    /// 棗莊 (prefecture) level.
    Prefectural,
    Municipal,
    Other,
}

impl Level {
    /// Rank for "at this level or above": lower is higher.
    pub fn rank(self) -> u8 {
        match self {
            Level::National => 0,
            Level::Provincial => 1,
            Level::Prefectural => 2,
            Level::Municipal => 3,
            Level::Other => 4,
        }
    }

    pub fn at_least(self, other: Level) -> bool {
        self.rank() <= other.rank()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Honour {
    pub title: String,
    pub level: Level,
    /// Year the title has been held since.
    pub since: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaReport {
    pub outlet: String,
    pub level: Level,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supervisor {
    pub name: String,
    pub affiliation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub title: String,
    /// Where the document or photo is kept: an archive number, a path or a URL.
    pub reference: String,
}
