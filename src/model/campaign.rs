//! `campaign.ron`: the rules of one campaign as data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::action::ActionKind;
use super::nomination::IncidentKind;

/// The `format` this build reads and writes. A newer one is refused for writing.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// Version of the file layout; see DESIGN.md "Format".
    pub format: u32,
    pub id: String,
    pub title: String,
    pub title_en: String,
    /// Who issued the notice, e.g. 中共滕州市委精神文明建設辦公室.
    pub issuer: String,
    pub issued: NaiveDate,
    /// The unit whose clerks may act for every unit (the civilisation office).
    pub office_unit: String,
    pub phases: Vec<Phase>,
    /// REG-DEADLINE: last day a unit may register an entry.
    pub registration_deadline: NaiveDate,
    /// FORM-DEADLINE: last day an application form may be filed.
    pub form_deadline: NaiveDate,
    pub categories: Vec<Category>,
    /// The departments whose opinions are sought (DEPT-OPINIONS).
    pub departments: Vec<Department>,
    /// Length of the public notice (CANDIDATES).
    pub notice_days: u32,
    pub aggregation: Aggregation,
    /// When true an unsigned action is refused before anything is written.
    pub signing_required: bool,
    /// TIME-FORWARD: how many hours an action's time (the author time) may lie
    /// before the time it was committed, and how far behind the server's clock
    /// a pushed commit may be. Chair-set; 24 when absent.
    #[serde(default = "default_max_offline")]
    pub max_offline: u32,
    /// CAMPAIGN-TZ: the campaign's time zone (an IANA name such as `Asia/Shanghai`).
    /// Every date rule is judged on this calendar, whatever offset an actor's clock
    /// gives. Files written before the field existed load as `Asia/Shanghai`.
    #[serde(default = "default_time_zone")]
    pub time_zone: chrono_tz::Tz,
    /// CANDIDATE-NEEDS: what a candidate decision requires besides the gates.
    #[serde(default)]
    pub candidate_needs: CandidateNeeds,
    /// CANDIDATES: where the public lodges an objection during the notice; printed
    /// on the public notice. `None` in campaigns written before it existed.
    #[serde(default)]
    pub objection_contact: Option<ObjectionContact>,
    /// COMMEND: the body issuing the commendation decision (表彰決定) and its
    /// document number (文號); `None` leaves both blank on the draft.
    #[serde(default)]
    pub commendation: Option<Commendation>,
    /// The language of the campaign's documents (notice, final list, forms,
    /// scores, audit): `"zh-Hant"`, `"zh-Hans"` or `"en"`; `export --lang`
    /// overrides it, the operator's locale never does. Campaigns written
    /// before the field existed load as zh-Hant (the documents as they were).
    #[serde(default)]
    pub language: crate::i18n::Lang,
}

/// TIME-FORWARD: `max_offline` when `campaign.ron` does not set it (hours).
pub const DEFAULT_MAX_OFFLINE: u32 = 24;

fn default_max_offline() -> u32 {
    DEFAULT_MAX_OFFLINE
}

impl Campaign {
    /// `max_offline` as a duration.
    pub fn max_offline(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.max_offline))
    }
}

/// The default campaign time zone (CAMPAIGN-TZ): the notice's, Tengzhou's.
pub fn default_time_zone() -> chrono_tz::Tz {
    chrono_tz::Asia::Shanghai
}

/// CANDIDATE-NEEDS: 四、3 「11月底…上報…申報表,評委會將集中進行實地考察、座談走訪、民主測評,
/// 并在…基礎上,確定候選名單」. The default asks for all of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateNeeds {
    /// The application form (申報表) must be filed.
    #[serde(default = "yes")]
    pub application_form: bool,
    /// The democratic evaluation (民主測評) must have at least one vote.
    #[serde(default = "yes")]
    pub votes: bool,
    /// Kinds of committee evaluation of which each candidate needs at least one,
    /// by a member who counts for it (known, not conflicted).
    #[serde(default = "default_assessments")]
    pub assessments: Vec<super::record::EvaluationKind>,
}

fn yes() -> bool {
    true
}

fn default_assessments() -> Vec<super::record::EvaluationKind> {
    vec![
        super::record::EvaluationKind::SiteVisit,
        super::record::EvaluationKind::Interview,
    ]
}

impl Default for CandidateNeeds {
    fn default() -> Self {
        CandidateNeeds {
            application_form: true,
            votes: true,
            assessments: default_assessments(),
        }
    }
}

/// The objection channel of the public notice (公示): office, address, telephone,
/// mailbox and office hours. Empty strings are left off the notice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectionContact {
    /// The office that takes objections, e.g. 滕州市文明辦.
    pub office: String,
    /// Postal address for letters.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub phone: String,
    /// E-mail or a letter box (信箱).
    #[serde(default)]
    pub mailbox: String,
    /// When the office receives visitors, e.g. 工作日 8:30–12:00、14:00–17:30.
    #[serde(default)]
    pub hours: String,
}

/// The commendation decision's heading data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commendation {
    /// The issuing body, e.g. 中共滕州市委宣傳部、滕州市文明辦; empty: the campaign's `issuer`.
    #[serde(default)]
    pub issuer: String,
    /// The document number (文號), e.g. 滕文明辦〔2017〕21號.
    #[serde(default)]
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// First and last day, both included.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Actions allowed while this phase is open.
    pub allows: Vec<ActionKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NomineeKind {
    Organisation,
    Person,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub name_en: String,
    /// Other names the notice uses for this category.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub nominee: NomineeKind,
    /// Unit kinds whose entries fit this category (SCOPE-*); empty means any.
    #[serde(default)]
    pub unit_kinds: Vec<super::unit::UnitKind>,
    /// SCOPE-BRAND: the entry must name its established brand.
    #[serde(default)]
    pub requires_brand: bool,
    /// SCOPE-WINDOW / SCOPE-STAR: the nominee must be at the front line.
    #[serde(default)]
    pub requires_front_line: bool,
    pub criteria: Vec<Criterion>,
    /// Most winners; `None` means no fixed number.
    pub slots: Option<u32>,
    /// NO-FILLER: nothing below this final score is listed.
    pub min_score: f64,
    #[serde(default)]
    pub gates: Vec<Gate>,
    /// PRIORITY-BRAND, when the category has one.
    #[serde(default)]
    pub priority: Option<Priority>,
}

impl Category {
    /// True when `name` is this category's id, name, English name or an alias.
    pub fn answers_to(&self, name: &str) -> bool {
        let n = name.trim();
        self.id == n
            || self.name == n
            || self.name_en.eq_ignore_ascii_case(n)
            || self.aliases.iter().any(|a| a == n)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// Sum of the max points of the criteria that count towards the total.
    pub fn total_max(&self) -> f64 {
        self.criteria
            .iter()
            .filter(|c| !c.independent)
            .map(|c| c.max)
            .sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    pub title_en: String,
    pub description: String,
    /// Highest points a reviewer may give.
    pub max: f64,
    /// Shown beside the total but not summed into it.
    #[serde(default)]
    pub independent: bool,
}

/// A hard condition: `metric comparison threshold` must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The rule id, e.g. `GATE-BRAND-SAT`.
    pub id: String,
    pub title: String,
    pub title_en: String,
    pub metric: Metric,
    pub comparison: Comparison,
    pub threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Metric {
    /// 行風評議 satisfaction (%), the lowest over the `years` years before the campaign year.
    AppraisalSatisfaction { years: u32 },
    /// Service-quality satisfaction (%).
    ServiceSatisfaction,
    /// Staff knowledge rate 應知應會率 (%).
    KnowledgeRate,
    /// Number of recorded incidents of these kinds in the `years` years up to the campaign.
    Incidents {
        kinds: Vec<IncidentKind>,
        years: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    AtLeast,
    AtMost,
}

impl Comparison {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= threshold,
            Comparison::AtMost => value <= threshold,
        }
    }
}

/// PRIORITY-BRAND: honours held `honour_years` or more, or media coverage at
/// `media_level` or above, give priority (a flag and the first tie-break).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub honour_years: u32,
    pub honour_level: super::nomination::Level,
    pub media_level: super::nomination::Level,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AggregateMethod {
    Mean,
    Median,
    TrimmedMean,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregation {
    pub method: AggregateMethod,
    /// Trimmed mean drops the highest and the lowest review when at least this many exist.
    pub trim_min_reviews: u32,
    /// ROUTINE-EVAL: share (0..=1) of the final score taken from routine and
    /// unannounced evaluation ratings; the rest is the reviewers' aggregate.
    pub evaluation_weight: f64,
    /// A spread (max − min of review totals) above this raises the disagreement flag.
    pub disagreement_spread: f64,
}

impl Campaign {
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.answers_to(name))
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    pub fn phase(&self, id: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.id == id)
    }

    /// CAMPAIGN-TZ: the campaign's calendar day of `time`, whatever its offset.
    pub fn day_of(&self, time: &chrono::DateTime<chrono::FixedOffset>) -> NaiveDate {
        time.with_timezone(&self.time_zone).date_naive()
    }
}
