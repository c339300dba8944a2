//! The signed demo (`pingxuan demo`: an ssh key per member and the whole
//! scripted history, each commit signed) built ONCE per test run and copied
//! for every test that needs it.
//!
//! The build is cached under `CARGO_TARGET_TMPDIR/demo-cache/<key>`, where the
//! key names the binary's build (path, size, modification time) and the
//! arguments; a file lock keeps two test binaries running at once from building
//! the same demo twice. A test gets its own copy ([`copy`]) in a fresh
//! [`Sandbox`], with the repository's signing key and allowed-signers file
//! pointing at the copy's keys, so it may change the copy freely.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::{output_text, Sandbox};

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");
/// The whole scripted year (the demo stops at its `--at`, default the review day).
pub const YEAR: &str = "2017-12-12T12:00:00+08:00";
/// Cache entries of other builds, and copies, are removed once this old.
const STALE: Duration = Duration::from_secs(3600);
/// The folder name of a copy's sandbox starts with this.
const COPY_PREFIX: &str = "px-demo-";

/// A private copy of the demo.
pub struct Demo {
    /// The sandbox the copy lives in (HOME, global config, …).
    pub sb: Sandbox,
    /// The repository, `<sandbox>/demo`; its keys are in `<sandbox>/demo.keys`.
    pub dir: PathBuf,
    /// Standard output of the `pingxuan demo` run that built it.
    pub stdout: String,
    /// Where that run built it (the path it printed).
    pub built: PathBuf,
}

/// The cache entry of the demo built with `--lang en` and `--at at` (none: the
/// command's default), built now unless this or another test binary of the
/// same build did.
fn cached(at: Option<&str>) -> PathBuf {
    static BUILT: Mutex<Vec<(Option<String>, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let want = at.map(str::to_string);
    if let Some((_, dir)) = built.iter().find(|(a, _)| *a == want) {
        return dir.clone();
    }
    let bin = std::fs::metadata(BIN).expect("the pingxuan binary");
    let mut h = DefaultHasher::new();
    (BIN, bin.len(), bin.modified().ok(), "en", &want).hash(&mut h);
    let key = format!("{:016x}", h.finish());
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("demo-cache");
    std::fs::create_dir_all(&root).expect("demo cache dir");
    let entry = root.join(&key);
    let lock = std::fs::File::create(root.join(format!("{key}.lock"))).expect("demo cache lock");
    lock.lock().expect("lock the demo cache");
    if !entry.join("done").exists() {
        let _ = std::fs::remove_dir_all(&entry);
        std::fs::create_dir_all(&entry).expect("demo cache entry");
        let sb = Sandbox::new();
        let mut cmd = sb.cmd(BIN);
        cmd.args(["--lang", "en"]);
        if let Some(at) = at {
            cmd.args(["--at", at]);
        }
        let out = cmd
            .arg("demo")
            .arg(entry.join("demo"))
            .arg("--no-tui")
            .output()
            .expect("run pingxuan demo");
        assert!(out.status.success(), "pingxuan demo: {}", output_text(&out));
        std::fs::write(entry.join("stdout"), &out.stdout).expect("demo stdout");
        std::fs::write(entry.join("done"), "").expect("demo done");
        prune(&root, "", Some(&key));
        prune(&std::env::temp_dir(), COPY_PREFIX, None);
    }
    drop(lock);
    built.push((want, entry.clone()));
    entry
}

/// Removes the entries of `root` whose name starts with `prefix` and not with
/// `keep` and that were not touched for an hour: cache entries of earlier
/// builds, and copies a test kept in a static (never dropped) in earlier runs.
fn prune(root: &Path, prefix: &str, keep: Option<&str>) {
    for e in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > STALE));
        if stale && name.starts_with(prefix) && !keep.is_some_and(|k| name.starts_with(k)) {
            let p = e.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// A fresh copy of the demo built `--at at` (the default when `None`).
pub fn copy(at: Option<&str>) -> Demo {
    let entry = cached(at);
    let sb = Sandbox::with_prefix(COPY_PREFIX);
    let dir = sb.path().join("demo");
    let keys = sb.path().join("demo.keys");
    // The repository, its keys and (made by the command) its exports folder.
    for name in ["demo", "demo.keys", "demo.exports"] {
        let from = entry.join(name);
        if name == "demo.exports" && !from.exists() {
            continue;
        }
        let out = sb
            .cmd("cp")
            .arg("-a")
            .arg(&from)
            .arg(sb.path().join(name))
            .output()
            .expect("run cp");
        assert!(out.status.success(), "cp: {}", output_text(&out));
    }
    // The repository's configuration names the keys it was built with.
    let old_keys = format!("{}.keys", entry.join("demo").display());
    let config = dir.join(".git").join("config");
    let mut cfg = git2::Config::open(&config).expect("demo config");
    for name in ["user.signingkey", "gpg.ssh.allowedSignersFile"] {
        let value = cfg.get_string(name).expect(name);
        let moved = value.replacen(&old_keys, keys.to_str().expect("utf-8 path"), 1);
        assert_ne!(value, moved, "{name} = {value} names the built keys");
        cfg.set_str(name, &moved).expect(name);
    }
    let stdout = std::fs::read_to_string(entry.join("stdout")).expect("demo stdout");
    Demo {
        sb,
        dir,
        stdout,
        built: entry.join("demo"),
    }
}

/// A copy of the whole scripted year (`--at` [`YEAR`]).
pub fn year() -> Demo {
    copy(Some(YEAR))
}
