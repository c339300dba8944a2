//! The git-backed campaign repository: load a typed snapshot from a tree, write
//! each action as exactly one commit. Everything git lives here and in `sign/`.

pub mod cache;
pub mod codec;
mod forward;
pub mod framing;
mod git_index;
pub mod layout;
mod load;
pub mod lock;
mod memory;
mod objects;
mod pack;
mod plain_ron;
pub mod plan;
pub mod reconstruct;
mod write;

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use crate::model::{BadId, Problem, Snapshot};

pub use load::MAX_FILE_BYTES;
pub use objects::Reader;
pub use plan::FileChange;
pub use write::{CommitMeta, NewCommit, SignFn, PAUSE_AFTER_MOVE};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("{path} is not a campaign repository: {reason}")]
    NotACampaign { path: String, reason: String },
    #[error("{0}")]
    Invalid(Problem),
    #[error(transparent)]
    BadId(#[from] BadId),
    #[error("the branch moved while this action was being written (another writer); nothing was written")]
    Conflict,
    #[error("another pingxuan is writing to this repository (lock {path}); if none is running, remove that file")]
    Locked { path: String },
    #[error("HEAD is detached; check out a branch before acting")]
    Detached,
    #[error("{path} has uncommitted changes in the work tree or index; commit or stash them first (nothing was written)")]
    Dirty { path: String },
    #[error("signing failed: {0}")]
    Sign(crate::sign::SignError),
    #[error("cannot write RON for {path}: {message}")]
    Encode { path: String, message: String },
    #[error("no nomination {0:?}")]
    UnknownRecord(String),
    #[error("no objection {objection:?} on nomination {nomination:?}")]
    UnknownObjection {
        nomination: String,
        objection: String,
    },
    #[error("{0} already exists")]
    Exists(String),
    #[error("{0} does not exist")]
    Missing(String),
    #[error("campaign.ron has format {found}; this build writes format {supported} only (run `pingxuan migrate` with a newer build)")]
    NewerFormat { found: u32, supported: u32 },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// An open campaign repository (bare or with a work tree).
pub struct Store {
    repo: Repository,
    /// Object folders added on top of the repository's own (a pre-receive
    /// quarantine); parallel readers open their own handles and need them too.
    alternates: Vec<PathBuf>,
    /// Inside [`Store::with_objects_in_memory`]: objects are in this
    /// handle's memory only, where other handles cannot read them.
    objects_in_memory: std::sync::atomic::AtomicBool,
    /// Inside [`Store::with_objects_in_memory`]: the branch tip, moved in
    /// memory per commit and written once at the end (`Some(None)`: unborn).
    build_head: std::sync::Mutex<Option<Option<Oid>>>,
}

impl Store {
    /// Opens the repository at `path` (or the one containing it).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let repo = Repository::discover(path).map_err(|e| StoreError::NotACampaign {
            path: path.display().to_string(),
            reason: e.message().to_string(),
        })?;
        Ok(Store {
            repo,
            alternates: Vec::new(),
            objects_in_memory: Default::default(),
            build_head: Default::default(),
        })
    }

    /// Creates an empty repository at `path`, bare or not; the branch is `main`.
    pub fn init(path: &Path, bare: bool) -> Result<Store, StoreError> {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.bare(bare).initial_head("main").mkpath(true);
        let repo = Repository::init_opts(path, &opts)?;
        Ok(Store {
            repo,
            alternates: Vec::new(),
            objects_in_memory: Default::default(),
            build_head: Default::default(),
        })
    }

    /// The repository at `git_dir` opened without its work tree, for a
    /// scripted build of many commits (the demo, issue 18 P11): commits move
    /// the branch with no index or work-tree update per commit; call
    /// [`Store::check_out_head`] on the ordinary handle once at the end.
    pub fn open_without_worktree(git_dir: &Path) -> Result<Store, StoreError> {
        let repo = Repository::open_ext(
            git_dir,
            git2::RepositoryOpenFlags::NO_SEARCH | git2::RepositoryOpenFlags::BARE,
            std::iter::empty::<&std::ffi::OsStr>(),
        )?;
        Ok(Store {
            repo,
            alternates: Vec::new(),
            objects_in_memory: Default::default(),
            build_head: Default::default(),
        })
    }

    /// Brings the index and work tree to HEAD's tree, replacing what they
    /// hold: for a repository just built through
    /// [`Store::open_without_worktree`], whose work tree no one has edited.
    pub fn check_out_head(&self) -> Result<(), StoreError> {
        if self.repo.workdir().is_none() {
            return Ok(());
        }
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force();
        self.repo.checkout_head(Some(&mut opts))?;
        Ok(())
    }

    /// Reads objects from `dir` too (e.g. the quarantine of a push being received).
    pub fn add_object_dir(&mut self, dir: &Path) -> Result<(), StoreError> {
        self.repo
            .odb()?
            .add_disk_alternate(&dir.to_string_lossy())?;
        self.alternates.push(dir.to_path_buf());
        Ok(())
    }

    /// The repository handle, for the git layers of this crate only
    /// (`store`, `history`, `sync`, `act`, `deploy`).
    pub(crate) fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The work tree, `None` for a bare repository.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(Path::to_path_buf)
    }

    /// The repository's git directory.
    pub fn git_dir(&self) -> PathBuf {
        self.repo.path().to_path_buf()
    }

    /// Takes the write lock of this repository (see [`lock`]).
    pub fn lock(&self) -> Result<lock::WriteLock, StoreError> {
        if self.building().is_some() {
            // The build holds the lock from start to end.
            return Ok(lock::WriteLock::held_by_build());
        }
        let lock = lock::acquire(self.repo.path())?;
        // A writer killed between moving the branch and updating the work
        // tree left a journal: finish its update first.
        self.finish_interrupted_sync()?;
        Ok(lock)
    }

    /// The commit HEAD points at; `None` on an unborn branch.
    pub fn head(&self) -> Result<Option<Oid>, StoreError> {
        if let Some(head) = self.building() {
            return Ok(head);
        }
        match self.repo.head() {
            Ok(r) => Ok(r.target()),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The snapshot at HEAD.
    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        match self.head()? {
            Some(oid) => self.snapshot_at(oid),
            None => Err(StoreError::NotACampaign {
                path: self.git_dir().display().to_string(),
                reason: "no commits yet (run `pingxuan init` or `pingxuan demo`)".into(),
            }),
        }
    }

    /// The snapshot at a given commit, using and updating the snapshot cache.
    pub fn snapshot_at(&self, commit: Oid) -> Result<Snapshot, StoreError> {
        let commit = self.repo.find_commit(commit)?;
        let tree = commit.tree()?;
        let cache = cache::path(self.repo.path());
        load::load_tree(
            &self.repo,
            &self.alternates,
            &tree,
            Some(commit.id().to_string()),
            Some(&cache),
            Reader::default(),
        )
    }

    /// The snapshot at a commit, parsed from scratch (no cache read or written).
    pub fn snapshot_cold(&self, commit: Oid) -> Result<Snapshot, StoreError> {
        self.snapshot_cold_with(commit, Reader::default())
    }

    /// [`Store::snapshot_cold`] with the records read through `reader` (to
    /// compare the readers and to measure them; the snapshots are equal).
    pub fn snapshot_cold_with(&self, commit: Oid, reader: Reader) -> Result<Snapshot, StoreError> {
        let commit = self.repo.find_commit(commit)?;
        let tree = commit.tree()?;
        load::load_tree(
            &self.repo,
            &self.alternates,
            &tree,
            Some(commit.id().to_string()),
            None,
            reader,
        )
    }

    /// Brings `snapshot` up to `commit`, re-reading only shards and records
    /// whose tree ids changed; a change of a top-level file reloads everything.
    pub fn refresh(&self, snapshot: &mut Snapshot, commit: Oid) -> Result<(), StoreError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        if load::refresh_tree(&self.repo, &tree, snapshot) {
            snapshot.commit = Some(commit.to_string());
        } else {
            *snapshot = self.snapshot_at(commit)?;
        }
        Ok(())
    }

    /// Deletes the snapshot cache (`pingxuan reindex`, with the history
    /// index, through `act::history::reindex`).
    pub fn remove_cache(&self) -> Result<(), StoreError> {
        cache::remove(self.repo.path()).map_err(|source| StoreError::Io {
            path: cache::path(self.repo.path()).display().to_string(),
            source,
        })
    }
}
