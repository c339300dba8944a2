//! Errors of the signing module.

use std::io;

/// Why a commit could not be signed, or the signing configuration not read.
///
/// Every variant that involves a program names it, and carries its stderr
/// when it ran, so the user can act without rerunning anything by hand.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A git config value could not be read (wrong type, unreadable file…).
    #[error("cannot read git config {key}: {source}")]
    Config {
        key: &'static str,
        #[source]
        source: git2::Error,
    },

    /// `gpg.format` holds something git itself would reject.
    #[error("invalid value for gpg.format: '{0}' (expected 'openpgp' or 'ssh')")]
    InvalidFormat(String),

    /// `gpg.format = x509` is valid for git but not supported here.
    #[error(
        "gpg.format = x509 (gpgsm) is not supported by pingxuan; \
         set gpg.format to 'openpgp' or 'ssh'"
    )]
    X509NotSupported,

    /// The configured signing program does not exist or cannot be executed.
    #[error(
        "signing program '{program}' could not be run ({source}); \
         install it or point git config {config_key} at it"
    )]
    ProgramNotFound {
        program: String,
        /// The git config key that chose `program` (or would, if set).
        config_key: &'static str,
        #[source]
        source: io::Error,
    },

    /// Starting or talking to the program failed for another reason.
    #[error("cannot run signing program '{program}': {source}")]
    Io {
        program: String,
        #[source]
        source: io::Error,
    },

    /// The program ran but did not produce a signature.
    #[error("'{program}' failed to sign the data ({status}):\n{stderr}")]
    Failed {
        program: String,
        status: String,
        stderr: String,
    },

    /// The program printed something that is not UTF-8 where an armored
    /// signature was expected.
    #[error("'{program}' returned a signature that is not UTF-8 text")]
    NotUtf8 { program: String },

    /// `gpg.ssh.defaultKeyCommand` failed or printed no usable key.
    #[error("gpg.ssh.defaultKeyCommand '{command}' {problem}")]
    DefaultKeyCommand { command: String, problem: String },

    /// A `~/` path cannot be expanded.
    #[error("cannot expand '~' in user.signingkey '{0}': HOME is not set")]
    NoHome(String),

    /// The temporary file for a literal ssh key could not be written.
    #[error("cannot write the ssh signing key to a temporary file: {0}")]
    TempFile(#[source] io::Error),

    /// The key is held by an ssh-agent (a literal `user.signingkey` or
    /// `gpg.ssh.defaultKeyCommand`) and this session reaches none: over SSH,
    /// the login was made without agent forwarding.
    #[error("the signing key {key} lives in an ssh-agent, but this session has no agent ({reason}); nothing was written. If you logged in over SSH, log out and log in again with `ssh -A` so your own computer's agent signs (your private key stays there)")]
    NoAgent { key: String, reason: String },

    /// The signing callback declined to sign (the key is not the actor's, no
    /// key for this member, a commit buffer that is not UTF-8…).
    #[error("{0}")]
    Refused(String),
}
