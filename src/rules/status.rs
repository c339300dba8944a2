//! `status`: where one nomination stands and what it still lacks before it can be
//! a candidate (EVIDENCE, DEPT-OPINIONS, ASSESS, ROUTINE-EVAL, FORM-DEADLINE, ACTIVITY).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{ActionKind, Decision, EvaluationKind, ObjectionStatus, Role, Snapshot};

use super::aggregate::Aggregate;
use super::conflict::{conflict_of, conflicted_reviewers, ConflictReason, ReviewerConflict};
use super::eligibility::{assess, missing_opinions, Ineligible};
use super::gates::GateReport;
use super::notice::{notice_of, notice_state, NoticeState};
use super::phase::{open_phases, phase_allows, window, PhaseWindow};
use super::refusal::{RefKind, Refusal};
use super::roles::may_take;
use super::text::pick;

/// Something a nomination still lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    /// DEPT-OPINIONS.
    Opinions { departments: Vec<String> },
    /// ASSESS: expected reviewers who have not scored.
    Scores { reviewers: Vec<String> },
    /// FORM-DEADLINE: the application form.
    Form,
    /// ASSESS: the democratic evaluation.
    Votes,
    /// EVIDENCE: no document or photo referenced.
    Evidence,
    /// ROUTINE-EVAL / SPOT-CHECK: no routine or unannounced rating.
    EvaluationRating,
    /// ACTIVITY: no activity reported.
    Activities,
    /// CANDIDATE-NEEDS: no counting committee evaluation of a kind the campaign requires.
    Assessment { kind: EvaluationKind },
}

impl Missing {
    pub fn rule(&self) -> &'static str {
        match self {
            Missing::Opinions { .. } => "DEPT-OPINIONS",
            Missing::Scores { .. } | Missing::Votes => "ASSESS",
            Missing::Form => "FORM-DEADLINE",
            Missing::Evidence => "EVIDENCE",
            Missing::EvaluationRating => "ROUTINE-EVAL",
            Missing::Activities => "ACTIVITY",
            Missing::Assessment { .. } => "CANDIDATE-NEEDS",
        }
    }

    /// What is missing, departments and reviewers by name.
    pub fn message(&self, s: Option<&Snapshot>, zh: bool) -> String {
        let lang = crate::i18n::Lang::of(zh);
        match self {
            Missing::Opinions { departments } => {
                let ds = lang.names(departments, |d| lang.department_in(s, d));
                pick(
                    zh,
                    format!("尚缺部門意見：{ds}"),
                    format!("opinions missing from {ds}"),
                )
            }
            Missing::Scores { reviewers } => {
                let rs = lang.names(reviewers, |r| lang.member_in(s, r));
                pick(
                    zh,
                    format!("尚未評分的評委：{rs}"),
                    format!("not yet scored by {rs}"),
                )
            }
            Missing::Form => pick(
                zh,
                "申報表未報送".into(),
                "application form not filed".into(),
            ),
            Missing::Votes => pick(
                zh,
                "尚無民主測評".into(),
                "no democratic evaluation votes".into(),
            ),
            Missing::Evidence => pick(
                zh,
                "未引用任何證明材料（文件、照片）".into(),
                "no evidence (documents, photos) referenced".into(),
            ),
            Missing::EvaluationRating => pick(
                zh,
                "尚無日常測評或明察暗訪評分".into(),
                "no routine or unannounced evaluation rating".into(),
            ),
            Missing::Activities => pick(
                zh,
                "尚未報告創建活動".into(),
                "no campaign activity reported".into(),
            ),
            Missing::Assessment { kind } => {
                super::needs::Need::Assessment { kind: *kind }.message(zh)
            }
        }
    }
}

/// What the viewer may do about this nomination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewerStatus {
    pub member: String,
    pub roles: Vec<Role>,
    /// The viewer's own conflict with this nomination.
    pub conflict: Option<ConflictReason>,
    pub has_scored: bool,
    /// Action kinds the viewer's roles and today's phases allow (other rules may
    /// still refuse a particular action).
    pub allowed_today: Vec<ActionKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectionSummary {
    pub stem: String,
    pub status: ObjectionStatus,
    pub fraud: bool,
    pub source: String,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub id: String,
    pub category: String,
    pub unit: String,
    pub nominee: String,
    pub day: NaiveDate,
    pub open_phases: Vec<PhaseWindow>,
    pub gates: GateReport,
    /// Reviewers conflicted with this nomination.
    pub conflicts: Vec<ReviewerConflict>,
    pub aggregate: Aggregate,
    /// Reasons it cannot be a candidate now.
    pub ineligible: Vec<Ineligible>,
    /// `Some(false)` when the final score is below the minimum (NO-FILLER).
    pub meets_minimum: Option<bool>,
    pub missing: Vec<Missing>,
    pub decision: Option<Decision>,
    pub objections: Vec<ObjectionSummary>,
    pub notice: Option<NoticeState>,
    pub viewer: Option<ViewerStatus>,
}

/// The status of nomination `id` on `day`, seen by `viewer` (a member id).
pub fn status(
    snapshot: &Snapshot,
    id: &str,
    day: NaiveDate,
    viewer: Option<&str>,
) -> Result<Status, Refusal> {
    let record = snapshot.record(id).ok_or_else(|| Refusal::Unknown {
        what: RefKind::Nomination,
        id: id.to_string(),
    })?;
    let n = &record.nomination;
    let a = assess(snapshot, record).ok_or_else(|| Refusal::Unknown {
        what: RefKind::Category,
        id: n.category.clone(),
    })?;
    let campaign = &snapshot.campaign;
    let min = campaign.category(&n.category).map_or(0.0, |c| c.min_score);

    let mut missing = Vec::new();
    let depts = missing_opinions(snapshot, record);
    if !depts.is_empty() {
        missing.push(Missing::Opinions { departments: depts });
    }
    if !a.aggregate.missing_reviewers.is_empty() {
        missing.push(Missing::Scores {
            reviewers: a.aggregate.missing_reviewers.clone(),
        });
    }
    if n.form_filed.is_none() {
        missing.push(Missing::Form);
    }
    if record.votes.as_ref().is_none_or(|v| v.total() == 0) {
        missing.push(Missing::Votes);
    }
    let has_evidence = n.evidence.iter().any(|e| !e.reference.trim().is_empty());
    if !has_evidence {
        missing.push(Missing::Evidence);
    }
    let rated = record.evaluations.values().any(|e| {
        matches!(
            e.kind,
            EvaluationKind::Routine | EvaluationKind::Unannounced
        ) && e.rating.is_some()
    });
    if !rated {
        missing.push(Missing::EvaluationRating);
    }
    if n.activities.is_empty() {
        missing.push(Missing::Activities);
    }
    // CANDIDATE-NEEDS: the assessments the campaign requires (form and votes are above)
    for need in super::needs::missing_needs(snapshot, record) {
        if let super::needs::Need::Assessment { kind } = need {
            missing.push(Missing::Assessment { kind });
        }
    }

    let viewer = viewer
        .and_then(|v| snapshot.member(v))
        .map(|m| ViewerStatus {
            member: m.id.clone(),
            roles: m.roles.clone(),
            conflict: conflict_of(m, n),
            has_scored: record.scores.contains_key(&m.id),
            allowed_today: ActionKind::ALL
                .into_iter()
                .filter(|k| may_take(m, *k) && phase_allows(campaign, &snapshot.rulings, *k, day))
                .collect(),
        });

    Ok(Status {
        id: n.id.clone(),
        category: a.category.clone(),
        unit: n.unit.clone(),
        nominee: n.nominee.name.clone(),
        day,
        open_phases: open_phases(campaign, &snapshot.rulings, day)
            .into_iter()
            .map(|p| window(p, &snapshot.rulings))
            .collect(),
        conflicts: conflicted_reviewers(&snapshot.members, n),
        meets_minimum: a.aggregate.final_score.map(|f| f >= min - 1e-9),
        gates: a.gates,
        aggregate: a.aggregate,
        ineligible: a.ineligible,
        missing,
        decision: record.decision.clone(),
        objections: record
            .objections
            .iter()
            .map(|(stem, o)| ObjectionSummary {
                stem: stem.clone(),
                status: o.status,
                fraud: o.fraud,
                source: o.source.clone(),
                resolution: o.resolution.as_ref().map(|r| r.reason.clone()),
            })
            .collect(),
        notice: notice_of(snapshot, &a.category, id).map(|x| notice_state(snapshot, x, day)),
        viewer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    #[test]
    fn status_lists_what_is_missing_evidence_included() {
        // EVIDENCE: a nomination without any evidence is reported as missing
        let mut s = snapshot();
        let rec = add(&mut s, nomination("w", "window", "town-a"));
        rec.nomination.evidence.clear();
        let st = status(&s, "w", day(10, 5), Some("r1")).unwrap();
        let rules: Vec<_> = st.missing.iter().map(Missing::rule).collect();
        assert_eq!(
            rules,
            [
                "DEPT-OPINIONS",
                "ASSESS",
                "FORM-DEADLINE",
                "ASSESS",
                "EVIDENCE",
                "ROUTINE-EVAL",
                "ACTIVITY",
                "CANDIDATE-NEEDS",
                "CANDIDATE-NEEDS"
            ]
        );
        // departments and reviewers by name, never by id (issue 16)
        let mut named = s.clone();
        for (i, d) in named.campaign.departments.iter_mut().enumerate() {
            d.name = format!("第{i}部門");
        }
        for m in &st.missing {
            let text = m.message(Some(&named), true);
            assert!(!text.is_empty());
            for d in &named.campaign.departments {
                assert!(!text.contains(d.id.as_str()), "{text}");
            }
        }
        let opinions = st.missing[0].message(Some(&named), true);
        assert!(opinions.contains("第0部門"), "{opinions}");
        let v = st.viewer.unwrap();
        assert!(v.conflict.is_some(), "r1 is of town-a");
        assert!(v.allowed_today.contains(&ActionKind::Score));
        assert_eq!(st.conflicts.len(), 1);
        assert_eq!(st.open_phases.len(), 2);
        assert!(serde_json::to_string(&st.gates).is_ok());
    }

    #[test]
    fn status_of_a_complete_entry_lacks_nothing() {
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-1", 0.8);
        let st = status(&s, "w", day(11, 20), None).unwrap();
        assert_eq!(st.missing, vec![]);
        assert_eq!(st.ineligible, vec![]);
        assert_eq!(st.meets_minimum, Some(true));
        assert!(serde_json::to_string(&st)
            .unwrap()
            .contains("\"final_score\":80"));
        assert!(status(&s, "nope", day(11, 20), None).is_err());
    }
}
