//! Reading a snapshot from a commit tree: top-level files first, then every
//! record, parsed in parallel. A broken file is left out and listed as a problem;
//! it never stops the rest from loading.

use std::collections::BTreeMap;

use git2::{ObjectType, Repository, Tree, TreeEntry};
use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::codec::from_ron;
use super::layout::{self, FileKind};
use super::StoreError;
use crate::model::validate::{self, Context};
use crate::model::{
    shard_of, validate_id, Campaign, Member, Nomination, Problem, Record, Rulings, Snapshot, Unit,
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
    match (entry.kind(), entry.filemode()) {
        (Some(ObjectType::Blob), 0o100644 | 0o100755) => {}
        (Some(ObjectType::Blob), 0o120000) => {
            return Err(problem(
                path,
                "is a symbolic link; records must be plain files",
            ))
        }
        (Some(ObjectType::Tree), _) => {
            return Err(problem(path, "is a folder; a file was expected"))
        }
        (Some(ObjectType::Commit), _) => {
            return Err(problem(path, "is a submodule; a file was expected"))
        }
        _ => return Err(problem(path, "is not a plain file")),
    }
    let odb = repo.odb().map_err(|e| problem(path, e.message()))?;
    let (size, _) = odb
        .read_header(entry.id())
        .map_err(|e| problem(path, e.message()))?;
    if size > MAX_FILE_BYTES {
        return Err(problem(
            path,
            format!("is {size} bytes; records are limited to {MAX_FILE_BYTES}"),
        ));
    }
    let blob = repo
        .find_blob(entry.id())
        .map_err(|e| problem(path, e.message()))?;
    Ok(blob.content().to_vec())
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

/// The raw files of one record folder, gathered sequentially (git2 is not `Sync`)
/// so that parsing can run in parallel.
struct RawRecord {
    id: String,
    files: Vec<(String, FileKind, Vec<u8>)>,
    problems: Vec<Problem>,
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
            let is_subdir = prefix == dir
                && matches!(
                    name.as_str(),
                    layout::SCORES_DIR
                        | layout::EVALUATIONS_DIR
                        | layout::OPINIONS_DIR
                        | layout::OBJECTIONS_DIR
                );
            if is_subdir {
                match entry.to_object(repo).ok().and_then(|o| o.into_tree().ok()) {
                    Some(sub) => stack.push((path, sub)),
                    None => raw.problems.push(problem(&path, "is not a folder")),
                }
                continue;
            }
            let kind = layout::classify(&path);
            if kind == FileKind::Other {
                raw.problems.push(problem(
                    &path,
                    "is not a file of the campaign layout (see schema/README.md)",
                ));
                continue;
            }
            match blob_of(repo, &entry, &path) {
                Ok(bytes) => raw.files.push((path, kind, bytes)),
                Err(p) => raw.problems.push(p),
            }
        }
    }
    raw
}

/// Parses and checks one record; files with problems are left out.
fn parse_record(cx: &Context, raw: RawRecord) -> (Option<Record>, Vec<Problem>) {
    let mut problems = raw.problems;
    let Some(pos) = raw
        .files
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
    let (npath, _, nbytes) = &raw.files[pos];
    let nomination = match from_ron::<Nomination>(npath, nbytes) {
        Ok(n) => n,
        Err(p) => {
            problems.push(p);
            return (None, problems);
        }
    };
    let faults = validate::nomination(cx, npath, &raw.id, &nomination);
    if !faults.is_empty() {
        problems.extend(faults);
        return (None, problems);
    }
    let category = nomination.category.clone();
    let mut record = Record::new(nomination);
    for (path, kind, bytes) in &raw.files {
        let outcome: Result<(), Vec<Problem>> = match kind {
            FileKind::Nomination { .. } => Ok(()),
            FileKind::Score { reviewer, .. } => parse_checked(path, bytes, |s| {
                validate::score(cx, path, reviewer, Some(&category), s)
            })
            .map(|s| {
                record.scores.insert(reviewer.clone(), s);
            }),
            FileKind::Evaluation { stem, .. } => {
                parse_checked(path, bytes, |e| validate::evaluation(cx, path, stem, e)).map(|e| {
                    record.evaluations.insert(stem.clone(), e);
                })
            }
            FileKind::Opinion { department, .. } => {
                parse_checked(path, bytes, |o| validate::opinion(cx, path, department, o)).map(
                    |o| {
                        record.opinions.insert(department.clone(), o);
                    },
                )
            }
            FileKind::Votes { .. } => parse_checked(path, bytes, |v| validate::votes(cx, path, v))
                .map(|v| {
                    record.votes = Some(v);
                }),
            FileKind::Objection { stem, .. } => {
                parse_checked(path, bytes, |o| validate::objection(cx, path, o)).map(|o| {
                    record.objections.insert(stem.clone(), o);
                })
            }
            FileKind::Decision { .. } => {
                parse_checked(path, bytes, |d| validate::decision(cx, path, d)).map(|d| {
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

fn parse_checked<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    check: impl FnOnce(&T) -> Vec<Problem>,
) -> Result<T, Vec<Problem>> {
    let value = from_ron::<T>(path, bytes).map_err(|p| vec![p])?;
    let faults = check(&value);
    if faults.is_empty() {
        Ok(value)
    } else {
        Err(faults)
    }
}

/// Every record folder under `nominations/`, with problems for misfiled entries.
fn record_dirs<'r>(
    repo: &'r Repository,
    tree: &Tree,
) -> (Vec<(String, String, Tree<'r>)>, Vec<Problem>) {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    let Ok(entry) = tree.get_path(std::path::Path::new(layout::NOMINATIONS)) else {
        return (dirs, problems);
    };
    let Some(noms) = entry.to_object(repo).ok().and_then(|o| o.into_tree().ok()) else {
        problems.push(problem(layout::NOMINATIONS, "is not a folder"));
        return (dirs, problems);
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for shard in noms.iter() {
        let shard_name = String::from_utf8_lossy(shard.name_bytes()).into_owned();
        let shard_path = format!("{}/{shard_name}", layout::NOMINATIONS);
        let Some(shard_tree) = shard.to_object(repo).ok().and_then(|o| o.into_tree().ok()) else {
            problems.push(problem(&shard_path, "is not a shard folder"));
            continue;
        };
        for rec in shard_tree.iter() {
            let id = String::from_utf8_lossy(rec.name_bytes()).into_owned();
            let dir = format!("{shard_path}/{id}");
            if let Err(e) = validate_id(&id) {
                problems.push(problem(&dir, e.to_string()));
                continue;
            }
            if shard_of(&id) != shard_name {
                let msg = match seen.get(&id) {
                    Some(first) => format!("duplicate id {id:?}: already at {first}"),
                    None => format!(
                        "misfiled: {id:?} belongs under {}/{}",
                        layout::NOMINATIONS,
                        shard_of(&id)
                    ),
                };
                problems.push(problem(&dir, msg));
                continue;
            }
            let Some(rec_tree) = rec.to_object(repo).ok().and_then(|o| o.into_tree().ok()) else {
                problems.push(problem(&dir, "is not a record folder"));
                continue;
            };
            seen.insert(id.clone(), dir.clone());
            dirs.push((dir, id, rec_tree));
        }
    }
    (dirs, problems)
}

pub(super) fn load_tree(
    repo: &Repository,
    tree: &Tree,
    commit: Option<String>,
) -> Result<Snapshot, StoreError> {
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
    let (dirs, dir_problems) = record_dirs(repo, tree);
    problems.extend(dir_problems);
    let raws: Vec<RawRecord> = dirs
        .iter()
        .map(|(dir, id, t)| gather_record(repo, dir, id, t))
        .collect();
    let cx = Context {
        campaign: &campaign,
        members: &members,
        units: &units,
    };
    problems.extend(validate::rulings(&cx, layout::RULINGS, &rulings));
    let parsed: Vec<(Option<Record>, Vec<Problem>)> = raws
        .into_par_iter()
        .map(|raw| parse_record(&cx, raw))
        .collect();
    let mut records = BTreeMap::new();
    for (record, p) in parsed {
        problems.extend(p);
        if let Some(r) = record {
            records.insert(r.nomination.id.clone(), r);
        }
    }
    Ok(Snapshot {
        commit,
        campaign,
        members,
        units,
        rulings,
        records,
        problems,
    })
}

/// Re-reads one record from `tree` into `snapshot`, replacing its old problems.
pub(super) fn reload_record(
    repo: &Repository,
    tree: &Tree,
    snapshot: &mut Snapshot,
    id: &str,
) -> Result<(), StoreError> {
    let dir = layout::record_dir(id)?;
    let prefix = format!("{dir}/");
    snapshot
        .problems
        .retain(|p| !p.path.starts_with(&prefix) && p.path != dir);
    snapshot.records.remove(id);
    let Ok(entry) = tree.get_path(std::path::Path::new(&dir)) else {
        return Ok(());
    };
    let Some(rec_tree) = entry.to_object(repo).ok().and_then(|o| o.into_tree().ok()) else {
        snapshot
            .problems
            .push(problem(&dir, "is not a record folder"));
        return Ok(());
    };
    let raw = gather_record(repo, &dir, id, &rec_tree);
    let cx = Context {
        campaign: &snapshot.campaign,
        members: &snapshot.members,
        units: &snapshot.units,
    };
    let (record, problems) = parse_record(&cx, raw);
    snapshot.problems.extend(problems);
    if let Some(r) = record {
        snapshot.records.insert(id.to_string(), r);
    }
    Ok(())
}
