//! The one test harness: every process a test spawns (git, pingxuan, ssh-keygen,
//! gpg, sshd, …) is built by [`scrubbed`], [`isolated`] or [`Sandbox::cmd`], which
//! drop the test process's git environment (`GIT_DIR`, `GIT_INDEX_FILE`, … all
//! `GIT_*`, as a git hook sets them when `cargo test` runs inside one) and give
//! the command a private HOME, global git config, GNUPGHOME, TMPDIR and (on
//! request) ssh-agent. Tests run as threads of one process, so nothing here sets
//! the process environment; pass [`Sandbox::envs`] to library code that spawns
//! programs (e.g. `SigningConfig::env`). [`demo`] builds the signed demo once per
//! test run.
#![allow(dead_code)] // each test binary uses a different part

pub mod demo;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Variables besides every `GIT_*` that would let the outer environment leak
/// into a test: identities, agents, the clock and repository of pingxuan.
const SCRUBBED: &[&str] = &[
    "EMAIL",
    "GNUPGHOME",
    "GPG_AGENT_INFO",
    "SSH_AGENT_PID",
    "PINGXUAN_NOW",
    "PINGXUAN_REPO",
];

/// True for a variable [`scrub`] removes.
pub fn is_scrubbed(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b"GIT_") || SCRUBBED.iter().any(|v| OsStr::new(v) == name)
}

/// Removes from `cmd` every variable of the test process's environment that
/// could point it outside the test: all `GIT_*` (GIT_DIR, GIT_WORK_TREE,
/// GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES,
/// GIT_NAMESPACE, GIT_PREFIX, GIT_CONFIG*, GIT_AUTHOR_*, GIT_COMMITTER_*, …) and
/// [`SCRUBBED`]. What the caller sets afterwards is kept.
pub fn scrub(cmd: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        if is_scrubbed(&name) {
            cmd.env_remove(&name);
        }
    }
    for name in SCRUBBED {
        cmd.env_remove(name);
    }
    cmd
}

/// A command for `program` with the test process's git environment scrubbed
/// and no global or system git config.
pub fn scrubbed(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    scrub(&mut cmd)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0");
    cmd
}

/// The variables that give a command `home` as its HOME, `home/.gitconfig` as
/// its global git config (no system config) and `home/.gnupg` as GNUPGHOME.
pub fn home_envs(home: &Path) -> Vec<(OsString, OsString)> {
    let pairs: [(&str, OsString); 6] = [
        ("HOME", home.into()),
        ("GIT_CONFIG_GLOBAL", home.join(".gitconfig").into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("XDG_CONFIG_HOME", home.join(".config").into()),
        ("GNUPGHOME", home.join(".gnupg").into()),
        ("GIT_TERMINAL_PROMPT", "0".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

/// A command for `program`, scrubbed, living in `home` ([`home_envs`]).
pub fn isolated(program: impl AsRef<OsStr>, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    scrub(&mut cmd).envs(home_envs(home));
    cmd
}

/// Run `git <args>` in `dir` with no global or system config; the output
/// whatever the status.
pub fn git_bare_config(dir: &Path, args: &[&str]) -> Output {
    scrubbed("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run git")
}

/// An ssh key pair made by [`Sandbox::ssh_keygen`].
#[derive(Debug, Clone)]
pub struct SshKey {
    pub private: PathBuf,
    pub public: PathBuf,
    /// The public key line, `ssh-ed25519 AAAA… comment`.
    pub line: String,
}

pub struct Sandbox {
    dir: tempfile::TempDir,
    home: PathBuf,
    global: PathBuf,
    gnupghome: PathBuf,
    tmp: PathBuf,
    agent: Option<(Child, PathBuf)>,
}

impl Sandbox {
    /// A fresh sandbox with an empty global git config.
    pub fn new() -> Sandbox {
        Sandbox::with_prefix("px-")
    }

    /// A fresh sandbox whose folder (in the temporary directory) starts with `prefix`.
    pub fn with_prefix(prefix: &str) -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .expect("sandbox tempdir");
        let root = dir.path().to_path_buf();
        let home = root.join("home");
        let gnupghome = home.join(".gnupg");
        let tmp = root.join("tmp");
        for d in [&home, &gnupghome, &tmp, &home.join(".config")] {
            fs::create_dir_all(d).expect("sandbox dirs");
        }
        // gpg refuses (warns about) a group- or world-readable home.
        fs::set_permissions(&gnupghome, fs::Permissions::from_mode(0o700)).expect("chmod gnupg");
        let global = home.join(".gitconfig");
        fs::write(&global, "").expect("global config");
        Sandbox {
            dir,
            home,
            global,
            gnupghome,
            tmp,
            agent: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn home(&self) -> &Path {
        &self.home
    }
    /// The file `GIT_CONFIG_GLOBAL` points at.
    pub fn global_config(&self) -> &Path {
        &self.global
    }
    pub fn gnupghome(&self) -> &Path {
        &self.gnupghome
    }
    /// `TMPDIR` for sandboxed commands: empty unless something leaked.
    pub fn tmp(&self) -> &Path {
        &self.tmp
    }
    /// The ssh-agent socket, once [`Sandbox::start_ssh_agent`] ran.
    pub fn ssh_auth_sock(&self) -> Option<&Path> {
        self.agent.as_ref().map(|(_, sock)| sock.as_path())
    }

    /// The environment every sandboxed command gets (on top of the process
    /// environment minus what [`scrub`] removes).
    pub fn envs(&self) -> Vec<(OsString, OsString)> {
        let sock = match self.ssh_auth_sock() {
            Some(sock) => sock.to_path_buf(),
            // Never the developer's own agent; a path that does not exist.
            None => self.path().join("no-ssh-agent"),
        };
        let mut envs = home_envs(&self.home);
        let pairs: [(&str, OsString); 4] = [
            ("TMPDIR", self.tmp.clone().into()),
            ("SSH_AUTH_SOCK", sock.into()),
            ("LC_ALL", "C".into()),
            ("LANGUAGE", "C".into()),
        ];
        envs.extend(pairs.into_iter().map(|(k, v)| (k.into(), v)));
        envs
    }

    /// A command for `program` with the sandbox environment.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        scrub(&mut cmd).envs(self.envs());
        cmd.current_dir(self.path());
        cmd
    }

    /// Run `git <args>` in `dir`; the output whatever the status.
    pub fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.cmd("git")
            .current_dir(dir)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run git")
    }

    /// Run `git <args>` in `dir`, panic unless it succeeds; stdout then stderr.
    pub fn git_ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git(dir, args);
        let text = output_text(&out);
        assert!(out.status.success(), "git {args:?} failed:\n{text}");
        text
    }

    /// Set `key = value` in the sandbox's global git config.
    pub fn set_config(&self, key: &str, value: &str) {
        git2::Config::open(&self.global)
            .and_then(|mut c| c.set_str(key, value))
            .unwrap_or_else(|e| panic!("set {key}: {e}"));
    }

    /// Set `user.name` and `user.email` in the global git config.
    pub fn set_identity(&self, name: &str, email: &str) {
        self.set_config("user.name", name);
        self.set_config("user.email", email);
    }

    /// The config of the repository at `repo_dir` (work tree or bare) over
    /// the sandbox global file only: never the real ~/.gitconfig.
    pub fn git2_config(&self, repo_dir: &Path) -> git2::Config {
        let mut cfg = git2::Config::new().expect("config");
        cfg.add_file(&self.global, git2::ConfigLevel::Global, false)
            .expect("add global config");
        let dotgit = repo_dir.join(".git").join("config");
        let local = if dotgit.exists() {
            dotgit
        } else {
            repo_dir.join("config")
        };
        if local.exists() {
            cfg.add_file(&local, git2::ConfigLevel::Local, false)
                .expect("add local config");
        }
        cfg
    }

    /// Make an executable script `bin/<name>` with `body` after a `#!/bin/sh`.
    pub fn write_script(&self, name: &str, body: &str) -> PathBuf {
        let bin = self.path().join("bin");
        fs::create_dir_all(&bin).expect("bin dir");
        let path = bin.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod script");
        path
    }

    /// Generate an unencrypted ed25519 key `~/.ssh/<name>` with `comment`.
    pub fn ssh_keygen(&self, name: &str, comment: &str) -> SshKey {
        let ssh = self.home.join(".ssh");
        fs::create_dir_all(&ssh).expect("ssh dir");
        fs::set_permissions(&ssh, fs::Permissions::from_mode(0o700)).expect("chmod ssh");
        let private = ssh.join(name);
        let out = self
            .cmd("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
            .arg(&private)
            .stdin(Stdio::null())
            .output()
            .expect("run ssh-keygen");
        assert!(out.status.success(), "ssh-keygen: {}", output_text(&out));
        let public = ssh.join(format!("{name}.pub"));
        let line = fs::read_to_string(&public)
            .expect("read public key")
            .trim()
            .to_string();
        SshKey {
            private,
            public,
            line,
        }
    }

    /// Write an allowed-signers file for `(principal, public key line)` pairs
    /// (namespace git) and point `gpg.ssh.allowedSignersFile` at it.
    pub fn write_allowed_signers(&self, signers: &[(&str, &str)]) -> PathBuf {
        let path = self.path().join("allowed_signers");
        let text: String = signers
            .iter()
            .map(|(who, key)| format!("{who} namespaces=\"git\" {key}\n"))
            .collect();
        fs::write(&path, text).expect("write allowed signers");
        self.set_config(
            "gpg.ssh.allowedSignersFile",
            path.to_str().expect("utf-8 path"),
        );
        path
    }

    /// Generate a gpg signing key for `uid` (`Name <email>`) without a
    /// passphrase; its fingerprint. Needs gpg and gpg-agent.
    pub fn gpg_gen_key(&self, uid: &str) -> String {
        let out = self
            .cmd("gpg")
            .args(["--batch", "--passphrase", "", "--quick-gen-key", uid])
            .args(["ed25519", "sign", "never"])
            .stdin(Stdio::null())
            .output()
            .expect("run gpg");
        assert!(
            out.status.success(),
            "gpg key generation: {}",
            output_text(&out)
        );
        let out = self
            .cmd("gpg")
            .args(["--batch", "--with-colons", "--list-secret-keys", "--", uid])
            .output()
            .expect("run gpg");
        assert!(out.status.success(), "gpg list keys: {}", output_text(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|rest| rest.split(':').nth(8))
            .expect("fingerprint in gpg output")
            .to_string()
    }

    /// Start an ssh-agent of this sandbox (killed on drop); from now on
    /// [`Sandbox::envs`] points `SSH_AUTH_SOCK` at it.
    pub fn start_ssh_agent(&mut self) -> PathBuf {
        assert!(self.agent.is_none(), "ssh-agent already started");
        let sock = self.path().join("agent.sock");
        let child = self
            .cmd("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ssh-agent");
        self.agent = Some((child, sock.clone()));
        let start = Instant::now();
        while !sock.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "ssh-agent socket never appeared"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        sock
    }

    /// Add a private key to the sandbox's ssh-agent.
    pub fn ssh_add(&self, private: &Path) {
        assert!(self.agent.is_some(), "start_ssh_agent first");
        let out = self
            .cmd("ssh-add")
            .arg(private)
            .stdin(Stdio::null())
            .output()
            .expect("run ssh-add");
        assert!(out.status.success(), "ssh-add: {}", output_text(&out));
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some((mut child, _)) = self.agent.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // Stop the gpg-agent that gpg started for this GNUPGHOME, if any.
        let agent_started = fs::read_dir(&self.gnupghome)
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with("S.gpg-agent"))
            })
            .unwrap_or(false);
        if agent_started {
            let _ = self
                .cmd("gpgconf")
                .args(["--kill", "gpg-agent"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// stdout then stderr, lossily decoded.
pub fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
