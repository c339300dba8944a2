//! The search keys of many rows, interned, and the per-keystroke scoring over
//! them (issue 18, P6).
//!
//! Rows share most of their texts (a unit names hundreds of nominations, names
//! and brands repeat), so a query is scored once per *distinct* key, not once
//! per row and field: [`Index`] maps every row's fields to distinct key ids,
//! built once per list of rows. While a query grows by keystrokes, a key that
//! failed the shorter query is not run through the matcher again: for a
//! non-strict key, failing a query means failing every extension of it (the
//! query is not a subsequence of any of its forms). Strict keys (long texts,
//! judged by a window that widens with the query) are scored again.
//!
//! The scores are exactly [`Searcher::score`]'s: a row scores what
//! [`Searcher::score_any`] gives for its keys (`tests` compares them).

use std::collections::HashMap;

use rayon::prelude::*;

use super::{score_prepared, Key, Outcome, Prepared, Searcher};

/// Not scored (the key belongs to no row searched so far).
const UNKNOWN: i64 = i64::MIN;
/// Scored, no match (an extension of the query may match: a long text).
const NONE: i64 = i64::MIN + 1;
/// Scored, no match, and no extension of the query matches either (the
/// query is not a subsequence of any form of the key).
const NEVER: i64 = i64::MIN + 2;

/// The distinct keys of a list of rows, each row's fields as key ids.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Per distinct key: the row and field of its first occurrence, and
    /// whether it is strict.
    reps: Vec<(u32, u16, bool)>,
    /// Per row, its fields' key ids, in field order.
    rows: Vec<Box<[u32]>>,
    /// Per distinct key, the chars its forms hold ([`super::char_mask`]):
    /// a query with a char a key lacks fails it without a search.
    masks: Vec<u64>,
}

/// The scores of one query over an [`Index`]'s distinct keys.
#[derive(Debug, Clone, Default)]
pub struct KeyScores {
    query: String,
    /// Per distinct key: its score, [`NONE`] or [`UNKNOWN`].
    scores: Vec<i64>,
}

impl KeyScores {
    /// The query these scores are for.
    pub fn query(&self) -> &str {
        &self.query
    }
}

impl Index {
    /// Interns the keys of `rows` (each row's `(key, strict)` fields, in order):
    /// equal texts with equal strictness share one id.
    pub fn build<'a>(rows: impl IntoIterator<Item = &'a [(Key, bool)]>) -> Index {
        let mut ids: HashMap<(&'a str, bool), u32> = HashMap::new();
        let mut index = Index::default();
        for (r, keys) in rows.into_iter().enumerate() {
            let mut fields = Vec::with_capacity(keys.len());
            for (f, (key, strict)) in keys.iter().enumerate() {
                let next = u32::try_from(index.reps.len()).unwrap_or(u32::MAX);
                let id = *ids.entry((key.text.as_str(), *strict)).or_insert_with(|| {
                    index.masks.push(super::char_mask(key));
                    index.reps.push((
                        u32::try_from(r).unwrap_or(u32::MAX),
                        u16::try_from(f).unwrap_or(u16::MAX),
                        *strict,
                    ));
                    next
                });
                fields.push(id);
            }
            index.rows.push(fields.into_boxed_slice());
        }
        index
    }

    /// How many rows the index was built from.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// How many distinct keys they have.
    pub fn distinct(&self) -> usize {
        self.reps.len()
    }

    /// Scores `query` (already [`super::normalise`]d) on the distinct keys of
    /// the rows `candidates`, reading each key through `keys_of(row)` (the
    /// same rows the index was built from). `prev`, the scores of a prefix of
    /// `query` on this index, spares the matcher every non-strict key that
    /// failed it.
    pub fn score<'a, F>(
        &self,
        _searcher: &Searcher,
        keys_of: F,
        query: &str,
        candidates: &[usize],
        prev: Option<&KeyScores>,
    ) -> KeyScores
    where
        F: Fn(usize) -> &'a [(Key, bool)] + Sync,
    {
        let prev = prev.filter(|p| {
            !p.query.is_empty()
                && query.starts_with(p.query.as_str())
                && p.scores.len() == self.reps.len()
        });
        let mut wanted = vec![false; self.reps.len()];
        for &r in candidates {
            for &k in self.rows.get(r).map_or(&[][..], |f| f) {
                if let Some(w) = wanted.get_mut(k as usize) {
                    *w = true;
                }
            }
        }
        let prepared = Prepared::new(query);
        let wants = super::query_mask(query);
        let scores = wanted
            .par_iter()
            .enumerate()
            .with_min_len(512)
            .map(|(k, &w)| {
                if !w {
                    return UNKNOWN;
                }
                let Some(&(row, field, strict)) = self.reps.get(k) else {
                    return UNKNOWN;
                };
                if self.masks.get(k).is_some_and(|&m| m & wants != wants) {
                    return NEVER;
                }
                // A key that failed a prefix for good fails this query too;
                // a non-strict key fails only for good.
                if let Some(&was) = prev.and_then(|p| p.scores.get(k)) {
                    if was == NEVER || (!strict && was == NONE) {
                        return NEVER;
                    }
                }
                match keys_of(row as usize)
                    .get(field as usize)
                    .map(|(key, _)| score_prepared(key, &prepared, strict))
                {
                    Some(Outcome::Hit(s)) => s,
                    Some(Outcome::Never) => NEVER,
                    Some(Outcome::Miss) | None => NONE,
                }
            })
            .collect();
        KeyScores {
            query: query.to_string(),
            scores,
        }
    }

    /// The best field of row `row` and its score under `scores`, exactly as
    /// [`Searcher::score_any`] over the row's keys: long (strict) texts count
    /// half, the first field wins a tie. `None`: no field matches (or the row
    /// was not among the candidates scored).
    pub fn row_score(&self, scores: &KeyScores, row: usize) -> Option<(usize, i64)> {
        let fields = self.rows.get(row)?;
        let mut best: Option<(usize, i64)> = None;
        for (i, &k) in fields.iter().enumerate() {
            let s = *scores.scores.get(k as usize)?;
            if s == NONE || s == NEVER || s == UNKNOWN {
                continue;
            }
            let strict = self.reps.get(k as usize).is_some_and(|r| r.2);
            let s = if strict { s / 2 } else { s };
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<(Key, bool)>> {
        let names = ["\u{738b}\u{4f1f}", "\u{5f20}\u{82b3}", "\u{674e}\u{654f}"];
        let units = [
            "\u{670d}\u{52a1}\u{5355}\u{4f4d}01",
            "\u{653f}\u{52a1}\u{4e2d}\u{5fc3}",
        ];
        (0..30)
            .map(|i| {
                let deeds = format!(
                    "\u{70ed}\u{60c5}\u{670d}\u{52a1}{}{}",
                    "\u{7fa4}\u{4f17}".repeat(i % 40),
                    names[i % 3]
                );
                vec![
                    (Key::new(names[i % 3]), false),
                    (Key::new(units[i % 2]), false),
                    (Key::new(if i % 5 == 0 { "" } else { "brand" }), false),
                    (Key::new(&deeds), true),
                ]
            })
            .collect()
    }

    /// Every row scores what the matcher gives over its own keys, keystroke
    /// by keystroke, with and without the previous keystroke's scores.
    #[test]
    fn row_scores_equal_score_any_while_typing() {
        let rows = rows();
        let index = Index::build(rows.iter().map(Vec::as_slice));
        assert_eq!(index.rows(), 30);
        assert!(index.distinct() < 30 * 4, "texts are shared");
        let s = Searcher::default();
        let all: Vec<usize> = (0..rows.len()).collect();
        for query in [
            "wangwei",
            "fwdw",
            "zwzx",
            "qz",
            "\u{670d}\u{52a1}",
            "rq",
            "b",
        ] {
            let mut prev: Option<KeyScores> = None;
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let q = &query[..end];
                let scored = index.score(&s, |r| rows[r].as_slice(), q, &all, prev.as_ref());
                for (r, keys) in rows.iter().enumerate() {
                    assert_eq!(
                        index.row_score(&scored, r),
                        s.score_any(keys, q),
                        "row {r}, query {q}"
                    );
                }
                prev = Some(scored);
            }
        }
    }

    proptest::proptest! {
        /// Random rows sharing texts, random queries typed key by key over
        /// random candidate rows: the index agrees with the matcher.
        #[test]
        fn index_agrees_with_the_matcher(
            texts in proptest::collection::vec("[afwzA0\u{738b}\u{670d}\u{52a1}\u{653f} -]{0,30}", 1..6),
            picks in proptest::collection::vec((0usize..6, 0usize..6, proptest::bool::ANY), 1..12),
            query in "[afwzA0\u{670d}-]{1,4}",
            keep in proptest::collection::vec(proptest::bool::ANY, 12),
        ) {
            let rows: Vec<Vec<(Key, bool)>> = picks
                .iter()
                .map(|&(a, b, strict)| {
                    vec![
                        (Key::new(&texts[a % texts.len()]), false),
                        (Key::new(&texts[b % texts.len()]), strict),
                    ]
                })
                .collect();
            let index = Index::build(rows.iter().map(Vec::as_slice));
            let s = Searcher::default();
            let mut candidates: Vec<usize> =
                (0..rows.len()).filter(|&r| keep[r]).collect();
            let mut prev: Option<KeyScores> = None;
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let q = &query[..end];
                let scored = index.score(&s, |r| rows[r].as_slice(), q, &candidates, prev.as_ref());
                for &r in &candidates {
                    proptest::prop_assert_eq!(index.row_score(&scored, r), s.score_any(&rows[r], q));
                }
                // The filter narrows to the rows that matched.
                candidates.retain(|&r| index.row_score(&scored, r).is_some());
                prev = Some(scored);
            }
        }
    }

    #[test]
    fn only_candidates_are_scored() {
        let rows = rows();
        let index = Index::build(rows.iter().map(Vec::as_slice));
        let s = Searcher::default();
        let scored = index.score(&s, |r| rows[r].as_slice(), "wang", &[0], None);
        assert!(index.row_score(&scored, 0).is_some());
        // Row 3 shares row 0's name, so its name field is scored too ...
        assert_eq!(index.row_score(&scored, 3).map(|h| h.0), Some(0));
        // ... row 1 shares nothing matching with it.
        assert_eq!(index.row_score(&scored, 1), None);
        assert_eq!(index.row_score(&scored, 99), None);
    }
}
