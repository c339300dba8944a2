//! Reading a snapshot from a commit tree: top-level files first, then every
//! record, parsed in parallel. A broken file is left out and listed as a problem;
//! it never stops the rest from loading.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository, Tree, TreeEntry};
use gix_object::Kind;
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::cache::{self, Entry};
use super::codec::from_ron;
use super::layout::{self, FileKind};
use super::objects::{self, Location, Objects, PackReader, Packs, Reader};
use super::StoreError;
use crate::model::validate::{self, Context};
use crate::model::{
    shard_of, validate_id, Campaign, Decision, Evaluation, Member, Nomination, Objection, Opinion,
    Problem, Record, Rulings, Score, Snapshot, TopIds, TreeIndex, Unit, Votes,
};

/// Records larger than this are refused unread (a 50 MB record is an attack, not a nomination).
pub const MAX_FILE_BYTES: usize = 4 << 20;

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_string(),
        line: None,
        column: None,
        field: None,
        message: message.into(),
    }
}

/// Reads the blob at `path` of `tree`, refusing what is not a plain, small file.
fn read_blob(repo: &Repository, tree: &Tree, path: &str) -> Result<Option<Vec<u8>>, Problem> {
    let entry = match tree.get_path(std::path::Path::new(path)) {
        Ok(e) => e,
        Err(_) => return Ok(None),
    };
    blob_of(repo, &entry, path).map(Some)
}

fn blob_of(repo: &Repository, entry: &TreeEntry, path: &str) -> Result<Vec<u8>, Problem> {
    // (a negative mode is none of git's: "not a plain file", as before)
    let mode = u32::try_from(entry.filemode()).unwrap_or(0);
    if let Some(why) = not_a_plain_file(entry.kind(), mode) {
        return Err(problem(path, why));
    }
    let blob = repo
        .find_blob(entry.id())
        .map_err(|e| problem(path, e.message()))?;
    too_big(path, blob.size()).map_or_else(|| Ok(blob.content().to_vec()), Err)
}

/// Why a tree entry of `kind` and `mode` is not a record file (both readers).
fn not_a_plain_file(kind: Option<ObjectType>, mode: u32) -> Option<&'static str> {
    match (kind, mode) {
        (Some(ObjectType::Blob), 0o100644 | 0o100755) => None,
        (Some(ObjectType::Blob), 0o120000) => {
            Some("is a symbolic link; records must be plain files")
        }
        (Some(ObjectType::Tree), _) => Some("is a folder; a file was expected"),
        (Some(ObjectType::Commit), _) => Some("is a submodule; a file was expected"),
        _ => Some("is not a plain file"),
    }
}

/// A file over [`MAX_FILE_BYTES`] (both readers).
fn too_big(path: &str, size: usize) -> Option<Problem> {
    (size > MAX_FILE_BYTES).then(|| {
        problem(
            path,
            format!("is {size} bytes; records are limited to {MAX_FILE_BYTES}"),
        )
    })
}

/// Whether `name` in the folder `prefix` of the record at `dir` is one of
/// the record's subfolders (scores, evaluations, opinions, objections).
fn is_record_subdir(prefix: &str, dir: &str, name: &str) -> bool {
    prefix == dir
        && matches!(
            name,
            layout::SCORES_DIR
                | layout::EVALUATIONS_DIR
                | layout::OPINIONS_DIR
                | layout::OBJECTIONS_DIR
        )
}

/// A file the campaign layout has no place for.
fn outside_layout(path: &str) -> Problem {
    problem(
        path,
        "is not a file of the campaign layout (see schema/README.md)",
    )
}

/// A required top-level file: missing or unparsable stops the load with its position.
fn required<T: DeserializeOwned>(
    repo: &Repository,
    tree: &Tree,
    path: &str,
) -> Result<T, StoreError> {
    match read_blob(repo, tree, path) {
        Ok(Some(bytes)) => from_ron(path, &bytes).map_err(StoreError::Invalid),
        Ok(None) => Err(StoreError::NotACampaign {
            path: path.to_string(),
            reason: "missing".into(),
        }),
        Err(p) => Err(StoreError::Invalid(p)),
    }
}

/// The files of one record folder, read and parsed but not yet checked
/// against each other and the campaign.
struct RawRecord {
    id: String,
    files: Vec<(String, FileKind, Parsed)>,
    problems: Vec<Problem>,
}

/// A record file parsed by its kind, or its parse fault.
enum Parsed {
    /// (boxed: the largest by far)
    Nomination(Result<Box<Nomination>, Problem>),
    Score(Result<Score, Problem>),
    Evaluation(Result<Evaluation, Problem>),
    Opinion(Result<Opinion, Problem>),
    Votes(Result<Votes, Problem>),
    Objection(Result<Objection, Problem>),
    Decision(Result<Decision, Problem>),
    /// No record file (taken out, or of no record kind).
    Nothing,
}

/// Parses the file at `path` as its `kind` says. Needs nothing but the
/// bytes, so a cold open does it where each blob is decoded (issue 18, P1).
fn parse_file(path: &str, kind: &FileKind, bytes: &[u8]) -> Parsed {
    match kind {
        FileKind::Nomination { .. } => Parsed::Nomination(from_ron(path, bytes).map(Box::new)),
        FileKind::Score { .. } => Parsed::Score(from_ron(path, bytes)),
        FileKind::Evaluation { .. } => Parsed::Evaluation(from_ron(path, bytes)),
        FileKind::Opinion { .. } => Parsed::Opinion(from_ron(path, bytes)),
        FileKind::Votes { .. } => Parsed::Votes(from_ron(path, bytes)),
        FileKind::Objection { .. } => Parsed::Objection(from_ron(path, bytes)),
        FileKind::Decision { .. } => Parsed::Decision(from_ron(path, bytes)),
        _ => Parsed::Nothing,
    }
}

/// A record file's blob, unless it is too big to read: parsed.
fn parse_blob(path: &str, kind: &FileKind, bytes: &[u8]) -> Result<Parsed, Problem> {
    too_big(path, bytes.len()).map_or_else(|| Ok(parse_file(path, kind, bytes)), Err)
}

fn gather_record(repo: &Repository, dir: &str, id: &str, tree: &Tree) -> RawRecord {
    let mut raw = RawRecord {
        id: id.to_string(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    let mut stack: Vec<(String, Tree)> = vec![(dir.to_string(), tree.clone())];
    while let Some((prefix, t)) = stack.pop() {
        for entry in t.iter() {
            let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
            let path = format!("{prefix}/{name}");
            if is_record_subdir(&prefix, dir, &name) {
                match entry.to_object(repo).ok().and_then(|o| o.into_tree().ok()) {
                    Some(sub) => stack.push((path, sub)),
                    None => raw.problems.push(problem(&path, "is not a folder")),
                }
                continue;
            }
            let kind = layout::classify(&path);
            if kind == FileKind::Other {
                raw.problems.push(outside_layout(&path));
                continue;
            }
            match blob_of(repo, &entry, &path) {
                Ok(bytes) => {
                    let parsed = parse_file(&path, &kind, &bytes);
                    raw.files.push((path, kind, parsed));
                }
                Err(p) => raw.problems.push(p),
            }
        }
    }
    raw
}

/// Checks one parsed record; files with problems are left out.
fn parse_record(cx: &Context, raw: RawRecord) -> (Option<Record>, Vec<Problem>) {
    let mut problems = raw.problems;
    let mut files = raw.files;
    let Some(pos) = files
        .iter()
        .position(|(_, k, _)| matches!(k, FileKind::Nomination { .. }))
    else {
        let dir = layout::record_dir(&raw.id).unwrap_or_else(|_| raw.id.clone());
        problems.push(problem(
            &format!("{dir}/{}", layout::NOMINATION_FILE),
            "missing: the record is skipped",
        ));
        return (None, problems);
    };
    let nomination = match std::mem::replace(&mut files[pos].2, Parsed::Nothing) {
        Parsed::Nomination(Ok(n)) => *n,
        Parsed::Nomination(Err(p)) => {
            problems.push(p);
            return (None, problems);
        }
        _ => return (None, problems),
    };
    let faults = validate::nomination(cx, &files[pos].0, &raw.id, &nomination);
    if !faults.is_empty() {
        problems.extend(faults);
        return (None, problems);
    }
    let category = nomination.category.clone();
    let mut record = Record::new(nomination);
    for (path, kind, parsed) in files {
        let path = path.as_str();
        let outcome: Result<(), Vec<Problem>> = match (kind, parsed) {
            (FileKind::Score { reviewer, .. }, Parsed::Score(s)) => checked(s, |s| {
                validate::score(cx, path, &reviewer, Some(&category), s)
            })
            .map(|s| {
                record.scores.insert(reviewer, s);
            }),
            (FileKind::Evaluation { stem, .. }, Parsed::Evaluation(e)) => {
                checked(e, |e| validate::evaluation(cx, path, &stem, e)).map(|e| {
                    record.evaluations.insert(stem, e);
                })
            }
            (FileKind::Opinion { department, .. }, Parsed::Opinion(o)) => {
                checked(o, |o| validate::opinion(cx, path, &department, o)).map(|o| {
                    record.opinions.insert(department, o);
                })
            }
            (FileKind::Votes { .. }, Parsed::Votes(v)) => {
                checked(v, |v| validate::votes(cx, path, v)).map(|v| {
                    record.votes = Some(v);
                })
            }
            (FileKind::Objection { stem, .. }, Parsed::Objection(o)) => {
                checked(o, |o| validate::objection(cx, path, o)).map(|o| {
                    record.objections.insert(stem, o);
                })
            }
            (FileKind::Decision { .. }, Parsed::Decision(d)) => {
                checked(d, |d| validate::decision(cx, path, d)).map(|d| {
                    record.decision = Some(d);
                })
            }
            _ => Ok(()),
        };
        if let Err(p) = outcome {
            problems.extend(p);
        }
    }
    (Some(record), problems)
}

/// A parsed file that passes `check`, or its faults.
fn checked<T>(
    parsed: Result<T, Problem>,
    check: impl FnOnce(&T) -> Vec<Problem>,
) -> Result<T, Vec<Problem>> {
    let value = parsed.map_err(|p| vec![p])?;
    let faults = check(&value);
    if faults.is_empty() {
        Ok(value)
    } else {
        Err(faults)
    }
}

/// A record folder found in the tree.
pub(super) struct RecordDir {
    pub dir: String,
    pub id: String,
    pub tree: git2::Oid,
}

fn tree_of<'r>(repo: &'r Repository, entry: &TreeEntry) -> Option<Tree<'r>> {
    (entry.kind() == Some(ObjectType::Tree))
        .then(|| repo.find_tree(entry.id()).ok())
        .flatten()
}

/// The record folders of one shard, with problems for misfiled entries.
fn shard_dirs(
    shard_name: &str,
    shard_tree: &Tree,
    dirs: &mut Vec<RecordDir>,
    problems: &mut Vec<Problem>,
) {
    let shard_path = format!("{}/{shard_name}", layout::NOMINATIONS);
    for rec in shard_tree.iter() {
        let id = String::from_utf8_lossy(rec.name_bytes()).into_owned();
        let dir = format!("{shard_path}/{id}");
        if let Err(e) = validate_id(&id) {
            problems.push(problem(&dir, e.to_string()));
            continue;
        }
        if shard_of(&id) != shard_name {
            problems.push(problem(
                &dir,
                format!(
                    "misfiled or duplicate id {id:?}: it belongs under {}/{}",
                    layout::NOMINATIONS,
                    shard_of(&id)
                ),
            ));
            continue;
        }
        if rec.kind() != Some(ObjectType::Tree) {
            problems.push(problem(&dir, "is not a record folder"));
            continue;
        }
        dirs.push(RecordDir {
            dir,
            id,
            tree: rec.id(),
        });
    }
}

/// Every record folder under `nominations/` and the shard tree ids. A shard
/// whose tree id `known` holds is not walked: its folders are the ones given
/// (the cache's, listed completely when the shard had that tree).
fn record_dirs(
    repo: &Repository,
    tree: &Tree,
    mut known: HashMap<String, (String, Vec<RecordDir>)>,
) -> (Vec<RecordDir>, Vec<Problem>, BTreeMap<String, String>) {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    let mut shards = BTreeMap::new();
    let Some(entry) = tree.get_name(layout::NOMINATIONS) else {
        return (dirs, problems, shards);
    };
    let Some(noms) = tree_of(repo, &entry) else {
        problems.push(problem(layout::NOMINATIONS, "is not a folder"));
        return (dirs, problems, shards);
    };
    for shard in noms.iter() {
        let name = String::from_utf8_lossy(shard.name_bytes()).into_owned();
        if let Some((id, listed)) = known.remove(&name) {
            if shard.kind() == Some(ObjectType::Tree) && shard.id().to_string() == id {
                shards.insert(name, id);
                dirs.extend(listed);
                continue;
            }
        }
        let Some(shard_tree) = tree_of(repo, &shard) else {
            problems.push(problem(
                &format!("{}/{name}", layout::NOMINATIONS),
                "is not a shard folder",
            ));
            continue;
        };
        shards.insert(name.clone(), shard.id().to_string());
        shard_dirs(&name, &shard_tree, &mut dirs, &mut problems);
    }
    (dirs, problems, shards)
}

pub(super) fn top_ids(tree: &Tree) -> TopIds {
    let id = |name: &str| tree.get_name(name).map(|e| e.id().to_string());
    TopIds {
        campaign: id(layout::CAMPAIGN).unwrap_or_default(),
        members: id(layout::MEMBERS).unwrap_or_default(),
        units: id(layout::UNITS).unwrap_or_default(),
        rulings: id(layout::RULINGS),
    }
}

/// Reads and checks one record folder.
fn load_entry(repo: Option<&Repository>, cx: &Context, d: &RecordDir) -> Entry {
    let (record, problems) = match repo.map(|r| (r, r.find_tree(d.tree))) {
        Some((repo, Ok(tree))) => parse_record(cx, gather_record(repo, &d.dir, &d.id, &tree)),
        Some((_, Err(e))) => (None, vec![problem(&d.dir, e.message())]),
        None => (None, vec![problem(&d.dir, "cannot open the repository")]),
    };
    entry_of(d, record, problems)
}

fn entry_of(d: &RecordDir, record: Option<Record>, problems: Vec<Problem>) -> Entry {
    Entry {
        id: d.id.clone(),
        dir: d.dir.clone(),
        tree: d.tree.to_string(),
        record,
        problems,
        facts: None,
    }
}

/// One item of a record's listing by the fast reader, in tree order.
enum Listed {
    Problem(Problem),
    /// A record file whose blob is still to be read.
    File(String, FileKind, [u8; 20]),
}

/// The first half of [`gather_record`] through the gitoxide reader: the
/// record's files (blob ids, not yet read) and problems in the order
/// `gather_record` finds them, or `None` to read the record through libgit2
/// instead (a tree not found or not of its kind, a tree this reader does
/// not take).
fn list_record_fast(
    reader: &mut PackReader,
    objects: &Objects,
    d: &RecordDir,
) -> Option<Vec<Listed>> {
    let mut items = Vec::new();
    let root = reader.read(objects, d.tree.as_bytes(), Kind::Tree)?;
    let mut stack: Vec<(String, Vec<u8>)> = vec![(d.dir.clone(), root)];
    while let Some((prefix, data)) = stack.pop() {
        for item in objects::tree_items(&data)? {
            let name = String::from_utf8_lossy(item.name);
            let path = format!("{prefix}/{name}");
            if is_record_subdir(&prefix, &d.dir, &name) {
                // libgit2 looks the id up whatever the mode says: leave
                // anything but a readable tree to it.
                if item.mode != 0o040000 {
                    return None;
                }
                stack.push((path, reader.read(objects, item.id, Kind::Tree)?));
                continue;
            }
            let kind = layout::classify(&path);
            if kind == FileKind::Other {
                items.push(Listed::Problem(outside_layout(&path)));
                continue;
            }
            // As `blob_of`, the kind read off the entry's (canonical) mode.
            let kind_of_mode = match item.mode {
                0o040000 => ObjectType::Tree,
                0o160000 => ObjectType::Commit,
                _ => ObjectType::Blob,
            };
            if let Some(why) = not_a_plain_file(Some(kind_of_mode), item.mode) {
                items.push(Listed::Problem(problem(&path, why)));
                continue;
            }
            items.push(Listed::File(path, kind, item.id.try_into().ok()?));
        }
    }
    Some(items)
}

/// The second half: the listing with its files parsed (by item; `None`
/// where a blob could not be read, and then the record goes through libgit2).
fn assemble_record(
    d: &RecordDir,
    listing: Option<Vec<Listed>>,
    parsed: Vec<Option<Result<Parsed, Problem>>>,
) -> Option<RawRecord> {
    let mut raw = RawRecord {
        id: d.id.clone(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    for (item, file) in listing?.into_iter().zip(parsed) {
        match item {
            Listed::Problem(p) => raw.problems.push(p),
            Listed::File(path, kind, _) => match file? {
                Ok(parsed) => raw.files.push((path, kind, parsed)),
                Err(too_big) => raw.problems.push(too_big),
            },
        }
    }
    Some(raw)
}

/// A blob to read: where it is (`NOT_PACKED` when no pack holds it), the
/// record and item it belongs to, and its id.
type Wanted = (Location, usize, usize, [u8; 20]);

const NOT_PACKED: Location = (u32::MAX, u64::MAX);

/// A record item's blob read and parsed (or too big: `Err`; or not read:
/// `None`).
type Decoded = (usize, usize, Option<Result<Parsed, Problem>>);

/// The gitoxide reader's cold load of `dirs` (issue 18, P1): every record's
/// trees are listed in parallel; then all blobs are located in the packs and
/// decoded in pack order, in contiguous runs, one per task, so that a delta
/// finds its base (mostly the blob stored just before it) in the reader's
/// cache; then the records are parsed in parallel. A record with anything
/// this reader does not take is read through libgit2, as a whole.
fn load_entries_fast(
    git_dir: &Path,
    alternates: &[PathBuf],
    cx: &Context,
    dirs: &[&RecordDir],
    objects: &Objects,
    packs: &Packs,
) -> Vec<Entry> {
    let workers = rayon::current_num_threads().max(1);
    let chunk = dirs.len().div_ceil(workers * 4).max(16);
    // (a gix-odb handle is not `Sync`: one per task, made here)
    let handles: Vec<Objects> = (0..dirs.len().div_ceil(chunk))
        .map(|_| objects.for_thread())
        .collect();
    let listings: Vec<Option<Vec<Listed>>> = dirs
        .par_chunks(chunk)
        .zip(handles)
        .flat_map_iter(|(part, objects)| {
            let mut reader = packs.reader();
            part.iter()
                .map(|d| list_record_fast(&mut reader, &objects, d))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut wanted: Vec<Wanted> = listings
        .iter()
        .enumerate()
        .flat_map(|(r, l)| {
            l.iter()
                .flatten()
                .enumerate()
                .filter_map(move |(i, x)| match x {
                    Listed::File(_, _, id) => Some((NOT_PACKED, r, i, *id)),
                    Listed::Problem(_) => None,
                })
        })
        .collect();
    wanted
        .par_iter_mut()
        .with_min_len(1024)
        .for_each(|w| w.0 = packs.locate(&w.3).unwrap_or(NOT_PACKED));
    wanted.par_sort_unstable_by_key(|w| w.0);
    let run = wanted.len().div_ceil(workers * 4).max(256);
    let handles: Vec<Objects> = (0..wanted.len().div_ceil(run))
        .map(|_| objects.for_thread())
        .collect();
    let decoded: Vec<Vec<Decoded>> = wanted
        .par_chunks(run)
        .zip(handles)
        .map(|(part, objects)| {
            let mut reader = packs.reader();
            part.iter()
                .map(|&(at, r, i, id)| {
                    let Some(Some(Listed::File(path, kind, _))) =
                        listings.get(r).map(|l| l.as_ref().and_then(|l| l.get(i)))
                    else {
                        return (r, i, None);
                    };
                    let parse = |bytes: &[u8]| parse_blob(path, kind, bytes);
                    let parsed = (at != NOT_PACKED)
                        .then(|| reader.read_at_with(at, &id, Kind::Blob, parse))
                        .flatten()
                        .or_else(|| objects.read(&id, Kind::Blob).map(|b| parse(&b)));
                    (r, i, parsed)
                })
                .collect()
        })
        .collect();
    drop(wanted);
    let mut parsed: Vec<Vec<Option<Result<Parsed, Problem>>>> = listings
        .iter()
        .map(|l| {
            std::iter::repeat_with(|| None)
                .take(l.as_ref().map_or(0, Vec::len))
                .collect()
        })
        .collect();
    for (r, i, file) in decoded.into_iter().flatten() {
        if let Some(slot) = parsed.get_mut(r).and_then(|b| b.get_mut(i)) {
            *slot = file;
        }
    }
    listings
        .into_par_iter()
        .zip(parsed)
        .zip(dirs.par_iter())
        .map_init(
            || None::<Option<Repository>>,
            |repo, ((listing, parsed), d)| {
                if let Some(raw) = assemble_record(d, listing, parsed) {
                    let (record, problems) = parse_record(cx, raw);
                    return entry_of(d, record, problems);
                }
                let repo = repo.get_or_insert_with(|| open_with_alternates(git_dir, alternates));
                load_entry(repo.as_ref(), cx, d)
            },
        )
        .collect()
}

/// A libgit2 handle on `git_dir` that also reads `alternates`.
fn open_with_alternates(git_dir: &Path, alternates: &[PathBuf]) -> Option<Repository> {
    Repository::open(git_dir).ok().filter(|r| {
        let odb = r.odb();
        alternates.iter().all(|a| {
            odb.as_ref()
                .is_ok_and(|o| o.add_disk_alternate(&a.to_string_lossy()).is_ok())
        })
    })
}

/// Loads record folders in parallel: one chunk per worker thread, each with its
/// own object handles (a `git2::Repository` is not `Sync`, and a handle's
/// pack index and caches are worth keeping for the whole chunk). With
/// `fast`, records are read by [`load_entries_fast`].
fn load_entries(
    git_dir: &Path,
    alternates: &[PathBuf],
    cx: &Context,
    dirs: &[&RecordDir],
    fast: Option<(&Objects, &Packs)>,
) -> Vec<Entry> {
    if dirs.is_empty() {
        return Vec::new();
    }
    if let Some((objects, packs)) = fast {
        return load_entries_fast(git_dir, alternates, cx, dirs, objects, packs);
    }
    let workers = rayon::current_num_threads().max(1);
    let chunk = dirs.len().div_ceil(workers * 4).max(16);
    dirs.par_chunks(chunk)
        .flat_map_iter(|part| {
            let repo = open_with_alternates(git_dir, alternates);
            part.iter()
                .map(|d| load_entry(repo.as_ref(), cx, d))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// campaign.ron, units.ron, members.ron and rulings.ron, with their problems.
type TopFiles = (Campaign, Vec<Unit>, Vec<Member>, Rulings, Vec<Problem>);

fn top_files(repo: &Repository, tree: &Tree) -> Result<TopFiles, StoreError> {
    let campaign: Campaign = required(repo, tree, layout::CAMPAIGN)?;
    let units: Vec<Unit> = required(repo, tree, layout::UNITS)?;
    let members: Vec<Member> = required(repo, tree, layout::MEMBERS)?;
    let mut problems = validate::campaign(layout::CAMPAIGN, &campaign);
    problems.extend(validate::units(layout::UNITS, &units));
    problems.extend(validate::members(layout::MEMBERS, &members, &units));
    let rulings = match read_blob(repo, tree, layout::RULINGS) {
        Ok(Some(bytes)) => match from_ron::<Rulings>(layout::RULINGS, &bytes) {
            Ok(r) => r,
            Err(p) => {
                problems.push(p);
                Rulings::default()
            }
        },
        Ok(None) => Rulings::default(),
        Err(p) => {
            problems.push(p);
            Rulings::default()
        }
    };
    Ok((campaign, units, members, rulings, problems))
}

/// The shard named by a path under `nominations/` (`nominations/07/…`).
fn shard_of_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(layout::NOMINATIONS)?.strip_prefix('/')?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// The record folders of the shards `read` lists completely, by shard name
/// with the shard's tree id; a shard whose count does not hold is left out
/// (then walked).
fn listed_shards(read: &cache::Read) -> HashMap<String, (String, Vec<RecordDir>)> {
    let listed: HashMap<&str, &cache::Shard> =
        read.shards.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut by_shard: HashMap<&str, Vec<RecordDir>> = HashMap::new();
    for e in read.chunks.iter().flatten() {
        let Some(shard) = shard_of_path(&e.dir) else {
            continue;
        };
        if listed.contains_key(shard) {
            let Ok(tree) = git2::Oid::from_str(&e.tree) else {
                continue;
            };
            by_shard.entry(shard).or_default().push(RecordDir {
                dir: e.dir.clone(),
                id: e.id.clone(),
                tree,
            });
        }
    }
    listed
        .into_iter()
        .filter_map(|(name, s)| {
            let dirs = by_shard.remove(name).unwrap_or_default();
            (dirs.len() as u64 == s.dirs).then(|| (name.to_string(), (s.tree.clone(), dirs)))
        })
        .collect()
}

/// How many records a usable cache may be behind before an open rewrites it.
const CACHE_SLACK: usize = 32;

/// Loads the snapshot of `tree`. With `cache`, records whose subtree id is
/// unchanged come from the cache, and the cache is rewritten when it is
/// missing, unusable or more than `CACHE_SLACK` records behind.
pub(super) fn load_tree(
    repo: &Repository,
    alternates: &[PathBuf],
    tree: &Tree,
    commit: Option<String>,
    cache_file: Option<&Path>,
    reader: Reader,
) -> Result<Snapshot, StoreError> {
    let (campaign, units, members, rulings, mut problems) = top_files(repo, tree)?;
    let top = top_ids(tree);
    let cache_file = cache_file.filter(|_| !cache::disabled());
    let read = cache_file.and_then(|f| cache::read(f, &top));
    let usable = read.is_some();
    let known = read.as_ref().map(listed_shards).unwrap_or_default();
    let (dirs, dir_problems, shards) = record_dirs(repo, tree, known);
    // The shards the cache may list completely: no misfiled or broken names.
    let troubled: HashSet<&str> = dir_problems
        .iter()
        .filter_map(|p| shard_of_path(&p.path))
        .collect();
    let mut per_shard: BTreeMap<&str, u64> = BTreeMap::new();
    for d in &dirs {
        if let Some(s) = shard_of_path(&d.dir) {
            *per_shard.entry(s).or_default() += 1;
        }
    }
    let complete: Vec<cache::Shard> = shards
        .iter()
        .filter(|(name, _)| !troubled.contains(name.as_str()))
        .map(|(name, tree)| cache::Shard {
            name: name.clone(),
            tree: tree.clone(),
            dirs: per_shard.get(name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    drop(troubled);
    problems.extend(dir_problems);
    let cx = Context::new(&campaign, &members, &units);
    problems.extend(validate::rulings(&cx, layout::RULINGS, &rulings));

    // The world key the cached entries' facts were assessed under.
    let cached_world = read.as_ref().and_then(|r| r.world);
    let mut cached = cache::Matcher::new(read.map(|r| r.chunks).unwrap_or_default());
    let mut entries: Vec<Option<Entry>> = dirs
        .iter()
        .map(|d| {
            cached.take(&d.id, &d.dir).filter(|e| {
                e.dir == d.dir && git2::Oid::from_str(&e.tree).is_ok_and(|t| t == d.tree)
            })
        })
        .collect();
    let missing: Vec<&RecordDir> = dirs
        .iter()
        .zip(&entries)
        .filter(|(_, e)| e.is_none())
        .map(|(d, _)| d)
        .collect();
    let behind = missing.len() + usize::from(cached.has_rest());
    drop(cached);
    let objects = match reader {
        _ if missing.is_empty() => None,
        Reader::Gitoxide => Objects::open(&repo.commondir().join("objects"), alternates),
        Reader::Libgit2 => None,
    };
    let packs = objects
        .as_ref()
        .map(|_| Packs::open(&repo.commondir().join("objects"), alternates));
    let mut fresh = load_entries(
        repo.path(),
        alternates,
        &cx,
        &missing,
        objects.as_ref().zip(packs.as_ref()),
    )
    .into_iter();
    for e in entries.iter_mut().filter(|e| e.is_none()) {
        *e = fresh.next();
    }
    // A cache a few records behind is kept as it is: those records are read
    // afresh on each open (a few milliseconds) until more than
    // `CACHE_SLACK` are, instead of rewriting ~17 MB after every action
    // (time, and the encoded chunks on top of the snapshot in memory).
    let write_to = cache_file.filter(|f| !usable || behind > CACHE_SLACK || !f.exists());
    // What the cache keeps of each entry beside its record and facts.
    let mut kept: Vec<(String, String, String, Vec<Problem>)> = Vec::new();
    let mut remembered = Vec::new();
    // Problems in the tree's order (as a cold open lists them).
    for e in entries.iter_mut().flatten() {
        if write_to.is_some() {
            kept.push((
                e.id.clone(),
                e.dir.clone(),
                e.tree.clone(),
                e.problems.clone(),
            ));
        }
        problems.append(&mut e.problems);
    }
    // The maps are built from entries in id order (each appended, none
    // shifted: the tree's order is not the ids' order; the entries are
    // large, so their positions are sorted, not they).
    let id_of = |i: usize| entries[i].as_ref().map(|e| e.id.as_str());
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_unstable_by(|a, b| id_of(*a).cmp(&id_of(*b)));
    let mut by_id = Vec::with_capacity(entries.len());
    let mut records = Vec::with_capacity(entries.len());
    for e in order.into_iter().filter_map(|i| entries[i].take()) {
        if let Some((key, facts)) = e.facts {
            remembered.push((e.id.clone(), (key, facts.map(std::sync::Arc::new))));
        }
        if let Some(r) = e.record {
            records.push((e.id.clone(), r));
        }
        by_id.push((e.id, (e.dir, e.tree)));
    }
    let index = TreeIndex {
        top,
        shards,
        records: by_id.into_iter().collect(),
        memo: Default::default(),
    };
    // Facts read with their records: used without hashing while the records
    // stay as this reading left them (`rules::memo`).
    let records = crate::model::Records::as_read(records.into_iter().collect());
    match (cached_world, records.reading()) {
        (Some(world), Some(reading)) => index.memo.extend_read(remembered, world, reading),
        _ => index.memo.extend(remembered),
    }
    let snapshot = Snapshot {
        commit,
        campaign,
        members,
        units,
        rulings,
        records,
        problems,
        index,
    };
    if let Some(file) = write_to {
        // Assess what the cache does not hold yet, so the next open ranks
        // without assessing (the facts' keys are checked again when used).
        let world = crate::rules::memo::fill(&snapshot);
        let memo = &snapshot.index.memo;
        let facts: Vec<_> = kept.iter().map(|(id, ..)| memo.get(id)).collect();
        let refs: Vec<cache::EntryRef> = kept
            .iter()
            .zip(&facts)
            .map(|((id, dir, tree, problems), f)| cache::EntryRef {
                id,
                dir,
                tree,
                record: snapshot.records.get(id),
                problems,
                facts: f.as_ref().map(|(k, f)| (*k, f.as_deref())),
            })
            .collect();
        // A shard is listed only when every one of its folders is kept.
        let mut kept_per_shard: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, dir, ..) in &kept {
            if let Some(s) = shard_of_path(dir) {
                *kept_per_shard.entry(s).or_default() += 1;
            }
        }
        let complete: Vec<cache::Shard> = complete
            .into_iter()
            .filter(|s| kept_per_shard.get(s.name.as_str()).copied().unwrap_or(0) == s.dirs)
            .collect();
        cache::write(file, &snapshot.index.top, world, complete, &refs);
    }
    Ok(snapshot)
}

/// Brings `snapshot` up to `tree`: only shards whose tree id changed are read,
/// and only records whose subtree id changed are parsed. Returns false when a
/// top-level file changed or a shard holds a misfiled entry: then the caller
/// loads the whole snapshot again.
pub(super) fn refresh_tree(repo: &Repository, tree: &Tree, snapshot: &mut Snapshot) -> bool {
    if top_ids(tree) != snapshot.index.top {
        return false;
    }
    let mut new_shards = BTreeMap::new();
    if let Some(entry) = tree.get_name(layout::NOMINATIONS) {
        let Some(noms) = tree_of(repo, &entry) else {
            return false;
        };
        for shard in noms.iter() {
            new_shards.insert(
                String::from_utf8_lossy(shard.name_bytes()).into_owned(),
                shard.id(),
            );
        }
    }
    let changed: Vec<&String> = new_shards
        .keys()
        .chain(snapshot.index.shards.keys())
        .filter(|name| {
            new_shards.get(*name).map(|o| o.to_string()).as_ref()
                != snapshot.index.shards.get(*name)
        })
        .collect();
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for name in changed
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
    {
        if let Some(oid) = new_shards.get(name) {
            let Ok(shard_tree) = repo.find_tree(*oid) else {
                return false;
            };
            shard_dirs(name, &shard_tree, &mut dirs, &mut problems);
        }
    }
    if !problems.is_empty() {
        return false;
    }
    let changed_names: std::collections::BTreeSet<&str> =
        changed.iter().map(|s| s.as_str()).collect();
    // Records that lived in a changed shard and are gone or have a new subtree.
    let in_changed = |dir: &str| {
        dir.split('/')
            .nth(1)
            .is_some_and(|s| changed_names.contains(s))
    };
    let stale: Vec<String> = snapshot
        .index
        .records
        .iter()
        .filter(|(id, (dir, tree))| {
            in_changed(dir)
                && !dirs
                    .iter()
                    .any(|d| &d.id == *id && d.tree.to_string() == *tree)
        })
        .map(|(id, _)| id.clone())
        .collect();
    let todo: Vec<&RecordDir> = dirs
        .iter()
        .filter(|d| {
            snapshot
                .index
                .records
                .get(&d.id)
                .is_none_or(|(_, t)| *t != d.tree.to_string())
        })
        .collect();
    for id in &stale {
        if let Some((dir, _)) = snapshot.index.records.remove(id) {
            let prefix = format!("{dir}/");
            snapshot
                .problems
                .retain(|p| !p.path.starts_with(&prefix) && p.path != dir);
        }
        snapshot.records.remove(id);
    }
    let cx = Context::new(&snapshot.campaign, &snapshot.members, &snapshot.units);
    let entries: Vec<Entry> = todo
        .iter()
        .map(|d| load_entry(Some(repo), &cx, d))
        .collect();
    for e in entries {
        snapshot.problems.extend(e.problems);
        snapshot.index.records.insert(e.id.clone(), (e.dir, e.tree));
        if let Some(r) = e.record {
            snapshot.records.insert(e.id, r);
        }
    }
    snapshot.index.shards = new_shards
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    true
}
