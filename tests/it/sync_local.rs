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
