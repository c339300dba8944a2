//! History on the demo campaign (about a thousand commits, each signed by its
//! member's ssh key): the audit finds nothing, a record's log reads as
//! semantic diffs with signature states, blame finds the commit behind a field,
//! and the whole history pushed through the pre-receive hook lands.
//! The demo is built once per test run (`pingxuan demo DIR --no-tui`) and
//! copied (tests/common/demo.rs).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::{output_text, Sandbox};
use pingxuan::history::{self, LogOptions};
use pingxuan::i18n::Lang;
use pingxuan::model::{Campaign, ScriptStep};
use pingxuan::store::Store;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");
/// The window entry disqualified for fraud after an upheld objection.
const FRAUD: &str = "2017-window-011";

struct Demo {
    sb: Sandbox,
    dir: PathBuf,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        // The whole scripted year, built once per test run (tests/common/demo.rs).
        let d = common::demo::year();
        Demo {
            sb: d.sb,
            dir: d.dir,
        }
    })
}

fn run(dir: &Path, args: &[&str]) -> Output {
    demo()
        .sb
        .cmd(BIN)
        .arg("--repo")
        .arg(dir)
        .args(["--lang", "en"])
        .args(args)
        .output()
        .expect("run pingxuan")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", output_text(out));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn audit_of_the_demo_history_is_clean() {
    let d = demo();
    let out = run(&d.dir, &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let report = json(&out);
    let history: Vec<ScriptStep> = ron::from_str(pingxuan::sample::HISTORY).expect("history");
    assert_eq!(report["commits"], history.len() + 1);
    assert_eq!(report["violations"], Value::Array(vec![]));
}

#[test]
fn demo_record_log_shows_semantic_diffs_and_signature_states() {
    let d = demo();
    let entries = json(&run(&d.dir, &["log", FRAUD, "--json"]));
    let entries = entries.as_array().expect("entries");
    assert!(entries.len() > 20, "{}", entries.len());
    // Newest first.
    let times: Vec<&str> = entries
        .iter()
        .map(|e| e["time"].as_str().expect("time"))
        .collect();
    let parsed: Vec<_> = times
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).expect("rfc3339"))
        .collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    // Every commit good, by the member who acted.
    for e in entries {
        assert_eq!(e["signature"]["status"], "good", "{e}");
        assert_eq!(e["signature"]["member"], e["actor"], "{e}");
        assert_eq!(e["merge"], false);
        for c in e["changes"].as_array().expect("changes") {
            assert_eq!(c["record"], FRAUD, "{c}");
            let t = c["text"].as_str().expect("text");
            assert!(
                !t.contains("marks:") && !t.starts_with('+') && !t.starts_with('('),
                "a raw line: {t}"
            );
        }
    }
    let changes: Vec<&Value> = entries
        .iter()
        .flat_map(|e| e["changes"].as_array().expect("changes"))
        .collect();
    // The disqualification is the newest change and says why.
    let first = &entries[0]["changes"][0];
    assert_eq!(first["field"], "decision.outcome");
    assert_eq!(first["old"], "candidate");
    assert_eq!(first["new"], "disqualified");
    assert_eq!(first["text"], "decision candidate → disqualified: fraud");
    assert_eq!(entries[0]["action"], "decide");
    // The objection that led to it, upheld.
    assert!(changes.iter().any(|c| c["field"]
        .as_str()
        .is_some_and(|f| f.starts_with("objections.") && f.ends_with(".status"))
        && c["old"] == "open"
        && c["new"] == "upheld"));
    // Department opinions, named as the notice names the departments.
    let campaign: Campaign = ron::from_str(pingxuan::sample::CAMPAIGN).expect("campaign");
    let xinfang = &campaign
        .departments
        .iter()
        .find(|d| d.id == "xinfang")
        .expect("xinfang")
        .name;
    assert!(
        changes
            .iter()
            .any(|c| c["text"] == format!("opinion {xinfang} — → approve")),
        "{changes:?}"
    );
    // Scores criterion by criterion, with the reviewer's name.
    let w3: Vec<&&Value> = changes
        .iter()
        .filter(|c| {
            c["field"]
                .as_str()
                .is_some_and(|f| f.starts_with("scores.") && f.ends_with(".marks.W3"))
        })
        .collect();
    assert!(w3.len() >= 5, "{w3:?}");
    for c in &w3 {
        let t = c["text"].as_str().expect("text");
        assert!(t.starts_with("W3 — → "), "{t}");
        assert!(t.contains(" by "), "{t}");
    }
}

#[test]
fn demo_log_shows_unsigned_unknown_and_bad_signatures() {
    let d = demo();
    let copy = d.sb.path().join(format!("copy-{}", std::process::id()));
    d.sb.git_ok(
        d.sb.path(),
        &[
            "clone",
            "-q",
            d.dir.to_str().expect("utf-8"),
            copy.to_str().expect("utf-8"),
        ],
    );
    let repo = git2::Repository::open(&copy).expect("open");
    let head = repo.head().expect("head").peel_to_commit().expect("commit");
    let path = format!(
        "{}/votes.ron",
        pingxuan::store::layout::record_dir(FRAUD).expect("dir")
    );
    let votes = head
        .tree()
        .expect("tree")
        .get_path(Path::new(&path))
        .expect("votes");
    let text = String::from_utf8(repo.find_blob(votes.id()).expect("blob").content().to_vec())
        .expect("utf-8");
    let stranger =
        d.sb.ssh_keygen(&format!("stranger-{}", std::process::id()), "x@y");
    let signer = pingxuan::sign::Signer::from_signing_config(&pingxuan::sign::SigningConfig {
        format: pingxuan::sign::SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(stranger.private.to_str().expect("utf-8").into()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: d.sb.envs(),
    })
    .expect("signer")
    .expect("key");
    let author = head.author();
    let mut parent = head.clone();

    for (i, how) in ["unsigned", "unknown-key", "bad"].iter().enumerate() {
        let changed = text.replacen("satisfied: ", &format!("satisfied: {}", i + 1), 1);
        let blob = repo.blob(changed.as_bytes()).expect("blob");
        let mut b = git2::build::TreeUpdateBuilder::new();
        b.upsert(&path, blob, git2::FileMode::Blob);
        let tree = repo
            .find_tree(
                b.create_updated(&repo, &parent.tree().expect("tree"))
                    .expect("tree"),
            )
            .expect("tree");
        let msg = format!("edit votes ({how})\n");
        let oid = match *how {
            "unsigned" => repo
                .commit(None, &author, &author, &msg, &tree, &[&parent])
                .expect("commit"),
            _ => {
                let buf = repo
                    .commit_create_buffer(&author, &author, &msg, &tree, &[&parent])
                    .expect("buffer");
                let buf = buf.as_str().expect("utf-8").to_string();
                let sig = signer.sign(buf.as_bytes()).expect("sign");
                let stored = if *how == "bad" {
                    buf.replace("edit votes", "edit the votes")
                } else {
                    buf
                };
                repo.commit_signed(&stored, &sig, Some("gpgsig"))
                    .expect("commit")
            }
        };

        parent = repo.find_commit(oid).expect("commit");
    }
    repo.reference("refs/heads/main", parent.id(), true, "edits")
        .expect("ref");
    let entries = json(&run(&copy, &["log", FRAUD, "--json", "-n", "3"]));
    let statuses: Vec<&str> = entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["signature"]["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["bad", "unknown-key", "unsigned"]);
    let first = &entries[0]["changes"][0];
    assert_eq!(first["field"], "votes.satisfied");
    // The text form shows the badge.
    let out = run(&copy, &["log", FRAUD, "-n", "3"]);
    let text = output_text(&out);
    assert!(
        text.contains("[bad]") && text.contains("[unsigned]"),
        "{text}"
    );
    assert!(text.contains("votes satisfied "), "{text}");
    // And the audit reports all three (beside what the chair's edit of a clerk's
    // votes in December breaks: roles, phase, another member's file).
    let report = json_any(&run(&copy, &["audit", "--json", "--since", "HEAD~3"]));
    let kinds: Vec<&str> = report["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| v["kind"].as_str().expect("kind"))
        .filter(|k| ["unsigned", "unknown-key", "bad-signature"].contains(k))
        .collect();
    assert_eq!(kinds, ["unsigned", "unknown-key", "bad-signature"]);
}

fn json_any(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", output_text(out)))
}

#[test]
fn blame_finds_the_commit_behind_a_field() {
    let d = demo();
    let store = Store::open(&d.dir).expect("open");
    let b = history::blame(&store, FRAUD, "decision.outcome")
        .expect("blame")
        .expect("found");
    assert_eq!(b.change.new.as_deref(), Some("disqualified"));
    assert_eq!(b.entry.actor.as_deref(), Some("liguohua"));
    assert!(b.entry.signature.is_good());
    // A single criterion of one reviewer's score.
    let log = history::log(
        &store,
        Some(FRAUD),
        &LogOptions {
            lang: Lang::En,
            ..LogOptions::default()
        },
    )
    .expect("log");
    let scored = log
        .iter()
        .find(|e| e.action.as_deref() == Some("score"))
        .expect("a score");
    let reviewer = scored.actor.clone().expect("actor");
    let field = format!("scores.{reviewer}.marks.W3");
    let b = history::blame(&store, FRAUD, &field)
        .expect("blame")
        .expect("found");
    assert_eq!(b.entry.commit, scored.commit);
    assert_eq!(b.change.field, field);
    assert!(history::blame(&store, FRAUD, "scores.nobody.marks.W3")
        .expect("blame")
        .is_none());
}

#[test]
fn the_demo_history_pushed_through_the_hook_lands() {
    let d = demo();
    let bare = d.sb.path().join("remote.git");
    d.sb.git_ok(
        d.sb.path(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    let hook = bare.join("hooks").join("pre-receive");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\nexec \"{BIN}\" --lang en hook pre-receive\n"),
    )
    .expect("hook");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = d.sb.git(
        &d.dir,
        &["push", bare.to_str().expect("utf-8"), "main:main"],
    );
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    let history: Vec<ScriptStep> = ron::from_str(pingxuan::sample::HISTORY).expect("history");
    assert!(
        text.contains(&format!("{} new commits pass the audit", history.len() + 1)),
        "{text}"
    );
    let local = d.sb.git_ok(&d.dir, &["rev-parse", "main"]);
    let remote = d.sb.git_ok(&bare, &["rev-parse", "main"]);
    assert_eq!(local, remote);
}
