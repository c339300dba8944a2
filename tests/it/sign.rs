//! Commits signed by `pingxuan::sign::Signer` must satisfy real git:
//! `git verify-commit`, `git log --show-signature` and `git fsck`.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Sandbox, SshKey};
use pingxuan::sign::{SignError, SignFormat, Signer, SigningConfig};

const NAME: &str = "Zhang Wei";
const EMAIL: &str = "zhangwei@example.org";

fn uid() -> String {
    format!("{NAME} <{EMAIL}>")
}

/// A new repository `repo` in the sandbox, HEAD on `main`, no commits.
fn new_repo(sb: &Sandbox) -> PathBuf {
    let dir = sb.path().join("repo");
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    git2::Repository::init_opts(&dir, &opts).expect("init repo");
    dir
}

/// The signer the repository's config (over the sandbox global) gives, its
/// programs run in the sandbox environment.
fn signer(sb: &Sandbox, repo: &Path) -> Result<Option<Signer>, SignError> {
    let mut sc = SigningConfig::from_git_config(&sb.git2_config(repo))?;
    sc.env = sb.envs();
    Signer::from_signing_config(&sc)
}

/// Commit one file on `main` the way the store does: buffer, sign,
/// `commit_signed`, move the branch.
fn commit_signed(repo_dir: &Path, signer: &Signer, message: &str) -> git2::Oid {
    let repo = git2::Repository::open(repo_dir).expect("open repo");
    let blob = repo.blob(message.as_bytes()).expect("blob");
    let mut tb = repo.treebuilder(None).expect("treebuilder");
    tb.insert("campaign.ron", blob, 0o100644).expect("insert");
    let tree = repo
        .find_tree(tb.write().expect("tree"))
        .expect("find tree");
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let who = git2::Signature::now(NAME, EMAIL).expect("signature");
    let buffer = repo
        .commit_create_buffer(&who, &who, message, &tree, &parents)
        .expect("commit buffer");
    let signature = signer.sign(&buffer).expect("sign");
    let content = buffer.as_str().expect("utf-8 buffer");
    let oid = repo
        .commit_signed(content, &signature, Some("gpgsig"))
        .expect("commit_signed");
    repo.reference("refs/heads/main", oid, true, "pingxuan: signed commit")
        .expect("move main");
    oid
}

/// Real git accepts the signature on `main`; returns `git log --show-signature`.
fn assert_git_verifies(sb: &Sandbox, repo: &Path, oid: git2::Oid) -> String {
    let head = sb.git_ok(repo, &["rev-parse", "main"]);
    assert_eq!(head.trim(), oid.to_string());
    sb.git_ok(repo, &["verify-commit", "-v", "main"]);
    let log = sb.git_ok(repo, &["log", "--show-signature", "-1", "main"]);
    assert!(log.contains("Good"), "no good signature in:\n{log}");
    let shown = sb.git_ok(repo, &["log", "-1", "--format=%G?", "main"]);
    assert_eq!(shown.trim(), "G", "git's %G? for the commit");
    sb.git_ok(repo, &["fsck", "--strict", "--no-dangling"]);
    log
}

/// Nothing, key material in particular, left in the sandbox TMPDIR.
fn assert_tmp_empty(sb: &Sandbox) {
    let left: Vec<_> = fs::read_dir(sb.tmp())
        .expect("read tmp")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
}

fn ssh_sandbox() -> (Sandbox, PathBuf, SshKey) {
    let sb = Sandbox::new();
    sb.set_identity(NAME, EMAIL);
    sb.set_config("gpg.format", "ssh");
    let key = sb.ssh_keygen("id_ed25519", "zhangwei@laptop");
    sb.write_allowed_signers(&[(EMAIL, &key.line)]);
    let repo = new_repo(&sb);
    (sb, repo, key)
}

#[test]
fn ssh_private_key_path() {
    let (sb, repo, key) = ssh_sandbox();
    sb.set_config("user.signingkey", key.private.to_str().expect("utf-8"));
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert_eq!(signer.format(), SignFormat::Ssh);
    let oid = commit_signed(&repo, &signer, "score: 2017-window-007\n");
    let log = assert_git_verifies(&sb, &repo, oid);
    assert!(
        log.contains(&format!("Good \"git\" signature for {EMAIL}")),
        "{log}"
    );
    // A second commit on top, to check parents are kept.
    let oid = commit_signed(&repo, &signer, "score: 2017-window-008\n");
    assert_git_verifies(&sb, &repo, oid);
    assert_tmp_empty(&sb);
}

#[test]
fn ssh_public_key_path_with_agent() {
    let (mut sb, repo, key) = ssh_sandbox();
    sb.start_ssh_agent();
    sb.ssh_add(&key.private);
    // Only the agent can sign now: the private key file is gone.
    fs::remove_file(&key.private).expect("remove private key");
    // `~/` expands to the HOME of the signer's environment.
    sb.set_config("user.signingkey", "~/.ssh/id_ed25519.pub");
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert_eq!(signer.describe(), "ssh key ~/.ssh/id_ed25519.pub");
    let oid = commit_signed(&repo, &signer, "opinion\n");
    assert_git_verifies(&sb, &repo, oid);
    assert_tmp_empty(&sb);
}

#[test]
fn ssh_literal_key_with_agent() {
    let (mut sb, repo, key) = ssh_sandbox();
    sb.start_ssh_agent();
    sb.ssh_add(&key.private);
    for literal in [key.line.clone(), format!("key::{}", key.line)] {
        sb.set_config("user.signingkey", &literal);
        let signer = signer(&sb, &repo).expect("config").expect("a signer");
        assert!(
            signer.describe().starts_with("ssh-agent key ssh-ed25519 …"),
            "{}",
            signer.describe()
        );
        let oid = commit_signed(&repo, &signer, &format!("vote {literal}\n"));
        assert_git_verifies(&sb, &repo, oid);
        // The temporary key file went to TMPDIR and is gone again.
        assert_tmp_empty(&sb);
    }
}

#[test]
fn ssh_literal_key_file_is_private_passed_with_u_and_removed() {
    let (mut sb, repo, key) = ssh_sandbox();
    sb.start_ssh_agent();
    sb.ssh_add(&key.private);
    let log = sb.path().join("ssh-keygen.log");
    // Records the key file git-style arguments point at, then signs for real.
    let wrapper = sb.write_script(
        "ssh-keygen-wrapper",
        &format!(
            "log={}\n\
             echo \"args: $*\" >> \"$log\"\n\
             prev=\n\
             for a in \"$@\"; do\n\
             \x20 if [ \"$prev\" = -f ]; then echo \"file: $a\" >> \"$log\";\n\
             \x20   echo \"mode: $(stat -c %a \"$a\")\" >> \"$log\";\n\
             \x20   echo \"content: $(cat \"$a\")\" >> \"$log\"; fi\n\
             \x20 prev=$a\n\
             done\n\
             exec ssh-keygen \"$@\"",
            log.display()
        ),
    );
    sb.set_config("gpg.ssh.program", wrapper.to_str().expect("utf-8"));
    sb.set_config("user.signingkey", &key.line);
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert!(signer
        .describe()
        .ends_with(&format!("via {}", wrapper.display())));
    let oid = commit_signed(&repo, &signer, "object\n");
    assert_git_verifies(&sb, &repo, oid);

    let log = fs::read_to_string(&log).expect("wrapper log");
    let field = |name: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {log}"))
            .to_string()
    };
    let args = field("args: ");
    assert!(args.starts_with("-Y sign -n git -f "), "{args}");
    assert!(args.ends_with(" -U"), "literal keys are agent-held: {args}");
    assert_eq!(field("mode: "), "600");
    assert_eq!(field("content: "), key.line);
    let file = PathBuf::from(field("file: "));
    assert!(file.starts_with(sb.tmp()), "{file:?} not in TMPDIR");
    assert!(!file.exists(), "literal key file {file:?} left behind");
    assert_tmp_empty(&sb);
}

#[test]
fn ssh_private_key_path_is_not_passed_u() {
    let (sb, repo, key) = ssh_sandbox();
    let log = sb.path().join("ssh-keygen.log");
    let wrapper = sb.write_script(
        "ssh-keygen-wrapper",
        &format!("echo \"$*\" >> {}\nexec ssh-keygen \"$@\"", log.display()),
    );
    sb.set_config("gpg.ssh.program", wrapper.to_str().expect("utf-8"));
    sb.set_config("user.signingkey", key.private.to_str().expect("utf-8"));
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    let oid = commit_signed(&repo, &signer, "score\n");
    assert_git_verifies(&sb, &repo, oid);
    let args = fs::read_to_string(&log).expect("wrapper log");
    // The first line is ours; verify-commit's own calls follow.
    assert_eq!(
        args.lines().next(),
        Some(format!("-Y sign -n git -f {}", key.private.display()).as_str())
    );
}

#[test]
fn ssh_default_key_command_with_agent() {
    let (mut sb, repo, key) = ssh_sandbox();
    sb.start_ssh_agent();
    sb.ssh_add(&key.private);
    sb.set_config("gpg.ssh.defaultKeyCommand", "ssh-add -L");
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert!(
        signer.describe().contains("zhangwei@laptop"),
        "{}",
        signer.describe()
    );
    let oid = commit_signed(&repo, &signer, "decide\n");
    assert_git_verifies(&sb, &repo, oid);
    assert_tmp_empty(&sb);
}

#[test]
fn ssh_literal_key_without_agent_key_fails_with_stderr() {
    let (mut sb, repo, key) = ssh_sandbox();
    sb.start_ssh_agent(); // running, but the key was never added
    sb.set_config("user.signingkey", &key.line);
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    let err = signer.sign(b"tree 0\n").expect_err("no key in agent");
    let text = err.to_string();
    assert!(matches!(err, SignError::Failed { .. }), "{text}");
    assert!(text.contains("'ssh-keygen'"), "{text}");
    assert!(
        text.to_lowercase().contains("agent"),
        "ssh-keygen's stderr: {text}"
    );
    assert_tmp_empty(&sb);
}

#[test]
fn ssh_default_key_command_printing_no_key_is_an_error() {
    let (sb, repo, _key) = ssh_sandbox();
    sb.set_config("gpg.ssh.defaultKeyCommand", "echo nothing");
    let err = signer(&sb, &repo).expect_err("no key printed");
    assert!(matches!(err, SignError::DefaultKeyCommand { .. }), "{err}");
}

fn gpg_sandbox() -> (Sandbox, PathBuf, String) {
    let sb = Sandbox::new();
    sb.set_identity(NAME, EMAIL);
    let fingerprint = sb.gpg_gen_key(&uid());
    let repo = new_repo(&sb);
    (sb, repo, fingerprint)
}

#[test]
fn openpgp_explicit_fingerprint() {
    let (sb, repo, fingerprint) = gpg_sandbox();
    sb.set_config("user.signingkey", &fingerprint);
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert_eq!(signer.format(), SignFormat::OpenPgp);
    assert_eq!(signer.describe(), format!("openpgp key {fingerprint}"));
    let oid = commit_signed(&repo, &signer, "score\n");
    let log = assert_git_verifies(&sb, &repo, oid);
    assert!(
        log.contains(&format!("Good signature from \"{}\"", uid())),
        "{log}"
    );
    let fpr = sb.git_ok(&repo, &["log", "-1", "--format=%GF", "main"]);
    assert_eq!(fpr.trim(), fingerprint);
    assert_tmp_empty(&sb);
}

#[test]
fn openpgp_committer_identity_without_signingkey() {
    let (sb, repo, fingerprint) = gpg_sandbox();
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    assert_eq!(signer.describe(), format!("openpgp key of {}", uid()));
    let oid = commit_signed(&repo, &signer, "nominate\n");
    assert_git_verifies(&sb, &repo, oid);
    let fpr = sb.git_ok(&repo, &["log", "-1", "--format=%GF", "main"]);
    assert_eq!(fpr.trim(), fingerprint);
}

#[test]
fn openpgp_program_wrapper_script() {
    let (sb, repo, fingerprint) = gpg_sandbox();
    let log = sb.path().join("gpg.log");
    let wrapper = sb.write_script(
        "gpg-wrapper",
        &format!("echo \"$*\" >> {}\nexec gpg \"$@\"", log.display()),
    );
    // The repository's own config overrides the global one, as in git.
    sb.git_ok(
        &repo,
        &["config", "gpg.program", wrapper.to_str().expect("utf-8")],
    );
    sb.set_config("user.signingkey", &fingerprint);
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    let oid = commit_signed(&repo, &signer, "evaluate\n");
    assert_git_verifies(&sb, &repo, oid);
    let args = fs::read_to_string(&log).expect("wrapper log");
    // The first line is ours; verify-commit's own gpg calls follow.
    assert_eq!(
        args.lines().next(),
        Some(format!("--status-fd=2 -bsau {fingerprint}").as_str())
    );
}

#[test]
fn openpgp_unknown_key_fails_with_gpg_stderr() {
    let (sb, repo, _fingerprint) = gpg_sandbox();
    sb.set_config("user.signingkey", "nobody@nowhere.invalid");
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    let err = signer.sign(b"tree 0\n").expect_err("unknown key");
    let text = err.to_string();
    assert!(matches!(err, SignError::Failed { .. }), "{text}");
    assert!(
        text.contains("'gpg'") && text.contains("nobody@nowhere.invalid"),
        "{text}"
    );
}

#[test]
fn wrapper_that_signs_nothing_is_refused() {
    let sb = Sandbox::new();
    sb.set_identity(NAME, EMAIL);
    let repo = new_repo(&sb);
    // Exits 0 and prints something, but gpg never said SIG_CREATED.
    let fake = sb.write_script("fake-gpg", "cat >/dev/null\necho not-a-signature");
    sb.set_config("gpg.program", fake.to_str().expect("utf-8"));
    let signer = signer(&sb, &repo).expect("config").expect("a signer");
    let err = signer.sign(b"tree 0\n").expect_err("no SIG_CREATED");
    assert!(err.to_string().contains("SIG_CREATED"), "{err}");
}

#[test]
fn missing_program_names_the_config_key() {
    let sb = Sandbox::new();
    sb.set_identity(NAME, EMAIL);
    let repo = new_repo(&sb);
    let cases = [
        ("gpg.program", "openpgp", "/nonexistent/gpg"),
        ("gpg.openpgp.program", "openpgp", "pingxuan-no-such-gpg"),
        ("gpg.ssh.program", "ssh", "/nonexistent/ssh-keygen"),
    ];
    for (key, format, program) in cases {
        sb.set_config("gpg.format", format);
        sb.set_config(key, program);
        sb.set_config(
            "user.signingkey",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIx c",
        );
        let signer = signer(&sb, &repo).expect("config").expect("a signer");
        let err = signer.sign(b"tree 0\n").expect_err("missing program");
        let text = err.to_string();
        assert!(matches!(err, SignError::ProgramNotFound { .. }), "{text}");
        assert!(text.contains(program) && text.contains(key), "{text}");
    }
    assert_tmp_empty(&sb);
}

#[test]
fn x509_is_refused() {
    let sb = Sandbox::new();
    let repo = new_repo(&sb);
    sb.set_config("gpg.format", "x509");
    let err = signer(&sb, &repo).expect_err("x509");
    assert!(matches!(err, SignError::X509NotSupported));
    assert!(err.to_string().contains("not supported"));
}

#[test]
fn no_key_is_none() {
    let sb = Sandbox::new();
    let repo = new_repo(&sb);
    // openpgp without user.signingkey and without a committer identity.
    assert!(signer(&sb, &repo).expect("config").is_none());
    // ssh without user.signingkey and without gpg.ssh.defaultKeyCommand.
    sb.set_identity(NAME, EMAIL);
    sb.set_config("gpg.format", "ssh");
    assert!(signer(&sb, &repo).expect("config").is_none());
    // Through the plain git2 entry point too.
    assert!(Signer::from_git_config(&sb.git2_config(&repo))
        .expect("config")
        .is_none());
}

#[test]
fn gpgsign_is_read() {
    let sb = Sandbox::new();
    let repo = new_repo(&sb);
    let cfg = SigningConfig::from_git_config(&sb.git2_config(&repo)).expect("config");
    assert!(!cfg.gpgsign);
    sb.git_ok(&repo, &["config", "commit.gpgsign", "true"]);
    let cfg = SigningConfig::from_git_config(&sb.git2_config(&repo)).expect("config");
    assert!(cfg.gpgsign);
}
