//! Fetch and push through the user's own `git` program, so that `~/.ssh/config`,
//! ssh-agent, known_hosts, `core.sshCommand`, `GIT_SSH_COMMAND` and credential
//! helpers behave exactly as in the user's own `git push`.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

use super::SyncError;

/// Variables that would point the child git at another repository than ours.
const REPO_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
];

/// How to run git: the program and extra environment on top of ours.
#[derive(Debug, Clone)]
pub struct GitProgram {
    pub program: String,
    pub env: Vec<(OsString, OsString)>,
}

impl Default for GitProgram {
    fn default() -> Self {
        GitProgram {
            program: "git".into(),
            env: Vec::new(),
        }
    }
}

pub struct Ran {
    pub success: bool,
    pub status: String,
    pub stdout: String,
    pub stderr: String,
}

impl GitProgram {
    fn run(&self, git_dir: &Path, args: &[&str]) -> Result<Ran, SyncError> {
        let mut cmd = Command::new(&self.program);
        for v in REPO_VARS {
            cmd.env_remove(v);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        // Never wait for a password typed into a terminal that is drawing a TUI;
        // ssh-agent, keys and credential helpers still work.
        if !self.env.iter().any(|(k, _)| k == "GIT_TERMINAL_PROMPT") {
            cmd.env("GIT_TERMINAL_PROMPT", "0");
        }
        cmd.arg("--git-dir")
            .arg(git_dir)
            .args(args)
            .stdin(Stdio::null());
        let out = cmd.output().map_err(|e| SyncError::GitProgram {
            command: format!("{} {}", self.program, args.join(" ")),
            status: e.to_string(),
            stderr: String::new(),
        })?;
        Ok(Ran {
            success: out.status.success(),
            status: out.status.to_string(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// `git fetch <remote>`: updates the remote-tracking branches.
    pub fn fetch(&self, git_dir: &Path, remote: &str) -> Result<(), SyncError> {
        let args = ["fetch", "--quiet", "--no-auto-gc", remote];
        let ran = self.run(git_dir, &args)?;
        if ran.success {
            Ok(())
        } else {
            Err(SyncError::GitProgram {
                command: format!("{} {}", self.program, args.join(" ")),
                status: ran.status,
                stderr: ran.stderr.trim().to_string(),
            })
        }
    }

    /// `git push --porcelain <remote> refs/heads/<branch>:refs/heads/<branch>`.
    pub fn push(&self, git_dir: &Path, remote: &str, branch: &str) -> Result<Pushed, SyncError> {
        let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
        let args = ["push", "--porcelain", remote, refspec.as_str()];
        let ran = self.run(git_dir, &args)?;
        let pushed = classify_push(&ran);
        match pushed {
            Pushed::Failed => Err(SyncError::GitProgram {
                command: format!("{} {}", self.program, args.join(" ")),
                status: ran.status,
                stderr: ran.stderr.trim().to_string(),
            }),
            other => Ok(other),
        }
    }
}

/// What a push came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// Someone pushed first (non-fast-forward, fetch first, stale info) or the
    /// server lost a ref-lock race: fetch, merge and try again.
    Retry(String),
    /// The server refused for good (e.g. its pre-receive hook declined).
    Refused(String),
    /// git failed before any ref was reported (network, authentication …).
    Failed,
}

/// Reads `git push --porcelain`: lines `<flag>\t<from>:<to>\t<summary>`, `!` rejected.
pub fn classify_push(ran: &Ran) -> Pushed {
    let mut saw_ref = false;
    for line in ran.stdout.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(flag), Some(_refs), summary) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        saw_ref = true;
        if flag != "!" {
            continue;
        }
        let summary = summary.unwrap_or("").to_string();
        let detail = if ran.stderr.trim().is_empty() {
            summary.clone()
        } else {
            format!("{summary}\n{}", ran.stderr.trim())
        };
        if summary.starts_with("[rejected]") || retriable_remote(&summary) {
            return Pushed::Retry(detail);
        }
        return Pushed::Refused(detail);
    }
    if ran.success {
        Pushed::Done
    } else if saw_ref {
        // A ref went through but git still failed: report it as a failure.
        Pushed::Failed
    } else if retriable_remote(&ran.stderr) {
        Pushed::Retry(ran.stderr.trim().to_string())
    } else {
        Pushed::Failed
    }
}

/// A server-side failure that another attempt may not meet: a ref lock taken by
/// a concurrent push, or the ref moved under the server.
fn retriable_remote(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    (t.contains("[remote rejected]") || t.contains("[remote failure]") || !t.contains('['))
        && (t.contains("lock")
            || t.contains("failed to update ref")
            || t.contains("incorrect old value")
            || t.contains("but expected"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(success: bool, stdout: &str, stderr: &str) -> Ran {
        Ran {
            success,
            status: String::new(),
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    #[test]
    fn porcelain_outcomes() {
        let ok = "To /r\n \trefs/heads/main:refs/heads/main\tabc..def\nDone\n";
        assert_eq!(classify_push(&ran(true, ok, "")), Pushed::Done);
        let up = "To /r\n=\trefs/heads/main:refs/heads/main\t[up to date]\nDone\n";
        assert_eq!(classify_push(&ran(true, up, "")), Pushed::Done);
        let ff = "To /r\n!\trefs/heads/main:refs/heads/main\t[rejected] (fetch first)\nDone\n";
        assert!(matches!(
            classify_push(&ran(false, ff, "hint")),
            Pushed::Retry(_)
        ));
        let nff =
            "To /r\n!\trefs/heads/main:refs/heads/main\t[rejected] (non-fast-forward)\nDone\n";
        assert!(matches!(
            classify_push(&ran(false, nff, "")),
            Pushed::Retry(_)
        ));
        let lock = "To /r\n!\trefs/heads/main:refs/heads/main\t[remote rejected] (failed to update ref)\nDone\n";
        assert!(matches!(
            classify_push(&ran(false, lock, "")),
            Pushed::Retry(_)
        ));
        let lock2 = "!\trefs/heads/main:refs/heads/main\t[remote rejected] (cannot lock ref 'refs/heads/main': is at x but expected y)\n";
        assert!(matches!(
            classify_push(&ran(false, lock2, "")),
            Pushed::Retry(_)
        ));
        let hook = "To /r\n!\trefs/heads/main:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone\n";
        assert!(matches!(
            classify_push(&ran(false, hook, "remote: violation")),
            Pushed::Refused(m) if m.contains("remote: violation")
        ));
        let net = "";
        assert_eq!(
            classify_push(&ran(
                false,
                net,
                "fatal: Could not read from remote repository."
            )),
            Pushed::Failed
        );
    }
}
