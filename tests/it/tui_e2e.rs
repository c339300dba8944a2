//! End to end: the real binary in a pseudo-terminal (tmux). A reviewer opens the
//! demo repository, finds a nomination by pinyin initials, re-scores it through
//! the form, sees the commit on the record's history tab (good signature, the
//! mark's diff), blames the mark back to it, exports the application form to a
//! typed path, opens the audit screen (no violation) and quits; git then shows
//! exactly one new commit, with the right file content, that `git verify-commit`
//! accepts. Needs tmux (CI installs it).

use crate::common;
use crate::tmux::Tmux;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Sandbox;
use pingxuan::model::{Mark, Member, Score};

fn git(sb: &Sandbox, dir: &Path, args: &[&str]) -> String {
    sb.git_ok(dir, args).trim().to_string()
}

#[test]
fn a_reviewer_finds_by_initials_scores_in_the_form_and_one_signed_commit_lands() {
    // `pingxuan --lang en demo DIR --no-tui`, built once per test run (tests/common/demo.rs).
    let common::demo::Demo { sb, dir, .. } = common::demo::copy(None);

    // Act as a reviewer: their email and key in the demo repository's config.
    let members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).unwrap();
    let me = members.iter().find(|m| m.id == "wangjianguo").unwrap();
    let keys = PathBuf::from(format!("{}.keys", dir.display()));
    git(&sb, &dir, &["config", "user.email", &me.email]);
    git(&sb, &dir, &["config", "user.name", &me.name]);
    let key = keys.join(&me.id);
    git(
        &sb,
        &dir,
        &["config", "user.signingkey", key.to_str().unwrap()],
    );
    // The reviewer acts on 20 November, so the history is taken back to that
    // day: a write never goes back before the branch's head (TIME-FORWARD).
    let then = git(
        &sb,
        &dir,
        &[
            "rev-list",
            "-1",
            "--before=2017-11-20T10:00:00+08:00",
            "HEAD",
        ],
    );
    git(&sb, &dir, &["reset", "-q", "--hard", &then]);
    let before = git(&sb, &dir, &["rev-parse", "HEAD"]);

    let tmux = Tmux {
        sb: &sb,
        sock: sb.path().join("tmux.sock"),
    };
    let command = format!(
        "{} --lang en --repo {} --at 2017-11-20T10:00:00+08:00",
        env!("CARGO_BIN_EXE_pingxuan"),
        dir.display()
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
    tmux.wait_for("nominee");
    tmux.wait_for("wangjianguo");

    // Find 政務服務中心 by its initials.
    tmux.keys(&["/"]);
    tmux.literal("zwfwzx");
    tmux.wait_for("/zwfwzx");
    tmux.keys(&["Enter"]);
    // Score it: the form opens with my row; replace the first criterion.
    tmux.keys(&["s"]);
    let form = tmux.wait_for("commit:");
    assert!(form.contains("signer:"), "{form}");
    for _ in 0..6 {
        tmux.keys(&["BSpace"]);
    }
    tmux.literal("9");
    tmux.wait_for("[9 ");
    tmux.keys(&["C-s"]);
    tmux.wait_for("committed:");
    let head = git(&sb, &dir, &["rev-parse", "HEAD"]);
    let short = &head[..7];

    // Its history tab: the new commit on top, signature good, the mark's diff.
    tmux.keys(&["Enter"]);
    tmux.wait_for("Overview");
    tmux.keys(&["Left"]);
    let history = tmux.wait_for(&format!("✓ {short}"));
    assert!(history.contains("→ 9 by"), "{history}");
    // Blame the first criterion of the first reviewer's row (mine).
    tmux.keys(&["Right"]);
    tmux.keys(&["Right"]);
    tmux.wait_for("max");
    tmux.keys(&["]"]);
    tmux.keys(&["b"]);
    let blamed = tmux.wait_for("blame scores.wangjianguo.marks.");
    assert!(blamed.contains(&format!("← {short}")), "{blamed}");
    // Export its application form to a typed path.
    let form = sb.path().join("form.md");
    tmux.keys(&["x"]);
    tmux.wait_for("application form");
    tmux.keys(&["Tab"]);
    tmux.keys(&["Space"]);
    tmux.keys(&["Tab"]);
    for _ in 0..40 {
        tmux.keys(&["BSpace"]);
    }
    tmux.literal(form.to_str().unwrap());
    tmux.keys(&["Enter"]);
    let done = tmux.wait_for("source commit");
    assert!(done.contains(&head[..12]), "{done}");
    let text = std::fs::read_to_string(&form).unwrap();
    assert!(text.contains(&head), "the form names its commit");
    tmux.keys(&["Escape"]);
    tmux.keys(&["Escape"]);
    // The audit screen: every commit verified, the demo and my score clean.
    tmux.keys(&["A"]);
    let audit = tmux.wait_long("violations", 180);
    assert!(audit.contains(" 0 violations"), "{audit}");
    assert!(audit.contains(&format!("✓ {short}")), "{audit}");
    tmux.keys(&["q"]);
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Exactly one new commit, on top of the old head.
    let count = git(
        &sb,
        &dir,
        &["rev-list", "--count", &format!("{before}..HEAD")],
    );
    assert_eq!(count, "1");
    assert_eq!(git(&sb, &dir, &["rev-parse", "HEAD~1"]), before);
    let message = git(&sb, &dir, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Pingxuan-Action: score"), "{message}");
    assert!(message.contains("Pingxuan-Actor: wangjianguo"), "{message}");
    let record = message
        .lines()
        .find_map(|l| l.strip_prefix("Pingxuan-Record: "))
        .unwrap()
        .trim()
        .to_string();
    // It is the nomination found by the initials.
    let path = pingxuan::store::layout::nomination_path(&record).unwrap();
    let nomination = git(&sb, &dir, &["show", &format!("HEAD:{path}")]);
    assert!(
        nomination.contains("\u{653f}\u{52d9}") && nomination.contains("\u{670d}\u{52d9}"),
        "{nomination}"
    );
    // One file changed: my score sheet, first criterion 9, the rest as before.
    let score_path = pingxuan::store::layout::score_path(&record, &me.id).unwrap();
    let changed = git(&sb, &dir, &["show", "--format=", "--name-only", "HEAD"]);
    assert_eq!(changed, score_path);
    let new: Score =
        ron::from_str(&git(&sb, &dir, &["show", &format!("HEAD:{score_path}")])).unwrap();
    assert_eq!(new.reviewer, me.id);
    let first = new.marks.keys().next().unwrap().clone();
    assert_eq!(new.marks[&first], Mark::Points(9.0));
    if let Ok(old) =
        ron::from_str::<Score>(&git(&sb, &dir, &["show", &format!("HEAD~1:{score_path}")]))
    {
        for (c, m) in &old.marks {
            if *c != first {
                assert_eq!(new.marks.get(c), Some(m), "{c} kept");
            }
        }
    }
    // Real git accepts the signature, made with the reviewer's key.
    let v = sb.git(&dir, &["verify-commit", "HEAD"]);
    assert!(v.status.success(), "{}", common::output_text(&v));
    let signer = git(&sb, &dir, &["log", "-1", "--format=%G? %GS %ae"]);
    assert_eq!(signer, format!("G {} {}", me.email, me.email));
    // The record's history (the detail view's history tab) starts with it.
    let store = pingxuan::store::Store::open(&dir).unwrap();
    let log = pingxuan::history::record_log(&store, &record).unwrap();
    assert_eq!(log[0].commit, git(&sb, &dir, &["rev-parse", "HEAD"]));
    assert!(log[0].signature.is_good(), "{:?}", log[0].signature);
    assert!(
        log[0].changes.iter().any(|c| c.field.ends_with(&first)),
        "{:?}",
        log[0].changes
    );
    assert_eq!(log[0].actor.as_deref(), Some("wangjianguo"));
    assert_eq!(log.last().unwrap().action.as_deref(), Some("nominate"));
    // The work tree matches the commit.
    assert_eq!(git(&sb, &dir, &["status", "--porcelain"]), "");
}
