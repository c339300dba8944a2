//! The store at library level: compare-and-swap on the branch, retries after a
//! lost race, incremental refresh equal to a cold load.

use crate::{common, fixture};

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use common::Sandbox;
use fixture::*;
use pingxuan::act::{self, Request};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::sign::Signer;
use pingxuan::store::{layout, CommitMeta, FileChange, Store, StoreError};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// A signer for member `id` with a fresh key, registered in `f`'s members.ron.
fn signer(sb: &Sandbox, f: &Fixture, id: &str) -> Signer {
    let key = sb.ssh_keygen(id, &format!("{id}@example.invalid"));
    f.register_keys(&[(id, &key.line)]);
    sb.set_config("gpg.format", "ssh");
    sb.set_config("user.signingkey", key.private.to_str().unwrap());
    let mut cfg = git2::Config::open(sb.global_config()).unwrap();
    let _ = &mut cfg;
    Signer::from_git_config(&cfg).unwrap().expect("a signer")
}

#[test]
fn stale_parent_is_a_conflict_and_writes_nothing() {
    let f = Fixture::new(&[]);
    let store = Store::open(f.path()).unwrap();
    let first = store.head().unwrap().unwrap();
    let meta = CommitMeta {
        name: "t".into(),
        email: "t@example.invalid".into(),
        when: at("2017-06-20T09:00:00+08:00"),
        summary: "x".into(),
        trailers: vec![],
    };
    let change = |p: &str| FileChange {
        path: p.into(),
        content: Some("[]\n".into()),
    };
    let second = store
        .commit_changes(Some(first), &[change("a.ron")], &meta, None)
        .unwrap();
    // A writer that still believes `first` is the tip loses, and nothing moves.
    let err = store
        .commit_changes(Some(first), &[change("b.ron")], &meta, None)
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err}");
    assert_eq!(store.head().unwrap(), Some(second));
    assert!(
        !f.path().join("b.ron").exists(),
        "work tree untouched by the loser"
    );
}

#[test]
fn concurrent_writers_lose_no_action() {
    let f = Fixture::new(&[(
        layout::nomination_path("2017-window-001").unwrap(),
        ron(&window("2017-window-001", "zhengwu-fuwu-zhongxin")),
    )]);
    let path = Arc::new(f.path().to_path_buf());
    let campaign: Campaign =
        ron::from_str(std::str::from_utf8(&sample_file("campaign.ron")).unwrap()).unwrap();
    let departments: Vec<String> = campaign.departments.iter().map(|d| d.id.clone()).collect();
    let sb = Sandbox::new();
    let signer = Arc::new(signer(&sb, &f, OFFICE_CLERK));
    let threads: Vec<_> = departments
        .iter()
        .map(|dept| {
            let path = Arc::clone(&path);
            let signer = Arc::clone(&signer);
            let dept = dept.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                let action = Action::Opinion {
                    nomination: "2017-window-001".into(),
                    opinion: Opinion {
                        department: dept,
                        stance: Stance::Approve,
                        reason: String::new(),
                        recorded_by: OFFICE_CLERK.into(),
                        date: day("2017-11-21"),
                    },
                };
                let sign = |b: &[u8]| signer.sign(b);
                let mut snapshot = None;
                act::perform(
                    &store,
                    &mut snapshot,
                    &Request {
                        actor: OFFICE_CLERK,
                        action: &action,
                        // One clock for all: a writer that lost the race retries on a
                        // head that must not be later than its own time (TIME-FORWARD).
                        when: at("2017-11-21T10:00:00+08:00"),
                        lang: Lang::En,
                    },
                    Some(&sign),
                )
                .unwrap()
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let snap = store.snapshot().unwrap();
    let rec = &snap.records["2017-window-001"];
    assert_eq!(
        rec.opinions.len(),
        departments.len(),
        "every opinion landed"
    );
    let repo = f.repo();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    assert_eq!(
        walk.count(),
        // The fixture, the key registration, then one per action.
        2 + departments.len(),
        "one commit per action, linear"
    );
    let status = sb.git(f.path(), &["status", "--porcelain"]);
    assert_eq!(stdout(&status).trim(), "", "index and work tree match HEAD");
}

#[test]
fn refresh_after_a_commit_equals_a_cold_load() {
    let f = Fixture::new(&[
        (
            layout::nomination_path("2017-window-001").unwrap(),
            ron(&window("2017-window-001", "zhengwu-fuwu-zhongxin")),
        ),
        (
            layout::nomination_path("2017-window-002").unwrap(),
            ron(&window("2017-window-002", "renmin-yiyuan-menzhen")),
        ),
    ]);
    let store = Store::open(f.path()).unwrap();
    let sb = Sandbox::new();
    let signer = signer(&sb, &f, REVIEWER);
    let sign = |b: &[u8]| signer.sign(b);
    let mut snapshot = Some(store.snapshot().unwrap());
    let action = Action::Evaluate {
        nomination: "2017-window-002".into(),
        evaluation: Evaluation {
            kind: EvaluationKind::Unannounced,
            author: REVIEWER.into(),
            date: day("2017-10-09"),
            rating: Some(88.0),
            findings: "暗訪:服務熱情".into(),
            knowledge_rate: Some(93.0),
            service_satisfaction: None,
            incidents: vec![],
        },
    };
    act::perform(
        &store,
        &mut snapshot,
        &Request {
            actor: REVIEWER,
            action: &action,
            when: at("2017-10-09T15:00:00+08:00"),
            lang: Lang::Zh,
        },
        Some(&sign),
    )
    .unwrap();
    let cold = store.snapshot().unwrap();
    assert_eq!(snapshot.unwrap(), cold);
    assert_eq!(cold.records["2017-window-002"].evaluations.len(), 1);
}

/// `f`'s own (local) git config: it wins over any global one, so what the
/// service reads is what this test wrote.
fn local_config(f: &Fixture, pairs: &[(&str, &str)]) {
    let mut cfg = f
        .repo()
        .config()
        .unwrap()
        .open_level(git2::ConfigLevel::Local)
        .unwrap();
    for (k, v) in pairs {
        cfg.set_str(k, v).unwrap();
    }
}

/// The service layer's write (`Session::perform`, what the CLI and the TUI
/// call): the identity and the key come from git's config, and the snapshot
/// it hands back — refreshed incrementally from the one it was given — is the
/// snapshot a cold load at the new commit gives; the TUI uses it as it is.
#[test]
fn session_perform_hands_back_the_snapshot_a_cold_load_gives() {
    let f = Fixture::new(&[
        (
            layout::nomination_path("2017-window-001").unwrap(),
            ron(&window("2017-window-001", "zhengwu-fuwu-zhongxin")),
        ),
        (
            layout::nomination_path("2017-window-002").unwrap(),
            ron(&window("2017-window-002", "renmin-yiyuan-menzhen")),
        ),
    ]);
    let sb = Sandbox::new();
    let key = sb.ssh_keygen(REVIEWER, "reviewer@example.invalid");
    f.register_keys(&[(REVIEWER, &key.line)]);
    let store = Store::open(f.path()).unwrap();
    let before = store.snapshot().unwrap();
    let email = before.member(REVIEWER).unwrap().email.clone();
    local_config(
        &f,
        &[
            ("user.email", &email),
            ("gpg.format", "ssh"),
            ("user.signingkey", key.private.to_str().unwrap()),
        ],
    );
    let session = act::Session::new(
        Some(f.path().to_path_buf()),
        Lang::En,
        Some("2017-10-09T15:00:00+08:00".into()),
    );
    // OPEN: the actor is the member whose email is git's user.email.
    let actor = session.actor(&store, &before).unwrap().id.clone();
    assert_eq!(actor, REVIEWER);
    let action = Action::Evaluate {
        nomination: "2017-window-002".into(),
        evaluation: Evaluation {
            kind: EvaluationKind::Unannounced,
            author: REVIEWER.into(),
            date: day("2017-10-09"),
            rating: Some(88.0),
            findings: "暗訪:服務熱情".into(),
            knowledge_rate: Some(93.0),
            service_satisfaction: None,
            incidents: vec![],
        },
    };
    let (done, after) = session
        .perform(&store, Some(before.clone()), &actor, &action)
        .unwrap();
    assert_eq!(store.head().unwrap(), Some(done.commit));
    assert_eq!(after.commit, Some(done.commit.to_string()));
    assert_eq!(after, store.snapshot_cold(done.commit).unwrap());
    assert_ne!(
        after, before,
        "the evaluation is in the snapshot handed back"
    );
    assert_eq!(after.records["2017-window-002"].evaluations.len(), 1);
    // Only the evaluated record's rows need rebuilding.
    assert_eq!(done.changed_records(), vec!["2017-window-002".to_string()]);
    // The commit is signed with the configured key, as git checks it.
    sb.write_allowed_signers(&[(&email, &key.line)]);
    sb.git_ok(f.path(), &["verify-commit", &done.commit.to_string()]);

    // Without a snapshot (the TUI's writer), the same: one load, refreshed.
    let action = Action::Evaluate {
        nomination: "2017-window-001".into(),
        evaluation: Evaluation {
            kind: EvaluationKind::Unannounced,
            author: REVIEWER.into(),
            date: day("2017-10-09"),
            rating: Some(90.0),
            findings: "暗訪".into(),
            knowledge_rate: None,
            service_satisfaction: None,
            incidents: vec![],
        },
    };
    let (done, after) = session.perform(&store, None, &actor, &action).unwrap();
    assert_eq!(after, store.snapshot_cold(done.commit).unwrap());
    assert_eq!(done.changed_records(), vec!["2017-window-001".to_string()]);
}

/// Who may write is the member git's `user.email` names; any other email is
/// read-only with a message that says why, and a signing config git itself
/// would reject stops a write before anything is written.
#[test]
fn session_identity_and_signer_come_from_git_config() {
    let f = Fixture::new(&[(
        layout::nomination_path("2017-window-001").unwrap(),
        ron(&window("2017-window-001", "zhengwu-fuwu-zhongxin")),
    )]);
    let store = Store::open(f.path()).unwrap();
    let snap = store.snapshot().unwrap();
    let session = act::Session::new(
        Some(f.path().to_path_buf()),
        Lang::En,
        Some("2017-10-09T15:00:00+08:00".into()),
    );
    local_config(&f, &[("user.email", "stranger@example.invalid")]);
    let err = session.actor(&store, &snap).unwrap_err();
    assert!(matches!(err, act::ActError::ReadOnly(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("stranger@example.invalid is not a member"),
        "{err}"
    );

    // The signer is the one the repository's git config names (ssh, a key file).
    let sb = Sandbox::new();
    let key = sb.ssh_keygen(REVIEWER, "reviewer@example.invalid");
    local_config(
        &f,
        &[
            ("gpg.format", "ssh"),
            ("user.signingkey", key.private.to_str().unwrap()),
        ],
    );
    let id = act::Identity::of(&store).unwrap();
    assert_eq!(id.email(), Some("stranger@example.invalid"));
    let signer = id.signer().unwrap().expect("a signer");
    assert_eq!(signer.format(), pingxuan::sign::SignFormat::Ssh);
    assert!(
        signer.describe().contains(key.private.to_str().unwrap()),
        "{}",
        signer.describe()
    );

    // gpg.format = x509 is refused before anything is written.
    local_config(&f, &[("gpg.format", "x509")]);
    assert!(matches!(
        act::Identity::of(&store).unwrap().signer(),
        Err(pingxuan::sign::SignError::X509NotSupported)
    ));
    let email = snap.member(REVIEWER).unwrap().email.clone();
    local_config(&f, &[("user.email", &email)]);
    let head = store.head().unwrap();
    let action = Action::Evaluate {
        nomination: "2017-window-001".into(),
        evaluation: Evaluation {
            kind: EvaluationKind::Unannounced,
            author: REVIEWER.into(),
            date: day("2017-10-09"),
            rating: Some(88.0),
            findings: String::new(),
            knowledge_rate: None,
            service_satisfaction: None,
            incidents: vec![],
        },
    };
    let err = session
        .perform(&store, None, REVIEWER, &action)
        .unwrap_err();
    assert!(
        matches!(
            err,
            act::ActError::Sign(pingxuan::sign::SignError::X509NotSupported)
        ),
        "{err:?}"
    );
    assert_eq!(store.head().unwrap(), head, "nothing written");
}
