//! `pingxuan doctor` on a good set-up (a member's clone of a bare server
//! repository with the hook installed) and on broken ones, each of which must
//! be named with what to do and make doctor exit non-zero: no identity, a key
//! nobody registered, another member's key, a key in ssh-agent with no agent
//! (ssh without -A), an unreachable remote, a server without the hook, a clock
//! behind the last commit, no repository. On the server's own repository it
//! checks the hook and pinned genesis there.

use crate::{common, office, sync_world};

use std::path::Path;

use serde_json::Value;
use sync_world::*;

/// Runs `pingxuan --lang en doctor --json` in `dir`: exit success and the checks by name.
fn doctor(w: &World, dir: &Path) -> (bool, Vec<Value>) {
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(dir)
            .args(["--lang", "en", "doctor", "--json", "--timeout", "60"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run doctor");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let checks: Vec<Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {}", common::output_text(&out)));
    (out.status.success(), checks)
}

fn check<'a>(checks: &'a [Value], name: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {checks:#?}"))
}

fn level(checks: &[Value], name: &str) -> String {
    check(checks, name)["level"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// A failing check whose finding says `found` and whose fix says `fix`.
fn assert_fails(ok: bool, checks: &[Value], name: &str, found: &str, fix: &str) {
    assert!(!ok, "doctor exits non-zero when {name} fails: {checks:#?}");
    let c = check(checks, name);
    assert_eq!(c["level"], "fail", "{c:#}");
    assert!(c["found"].as_str().unwrap_or("").contains(found), "{c:#}");
    assert!(c["fix"].as_str().unwrap_or("").contains(fix), "{c:#}");
}

#[test]
fn doctor_passes_a_good_set_up_and_names_each_broken_one_with_its_fix() {
    let w = World::new();
    let origin = w.origin.to_str().expect("utf-8").to_string();
    let (ok, text) = office::pingxuan(&w.sb, None, &["hook", "install", &origin]);
    assert!(ok, "{text}");
    let c = w.clone_as(&origin, "wangjianguo", "reviewer");

    // Good: every check passes (gpg may be there or not).
    let (ok, checks) = doctor(&w, &c.dir);
    assert!(ok, "{checks:#?}");
    for name in [
        "git",
        "ssh-keygen",
        "repository",
        "identity",
        "signing-key",
        "remote",
        "server-hook",
        "clock",
    ] {
        assert_eq!(level(&checks, name), "ok", "{name}: {checks:#?}");
    }
    let key = check(&checks, "signing-key")["found"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        key.contains("registered to wangjianguo, valid today"),
        "{key}"
    );
    assert!(check(&checks, "remote")["found"]
        .as_str()
        .unwrap_or("")
        .contains("reachable"));
    // The text form says the same, one line a check, and that work can go on.
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&c.dir)
            .args(["--lang", "en", "doctor"])
            .output()
            .expect("doctor");
    let text = common::output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("✓ signing-key") && text.contains("ready to work"),
        "{text}"
    );
    eprintln!("doctor:\n{text}");

    let set = |k: &str, v: &str| {
        w.sb.git_ok(&c.dir, &["config", k, v]);
    };
    let private = c.dir.join(".git").join("config");
    let saved = std::fs::read_to_string(&private).expect("config");
    let restore = || std::fs::write(&private, &saved).expect("restore config");

    // No identity.
    w.sb.git_ok(&c.dir, &["config", "--unset", "user.email"]);
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(
        ok,
        &checks,
        "identity",
        "user.email is not set",
        "git config user.email",
    );
    restore();

    // A key nobody registered.
    let stranger = w.sb.ssh_keygen("stranger", "stranger@test");
    set("user.signingkey", stranger.private.to_str().expect("utf-8"));
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(
        ok,
        &checks,
        "signing-key",
        "no member registered this key",
        "pingxuan key add wangjianguo",
    );
    restore();

    // Another member's key.
    set(
        "user.signingkey",
        w.keys["liuyang"].private.to_str().expect("utf-8"),
    );
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(
        ok,
        &checks,
        "signing-key",
        "registered to liuyang, not wangjianguo",
        "key add",
    );
    restore();

    // A key in ssh-agent, and no agent in this session (logged in without -A).
    set(
        "user.signingkey",
        &format!("key::{}", w.keys["wangjianguo"].line),
    );
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(ok, &checks, "signing-key", "ssh -A", "ssh -A");
    restore();

    // The remote does not answer.
    set("remote.origin.url", "/nonexistent/campaign.git");
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(ok, &checks, "remote", "unreachable", "git ls-remote");
    restore();

    // The server has no hook.
    let hook = w.origin.join("hooks").join("pre-receive");
    let script = std::fs::read(&hook).expect("hook");
    std::fs::remove_file(&hook).expect("remove hook");
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(
        ok,
        &checks,
        "server-hook",
        "no pre-receive hook",
        "pingxuan hook install",
    );
    std::fs::write(&hook, &script).expect("hook back");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let (ok, checks) = doctor(&w, &c.dir);
    assert!(ok, "back to good: {checks:#?}");

    // The last commit is ahead of this machine's clock.
    let out =
        w.sb.cmd("git")
            .current_dir(&c.dir)
            .env("GIT_COMMITTER_DATE", "2099-01-01T00:00:00+00:00")
            .args([
                "commit",
                "--allow-empty",
                "--no-gpg-sign",
                "-q",
                "-m",
                "from the future",
            ])
            .output()
            .expect("git commit");
    assert!(out.status.success(), "{}", common::output_text(&out));
    let (ok, checks) = doctor(&w, &c.dir);
    assert_fails(
        ok,
        &checks,
        "clock",
        "behind the last commit",
        "timedatectl",
    );
    w.sb.git_ok(&c.dir, &["reset", "--quiet", "--hard", "HEAD~1"]);

    // No repository at all.
    let (ok, checks) = doctor(&w, &w.sb.path().join("nothing-here"));
    assert_fails(
        ok,
        &checks,
        "repository",
        "not a git repository",
        "git clone",
    );
}

#[test]
fn doctor_on_the_server_repository_checks_its_hook_and_genesis() {
    let w = World::new();
    let origin = w.origin.to_str().expect("utf-8").to_string();
    let (ok, checks) = doctor(&w, &w.origin);
    assert_fails(
        ok,
        &checks,
        "server-hook",
        "no pre-receive hook",
        "pingxuan hook install",
    );
    assert_eq!(
        level(&checks, "identity"),
        "info",
        "a server needs no identity"
    );
    let (ok, text) = office::pingxuan(&w.sb, None, &["hook", "install", &origin]);
    assert!(ok, "{text}");
    let (ok, checks) = doctor(&w, &w.origin);
    assert!(ok, "{checks:#?}");
    let hook = check(&checks, "server-hook")["found"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let root = w.git(&w.origin, &["rev-list", "--max-parents=0", "main"]);
    assert!(hook.contains(&root.trim()[..12]), "{hook}");
}
