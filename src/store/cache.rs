//! The snapshot cache: parsed records keyed by their subtree ids, kept in the
//! git directory (`pingxuan/snapshot.cache`). A record's subtree id changes
//! exactly when the record changes, so a warm open re-reads only what changed.
//!
//! The cache can never change a result: it is used only when its format and
//! build version match, its checksum holds, and the ids of campaign.ron,
//! members.ron, units.ron and rulings.ron (which validation depends on) are the
//! same; each record is reused only when its folder and subtree id match.
//! Anything else — missing, truncated, corrupt, stale — falls back to parsing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Problem, Record, TopIds};
use crate::rules::memo::Facts;

/// `\x02`: `Decision` gained `reopened` (FREEZE); `\x03`: entries keep their
/// ranking facts (issue 18, P2); `\x04`: dates and times as numbers
/// (`model::compact`); `\x05`: the header names the world key the facts were
/// assessed under, and they are used without hashing (`rules::memo`); older
/// caches are stale; `\x06`: the header names the shard trees whose record
/// folders the entries list completely (an open takes them without walking).
const MAGIC: &[u8; 8] = b"PXCACHE\x06";
/// Records per independently decoded chunk, so a warm open decodes in parallel.
const CHUNK: usize = 256;

/// One record folder as loaded: its subtree id, the record (absent when
/// `nomination.ron` is broken) and the problems found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub dir: String,
    pub tree: String,
    pub record: Option<Record>,
    pub problems: Vec<Problem>,
    /// The record's ranking facts and the key they were assessed under
    /// (`rules::memo`; checked again when used); `None` when not assessed.
    pub facts: Option<(u128, Option<Facts>)>,
}

/// An [`Entry`] borrowed from a loaded snapshot, written exactly as the entry
/// would be (postcard writes `&str` as `String`, `Option<&T>` as `Option<T>`).
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub id: &'a str,
    pub dir: &'a str,
    pub tree: &'a str,
    pub record: Option<&'a Record>,
    pub problems: &'a [Problem],
    pub facts: Option<(u128, Option<&'a Facts>)>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    build: String,
    top: TopIds,
    chunks: Vec<u64>,
    /// The world key (`rules::memo::world_key`) every entry's facts were
    /// assessed under; `None`: none could be computed.
    world: Option<u128>,
    /// Shards (name, tree id, record folders) whose folders all have an
    /// entry here and which held nothing else (no misfiled or broken name).
    shards: Vec<Shard>,
}

/// A shard the cache lists completely: its name, tree id and how many record
/// folders it holds (all of them entries of the cache).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    pub name: String,
    pub tree: String,
    pub dirs: u64,
}

/// What [`read`] gives: the world key of the entries' facts, the shards the
/// entries list completely, and the entries.
pub struct Read {
    pub world: Option<u128>,
    pub shards: Vec<Shard>,
    pub chunks: Vec<Vec<Entry>>,
}

pub fn path(git_dir: &Path) -> PathBuf {
    git_dir.join("pingxuan").join("snapshot.cache")
}

/// Whether the cache is switched off (`PINGXUAN_CACHE=off`), e.g. to measure a cold open.
pub fn disabled() -> bool {
    std::env::var("PINGXUAN_CACHE").is_ok_and(|v| v == "off" || v == "0")
}

fn build() -> String {
    format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
}

/// Bytes read for the header at first (it grows with the number of chunks:
/// a few bytes each); what follows it is the first chunks' bytes.
const HEAD_READ: usize = 1 << 20;
/// Chunks are read until this many bytes are waiting, then decoded in
/// parallel and their bytes freed: the file is never held whole (~17 MB at
/// 10k nominations, at the TUI's peak; issue 18 P7).
const GROUP_BYTES: usize = 2 << 20;

/// Reads the cache; `None` when absent, unusable or made for other top-level
/// files. The entries come in the order they were written (the record
/// folders' order in the tree), one decoded chunk after another. The file is
/// read in groups of chunks and its checksum checked at the end; entries
/// decoded from a file whose checksum then fails are dropped.
pub fn read(file: &Path, top: &TopIds) -> Option<Read> {
    read_in(file, top, HEAD_READ, GROUP_BYTES)
}

/// [`read`] with the first read's size and the group size given (tests
/// make them small, to cross every boundary).
fn read_in(file: &Path, top: &TopIds, head_read: usize, group_bytes: usize) -> Option<Read> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(file).ok()?;
    let size = usize::try_from(f.metadata().ok()?.len()).ok()?;
    let body_len = size.checked_sub(MAGIC.len() + 4)?;
    let mut magic = [0u8; 8];
    f.read_exact(&mut magic).ok()?;
    if &magic != MAGIC {
        return None;
    }
    let mut crc = crc32fast::Hasher::new();
    let mut head = vec![0u8; body_len.min(head_read)];
    f.read_exact(&mut head).ok()?;
    crc.update(&head);
    if postcard::take_from_bytes::<Header>(&head).is_err() && head.len() < body_len {
        // A header longer than the first read: the whole body, then.
        let more = head.len();
        head.resize(body_len, 0);
        f.read_exact(&mut head[more..]).ok()?;
        crc.update(&head[more..]);
    }
    let (header, rest): (Header, &[u8]) = postcard::take_from_bytes(&head).ok()?;
    if header.build != build() || &header.top != top {
        return None;
    }
    let mut total = head.len() - rest.len();
    for len in &header.chunks {
        total = total.checked_add(usize::try_from(*len).ok()?)?;
    }
    if total != body_len {
        return None;
    }
    // What of the chunks came with the header's read.
    let mut carried = rest;
    let mut chunks: Vec<Vec<Entry>> = Vec::with_capacity(header.chunks.len());
    let mut waiting: Vec<Vec<u8>> = Vec::new();
    let mut waiting_bytes = 0;
    let decode = |waiting: &mut Vec<Vec<u8>>, chunks: &mut Vec<Vec<Entry>>| -> Option<()> {
        let decoded: Vec<Vec<Entry>> = waiting
            .par_iter()
            .map(|c| postcard::from_bytes(c).ok())
            .collect::<Option<_>>()?;
        chunks.extend(decoded);
        waiting.clear();
        Some(())
    };
    for len in &header.chunks {
        let len = usize::try_from(*len).ok()?;
        let from_head = carried.len().min(len);
        let mut buf = Vec::with_capacity(len);
        buf.extend_from_slice(&carried[..from_head]);
        carried = &carried[from_head..];
        buf.resize(len, 0);
        f.read_exact(&mut buf[from_head..]).ok()?;
        crc.update(&buf[from_head..]);
        waiting_bytes += len;
        waiting.push(buf);
        if waiting_bytes >= group_bytes {
            decode(&mut waiting, &mut chunks)?;
            waiting_bytes = 0;
        }
    }
    decode(&mut waiting, &mut chunks)?;
    let mut sum = [0u8; 4];
    f.read_exact(&mut sum).ok()?;
    if crc.finalize().to_le_bytes() != sum || f.read(&mut [0u8; 1]).ok()? != 0 {
        return None;
    }
    Some(Read {
        world: header.world,
        shards: header.shards,
        chunks,
    })
}

/// Takes cached entries out by id, expecting them in the order they are
/// asked for (the tree's order, as they were written): each is then found
/// at once, and nothing is copied into a map. An entry passed over (a record
/// removed since, or another order) is kept aside and still found by id; a
/// record the cache does not hold (added since) stops the search at the
/// first entry whose folder sorts after its own, so it does not sweep the
/// rest of the cache aside.
pub struct Matcher {
    chunks: std::iter::Peekable<std::iter::Flatten<std::vec::IntoIter<Vec<Entry>>>>,
    aside: HashMap<String, Entry>,
}

impl Matcher {
    pub fn new(chunks: Vec<Vec<Entry>>) -> Matcher {
        Matcher {
            chunks: chunks.into_iter().flatten().peekable(),
            aside: HashMap::new(),
        }
    }

    /// The cached entry of `id` in the folder `dir`, if the cache holds one.
    /// (Where git's order and the folders' string order disagree, an entry
    /// may be missed: the record is then read afresh, never mistaken.)
    pub fn take(&mut self, id: &str, dir: &str) -> Option<Entry> {
        if let Some(e) = self.aside.remove(id) {
            return Some(e);
        }
        while let Some(e) = self.chunks.next_if(|e| e.dir.as_str() <= dir) {
            if e.id == id {
                return Some(e);
            }
            self.aside.insert(e.id.clone(), e);
        }
        None
    }

    /// Whether entries are left that nobody asked for (records gone).
    pub fn has_rest(&mut self) -> bool {
        !self.aside.is_empty() || self.chunks.next().is_some()
    }
}

/// Writes the cache atomically (temp file and rename); failures are ignored:
/// a missing cache only costs time. `world`: the world key every entry's
/// facts were assessed under.
pub fn write(
    file: &Path,
    top: &TopIds,
    world: Option<u128>,
    shards: Vec<Shard>,
    entries: &[EntryRef],
) {
    let chunks: Option<Vec<Vec<u8>>> = entries
        .par_chunks(CHUNK)
        .map(|c| postcard::to_stdvec(c).ok())
        .collect();
    let Some(chunks) = chunks else {
        return;
    };
    let header = Header {
        build: build(),
        top: top.clone(),
        chunks: chunks.iter().map(|c| c.len() as u64).collect(),
        world,
        shards,
    };
    let Ok(head) = postcard::to_stdvec(&header) else {
        return;
    };
    let parts: Vec<&[u8]> = std::iter::once(head.as_slice())
        .chain(chunks.iter().map(Vec::as_slice))
        .collect();
    super::framing::write_parts(file, MAGIC, &parts);
}

/// Removes the cache (`pingxuan reindex`).
pub fn remove(git_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path(git_dir)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn top() -> TopIds {
        TopIds {
            campaign: "c".into(),
            ..TopIds::default()
        }
    }

    /// A cache of `n` entries (no records: only their ids and folders).
    fn written(n: usize) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("snapshot.cache");
        let ids: Vec<(String, String)> = (0..n)
            .map(|i| {
                (
                    format!("2017-window-{i:05}"),
                    format!("nominations/{:02}/x{i}", i % 7),
                )
            })
            .collect();
        let refs: Vec<EntryRef> = ids
            .iter()
            .map(|(id, dir)| EntryRef {
                id,
                dir,
                tree: "0123456789abcdef0123456789abcdef01234567",
                record: None,
                problems: &[],
                facts: None,
            })
            .collect();
        let shards = vec![Shard {
            name: "00".into(),
            tree: "t".into(),
            dirs: 3,
        }];
        write(&file, &top(), Some(7), shards, &refs);
        (d, file)
    }

    fn ids(r: &Read) -> Vec<String> {
        r.chunks.iter().flatten().map(|e| e.id.clone()).collect()
    }

    #[test]
    fn read_in_small_pieces_equals_read_whole() {
        let (_d, file) = written(3 * CHUNK + 17);
        let whole = read(&file, &top()).unwrap();
        assert_eq!(ids(&whole).len(), 3 * CHUNK + 17);
        assert_eq!(whole.world, Some(7));
        assert_eq!(whole.shards[0].dirs, 3);
        // the header read ending inside the first chunk, inside a later one,
        // exactly at a chunk's end; groups of one chunk and of several
        let len = std::fs::metadata(&file).unwrap().len() as usize;
        for head in [40, 100, 5_000, len / 2, len] {
            for group in [1, 10_000, usize::MAX] {
                let r = read_in(&file, &top(), head, group).unwrap();
                assert_eq!(ids(&r), ids(&whole), "head {head}, group {group}");
                assert_eq!(r.chunks.len(), whole.chunks.len());
            }
        }
    }

    #[test]
    fn a_damaged_byte_anywhere_or_a_cut_or_a_longer_file_is_not_read() {
        let (d, file) = written(2 * CHUNK + 5);
        let good = std::fs::read(&file).unwrap();
        let bad = d.path().join("bad");
        // every byte of the header, and bytes spread over the chunks and the sum
        let step = (good.len() / 97).max(1);
        for at in (0..64)
            .chain((64..good.len()).step_by(step))
            .chain([good.len() - 1])
        {
            let mut b = good.clone();
            b[at] ^= 0x20;
            std::fs::write(&bad, &b).unwrap();
            for (head, group) in [(HEAD_READ, GROUP_BYTES), (50, 1)] {
                assert!(
                    read_in(&bad, &top(), head, group).is_none(),
                    "byte {at} flipped"
                );
            }
        }
        std::fs::write(&bad, &good[..good.len() - 1]).unwrap();
        assert!(read(&bad, &top()).is_none(), "cut");
        let mut longer = good.clone();
        longer.push(0);
        std::fs::write(&bad, &longer).unwrap();
        assert!(read(&bad, &top()).is_none(), "longer");
        // another campaign's top-level files
        let other = TopIds::default();
        assert!(read(&file, &other).is_none());
    }
}
