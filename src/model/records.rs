//! A snapshot's records: nomination id to record, as a map that knows whether
//! every record is still exactly as the store read it (issue 18, P2).
//!
//! It reads as the `BTreeMap` it holds (`Deref`); every way to change it —
//! `get_mut`, `insert`, `remove`, `iter_mut`, `entry`, `&mut` iteration,
//! `DerefMut` of any kind — first drops the "as read" mark, and a map made
//! any other way (`Default`, `From`, `collect`, deserialized) never has it.
//! The ranking memo (`rules::memo`) trusts the facts the snapshot cache kept
//! for a record only while the mark holds: a record edited in memory, by any
//! code, is assessed anew.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::snapshot::Record;

#[derive(Clone, Default)]
pub struct Records {
    map: BTreeMap<String, Record>,
    /// While every record is as the store read it from the tree (see the
    /// module): the number of that reading, unique in this process, so that
    /// what was remembered of one reading is never taken for another's.
    as_read: Option<u64>,
}

impl Records {
    /// Records just read from a tree by the store, under a new reading number.
    pub(crate) fn as_read(map: BTreeMap<String, Record>) -> Records {
        static READINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let n = READINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Records {
            map,
            as_read: Some(n),
        }
    }

    /// Whether no record was changed, added or removed in memory since the
    /// store read them (conservative: any mutable access counts as a change).
    pub fn is_as_read(&self) -> bool {
        self.as_read.is_some()
    }

    /// The number of the reading the records are still exactly as, if any
    /// (clones share it: they hold the same records until either is changed).
    pub fn reading(&self) -> Option<u64> {
        self.as_read
    }

    /// The map itself.
    pub fn into_inner(self) -> BTreeMap<String, Record> {
        self.map
    }
}

impl Deref for Records {
    type Target = BTreeMap<String, Record>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl DerefMut for Records {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.as_read = None;
        &mut self.map
    }
}

impl From<BTreeMap<String, Record>> for Records {
    fn from(map: BTreeMap<String, Record>) -> Records {
        Records { map, as_read: None }
    }
}

impl FromIterator<(String, Record)> for Records {
    fn from_iter<I: IntoIterator<Item = (String, Record)>>(iter: I) -> Records {
        Records::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl<'a> IntoIterator for &'a Records {
    type Item = (&'a String, &'a Record);
    type IntoIter = std::collections::btree_map::Iter<'a, String, Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<'a> IntoIterator for &'a mut Records {
    type Item = (&'a String, &'a mut Record);
    type IntoIter = std::collections::btree_map::IterMut<'a, String, Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.deref_mut().iter_mut()
    }
}

impl IntoIterator for Records {
    type Item = (String, Record);
    type IntoIter = std::collections::btree_map::IntoIter<String, Record>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter()
    }
}

/// Two snapshots' records are equal when their maps are (the mark is a
/// property of how they were made, not of what they hold).
impl PartialEq for Records {
    fn eq(&self, other: &Records) -> bool {
        self.map == other.map
    }
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.map.fmt(f)
    }
}

impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Records, D::Error> {
        BTreeMap::deserialize(d).map(Records::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn some() -> BTreeMap<String, Record> {
        let n = crate::rules::fixture::nomination("a", "window", "win-0");
        BTreeMap::from([("a".to_string(), Record::new(n))])
    }

    /// P2: every mutable way into the records drops the mark; reading keeps it.
    #[test]
    fn every_edit_drops_the_as_read_mark() {
        type Edit = fn(&mut Records);
        let edits: [(&str, Edit); 8] = [
            ("get_mut", |r| {
                r.get_mut("a").expect("a").votes = None;
            }),
            ("insert", |r| {
                let n = r["a"].clone();
                r.insert("b".into(), n);
            }),
            ("remove", |r| {
                r.remove("a");
            }),
            ("clear", |r| r.clear()),
            ("values_mut", |r| {
                r.values_mut().for_each(|x| x.votes = None)
            }),
            ("entry", |r| {
                r.entry("a".into()).and_modify(|x| x.votes = None);
            }),
            ("for in &mut", |r| {
                for (_, x) in &mut *r {
                    x.votes = None;
                }
            }),
            ("retain", |r| r.retain(|_, _| true)),
        ];
        for (name, edit) in edits {
            let mut r = Records::as_read(some());
            assert!(r.is_as_read());
            let copy = r.clone();
            assert!(copy.is_as_read(), "a clone keeps the mark");
            assert_eq!(copy.reading(), r.reading(), "and its reading");
            assert_ne!(
                Records::as_read(some()).reading(),
                r.reading(),
                "each reading has its own number"
            );
            // Reading keeps it.
            assert_eq!(r.len(), 1);
            assert!(r.get("a").is_some());
            assert_eq!((&r).into_iter().count(), 1);
            assert!(r.is_as_read());
            edit(&mut r);
            assert!(!r.is_as_read(), "{name} must drop the mark");
            assert!(copy.is_as_read(), "{name}: the clone is untouched");
        }
        let whole: Records = some().into();
        assert!(!whole.is_as_read(), "a map made elsewhere has no mark");
        let collected: Records = some().into_iter().collect();
        assert!(!collected.is_as_read(), "nor one collected");
        assert!(!Records::default().is_as_read());
        let json = serde_json::to_string(&Records::as_read(some())).expect("json");
        let back: Records = serde_json::from_str(&json).expect("back");
        assert!(!back.is_as_read(), "deserialized records have no mark");
        assert_eq!(back, Records::as_read(some()), "equal by content");
    }
}
