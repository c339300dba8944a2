//! Settling what sync could not do, in the TUI (issue 15): two clerks act
//! offline on the same nomination file; the second to sync has that action
//! set aside. In the real binary in tmux, that clerk opens the set-aside
//! actions (Z), reads the reason, compares their action with the current
//! record side by side (what differs marked), retries it (refused again, it
//! stays), then drops it after confirming; git and `pingxuan set-aside list`
//! agree that it is gone, and HEAD did not move. Needs tmux (CI installs it).

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::output_text;
use crate::sync_world::{retime, Clone, World};
use crate::tmux::Tmux;
use pingxuan::model::{Action, Activity};
use pingxuan::store::layout;
use pingxuan::sync::aside;

const W1: &str = "2017-window-001";

fn activity(who: &str, summary: &str) -> Action {
    Action::Activity {
        nomination: W1.into(),
        activity: Activity {
            date: "2017-09-14".parse().expect("date"),
            summary: format!("{who} {summary}"),
        },
    }
}

/// Acts at the shared clock's next time.
fn act(c: &Clone, action: &Action) {
    let when = c.now();
    c.act(&retime(action, &when), &when);
}

#[test]
fn a_set_aside_action_is_read_compared_retried_and_dropped_in_the_tui() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    act(&a, &activity("liuyang", "文明服務月"));
    a.sync().expect("a pushes");
    act(&b, &activity("heping", "志愿服務日"));
    let r = b.sync().expect("b syncs");
    assert_eq!(r.set_aside.len(), 1, "{r:?}");
    let id = r.set_aside[0].id.clone();
    let before = b.head();

    let tmux = Tmux {
        sb: &w.sb,
        sock: w.sb.path().join("tmux.sock"),
    };
    let command = format!(
        "{} --lang en --repo {} --at {}",
        env!("CARGO_BIN_EXE_pingxuan"),
        b.dir.display(),
        b.now()
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "px",
        "-x",
        "110",
        "-y",
        "32",
        &command,
    ]);
    assert!(started.status.success(), "{}", output_text(&started));
    tmux.wait_for("何平 clerk │");

    // The list, with the reason.
    tmux.keys(&["Z"]);
    let list = tmux.wait_for("the same file changed upstream");
    assert!(list.contains(&id), "{list}");
    assert!(list.contains("heping · activity"), "{list}");
    // Side by side: their activity beside the one upstream, marked.
    tmux.keys(&["Enter"]);
    let side = tmux.wait_for("their action");
    assert!(side.contains("current record (HEAD)"), "{side}");
    assert!(
        side.contains(&layout::nomination_path(W1).expect("path")),
        "{side}"
    );
    let mut seen = side.clone();
    for _ in 0..40 {
        if seen.contains("志愿服務日") && seen.contains("文明服務月") {
            break;
        }
        tmux.keys(&["Down"]);
        seen = tmux.screen();
    }
    assert!(
        seen.contains("志愿服務日") && seen.contains("文明服務月"),
        "both sides shown: {seen}"
    );
    assert!(seen.contains('≠'), "what differs is marked: {seen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Set-aside actions (1)");

    // Retried: refused again, it stays.
    tmux.keys(&["r"]);
    tmux.wait_for("still refused");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Set-aside actions (1)");
    assert_eq!(aside::list(&b.store()).expect("list").len(), 1);

    // Dropped, after the question.
    tmux.keys(&["d"]);
    tmux.wait_for("drop this action for good?");
    tmux.keys(&["n"]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        aside::list(&b.store()).expect("list").len(),
        1,
        "n keeps it"
    );
    tmux.keys(&["d"]);
    tmux.wait_for("drop this action for good?");
    tmux.keys(&["y"]);
    tmux.wait_for("no set-aside actions");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(start.elapsed() < Duration::from_secs(10), "the TUI quits");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(aside::list(&b.store()).expect("list").is_empty());
    assert_eq!(b.head(), before, "settling moved nothing");
    let out =
        w.sb.cmd(env!("CARGO_BIN_EXE_pingxuan"))
            .arg("--repo")
            .arg(&b.dir)
            .args(["--lang", "en", "set-aside", "list"])
            .stdin(Stdio::null())
            .output()
            .expect("run pingxuan");
    assert!(
        output_text(&out).contains("no set-aside actions"),
        "{}",
        output_text(&out)
    );
}
