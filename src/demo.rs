//! `pingxuan demo`: the sample campaign built into a real repository, every
//! scripted action signed by its member's own ssh key at its scripted time.
//! Keys live beside the repository, never in it.
//!
//! Time only moves forward, so the demo is built up to the moment it opens on
//! ([`DemoOptions::until`], by default [`REVIEW_DAY`]) and no further: what
//! the script does later is still to do, by whoever the repository is set up
//! to act as ([`DemoOptions::member`], by default the first reviewer).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset, NaiveTime, TimeZone};

use crate::act::{self, Request};
use crate::i18n::Lang;
use crate::model::{Action, Campaign, Member, PublicKey, Role, ScriptStep, Unit};
use crate::sign::Signer;
use crate::store::codec::from_ron;
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Sample(crate::model::Problem),
    #[error("{0} exists and is not empty; choose a new folder")]
    NotEmpty(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("ssh-keygen failed for {member}: {stderr}")]
    Keygen { member: String, stderr: String },
    #[error("step {step} ({at}, {actor}, {action}): {source}")]
    Step {
        step: usize,
        at: String,
        actor: String,
        action: &'static str,
        #[source]
        source: Box<act::ActError>,
    },
    #[error(transparent)]
    Act(#[from] Box<act::ActError>),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    #[error(transparent)]
    Git(#[from] git2::Error),
    #[error("the sample has no chair")]
    NoChair,
    #[error("no member {given:?} in the sample; members: {known}")]
    UnknownMember { given: String, known: String },
    #[error("{until} is before the campaign's first commit ({first})")]
    TooEarly { until: String, first: String },
}

/// The moment `demo` opens on without `--at`: the first day of the review
/// (評議檢查), with the reviewers' scoring of the stars still to do.
pub const REVIEW_DAY: &str = "2017-11-20T10:00:00+08:00";

/// How far to build the demo and whom to act as.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Play the script up to this moment (its steps at or before it); `None`: all of it.
    pub until: Option<DateTime<FixedOffset>>,
    /// The member the repository is configured as (`user.email`, signing key);
    /// `None`: the first reviewer of the sample.
    pub member: Option<String>,
    /// Write every object to disk as it is made and pack them at the end,
    /// as before issue 18's in-memory build (for tests comparing the two;
    /// the trees are the same either way).
    pub loose_objects: bool,
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> DemoError {
    let what = what.into();
    move |source| DemoError::Io { what, source }
}

/// Where the demo was built.
#[derive(Debug, Clone)]
pub struct Demo {
    pub repo: PathBuf,
    pub keys: PathBuf,
    pub allowed_signers: PathBuf,
    pub chair: Member,
    pub commits: usize,
    /// The member the repository acts as.
    pub member: Member,
    /// Scripted steps not played (after [`DemoOptions::until`]).
    pub left: usize,
    /// Every member of the sample, for choosing another with `--as`.
    pub members: Vec<Member>,
}

/// The parsed sample files.
pub struct Sample {
    pub campaign: Campaign,
    pub units: Vec<Unit>,
    pub members: Vec<Member>,
    pub history: Vec<ScriptStep>,
}

pub fn sample() -> Result<Sample, DemoError> {
    use crate::sample as s;
    Ok(Sample {
        campaign: from_ron("sample-repo/campaign.ron", s::CAMPAIGN.as_bytes())
            .map_err(DemoError::Sample)?,
        units: from_ron("sample-repo/units.ron", s::UNITS.as_bytes()).map_err(DemoError::Sample)?,
        members: from_ron("sample-repo/members.ron", s::MEMBERS.as_bytes())
            .map_err(DemoError::Sample)?,
        history: from_ron("sample-repo/history.ron", s::HISTORY.as_bytes())
            .map_err(DemoError::Sample)?,
    })
}

/// Makes an ed25519 key pair `keys/<id>` and returns the public key line.
fn keygen(keys: &Path, m: &Member) -> Result<String, DemoError> {
    let path = keys.join(&m.id);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C"])
        .arg(&m.email)
        .arg("-f")
        .arg(&path)
        .output()
        .map_err(io("running ssh-keygen (install openssh-client)"))?;
    if !out.status.success() {
        return Err(DemoError::Keygen {
            member: m.id.clone(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    let public = std::fs::read_to_string(path.with_extension("pub"))
        .map_err(io(format!("reading {}.pub", m.id)))?;
    Ok(public.trim().to_string())
}

/// The signer this member's own `git commit -S` would use with
/// `gpg.format = ssh` and `user.signingkey = <keys>/<id>`.
fn member_signer(keys: &Path, m: &Member) -> Result<Signer, DemoError> {
    let config = crate::sign::SigningConfig {
        format: crate::sign::SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(keys.join(&m.id).display().to_string()),
        default_key_command: None,
        committer: Some(format!("{} <{}>", m.name, m.email)),
        gpgsign: true,
        env: Vec::new(),
    };
    Signer::from_signing_config(&config)?.ok_or_else(|| DemoError::Keygen {
        member: m.id.clone(),
        stderr: "no signing key configured".into(),
    })
}

fn at_nine(campaign: &Campaign) -> DateTime<FixedOffset> {
    let tz =
        FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    let naive = campaign
        .issued
        .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN));
    tz.from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| tz.from_utc_datetime(&naive))
}

/// Builds the whole scripted year, acting as the chair: `dir` (new or empty)
/// becomes the repository; keys go to a sibling folder `<dir>.keys`.
/// `progress` hears (done, total) after each commit.
pub fn build(
    dir: &Path,
    lang: Lang,
    progress: impl FnMut(usize, usize),
) -> Result<Demo, DemoError> {
    let chair = sample()?
        .members
        .iter()
        .find(|m| m.has_role(Role::Chair))
        .map(|m| m.id.clone())
        .ok_or(DemoError::NoChair)?;
    build_with(
        dir,
        lang,
        &DemoOptions {
            until: None,
            member: Some(chair),
            loose_objects: false,
        },
        progress,
    )
}

/// The demo folder must be new or empty.
fn refuse_non_empty(dir: &Path) -> Result<(), DemoError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(io(dir.display().to_string()))?
            .next()
            .is_some()
    {
        return Err(DemoError::NotEmpty(dir.display().to_string()));
    }
    Ok(())
}

/// The member the demo opens as: the one asked for, else the first reviewer.
fn pick_member(members: &[Member], opts: &DemoOptions) -> Result<String, DemoError> {
    match &opts.member {
        Some(id) => members.iter().find(|m| &m.id == id),
        None => members.iter().find(|m| m.has_role(Role::Reviewer)),
    }
    .map(|m| m.id.clone())
    .ok_or_else(|| DemoError::UnknownMember {
        given: opts.member.clone().unwrap_or_default(),
        known: members
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// A new ssh key for every member in `DIR.keys` (private, 0700), registered
/// from the campaign's issue day, and the allowed-signers file of them all.
fn make_keys(
    dir: &Path,
    campaign: &Campaign,
    members: &mut [Member],
) -> Result<(PathBuf, PathBuf), DemoError> {
    let keys = PathBuf::from(format!("{}.keys", dir.display()));
    std::fs::create_dir_all(&keys).map_err(io(keys.display().to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o700))
            .map_err(io(keys.display().to_string()))?;
    }
    let mut allowed = String::new();
    for m in members.iter_mut() {
        let public = keygen(&keys, m)?;
        allowed.push_str(&format!("{} namespaces=\"git\" {public}\n", m.email));
        m.keys = vec![PublicKey {
            key: public,
            valid_from: campaign.issued,
            revoked: None,
        }];
    }
    let allowed_signers = keys.join("allowed_signers");
    std::fs::write(&allowed_signers, allowed).map_err(io(allowed_signers.display().to_string()))?;
    Ok((keys, allowed_signers))
}

/// The repository's own git config: who the clone acts as and how it signs.
fn configure(
    store: &Store,
    member: &Member,
    keys: &Path,
    allowed_signers: &Path,
) -> Result<(), DemoError> {
    let mut cfg = store
        .repo()
        .config()?
        .open_level(git2::ConfigLevel::Local)?;
    cfg.set_str("user.name", &member.name)?;
    cfg.set_str("user.email", &member.email)?;
    cfg.set_str("gpg.format", "ssh")?;
    cfg.set_str(
        "user.signingkey",
        &keys.join(&member.id).display().to_string(),
    )?;
    cfg.set_str(
        "gpg.ssh.allowedSignersFile",
        &allowed_signers.display().to_string(),
    )?;
    cfg.set_bool("commit.gpgsign", true)?;
    Ok(())
}

/// Builds the demo up to `opts.until`, configured to act as `opts.member`.
pub fn build_with(
    dir: &Path,
    lang: Lang,
    opts: &DemoOptions,
    mut progress: impl FnMut(usize, usize),
) -> Result<Demo, DemoError> {
    refuse_non_empty(dir)?;
    let Sample {
        campaign,
        units,
        mut members,
        mut history,
    } = sample()?;
    let me = pick_member(&members, opts)?;
    if let Some(until) = opts.until {
        let first = at_nine(&campaign);
        if until < first {
            return Err(DemoError::TooEarly {
                until: until.to_rfc3339(),
                first: first.to_rfc3339(),
            });
        }
    }
    let scripted = history.len();
    if let Some(until) = opts.until {
        history.retain(|step| step.at <= until);
    }
    let left = scripted - history.len();
    let (keys, allowed_signers) = make_keys(dir, &campaign, &mut members)?;
    let chair = members
        .iter()
        .find(|m| m.has_role(Role::Chair))
        .cloned()
        .ok_or(DemoError::NoChair)?;

    let member = members
        .iter()
        .find(|m| m.id == me)
        .cloned()
        .ok_or(DemoError::NoChair)?;

    let repo = Store::init(dir, false)?;
    configure(&repo, &member, &keys, &allowed_signers)?;
    // Issue 18 (P11): the script is played on the repository without its
    // work tree (each action still checked by the rules, signed and verified,
    // the snapshot brought forward in memory); the work tree and index are
    // checked out once at the end.
    let store = Store::open_without_worktree(&repo.git_dir())?;
    let mut signers = std::collections::BTreeMap::new();
    for m in &members {
        signers.insert(m.id.clone(), member_signer(&keys, m)?);
    }
    let total = history.len() + 1;
    let mut snapshot = None;
    let setup = Action::Setup {
        campaign: campaign.clone(),
        members: members.clone(),
        units,
    };
    let sign_with = |id: &str| {
        let s = signers.get(id);
        let id = id.to_string();
        move |buf: &[u8]| match s {
            Some(s) => s.sign(buf),
            None => Err(crate::sign::SignError::Refused(format!(
                "no key for member {id:?}"
            ))),
        }
    };
    let chair_sign = sign_with(&chair.id);
    let mut play = |store: &Store| -> Result<(), DemoError> {
        act::perform(
            store,
            &mut snapshot,
            &Request {
                actor: &chair.id,
                action: &setup,
                when: at_nine(&campaign),
                lang,
            },
            Some(&chair_sign),
        )
        .map_err(Box::new)?;
        progress(1, total);
        for (i, step) in history.iter().enumerate() {
            let sign = sign_with(&step.actor);
            act::perform(
                store,
                &mut snapshot,
                &Request {
                    actor: &step.actor,
                    action: &step.action,
                    when: step.at,
                    lang,
                },
                Some(&sign),
            )
            .map_err(|source| DemoError::Step {
                step: i + 1,
                at: step.at.to_rfc3339(),
                actor: step.actor.clone(),
                action: step.action.kind().as_str(),
                source: Box::new(source),
            })?;
            progress(i + 2, total);
        }
        Ok(())
    };
    if opts.loose_objects {
        play(&store)?;
        // One pack instead of thousands of loose objects, as `git gc` would.
        store.pack_history()?;
    } else {
        // Issue 18 (P11): every object in memory while the script plays,
        // written as one pack at the end: no object file is opened or looked
        // for per commit, and every later read (the audit, the list, git
        // itself) opens one pack.
        store.with_objects_in_memory(play)?;
    }
    repo.check_out_head()?;
    Ok(Demo {
        repo: dir.to_path_buf(),
        keys,
        allowed_signers,
        chair,
        commits: total,
        member,
        left,
        members,
    })
}
