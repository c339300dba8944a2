//! Issue 18, P1: the cold load's gitoxide reader (`src/store/objects.rs`)
//! gives the snapshot libgit2's reader gives — records, problems and their
//! messages, the index — on a generated campaign (one pack), on a hand-made
//! repository of loose objects with hostile records (broken RON, a symbolic
//! link, a folder or a submodule where a file belongs, a file outside the
//! layout, an oversized blob, a missing blob, a missing record tree, a tree
//! with a mode git does not write), on the demo, through an alternates file
//! and through an object folder added on top (a pre-receive quarantine).

use std::path::Path;

use crate::common::Sandbox;
use crate::fixture::{ron, window, Fixture};
use pingxuan::model::Snapshot;
use pingxuan::store::{layout, Reader, Store, MAX_FILE_BYTES};

/// Both readers' cold snapshots of HEAD; they must be equal.
fn both(store: &Store, what: &str) -> Snapshot {
    let head = store.head().unwrap().expect("a head");
    let fast = store.snapshot_cold_with(head, Reader::Gitoxide).unwrap();
    let slow = store.snapshot_cold_with(head, Reader::Libgit2).unwrap();
    assert_eq!(fast.problems, slow.problems, "{what}: problems differ");
    assert_eq!(fast.records, slow.records, "{what}: records differ");
    assert_eq!(fast.index, slow.index, "{what}: index differs");
    assert_eq!(fast, slow, "{what}: snapshots differ");
    assert_eq!(
        store.snapshot_cold(head).unwrap(),
        fast,
        "{what}: the default cold load is the gitoxide reader's"
    );
    fast
}

fn loose_path(git_dir: &Path, oid: git2::Oid) -> std::path::PathBuf {
    let hex = oid.to_string();
    git_dir.join("objects").join(&hex[..2]).join(&hex[2..])
}

#[test]
fn gitoxide_reader_equals_libgit2_on_a_generated_campaign_in_one_pack() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("c.git");
    pingxuan::gen::generate(&repo, 80, 5).unwrap();
    let store = Store::open(&repo).unwrap();
    let snap = both(&store, "generated");
    assert_eq!(snap.records.len(), 80);
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    // Repacked by git with deltas and a second, loose-object commit on top.
    let sb = Sandbox::new();
    let out = sb.git(&repo, &["repack", "-a", "-d", "-f", "--depth=50"]);
    assert!(out.status.success(), "repack");
    assert_eq!(both(&store, "repacked"), snap);
}

/// A hand-made repository (loose objects, written by git2) with every kind
/// of broken record the loader reports, read by both readers.
#[test]
fn gitoxide_reader_equals_libgit2_on_hostile_loose_records() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let units = [
        "longquan-jiedao",
        "beixin-jiedao",
        "shannan-jiedao",
        "jinghe-jiedao",
        "dawu-zhen",
    ];
    for (i, unit) in units.iter().enumerate() {
        let id = format!("2017-window-{:03}", i + 1);
        let path = layout::nomination_path(&id).unwrap();
        files.push((path, ron(&window(&id, unit))));
    }
    let dir_of = |i: usize| layout::record_dir(&format!("2017-window-{i:03}")).unwrap();
    // Broken RON, a file outside the layout, an oversized votes file.
    files.push((
        format!("{}/scores/wangjianguo.ron", dir_of(1)),
        b"(marks: {\"W1\": Points(9.0)".to_vec(),
    ));
    files.push((format!("{}/notes.txt", dir_of(2)), b"hello".to_vec()));
    files.push((
        format!("{}/votes.ron", dir_of(3)),
        vec![b' '; MAX_FILE_BYTES + 1],
    ));
    // A record with no nomination.ron.
    files.push((
        format!(
            "{}/decision.ron",
            layout::record_dir("2017-window-009").unwrap()
        ),
        b"()".to_vec(),
    ));
    let f = Fixture::new(&files);
    let store = Store::open(f.path()).unwrap();
    let base = both(&store, "loose, hostile files");
    assert!(base.problems.len() >= 4, "{:?}", base.problems);

    // A symbolic link, a folder and a submodule where files belong, and a
    // blob named like a folder: made with a tree builder, as any git user could.
    let repo = f.repo();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let blob = repo.blob(b"()").unwrap();
    let empty = repo.treebuilder(None).unwrap().write().unwrap();
    let sub = {
        let mut b = repo.treebuilder(None).unwrap();
        b.insert("x.ron", blob, 0o100644).unwrap();
        b.write().unwrap()
    };
    let mut up = git2::build::TreeUpdateBuilder::new();
    let d4 = dir_of(4);
    up.upsert(format!("{d4}/votes.ron"), blob, git2::FileMode::Link);
    up.upsert(format!("{d4}/decision.ron"), sub, git2::FileMode::Tree);
    up.upsert(format!("{d4}/scores"), blob, git2::FileMode::Blob);
    up.upsert(format!("{d4}/evaluations"), empty, git2::FileMode::Tree);
    let tree = up.create_updated(&repo, &head.tree().unwrap()).unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let sig = head.committer().to_owned();
    let commit = |tree: &git2::Tree, parent: &git2::Commit| {
        repo.commit(Some("HEAD"), &sig, &sig, "hostile", tree, &[parent])
            .unwrap()
    };
    let c1 = commit(&tree, &head);
    let hostile = both(&store, "symlink, folder, submodule-like entries");
    assert!(
        hostile
            .problems
            .iter()
            .any(|p| p.message.contains("symbolic link")),
        "{:?}",
        hostile.problems
    );

    // A tree written with a mode git never writes (100664), by hash-object.
    let sb = Sandbox::new();
    let mut raw = Vec::new();
    for (mode, name, id) in [
        ("100644", "nomination.ron", {
            let e = tree
                .get_path(Path::new(
                    &layout::nomination_path("2017-window-005").unwrap(),
                ))
                .unwrap();
            e.id()
        }),
        ("100664", "votes.ron", blob),
    ] {
        raw.extend(format!("{mode} {name}\0").into_bytes());
        raw.extend(id.as_bytes());
    }
    let odd_path = sb.path().join("odd-tree");
    std::fs::write(&odd_path, &raw).unwrap();
    let odd = sb.git_ok(
        f.path(),
        &[
            "hash-object",
            "-t",
            "tree",
            "-w",
            "--literally",
            odd_path.to_str().unwrap(),
        ],
    );
    let odd = git2::Oid::from_str(odd.trim()).unwrap();
    let mut up = git2::build::TreeUpdateBuilder::new();
    up.upsert(dir_of(5), odd, git2::FileMode::Tree);
    let tree2 = repo
        .find_tree(up.create_updated(&repo, &tree).unwrap())
        .unwrap();
    let c1 = repo.find_commit(c1).unwrap();
    commit(&tree2, &c1);
    both(&store, "a tree with mode 100664");

    // A loose object file replaced by another object's file (valid RON of
    // another record): its content no longer hashes to its id, and neither
    // reader may show it as the record the commit names.
    let git_dir = store.git_dir();
    let nom_of = |id: &str| {
        let path = layout::nomination_path(id).unwrap();
        repo.find_tree(tree2.id())
            .unwrap()
            .get_path(Path::new(&path))
            .unwrap()
            .id()
    };
    let (nom2, nom3) = (nom_of("2017-window-002"), nom_of("2017-window-003"));
    let swapped = loose_path(&git_dir, nom2);
    let kept = std::fs::read(&swapped).unwrap();
    std::fs::remove_file(&swapped).unwrap();
    std::fs::copy(loose_path(&git_dir, nom3), &swapped).unwrap();
    let bent = both(&store, "a loose object file swapped for another's");
    assert!(
        bent.records
            .get("2017-window-002")
            .is_none_or(|r| r.nomination.id == "2017-window-002"),
        "a swapped object file must not load as the record"
    );
    let nom2_path = layout::nomination_path("2017-window-002").unwrap();
    assert!(
        bent.problems.iter().any(|p| p.path == nom2_path),
        "the swapped file is reported: {:?}",
        bent.problems
    );
    std::fs::remove_file(&swapped).unwrap();
    std::fs::write(&swapped, kept).unwrap();

    // Objects gone from the store: a blob and a whole record tree.
    let tree2 = repo.find_tree(tree2.id()).unwrap();
    let nom1 = tree2
        .get_path(Path::new(
            &layout::nomination_path("2017-window-001").unwrap(),
        ))
        .unwrap()
        .id();
    let rec2 = tree2.get_path(Path::new(&dir_of(2))).unwrap().id();
    std::fs::remove_file(loose_path(&git_dir, nom1)).unwrap();
    std::fs::remove_file(loose_path(&git_dir, rec2)).unwrap();
    let gone = both(&store, "a missing blob and a missing record tree");
    assert!(!gone.records.contains_key("2017-window-001"));
    assert!(!gone.records.contains_key("2017-window-002"));
}

#[test]
fn gitoxide_reader_equals_libgit2_on_the_demo() {
    let demo = crate::common::demo::copy(None);
    let store = Store::open(&demo.dir).unwrap();
    let snap = both(&store, "demo");
    assert!(!snap.records.is_empty());
}

/// Objects reached through `objects/info/alternates` (a `git clone
/// --shared`) and through an object folder added on top
/// (`Store::add_object_dir`, as the pre-receive hook does with its quarantine).
#[test]
fn gitoxide_reader_reads_through_alternates_and_added_object_folders() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.git");
    pingxuan::gen::generate(&origin, 30, 9).unwrap();
    let want = Store::open(&origin)
        .unwrap()
        .snapshot_cold_with(
            Store::open(&origin).unwrap().head().unwrap().unwrap(),
            Reader::Libgit2,
        )
        .unwrap();

    let sb = Sandbox::new();
    let shared = dir.path().join("shared.git");
    let out = sb.git(
        dir.path(),
        &[
            "clone",
            "--bare",
            "--shared",
            origin.to_str().unwrap(),
            shared.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "clone --shared");
    assert!(shared.join("objects/info/alternates").exists());
    let store = Store::open(&shared).unwrap();
    assert_eq!(both(&store, "clone --shared"), want);

    // An empty repository whose branch names origin's tip: readable only
    // with origin's objects added on top.
    let bare = dir.path().join("empty.git");
    git2::Repository::init_bare(&bare).unwrap();
    let head = want.commit.clone().unwrap();
    std::fs::write(bare.join("refs/heads/master"), format!("{head}\n")).unwrap();
    std::fs::write(bare.join("HEAD"), "ref: refs/heads/master\n").unwrap();
    let mut store = Store::open(&bare).unwrap();
    store.add_object_dir(&origin.join("objects")).unwrap();
    assert_eq!(both(&store, "added object folder"), want);
}
