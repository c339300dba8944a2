//! Always current (issue 15): a TUI left open on a FRESH campaign (made with
//! `pingxuan init`) shows a commit made by another process, the `pingxuan`
//! CLI in the same repository, without a key being pressed, and keeps the
//! open screen; the refresh key (^R) says when nothing moved. The real binary
//! in tmux (CI installs it).

use std::time::{Duration, Instant};

use crate::common;
use crate::init_world::{window, World, BIN};
use crate::tmux::Tmux;

#[test]
fn a_commit_by_another_process_appears_in_the_open_tui_without_a_key() {
    let w = World::new();
    let out = w.nominate(
        "office",
        "2017-06-20T10:00:00+08:00",
        &window("w-a", "gongdian-yingye-ting"),
    );
    assert!(out.status.success(), "{}", common::output_text(&out));
    // The TUI as the office clerk (the identity the world set last).
    w.identity("office");
    let tmux = Tmux {
        sb: &w.sb,
        sock: w.sb.path().join("tmux.sock"),
    };
    let command = format!(
        "{BIN} --lang en --repo {} --at 2017-06-21T09:00:00+08:00",
        w.dir.display()
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "px",
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
    assert!(
        started.status.success(),
        "{}",
        common::output_text(&started)
    );
    tmux.wait_long("窗口 w-a", 30);
    // Open the record: the detail screen must stay open through the reload.
    tmux.keys(&["Enter"]);
    tmux.wait_long("Overview", 10);
    assert!(!tmux.screen().contains("窗口 w-b"));

    // Another process commits: the CLI registers a second nomination.
    let out = w.nominate(
        "office",
        "2017-06-21T10:00:00+08:00",
        &window("w-b", "gongjijin-fuwu-dating"),
    );
    assert!(out.status.success(), "{}", common::output_text(&out));
    let head = w.head();
    let moved = Instant::now();
    // No key pressed: the footer says the branch moved, at the new commit,
    // and the detail screen of w-a is still the one open.
    let screen = tmux.wait_long(&format!("the branch moved, reloaded: {}", &head[..7]), 10);
    let took = moved.elapsed();
    eprintln!("the open TUI showed the new commit {took:?} after it was made");
    assert!(
        screen.contains("Overview") && screen.contains("w-a"),
        "{screen}"
    );
    // Polled every 500 ms: well within a second or two on a loaded machine.
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // Back on the list, the new nomination is there.
    tmux.keys(&["Escape"]);
    tmux.wait_long("窗口 w-b", 5);
    // The refresh key when nothing moved.
    tmux.keys(&["C-r"]);
    tmux.wait_long(&format!("up to date: {}", &head[..7]), 5);
    // A `git reset` in another shell moves the branch back: shown too.
    let first =
        w.sb.git_ok(&w.dir, &["rev-parse", "HEAD~1"])
            .trim()
            .to_string();
    w.sb.git_ok(&w.dir, &["reset", "-q", "--hard", &first]);
    tmux.wait_long(&format!("reloaded: {}", &first[..7]), 10);
    let list = tmux.screen();
    assert!(!list.contains("窗口 w-b"), "{list}");
    tmux.keys(&["q"]);
}

/// The header's signing status is true (issue 15): a ✓ only for a key that
/// can sign. A key file that does not exist is reported with its path; the
/// member's real key passes. Checked through `act::Identity` as the TUI's
/// watcher does, on a fresh campaign.
#[test]
fn the_signing_status_names_a_missing_key_file() {
    let w = World::new();
    let session =
        |_: ()| pingxuan::act::Session::new(Some(w.dir.clone()), pingxuan::i18n::Lang::En, None);
    // The repository's own config wins over the sandbox's global one.
    let real = w.keys["office"].private.to_str().unwrap().to_string();
    w.sb.git_ok(&w.dir, &["config", "gpg.format", "ssh"]);
    w.sb.git_ok(&w.dir, &["config", "user.signingkey", &real]);
    assert_eq!(pingxuan::tui::watch::signing_problem(&session(())), None);
    let missing = w.sb.path().join("nonexistent.pub");
    w.sb.git_ok(
        &w.dir,
        &["config", "user.signingkey", missing.to_str().unwrap()],
    );
    let problem = pingxuan::tui::watch::signing_problem(&session(()));
    let problem = problem.expect("a missing key file is a problem");
    assert!(problem.contains("nonexistent.pub"), "{problem}");
}
