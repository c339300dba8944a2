//! Hard conditions (GATE-BRAND-SAT, GATE-BRAND-CLEAN, GATE-WINDOW-KNOW,
//! GATE-WINDOW-SAT, GATE-WINDOW-SAFE, GATE-STAR-CLEAN), the veto (GATE-VETO) and
//! the priority flag (PRIORITY-BRAND).
//!
//! Each gate of the category is evaluated from the nomination's metrics; for the
//! knowledge rate and the service satisfaction the latest committee measurement in
//! an evaluation (by date, then file stem) takes precedence, and incidents found in
//! evaluations are added to the unit's own. Evaluations by unknown or conflicted
//! authors do not count. `AppraisalSatisfaction { years: N }` is the lowest value
//! over the N years before the campaign year (the year of `campaign.issued`);
//! a missing year fails the gate ("no data for 2015"). `Incidents { years: N }`
//! counts incidents dated in the N years up to and including the campaign year.

use chrono::Datelike;
use serde::Serialize;

use crate::model::{
    Campaign, Category, Comparison, Gate, Incident, Level, Member, Metric, Nomination, Record,
    Snapshot, Stance,
};

use super::conflict::author_counts;
use super::text::{num, pick};

pub const NOMINATION_SOURCE: &str = "nomination.ron metrics";

/// The result of one gate, with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct GateResult {
    /// The rule id, e.g. `GATE-WINDOW-KNOW`.
    pub id: String,
    pub title: String,
    pub title_en: String,
    pub metric: Metric,
    pub comparison: Comparison,
    pub threshold: f64,
    /// The value compared; `None` when there is no data.
    pub value: Option<f64>,
    pub passed: bool,
    /// Where the value came from: `nomination.ron metrics` or `evaluation <stem>`.
    pub sources: Vec<String>,
    /// Years without data (appraisal satisfaction).
    pub missing_years: Vec<i32>,
    /// The years considered, first and last (appraisal satisfaction, incidents).
    pub years: Option<(i32, i32)>,
    /// The incidents counted (incident gates).
    pub incidents: Vec<Incident>,
}

fn metric_name(metric: &Metric, zh: bool) -> String {
    let lang = crate::i18n::Lang::of(zh);
    match metric {
        Metric::AppraisalSatisfaction { .. } => {
            pick(zh, "行風評議滿意率".into(), "appraisal satisfaction".into())
        }
        Metric::ServiceSatisfaction => {
            pick(zh, "服務質量滿意率".into(), "service satisfaction".into())
        }
        Metric::KnowledgeRate => pick(zh, "應知應會率".into(), "staff knowledge rate".into()),
        Metric::Incidents { kinds, .. } => {
            let names: Vec<&str> = kinds.iter().map(|k| lang.incident_short(*k)).collect();
            pick(
                zh,
                format!("事件數（{}）", names.join("、")),
                format!("incidents ({})", names.join(", ")),
            )
        }
    }
}

/// Where a gate's value came from, in words: the nomination's own figures or
/// a committee evaluation as a reader names it, by its date
/// (`2017年7月3日測評`, `evaluation of 3 Jul 2017`); the file stem
/// (`YYYYMMDD-HHMMSS-author`) stays in `sources`, the machine form.
fn source_name(source: &str, zh: bool) -> String {
    if source == NOMINATION_SOURCE {
        pick(
            zh,
            "申報材料所填數據".into(),
            "the nomination's figures".into(),
        )
    } else if let Some(stem) = source.strip_prefix("evaluation ") {
        let day = stem
            .get(..8)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").ok());
        match day {
            Some(d) => pick(
                zh,
                format!("{}年{}月{}日測評", d.year(), d.month(), d.day()),
                format!("evaluation of {}", d.format("%-d %b %Y")),
            ),
            None => pick(zh, "評委會測評".into(), "a committee evaluation".into()),
        }
    } else {
        source.to_string()
    }
}

impl GateResult {
    /// E.g. `appraisal satisfaction 2015–2016: 92% ≥ 90%, pass (GATE-BRAND-SAT; the nomination's figures)`,
    /// `行風評議滿意率 2015–2016：92% ≥ 90%，通過（GATE-BRAND-SAT；來源：申報材料所填數據）`:
    /// the sentence first, the rule id after it as its reference.
    /// The sign is the true relation of the value to the threshold: a failed
    /// "at least 90%" reads `88.5% < 90%`, a failed "at most 0" reads `1 > 0`.
    pub fn message(&self, zh: bool) -> String {
        let cmp = match (self.comparison, self.passed) {
            (Comparison::AtLeast, true) => "≥",
            (Comparison::AtLeast, false) => "<",
            (Comparison::AtMost, true) => "≤",
            (Comparison::AtMost, false) => ">",
        };
        let unit = match (&self.metric, zh) {
            (Metric::Incidents { .. }, true) => " 起",
            (Metric::Incidents { .. }, false) => "",
            _ => "%",
        };
        let years = self
            .years
            .map(|(a, b)| {
                if a == b {
                    format!(" {a}")
                } else {
                    format!(" {a}–{b}")
                }
            })
            .unwrap_or_default();
        let verdict = match (self.passed, zh) {
            (true, true) => "通過",
            (true, false) => "pass",
            (false, true) => "未通過",
            (false, false) => "fail",
        };
        let what = match self.value {
            Some(v) => format!("{}{unit} {cmp} {}{unit}", num(v), num(self.threshold)),
            None if !self.missing_years.is_empty() => {
                let ys: Vec<String> = self.missing_years.iter().map(|y| y.to_string()).collect();
                pick(
                    zh,
                    format!("無 {} 年數據", ys.join("、")),
                    format!("no data for {}", ys.join(", ")),
                )
            }
            None => pick(zh, "無數據".into(), "no data".into()),
        };
        let sources: Vec<String> = self.sources.iter().map(|s| source_name(s, zh)).collect();
        let reference = match (zh, sources.is_empty()) {
            (true, true) => format!("（{}）", self.id),
            (true, false) => format!("（{}；來源：{}）", self.id, sources.join("；")),
            (false, true) => format!(" ({})", self.id),
            (false, false) => format!(" ({}; {})", self.id, sources.join("; ")),
        };
        let (sep, comma) = if zh { ("：", "，") } else { (": ", ", ") };
        format!(
            "{}{years}{sep}{what}{comma}{verdict}{reference}",
            metric_name(&self.metric, zh)
        )
    }
}

/// A department's veto (GATE-VETO).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Veto {
    pub department: String,
    pub reason: String,
    pub recorded_by: String,
    pub date: chrono::NaiveDate,
}

/// Why a nomination has priority (PRIORITY-BRAND).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum PriorityGround {
    Honour {
        title: String,
        level: Level,
        since: i32,
        years_held: i32,
    },
    Media {
        outlet: String,
        level: Level,
        date: chrono::NaiveDate,
        title: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PriorityFlag {
    pub flag: bool,
    pub grounds: Vec<PriorityGround>,
}

/// All the hard conditions of one nomination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    pub gates: Vec<GateResult>,
    pub vetoes: Vec<Veto>,
    pub priority: PriorityFlag,
    /// Every gate passed and nobody vetoed.
    pub passed: bool,
}

fn campaign_year(campaign: &Campaign) -> i32 {
    campaign.issued.year()
}

/// The latest committee measurement picked by `field`, with its source.
fn latest_measurement(
    members: &[Member],
    record: &Record,
    field: impl Fn(&crate::model::Evaluation) -> Option<f64>,
) -> Option<(f64, String)> {
    record
        .evaluations
        .iter()
        .filter(|(_, e)| author_counts(members, &record.nomination, &e.author))
        .filter_map(|(stem, e)| field(e).map(|v| (e.date, stem, v)))
        .max_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
        .map(|(_, stem, v)| (v, format!("evaluation {stem}")))
}

/// Evaluates one gate.
pub fn evaluate_gate(
    campaign: &Campaign,
    members: &[Member],
    gate: &Gate,
    record: &Record,
) -> GateResult {
    let n = &record.nomination;
    let year = campaign_year(campaign);
    let mut result = GateResult {
        id: gate.id.clone(),
        title: gate.title.clone(),
        title_en: gate.title_en.clone(),
        metric: gate.metric.clone(),
        comparison: gate.comparison,
        threshold: gate.threshold,
        value: None,
        passed: false,
        sources: Vec::new(),
        missing_years: Vec::new(),
        years: None,
        incidents: Vec::new(),
    };
    match &gate.metric {
        Metric::AppraisalSatisfaction { years } => {
            let span = i32::try_from(*years).unwrap_or(i32::MAX).max(1);
            let (first, last) = (year - span, year - 1);
            result.years = Some((first, last));
            let mut min: Option<f64> = None;
            for y in first..=last {
                match n.metrics.appraisal_satisfaction.get(&y) {
                    Some(v) => min = Some(min.map_or(*v, |m: f64| m.min(*v))),
                    None => result.missing_years.push(y),
                }
            }
            if result.missing_years.is_empty() {
                result.value = min;
            }
            result.sources.push(NOMINATION_SOURCE.into());
        }
        Metric::ServiceSatisfaction | Metric::KnowledgeRate => {
            let knowledge = matches!(gate.metric, Metric::KnowledgeRate);
            let measured = latest_measurement(members, record, |e| {
                if knowledge {
                    e.knowledge_rate
                } else {
                    e.service_satisfaction
                }
            });
            let own = if knowledge {
                n.metrics.knowledge_rate
            } else {
                n.metrics.service_satisfaction
            };
            if let Some((v, src)) = measured {
                result.value = Some(v);
                result.sources.push(src);
            } else if let Some(v) = own {
                result.value = Some(v);
                result.sources.push(NOMINATION_SOURCE.into());
            }
        }
        Metric::Incidents { kinds, years } => {
            let span = i32::try_from(*years).unwrap_or(i32::MAX).max(1);
            let first = year - span + 1;
            result.years = Some((first, year));
            let in_scope = |i: &Incident| kinds.contains(&i.kind) && i.date.year() >= first;
            let mut counted: Vec<Incident> = Vec::new();
            for i in n.metrics.incidents.iter().filter(|i| in_scope(i)) {
                if !counted.contains(i) {
                    counted.push(i.clone());
                }
            }
            result.sources.push(NOMINATION_SOURCE.into());
            for (stem, e) in &record.evaluations {
                if !author_counts(members, n, &e.author) {
                    continue;
                }
                let mut added = false;
                for i in e.incidents.iter().filter(|i| in_scope(i)) {
                    if !counted.contains(i) {
                        counted.push(i.clone());
                        added = true;
                    }
                }
                if added {
                    result.sources.push(format!("evaluation {stem}"));
                }
            }
            result.value = Some(counted.len() as f64);
            result.incidents = counted;
        }
    }
    result.passed = result
        .value
        .is_some_and(|v| gate.comparison.holds(v, gate.threshold));
    result
}

/// Every gate of the category, in the category's order.
pub fn evaluate_gates(
    campaign: &Campaign,
    members: &[Member],
    category: &Category,
    record: &Record,
) -> Vec<GateResult> {
    category
        .gates
        .iter()
        .map(|g| evaluate_gate(campaign, members, g, record))
        .collect()
}

/// GATE-VETO: the departments that vetoed.
pub fn vetoes(record: &Record) -> Vec<Veto> {
    record
        .opinions
        .iter()
        .filter(|(_, o)| o.stance == Stance::Veto)
        .map(|(dept, o)| Veto {
            department: dept.clone(),
            reason: o.reason.clone(),
            recorded_by: o.recorded_by.clone(),
            date: o.date,
        })
        .collect()
}

/// PRIORITY-BRAND: honours at or above the category's level held at least
/// `honour_years` by the campaign year, or media coverage at or above `media_level`.
pub fn priority(campaign: &Campaign, category: &Category, nomination: &Nomination) -> PriorityFlag {
    let Some(p) = &category.priority else {
        return PriorityFlag::default();
    };
    let year = campaign_year(campaign);
    let min_years = i32::try_from(p.honour_years).unwrap_or(i32::MAX);
    let mut grounds = Vec::new();
    for h in &nomination.honours {
        let held = year - h.since;
        if h.level.at_least(p.honour_level) && held >= min_years {
            grounds.push(PriorityGround::Honour {
                title: h.title.clone(),
                level: h.level,
                since: h.since,
                years_held: held,
            });
        }
    }
    for m in &nomination.media {
        if m.level.at_least(p.media_level) {
            grounds.push(PriorityGround::Media {
                outlet: m.outlet.clone(),
                level: m.level,
                date: m.date,
                title: m.title.clone(),
            });
        }
    }
    PriorityFlag {
        flag: !grounds.is_empty(),
        grounds,
    }
}

/// Gates, vetoes and priority of a record; `None` when its category is unknown.
pub fn gate_report(snapshot: &Snapshot, record: &Record) -> Option<GateReport> {
    let campaign = &snapshot.campaign;
    let category = campaign.category(&record.nomination.category)?;
    let gates = evaluate_gates(campaign, &snapshot.members, category, record);
    let vetoes = vetoes(record);
    let passed = gates.iter().all(|g| g.passed) && vetoes.is_empty();
    Some(GateReport {
        gates,
        vetoes,
        priority: priority(campaign, category, &record.nomination),
        passed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evaluation, EvaluationKind, Honour, IncidentKind, MediaReport, Opinion};
    use crate::rules::fixture::*;

    fn gate<'a>(report: &'a GateReport, id: &str) -> &'a GateResult {
        report.gates.iter().find(|g| g.id == id).unwrap()
    }

    fn report(s: &Snapshot, id: &str) -> GateReport {
        gate_report(s, s.record(id).unwrap()).unwrap()
    }

    fn incident(kind: IncidentKind, y: i32) -> Incident {
        Incident {
            kind,
            date: chrono::NaiveDate::from_ymd_opt(y, 3, 1).unwrap(),
            description: "reported".into(),
        }
    }

    #[test]
    fn fixture_passes_every_gate() {
        let mut s = snapshot();
        for (id, cat) in [("b", "brand"), ("w", "window"), ("s", "star")] {
            add(&mut s, nomination(id, cat, "town-a"));
            let r = report(&s, id);
            assert!(r.passed, "{id}: {:?}", r.gates);
        }
    }

    #[test]
    fn gate_brand_sat_min_of_last_two_years_missing_year_fails() {
        // GATE-BRAND-SAT
        let mut s = snapshot();
        let rec = add(&mut s, nomination("b", "brand", "town-a"));
        rec.nomination
            .metrics
            .appraisal_satisfaction
            .insert(2015, 89.5);
        let g = gate(&report(&s, "b"), "GATE-BRAND-SAT").clone();
        assert!(!g.passed);
        assert_eq!(g.value, Some(89.5));
        assert_eq!(g.years, Some((2015, 2016)));
        // the sentence is true: a failed "at least" reads `<`, with its unit
        assert!(
            g.message(false).contains("89.5% < 90%, fail"),
            "{}",
            g.message(false)
        );
        assert!(g.message(true).contains("89.5% < 90%，未通過"));
        assert!(!g.message(true).contains('≥'));
        assert!(g.message(false).contains("the nomination's figures"));
        s.records
            .get_mut("b")
            .unwrap()
            .nomination
            .metrics
            .appraisal_satisfaction
            .remove(&2015);
        let g = gate(&report(&s, "b"), "GATE-BRAND-SAT").clone();
        assert!(!g.passed);
        assert_eq!(g.missing_years, vec![2015]);
        assert!(
            g.message(false).contains("no data for 2015"),
            "{}",
            g.message(false)
        );
        assert!(g.message(true).contains("無 2015 年數據"));
    }

    #[test]
    fn gate_brand_clean_counts_incidents_in_recent_years() {
        // GATE-BRAND-CLEAN
        let mut s = snapshot();
        let rec = add(&mut s, nomination("b", "brand", "town-a"));
        rec.nomination
            .metrics
            .incidents
            .push(incident(IncidentKind::NegativeImpact, 2010));
        assert!(gate(&report(&s, "b"), "GATE-BRAND-CLEAN").passed, "too old");
        let rec = s.records.get_mut("b").unwrap();
        rec.nomination
            .metrics
            .incidents
            .push(incident(IncidentKind::Violation, 2016));
        let g = gate(&report(&s, "b"), "GATE-BRAND-CLEAN").clone();
        assert!(!g.passed);
        assert_eq!(g.value, Some(1.0));
        // a failed "at most 0" reads `1 > 0`, counted in incidents (起)
        assert!(
            g.message(true).contains("1 起 > 0 起，未通過"),
            "{}",
            g.message(true)
        );
        assert!(
            g.message(false).contains(": 1 > 0, fail"),
            "{}",
            g.message(false)
        );
    }

    #[test]
    fn gate_explanations_state_the_true_relation_with_units() {
        // GATE-WINDOW-SAT, GATE-WINDOW-KNOW: passing reads ≥, failing reads <, in percent
        let mut s = snapshot();
        let rec = add(&mut s, nomination("w", "window", "town-a"));
        rec.nomination.metrics.service_satisfaction = Some(88.5);
        let r = report(&s, "w");
        let sat = gate(&r, "GATE-WINDOW-SAT");
        assert!(
            sat.message(true).contains("88.5% < 90%，未通過"),
            "{}",
            sat.message(true)
        );
        let know = gate(&r, "GATE-WINDOW-KNOW");
        assert!(
            know.message(true).contains("94% ≥ 90%，通過"),
            "{}",
            know.message(true)
        );
        let safe = gate(&r, "GATE-WINDOW-SAFE");
        assert!(
            safe.message(false).contains("0 ≤ 0, pass"),
            "{}",
            safe.message(false)
        );
        // the sentence first, the rule id after it as its reference (issue 16)
        let m = sat.message(true);
        assert!(m.starts_with("服務質量滿意率"), "{m}");
        assert!(m.contains("（GATE-WINDOW-SAT；來源："), "{m}");
        assert!(
            safe.message(true).contains("事件數（"),
            "{}",
            safe.message(true)
        );
        assert!(
            !safe.message(true).contains("Violation"),
            "{}",
            safe.message(true)
        );
    }

    #[test]
    fn gate_window_know_committee_measurement_overrides_unit_figure() {
        // GATE-WINDOW-KNOW
        let mut s = snapshot();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        rec.nomination.metrics.knowledge_rate = Some(95.0);
        let mut e = evaluation("r2", EvaluationKind::Unannounced, day(10, 2), None);
        e.knowledge_rate = Some(85.0);
        rec.evaluations.insert("20171002-r2".into(), e.clone());
        e.knowledge_rate = Some(88.0);
        e.date = day(11, 2);
        rec.evaluations.insert(
            "20171102-r3".into(),
            Evaluation {
                author: "r3".into(),
                ..e
            },
        );
        let g = gate(&report(&s, "w"), "GATE-WINDOW-KNOW").clone();
        assert!(!g.passed);
        assert_eq!(g.value, Some(88.0));
        assert_eq!(g.sources, vec!["evaluation 20171102-r3".to_string()]);
        // the sentence names the evaluation by its date, never by its file stem
        // or its author's id; `sources` keeps the stem for machines
        let (en, zh) = (g.message(false), g.message(true));
        assert!(en.contains("evaluation of 2 Nov 2017"), "{en}");
        assert!(zh.contains("2017年11月2日測評"), "{zh}");
        assert!(!en.contains("r3") && !zh.contains("r3"), "{en} {zh}");
        assert!(
            !en.contains("20171102") && !zh.contains("20171102"),
            "{en} {zh}"
        );
        // without any measurement the unit's own figure counts; with none at all, fail
        let rec = s.records.get_mut("w").unwrap();
        rec.evaluations.clear();
        assert!(gate(&report(&s, "w"), "GATE-WINDOW-KNOW").passed);
        s.records
            .get_mut("w")
            .unwrap()
            .nomination
            .metrics
            .knowledge_rate = None;
        assert!(!gate(&report(&s, "w"), "GATE-WINDOW-KNOW").passed);
    }

    #[test]
    fn gate_window_sat_ninety_percent() {
        // GATE-WINDOW-SAT
        let mut s = snapshot();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        rec.nomination.metrics.service_satisfaction = Some(90.0);
        assert!(gate(&report(&s, "w"), "GATE-WINDOW-SAT").passed);
        s.records
            .get_mut("w")
            .unwrap()
            .nomination
            .metrics
            .service_satisfaction = Some(89.9);
        assert!(!gate(&report(&s, "w"), "GATE-WINDOW-SAT").passed);
    }

    #[test]
    fn gate_window_safe_incident_found_in_evaluation() {
        // GATE-WINDOW-SAFE: an inspection's incident counts
        let mut s = snapshot();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        let mut e = evaluation("r2", EvaluationKind::Unannounced, day(10, 2), None);
        e.incidents
            .push(incident(IncidentKind::SafetyAccident, 2017));
        rec.evaluations.insert("20171002-r2".into(), e.clone());
        let g = gate(&report(&s, "w"), "GATE-WINDOW-SAFE").clone();
        assert!(!g.passed);
        assert!(g.sources.contains(&"evaluation 20171002-r2".to_string()));
        // the same evaluation by a conflicted author (r1, of town-a) does not count
        let mut s2 = snapshot();
        let rec = add(&mut s2, nomination("w", "window", "town-a"));
        rec.evaluations.insert(
            "20171002-r1".into(),
            Evaluation {
                author: "r1".into(),
                ..e
            },
        );
        assert!(gate(&report(&s2, "w"), "GATE-WINDOW-SAFE").passed);
    }

    #[test]
    fn gate_star_clean_complaint_fails() {
        // GATE-STAR-CLEAN
        let mut s = snapshot();
        let rec = add(&mut s, nomination("s", "star", "town-b"));
        rec.nomination
            .metrics
            .incidents
            .push(incident(IncidentKind::Complaint, 2017));
        assert!(!gate(&report(&s, "s"), "GATE-STAR-CLEAN").passed);
        assert!(!report(&s, "s").passed);
    }

    #[test]
    fn gate_veto_from_opinions() {
        // GATE-VETO
        let mut s = snapshot();
        let rec = add(&mut s, nomination("s", "star", "town-b"));
        rec.opinions.insert(
            "xinfang".into(),
            Opinion {
                department: "xinfang".into(),
                stance: Stance::Veto,
                reason: "petitions pending".into(),
                recorded_by: "clerk".into(),
                date: day(11, 1),
            },
        );
        let r = report(&s, "s");
        assert!(!r.passed);
        assert_eq!(r.vetoes[0].department, "xinfang");
    }

    #[test]
    fn priority_brand_honour_two_years_or_media() {
        // PRIORITY-BRAND
        let s = snapshot();
        let c = s.campaign.category("brand").unwrap();
        let mut n = nomination("b", "brand", "town-a");
        assert!(!priority(&s.campaign, c, &n).flag);
        n.honours.push(Honour {
            title: "省級文明單位".into(),
            level: Level::Provincial,
            since: 2016,
        });
        assert!(!priority(&s.campaign, c, &n).flag, "held one year only");
        n.honours[0].since = 2015;
        assert!(priority(&s.campaign, c, &n).flag);
        n.honours[0].level = Level::Other;
        assert!(!priority(&s.campaign, c, &n).flag, "level too low");
        n.media.push(MediaReport {
            outlet: "滕州日報".into(),
            level: Level::Municipal,
            date: day(5, 1),
            title: "report".into(),
        });
        let p = priority(&s.campaign, c, &n);
        assert!(p.flag);
        assert!(matches!(p.grounds[0], PriorityGround::Media { .. }));
    }
}
