//! REG-DEADLINE and FORM-DEADLINE, with the chair's recorded exceptions.

use chrono::NaiveDate;

use crate::model::{Campaign, Rulings};

use super::refusal::Refusal;

pub const REG_DEADLINE: &str = "REG-DEADLINE";
pub const FORM_DEADLINE: &str = "FORM-DEADLINE";

/// The latest `until` of the exceptions recorded for `nomination` and `rule`.
pub fn exception_until(rulings: &Rulings, nomination: &str, rule: &str) -> Option<NaiveDate> {
    rulings
        .exceptions
        .iter()
        .filter(|e| e.nomination == nomination && e.rule == rule)
        .map(|e| e.until)
        .max()
}

/// REG-DEADLINE: a new nomination is registered on or before the deadline, or
/// within an exception the chair recorded for its id.
pub fn check_registration(
    campaign: &Campaign,
    rulings: &Rulings,
    nomination: &str,
    day: NaiveDate,
) -> Result<(), Refusal> {
    deadline(
        campaign.registration_deadline,
        rulings,
        nomination,
        REG_DEADLINE,
        day,
    )
}

/// FORM-DEADLINE: the application form is filed on or before the deadline, or
/// within an exception. `day` is the later of the action's day and the filing date.
pub fn check_form(
    campaign: &Campaign,
    rulings: &Rulings,
    nomination: &str,
    day: NaiveDate,
) -> Result<(), Refusal> {
    deadline(
        campaign.form_deadline,
        rulings,
        nomination,
        FORM_DEADLINE,
        day,
    )
}

fn deadline(
    deadline: NaiveDate,
    rulings: &Rulings,
    nomination: &str,
    rule: &'static str,
    day: NaiveDate,
) -> Result<(), Refusal> {
    if day <= deadline {
        return Ok(());
    }
    let until = exception_until(rulings, nomination, rule);
    if until.is_some_and(|u| day <= u) {
        return Ok(());
    }
    Err(Refusal::DeadlinePassed {
        rule,
        nomination: nomination.to_string(),
        deadline,
        day,
        exception_until: until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Exception;
    use crate::rules::fixture::*;

    fn exception(rule: &str, until: NaiveDate) -> Exception {
        Exception {
            nomination: "late".into(),
            rule: rule.into(),
            until,
            reason: "flood".into(),
            by: "chair".into(),
            date: day(7, 1),
        }
    }

    #[test]
    fn reg_deadline_refuses_late_registration_without_exception() {
        // REG-DEADLINE
        let c = campaign();
        let mut r = Rulings::default();
        assert!(check_registration(&c, &r, "late", day(6, 30)).is_ok());
        let err = check_registration(&c, &r, "late", day(7, 1)).unwrap_err();
        assert_eq!(err.rule(), "REG-DEADLINE");
        r.exceptions.push(exception(REG_DEADLINE, day(7, 10)));
        assert!(check_registration(&c, &r, "late", day(7, 10)).is_ok());
        assert!(check_registration(&c, &r, "late", day(7, 11)).is_err());
        assert!(check_registration(&c, &r, "other", day(7, 2)).is_err());
        // a FORM-DEADLINE exception does not extend registration
        r.exceptions.clear();
        r.exceptions.push(exception(FORM_DEADLINE, day(12, 10)));
        assert!(check_registration(&c, &r, "late", day(7, 2)).is_err());
    }

    #[test]
    fn form_deadline_end_of_november() {
        // FORM-DEADLINE
        let c = campaign();
        let mut r = Rulings::default();
        assert!(check_form(&c, &r, "late", day(11, 30)).is_ok());
        let err = check_form(&c, &r, "late", day(12, 1)).unwrap_err();
        assert_eq!(err.rule(), "FORM-DEADLINE");
        assert!(err.message(false).contains("2017-11-30"));
        r.exceptions.push(exception(FORM_DEADLINE, day(12, 5)));
        assert!(check_form(&c, &r, "late", day(12, 5)).is_ok());
    }
}
