//! A scripted build of many commits with its objects kept in memory (issue
//! 18, P11): each blob, tree and commit written by the build goes into an
//! in-memory object database (libgit2's mempack) instead of a loose file,
//! and at the end they are written to disk as one pack, with its index, as
//! `git gc` would. No object file is opened or looked for on disk per commit,
//! and no lock or ref file is written per commit either: the build holds the
//! write lock from start to end, moves its branch in memory (compare-and-swap
//! as on disk) and writes it once, after the pack.

use std::io::Write;
use std::sync::atomic::Ordering;

use super::{Store, StoreError};

impl Store {
    /// Runs `build` with every object this handle writes kept in memory, then
    /// writes them all into one pack under `objects/pack` (also when `build`
    /// fails, so the refs it moved never name a missing object). Objects
    /// already in the repository stay readable. Meant for a handle that only
    /// the build uses (the demo); other handles see the objects once the pack
    /// is written. While in memory, [`Store::carry_forward`] cannot fall back
    /// to a reload and reports an error instead.
    pub fn with_objects_in_memory<T, E: From<StoreError>>(
        &self,
        build: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let disk = self.repo.odb().map_err(StoreError::from)?;
        let memory = git2::Odb::new().map_err(StoreError::from)?;
        let pack = memory
            .add_new_mempack_backend(1000)
            .map_err(StoreError::from)?;
        // An empty repository has nothing to read from disk: then no lookup
        // goes to disk at all (a miss in a disk backend rescans the pack folder).
        if self.head()?.is_some() {
            let objects = self.repo.path().join("objects");
            memory
                .add_disk_alternate(&objects.to_string_lossy())
                .map_err(StoreError::from)?;
        }
        for dir in &self.alternates {
            memory
                .add_disk_alternate(&dir.to_string_lossy())
                .map_err(StoreError::from)?;
        }
        // One write lock for the whole build; the branch moves in memory.
        let lock = self.lock()?;
        let start = self.head()?;
        self.repo.set_odb(&memory).map_err(StoreError::from)?;
        self.objects_in_memory.store(true, Ordering::Relaxed);
        *self.build_head.lock().unwrap_or_else(|e| e.into_inner()) = Some(start);
        let result = build(self);
        let end = self
            .build_head
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .flatten();
        self.objects_in_memory.store(false, Ordering::Relaxed);
        // Dump through this handle (whose object database holds the pack),
        // then give the handle its disk database back before anything else.
        let mut buf = git2::Buf::new();
        let dumped = pack.dump(&self.repo, &mut buf);
        let restored = self.repo.set_odb(&disk);
        // The branch is moved only once its objects are on disk.
        let written = dumped
            .and(restored)
            .map_err(StoreError::from)
            .and_then(|()| write_pack(&disk, &buf))
            .and_then(|_| self.move_branch_once(start, end));
        drop(lock);
        match (result, written) {
            (Ok(t), Ok(_)) => Ok(t),
            (Ok(_), Err(e)) => Err(e.into()),
            (Err(e), _) => Err(e),
        }
    }
}

impl Store {
    /// Inside a build: the branch tip it has moved to (`Some(None)`: unborn).
    pub(super) fn building(&self) -> Option<Option<git2::Oid>> {
        *self.build_head.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Inside a build: the branch moves from `parent` to `commit`, by
    /// compare-and-swap as on disk.
    pub(super) fn build_moved(
        &self,
        parent: Option<git2::Oid>,
        commit: git2::Oid,
    ) -> Result<(), StoreError> {
        let mut head = self.build_head.lock().unwrap_or_else(|e| e.into_inner());
        match *head {
            Some(h) if h == parent => {
                *head = Some(Some(commit));
                Ok(())
            }
            _ => Err(StoreError::Conflict),
        }
    }

    /// Moves the current branch from `from` to `to` in one step (one reflog
    /// entry for the whole build).
    fn move_branch_once(
        &self,
        from: Option<git2::Oid>,
        to: Option<git2::Oid>,
    ) -> Result<(), StoreError> {
        let Some(to) = to.filter(|t| Some(*t) != from) else {
            return Ok(());
        };
        let head = self.repo.find_reference("HEAD")?;
        let branch = head
            .symbolic_target()?
            .ok_or(StoreError::Detached)?
            .to_string();
        let log = "pingxuan: scripted build";
        match from {
            Some(f) => self.repo.reference_matching(&branch, to, true, f, log)?,
            None => self.repo.reference(&branch, to, false, log)?,
        };
        Ok(())
    }
}

/// Writes a pack (with its index) into `odb`'s pack folder; returns how many
/// objects it holds. An empty pack is not written.
fn write_pack(odb: &git2::Odb, pack: &[u8]) -> Result<u32, StoreError> {
    let count = pack
        .get(8..12)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes);
    if count == 0 {
        return Ok(0);
    }
    let mut writer = odb.packwriter()?;
    writer.write_all(pack).map_err(|source| StoreError::Io {
        path: "objects/pack".into(),
        source,
    })?;
    writer.commit()?;
    odb.refresh()?;
    Ok(count)
}
