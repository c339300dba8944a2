//! Sync replays, never merges (DESIGN.md "Sync", rule ONE-CHAIN): a member's
//! unpublished actions are re-applied one by one onto the fetched tip, each
//! judged against its new parent and re-signed, the action time kept; what the
//! new state refuses (the same file changed upstream, a closed phase) is set
//! aside with its reason, reported, retried by its owner only, never lost.
//! Refused with HEAD unchanged: a fetched merge commit, a foreign root, a
//! rewritten remote, incoming commits that break the rules, and a local chain
//! holding another member's unpublished commits (nothing rewritten). A
//! fast-forward needs no identity; a replay does. A user's own edit of an
//! incoming file stops the sync; a push rejected again and again stops after
//! 5 retries with the local work intact.

use crate::{common, fixture, sync_world};

use std::path::Path;
use std::process::{Output, Stdio};

use common::output_text;
use git2::Oid;
use pingxuan::model::*;
use pingxuan::store::layout;
use pingxuan::sync::{aside, Integrated, ReasonKind, SyncError};
use sync_world::*;

const W1: &str = "2017-window-001";
const W2: &str = "2017-window-002";
const W3: &str = "2017-window-003";

fn activity(who: &str, summary: &str) -> Action {
    Action::Activity {
        nomination: W1.into(),
        activity: Activity {
            date: "2017-09-14".parse().expect("date"),
            summary: format!("{who} {summary}"),
        },
    }
}

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

fn review_until(end: &str, reason: &str) -> Action {
    Action::Override(PhaseOverride {
        phase: "review".into(),
        start: "2017-09-01".parse().expect("date"),
        end: end.parse().expect("date"),
        reason: reason.into(),
        by: CHAIR.into(),
        date: "2017-09-14".parse().expect("date"),
    })
}

/// Acts at the shared clock's next time.
fn act(c: &Clone, action: &Action) -> pingxuan::act::Done {
    let when = c.now();
    c.act(&retime(action, &when), &when)
}

fn tracking(c: &Clone) -> String {
    git2::Repository::open(c.store().git_dir())
        .expect("open")
        .refname_to_id("refs/remotes/origin/main")
        .expect("tracking ref")
        .to_string()
}

fn work_file(c: &Clone, path: &str) -> String {
    std::fs::read_to_string(c.dir.join(path)).expect("work tree file")
}

fn origin_head(w: &World) -> String {
    w.git(&w.origin, &["rev-parse", "refs/heads/main"])
        .trim()
        .to_string()
}

fn status(w: &World, c: &Clone) -> String {
    w.git(&c.dir, &["status", "--porcelain"]).trim().to_string()
}

/// ONE-CHAIN on the remote: no merge commit, and `git verify-commit` accepts
/// every commit.
fn one_signed_chain(w: &World, c: &Clone) {
    let merges = w.git(&w.origin, &["rev-list", "--merges", "refs/heads/main"]);
    assert_eq!(
        merges.trim(),
        "",
        "ONE-CHAIN: no merge commit on the remote"
    );
    for h in w.git(&w.origin, &["rev-list", "refs/heads/main"]).lines() {
        w.git(&c.dir, &["verify-commit", h]);
    }
}

/// `pingxuan --repo <clone> --lang en --at <now> <args>`.
fn cli(w: &World, c: &Clone, args: &[&str]) -> Output {
    w.sb.cmd(BIN)
        .arg("--repo")
        .arg(&c.dir)
        .args(["--lang", "en", "--at", &c.now()])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run pingxuan")
}

fn repo(c: &Clone) -> git2::Repository {
    git2::Repository::open(&c.dir).expect("repo")
}

fn oid(s: &str) -> Oid {
    Oid::from_str(s).expect("oid")
}

#[test]
fn unpublished_actions_are_replayed_one_chain_and_a_same_file_clash_is_set_aside() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    let npath = layout::nomination_path(W1).expect("path");

    // Both clerks act offline; a syncs first.
    act(&a, &activity("liuyang", "文明服務月"));
    a.sync().expect("a pushes");
    let upstream = a.head();
    let b1 = act(&b, &opinion("heping", W2, "zongzhiban"));
    let b2 = act(&b, &activity("heping", "志愿服務日"));
    let b3 = act(&b, &opinion("heping", W3, "huanbao"));
    let brepo = repo(&b);
    let originals: Vec<git2::Commit> = [&b1, &b2, &b3]
        .iter()
        .map(|d| brepo.find_commit(d.commit).expect("commit"))
        .collect();

    let r = b.sync().expect("b replays");
    assert!(r.pushed);
    let [Integrated::Replayed {
        onto,
        replayed,
        set_aside,
        ..
    }] = r.steps.as_slice()
    else {
        panic!("one replay: {r:?}");
    };
    assert_eq!(*onto, upstream);
    assert_eq!(replayed.len(), 2, "{replayed:?}");
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");

    // The chain: upstream, then b's two opinions, each re-signed by b with its
    // action time kept and its files as they were.
    let head = b.head();
    assert_eq!(origin_head(&w), head);
    let top = brepo.find_commit(oid(&head)).expect("commit");
    let mid = top.parent(0).expect("parent");
    assert_eq!(mid.parent_id(0).expect("parent").to_string(), upstream);
    for (new, old) in [(&mid, &originals[0]), (&top, &originals[2])] {
        assert_eq!(new.parent_count(), 1);
        assert_ne!(new.id(), old.id(), "a new commit");
        assert_eq!(new.author().when().seconds(), old.author().when().seconds());
        assert_eq!(new.author().email(), old.author().email());
        assert_eq!(new.committer().email().ok(), Some(b.email.as_str()));
        assert_eq!(new.message_bytes(), old.message_bytes());
        let d_new = w.git(&b.dir, &["diff", "--stat", &format!("{}^!", new.id())]);
        let d_old = w.git(&b.dir, &["diff", "--stat", &format!("{}^!", old.id())]);
        assert_eq!(d_new, d_old, "the same file changes");
    }
    one_signed_chain(&w, &b);
    assert_eq!(status(&w, &b), "", "the work tree follows");
    assert!(!work_file(&b, &npath).contains("志愿服務日"));

    // The clash is set aside with its reason, listed by the sync's report.
    assert_eq!(r.set_aside.len(), 1, "{:?}", r.set_aside);
    let s = &r.set_aside[0];
    assert_eq!(s.id, set_aside[0]);
    assert_eq!(
        s.commit,
        b2.commit.to_string(),
        "the original, signed commit"
    );
    assert_eq!(s.kind, ReasonKind::SameFile);
    assert_eq!(s.actor.as_deref(), Some("heping"));
    assert!(s.reason.contains(&npath), "{}", s.reason);
    assert!(s.reason.contains(&upstream[..12]), "{}", s.reason);
    assert!(s.reason.contains("liuyang"), "{}", s.reason);
    assert_eq!(s.paths, vec![npath.clone()]);
    // Kept in the repository, under a ref of its own.
    let target = w.git(
        &b.dir,
        &[
            "rev-parse",
            &format!("refs/pingxuan/set-aside/{}^{{commit}}", s.id),
        ],
    );
    assert_eq!(target.trim(), s.commit);
    w.git(&b.dir, &["verify-commit", &s.commit]);
    // The command line lists it, as JSON too.
    let out = cli(&w, &b, &["set-aside", "list", "--json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed[0]["id"], s.id.as_str());
    assert_eq!(listed[0]["kind"], "same-file");
    let out = cli(&w, &b, &["set-aside", "show", &s.id]);
    let text = output_text(&out);
    assert!(
        out.status.success() && text.contains("志愿服務日"),
        "{text}"
    );

    // Retried, it is refused the same way and stays.
    let before = b.head();
    let out = cli(&w, &b, &["set-aside", "retry", &s.id]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(output_text(&out).contains("still refused"));
    assert_eq!(b.head(), before);
    assert_eq!(aside::list(&b.store()).expect("list").len(), 1);

    // What a clerk does: take the action again on today's state, drop the old one.
    act(&b, &activity("heping", "志愿服務日"));
    let out = cli(&w, &b, &["set-aside", "drop", &s.id]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(aside::list(&b.store()).expect("list").is_empty());
    b.sync().expect("push");
    a.sync().expect("a takes it in");
    let both = work_file(&a, &npath);
    assert!(
        both.contains("文明服務月") && both.contains("志愿服務日"),
        "{both}"
    );
    one_signed_chain(&w, &a);
    // None lost: a's one action and b's four (one set aside and re-taken) are
    // the five commits on top of setup and nominations.
    let count = w.git(&w.origin, &["rev-list", "--count", "refs/heads/main"]);
    assert_eq!(count.trim(), (1 + NOMINATIONS.len() + 1 + 3).to_string());
}

#[test]
fn a_set_aside_action_is_retried_by_its_owner_once_the_rules_allow_it() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let r = w.clone_as(&url, "wangjianguo", "reviewer");
    let chair = w.clone_as(&url, CHAIR, "chair");
    let (score, _) = plan("wangjianguo", 0).remove(0);
    let done = act(&r, &score);
    let score_path = done.paths[0].clone();

    // Meanwhile the chair closes the review phase, and pushes first.
    act(&chair, &review_until("2017-09-13", "審查提前結束"));
    chair.sync().expect("chair pushes");
    let report = r.sync().expect("sync");
    assert!(!report.pushed, "nothing left to push");
    assert_eq!(r.head(), chair.head());
    assert_eq!(report.set_aside.len(), 1);
    let s = report.set_aside[0].clone();
    assert_eq!(s.kind, ReasonKind::Refused);
    assert!(s.reason.contains("PHASES"), "{}", s.reason);
    assert!(!r.dir.join(&score_path).exists());
    assert_eq!(status(&w, &r), "");

    // Refused again while the phase stays closed; the reason is kept.
    let out = cli(&w, &r, &["set-aside", "retry", &s.id]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(output_text(&out).contains("PHASES"));

    // The chair reopens it.
    act(&chair, &review_until("2017-11-30", "恢復審查期"));
    chair.sync().expect("chair pushes");
    r.sync().expect("fast-forward");
    assert_eq!(r.head(), chair.head());

    // Only its owner may retry it, under their own signature.
    let chair_key = w.keys[CHAIR].private.to_str().expect("utf-8").to_string();
    w.git(&r.dir, &["config", "user.email", &w.member(CHAIR).email]);
    w.git(&r.dir, &["config", "user.signingkey", &chair_key]);
    let out = cli(&w, &r, &["set-aside", "retry", &s.id]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("only they may retry"),
        "{}",
        output_text(&out)
    );
    assert_eq!(r.head(), chair.head(), "nothing changed");
    let key = w.keys["wangjianguo"]
        .private
        .to_str()
        .expect("utf-8")
        .to_string();
    w.git(&r.dir, &["config", "user.email", &r.email]);
    w.git(&r.dir, &["config", "user.signingkey", &key]);

    let out = cli(&w, &r, &["set-aside", "retry", &s.id]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(aside::list(&r.store()).expect("list").is_empty());
    let rrepo = repo(&r);
    let head = rrepo.find_commit(oid(&r.head())).expect("commit");
    assert_eq!(head.parent_id(0).expect("parent").to_string(), chair.head());
    let original = rrepo.find_commit(oid(&s.commit)).expect("commit");
    assert_eq!(
        head.author().when().seconds(),
        original.author().when().seconds(),
        "the action time is kept"
    );
    assert!(r.dir.join(&score_path).exists());
    assert_eq!(status(&w, &r), "");
    let out = cli(&w, &r, &["sync", "--json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(origin_head(&w), r.head());
    one_signed_chain(&w, &r);
}

#[test]
fn a_fast_forward_needs_no_identity_but_a_replay_does() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "wangjianguo", "a");
    let b = w.clone_as(&url, "liuyang", "b");
    for (action, _) in plan("wangjianguo", 0).into_iter().take(2) {
        act(&a, &action);
    }
    a.sync().expect("push");
    // A reader without identity or key: a fast-forward.
    let r = b
        .sync_with(None, |o| {
            o.email = None;
            o.sign = None;
        })
        .expect("fast-forward without identity");
    assert!(
        matches!(r.steps.as_slice(), [Integrated::FastForward { .. }]),
        "{r:?}"
    );
    assert_eq!(b.head(), a.head());
    assert_eq!(status(&w, &b), "");

    // Both sides move: the replay needs a member and a key.
    let (action, _) = plan("wangjianguo", 0).remove(2);
    act(&a, &action);
    a.sync().expect("push");
    let (action, _) = plan("liuyang", 1).remove(1);
    act(&b, &action);
    let before = b.head();
    for (email, with_key) in [
        (None, true),
        (Some("nobody@example.invalid"), true),
        (Some(b.email.as_str()), false),
    ] {
        let err = b
            .sync_with(None, |o| {
                o.email = email.map(str::to_string);
                if !with_key {
                    o.sign = None;
                }
            })
            .expect_err("no replay without identity");
        assert!(matches!(err, SyncError::NeedIdentity(_)), "{err}");
        assert_eq!(b.head(), before, "nothing changed");
        assert_eq!(status(&w, &b), "");
    }
    let r = b.sync().expect("with identity");
    assert!(
        matches!(r.steps.as_slice(), [Integrated::Replayed { replayed, .. }] if replayed.len() == 1),
        "{r:?}"
    );
    assert!(r.pushed);
    one_signed_chain(&w, &b);
}

/// a pushes `commits` made with plain git; b, with an unpublished action of
/// its own, syncs and must be refused by ONE-CHAIN naming `culprit`, with
/// HEAD, work tree and remote-tracking state as they were.
fn refused_one_chain(w: &World, a: &Clone, b: &Clone, culprit: &str, what: &str) {
    let before = b.head();
    let err = b.sync().expect_err("ONE-CHAIN refusal");
    let SyncError::NotOneChain { commit, message } = &err else {
        panic!("expected ONE-CHAIN, got {err}");
    };
    assert_eq!(commit, culprit, "{message}");
    assert!(
        message.contains("ONE-CHAIN") && message.contains(what),
        "{message}"
    );
    assert_eq!(b.head(), before, "HEAD unchanged");
    assert_eq!(status(w, b), "");
    let _ = a;
}

#[test]
fn a_fetched_merge_commit_is_refused_one_chain() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    act(&b, &opinion("heping", W2, "zongzhiban"));
    w.git(&a.dir, &["checkout", "-q", "-b", "side", "HEAD~1"]);
    w.git(
        &a.dir,
        &["commit", "-q", "--allow-empty", "-S", "-m", "side"],
    );
    w.git(&a.dir, &["checkout", "-q", "main"]);
    w.git(
        &a.dir,
        &["merge", "-q", "--no-ff", "-S", "-m", "a merge", "side"],
    );
    w.git(&a.dir, &["push", "-q", "origin", "main"]);
    refused_one_chain(&w, &a, &b, &a.head(), "merge commit");
}

#[test]
fn a_foreign_root_is_refused_one_chain() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    act(&b, &opinion("heping", W2, "zongzhiban"));
    // An unrelated root naming the attacker as chair, merged in.
    w.git(&a.dir, &["checkout", "-q", "--orphan", "evil"]);
    w.git(&a.dir, &["rm", "-rfq", "."]);
    std::fs::write(a.dir.join("members.ron"), "[]\n").expect("write");
    w.git(&a.dir, &["add", "members.ron"]);
    w.git(&a.dir, &["commit", "-q", "-S", "-m", "root"]);
    let root = a.head();
    w.git(&a.dir, &["checkout", "-q", "main"]);
    w.git(
        &a.dir,
        &[
            "merge",
            "-q",
            "--allow-unrelated-histories",
            "-X",
            "ours",
            "-S",
            "-m",
            "merge",
            "evil",
        ],
    );
    w.git(&a.dir, &["push", "-q", "origin", "main"]);
    refused_one_chain(&w, &a, &b, &root, "root");
}

#[test]
fn a_rewritten_remote_is_refused_one_chain_and_stays_refused() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    let fetched = tracking(&b);
    act(&b, &opinion("heping", W2, "zongzhiban"));
    // The remote's last commit is replaced by another one.
    w.git(&a.dir, &["reset", "-q", "--hard", "HEAD~1"]);
    w.git(
        &a.dir,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-S",
            "-m",
            "history rewritten",
        ],
    );
    w.git(&a.dir, &["push", "-q", "--force", "origin", "main"]);
    refused_one_chain(&w, &a, &b, &a.head(), "rewritten");
    assert_eq!(tracking(&b), fetched, "what we fetched before is kept");
    refused_one_chain(&w, &a, &b, &a.head(), "rewritten");
    // The command line: exit 1, and the rule and commit in its JSON.
    let out = cli(&w, &b, &["sync", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["rule"], "ONE-CHAIN");
    assert_eq!(v["commit"], a.head().as_str());
}

#[test]
fn another_members_unpublished_commit_is_refused_and_nothing_rewritten() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "wangjianguo", "a");
    let b = w.clone_as(&url, "heping", "b");
    // liuyang's action, signed by liuyang, made in heping's clone; then heping's own.
    let when = b.now();
    let foreign = w.act(
        &b.store(),
        "liuyang",
        &retime(&opinion("liuyang", W1, "jijian"), &when),
        &when,
    );
    act(&b, &opinion("heping", W2, "zongzhiban"));
    let (score, _) = plan("wangjianguo", 0).remove(0);
    act(&a, &score);
    a.sync().expect("a pushes");

    let before = b.head();
    let chain_before = w.git(&b.dir, &["rev-list", "HEAD"]);
    let err = b.sync().expect_err("refused");
    let SyncError::OthersUnpublished { commits, message } = &err else {
        panic!("expected a refusal, got {err}");
    };
    assert_eq!(commits, &vec![foreign.commit.to_string()]);
    assert!(
        message.contains("liuyang") && message.contains("nothing was rewritten"),
        "{message}"
    );
    assert_eq!(b.head(), before);
    assert_eq!(w.git(&b.dir, &["rev-list", "HEAD"]), chain_before);
    assert_eq!(status(&w, &b), "");
    assert!(aside::list(&b.store()).expect("list").is_empty());
    assert_eq!(origin_head(&w), a.head(), "the remote unchanged");
}

#[test]
fn violations_are_refused_with_head_unchanged() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "wangjianguo", "a");
    let b = w.clone_as(&url, "liuyang", "b");
    // Someone pushes, with plain git, an unsigned score in wangjianguo's name.
    let score_path = layout::score_path(W1, "wangjianguo").expect("path");
    let (Action::Score { score, .. }, _) = plan("wangjianguo", 0).remove(0) else {
        panic!("a score first");
    };
    std::fs::create_dir_all(a.dir.join(&score_path).parent().expect("dir")).expect("mkdir");
    std::fs::write(a.dir.join(&score_path), fixture::ron(&score)).expect("write");
    w.git(&a.dir, &["add", "."]);
    w.git(
        &a.dir,
        &[
            "-c",
            "commit.gpgsign=false",
            "commit",
            "-q",
            "-m",
            "score by hand",
        ],
    );
    w.git(&a.dir, &["push", "-q", "origin", "main"]);
    let bad = a.head();
    act(&b, &opinion("liuyang", W2, "jijian"));

    let before = b.head();
    let err = b.sync().expect_err("violations");
    let SyncError::Violations { violations, .. } = &err else {
        panic!("expected violations, got {err}");
    };
    assert!(violations.iter().all(|v| v.commit == bad), "{violations:?}");
    assert!(
        violations
            .iter()
            .any(|v| v.kind.as_str() == "unsigned" && v.member.as_deref() == Some("wangjianguo")),
        "{violations:?}"
    );
    assert!(err.to_string().contains(&bad[..12]), "{err}");
    assert_eq!(b.head(), before, "nothing taken in");
    assert!(!b.dir.join(&score_path).exists());
    assert_eq!(status(&w, &b), "");
}

#[test]
fn an_uncommitted_edit_of_an_incoming_file_stops_the_sync() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    let npath = layout::nomination_path(W1).expect("path");
    act(&a, &activity("liuyang", "文明服務月"));
    a.sync().expect("push");
    std::fs::write(b.dir.join(&npath), "// my own notes\n").expect("edit");
    let before = b.head();
    let err = b.sync().expect_err("dirty");
    assert!(err.to_string().contains(&npath), "{err}");
    assert_eq!(b.head(), before);
    assert_eq!(
        work_file(&b, &npath),
        "// my own notes\n",
        "the edit is kept"
    );
    w.git(&b.dir, &["checkout", "--", &npath]);
    b.sync().expect("clean now");
    assert_eq!(b.head(), a.head());
}

#[test]
fn a_push_rejected_every_time_stops_after_five_retries() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "wangjianguo", "a");
    let (action, _) = plan("wangjianguo", 0).remove(0);
    act(&a, &action);
    let local = a.head();
    // A git whose pushes are always beaten to the ref.
    let fake = w.sb.write_script(
        "git-rejecting",
        "if [ \"$3\" = push ]; then\n  echo 'To origin'\n  printf '!\\trefs/heads/main:refs/heads/main\\t[rejected] (fetch first)\\n'\n  echo 'Done'\n  exit 1\nfi\nexec git \"$@\"",
    );
    let calls = std::cell::Cell::new(0);
    let count = |p: &pingxuan::sync::Progress| {
        if matches!(p, pingxuan::sync::Progress::Push { .. }) {
            calls.set(calls.get() + 1);
        }
    };
    let err = a
        .sync_with(Some(&count), |o| {
            o.git.program = fake.to_str().expect("utf-8").to_string();
            o.backoff = std::time::Duration::from_millis(5);
        })
        .expect_err("gives up");
    let SyncError::TooManyRetries { retries, message } = &err else {
        panic!("expected too many retries, got {err}");
    };
    assert_eq!(*retries, 5);
    assert_eq!(calls.get(), 6, "one push and five retries");
    assert!(message.contains("intact"), "{message}");
    assert_eq!(a.head(), local, "the local work is intact");
    assert_eq!(status(&w, &a), "");
    assert!(Path::new(&a.dir).exists());
}

#[test]
fn a_local_merge_commit_is_neither_pushed_nor_replayed_one_chain() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let b = w.clone_as(&url, "heping", "b");
    w.git(&b.dir, &["checkout", "-q", "-b", "side", "HEAD~1"]);
    w.git(
        &b.dir,
        &["commit", "-q", "--allow-empty", "-S", "-m", "side"],
    );
    w.git(&b.dir, &["checkout", "-q", "main"]);
    w.git(
        &b.dir,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-S",
            "-m",
            "a local merge",
            "side",
        ],
    );
    let remote_before = origin_head(&w);
    let a = w.clone_as(&url, "liuyang", "a");
    refused_one_chain(&w, &a, &b, &b.head(), "merge commit");
    assert_eq!(origin_head(&w), remote_before, "nothing pushed");
    // The same when the remote moved meanwhile (a replay would be needed).
    act(&a, &opinion("liuyang", W2, "jijian"));
    a.sync().expect("a pushes");
    refused_one_chain(&w, &a, &b, &b.head(), "merge commit");
}
