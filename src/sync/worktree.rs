//! Bringing the work tree and index from one commit's tree to another's, path by
//! path, as `store` does after an action: only the changed files are touched and
//! a user's uncommitted edit of one of them stops everything before any change.

use std::path::Path;

use git2::{ObjectType, Oid, Repository};

use crate::history::walk::Delta;
use crate::store::StoreError;

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Refuses when a path about to change has an uncommitted edit (index or work
/// tree) that is neither the old nor the new version.
pub fn check_clean(repo: &Repository, changes: &[Delta]) -> Result<(), StoreError> {
    let Some(workdir) = repo.workdir() else {
        return Ok(());
    };
    let mut index = repo.index()?;
    index.read(false)?;
    for d in changes {
        let dirty = || StoreError::Dirty {
            path: d.path.clone(),
        };
        let index_id = index.get_path(Path::new(&d.path), 0).map(|e| e.id);
        if index_id.is_some() && index_id != d.old && index_id != d.new {
            return Err(dirty());
        }
        let file = workdir.join(&d.path);
        match std::fs::symlink_metadata(&file) {
            Ok(meta) if meta.is_file() => {
                let bytes = std::fs::read(&file).map_err(|e| io(&file, e))?;
                let id = Oid::hash_object(ObjectType::Blob, &bytes).ok();
                if id.is_none() || (id != d.old && id != d.new) {
                    return Err(dirty());
                }
            }
            Ok(_) => return Err(dirty()),
            Err(_) => {}
        }
    }
    Ok(())
}

/// Writes the new versions of `changes` to the work tree and stages them.
pub fn apply(repo: &Repository, changes: &[Delta]) -> Result<(), StoreError> {
    let Some(workdir) = repo.workdir() else {
        return Ok(());
    };
    let mut index = repo.index()?;
    index.read(false)?;
    for d in changes {
        let file = workdir.join(&d.path);
        match d.new {
            Some(id) => {
                let blob = repo.find_blob(id)?;
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                }
                write_atomically(&file, blob.content()).map_err(|e| io(&file, e))?;
                index.add_path(Path::new(&d.path))?;
            }
            None => {
                match std::fs::remove_file(&file) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io(&file, e)),
                }
                index.remove_path(Path::new(&d.path))?;
                // Drop folders left empty (a removed record), never the root.
                let mut dir = file.parent();
                while let Some(p) = dir {
                    if p == workdir || std::fs::remove_dir(p).is_err() {
                        break;
                    }
                    dir = p.parent();
                }
            }
        }
    }
    index.write()?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
