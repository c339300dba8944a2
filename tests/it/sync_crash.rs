//! A sync SIGKILLed after it moved the branch and before the work tree and
//! index followed (held there by `PINGXUAN_PAUSE_AFTER_BRANCH_MOVE`) leaves a
//! journal; the next start repairs the work tree from it, and the sync then
//! pushes what it had replayed. `git fsck` stays clean throughout.

use crate::{common, sync_world};

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::output_text;
use pingxuan::model::*;
use pingxuan::store::PAUSE_AFTER_MOVE;
use sync_world::*;

fn opinion(who: &str, nomination: &str, department: &str) -> Action {
    Action::Opinion {
        nomination: nomination.into(),
        opinion: Opinion {
            department: department.into(),
            stance: Stance::Approve,
            reason: String::new(),
            recorded_by: who.into(),
            date: "2017-09-14".parse().expect("date"),
        },
    }
}

fn act(c: &Clone, action: &Action) {
    let when = c.now();
    c.act(&retime(action, &when), &when);
}

fn fsck_clean(w: &World, c: &Clone) {
    let out = w.git(&c.dir, &["fsck", "--full", "--no-progress"]);
    for line in out.lines() {
        assert!(line.starts_with("dangling "), "git fsck: {out}");
    }
}

#[test]
fn a_sync_sigkilled_between_branch_move_and_work_tree_is_repaired_on_the_next_start() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    act(&a, &opinion("liuyang", NOMINATIONS[0].0, "jijian"));
    act(&a, &opinion("liuyang", NOMINATIONS[1].0, "xinfang"));
    a.sync().expect("a pushes");
    // b has an action of its own: the sync replays it onto a's.
    act(&b, &opinion("heping", NOMINATIONS[2].0, "zongzhiban"));
    let before = b.head();
    let journal = b.dir.join(".git").join("pingxuan-sync");

    let mut child =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&b.dir)
            .args(["--lang", "en", "--at", &b.now(), "sync", "-q"])
            .env(PAUSE_AFTER_MOVE, "120000")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pingxuan sync");
    let start = Instant::now();
    while !(journal.exists() && b.head() != before) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the sync ended before the pause: {status}");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never moved");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL, exactly between the branch move and the work-tree update.
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    let moved = b.head();
    assert_ne!(moved, before, "the branch moved");
    assert!(journal.exists(), "the journal is left behind");
    assert_ne!(
        w.git(&b.dir, &["status", "--porcelain"]).trim(),
        "",
        "the work tree and index are still the old ones"
    );
    fsck_clean(&w, &b);

    // The next start repairs the work tree, then pushes the replayed action.
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&b.dir)
            .args(["--lang", "en", "--at", &b.now(), "sync", "-q"])
            .stdin(Stdio::null())
            .output()
            .expect("run pingxuan sync");
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(!journal.exists(), "the journal is used up");
    assert_eq!(w.git(&b.dir, &["status", "--porcelain"]).trim(), "");
    assert_eq!(b.head(), moved, "nothing replayed twice");
    assert_eq!(
        w.git(&w.origin, &["rev-parse", "refs/heads/main"]).trim(),
        moved,
        "pushed"
    );
    let merges = w.git(&w.origin, &["rev-list", "--merges", "refs/heads/main"]);
    assert_eq!(merges.trim(), "", "ONE-CHAIN");
    for h in w.git(&w.origin, &["rev-list", "refs/heads/main"]).lines() {
        w.git(&b.dir, &["verify-commit", h]);
    }
    fsck_clean(&w, &b);
}
