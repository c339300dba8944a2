//! P2 (issue 18): after a warm open, ranking uses the facts the snapshot
//! cache kept with each record without hashing the record again; a change of
//! the records by any way in — edited in memory, a commit carried forward, a
//! reload, a warm open of a newer commit — is assessed anew, so the ranking
//! always equals the ranking of a cold load with the same change.

use chrono::NaiveDate;
use pingxuan::model::{Record, Snapshot};
use pingxuan::rules::rank_all;
use pingxuan::store::{layout, CommitMeta, FileChange, Store};

fn generated(n: usize, seed: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("c.git");
    pingxuan::gen::generate(&repo, n, seed).unwrap();
    let store = Store::open(&repo).unwrap();
    (dir, store)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 12, 20).unwrap()
}

/// A warm snapshot (the cache written, then read) of HEAD, and a cold one.
fn warm_and_cold(store: &Store) -> (Snapshot, Snapshot) {
    let head = store.head().unwrap().unwrap();
    store.snapshot_at(head).unwrap();
    let warm = store.snapshot_at(head).unwrap();
    assert!(
        warm.records.is_as_read(),
        "a warm open's records are as read"
    );
    let cold = store.snapshot_cold(head).unwrap();
    assert_eq!(rank_all(&warm, day()), rank_all(&cold, day()), "warm");
    (warm, cold)
}

/// A record ranked (eligible, scored) in some category.
fn ranked(s: &Snapshot) -> String {
    rank_all(s, day())
        .into_iter()
        .find_map(|r| r.entries.first().map(|e| e.id.clone()))
        .expect("a ranked record")
}

/// An edit that takes a ranked record out of the ranking.
fn spoil(r: &mut Record) {
    r.opinions.clear();
    r.scores = Default::default();
}

type Edit = fn(&mut Snapshot, &str);

#[test]
fn an_edit_in_memory_after_a_warm_open_is_assessed_anew_by_every_way_in() {
    let (_d, store) = generated(60, 5);
    let (warm, cold) = warm_and_cold(&store);
    let id = ranked(&warm);
    let before = rank_all(&warm, day());
    let edits: [(&str, Edit); 9] = [
        ("get_mut", |s, id| spoil(s.records.get_mut(id).unwrap())),
        ("insert", |s, id| {
            let mut r = s.records[id].clone();
            spoil(&mut r);
            s.records.insert(id.to_string(), r);
        }),
        ("iter_mut", |s, id| {
            for (k, r) in s.records.iter_mut() {
                if k == id {
                    spoil(r);
                }
            }
        }),
        ("for in &mut", |s, id| {
            for (k, r) in &mut s.records {
                if k == id {
                    spoil(r);
                }
            }
        }),
        ("values_mut", |s, id| {
            for r in s.records.values_mut() {
                if r.nomination.id == id {
                    spoil(r);
                }
            }
        }),
        ("entry", |s, id| {
            s.records.entry(id.to_string()).and_modify(spoil);
        }),
        ("remove", |s, id| {
            s.records.remove(id);
        }),
        ("replaced", |s, id| {
            s.records = s
                .records
                .iter()
                .map(|(k, r)| {
                    let mut r = r.clone();
                    if k == id {
                        spoil(&mut r);
                    }
                    (k.clone(), r)
                })
                .collect();
        }),
        ("taken and put back", |s, id| {
            let mut records = std::mem::take(&mut s.records);
            spoil(records.get_mut(id).unwrap());
            s.records = records;
        }),
    ];
    for (how, edit) in edits {
        let mut w = warm.clone();
        let mut c = cold.clone();
        edit(&mut w, &id);
        edit(&mut c, &id);
        assert!(!w.records.is_as_read(), "{how}: the mark is dropped");
        let got = rank_all(&w, day());
        assert_eq!(got, rank_all(&c, day()), "{how}: warm edited = cold edited");
        assert_ne!(got, before, "{how}: the edit changes the ranking");
        // The unedited warm snapshot (sharing the memo) still ranks as before.
        assert_eq!(rank_all(&warm, day()), before, "{how}: original");
    }
}

#[test]
fn a_commit_after_a_warm_open_is_assessed_anew_carried_forward_reloaded_or_reopened() {
    let (_d, store) = generated(60, 6);
    let (warm, _) = warm_and_cold(&store);
    let head = store.head().unwrap().unwrap();
    let id = ranked(&warm);
    let before = rank_all(&warm, day());
    // Every score of the ranked record removed, in one plain commit.
    let changes: Vec<FileChange> = warm.records[&id]
        .scores
        .keys()
        .map(|reviewer| FileChange {
            path: layout::score_path(&id, reviewer).unwrap(),
            content: None,
        })
        .collect();
    assert!(!changes.is_empty());
    let meta = CommitMeta {
        name: "t".into(),
        email: "t@example.invalid".into(),
        when: chrono::DateTime::parse_from_rfc3339("2017-12-20T10:00:00+08:00").unwrap(),
        summary: "scores withdrawn".into(),
        trailers: vec![],
    };
    let new = store
        .commit_changes(Some(head), &changes, &meta, None)
        .unwrap();
    let want = rank_all(&store.snapshot_cold(new).unwrap(), day());
    assert_ne!(want, before, "the commit changes the ranking");
    let mut carried = warm.clone();
    store.carry_forward(&mut carried, new, &changes).unwrap();
    assert_eq!(rank_all(&carried, day()), want, "carried forward");
    let mut refreshed = warm.clone();
    store.refresh(&mut refreshed, new).unwrap();
    assert_eq!(rank_all(&refreshed, day()), want, "refreshed");
    // A warm open of the new commit: the cache still describes `head`.
    let reopened = store.snapshot_at(new).unwrap();
    assert_eq!(rank_all(&reopened, day()), want, "reopened (stale cache)");
    let again = store.snapshot_at(new).unwrap();
    assert!(again.records.is_as_read());
    assert_eq!(rank_all(&again, day()), want, "reopened (cache current)");
    // The snapshot of the old commit still ranks as it did.
    assert_eq!(rank_all(&warm, day()), before, "the old snapshot");
}
