//! Who may take which action (DESIGN.md "Roles and the audit").
//!
//! - reviewers score, only as themselves; reviewers (and the chair) evaluate, as author;
//! - clerks nominate, report activities, appoint supervisors and file forms for the
//!   units of their reporting unit (REPORTING-UNIT: the reporting unit and every unit
//!   under it; a clerk of `campaign.office_unit`: for any unit), and record opinions,
//!   votes and objections (as `recorded_by`);
//! - the chair decides, resolves, publishes, overrides the clock, records exceptions
//!   and tie orders, and changes members, units and the campaign.
//!
//! Every `reviewer`, `author`, `recorded_by` and `by` field must name the actor.

use crate::model::{reporting_unit, Action, ActionKind, Member, Role, Snapshot, Unit};

use super::refusal::Refusal;

/// The roles any one of which may take `kind`.
pub fn roles_for(kind: ActionKind) -> &'static [Role] {
    match kind {
        ActionKind::Score | ActionKind::Withdraw => &[Role::Reviewer],
        ActionKind::Evaluate => &[Role::Reviewer, Role::Chair],
        ActionKind::Nominate
        | ActionKind::Activity
        | ActionKind::Supervisor
        | ActionKind::FileForm
        | ActionKind::Opinion
        | ActionKind::Vote
        | ActionKind::Object => &[Role::Clerk],
        ActionKind::Setup
        | ActionKind::Resolve
        | ActionKind::Decide
        | ActionKind::Publish
        | ActionKind::Override
        | ActionKind::Exception
        | ActionKind::TieOrder
        | ActionKind::Members
        | ActionKind::Units
        | ActionKind::Campaign
        | ActionKind::Reopen => &[Role::Chair],
    }
}

pub fn may_take(member: &Member, kind: ActionKind) -> bool {
    roles_for(kind).iter().any(|r| member.has_role(*r))
}

/// Whether `member` may act for `unit` (REPORTING-UNIT): a unit of their reporting
/// unit (the reporting unit itself and every unit under it), or any unit for the office.
pub fn acts_for_unit(units: &[Unit], member: &Member, office_unit: &str, unit: &str) -> bool {
    member.unit == unit
        || member.unit == office_unit
        || reporting_unit(units, &member.unit) == reporting_unit(units, unit)
}

/// The `(field, value)` of the action that must name the actor.
fn self_field(action: &Action) -> Option<(&'static str, &str)> {
    match action {
        Action::Score { score, .. } => Some(("score.reviewer", &score.reviewer)),
        Action::Withdraw { reviewer, .. } => Some(("withdraw.reviewer", reviewer)),
        Action::Evaluate { evaluation, .. } => Some(("evaluation.author", &evaluation.author)),
        Action::Opinion { opinion, .. } => Some(("opinion.recorded_by", &opinion.recorded_by)),
        Action::Vote { votes, .. } => Some(("votes.recorded_by", &votes.recorded_by)),
        Action::Object { objection, .. } => Some(("objection.recorded_by", &objection.recorded_by)),
        Action::Decide { decision, .. } => Some(("decision.by", &decision.by)),
        Action::Publish(n) => Some(("notice.by", &n.by)),
        Action::Override(o) => Some(("override.by", &o.by)),
        Action::Exception(e) => Some(("exception.by", &e.by)),
        _ => None,
    }
}

/// Role, unit and self-naming refusals of `action` by `actor`.
pub fn check_roles(snapshot: &Snapshot, actor: &Member, action: &Action) -> Vec<Refusal> {
    let kind = action.kind();
    let mut out = Vec::new();
    if !may_take(actor, kind) {
        out.push(Refusal::MissingRole {
            action: kind,
            actor: actor.id.clone(),
            roles: roles_for(kind).to_vec(),
        });
    } else {
        let office = &snapshot.campaign.office_unit;
        let mut units: Vec<&str> = Vec::new();
        match action {
            Action::Nominate(n) => {
                units.push(&n.unit);
                if let Some(r) = snapshot.record(&n.id) {
                    units.push(&r.nomination.unit);
                }
            }
            Action::Activity { nomination, .. }
            | Action::Supervisor { nomination, .. }
            | Action::FileForm { nomination, .. } => {
                if let Some(r) = snapshot.record(nomination) {
                    units.push(&r.nomination.unit);
                }
            }
            _ => {}
        }
        units.dedup();
        for unit in units {
            if !acts_for_unit(&snapshot.units, actor, office, unit) {
                out.push(Refusal::NotOwnUnit {
                    action: kind,
                    actor: actor.id.clone(),
                    actor_unit: actor.unit.clone(),
                    unit: unit.to_string(),
                });
            }
        }
    }
    if let Some((field, value)) = self_field(action) {
        if value != actor.id {
            out.push(Refusal::NotSelf {
                field: field.into(),
                value: value.into(),
                actor: actor.id.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    #[test]
    fn reviewers_score_only_as_themselves() {
        let mut s = snapshot();
        add(&mut s, nomination("w", "window", "town-b"));
        let c = s.campaign.category("window").unwrap().clone();
        let r2 = s.member("r2").unwrap().clone();
        let act = |who: &str| Action::Score {
            nomination: "w".into(),
            score: uniform_score(&c, who, 0.5),
        };
        assert_eq!(check_roles(&s, &r2, &act("r2")), vec![]);
        let r = check_roles(&s, &r2, &act("r3"));
        assert!(matches!(r[..], [Refusal::NotSelf { .. }]), "{r:?}");
        let clerk = s.member("clerk").unwrap().clone();
        let r = check_roles(&s, &clerk, &act("clerk"));
        assert!(matches!(r[..], [Refusal::MissingRole { .. }]), "{r:?}");
    }

    #[test]
    fn clerks_act_for_their_own_unit_office_for_any() {
        let s = snapshot();
        let n = nomination("w", "window", "town-b");
        let a = s.member("clerk-a").unwrap();
        let b = s.member("clerk-b").unwrap();
        let office = s.member("clerk").unwrap();
        let act = Action::Nominate(n);
        assert!(matches!(
            check_roles(&s, a, &act)[..],
            [Refusal::NotOwnUnit { .. }]
        ));
        assert_eq!(check_roles(&s, b, &act), vec![]);
        assert_eq!(check_roles(&s, office, &act), vec![]);
        let chair = s.member("chair").unwrap();
        assert!(matches!(
            check_roles(&s, chair, &act)[..],
            [Refusal::MissingRole { .. }]
        ));
    }

    #[test]
    fn reporting_unit_clerk_acts_for_the_units_under_their_reporting_unit() {
        // REPORTING-UNIT: a town's clerk enters the town's window units; a window
        // unit's clerk acts for its town too; nobody acts for another town's units.
        let mut s = snapshot();
        s.units[5].parent = Some("town-a".into()); // win-0 under town-a
        s.units[6].parent = Some("town-b".into()); // win-1 under town-b
        let a = s.member("clerk-a").unwrap().clone();
        let ok = |m: &Member, unit: &str| {
            check_roles(&s, m, &Action::Nominate(nomination("w", "window", unit))).is_empty()
        };
        assert!(ok(&a, "win-0"));
        assert!(ok(&a, "town-a"));
        assert!(!ok(&a, "win-1"));
        assert!(
            !ok(&a, "win-2"),
            "a unit without a parent reports for itself"
        );
        let mut w = a.clone();
        w.unit = "win-0".into();
        assert!(ok(&w, "town-a"));
        assert!(!ok(&w, "town-b"));
    }

    #[test]
    fn only_the_chair_decides() {
        assert_eq!(roles_for(ActionKind::Decide), &[Role::Chair]);
        for k in ActionKind::ALL {
            assert!(!roles_for(k).is_empty());
        }
    }
}
