//! FREEZE on FRESH campaigns made with `pingxuan init` (the sample campaign,
//! its units, and a members.ron of our own with real ssh keys), driven through
//! the real binary: once the chair has decided a nomination, its scores,
//! evaluations and votes are frozen. The command line refuses before writing; a
//! commit made with plain `git commit -S` is flagged by `pingxuan audit` (exit 1,
//! rule FREEZE). Department opinions still arrive. The chair reopens with a
//! recorded reason (`pingxuan reopen`), which lasts until the next decision. A
//! reviewer withdraws their own score (`pingxuan withdraw`), the one deletion an
//! action makes; deleting another member's score stays a violation (EVERY-CHANGE).

use crate::{common, fixture, init_world};

use common::output_text;
use init_world::*;
use pingxuan::model::*;
use pingxuan::store::layout;

impl World {
    /// A commit made with plain git by `who`, dated `at`, removing `path`.
    fn git_delete(&self, who: &str, at: &str, path: &str) -> String {
        self.identity(who);
        self.sb.git_ok(&self.dir, &["rm", "-q", path]);
        let out = self
            .sb
            .cmd("git")
            .current_dir(&self.dir)
            .env("GIT_AUTHOR_DATE", at)
            .env("GIT_COMMITTER_DATE", at)
            .args(["commit", "-q", "-S", "-m", "by hand"])
            .output()
            .expect("git commit");
        assert!(out.status.success(), "git commit: {}", output_text(&out));
        self.head()
    }

    /// `pingxuan audit`'s exit code.
    fn audit_code(&self) -> Option<i32> {
        self.sb
            .cmd(BIN)
            .arg("--repo")
            .arg(&self.dir)
            .args(["--lang", "en", "audit"])
            .output()
            .expect("audit")
            .status
            .code()
    }

    /// The audit finds nothing.
    fn audit_clean(&self) {
        let found = self.audit();
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(self.audit_code(), Some(0));
    }

    fn exists(&self, path: &str) -> bool {
        self.sb
            .cmd("git")
            .current_dir(&self.dir)
            .args(["cat-file", "-e", &format!("HEAD:{path}")])
            .output()
            .expect("git cat-file")
            .status
            .success()
    }
}

fn score_args(id: &str) -> Vec<String> {
    let mut args = vec!["score".to_string(), id.to_string()];
    for (i, m) in WINDOW_MAX.iter().enumerate() {
        args.push("-m".into());
        args.push(format!("W{}={}", i + 1, m - 1.0));
    }
    args
}

const DECIDE: [&str; 6] = [
    "decide",
    "w-a",
    "--outcome",
    "candidate",
    "--reason",
    "評委會研究決定",
];

/// A score of `who` as plain git would write it.
fn score_file(who: &str, at: &str) -> Vec<u8> {
    let marks = WINDOW_MAX
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("W{}", i + 1), Mark::Points(m - 2.0)))
        .collect();
    fixture::ron(&Score {
        reviewer: who.into(),
        marks,
        comment: String::new(),
        time: chrono::DateTime::parse_from_rfc3339(at).expect("time"),
    })
}

#[test]
fn freeze_after_a_candidate_decision_until_the_chair_reopens_it() {
    // FREEZE, NOTICE-RECHECK (opinions still arrive), EVERY-CHANGE
    let w = World::new();
    prepare(&w, &[("w-a", "gongdian-yingye-ting")]);
    interview(&w, "w-a");
    w.ok("chair", "2017-11-20T11:00:00+08:00", &DECIDE);

    // FREEZE: no score, withdrawal, evaluation or vote after the candidate decision
    let err = w.refused("r1", "2017-11-21T10:00:00+08:00", &args(&score_args("w-a")));
    assert!(err.contains("FREEZE") && err.contains("reopen"), "{err}");
    let err = w.refused("r2", "2017-11-21T10:05:00+08:00", &["withdraw", "w-a"]);
    assert!(err.contains("FREEZE"), "{err}");
    let err = w.refused(
        "r2",
        "2017-11-21T10:10:00+08:00",
        &[
            "evaluate",
            "w-a",
            "--kind",
            "routine",
            "--rating",
            "60",
            "--findings",
            "復查",
        ],
    );
    assert!(err.contains("FREEZE"), "{err}");
    let err = w.refused(
        "office",
        "2017-11-21T10:15:00+08:00",
        &[
            "vote",
            "w-a",
            "--satisfied",
            "1",
            "--basically-satisfied",
            "0",
            "--dissatisfied",
            "0",
        ],
    );
    assert!(err.contains("FREEZE"), "{err}");

    // a department's opinion after candidacy is still accepted
    w.ok(
        "office",
        "2017-11-21T11:00:00+08:00",
        &[
            "opinion",
            "w-a",
            "--department",
            "xinfang",
            "--stance",
            "concern",
            "--reason",
            "有一件信訪待核實",
        ],
    );

    // only the chair reopens, and only with a reason
    let err = w.refused(
        "r1",
        "2017-11-22T09:00:00+08:00",
        &["reopen", "w-a", "--reason", "重新評分"],
    );
    assert!(err.contains("needs the role chair"), "{err}");
    let err = w.refused(
        "chair",
        "2017-11-22T09:05:00+08:00",
        &["reopen", "w-a", "--reason", " "],
    );
    assert!(err.contains("FREEZE"), "{err}");
    w.ok(
        "chair",
        "2017-11-22T09:10:00+08:00",
        &["reopen", "w-a", "--reason", "信訪意見需評委復核"],
    );
    let decision =
        String::from_utf8(w.read(&layout::decision_path("w-a").expect("path"))).expect("utf-8");
    assert!(
        decision.contains("reopened") && decision.contains("信訪意見需評委復核"),
        "{decision}"
    );
    // reopened: the score is accepted again, and a withdrawal too
    w.ok("r1", "2017-11-22T10:00:00+08:00", &args(&score_args("w-a")));
    w.ok("r1", "2017-11-22T11:00:00+08:00", &["withdraw", "w-a"]);
    assert!(!w.exists(&layout::score_path("w-a", "r1").expect("path")));
    w.ok("r1", "2017-11-22T12:00:00+08:00", &args(&score_args("w-a")));
    // the chair decides again: frozen again
    w.ok("chair", "2017-11-23T09:00:00+08:00", &DECIDE);
    let err = w.refused("r2", "2017-11-23T10:00:00+08:00", &args(&score_args("w-a")));
    assert!(err.contains("FREEZE"), "{err}");
    w.audit_clean();

    // plain git: a score written after the new decision is flagged by the audit
    let path = layout::score_path("w-a", "r2").expect("path");
    let at = "2017-11-24T10:00:00+08:00";
    let bad = w.git_commit("r2", at, &[(path, score_file("r2", at))]);
    w.audit_flags(&bad, "FREEZE");
    assert_eq!(w.audit_code(), Some(1));
}

#[test]
fn freeze_withdraw_own_score_audits_clean_deleting_anothers_is_a_violation() {
    // FREEZE (withdraw while scoring is open), EVERY-CHANGE, ROLES
    let w = World::new();
    prepare(&w, &[("w-b", "gongjijin-fuwu-dating")]);
    let r1 = layout::score_path("w-b", "r1").expect("path");
    let r2 = layout::score_path("w-b", "r2").expect("path");
    // the reviewer withdraws through the command line …
    w.ok("r1", "2017-11-18T10:00:00+08:00", &["withdraw", "w-b"]);
    assert!(!w.exists(&r1));
    // … not twice, and not someone else's
    let err = w.refused("r1", "2017-11-18T10:30:00+08:00", &["withdraw", "w-b"]);
    assert!(err.contains("r1"), "{err}");
    w.ok("r1", "2017-11-18T11:00:00+08:00", &args(&score_args("w-b")));
    // … or with plain git: their own score file removed is the withdraw action
    w.git_delete("r1", "2017-11-18T12:00:00+08:00", &r1);
    assert!(!w.exists(&r1));
    w.audit_clean();
    // after scoring closed, no withdrawal
    let err = w.refused("r2", "2017-12-02T10:00:00+08:00", &["withdraw", "w-b"]);
    assert!(err.contains("withdraw is allowed in"), "{err}");
    // a reviewer deleting another reviewer's score is still a violation
    let bad = w.git_delete("r1", "2017-11-19T10:00:00+08:00", &r2);
    w.audit_flags(&bad, "EVERY-CHANGE");
    let found = w.audit();
    assert!(
        found.iter().any(|(c, r)| c == &bad && r == "ROLES"),
        "{found:?}"
    );
    assert_eq!(w.audit_code(), Some(1));
}
