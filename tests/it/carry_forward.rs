//! Issue 18 (P5, P11): after an action the snapshot is brought forward from
//! the files the action wrote (`Store::carry_forward`) instead of re-reading
//! the record, and the demo keeps its objects in memory while it plays
//! (`Store::with_objects_in_memory`). Neither may change a result: a carried
//! snapshot equals a cold load of the same commit, for every kind of change
//! and for broken files (then the loader's own reload reports them), and the
//! demo built in memory has, commit by commit, the trees of the demo built
//! with loose objects (the way before).

use crate::{common, fixture};

use chrono::{DateTime, FixedOffset};
use common::Sandbox;
use fixture::*;
use pingxuan::act::{self, Request};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::store::{layout, CommitMeta, FileChange, Store, StoreError};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn meta(summary: &str) -> CommitMeta {
    CommitMeta {
        name: "test".into(),
        email: "test@example.invalid".into(),
        when: at("2017-10-09T15:00:00+08:00"),
        summary: summary.into(),
        trailers: vec![],
    }
}

fn put(path: String, bytes: Vec<u8>) -> FileChange {
    FileChange {
        path,
        content: Some(String::from_utf8(bytes).unwrap()),
    }
}

fn gone(path: String) -> FileChange {
    FileChange {
        path,
        content: None,
    }
}

/// A full score of `reviewer` for a window entry.
fn score(s: &Snapshot, reviewer: &str) -> Score {
    let window = s.campaign.category("window").unwrap();
    Score {
        reviewer: reviewer.into(),
        marks: window
            .criteria
            .iter()
            .map(|c| (c.id.clone(), Mark::Points(c.max)))
            .collect(),
        comment: String::new(),
        time: at("2017-10-09T15:00:00+08:00"),
    }
}

/// A second reviewer of the sample.
const OTHER: &str = "zhaomin";

/// Two window entries of units the sample has: a campaign without problems.
fn two_windows() -> Fixture {
    let f = Fixture::new(&[
        (
            layout::nomination_path("2017-window-001").unwrap(),
            ron(&window("2017-window-001", "zhengwu-fuwu-zhongxin")),
        ),
        (
            layout::nomination_path("2017-window-002").unwrap(),
            ron(&window("2017-window-002", "renmin-yiyuan")),
        ),
    ]);
    let problems = Store::open(f.path()).unwrap().snapshot().unwrap().problems;
    assert!(problems.is_empty(), "{problems:?}");
    f
}

/// Commits `changes` on HEAD and carries `snapshot` over it.
fn step(store: &Store, snapshot: &mut Snapshot, changes: &[FileChange]) -> git2::Oid {
    let head = store.head().unwrap();
    let new = store
        .commit_changes(head, changes, &meta("step"), None)
        .unwrap();
    store.carry_forward(snapshot, new, changes).unwrap();
    new
}

/// Clean changes of every kind, carried while the objects are in memory (where
/// `carry_forward` cannot fall back to a reload, so each one took the carried
/// path), then each compared with a cold load of its commit.
#[test]
fn carried_snapshot_equals_a_cold_load_for_every_kind_of_change() {
    let f = two_windows();
    let store = Store::open(f.path()).unwrap();
    let mut s = store.snapshot().unwrap();
    let w1 = "2017-window-001";
    let w2 = "2017-window-002";
    let mut members = s.members.clone();
    let mut third = window("2017-window-103", "shebao-fuwu-dating");
    third.nominee.name = "滕州市社會保險事業處服務大廳".into();
    let mut w1_changed = s.records[w1].nomination.clone();
    w1_changed.deeds.push_str("(補充)");
    let mut rulings = Rulings::default();
    rulings
        .tie_orders
        .insert("window".into(), vec![w2.into(), w1.into()]);
    let eval = Evaluation {
        kind: EvaluationKind::Unannounced,
        author: REVIEWER.into(),
        date: day("2017-10-09"),
        rating: Some(88.0),
        findings: "暗訪:服務熱情".into(),
        knowledge_rate: Some(93.0),
        service_satisfaction: None,
        incidents: vec![],
    };
    let steps: Vec<Vec<FileChange>> = vec![
        // a new file in a record
        vec![put(
            layout::score_path(w1, REVIEWER).unwrap(),
            ron(&score(&s, REVIEWER)),
        )],
        vec![put(
            layout::evaluation_path(w2, &format!("20171009-150000-{REVIEWER}")).unwrap(),
            ron(&eval),
        )],
        // a file rewritten, the nomination itself
        vec![put(layout::nomination_path(w1).unwrap(), ron(&w1_changed))],
        // a new record (and its shard)
        vec![put(
            layout::nomination_path(&third.id).unwrap(),
            ron(&third),
        )],
        // two records in one commit
        vec![
            put(
                layout::score_path(w2, REVIEWER).unwrap(),
                ron(&score(&s, REVIEWER)),
            ),
            put(
                layout::score_path(&third.id, REVIEWER).unwrap(),
                ron(&score(&s, REVIEWER)),
            ),
        ],
        // rulings.ron written, then removed
        vec![put(layout::RULINGS.into(), ron(&rulings))],
        vec![gone(layout::RULINGS.into())],
        // members.ron changed: every record is checked against the new one
        {
            members[0].name.push('人');
            vec![put(layout::MEMBERS.into(), ron(&members))]
        },
        // the one removal an action makes: a withdrawn score
        vec![gone(layout::score_path(w1, REVIEWER).unwrap())],
    ];
    let carried: Vec<(git2::Oid, Snapshot)> = store
        .with_objects_in_memory(|store| -> Result<_, StoreError> {
            let mut out = Vec::new();
            for changes in &steps {
                let c = step(store, &mut s, changes);
                out.push((c, s.clone()));
            }
            Ok(out)
        })
        .unwrap();
    assert_eq!(carried.len(), steps.len());
    for (i, (commit, snapshot)) in carried.iter().enumerate() {
        let cold = store.snapshot_cold(*commit).unwrap();
        assert_eq!(snapshot, &cold, "step {i}: {:?}", steps[i]);
        assert!(cold.problems.is_empty(), "step {i}: {:?}", cold.problems);
    }
    let last = &carried.last().unwrap().1;
    assert_eq!(last.records.len(), 3);
    assert!(
        last.records[w1].scores.is_empty(),
        "the score was withdrawn"
    );
    assert_eq!(last.records[w2].scores.len(), 1);
    assert_eq!(last.records[w1].nomination.deeds, w1_changed.deeds);
}

/// What the carried path does not take (a broken file, a snapshot with
/// problems, a members.ron that breaks a record, a commit that is not the
/// snapshot's child) is reloaded, and equals a cold load with its problems.
#[test]
fn broken_files_are_reloaded_and_reported_as_a_cold_load_reports_them() {
    let f = two_windows();
    let store = Store::open(f.path()).unwrap();
    let mut s = store.snapshot().unwrap();
    let full = ron(&score(&s, REVIEWER));
    let w1 = "2017-window-001";
    let w2 = "2017-window-002";
    let check = |s: &Snapshot, what: &str| {
        let head = store.head().unwrap().unwrap();
        assert_eq!(s, &store.snapshot_cold(head).unwrap(), "{what}");
    };
    // A commit that is not the child of the snapshot's commit.
    let mut fresh = s.clone();
    let base_for_score = s.clone();
    let base = fresh.clone();
    let a = step(
        &store,
        &mut fresh,
        &[put(layout::RULINGS.into(), ron(&Rulings::default()))],
    );
    let mut stale = base;
    let b = step(
        &store,
        &mut fresh,
        &[put(
            layout::score_path(w2, OTHER).unwrap(),
            ron(&score(&base_for_score, OTHER)),
        )],
    );
    assert_ne!(a, b);
    store
        .carry_forward(
            &mut stale,
            b,
            &[put(
                layout::score_path(w2, OTHER).unwrap(),
                ron(&score(&base_for_score, OTHER)),
            )],
        )
        .unwrap();
    check(&stale, "a commit two steps ahead");
    check(&fresh, "carried");
    s = fresh;
    // A score that does not parse: the record keeps its other files.
    step(
        &store,
        &mut s,
        &[put(
            layout::score_path(w1, REVIEWER).unwrap(),
            b"(reviewer: \"wangjianguo\", marks: {".to_vec(),
        )],
    );
    check(&s, "an unparsable score");
    assert!(
        s.problems
            .iter()
            .any(|p| p.path == layout::score_path(w1, REVIEWER).unwrap()),
        "{:?}",
        s.problems
    );
    // With a problem in the snapshot, a clean change to another record.
    step(
        &store,
        &mut s,
        &[put(layout::score_path(w2, REVIEWER).unwrap(), full.clone())],
    );
    check(&s, "a clean change beside a broken file");
    // The broken file replaced by a good one: the problem is gone.
    step(
        &store,
        &mut s,
        &[put(layout::score_path(w1, REVIEWER).unwrap(), full.clone())],
    );
    check(&s, "the broken file repaired");
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    // A score whose file name is another reviewer's (checked, not parsed).
    step(
        &store,
        &mut s,
        &[put(layout::score_path(w1, OTHER).unwrap(), full.clone())],
    );
    check(&s, "a score filed under another name");
    assert!(!s.problems.is_empty());
    step(
        &store,
        &mut s,
        &[gone(layout::score_path(w1, OTHER).unwrap())],
    );
    check(&s, "the misfiled score removed");
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    // members.ron without the reviewer who scored: those scores break.
    let members: Vec<Member> = s
        .members
        .iter()
        .filter(|m| m.id != REVIEWER)
        .cloned()
        .collect();
    step(
        &store,
        &mut s,
        &[put(layout::MEMBERS.into(), ron(&members))],
    );
    check(&s, "a members.ron that breaks recorded scores");
    assert!(!s.problems.is_empty());
}

/// The objects of a build that fails half way are still written: the branch
/// it moved names commits git can read, and `git fsck` is clean.
#[test]
fn objects_in_memory_reach_the_disk_when_the_build_fails() {
    let f = two_windows();
    let store = Store::open(f.path()).unwrap();
    let mut s = store.snapshot().unwrap();
    let full = ron(&score(&s, REVIEWER));
    let before = store.head().unwrap().unwrap();
    let result = store.with_objects_in_memory(|store| -> Result<(), StoreError> {
        step(
            store,
            &mut s,
            &[put(
                layout::score_path("2017-window-001", REVIEWER).unwrap(),
                full.clone(),
            )],
        );
        Err(StoreError::Conflict)
    });
    assert!(matches!(result, Err(StoreError::Conflict)));
    let head = store.head().unwrap().unwrap();
    assert_ne!(head, before, "the build's commit is on the branch");
    let sb = Sandbox::new();
    let shown = sb.git_ok(
        f.path(),
        &[
            "show",
            &format!(
                "{head}:{}",
                layout::score_path("2017-window-001", REVIEWER).unwrap()
            ),
        ],
    );
    assert!(shown.contains(REVIEWER), "{shown}");
    let fsck = sb.git(f.path(), &["fsck", "--strict"]);
    assert!(fsck.status.success(), "{}", stderr(&fsck));
    // A new handle (another process) reads the same snapshot.
    assert_eq!(
        Store::open(f.path()).unwrap().snapshot_cold(head).unwrap(),
        s
    );
}

/// The demo built with its objects in memory (each step's snapshot carried
/// forward) against the demo built as before issue 18 (loose objects, packed
/// at the end): every commit changes the same files to the same blobs, with
/// the same messages, authors and times, and the final trees are the same;
/// only members.ron's keys and the signatures differ (each build makes its
/// own keys).
#[test]
fn demo_in_memory_has_the_trees_of_the_demo_built_on_disk() {
    let sb = Sandbox::new();
    let until = Some(at(common::demo::YEAR));
    let build = |name: &str, loose_objects: bool| {
        let dir = sb.path().join(name);
        pingxuan::demo::build_with(
            &dir,
            Lang::En,
            &pingxuan::demo::DemoOptions {
                until,
                member: None,
                loose_objects,
            },
            |_, _| {},
        )
        .unwrap();
        dir
    };
    let memory = build("memory", false);
    let disk = build("disk", true);
    // Each commit's changed files with their blob ids (members.ron holds each
    // build's own public keys, the one file that differs), then the trees.
    let log = |dir: &std::path::Path| -> Vec<String> {
        sb.git_ok(
            dir,
            &[
                "log",
                "--reverse",
                "--format=%ae %aI %cI %s",
                "--raw",
                "--no-abbrev",
            ],
        )
        .lines()
        .filter(|l| !l.ends_with("\tmembers.ron"))
        .map(str::to_string)
        .collect()
    };
    let (m, d) = (log(&memory), log(&disk));
    assert!(m.len() > 2000, "{}", m.len());
    assert_eq!(m.len(), d.len());
    for (i, (a, b)) in m.iter().zip(&d).enumerate() {
        assert_eq!(a, b, "line {i}");
    }
    let trees = |dir: &std::path::Path| {
        sb.git_ok(
            dir,
            &[
                "rev-parse",
                "HEAD:nominations",
                "HEAD:campaign.ron",
                "HEAD:units.ron",
                "HEAD:rulings.ron",
            ],
        )
    };
    assert_eq!(trees(&memory), trees(&disk));
    // One pack, nothing loose, every commit verified by git itself.
    let counted = sb.git_ok(&memory, &["count-objects", "-v"]);
    assert!(counted.lines().any(|l| l == "count: 0"), "{counted}");
    assert!(counted.lines().any(|l| l == "packs: 1"), "{counted}");
    let fsck = sb.git(&memory, &["fsck", "--strict"]);
    let said = stdout(&fsck) + &stderr(&fsck);
    assert!(
        fsck.status.success() && !said.contains("dangling"),
        "{said}"
    );
    for hash in sb.git_ok(&memory, &["log", "--format=%H"]).lines() {
        let v = sb.git(&memory, &["verify-commit", hash]);
        assert!(v.status.success(), "{hash}: {}", stderr(&v));
    }
    assert_eq!(sb.git_ok(&memory, &["status", "--porcelain"]).trim(), "");
}

/// The sample script played through the service layer (unsigned), the
/// snapshot carried forward after each action: equal to a cold load after
/// every kind of action the script has and every 100 steps.
#[test]
fn carried_snapshot_equals_a_cold_load_along_the_sample_script() {
    let sb = Sandbox::new();
    let sample = pingxuan::demo::sample().unwrap();
    let mut campaign = sample.campaign.clone();
    campaign.signing_required = false;
    let chair = sample
        .members
        .iter()
        .find(|m| m.has_role(Role::Chair))
        .unwrap()
        .id
        .clone();
    let store = Store::init(&sb.path().join("script"), true).unwrap();
    let mut snapshot = None;
    let setup = Action::Setup {
        campaign: campaign.clone(),
        members: sample.members.clone(),
        units: sample.units.clone(),
    };
    // As the demo: 09:00 of the notice's day.
    let first = at(&format!("{}T09:00:00+08:00", campaign.issued));
    act::perform(
        &store,
        &mut snapshot,
        &Request {
            actor: &chair,
            action: &setup,
            when: first,
            lang: Lang::En,
        },
        None,
    )
    .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (i, step) in sample.history.iter().enumerate() {
        let done = act::perform(
            &store,
            &mut snapshot,
            &Request {
                actor: &step.actor,
                action: &step.action,
                when: step.at,
                lang: Lang::En,
            },
            None,
        )
        .unwrap_or_else(|e| panic!("step {}: {e}", i + 1));
        let kind = step.action.kind().as_str();
        if seen.insert(kind) || i % 100 == 0 || i + 1 == sample.history.len() {
            let cold = store.snapshot_cold(done.commit).unwrap();
            assert_eq!(snapshot.as_ref(), Some(&cold), "step {} ({kind})", i + 1);
            checked += 1;
        }
    }
    assert!(seen.len() >= 10, "{seen:?}");
    assert!(checked > 20);
    assert!(snapshot.unwrap().problems.is_empty());
}
