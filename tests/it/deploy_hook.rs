//! `pingxuan hook install` on a plain bare repository: the hook script it
//! writes, the genesis it pins in the repository's config (`pingxuan.genesis`,
//! the contract with `hook pre-receive`), what it refuses (someone else's hook,
//! a genesis that is not the branch's root, an abbreviated id git cannot
//! resolve) with nothing changed, and a push through it: a member's honest
//! action passes, an out-of-role commit made with plain git is refused with
//! the hook's message in the member's `git push` output (OPEN, EVERY-CHANGE).

use crate::{common, office, sync_world};

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use office::{pingxuan, plain_commit};
use pingxuan::deploy::hook_install::MARKER;
use sync_world::*;

fn config_get(w: &World, repo: &Path, key: &str) -> Option<String> {
    let out = w.sb.git(repo, &["config", "--get", key]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn hook_install_pins_the_root_and_a_push_through_it_is_audited() {
    let w = World::new();
    let origin = w.origin.to_str().expect("utf-8").to_string();
    let root = w.git(&w.origin, &["rev-list", "--max-parents=0", "main"]);
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", &origin]);
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!("genesis pinned: {}", root.trim())),
        "{text}"
    );
    let hook = w.origin.join("hooks").join("pre-receive");
    let script = std::fs::read_to_string(&hook).expect("hook written");
    assert!(
        script.starts_with("#!/bin/sh\n") && script.contains(MARKER),
        "{script}"
    );
    assert!(script.contains("hook pre-receive"), "{script}");
    let mode = std::fs::metadata(&hook).expect("hook").permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "executable");
    assert_eq!(
        config_get(&w, &w.origin, "pingxuan.genesis").as_deref(),
        Some(root.trim()),
        "the genesis is pinned where the hook reads it"
    );
    // Again: the hook is ours and replaced, the pin kept.
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", &origin]);
    assert!(ok, "{text}");
    assert!(text.contains("already pinned"), "{text}");

    // A clerk's honest action passes the hook.
    let clerk = w.clone_as(&origin, "liuyang", "clerk");
    let (ok, text) = pingxuan(
        &w.sb,
        Some(&clerk.dir),
        &[
            "--at",
            "2017-09-10T10:00:00+08:00",
            "opinion",
            "2017-window-002",
            "--department",
            "xinfang",
            "--stance",
            "approve",
        ],
    );
    assert!(ok, "{text}");
    let out = push_on_the_campaign_day(&w, &clerk.dir, "2017-09-10T12:00:00+08:00");
    let text = common::output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("pingxuan: 1 new commits pass the audit"),
        "{text}"
    );
    let before = w.git(&w.origin, &["rev-parse", "main"]);

    // A clerk writing a reviewer's score sheet with plain git is refused.
    let path = pingxuan::store::layout::score_path("2017-window-002", "wangjianguo").expect("path");
    let score = pingxuan::model::Score {
        reviewer: "wangjianguo".into(),
        marks: (1..=10)
            .map(|i| (format!("W{i}"), pingxuan::model::Mark::Points(5.0)))
            .collect(),
        comment: String::new(),
        time: at("2017-09-13T10:00:00+08:00"),
    };
    let m = w.member("liuyang").clone();
    plain_commit(
        &w.sb,
        &clerk.dir,
        &path,
        &pingxuan::store::codec::to_ron(&score).expect("ron"),
        (&m.name, &m.email),
        "2017-09-13T10:00:00+08:00",
    );
    let out = push_on_the_campaign_day(&w, &clerk.dir, "2017-09-13T12:00:00+08:00");
    let text = common::output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("remote: pingxuan: push rejected"), "{text}");
    assert!(text.contains("pre-receive hook declined"), "{text}");
    assert!(text.contains("liuyang ROLES [outside-role]"), "{text}");
    assert_eq!(w.git(&w.origin, &["rev-parse", "main"]), before);
    eprintln!("refused push:\n{text}");
}

#[test]
fn hook_install_refuses_what_it_must_and_then_changes_nothing() {
    let w = World::new();
    let origin = w.origin.to_str().expect("utf-8").to_string();
    let hooks = w.origin.join("hooks");
    std::fs::create_dir_all(&hooks).expect("hooks");
    let hook = hooks.join("pre-receive");

    // Someone else's hook stays unless --force.
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").expect("foreign hook");
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", &origin]);
    assert!(!ok, "{text}");
    assert!(text.contains("--force"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&hook).expect("hook"),
        "#!/bin/sh\nexit 0\n"
    );
    assert_eq!(config_get(&w, &w.origin, "pingxuan.genesis"), None);

    // A genesis that is not a root, or not this branch's root, or unresolvable.
    let head = w.git(&w.origin, &["rev-parse", "main"]);
    let other = "0123456789abcdef0123456789abcdef01234567";
    for (genesis, says) in [
        (head.trim(), "has a parent"),
        (other, "start at"),
        ("abc123", "full 40-character id"),
    ] {
        let (ok, text) = pingxuan(
            &w.sb,
            None,
            &["hook", "install", &origin, "--force", "--genesis", genesis],
        );
        assert!(!ok, "--genesis {genesis}: {text}");
        assert!(text.contains(says), "--genesis {genesis}: {text}");
        assert_eq!(config_get(&w, &w.origin, "pingxuan.genesis"), None);
        assert!(!std::fs::read_to_string(&hook)
            .expect("hook")
            .contains(MARKER));
    }

    // --force replaces the foreign hook; the root is pinned.
    let root = w.git(&w.origin, &["rev-list", "--max-parents=0", "main"]);
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", &origin, "--force"]);
    assert!(ok, "{text}");
    assert!(std::fs::read_to_string(&hook)
        .expect("hook")
        .contains(MARKER));
    assert_eq!(
        config_get(&w, &w.origin, "pingxuan.genesis").as_deref(),
        Some(root.trim())
    );
    // A pinned genesis is not changed silently.
    let (ok, text) = pingxuan(
        &w.sb,
        None,
        &["hook", "install", &origin, "--genesis", other],
    );
    assert!(!ok, "{text}");

    // An empty server repository: a full id is pinned before the first push;
    // without one, nothing is pinned and the installer says what to do.
    let empty = w.sb.path().join("srv").join("empty.git");
    pingxuan::store::Store::init(&empty, true).expect("init");
    let e = empty.to_str().expect("utf-8");
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", e]);
    assert!(ok, "{text}");
    assert!(text.contains("no genesis is pinned yet"), "{text}");
    assert_eq!(config_get(&w, &empty, "pingxuan.genesis"), None);
    let (ok, text) = pingxuan(
        &w.sb,
        None,
        &["hook", "install", e, "--genesis", root.trim()],
    );
    assert!(ok, "{text}");
    assert_eq!(
        config_get(&w, &empty, "pingxuan.genesis").as_deref(),
        Some(root.trim())
    );

    // --print writes nothing and prints the script for a forge's server hooks.
    let (ok, text) = pingxuan(
        &w.sb,
        None,
        &[
            "hook",
            "install",
            "--print",
            "--program",
            "/usr/local/bin/pingxuan",
        ],
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("exec '/usr/local/bin/pingxuan' --lang en hook pre-receive"),
        "{text}"
    );
    assert!(!Path::new("/nonexistent/x.git").exists());

    // Not a repository.
    let (ok, text) = pingxuan(&w.sb, None, &["hook", "install", "/nonexistent/x.git"]);
    assert!(!ok, "{text}");
    assert!(text.contains("not a git repository"), "{text}");
}

/// `git push origin main` with the server's clock on the scripted campaign day:
/// the hook holds committer times to its clock (TIME-FORWARD) and honours
/// `PINGXUAN_NOW`, which a local push hands to it.
fn push_on_the_campaign_day(w: &World, dir: &std::path::Path, now: &str) -> std::process::Output {
    w.sb.cmd("git")
        .arg("-C")
        .arg(dir)
        .args(["push", "origin", "main"])
        .env("PINGXUAN_NOW", now)
        .output()
        .expect("git push")
}
