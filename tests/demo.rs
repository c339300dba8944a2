//! `pingxuan demo`: the sample campaign replayed into a real repository where
//! real git verifies every commit as signed by its scripted member at its
//! scripted time, and `git fsck` is clean.

mod common;

use common::Sandbox;
use pingxuan::model::{Member, ScriptStep};

#[test]
fn demo_history_is_signed_by_the_scripted_members_at_the_scripted_times() {
    let sb = Sandbox::new();
    let dir = sb.path().join("demo");
    let out = sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .args(["--lang", "en", "demo"])
        .arg(&dir)
        .arg("--no-tui")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(dir.to_str().unwrap()),
        "the path is printed"
    );

    let members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).unwrap();
    let history: Vec<ScriptStep> = ron::from_str(pingxuan::sample::HISTORY).unwrap();
    let email = |id: &str| members.iter().find(|m| m.id == id).unwrap().email.clone();

    // Oldest first: the setup commit, then one commit per scripted step.
    let log = sb.git_ok(&dir, &["log", "--reverse", "--format=%H %G? %ae %aI %GS"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), history.len() + 1, "one commit per action");
    for (i, step) in history.iter().enumerate() {
        let f: Vec<&str> = lines[i + 1].split(' ').collect();
        assert_eq!(
            f[1],
            "G",
            "good signature on step {}: {}",
            i + 1,
            lines[i + 1]
        );
        assert_eq!(f[2], email(&step.actor), "author of step {}", i + 1);
        assert_eq!(f[4], email(&step.actor), "signer of step {}", i + 1);
        let when = chrono::DateTime::parse_from_rfc3339(f[3]).unwrap();
        assert_eq!(when, step.at, "date of step {}", i + 1);
    }
    // Every commit passes real `git verify-commit`.
    for line in &lines {
        let hash = line.split(' ').next().unwrap();
        let v = sb.git(&dir, &["verify-commit", hash]);
        assert!(
            v.status.success(),
            "{hash}: {}",
            String::from_utf8_lossy(&v.stderr)
        );
    }
    let shown = sb.git_ok(&dir, &["log", "-3", "--show-signature"]);
    assert!(shown.contains("Good \"git\" signature for"), "{shown}");

    let fsck = sb.git(&dir, &["fsck", "--strict", "--no-dangling"]);
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    let fsck_all = sb.git(&dir, &["fsck", "--strict"]);
    let said = String::from_utf8_lossy(&fsck_all.stdout).to_string()
        + &String::from_utf8_lossy(&fsck_all.stderr);
    assert!(
        !said.contains("dangling") && !said.contains("error"),
        "{said}"
    );

    // Keys stay outside the repository.
    let files = sb.git_ok(&dir, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(
        !files.contains("allowed_signers") && !files.lines().any(|f| f.contains("keys")),
        "{files}"
    );
    let keys = std::path::PathBuf::from(format!("{}.keys", dir.display()));
    assert!(keys.join("allowed_signers").exists());
    let grep = sb.git(&dir, &["grep", "-l", "PRIVATE KEY", "HEAD"]);
    assert_eq!(
        grep.status.code(),
        Some(1),
        "no private key in the tree: {}",
        String::from_utf8_lossy(&grep.stdout)
    );
    for m in &members {
        let public = std::fs::read_to_string(keys.join(format!("{}.pub", m.id))).unwrap();
        let registered = sb.git_ok(&dir, &["show", "HEAD:members.ron"]);
        assert!(
            registered.contains(public.split(' ').nth(1).unwrap()),
            "{}'s public key is registered",
            m.id
        );
    }

    // The replayed campaign loads without a single problem.
    let v = sb
        .cmd(env!("CARGO_BIN_EXE_pingxuan"))
        .arg("--repo")
        .arg(&dir)
        .arg("validate")
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // The work tree matches HEAD.
    assert_eq!(sb.git_ok(&dir, &["status", "--porcelain"]).trim(), "");
}
