//! Sync over a local-path remote: 2 and then 6 clones acting concurrently on the
//! same nominations (scores by different reviewers, evaluations, department
//! opinions, fraud reports), each signing with its member's own ssh key and
//! syncing in seeded random interleavings. At the end every action is in every
//! clone and on the remote, no conflict occurred, `git log %G?` verifies every
//! commit (merges included), the audit is clean and no push needed more than
//! 5 retries.

mod common;
mod fixture;
mod sync_world;

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
    let stats = run_concurrent(&clones, seed);
    check_converged(&w, &clones, &stats, &w.origin);
    eprintln!("{n} clones, seed {seed}: {stats:?}");
    stats
}

#[test]
fn two_clones_converge_over_a_local_path() {
    let s = concurrent(2, 2017);
    assert_eq!(s.actions, 5 + 7, "a reviewer acts 5 times, a clerk 7");
    assert!(s.merges > 0, "some syncs took others' commits in");
}

#[test]
fn six_clones_converge_over_a_local_path() {
    let s = concurrent(6, 6);
    assert!(s.merges > 0, "some syncs took others' commits in");
}
