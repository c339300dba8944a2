//! `pingxuan hook install <repo> [--genesis COMMIT]`: puts the pre-receive hook
//! into a server repository (a plain bare repository, or one that gitolite
//! serves) and pins the campaign's genesis.
//!
//! The hook is a two-line shell script that runs `pingxuan hook pre-receive`
//! with the absolute path of the binary, so it does not depend on the `PATH`
//! of whatever runs git on the server (sshd, gitolite-shell, a web server).
//! It goes where git looks for hooks: `core.hooksPath` when the repository
//! sets it, else `hooks/` of the git directory. A pre-receive hook that is
//! not ours is never overwritten without `--force`.
//!
//! Contract with the hook itself: the pinned genesis lives in the server
//! repository's own git config under [`GENESIS_KEY`] (`pingxuan.genesis`), a
//! full hex commit id; `hook pre-receive` refuses a push whose chain has any
//! other root. Without `--genesis`, the root of the branches already there is
//! pinned (when there is exactly one); an empty repository gets no pin until
//! one is given.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};
use serde::Serialize;

/// The server repository's git config key holding the pinned genesis commit.
pub const GENESIS_KEY: &str = "pingxuan.genesis";

/// The line that marks a hook script as written by [`install`].
pub const MARKER: &str = "# pingxuan pre-receive hook";

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("{path} is not a git repository: {reason}")]
    NotARepository { path: String, reason: String },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already holds a pre-receive hook that pingxuan did not write; move it aside (or chain it yourself) and run again, or pass --force to replace it")]
    ForeignHook { path: String },
    #[error("--genesis {given:?}: {reason}")]
    BadGenesis { given: String, reason: String },
    #[error("the branches here have several root commits ({roots}); say which one is the campaign's genesis with --genesis")]
    SeveralRoots { roots: String },
    #[error("{GENESIS_KEY} is already pinned to {pinned}, not {wanted}; changing a campaign's genesis refuses its whole history: pass --force if that is really meant")]
    GenesisChanged { pinned: String, wanted: String },
    #[error("the hook program {path} does not exist or cannot be run; pass --program with the path of pingxuan on the server")]
    NoProgram { path: String },
}

/// How to install.
#[derive(Debug, Clone)]
pub struct InstallOptions {
    /// The commit to pin, as given (a full id, or a revision the repository resolves).
    pub genesis: Option<String>,
    /// The pingxuan binary the hook runs.
    pub program: PathBuf,
    /// `--lang` for the hook's messages (what a refused clerk reads).
    pub lang: crate::i18n::Lang,
    /// Replace a foreign hook, or re-pin a different genesis.
    pub force: bool,
}

/// Where the pinned genesis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GenesisSource {
    /// `--genesis`.
    Given,
    /// The one root of the branches already in the repository.
    ExistingBranch,
    /// Already in the config, left as it was.
    AlreadyPinned,
    /// Empty repository and nothing given: no pin yet.
    None,
}

/// What [`install`] did.
#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub hook: PathBuf,
    /// A hook was there before (ours, or foreign with `--force`).
    pub replaced: bool,
    pub genesis: Option<String>,
    pub genesis_source: GenesisSource,
}

/// The text of the hook script.
pub fn hook_script(program: &Path, lang: crate::i18n::Lang) -> String {
    let lang = match lang {
        crate::i18n::Lang::Zh | crate::i18n::Lang::ZhHans => "zh",
        crate::i18n::Lang::En => "en",
    };
    format!(
        "#!/bin/sh\n{MARKER} (written by `pingxuan hook install`; run it again to update).\n\
         # Audits every pushed commit against the campaign's rules and refuses the push on a\n\
         # violation; the campaign's genesis is pinned in this repository's config ({GENESIS_KEY}).\n\
         exec {} --lang {lang} hook pre-receive\n",
        shell_quote(&program.to_string_lossy())
    )
}

/// `s` as one word for `/bin/sh`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The hooks folder git uses for `repo`: `core.hooksPath` (relative to the
/// repository: the git dir of a bare one, the work tree otherwise), else `hooks/`.
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, InstallError> {
    let config = repo.config()?;
    match config.get_path("core.hooksPath") {
        Ok(p) if p.is_absolute() => Ok(p),
        Ok(p) => Ok(repo.workdir().unwrap_or_else(|| repo.path()).join(p)),
        Err(_) => Ok(repo.path().join("hooks")),
    }
}

/// What sits in a repository's pre-receive slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum HookState {
    Missing,
    /// Ours; `program` is the binary it runs, `runnable` whether that exists and is executable.
    Ours {
        program: String,
        runnable: bool,
    },
    /// Some other script.
    Foreign,
}

/// Reads the pre-receive hook of `repo`.
pub fn hook_state(repo: &Repository) -> Result<(PathBuf, HookState), InstallError> {
    let path = hooks_dir(repo)?.join("pre-receive");
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((path, HookState::Missing))
        }
        Err(source) => {
            return Err(InstallError::Io {
                path: path.display().to_string(),
                source,
            })
        }
    };
    if !text.contains(MARKER) {
        return Ok((path, HookState::Foreign));
    }
    let program = text
        .lines()
        .find_map(|l| l.strip_prefix("exec "))
        .map(|rest| unquote_first(rest.trim()))
        .unwrap_or_default();
    let runnable = is_executable(Path::new(&program)) && is_executable(&path);
    Ok((path, HookState::Ours { program, runnable }))
}

/// The first word of a line written by [`hook_script`].
fn unquote_first(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '\\' if !quoted => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            ' ' if !quoted => break,
            c => out.push(c),
        }
    }
    out
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The root commits of every branch in `repo`, oldest first.
pub fn branch_roots(repo: &Repository) -> Result<Vec<Oid>, InstallError> {
    let mut walk = repo.revwalk()?;
    let mut any = false;
    for r in repo.references_glob("refs/heads/*")? {
        let r = r?;
        if let Ok(c) = r.peel_to_commit() {
            walk.push(c.id())?;
            any = true;
        }
    }
    if !any {
        return Ok(Vec::new());
    }
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let mut roots = Vec::new();
    for id in walk {
        let id = id?;
        if repo.find_commit(id)?.parent_count() == 0 {
            roots.push(id);
        }
    }
    Ok(roots)
}

/// The genesis pinned in `repo`'s config, if any.
pub fn pinned_genesis(repo: &Repository) -> Result<Option<String>, InstallError> {
    let config = repo.config()?;
    match config.get_string(GENESIS_KEY) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn is_full_hex(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit `--genesis` names, checked against what the repository holds.
fn resolve_genesis(repo: &Repository, given: &str, roots: &[Oid]) -> Result<String, InstallError> {
    let bad = |reason: String| InstallError::BadGenesis {
        given: given.to_string(),
        reason,
    };
    let id = match repo.revparse_single(given) {
        Ok(obj) => {
            let commit = obj
                .peel_to_commit()
                .map_err(|_| bad("names no commit".into()))?;
            if commit.parent_count() != 0 {
                return Err(bad(format!(
                    "commit {} has a parent; the genesis is the campaign's first commit (`git rev-list --max-parents=0 HEAD`)",
                    commit.id()
                )));
            }
            commit.id().to_string()
        }
        // Not here yet (an empty server repository): only a full id will do.
        Err(_) if is_full_hex(given) => given.to_ascii_lowercase(),
        Err(_) => {
            return Err(bad(
                "not a commit of this repository; give the full 40-character id of the campaign's first commit".into(),
            ))
        }
    };
    if !roots.is_empty() && !roots.iter().any(|r| r.to_string() == id) {
        let list: Vec<String> = roots.iter().map(|r| r.to_string()).collect();
        return Err(bad(format!(
            "the branches here start at {}; pinning another genesis would refuse every push on them",
            list.join(", ")
        )));
    }
    Ok(id)
}

/// Writes the hook and pins the genesis. Nothing is changed when a check fails.
pub fn install(repo_path: &Path, opts: &InstallOptions) -> Result<Installed, InstallError> {
    let repo = Repository::open(repo_path).map_err(|e| InstallError::NotARepository {
        path: repo_path.display().to_string(),
        reason: e.message().to_string(),
    })?;
    if !is_executable(&opts.program) {
        return Err(InstallError::NoProgram {
            path: opts.program.display().to_string(),
        });
    }
    // Every check before anything is written.
    let roots = branch_roots(&repo)?;
    let pinned = pinned_genesis(&repo)?;
    let (genesis, source) = match &opts.genesis {
        Some(g) => (
            Some(resolve_genesis(&repo, g, &roots)?),
            GenesisSource::Given,
        ),
        None => match (&pinned, roots.as_slice()) {
            (Some(p), _) => (Some(p.clone()), GenesisSource::AlreadyPinned),
            (None, []) => (None, GenesisSource::None),
            (None, [one]) => (Some(one.to_string()), GenesisSource::ExistingBranch),
            (None, many) => {
                let list: Vec<String> = many.iter().map(|r| r.to_string()).collect();
                return Err(InstallError::SeveralRoots {
                    roots: list.join(", "),
                });
            }
        },
    };
    if let (Some(p), Some(g)) = (&pinned, &genesis) {
        if !p.eq_ignore_ascii_case(g) && !opts.force {
            return Err(InstallError::GenesisChanged {
                pinned: p.clone(),
                wanted: g.clone(),
            });
        }
    }
    let (hook, state) = hook_state(&repo)?;
    if state == HookState::Foreign && !opts.force {
        return Err(InstallError::ForeignHook {
            path: hook.display().to_string(),
        });
    }
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| InstallError::Io { path, source }
    };
    let dir = hook.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // Write beside, then rename: git never runs a half-written hook.
    let tmp = dir.join(".pre-receive.pingxuan-tmp");
    std::fs::write(&tmp, hook_script(&opts.program, opts.lang)).map_err(io(&tmp))?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).map_err(io(&tmp))?;
    }
    std::fs::rename(&tmp, &hook).map_err(io(&hook))?;
    if let Some(g) = &genesis {
        let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str(GENESIS_KEY, g)?;
    }
    Ok(Installed {
        hook,
        replaced: state != HookState::Missing,
        genesis,
        genesis_source: source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_runs_the_program_quoted_and_is_recognised() {
        let s = hook_script(Path::new("/opt/it's here/pingxuan"), crate::i18n::Lang::En);
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains(MARKER));
        assert!(s.contains("exec '/opt/it'\\''s here/pingxuan' --lang en hook pre-receive"));
        let exec = s
            .lines()
            .find_map(|l| l.strip_prefix("exec "))
            .expect("exec line");
        assert_eq!(unquote_first(exec), "/opt/it's here/pingxuan");
    }

    #[test]
    fn full_ids_only_when_absent() {
        assert!(is_full_hex(&"a".repeat(40)));
        assert!(is_full_hex(&"A".repeat(64)));
        assert!(!is_full_hex("abc123"));
        assert!(!is_full_hex(&"g".repeat(40)));
    }
}
