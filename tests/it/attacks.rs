//! The signed history cannot be bent (issue 12): a fresh campaign built with
//! `pingxuan init`, a short honest history written through the library's one
//! write path and the command line, then every attack class of the issue made
//! with plain git (`git commit-tree -S` with test-generated ssh keys) on top
//! of it. Each attack is checked three ways:
//! (a) `pingxuan audit` exits 1 naming the commit and the rule;
//! (b) a push to a real bare repository whose pre-receive hook runs
//!     `pingxuan hook pre-receive` is refused, the ref unchanged;
//! (c) `pingxuan sync` in a member's clone that fetches it (from a server
//!     without the hook) refuses it, HEAD unchanged.
//!
//! Rules: ONE-CHAIN, TIME-FORWARD, EVERY-CHANGE, OPEN.

use crate::{common, fixture};

use std::collections::BTreeMap;
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
const CHAIR_EMAIL: &str = "liguohua@wmb.tengzhou.example";
const CLERK: &str = "liuyang";
const REVIEWER: &str = "wangjianguo";
/// Reviewer whose first key is revoked on 2017-08-01 (a new one takes over).
const ROTATED: &str = "zhoujie";
const W1: &str = "2017-window-001";
const W2: &str = "2017-window-002";
/// The server's clock for the hook: the day after the honest history ends.
const SERVER_NOW: &str = "2017-12-06T12:00:00+08:00";
/// When the attacks are made (within `max_offline` of the server's clock).
const T: &str = "2017-12-06T10:00:00+08:00";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
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

struct World {
    sb: Sandbox,
    dir: PathBuf,
    keys: BTreeMap<&'static str, SshKey>,
    emails: BTreeMap<String, String>,
    /// Before the key rotation.
    early: Oid,
    /// Tip of the honest history.
    good: Oid,
    /// The fraud report the chair upheld, and one still open.
    upheld: String,
    open: String,
}

impl World {
    fn new() -> World {
        let sb = Sandbox::new();
        let mut keys = BTreeMap::new();
        for id in [CHAIR, CLERK, REVIEWER, ROTATED, "zhoujie-new", "stranger"] {
            keys.insert(id, sb.ssh_keygen(id, &format!("{id}@test")));
        }
        // The chair sets the campaign up with `pingxuan init`; init registers
        // the key git signs with.
        sb.set_identity("李國華", CHAIR_EMAIL);
        sb.set_config("gpg.format", "ssh");
        sb.set_config(
            "user.signingkey",
            keys[CHAIR].private.to_str().expect("utf-8"),
        );
        sb.set_config("commit.gpgsign", "true");
        let dir = sb.path().join("campaign");
        let out = sb
            .cmd(BIN)
            .args(["--lang", "en", "--at", "2017-06-15T09:00:00+08:00", "init"])
            .arg(&dir)
            .output()
            .expect("run init");
        assert!(out.status.success(), "init: {}", output_text(&out));
        let store = Store::open(&dir).expect("open");
        let snap = store.snapshot().expect("snapshot");
        let chair_key = snap.member(CHAIR).expect("chair").keys.clone();
        assert_eq!(chair_key.len(), 1, "init registers the chair's signing key");
        assert_eq!(
            chair_key[0].key.split_whitespace().nth(1),
            keys[CHAIR].line.split_whitespace().nth(1)
        );

        // The chair registers the committee with their keys.
        let mut members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).expect("members");
        for m in &mut members {
            m.keys = match keys.get(m.id.as_str()) {
                Some(_) if m.id == CHAIR => chair_key.clone(),
                Some(k) => vec![PublicKey {
                    key: k.line.clone(),
                    valid_from: fixture::day("2017-06-01"),
                    revoked: None,
                }],
                None => vec![],
            };
        }
        let emails = members
            .iter()
            .map(|m| (m.id.clone(), m.email.clone()))
            .collect();
        let mut w = World {
            sb,
            dir,
            keys,
            emails,
            early: Oid::ZERO_SHA1,
            good: Oid::ZERO_SHA1,
            upheld: String::new(),
            open: String::new(),
        };
        w.act(
            &store,
            CHAIR,
            Action::Members(members),
            "2017-06-15T10:00:00+08:00",
        );
        w.act(
            &store,
            CLERK,
            Action::Nominate(fixture::window(W1, "zhengwu-fuwu-zhongxin")),
            "2017-06-20T10:00:00+08:00",
        );
        w.early = w.act(
            &store,
            CLERK,
            Action::Nominate(fixture::window(W2, "gonganju")),
            "2017-06-21T10:00:00+08:00",
        );
        // Key rotation through the command line, as the chair.
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
        w.act(
            &store,
            REVIEWER,
            Action::Score {
                nomination: W1.into(),
                score: score(REVIEWER, 8.0, "2017-09-12T10:00:00+08:00"),
            },
            "2017-09-12T10:00:00+08:00",
        );
        w.act_with(
            &store,
            ROTATED,
            Action::Score {
                nomination: W1.into(),
                score: score(ROTATED, 7.0, "2017-09-13T10:00:00+08:00"),
            },
            "2017-09-13T10:00:00+08:00",
            "zhoujie-new",
        );
        for (n, when) in [
            (W1, "2017-09-14T10:00:00+08:00"),
            (W2, "2017-09-14T11:00:00+08:00"),
        ] {
            w.act(
                &store,
                CLERK,
                Action::Object {
                    nomination: n.into(),
                    objection: Objection {
                        filed: at(when),
                        source: "hotline".into(),
                        text: "the figures were inflated".into(),
                        fraud: true,
                        recorded_by: CLERK.into(),
                        status: ObjectionStatus::Open,
                        resolution: None,
                    },
                },
                when,
            );
        }
        let snap = store.snapshot().expect("snapshot");
        w.upheld = snap.records[W1]
            .objections
            .keys()
            .next()
            .expect("one")
            .clone();
        w.open = snap.records[W2]
            .objections
            .keys()
            .next()
            .expect("one")
            .clone();
        w.good = w.act(
            &store,
            CHAIR,
            Action::Resolve {
                nomination: W1.into(),
                objection: w.upheld.clone(),
                upheld: true,
                reason: "the office checked the figures".into(),
                date: fixture::day("2017-12-05"),
            },
            "2017-12-05T10:00:00+08:00",
        );
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

    fn cli_in(&self, dir: &Path, when: Option<&str>, args: &[&str]) -> Output {
        let mut c = self.sb.cmd(BIN);
        c.arg("--repo").arg(dir).args(["--lang", "en"]);
        if let Some(when) = when {
            c.args(["--at", when]);
        }
        c.args(args).output().expect("run pingxuan")
    }

    fn cli(&self, when: &str, args: &[&str]) -> Output {
        self.cli_in(&self.dir, Some(when), args)
    }

    fn repo(&self) -> Repository {
        Repository::open(&self.dir).expect("open")
    }

    fn email(&self, id: &str) -> String {
        self.emails
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("{id}@example.invalid"))
    }

    /// A tree: `base`'s (or empty) with `changes` applied (`None` removes).
    fn tree(&self, base: Option<Oid>, changes: &[(String, Option<Vec<u8>>)]) -> Oid {
        let repo = self.repo();
        let mut b = TreeUpdateBuilder::new();
        for (path, bytes) in changes {
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
        let base_tree = match base {
            Some(c) => repo.find_commit(c).expect("commit").tree().expect("tree"),
            None => {
                let empty = repo.treebuilder(None).expect("tb").write().expect("tree");
                repo.find_tree(empty).expect("tree")
            }
        };
        b.create_updated(&repo, &base_tree).expect("tree")
    }

    /// `git commit-tree` with the given identities and times, signed (`-S`)
    /// with `key`'s ssh key when one is named.
    fn commit(&self, c: &Craft) -> Oid {
        let mut cmd = self.sb.cmd("git");
        cmd.current_dir(&self.dir)
            .env("GIT_AUTHOR_NAME", c.author)
            .env("GIT_AUTHOR_EMAIL", self.email(c.author))
            .env("GIT_AUTHOR_DATE", c.author_time)
            .env("GIT_COMMITTER_NAME", c.committer)
            .env("GIT_COMMITTER_EMAIL", self.email(c.committer))
            .env("GIT_COMMITTER_DATE", c.committer_time);
        if let Some(k) = c.key {
            cmd.args([
                "-c",
                "gpg.format=ssh",
                "-c",
                &format!("user.signingkey={}", self.keys[k].private.display()),
            ]);
        }
        cmd.args(["commit-tree", &c.tree.to_string(), "-m", c.message]);
        for p in &c.parents {
            cmd.args(["-p", &p.to_string()]);
        }
        cmd.arg(if c.key.is_some() {
            "-S"
        } else {
            "--no-gpg-sign"
        });
        let out = cmd.output().expect("git commit-tree");
        assert!(out.status.success(), "commit-tree: {}", output_text(&out));
        Oid::from_str(String::from_utf8_lossy(&out.stdout).trim()).expect("oid")
    }

    fn blob_at(&self, commit: Oid, path: &str) -> Vec<u8> {
        let repo = self.repo();
        let tree = repo
            .find_commit(commit)
            .expect("commit")
            .tree()
            .expect("tree");
        let e = tree.get_path(Path::new(path)).expect("file");
        let bytes = repo.find_blob(e.id()).expect("blob").content().to_vec();
        bytes
    }
}

struct Craft<'a> {
    tree: Oid,
    parents: Vec<Oid>,
    author: &'a str,
    author_time: &'a str,
    committer: &'a str,
    committer_time: &'a str,
    key: Option<&'static str>,
    message: &'a str,
}

impl<'a> Craft<'a> {
    fn by(author: &'a str, key: Option<&'static str>, tree: Oid, parents: Vec<Oid>) -> Craft<'a> {
        Craft {
            tree,
            parents,
            author,
            author_time: T,
            committer: author,
            committer_time: T,
            key,
            message: "crafted",
        }
    }
}

/// One attack: the tip to push, the commit the audit must name, the rule and
/// the violation kinds (any one of which) that name it.
struct Attack {
    name: &'static str,
    tip: Oid,
    bad: Oid,
    rule: &'static str,
    kinds: &'static [&'static str],
}

fn attacks(w: &World) -> Vec<Attack> {
    let mut out = Vec::new();
    let g = w.good;
    let score_path = |id: &str, r: &str| layout::score_path(id, r).expect("path");
    let t = T;

    // 1. A forged decision by someone with no key: an unrelated root whose
    // members.ron names the attacker as chair, then a merge with that root as
    // first parent carrying a decision.
    let mallory_members: Vec<Member> = vec![Member {
        id: "mallory".into(),
        name: "Mallory".into(),
        email: "mallory@example.invalid".into(),
        roles: vec![Role::Chair],
        unit: "wenmingban".into(),
        keys: vec![PublicKey {
            key: w.keys["stranger"].line.clone(),
            valid_from: fixture::day("2017-01-01"),
            revoked: None,
        }],
        conflicts: vec![],
    }];
    let root_tree = w.tree(
        None,
        &[
            (
                layout::CAMPAIGN.into(),
                Some(w.blob_at(g, layout::CAMPAIGN)),
            ),
            (layout::UNITS.into(), Some(w.blob_at(g, layout::UNITS))),
            (layout::MEMBERS.into(), Some(fixture::ron(&mallory_members))),
        ],
    );
    let root = w.commit(&Craft {
        author_time: "2017-06-01T09:00:00+08:00",
        committer_time: "2017-06-01T09:00:00+08:00",
        ..Craft::by("mallory", Some("stranger"), root_tree, vec![])
    });
    let decision = Decision {
        outcome: Outcome::Final,
        reason: "forged".into(),
        fraud: false,
        by: "mallory".into(),
        date: fixture::day("2017-12-06"),
        reopened: None,
    };
    let merge_tree = w.tree(
        Some(g),
        &[(
            layout::decision_path(W1).expect("path"),
            Some(fixture::ron(&decision)),
        )],
    );
    let merge = w.commit(&Craft::by(
        "mallory",
        Some("stranger"),
        merge_tree,
        vec![root, g],
    ));
    out.push(Attack {
        name: "forged root and merge decision",
        tip: merge,
        bad: merge,
        rule: "ONE-CHAIN",
        // (sync names the foreign root it meets first)
        kinds: &["merge", "foreign-root"],
    });
    out.push(Attack {
        name: "forged root (the root itself)",
        tip: merge,
        bad: root,
        rule: "ONE-CHAIN",
        kinds: &["foreign-root"],
    });

    // 2. A merge that silently reverts: first parent an old commit, its tree.
    let old_tree = w.repo().find_commit(w.early).expect("early").tree_id();
    let revert = w.commit(&Craft::by(
        REVIEWER,
        Some(REVIEWER),
        old_tree,
        vec![w.early, g],
    ));
    out.push(Attack {
        name: "reverting merge",
        tip: revert,
        bad: revert,
        rule: "ONE-CHAIN",
        kinds: &["merge"],
    });

    // 3. A revoked key through a merge whose first parent predates the revocation.
    let revoked_tree = w.tree(
        Some(g),
        &[(
            score_path(W1, ROTATED),
            Some(fixture::ron(&score(ROTATED, 2.0, t))),
        )],
    );
    let revoked_merge = w.commit(&Craft::by(
        ROTATED,
        Some(ROTATED),
        revoked_tree,
        vec![w.early, g],
    ));
    out.push(Attack {
        name: "revoked key through a merge",
        tip: revoked_merge,
        bad: revoked_merge,
        rule: "ONE-CHAIN",
        kinds: &["merge"],
    });

    // 4. A clerk rewrites the chair's ruling: upheld becomes dismissed.
    let path = layout::objection_path(W1, &w.upheld).expect("path");
    let mut ruled: Objection =
        ron::from_str(std::str::from_utf8(&w.blob_at(g, &path)).expect("utf-8")).expect("ron");
    assert_eq!(ruled.status, ObjectionStatus::Upheld);
    ruled.status = ObjectionStatus::Dismissed;
    let tree = w.tree(Some(g), &[(path, Some(fixture::ron(&ruled)))]);
    let rewrite = w.commit(&Craft::by(CLERK, Some(CLERK), tree, vec![g]));
    out.push(Attack {
        name: "clerk rewrites the chair's ruling",
        tip: rewrite,
        bad: rewrite,
        rule: "EVERY-CHANGE",
        kinds: &["not-an-action"],
    });

    // 5. Backdating with plain git: both times before the parent's, and an
    // action time further back than max_offline with an honest commit time.
    let back = "2017-11-20T10:00:00+08:00";
    let tree = w.tree(
        Some(g),
        &[(
            score_path(W1, REVIEWER),
            Some(fixture::ron(&score(REVIEWER, 1.0, back))),
        )],
    );
    let backdated = w.commit(&Craft {
        author_time: back,
        committer_time: back,
        ..Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g])
    });
    out.push(Attack {
        name: "backdated commit (before its parent)",
        tip: backdated,
        bad: backdated,
        rule: "TIME-FORWARD",
        kinds: &["time"],
    });
    let offline = w.commit(&Craft {
        author_time: back,
        ..Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g])
    });
    out.push(Attack {
        name: "action time beyond max_offline",
        tip: offline,
        bad: offline,
        rule: "TIME-FORWARD",
        kinds: &["time"],
    });

    // 6. Deletions: the clerk deletes the open fraud report; the reviewer
    // deletes their own score.
    let tree = w.tree(
        Some(g),
        &[(layout::objection_path(W2, &w.open).expect("path"), None)],
    );
    let del_report = w.commit(&Craft::by(CLERK, Some(CLERK), tree, vec![g]));
    out.push(Attack {
        name: "clerk deletes an open fraud report",
        tip: del_report,
        bad: del_report,
        rule: "EVERY-CHANGE",
        kinds: &["not-an-action"],
    });
    let tree = w.tree(Some(g), &[(score_path(W1, REVIEWER), None)]);
    let del_score = w.commit(&Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g]));
    // Deleting one's own score is the `withdraw` action (FREEZE, EVERY-CHANGE),
    // allowed only while scoring is open and the entry is not decided: after
    // every phase closed it is refused by the clock.
    out.push(Attack {
        name: "reviewer deletes their own score",
        tip: del_score,
        bad: del_score,
        rule: "PHASES",
        kinds: &["outside-phase"],
    });

    // 7. A 5 MB file at the reviewer's own score path.
    let mut big = fixture::ron(&score(REVIEWER, 9.0, t));
    big.extend(std::iter::repeat_n(b' ', 5 << 20));
    let tree = w.tree(Some(g), &[(score_path(W1, REVIEWER), Some(big))]);
    let huge = w.commit(&Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g]));
    out.push(Attack {
        name: "5 MB file at the reviewer's own score path",
        tip: huge,
        bad: huge,
        rule: "EVERY-CHANGE",
        kinds: &["unreadable"],
    });

    // 8. The committer names another member than the author and signer.
    let tree = w.tree(
        Some(g),
        &[(
            score_path(W1, REVIEWER),
            Some(fixture::ron(&score(REVIEWER, 6.0, t))),
        )],
    );
    let other_committer = w.commit(&Craft {
        committer: CLERK,
        ..Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g])
    });
    out.push(Attack {
        name: "committer names another member",
        tip: other_committer,
        bad: other_committer,
        rule: "OPEN",
        kinds: &["committer-not-author"],
    });

    // Two actions in one commit.
    let tree = w.tree(
        Some(g),
        &[
            (
                score_path(W1, REVIEWER),
                Some(fixture::ron(&score(REVIEWER, 6.0, t))),
            ),
            (
                score_path(W2, REVIEWER),
                Some(fixture::ron(&score(REVIEWER, 6.0, t))),
            ),
        ],
    );
    let two = w.commit(&Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g]));
    out.push(Attack {
        name: "two actions in one commit",
        tip: two,
        bad: two,
        rule: "EVERY-CHANGE",
        kinds: &["not-an-action"],
    });

    // Classes caught before issue 12, made the same way.
    let tree = w.tree(
        Some(g),
        &[(
            score_path(W1, REVIEWER),
            Some(fixture::ron(&score(REVIEWER, 5.0, t))),
        )],
    );
    let unsigned = w.commit(&Craft::by(REVIEWER, None, tree, vec![g]));
    out.push(Attack {
        name: "unsigned",
        tip: unsigned,
        bad: unsigned,
        rule: "OPEN",
        kinds: &["unsigned"],
    });
    let stranger = w.commit(&Craft::by(REVIEWER, Some("stranger"), tree, vec![g]));
    out.push(Attack {
        name: "unknown key",
        tip: stranger,
        bad: stranger,
        rule: "OPEN",
        kinds: &["unknown-key"],
    });
    let tree = w.tree(
        Some(g),
        &[(
            score_path(W1, ROTATED),
            Some(fixture::ron(&score(ROTATED, 5.0, t))),
        )],
    );
    let revoked = w.commit(&Craft::by(ROTATED, Some(ROTATED), tree, vec![g]));
    out.push(Attack {
        name: "revoked key",
        tip: revoked,
        bad: revoked,
        rule: "OPEN",
        kinds: &["key-revoked"],
    });
    let members = w.blob_at(g, layout::MEMBERS);
    let text = String::from_utf8(members)
        .expect("utf-8")
        .replace("Reviewer", "Chair");
    let tree = w.tree(
        Some(g),
        &[(layout::MEMBERS.into(), Some(text.into_bytes()))],
    );
    let promote = w.commit(&Craft::by(REVIEWER, Some(REVIEWER), tree, vec![g]));
    out.push(Attack {
        name: "reviewer makes themself chair",
        tip: promote,
        bad: promote,
        rule: "ROLES",
        kinds: &["chair-only"],
    });
    out
}

/// A bare repository; with the hook, `pingxuan hook pre-receive` on the
/// server clock [`SERVER_NOW`].
fn bare(w: &World, name: &str, hook: bool) -> PathBuf {
    let bare = w.sb.path().join(name);
    w.sb.git_ok(w.sb.path(), &["init", "--bare", "-b", "main", name]);
    if hook {
        let path = bare.join("hooks").join("pre-receive");
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nPINGXUAN_NOW={SERVER_NOW} exec \"{BIN}\" --lang en hook pre-receive\n"
            ),
        )
        .expect("hook");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bare
}

fn rev(w: &World, dir: &Path, r: &str) -> String {
    w.sb.git_ok(dir, &["rev-parse", r]).trim().to_string()
}

fn violations(out: &Output) -> Vec<serde_json::Value> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}: {}", output_text(out)));
    report["violations"].as_array().expect("violations").clone()
}

/// ONE-CHAIN, TIME-FORWARD, EVERY-CHANGE: every attack class, three gates.
#[test]
fn attacks_one_chain_time_forward_every_change_refused_by_audit_hook_and_sync() {
    let w = World::new();
    // A fresh campaign's honest history audits clean.
    let out = w.cli_in(&w.dir, None, &["audit"]);
    assert!(out.status.success(), "{}", output_text(&out));

    let server = bare(&w, "server.git", true);
    let url = server.to_str().expect("utf-8").to_string();
    let out = w.sb.git(&w.dir, &["push", &url, "main:main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(rev(&w, &server, "main"), w.good.to_string());
    // The first accepted push pinned the genesis.
    let pinned = w.sb.git_ok(&server, &["config", "pingxuan.genesis"]);
    let root =
        w.sb.git_ok(&w.dir, &["rev-list", "--max-parents=0", "main"]);
    assert_eq!(pinned.trim(), root.trim());

    // A server without the hook that the member's clone syncs with.
    let evil = bare(&w, "evil.git", false);
    let evil_url = evil.to_str().expect("utf-8").to_string();
    w.sb.git_ok(&w.dir, &["push", &evil_url, "main:main"]);
    let clone = w.sb.path().join("member");
    w.sb.git_ok(w.sb.path(), &["clone", "-q", &evil_url, "member"]);

    let repo = w.repo();
    for a in attacks(&w) {
        // (a) the audit names the commit and the rule.
        repo.reference("refs/heads/try", a.tip, true, "try")
            .expect("ref");
        repo.set_head("refs/heads/try").expect("head");
        let out = w.cli_in(&w.dir, None, &["audit", "--json"]);
        repo.set_head("refs/heads/main").expect("head");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            a.name,
            output_text(&out)
        );
        let vs = violations(&out);
        assert!(
            vs.iter().any(|v| v["commit"] == a.bad.to_string()
                && v["rule"] == a.rule
                && a.kinds.iter().any(|k| v["kind"] == *k)),
            "{}: no {} {:?} on {}: {vs:#?}",
            a.name,
            a.rule,
            a.kinds,
            a.bad
        );
        // The text report names them too.
        repo.set_head("refs/heads/try").expect("head");
        let out = w.cli_in(&w.dir, None, &["audit"]);
        repo.set_head("refs/heads/main").expect("head");
        let text = output_text(&out);
        assert!(
            text.contains(&a.bad.to_string()[..12]),
            "{}: {text}",
            a.name
        );
        assert!(text.contains(a.rule), "{}: {text}", a.name);

        // (b) the hook refuses the push; the ref stays.
        let out = w.sb.git(&w.dir, &["push", &url, "try:main"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{} was accepted: {text}", a.name);
        assert!(text.contains("push rejected"), "{}: {text}", a.name);
        assert!(
            a.kinds.iter().any(|k| text.contains(&format!("[{k}]"))),
            "{}: {text}",
            a.name
        );
        assert_eq!(rev(&w, &server, "main"), w.good.to_string(), "{}", a.name);

        // (c) sync in a member's clone refuses it; HEAD stays. The clone knows
        // the remote at the honest tip, as a member who synced before the
        // attack would (a sync remembers a remote it saw rewritten).
        w.sb.git_ok(
            &clone,
            &[
                "update-ref",
                "refs/remotes/origin/main",
                &w.good.to_string(),
            ],
        );
        w.sb.git_ok(&w.dir, &["push", "-f", &evil_url, "try:main"]);
        let before = rev(&w, &clone, "HEAD");
        let out = w.cli_in(&clone, None, &["sync"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{}: sync took it: {text}", a.name);
        assert!(
            a.kinds.iter().any(|k| text.contains(&format!("[{k}]"))),
            "{}: {text}",
            a.name
        );
        assert_eq!(rev(&w, &clone, "HEAD"), before, "{}: {text}", a.name);
        assert_eq!(before, w.good.to_string());
        w.sb.git_ok(&w.dir, &["push", "-f", &evil_url, "main:main"]);
    }

    // Honest work still lands through the hook: a fraud report arrives at any time.
    let store = Store::open(&w.dir).expect("open");
    let next = w.act(
        &store,
        CLERK,
        Action::Object {
            nomination: W2.into(),
            objection: Objection {
                filed: at(T),
                source: "letter".into(),
                text: "a second report".into(),
                fraud: true,
                recorded_by: CLERK.into(),
                status: ObjectionStatus::Open,
                resolution: None,
            },
        },
        T,
    );
    let out = w.sb.git(&w.dir, &["push", &url, "main:main"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(rev(&w, &server, "main"), next.to_string());
    let fsck = w.sb.git(&server, &["fsck", "--strict"]);
    assert!(fsck.status.success(), "{}", output_text(&fsck));
}

/// TIME-FORWARD: `--at` before the chain's head is refused before anything is
/// written (the issue's `score --at 2017-11-20` on top of a December head).
#[test]
fn time_forward_at_before_the_head_is_refused_and_writes_nothing() {
    let w = World::new();
    w.sb.set_identity("王建國", &w.email(REVIEWER));
    w.sb.set_config(
        "user.signingkey",
        w.keys[REVIEWER].private.to_str().expect("utf-8"),
    );
    let head = rev(&w, &w.dir, "HEAD");
    let marks: Vec<String> = (1..=10).map(|i| format!("W{i}=1")).collect();
    let mut args = vec!["score", W1];
    for m in &marks {
        args.extend(["-m", m.as_str()]);
    }
    let out = w.cli("2017-11-20T10:00:00+08:00", &args);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("TIME-FORWARD"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(rev(&w, &w.dir, "HEAD"), head);
    let status = w.sb.git_ok(&w.dir, &["status", "--porcelain"]);
    assert!(status.trim().is_empty(), "{status}");
}

/// OPEN: a score signed with a key not registered to the reviewer (ssh, then
/// OpenPGP) is refused before anything is written, saying what to do.
#[test]
fn unregistered_ssh_and_gpg_keys_are_refused_before_writing() {
    let w = World::new();
    let head = rev(&w, &w.dir, "HEAD");
    // December: scoring is closed, fraud reports arrive at any time; the clerk acts.
    w.sb.set_identity("劉洋", &w.email(CLERK));
    let object = [
        "object",
        W2,
        "--source",
        "letter",
        "--text",
        "another report",
        "--fraud",
    ];
    // ssh: the stranger's key.
    w.sb.set_config("gpg.format", "ssh");
    w.sb.set_config(
        "user.signingkey",
        w.keys["stranger"].private.to_str().expect("utf-8"),
    );
    let out = w.cli(T, &object);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("registered to no member"), "{text}");
    assert!(text.contains("pingxuan key add liuyang"), "{text}");
    assert_eq!(rev(&w, &w.dir, "HEAD"), head);
    assert!(w
        .sb
        .git_ok(&w.dir, &["status", "--porcelain"])
        .trim()
        .is_empty());
    // ssh: another member's registered key.
    w.sb.set_config(
        "user.signingkey",
        w.keys[REVIEWER].private.to_str().expect("utf-8"),
    );
    let out = w.cli(T, &object);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("registered to wangjianguo"), "{text}");
    assert_eq!(rev(&w, &w.dir, "HEAD"), head);
    // OpenPGP: a fresh gpg key nobody registered.
    let fpr = w.sb.gpg_gen_key(&format!("劉洋 <{}>", w.email(CLERK)));
    w.sb.set_config("gpg.format", "openpgp");
    w.sb.set_config("user.signingkey", &fpr);
    let out = w.cli(T, &object);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("registered to no member"), "{text}");
    assert_eq!(rev(&w, &w.dir, "HEAD"), head);
    assert!(w
        .sb
        .git_ok(&w.dir, &["status", "--porcelain"])
        .trim()
        .is_empty());
    // The clerk's own key writes.
    w.sb.set_config("gpg.format", "ssh");
    w.sb.set_config(
        "user.signingkey",
        w.keys[CLERK].private.to_str().expect("utf-8"),
    );
    let out = w.cli(T, &object);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_ne!(rev(&w, &w.dir, "HEAD"), head);
}

/// ONE-CHAIN at the server: with the genesis pinned (as `hook install
/// --genesis` does), an unrelated history is refused even on a new branch.
/// TIME-FORWARD at the server: a commit dated ahead of the server's clock, or
/// behind it by more than max_offline, is refused.
#[test]
fn one_chain_pinned_genesis_and_time_forward_server_clock() {
    let w = World::new();
    let server = bare(&w, "server.git", true);
    let url = server.to_str().expect("utf-8").to_string();
    // Pin the genesis by hand, through the library, before any push.
    let root =
        w.sb.git_ok(&w.dir, &["rev-list", "--max-parents=0", "main"]);
    let root = Oid::from_str(root.trim()).expect("oid");
    let bare_repo = Repository::open_bare(&server).expect("bare");
    pingxuan::history::hook::pin_genesis(&bare_repo, root).expect("pin");
    assert_eq!(
        pingxuan::history::hook::pinned_genesis(&bare_repo),
        Some(root)
    );
    let out = w.sb.git(&w.dir, &["push", &url, "main:main"]);
    assert!(out.status.success(), "{}", output_text(&out));

    // An unrelated, otherwise well-formed campaign history.
    let mut members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).expect("m");
    for m in &mut members {
        if m.id == CHAIR {
            m.keys = vec![PublicKey {
                key: w.keys[CHAIR].line.clone(),
                valid_from: fixture::day("2017-06-01"),
                revoked: None,
            }];
        }
    }
    let tree = w.tree(
        None,
        &[
            (
                layout::CAMPAIGN.into(),
                Some(w.blob_at(w.good, layout::CAMPAIGN)),
            ),
            (layout::UNITS.into(), Some(w.blob_at(w.good, layout::UNITS))),
            (layout::MEMBERS.into(), Some(fixture::ron(&members))),
        ],
    );
    let other = w.commit(&Craft::by(CHAIR, Some(CHAIR), tree, vec![]));
    let repo = w.repo();
    repo.reference("refs/heads/other", other, true, "other")
        .expect("ref");
    let out = w.sb.git(&w.dir, &["push", &url, "other:refs/heads/other"]);
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("ONE-CHAIN [foreign-root]"), "{text}");
    assert!(!w
        .sb
        .git(
            &server,
            &["rev-parse", "--verify", "-q", "refs/heads/other"]
        )
        .status
        .success());

    // Ahead of the server's clock (SERVER_NOW is 12:00 on 6 December).
    let objection = |when: &str| Objection {
        filed: at(when),
        source: "letter".into(),
        text: "report".into(),
        fraud: true,
        recorded_by: CLERK.into(),
        status: ObjectionStatus::Open,
        resolution: None,
    };
    let path = |stem: &str| layout::objection_path(W2, stem).expect("path");
    for (name, when) in [
        ("ahead", "2017-12-06T12:30:00+08:00"),
        ("behind", "2017-12-05T11:00:00+08:00"),
    ] {
        let stem = format!("{}-1", at(when).format("%Y%m%d-%H%M%S"));
        let tree = w.tree(
            Some(w.good),
            &[(path(&stem), Some(fixture::ron(&objection(when))))],
        );
        let c = w.commit(&Craft {
            author_time: when,
            committer_time: when,
            ..Craft::by(CLERK, Some(CLERK), tree, vec![w.good])
        });
        // The audit alone finds nothing wrong with it.
        repo.reference("refs/heads/try", c, true, "try")
            .expect("ref");
        repo.set_head("refs/heads/try").expect("head");
        let out = w.cli_in(&w.dir, None, &["audit"]);
        repo.set_head("refs/heads/main").expect("head");
        assert!(out.status.success(), "{name}: {}", output_text(&out));
        let out = w.sb.git(&w.dir, &["push", &url, "try:main"]);
        let text = output_text(&out);
        assert!(!out.status.success(), "{name}: {text}");
        assert!(text.contains("TIME-FORWARD [time]"), "{name}: {text}");
        assert!(text.contains("server's clock"), "{name}: {text}");
        assert_eq!(rev(&w, &server, "main"), w.good.to_string());
    }
}
