//! Verifying commit signatures against the member registry (`members.ron`).
//!
//! A signature counts only when it is cryptographically good *and* made by a
//! key registered to a member that was valid on the commit's day
//! (DESIGN.md "Format"). The registry passed in is the one that stood at the
//! commit's parent; the caller chooses it.
//!
//! - ssh (`-----BEGIN SSH SIGNATURE-----`): the public key is read from the
//!   signature blob itself (the SSHSIG format) and matched against the ssh
//!   keys registered; the signature is checked in this process (the `ssh-key`
//!   crate: namespace `git`, the key the blob carries, sha256 or sha512) when
//!   it is an ed25519 signature the crate can read, else with
//!   `<gpg.ssh.program | ssh-keygen> -Y check-novalidate -n git -s <file>`,
//!   the signed buffer on stdin, exactly what the program would say (the key
//!   match replaces the allowed-signers lookup of `-Y verify`, since the
//!   registry has dates git's file cannot hold per commit).
//! - OpenPGP (`-----BEGIN PGP SIGNATURE-----`):
//!   `<gpg.program | gpg> --status-fd=1 --verify <file> -` exactly as git runs
//!   it, honouring `GNUPGHOME`; `VALIDSIG` gives the signing key's and the
//!   primary key's fingerprints, either of which may be registered.
//!
//! Each cryptographic check is done once per process: its result is kept under
//! a SHA-256 of the signature and the signed buffer (what the commit id names),
//! so the audit, the history tab, the hook and the audit export share one
//! verification of a commit. The registry is applied afresh on every call
//! ([`judge`]), since the trust in a key depends on the member and the day.
//! An OpenPGP signature that gpg could not check for want of the public key is
//! not kept: importing the key later must change the answer.
//!
//! Registered keys are ssh public key lines (`ssh-ed25519 AAAA… comment`) or
//! OpenPGP fingerprints (hex, spaces ignored, any case).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::program::Program;
use super::SignError;
use crate::model::Member;

/// The signature state of one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum SigStatus {
    /// Good signature by a key registered to `member` and valid on the day.
    Good { member: String, key: String },
    /// The signature does not verify (tampered commit, wrong namespace, garbage).
    Bad { detail: String },
    /// A well-formed signature by a key no member has registered.
    UnknownKey { key: String },
    /// The key is registered to `member` but was revoked on or before the day.
    KeyRevoked {
        member: String,
        key: String,
        revoked: NaiveDate,
    },
    /// The key is registered to `member` but becomes valid only later.
    KeyNotYetValid {
        member: String,
        key: String,
        valid_from: NaiveDate,
    },
    /// No signature at all.
    Unsigned,
}

impl SigStatus {
    pub fn is_good(&self) -> bool {
        matches!(self, SigStatus::Good { .. })
    }

    /// The member whose registered key made the signature, good or not.
    pub fn member(&self) -> Option<&str> {
        match self {
            SigStatus::Good { member, .. }
            | SigStatus::KeyRevoked { member, .. }
            | SigStatus::KeyNotYetValid { member, .. } => Some(member),
            _ => None,
        }
    }

    /// A short badge: `good`, `bad`, `unknown-key`, `key-revoked`, `key-not-yet-valid`, `unsigned`.
    pub fn badge(&self) -> &'static str {
        match self {
            SigStatus::Good { .. } => "good",
            SigStatus::Bad { .. } => "bad",
            SigStatus::UnknownKey { .. } => "unknown-key",
            SigStatus::KeyRevoked { .. } => "key-revoked",
            SigStatus::KeyNotYetValid { .. } => "key-not-yet-valid",
            SigStatus::Unsigned => "unsigned",
        }
    }

    /// [`SigStatus::badge`] in the reader's language (the words of the
    /// terminal's legend in Chinese).
    pub fn badge_in(&self, lang: crate::i18n::Lang) -> &'static str {
        let zh = match self {
            SigStatus::Good { .. } => "簽名有效",
            SigStatus::Bad { .. } => "簽名無效",
            SigStatus::UnknownKey { .. } => "未知密鑰",
            SigStatus::KeyRevoked { .. } => "密鑰已撤銷",
            SigStatus::KeyNotYetValid { .. } => "密鑰未生效",
            SigStatus::Unsigned => "未簽名",
        };
        lang.pick(zh, self.badge())
    }

    /// One line for people.
    pub fn describe(&self, zh: bool) -> String {
        self.describe_named(zh, &|id| id.to_string())
    }

    /// [`SigStatus::describe`] with members by `name` (their names, not ids).
    pub fn describe_named(&self, zh: bool, name: &dyn Fn(&str) -> String) -> String {
        let named = |s: &SigStatus| -> SigStatus {
            let mut s = s.clone();
            match &mut s {
                SigStatus::Good { member, .. }
                | SigStatus::KeyRevoked { member, .. }
                | SigStatus::KeyNotYetValid { member, .. } => *member = name(member),
                _ => {}
            }
            s
        };
        let this = named(self);
        match (&this, zh) {
            (SigStatus::Good { member, .. }, false) => format!("good signature by {member}"),
            (SigStatus::Good { member, .. }, true) => format!("簽名有效（{member}）"),
            (SigStatus::Bad { detail }, false) => format!("bad signature: {detail}"),
            (SigStatus::Bad { detail }, true) => format!("簽名無效：{detail}"),
            (SigStatus::UnknownKey { key }, false) => {
                format!("signed by a key no member has registered: {key}")
            }
            (SigStatus::UnknownKey { key }, true) => format!("簽名密鑰未登記：{key}"),
            (
                SigStatus::KeyRevoked {
                    member, revoked, ..
                },
                false,
            ) => format!("signed by {member}'s key revoked on {revoked}"),
            (
                SigStatus::KeyRevoked {
                    member, revoked, ..
                },
                true,
            ) => format!("{member} 的密鑰已於 {revoked} 吊銷"),
            (
                SigStatus::KeyNotYetValid {
                    member, valid_from, ..
                },
                false,
            ) => format!("signed by {member}'s key not valid before {valid_from}"),
            (
                SigStatus::KeyNotYetValid {
                    member, valid_from, ..
                },
                true,
            ) => format!("{member} 的密鑰自 {valid_from} 起才生效"),
            (SigStatus::Unsigned, false) => "unsigned".to_string(),
            (SigStatus::Unsigned, true) => "未簽名".to_string(),
        }
    }
}

/// What the signature itself says, before the registry is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCheck {
    /// An ssh signature; `key` is the base64 public key blob it carries.
    Ssh {
        key: String,
        good: bool,
        detail: String,
    },
    /// An OpenPGP signature; `fingerprints` are the signing and primary key's.
    OpenPgp {
        fingerprints: Vec<String>,
        /// The key id gpg named when it could not check (no public key).
        key_id: Option<String>,
        good: bool,
        detail: String,
    },
    /// Not a signature this tool understands.
    Unreadable(String),
}

/// Runs the verification programs, in the user's environment plus `env`.
#[derive(Debug, Clone)]
pub struct Verifier {
    ssh_program: String,
    gpg_program: String,
    env: Vec<(OsString, OsString)>,
    /// Check ed25519 ssh signatures in this process (else always run the program).
    in_process: bool,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            ssh_program: "ssh-keygen".into(),
            gpg_program: "gpg".into(),
            env: Vec::new(),
            in_process: true,
        }
    }
}

/// Results of cryptographic checks, by [`Verifier::cache_key`].
static CHECKED: OnceLock<Mutex<HashMap<[u8; 32], RawCheck>>> = OnceLock::new();

/// Past this many kept results the cache starts afresh (a bound on memory:
/// about 200 bytes each).
const CHECKED_LIMIT: usize = 1 << 20;

fn checked() -> &'static Mutex<HashMap<[u8; 32], RawCheck>> {
    CHECKED.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Verifier {
    /// The programs git would use: `gpg.ssh.program`, `gpg.openpgp.program` or `gpg.program`.
    pub fn from_git_config(cfg: &git2::Config) -> Verifier {
        let get = |k: &str| cfg.get_string(k).ok().filter(|s| !s.trim().is_empty());
        let mut v = Verifier::default();
        if let Some(p) = get("gpg.ssh.program") {
            v.ssh_program = p;
        }
        if let Some(p) = get("gpg.openpgp.program").or_else(|| get("gpg.program")) {
            v.gpg_program = p;
        }
        v
    }

    /// Extra environment (e.g. `GNUPGHOME`) for the programs run.
    pub fn with_env(mut self, env: Vec<(OsString, OsString)>) -> Verifier {
        self.env = env;
        self
    }

    /// Check every ssh signature with the program, as before the in-process
    /// check existed (for comparisons and benchmarks).
    pub fn program_only(mut self) -> Verifier {
        self.in_process = false;
        self
    }

    /// Whether the check of `signature` over `payload` by this verifier is
    /// already kept (it will not run again in this process).
    pub fn is_cached(&self, signature: &str, payload: &[u8]) -> bool {
        let key = self.cache_key(signature, payload);
        checked()
            .lock()
            .map(|m| m.contains_key(&key))
            .unwrap_or(false)
    }

    /// What a cached result is kept under: the signature and the signed buffer
    /// (together, the commit), and what checks them (the in-process path or
    /// the programs and their environment).
    fn cache_key(&self, signature: &str, payload: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        part(if self.in_process {
            b"in-process"
        } else {
            b"programs"
        });
        part(self.ssh_program.as_bytes());
        part(self.gpg_program.as_bytes());
        for (k, v) in &self.env {
            part(k.as_encoded_bytes());
            part(v.as_encoded_bytes());
        }
        part(signature.as_bytes());
        part(payload);
        h.finalize().into()
    }

    /// Verifies the commit `oid` of `repo` against `registry` on `day`.
    pub fn verify_commit(
        &self,
        repo: &git2::Repository,
        oid: git2::Oid,
        registry: &[Member],
        author_email: &str,
        day: NaiveDate,
    ) -> SigStatus {
        match repo.extract_signature(&oid, None) {
            Ok((sig, data)) => match sig.as_str() {
                Ok(sig) => self.verify(sig, &data, registry, author_email, day),
                Err(_) => SigStatus::Bad {
                    detail: "signature is not text".into(),
                },
            },
            Err(e) if e.code() == git2::ErrorCode::NotFound => SigStatus::Unsigned,
            Err(e) => SigStatus::Bad {
                detail: e.message().to_string(),
            },
        }
    }

    /// Verifies `signature` over `payload` against `registry` on `day`;
    /// `author_email` breaks ties when several members registered the key.
    pub fn verify(
        &self,
        signature: &str,
        payload: &[u8],
        registry: &[Member],
        author_email: &str,
        day: NaiveDate,
    ) -> SigStatus {
        let raw = match self.check(signature, payload) {
            Ok(raw) => raw,
            Err(e) => {
                return SigStatus::Bad {
                    detail: e.to_string(),
                }
            }
        };
        judge(&raw, registry, author_email, day)
    }

    /// The cryptographic check alone, done once per process for a given
    /// signature and buffer.
    pub fn check(&self, signature: &str, payload: &[u8]) -> Result<RawCheck, SignError> {
        let key = self.cache_key(signature, payload);
        if let Some(hit) = checked().lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(hit);
        }
        let raw = self.check_uncached(signature, payload)?;
        let keep = !matches!(raw, RawCheck::OpenPgp { key_id: Some(_), good: false, ref detail, .. } if !detail.starts_with("BADSIG"));
        if keep {
            if let Ok(mut m) = checked().lock() {
                if m.len() >= CHECKED_LIMIT {
                    m.clear();
                }
                m.insert(key, raw.clone());
            }
        }
        Ok(raw)
    }

    /// The cryptographic check, done now whatever is kept (for benchmarks).
    pub fn check_uncached(&self, signature: &str, payload: &[u8]) -> Result<RawCheck, SignError> {
        if signature.contains("-----BEGIN SSH SIGNATURE-----") {
            self.check_ssh(signature, payload)
        } else if signature.contains("-----BEGIN PGP SIGNATURE-----") {
            self.check_openpgp(signature, payload)
        } else {
            Ok(RawCheck::Unreadable(
                "neither an ssh nor an OpenPGP signature".into(),
            ))
        }
    }

    fn sig_file(&self, signature: &str) -> Result<tempfile::NamedTempFile, SignError> {
        let dir = super::program::env_var(&self.env, "TMPDIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let mut file = tempfile::Builder::new()
            .prefix(".pingxuan_sig_")
            .tempfile_in(dir)
            .map_err(SignError::TempFile)?;
        file.write_all(signature.as_bytes())
            .map_err(SignError::TempFile)?;
        file.flush().map_err(SignError::TempFile)?;
        Ok(file)
    }

    fn program(&self, name: &str, key: &'static str) -> Program {
        Program {
            name: name.to_string(),
            config_key: key,
            env: self.env.clone(),
        }
    }

    fn check_ssh(&self, signature: &str, payload: &[u8]) -> Result<RawCheck, SignError> {
        let key = match ssh_signature_key(signature) {
            Ok(k) => k,
            Err(e) => return Ok(RawCheck::Unreadable(e)),
        };
        if self.in_process {
            if let Some(raw) = check_ssh_in_process(&key, signature, payload) {
                return Ok(raw);
            }
        }
        let file = self.sig_file(signature)?;
        let args: [&OsStr; 6] = [
            "-Y".as_ref(),
            "check-novalidate".as_ref(),
            "-n".as_ref(),
            "git".as_ref(),
            "-s".as_ref(),
            file.path().as_os_str(),
        ];
        let out = self
            .program(&self.ssh_program, "gpg.ssh.program")
            .run(&args, Some(payload))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let good = out.status.success() && text.contains("Good \"git\" signature");
        Ok(RawCheck::Ssh {
            key,
            good,
            detail: text.trim().to_string(),
        })
    }

    fn check_openpgp(&self, signature: &str, payload: &[u8]) -> Result<RawCheck, SignError> {
        let file = self.sig_file(signature)?;
        let args: [&OsStr; 5] = [
            "--batch".as_ref(),
            "--status-fd=1".as_ref(),
            "--verify".as_ref(),
            file.path().as_os_str(),
            "-".as_ref(),
        ];
        let out = self
            .program(&self.gpg_program, "gpg.program")
            .run(&args, Some(payload))?;
        let status = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut good = false;
        let mut bad = false;
        let mut fingerprints = Vec::new();
        let mut key_id = None;
        for line in status.lines() {
            let Some(rest) = line.strip_prefix("[GNUPG:] ") else {
                continue;
            };
            let f: Vec<&str> = rest.split(' ').collect();
            match f.first().copied() {
                Some("GOODSIG" | "EXPSIG" | "EXPKEYSIG" | "REVKEYSIG") => good = true,
                Some("BADSIG") => bad = true,
                Some("VALIDSIG") => {
                    if let Some(fpr) = f.get(1) {
                        fingerprints.push(fpr.to_string());
                    }
                    if let Some(primary) = f.get(10) {
                        fingerprints.push(primary.to_string());
                    }
                }
                Some("ERRSIG") => {
                    key_id = f.get(1).map(|s| s.to_string());
                    // gpg ≥ 2.2.7 appends the issuer fingerprint.
                    if let Some(fpr) = f.get(7).filter(|s| s.len() >= 32) {
                        fingerprints.push(fpr.to_string());
                    }
                }
                _ => {}
            }
        }
        let detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Ok(RawCheck::OpenPgp {
            fingerprints,
            key_id,
            good: good && !bad,
            detail: if bad {
                format!("BADSIG {detail}")
            } else {
                detail
            },
        })
    }
}

/// `ssh-keygen -Y check-novalidate -n git` done here, for the signatures this
/// process can read and check exactly as the program would: an SSHSIG of an
/// ed25519 key. `None` for anything else (the program then decides).
fn check_ssh_in_process(key: &str, signature: &str, payload: &[u8]) -> Option<RawCheck> {
    let sig = ssh_key::SshSig::from_pem(signature.trim().as_bytes()).ok()?;
    if sig.public_key().algorithm() != ssh_key::Algorithm::Ed25519 {
        return None;
    }
    let public = ssh_key::PublicKey::from(sig.public_key().clone());
    let (good, detail) = match public.verify("git", payload, &sig) {
        Ok(()) => (
            true,
            format!(
                "Good \"git\" signature with ED25519 key {}",
                public.fingerprint(ssh_key::HashAlg::Sha256)
            ),
        ),
        Err(e) => (false, format!("Signature verification failed: {e}")),
    };
    Some(RawCheck::Ssh {
        key: key.to_string(),
        good,
        detail,
    })
}

/// Whether a registered key is an ssh public key line (else an OpenPGP fingerprint).
pub fn is_ssh_key(key: &str) -> bool {
    let kind = key.split_whitespace().next().unwrap_or("");
    kind.starts_with("ssh-") || kind.starts_with("ecdsa-") || kind.starts_with("sk-")
}

/// An OpenPGP fingerprint without spaces, upper case.
pub fn normalise_fingerprint(fpr: &str) -> String {
    fpr.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether `given` names the registered `key`: the whole line, its base64 blob,
/// or (OpenPGP) the fingerprint in any case and spacing.
pub fn same_key(registered: &str, given: &str) -> bool {
    if is_ssh_key(registered) {
        let blob = registered.split_whitespace().nth(1);
        let given_blob = if is_ssh_key(given) {
            given.split_whitespace().nth(1)
        } else {
            Some(given.trim())
        };
        blob.is_some() && blob == given_blob
    } else {
        !registered.trim().is_empty()
            && normalise_fingerprint(registered) == normalise_fingerprint(given)
    }
}

/// Checks that a key as it would be registered is well formed: an ssh public key
/// line whose blob is base64, or a 40- or 64-digit hex OpenPGP fingerprint.
pub fn check_key_syntax(key: &str) -> Result<(), String> {
    if is_ssh_key(key) {
        let blob = key.split_whitespace().nth(1).unwrap_or("");
        base64::engine::general_purpose::STANDARD
            .decode(blob)
            .map_err(|e| format!("the ssh key's base64 part does not decode ({e})"))?;
        return Ok(());
    }
    let f = normalise_fingerprint(key);
    if (f.len() == 40 || f.len() == 64) && f.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err("expected an ssh public key line (ssh-ed25519 AAAA…) or an OpenPGP fingerprint (40 hex digits)".into())
    }
}

/// Applies the registry to a raw check.
pub fn judge(raw: &RawCheck, registry: &[Member], author_email: &str, day: NaiveDate) -> SigStatus {
    type Found<'a> = Vec<(&'a Member, &'a crate::model::PublicKey)>;
    let (good, detail, matches): (bool, &str, Found) = match raw {
        RawCheck::Unreadable(d) => {
            return SigStatus::Bad { detail: d.clone() };
        }
        RawCheck::Ssh { key, good, detail } => (
            *good,
            detail,
            registered(registry, |k| is_ssh_key(&k.key) && same_key(&k.key, key)),
        ),
        RawCheck::OpenPgp {
            fingerprints,
            good,
            detail,
            ..
        } => (
            *good,
            detail,
            registered(registry, |k| {
                !is_ssh_key(&k.key) && fingerprints.iter().any(|f| same_key(&k.key, f))
            }),
        ),
    };
    if !good {
        // A signature gpg cannot check for want of the public key (ERRSIG,
        // no BADSIG) is an unknown key, not a forgery.
        if let RawCheck::OpenPgp {
            fingerprints,
            key_id: Some(id),
            detail,
            ..
        } = raw
        {
            if !detail.starts_with("BADSIG") {
                return SigStatus::UnknownKey {
                    key: fingerprints.first().cloned().unwrap_or_else(|| id.clone()),
                };
            }
        }
        return SigStatus::Bad {
            detail: detail
                .lines()
                .last()
                .unwrap_or("does not verify")
                .to_string(),
        };
    }
    if matches.is_empty() {
        let key = match raw {
            RawCheck::Ssh { key, .. } => abbreviate(key),
            RawCheck::OpenPgp { fingerprints, .. } => {
                fingerprints.first().cloned().unwrap_or_default()
            }
            RawCheck::Unreadable(_) => String::new(),
        };
        return SigStatus::UnknownKey { key };
    }
    // Prefer a key valid on the day, then the author's own member.
    let by_author = |m: &Member| m.email.eq_ignore_ascii_case(author_email.trim());
    let pick = matches
        .iter()
        .find(|(m, k)| k.valid_on(day) && by_author(m))
        .or_else(|| matches.iter().find(|(_, k)| k.valid_on(day)))
        .or_else(|| matches.iter().find(|(m, _)| by_author(m)))
        .or_else(|| matches.first());
    let Some((member, key)) = pick else {
        return SigStatus::UnknownKey { key: String::new() };
    };
    let shown = abbreviate(&key.key);
    if key.valid_on(day) {
        SigStatus::Good {
            member: member.id.clone(),
            key: shown,
        }
    } else if day < key.valid_from {
        SigStatus::KeyNotYetValid {
            member: member.id.clone(),
            key: shown,
            valid_from: key.valid_from,
        }
    } else {
        SigStatus::KeyRevoked {
            member: member.id.clone(),
            key: shown,
            revoked: key.revoked.unwrap_or(day),
        }
    }
}

fn registered(
    registry: &[Member],
    want: impl Fn(&crate::model::PublicKey) -> bool,
) -> Vec<(&Member, &crate::model::PublicKey)> {
    registry
        .iter()
        .flat_map(|m| m.keys.iter().map(move |k| (m, k)))
        .filter(|(_, k)| want(k))
        .collect()
}

/// `ssh-ed25519 …last8` (or a fingerprint as is): enough to recognise a key.
pub fn abbreviate(key: &str) -> String {
    let mut parts = key.split_whitespace();
    let (kind, blob) = match (parts.next(), parts.next()) {
        (Some(kind), Some(blob)) => (Some(kind), blob),
        (Some(blob), None) => (None, blob),
        _ => return String::new(),
    };
    if kind.is_none() && !blob.starts_with("AAAA") {
        return blob.to_string();
    }
    let tail: String = blob
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match kind {
        Some(kind) => format!("{kind} …{tail}"),
        None => format!("…{tail}"),
    }
}

/// The key that made `signature` over `payload`, as it would be registered in
/// `members.ron`: an ssh public key line or an OpenPGP fingerprint. `None` when
/// the signature does not verify or names no key.
pub fn signing_key(verifier: &Verifier, signature: &str, payload: &[u8]) -> Option<String> {
    match verifier.check(signature, payload).ok()? {
        RawCheck::Ssh {
            key, good: true, ..
        } => {
            let engine = &base64::engine::general_purpose::STANDARD;
            let blob = engine.decode(key.as_bytes()).ok()?;
            let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
            let kind = std::str::from_utf8(blob.get(4..4 + len)?).ok()?;
            Some(format!("{kind} {key}"))
        }
        RawCheck::OpenPgp {
            fingerprints,
            good: true,
            ..
        } => fingerprints.first().cloned(),
        RawCheck::Ssh { .. } | RawCheck::OpenPgp { .. } | RawCheck::Unreadable(_) => None,
    }
}

/// The base64 public key blob inside an armored ssh signature (SSHSIG format:
/// magic, version, then the public key as an ssh string).
pub fn ssh_signature_key(armored: &str) -> Result<String, String> {
    let body: String = armored
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN SSH SIGNATURE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END SSH SIGNATURE-----"))
        .collect();
    let engine = &base64::engine::general_purpose::STANDARD;
    let blob = engine
        .decode(body.as_bytes())
        .map_err(|e| format!("ssh signature is not base64 ({e})"))?;
    let rest = blob
        .strip_prefix(b"SSHSIG")
        .ok_or("ssh signature lacks the SSHSIG magic")?;
    let rest = rest.get(4..).ok_or("ssh signature is truncated")?;
    let len_bytes: [u8; 4] = rest
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or("ssh signature is truncated")?;
    let len = u32::from_be_bytes(len_bytes) as usize;
    let key = rest.get(4..4 + len).ok_or("ssh signature is truncated")?;
    Ok(engine.encode(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PublicKey, Role};

    fn member(id: &str, key: &str, from: &str, revoked: Option<&str>) -> Member {
        Member {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@x"),
            roles: vec![Role::Reviewer],
            unit: "u".into(),
            keys: vec![PublicKey {
                key: key.into(),
                valid_from: from.parse().expect("date"),
                revoked: revoked.map(|r| r.parse().expect("date")),
            }],
            conflicts: vec![],
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn registry_dates_decide() {
        let reg = vec![member(
            "a",
            "ssh-ed25519 AAAAkey a@x",
            "2017-06-01",
            Some("2017-09-01"),
        )];
        let raw = RawCheck::Ssh {
            key: "AAAAkey".into(),
            good: true,
            detail: String::new(),
        };
        assert!(judge(&raw, &reg, "a@x", d("2017-07-01")).is_good());
        assert!(matches!(
            judge(&raw, &reg, "a@x", d("2017-05-31")),
            SigStatus::KeyNotYetValid { .. }
        ));
        assert!(matches!(
            judge(&raw, &reg, "a@x", d("2017-09-01")),
            SigStatus::KeyRevoked { .. }
        ));
        let other = RawCheck::Ssh {
            key: "AAAAother".into(),
            good: true,
            detail: String::new(),
        };
        assert!(matches!(
            judge(&other, &reg, "a@x", d("2017-07-01")),
            SigStatus::UnknownKey { .. }
        ));
        let bad = RawCheck::Ssh {
            key: "AAAAkey".into(),
            good: false,
            detail: "Signature verification failed".into(),
        };
        assert!(matches!(
            judge(&bad, &reg, "a@x", d("2017-07-01")),
            SigStatus::Bad { .. }
        ));
    }

    #[test]
    fn fingerprints_match_in_any_case_and_spacing() {
        let fpr = "0123456789ABCDEF0123456789ABCDEF01234567";
        assert!(same_key(
            "0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567",
            fpr
        ));
        assert!(check_key_syntax(fpr).is_ok());
        assert!(check_key_syntax("nonsense").is_err());
        assert!(same_key("ssh-ed25519 AAAAx c", "ssh-ed25519 AAAAx other"));
        assert!(same_key("ssh-ed25519 AAAAx c", "AAAAx"));
        assert!(!same_key("ssh-ed25519 AAAAx c", "AAAAy"));
    }

    #[test]
    fn sshsig_key_is_read() {
        // magic, version 1, string "key!"
        let mut blob = b"SSHSIG".to_vec();
        blob.extend(1u32.to_be_bytes());
        blob.extend(4u32.to_be_bytes());
        blob.extend(b"key!");
        let e = &base64::engine::general_purpose::STANDARD;
        let armored = format!(
            "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
            e.encode(&blob)
        );
        assert_eq!(ssh_signature_key(&armored).expect("key"), e.encode(b"key!"));
        assert!(ssh_signature_key("-----BEGIN SSH SIGNATURE-----\n!!\n").is_err());
    }
}
