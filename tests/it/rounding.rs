//! Numbers rounded once (issue 16): on the whole scripted year, the score a
//! chair's reason quotes (「綜合得分87.53分」) is the string every place shows
//! for that nomination — the rankings, the documents, the CSV — and the JSON
//! holds the score's decimal, not a binary float's tail.

use crate::common;

use pingxuan::export::csv;
use pingxuan::rules::{aggregate::aggregate, round};
use pingxuan::store::Store;

/// The number in 「綜合得分X分」, if the reason quotes one.
fn quoted(reason: &str) -> Option<&str> {
    let start = reason.find("綜合得分")? + "綜合得分".len();
    let rest = &reason[start..];
    Some(&rest[..rest.find('分')?])
}

#[test]
fn the_chairs_reasons_quote_the_score_every_place_shows() {
    let demo = common::demo::year();
    let snap = Store::open(&demo.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let mut checked = 0;
    for (id, record) in &snap.records {
        let Some(decision) = &record.decision else {
            continue;
        };
        let Some(said) = quoted(&decision.reason) else {
            continue;
        };
        let score = aggregate(&snap, record)
            .and_then(|a| a.final_score)
            .expect("a decided entry has a final score");
        let shown = round::two(score);
        assert_eq!(
            said, shown,
            "{id}: the reason says {said}, every place shows {shown}"
        );
        assert_eq!(pingxuan::export::score(Some(score)), shown);
        assert_eq!(csv::num(Some(score)), shown);
        assert_eq!(pingxuan::rules::text::num(score), round::short(score));
        // JSON: the decimal to at most nine places.
        let json = serde_json::to_string(&score).expect("json");
        let decimals = json.split_once('.').map_or(0, |(_, d)| d.len());
        assert!(decimals <= 9, "{id}: {json}");
        checked += 1;
    }
    // 2017-window-005 (87.525) and 2017-window-007 (86.415) are the ties a
    // binary float rounded down.
    assert!(checked >= 20, "only {checked} reasons quote a score");
    let w005 = aggregate(&snap, snap.record("2017-window-005").expect("w005"))
        .and_then(|a| a.final_score)
        .expect("score");
    assert_eq!(round::two(w005), "87.53");
}
