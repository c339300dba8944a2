//! Issue 18 (P5): `pingxuan gen` leaves the last 5% of its nominations open
//! at the end of its year (no objection, no decision), the same ones for the
//! same seed, so a benchmark can still act on them: the chair's decision on
//! an open nomination after the last commit is accepted, checked by the same
//! rules (FREEZE keeps a decided nomination from taking a new decision's
//! scores; TIME-FORWARD: after the head).

use chrono::DateTime;
use pingxuan::act::{self, Request};
use pingxuan::i18n::Lang;
use pingxuan::model::{Action, Decision, Outcome};
use pingxuan::store::Store;

#[test]
fn gen_leaves_its_last_nominations_open_and_they_take_a_decision() {
    let d = tempfile::tempdir().unwrap();
    let one = d.path().join("one.git");
    let two = d.path().join("two.git");
    let n = 60;
    pingxuan::gen::generate(&one, n, 7).unwrap();
    pingxuan::gen::generate(&two, n, 7).unwrap();
    let store = Store::open(&one).unwrap();
    let tree = |s: &Store| {
        let head = s.head().unwrap().unwrap();
        git2::Repository::open(s.git_dir())
            .unwrap()
            .find_commit(head)
            .unwrap()
            .tree_id()
    };
    assert_eq!(
        tree(&store),
        tree(&Store::open(&two).unwrap()),
        "deterministic"
    );

    let snapshot = store.snapshot().unwrap();
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    assert_eq!(snapshot.records.len(), n);
    let open: Vec<&String> = snapshot
        .records
        .iter()
        .filter(|(_, r)| r.decision.is_none())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(open.len(), n / pingxuan::gen::OPEN_SHARE, "{open:?}");
    assert_eq!(pingxuan::gen::decided(n), n - open.len());
    // The last ones of each category (ids count up per category).
    for id in &open {
        assert!(id.ends_with("-00019"), "{id}");
    }
    for r in snapshot.records.values().filter(|r| r.decision.is_none()) {
        assert!(r.objections.is_empty());
        assert_eq!(r.scores.len(), 5, "reviewed like the others");
    }

    // The chair decides one, after the generated year's last commit.
    let when = DateTime::parse_from_rfc3339("2017-12-20T10:00:00+08:00").unwrap();
    let id = open[0].clone();
    let decide = Action::Decide {
        nomination: id.clone(),
        decision: Decision {
            outcome: Outcome::Rejected,
            reason: "bench".into(),
            fraud: false,
            by: "chair".into(),
            date: snapshot.campaign.day_of(&when),
            reopened: None,
        },
    };
    let mut carried = Some(snapshot);
    act::perform(
        &store,
        &mut carried,
        &Request {
            actor: "chair",
            action: &decide,
            when,
            lang: Lang::En,
        },
        None,
    )
    .unwrap();
    let after = store.snapshot().unwrap();
    assert!(after.records[&id].decision.is_some());
    assert_eq!(carried.as_ref(), Some(&after));
}
