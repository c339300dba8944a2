//! A FRESH campaign made with `pingxuan init` (the sample campaign, its units,
//! and a members.ron of our own with real ssh keys), driven through the real
//! binary: the world the rule tests on init campaigns share
//! (`tests/it/campaign_rules.rs`, `tests/it/freeze.rs`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;

use crate::common::{output_text, Sandbox, SshKey};
use pingxuan::model::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");

/// Member id, unit, role.
pub const MEMBERS: &[(&str, &str, Role)] = &[
    ("chair", "wenmingban", Role::Chair),
    ("office", "wenmingban", Role::Clerk),
    // a department's clerk: gonganju reports its two window units
    ("gaj", "gonganju", Role::Clerk),
    // a town's clerk
    ("gq", "guanqiao-zhen", Role::Clerk),
    ("r1", "xuanchuanbu", Role::Reviewer),
    ("r2", "zonggonghui", Role::Reviewer),
];

pub const DEPARTMENTS: [&str; 7] = [
    "jijian",
    "zongzhiban",
    "wangguanban",
    "xinfang",
    "huanbao",
    "jisheng",
    "anquan",
];

/// Points of W1..W10 at their maximum in the sample campaign.
pub const WINDOW_MAX: [f64; 10] = [10.0, 10.0, 10.0, 8.0, 12.0, 10.0, 12.0, 10.0, 10.0, 8.0];

pub struct World {
    pub sb: Sandbox,
    pub dir: PathBuf,
    pub keys: BTreeMap<&'static str, SshKey>,
}

/// The name of member `id` in a [`World::named`].
pub fn person(id: &str) -> &'static str {
    match id {
        "chair" => "周主任",
        "office" => "文明辦王芳",
        "gaj" => "公安局李強",
        "gq" => "官橋鎮張偉",
        "r1" => "評委趙敏",
        "r2" => "評委孫麗",
        _ => "無名",
    }
}

pub fn email(id: &str) -> String {
    format!("{id}@campaign.example")
}

impl World {
    /// `pingxuan init` of a fresh campaign, as its chair.
    pub fn new() -> World {
        World::build(false)
    }

    /// [`World::new`] with members named as people are (`周主任`), not by
    /// their ids: what shows an id where a name belongs.
    pub fn named() -> World {
        World::build(true)
    }

    fn build(named: bool) -> World {
        let sb = Sandbox::new();
        let mut keys = BTreeMap::new();
        let mut members = Vec::new();
        for (id, unit, role) in MEMBERS {
            let key = sb.ssh_keygen(id, &email(id));
            members.push(Member {
                id: (*id).into(),
                name: if named {
                    person(id).into()
                } else {
                    (*id).into()
                },
                email: email(id),
                roles: vec![*role],
                unit: (*unit).into(),
                keys: vec![PublicKey {
                    key: key.line.clone(),
                    valid_from: crate::fixture::day("2017-06-01"),
                    revoked: None,
                }],
                conflicts: vec![],
            });
            keys.insert(*id, key);
        }
        let file = sb.path().join("members.ron");
        std::fs::write(&file, crate::fixture::ron(&members)).expect("members file");
        let dir = sb.path().join("campaign");
        let w = World { sb, dir, keys };
        w.identity("chair");
        let out =
            w.sb.cmd(BIN)
                .args(["--lang", "en", "--at", "2017-06-10T09:00:00+08:00", "init"])
                .arg(&w.dir)
                .arg("--members")
                .arg(&file)
                .output()
                .expect("init");
        assert!(out.status.success(), "init: {}", output_text(&out));
        w
    }

    /// Git's identity and signing key become `who`'s.
    pub fn identity(&self, who: &str) {
        self.sb.set_identity(who, &email(who));
        self.sb.set_config("gpg.format", "ssh");
        self.sb.set_config(
            "user.signingkey",
            self.keys[who].private.to_str().expect("utf-8"),
        );
    }

    pub fn head(&self) -> String {
        self.sb
            .git_ok(&self.dir, &["rev-parse", "HEAD"])
            .trim()
            .to_string()
    }

    /// `pingxuan <args>` as `who` at `at`.
    pub fn run(&self, who: &str, at: &str, args: &[&str]) -> Output {
        self.identity(who);
        self.sb
            .cmd(BIN)
            .arg("--repo")
            .arg(&self.dir)
            .args(["--lang", "en", "--at", at])
            .args(args)
            .output()
            .expect("run pingxuan")
    }

    /// A write that must succeed.
    pub fn ok(&self, who: &str, at: &str, args: &[&str]) {
        let out = self.run(who, at, args);
        assert!(
            out.status.success(),
            "{who} {args:?} at {at}: {}",
            output_text(&out)
        );
    }

    /// A write that must be refused before anything is written; its stderr.
    pub fn refused(&self, who: &str, at: &str, args: &[&str]) -> String {
        let before = self.head();
        let out = self.run(who, at, args);
        let text = output_text(&out);
        assert!(
            !out.status.success(),
            "{who} {args:?} at {at} passed: {text}"
        );
        assert_eq!(self.head(), before, "a refused write leaves HEAD alone");
        text
    }

    pub fn nomination_file(&self, n: &Nomination) -> String {
        let path = self.sb.path().join(format!("{}.ron", n.id));
        std::fs::write(&path, crate::fixture::ron(n)).expect("nomination file");
        path.to_str().expect("utf-8").to_string()
    }

    pub fn nominate(&self, who: &str, at: &str, n: &Nomination) -> Output {
        let file = self.nomination_file(n);
        self.run(who, at, &["nominate", "--file", &file])
    }

    pub fn read(&self, path: &str) -> Vec<u8> {
        self.sb
            .cmd("git")
            .current_dir(&self.dir)
            .args(["show", &format!("HEAD:{path}")])
            .output()
            .expect("git show")
            .stdout
    }

    /// A commit made with plain git by `who`, signed with their key, dated `at`.
    pub fn git_commit(&self, who: &str, at: &str, files: &[(String, Vec<u8>)]) -> String {
        self.identity(who);
        for (path, bytes) in files {
            let full = self.dir.join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(&full, bytes).expect("write");
            self.sb.git_ok(&self.dir, &["add", path]);
        }
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

    /// `pingxuan audit --json`: (commit, rule) of every violation.
    pub fn audit(&self) -> Vec<(String, String)> {
        let out = self
            .sb
            .cmd(BIN)
            .arg("--repo")
            .arg(&self.dir)
            .args(["--lang", "en", "audit", "--json"])
            .output()
            .expect("audit");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("audit json: {e}: {}", output_text(&out));
        });
        report["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|v| {
                (
                    v["commit"].as_str().unwrap_or_default().to_string(),
                    v["rule"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// The audit flags `rule` on `commit`, and nothing on any other commit.
    pub fn audit_flags(&self, commit: &str, rule: &str) {
        let found = self.audit();
        assert!(
            found.iter().any(|(c, r)| c == commit && r == rule),
            "{rule} not flagged on {commit}: {found:?}"
        );
        let elsewhere: Vec<_> = found.iter().filter(|(c, _)| c != commit).collect();
        assert!(
            elsewhere.is_empty(),
            "the good history is clean: {elsewhere:?}"
        );
    }
}

pub fn window(id: &str, unit: &str) -> Nomination {
    let mut n = crate::fixture::window(id, unit);
    n.nominee.name = format!("窗口 {id}");
    n
}

/// Everything a window entry needs up to its candidate decision, but the
/// interview. Stage by stage over all entries, since time only moves forward
/// on the campaign branch (TIME-FORWARD).
pub fn prepare(w: &World, entries: &[(&str, &str)]) {
    for &(id, unit) in entries {
        let out = w.nominate("office", "2017-06-20T10:00:00+08:00", &window(id, unit));
        assert!(out.status.success(), "{}", output_text(&out));
    }
    for &(id, _) in entries {
        w.ok(
            "r1",
            "2017-10-10T10:00:00+08:00",
            &[
                "evaluate",
                id,
                "--kind",
                "routine",
                "--rating",
                "95",
                "--findings",
                "窗口服務規范",
            ],
        );
    }
    for &(id, _) in entries {
        w.ok("office", "2017-11-01T10:00:00+08:00", &["file-form", id]);
    }
    for &(id, _) in entries {
        for d in DEPARTMENTS {
            w.ok(
                "office",
                "2017-11-10T10:00:00+08:00",
                &["opinion", id, "--department", d, "--stance", "approve"],
            );
        }
    }
    for &(id, _) in entries {
        for r in ["r1", "r2"] {
            let marks: Vec<String> = WINDOW_MAX
                .iter()
                .enumerate()
                .map(|(i, m)| format!("W{}={m}", i + 1))
                .collect();
            let mut args = vec!["score", id];
            for m in &marks {
                args.extend(["-m", m.as_str()]);
            }
            w.ok(r, "2017-11-12T10:00:00+08:00", &args);
        }
    }
    for &(id, _) in entries {
        w.ok(
            "office",
            "2017-11-15T10:00:00+08:00",
            &[
                "vote",
                id,
                "--satisfied",
                "180",
                "--basically-satisfied",
                "15",
                "--dissatisfied",
                "2",
            ],
        );
    }
    for &(id, _) in entries {
        w.ok(
            "r2",
            "2017-11-16T10:00:00+08:00",
            &[
                "evaluate",
                id,
                "--kind",
                "site-visit",
                "--findings",
                "實地考察,群眾評價滿意",
            ],
        );
    }
}

pub fn interview(w: &World, id: &str) {
    w.ok(
        "r1",
        "2017-11-17T10:00:00+08:00",
        &[
            "evaluate",
            id,
            "--kind",
            "interview",
            "--findings",
            "座談走訪,反映良好",
        ],
    );
}

pub fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
