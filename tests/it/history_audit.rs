//! The audit and the pre-receive hook on a crafted history: a good campaign
//! written through the real write path (members' own ssh keys, key rotation
//! through `pingxuan key add/revoke`), then one hand-made commit for each kind
//! of violation (git2 commits, signed with sandbox keys, unsigned, tampered).
//! `pingxuan audit` must report every one and nothing else; a real bare
//! repository with `pingxuan hook pre-receive` installed must take a `git push`
//! of the good history and refuse each bad commit with its refs unchanged.

use crate::{common, fixture};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::{DateTime, FixedOffset};
use common::{output_text, Sandbox, SshKey};
use git2::{build::TreeUpdateBuilder, FileMode, Oid, Repository};
use pingxuan::act::{self, Request};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::sign::{SignFormat, Signer, SigningConfig};
use pingxuan::store::layout;
use pingxuan::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");
const CHAIR: &str = "liguohua";
const CLERK: &str = "liuyang";
const CLERK2: &str = "heping";
const REVIEWER: &str = "wangjianguo";
/// Reviewer of unit `gonganju`.
const CONFLICTED: &str = "zhaomin";
/// Reviewer whose key is rotated on 2017-08-01.
const ROTATED: &str = "zhoujie";
/// Reviewer whose only key becomes valid on 2017-10-01.
const LATE: &str = "sunli";
const W1: &str = "2017-window-001";
/// A window entry of `gonganju`, zhaomin's own unit.
const W2: &str = "2017-window-002";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

struct World {
    sb: Sandbox,
    dir: PathBuf,
    members: Vec<Member>,
    keys: BTreeMap<&'static str, SshKey>,
    /// Tip of the good history.
    good: Oid,
}

fn signer(sb: &Sandbox, key: &SshKey) -> Signer {
    let sc = SigningConfig {
        format: SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(key.private.to_str().expect("utf-8").to_string()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: sb.envs(),
    };
    Signer::from_signing_config(&sc)
        .expect("signer")
        .expect("a key")
}

fn score(reviewer: &str, points: f64, when: &str) -> Score {
    Score {
        reviewer: reviewer.into(),
        marks: (1..=10)
            .map(|i| (format!("W{i}"), Mark::Points(points)))
            .collect(),
        comment: String::new(),
        time: at(when),
    }
}

impl World {
    fn new() -> World {
        let sb = Sandbox::new();
        let mut keys = BTreeMap::new();
        for id in [
            CHAIR,
            CLERK,
            CLERK2,
            REVIEWER,
            CONFLICTED,
            ROTATED,
            LATE,
            "zhoujie-new",
            "stranger",
        ] {
            keys.insert(id, sb.ssh_keygen(id, &format!("{id}@test")));
        }
        let campaign: Campaign = ron::from_str(pingxuan::sample::CAMPAIGN).expect("campaign");
        let units: Vec<Unit> = ron::from_str(pingxuan::sample::UNITS).expect("units");
        let mut members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).expect("members");
        for m in &mut members {
            if let Some(k) = keys.get(m.id.as_str()) {
                let from = if m.id == LATE {
                    "2017-10-01"
                } else {
                    "2017-06-01"
                };
                m.keys = vec![PublicKey {
                    key: k.line.clone(),
                    valid_from: fixture::day(from),
                    revoked: None,
                }];
            }
        }
        let dir = sb.path().join("campaign");
        let store = Store::init(&dir, false).expect("init");
        let w = World {
            sb,
            dir,
            members: members.clone(),
            keys,
            good: Oid::ZERO_SHA1,
        };
        w.act(
            &store,
            CHAIR,
            Action::Setup {
                campaign,
                members,
                units,
            },
            "2017-06-15T09:00:00+08:00",
        );
        w.act(
            &store,
            CLERK,
            Action::Nominate(fixture::window(W1, "zhengwu-fuwu-zhongxin")),
            "2017-06-20T10:00:00+08:00",
        );
        w.act(
            &store,
            CLERK,
            Action::Nominate(fixture::window(W2, "gonganju")),
            "2017-06-21T10:00:00+08:00",
        );
        // Key rotation through the command line, as the chair.
        w.sb.set_identity("李國華", "liguohua@wmb.tengzhou.example");
        w.sb.set_config("gpg.format", "ssh");
        w.sb.set_config(
            "user.signingkey",
            w.keys[CHAIR].private.to_str().expect("utf-8"),
        );
        let new_key = w.keys["zhoujie-new"]
            .public
            .to_str()
            .expect("utf-8")
            .to_string();
        let out = w.cli(
            "2017-07-20T09:00:00+08:00",
            &[
                "key",
                "add",
                ROTATED,
                "--key",
                &new_key,
                "--valid-from",
                "2017-08-01",
            ],
        );
        assert!(out.status.success(), "key add: {}", output_text(&out));
        let old = w.keys[ROTATED].line.clone();
        let out = w.cli(
            "2017-07-20T09:05:00+08:00",
            &[
                "key",
                "revoke",
                ROTATED,
                "--key",
                &old,
                "--on",
                "2017-08-01",
            ],
        );
        assert!(out.status.success(), "key revoke: {}", output_text(&out));
        // Revoking twice is refused and writes nothing.
        let out = w.cli(
            "2017-07-20T09:06:00+08:00",
            &[
                "key",
                "revoke",
                ROTATED,
                "--key",
                &old,
                "--on",
                "2017-08-01",
            ],
        );
        assert!(!out.status.success(), "a second revocation is refused");

        w.act(
            &store,
            REVIEWER,
            Action::Score {
                nomination: W1.into(),
                score: score(REVIEWER, 8.0, "2017-09-12T10:00:00+08:00"),
            },
            "2017-09-12T10:00:00+08:00",
        );
        w.act(
            &store,
            CLERK,
            Action::Opinion {
                nomination: W1.into(),
                opinion: Opinion {
                    department: "xinfang".into(),
                    stance: Stance::Approve,
                    reason: String::new(),
                    recorded_by: CLERK.into(),
                    date: fixture::day("2017-09-12"),
                },
            },
            "2017-09-12T11:00:00+08:00",
        );
        // The rotated member signs with the new key: good.
        let done = w.act_with(
            &store,
            ROTATED,
            Action::Score {
                nomination: W1.into(),
                score: score(ROTATED, 7.0, "2017-09-13T10:00:00+08:00"),
            },
            "2017-09-13T10:00:00+08:00",
            "zhoujie-new",
        );
        let mut w = w;
        w.good = done;
        w
    }

    fn act(&self, store: &Store, actor: &str, action: Action, when: &str) -> Oid {
        self.act_with(store, actor, action, when, actor)
    }

    fn act_with(&self, store: &Store, actor: &str, action: Action, when: &str, key: &str) -> Oid {
        let s = signer(&self.sb, &self.keys[key]);
        let sign = |b: &[u8]| s.sign(b);
        let mut snapshot = None;
        act::perform(
            store,
            &mut snapshot,
            &Request {
                actor,
                action: &action,
                when: at(when),
                lang: Lang::En,
            },
            Some(&sign),
        )
        .unwrap_or_else(|e| panic!("{actor} {:?}: {e}", action.kind()))
        .commit
    }

    fn cli(&self, when: &str, args: &[&str]) -> Output {
        self.sb
            .cmd(BIN)
            .arg("--repo")
            .arg(&self.dir)
            .args(["--lang", "en", "--at", when])
            .args(args)
            .output()
            .expect("run pingxuan")
    }

    fn repo(&self) -> Repository {
        Repository::open(&self.dir).expect("open")
    }

    fn email(&self, id: &str) -> String {
        self.members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.email.clone())
            .unwrap_or_else(|| format!("{id}@example.invalid"))
    }
}

enum Sign {
    None,
    Key(&'static str),
    /// Signed with this key, then the commit text changed under the signature.
    Tampered(&'static str),
}

/// One hand-made commit and the violation kinds the audit must report for it.
struct Spec {
    name: &'static str,
    expected: &'static [&'static str],
    author: &'static str,
    when: &'static str,
    sign: Sign,
    changes: Vec<(String, Option<Vec<u8>>)>,
}

fn specs(w: &World) -> Vec<Spec> {
    let score_path = |id: &str, r: &str| layout::score_path(id, r).expect("path");
    let score_file = |r: &str, p: f64, when: &str| fixture::ron(&score(r, p, when));
    let repo = w.repo();
    let tip = repo.find_commit(w.good).expect("tip").tree().expect("tree");
    let read = |p: &str| {
        let e = tip.get_path(Path::new(p)).expect("file");
        repo.find_blob(e.id()).expect("blob").content().to_vec()
    };
    let mut members: Vec<Member> =
        ron::from_str(std::str::from_utf8(&read(layout::MEMBERS)).expect("utf-8")).expect("m");
    for m in &mut members {
        if m.id == CLERK {
            m.roles.push(Role::Chair);
        }
    }
    let mut campaign: Campaign =
        ron::from_str(std::str::from_utf8(&read(layout::CAMPAIGN)).expect("utf-8")).expect("c");
    campaign.notice_days = 30;
    let opinion = Opinion {
        department: "jijian".into(),
        stance: Stance::Approve,
        reason: String::new(),
        recorded_by: REVIEWER.into(),
        date: fixture::day("2017-09-15"),
    };
    let t = "2017-09-15T10:00:00+08:00";
    vec![
        Spec {
            name: "unsigned",
            expected: &["unsigned"],
            author: REVIEWER,
            when: t,
            sign: Sign::None,
            changes: vec![(score_path(W1, REVIEWER), Some(score_file(REVIEWER, 5.0, t)))],
        },
        Spec {
            name: "bad signature",
            expected: &["bad-signature"],
            author: REVIEWER,
            when: t,
            sign: Sign::Tampered(REVIEWER),
            changes: vec![(score_path(W1, REVIEWER), Some(score_file(REVIEWER, 7.0, t)))],
        },
        Spec {
            name: "unknown key",
            expected: &["unknown-key"],
            author: REVIEWER,
            when: t,
            sign: Sign::Key("stranger"),
            changes: vec![(score_path(W1, REVIEWER), Some(score_file(REVIEWER, 6.0, t)))],
        },
        Spec {
            name: "revoked key",
            expected: &["key-revoked"],
            author: ROTATED,
            when: t,
            sign: Sign::Key(ROTATED),
            changes: vec![(score_path(W1, ROTATED), Some(score_file(ROTATED, 5.0, t)))],
        },
        Spec {
            name: "key not yet valid",
            expected: &["key-not-yet-valid"],
            author: LATE,
            when: t,
            sign: Sign::Key(LATE),
            changes: vec![(score_path(W1, LATE), Some(score_file(LATE, 5.0, t)))],
        },
        Spec {
            name: "signed by another member",
            // The committer (the author) names another member than the signer.
            expected: &["signer-not-author", "committer-not-author"],
            author: REVIEWER,
            when: t,
            sign: Sign::Key(CONFLICTED),
            changes: vec![(
                score_path(W1, CONFLICTED),
                Some(score_file(CONFLICTED, 8.0, t)),
            )],
        },
        Spec {
            name: "unknown member",
            expected: &["unsigned", "unknown-member"],
            author: "mallory",
            when: t,
            sign: Sign::None,
            changes: vec![(
                score_path(W1, "mallory"),
                Some(score_file("mallory", 4.0, t)),
            )],
        },
        // ROLES: a reviewer records a department opinion (a clerk's work).
        Spec {
            name: "path outside the role",
            expected: &["outside-role"],
            author: REVIEWER,
            when: t,
            sign: Sign::Key(REVIEWER),
            changes: vec![(
                layout::opinion_path(W1, "jijian").expect("path"),
                Some(fixture::ron(&opinion)),
            )],
        },
        // CONFLICT: zhaomin (unit gonganju) scores gonganju's own entry.
        Spec {
            name: "reviewer scores own unit",
            expected: &["conflict"],
            author: CONFLICTED,
            when: t,
            sign: Sign::Key(CONFLICTED),
            changes: vec![(
                score_path(W2, CONFLICTED),
                Some(score_file(CONFLICTED, 4.0, t)),
            )],
        },
        // PHASES: scoring opens with the review phase on 1 September.
        Spec {
            name: "outside its phase",
            // TIME-FORWARD too: dated a month before its parent.
            expected: &["outside-phase", "time"],
            author: REVIEWER,
            when: "2017-08-15T10:00:00+08:00",
            sign: Sign::Key(REVIEWER),
            changes: vec![(
                score_path(W2, REVIEWER),
                Some(score_file(REVIEWER, 8.0, "2017-08-15T10:00:00+08:00")),
            )],
        },
        Spec {
            name: "rewrites another member's file",
            expected: &["others-file"],
            author: CONFLICTED,
            when: t,
            sign: Sign::Key(CONFLICTED),
            changes: vec![(score_path(W1, REVIEWER), Some(score_file(REVIEWER, 1.0, t)))],
        },
        Spec {
            name: "deletes another member's file",
            // EVERY-CHANGE too: no action deletes a record.
            expected: &["others-file", "not-an-action"],
            author: CLERK2,
            when: t,
            sign: Sign::Key(CLERK2),
            changes: vec![(layout::opinion_path(W1, "xinfang").expect("path"), None)],
        },
        Spec {
            name: "campaign.ron without the chair",
            expected: &["chair-only"],
            author: REVIEWER,
            when: t,
            sign: Sign::Key(REVIEWER),
            changes: vec![(layout::CAMPAIGN.into(), Some(fixture::ron(&campaign)))],
        },
        // Last in the chain: after it the clerk would count as a chair.
        Spec {
            name: "members.ron without the chair",
            expected: &["chair-only"],
            author: CLERK,
            when: t,
            sign: Sign::Key(CLERK),
            changes: vec![(layout::MEMBERS.into(), Some(fixture::ron(&members)))],
        },
    ]
}

/// Makes the commit `spec` describes on top of `parent`; moves no ref.
fn craft(w: &World, parent: Oid, spec: &Spec) -> Oid {
    let repo = w.repo();
    let parent = repo.find_commit(parent).expect("parent");
    let mut b = TreeUpdateBuilder::new();
    for (path, bytes) in &spec.changes {
        match bytes {
            Some(bytes) => {
                let blob = repo.blob(bytes).expect("blob");
                b.upsert(path, blob, FileMode::Blob);
            }
            None => {
                b.remove(path);
            }
        }
    }
    let tree = repo
        .find_tree(
            b.create_updated(&repo, &parent.tree().expect("tree"))
                .expect("tree"),
        )
        .expect("tree");
    let when = at(spec.when);
    let sig = git2::Signature::new(
        spec.author,
        &w.email(spec.author),
        &git2::Time::new(when.timestamp(), 480),
    )
    .expect("signature");
    let msg = format!("crafted: {}\n", spec.name);
    let buffer = |msg: &str| {
        let buf = repo
            .commit_create_buffer(&sig, &sig, msg, &tree, &[&parent])
            .expect("buffer");
        buf.as_str().expect("utf-8").to_string()
    };
    match spec.sign {
        Sign::None => repo
            .commit(None, &sig, &sig, &msg, &tree, &[&parent])
            .expect("commit"),
        Sign::Key(k) => {
            let text = buffer(&msg);
            let s = signer(&w.sb, &w.keys[k])
                .sign(text.as_bytes())
                .expect("sign");
            repo.commit_signed(&text, &s, Some("gpgsig"))
                .expect("commit")
        }
        Sign::Tampered(k) => {
            let signed = buffer(&msg);
            let s = signer(&w.sb, &w.keys[k])
                .sign(signed.as_bytes())
                .expect("sign");
            let edited = buffer(&format!("{msg}(edited after signing)\n"));
            repo.commit_signed(&edited, &s, Some("gpgsig"))
                .expect("commit")
        }
    }
}

#[test]
fn crafted_history_audit_reports_each_violation_kind_and_nothing_else() {
    let w = World::new();
    // The good history alone is clean, the key rotation included.
    let out = w.cli("2018-01-01T00:00:00+08:00", &["audit"]);
    assert!(out.status.success(), "{}", output_text(&out));

    let specs = specs(&w);
    let mut tip = w.good;
    let mut expected: BTreeMap<String, (&str, BTreeSet<&str>)> = BTreeMap::new();
    for spec in &specs {
        tip = craft(&w, tip, spec);
        expected.insert(
            tip.to_string(),
            (spec.name, spec.expected.iter().copied().collect()),
        );
    }
    let repo = w.repo();
    repo.reference("refs/heads/crafted", tip, true, "crafted")
        .expect("ref");
    repo.set_head("refs/heads/crafted").expect("head");

    let out = w.cli("2018-01-01T00:00:00+08:00", &["audit", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for v in report["violations"].as_array().expect("violations") {
        let commit = v["commit"].as_str().expect("commit").to_string();
        assert!(
            expected.contains_key(&commit),
            "a violation on a good commit: {v}"
        );
        assert!(v["rule"].as_str().is_some_and(|r| !r.is_empty()), "{v}");
        found
            .entry(commit)
            .or_default()
            .insert(v["kind"].as_str().expect("kind").to_string());
    }
    for (commit, (name, kinds)) in &expected {
        let got: BTreeSet<&str> = found
            .get(commit)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(&got, kinds, "{name} ({commit}): {}", report["violations"]);
    }
    // The member is named where one can be.
    let conflict = report["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .find(|v| v["kind"] == "conflict")
        .expect("conflict");
    assert_eq!(conflict["member"], CONFLICTED);
    assert_eq!(conflict["rule"], "CONFLICT");
    let phase = report["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .find(|v| v["kind"] == "outside-phase")
        .expect("phase");
    assert_eq!(phase["rule"], "PHASES");

    // --since audits only what came after; text output names commit and rule.
    let out = w.cli("2018-01-01T00:00:00+08:00", &["audit", "--since", "main"]);
    assert_eq!(out.status.code(), Some(1));
    let text = output_text(&out);
    assert!(
        text.contains(&format!("audited {} commits", specs.len())),
        "{text}"
    );
    assert!(text.contains(&tip.to_string()[..12]), "{text}");
    // a sentence for people: the file, what is wrong, the rule after it
    // (the machine kind `chair-only` and the member id are in --json)
    assert!(
        text.contains("members.ron may be changed by the chair only") && text.contains("(ROLES)"),
        "{text}"
    );
    assert!(!text.contains("[chair-only]"), "{text}");
}

#[test]
fn key_rotation_is_honoured_and_shown_in_the_log() {
    let w = World::new();
    let out = w.cli("2018-01-01T00:00:00+08:00", &["log", "--json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entries = log.as_array().expect("entries");
    // Newest first: the rotated member's score, signed with the new key, is good.
    assert_eq!(entries[0]["actor"], ROTATED);
    assert_eq!(entries[0]["signature"]["status"], "good");
    let texts: Vec<&str> = entries
        .iter()
        .flat_map(|e| e["changes"].as_array().expect("changes"))
        .map(|c| c["text"].as_str().expect("text"))
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("key added for ") && t.ends_with("valid from 2017-08-01")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("key of ") && t.ends_with("revoked on 2017-08-01")),
        "{texts:?}"
    );
    assert!(entries.iter().all(|e| e["signature"]["status"] == "good"));
}

/// A bare repository with `pingxuan hook pre-receive` as its pre-receive hook.
fn remote(w: &World) -> PathBuf {
    let bare = w.sb.path().join("remote.git");
    w.sb.git_ok(w.sb.path(), &["init", "--bare", "-b", "main", "remote.git"]);
    let hook = bare.join("hooks").join("pre-receive");
    std::fs::write(
        &hook,
        // The server's clock (TIME-FORWARD): the day of the last good action.
        format!(
            "#!/bin/sh\nPINGXUAN_NOW=2017-09-20T12:00:00+08:00 exec \"{BIN}\" --lang en hook pre-receive\n"
        ),
    )
    .expect("hook");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bare
}

fn remote_main(w: &World, bare: &Path) -> String {
    w.sb.git_ok(bare, &["rev-parse", "refs/heads/main"])
        .trim()
        .to_string()
}

#[test]
fn pre_receive_hook_lands_good_pushes_and_rejects_each_bad_commit() {
    let w = World::new();
    let bare = remote(&w);
    let url = bare.to_str().expect("utf-8").to_string();
    // The whole good history lands.
    let out = w.sb.git(&w.dir, &["push", &url, "main:main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(output_text(&out).contains("pass the audit"));
    assert_eq!(remote_main(&w, &bare), w.good.to_string());

    // Each bad commit, alone on top of the good tip, is refused; nothing moves.
    let repo = w.repo();
    for spec in specs(&w) {
        let bad = craft(&w, w.good, &spec);
        repo.reference("refs/heads/try", bad, true, "try")
            .expect("ref");
        let out = w.sb.git(&w.dir, &["push", &url, "try:main"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{} was accepted: {text}", spec.name);
        assert!(text.contains("push rejected"), "{}: {text}", spec.name);
        assert!(
            text.contains(&bad.to_string()[..12]),
            "{} names the commit: {text}",
            spec.name
        );
        for kind in spec.expected {
            assert!(text.contains(&format!("[{kind}]")), "{}: {text}", spec.name);
        }
        assert_eq!(remote_main(&w, &bare), w.good.to_string(), "{}", spec.name);
        // Nor may it arrive on a new branch.
        let out = w.sb.git(&w.dir, &["push", &url, "try:refs/heads/side"]);
        assert!(!out.status.success(), "{} on a side branch", spec.name);
        let side =
            w.sb.git(&bare, &["rev-parse", "--verify", "-q", "refs/heads/side"]);
        assert!(!side.status.success(), "{}: side branch created", spec.name);
    }

    // A forced push that drops history is refused.
    let parent = repo
        .find_commit(w.good)
        .expect("tip")
        .parent_id(0)
        .expect("parent");
    repo.reference("refs/heads/try", parent, true, "try")
        .expect("ref");
    let out = w.sb.git(&w.dir, &["push", "--force", &url, "try:main"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("[history-rewrite]"), "{text}");
    assert_eq!(remote_main(&w, &bare), w.good.to_string());

    // A further good action lands.
    let store = Store::open(&w.dir).expect("open");
    let next = w.act(
        &store,
        CLERK,
        Action::Opinion {
            nomination: W1.into(),
            opinion: Opinion {
                department: "huanbao".into(),
                stance: Stance::Concern,
                reason: "待核實".into(),
                recorded_by: CLERK.into(),
                date: fixture::day("2017-09-20"),
            },
        },
        "2017-09-20T10:00:00+08:00",
    );
    let out = w.sb.git(&w.dir, &["push", &url, "main:main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(remote_main(&w, &bare), next.to_string());
    let fsck = w.sb.git(&bare, &["fsck", "--strict"]);
    assert!(fsck.status.success(), "{}", output_text(&fsck));
}

#[test]
fn openpgp_signatures_are_checked_with_gpg_against_registered_fingerprints() {
    use pingxuan::sign::verify::{SigStatus, Verifier};
    let sb = Sandbox::new();
    let uid = "Chair <liguohua@wmb.tengzhou.example>";
    let fpr = sb.gpg_gen_key(uid);
    let other = sb.gpg_gen_key("Other <other@example.invalid>");
    let sign_with = |key: &str, payload: &[u8]| {
        Signer::from_signing_config(&SigningConfig {
            format: SignFormat::OpenPgp,
            program: "gpg".into(),
            program_key: "gpg.program",
            key: Some(key.into()),
            default_key_command: None,
            committer: None,
            gpgsign: true,
            env: sb.envs(),
        })
        .expect("signer")
        .expect("key")
        .sign(payload)
        .expect("sign")
    };
    let member = |revoked: Option<&str>| Member {
        id: CHAIR.into(),
        name: "chair".into(),
        email: "liguohua@wmb.tengzhou.example".into(),
        roles: vec![Role::Chair],
        unit: "wenmingban".into(),
        // Registered with spaces and in lower case: still the same fingerprint.
        keys: vec![PublicKey {
            key: fpr
                .to_lowercase()
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("ascii"))
                .collect::<Vec<_>>()
                .join(" "),
            valid_from: fixture::day("2017-06-01"),
            revoked: revoked.map(fixture::day),
        }],
        conflicts: vec![],
    };
    let payload = b"tree 0000000000000000000000000000000000000000\n\npayload\n";
    let sig = sign_with(&fpr, payload);
    let v = Verifier::default().with_env(sb.envs());
    let day = fixture::day("2017-09-15");
    let email = "liguohua@wmb.tengzhou.example";
    assert!(
        matches!(v.verify(&sig, payload, &[member(None)], email, day), SigStatus::Good { ref member, .. } if member == CHAIR)
    );
    assert!(matches!(
        v.verify(&sig, b"tampered", &[member(None)], email, day),
        SigStatus::Bad { .. }
    ));
    assert!(matches!(
        v.verify(&sig, payload, &[member(Some("2017-09-01"))], email, day),
        SigStatus::KeyRevoked { .. }
    ));
    let by_other = sign_with(&other, payload);
    assert!(matches!(
        v.verify(&by_other, payload, &[member(None)], email, day),
        SigStatus::UnknownKey { .. }
    ));
    // GNUPGHOME is honoured: a keyring without the key cannot vouch for it.
    let empty = Sandbox::new();
    let v2 = Verifier::default().with_env(empty.envs());
    assert!(matches!(
        v2.verify(&sig, payload, &[member(None)], email, day),
        SigStatus::UnknownKey { .. }
    ));
}
