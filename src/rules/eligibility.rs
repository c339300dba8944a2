//! Who may be a candidate and be ranked: scope fits, every gate passes, nobody
//! vetoed (GATE-VETO), every department answered (DEPT-OPINIONS), not rejected or
//! disqualified (FRAUD), no upheld objection (CANDIDATES), and scored at least once.

use serde::Serialize;

use crate::model::{Category, Opinion, Outcome, Record, Snapshot, Stance, Unit};

use super::aggregate::{aggregate_record, final_of, Aggregate};
use super::gates::{evaluate_gates, gate_report, priority, GateReport, GateResult};
use super::lookup::Lookup;
use super::objection::upheld_objection;
use super::scope::{scope_problems, scope_rule, ScopeProblem};
use super::text::pick;

/// Why a nomination is out of the ranking (and cannot be a candidate).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "ineligible", rename_all = "snake_case")]
pub enum Ineligible {
    OutOfScope {
        rule: String,
        problem: ScopeProblem,
    },
    UnknownCategory {
        category: String,
    },
    GateFailed {
        gate: GateResult,
    },
    Vetoed {
        department: String,
        reason: String,
    },
    OpinionsMissing {
        departments: Vec<String>,
    },
    Disqualified {
        reason: String,
        fraud: bool,
    },
    Rejected {
        reason: String,
    },
    ObjectionUpheld {
        objection: String,
        reason: String,
    },
    /// No review with points yet.
    NoScore,
}

impl Ineligible {
    pub fn rule(&self) -> String {
        match self {
            Ineligible::OutOfScope { rule, .. } => rule.clone(),
            Ineligible::UnknownCategory { .. } => "REFERENCE".into(),
            Ineligible::GateFailed { gate } => gate.id.clone(),
            Ineligible::Vetoed { .. } => "GATE-VETO".into(),
            Ineligible::OpinionsMissing { .. } => "DEPT-OPINIONS".into(),
            Ineligible::Disqualified { fraud: true, .. } => "FRAUD".into(),
            Ineligible::Disqualified { .. } | Ineligible::Rejected { .. } => "DECISION".into(),
            Ineligible::ObjectionUpheld { .. } => "CANDIDATES".into(),
            Ineligible::NoScore => "ASSESS".into(),
        }
    }

    /// The reason as a sentence, departments by name, the rule id after it
    /// as its reference: `信訪否決：……（GATE-VETO）`.
    pub fn message(&self, s: Option<&Snapshot>, zh: bool) -> String {
        let lang = crate::i18n::Lang::of(zh);
        match self {
            Ineligible::OutOfScope { rule, problem } => pick(
                zh,
                format!("{}（{rule}）", problem.message(zh)),
                format!("{} ({rule})", problem.message(zh)),
            ),
            Ineligible::UnknownCategory { category } => pick(
                zh,
                format!("未知類別「{category}」（REFERENCE）"),
                format!("unknown category {category} (REFERENCE)"),
            ),
            Ineligible::GateFailed { gate } => gate.message(zh),
            Ineligible::Vetoed { department, reason } => {
                let d = lang.department_in(s, department);
                pick(
                    zh,
                    format!("{d}否決：{reason}（GATE-VETO）"),
                    format!("vetoed by {d}: {reason} (GATE-VETO)"),
                )
            }
            Ineligible::OpinionsMissing { departments } => {
                let ds = lang.names(departments, |d| lang.department_in(s, d));
                pick(
                    zh,
                    format!("尚缺{ds}的意見（DEPT-OPINIONS）"),
                    format!("no opinion yet from {ds} (DEPT-OPINIONS)"),
                )
            }
            Ineligible::Disqualified { reason, fraud } => match (fraud, zh) {
                (true, true) => format!("因弄虛作假取消資格：{reason}（FRAUD）"),
                (true, false) => format!("disqualified for fraud: {reason} (FRAUD)"),
                (false, true) => format!("已取消資格：{reason}"),
                (false, false) => format!("disqualified: {reason}"),
            },
            Ineligible::Rejected { reason } => pick(
                zh,
                format!("主任決定不予入選：{reason}"),
                format!("rejected by the chair: {reason}"),
            ),
            Ineligible::ObjectionUpheld { objection, reason } => pick(
                zh,
                format!("異議 {objection} 成立：{reason}（CANDIDATES）"),
                format!("objection {objection} upheld: {reason} (CANDIDATES)"),
            ),
            Ineligible::NoScore => pick(
                zh,
                "尚無評委評分".into(),
                "not scored by any reviewer yet".into(),
            ),
        }
    }

    /// Reasons that come from the chair's own decision (a new decision replaces them).
    pub fn is_decision(&self) -> bool {
        matches!(
            self,
            Ineligible::Disqualified { .. } | Ineligible::Rejected { .. }
        )
    }
}

/// Departments of the campaign without an opinion on the record (DEPT-OPINIONS).
pub fn missing_opinions(snapshot: &Snapshot, record: &Record) -> Vec<String> {
    snapshot
        .campaign
        .departments
        .iter()
        .filter(|d| !record.opinions.contains_key(&d.id))
        .map(|d| d.id.clone())
        .collect()
}

/// Everything computed about one nomination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub id: String,
    pub category: String,
    pub gates: GateReport,
    pub aggregate: Aggregate,
    pub ineligible: Vec<Ineligible>,
}

/// Scope, gates, veto, opinions, decisions, objections and scores of one record.
/// `None` when its category is unknown.
pub fn assess(snapshot: &Snapshot, record: &Record) -> Option<Assessment> {
    let campaign = &snapshot.campaign;
    let n = &record.nomination;
    let category = campaign.category(&n.category)?;
    let gates = gate_report(snapshot, record)?;
    let aggregate = aggregate_record(category, &campaign.aggregation, &snapshot.members, record);
    let ineligible = reasons(
        snapshot,
        category,
        snapshot.unit(&n.unit),
        record,
        gates.gates.iter().filter(|g| !g.passed).cloned(),
        gates.vetoes.iter().map(|v| (&v.department, &v.reason)),
        aggregate.final_score.is_some(),
    );
    Some(Assessment {
        id: n.id.clone(),
        category: category.id.clone(),
        gates,
        aggregate,
        ineligible,
    })
}

/// Why `record` is out of the ranking, in the order of the rules: scope
/// (`unit` its nominating unit), the `failed` gates, the `vetoes`
/// (department, reason), missing opinions, the decision, an upheld
/// objection, no score (`scored`: a final score exists).
fn reasons<'r>(
    snapshot: &Snapshot,
    category: &Category,
    unit: Option<&Unit>,
    record: &Record,
    failed: impl IntoIterator<Item = GateResult>,
    vetoes: impl IntoIterator<Item = (&'r String, &'r String)>,
    scored: bool,
) -> Vec<Ineligible> {
    let n = &record.nomination;
    let mut out = Vec::new();
    for problem in scope_problems(category, unit, n) {
        out.push(Ineligible::OutOfScope {
            rule: scope_rule(category),
            problem,
        });
    }
    for gate in failed {
        out.push(Ineligible::GateFailed { gate });
    }
    for (department, reason) in vetoes {
        out.push(Ineligible::Vetoed {
            department: department.clone(),
            reason: reason.clone(),
        });
    }
    let missing = missing_opinions(snapshot, record);
    if !missing.is_empty() {
        out.push(Ineligible::OpinionsMissing {
            departments: missing,
        });
    }
    match &record.decision {
        Some(d) if d.outcome == Outcome::Disqualified => out.push(Ineligible::Disqualified {
            reason: d.reason.clone(),
            fraud: d.fraud,
        }),
        Some(d) if d.outcome == Outcome::Rejected => out.push(Ineligible::Rejected {
            reason: d.reason.clone(),
        }),
        _ => {}
    }
    if let Some((stem, o)) = upheld_objection(record) {
        out.push(Ineligible::ObjectionUpheld {
            objection: stem.to_string(),
            reason: o
                .resolution
                .as_ref()
                .map(|r| r.reason.clone())
                .unwrap_or_default(),
        });
    }
    if !scored {
        out.push(Ineligible::NoScore);
    }
    out
}

/// What ranking reads of an [`Assessment`] (issue 18, P1).
#[derive(Debug, Clone, PartialEq)]
pub struct Brief<'a> {
    pub category: &'a Category,
    pub final_score: Option<f64>,
    /// PRIORITY-BRAND.
    pub priority: bool,
    pub disagreement: bool,
    /// A gate not passed.
    pub gate_failed: bool,
    /// A department vetoed.
    pub veto: bool,
    pub ineligible: Vec<Ineligible>,
}

/// What ranking reads of [`assess`], by the same steps without the parts it
/// does not read (the passed gates' detail, the aggregate's, the priority's
/// grounds): the ranking assesses every record after a cold open (issue 18,
/// P1). `None` when the category is unknown.
pub fn brief<'a>(lookup: &Lookup<'a>, record: &Record) -> Option<Brief<'a>> {
    let snapshot = lookup.snapshot;
    let campaign = &snapshot.campaign;
    let n = &record.nomination;
    let category = campaign.category(&n.category)?;
    let mut failed = evaluate_gates(campaign, &snapshot.members, category, record);
    failed.retain(|g| !g.passed);
    let is_veto = |(_, o): &(&String, &Opinion)| o.stance == Stance::Veto;
    let veto = record.opinions.iter().any(|x| is_veto(&x));
    let (final_score, disagreement) = final_of(category, &campaign.aggregation, lookup, record);
    Some(Brief {
        category,
        final_score,
        priority: priority(campaign, category, n).flag,
        disagreement,
        gate_failed: !failed.is_empty(),
        veto,
        ineligible: reasons(
            snapshot,
            category,
            lookup.unit(&n.unit),
            record,
            failed,
            record
                .opinions
                .iter()
                .filter(is_veto)
                .map(|(d, o)| (d, &o.reason)),
            final_score.is_some(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Opinion, Stance};
    use crate::rules::fixture::*;

    #[test]
    fn dept_opinions_every_department_must_answer() {
        // DEPT-OPINIONS
        let mut s = snapshot();
        let c = s.campaign.clone();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        score_all(&c, rec, 0.8);
        all_opinions(rec);
        assert_eq!(
            assess(&s, s.record("w").unwrap()).unwrap().ineligible,
            vec![]
        );
        s.records.get_mut("w").unwrap().opinions.remove("anquan");
        let a = assess(&s, s.record("w").unwrap()).unwrap();
        assert_eq!(
            a.ineligible,
            vec![Ineligible::OpinionsMissing {
                departments: vec!["anquan".into()]
            }]
        );
        assert_eq!(a.ineligible[0].rule(), "DEPT-OPINIONS");
        // a concern is an answer, not a veto
        s.records.get_mut("w").unwrap().opinions.insert(
            "anquan".into(),
            Opinion {
                department: "anquan".into(),
                stance: Stance::Concern,
                reason: "fire exits".into(),
                recorded_by: "clerk".into(),
                date: day(11, 1),
            },
        );
        assert!(assess(&s, s.record("w").unwrap())
            .unwrap()
            .ineligible
            .is_empty());
    }
}
