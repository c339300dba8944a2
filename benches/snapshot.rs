//! Criterion benches of the hot paths on a generated campaign (default 600
//! nominations, about 11k commits; `PINGXUAN_BENCH_N` to change). The side-by-side
//! comparison with the git CLI at 10,000 nominations is `benches/compare.sh`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use pingxuan::model::Mark;
use pingxuan::store::{codec, layout, CommitMeta, FileChange, Reader, Store};

fn repo() -> (tempfile::TempDir, Store) {
    let n = std::env::var("PINGXUAN_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.git");
    pingxuan::gen::generate(&path, n, 2017).expect("gen");
    let store = Store::open(&path).expect("open");
    (dir, store)
}

fn benches(c: &mut Criterion) {
    let (_dir, store) = repo();
    let head = store.head().expect("head").expect("a commit");
    let day = NaiveDate::from_ymd_opt(2017, 12, 31).expect("date");
    c.bench_function("P1 cold open to ranked snapshot", |b| {
        b.iter(|| {
            let s = store.snapshot_cold(head).expect("load");
            black_box(pingxuan::rules::rank_all(&s, day))
        })
    });
    // The same cold load through libgit2's reader (before issue 18's P1).
    c.bench_function("P1 cold load, records read by libgit2", |b| {
        b.iter(|| {
            black_box(
                store
                    .snapshot_cold_with(head, Reader::Libgit2)
                    .expect("load"),
            )
        })
    });
    c.bench_function("P1 cold load, records read by gix-odb", |b| {
        b.iter(|| {
            black_box(
                store
                    .snapshot_cold_with(head, Reader::Gitoxide)
                    .expect("load"),
            )
        })
    });
    store.snapshot_at(head).expect("warm the cache");
    c.bench_function("P2 warm open to ranked snapshot", |b| {
        b.iter(|| {
            let s = store.snapshot_at(head).expect("load");
            black_box(pingxuan::rules::rank_all(&s, day))
        })
    });
    let snapshot = store.snapshot_at(head).expect("load");
    // P6: the list filter, one keystroke at a time, as typed in the TUI.
    {
        use pingxuan::tui::app::{App, Session};
        let session = Session {
            lang: pingxuan::i18n::Lang::Zh,
            now: chrono::DateTime::parse_from_rfc3339("2017-11-20T10:00:00+08:00").expect("time"),
            actor: None,
            read_only: None,
            signer: None,
            theme: pingxuan::tui::theme::Theme { color: false },
            clock_fixed: true,
        };
        let mut app = App::new(snapshot.clone(), session);
        c.bench_function("P6 filter, every keystroke of 5 queries", |b| {
            b.iter(|| {
                for q in ["zwfw", "wangfang", "\u{670d}\u{52a1}", "g-window-001", "lz"] {
                    app.query.clear();
                    for ch in q.chars() {
                        app.query.push(ch);
                        app.refilter();
                    }
                    black_box(app.view.len());
                }
                app.query.clear();
                app.refilter();
            })
        });
    }
    let id = snapshot.records.keys().next().expect("a record").clone();
    let repo = git2::Repository::open(store.git_dir()).expect("repository");
    pingxuan::history::index::load(&repo, head).expect("index");
    c.bench_function("P4 one record's history (index)", |b| {
        b.iter(|| {
            black_box(
                pingxuan::history::index::load(&repo, head)
                    .expect("index")
                    .touching(&id),
            )
        })
    });
    // P3: a one-file commit, then a refresh of the loaded snapshot.
    let record = &snapshot.records[&id];
    let (reviewer, score) = record.scores.iter().next().expect("a score");
    let mut parent = head;
    let mut points = 0.0;
    c.bench_function("P3 reload after one new commit", |b| {
        b.iter_batched(
            || {
                let mut score = score.clone();
                points = (points + 0.5) % 5.0;
                if let Some(m) = score.marks.values_mut().next() {
                    *m = Mark::Points(points);
                }
                let change = FileChange {
                    path: layout::score_path(&id, reviewer).expect("path"),
                    content: Some(codec::to_ron(&score).expect("ron")),
                };
                let meta = CommitMeta {
                    name: "bench".into(),
                    email: "bench@example.invalid".into(),
                    when: chrono::DateTime::parse_from_rfc3339("2017-11-20T10:00:00+08:00")
                        .expect("time"),
                    summary: "bench".into(),
                    trailers: vec![],
                };
                let new = store
                    .commit_changes(Some(parent), &[change], &meta, None)
                    .expect("commit");
                let before = store.snapshot_at(parent).expect("load");
                parent = new;
                (before, new)
            },
            |(mut s, new)| {
                store.refresh(&mut s, new).expect("refresh");
                black_box(s)
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = snapshot;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(snapshot);
