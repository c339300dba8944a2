//! The snapshot cache never changes a result: corrupted, truncated, deleted,
//! stale or foreign, the snapshot still equals a cold load.

use std::path::Path;

use pingxuan::store::{cache, Store};

fn generated(n: usize, seed: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("c.git");
    pingxuan::gen::generate(&repo, n, seed).unwrap();
    let store = Store::open(&repo).unwrap();
    (dir, store)
}

fn check_equal(store: &Store, what: &str) {
    let head = store.head().unwrap().unwrap();
    let cold = store.snapshot_cold(head).unwrap();
    let cached = store.snapshot_at(head).unwrap();
    assert_eq!(
        cached, cold,
        "{what}: cached snapshot differs from a cold load"
    );
    assert_eq!(cached.index, cold.index, "{what}: index differs");
    // And once more, now that the cache was rewritten.
    assert_eq!(
        store.snapshot_at(head).unwrap(),
        cold,
        "{what}: after rewrite"
    );
}

/// The blobs under the folder `dir` of `tree`: (path below `dir`, blob id).
fn blobs_under(repo: &git2::Repository, tree: &git2::Tree, dir: &str) -> Vec<(String, git2::Oid)> {
    let sub = tree
        .get_path(Path::new(dir))
        .unwrap()
        .to_object(repo)
        .unwrap()
        .into_tree()
        .unwrap();
    let mut out = Vec::new();
    sub.walk(git2::TreeWalkMode::PreOrder, |root, e| {
        if e.kind() == Some(git2::ObjectType::Blob) {
            out.push((format!("{root}{}", e.name().unwrap()), e.id()));
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    out
}

fn cache_file(store: &Store) -> std::path::PathBuf {
    cache::path(&store.git_dir())
}

#[test]
fn warm_open_equals_cold_open() {
    let (_d, store) = generated(60, 1);
    check_equal(&store, "first open");
    assert!(cache_file(&store).exists(), "the cache was written");
    check_equal(&store, "warm open");
}

/// P2: every category's ranking from a warm open (the facts read from the
/// cache, nothing assessed) equals the ranking of a cold load; so does the
/// ranking of a record edited in memory afterwards (its key changed).
fn check_rankings(store: &Store, day: chrono::NaiveDate, what: &str) {
    let head = store.head().unwrap().unwrap();
    let cold = store.snapshot_cold(head).unwrap();
    assert!(
        cold.index.memo.is_empty(),
        "{what}: a cold load remembers nothing"
    );
    let want = pingxuan::rules::rank_all(&cold, day);
    store.snapshot_at(head).unwrap(); // the cache written, with facts
    let warm = store.snapshot_at(head).unwrap();
    assert_eq!(
        warm.index.memo.len(),
        warm.records.len(),
        "{what}: the warm open read every record's facts from the cache"
    );
    assert_eq!(pingxuan::rules::rank_all(&warm, day), want, "{what}: warm");
    assert!(!want.is_empty());
    // Edited in memory (no commit): the remembered facts no longer fit.
    let mut edited = warm.clone();
    for r in edited.records.values_mut() {
        r.opinions.clear();
        r.decision = None;
    }
    let mut fresh = edited.clone();
    fresh.index.memo = Default::default();
    let got = pingxuan::rules::rank_all(&edited, day);
    assert_eq!(
        got,
        pingxuan::rules::rank_all(&fresh, day),
        "{what}: edited"
    );
    assert_ne!(got, want, "{what}: the edit changes the ranking");
    // And a campaign edited in memory.
    let mut stricter = warm.clone();
    for c in &mut stricter.campaign.categories {
        c.min_score = 1000.0;
    }
    let mut fresh = stricter.clone();
    fresh.index.memo = Default::default();
    assert_eq!(
        pingxuan::rules::rank_all(&stricter, day),
        pingxuan::rules::rank_all(&fresh, day),
        "{what}: stricter campaign"
    );
}

#[test]
fn warm_ranking_equals_cold_ranking_on_a_generated_campaign() {
    let (_d, store) = generated(90, 3);
    let day = chrono::NaiveDate::from_ymd_opt(2017, 12, 20).unwrap();
    check_rankings(&store, day, "generated");
}

#[test]
fn warm_ranking_equals_cold_ranking_on_the_demo() {
    let demo = crate::common::demo::copy(None);
    let store = Store::open(&demo.dir).unwrap();
    for day in [(11, 20), (12, 12)] {
        let day = chrono::NaiveDate::from_ymd_opt(2017, day.0, day.1).unwrap();
        let _ = cache::remove(&store.git_dir());
        check_rankings(&store, day, &format!("demo on {day}"));
    }
}

#[test]
fn corrupt_truncated_deleted_or_garbage_cache_changes_nothing() {
    let (_d, store) = generated(60, 2);
    check_equal(&store, "build");
    let file = cache_file(&store);
    let good = std::fs::read(&file).unwrap();

    // A flipped byte in the middle.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x5a;
    std::fs::write(&file, &bad).unwrap();
    check_equal(&store, "corrupt");

    // Truncated at several points.
    for cut in [0, 3, 8, good.len() / 3, good.len() - 1] {
        std::fs::write(&file, &good[..cut]).unwrap();
        check_equal(&store, &format!("truncated at {cut}"));
    }

    // Deleted.
    std::fs::remove_file(&file).unwrap();
    check_equal(&store, "deleted");

    // Garbage with a valid magic.
    let mut junk = b"PXCACHE\x03".to_vec();
    junk.extend(std::iter::repeat_n(0xffu8, 4096));
    std::fs::write(&file, &junk).unwrap();
    check_equal(&store, "garbage");

    // `reindex` rebuilds from scratch.
    let head = store.head().unwrap().unwrap();
    assert_eq!(
        pingxuan::act::history::reindex(&store).unwrap(),
        store.snapshot_cold(head).unwrap()
    );
}

#[test]
fn stale_cache_after_new_commits_is_refreshed_record_by_record() {
    let (_d, store) = generated(60, 3);
    check_equal(&store, "build");
    let head = store.head().unwrap().unwrap();
    let snap = store.snapshot_at(head).unwrap();
    // Change one record and delete another with plain git2 commits.
    let (id, record) = snap.records.iter().next().unwrap();
    let reviewer = record.scores.keys().next().unwrap().clone();
    let mut score = record.scores[&reviewer].clone();
    score.comment = "\u{590d}\u{6838}".into();
    let changes = vec![pingxuan::store::FileChange {
        path: pingxuan::store::layout::score_path(id, &reviewer).unwrap(),
        content: Some(pingxuan::store::codec::to_ron(&score).unwrap()),
    }];
    let meta = pingxuan::store::CommitMeta {
        name: "t".into(),
        email: "t@example.invalid".into(),
        when: chrono::DateTime::parse_from_rfc3339("2017-11-21T10:00:00+08:00").unwrap(),
        summary: "edit".into(),
        trailers: vec![],
    };
    let c1 = store
        .commit_changes(Some(head), &changes, &meta, None)
        .unwrap();
    let gone = snap.records.keys().nth(5).unwrap().clone();
    let dir = pingxuan::store::layout::record_dir(&gone).unwrap();
    let repo = &git2::Repository::open(store.git_dir()).unwrap();
    let tree = repo.find_commit(c1).unwrap().tree().unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    for (rel, _) in blobs_under(repo, &tree, &dir) {
        b.remove(format!("{dir}/{rel}"));
    }
    let new_tree = repo
        .find_tree(b.create_updated(repo, &tree).unwrap())
        .unwrap();
    let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
    let parent = repo.find_commit(c1).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "remove", &new_tree, &[&parent])
        .unwrap();
    // The cache still describes `head`: it is stale now.
    check_equal(&store, "stale");
    let now = store.snapshot().unwrap();
    assert_eq!(now.records[id].scores[&reviewer].comment, score.comment);
    assert!(!now.records.contains_key(&gone));
}

#[test]
fn a_cache_from_another_repository_is_never_trusted() {
    let (_a, one) = generated(60, 4);
    let (_b, two) = generated(60, 5);
    check_equal(&one, "one");
    check_equal(&two, "two");
    std::fs::copy(cache_file(&one), cache_file(&two)).unwrap();
    check_equal(&two, "foreign cache");
}

/// The commits that changed `id`, by walking every commit and comparing the
/// record folder's entry with the first parent's: the slow way the index replaces.
fn touching_by_walk(repo: &git2::Repository, id: &str) -> Vec<git2::Oid> {
    let dir = pingxuan::store::layout::record_dir(id).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
        .unwrap();
    walk.push_head().unwrap();
    walk.map(|o| o.unwrap())
        .filter(|oid| {
            let c = repo.find_commit(*oid).unwrap();
            let now = c
                .tree()
                .unwrap()
                .get_path(Path::new(&dir))
                .ok()
                .map(|e| e.id());
            let before = c.parent(0).ok().and_then(|p| {
                p.tree()
                    .unwrap()
                    .get_path(Path::new(&dir))
                    .ok()
                    .map(|e| e.id())
            });
            now != before
        })
        .collect()
}

#[test]
fn history_index_equals_a_full_walk_and_survives_corruption() {
    use pingxuan::history::index;
    let (_d, store) = generated(45, 6);
    let repo = &git2::Repository::open(store.git_dir()).unwrap();
    let head = store.head().unwrap().unwrap();
    let snap = store.snapshot().unwrap();
    let ids: Vec<String> = snap.records.keys().take(6).cloned().collect();
    let check = |what: &str| {
        let head = store.head().unwrap().unwrap();
        let idx = index::load(repo, head).unwrap();
        for id in &ids {
            assert_eq!(idx.touching(id), touching_by_walk(repo, id), "{what}: {id}");
        }
    };
    check("built");
    let file = index::path(&store.git_dir());
    assert!(file.exists());
    check("warm");
    // Incremental: one more commit touching the first record.
    let (id, record) = snap.records.iter().next().unwrap();
    let reviewer = record.scores.keys().next().unwrap().clone();
    let mut score = record.scores[&reviewer].clone();
    score.comment = "x".into();
    let meta = pingxuan::store::CommitMeta {
        name: "t".into(),
        email: "t@example.invalid".into(),
        when: chrono::DateTime::parse_from_rfc3339("2017-11-21T10:00:00+08:00").unwrap(),
        summary: "edit".into(),
        trailers: vec![],
    };
    let change = pingxuan::store::FileChange {
        path: pingxuan::store::layout::score_path(id, &reviewer).unwrap(),
        content: Some(pingxuan::store::codec::to_ron(&score).unwrap()),
    };
    let new = store
        .commit_changes(Some(head), &[change], &meta, None)
        .unwrap();
    check("incremental");
    assert_eq!(index::load(repo, new).unwrap().touching(id)[0], new);
    // Corrupt, truncated, deleted, garbage: rebuilt, same answers.
    let good = std::fs::read(&file).unwrap();
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x77;
    std::fs::write(&file, &bad).unwrap();
    check("corrupt");
    std::fs::write(&file, &good[..good.len() / 2]).unwrap();
    check("truncated");
    std::fs::remove_file(&file).unwrap();
    check("deleted");
    // An index from another history (tip not an ancestor of HEAD) is rebuilt.
    let (_o, other) = generated(45, 7);
    index::load(
        &git2::Repository::open(other.git_dir()).unwrap(),
        other.head().unwrap().unwrap(),
    )
    .unwrap();
    std::fs::copy(index::path(&other.git_dir()), &file).unwrap();
    check("foreign");
}

/// P2, P7: the cache is read in the tree's order and matched entry by entry;
/// a record added in the middle of that order (here a copy of another
/// record's folder under a new id, which the loader reports as misnamed) and
/// a record removed put the two orders out of step, and the warm open still
/// equals a cold load, before and after the cache is rewritten.
#[test]
fn a_record_added_mid_order_and_one_removed_keep_the_warm_open_exact() {
    let (_d, store) = generated(60, 6);
    check_equal(&store, "build");
    let head = store.head().unwrap().unwrap();
    let snap = store.snapshot_at(head).unwrap();
    let ids: Vec<String> = snap.records.keys().cloned().collect();
    let (copied, gone) = (&ids[10], &ids[40]);
    let added = format!("{copied}-b");
    let repo = &git2::Repository::open(store.git_dir()).unwrap();
    let tree = repo.find_commit(head).unwrap().tree().unwrap();
    let from = pingxuan::store::layout::record_dir(copied).unwrap();
    let to = pingxuan::store::layout::record_dir(&added).unwrap();
    let gone_dir = pingxuan::store::layout::record_dir(gone).unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    for (rel, id) in blobs_under(repo, &tree, &from) {
        b.upsert(format!("{to}/{rel}"), id, git2::FileMode::Blob);
    }
    for (rel, _) in blobs_under(repo, &tree, &gone_dir) {
        b.remove(format!("{gone_dir}/{rel}"));
    }
    let new_tree = repo
        .find_tree(b.create_updated(repo, &tree).unwrap())
        .unwrap();
    let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
    let parent = repo.find_commit(head).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "copy", &new_tree, &[&parent])
        .unwrap();
    check_equal(&store, "added and removed");
    let now = store.snapshot().unwrap();
    assert!(!now.records.contains_key(gone));
    assert!(now.index.records.contains_key(&added), "the copy is listed");
    assert!(
        now.problems.iter().any(|p| p.path.starts_with(&to)),
        "the copy's id does not match its folder: {:?}",
        now.problems
    );
}

/// One commit of `edit` (a tree update) on top of HEAD, with plain git2.
fn commit_tree(
    store: &Store,
    what: &str,
    edit: impl FnOnce(&git2::Repository, &git2::Tree, &mut git2::build::TreeUpdateBuilder),
) {
    let repo = &git2::Repository::open(store.git_dir()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let tree = head.tree().unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    edit(repo, &tree, &mut b);
    let new_tree = repo
        .find_tree(b.create_updated(repo, &tree).unwrap())
        .unwrap();
    let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, what, &new_tree, &[&head])
        .unwrap();
}

/// A warm open takes the record folders of a shard whose tree is unchanged
/// from the cache without walking it (issue 18, P7); a shard holding a
/// misfiled folder or a stray file is walked every time, so its problems
/// are found as a cold load finds them — before and after other shards
/// change, with the cache rewritten or kept behind.
#[test]
fn unchanged_shards_are_taken_from_the_cache_and_troubled_ones_walked() {
    let (_d, store) = generated(60, 7);
    let snap = store.snapshot_cold(store.head().unwrap().unwrap()).unwrap();
    let ids: Vec<String> = snap.records.keys().cloned().collect();
    let from = pingxuan::store::layout::record_dir(&ids[3]).unwrap();
    let shard_of = |dir: &str| dir.split('/').nth(1).unwrap().to_string();
    // another shard than the copied record's
    let other = ids
        .iter()
        .map(|id| pingxuan::store::layout::record_dir(id).unwrap())
        .find(|d| shard_of(d) != shard_of(&from))
        .unwrap();
    let wrong = format!("nominations/{}/{}", shard_of(&other), ids[3]);
    commit_tree(&store, "misfile", |repo, tree, b| {
        for (rel, id) in blobs_under(repo, tree, &from) {
            b.upsert(format!("{wrong}/{rel}"), id, git2::FileMode::Blob);
        }
        let blob = repo.blob(b"stray").unwrap();
        b.upsert(
            format!("nominations/{}/stray.txt", shard_of(&other)),
            blob,
            git2::FileMode::Blob,
        );
    });
    check_equal(&store, "a misfiled folder and a stray file");
    let head = store.head().unwrap().unwrap();
    let warm = store.snapshot_at(head).unwrap();
    assert!(
        warm.problems.iter().any(|p| p.path == wrong),
        "the misfiled folder is reported on a warm open: {:?}",
        warm.problems
    );
    // a change in each of two other shards, one after the other: the cache
    // is kept one and two records behind, unchanged shards come from it
    for (n, id) in ids
        .iter()
        .filter(|id| {
            let s = shard_of(&pingxuan::store::layout::record_dir(id).unwrap());
            s != shard_of(&other) && s != shard_of(&from)
        })
        .take(2)
        .enumerate()
    {
        let path = format!(
            "{}/nomination.ron",
            pingxuan::store::layout::record_dir(id).unwrap()
        );
        commit_tree(&store, "edit", |repo, tree, b| {
            let blob = tree
                .get_path(Path::new(&path))
                .unwrap()
                .to_object(repo)
                .unwrap()
                .peel_to_blob()
                .unwrap();
            let text = String::from_utf8(blob.content().to_vec())
                .unwrap()
                .replacen('(', "( ", 1);
            b.upsert(
                &path,
                repo.blob(text.as_bytes()).unwrap(),
                git2::FileMode::Blob,
            );
        });
        check_equal(&store, &format!("edit {n}"));
    }
    // the troubled shard changes too, and loses its trouble
    commit_tree(&store, "fixed", |_, _, b| {
        b.remove(format!("nominations/{}/stray.txt", shard_of(&other)));
    });
    check_equal(&store, "the stray file removed");
    let warm = store.snapshot_at(store.head().unwrap().unwrap()).unwrap();
    assert!(!warm.problems.iter().any(|p| p.path.ends_with("stray.txt")));
    assert!(warm.problems.iter().any(|p| p.path == wrong));
}
