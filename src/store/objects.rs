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
            return has_id(kind, &data, id.as_bytes()).then_some(data);
        }
        None
    }
}

/// The packs of the object folders, read straight through their indexes
/// (issue 18, P1, round five): a cold load looks every blob up first and
/// then decodes them in pack order, so that a blob stored as a delta of the
/// one before it (fast-import's and `git gc`'s layout) finds its base in the
/// small delta cache instead of inflating its whole chain, up to 50 objects,
/// again for every blob. An object not found here, or that does not decode,
/// is read through [`Objects`] as before.
pub(super) struct Packs {
    bundles: Vec<gix_pack::Bundle>,
    /// Per bundle: how many of its ids start with each byte or a lower one
    /// (the index's own fan-out table, which gix keeps private).
    fans: Vec<[u32; 256]>,
}

/// Where a packed object is: which pack of [`Packs`], and its offset there.
pub(super) type Location = (u32, u64);

impl Packs {
    /// The `*.idx` packs of `objects/pack` and of each folder in `alternates`;
    /// a pack that does not open is left out (its objects come through
    /// [`Objects`]).
    pub(super) fn open(objects: &Path, alternates: &[PathBuf]) -> Packs {
        let mut bundles = Vec::new();
        for dir in std::iter::once(objects).chain(alternates.iter().map(PathBuf::as_path)) {
            let Ok(list) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx: Vec<PathBuf> = list
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            idx.sort();
            bundles.extend(
                idx.iter()
                    .filter_map(|p| gix_pack::Bundle::at(p, gix_hash::Kind::Sha1).ok()),
            );
        }
        let fans = bundles.iter().map(|b| fan_out(&b.index)).collect();
        Packs { bundles, fans }
    }

    /// The pack and offset of `id` (20 bytes), if a pack holds it.
    pub(super) fn locate(&self, id: &[u8]) -> Option<Location> {
        let id: &[u8; 20] = id.try_into().ok()?;
        let first = usize::from(id[0]);
        self.bundles
            .iter()
            .zip(&self.fans)
            .enumerate()
            .find_map(|(n, (b, fan))| {
                let lo = if first == 0 { 0 } else { fan[first - 1] };
                let at = find_sorted(id, lo, fan[first], |i| b.index.oid_at_index(i).as_bytes())?;
                Some((u32::try_from(n).ok()?, b.index.pack_offset_at_index(at)))
            })
    }

    /// A decoder for one thread: its own inflate state, delta cache and buffer.
    pub(super) fn reader(&self) -> PackReader<'_> {
        PackReader {
            packs: self,
            inflate: gix_zlib::Inflate::default(),
            cache: gix_pack::cache::lru::StaticLinkedList::<PACK_CACHE_ENTRIES>::default(),
            scratch: Vec::new(),
        }
    }
}

/// Decodes objects of [`Packs`] on one thread (see [`Packs::reader`]).
pub(super) struct PackReader<'a> {
    packs: &'a Packs,
    inflate: gix_zlib::Inflate,
    cache: gix_pack::cache::lru::StaticLinkedList<PACK_CACHE_ENTRIES>,
    /// Reused for every object (delta resolution needs twice the object and
    /// its deltas); the object is copied out at its own size.
    scratch: Vec<u8>,
}

impl PackReader<'_> {
    /// The object `id` at `at` if it decodes as `kind` and hashes to `id`.
    pub(super) fn read_at(&mut self, at: Location, id: &[u8], kind: Kind) -> Option<Vec<u8>> {
        self.read_at_with(at, id, kind, <[u8]>::to_vec)
    }

    /// What `use_data` makes of the object `id` at `at` if it decodes as
    /// `kind` and hashes to `id`, read where it was decoded (a cold open
    /// parses each record file there instead of copying it out first).
    pub(super) fn read_at_with<R>(
        &mut self,
        at: Location,
        id: &[u8],
        kind: Kind,
        use_data: impl FnOnce(&[u8]) -> R,
    ) -> Option<R> {
        use gix_pack::cache::DecodeEntry;
        let bundle = self.packs.bundles.get(usize::try_from(at.0).ok()?)?;
        let pack = &bundle.pack;
        let entry = pack.entry(at.1).ok()?;
        let data_offset = entry.data_offset;
        let delta = entry.header.is_delta();
        let outcome = pack
            .decode_entry(
                entry,
                &mut self.scratch,
                &mut self.inflate,
                // A ref-delta's base is looked up in the same pack (others
                // are left to `Objects`, which also reads other packs).
                &|base, _| {
                    bundle
                        .index
                        .lookup(base)
                        .map(|i| pack.entry(bundle.index.pack_offset_at_index(i)))
                        .transpose()
                        .map(|e| e.map(gix_pack::data::decode::entry::ResolvedBase::InPack))
                },
                &mut self.cache,
            )
            .ok()?;
        if outcome.kind != kind {
            return None;
        }
        // (the decoded object is the whole buffer, also when the delta cache
        // held the entry itself, where `object_size` would be the delta's)
        let data = self.scratch.as_slice();
        if !delta {
            // gix-pack caches only what it resolved from deltas; the next
            // object is often a delta of this one.
            self.cache
                .put(pack.id, data_offset, data, kind, outcome.compressed_size);
        }
        has_id(kind, data, id).then(|| use_data(data))
    }

    /// The object `id` of `kind` from the packs, else through `objects`.
    pub(super) fn read(&mut self, objects: &Objects, id: &[u8], kind: Kind) -> Option<Vec<u8>> {
        self.packs
            .locate(id)
            .and_then(|at| self.read_at(at, id, kind))
            .or_else(|| objects.read(id, kind))
    }
}

/// The fan-out table of a pack index: for each byte, how many ids start
/// with it or a lower one.
fn fan_out(index: &gix_pack::index::File) -> [u32; 256] {
    read_fan(index).unwrap_or_else(|| search_fan(index))
}

/// The index file's own fan-out table, read from its first kilobyte (with a
/// plain read: finding it through the mapped ids instead mapped pages across
/// the whole id table, ~17 MB of a million-object index resident for an
/// open that reads one record, issue 18, P7); `None` when it cannot be read
/// or does not fit the index gix opened.
fn read_fan(index: &gix_pack::index::File) -> Option<[u32; 256]> {
    use std::io::Read;
    let at = match index.version() {
        gix_pack::index::Version::V1 => 0,
        gix_pack::index::Version::V2 => 8,
    };
    let mut head = vec![0u8; at + 1024];
    std::fs::File::open(index.path())
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    let mut fan = [0u32; 256];
    for (slot, word) in fan.iter_mut().zip(head[at..].chunks_exact(4)) {
        *slot = u32::from_be_bytes(word.try_into().ok()?);
    }
    (fan.windows(2).all(|w| w[0] <= w[1]) && fan[255] == index.num_objects()).then_some(fan)
}

/// The fan-out table found by searching the ids (where the file's own
/// cannot be read).
fn search_fan(index: &gix_pack::index::File) -> [u32; 256] {
    let n = index.num_objects();
    let mut fan = [n; 256];
    for (byte, slot) in fan.iter_mut().enumerate() {
        // the first id whose first byte is above `byte`
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = u32::midpoint(lo, hi);
            if usize::from(index.oid_at_index(mid).as_bytes()[0]) <= byte {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        *slot = lo;
    }
    fan
}

/// The first eight bytes of an id as a number, to compare ids without a
/// call to `memcmp` most of the time.
fn prefix(id: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    head.copy_from_slice(&id[..8]);
    u64::from_be_bytes(head)
}

fn compare(id: &[u8; 20], other: &[u8]) -> std::cmp::Ordering {
    prefix(id)
        .cmp(&prefix(other))
        .then_with(|| id[8..].cmp(&other[8..]))
}

/// Where `id` is among the sorted ids `lo..hi` (`id_at(i)`, 20 bytes each)
/// that share its first byte (issue 18, P1: a binary search of a
/// million-object index was 11 % of a cold open's CPU). Ids are uniformly
/// spread, so the search starts where `id` would sit if they were evenly
/// spaced and gallops outwards from there, then halves the bracket found:
/// a few neighbouring reads instead of a dozen across the whole index.
/// Correct for any sorted ids, only slower when they are not spread evenly.
fn find_sorted<'a>(
    id: &[u8; 20],
    lo: u32,
    hi: u32,
    id_at: impl Fn(u32) -> &'a [u8],
) -> Option<u32> {
    use std::cmp::Ordering::*;
    if lo >= hi {
        return None;
    }
    let n = hi - lo;
    // the 56 bits after the first byte place `id` within its bucket
    let within = prefix(id) & ((1 << 56) - 1);
    let guess = lo + ((u128::from(within) * u128::from(n)) >> 56).min(u128::from(n - 1)) as u32;
    let (mut left, mut right) = match compare(id, id_at(guess)) {
        Equal => return Some(guess),
        Less => {
            // id is in lo..guess: gallop left
            let (mut right, mut step) = (guess, 1);
            loop {
                if right - lo <= step {
                    break (lo, right);
                }
                let probe = right - step;
                match compare(id, id_at(probe)) {
                    Equal => return Some(probe),
                    Less => {
                        right = probe;
                        step *= 2;
                    }
                    Greater => break (probe + 1, right),
                }
            }
        }
        Greater => {
            // id is in guess+1..hi: gallop right
            let (mut left, mut step) = (guess + 1, 1);
            loop {
                if hi - left <= step {
                    break (left, hi);
                }
                let probe = left + step - 1;
                match compare(id, id_at(probe)) {
                    Equal => return Some(probe),
                    Greater => {
                        left = probe + 1;
                        step *= 2;
                    }
                    Less => break (left, probe),
                }
            }
        }
    };
    while left < right {
        let mid = u32::midpoint(left, right);
        match compare(id, id_at(mid)) {
            Less => right = mid,
            Equal => return Some(mid),
            Greater => left = mid + 1,
        }
    }
    None
}

/// Whether `data`, an object of `kind`, is the object `id` (see
/// [`object_id`]). This checks what was read, as libgit2 does.
fn has_id(kind: Kind, data: &[u8], id: &[u8]) -> bool {
    object_id(kind, data)[..] == *id
}

/// The id git gives `data` as an object of `kind` (`git hash-object`): the
/// SHA-1 of git's header and the data. Plain SHA-1, not the
/// collision-detecting one gix uses to name new objects (it was 5 % of a
/// cold open's CPU, issue 18, P1): a read checks ids that come from the trees
/// being read, so a crafted collision would already be the object the tree
/// names.
pub(super) fn object_id(kind: Kind, data: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    h.update(kind.as_bytes());
    h.update(b" ");
    // the size in decimal, written on the stack (gix's `loose_header` builds
    // a small vector and was twice this function's cost per object)
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = data.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    h.update(&digits[at..]);
    h.update(b"\0");
    h.update(data);
    h.finalize().into()
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

    /// Sorted, distinct ids from `seeds`, spread or bunched as they come.
    fn sorted_ids(seeds: &[[u8; 20]]) -> Vec<[u8; 20]> {
        let mut ids = seeds.to_vec();
        ids.sort();
        ids.dedup();
        ids
    }

    fn check_find(ids: &[[u8; 20]], probe: &[u8; 20]) {
        let first = probe[0];
        let lo = ids.partition_point(|x| x[0] < first) as u32;
        let hi = ids.partition_point(|x| x[0] <= first) as u32;
        let want = ids.binary_search(probe).ok().map(|i| i as u32);
        assert_eq!(
            find_sorted(probe, lo, hi, |i| &ids[i as usize][..]),
            want,
            "{probe:?}"
        );
    }

    proptest::proptest! {
        /// Every id present is found where it is, and no absent one, however
        /// the ids are spread (evenly, bunched at one end, sharing long
        /// prefixes).
        #[test]
        fn the_galloping_search_finds_what_a_binary_search_finds(
            seeds in proptest::collection::vec(proptest::array::uniform20(0u8..=255), 0..300),
            bunched in proptest::collection::vec(proptest::array::uniform20(0u8..=3), 0..300),
            probes in proptest::collection::vec(proptest::array::uniform20(0u8..=255), 0..50),
        ) {
            for set in [sorted_ids(&seeds), sorted_ids(&bunched)] {
                for id in &set {
                    check_find(&set, id);
                }
                for p in probes.iter().chain(&bunched) {
                    check_find(&set, p);
                }
            }
        }
    }

    #[test]
    fn every_object_of_a_real_pack_is_found_where_gix_finds_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init_bare(dir.path()).expect("init");
        let mut ids = Vec::new();
        for i in 0..3000 {
            ids.push(repo.blob(format!("blob {i}").as_bytes()).expect("blob"));
        }
        let mut pb = repo.packbuilder().expect("packbuilder");
        for id in &ids {
            pb.insert_object(*id, None).expect("insert");
        }
        pb.write(&dir.path().join("objects/pack"), 0o644)
            .expect("write pack");
        let packs = Packs::open(&dir.path().join("objects"), &[]);
        assert_eq!(packs.bundles.len(), 1);
        let index = &packs.bundles[0].index;
        assert_eq!(read_fan(index), Some(search_fan(index)));
        assert_eq!(search_fan(index)[255], 3000);
        for id in &ids {
            let at = index.lookup(gix_hash::oid::try_from_bytes(id.as_bytes()).expect("id"));
            let want = at.map(|i| (0, index.pack_offset_at_index(i)));
            assert!(want.is_some());
            assert_eq!(packs.locate(id.as_bytes()), want);
        }
        assert_eq!(packs.locate(&[0xab; 20]), None);
        assert_eq!(packs.locate(&[0; 20]), None);
        assert_eq!(packs.locate(&[0xff; 20]), None);
        assert_eq!(packs.locate(&[1; 3]), None);
    }

    #[test]
    fn an_object_has_the_id_git_gives_it() {
        for len in [0, 1, 9, 10, 99, 100, 12345] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            for kind in [Kind::Blob, Kind::Tree] {
                let id =
                    gix_object::compute_hash(gix_hash::Kind::Sha1, kind, &data).expect("hashes");
                assert!(has_id(kind, &data, id.as_bytes()), "{kind} of {len}");
                assert!(!has_id(Kind::Commit, &data, id.as_bytes()), "{len}");
                let mut other = data.clone();
                other.push(0);
                assert!(!has_id(kind, &other, id.as_bytes()), "{len}");
            }
        }
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
            // The pack reader of the cold load: the same bytes, found in
            // the packs only once packed, and a place read under another
            // id or kind refused (the hash and kind checks).
            let packs = Packs::open(&dir.path().join("objects"), &[]);
            let mut reader = packs.reader();
            for id in &blobs {
                let want = repo.find_blob(*id)?.content().to_vec();
                let at = packs.locate(id.as_bytes());
                assert_eq!(at.is_some(), what == "packed", "{what}");
                assert_eq!(
                    reader.read(&objects, id.as_bytes(), Kind::Blob),
                    Some(want.clone()),
                    "{what}"
                );
                if let Some(at) = at {
                    assert_eq!(reader.read_at(at, id.as_bytes(), Kind::Blob), Some(want));
                    assert_eq!(reader.read_at(at, &[7; 20], Kind::Blob), None, "{what}");
                    assert_eq!(reader.read_at(at, id.as_bytes(), Kind::Tree), None);
                }
            }
            assert_eq!(reader.read(&objects, &[7; 20], Kind::Blob), None, "{what}");
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
