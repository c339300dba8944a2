//! ssh signatures made and checked in this process (issue 18, P10 and P11)
//! must say exactly what real git says: `git verify-commit` on forged commits
//! and on every commit of the demo, and `ssh-keygen -Y sign` byte for byte.
//! Rule OPEN: anyone with a clone can verify the whole history, and the
//! tool's verdict is git's.

use crate::common;

use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::NaiveDate;
use common::{output_text, Sandbox, SshKey};
use pingxuan::history::{self, LogOptions, SigStatus, Verifier};
use pingxuan::i18n::Lang;
use pingxuan::model::{Member, PublicKey, Role};
use pingxuan::sign::{SignFormat, Signer, SigningConfig};
use pingxuan::store::Store;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
/// 2017-08-01 10:00 +08:00, the day every forged commit claims.
const WHEN: i64 = 1_501_552_800;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 8, 1).expect("date")
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The ssh-keygen signer of `key` (its private file), programs in the sandbox.
fn signer(sb: &Sandbox, key: &Path) -> Signer {
    let sc = SigningConfig {
        format: SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(key.display().to_string()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: sb.envs(),
    };
    Signer::from_signing_config(&sc)
        .expect("signer")
        .expect("a key")
}

fn member(id: &str, key: &SshKey, from: &str, revoked: Option<&str>) -> Member {
    Member {
        id: id.into(),
        name: id.into(),
        email: format!("{id}@example.org"),
        roles: vec![Role::Reviewer],
        unit: "u".into(),
        keys: vec![PublicKey {
            key: key.line.clone(),
            valid_from: d(from),
            revoked: revoked.map(d),
        }],
        conflicts: vec![],
    }
}

/// The allowed-signers file git would need to hold the registry's trust:
/// each key valid from its first day until (not on) its revocation day.
fn allowed_signers(registry: &[Member]) -> String {
    let mut out = String::new();
    for m in registry {
        for k in &m.keys {
            let mut opts = format!(
                "namespaces=\"git\",valid-after=\"{}\"",
                k.valid_from.format("%Y%m%d")
            );
            if let Some(r) = k.revoked {
                opts.push_str(&format!(",valid-before=\"{}\"", r.format("%Y%m%d")));
            }
            out.push_str(&format!("{} {opts} {}\n", m.email, k.key));
        }
    }
    out
}

/// An armored SSHSIG re-wrapped at 70 columns as ssh-keygen writes it.
fn armor(blob: &[u8]) -> String {
    let body = B64.encode(blob);
    let mut out = String::from("-----BEGIN SSH SIGNATURE-----\n");
    for chunk in body.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).expect("ascii"));
        out.push('\n');
    }
    out.push_str("-----END SSH SIGNATURE-----\n");
    out
}

fn unarmor(armored: &str) -> Vec<u8> {
    let body: String = armored
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    B64.decode(body).expect("base64")
}

struct Repo {
    dir: PathBuf,
    repo: git2::Repository,
    n: usize,
}

impl Repo {
    fn new(sb: &Sandbox) -> Repo {
        let dir = sb.path().join("forged");
        let repo = git2::Repository::init(&dir).expect("init");
        Repo { dir, repo, n: 0 }
    }

    /// A root commit's buffer (a file of its own, so every commit differs).
    fn buffer(&mut self, author: &str) -> String {
        self.n += 1;
        let blob = self
            .repo
            .blob(format!("commit {}\n", self.n).as_bytes())
            .expect("blob");
        let mut tb = self.repo.treebuilder(None).expect("tb");
        tb.insert("campaign.ron", blob, 0o100644).expect("insert");
        let tree = self
            .repo
            .find_tree(tb.write().expect("tree"))
            .expect("tree");
        let who = git2::Signature::new(
            author,
            &format!("{author}@example.org"),
            &git2::Time::new(WHEN, 480),
        )
        .expect("signature");
        let buf = self
            .repo
            .commit_create_buffer(&who, &who, &format!("commit {}\n", self.n), &tree, &[])
            .expect("buffer");
        buf.as_str().expect("utf-8").to_string()
    }

    fn store(&self, buffer: &str, signature: &str) -> git2::Oid {
        self.repo
            .commit_signed(buffer, signature, Some("gpgsig"))
            .expect("commit_signed")
    }
}

/// `git verify-commit` with the registry as allowed signers.
fn git_accepts(sb: &Sandbox, dir: &Path, oid: git2::Oid) -> bool {
    sb.git(dir, &["verify-commit", &oid.to_string()])
        .status
        .success()
}

#[test]
fn in_process_ssh_signature_is_byte_for_byte_ssh_keygens() {
    let sb = Sandbox::new();
    let key = sb.ssh_keygen("alice", "alice@example.org");
    let fast = signer(&sb, &key.private);
    let slow = signer(&sb, &key.private).program_only();
    for buffer in [
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbbbeb5e\n\nx\n".to_string(),
        "評選 ".repeat(500),
        String::new(),
    ] {
        assert_eq!(
            fast.sign(buffer.as_bytes()).expect("in process"),
            slow.sign(buffer.as_bytes()).expect("ssh-keygen"),
            "buffer of {} bytes",
            buffer.len()
        );
    }
    // Made in this process: no ssh-keygen on the PATH, still signed.
    let mut sc = SigningConfig {
        format: SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(key.private.display().to_string()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: sb.envs(),
    };
    sc.env
        .push(("PATH".into(), sb.path().join("no-bin").into()));
    let alone = Signer::from_signing_config(&sc)
        .expect("signer")
        .expect("key");
    assert_eq!(
        alone.sign(b"x").expect("in process"),
        slow.sign(b"x").expect("ssh-keygen")
    );
    assert!(alone.clone().program_only().sign(b"x").is_err());
    // A key file others can read is refused by ssh-keygen: the program speaks.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key.private, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = signer(&sb, &key.private)
        .sign(b"x")
        .expect_err("an unprotected key is refused as ssh-keygen refuses it");
    assert!(err.to_string().contains("ssh-keygen"), "{err}");
}

/// OPEN: bad signature, wrong key, a signature over other content, another
/// namespace, an unknown key and a revoked key are all refused in process
/// exactly when `git verify-commit` refuses them, and a good one accepted.
#[test]
fn in_process_verification_agrees_with_git_verify_commit_on_forged_commits_open() {
    let sb = Sandbox::new();
    let alice = sb.ssh_keygen("alice", "alice@example.org");
    let bob = sb.ssh_keygen("bob", "bob@example.org");
    let carol = sb.ssh_keygen("carol", "carol@example.org");
    let registry = vec![
        member("alice", &alice, "2017-06-01", None),
        member("bob", &bob, "2017-06-01", Some("2017-07-01")),
    ];
    let allowed = sb.path().join("allowed_signers");
    std::fs::write(&allowed, allowed_signers(&registry)).expect("write");
    sb.set_config(
        "gpg.ssh.allowedSignersFile",
        allowed.to_str().expect("utf-8"),
    );
    let mut r = Repo::new(&sb);
    let sign = |k: &SshKey, buf: &str| signer(&sb, &k.private).sign(buf.as_bytes()).expect("sign");

    let mut cases: Vec<(&str, git2::Oid, &str)> = Vec::new();
    // A good signature.
    let buf = r.buffer("alice");
    let good_sig = sign(&alice, &buf);
    cases.push(("good", r.store(&buf, &good_sig), "good"));
    // Bad: one bit of the ed25519 signature flipped.
    let buf = r.buffer("alice");
    let mut blob = unarmor(&sign(&alice, &buf));
    if let Some(last) = blob.last_mut() {
        *last ^= 1;
    }
    cases.push(("bad signature", r.store(&buf, &armor(&blob)), "bad"));
    // Wrong key: alice's signature claiming to be bob's key.
    let buf = r.buffer("alice");
    let blob = unarmor(&sign(&alice, &buf));
    let key_blob = |k: &SshKey| {
        B64.decode(k.line.split_whitespace().nth(1).expect("blob"))
            .expect("base64")
    };
    let (a, b) = (key_blob(&alice), key_blob(&bob));
    let at = blob
        .windows(a.len())
        .position(|w| w == a.as_slice())
        .expect("the key inside the signature");
    let mut swapped = blob.clone();
    swapped.splice(at..at + a.len(), b.iter().copied());
    cases.push(("wrong key", r.store(&buf, &armor(&swapped)), "bad"));
    // A good signature of other content.
    let buf = r.buffer("alice");
    cases.push(("other content", r.store(&buf, &good_sig), "bad"));
    // Another namespace than git's.
    let buf = r.buffer("alice");
    let file = sb.path().join("payload");
    std::fs::write(&file, &buf).expect("write");
    let out = sb
        .cmd("ssh-keygen")
        .args(["-Y", "sign", "-n", "file", "-f"])
        .arg(&alice.private)
        .arg(&file)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "{}", output_text(&out));
    let other_ns = std::fs::read_to_string(file.with_extension("sig")).expect("sig");
    cases.push(("namespace", r.store(&buf, &other_ns), "bad"));
    // A key no member registered.
    let buf = r.buffer("carol");
    cases.push((
        "unknown key",
        r.store(&buf, &sign(&carol, &buf)),
        "unknown-key",
    ));
    // A key revoked before the commit's day.
    let buf = r.buffer("bob");
    cases.push((
        "revoked key",
        r.store(&buf, &sign(&bob, &buf)),
        "key-revoked",
    ));

    // In process: no ssh-keygen on its PATH (the program path would fail).
    let mut no_programs = sb.envs();
    no_programs.push(("PATH".into(), sb.path().join("no-bin").into()));
    let fast = Verifier::default().with_env(no_programs);
    let slow = Verifier::default().with_env(sb.envs()).program_only();
    for (what, oid, want) in cases {
        let commit = r.repo.find_commit(oid).expect("commit");
        let email = commit.author().email().unwrap_or("").to_string();
        let ours = fast.verify_commit(&r.repo, oid, &registry, &email, day());
        let program = slow.verify_commit(&r.repo, oid, &registry, &email, day());
        assert_eq!(ours.badge(), want, "{what}: {ours:?}");
        assert_eq!(
            ours.badge(),
            program.badge(),
            "{what}: ssh-keygen says {program:?}"
        );
        assert_eq!(
            ours.is_good(),
            git_accepts(&sb, &r.dir, oid),
            "{what}: git verify-commit disagrees with {ours:?}"
        );
    }
}

/// OPEN: on every commit of the whole demo year, the in-process verdict (with
/// the registry at each parent) is git's (`%G?`, the check of verify-commit),
/// and a second reader (the audit after the log) verifies nothing again.
#[test]
fn demo_signatures_agree_with_git_on_every_commit_and_are_checked_once_open() {
    // The whole demo year, built once per test run (tests/common/demo.rs).
    let common::demo::Demo { sb, dir, .. } = common::demo::year();
    let out = sb.git(&dir, &["log", "--format=%H %G?"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let git_says = String::from_utf8_lossy(&out.stdout).into_owned();
    let store = Store::open(&dir).expect("open");
    let opts = LogOptions {
        lang: Lang::En,
        verifier: Verifier::default().with_env(sb.envs()),
        limit: None,
    };
    let entries = history::log(&store, None, &opts).expect("log");
    let mut seen = 0;
    for line in git_says.lines() {
        let Some((commit, status)) = line.split_once(' ') else {
            continue;
        };
        let e = entries
            .iter()
            .find(|e| e.commit == commit)
            .unwrap_or_else(|| panic!("{commit} not in the log"));
        assert_eq!(
            e.signature.is_good(),
            status == "G",
            "{commit}: git says {status}, we say {:?}",
            e.signature
        );
        assert!(matches!(e.signature, SigStatus::Good { .. }), "{commit}");
        let (sig, payload) = git2::Repository::open(store.git_dir())
            .expect("open")
            .extract_signature(&commit.parse().expect("oid"), None)
            .expect("signed");
        assert!(
            opts.verifier
                .is_cached(sig.as_str().expect("text"), &payload),
            "{commit}: checked once and kept"
        );
        seen += 1;
    }
    assert_eq!(seen, entries.len());
    assert!(seen > 900, "the whole year: {seen} commits");
}
