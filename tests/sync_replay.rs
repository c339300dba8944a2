//! What a sync must refuse, and how it leaves the clone when it does: a true
//! conflict (two clerks appended to the same nomination.ron) keeps both
//! versions and changes nothing, until a resolving merge; a merge without an
//! identity or key is refused while a fast-forward needs neither; incoming
//! commits that break the rules are reported, not merged; a user's own edit of
//! an incoming file stops the sync; a push rejected again and again stops after
//! 5 retries with the local work intact.

mod common;
mod fixture;
mod sync_world;

use std::path::Path;

use git2::Oid;
use pingxuan::history::SigStatus;
use pingxuan::model::*;
use pingxuan::store::layout;
use pingxuan::sync::{Merged, Resolve, SyncError};
use sync_world::*;

const W1: &str = "2017-window-001";

fn activity(summary: &str, date: &str) -> Action {
    Action::Activity {
        nomination: W1.into(),
        activity: Activity {
            date: date.parse().expect("date"),
            summary: summary.into(),
        },
    }
}

fn tracking(c: &Clone) -> String {
    c.store()
        .repo()
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

#[test]
fn a_true_conflict_keeps_both_versions_and_changes_nothing() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    let npath = layout::nomination_path(W1).expect("path");

    a.act(
        &activity("文明服務月(甲)", "2017-07-08"),
        "2017-07-10T09:00:00+08:00",
    );
    a.sync().expect("a pushes");
    // b also appends to the same nomination.ron, and a score elsewhere too.
    b.act(
        &activity("志愿服務日(乙)", "2017-07-09"),
        "2017-07-10T09:30:00+08:00",
    );
    let b_head = b.head();
    let b_file = work_file(&b, &npath);
    assert!(b_file.contains("志愿服務日(乙)"));

    let err = b.sync().expect_err("a conflict");
    let SyncError::Conflicts(report) = err else {
        panic!("expected a conflict, got {err}");
    };
    // Both versions, and who signed each.
    assert_eq!(report.conflicts.len(), 1, "{report:#?}");
    let c = &report.conflicts[0];
    assert_eq!(c.path, npath);
    assert_eq!(c.record.as_deref(), Some(W1));
    let ours = c.ours.content.as_deref().expect("ours");
    let theirs = c.theirs.content.as_deref().expect("theirs");
    assert!(ours.contains("志愿服務日(乙)") && !ours.contains("文明服務月(甲)"));
    assert!(theirs.contains("文明服務月(甲)") && !theirs.contains("志愿服務日(乙)"));
    let oe = c.ours.entry.as_ref().expect("our commit");
    let te = c.theirs.entry.as_ref().expect("their commit");
    assert_eq!(oe.actor.as_deref(), Some("heping"));
    assert_eq!(te.actor.as_deref(), Some("liuyang"));
    assert!(matches!(&oe.signature, SigStatus::Good { member, .. } if member == "heping"));
    assert!(matches!(&te.signature, SigStatus::Good { member, .. } if member == "liuyang"));
    // The text shows both and the way out.
    let text = SyncError::Conflicts(report.clone()).to_string();
    assert!(
        text.contains("志愿服務日(乙)") && text.contains("文明服務月(甲)"),
        "{text}"
    );
    assert!(text.contains("--resolve"), "{text}");

    // Nothing changed: branch, work tree, index, the fetched ref, the remote.
    assert_eq!(b.head(), b_head, "local branch unchanged");
    assert_eq!(work_file(&b, &npath), b_file, "work tree unchanged");
    assert_eq!(w.git(&b.dir, &["status", "--porcelain"]).trim(), "");
    assert_eq!(tracking(&b), a.head(), "the fetched remote ref is kept");
    assert_eq!(origin_head(&w), a.head(), "the remote unchanged");
    // Asking again gives the same answer and still changes nothing.
    assert!(matches!(b.sync(), Err(SyncError::Conflicts(_))));
    assert_eq!(b.head(), b_head);

    // Keeping our version over another member's is the chair's call.
    let err = b
        .sync_with(None, |o| o.resolve = Some(Resolve::Ours))
        .expect_err("not the chair");
    assert!(matches!(err, SyncError::ChairOnly(_)), "{err}");
    assert_eq!(b.head(), b_head);

    // The procedure: take the remote version in a signed merge (our commit stays
    // in history as the merge's parent), then act again on top.
    let r = b
        .sync_with(None, |o| o.resolve = Some(Resolve::Theirs))
        .expect("resolving merge");
    let Some(Merged::Merge { commit }) = r.merges.first().cloned() else {
        panic!("a merge: {r:?}");
    };
    let repo = b.store();
    let merge = repo
        .repo()
        .find_commit(Oid::from_str(&commit).expect("oid"))
        .expect("merge commit");
    let msg = merge.message().expect("utf-8").to_string();
    assert!(msg.contains("Pingxuan-Action: merge"), "{msg}");
    assert!(
        msg.contains(&format!("Pingxuan-Resolved: {npath} theirs")),
        "{msg}"
    );
    assert!(
        merge.parent_ids().any(|p| p.to_string() == b_head),
        "our version stays in history"
    );
    assert_eq!(work_file(&b, &npath), theirs);
    b.act(
        &activity("志愿服務日(乙)", "2017-07-09"),
        "2017-07-11T09:00:00+08:00",
    );
    b.sync().expect("push");
    a.sync().expect("a takes it in");
    let both = work_file(&a, &npath);
    assert!(both.contains("文明服務月(甲)") && both.contains("志愿服務日(乙)"));
    let states = w.signature_states(&a.dir);
    assert!(states.iter().all(|(_, g)| g == "G"), "{states:?}");
}

#[test]
fn pulling_needs_no_identity_but_a_merge_does() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "wangjianguo", "a");
    let b = w.clone_as(&url, "liuyang", "b");
    for (action, when) in plan("wangjianguo", 0).into_iter().take(2) {
        a.act(&action, &when);
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
        matches!(r.merges.as_slice(), [Merged::FastForward { .. }]),
        "{r:?}"
    );
    assert_eq!(b.head(), a.head());
    assert_eq!(w.git(&b.dir, &["status", "--porcelain"]).trim(), "");

    // Both sides move: the merge needs a member and a key.
    let (action, when) = plan("wangjianguo", 0).remove(2);
    a.act(&action, &when);
    a.sync().expect("push");
    let (action, when) = plan("liuyang", 1).remove(0);
    b.act(&action, &when);
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
            .expect_err("no merge without identity");
        assert!(matches!(err, SyncError::NeedIdentity(_)), "{err}");
        assert_eq!(b.head(), before, "nothing changed");
        assert_eq!(w.git(&b.dir, &["status", "--porcelain"]).trim(), "");
    }
    let r = b.sync().expect("with identity");
    assert!(
        matches!(r.merges.as_slice(), [Merged::Merge { .. }]),
        "{r:?}"
    );
    assert!(r.pushed);
}

#[test]
fn violations_are_reported_not_merged() {
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
    let text = err.to_string();
    assert!(
        text.contains(&bad[..12]) && text.contains("--accept-violations"),
        "{text}"
    );
    assert_eq!(b.head(), before, "nothing merged");
    assert!(!b.dir.join(&score_path).exists());

    let r = b
        .sync_with(None, |o| o.accept_violations = true)
        .expect("merged on request");
    assert_eq!(b.head(), bad);
    assert!(!r.accepted_violations.is_empty());
    assert!(b.dir.join(&score_path).exists());
}

#[test]
fn an_uncommitted_edit_of_an_incoming_file_stops_the_sync() {
    let w = World::new();
    let url = w.origin.to_str().expect("utf-8").to_string();
    let a = w.clone_as(&url, "liuyang", "a");
    let b = w.clone_as(&url, "heping", "b");
    let npath = layout::nomination_path(W1).expect("path");
    a.act(
        &activity("文明服務月", "2017-07-08"),
        "2017-07-10T09:00:00+08:00",
    );
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
    let (action, when) = plan("wangjianguo", 0).remove(0);
    a.act(&action, &when);
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
    assert_eq!(w.git(&a.dir, &["status", "--porcelain"]).trim(), "");
    assert!(Path::new(&a.dir).exists());
}
