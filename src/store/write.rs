//! One action, one commit: a tree built from the parent with `TreeUpdateBuilder`,
//! an optional signature, a compare-and-swap move of the branch, then the work
//! tree and index brought to match — never overwriting a user's own edit.

use std::path::Path;

use git2::{build::TreeUpdateBuilder, FileMode, ObjectType, Oid, Signature, Time};

use super::git_index::{self, IndexFile};
use super::plan::FileChange;
use super::{Store, StoreError};
use crate::sign::SignError;

/// Signs a commit buffer, returning the armored signature.
pub type SignFn<'a> = &'a dyn Fn(&[u8]) -> Result<String, SignError>;

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
        check_sizes(changes)?;
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
                let text = std::str::from_utf8(&buffer).map_err(|e| {
                    StoreError::Sign(SignError::Refused(format!(
                        "commit buffer is not UTF-8: {e}"
                    )))
                })?;
                repo.commit_signed(text, &signature, None)?
            }
            None => repo.commit(None, &sig, &sig, &message, &tree, &parents)?,
        };

        if self.building().is_some() {
            // A build in memory moves its branch once, at the end.
            self.build_moved(parent, oid)?;
            self.sync_workdir(changes)?;
            return Ok(oid);
        }
        let log = format!("pingxuan: {}", meta.summary);
        // From here until the work tree matches, a kill leaves a journal for
        // the next writer (see `finish_interrupted_sync`).
        let journal = self.repo.path().join(SYNC_JOURNAL);
        if repo.workdir().is_some() {
            std::fs::write(&journal, format!("{oid}\n")).map_err(|source| StoreError::Io {
                path: journal.display().to_string(),
                source,
            })?;
        }
        let moved = match parent {
            Some(p) => repo.reference_matching(&branch, oid, true, p, &log),
            None => repo.reference(&branch, oid, false, &log),
        };
        if let Err(e) = moved {
            let _ = std::fs::remove_file(&journal);
            return Err(if is_race(&e) {
                StoreError::Conflict
            } else {
                e.into()
            });
        }
        self.sync_workdir(changes)?;
        let _ = std::fs::remove_file(&journal);
        Ok(oid)
    }

    /// Finishes the work-tree update of a pingxuan process killed after it
    /// moved the branch: each path the journal's commit changed is brought to
    /// the committed version where the index and work tree still hold the
    /// parent's version (or already the new one). A path with any other
    /// content is a user's edit and is left alone. Call under the write lock.
    pub(super) fn finish_interrupted_sync(&self) -> Result<(), StoreError> {
        let journal = self.repo.path().join(SYNC_JOURNAL);
        let Ok(text) = std::fs::read_to_string(&journal) else {
            return Ok(());
        };
        let result = self.resync(&text);
        let _ = std::fs::remove_file(&journal);
        result
    }

    /// `journal`: the commit the branch was moved to, and on a second line
    /// (a sync's move over several commits) the commit whose tree the work
    /// tree held before; without it, the commit's parent.
    fn resync(&self, journal: &str) -> Result<(), StoreError> {
        let repo = &self.repo;
        let mut lines = journal.lines().map(str::trim);
        let commit = lines.next().unwrap_or("");
        let from = lines.next().and_then(|l| Oid::from_str(l).ok());
        let (Some(workdir), Ok(oid)) = (repo.workdir(), Oid::from_str(commit)) else {
            return Ok(());
        };
        let (Ok(commit), Some(head)) = (repo.find_commit(oid), self.head()?) else {
            return Ok(());
        };
        // Only a commit the branch took (the kill may have come before the move).
        if head != oid && !repo.graph_descendant_of(head, oid)? {
            return Ok(());
        }
        let head_tree = repo.find_commit(head)?.tree()?;
        let new_tree = commit.tree()?;
        let old_tree = match from {
            Some(f) => Some(repo.find_commit(f)?.tree()?),
            None => commit.parent(0).ok().map(|p| p.tree()).transpose()?,
        };
        let diff = repo.diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None)?;
        let mut index = repo.index()?;
        index.read(false)?;
        let mut changes = Vec::new();
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path().or(delta.old_file().path()) else {
                continue;
            };
            let Some(path_str) = path.to_str() else {
                continue;
            };
            let blob_id = |t: &git2::Tree| t.get_path(path).ok().map(|e| e.id());
            let old_id = old_tree.as_ref().and_then(blob_id);
            let new_id = blob_id(&new_tree);
            if blob_id(&head_tree) != new_id {
                continue; // changed again since: not ours to touch
            }
            let ok = |id: Option<Oid>| id == old_id || id == new_id;
            let in_index = index.get_path(path, 0).map(|e| e.id);
            let on_disk = match std::fs::read(workdir.join(path)) {
                Ok(bytes) => Oid::hash_object(ObjectType::Blob, &bytes).ok(),
                Err(_) => None,
            };
            if !ok(in_index) || !ok(on_disk) {
                continue;
            }
            let content = match new_id {
                Some(id) => match String::from_utf8(repo.find_blob(id)?.content().to_vec()) {
                    Ok(text) => Some(text),
                    Err(_) => continue,
                },
                None => None,
            };
            remove_temp_files(&workdir.join(path));
            changes.push(FileChange {
                path: path_str.to_string(),
                content,
            });
        }
        self.sync_workdir(&changes)
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
        // The index read as bytes (see `git_index`), or by libgit2 for the
        // cases that reader leaves to it.
        let fast = IndexFile::read(&self.repo.path().join("index"));
        let mut slow: Option<git2::Index> = None;
        for change in changes {
            let dirty = || StoreError::Dirty {
                path: change.path.clone(),
            };
            let base_id = base
                .and_then(|b| b.get_path(Path::new(&change.path)).ok())
                .filter(|e| e.kind() == Some(ObjectType::Blob))
                .map(|e| e.id());
            let index_id = match fast.as_ref().map(|f| f.staged(&change.path)) {
                Some(Ok(id)) => id.and_then(|b| Oid::from_bytes(&b).ok()),
                _ => {
                    let index = match &mut slow {
                        Some(index) => index,
                        None => {
                            let mut index = self.repo.index()?;
                            index.read(false)?;
                            slow.insert(index)
                        }
                    };
                    index.get_path(Path::new(&change.path), 0).map(|e| e.id)
                }
            };
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
        for change in changes {
            let file = workdir.join(&change.path);
            match &change.content {
                Some(text) => {
                    if let Some(dir) = file.parent() {
                        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                    }
                    write_atomically(&file, text.as_bytes()).map_err(|e| io(&file, e))?;
                }
                None => match std::fs::remove_file(&file) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(&file, e)),
                },
            }
        }
        if self.patch_index(workdir, changes)? {
            return Ok(());
        }
        let mut index = self.repo.index()?;
        // Another process may have staged since we opened the repository.
        index.read(false)?;
        for change in changes {
            match &change.content {
                Some(_) => index.add_path(Path::new(&change.path))?,
                None => index.remove_path(Path::new(&change.path))?,
            }
        }
        index.write()?;
        Ok(())
    }

    /// Stages `changes` (already in the work tree) by patching the index
    /// file under its lock (see `git_index`); `false` leaves it to libgit2:
    /// an index that reader does not take, or a lock another process holds
    /// (libgit2 then reports it).
    fn patch_index(&self, workdir: &Path, changes: &[FileChange]) -> Result<bool, StoreError> {
        let path = self.repo.path().join("index");
        let io = |p: &Path, source| StoreError::Io {
            path: p.display().to_string(),
            source,
        };
        let Some(lock) = git_index::lock(&path).map_err(|e| io(&path, e))? else {
            return Ok(false);
        };
        // Read under the lock: another process may have staged since.
        let Some(index) = IndexFile::read(&path) else {
            return Ok(false);
        };
        let mut edits = Vec::with_capacity(changes.len());
        for change in changes {
            let new = match &change.content {
                Some(text) => {
                    let file = workdir.join(&change.path);
                    let meta = std::fs::symlink_metadata(&file).map_err(|e| io(&file, e))?;
                    Some((git_index::blob_id(text.as_bytes()), meta))
                }
                None => None,
            };
            edits.push(git_index::Edit {
                path: &change.path,
                new,
            });
        }
        let Some(bytes) = index.patched(&edits, workdir) else {
            return Ok(false);
        };
        lock.commit(&path, &bytes).map_err(|e| io(&path, e))?;
        Ok(true)
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

/// The journal of a commit whose work-tree update is under way, in the git directory.
pub const SYNC_JOURNAL: &str = "pingxuan-sync";

const TEMP_PREFIX: &str = ".pingxuan-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes the temporary files a killed [`write_atomically`] left beside `path`.
fn remove_temp_files(path: &Path) {
    let Some(dir) = path.parent() else { return };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write to a temp file beside the target, then rename: a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A commit to write on top of `parent` without moving any branch: `sync`
/// builds each replayed action this way, judges it, and only then moves the
/// branch over all of them with [`Store::advance_branch`].
pub struct NewCommit<'a> {
    pub parent: Option<Oid>,
    pub changes: &'a [FileChange],
    /// The action's member and time (kept from the original action).
    pub author: Signature<'static>,
    /// Who re-wrote it, and when.
    pub committer: Signature<'static>,
    pub message: String,
}

/// A file the loader would refuse unread must never be committed, by an action
/// or by a replay.
fn check_sizes(changes: &[FileChange]) -> Result<(), StoreError> {
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
    Ok(())
}

/// Env var naming milliseconds to sleep right after a branch move, before the
/// work tree follows: lets the crash tests SIGKILL a sync at exactly that point.
pub const PAUSE_AFTER_MOVE: &str = "PINGXUAN_PAUSE_AFTER_BRANCH_MOVE";

impl Store {
    /// Writes `c` as a signed commit object; no ref, index or work tree changes.
    pub fn commit_object(&self, c: &NewCommit, sign: SignFn) -> Result<Oid, StoreError> {
        let repo = &self.repo;
        check_sizes(c.changes)?;
        let parent = c.parent.map(|p| repo.find_commit(p)).transpose()?;
        let base = parent.as_ref().map(|p| p.tree()).transpose()?;
        let mut update = TreeUpdateBuilder::new();
        for change in c.changes {
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
        let tree = match &base {
            Some(t) => repo.find_tree(update.create_updated(repo, t)?)?,
            None => {
                let mut index = git2::Index::new()?;
                for change in c.changes {
                    if let Some(text) = &change.content {
                        let id = repo.blob(text.as_bytes())?;
                        index.add(&index_entry(&change.path, id, text.len()))?;
                    }
                }
                repo.find_tree(index.write_tree_to(repo)?)?
            }
        };
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let buffer =
            repo.commit_create_buffer(&c.author, &c.committer, &c.message, &tree, &parents)?;
        let signature = sign(&buffer).map_err(StoreError::Sign)?;
        let text = std::str::from_utf8(&buffer).map_err(|e| {
            StoreError::Sign(SignError::Refused(format!(
                "commit buffer is not UTF-8: {e}"
            )))
        })?;
        Ok(repo.commit_signed(text, &signature, None)?)
    }

    /// The file changes from `from`'s tree (`None`: empty) to `to`'s, as text.
    pub fn changes_between(
        &self,
        from: Option<Oid>,
        to: Oid,
    ) -> Result<Vec<FileChange>, StoreError> {
        let repo = &self.repo;
        let old = from
            .map(|f| repo.find_commit(f).and_then(|c| c.tree()))
            .transpose()?;
        let new = repo.find_commit(to)?.tree()?;
        let diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
        let mut out = Vec::new();
        for d in diff.deltas() {
            let Some(path) = d.new_file().path().or(d.old_file().path()) else {
                continue;
            };
            let path = path.to_string_lossy().replace('\\', "/");
            let id = d.new_file().id();
            let content = if id.is_zero() {
                None
            } else {
                let blob = repo.find_blob(id)?;
                match std::str::from_utf8(blob.content()) {
                    Ok(text) => Some(text.to_string()),
                    Err(e) => {
                        return Err(StoreError::Invalid(crate::model::Problem {
                            path,
                            line: None,
                            column: None,
                            field: None,
                            message: format!("is not UTF-8 text: {e}"),
                        }))
                    }
                }
            };
            out.push(FileChange { path, content });
        }
        Ok(out)
    }

    /// Moves the current branch from `from` to `to` by compare-and-swap, then
    /// brings the index and work tree from `from`'s tree to `to`'s, path by
    /// path, under the crash journal (a process killed in between is finished
    /// by the next writer, see [`Store::lock`]). A user's uncommitted edit of
    /// a path about to change stops everything before the move. Call under the
    /// write lock.
    pub fn advance_branch(&self, from: Option<Oid>, to: Oid, log: &str) -> Result<(), StoreError> {
        let repo = &self.repo;
        let branch = self.branch()?;
        if self.head()? != from {
            return Err(StoreError::Conflict);
        }
        let changes = self.changes_between(from, to)?;
        let base = from
            .map(|f| repo.find_commit(f).and_then(|c| c.tree()))
            .transpose()?;
        self.check_clean(base.as_ref(), &changes)?;
        let journal = repo.path().join(SYNC_JOURNAL);
        if repo.workdir().is_some() {
            let text = match from {
                Some(f) => format!("{to}\n{f}\n"),
                None => format!("{to}\n"),
            };
            std::fs::write(&journal, text).map_err(|source| StoreError::Io {
                path: journal.display().to_string(),
                source,
            })?;
        }
        let moved = match from {
            Some(f) => repo.reference_matching(&branch, to, true, f, log),
            None => repo.reference(&branch, to, false, log),
        };
        if let Err(e) = moved {
            let _ = std::fs::remove_file(&journal);
            return Err(if is_race(&e) {
                StoreError::Conflict
            } else {
                e.into()
            });
        }
        if let Some(ms) = std::env::var(PAUSE_AFTER_MOVE)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        self.sync_workdir(&changes)?;
        let _ = std::fs::remove_file(&journal);
        Ok(())
    }

    /// Points `name` (outside `refs/heads/`) at `target`, replacing it.
    pub fn set_ref(&self, name: &str, target: Oid, log: &str) -> Result<(), StoreError> {
        self.repo.reference(name, target, true, log)?;
        Ok(())
    }

    /// Removes `name`; a missing ref is no error.
    pub fn delete_ref(&self, name: &str) -> Result<(), StoreError> {
        match self.repo.find_reference(name) {
            Ok(mut r) => Ok(r.delete()?),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
