//! PHASES: the phase clock. A phase is open from its first to its last day (both
//! included); phases may overlap (build and review share September and October) and
//! an action is allowed when any open phase allows it. A chair override in
//! `rulings.overrides` replaces that phase's window; when a phase has several
//! overrides the last one recorded wins.
//!
//! Always allowed, whatever the clock says (see `schema/phases.md`):
//! - the chair's own actions `Setup`, `Override`, `Exception`, `TieOrder`,
//!   `Members`, `Units`, `Campaign`, `Reopen` (FREEZE);
//! - `Withdraw` (a reviewer's score) is allowed wherever `Score` is;
//! - FRAUD: an objection with `fraud: true`, a `Decide` with outcome `Disqualified`
//!   and `fraud: true`, and the resolution of an objection that reports fraud;
//! - REG-DEADLINE / FORM-DEADLINE: a `Nominate` or `FileForm` of a nomination for
//!   which the chair recorded a deadline exception whose `until` is on or after the day
//!   (an exception would be worthless if the clock still refused the act).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Action, ActionKind, Campaign, Outcome, Phase, Rulings, Snapshot};

use super::deadline::{exception_until, FORM_DEADLINE, REG_DEADLINE};
use super::refusal::Refusal;

/// A phase's effective window: the campaign dates or the chair's override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseWindow {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// True when a chair override replaced the campaign dates.
    pub overridden: bool,
}

impl PhaseWindow {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// `評議檢查 review`.
    pub fn name_label(&self) -> String {
        format!("{} {}", self.name, self.id)
    }

    /// `評議檢查 review 2017-09-01..2017-11-30`.
    pub fn label(&self) -> String {
        format!("{} {}..{}", self.name_label(), self.start, self.end)
    }
}

/// The window of `phase`, with the last recorded override of it applied.
pub fn window(phase: &Phase, rulings: &Rulings) -> PhaseWindow {
    let over = rulings.overrides.iter().rev().find(|o| o.phase == phase.id);
    PhaseWindow {
        id: phase.id.clone(),
        name: phase.name.clone(),
        name_en: phase.name_en.clone(),
        start: over.map_or(phase.start, |o| o.start),
        end: over.map_or(phase.end, |o| o.end),
        overridden: over.is_some(),
    }
}

/// The phases open on `day` (several when they overlap), in campaign order.
pub fn open_phases<'a>(
    campaign: &'a Campaign,
    rulings: &Rulings,
    day: NaiveDate,
) -> Vec<&'a Phase> {
    campaign
        .phases
        .iter()
        .filter(|p| window(p, rulings).contains(day))
        .collect()
}

/// Chair actions that the phase clock never restricts.
pub const CHAIR_ANYTIME: [ActionKind; 8] = [
    ActionKind::Setup,
    ActionKind::Override,
    ActionKind::Exception,
    ActionKind::TieOrder,
    ActionKind::Members,
    ActionKind::Units,
    ActionKind::Campaign,
    ActionKind::Reopen,
];

/// The kind whose phases gate `kind`: a score is withdrawn while scoring is open.
fn gated_as(kind: ActionKind) -> ActionKind {
    match kind {
        ActionKind::Withdraw => ActionKind::Score,
        k => k,
    }
}

/// Whether an action of `kind` is allowed on `day` by the phase table alone
/// (an open phase allows it, or it is a chair action allowed at any time).
pub fn phase_allows(
    campaign: &Campaign,
    rulings: &Rulings,
    kind: ActionKind,
    day: NaiveDate,
) -> bool {
    CHAIR_ANYTIME.contains(&kind)
        || open_phases(campaign, rulings, day)
            .iter()
            .any(|p| p.allows.contains(&gated_as(kind)))
}

/// Why an action is exempt from the phase clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Exemption {
    /// A chair action allowed at any time.
    ChairAnytime,
    /// FRAUD: a fraud report, its resolution or a disqualification for fraud.
    Fraud,
    /// REG-DEADLINE or FORM-DEADLINE exception recorded by the chair, valid until this day.
    DeadlineException(NaiveDate),
}

/// Whether `action` is exempt from the phase clock on `day`.
pub fn exemption(snapshot: &Snapshot, action: &Action, day: NaiveDate) -> Option<Exemption> {
    let rulings = &snapshot.rulings;
    match action {
        a if CHAIR_ANYTIME.contains(&a.kind()) => Some(Exemption::ChairAnytime),
        Action::Object { objection, .. } if objection.fraud => Some(Exemption::Fraud),
        Action::Decide { decision, .. }
            if decision.fraud && decision.outcome == Outcome::Disqualified =>
        {
            Some(Exemption::Fraud)
        }
        Action::Resolve {
            nomination,
            objection,
            ..
        } => snapshot
            .record(nomination)
            .and_then(|r| r.objections.get(objection))
            .filter(|o| o.fraud)
            .map(|_| Exemption::Fraud),
        Action::Nominate(n) => exception_until(rulings, &n.id, REG_DEADLINE)
            .filter(|u| *u >= day)
            .map(Exemption::DeadlineException),
        Action::FileForm { nomination, .. } => exception_until(rulings, nomination, FORM_DEADLINE)
            .filter(|u| *u >= day)
            .map(Exemption::DeadlineException),
        _ => None,
    }
}

/// PHASES: refuses `kind` on `day` unless an open phase allows it; the refusal names
/// the windows where it would be allowed and the phases open on `day`.
pub fn check_phase(
    campaign: &Campaign,
    rulings: &Rulings,
    kind: ActionKind,
    day: NaiveDate,
) -> Result<(), Refusal> {
    if phase_allows(campaign, rulings, kind, day) {
        return Ok(());
    }
    Err(Refusal::PhaseClosed {
        action: kind,
        day,
        allowed_in: campaign
            .phases
            .iter()
            .filter(|p| p.allows.contains(&gated_as(kind)))
            .map(|p| window(p, rulings))
            .collect(),
        open: open_phases(campaign, rulings, day)
            .into_iter()
            .map(|p| window(p, rulings))
            .collect(),
    })
}

/// The phase check of a whole action: exemptions first, then the table.
pub fn check_action_phase(
    snapshot: &Snapshot,
    action: &Action,
    day: NaiveDate,
) -> Result<(), Refusal> {
    if exemption(snapshot, action, day).is_some() {
        return Ok(());
    }
    check_phase(&snapshot.campaign, &snapshot.rulings, action.kind(), day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PhaseOverride;
    use crate::rules::fixture::*;

    #[test]
    fn phases_build_and_review_overlap_in_september() {
        // PHASES: overlapping phases are both open.
        let c = campaign();
        let r = Rulings::default();
        let ids: Vec<_> = open_phases(&c, &r, day(9, 15))
            .iter()
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(ids, ["build", "review"]);
        assert!(phase_allows(&c, &r, ActionKind::Activity, day(9, 15)));
        assert!(phase_allows(&c, &r, ActionKind::Score, day(9, 15)));
        assert!(!phase_allows(&c, &r, ActionKind::Score, day(8, 15)));
        assert!(!phase_allows(&c, &r, ActionKind::Publish, day(11, 30)));
        assert!(phase_allows(&c, &r, ActionKind::Publish, day(12, 1)));
    }

    #[test]
    fn phases_refusal_names_windows() {
        // PHASES: a score in December is refused, naming the review window.
        let c = campaign();
        let err = check_phase(&c, &Rulings::default(), ActionKind::Score, day(12, 2)).unwrap_err();
        assert_eq!(err.rule(), "PHASES");
        assert_eq!(
            err.message(false),
            "score is allowed in 評議檢查 review 2017-09-01..2017-11-30; today 2017-12-02 is in 公示表彰 notice"
        );
        assert!(err.message(true).contains("評分"));
        let none = check_phase(&c, &Rulings::default(), ActionKind::Score, day(5, 2)).unwrap_err();
        assert!(
            none.message(false).contains("no phase"),
            "{}",
            none.message(false)
        );
    }

    #[test]
    fn phases_chair_override_replaces_window() {
        // PHASES: the chair may override the clock; the last override wins.
        let c = campaign();
        let mut r = Rulings::default();
        let ov = |start, end| PhaseOverride {
            phase: "review".into(),
            start,
            end,
            reason: "extended".into(),
            by: "chair".into(),
            date: day(11, 20),
        };
        r.overrides.push(ov(day(9, 1), day(12, 5)));
        assert!(phase_allows(&c, &r, ActionKind::Score, day(12, 2)));
        r.overrides.push(ov(day(9, 1), day(11, 25)));
        assert!(!phase_allows(&c, &r, ActionKind::Score, day(11, 28)));
        let w = window(c.phase("review").unwrap(), &r);
        assert!(w.overridden);
    }

    #[test]
    fn chair_actions_any_time() {
        let c = campaign();
        for k in CHAIR_ANYTIME {
            assert!(phase_allows(&c, &Rulings::default(), k, day(1, 1)));
        }
    }
}
