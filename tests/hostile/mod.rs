//! Helpers for the hostile-input tests (issue 9): build a real repository
//! holding one good nomination plus hostile files, run the real binary, and
//! check that the fault is named, nothing panicked, nothing was written and the
//! rest of the campaign still loads.
#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use git2::{build::TreeUpdateBuilder, FileMode, Oid, Repository, Signature};
use pingxuan::store::layout;

use crate::fixture::*;

/// The nomination that must keep loading whatever else the tree holds.
pub const GOOD: &str = "2017-window-001";
pub const GOOD_UNIT: &str = "zhengwu-fuwu-zhongxin";
/// A second id, used for the hostile record.
pub const BAD: &str = "2017-window-002";
pub const BAD_UNIT: &str = "gonganju-chegusuo";
pub const REVIEW_DAY: &str = "2017-11-20T10:00:00+08:00";
pub const REG_DAY: &str = "2017-06-20T10:00:00+08:00";

pub fn good_file() -> (String, Vec<u8>) {
    (
        layout::nomination_path(GOOD).expect("path"),
        ron(&window(GOOD, GOOD_UNIT)),
    )
}

/// The valid nomination text of `BAD`, to be broken by a test.
pub fn bad_text() -> String {
    String::from_utf8(ron(&window(BAD, BAD_UNIT))).expect("utf-8")
}

pub fn bad_nomination_path() -> String {
    layout::nomination_path(BAD).expect("path")
}

/// A repository with `GOOD` plus `files`.
pub fn repo_with(files: &[(String, Vec<u8>)]) -> Fixture {
    let mut all = vec![good_file()];
    all.extend(files.iter().cloned());
    Fixture::new(&all)
}

/// A repository with `GOOD` and a valid `BAD`, then `files` committed on top.
pub fn repo_with_bad_record(files: &[(String, Vec<u8>)]) -> Fixture {
    repo_with(
        &[
            vec![(bad_nomination_path(), bad_text().into_bytes())],
            files.to_vec(),
        ]
        .concat(),
    )
}

/// `git <args>` in `dir`, scrubbed, with no global or system config.
pub fn git(dir: &Path, args: &[&str]) -> Output {
    crate::common::git_bare_config(dir, args)
}

/// No panic message, no signal, no stack overflow.
pub fn assert_no_crash(o: &Output, what: &str) {
    let err = stderr(o);
    assert!(
        o.status.code().is_some(),
        "{what}: killed by a signal ({:?}): {err}",
        o.status
    );
    assert_ne!(o.status.code(), Some(101), "{what}: panicked: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{what}: {err}"
    );
}

/// Asserts the work tree and index match HEAD.
pub fn assert_clean(f: &Fixture) {
    let st = git(
        f.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    );
    assert!(
        stdout(&st).trim().is_empty(),
        "work tree and index match HEAD: {}",
        stdout(&st)
    );
}

/// `validate --lang en`: exit 1, a problem line starting with `path` that
/// contains every one of `expect`; then `list` still shows `GOOD`, and nothing
/// was written. Returns validate's stderr.
pub fn assert_reported(f: &Fixture, path: &str, expect: &[&str]) -> String {
    let before = f.head();
    let status_before = status(f);
    let o = f.run(&["--lang", "en", "validate"]);
    assert_no_crash(&o, "validate");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "validate fails: {err}");
    let line = err
        .lines()
        .find(|l| l.starts_with(path) && expect.iter().all(|e| l.contains(e)))
        .unwrap_or_else(|| panic!("no problem for {path} with {expect:?} in:\n{err}"));
    assert!(line.len() < 2000, "the message is short: {}", line.len());
    assert_rest_loads(f);
    assert_eq!(f.head(), before, "nothing was committed");
    assert_eq!(status(f), status_before, "the work tree is untouched");
    err
}

/// `git status --porcelain` with untracked files.
pub fn status(f: &Fixture) -> String {
    stdout(&git(
        f.path(),
        &["status", "--porcelain", "--untracked-files=all"],
    ))
}

/// Like [`assert_reported`] with `validate --json`: the problem names `path`
/// and, when given, `field`.
pub fn assert_reported_json(f: &Fixture, path: &str, field: Option<&str>) -> serde_json::Value {
    let o = f.run(&["--lang", "en", "validate", "--json"]);
    assert_no_crash(&o, "validate --json");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let hit = v
        .as_array()
        .expect("array")
        .iter()
        .find(|p| p["path"] == path && field.is_none_or(|fd| p["field"].as_str() == Some(fd)))
        .unwrap_or_else(|| panic!("no problem for {path} {field:?} in {v:#}"))
        .clone();
    hit
}

/// Every read command still works and shows `GOOD`.
pub fn assert_rest_loads(f: &Fixture) {
    let o = f.run(&["--lang", "en", "list", "--json"]);
    assert_no_crash(&o, "list");
    assert!(o.status.success(), "list: {}", stderr(&o));
    assert!(
        stdout(&o).contains(GOOD),
        "the good record still loads: {}",
        stdout(&o)
    );
    for args in [
        vec!["--lang", "en", "show", GOOD],
        vec!["--lang", "en", "--at", REVIEW_DAY, "status", GOOD],
        vec!["--lang", "en", "--at", REVIEW_DAY, "rank"],
    ] {
        let o = f.run(&args);
        assert_no_crash(&o, &args.join(" "));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
}

/// Configures git's identity as `email` in the fixture's sandboxed HOME.
pub fn act_as(f: &Fixture, name: &str, email: &str) {
    std::fs::write(
        f.home.path().join(".gitconfig"),
        // ssh format without a key: no signer, so an unsigned commit where
        // the campaign allows it.
        format!("[user]\n\tname = {name}\n\temail = {email}\n[gpg]\n\tformat = ssh\n"),
    )
    .expect("gitconfig");
}

pub const REVIEWER_EMAIL: &str = "wangjianguo@xcb.tengzhou.example";
pub const CLERK_EMAIL: &str = "liuyang@wmb.tengzhou.example";

/// The sample campaign without required signing, so that writes can be made
/// without a key.
pub fn campaign_unsigned() -> (String, Vec<u8>) {
    let text = String::from_utf8(sample_file("campaign.ron")).expect("utf-8");
    assert!(text.contains("signing_required: true"));
    (
        layout::CAMPAIGN.into(),
        text.replace("signing_required: true", "signing_required: false")
            .into_bytes(),
    )
}

/// Runs a write that must be refused: non-zero exit without a panic, stderr
/// containing every one of `expect`, HEAD unchanged and the work tree clean.
pub fn assert_write_refused(f: &Fixture, args: &[&str], expect: &[&str]) -> String {
    let before = f.head();
    let o = f.run(args);
    assert_no_crash(&o, &args.join(" "));
    let err = stderr(&o);
    assert!(!o.status.success(), "{args:?} must be refused");
    for e in expect {
        assert!(err.contains(e), "{args:?}: expected {e:?} in {err}");
    }
    assert_eq!(f.head(), before, "nothing was committed");
    assert_clean(f);
    err
}

/// Writes a raw tree object with arbitrary entry names (which libgit2's tree
/// builder would refuse), entries as (mode, name bytes, oid).
pub fn raw_tree(repo: &Repository, entries: &[(u32, &[u8], Oid)]) -> Oid {
    let mut sorted: Vec<&(u32, &[u8], Oid)> = entries.iter().collect();
    // git sorts trees by name, with folders compared as if they ended in '/'.
    let key = |e: &(u32, &[u8], Oid)| {
        let mut k = e.1.to_vec();
        if e.0 == 0o40000 {
            k.push(b'/');
        }
        k
    };
    sorted.sort_by_key(|e| key(e));
    let mut bytes = Vec::new();
    for (mode, name, oid) in sorted {
        bytes.extend_from_slice(format!("{mode:o} ").as_bytes());
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(oid.as_bytes());
    }
    repo.odb()
        .expect("odb")
        .write(git2::ObjectType::Tree, &bytes)
        .expect("write tree")
}

/// Commits HEAD's tree with `path` (a folder path) replaced by the tree `oid`,
/// or with an entry of `mode` (gitlink, symlink) at `path`.
pub fn commit_entry(f: &Fixture, path: &str, oid: Oid, mode: FileMode) -> Oid {
    let repo = f.repo();
    let head = repo.head().expect("head").peel_to_commit().expect("commit");
    let mut b = TreeUpdateBuilder::new();
    b.upsert(path, oid, mode);
    let tree = b
        .create_updated(&repo, &head.tree().expect("tree"))
        .expect("updated tree");
    let tree = repo.find_tree(tree).expect("tree");
    let sig = Signature::now("hostile", "hostile@example.invalid").expect("sig");
    // The work tree is left as it was: a hostile tree is read from the
    // object store, never checked out.
    repo.commit(Some("HEAD"), &sig, &sig, "hostile", &tree, &[&head])
        .expect("commit")
}

/// HEAD's tree with a new record folder named by raw bytes in `shard`.
pub fn commit_raw_record(f: &Fixture, shard: &str, name: &[u8], nomination: &[u8]) -> Oid {
    let repo = f.repo();
    let blob = repo.blob(nomination).expect("blob");
    let rec = raw_tree(&repo, &[(0o100644, b"nomination.ron", blob)]);
    // Keep what the shard already holds.
    let head_tree = repo.head().expect("head").peel_to_tree().expect("tree");
    let mut entries: Vec<(u32, Vec<u8>, Oid)> = Vec::new();
    if let Ok(e) = head_tree.get_path(Path::new(&format!("nominations/{shard}"))) {
        let t = repo.find_tree(e.id()).expect("shard");
        for x in t.iter() {
            entries.push((x.filemode() as u32, x.name_bytes().to_vec(), x.id()));
        }
    }
    entries.push((0o40000, name.to_vec(), rec));
    let refs: Vec<(u32, &[u8], Oid)> = entries.iter().map(|(m, n, o)| (*m, &n[..], *o)).collect();
    let shard_tree = raw_tree(&repo, &refs);
    drop(head_tree);
    commit_entry(
        f,
        &format!("nominations/{shard}"),
        shard_tree,
        FileMode::Tree,
    )
}
