//! Sync over a local-path remote: 2 and then 6 clones acting offline at once
//! on the same nominations (scores by different reviewers, evaluations,
//! department opinions, fraud reports, and two clerks' activities on one
//! nomination.ron), each signing with its member's own ssh key and syncing in
//! seeded random interleavings. Sync replays each clone's unpublished actions
//! onto the remote tip (ONE-CHAIN: the remote never gets a merge commit);
//! whatever the new state refused is set aside, reported, retried and, when
//! still refused, taken again by its member. At the end every action taken is
//! on the remote or set aside (none lost), `git verify-commit` verifies every
//! commit, the audit is clean and no push needed more than 5 retries.

use crate::sync_world;

use sync_world::*;

fn concurrent(n: usize, seed: u64) -> Stats {
    // PINGXUAN_SYNC_SEED replays another interleaving.
    let seed = std::env::var("PINGXUAN_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(seed);
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let clones: Vec<Clone> = ACTORS[..n]
        .iter()
        .enumerate()
        .map(|(i, m)| w.clone_as(&url, m, &format!("c{i}-{m}")))
        .collect();
    let mut stats = run_concurrent(&clones, seed);
    check_converged(&w, &clones, &stats, &w.origin);
    settle_set_aside(&clones, &mut stats);
    check_converged(&w, &clones, &stats, &w.origin);
    for c in &clones {
        let left = pingxuan::sync::aside::list(&c.store()).expect("list");
        assert!(left.is_empty(), "{}: {left:?}", c.member);
    }
    eprintln!("{n} clones, seed {seed}: {stats:?}");
    stats
}

#[test]
fn two_clones_acting_offline_converge_by_replay_one_chain() {
    let s = concurrent(2, 2017);
    assert_eq!(s.actions, 5 + 8, "a reviewer acts 5 times, a clerk 8");
    assert!(s.replays > 0, "some syncs replayed actions onto others'");
}

#[test]
fn six_clones_acting_offline_converge_by_replay_one_chain() {
    let s = concurrent(6, 6);
    assert!(s.replays > 0, "some syncs replayed actions onto others'");
}

/// The service layer's sync, as the TUI's sync thread runs it: the identity
/// and the key come from the clone's git config (a clerk's machine), the
/// clone's offline action is replayed onto what another clone pushed, and the
/// snapshot and ahead/behind counts handed back — read on the worker, not the
/// UI thread — are the clone's state after the sync (a cold load at its
/// HEAD; nothing left to push or take in).
#[test]
fn the_sync_job_hands_back_the_snapshot_and_counts_after_it() {
    use pingxuan::act;
    use pingxuan::i18n::Lang;
    use std::sync::Mutex;

    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, ACTORS[0], "a");
    let b = w.clone_as(&url, ACTORS[1], "b");
    let (action, when) = plan(ACTORS[0], 0).remove(0);
    a.act(&action, &when);
    a.sync().expect("a pushes");
    let (action, when) = plan(ACTORS[1], 1).remove(0);
    b.act(&action, &when);

    let session = act::Session::new(Some(b.dir.clone()), Lang::En, None);
    let lines = Mutex::new(Vec::new());
    let progress = |p: &pingxuan::sync::Progress| {
        lines.lock().expect("lines").push(p.describe(Lang::En));
    };
    let mut req = act::sync::Request::new("origin", Lang::En, at(&b.now()));
    req.progress = Some(&progress);
    req.git = b.git.clone();
    let synced = act::sync::sync_session(&session, &req);
    let report = synced.result.expect("b syncs");
    assert!(report.pushed, "{report:?}");
    assert_eq!(report.replayed(), 1, "b's offline action replayed");
    assert!(
        !lines.lock().expect("lines").is_empty(),
        "progress reported"
    );

    let store = b.store();
    let head = store.head().expect("head").expect("a commit");
    let snapshot = synced.snapshot.expect("the snapshot after the sync");
    assert_eq!(snapshot.commit, Some(head.to_string()));
    assert_eq!(snapshot, store.snapshot_cold(head).expect("cold load"));
    assert_eq!(synced.counts, Some((0, 0)), "nothing to push or take in");
    assert_eq!(
        w.git(&w.origin, &["rev-parse", "HEAD"]).trim(),
        head.to_string()
    );
}
