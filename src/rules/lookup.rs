//! The snapshot's units and members by id, for assessing many records at once
//! (issue 18, P1: `Snapshot::unit` searches ~3k units one by one, and was
//! the largest part of a first ranking's assessments at 10k nominations).

use std::collections::HashMap;

use crate::model::{Member, Nomination, Snapshot, Unit};

use super::conflict::has_conflict;

/// Finds units and members as [`Snapshot::unit`] and [`Snapshot::member`] do
/// (the first of an id), through maps when built with [`Lookup::indexed`].
pub struct Lookup<'a> {
    pub snapshot: &'a Snapshot,
    units: Option<HashMap<&'a str, &'a Unit>>,
    members: Option<HashMap<&'a str, &'a Member>>,
}

impl<'a> Lookup<'a> {
    /// Searches the snapshot's lists (for one record: nothing to build).
    pub fn plain(snapshot: &'a Snapshot) -> Lookup<'a> {
        Lookup {
            snapshot,
            units: None,
            members: None,
        }
    }

    /// Maps the snapshot's units and members by id (for many records).
    pub fn indexed(snapshot: &'a Snapshot) -> Lookup<'a> {
        let mut units = HashMap::with_capacity(snapshot.units.len());
        for u in &snapshot.units {
            units.entry(u.id.as_str()).or_insert(u);
        }
        let mut members = HashMap::with_capacity(snapshot.members.len());
        for m in &snapshot.members {
            members.entry(m.id.as_str()).or_insert(m);
        }
        Lookup {
            snapshot,
            units: Some(units),
            members: Some(members),
        }
    }

    /// The unit `id`, as [`Snapshot::unit`].
    pub fn unit(&self, id: &str) -> Option<&'a Unit> {
        match &self.units {
            Some(map) => map.get(id).copied(),
            None => self.snapshot.unit(id),
        }
    }

    /// The member `id`, as [`Snapshot::member`].
    pub fn member(&self, id: &str) -> Option<&'a Member> {
        match &self.members {
            Some(map) => map.get(id).copied(),
            None => self.snapshot.member(id),
        }
    }

    /// [`super::conflict::author_counts`] over the snapshot's members.
    pub fn author_counts(&self, nomination: &Nomination, author: &str) -> bool {
        self.member(author)
            .is_some_and(|m| !has_conflict(m, nomination))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    /// Both kinds find what the snapshot finds, the first of a repeated id
    /// included, and nothing for an unknown id.
    #[test]
    fn indexed_finds_what_the_snapshot_finds() {
        let mut s = snapshot();
        let mut twin = s.units[0].clone();
        twin.name = "a second unit of the same id".into();
        s.units.push(twin);
        let mut twin = s.members[0].clone();
        twin.name = "a second member of the same id".into();
        s.members.push(twin);
        let (plain, indexed) = (Lookup::plain(&s), Lookup::indexed(&s));
        let ids: Vec<String> = s.units.iter().map(|u| u.id.clone()).collect();
        for id in ids.iter().map(String::as_str).chain(["nope", ""]) {
            assert_eq!(indexed.unit(id), s.unit(id), "{id}");
            assert_eq!(plain.unit(id), s.unit(id), "{id}");
        }
        let ids: Vec<String> = s.members.iter().map(|m| m.id.clone()).collect();
        for id in ids.iter().map(String::as_str).chain(["nope", ""]) {
            assert_eq!(indexed.member(id), s.member(id), "{id}");
            assert_eq!(plain.member(id), s.member(id), "{id}");
        }
        assert!(std::ptr::eq(
            indexed.unit(&s.units[0].id).unwrap(),
            &s.units[0]
        ));
        assert!(std::ptr::eq(
            indexed.member(&s.members[0].id).unwrap(),
            &s.members[0]
        ));
    }
}
