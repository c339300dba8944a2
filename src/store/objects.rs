//! The cold load's object reader (issue 18, P1): record trees and blobs read
//! through gitoxide's object database (`gix-odb`) instead of libgit2's object
//! lookup, which spent most of a cold open in its object cache, hash checks
//! and copies. One shared store (its pack indexes mapped once), one handle per
//! worker thread with its own delta-base cache.
//!
//! The fast path takes only what is unambiguous: a record tree whose every
//! entry has one of git's five canonical modes, and objects found with the
//! expected kind, whose content hashes to its id. Anything else (an object
//! this reader cannot find or decode, a malformed tree, an odd mode, an
//! object file whose content is not the object's: a swapped or corrupted
//! loose file) sends the whole record back to the libgit2 reader of
//! `load.rs`, so every problem and message stays exactly what it was. The
//! hash is checked like libgit2 checks it: what a signed commit names is
//! what the snapshot shows, even when the object store was edited by hand.

use std::path::{Path, PathBuf};

use gix_object::{Find, Kind};

/// Which reader a cold load's records go through (the snapshot is the same;
/// `Libgit2` is kept to compare with and to measure).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reader {
    /// libgit2's object lookup, as before issue 18's P1.
    Libgit2,
    /// gitoxide's object database, falling back to libgit2 record by record.
    #[default]
    Gitoxide,
}

/// One object database per object folder: the repository's own (with the
/// alternates it lists itself) first, then the folders added on top (a
/// pre-receive quarantine, see [`super::Store::add_object_dir`]).
pub(super) struct Objects {
    dbs: Vec<gix_odb::HandleArc>,
}

/// Delta bases kept per handle: a record's blobs are mostly deltas of their
/// earlier versions, close together in the pack.
const PACK_CACHE_ENTRIES: usize = 64;

impl Objects {
    /// Opens the repository's object folder `objects` and `alternates`;
    /// `None` when one cannot be opened (the caller then reads through libgit2).
    pub(super) fn open(objects: &Path, alternates: &[PathBuf]) -> Option<Objects> {
        let dirs = std::iter::once(objects.to_path_buf()).chain(alternates.iter().cloned());
        let mut dbs = Vec::new();
        for dir in dirs {
            let mut db = gix_odb::at(dir, gix_hash::Kind::Sha1)
                .ok()?
                .into_arc()
                .ok()?;
            db.set_pack_cache(|| {
                Box::new(gix_pack::cache::lru::StaticLinkedList::<PACK_CACHE_ENTRIES>::default())
            });
            dbs.push(db);
        }
        Some(Objects { dbs })
    }

    /// A handle for one worker thread: the same stores, fresh caches.
    pub(super) fn for_thread(&self) -> Objects {
        Objects {
            dbs: self.dbs.clone(),
        }
    }

    /// The object `id` (20 bytes) if it is found and is of `kind`.
    pub(super) fn read(&self, id: &[u8], kind: Kind) -> Option<Vec<u8>> {
        let id = gix_hash::oid::try_from_bytes(id).ok()?;
        for db in &self.dbs {
            let mut buf = Vec::new();
            let found = match db.try_find(id, &mut buf) {
                Ok(Some(data)) => Some((data.kind, data.data.as_ptr(), data.data.len())),
                Ok(None) => None,
                Err(_) => return None,
            };
            let Some((found_kind, at, len)) = found else {
                continue;
            };
            if found_kind != kind {
                return None;
            }
            // The data is the buffer's (gix-odb decodes into it); copy otherwise.
            let data = if at == buf.as_ptr() && len <= buf.len() {
                buf.truncate(len);
                buf
            } else {
                let mut again = Vec::new();
                match db.try_find(id, &mut again) {
                    Ok(Some(data)) if data.kind == kind => data.data.to_vec(),
                    _ => return None,
                }
            };
            return gix_object::compute_hash(gix_hash::Kind::Sha1, kind, &data)
                .is_ok_and(|h| h.as_ref() == id)
                .then_some(data);
        }
        None
    }
}

/// One entry of a tree object, as libgit2 would give it for a canonical mode.
pub(super) struct TreeItem<'a> {
    pub mode: u32,
    pub name: &'a [u8],
    pub id: &'a [u8],
}

/// git's five modes; libgit2 normalises others, so those go to libgit2.
fn canonical(mode: u32) -> bool {
    matches!(mode, 0o100644 | 0o100755 | 0o120000 | 0o040000 | 0o160000)
}

/// The entries of a raw tree object in their stored order (libgit2's
/// `Tree::iter` order); `None` when it is malformed in any way or holds a
/// mode that is not canonical.
pub(super) fn tree_items(data: &[u8]) -> Option<Vec<TreeItem<'_>>> {
    let mut items = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ')?;
        let digits = &rest[..space];
        if digits.is_empty() || digits.len() > 7 {
            return None;
        }
        let mut mode = 0u32;
        for &d in digits {
            if !(b'0'..=b'7').contains(&d) {
                return None;
            }
            mode = mode * 8 + u32::from(d - b'0');
        }
        if !canonical(mode) {
            return None;
        }
        rest = &rest[space + 1..];
        let nul = rest.iter().position(|&b| b == 0)?;
        let name = &rest[..nul];
        if name.is_empty() {
            return None;
        }
        rest = &rest[nul + 1..];
        if rest.len() < 20 {
            return None;
        }
        let (id, after) = rest.split_at(20);
        items.push(TreeItem { mode, name, id });
        rest = after;
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, name: &str, id: u8) -> Vec<u8> {
        let mut v = format!("{mode} {name}").into_bytes();
        v.push(0);
        v.extend([id; 20]);
        v
    }

    #[test]
    fn parses_canonical_entries_in_stored_order() {
        let mut data = entry("100644", "b.ron", 1);
        data.extend(entry("40000", "a", 2));
        data.extend(entry("120000", "link", 3));
        let items = tree_items(&data).expect("a well-formed tree");
        let got: Vec<(u32, &[u8], u8)> = items.iter().map(|i| (i.mode, i.name, i.id[0])).collect();
        assert_eq!(
            got,
            vec![
                (0o100644, &b"b.ron"[..], 1),
                (0o040000, &b"a"[..], 2),
                (0o120000, &b"link"[..], 3)
            ]
        );
        assert_eq!(tree_items(&[]).map(|i| i.len()), Some(0));
    }

    /// The fast path really reads: blobs and trees of a real repository, loose
    /// and then packed, equal libgit2's, and a missing object or a wrong kind
    /// is `None` (left to libgit2).
    #[test]
    fn reads_what_libgit2_reads_loose_and_packed() -> Result<(), git2::Error> {
        let dir = tempfile::tempdir().map_err(|e| git2::Error::from_str(&e.to_string()))?;
        let repo = git2::Repository::init_bare(dir.path())?;
        let blobs: Vec<git2::Oid> = (0..40)
            .map(|i| repo.blob(format!("(n: {i}, text: \"{}\")", "x".repeat(i * 7)).as_bytes()))
            .collect::<Result<_, _>>()?;
        let mut b = repo.treebuilder(None)?;
        for (i, id) in blobs.iter().enumerate() {
            b.insert(format!("f{i:02}.ron"), *id, 0o100644)?;
        }
        let tree = b.write()?;
        let check = |what: &str| -> Result<(), git2::Error> {
            let objects = Objects::open(&dir.path().join("objects"), &[])
                .ok_or_else(|| git2::Error::from_str("open"))?
                .for_thread();
            for id in &blobs {
                let want = repo.find_blob(*id)?.content().to_vec();
                assert_eq!(
                    objects.read(id.as_bytes(), Kind::Blob),
                    Some(want),
                    "{what}"
                );
                assert_eq!(objects.read(id.as_bytes(), Kind::Tree), None, "{what}");
            }
            let data = objects
                .read(tree.as_bytes(), Kind::Tree)
                .ok_or_else(|| git2::Error::from_str("tree"))?;
            let items = tree_items(&data).ok_or_else(|| git2::Error::from_str("parse"))?;
            let t = repo.find_tree(tree)?;
            assert_eq!(items.len(), t.len(), "{what}");
            for (item, e) in items.iter().zip(t.iter()) {
                assert_eq!(item.name, e.name_bytes(), "{what}");
                assert_eq!(item.id, e.id().as_bytes(), "{what}");
                assert_eq!(item.mode, e.filemode() as u32, "{what}");
            }
            assert_eq!(objects.read(&[7; 20], Kind::Blob), None, "{what}: missing");
            assert_eq!(objects.read(&[7; 3], Kind::Blob), None, "{what}: bad id");
            Ok(())
        };
        check("loose")?;
        // Packed (with deltas between the similar blobs), loose files removed.
        let mut pb = repo.packbuilder()?;
        for id in blobs.iter().chain([&tree]) {
            pb.insert_object(*id, None)?;
        }
        let pack_dir = dir.path().join("objects").join("pack");
        let odb = repo.odb()?;
        let mut writer = odb.packwriter()?;
        pb.foreach(|chunk| std::io::Write::write_all(&mut writer, chunk).is_ok())?;
        writer.commit()?;
        assert!(std::fs::read_dir(&pack_dir)
            .map_err(|e| git2::Error::from_str(&e.to_string()))?
            .any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pack"))));
        for id in blobs.iter().chain([&tree]) {
            let hex = id.to_string();
            std::fs::remove_file(dir.path().join("objects").join(&hex[..2]).join(&hex[2..]))
                .map_err(|e| git2::Error::from_str(&e.to_string()))?;
        }
        check("packed")
    }

    #[test]
    fn odd_or_malformed_trees_go_back_to_libgit2() {
        // A mode libgit2 would normalise (100664 → 100644) is not taken here.
        assert!(tree_items(&entry("100664", "a.ron", 1)).is_none());
        assert!(tree_items(&entry("1006x4", "a.ron", 1)).is_none());
        assert!(tree_items(&entry("", "a.ron", 1)).is_none());
        assert!(tree_items(&entry("100644", "", 1)).is_none());
        let mut cut = entry("100644", "a.ron", 1);
        cut.truncate(cut.len() - 3);
        assert!(tree_items(&cut).is_none());
        assert!(tree_items(b"100644 no-nul").is_none());
    }
}
