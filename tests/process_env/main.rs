//! Tests that change their own process environment, so they get a binary of
//! their own (every test of tests/it shares one process).
//!
//! - The harness scrubs the git environment: `cargo test` run inside a git hook
//!   inherits `GIT_DIR`, `GIT_INDEX_FILE`, `GIT_WORK_TREE`, … pointing at the
//!   outer repository. Here they point at a decoy repository, and the decoy must
//!   come out byte for byte untouched while the harness makes repositories,
//!   commits, runs git and pingxuan and copies the demo.
//! - Issue 9, secrets: `$EDITOR` temporary files are private (0600) and removed.

#[path = "../common/mod.rs"]
mod common;
#[path = "../fixture/mod.rs"]
mod fixture;
#[path = "../hostile/mod.rs"]
mod hostile;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{output_text, Sandbox};

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");

/// The tests of this binary change the process environment: one at a time.
static ENV: Mutex<()> = Mutex::new(());

/// Every file under `root` (work tree and git directory), with its bytes.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                all.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    all
}

/// A repository with one commit, made by `outer`, outside any variable.
fn decoy_repo(outer: &Sandbox, name: &str) -> PathBuf {
    let dir = outer.path().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    outer.git_ok(&dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("file"), "decoy\n").unwrap();
    outer.git_ok(&dir, &["add", "file"]);
    outer.git_ok(&dir, &["commit", "-q", "-m", "decoy"]);
    dir
}

/// The variables a git hook (or a user's shell) may leave pointing at the
/// outer repository, set to the decoy.
fn decoy_vars(decoy: &Path) -> Vec<(&'static str, String)> {
    let git_dir = decoy.join(".git");
    let d = |p: &Path| p.display().to_string();
    vec![
        ("GIT_DIR", d(&git_dir)),
        ("GIT_WORK_TREE", d(decoy)),
        ("GIT_INDEX_FILE", d(&git_dir.join("index"))),
        ("GIT_OBJECT_DIRECTORY", d(&git_dir.join("objects"))),
        (
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            d(&git_dir.join("objects")),
        ),
        ("GIT_NAMESPACE", "decoy".into()),
        ("GIT_PREFIX", "decoy/".into()),
        ("GIT_AUTHOR_NAME", "decoy".into()),
        ("GIT_AUTHOR_EMAIL", "decoy@example.invalid".into()),
        ("GIT_COMMITTER_NAME", "decoy".into()),
        ("GIT_COMMITTER_EMAIL", "decoy@example.invalid".into()),
        ("GIT_CONFIG_COUNT", "1".into()),
        ("GIT_CONFIG_KEY_0", "user.name".into()),
        ("GIT_CONFIG_VALUE_0", "decoy".into()),
        (
            "GIT_CONFIG_PARAMETERS",
            "'user.email'='decoy@example.invalid'".into(),
        ),
        ("PINGXUAN_REPO", d(decoy)),
    ]
}

/// The harness scrubs the git environment: with `GIT_DIR`, `GIT_INDEX_FILE`,
/// `GIT_WORK_TREE`, `GIT_OBJECT_DIRECTORY`, … of the test process pointing at a
/// decoy repository, every git and pingxuan process the harness spawns
/// (Sandbox, Fixture, hostile::git, the isolated and scrubbed commands, the
/// demo copy) acts on its own repository and the decoy stays untouched.
#[test]
fn harness_scrubs_the_outer_git_environment_and_leaves_a_decoy_untouched() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let outer = Sandbox::new();
    outer.set_identity("Outer", "outer@example.invalid");

    // The variables are live: a git that inherits them, run anywhere, writes
    // into the repository they name (a first decoy, for this check only).
    let control = decoy_repo(&outer, "control");
    let pristine = files(&control);
    let elsewhere = outer.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let mut raw = Command::new("git");
    raw.current_dir(&elsewhere)
        .args(["commit", "-q", "--allow-empty", "-m", "stray"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    for (k, v) in decoy_vars(&control) {
        raw.env(k, v);
    }
    let out = raw.output().expect("run git");
    assert!(out.status.success(), "{}", output_text(&out));
    assert_ne!(
        files(&control),
        pristine,
        "the stray commit landed in the decoy"
    );

    let decoy = decoy_repo(&outer, "decoy");
    let vars = decoy_vars(&decoy);
    let before = files(&decoy);

    for (k, v) in &vars {
        std::env::set_var(k, v);
    }
    // Sandbox: a repository, a commit by the sandbox's identity, a pingxuan run.
    let sb = Sandbox::new();
    sb.set_identity("Sandboxed", "sandboxed@example.invalid");
    let repo = sb.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    sb.git_ok(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("a"), "a\n").unwrap();
    sb.git_ok(&repo, &["add", "a"]);
    sb.git_ok(&repo, &["commit", "-q", "-m", "sandboxed"]);
    let who = sb.git_ok(&repo, &["log", "-1", "--format=%an <%ae> %cn"]);
    assert_eq!(
        who.trim(),
        "Sandboxed <sandboxed@example.invalid> Sandboxed"
    );
    assert!(
        repo.join(".git/index").exists(),
        "the index is the repository's own"
    );
    let out = sb
        .cmd(BIN)
        .args(["--lang", "en", "validate"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "no campaign here, and not the decoy's either"
    );
    assert!(
        !output_text(&out).contains("decoy"),
        "{}",
        output_text(&out)
    );

    // Fixture: its pingxuan and its git act on the fixture repository.
    let f = fixture::Fixture::new(&[]);
    let out = f.run(&["--lang", "en", "validate"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let out = f.git(&["update-ref", "refs/heads/probe", "HEAD"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(f.repo().find_reference("refs/heads/probe").is_ok());
    // hostile::git and the scrubbed command, with no global config.
    let out = hostile::git(f.path(), &["update-ref", "refs/heads/probe2", "HEAD"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(f.repo().find_reference("refs/heads/probe2").is_ok());
    let out = common::isolated("git", sb.home())
        .current_dir(&repo)
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "",
        "the repository's own index"
    );

    // The demo copy (built once per test run, by the harness).
    let d = common::demo::copy(None);
    d.sb.git_ok(&d.dir, &["verify-commit", "HEAD"]);
    let out =
        d.sb.cmd(BIN)
            .arg("--repo")
            .arg(&d.dir)
            .args(["--lang", "en", "list", "--json"])
            .output()
            .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));

    for (k, _) in &vars {
        std::env::remove_var(k);
    }
    assert_eq!(files(&decoy), before, "the decoy repository is untouched");
    let refs = outer.git_ok(&decoy, &["for-each-ref", "--format=%(refname)"]);
    assert_eq!(refs.trim(), "refs/heads/main", "no ref added to the decoy");
}

/// An editor that records the file it was given, its mode, and appends a line.
fn fake_editor(dir: &Path, exit: i32) -> std::path::PathBuf {
    let script = dir.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" > '{log}'\nstat -c %a \"$1\" >> '{log}'\necho edited >> \"$1\"\nexit {exit}\n",
            log = dir.join("editor.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

// `$VISUAL` is process-wide: the two cases are one test, under [`ENV`].
#[test]
fn editor_temp_file_is_private_and_always_removed() {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("VISUAL", fake_editor(dir.path(), 0));
    let out = pingxuan::tui::edit("\u{4e8b}\u{8e5f} secret draft\n").unwrap();
    assert!(out.starts_with("\u{4e8b}\u{8e5f} secret draft\n") && out.ends_with("edited\n"));
    let log = std::fs::read_to_string(dir.path().join("editor.log")).unwrap();
    let mut lines = log.lines();
    let file = lines.next().unwrap();
    assert_eq!(
        lines.next(),
        Some("600"),
        "only the user can read it: {log}"
    );
    assert!(!Path::new(file).exists(), "{file} is removed after editing");

    // An editor that fails: an error, and the file is removed all the same.
    std::env::set_var("VISUAL", fake_editor(dir.path(), 3));
    assert!(pingxuan::tui::edit("draft").is_err());
    let log = std::fs::read_to_string(dir.path().join("editor.log")).unwrap();
    let file = log.lines().next().unwrap();
    assert!(
        !Path::new(file).exists(),
        "{file} is removed after a failed edit"
    );
    std::env::remove_var("VISUAL");
}
