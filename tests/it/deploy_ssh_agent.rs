//! Reviewers over SSH with their keys at home: the reviewer's private key is
//! only in the ssh-agent of their "laptop" (the test's sandbox); the review
//! machine (an sshd the test starts on a loopback port, with its own HOME)
//! holds a clone whose `user.signingkey` is the literal public key
//! (`key::ssh-ed25519 …`). A real `ssh -A -t` session in a pseudo-terminal
//! (tmux) opens the TUI there; the reviewer scores in the form and the commit
//! is signed through the forwarded agent — `git verify-commit` accepts it.
//! Without `-A` the same keystrokes show a sentence saying to use `ssh -A`,
//! and nothing is written (OPEN: every action signed by its member).
//! Needs sshd (openssh-server) and tmux.

use crate::{common, office, sync_world};

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{output_text, Sandbox};
use sync_world::*;

struct Tmux<'a> {
    sb: &'a Sandbox,
    sock: PathBuf,
}

impl Tmux<'_> {
    fn run(&self, args: &[&str]) -> Output {
        self.sb
            .cmd("tmux")
            .arg("-u")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .output()
            .expect("run tmux (install tmux)")
    }

    fn screen(&self, session: &str) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", session]).stdout)
            .into_owned()
    }

    fn keys(&self, session: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", session];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "send-keys {keys:?} to {session}: {}",
            output_text(&out)
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    fn wait_for(&self, session: &str, what: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen(session);
            if s.contains(what) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited for {what:?}; the screen is:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    fn alive(&self, session: &str) -> bool {
        self.run(&["has-session", "-t", session]).status.success()
    }

    /// Closes popups (a changed form asks first: `y` throws the edits away)
    /// and quits the TUI (which ends the ssh session), bounded.
    fn quit(&self, session: &str) {
        for key in ["Escape", "y", "Escape", "y", "Escape", "y", "q", "q", "q"] {
            if !self.alive(session) {
                break;
            }
            let _ = self.run(&["send-keys", "-t", session, key]);
            std::thread::sleep(Duration::from_millis(300));
        }
        self.wait_gone(session);
    }

    fn wait_gone(&self, session: &str) {
        let start = Instant::now();
        while self.alive(session) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "still running:\n{}",
                self.screen(session)
            );
            std::thread::sleep(Duration::from_millis(150));
        }
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn head(sb: &Sandbox, dir: &Path) -> String {
    sb.git_ok(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn a_reviewer_scores_over_ssh_signing_with_the_agent_at_home_and_without_dash_a_nothing_is_written()
{
    let mut w = World::new();
    let me = "wangjianguo";
    let key = w.keys[me].clone();
    let member = w.member(me).clone();

    // The review machine: its own HOME, a clone with the reviewer's identity
    // and the public key only (the private key never goes there).
    let review_home = w.sb.path().join("review-home");
    let review_tmp = review_home.join("tmp");
    std::fs::create_dir_all(&review_tmp).expect("review home");
    std::fs::write(review_home.join(".gitconfig"), "").expect("gitconfig");
    let clone = review_home.join(me).join("tengzhou-2017");
    w.git(
        w.sb.path(),
        &[
            "clone",
            "--quiet",
            w.origin.to_str().expect("utf-8"),
            clone.to_str().expect("utf-8"),
        ],
    );
    for (k, v) in [
        ("user.name", member.name.as_str()),
        ("user.email", member.email.as_str()),
        ("gpg.format", "ssh"),
        ("user.signingkey", &format!("key::{}", key.line)),
    ] {
        w.sb.git_ok(&clone, &["config", k, v]);
    }
    let authorized = w.sb.path().join("review_authorized_keys");
    std::fs::write(&authorized, format!("{}\n", key.line)).expect("authorized_keys");
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into());
    let sshd = office::start_sshd(
        &w.sb,
        "review-sshd",
        &authorized,
        &[
            ("HOME", review_home.display().to_string()),
            ("PATH", path),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("TMPDIR", review_tmp.display().to_string()),
            ("LC_ALL", "C.UTF-8".into()),
        ],
        true,
    );

    // The laptop: the reviewer's key in their own agent.
    w.sb.start_ssh_agent();
    w.sb.ssh_add(&key.private);

    let tmux = Tmux {
        sb: &w.sb,
        sock: w.sb.path().join("tmux.sock"),
    };
    let remote = format!(
        "cd {} && exec {} --lang en --at 2017-09-12T10:00:00+08:00",
        clone.display(),
        BIN
    );
    let ssh = |forward: &str| {
        format!(
            "ssh {forward} -t -p {} -o BatchMode=yes -o IdentitiesOnly=no \
             -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes {}@127.0.0.1 '{remote}'",
            sshd.port,
            sshd.known_hosts.display(),
            whoami()
        )
    };
    let before = head(&w.sb, &clone);

    // With -A: the TUI over ssh scores 2017-window-001 and the agent signs.
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "a",
        "-x",
        "110",
        "-y",
        "32",
        &ssh("-A"),
    ]);
    assert!(started.status.success(), "{}", output_text(&started));
    tmux.wait_for("a", "nominee", 60);
    tmux.wait_for("a", me, 30);
    tmux.keys("a", &["s"]);
    let form = tmux.wait_for("a", "commit:", 30);
    assert!(form.contains("ssh-agent key"), "{form}");
    for _ in 0..6 {
        tmux.keys("a", &["BSpace"]);
    }
    tmux.keys("a", &["-l", "9"]);
    tmux.wait_for("a", "[9 ", 30);
    tmux.keys("a", &["C-s"]);
    tmux.wait_for("a", "committed:", 60);
    tmux.quit("a");

    let after = head(&w.sb, &clone);
    assert_ne!(after, before, "one commit landed");
    assert_eq!(
        w.sb.git_ok(&clone, &["rev-list", "--count", &format!("{before}..HEAD")])
            .trim(),
        "1"
    );
    let message = w.sb.git_ok(&clone, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Pingxuan-Action: score"), "{message}");
    assert!(
        message.contains(&format!("Pingxuan-Actor: {me}")),
        "{message}"
    );
    // Real git accepts the signature made by the laptop's agent.
    let v = w.sb.git(&clone, &["verify-commit", "HEAD"]);
    assert!(v.status.success(), "{}", output_text(&v));
    let signer = w.sb.git_ok(&clone, &["log", "-1", "--format=%G? %GS"]);
    assert_eq!(signer.trim(), format!("G {}", member.email));
    // No private key material reached the review machine.
    let secret = std::fs::read_to_string(&key.private).expect("private key");
    let secret_line = secret.lines().nth(1).expect("a key line");
    let leaked = walk(&review_home)
        .into_iter()
        .filter(|p| {
            std::fs::read(p)
                .map(|b| String::from_utf8_lossy(&b).contains(secret_line))
                .unwrap_or(false)
        })
        .collect::<Vec<_>>();
    assert!(leaked.is_empty(), "private key found in {leaked:?}");

    // Without -A: the same keystrokes, a sentence saying to use ssh -A, nothing written.
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "b",
        "-x",
        "110",
        "-y",
        "32",
        &ssh("-a -o ForwardAgent=no"),
    ]);
    assert!(started.status.success(), "{}", output_text(&started));
    tmux.wait_for("b", "nominee", 60);
    tmux.keys("b", &["Down"]);
    tmux.keys("b", &["s"]);
    tmux.wait_for("b", "commit:", 30);
    for _ in 0..6 {
        tmux.keys("b", &["BSpace"]);
    }
    tmux.keys("b", &["-l", "7"]);
    tmux.wait_for("b", "[7 ", 30);
    tmux.keys("b", &["C-s"]);
    let screen = tmux.wait_for("b", "ssh -A", 60);
    assert!(screen.contains("nothing was written"), "{screen}");
    tmux.quit("b");
    assert_eq!(
        head(&w.sb, &clone),
        after,
        "nothing written without the agent"
    );
    assert_eq!(
        w.sb.git_ok(&clone, &["status", "--porcelain"]).trim(),
        "",
        "the work tree is untouched"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn default_key_command_without_an_agent_says_ssh_dash_a_and_writes_nothing() {
    let w = World::new();
    let c = w.clone_as(w.origin.to_str().expect("utf-8"), "zhaomin", "zhaomin");
    w.sb.git_ok(&c.dir, &["config", "--unset", "user.signingkey"]);
    w.sb.git_ok(
        &c.dir,
        &["config", "gpg.ssh.defaultKeyCommand", "ssh-add -L"],
    );
    let before = head(&w.sb, &c.dir);
    // The sandbox's SSH_AUTH_SOCK names no agent, as in an ssh session without -A.
    let (ok, text) = office::pingxuan(
        &w.sb,
        Some(&c.dir),
        &[
            "--at",
            "2017-09-12T10:00:00+08:00",
            "score",
            "2017-window-001",
            "-m",
            "W1=6",
        ],
    );
    assert!(!ok, "{text}");
    assert!(text.contains("ssh -A"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(head(&w.sb, &c.dir), before);
    assert_eq!(w.sb.git_ok(&c.dir, &["status", "--porcelain"]).trim(), "");
}
