//! An office's set-up for the deployment tests: an `sshd` the test starts on a
//! loopback port (its own host key, its own authorized-keys file, the session
//! environment it is told), a gitolite server behind it under a temporary
//! HOME, and members' clones that reach it with their own ssh keys through
//! `core.sshCommand`, as a clerk's laptop would. Every server is killed when
//! its handle drops. Needs `sshd` (openssh-server) and `gitolite` (gitolite3).
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::{output_text, Sandbox, SshKey};
use crate::sync_world::{free_port, signer, wait_for_port, whoami, Clone, Server, World, SSHD};
use pingxuan::history::Verifier;
use pingxuan::sync::GitProgram;

pub use crate::sync_world::BIN;
/// The campaign's repository on the gitolite server.
pub const REPO: &str = "tengzhou-2017";
/// The gitolite server's clock (`PINGXUAN_NOW` in every ssh session, so in
/// the pre-receive hook; TIME-FORWARD): the evening of the day the sync
/// world's shared clock starts ([`crate::sync_world::CLOCK_START`]), after
/// every time the tests take from that clock and within the sample campaign's
/// `max_offline` (24 h) of all of them.
pub const SERVER_NOW: &str = "2017-09-14T22:00:00+08:00";

/// A test-started sshd.
pub struct Sshd {
    pub server: Server,
    pub port: u16,
    /// `known_hosts` holding its host key, for `UserKnownHostsFile`.
    pub known_hosts: PathBuf,
    pub dir: PathBuf,
}

/// Starts sshd on a loopback port. `authorized` is the file it reads keys
/// from; `setenv` is the environment of every session (HOME, PATH…).
pub fn start_sshd(
    sb: &Sandbox,
    name: &str,
    authorized: &Path,
    setenv: &[(&str, String)],
    agent_forwarding: bool,
) -> Sshd {
    assert!(
        Path::new(SSHD).exists(),
        "{SSHD} is missing: install openssh-server (.ci/run does)"
    );
    let _ = std::fs::create_dir_all("/run/sshd");
    let dir = sb.path().join(name);
    std::fs::create_dir_all(&dir).expect("sshd dir");
    let host = dir.join("host_ed25519");
    let out = sb
        .cmd("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f"])
        .arg(&host)
        .stdin(Stdio::null())
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "host key: {}", output_text(&out));
    let host_pub = std::fs::read_to_string(dir.join("host_ed25519.pub")).expect("host key");
    let port = free_port();
    let env: Vec<String> = setenv
        .iter()
        .map(|(k, v)| {
            assert!(!v.contains(' ') && !v.contains('"'), "{k}={v}: no spaces");
            format!("{k}={v}")
        })
        .collect();
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
             AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPubkeyAuthentication yes\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin yes\n\
             AllowTcpForwarding no\nAllowAgentForwarding {}\nX11Forwarding no\nPrintMotd no\n\
             PrintLastLog no\nLogLevel ERROR\nMaxStartups 50:30:100\nSetEnv {}\n",
            host.display(),
            dir.join("sshd.pid").display(),
            authorized.display(),
            if agent_forwarding { "yes" } else { "no" },
            env.join(" "),
        ),
    )
    .expect("sshd_config");
    let log = std::fs::File::create(dir.join("sshd.log")).expect("log");
    let mut child = crate::common::scrubbed(SSHD)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start sshd");
    wait_for_port(port, &mut child, "sshd");
    let known_hosts = dir.join("known_hosts");
    let mut fields = host_pub.split_whitespace();
    let (kind, blob) = (
        fields.next().expect("key type"),
        fields.next().expect("key"),
    );
    std::fs::write(&known_hosts, format!("[127.0.0.1]:{port} {kind} {blob}\n"))
        .expect("known_hosts");
    Sshd {
        server: Server(child),
        port,
        known_hosts,
        dir,
    }
}

impl Sshd {
    /// An ssh command line using `key` alone (no agent), batch mode.
    pub fn ssh_command(&self, key: &Path) -> String {
        format!(
            "ssh -i {} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes \
             -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes -o ConnectTimeout=60",
            key.display(),
            self.known_hosts.display()
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("ssh://{}@127.0.0.1:{}/{path}", whoami(), self.port)
    }
}

/// A gitolite server: its HOME, its sshd, its admin clone.
pub struct Gitolite {
    pub home: PathBuf,
    pub sshd: Sshd,
    pub admin_key: SshKey,
    pub admin: PathBuf,
}

impl Gitolite {
    /// Sets gitolite up under a temporary HOME (`gitolite setup -pk admin.pub`)
    /// and starts sshd in front of it, as its own user.
    pub fn start(sb: &Sandbox) -> Gitolite {
        let home = sb.path().join("gitolite-home");
        std::fs::create_dir_all(&home).expect("gitolite home");
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = gitolite\n\temail = git@office\n",
        )
        .expect("gitolite gitconfig");
        let admin_key = sb.ssh_keygen("admin", "admin@office");
        let out = sb
            .cmd("gitolite")
            .arg("setup")
            .arg("-pk")
            .arg(&admin_key.public)
            .env("HOME", &home)
            .env("USER", whoami())
            .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
            .stdin(Stdio::null())
            .output()
            .expect("run gitolite (install gitolite3)");
        assert!(
            out.status.success(),
            "gitolite setup: {}",
            output_text(&out)
        );
        // Repositories made from now on start on main, the campaign's branch
        // (gitolite-admin stays on master, where gitolite reads it).
        std::fs::write(
            home.join(".gitconfig"),
            "[init]\n\tdefaultBranch = main\n[user]\n\tname = gitolite\n\temail = git@office\n",
        )
        .expect("gitolite gitconfig");
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
        let sshd = start_sshd(
            sb,
            "gitolite-sshd",
            &home.join(".ssh").join("authorized_keys"),
            &[
                ("HOME", home.display().to_string()),
                ("USER", whoami()),
                ("PATH", path),
                ("GIT_CONFIG_NOSYSTEM", "1".into()),
                ("LANG", "C".into()),
                ("PINGXUAN_NOW", SERVER_NOW.into()),
            ],
            false,
        );
        let admin = sb.path().join("gitolite-admin");
        let g = Gitolite {
            home,
            sshd,
            admin_key,
            admin,
        };
        let url = g.sshd.url("gitolite-admin");
        let out = g
            .git_as(sb, &g.admin_key, sb.path(), &["clone", "--quiet", &url])
            .arg(&g.admin)
            .output()
            .expect("git clone");
        assert!(out.status.success(), "admin clone: {}", output_text(&out));
        g
    }

    /// `git <args>` in `dir` reaching the server with `key`.
    pub fn git_as(
        &self,
        sb: &Sandbox,
        key: &SshKey,
        dir: &Path,
        args: &[&str],
    ) -> std::process::Command {
        let mut cmd = sb.cmd("git");
        cmd.current_dir(dir)
            .args(args)
            .env("GIT_SSH_COMMAND", self.sshd.ssh_command(&key.private))
            .stdin(Stdio::null());
        cmd
    }

    /// The server's copy of a repository.
    pub fn repo_dir(&self, name: &str) -> PathBuf {
        self.home.join("repositories").join(format!("{name}.git"))
    }

    /// Writes the admin repository's conf and keys and pushes them: `members`
    /// (id, public key line) get RW on [`REPO`]; gitolite creates it and
    /// rewrites its authorized keys.
    pub fn set_members(&self, sb: &Sandbox, members: &[(&str, &str)]) {
        let keydir = self.admin.join("keydir");
        for e in std::fs::read_dir(&keydir).expect("keydir").flatten() {
            if e.file_name() != "admin.pub" {
                std::fs::remove_file(e.path()).expect("remove key");
            }
        }
        for (id, key) in members {
            std::fs::write(keydir.join(format!("{id}.pub")), format!("{key}\n")).expect("key");
        }
        let ids: Vec<&str> = members.iter().map(|(id, _)| *id).collect();
        std::fs::write(
            self.admin.join("conf").join("gitolite.conf"),
            format!(
                "repo gitolite-admin\n    RW+ = admin\n\n@campaign = {}\n\nrepo {REPO}\n    RW = @campaign\n    RW+ = admin\n",
                ids.join(" ")
            ),
        )
        .expect("gitolite.conf");
        for args in [
            &["add", "-A"][..],
            &[
                "-c",
                "user.name=admin",
                "-c",
                "user.email=admin@office",
                "commit",
                "--quiet",
                "-m",
                "members",
            ][..],
            &["push", "--quiet", "origin", "HEAD:master"][..],
        ] {
            let out = sb
                .cmd("git")
                .current_dir(&self.admin)
                .args(args)
                .env(
                    "GIT_SSH_COMMAND",
                    self.sshd.ssh_command(&self.admin_key.private),
                )
                .stdin(Stdio::null())
                .output()
                .expect("git");
            assert!(
                out.status.success(),
                "admin {args:?}: {}",
                output_text(&out)
            );
            if std::env::var_os("PINGXUAN_TRACE_GITOLITE").is_some() {
                eprintln!("admin {args:?}: {}", output_text(&out));
            }
        }
    }
}

/// A member's clone of the gitolite repository, reaching it with the member's
/// own key (`core.sshCommand`), signing with the same key, identity set.
pub fn clone_member(w: &World, g: &Gitolite, member: &str, name: &str) -> Clone {
    let key = &w.keys[member];
    let dir = w.sb.path().join("clones").join(name);
    std::fs::create_dir_all(dir.parent().expect("parent")).expect("clones dir");
    let ssh = g.sshd.ssh_command(&key.private);
    let out =
        w.sb.cmd("git")
            .args(["-c", &format!("core.sshCommand={ssh}"), "clone", "--quiet"])
            .arg(g.sshd.url(REPO))
            .arg(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("git clone");
    assert!(
        out.status.success(),
        "{member} clone: {}",
        output_text(&out)
    );
    let m = w.member(member);
    for (k, v) in [
        ("core.sshCommand", ssh.as_str()),
        ("user.name", m.name.as_str()),
        ("user.email", m.email.as_str()),
        ("gpg.format", "ssh"),
        ("user.signingkey", key.private.to_str().expect("utf-8")),
    ] {
        w.sb.git_ok(&dir, &["config", k, v]);
    }
    Clone {
        dir,
        member: member.to_string(),
        email: m.email.clone(),
        signer: signer(&w.sb, key),
        git: GitProgram {
            program: "git".into(),
            env: w.sb.envs(),
        },
        verifier: Verifier::default().with_env(w.sb.envs()),
        clock: std::sync::Arc::clone(&w.clock),
    }
}

/// `pingxuan --lang en <args>` in the sandbox; (success, stdout+stderr).
pub fn pingxuan(sb: &Sandbox, dir: Option<&Path>, args: &[&str]) -> (bool, String) {
    let mut cmd = sb.cmd(BIN);
    if let Some(d) = dir {
        cmd.arg("--repo").arg(d);
    }
    let out = cmd
        .args(["--lang", "en"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run pingxuan");
    (out.status.success(), output_text(&out))
}

/// Writes `content` at `path` in the clone and commits it with plain
/// `git commit -S` (the clone's own key), as `author` (name, email) at `when`.
pub fn plain_commit(
    sb: &Sandbox,
    dir: &Path,
    path: &str,
    content: &str,
    author: (&str, &str),
    when: &str,
) -> String {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
    std::fs::write(&full, content).expect("write");
    sb.git_ok(dir, &["add", path]);
    let envs: [(&str, OsString); 2] = [
        ("GIT_AUTHOR_DATE", when.into()),
        ("GIT_COMMITTER_DATE", when.into()),
    ];
    let out = sb
        .cmd("git")
        .current_dir(dir)
        .envs(envs)
        .args([
            "-c",
            &format!("user.name={}", author.0),
            "-c",
            &format!("user.email={}", author.1),
            "commit",
            "-S",
            "--quiet",
            "-m",
            "score by hand",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("git commit");
    assert!(out.status.success(), "commit: {}", output_text(&out));
    sb.git_ok(dir, &["rev-parse", "HEAD"]).trim().to_string()
}
