//! Bringing a snapshot forward over a commit from the files the commit wrote
//! (issue 18, P5 and P11). An action's plan already holds every changed
//! file's new content: parsing and checking just those files, and reading
//! only the new tree ids, gives the same snapshot a reload of the commit
//! would give, without reading the changed record's other files again.
//!
//! Only the clean case is carried: the snapshot has no problems, the commit
//! is the snapshot's commit's only child, and every changed file (and, after
//! a change of campaign.ron, members.ron or units.ron, every record against
//! the new ones) passes the loader's checks. Anything else returns `None`
//! and the caller reloads as before ([`Store::refresh`]), so a broken file
//! is reported exactly as the loader reports it.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use git2::{ObjectType, Oid, Repository, Tree};
use serde::de::DeserializeOwned;

use super::codec::from_ron;
use super::layout::{self, FileKind};
use super::plan::FileChange;
use super::{Store, StoreError};
use crate::model::validate::{self, Context};
use crate::model::{
    shard_of, Campaign, Member, Nomination, Problem, Record, Rulings, Snapshot, TopIds, Unit,
};

impl Store {
    /// Brings `snapshot` from its commit to `commit`, a child of it that
    /// changed exactly `changes` (an action's planned files): the changed
    /// files are parsed from `changes`, only tree ids are read from the
    /// repository. Falls back to [`Store::refresh`] for what it does not
    /// carry (see the module notes); the result is the snapshot a load of
    /// `commit` gives either way.
    pub fn carry_forward(
        &self,
        snapshot: &mut Snapshot,
        commit: Oid,
        changes: &[FileChange],
    ) -> Result<(), StoreError> {
        let c = self.repo.find_commit(commit)?;
        let parent = (c.parent_count() == 1)
            .then(|| c.parent_id(0).ok())
            .flatten()
            .map(|p| p.to_string());
        if parent.is_some() && parent == snapshot.commit {
            let tree = c.tree()?;
            if let Some(next) = forward(&self.repo, &tree, snapshot, changes) {
                next.apply(snapshot, commit);
                return Ok(());
            }
        }
        if self.objects_in_memory.load(Ordering::Relaxed) {
            // The loader's parallel readers open their own handles, which
            // cannot see objects held in this handle's memory.
            return Err(StoreError::Invalid(Problem {
                path: commit.to_string(),
                line: None,
                column: None,
                field: None,
                message: "cannot be carried forward from its planned files (a problem in the \
                          campaign), and its objects are not on disk yet"
                    .into(),
            }));
        }
        self.refresh(snapshot, commit)
    }
}

/// What a commit changes in a snapshot, computed before anything is changed.
struct Forward {
    top: TopIds,
    campaign: Option<Campaign>,
    members: Option<Vec<Member>>,
    units: Option<Vec<Unit>>,
    rulings: Option<Rulings>,
    /// Records to put, with their folder and subtree id.
    records: Vec<(String, Record, String, String)>,
    /// Shard name to its new tree id.
    shards: Vec<(String, String)>,
}

impl Forward {
    fn apply(self, s: &mut Snapshot, commit: Oid) {
        s.commit = Some(commit.to_string());
        s.index.top = self.top;
        if let Some(c) = self.campaign {
            s.campaign = c;
        }
        if let Some(m) = self.members {
            s.members = m;
        }
        if let Some(u) = self.units {
            s.units = u;
        }
        if let Some(r) = self.rulings {
            s.rulings = r;
        }
        for (name, id) in self.shards {
            s.index.shards.insert(name, id);
        }
        for (id, record, dir, tree) in self.records {
            s.index.records.insert(id.clone(), (dir, tree));
            s.records.insert(id, record);
        }
    }
}

/// A file of a record and its new content (`None`: removed).
type Written<'c> = (FileKind, Option<&'c [u8]>);

/// Parses `bytes` and checks the value; `None` when either finds a problem.
fn parsed<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    check: impl FnOnce(&T) -> Vec<Problem>,
) -> Option<T> {
    let value = from_ron::<T>(path, bytes).ok()?;
    check(&value).is_empty().then_some(value)
}

fn subtree<'r>(repo: &'r Repository, tree: &Tree, name: &str) -> Option<Tree<'r>> {
    let entry = tree.get_name(name)?;
    (entry.kind() == Some(ObjectType::Tree))
        .then(|| repo.find_tree(entry.id()).ok())
        .flatten()
}

/// The snapshot at the commit whose tree is `tree`, as changes to `s`;
/// `None` where the loader could see something this does not carry.
fn forward(
    repo: &Repository,
    tree: &Tree,
    s: &Snapshot,
    changes: &[FileChange],
) -> Option<Forward> {
    if !s.problems.is_empty() {
        return None;
    }
    let mut campaign = None;
    let mut members = None;
    let mut units = None;
    let mut rulings = None;
    let mut by_record: BTreeMap<String, Vec<Written>> = BTreeMap::new();
    for change in changes {
        let bytes = change.content.as_deref().map(str::as_bytes);
        if bytes.is_some_and(|b| b.len() > super::load::MAX_FILE_BYTES) {
            return None;
        }
        match layout::classify(&change.path) {
            FileKind::Campaign => campaign = Some(from_ron::<Campaign>(&change.path, bytes?).ok()?),
            FileKind::Members => {
                members = Some(from_ron::<Vec<Member>>(&change.path, bytes?).ok()?)
            }
            FileKind::Units => units = Some(from_ron::<Vec<Unit>>(&change.path, bytes?).ok()?),
            FileKind::Rulings => {
                rulings = Some(match bytes {
                    Some(b) => from_ron::<Rulings>(&change.path, b).ok()?,
                    None => Rulings::default(),
                })
            }
            FileKind::Other => return None,
            kind => {
                let id = kind.record()?.to_string();
                by_record.entry(id).or_default().push((kind, bytes));
            }
        }
    }
    let top = super::load::top_ids(tree);
    // The top-level files' ids must have changed exactly where the changes say.
    let same = |changed: bool, old: &str, new: &str| changed || old == new;
    if !same(campaign.is_some(), &s.index.top.campaign, &top.campaign)
        || !same(members.is_some(), &s.index.top.members, &top.members)
        || !same(units.is_some(), &s.index.top.units, &top.units)
        || (rulings.is_none() && s.index.top.rulings != top.rulings)
    {
        return None;
    }
    let cx = Context::new(
        campaign.as_ref().unwrap_or(&s.campaign),
        members.as_deref().unwrap_or(&s.members),
        units.as_deref().unwrap_or(&s.units),
    );
    let top_changed = campaign.is_some() || members.is_some() || units.is_some();
    if top_changed {
        // Every record is checked against the new campaign, members and units
        // (their parsed values are the files' values: parsing needs no context).
        let mut problems = validate::campaign(layout::CAMPAIGN, cx.campaign);
        problems.extend(validate::units(layout::UNITS, cx.units));
        problems.extend(validate::members(layout::MEMBERS, cx.members, cx.units));
        if !problems.is_empty() {
            return None;
        }
        for (id, record) in &s.records {
            if !by_record.contains_key(id) && !record_is_clean(&cx, id, record)? {
                return None;
            }
        }
    }
    if top_changed || rulings.is_some() {
        let r = rulings.as_ref().unwrap_or(&s.rulings);
        if !validate::rulings(&cx, layout::RULINGS, r).is_empty() {
            return None;
        }
    }

    let noms = subtree(repo, tree, layout::NOMINATIONS);
    let mut shard_trees: BTreeMap<String, Tree> = BTreeMap::new();
    let mut records = Vec::new();
    for (id, files) in by_record {
        let shard = shard_of(&id);
        if !shard_trees.contains_key(&shard) {
            shard_trees.insert(shard.clone(), subtree(repo, noms.as_ref()?, &shard)?);
        }
        let entry = shard_trees.get(&shard)?.get_name(&id)?;
        if entry.kind() != Some(ObjectType::Tree) {
            return None;
        }
        let record = carry_record(&cx, s, &id, files)?;
        if top_changed && !record_is_clean(&cx, &id, &record)? {
            return None;
        }
        let dir = layout::record_dir(&id).ok()?;
        records.push((id, record, dir, entry.id().to_string()));
    }
    let shards = shard_trees
        .into_iter()
        .map(|(name, t)| (name, t.id().to_string()))
        .collect();
    Some(Forward {
        top,
        campaign,
        members,
        units,
        rulings,
        records,
        shards,
    })
}

/// The record `id` with `files` written (`None`: removed), each file parsed
/// and checked as the loader does; `None` where the loader would report a
/// problem or the record's category changes (its scores are checked
/// against it).
fn carry_record(cx: &Context, s: &Snapshot, id: &str, files: Vec<Written>) -> Option<Record> {
    let npath = layout::nomination_path(id).ok()?;
    let new_nomination = files
        .iter()
        .find(|(k, _)| matches!(k, FileKind::Nomination { .. }));
    let mut record = match (s.records.get(id), new_nomination) {
        (_, Some((_, None))) => return None,
        (Some(old), Some((_, Some(bytes)))) => {
            let n: Nomination = parsed(&npath, bytes, |n| validate::nomination(cx, &npath, id, n))?;
            if n.category != old.nomination.category {
                return None;
            }
            let mut r = old.clone();
            r.nomination = n;
            r
        }
        (Some(old), None) => old.clone(),
        (None, Some((_, Some(bytes)))) => {
            if s.index.records.contains_key(id) {
                return None;
            }
            Record::new(parsed(&npath, bytes, |n| {
                validate::nomination(cx, &npath, id, n)
            })?)
        }
        (None, None) => return None,
    };
    let category = record.nomination.category.clone();
    for (kind, bytes) in files {
        let path = match &kind {
            FileKind::Nomination { .. } => continue,
            FileKind::Score { reviewer, .. } => layout::score_path(id, reviewer),
            FileKind::Evaluation { stem, .. } => layout::evaluation_path(id, stem),
            FileKind::Opinion { department, .. } => layout::opinion_path(id, department),
            FileKind::Votes { .. } => layout::votes_path(id),
            FileKind::Objection { stem, .. } => layout::objection_path(id, stem),
            FileKind::Decision { .. } => layout::decision_path(id),
            _ => return None,
        }
        .ok()?;
        let path = path.as_str();
        match (kind, bytes) {
            (FileKind::Score { reviewer, .. }, Some(b)) => {
                let sc = parsed(path, b, |v| {
                    validate::score(cx, path, &reviewer, Some(category.as_str()), v)
                })?;
                record.scores.insert(reviewer, sc);
            }
            (FileKind::Score { reviewer, .. }, None) => {
                record.scores.remove(&reviewer)?;
            }
            (FileKind::Evaluation { stem, .. }, Some(b)) => {
                let e = parsed(path, b, |v| validate::evaluation(cx, path, &stem, v))?;
                record.evaluations.insert(stem, e);
            }
            (FileKind::Evaluation { stem, .. }, None) => {
                record.evaluations.remove(&stem)?;
            }
            (FileKind::Opinion { department, .. }, Some(b)) => {
                let o = parsed(path, b, |v| validate::opinion(cx, path, &department, v))?;
                record.opinions.insert(department, o);
            }
            (FileKind::Opinion { department, .. }, None) => {
                record.opinions.remove(&department)?;
            }
            (FileKind::Votes { .. }, Some(b)) => {
                record.votes = Some(parsed(path, b, |v| validate::votes(cx, path, v))?);
            }
            (FileKind::Votes { .. }, None) => {
                record.votes.take()?;
            }
            (FileKind::Objection { stem, .. }, Some(b)) => {
                let o = parsed(path, b, |v| validate::objection(cx, path, v))?;
                record.objections.insert(stem, o);
            }
            (FileKind::Objection { stem, .. }, None) => {
                record.objections.remove(&stem)?;
            }
            (FileKind::Decision { .. }, Some(b)) => {
                record.decision = Some(parsed(path, b, |v| validate::decision(cx, path, v))?);
            }
            (FileKind::Decision { .. }, None) => {
                record.decision.take()?;
            }
            _ => return None,
        }
    }
    Some(record)
}

/// Whether every file of `record` passes the loader's checks against `cx`
/// (after a change of the campaign, members or units). `None` for an id
/// that makes no path.
fn record_is_clean(cx: &Context, id: &str, r: &Record) -> Option<bool> {
    let category = r.nomination.category.as_str();
    let mut problems =
        validate::nomination(cx, &layout::nomination_path(id).ok()?, id, &r.nomination);
    for (reviewer, sc) in &r.scores {
        let path = layout::score_path(id, reviewer).ok()?;
        problems.extend(validate::score(cx, &path, reviewer, Some(category), sc));
    }
    for (stem, e) in &r.evaluations {
        let path = layout::evaluation_path(id, stem).ok()?;
        problems.extend(validate::evaluation(cx, &path, stem, e));
    }
    for (department, o) in &r.opinions {
        let path = layout::opinion_path(id, department).ok()?;
        problems.extend(validate::opinion(cx, &path, department, o));
    }
    if let Some(v) = &r.votes {
        problems.extend(validate::votes(cx, &layout::votes_path(id).ok()?, v));
    }
    for (stem, o) in &r.objections {
        let path = layout::objection_path(id, stem).ok()?;
        problems.extend(validate::objection(cx, &path, o));
    }
    if let Some(d) = &r.decision {
        problems.extend(validate::decision(cx, &layout::decision_path(id).ok()?, d));
    }
    Some(problems.is_empty())
}
