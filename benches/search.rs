//! Criterion benches of the list filter's search (P6, issue 18) over 10,000
//! rows shaped like `pingxuan gen`'s (`PINGXUAN_BENCH_ROWS` to change), with
//! every row's long text distinct (harder than gen's, whose texts repeat):
//! the interned index against the matcher run over every row and field, and
//! the p95 per keystroke of the queries `benches/perf.rs` types.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use pingxuan::search::{normalise, Index, Key, KeyScores, Searcher};
use rayon::prelude::*;

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
const GIVEN: &[&str] = &["伟", "芳", "敏", "静", "强", "磊", "军", "洋"];
const QUERIES: &[&str] = &[
    "zwfw",
    "fwck",
    "wangfang",
    "服务",
    "g-window-001",
    "pinpai",
    "lz",
];

fn name(i: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[i % 8],
        GIVEN[(i / 8) % 8],
        GIVEN[(i / 64) % 8]
    )
}

fn rows(n: usize) -> Vec<Vec<(Key, bool)>> {
    (0..n)
        .map(|k| {
            let nominee = match k % 3 {
                0 => name(k),
                _ => format!("服务窗口{k:05}"),
            };
            let brand = if k % 3 == 2 {
                format!("品牌{k:05}")
            } else {
                String::new()
            };
            vec![
                (Key::new(&nominee), false),
                (
                    Key::new(&format!("服务单位{:05}", k % (n / 3).max(1))),
                    false,
                ),
                (Key::new(&brand), false),
                (
                    Key::new(&format!(
                        "热情服务,群众满意。第{k}号窗口,联系人{},政务服务中心",
                        name(k + 5)
                    )),
                    true,
                ),
            ]
        })
        .collect()
}

/// Types every query key by key as the list does (each keystroke narrows
/// to the rows the previous one matched); returns each keystroke's time.
fn type_all(index: &Index, rows: &[Vec<(Key, bool)>], s: &Searcher) -> Vec<f64> {
    let mut times = Vec::new();
    for query in QUERIES {
        let mut candidates: Vec<usize> = (0..rows.len()).collect();
        let mut prev: Option<KeyScores> = None;
        for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let q = normalise(&query[..end]);
            let t = Instant::now();
            let scored = index.score(s, |r| rows[r].as_slice(), &q, &candidates, prev.as_ref());
            candidates.retain(|&r| index.row_score(&scored, r).is_some());
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            prev = Some(scored);
        }
        black_box(candidates.len());
    }
    times
}

fn benches(c: &mut Criterion) {
    let n = std::env::var("PINGXUAN_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let rows = rows(n);
    let s = Searcher::default();
    c.bench_function(&format!("P6 index build, {n} rows"), |b| {
        b.iter(|| black_box(Index::build(rows.iter().map(Vec::as_slice)).distinct()))
    });
    let index = Index::build(rows.iter().map(Vec::as_slice));
    // The p95 over every keystroke of 20 rounds of typing.
    let mut times: Vec<f64> = (0..20).flat_map(|_| type_all(&index, &rows, &s)).collect();
    times.sort_by(f64::total_cmp);
    let p95 = times[(times.len() * 95).div_ceil(100) - 1];
    eprintln!(
        "P6 {n} rows, {} distinct keys, index {} KB: per keystroke p50 {:.2} ms, p95 {p95:.2} ms, max {:.2} ms",
        index.distinct(),
        index.heap_bytes() / 1024,
        times[times.len() / 2],
        times[times.len() - 1]
    );
    c.bench_function(
        &format!("P6 every keystroke of 7 queries, index, {n} rows"),
        |b| b.iter(|| black_box(type_all(&index, &rows, &s))),
    );
    c.bench_function(
        &format!("P6 every keystroke of 7 queries, matcher per row, {n} rows"),
        |b| {
            b.iter(|| {
                for query in QUERIES {
                    let mut candidates: Vec<usize> = (0..rows.len()).collect();
                    for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                        let q = normalise(&query[..end]);
                        // As the list did before issue 18: every row, in parallel.
                        candidates = candidates
                            .par_iter()
                            .with_min_len(256)
                            .filter(|&&r| s.score_any(&rows[r], &q).is_some())
                            .copied()
                            .collect();
                    }
                    black_box(candidates.len());
                }
            })
        },
    );
}

criterion_group! {
    name = search;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(search);
