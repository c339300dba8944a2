//! LATE-CHANGE: after the registration deadline a nomination may be corrected
//! (deeds, metrics, contact, evidence, the nominee's workplace or post…), but a change
//! of its category, its nominee or its unit is a new registration: refused after the
//! deadline unless the chair recorded a REG-DEADLINE exception for the nomination's id
//! that still runs (the same exception a late registration needs).
//!
//! The nominee is the same when its kind is the same and its name is the same once
//! white space is ignored; any other change of name is a change of nominee.

use chrono::NaiveDate;

use crate::model::{Campaign, Nomination, Rulings};

use super::deadline::{check_registration, exception_until, REG_DEADLINE};
use super::refusal::Refusal;

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The fields (`category`, `nominee`, `unit`) whose change makes `new` a new registration.
pub fn identity_changes(old: &Nomination, new: &Nomination) -> Vec<String> {
    let mut out = Vec::new();
    if old.category != new.category {
        out.push("category".to_string());
    }
    if old.nominee.kind != new.nominee.kind
        || squeeze(&old.nominee.name) != squeeze(&new.nominee.name)
    {
        out.push("nominee".to_string());
    }
    if old.unit != new.unit {
        out.push("unit".to_string());
    }
    out
}

/// LATE-CHANGE: refuses an update of `old` into `new` on `day` that changes what was
/// registered, after the deadline and outside any exception.
pub fn check_late_change(
    campaign: &Campaign,
    rulings: &Rulings,
    old: &Nomination,
    new: &Nomination,
    day: NaiveDate,
) -> Result<(), Refusal> {
    let fields = identity_changes(old, new);
    if fields.is_empty() || check_registration(campaign, rulings, &new.id, day).is_ok() {
        return Ok(());
    }
    Err(Refusal::LateChange {
        nomination: new.id.clone(),
        fields,
        deadline: campaign.registration_deadline,
        day,
        exception_until: exception_until(rulings, &new.id, REG_DEADLINE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Exception, NomineeKind};
    use crate::rules::fixture::*;

    #[test]
    fn late_change_of_category_nominee_or_unit_is_a_new_registration() {
        // LATE-CHANGE
        let s = snapshot();
        let old = nomination("s", "star", "town-a");
        let c = &s.campaign;
        let r = &s.rulings;
        // a correction after the deadline is fine
        let mut fixed = old.clone();
        fixed.deeds = "corrected deeds".into();
        fixed.nominee.post = Some("窗口主任".into());
        fixed.nominee.name = format!(" {} ", old.nominee.name);
        assert!(check_late_change(c, r, &old, &fixed, day(8, 1)).is_ok());
        // before the deadline anything may change
        let mut other = old.clone();
        other.nominee.name = "someone else".into();
        other.unit = "town-b".into();
        assert!(check_late_change(c, r, &old, &other, day(6, 30)).is_ok());
        let e = check_late_change(c, r, &old, &other, day(7, 1)).unwrap_err();
        assert_eq!(e.rule(), "LATE-CHANGE");
        assert!(matches!(&e, Refusal::LateChange { fields, .. } if fields == &["nominee", "unit"]));
        assert!(
            e.message(true).contains("被推薦對象"),
            "{}",
            e.message(true)
        );
        let mut cat = old.clone();
        cat.category = "window".into();
        cat.nominee.kind = NomineeKind::Organisation;
        let e = check_late_change(c, r, &old, &cat, day(7, 1)).unwrap_err();
        assert!(
            matches!(&e, Refusal::LateChange { fields, .. } if fields == &["category", "nominee"])
        );
    }

    #[test]
    fn late_change_allowed_within_the_chairs_exception() {
        // LATE-CHANGE: the chair's REG-DEADLINE exception for the id covers the change
        let mut s = snapshot();
        let old = nomination("s", "star", "town-a");
        let mut moved = old.clone();
        moved.unit = "town-b".into();
        s.rulings.exceptions.push(Exception {
            nomination: "s".into(),
            rule: REG_DEADLINE.into(),
            until: day(7, 10),
            reason: "unit merged".into(),
            by: "chair".into(),
            date: day(7, 2),
        });
        assert!(check_late_change(&s.campaign, &s.rulings, &old, &moved, day(7, 10)).is_ok());
        let e = check_late_change(&s.campaign, &s.rulings, &old, &moved, day(7, 11)).unwrap_err();
        assert!(
            e.message(false).contains("2017-07-10"),
            "{}",
            e.message(false)
        );
    }
}
