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
/// caches are stale.
const MAGIC: &[u8; 8] = b"PXCACHE\x05";
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
}

/// What [`read`] gives: the world key of the entries' facts and the entries.
pub struct Read {
    pub world: Option<u128>,
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

/// Reads the cache; `None` when absent, unusable or made for other top-level
/// files. The entries come in the order they were written (the record
/// folders' order in the tree), one decoded chunk after another; the file's
/// bytes are freed before this returns.
pub fn read(file: &Path, top: &TopIds) -> Option<Read> {
    let bytes = std::fs::read(file).ok()?;
    let body = super::framing::body(&bytes, MAGIC)?;
    let (header, mut payload): (Header, &[u8]) = postcard::take_from_bytes(body).ok()?;
    if header.build != build() || &header.top != top {
        return None;
    }
    let mut chunks = Vec::with_capacity(header.chunks.len());
    for len in &header.chunks {
        let len = usize::try_from(*len).ok()?;
        if len > payload.len() {
            return None;
        }
        let (chunk, tail) = payload.split_at(len);
        chunks.push(chunk);
        payload = tail;
    }
    if !payload.is_empty() {
        return None;
    }
    let chunks = chunks
        .par_iter()
        .map(|c| postcard::from_bytes(c).ok())
        .collect::<Option<_>>()?;
    Some(Read {
        world: header.world,
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
pub fn write(file: &Path, top: &TopIds, world: Option<u128>, entries: &[EntryRef]) {
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
