//! Signing commits through the user's own git configuration.
//!
//! The behaviour follows git's `gpg-interface.c`, so a commit signed here is
//! exactly what `git commit -S` would have made and `git verify-commit`
//! accepts it:
//!
//! - `gpg.format`: `openpgp` (default) or `ssh`; `x509` is refused.
//! - openpgp: `<gpg.openpgp.program | gpg.program | gpg> --status-fd=2 -bsau
//!   <user.signingkey | "Name <email>">`, the buffer on stdin; success needs a
//!   `[GNUPG:] SIG_CREATED ` status line.
//! - ssh: `<gpg.ssh.program | ssh-keygen> -Y sign -n git -f <keyfile>`, with
//!   `-U` (key held by ssh-agent) when `user.signingkey` is a literal key,
//!   which goes to a private temporary file for the call. Without
//!   `user.signingkey`, the first line printed by `gpg.ssh.defaultKeyCommand`.
//!   When the program is `ssh-keygen` itself and the key file an unencrypted
//!   ed25519 private key that ssh-keygen would accept (readable by its owner
//!   only), the signature is made in this process instead (the `ssh-key`
//!   crate): ed25519 is deterministic, so it is byte for byte what
//!   `ssh-keygen -Y sign -n git` prints (sha512, armored at 70 columns), and
//!   a thousand commits sign in milliseconds instead of a process each.
//!
//! Use: `Repository::commit_create_buffer`, then [`Signer::sign`], then
//! `Repository::commit_signed(buffer, &signature, Some("gpgsig"))`, then move
//! the branch.

mod config;
mod error;
mod program;
pub mod verify;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use config::{SignFormat, SigningConfig};
pub use error::SignError;

use program::Program;

/// A resolved way to sign commits: the program to run and the key to use.
#[derive(Debug, Clone)]
pub struct Signer {
    format: SignFormat,
    program: Program,
    key: Key,
    /// Sign ed25519 key files in this process when the result is the program's.
    in_process: bool,
}

#[derive(Debug, Clone)]
enum Key {
    /// A gpg key id, fingerprint or user id; `from_committer` when it is the
    /// committer identity git falls back to.
    OpenPgp { id: String, from_committer: bool },
    /// A public or private ssh key file; `shown` is the path as configured.
    SshFile { path: PathBuf, shown: String },
    /// A literal public key (`ssh-ed25519 AAAA…`), the private half in ssh-agent.
    SshLiteral(String),
}

impl Signer {
    /// Read the user's git configuration and resolve a signer from it.
    ///
    /// `Ok(None)` when no key can be found: no `user.signingkey` and, for
    /// openpgp, no `user.name`/`user.email`, or, for ssh, no
    /// `gpg.ssh.defaultKeyCommand`. May run `gpg.ssh.defaultKeyCommand`.
    pub fn from_git_config(cfg: &git2::Config) -> Result<Option<Signer>, SignError> {
        Signer::from_signing_config(&SigningConfig::from_git_config(cfg)?)
    }

    /// Resolve a signer from settings already read (see
    /// [`SigningConfig::env`] to run the programs in another environment).
    pub fn from_signing_config(sc: &SigningConfig) -> Result<Option<Signer>, SignError> {
        let program = Program {
            name: sc.program.clone(),
            config_key: sc.program_key,
            env: sc.env.clone(),
        };
        let key = match sc.format {
            SignFormat::OpenPgp => match (&sc.key, &sc.committer) {
                (Some(id), _) => Key::OpenPgp {
                    id: id.clone(),
                    from_committer: false,
                },
                (None, Some(committer)) => Key::OpenPgp {
                    id: committer.clone(),
                    from_committer: true,
                },
                (None, None) => return Ok(None),
            },
            SignFormat::Ssh => match (&sc.key, &sc.default_key_command) {
                (Some(key), _) => ssh_key(key, sc.env_var("HOME").as_deref())?,
                (None, Some(command)) => Key::SshLiteral(
                    default_ssh_key(command, &sc.env).map_err(|e| agent_missing(e, &sc.env))?,
                ),
                (None, None) => return Ok(None),
            },
        };
        Ok(Some(Signer {
            format: sc.format,
            program,
            key,
            in_process: true,
        }))
    }

    /// Always run the signing program (for comparisons and benchmarks).
    pub fn program_only(mut self) -> Signer {
        self.in_process = false;
        self
    }

    /// The signature format this signer makes.
    pub fn format(&self) -> SignFormat {
        self.format
    }

    /// Sign `commit_buffer` (from `Repository::commit_create_buffer`) and
    /// return the armored signature for `Repository::commit_signed`.
    pub fn sign(&self, commit_buffer: &[u8]) -> Result<String, SignError> {
        let signature = match &self.key {
            Key::OpenPgp { id, .. } => self.sign_openpgp(id, commit_buffer)?,
            Key::SshFile { path, .. } => match self.sign_ssh_in_process(path, commit_buffer) {
                Some(signature) => signature,
                None => self.sign_ssh(path, false, commit_buffer)?,
            },
            Key::SshLiteral(key) => {
                // ssh-keygen wants a file; it holds only the public half, yet
                // it is private to the user and removed when `file` drops.
                let dir = self
                    .program
                    .env_var("TMPDIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(std::env::temp_dir);
                let mut file = tempfile::Builder::new()
                    .prefix(".git_signing_key_tmp")
                    .tempfile_in(dir)
                    .map_err(SignError::TempFile)?;
                use std::io::Write;
                writeln!(file, "{key}").map_err(SignError::TempFile)?;
                file.flush().map_err(SignError::TempFile)?;
                let signature = self.sign_ssh(file.path(), true, commit_buffer);
                // ssh-keygen failing for want of an agent: say how to get one.
                let signature = match signature {
                    Err(e @ SignError::Failed { .. }) => {
                        Err(self.require_agent(key).err().unwrap_or(e))
                    }
                    other => other,
                };
                // Remove the file before reporting; a signing error wins.
                let removed = file.close();
                let signature = signature?;
                removed.map_err(SignError::TempFile)?;
                signature
            }
        };
        // As git does: drop CRs in case the program runs on Windows.
        Ok(signature.replace('\r', ""))
    }

    /// Whether this signer can sign in this session as far as can be told
    /// without signing: a key held by ssh-agent needs an agent to reach.
    pub fn ready(&self) -> Result<(), SignError> {
        match &self.key {
            Key::SshLiteral(key) => self.require_agent(key),
            _ => Ok(()),
        }
    }

    /// Whether this signer can sign, as far as can be told without signing,
    /// for the TUI header: a key file exists and is readable; a literal key
    /// has an agent (and `ssh-add -L` lists it when ssh-add runs); an
    /// OpenPGP key is in the secret keyring (`gpg --list-secret-keys`).
    /// Runs programs: call it off the UI thread. The reason when not.
    pub fn usable(&self) -> Result<(), String> {
        match &self.key {
            Key::SshFile { path, shown } => std::fs::File::open(path)
                .map(|_| ())
                .map_err(|e| format!("{shown}: {e}")),
            Key::SshLiteral(key) => {
                self.ready().map_err(|e| e.to_string())?;
                let listed = std::process::Command::new("ssh-add")
                    .arg("-L")
                    .envs(self.program.env.iter().map(|(k, v)| (k, v)))
                    .stdin(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .output();
                match listed {
                    // Cannot tell without ssh-add: the agent is there.
                    Err(_) => Ok(()),
                    Ok(out) => {
                        let text = String::from_utf8_lossy(&out.stdout);
                        let wanted: Vec<&str> = key.split_whitespace().take(2).collect();
                        let held = text
                            .lines()
                            .any(|l| l.split_whitespace().take(2).collect::<Vec<_>>() == wanted);
                        if held {
                            Ok(())
                        } else {
                            Err(format!(
                                "ssh-agent does not hold {}",
                                abbreviate_ssh_key(key)
                            ))
                        }
                    }
                }
            }
            Key::OpenPgp { id, .. } => {
                let args: [&std::ffi::OsStr; 3] = [
                    "--batch".as_ref(),
                    "--list-secret-keys".as_ref(),
                    id.as_ref(),
                ];
                let out = self.program.run(&args, None).map_err(|e| e.to_string())?;
                if out.status.success() {
                    Ok(())
                } else {
                    Err(format!("{}: no secret key {id}", self.program.name))
                }
            }
        }
    }

    /// A literal key is signed by ssh-agent: refuse early, and say how to
    /// get one, when this session has none (`ssh` without `-A`).
    fn require_agent(&self, key: &str) -> Result<(), SignError> {
        let reason = match self.program.env_var("SSH_AUTH_SOCK") {
            None => "SSH_AUTH_SOCK is not set".to_string(),
            Some(s) if s.is_empty() => "SSH_AUTH_SOCK is not set".to_string(),
            Some(s) => match std::fs::metadata(&s) {
                Ok(_) => return Ok(()),
                Err(e) => format!("SSH_AUTH_SOCK {}: {e}", Path::new(&s).display()),
            },
        };
        Err(SignError::NoAgent {
            key: abbreviate_ssh_key(key),
            reason,
        })
    }

    fn sign_openpgp(&self, key: &str, buffer: &[u8]) -> Result<String, SignError> {
        let args: [&std::ffi::OsStr; 3] =
            ["--status-fd=2".as_ref(), "-bsau".as_ref(), key.as_ref()];
        let out = self.program.run(&args, Some(buffer))?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let created = stderr
            .lines()
            .any(|l| l.starts_with("[GNUPG:] SIG_CREATED "));
        if !out.status.success() || !created {
            return Err(SignError::Failed {
                program: self.program.name.clone(),
                status: status_text(&out.status, created),
                stderr: or_no_output(stderr),
            });
        }
        self.signature_text(out.stdout)
    }

    /// `ssh-keygen -Y sign -n git -f <keyfile>` done here, when certain to give
    /// the program's bytes: the program is ssh-keygen, the file an unencrypted
    /// ed25519 private key not readable by group or others (ssh-keygen refuses
    /// such a file). `None` otherwise: the program runs and speaks for itself.
    fn sign_ssh_in_process(&self, keyfile: &Path, buffer: &[u8]) -> Option<String> {
        if !self.in_process || self.program.name != "ssh-keygen" {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(keyfile).ok()?;
            if !meta.is_file() || meta.permissions().mode() & 0o077 != 0 {
                return None;
            }
        }
        let text = std::fs::read_to_string(keyfile).ok()?;
        let key = ssh_key::PrivateKey::from_openssh(text.as_bytes()).ok()?;
        if key.is_encrypted() || key.algorithm() != ssh_key::Algorithm::Ed25519 {
            return None;
        }
        let sig = key.sign("git", ssh_key::HashAlg::Sha512, buffer).ok()?;
        sig.to_pem(ssh_key::LineEnding::LF).ok()
    }

    fn sign_ssh(&self, keyfile: &Path, agent: bool, buffer: &[u8]) -> Result<String, SignError> {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "-Y".as_ref(),
            "sign".as_ref(),
            "-n".as_ref(),
            "git".as_ref(),
            "-f".as_ref(),
            keyfile.as_os_str(),
        ];
        if agent {
            args.push("-U".as_ref());
        }
        let out = self.program.run(&args, Some(buffer))?;
        let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() || out.stdout.is_empty() {
            if stderr.contains("usage:") {
                stderr.push_str(
                    "\nssh-keygen -Y sign is needed for ssh signing (OpenSSH 8.2p1 or later)",
                );
            }
            return Err(SignError::Failed {
                program: self.program.name.clone(),
                status: status_text(&out.status, true),
                stderr: or_no_output(stderr),
            });
        }
        self.signature_text(out.stdout)
    }

    fn signature_text(&self, stdout: Vec<u8>) -> Result<String, SignError> {
        String::from_utf8(stdout).map_err(|_| SignError::NotUtf8 {
            program: self.program.name.clone(),
        })
    }

    /// A one-line description of the key and program, for UI headers,
    /// e.g. `ssh key ~/.ssh/id_ed25519.pub`.
    pub fn describe(&self) -> String {
        let mut text = match &self.key {
            Key::OpenPgp {
                id,
                from_committer: false,
            } => format!("openpgp key {id}"),
            Key::OpenPgp {
                id,
                from_committer: true,
            } => format!("openpgp key of {id}"),
            Key::SshFile { shown, .. } => format!("ssh key {shown}"),
            Key::SshLiteral(key) => format!("ssh-agent key {}", abbreviate_ssh_key(key)),
        };
        let default = match self.format {
            SignFormat::OpenPgp => "gpg",
            SignFormat::Ssh => "ssh-keygen",
        };
        if self.program.name != default {
            text.push_str(&format!(" via {}", self.program.name));
        }
        text
    }
}

/// A message telling the user which git config to set for signing.
pub fn missing_key_hint(lang_zh: bool) -> String {
    if lang_zh {
        "未找到签名密钥。请在 git 配置中设置，例如：\n\
         \x20 SSH：  git config --global gpg.format ssh\n\
         \x20        git config --global user.signingkey ~/.ssh/id_ed25519.pub\n\
         \x20 GnuPG：git config --global user.signingkey <密钥指纹>\n\
         \x20        （或设置 user.name 与 user.email，与 GnuPG 密钥的用户标识一致）"
            .to_string()
    } else {
        "No signing key found. Set one in git config, for example:\n\
         \x20 SSH:   git config --global gpg.format ssh\n\
         \x20        git config --global user.signingkey ~/.ssh/id_ed25519.pub\n\
         \x20 GnuPG: git config --global user.signingkey <key fingerprint>\n\
         \x20        (or set user.name and user.email to match the GnuPG key's user id)"
            .to_string()
    }
}

/// Interpret `user.signingkey` for ssh as git does: `key::…` or `ssh-…` is a
/// literal key, anything else a file path (with `~/` expanded).
fn ssh_key(key: &str, home: Option<&std::ffi::OsStr>) -> Result<Key, SignError> {
    if let Some(literal) = literal_ssh_key(key) {
        return Ok(Key::SshLiteral(literal.to_string()));
    }
    Ok(Key::SshFile {
        path: expand_home(key, home)?,
        shown: key.to_string(),
    })
}

/// The key itself if `s` is a literal ssh key (git's `is_literal_ssh_key`).
fn literal_ssh_key(s: &str) -> Option<&str> {
    if let Some(key) = s.strip_prefix("key::") {
        Some(key)
    } else if s.starts_with("ssh-") {
        Some(s)
    } else {
        None
    }
}

fn expand_home(path: &str, home: Option<&std::ffi::OsStr>) -> Result<PathBuf, SignError> {
    match path.strip_prefix("~/") {
        Some(rest) => match home {
            Some(home) if !home.is_empty() => Ok(Path::new(home).join(rest)),
            _ => Err(SignError::NoHome(path.to_string())),
        },
        None if path == "~" => Err(SignError::NoHome(path.to_string())),
        None => Ok(PathBuf::from(path)),
    }
}

/// A failed `gpg.ssh.defaultKeyCommand` (typically `ssh-add -L`) in a session
/// without an agent is the missing agent: say so, and how to get one.
fn agent_missing(e: SignError, env: &[(OsString, OsString)]) -> SignError {
    let sock = program::env_var(env, "SSH_AUTH_SOCK").filter(|s| !s.is_empty());
    let reason = match sock {
        None => "SSH_AUTH_SOCK is not set".to_string(),
        Some(s) if std::fs::metadata(&s).is_err() => {
            format!("SSH_AUTH_SOCK {} does not exist", Path::new(&s).display())
        }
        Some(_) => return e,
    };
    match e {
        SignError::DefaultKeyCommand { command, problem } if problem.starts_with("failed") => {
            SignError::NoAgent {
                key: "chosen by gpg.ssh.defaultKeyCommand".to_string(),
                reason: format!("{reason}, and '{command}' {problem}"),
            }
        }
        other => other,
    }
}

/// Run `gpg.ssh.defaultKeyCommand` (split as git's `split_cmdline`, no shell)
/// and take the first line of its output, which must be a literal key.
fn default_ssh_key(command: &str, env: &[(OsString, OsString)]) -> Result<String, SignError> {
    let problem = |problem: String| SignError::DefaultKeyCommand {
        command: command.to_string(),
        problem,
    };
    let argv = program::split_cmdline(command).map_err(|e| problem(e.to_string()))?;
    let Some((name, args)) = argv.split_first() else {
        return Err(problem("is empty".to_string()));
    };
    let program = Program {
        name: name.clone(),
        config_key: "gpg.ssh.defaultKeyCommand",
        env: env.to_vec(),
    };
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    let out = program.run(&args, None)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(problem(format!(
            "failed ({}): {}",
            status_text(&out.status, true),
            or_no_output(format!("{stderr}{stdout}"))
        )));
    }
    let first = stdout.lines().next().unwrap_or("").trim_end();
    match literal_ssh_key(first) {
        Some(key) => Ok(key.to_string()),
        None => Err(problem(format!(
            "printed no ssh key: {}",
            or_no_output(format!("{stderr}{stdout}"))
        ))),
    }
}

/// `ssh-ed25519 …last8 comment`: enough to recognise a key, short for a header.
fn abbreviate_ssh_key(key: &str) -> String {
    let mut parts = key.split_whitespace();
    let kind = parts.next().unwrap_or("");
    let blob = parts.next().unwrap_or("");
    let comment: Vec<&str> = parts.collect();
    let tail: String = blob
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut text = format!("{kind} …{tail}");
    if !comment.is_empty() {
        text.push(' ');
        text.push_str(&comment.join(" "));
    }
    text
}

fn status_text(status: &std::process::ExitStatus, created: bool) -> String {
    if status.success() && !created {
        "no SIG_CREATED status line".to_string()
    } else if status.success() {
        "no signature on stdout".to_string()
    } else {
        status.to_string()
    }
}

fn or_no_output(text: String) -> String {
    if text.trim().is_empty() {
        "(no output)".to_string()
    } else {
        text.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(format: SignFormat) -> SigningConfig {
        SigningConfig {
            format,
            program: match format {
                SignFormat::OpenPgp => "gpg".into(),
                SignFormat::Ssh => "ssh-keygen".into(),
            },
            program_key: "gpg.program",
            key: None,
            default_key_command: None,
            committer: None,
            gpgsign: false,
            env: Vec::new(),
        }
    }

    #[test]
    fn no_key_means_none() {
        assert!(Signer::from_signing_config(&sc(SignFormat::OpenPgp))
            .expect("ok")
            .is_none());
        assert!(Signer::from_signing_config(&sc(SignFormat::Ssh))
            .expect("ok")
            .is_none());
    }

    #[test]
    fn openpgp_falls_back_to_committer() {
        let mut c = sc(SignFormat::OpenPgp);
        c.committer = Some("A B <a@b>".into());
        let s = Signer::from_signing_config(&c).expect("ok").expect("some");
        assert_eq!(s.describe(), "openpgp key of A B <a@b>");
        c.key = Some("ABCD".into());
        c.program = "/opt/gpg2".into();
        let s = Signer::from_signing_config(&c).expect("ok").expect("some");
        assert_eq!(s.describe(), "openpgp key ABCD via /opt/gpg2");
    }

    #[test]
    fn literal_keys_as_git() {
        assert_eq!(
            literal_ssh_key("key::ecdsa-sha2 AAA"),
            Some("ecdsa-sha2 AAA")
        );
        assert_eq!(
            literal_ssh_key("ssh-ed25519 AAA c"),
            Some("ssh-ed25519 AAA c")
        );
        assert_eq!(literal_ssh_key("~/.ssh/id.pub"), None);
        assert_eq!(literal_ssh_key("/home/a/ssh-key"), None);
    }

    #[test]
    fn ssh_key_paths_expand_home() {
        let home = std::ffi::OsStr::new("/home/u");
        let Ok(Key::SshFile { path, shown }) = ssh_key("~/.ssh/id.pub", Some(home)) else {
            panic!("not a file key");
        };
        assert_eq!(path, Path::new("/home/u/.ssh/id.pub"));
        assert_eq!(shown, "~/.ssh/id.pub");
        assert!(matches!(
            ssh_key("~/.ssh/id", None),
            Err(SignError::NoHome(_))
        ));
        assert!(matches!(
            ssh_key("/k", None),
            Ok(Key::SshFile { path, .. }) if path == Path::new("/k")
        ));
    }

    #[test]
    fn describe_abbreviates_literal_keys() {
        let mut c = sc(SignFormat::Ssh);
        c.key = Some("key::ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIabcdefgh me@host".into());
        let s = Signer::from_signing_config(&c).expect("ok").expect("some");
        assert_eq!(s.describe(), "ssh-agent key ssh-ed25519 …abcdefgh me@host");
    }

    #[test]
    fn default_key_command_first_line() {
        let mut c = sc(SignFormat::Ssh);
        c.default_key_command =
            Some("printf 'key::ssh-ed25519 AAAAfirst a\\nssh-rsa AAAAsecond b\\n'".into());
        let s = Signer::from_signing_config(&c).expect("ok").expect("some");
        assert!(matches!(&s.key, Key::SshLiteral(k) if k == "ssh-ed25519 AAAAfirst a"));

        c.default_key_command = Some("echo no keys here".into());
        let err = Signer::from_signing_config(&c).expect_err("no key");
        assert!(err.to_string().contains("printed no ssh key"), "{err}");

        c.default_key_command = Some("false".into());
        let err = Signer::from_signing_config(&c).expect_err("fails");
        assert!(err.to_string().contains("failed"), "{err}");

        c.default_key_command = Some("/nonexistent/pingxuan-key-cmd".into());
        let err = Signer::from_signing_config(&c).expect_err("missing");
        assert!(
            err.to_string().contains("gpg.ssh.defaultKeyCommand"),
            "{err}"
        );
    }

    #[test]
    fn hints_name_the_config_keys() {
        for zh in [false, true] {
            let hint = missing_key_hint(zh);
            assert!(hint.contains("user.signingkey"));
            assert!(hint.contains("gpg.format ssh"));
        }
        assert!(missing_key_hint(true).contains("签名密钥"));
    }
}
