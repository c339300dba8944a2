//! QUOTA, REPORTING-UNIT: each reporting unit enters at most one nomination per
//! category. The reporting unit of a nomination is the top of its unit's `parent`
//! chain in `units.ron` (a town, street or department reports its window units and
//! people through itself). An update of the same nomination id does not count
//! twice; a rejected or disqualified entry still counts (it was entered).

use crate::model::{reporting_unit, Nomination, Snapshot};

use super::refusal::Refusal;

/// Another nomination of the same reporting unit in the same category, if any.
pub fn quota_holder<'a>(snapshot: &'a Snapshot, nomination: &Nomination) -> Option<&'a str> {
    let reporting = reporting_unit(&snapshot.units, &nomination.unit);
    snapshot
        .records
        .iter()
        .find(|(id, r)| {
            **id != nomination.id
                && r.nomination.category == nomination.category
                && reporting_unit(&snapshot.units, &r.nomination.unit) == reporting
        })
        .map(|(id, _)| id.as_str())
}

pub fn check_quota(snapshot: &Snapshot, nomination: &Nomination) -> Result<(), Refusal> {
    match quota_holder(snapshot, nomination) {
        None => Ok(()),
        Some(existing) => Err(Refusal::Quota {
            unit: nomination.unit.clone(),
            category: nomination.category.clone(),
            existing: existing.to_string(),
            reporting_unit: reporting_unit(&snapshot.units, &nomination.unit).to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    #[test]
    fn quota_one_nomination_per_unit_and_category() {
        // QUOTA
        let mut s = snapshot();
        add(&mut s, nomination("a1", "window", "town-a"));
        assert!(
            check_quota(&s, &nomination("a1", "window", "town-a")).is_ok(),
            "update"
        );
        let err = check_quota(&s, &nomination("a2", "window", "town-a")).unwrap_err();
        assert_eq!(err.rule(), "QUOTA");
        assert!(err.message(false).contains("a1"));
        assert!(check_quota(&s, &nomination("a3", "star", "town-a")).is_ok());
        assert!(check_quota(&s, &nomination("b1", "window", "town-b")).is_ok());
    }

    #[test]
    fn reporting_unit_quota_counts_the_units_under_a_reporting_unit() {
        // REPORTING-UNIT: a department's two window units report through it, so the
        // second window (and a third entered by the department itself) is refused.
        let mut s = snapshot();
        s.units[5].parent = Some("town-a".into()); // win-0
        s.units[6].parent = Some("town-a".into()); // win-1
        add(&mut s, nomination("w0", "window", "win-0"));
        let err = check_quota(&s, &nomination("w1", "window", "win-1")).unwrap_err();
        assert_eq!(err.rule(), "QUOTA");
        assert!(
            err.message(false).contains("town-a"),
            "{}",
            err.message(false)
        );
        assert!(err.message(true).contains("w0"));
        assert!(check_quota(&s, &nomination("t", "window", "town-a")).is_err());
        // another reporting unit, another category, or an update: fine
        assert!(check_quota(&s, &nomination("w2", "window", "win-2")).is_ok());
        assert!(check_quota(&s, &nomination("s1", "star", "win-1")).is_ok());
        assert!(check_quota(&s, &nomination("w0", "window", "win-0")).is_ok());
    }

    #[test]
    fn reporting_unit_lines_end_at_a_known_unit_without_cycles() {
        // REPORTING-UNIT: units.ron written with an unknown parent or a cycle is refused
        use crate::model::{reporting_unit, Action};
        use crate::rules::check::{check_action, check_setup};
        let s = snapshot();
        let mut units = s.units.clone();
        units[5].parent = Some("town-a".into());
        assert!(check_setup("chair", &s.campaign, &s.members, &units).is_ok());
        assert_eq!(reporting_unit(&units, "win-0"), "town-a");
        units[6].parent = Some("nowhere".into());
        units[2].parent = Some("win-0".into()); // town-a -> win-0 -> town-a
        let e = check_setup("chair", &s.campaign, &s.members, &units).unwrap_err();
        let rules: Vec<String> = e.iter().map(Refusal::rule).collect();
        assert_eq!(rules, ["REPORTING-UNIT"; 3], "{e:?}");
        assert!(e.iter().any(|r| r.message(false).contains("cycle")));
        assert!(e.iter().any(|r| r.message(true).contains("nowhere")));
        let chair = s.member("chair").unwrap().clone();
        let r = check_action(&s, &chair, &Action::Units(units.clone()), day(7, 1)).unwrap_err();
        assert_eq!(r.len(), 3);
        // the walk ends even in a cycle
        let _ = reporting_unit(&units, "town-a");
    }
}
