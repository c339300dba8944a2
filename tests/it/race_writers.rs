//! Issue 9, races on one clone: two real processes writing at the same time
//! never lose an action (the write lock makes them take turns; the branch
//! moves by compare-and-swap).

use crate::{fixture, hostile};

use std::process::Stdio;

use fixture::*;
use hostile::*;
use pingxuan::model::*;
use pingxuan::store::codec::from_ron;
use pingxuan::store::layout;

const N: usize = 25;

#[test]
fn two_writers_at_once_lose_nothing() {
    let f = repo_with(&[campaign_unsigned()]);
    let id = GOOD;
    // Two reviewers, each with their own git identity (and no signing key).
    let writers = [
        ("wangjianguo", REVIEWER_EMAIL),
        ("zhaomin", "zhaomin@gaj.tengzhou.example"),
    ];
    let configs: Vec<std::path::PathBuf> = writers
        .iter()
        .map(|(who, email)| {
            let home = f.home.path().join(who);
            std::fs::create_dir_all(&home).unwrap();
            let p = home.join(".gitconfig");
            std::fs::write(
                &p,
                format!("[user]\n\tname = {who}\n\temail = {email}\n[gpg]\n\tformat = ssh\n"),
            )
            .unwrap();
            p
        })
        .collect();
    let base = f.head();
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        for config in &configs {
            let (f, barrier) = (&f, &barrier);
            s.spawn(move || {
                barrier.wait();
                for i in 0..N {
                    let m = format!("W1={}", (i % 10) as f64 + 0.5);
                    let o = f
                        .cmd(&["--lang", "en", "--at", REVIEW_DAY, "score", id, "-m", &m])
                        .env("HOME", config.parent().unwrap())
                        .env("GIT_CONFIG_GLOBAL", config)
                        .stdout(Stdio::null())
                        .output()
                        .unwrap();
                    assert!(o.status.success(), "write {i}: {}", stderr(&o));
                }
            });
        }
    });

    // Every action is one commit on one line of history.
    let repo = f.repo();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.hide(base).unwrap();
    let commits: Vec<git2::Commit> = walk
        .map(|o| repo.find_commit(o.unwrap()).unwrap())
        .collect();
    assert_eq!(commits.len(), 2 * N, "no action lost");
    for c in &commits {
        assert_eq!(c.parent_count(), 1, "linear history");
    }
    for (who, _) in writers {
        let mine = commits
            .iter()
            .filter(|c| {
                c.message()
                    .unwrap_or_default()
                    .contains(&format!("Pingxuan-Actor: {who}"))
            })
            .count();
        assert_eq!(mine, N, "{who}'s actions all landed");
        // Each one's last mark is what HEAD holds.
        let path = layout::score_path(id, who).unwrap();
        let tree = repo.head().unwrap().peel_to_tree().unwrap();
        let blob = repo
            .find_blob(tree.get_path(std::path::Path::new(&path)).unwrap().id())
            .unwrap();
        let score: Score = from_ron(&path, blob.content()).unwrap();
        assert_eq!(
            score.marks.get("W1"),
            Some(&Mark::Points(((N - 1) % 10) as f64 + 0.5))
        );
    }
    let o = git(f.path(), &["fsck", "--full", "--no-progress"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_clean(&f);
    assert!(!f
        .path()
        .join(".git")
        .join(pingxuan::store::lock::LOCK_FILE)
        .exists());
}
