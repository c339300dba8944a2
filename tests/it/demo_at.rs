//! `demo` builds the scripted history only up to the moment it opens on
//! (`--at`, default the review day) and acts as a reviewer, or as `--as`
//! (issue 15, "The demo teaches"). TIME-FORWARD: nothing in the demo is dated
//! after the moment it opens on, so the user's first action there is never
//! before its parent.

use crate::common;

use chrono::DateTime;
use common::{output_text, Sandbox};
use pingxuan::model::ScriptStep;

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");

fn script() -> Vec<ScriptStep> {
    pingxuan::demo::sample().expect("sample").history
}

fn config(sb: &Sandbox, dir: &std::path::Path, key: &str) -> String {
    sb.git_ok(dir, &["config", "--local", key])
        .trim()
        .to_string()
}

/// TIME-FORWARD: the default demo stops at the review day, as the first reviewer.
#[test]
fn default_demo_stops_on_the_review_day_as_a_reviewer_time_forward() {
    // `pingxuan --lang en demo DIR --no-tui`, run once per test run and
    // copied (tests/common/demo.rs); its output is that run's.
    let common::demo::Demo {
        sb,
        dir,
        stdout: text,
        built,
    } = common::demo::copy(None);
    let until = DateTime::parse_from_rfc3339(pingxuan::demo::REVIEW_DAY).expect("time");
    let steps = script();
    let played = steps.iter().filter(|s| s.at <= until).count();
    assert!(played < steps.len(), "the review day is inside the script");
    // One commit per played step and the setup; none after the moment.
    let count = sb.git_ok(&dir, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count.trim(), (played + 1).to_string());
    let last: i64 = sb
        .git_ok(&dir, &["log", "-1", "--format=%ct"])
        .trim()
        .parse()
        .expect("time");
    assert!(last <= until.timestamp(), "last commit at {last}");
    // As the first reviewer, 王建國, and said so.
    assert_eq!(
        config(&sb, &dir, "user.email"),
        "wangjianguo@xcb.tengzhou.example"
    );
    assert!(config(&sb, &dir, "user.signingkey").ends_with("wangjianguo"));
    assert!(
        text.contains("reviewer") && text.contains("wangjianguo"),
        "{text}"
    );
    assert!(text.contains("--as MEMBER_ID"), "{text}");
    assert!(
        text.contains(&format!("{} steps still to come", steps.len() - played)),
        "{text}"
    );
    // Exports go beside the repository, outside its work tree (the run that
    // built the copy printed its own path).
    let exports = format!("{}.exports", built.display());
    assert!(sb.path().join("demo.exports").is_dir() && text.contains(&exports));
    // That reviewer's work is still to do: the stars are not all scored by them.
    let list = sb
        .cmd(BIN)
        .arg("--repo")
        .arg(&dir)
        .args(["--at", pingxuan::demo::REVIEW_DAY, "list", "--json"])
        .output()
        .expect("list");
    assert!(list.status.success(), "{}", output_text(&list));
    let later_scores = steps
        .iter()
        .filter(|s| s.at > until && s.actor == "wangjianguo")
        .count();
    assert!(later_scores > 0, "wangjianguo acts after the review day");
    // Signed by their members, verified by git.
    sb.git_ok(&dir, &["verify-commit", "HEAD"]);
}

#[test]
fn demo_as_another_member_and_at_another_moment() {
    let sb = Sandbox::new();
    let dir = sb.path().join("chair");
    let at = "2017-06-21T12:00:00+08:00";
    let out = sb
        .cmd(BIN)
        .args(["--lang", "en", "--at", at, "demo"])
        .arg(&dir)
        .args(["--no-tui", "--as", "liguohua"])
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", output_text(&out));
    let until = DateTime::parse_from_rfc3339(at).expect("time");
    let played = script().iter().filter(|s| s.at <= until).count();
    let count = sb.git_ok(&dir, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count.trim(), (played + 1).to_string());
    assert_eq!(
        config(&sb, &dir, "user.email"),
        "liguohua@wmb.tengzhou.example"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("chair") && text.contains("liguohua"),
        "{text}"
    );
    sb.git_ok(&dir, &["verify-commit", "HEAD"]);
}

#[test]
fn unknown_member_or_a_moment_before_the_campaign_is_refused_before_building() {
    let sb = Sandbox::new();
    let dir = sb.path().join("nobody");
    let out = sb
        .cmd(BIN)
        .args(["--lang", "en", "demo"])
        .arg(&dir)
        .args(["--no-tui", "--as", "nobody"])
        .output()
        .expect("demo");
    assert!(!out.status.success());
    let err = output_text(&out);
    assert!(
        err.contains("nobody") && err.contains("wangjianguo") && err.contains("liguohua"),
        "{err}"
    );
    assert!(!sb.path().join("nobody.keys").exists(), "nothing built");
    let out = sb
        .cmd(BIN)
        .args(["--lang", "en", "--at", "2017-01-01T00:00:00+08:00", "demo"])
        .arg(sb.path().join("early"))
        .arg("--no-tui")
        .output()
        .expect("demo");
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("before the campaign"),
        "{}",
        output_text(&out)
    );
    assert!(!sb.path().join("early.keys").exists(), "nothing built");
}
