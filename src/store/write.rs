//! One action, one commit: a tree built from the parent with `TreeUpdateBuilder`,
//! an optional signature, a compare-and-swap move of the branch, then the work
//! tree and index brought to match — never overwriting a user's own edit.

use std::path::Path;

use git2::{build::TreeUpdateBuilder, FileMode, ObjectType, Oid, Signature, Time};

use super::plan::FileChange;
use super::{Store, StoreError};

/// Signs a commit buffer, returning the armored signature.
pub type SignFn<'a> = &'a dyn Fn(&[u8]) -> Result<String, String>;

/// Who makes the commit, when, and what its message says.
pub struct CommitMeta {
    pub name: String,
    pub email: String,
    pub when: chrono::DateTime<chrono::FixedOffset>,
    /// The first line, in the interface language.
    pub summary: String,
    /// `Pingxuan-*` trailers, in order.
    pub trailers: Vec<(String, String)>,
}

impl CommitMeta {
    pub fn message(&self) -> String {
        let mut msg = format!("{}\n\n", self.summary.trim());
        for (k, v) in &self.trailers {
            msg.push_str(&format!("{k}: {v}\n"));
        }
        msg
    }

    fn signature(&self) -> Result<Signature<'static>, git2::Error> {
        let offset = self.when.offset().local_minus_utc() / 60;
        Signature::new(
            &self.name,
            &self.email,
            &Time::new(self.when.timestamp(), offset),
        )
    }
}

fn is_race(e: &git2::Error) -> bool {
    matches!(
        e.code(),
        git2::ErrorCode::Modified | git2::ErrorCode::Exists | git2::ErrorCode::Locked
    )
}

impl Store {
    /// The branch HEAD names (`refs/heads/main`), refusing a detached HEAD.
    fn branch(&self) -> Result<String, StoreError> {
        let head = self.repo.find_reference("HEAD")?;
        match head.symbolic_target()? {
            Some(name) => Ok(name.to_string()),
            None => Err(StoreError::Detached),
        }
    }

    /// Writes `changes` as one commit on top of `parent` (which must still be the
    /// branch tip), signed by `sign` when given. Returns the new commit.
    pub fn commit_changes(
        &self,
        parent: Option<Oid>,
        changes: &[FileChange],
        meta: &CommitMeta,
        sign: Option<SignFn>,
    ) -> Result<Oid, StoreError> {
        let repo = &self.repo;
        let branch = self.branch()?;
        // A file the loader would refuse unread must never be committed.
        for change in changes {
            let size = change.content.as_ref().map_or(0, String::len);
            if size > super::load::MAX_FILE_BYTES {
                return Err(StoreError::Invalid(crate::model::Problem {
                    path: change.path.clone(),
                    line: None,
                    column: None,
                    field: None,
                    message: format!(
                        "would be {size} bytes; records are limited to {}",
                        super::load::MAX_FILE_BYTES
                    ),
                }));
            }
        }
        let parent_commit = parent.map(|p| repo.find_commit(p)).transpose()?;
        let tree = match &parent_commit {
            Some(c) => {
                let base_tree = c.tree()?;
                self.check_clean(Some(&base_tree), changes)?;
                let mut update = TreeUpdateBuilder::new();
                for change in changes {
                    match &change.content {
                        Some(text) => {
                            let blob = repo.blob(text.as_bytes())?;
                            update.upsert(&change.path, blob, FileMode::Blob);
                        }
                        None => {
                            update.remove(&change.path);
                        }
                    }
                }
                repo.find_tree(update.create_updated(repo, &base_tree)?)?
            }
            None => {
                // The first commit: no baseline, so build the tree from an
                // in-memory index (writing an empty baseline would leave a
                // dangling tree for `git fsck` to report).
                self.check_clean(None, changes)?;
                let mut index = git2::Index::new()?;
                for change in changes {
                    if let Some(text) = &change.content {
                        let id = repo.blob(text.as_bytes())?;
                        index.add(&index_entry(&change.path, id, text.len()))?;
                    }
                }
                repo.find_tree(index.write_tree_to(repo)?)?
            }
        };
        let sig = meta.signature()?;
        let parents: Vec<&git2::Commit> = parent_commit.iter().collect();
        let message = meta.message();
        let oid = match sign {
            Some(sign) => {
                let buffer = repo.commit_create_buffer(&sig, &sig, &message, &tree, &parents)?;
                let signature = sign(&buffer).map_err(StoreError::Sign)?;
                let text = std::str::from_utf8(&buffer)
                    .map_err(|e| StoreError::Sign(format!("commit buffer is not UTF-8: {e}")))?;
                repo.commit_signed(text, &signature, None)?
            }
            None => repo.commit(None, &sig, &sig, &message, &tree, &parents)?,
        };

        let log = format!("pingxuan: {}", meta.summary);
        let moved = match parent {
            Some(p) => repo.reference_matching(&branch, oid, true, p, &log),
            None => repo.reference(&branch, oid, false, &log),
        };
        match moved {
            Ok(_) => {}
            Err(e) if is_race(&e) => return Err(StoreError::Conflict),
            Err(e) => return Err(e.into()),
        }
        self.sync_workdir(changes)?;
        Ok(oid)
    }

    /// Refuses when a path we are about to write has an uncommitted edit, in
    /// the index or the work tree, that differs from the parent's version.
    fn check_clean(
        &self,
        base: Option<&git2::Tree>,
        changes: &[FileChange],
    ) -> Result<(), StoreError> {
        let Some(workdir) = self.repo.workdir() else {
            return Ok(());
        };
        let mut index = self.repo.index()?;
        index.read(false)?;
        for change in changes {
            let dirty = || StoreError::Dirty {
                path: change.path.clone(),
            };
            let base_id = base
                .and_then(|b| b.get_path(Path::new(&change.path)).ok())
                .filter(|e| e.kind() == Some(ObjectType::Blob))
                .map(|e| e.id());
            let index_id = index.get_path(Path::new(&change.path), 0).map(|e| e.id);
            if index_id.is_some() && index_id != base_id {
                return Err(dirty());
            }
            let file = workdir.join(&change.path);
            match std::fs::symlink_metadata(&file) {
                Ok(meta) if meta.is_file() => {
                    let bytes = std::fs::read(&file).map_err(|source| StoreError::Io {
                        path: file.display().to_string(),
                        source,
                    })?;
                    let same_as_base = base_id.is_some_and(|b| {
                        Oid::hash_object(ObjectType::Blob, &bytes).ok() == Some(b)
                    });
                    let same_as_new =
                        change.content.as_deref().map(str::as_bytes) == Some(bytes.as_slice());
                    if !same_as_base && !same_as_new {
                        return Err(dirty());
                    }
                }
                Ok(_) => return Err(dirty()),
                Err(_) => {}
            }
        }
        Ok(())
    }

    /// Writes the committed content to the work tree and stages it, so that
    /// `git status` stays clean after an action.
    fn sync_workdir(&self, changes: &[FileChange]) -> Result<(), StoreError> {
        let Some(workdir) = self.repo.workdir() else {
            return Ok(());
        };
        let io = |path: &Path, source| StoreError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut index = self.repo.index()?;
        // Another process may have staged since we opened the repository.
        index.read(false)?;
        for change in changes {
            let file = workdir.join(&change.path);
            match &change.content {
                Some(text) => {
                    if let Some(dir) = file.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                    }
                    write_atomically(&file, text.as_bytes()).map_err(|e| io(&file, e))?;
                    index.add_path(Path::new(&change.path))?;
                }
                None => {
                    match std::fs::remove_file(&file) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io(&file, e)),
                    }
                    index.remove_path(Path::new(&change.path))?;
                }
            }
        }
        index.write()?;
        Ok(())
    }
}

fn index_entry(path: &str, id: Oid, size: usize) -> git2::IndexEntry {
    let zero = git2::IndexTime::new(0, 0);
    git2::IndexEntry {
        ctime: zero,
        mtime: zero,
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(size).unwrap_or(u32::MAX),
        id,
        flags: u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// Write to a temp file beside the target, then rename: a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
