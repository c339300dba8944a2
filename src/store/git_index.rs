//! The git index read and patched for the few paths one action changes,
//! instead of libgit2 loading every entry and writing all of them back.
//!
//! At province scale the index holds ~190k entries (24 MB); libgit2 reads it
//! into a map, rewrites it whole and hashes it twice with the
//! collision-detecting SHA-1 — nearly all of one signed action's time (P5).
//! Here the file is kept as bytes: the entries of the changed paths are
//! replaced, added or dropped, the cache tree (`TREE`) is invalidated along
//! their folders, and the trailing checksum is a plain SHA-1 (git itself uses
//! a fast SHA-1 for file checksums: they guard against damage, not attack).
//!
//! Only the plain case goes this way: index version 2 or 3, no extension but
//! `TREE`, the changed paths unconflicted and without extended flags, the
//! checksum right. Anything else returns `None` and the caller uses libgit2,
//! so unusual indexes (split, sparse, v4, after a merge) keep libgit2's
//! handling and its errors. The rules git follows are kept: the file is
//! written under `index.lock` and renamed into place; entries that are
//! "racily clean" (changed in the same second as the old index was written)
//! are compared with the work tree and smudged (size 0) when they differ, so
//! `git status` still sees such an edit.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use sha1::{Digest, Sha1};

const HEADER: usize = 12;
const HASH: usize = 20;
/// Stat data (40 bytes), the object id (20) and the flags (2).
const FIXED: usize = 62;

/// A blob's object id, as `git hash-object` computes it.
pub(super) fn blob_id(content: &[u8]) -> [u8; HASH] {
    super::objects::object_id(gix_object::Kind::Blob, content)
}

/// One entry's place in the file.
struct Slot {
    start: usize,
    end: usize,
    path_end: usize,
    stage: u16,
    extended: bool,
}

impl Slot {
    fn path<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        let offset = if self.extended { FIXED + 2 } else { FIXED };
        &bytes[self.start + offset..self.path_end]
    }
}

/// An index file in the plain case, as read.
pub(super) struct IndexFile {
    bytes: Vec<u8>,
    slots: Vec<Slot>,
    /// The `TREE` extension's data.
    tree: Option<(usize, usize)>,
    /// The file's modification time (seconds), for the racy-clean test.
    mtime: u32,
}

/// What a changed path becomes: its blob id and the stat of the file just
/// written, or gone.
pub(super) struct Edit<'a> {
    pub path: &'a str,
    pub new: Option<([u8; HASH], fs::Metadata)>,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl IndexFile {
    /// Reads `path`; `None` when the file is missing or not the plain case.
    pub(super) fn read(path: &Path) -> Option<IndexFile> {
        let meta = fs::metadata(path).ok()?;
        let bytes = fs::read(path).ok()?;
        IndexFile::parse(bytes, mtime_secs(&meta))
    }

    fn parse(bytes: Vec<u8>, mtime: u32) -> Option<IndexFile> {
        if bytes.len() < HEADER + HASH || &bytes[..4] != b"DIRC" {
            return None;
        }
        let version = be32(&bytes, 4)?;
        if version != 2 && version != 3 {
            return None;
        }
        let body = bytes.len() - HASH;
        let trailer = &bytes[body..];
        // A zero trailer is `index.skipHash`'s; libgit2 accepts it too.
        if trailer.iter().any(|&b| b != 0) && Sha1::digest(&bytes[..body])[..] != *trailer {
            return None;
        }
        let count = be32(&bytes, 8)? as usize;
        let mut slots = Vec::with_capacity(count);
        let mut pos = HEADER;
        for _ in 0..count {
            let flags = u16::from_be_bytes(bytes.get(pos + 60..pos + 62)?.try_into().ok()?);
            let extended = flags & 0x4000 != 0;
            if extended && version < 3 {
                return None;
            }
            let len = usize::from(flags & 0xfff);
            if len == 0xfff {
                return None; // a path this long: libgit2's case
            }
            let path_start = pos + FIXED + if extended { 2 } else { 0 };
            let path_end = path_start + len;
            if bytes.get(path_end) != Some(&0) {
                return None;
            }
            let end = pos + ((path_end - pos + 8) & !7);
            if end > body {
                return None;
            }
            slots.push(Slot {
                start: pos,
                end,
                path_end,
                stage: (flags >> 12) & 3,
                extended,
            });
            pos = end;
        }
        let mut tree = None;
        while pos < body {
            let sig = bytes.get(pos..pos + 4)?;
            let size = be32(&bytes, pos + 4)? as usize;
            let data = (pos + 8, pos + 8 + size);
            if data.1 > body || sig != b"TREE" || tree.is_some() {
                return None;
            }
            tree = Some(data);
            pos = data.1;
        }
        Some(IndexFile {
            bytes,
            slots,
            tree,
            mtime,
        })
    }

    /// The slots holding `path`, at any stage.
    fn find(&self, path: &[u8]) -> std::ops::Range<usize> {
        let lo = self.slots.partition_point(|s| s.path(&self.bytes) < path);
        let hi = lo
            + self.slots[lo..]
                .iter()
                .take_while(|s| s.path(&self.bytes) == path)
                .count();
        lo..hi
    }

    /// The staged blob of `path`: `Ok(None)` when not in the index, `Err(())`
    /// when it is conflicted or carries extended flags (libgit2's case).
    pub(super) fn staged(&self, path: &str) -> Result<Option<[u8; HASH]>, ()> {
        let found = self.find(path.as_bytes());
        match &self.slots[found] {
            [] => Ok(None),
            [s] if s.stage == 0 && !s.extended => {
                let mut id = [0; HASH];
                id.copy_from_slice(&self.bytes[s.start + 40..s.start + 60]);
                Ok(Some(id))
            }
            _ => Err(()),
        }
    }

    /// The new file's bytes with `edits` applied; `None` for libgit2's cases.
    pub(super) fn patched(&self, edits: &[Edit], workdir: &Path) -> Option<Vec<u8>> {
        let mut edits: Vec<&Edit> = edits.iter().collect();
        edits.sort_by(|a, b| a.path.cmp(b.path));
        // one change per path (two would leave which one is on disk unsaid)
        if edits.windows(2).any(|w| w[0].path == w[1].path) {
            return None;
        }
        let mut out = Vec::with_capacity(self.bytes.len() + 256 * edits.len());
        out.extend_from_slice(&self.bytes[..HEADER]);
        let mut count = 0u32;
        let mut next = 0; // the next old slot to copy
        for edit in &edits {
            if edit.path.len() >= 0xfff || edit.path.is_empty() {
                return None;
            }
            let found = self.find(edit.path.as_bytes());
            if self.slots[found.clone()]
                .iter()
                .any(|s| s.stage != 0 || s.extended)
            {
                return None;
            }
            count += self.copy(next..found.start, workdir, &mut out)?;
            if let Some((id, meta)) = &edit.new {
                entry(&mut out, edit.path.as_bytes(), id, meta);
                count += 1;
            }
            next = found.end;
        }
        count += self.copy(next..self.slots.len(), workdir, &mut out)?;
        out[8..12].copy_from_slice(&count.to_be_bytes());
        if let Some((from, to)) = self.tree {
            let dirty: Vec<Vec<&[u8]>> = edits
                .iter()
                .map(|e| {
                    let mut parts: Vec<&[u8]> = e.path.as_bytes().split(|&b| b == b'/').collect();
                    parts.pop(); // the file's own name
                    parts
                })
                .collect();
            let refs: Vec<&[&[u8]]> = dirty.iter().map(Vec::as_slice).collect();
            let mut tree = Vec::with_capacity(to - from);
            let mut pos = from;
            invalidate(&self.bytes[..to], &mut pos, &mut tree, &refs)?;
            if pos != to {
                return None;
            }
            out.extend_from_slice(b"TREE");
            out.extend_from_slice(&u32::try_from(tree.len()).ok()?.to_be_bytes());
            out.extend_from_slice(&tree);
        }
        let sum = Sha1::digest(&out);
        out.extend_from_slice(&sum);
        Some(out)
    }

    /// Copies old entries, smudging the racily clean ones that changed.
    fn copy(
        &self,
        range: std::ops::Range<usize>,
        workdir: &Path,
        out: &mut Vec<u8>,
    ) -> Option<u32> {
        for s in &self.slots[range.clone()] {
            let at = out.len();
            out.extend_from_slice(&self.bytes[s.start..s.end]);
            let mtime = be32(&self.bytes, s.start + 8)?;
            let size = be32(&self.bytes, s.start + 36)?;
            if mtime >= self.mtime && size != 0 && s.stage == 0 {
                let path = std::str::from_utf8(s.path(&self.bytes)).ok();
                let on_disk = path.and_then(|p| fs::read(workdir.join(p)).ok());
                let same = on_disk
                    .is_some_and(|b| blob_id(&b)[..] == self.bytes[s.start + 40..s.start + 60]);
                if !same {
                    out[at + 36..at + 40].copy_from_slice(&[0; 4]);
                }
            }
        }
        u32::try_from(range.len()).ok()
    }
}

fn mtime_secs(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mtime() as u32
}

/// One index entry, as git writes it for a regular file.
fn entry(out: &mut Vec<u8>, path: &[u8], id: &[u8; HASH], m: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let start = out.len();
    // git keeps the low 32 bits of each stat field
    let mode: u32 = if m.mode() & 0o100 != 0 {
        0o100755
    } else {
        0o100644
    };
    for v in [
        m.ctime() as u32,
        m.ctime_nsec() as u32,
        m.mtime() as u32,
        m.mtime_nsec() as u32,
        m.dev() as u32,
        m.ino() as u32,
        mode,
        m.uid(),
        m.gid(),
        m.size() as u32,
    ] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(id);
    let flags = u16::try_from(path.len()).unwrap_or(0xfff).min(0xfff);
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(path);
    let len = (out.len() - start + 8) & !7;
    out.resize(start + len, 0);
}

/// Copies one cache-tree node and its subtrees, marking invalid (`-1`, no
/// id) every node a changed path passes through; `dirty` holds the folders
/// left of each such path below this node.
fn invalidate(b: &[u8], pos: &mut usize, out: &mut Vec<u8>, dirty: &[&[&[u8]]]) -> Option<()> {
    let field = |pos: &mut usize, end: u8| -> Option<(usize, usize)> {
        let from = *pos;
        let len = b.get(from..)?.iter().position(|&c| c == end)?;
        *pos = from + len + 1;
        Some((from, from + len))
    };
    let name = field(pos, 0)?;
    let count = field(pos, b' ')?;
    let subtrees = field(pos, b'\n')?;
    let count_text = std::str::from_utf8(&b[count.0..count.1]).ok()?;
    let entries: i64 = count_text.parse().ok()?;
    let subs: usize = std::str::from_utf8(&b[subtrees.0..subtrees.1])
        .ok()?
        .parse()
        .ok()?;
    let id = if entries >= 0 {
        let id = b.get(*pos..*pos + HASH)?;
        *pos += HASH;
        Some(id)
    } else {
        None
    };
    out.extend_from_slice(&b[name.0..=name.1]);
    match id {
        Some(id) if dirty.is_empty() => {
            out.extend_from_slice(count_text.as_bytes());
            out.push(b' ');
            out.extend_from_slice(&b[subtrees.0..=subtrees.1]);
            out.extend_from_slice(id);
        }
        _ => {
            out.extend_from_slice(b"-1 ");
            out.extend_from_slice(&b[subtrees.0..=subtrees.1]);
        }
    }
    for _ in 0..subs {
        let child = {
            let from = *pos;
            let len = b.get(from..)?.iter().position(|&c| c == 0)?;
            &b[from..from + len]
        };
        let below: Vec<&[&[u8]]> = dirty
            .iter()
            .filter(|d| d.first() == Some(&child))
            .map(|d| &d[1..])
            .collect();
        invalidate(b, pos, out, &below)?;
    }
    Some(())
}

/// Takes `index.lock` beside the index at `path`, created exclusively as git
/// does; `Ok(None)` when another process holds it.
pub(super) fn lock(path: &Path) -> std::io::Result<Option<Lock>> {
    let lock = path.with_extension("lock");
    match OpenOptions::new().write(true).create_new(true).open(&lock) {
        Ok(file) => Ok(Some(Lock {
            file,
            path: lock,
            done: false,
        })),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(e),
    }
}

/// A held `index.lock`; dropped without [`Lock::commit`] it is removed.
pub(super) struct Lock {
    file: File,
    path: std::path::PathBuf,
    done: bool,
}

impl Lock {
    pub(super) fn commit(mut self, index: &Path, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_all(bytes)?;
        self.file.flush()?;
        fs::rename(&self.path, index)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::process::Command;

    /// `git` in `dir`, with the global and system config kept out.
    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A repository with files in nested folders, committed, its index
    /// carrying a full cache tree (`git reset --hard` primes it).
    fn repo() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        git(d, &["init", "-q", "-b", "main"]);
        for p in ["a/x/1.ron", "a/x/2.ron", "a/y/1.ron", "b/1.ron", "top.ron"] {
            let f = d.join(p);
            fs::create_dir_all(f.parent().unwrap()).unwrap();
            fs::write(&f, format!("{p}\n")).unwrap();
        }
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "one"]);
        git(d, &["reset", "-q", "--hard"]);
        t
    }

    /// Writes `changes` to the work tree, patches the index with them and
    /// commits the same change with git from a scratch index: the patched
    /// index must then stage exactly that commit's tree.
    fn act(d: &Path, changes: &[(&str, Option<&str>)]) {
        let index = d.join(".git/index");
        let mut edits = Vec::new();
        for (p, content) in changes {
            let f = d.join(p);
            let new = match content {
                Some(text) => {
                    fs::create_dir_all(f.parent().unwrap()).unwrap();
                    fs::write(&f, text).unwrap();
                    // the blob is in the object database (an action commits first)
                    git(d, &["hash-object", "-w", p]);
                    Some((blob_id(text.as_bytes()), fs::symlink_metadata(&f).unwrap()))
                }
                None => {
                    fs::remove_file(&f).unwrap();
                    None
                }
            };
            edits.push(Edit { path: p, new });
        }
        let file = IndexFile::read(&index).expect("the plain case");
        let bytes = file.patched(&edits, d).expect("patched");
        lock(&index)
            .unwrap()
            .unwrap()
            .commit(&index, &bytes)
            .unwrap();
        assert!(!d.join(".git/index.lock").exists());
    }

    fn write_tree(d: &Path) -> String {
        git(d, &["write-tree"]).trim().to_string()
    }

    #[test]
    fn a_patched_index_is_the_one_git_add_would_write() {
        let t = repo();
        let d = t.path();
        let before = fs::read(d.join(".git/index")).unwrap();
        assert!(before.windows(4).any(|w| w == b"TREE"), "primed cache tree");
        // a change, a new file in a new folder, a removal
        act(
            d,
            &[
                ("a/x/2.ron", Some("changed\n")),
                ("a/z/new.ron", Some("new\n")),
                ("b/1.ron", None),
            ],
        );
        // git reads it (checksum, order): the three staged, the work tree
        // matching the index, and blob ids equal git's own
        assert_eq!(
            git(d, &["status", "--porcelain"]),
            "M  a/x/2.ron\nA  a/z/new.ron\nD  b/1.ron\n"
        );
        let staged = git(d, &["ls-files", "-s"]);
        assert!(staged.contains("a/z/new.ron"), "{staged}");
        assert!(!staged.contains("b/1.ron"), "{staged}");
        let hashed = git(d, &["hash-object", "a/x/2.ron"]);
        assert!(staged.contains(hashed.trim()), "{staged}");
        // the cache tree was invalidated along the changed folders: the
        // tree git writes from this index is the one of the same change
        // committed by git itself
        let ours = write_tree(d);
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "two"]);
        assert_eq!(ours, git(d, &["rev-parse", "HEAD^{tree}"]).trim());
        git(d, &["fsck", "--no-progress"]);
    }

    #[test]
    fn untouched_folders_keep_their_cache_tree() {
        let t = repo();
        let d = t.path();
        act(d, &[("a/x/1.ron", Some("changed\n"))]);
        let out = git(d, &["ls-files", "--debug"]);
        assert!(!out.is_empty());
        // `b` kept its valid cache-tree node: git's dump of the cache tree
        // shows it with its id, `a` and the root invalid
        let bytes = fs::read(d.join(".git/index")).unwrap();
        let at = bytes.windows(4).position(|w| w == b"TREE").unwrap();
        let tree = &bytes[at + 8..bytes.len() - HASH];
        let text = String::from_utf8_lossy(tree);
        assert!(text.starts_with("\0-1 "), "{text:?}");
        assert!(text.contains("a\0-1 "), "{text:?}");
        assert!(text.contains("x\0-1 "), "{text:?}");
        assert!(text.contains("y\u{0}1 0\n"), "{text:?}");
        assert!(text.contains("b\u{0}1 0\n"), "{text:?}");
    }

    #[test]
    fn a_racily_clean_edit_is_smudged_so_git_still_sees_it() {
        let t = repo();
        let d = t.path();
        git(d, &["config", "core.trustctime", "false"]);
        let past = "2020-01-01 00:00:00";
        let touch = |p: &str| {
            let ok = Command::new("touch")
                .args(["-m", "-d", past])
                .arg(d.join(p))
                .status()
                .unwrap();
            assert!(ok.success());
        };
        // the index recorded top.ron's stat in the same second as it was
        // written itself
        touch("top.ron");
        git(d, &["update-index", "--refresh"]);
        touch(".git/index");
        // then top.ron changed, same size, same second (same inode)
        fs::write(d.join("top.ron"), "TOP.RON\n").unwrap();
        touch("top.ron");
        // (read-only: `git status` would itself smudge the entry as it
        // rewrites the index)
        assert_eq!(git(d, &["diff-files", "--name-only"]), "top.ron\n");
        // an action on another file rewrites the index now: without the
        // smudge top.ron's stat would look clean against the newer index
        act(d, &[("a/y/1.ron", Some("changed\n"))]);
        assert_eq!(
            git(d, &["status", "--porcelain"]),
            "M  a/y/1.ron\n M top.ron\n"
        );
    }

    #[test]
    fn other_indexes_are_left_to_libgit2() {
        let t = repo();
        let d = t.path();
        let index = d.join(".git/index");
        assert!(IndexFile::read(&index).is_some());
        // a damaged checksum
        let mut bytes = fs::read(&index).unwrap();
        let n = bytes.len();
        bytes[n - 1] ^= 1;
        fs::write(d.join("damaged"), &bytes).unwrap();
        assert!(IndexFile::read(&d.join("damaged")).is_none());
        // version 4 (paths prefix-compressed)
        git(d, &["update-index", "--index-version", "4"]);
        assert!(IndexFile::read(&index).is_none());
        git(d, &["update-index", "--index-version", "2"]);
        assert!(IndexFile::read(&index).is_some());
        // an extension this reader does not know (the untracked cache)
        git(d, &["update-index", "--untracked-cache"]);
        git(d, &["status", "--porcelain"]);
        assert!(IndexFile::read(&index).is_none());
        git(d, &["update-index", "--no-untracked-cache"]);
        // a conflicted or intent-to-add path
        fs::write(d.join("a/x/3.ron"), "3\n").unwrap();
        git(d, &["add", "-N", "a/x/3.ron"]);
        let file = IndexFile::read(&index).unwrap();
        assert_eq!(file.staged("a/x/3.ron"), Err(()));
        let edit = Edit {
            path: "a/x/3.ron",
            new: None,
        };
        assert!(file.patched(&[edit], d).is_none());
        // two changes of one path
        let file = IndexFile::read(&index).unwrap();
        let twice = |content: &str| Edit {
            path: "top.ron",
            new: Some((
                blob_id(content.as_bytes()),
                fs::metadata(d.join("top.ron")).unwrap(),
            )),
        };
        assert!(file.patched(&[twice("a"), twice("b")], d).is_none());
        // and a missing index
        assert!(IndexFile::read(&d.join("nothing")).is_none());
    }

    #[test]
    fn a_held_lock_is_reported_and_left_alone() {
        let t = repo();
        let index = t.path().join(".git/index");
        let held = lock(&index).unwrap().unwrap();
        assert!(lock(&index).unwrap().is_none());
        drop(held);
        assert!(!t.path().join(".git/index.lock").exists());
        assert!(lock(&index).unwrap().is_some());
    }

    #[test]
    fn blob_ids_are_gits() {
        let t = repo();
        let hashed = git(t.path(), &["hash-object", "top.ron"]);
        let ours: String = blob_id(b"top.ron\n")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(ours, hashed.trim());
    }
}
