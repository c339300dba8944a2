//! QUOTA: each unit enters at most one nomination per category. An update of the
//! same nomination id does not count twice; a rejected or disqualified entry still
//! counts (it was entered).

use crate::model::{Nomination, Snapshot};

use super::refusal::Refusal;

/// Another nomination of the same unit in the same category, if any.
pub fn quota_holder<'a>(snapshot: &'a Snapshot, nomination: &Nomination) -> Option<&'a str> {
    snapshot
        .records
        .iter()
        .find(|(id, r)| {
            **id != nomination.id
                && r.nomination.unit == nomination.unit
                && r.nomination.category == nomination.category
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
}
