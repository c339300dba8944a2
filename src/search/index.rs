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

use super::{score_forms, Key, Outcome, Prepared, Searcher};

/// Not scored (the key belongs to no row searched so far).
const UNKNOWN: i64 = i64::MIN;
/// Scored, no match (an extension of the query may match: a long text).
const NONE: i64 = i64::MIN + 1;
/// Scored, no match, and no extension of the query matches either (the
/// query is not a subsequence of any form of the key).
const NEVER: i64 = i64::MIN + 2;

/// One distinct key as a keystroke reads it, beside its forms in
/// [`Index::forms`].
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Where its text, initials and full pinyin start in the arena, and
    /// where the full pinyin ends.
    at: [u32; 4],
    /// The chars its forms hold ([`super::char_mask`]): a query with a char
    /// a key lacks fails it without a search.
    mask: u64,
    strict: bool,
    /// The text has 64 chars or more (a strict key's one-char match fails).
    long: bool,
}

/// The distinct keys of a list of rows, each row's fields as key ids, and
/// the rows' record ids (issue 18, P6).
///
/// What a keystroke reads sits in a few flat buffers, in key and row order
/// (the forms of every distinct key in one arena, the rows' key ids and
/// record ids in one buffer each): scoring 24k keys and 10k rows per
/// keystroke then walks memory in order instead of chasing each row's and
/// key's own allocations (which cost more than the matching).
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Per distinct key.
    keys: Vec<Entry>,
    /// The forms (lower-cased text, initials, full pinyin) of every key.
    forms: String,
    /// Every row's fields' key ids, in row and field order.
    fields: Vec<u32>,
    /// Where each row's fields end in `fields`.
    row_ends: Vec<u32>,
    /// Every row's record id, concatenated.
    ids: String,
    /// Where each row's id ends in `ids`.
    id_ends: Vec<u32>,
}

/// The scores of one query over an [`Index`]'s distinct keys.
#[derive(Debug, Clone, Default)]
pub struct KeyScores {
    query: String,
    /// Per distinct key: its score, [`NONE`], [`NEVER`] or [`UNKNOWN`].
    scores: Vec<i64>,
}

impl KeyScores {
    /// The query these scores are for.
    pub fn query(&self) -> &str {
        &self.query
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Index {
    /// Interns the keys of `rows` (each row's `(key, strict)` fields, in order):
    /// equal texts with equal strictness share one id. The rows have no
    /// record ids ([`Index::row_hit`] then scores by the keys alone).
    pub fn build<'a>(rows: impl IntoIterator<Item = &'a [(Key, bool)]>) -> Index {
        Index::build_with_ids(rows.into_iter().map(|keys| ("", keys)))
    }

    /// [`Index::build`] of rows with their record ids, which
    /// [`Index::row_hit`] matches as [`super::id_score`] does.
    pub fn build_with_ids<'a>(
        rows: impl IntoIterator<Item = (&'a str, &'a [(Key, bool)])>,
    ) -> Index {
        let mut ids: HashMap<(&'a str, bool), u32> = HashMap::new();
        let mut index = Index::default();
        for (id, keys) in rows {
            for (key, strict) in keys {
                let next = to_u32(index.keys.len());
                let k = *ids.entry((key.text.as_str(), *strict)).or_insert_with(|| {
                    let mut at = [0; 4];
                    for (i, form) in [key.lower(), key.initials(), key.pinyin()]
                        .into_iter()
                        .enumerate()
                    {
                        if let Some(a) = at.get_mut(i) {
                            *a = to_u32(index.forms.len());
                        }
                        index.forms.push_str(form);
                    }
                    at[3] = to_u32(index.forms.len());
                    index.keys.push(Entry {
                        at,
                        mask: super::char_mask(key),
                        strict: *strict,
                        long: key.text.len() >= 64 && key.text.chars().count() >= 64,
                    });
                    next
                });
                index.fields.push(k);
            }
            index.row_ends.push(to_u32(index.fields.len()));
            index.ids.push_str(id);
            index.id_ends.push(to_u32(index.ids.len()));
        }
        index.forms.shrink_to_fit();
        index.fields.shrink_to_fit();
        index.ids.shrink_to_fit();
        index
    }

    /// How many rows the index was built from.
    pub fn rows(&self) -> usize {
        self.row_ends.len()
    }

    /// How many distinct keys they have.
    pub fn distinct(&self) -> usize {
        self.keys.len()
    }

    /// The bytes the index holds on the heap (its buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<Entry>()
            + self.forms.capacity()
            + (self.fields.capacity() + self.row_ends.capacity() + self.id_ends.capacity()) * 4
            + self.ids.capacity()
    }

    /// The forms of key `k`.
    fn forms_of(&self, e: &Entry) -> super::Forms<'_> {
        let part = |i: usize| {
            let (a, b) = (e.at[i] as usize, e.at[i + 1] as usize);
            self.forms.get(a..b).unwrap_or("")
        };
        super::Forms {
            lower: part(0),
            initials: part(1),
            full: part(2),
            long: e.long,
        }
    }

    /// The key ids of row `row`'s fields.
    fn fields_of(&self, row: usize) -> &[u32] {
        let end = self.row_ends.get(row).map_or(0, |&e| e as usize);
        let start = match row.checked_sub(1) {
            Some(p) => self.row_ends.get(p).map_or(end, |&e| e as usize),
            None => 0,
        };
        self.fields.get(start..end).unwrap_or(&[])
    }

    /// The record id of row `row` (empty when built without ids).
    fn id_of(&self, row: usize) -> &str {
        let end = self.id_ends.get(row).map_or(0, |&e| e as usize);
        let start = match row.checked_sub(1) {
            Some(p) => self.id_ends.get(p).map_or(end, |&e| e as usize),
            None => 0,
        };
        self.ids.get(start..end).unwrap_or("")
    }

    /// Scores `query` (already [`super::normalise`]d) on the distinct keys of
    /// the rows `candidates`, from the index's own copy of the keys' forms
    /// (`_searcher` and `_keys_of`, the rows the index was built from, are
    /// no longer read). `prev`, the scores of a prefix of `query` on this
    /// index, spares the matcher every key that failed it for good.
    pub fn score<'a, F>(
        &self,
        _searcher: &Searcher,
        _keys_of: F,
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
                && p.scores.len() == self.keys.len()
        });
        let mut wanted = vec![false; self.keys.len()];
        for &r in candidates {
            for &k in self.fields_of(r) {
                if let Some(w) = wanted.get_mut(k as usize) {
                    *w = true;
                }
            }
        }
        let prepared = Prepared::new(query);
        let wants = super::query_mask(query);
        let one = |(k, (&w, e)): (usize, (&bool, &Entry))| {
            if !w {
                return UNKNOWN;
            }
            if e.mask & wants != wants {
                return NEVER;
            }
            // A key that failed a prefix for good fails this query too;
            // a non-strict key fails only for good.
            if let Some(&was) = prev.and_then(|p| p.scores.get(k)) {
                if was == NEVER || (!e.strict && was == NONE) {
                    return NEVER;
                }
            }
            match score_forms(&self.forms_of(e), &prepared, e.strict) {
                Outcome::Hit(s) => s,
                Outcome::Never => NEVER,
                Outcome::Miss => NONE,
            }
        };
        let scores: Vec<i64> = if self.keys.len() < PARALLEL_FROM {
            wanted.iter().zip(&self.keys).enumerate().map(one).collect()
        } else {
            wanted
                .par_iter()
                .zip(self.keys.par_iter())
                .enumerate()
                .with_min_len(PARALLEL_FROM / 2)
                .map(one)
                .collect()
        };
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
        if row >= self.rows() {
            return None;
        }
        let mut best: Option<(usize, i64)> = None;
        for (i, &k) in self.fields_of(row).iter().enumerate() {
            let s = *scores.scores.get(k as usize)?;
            if s == NONE || s == NEVER || s == UNKNOWN {
                continue;
            }
            let strict = self.keys.get(k as usize).is_some_and(|e| e.strict);
            let s = if strict { s / 2 } else { s };
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
        best
    }

    /// [`Index::row_score`], or the row's record id matched by
    /// [`super::id_score`] as the field one past its keys, whichever scores
    /// higher (the id on a tie): what the list ranks a row by.
    pub fn row_hit(&self, scores: &KeyScores, row: usize) -> Option<(usize, i64)> {
        let by_text = self.row_score(scores, row);
        let by_id =
            super::id_score(self.id_of(row), &scores.query).map(|s| (self.fields_of(row).len(), s));
        match (by_text, by_id) {
            (Some(t), Some(n)) => Some(if n.1 >= t.1 { n } else { t }),
            (t, n) => t.or(n),
        }
    }
}

/// Fewer distinct keys than this are scored on the calling thread (a hop
/// to the pool and back costs more than the work).
const PARALLEL_FROM: usize = 4096;

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

    proptest::proptest! {
        /// Rows with record ids, typed key by key with the list's narrowing
        /// (rows that matched by text or by number): `row_hit` is what the
        /// list ranked by before the index held the ids, the matcher's best
        /// field or `id_score` as the field past the keys, the id on a tie.
        #[test]
        fn row_hits_equal_text_or_number(
            texts in proptest::collection::vec("[afwz0\u{738b}\u{670d}\u{52a1} -]{0,20}", 1..5),
            picks in proptest::collection::vec((0usize..5, 0usize..5, proptest::bool::ANY, 0usize..40), 1..14),
            query in "[afwz0-9\u{670d}-]{1,5}",
        ) {
            let rows: Vec<(String, Vec<(Key, bool)>)> = picks
                .iter()
                .map(|&(a, b, strict, n)| {
                    let id = format!("20{}-{}-{:03}", n % 3, ["window", "star", "a0"][n % 3], n);
                    let keys = vec![
                        (Key::new(&texts[a % texts.len()]), false),
                        (Key::new(&texts[b % texts.len()]), strict),
                    ];
                    (id, keys)
                })
                .collect();
            let index = Index::build_with_ids(rows.iter().map(|(id, k)| (id.as_str(), k.as_slice())));
            let s = Searcher::default();
            let mut candidates: Vec<usize> = (0..rows.len()).collect();
            let mut prev: Option<KeyScores> = None;
            for end in query.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let q = &query[..end];
                let scored = index.score(&s, |r| rows[r].1.as_slice(), q, &candidates, prev.as_ref());
                for &r in &candidates {
                    let (id, keys) = &rows[r];
                    let by_text = s.score_any(keys, q);
                    let by_id = crate::search::id_score(id, q).map(|n| (keys.len(), n));
                    let want = match (by_text, by_id) {
                        (Some(t), Some(n)) => Some(if n.1 >= t.1 { n } else { t }),
                        (t, n) => t.or(n),
                    };
                    proptest::prop_assert_eq!(index.row_hit(&scored, r), want, "{} {}", id, q);
                }
                candidates.retain(|&r| index.row_hit(&scored, r).is_some());
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
