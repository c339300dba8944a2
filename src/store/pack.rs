//! Packing a freshly built history (issue 18): every commit of a scripted
//! build writes its blob, trees and commit as loose objects, thousands of
//! small files that every later read opens one by one. [`Store::pack_history`]
//! writes the objects HEAD reaches into one pack, as `git gc` would, and
//! removes exactly those loose copies.

use std::collections::HashSet;

use git2::{ObjectType, Oid};

use super::{Store, StoreError};

impl Store {
    /// Packs every object reachable from HEAD into one pack file (with its
    /// index) and deletes the loose files of the objects packed. Objects HEAD
    /// does not reach stay as they are. Returns how many objects were packed.
    pub fn pack_history(&self) -> Result<usize, StoreError> {
        let repo = &self.repo;
        let Some(head) = self.head()? else {
            return Ok(0);
        };
        let mut objects: Vec<Oid> = Vec::new();
        let mut seen: HashSet<Oid> = HashSet::new();
        let mut walk = repo.revwalk()?;
        walk.push(head)?;
        let mut trees: Vec<Oid> = Vec::new();
        for commit in walk {
            let commit = repo.find_commit(commit?)?;
            if seen.insert(commit.id()) {
                objects.push(commit.id());
            }
            trees.push(commit.tree_id());
        }
        while let Some(t) = trees.pop() {
            if !seen.insert(t) {
                continue;
            }
            objects.push(t);
            let tree = repo.find_tree(t)?;
            for entry in tree.iter() {
                // A submodule (commit) entry names no object of ours.
                match entry.kind() {
                    Some(ObjectType::Tree) => trees.push(entry.id()),
                    Some(ObjectType::Blob) if seen.insert(entry.id()) => objects.push(entry.id()),
                    _ => {}
                }
            }
        }
        let mut pack = repo.packbuilder()?;
        pack.set_threads(1);
        for id in &objects {
            pack.insert_object(*id, None)?;
        }
        let dir = repo.path().join("objects").join("pack");
        std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        pack.write(&dir, 0o444)?;
        repo.odb()?.refresh()?;
        // Only now, with the pack and its index in place: the loose copies.
        let loose = repo.path().join("objects");
        for id in &objects {
            let hex = id.to_string();
            let (fan, rest) = hex.split_at(2);
            let file = loose.join(fan).join(rest);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(StoreError::Io {
                        path: file.display().to_string(),
                        source,
                    })
                }
            }
        }
        for entry in std::fs::read_dir(&loose).into_iter().flatten().flatten() {
            let name = entry.file_name();
            if name.len() == 2
                && name
                    .to_string_lossy()
                    .chars()
                    .all(|c| c.is_ascii_hexdigit())
            {
                // Removed only when empty.
                let _ = std::fs::remove_dir(entry.path());
            }
        }
        Ok(objects.len())
    }
}
