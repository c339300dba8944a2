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
    fn campaign_tz_deadline_day_is_the_campaigns_calendar_day() {
        // CAMPAIGN-TZ: 「于6月30日前」 is a day in Tengzhou, whatever the clerk's offset
        let mut c = campaign();
        let r = Rulings::default();
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
        let registered = |c: &Campaign, s: &str| check_registration(c, &r, "x", c.day_of(&t(s)));
        // the pair: both are 1 July in Tengzhou
        assert_eq!(c.day_of(&t("2017-06-30T20:00:00-04:00")), day(7, 1));
        assert!(registered(&c, "2017-06-30T20:00:00-04:00").is_err());
        assert!(registered(&c, "2017-07-01T07:00:00+08:00").is_err());
        // and 1 July at +14:00 can still be 30 June in Tengzhou
        assert!(registered(&c, "2017-07-01T01:00:00+14:00").is_ok());
        assert!(registered(&c, "2017-06-30T23:59:59+08:00").is_ok());
        // the zone is the campaign's own data
        c.time_zone = chrono_tz::America::New_York;
        assert!(registered(&c, "2017-06-30T20:00:00-04:00").is_ok());
        assert!(registered(&c, "2017-07-01T07:00:00+08:00").is_ok());
        assert!(registered(&c, "2017-07-01T13:00:00+08:00").is_err());
    }

    #[test]
    fn campaign_tz_old_campaign_files_load_with_the_default_zone() {
        // CAMPAIGN-TZ, CANDIDATE-NEEDS: a campaign.ron written before the fields existed
        let sample = crate::sample::CAMPAIGN;
        let cut = sample
            .find("\n    // CAMPAIGN-TZ")
            .expect("the sample states its zone");
        let old = format!("{}\n)\n", &sample[..cut]);
        assert!(!old.contains("time_zone") && !old.contains("candidate_needs"));
        let parsed: Campaign = crate::store::codec::from_ron("campaign.ron", old.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.time_zone, chrono_tz::Asia::Shanghai);
        assert_eq!(
            parsed.candidate_needs,
            crate::model::CandidateNeeds::default()
        );
        // an unknown zone is an error naming the file
        let bad = sample.replace("\"Asia/Shanghai\"", "\"Mars/Olympus\"");
        let e = crate::store::codec::from_ron::<Campaign>("campaign.ron", bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("campaign.ron"), "{e}");
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
