//! Reading the signing settings from git config, the way `git commit -S` does.

use std::ffi::OsString;

use super::SignError;

/// Which kind of signature git is configured to make (`gpg.format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignFormat {
    /// `gpg.format = openpgp` (git's default): signatures by `gpg`.
    OpenPgp,
    /// `gpg.format = ssh`: signatures by `ssh-keygen -Y sign`.
    Ssh,
}

impl SignFormat {
    /// The name git uses for this format in `gpg.format`.
    pub fn name(self) -> &'static str {
        match self {
            SignFormat::OpenPgp => "openpgp",
            SignFormat::Ssh => "ssh",
        }
    }
}

/// The user's signing settings, as read from git config; nothing resolved yet
/// (no program run, no path expanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningConfig {
    /// `gpg.format`.
    pub format: SignFormat,
    /// The signing program: `gpg.openpgp.program` or `gpg.program` (default
    /// `gpg`) for openpgp, `gpg.ssh.program` (default `ssh-keygen`) for ssh.
    pub program: String,
    /// The git config key that chose `program`, or would choose it if set;
    /// named in errors so the user knows what to change.
    pub program_key: &'static str,
    /// `user.signingkey`, if set and not empty.
    pub key: Option<String>,
    /// `gpg.ssh.defaultKeyCommand`, used for ssh when `key` is unset.
    pub default_key_command: Option<String>,
    /// The committer identity `Name <email>` from `user.name` and
    /// `user.email`, the openpgp key when `key` is unset (as in git).
    pub committer: Option<String>,
    /// `commit.gpgsign`: whether the user wants commits signed by default.
    pub gpgsign: bool,
    /// Extra environment for the programs run (signer, default key command),
    /// over the process environment; `HOME` here also expands `~/`.
    /// Empty from [`SigningConfig::from_git_config`]; set it to point at
    /// another `GNUPGHOME` or `SSH_AUTH_SOCK` without touching the process.
    pub env: Vec<(OsString, OsString)>,
}

impl SigningConfig {
    /// Read the signing settings from `cfg` (usually `Repository::config()`).
    pub fn from_git_config(cfg: &git2::Config) -> Result<SigningConfig, SignError> {
        // git compares gpg.format case-sensitively.
        let format = match get_string(cfg, "gpg.format")?.as_deref() {
            None | Some("openpgp") => SignFormat::OpenPgp,
            Some("ssh") => SignFormat::Ssh,
            Some("x509") => return Err(SignError::X509NotSupported),
            Some(other) => return Err(SignError::InvalidFormat(other.to_string())),
        };

        let (program, program_key) = match format {
            SignFormat::OpenPgp => {
                if let Some(p) = get_string(cfg, "gpg.openpgp.program")? {
                    (p, "gpg.openpgp.program")
                } else {
                    let p = get_string(cfg, "gpg.program")?;
                    (p.unwrap_or_else(|| "gpg".to_string()), "gpg.program")
                }
            }
            SignFormat::Ssh => {
                let p = get_string(cfg, "gpg.ssh.program")?;
                (
                    p.unwrap_or_else(|| "ssh-keygen".to_string()),
                    "gpg.ssh.program",
                )
            }
        };

        let committer = match (
            get_string(cfg, "user.name")?,
            get_string(cfg, "user.email")?,
        ) {
            (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
            _ => None,
        };

        let gpgsign = match cfg.get_bool("commit.gpgsign") {
            Ok(b) => b,
            Err(e) if e.code() == git2::ErrorCode::NotFound => false,
            Err(source) => {
                return Err(SignError::Config {
                    key: "commit.gpgsign",
                    source,
                })
            }
        };

        Ok(SigningConfig {
            format,
            program,
            program_key,
            key: get_string(cfg, "user.signingkey")?,
            default_key_command: get_string(cfg, "gpg.ssh.defaultKeyCommand")?,
            committer,
            gpgsign,
            env: Vec::new(),
        })
    }

    /// The value of `name` in [`SigningConfig::env`], else in the process.
    pub(crate) fn env_var(&self, name: &str) -> Option<OsString> {
        super::program::env_var(&self.env, name)
    }
}

/// A config string, `None` when unset or empty (an empty value means "unset"
/// for every key read here).
fn get_string(cfg: &git2::Config, key: &'static str) -> Result<Option<String>, SignError> {
    match cfg.get_string(key) {
        Ok(s) if s.is_empty() => Ok(None),
        Ok(s) => Ok(Some(s)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(source) => Err(SignError::Config { key, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> (tempfile::TempDir, git2::Config) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config");
        std::fs::write(&path, text).expect("write config");
        let mut cfg = git2::Config::new().expect("config");
        cfg.add_file(&path, git2::ConfigLevel::Local, false)
            .expect("add file");
        (dir, cfg)
    }

    #[test]
    fn defaults_are_gits() {
        let (_d, cfg) = config("");
        let sc = SigningConfig::from_git_config(&cfg).expect("config");
        assert_eq!(sc.format, SignFormat::OpenPgp);
        assert_eq!(sc.program, "gpg");
        assert_eq!(sc.program_key, "gpg.program");
        assert_eq!(sc.key, None);
        assert_eq!(sc.committer, None);
        assert!(!sc.gpgsign);
    }

    #[test]
    fn openpgp_program_beats_gpg_program() {
        let (_d, cfg) = config("[gpg]\n\tprogram = a\n[gpg \"openpgp\"]\n\tprogram = b\n");
        let sc = SigningConfig::from_git_config(&cfg).expect("config");
        assert_eq!(
            (sc.program.as_str(), sc.program_key),
            ("b", "gpg.openpgp.program")
        );

        let (_d, cfg) = config("[gpg]\n\tprogram = a\n");
        let sc = SigningConfig::from_git_config(&cfg).expect("config");
        assert_eq!((sc.program.as_str(), sc.program_key), ("a", "gpg.program"));
    }

    #[test]
    fn ssh_settings() {
        let (_d, cfg) = config(
            "[gpg]\n\tformat = ssh\n\tprogram = ignored\n\
             [gpg \"ssh\"]\n\tdefaultKeyCommand = ssh-add -L\n\
             [user]\n\tsigningKey = ~/.ssh/id.pub\n\tname = A B\n\temail = a@b\n\
             [commit]\n\tgpgSign = yes\n",
        );
        let sc = SigningConfig::from_git_config(&cfg).expect("config");
        assert_eq!(sc.format, SignFormat::Ssh);
        assert_eq!(
            (sc.program.as_str(), sc.program_key),
            ("ssh-keygen", "gpg.ssh.program")
        );
        assert_eq!(sc.key.as_deref(), Some("~/.ssh/id.pub"));
        assert_eq!(sc.default_key_command.as_deref(), Some("ssh-add -L"));
        assert_eq!(sc.committer.as_deref(), Some("A B <a@b>"));
        assert!(sc.gpgsign);
    }

    #[test]
    fn x509_and_unknown_formats_are_refused() {
        let (_d, cfg) = config("[gpg]\n\tformat = x509\n");
        let err = SigningConfig::from_git_config(&cfg).expect_err("x509");
        assert!(matches!(err, SignError::X509NotSupported));
        assert!(err.to_string().contains("not supported"));

        let (_d, cfg) = config("[gpg]\n\tformat = SSH\n");
        let err = SigningConfig::from_git_config(&cfg).expect_err("case");
        assert!(matches!(err, SignError::InvalidFormat(f) if f == "SSH"));
    }

    #[test]
    fn bad_gpgsign_is_an_error() {
        let (_d, cfg) = config("[commit]\n\tgpgsign = perhaps\n");
        let err = SigningConfig::from_git_config(&cfg).expect_err("bool");
        assert!(matches!(
            err,
            SignError::Config {
                key: "commit.gpgsign",
                ..
            }
        ));
    }

    #[test]
    fn env_override_wins() {
        let (_d, cfg) = config("");
        let mut sc = SigningConfig::from_git_config(&cfg).expect("config");
        sc.env.push(("PINGXUAN_TEST_VAR".into(), "x".into()));
        assert_eq!(sc.env_var("PINGXUAN_TEST_VAR"), Some("x".into()));
    }
}
