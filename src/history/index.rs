//! The per-record history index: for every commit reachable from HEAD, which
//! records its tree changed against its first parent. Built by walking commits
//! and comparing subtree ids — `nominations/`, then each shard, then each
//! record — so an unchanged subtree is never opened; kept incrementally in
//! `.git/pingxuan/history.idx` (only commits new since the indexed tip are
//! walked). libgit2 has no fast `log -- path`; this is ours.
//!
//! Like the snapshot cache it can never change a result: a missing, truncated,
//! corrupt or foreign index, or one whose tip is no longer an ancestor of HEAD,
//! is rebuilt.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, Sort, Tree};
use serde::{Deserialize, Serialize};

use crate::store::{framing, layout};

const MAGIC: &[u8; 8] = b"PXHIST\x00\x01";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryIndex {
    /// The commit the index was built up to.
    pub tip: Option<[u8; 20]>,
    /// Commits reachable from `tip`, newest first (topological, then by time).
    pub commits: Vec<[u8; 20]>,
    /// Record id to positions in `commits` of the commits that changed it.
    pub records: HashMap<String, Vec<u32>>,
}

fn raw(oid: Oid) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(oid.as_bytes());
    out
}

fn sub_tree<'r>(repo: &'r Repository, tree: &Tree, name: &str) -> Option<Tree<'r>> {
    let e = tree.get_name(name)?;
    (e.kind() == Some(ObjectType::Tree)).then(|| repo.find_tree(e.id()).ok())?
}

/// Names whose ids differ between two trees (added, removed or changed), by a
/// merge-join over their sorted entries: no allocation for equal entries.
fn differing(
    old: Option<&Tree>,
    new: Option<&Tree>,
    mut out: impl FnMut(&[u8], Option<Oid>, Option<Oid>),
) {
    let mut a = old.map(|t| t.iter()).into_iter().flatten().peekable();
    let mut b = new.map(|t| t.iter()).into_iter().flatten().peekable();
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(x), None) => {
                out(x.name_bytes(), Some(x.id()), None);
                a.next();
            }
            (None, Some(y)) => {
                out(y.name_bytes(), None, Some(y.id()));
                b.next();
            }
            (Some(x), Some(y)) => match x.name_bytes().cmp(y.name_bytes()) {
                std::cmp::Ordering::Less => {
                    out(x.name_bytes(), Some(x.id()), None);
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    out(y.name_bytes(), None, Some(y.id()));
                    b.next();
                }
                std::cmp::Ordering::Equal => {
                    if x.id() != y.id() {
                        out(x.name_bytes(), Some(x.id()), Some(y.id()));
                    }
                    a.next();
                    b.next();
                }
            },
        }
    }
}

/// The records whose folder differs between `old` and `new` (first-parent diff).
pub fn changed_records(repo: &Repository, old: Option<&Tree>, new: &Tree) -> Vec<String> {
    let noms_new = new.get_name(layout::NOMINATIONS).map(|e| e.id());
    let noms_old = old
        .and_then(|t| t.get_name(layout::NOMINATIONS))
        .map(|e| e.id());
    if noms_new == noms_old {
        return Vec::new();
    }
    let new_n = sub_tree(repo, new, layout::NOMINATIONS);
    let old_n = old.and_then(|t| sub_tree(repo, t, layout::NOMINATIONS));
    let mut shards = Vec::new();
    differing(old_n.as_ref(), new_n.as_ref(), |_, a, b| {
        shards.push((a, b))
    });
    let load = |id: Option<Oid>| id.and_then(|id| repo.find_tree(id).ok());
    let mut out = Vec::new();
    for (a, b) in shards {
        let (ta, tb) = (load(a), load(b));
        differing(ta.as_ref(), tb.as_ref(), |name, _, _| {
            out.push(String::from_utf8_lossy(name).into_owned());
        });
    }
    out.sort();
    out.dedup();
    out
}

pub fn path(git_dir: &Path) -> PathBuf {
    git_dir.join("pingxuan").join("history.idx")
}

impl HistoryIndex {
    /// Reads the index file; `None` when absent or unusable.
    pub fn read(file: &Path) -> Option<HistoryIndex> {
        let bytes = std::fs::read(file).ok()?;
        let body = framing::body(&bytes, MAGIC)?;
        let index: HistoryIndex = postcard::from_bytes(body).ok()?;
        let n = index.commits.len();
        let sane = index
            .records
            .values()
            .all(|v| v.iter().all(|&i| (i as usize) < n))
            && (index.tip.is_some() || n == 0)
            && index.commits.first() == index.tip.as_ref();
        sane.then_some(index)
    }

    /// Writes atomically; a failure only costs time next run.
    pub fn write(&self, file: &Path) {
        if let Ok(body) = postcard::to_stdvec(self) {
            framing::write(file, MAGIC, &body);
        }
    }

    /// Brings the index up to `head`, walking only commits new since its tip;
    /// rebuilds from scratch when the tip is not an ancestor of `head`.
    /// Returns whether anything changed.
    pub fn update(&mut self, repo: &Repository, head: Oid) -> Result<bool, git2::Error> {
        let tip = self.tip.and_then(|t| Oid::from_bytes(&t).ok());
        if tip == Some(head) {
            return Ok(false);
        }
        let keep = match tip {
            Some(t) => repo.find_commit(t).is_ok() && repo.graph_descendant_of(head, t)?,
            None => false,
        };
        if !keep {
            *self = HistoryIndex::default();
        }
        let mut walk = repo.revwalk()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
        walk.push(head)?;
        if let (true, Some(t)) = (keep, tip) {
            walk.hide(t)?;
        }
        let new_commits: Vec<Oid> = walk.collect::<Result<_, _>>()?;
        let new_touch = touched_in_parallel(repo.path(), &new_commits);
        let mut new_commits: Vec<[u8; 20]> = new_commits.into_iter().map(raw).collect();
        let shift = u32::try_from(new_commits.len()).unwrap_or(u32::MAX);
        for list in self.records.values_mut() {
            for i in list.iter_mut() {
                *i += shift;
            }
        }
        for (pos, ids) in new_touch.into_iter().enumerate().rev() {
            for id in ids {
                let list = self.records.entry(id).or_default();
                list.insert(0, pos as u32);
            }
        }
        new_commits.append(&mut self.commits);
        self.commits = new_commits;
        self.tip = Some(raw(head));
        Ok(true)
    }

    /// The commits that changed `record`, newest first.
    pub fn touching(&self, record: &str) -> Vec<Oid> {
        self.records
            .get(record)
            .map(|list| {
                list.iter()
                    .filter_map(|&i| self.commits.get(i as usize))
                    .filter_map(|b| Oid::from_bytes(b).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `changed_records` of each commit, computed on every core, each worker with
/// its own repository handle.
fn touched_in_parallel(git_dir: &Path, commits: &[Oid]) -> Vec<Vec<String>> {
    use rayon::prelude::*;
    let chunk = commits
        .len()
        .div_ceil(rayon::current_num_threads().max(1) * 8)
        .max(64);
    commits
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let repo = Repository::open(git_dir).ok();
            part.iter()
                .map(|oid| {
                    let Some(repo) = repo.as_ref() else {
                        return Vec::new();
                    };
                    let Ok(commit) = repo.find_commit(*oid) else {
                        return Vec::new();
                    };
                    let (Ok(tree), parent) = (
                        commit.tree(),
                        commit.parent(0).ok().and_then(|p| p.tree().ok()),
                    ) else {
                        return Vec::new();
                    };
                    changed_records(repo, parent.as_ref(), &tree)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The index of `repo` up to `head`: read from the git directory, updated with
/// the commits new since, and written back when it changed.
pub fn load(repo: &Repository, head: Oid) -> Result<HistoryIndex, git2::Error> {
    let file = path(repo.path());
    let mut index = if crate::store::cache::disabled() {
        HistoryIndex::default()
    } else {
        HistoryIndex::read(&file).unwrap_or_default()
    };
    if index.update(repo, head)? && !crate::store::cache::disabled() {
        index.write(&file);
    }
    Ok(index)
}

/// Deletes the index file (`pingxuan reindex`).
pub fn remove(git_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path(git_dir)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
