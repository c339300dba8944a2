//! Every write command, through the real binary: exactly one new commit on top
//! of the last, the expected tree change, `Pingxuan-*` trailers, a signature that
//! real `git verify-commit` accepts, a clean `git fsck`, and a work tree that
//! matches HEAD. Signing uses throw-away ssh and gpg keys in sandboxed homes.

use crate::{common, fixture};

use std::path::Path;
use std::process::Output;

use common::{Sandbox, SshKey};
use fixture::*;
use pingxuan::model::*;
use pingxuan::store::layout;

const ID: &str = "2017-window-001";
const UNIT: &str = "zhengwu-fuwu-zhongxin";

/// A member acting from their own home, signing with their own ssh key.
struct Actor {
    id: &'static str,
    email: &'static str,
    sb: Sandbox,
    key: SshKey,
}

impl Actor {
    fn new(id: &'static str, name: &str, email: &'static str) -> Actor {
        let sb = Sandbox::new();
        let key = sb.ssh_keygen(id, email);
        sb.set_identity(name, email);
        sb.set_config("gpg.format", "ssh");
        sb.set_config("user.signingkey", key.private.to_str().unwrap());
        Actor { id, email, sb, key }
    }

    fn run(&self, repo: &Path, at: &str, args: &[&str]) -> Output {
        self.sb
            .cmd(env!("CARGO_BIN_EXE_pingxuan"))
            .arg("--repo")
            .arg(repo)
            .args(["--lang", "en", "--at", at])
            .args(args)
            .output()
            .expect("run pingxuan")
    }
}

struct World {
    fixture: Fixture,
    chair: Actor,
    clerk: Actor,
    reviewer: Actor,
    /// Verifies with every member's key in its allowed-signers file.
    verifier: Sandbox,
}

fn world() -> World {
    let fixture = Fixture::new(&[]);
    let chair = Actor::new(CHAIR, "李國華", "liguohua@wmb.tengzhou.example");
    let clerk = Actor::new(OFFICE_CLERK, "劉洋", "liuyang@wmb.tengzhou.example");
    let reviewer = Actor::new(REVIEWER, "王建國", "wangjianguo@xcb.tengzhou.example");
    fixture.register_keys(&[
        (CHAIR, &chair.key.line),
        (OFFICE_CLERK, &clerk.key.line),
        (REVIEWER, &reviewer.key.line),
    ]);
    let verifier = Sandbox::new();
    verifier.write_allowed_signers(&[
        (chair.email, &chair.key.line),
        (clerk.email, &clerk.key.line),
        (reviewer.email, &reviewer.key.line),
    ]);
    World {
        fixture,
        chair,
        clerk,
        reviewer,
        verifier,
    }
}

impl World {
    fn git(&self, args: &[&str]) -> String {
        self.verifier.git_ok(self.fixture.path(), args)
    }

    /// Runs a write and checks everything a write must leave behind; returns the
    /// new commit's changed paths.
    fn write(
        &self,
        who: &Actor,
        at: &str,
        args: &[&str],
        action: &str,
        record: Option<&str>,
    ) -> Vec<String> {
        let before = self.fixture.head();
        let out = who.run(self.fixture.path(), at, args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}{}",
            stdout(&out),
            stderr(&out)
        );
        let head = self.fixture.head();
        assert_ne!(head, before, "{args:?} made no commit");
        let repo = self.fixture.repo();
        let commit = repo.find_commit(head).unwrap();
        assert_eq!(
            commit.parent_ids().collect::<Vec<_>>(),
            vec![before],
            "exactly one new commit"
        );
        assert_eq!(commit.author().email().ok(), Some(who.email));
        let msg = commit.message().unwrap();
        assert!(
            msg.contains(&format!("Pingxuan-Action: {action}\n")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("Pingxuan-Actor: {}\n", who.id)),
            "{msg}"
        );
        if let Some(r) = record {
            assert!(msg.contains(&format!("Pingxuan-Record: {r}\n")), "{msg}");
        }
        let when = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        assert_eq!(commit.time().seconds(), when.timestamp(), "dated at --at");
        // Real git accepts the signature as the actor's.
        let v = self.verifier.git(
            self.fixture.path(),
            &["verify-commit", "--raw", &head.to_string()],
        );
        assert!(v.status.success(), "verify-commit: {}", stderr(&v));
        assert!(
            stderr(&v).contains(who.email),
            "signed by {}: {}",
            who.email,
            stderr(&v)
        );
        // The work tree and index match the new HEAD.
        assert_eq!(
            self.git(&["status", "--porcelain"]).trim(),
            "",
            "work tree clean after {args:?}"
        );
        let names = self.git(&["diff", "--name-only", &format!("{before}..{head}")]);
        names.lines().map(str::to_string).collect()
    }

    fn blob(&self, path: &str) -> String {
        self.git(&["show", &format!("HEAD:{path}")])
    }
}

#[test]
fn every_write_command_is_one_signed_commit() {
    let w = world();
    let clerk = &w.clerk;
    let reviewer = &w.reviewer;
    let chair = &w.chair;

    // nominate
    let n = window(ID, UNIT);
    let file = clerk.sb.path().join("n.ron");
    std::fs::write(&file, ron(&n)).unwrap();
    let paths = w.write(
        clerk,
        "2017-06-20T09:00:00+08:00",
        &["nominate", "--file", file.to_str().unwrap()],
        "nominate",
        Some(ID),
    );
    let npath = layout::nomination_path(ID).unwrap();
    assert_eq!(paths, vec![npath.clone()]);
    assert_eq!(
        w.blob(&npath).as_bytes(),
        ron(&n).as_slice(),
        "nomination.ron holds what was filed"
    );

    // activity, supervisor, file-form rewrite nomination.ron
    let paths = w.write(
        clerk,
        "2017-07-10T09:00:00+08:00",
        &[
            "activity",
            ID,
            "--summary",
            "開展文明服務月活動",
            "--date",
            "2017-07-08",
        ],
        "activity",
        Some(ID),
    );
    assert_eq!(paths, vec![npath.clone()]);
    assert!(w.blob(&npath).contains("開展文明服務月活動"));
    w.write(
        clerk,
        "2017-07-11T09:00:00+08:00",
        &[
            "supervisor",
            ID,
            "--name",
            "趙監督",
            "--affiliation",
            "市人大代表",
        ],
        "supervisor",
        Some(ID),
    );
    assert!(w.blob(&npath).contains("趙監督"));
    w.write(
        clerk,
        // Before the evaluation below: a write never goes back before the head (TIME-FORWARD).
        "2017-09-10T09:00:00+08:00",
        &["file-form", ID],
        "file-form",
        Some(ID),
    );
    assert!(
        w.blob(&npath).contains("form_filed: Some(\"2017-09-10\")"),
        "{}",
        w.blob(&npath)
    );

    // evaluate
    let paths = w.write(
        reviewer,
        "2017-09-15T10:30:00+08:00",
        &[
            "evaluate",
            ID,
            "--kind",
            "routine",
            "--rating",
            "92",
            "--findings",
            "窗口秩序良好",
        ],
        "evaluate",
        Some(ID),
    );
    let epath = layout::evaluation_path(ID, &format!("20170915-103000-{REVIEWER}")).unwrap();
    assert_eq!(paths, vec![epath.clone()]);
    assert!(w.blob(&epath).contains("Routine") && w.blob(&epath).contains("92"));
    // CANDIDATE-NEEDS: the site visit and the interview a candidate decision needs
    for (at, kind) in [
        ("2017-09-16T10:30:00+08:00", "site-visit"),
        ("2017-09-17T10:30:00+08:00", "interview"),
    ] {
        let paths = w.write(
            &w.reviewer,
            at,
            &[
                "evaluate",
                ID,
                "--kind",
                kind,
                "--findings",
                "實地考察、座談走訪",
            ],
            "evaluate",
            Some(ID),
        );
        assert_eq!(paths.len(), 1, "{paths:?}");
    }

    // score
    let campaign: Campaign =
        ron::from_str(std::str::from_utf8(&sample_file("campaign.ron")).unwrap()).unwrap();
    let window_cat = campaign.category("window").unwrap();
    let marks: Vec<String> = window_cat
        .criteria
        .iter()
        .map(|c| format!("{}={}", c.id, c.max - 1.0))
        .collect();
    let mut args = vec!["score", ID];
    for m in &marks {
        args.extend(["-m", m.as_str()]);
    }
    args.extend(["-m", "W10=abstain"]);
    let paths = w.write(
        reviewer,
        "2017-11-20T10:00:00+08:00",
        &args,
        "score",
        Some(ID),
    );
    let spath = layout::score_path(ID, REVIEWER).unwrap();
    assert_eq!(paths, vec![spath.clone()]);
    let score: Score = ron::from_str(&w.blob(&spath)).unwrap();
    assert_eq!(score.reviewer, REVIEWER);
    assert_eq!(
        score.marks["W1"],
        Mark::Points(window_cat.criteria[0].max - 1.0)
    );
    assert_eq!(score.marks["W10"], Mark::Abstain);

    // opinion from every department
    let campaign: Campaign =
        ron::from_str(std::str::from_utf8(&sample_file("campaign.ron")).unwrap()).unwrap();
    for d in &campaign.departments {
        let paths = w.write(
            clerk,
            "2017-11-21T10:00:00+08:00",
            &["opinion", ID, "--department", &d.id, "--stance", "approve"],
            "opinion",
            Some(ID),
        );
        assert_eq!(paths, vec![layout::opinion_path(ID, &d.id).unwrap()]);
    }

    // vote
    let paths = w.write(
        clerk,
        "2017-11-25T10:00:00+08:00",
        &[
            "vote",
            ID,
            "--satisfied",
            "180",
            "--basically-satisfied",
            "15",
            "--dissatisfied",
            "5",
        ],
        "vote",
        Some(ID),
    );
    assert_eq!(paths, vec![layout::votes_path(ID).unwrap()]);
    let votes: Votes = ron::from_str(&w.blob(&layout::votes_path(ID).unwrap())).unwrap();
    assert_eq!(
        (
            votes.satisfied,
            votes.basically_satisfied,
            votes.dissatisfied
        ),
        (180, 15, 5)
    );

    // decide candidate, publish
    let dpath = layout::decision_path(ID).unwrap();
    let paths = w.write(
        chair,
        "2017-12-01T10:00:00+08:00",
        &[
            "decide",
            ID,
            "--outcome",
            "candidate",
            "--reason",
            "綜合評分達標",
        ],
        "decide",
        Some(ID),
    );
    assert_eq!(paths, vec![dpath.clone()]);
    let paths = w.write(
        chair,
        "2017-12-04T09:00:00+08:00",
        &["publish", "window"],
        "publish",
        None,
    );
    assert_eq!(paths, vec![layout::RULINGS.to_string()]);
    let rulings: Rulings = ron::from_str(&w.blob(layout::RULINGS)).unwrap();
    assert_eq!(rulings.notices[0].candidates, vec![ID.to_string()]);

    // object, resolve
    let paths = w.write(
        clerk,
        "2017-12-05T10:00:00+08:00",
        &[
            "object",
            ID,
            "--source",
            "來信",
            "--text",
            "反映窗口排隊時間長",
        ],
        "object",
        Some(ID),
    );
    let opath = layout::objection_path(ID, "20171205-100000-1").unwrap();
    assert_eq!(paths, vec![opath.clone()]);
    assert!(w.blob(&opath).contains("status: Open"));
    let paths = w.write(
        chair,
        "2017-12-08T10:00:00+08:00",
        &[
            "resolve",
            ID,
            "20171205-100000-1",
            "--dismissed",
            "--reason",
            "經核實已整改",
        ],
        "resolve",
        Some(ID),
    );
    assert_eq!(paths, vec![opath.clone()]);
    let o: Objection = ron::from_str(&w.blob(&opath)).unwrap();
    assert_eq!(o.status, ObjectionStatus::Dismissed);
    assert_eq!(o.resolution.unwrap().by, CHAIR);

    // final decision after the notice
    w.write(
        chair,
        "2017-12-12T10:00:00+08:00",
        &["decide", ID, "--outcome", "final", "--reason", "公示無異議"],
        "decide",
        Some(ID),
    );
    let d: Decision = ron::from_str(&w.blob(&dpath)).unwrap();
    assert_eq!(d.outcome, Outcome::Final);

    // The whole history verifies and the repository is sound.
    let fsck = w.verifier.git(w.fixture.path(), &["fsck", "--strict"]);
    assert!(fsck.status.success(), "{}", stderr(&fsck));
    let log = w.git(&["log", "--show-signature", "--format=%H %ae", "-1"]);
    assert!(
        log.contains("Good \"git\" signature for liguohua@wmb.tengzhou.example"),
        "{log}"
    );
}

#[test]
fn openpgp_signing_from_git_config() {
    let fixture = Fixture::new(&[]);
    let sb = Sandbox::new();
    let email = "liuyang@wmb.tengzhou.example";
    let fpr = sb.gpg_gen_key(&format!("劉洋 <{email}>"));
    fixture.register_keys(&[(OFFICE_CLERK, &fpr)]);
    sb.set_identity("劉洋", email);
    sb.set_config("user.signingkey", &fpr);
    let file = sb.path().join("n.ron");
    std::fs::write(&file, ron(&window(ID, UNIT))).unwrap();
    let out = sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("--repo")
        .arg(fixture.path())
        .args([
            "--at",
            "2017-06-20T09:00:00+08:00",
            "nominate",
            "--file",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = sb.git(fixture.path(), &["verify-commit", "--raw", "HEAD"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stderr(&v).contains("GOODSIG"), "{}", stderr(&v));
    assert!(
        stderr(&v).contains(&fpr[fpr.len() - 16..]),
        "{}",
        stderr(&v)
    );
}

#[test]
fn unsigned_write_is_refused_when_the_campaign_requires_signing() {
    let fixture = Fixture::new(&[]);
    let sb = Sandbox::new();
    sb.set_identity("劉洋", "liuyang@wmb.tengzhou.example");
    let before = fixture.head();
    let file = sb.path().join("n.ron");
    std::fs::write(&file, ron(&window(ID, UNIT))).unwrap();
    let out = sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("--repo")
        .arg(fixture.path())
        .args([
            "--lang",
            "en",
            "--at",
            "2017-06-20T09:00:00+08:00",
            "nominate",
            "--file",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("user.signingkey"),
        "names the git config to set: {}",
        stderr(&out)
    );
    assert_eq!(fixture.head(), before, "nothing written");
    assert!(!fixture
        .path()
        .join(layout::nomination_path(ID).unwrap())
        .exists());

    // ssh format with no key at all: refused before signing is even tried.
    sb.set_config("gpg.format", "ssh");
    let out = sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("--repo")
        .arg(fixture.path())
        .args([
            "--lang",
            "en",
            "--at",
            "2017-06-20T09:00:00+08:00",
            "nominate",
            "--file",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("user.signingkey"), "{}", stderr(&out));
    assert_eq!(fixture.head(), before, "nothing written");
}

#[test]
fn uncommitted_edit_of_the_same_file_is_never_overwritten() {
    let w = world();
    let npath = layout::nomination_path(ID).unwrap();
    let file = w.clerk.sb.path().join("n.ron");
    std::fs::write(&file, ron(&window(ID, UNIT))).unwrap();
    w.write(
        &w.clerk,
        "2017-06-20T09:00:00+08:00",
        &["nominate", "--file", file.to_str().unwrap()],
        "nominate",
        Some(ID),
    );
    let local = w.fixture.path().join(&npath);
    let mut text = std::fs::read_to_string(&local).unwrap();
    text.push_str("// my unsaved note\n");
    std::fs::write(&local, &text).unwrap();
    let before = w.fixture.head();
    let out = w.clerk.run(
        w.fixture.path(),
        "2017-07-10T09:00:00+08:00",
        &["activity", ID, "--summary", "x"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("uncommitted"), "{}", stderr(&out));
    assert_eq!(w.fixture.head(), before);
    assert_eq!(
        std::fs::read_to_string(&local).unwrap(),
        text,
        "the user's edit is intact"
    );
}

#[test]
fn bare_repository_takes_actions() {
    let w = world();
    let bare = tempfile::tempdir().unwrap();
    w.clerk.sb.git_ok(
        w.clerk.sb.path(),
        &[
            "clone",
            "-q",
            "--bare",
            w.fixture.path().to_str().unwrap(),
            bare.path().to_str().unwrap(),
        ],
    );
    let file = w.clerk.sb.path().join("n.ron");
    std::fs::write(&file, ron(&window(ID, UNIT))).unwrap();
    let out = w.clerk.run(
        bare.path(),
        "2017-06-20T09:00:00+08:00",
        &["nominate", "--file", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = w.verifier.git(bare.path(), &["verify-commit", "HEAD"]);
    assert!(v.status.success(), "{}", stderr(&v));
    let ls = w
        .verifier
        .git_ok(bare.path(), &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(ls.contains(&layout::nomination_path(ID).unwrap()), "{ls}");
    let list = w
        .clerk
        .sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("--repo")
        .arg(bare.path())
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert!(stdout(&list).contains(ID));
}

#[test]
fn init_sets_up_a_signed_campaign_with_you_as_chair() {
    let me = Actor::new("chair", "主任", "chair@example.invalid");
    let dir = me.sb.path().join("campaign");
    let out = me
        .sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .args(["--lang", "en", "--at", "2018-03-01T09:00:00+08:00", "init"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let files = me.sb.git_ok(&dir, &["ls-tree", "--name-only", "HEAD"]);
    for f in [layout::CAMPAIGN, layout::MEMBERS, layout::UNITS] {
        assert!(files.lines().any(|l| l == f), "{f} in {files}");
    }
    let msg = me.sb.git_ok(&dir, &["log", "-1", "--format=%B"]);
    assert!(
        msg.contains("Pingxuan-Action: setup") && msg.contains("Pingxuan-Actor: chair"),
        "{msg}"
    );
    me.sb.write_allowed_signers(&[(me.email, &me.key.line)]);
    let v = me.sb.git(&dir, &["verify-commit", "HEAD"]);
    assert!(v.status.success(), "{}", stderr(&v));
    let members: Vec<Member> =
        ron::from_str(&me.sb.git_ok(&dir, &["show", "HEAD:members.ron"])).unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].email, me.email);
    assert_eq!(members[0].roles, vec![Role::Chair]);
    // A second init into the same folder is refused.
    let again = me
        .sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("init")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!again.status.success());
}

/// PHASES through the command line: a score in December is refused, naming the
/// window in which scoring is allowed, and nothing is written.
#[test]
fn write_outside_its_phase_is_refused_naming_the_window() {
    let w = world();
    let file = w.clerk.sb.path().join("n.ron");
    std::fs::write(&file, ron(&window(ID, UNIT))).unwrap();
    w.write(
        &w.clerk,
        "2017-06-20T09:00:00+08:00",
        &["nominate", "--file", file.to_str().unwrap()],
        "nominate",
        Some(ID),
    );
    let before = w.fixture.head();
    let out = w.reviewer.run(
        w.fixture.path(),
        "2017-12-02T10:00:00+08:00",
        &["score", ID, "-m", "W1=5"],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("2017-09-01") && err.contains("2017-11-30"),
        "{err}"
    );
    assert_eq!(w.fixture.head(), before);
}
