//! `pingxuan doctor`: one command that checks a member's (or a server's)
//! set-up and says, for each thing, what to do.
//!
//! Checked, in order: the programs (`git`, `ssh-keygen`, `gpg`) and their
//! versions; the campaign repository; the identity (`user.email`) and its
//! member; the signing key — it signs a test payload exactly as an action
//! would and judges the signature against `members.ron` as it stands today
//! (usable, registered to this member, valid today); the remote and whether it
//! answers (`git ls-remote` through the user's own git, bounded in time); the
//! pre-receive hook and pinned genesis on the server when it can tell (a
//! remote on a local path, or doctor run in the server repository itself);
//! and the clock against the newest commit. A [`Level::Fail`] blocks work.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::hook_install::{self, HookState};
use crate::i18n::Lang;
use crate::model::{Member, Snapshot};
use crate::sign::verify::{SigStatus, Verifier};
use crate::sign::{SignFormat, Signer, SigningConfig};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Ok,
    /// Not blocking, but worth doing something about.
    Warn,
    /// Blocks work: `doctor` exits non-zero.
    Fail,
    /// For information (a check that does not apply or cannot be made here).
    Info,
}

impl Level {
    pub fn mark(self) -> &'static str {
        match self {
            Level::Ok => "✓",
            Level::Warn => "!",
            Level::Fail => "✗",
            Level::Info => "·",
        }
    }
}

/// One thing checked.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Stable name: `git`, `ssh-keygen`, `gpg`, `repository`, `identity`,
    /// `signing-key`, `remote`, `server-hook`, `clock`.
    pub name: &'static str,
    pub level: Level,
    /// What was found.
    pub found: String,
    /// What to do about it (none when all is well).
    pub fix: Option<String>,
}

pub struct DoctorOptions {
    pub repo: PathBuf,
    /// The remote to check (default: the current branch's, else `origin`).
    pub remote: Option<String>,
    pub lang: Lang,
    /// The day keys must be valid on (the action time).
    pub now: DateTime<FixedOffset>,
    /// How long `git ls-remote` may take.
    pub timeout: Duration,
}

struct Out {
    lang: Lang,
    checks: Vec<Check>,
}

impl Out {
    fn push(&mut self, name: &'static str, level: Level, found: String, fix: Option<String>) {
        self.checks.push(Check {
            name,
            level,
            found,
            fix,
        });
    }
    fn t(&self, zh: &str, en: &str) -> String {
        self.lang.pick(zh, en).to_string()
    }
}

/// Runs every check.
pub fn doctor(opts: &DoctorOptions) -> Vec<Check> {
    let mut out = Out {
        lang: opts.lang,
        checks: Vec::new(),
    };
    let store = Store::open(&opts.repo).ok();
    let config = store.as_ref().and_then(|s| s.repo().config().ok());
    let sc = config
        .as_ref()
        .and_then(|c| SigningConfig::from_git_config(c).ok());
    let format = sc.as_ref().map(|s| s.format);

    check_git(&mut out);
    let snapshot = store.as_ref().map(|s| s.snapshot());
    let members: &[Member] = match &snapshot {
        Some(Ok(s)) => &s.members,
        _ => &[],
    };
    check_ssh_keygen(&mut out, sc.as_ref(), members);
    check_gpg(&mut out, sc.as_ref(), format, members);

    let (store, snapshot) = match (store, snapshot) {
        (Some(store), Some(Ok(snapshot))) => {
            let head = snapshot.commit.as_deref().unwrap_or("-");
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!(
                    "{}：{} 位成員，{} 個申報項目，最新提交 {}",
                    snapshot.campaign.title,
                    snapshot.members.len(),
                    snapshot.records.len(),
                    head.get(..12).unwrap_or(head)
                ),
                Lang::En => format!(
                    "{}: {} members, {} nominations, last commit {}",
                    snapshot.campaign.title_en,
                    snapshot.members.len(),
                    snapshot.records.len(),
                    head.get(..12).unwrap_or(head)
                ),
            };
            out.push("repository", Level::Ok, found, None);
            (store, snapshot)
        }
        (None, _) => {
            let found = format!(
                "{} {}",
                opts.repo.display(),
                out.t("不是 git 倉庫", "is not a git repository")
            );
            let fix = out.t(
                "在評選倉庫的克隆中運行（或用 --repo 指定）；還沒有克隆：git clone <服務器地址> <目錄>",
                "run it in your clone of the campaign (or pass --repo); no clone yet: git clone <server URL> <folder>",
            );
            out.push("repository", Level::Fail, found, Some(fix));
            return out.checks;
        }
        (Some(_), result) => {
            let e = match result {
                Some(Err(e)) => e.to_string(),
                _ => String::new(),
            };
            let fix = out.t(
                "空倉庫：先 git pull（或 pingxuan sync）取得評選；壞文件：pingxuan validate 列出問題",
                "an empty repository: git pull (or pingxuan sync) first; broken files: pingxuan validate lists them",
            );
            out.push("repository", Level::Fail, e, Some(fix));
            return out.checks;
        }
    };
    let bare = store.repo().is_bare();
    let me = check_identity(&mut out, &store, &snapshot, bare);
    check_signing(&mut out, &store, &snapshot, me.as_ref(), opts, bare);
    check_remote_and_hook(&mut out, &store, &snapshot, opts, bare);
    check_clock(&mut out, &store);
    out.checks
}

/// Whether any check blocks work.
pub fn blocked(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.level == Level::Fail)
}

/// `program args…` with stdin closed; stdout and stderr, or why it did not run.
fn run(program: &str, args: &[&str]) -> Result<(bool, String, String), String> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).trim().to_string(),
                String::from_utf8_lossy(&o.stderr).trim().to_string(),
            )
        })
        .map_err(|e| e.to_string())
}

/// `git version 2.39.5` → (2, 39).
fn git_version(text: &str) -> Option<(u32, u32)> {
    let v = text.split_whitespace().nth(2)?;
    let mut it = v.split('.');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

fn check_git(out: &mut Out) {
    match run("git", &["--version"]) {
        Ok((true, v, _)) => match git_version(&v) {
            Some(ver) if ver < (2, 34) => {
                let fix = out.t(
                    "git 2.34 起才能驗證 SSH 簽名（git verify-commit）：請升級 git",
                    "git verifies ssh signatures (git verify-commit) from 2.34 on: upgrade git",
                );
                out.push("git", Level::Warn, v, Some(fix))
            }
            _ => out.push("git", Level::Ok, v, None),
        },
        Ok((false, a, b)) => {
            let fix = out.t("重新安裝 git", "reinstall git");
            out.push("git", Level::Fail, format!("{a}{b}"), Some(fix))
        }
        Err(e) => {
            let fix = out.t(
                "安裝 git（Debian/Ubuntu：apt-get install git）",
                "install git (Debian/Ubuntu: apt-get install git)",
            );
            out.push("git", Level::Fail, format!("git: {e}"), Some(fix))
        }
    }
}

fn has_ssh_keys(members: &[Member]) -> bool {
    members
        .iter()
        .flat_map(|m| &m.keys)
        .any(|k| crate::sign::verify::is_ssh_key(&k.key))
}

fn has_pgp_keys(members: &[Member]) -> bool {
    members
        .iter()
        .flat_map(|m| &m.keys)
        .any(|k| !crate::sign::verify::is_ssh_key(&k.key))
}

/// Whether `program` can be found (a path, or a name on `PATH`).
fn find_program(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return p.is_file().then(|| p.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(program))
        .find(|c| c.is_file())
}

fn check_ssh_keygen(out: &mut Out, sc: Option<&SigningConfig>, members: &[Member]) {
    let program = match sc {
        Some(s) if s.format == SignFormat::Ssh => s.program.clone(),
        _ => "ssh-keygen".to_string(),
    };
    let needed = sc.is_some_and(|s| s.format == SignFormat::Ssh) || has_ssh_keys(members);
    match find_program(&program) {
        Some(path) => {
            // ssh-keygen has no version flag; its package's ssh client says it.
            let version = run("ssh", &["-V"])
                .map(|(_, a, b)| format!("{a}{b}"))
                .unwrap_or_default();
            let found = format!("{} ({})", path.display(), version.trim());
            out.push("ssh-keygen", Level::Ok, found, None)
        }
        None => {
            let level = if needed { Level::Fail } else { Level::Info };
            let fix = out.t(
                "安裝 OpenSSH 客户端（apt-get install openssh-client），或用 git config gpg.ssh.program 指向 ssh-keygen",
                "install the OpenSSH client (apt-get install openssh-client), or point git config gpg.ssh.program at ssh-keygen",
            );
            let found = format!("{program}: {}", out.t("找不到", "not found"));
            out.push("ssh-keygen", level, found, Some(fix))
        }
    }
}

fn check_gpg(
    out: &mut Out,
    sc: Option<&SigningConfig>,
    format: Option<SignFormat>,
    members: &[Member],
) {
    let program = match sc {
        Some(s) if s.format == SignFormat::OpenPgp => s.program.clone(),
        _ => "gpg".to_string(),
    };
    match run(&program, &["--version"]) {
        Ok((true, v, _)) => {
            let first = v.lines().next().unwrap_or("").to_string();
            out.push("gpg", Level::Ok, first, None)
        }
        _ => {
            let needed_to_sign = format == Some(SignFormat::OpenPgp) && sc.is_some();
            let level = if needed_to_sign {
                Level::Fail
            } else if has_pgp_keys(members) {
                Level::Warn
            } else {
                Level::Info
            };
            let fix = out.t(
                "安裝 GnuPG（apt-get install gnupg）；只用 SSH 密鑰的評選不需要它",
                "install GnuPG (apt-get install gnupg); a campaign of ssh keys only does not need it",
            );
            let found = format!("{program}: {}", out.t("找不到", "not found"));
            out.push("gpg", level, found, Some(fix))
        }
    }
}

fn check_identity(out: &mut Out, store: &Store, snapshot: &Snapshot, bare: bool) -> Option<Member> {
    let email = store
        .repo()
        .config()
        .ok()
        .and_then(|c| c.get_string("user.email").ok())
        .filter(|e| !e.trim().is_empty());
    let Some(email) = email else {
        if bare {
            let found = out.t(
                "服務器倉庫：不需要身份",
                "a server repository: no identity needed",
            );
            out.push("identity", Level::Info, found, None);
            return None;
        }
        let found = out.t("未設置 git 的 user.email", "git user.email is not set");
        let fix = out.t(
            "git config user.email <您在 members.ron 中的郵箱>（只查看的人可以忽略）",
            "git config user.email <your email in members.ron> (ignore this if you only read)",
        );
        out.push("identity", Level::Fail, found, Some(fix));
        return None;
    };
    match snapshot.member_by_email(&email) {
        Some(m) => {
            let roles: Vec<&str> = m.roles.iter().map(|r| out.lang.role(*r)).collect();
            let found = match out.lang {
                // a Chinese line names the member, not their id
                Lang::Zh | Lang::ZhHans => format!("{email} → {}（{}）", m.name, roles.join("、")),
                Lang::En => format!("{email} → {} ({}) [{}]", m.name, m.id, roles.join(", ")),
            };
            out.push("identity", Level::Ok, found, None);
            Some(m.clone())
        }
        None => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("{email} 不是 members.ron 中的成員：只能查看"),
                Lang::En => format!("{email} is no member in members.ron: read-only"),
            };
            let fix = out.t(
                "把 user.email 設為主任在 members.ron 中登記的郵箱；還沒登記：請主任添加您",
                "set user.email to the email the chair registered in members.ron; not registered yet: ask the chair to add you",
            );
            out.push("identity", Level::Fail, found, Some(fix));
            None
        }
    }
}

fn check_signing(
    out: &mut Out,
    store: &Store,
    snapshot: &Snapshot,
    me: Option<&Member>,
    opts: &DoctorOptions,
    bare: bool,
) {
    let name = "signing-key";
    let config = match store.repo().config() {
        Ok(c) => c,
        Err(e) => return out.push(name, Level::Fail, e.to_string(), None),
    };
    let signer = match Signer::from_git_config(&config) {
        Ok(s) => s,
        Err(e) => {
            let hint = crate::sign::missing_key_hint(out.lang.zh());
            return out.push(name, Level::Fail, e.to_string(), Some(hint));
        }
    };
    let Some(signer) = signer else {
        if bare && me.is_none() {
            let found = out.t(
                "服務器倉庫：不簽名",
                "a server repository: it signs nothing",
            );
            return out.push(name, Level::Info, found, None);
        }
        let level = if snapshot.campaign.signing_required {
            Level::Fail
        } else {
            Level::Warn
        };
        let found = out.t("沒有配置簽名密鑰", "no signing key configured");
        let hint = crate::sign::missing_key_hint(out.lang.zh());
        return out.push(name, level, found, Some(hint));
    };
    let what = signer.describe();
    let payload = b"pingxuan doctor: a test signature, never stored\n";
    let signature = match signer.sign(payload) {
        Ok(s) => s,
        Err(e) => {
            let fix = out.t(
                "這把密鑰現在不能簽名：見上面的原因；密鑰在 ssh-agent 中時確認 ssh-add -l 列出它（通過 SSH 登錄時用 ssh -A）",
                "this key cannot sign now: see the reason above; for a key in ssh-agent check that ssh-add -l lists it (over SSH, log in with ssh -A)",
            );
            return out.push(name, Level::Fail, format!("{what}: {e}"), Some(fix));
        }
    };
    let Some(me) = me else {
        let found = format!(
            "{what}: {}",
            out.t(
                "能簽名；身份不明，無法判斷是否已登記",
                "signs; no identity, so whether it is registered is unknown"
            )
        );
        return out.push(name, Level::Warn, found, None);
    };
    let verifier = Verifier::from_git_config(&config);
    let day = opts.now.date_naive();
    let status = verifier.verify(&signature, payload, &snapshot.members, &me.email, day);
    let chair_adds = match out.lang {
        Lang::Zh | Lang::ZhHans => format!(
            "請主任登記您的公鑰：pingxuan key add {} --key <公鑰行或指紋>，同步後再試",
            me.id
        ),
        Lang::En => format!(
            "ask the chair to register your public key: pingxuan key add {} --key <public key line or fingerprint>; sync, then try again",
            me.id
        ),
    };
    match status {
        SigStatus::Good { member, .. } if member == me.id => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => {
                    let member = out.lang.member(snapshot, &member);
                    format!("{what}：能簽名，已登記給 {member}，今天（{day}）有效")
                }
                Lang::En => {
                    format!("{what}: signs, registered to {member}, valid today ({day})")
                }
            };
            out.push(name, Level::Ok, found, None)
        }
        SigStatus::Good { member, .. } => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => {
                    format!(
                        "{what}：這把密鑰登記給了 {}，不是 {}",
                        out.lang.member(snapshot, &member),
                        me.name
                    )
                }
                Lang::En => format!("{what}: this key is registered to {member}, not {}", me.id),
            };
            out.push(name, Level::Fail, found, Some(chair_adds))
        }
        SigStatus::UnknownKey { .. } => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => {
                    format!("{what}：能簽名，但 members.ron 中沒有登記這把密鑰")
                }
                Lang::En => {
                    format!("{what}: signs, but no member registered this key in members.ron")
                }
            };
            out.push(name, Level::Fail, found, Some(chair_adds))
        }
        SigStatus::KeyRevoked { revoked, .. } => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("{what}：已於 {revoked} 吊銷"),
                Lang::En => format!("{what}: revoked on {revoked}"),
            };
            out.push(name, Level::Fail, found, Some(chair_adds))
        }
        SigStatus::KeyNotYetValid { valid_from, .. } => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("{what}：{valid_from} 起才有效"),
                Lang::En => format!("{what}: valid only from {valid_from}"),
            };
            let fix = out.t(
                "等到生效日，或請主任改登記日期",
                "wait for that day, or ask the chair to register it from an earlier day",
            );
            out.push(name, Level::Fail, found, Some(fix))
        }
        SigStatus::Bad { detail } => {
            let fix = out.t(
                "簽名無法驗證：OpenPGP 密鑰須在本機 gpg 密鑰環中（gpg --import）；SSH 須有 ssh-keygen",
                "the signature does not verify: an OpenPGP public key must be in the local gpg keyring (gpg --import); ssh needs ssh-keygen",
            );
            out.push(name, Level::Fail, format!("{what}: {detail}"), Some(fix))
        }
        SigStatus::Unsigned => out.push(name, Level::Fail, what, None),
    }
}

/// The remote of the current branch, else `origin`.
fn default_remote(repo: &git2::Repository) -> String {
    let branch = repo
        .head()
        .ok()
        .and_then(|h| h.shorthand().ok().map(str::to_string));
    branch
        .and_then(|b| {
            repo.config()
                .ok()?
                .get_string(&format!("branch.{b}.remote"))
                .ok()
        })
        .unwrap_or_else(|| "origin".to_string())
}

/// A local path when `url` names one (`/srv/x.git`, `file:///srv/x.git`, `../x`).
fn local_path(url: &str, base: &Path) -> Option<PathBuf> {
    if let Some(p) = url.strip_prefix("file://") {
        return Some(PathBuf::from(p));
    }
    if url.contains("://") {
        return None;
    }
    // scp-like `host:path` (a colon before any slash) is ssh.
    if let Some(colon) = url.find(':') {
        if url.find('/').is_none_or(|slash| colon < slash) {
            return None;
        }
    }
    let p = Path::new(url);
    Some(if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    })
}

/// `git ls-remote --heads <remote>` through the user's git, killed after `timeout`.
fn ls_remote(repo_dir: &Path, remote: &str, timeout: Duration) -> Result<String, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo_dir)
        .args(["ls-remote", "--heads", remote])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("git: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer in {} s", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let o = child.wait_with_output().map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(String::from_utf8_lossy(&o.stdout).into_owned())
    } else {
        Err(crate::text::sanitize_multiline(
            String::from_utf8_lossy(&o.stderr).trim(),
        ))
    }
}

fn check_remote_and_hook(
    out: &mut Out,
    store: &Store,
    snapshot: &Snapshot,
    opts: &DoctorOptions,
    bare: bool,
) {
    let repo = store.repo();
    let our_root = hook_install::branch_roots(repo)
        .ok()
        .and_then(|r| r.first().map(|o| o.to_string()));
    if bare {
        // Doctor run on the server: the hook is right here.
        out.push(
            "remote",
            Level::Info,
            out.t(
                "服務器倉庫（bare）：客户端向它推送",
                "a server (bare) repository: members push to it",
            ),
            None,
        );
        check_hook_in(
            out,
            repo,
            our_root.as_deref(),
            &repo.path().display().to_string(),
        );
        return;
    }
    let remote = opts.remote.clone().unwrap_or_else(|| default_remote(repo));
    let url = repo
        .find_remote(&remote)
        .ok()
        .and_then(|r| r.url().ok().map(str::to_string));
    let Some(url) = url else {
        let found = match out.lang {
            Lang::Zh | Lang::ZhHans => format!("沒有遠端 {remote}：只在本機工作，不能同步"),
            Lang::En => format!("no remote {remote}: you work alone and cannot sync"),
        };
        let fix = match out.lang {
            Lang::Zh | Lang::ZhHans => {
                format!("git remote add {remote} <服務器地址，例如 ssh://git@server/campaign>")
            }
            Lang::En => {
                format!("git remote add {remote} <server URL, e.g. ssh://git@server/campaign>")
            }
        };
        out.push("remote", Level::Warn, found, Some(fix));
        return;
    };
    let workdir = repo.workdir().unwrap_or(repo.path()).to_path_buf();
    match ls_remote(&workdir, &remote, opts.timeout) {
        Ok(heads) => {
            let n = heads.lines().count();
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("{remote} = {url}：可達，{n} 個分支"),
                Lang::En => format!("{remote} = {url}: reachable, {n} branches"),
            };
            out.push("remote", Level::Ok, found, None);
        }
        Err(e) => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("{remote} = {url}：不可達：{e}"),
                Lang::En => format!("{remote} = {url}: unreachable: {e}"),
            };
            let fix = out.t(
                "試試 git ls-remote；SSH：確認 ~/.ssh/config、密鑰（ssh-add -l）和 known_hosts，並請管理員確認您的公鑰已加入 gitolite",
                "try git ls-remote yourself; over ssh check ~/.ssh/config, your key (ssh-add -l) and known_hosts, and ask the administrator whether your key is in gitolite",
            );
            out.push("remote", Level::Fail, found, Some(fix));
        }
    }
    match local_path(&url, &workdir) {
        Some(path) => match git2::Repository::open(&path) {
            Ok(server) => check_hook_in(
                out,
                &server,
                our_root.as_deref(),
                &path.display().to_string(),
            ),
            Err(e) => out.push("server-hook", Level::Info, e.message().to_string(), None),
        },
        None => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("無法從這裏查看 {url} 上的鈎子"),
                Lang::En => format!("the hook on {url} cannot be seen from here"),
            };
            let fix = out.t(
                "請服務器管理員在服務器倉庫上運行 pingxuan doctor --repo <倉庫>（或 pingxuan hook install <倉庫>）",
                "ask the server's administrator to run pingxuan doctor --repo <repository> there (or pingxuan hook install <repository>)",
            );
            out.push("server-hook", Level::Info, found, Some(fix));
        }
    }
    let _ = snapshot;
}

fn check_hook_in(out: &mut Out, server: &git2::Repository, our_root: Option<&str>, shown: &str) {
    let name = "server-hook";
    let install = match out.lang {
        Lang::Zh | Lang::ZhHans => format!("在服務器上運行：pingxuan hook install {shown}"),
        Lang::En => format!("on the server, run: pingxuan hook install {shown}"),
    };
    let state = match hook_install::hook_state(server) {
        Ok((_, s)) => s,
        Err(e) => return out.push(name, Level::Fail, e.to_string(), Some(install)),
    };
    let pinned = hook_install::pinned_genesis(server).ok().flatten();
    match state {
        HookState::Missing => {
            let found = out.t(
                "服務器倉庫沒有 pre-receive 鈎子：任何推送都不經審計",
                "the server repository has no pre-receive hook: pushes are not audited",
            );
            out.push(name, Level::Fail, found, Some(install))
        }
        HookState::Foreign => {
            let found = out.t(
                "服務器倉庫有别的 pre-receive 鈎子（不是 pingxuan 的）",
                "the server repository has another pre-receive hook (not pingxuan's)",
            );
            out.push(name, Level::Warn, found, Some(install))
        }
        HookState::Ours { program, runnable } if !runnable => {
            let found = match out.lang {
                Lang::Zh | Lang::ZhHans => format!("鈎子運行的 {program} 不存在或不可執行"),
                Lang::En => format!("the hook runs {program}, which is missing or not executable"),
            };
            out.push(name, Level::Fail, found, Some(install))
        }
        HookState::Ours { program, .. } => match (pinned, our_root) {
            (None, _) => {
                let found = match out.lang {
                    Lang::Zh | Lang::ZhHans => {
                        format!("鈎子已安裝（{program}），但沒有固定創始提交")
                    }
                    Lang::En => format!("hook installed ({program}), but no genesis pinned"),
                };
                let fix = match out.lang {
                    Lang::Zh | Lang::ZhHans => {
                        format!("pingxuan hook install {shown} --genesis <第一個提交>")
                    }
                    Lang::En => format!("pingxuan hook install {shown} --genesis <first commit>"),
                };
                out.push(name, Level::Warn, found, Some(fix))
            }
            (Some(p), Some(root)) if !p.eq_ignore_ascii_case(root) => {
                let found = match out.lang {
                    Lang::Zh | Lang::ZhHans => {
                        format!("服務器固定的創始提交 {p} 不是本倉庫的第一個提交 {root}")
                    }
                    Lang::En => {
                        format!("the server pins genesis {p}, but this history starts at {root}")
                    }
                };
                let fix = out.t(
                    "這個克隆不是同一次評選：重新 git clone 服務器倉庫",
                    "this clone is not the same campaign: clone the server repository afresh",
                );
                out.push(name, Level::Fail, found, Some(fix))
            }
            (Some(p), _) => {
                let found = match out.lang {
                    Lang::Zh | Lang::ZhHans => {
                        format!(
                            "鈎子已安裝（{program}），創始提交 {}",
                            &p[..p.len().min(12)]
                        )
                    }
                    Lang::En => format!(
                        "hook installed ({program}), genesis {}",
                        &p[..p.len().min(12)]
                    ),
                };
                out.push(name, Level::Ok, found, None)
            }
        },
    }
}

fn check_clock(out: &mut Out, store: &Store) {
    let repo = store.repo();
    let mut newest: Option<(i64, String)> = None;
    let mut consider = |name: &str| {
        if let Ok(c) = repo.revparse_single(name).and_then(|o| o.peel_to_commit()) {
            let t = c.committer().when().seconds();
            if newest.as_ref().is_none_or(|(n, _)| t > *n) {
                newest = Some((t, c.id().to_string()));
            }
        }
    };
    consider("HEAD");
    if let Ok(refs) = repo.references_glob("refs/remotes/*") {
        let names: Vec<String> = refs
            .flatten()
            .filter_map(|r| r.name().ok().map(str::to_string))
            .collect();
        for n in names {
            consider(&n);
        }
    }
    let now = Utc::now();
    let Some((t, id)) = newest else {
        let found = format!("{}", now.format("%Y-%m-%d %H:%M:%S UTC"));
        return out.push("clock", Level::Info, found, None);
    };
    let last = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or(now);
    let behind = last - now;
    let short = id.get(..12).unwrap_or(&id).to_string();
    // A few minutes of drift between machines is normal.
    if behind > chrono::Duration::minutes(5) {
        let found = match out.lang {
            Lang::Zh | Lang::ZhHans => format!(
                "本機時鐘 {} 比最新提交 {short}（{}）慢 {} 分鐘",
                now.format("%Y-%m-%d %H:%M UTC"),
                last.format("%Y-%m-%d %H:%M UTC"),
                behind.num_minutes()
            ),
            Lang::En => format!(
                "this machine's clock {} is {} minutes behind the last commit {short} ({})",
                now.format("%Y-%m-%d %H:%M UTC"),
                behind.num_minutes(),
                last.format("%Y-%m-%d %H:%M UTC")
            ),
        };
        let fix = out.t(
            "校準系統時鐘（timedatectl set-ntp true）；時間只能向前，服務器會拒絕早於上一個提交的提交",
            "set the system clock (timedatectl set-ntp true): time only moves forward, and the server refuses commits older than their parent",
        );
        out.push("clock", Level::Fail, found, Some(fix));
    } else {
        let found = match out.lang {
            Lang::Zh | Lang::ZhHans => format!(
                "{}，最新提交 {short} 於 {}",
                now.format("%Y-%m-%d %H:%M UTC"),
                last.format("%Y-%m-%d %H:%M UTC")
            ),
            Lang::En => format!(
                "{}, last commit {short} at {}",
                now.format("%Y-%m-%d %H:%M UTC"),
                last.format("%Y-%m-%d %H:%M UTC")
            ),
        };
        out.push("clock", Level::Ok, found, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_versions_parse() {
        assert_eq!(git_version("git version 2.39.5"), Some((2, 39)));
        assert_eq!(git_version("git version 2.34.1.windows.1"), Some((2, 34)));
        assert_eq!(git_version("nonsense"), None);
    }

    #[test]
    fn local_remotes_are_told_from_network_ones() {
        let base = Path::new("/home/me/clone");
        assert_eq!(
            local_path("/srv/c.git", base),
            Some(PathBuf::from("/srv/c.git"))
        );
        assert_eq!(
            local_path("file:///srv/c.git", base),
            Some(PathBuf::from("/srv/c.git"))
        );
        assert_eq!(
            local_path("../c.git", base),
            Some(PathBuf::from("/home/me/clone/../c.git"))
        );
        assert_eq!(local_path("git@server:campaign", base), None);
        assert_eq!(local_path("ssh://git@server/campaign", base), None);
        assert_eq!(local_path("https://server/campaign.git", base), None);
    }
}
