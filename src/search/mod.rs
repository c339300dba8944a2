//! Fuzzy search over Chinese text, directly and by pinyin (full spelling and
//! initials): typing `zwfw` finds 政務服務. Pure: no I/O, no terminal.
//!
//! Each searched text becomes a [`Key`]: its display characters (inline pinyin
//! annotations stripped), plus two latin keys, the full spelling and the
//! initials, each with a map from key position back to the character it came
//! from, so that a match in a pinyin key highlights the Chinese characters.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use pinyin::ToPinyin;

use crate::text::{is_han, strip_annotations};

pub mod index;
mod skim;
pub use index::{Index, KeyScores};

/// Which form of the text a query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The text itself.
    Text,
    /// Pinyin initials (`zwfw`).
    Initials,
    /// Full pinyin (`zhengwu`).
    Pinyin,
}

/// One searchable text with its pinyin keys. Compact (issue 18, P7): the
/// lower-cased text is kept only where it differs from the text (Chinese has
/// no case), positions are `u32`, buffers are trimmed to their length.
#[derive(Debug, Clone, Default)]
pub struct Key {
    /// The display text (annotations stripped).
    pub text: String,
    /// Lower-cased text, one char per char of `text`; empty when equal to it.
    lower: String,
    full: String,
    full_map: Vec<u32>,
    initials: String,
    init_map: Vec<u32>,
}

impl Key {
    pub fn new(s: &str) -> Key {
        let text = strip_annotations(s);
        let lower: String = text
            .chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect();
        let mut k = Key {
            lower: if lower == text { String::new() } else { lower },
            text,
            ..Key::default()
        };
        for (i, c) in k.text.chars().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if is_han(c) {
                if let Some(p) = c.to_pinyin() {
                    for l in p.plain().chars() {
                        k.full.push(l);
                        k.full_map.push(i);
                    }
                    if let Some(f) = p.first_letter().chars().next() {
                        k.initials.push(f);
                        k.init_map.push(i);
                    }
                }
            } else if c.is_alphanumeric() {
                let l = c.to_lowercase().next().unwrap_or(c);
                k.full.push(l);
                k.full_map.push(i);
                k.initials.push(l);
                k.init_map.push(i);
            }
        }
        k.text.shrink_to_fit();
        k.lower.shrink_to_fit();
        k.full.shrink_to_fit();
        k.full_map.shrink_to_fit();
        k.initials.shrink_to_fit();
        k.init_map.shrink_to_fit();
        k
    }

    /// The lower-cased text.
    fn lower(&self) -> &str {
        if self.lower.is_empty() {
            &self.text
        } else {
            &self.lower
        }
    }

    /// The full-spelling key, e.g. `zhengwufuwu`.
    pub fn pinyin(&self) -> &str {
        &self.full
    }

    /// The initials key, e.g. `zwfw`.
    pub fn initials(&self) -> &str {
        &self.initials
    }
}

/// A match of one query in one [`Key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub score: i64,
    pub via: Via,
    /// Indices of the matched characters of `Key::text`, ascending.
    pub chars: Vec<usize>,
}

/// A query normalised for matching: lower case, no spaces.
pub fn normalise(query: &str) -> String {
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether every char of `needle` occurs in `hay` in order. A cheap test that
/// rules out most rows before the fuzzy matcher (which allocates) runs.
fn subsequence(needle: &str, hay: &str) -> bool {
    let mut want = needle.chars();
    let mut next = want.next();
    for c in hay.chars() {
        match next {
            None => return true,
            Some(w) if w == c => next = want.next(),
            Some(_) => {}
        }
    }
    next.is_none()
}

/// Whether `needle` occurs as a subsequence of `hay` within a window of fewer
/// than `limit` characters (the compactness asked of long texts). No
/// allocation: the filter runs it on every long text per keystroke.
fn compact_window(needle: &str, hay: &str, limit: usize) -> bool {
    let Some(first) = needle.chars().next() else {
        return true;
    };
    let rest = &needle[first.len_utf8()..];
    hay.char_indices()
        .filter(|&(_, c)| c == first)
        .any(|(start, _)| {
            let mut want = rest.chars().peekable();
            let after = &hay[start + first.len_utf8()..];
            for (off, c) in after.chars().enumerate() {
                if off + 1 >= limit {
                    return false;
                }
                if want.peek() == Some(&c) {
                    want.next();
                }
                if want.peek().is_none() {
                    return true;
                }
            }
            want.peek().is_none()
        })
}

/// The score of a query that is a record's whole id (`2017-window-011`).
pub const EXACT_ID: i64 = 1 << 40;
/// The score of a query that is a record's number (`011` of `2017-window-011`).
pub const EXACT_NUMBER: i64 = 1 << 39;

/// How well `query` (already [`normalise`]d) names the record `id` by its
/// number, as every paper form, notice and phone call does: the whole id or
/// the number exactly ranks above every other match; the start of the id, or
/// of any of its `-` parts on to the end (`window-01`, `01`), ranks as a good
/// name match. The matched characters of `id` come with the score. A query
/// that fails an id fails every extension of it (the filter narrows on that).
pub fn id_match(id: &str, query: &str) -> Option<(i64, Vec<usize>)> {
    let (score, at) = id_hit(id, query)?;
    let qlen = query.chars().count();
    Some((score, (at..at + qlen).collect()))
}

/// [`id_match`] without the positions: the score alone, no allocation (the
/// filter runs it on every row per keystroke).
pub fn id_score(id: &str, query: &str) -> Option<i64> {
    id_hit(id, query).map(|(score, _)| score)
}

/// The score and the char index where the match starts. Ids are
/// `[a-z0-9-]` (validated), so bytes are chars; anything else is compared as is.
fn id_hit(id: &str, query: &str) -> Option<(i64, usize)> {
    if query.is_empty() || query.len() > id.len() {
        return None;
    }
    if id.eq_ignore_ascii_case(query) {
        return Some((EXACT_ID, 0));
    }
    let number_at = id.rfind('-').map_or(0, |i| i + 1);
    let chars_before = |b: usize| id.get(..b).map_or(0, |s| s.chars().count());
    if id
        .get(number_at..)
        .is_some_and(|n| n.eq_ignore_ascii_case(query))
    {
        return Some((EXACT_NUMBER, chars_before(number_at)));
    }
    // The id's parts on to its end: the whole id, then after each '-'.
    let starts = std::iter::once(0).chain(id.match_indices('-').map(|(b, _)| b + 1));
    for start in starts {
        let rest = id.get(start..).unwrap_or("");
        if rest
            .get(..query.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(query))
        {
            let qlen = query.chars().count() as i64;
            return Some((200 + 16 * qlen, chars_before(start)));
        }
    }
    None
}

/// Scores queries against keys. fuzzy-matcher 0.3.7 keeps its score matrix
/// between calls and a stale one changes the next score (after `ff`, `ffa`
/// on 「f服a服」 scores 83, fresh 71), while `use_cache(false)` panics there
/// (a `RefCell` replaced while borrowed). [`Searcher::score`], run per key
/// per keystroke, computes a fresh matcher's score on buffers of its own
/// that start every call fresh (`skim`, proptested against the crate, no
/// allocation); [`Searcher::find`], run only for the rows on screen, runs a
/// matcher of its own per match for the positions. Every query gets the same
/// score whatever was typed before
/// (`scores_do_not_depend_on_what_was_scored_before`).
#[derive(Default)]
pub struct Searcher {}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

impl Searcher {
    /// Matches `query` (already [`normalise`]d) in `key`. `strict` (for long texts
    /// such as deeds) accepts only compact matches, so that a short query does not
    /// find its letters scattered over a whole paragraph.
    pub fn find(&self, key: &Key, query: &str, strict: bool) -> Option<Match> {
        if query.is_empty() {
            return None;
        }
        let qlen = query.chars().count();
        let compact = |idx: &[usize]| {
            !strict
                || match (idx.first(), idx.last()) {
                    (Some(a), Some(b)) => b - a < 2 * qlen + 1,
                    _ => false,
                }
        };
        let mut best: Option<Match> = None;
        let mut consider = |m: Match| {
            if best.as_ref().is_none_or(|b| m.score > b.score) {
                best = Some(m);
            }
        };
        let hit = subsequence(query, key.lower())
            .then(|| matcher().fuzzy_indices(key.lower(), query))
            .flatten();
        if let Some((score, idx)) = hit {
            if compact(&idx) {
                consider(Match {
                    score: score + 1,
                    via: Via::Text,
                    chars: idx,
                });
            }
        }
        if query.chars().any(is_han) {
            return best;
        }
        for (via, s, map) in [
            (Via::Initials, &key.initials, &key.init_map),
            (Via::Pinyin, &key.full, &key.full_map),
        ] {
            if !subsequence(query, s) {
                continue;
            }
            if let Some((score, idx)) = matcher().fuzzy_indices(s, query) {
                if compact(&idx) {
                    let mut chars: Vec<usize> = idx
                        .iter()
                        .filter_map(|i| map.get(*i).map(|&c| c as usize))
                        .collect();
                    chars.dedup();
                    consider(Match { score, via, chars });
                }
            }
        }
        best
    }

    /// The score of the best match of `query` in `key`, without the matched
    /// positions: what a filter over thousands of rows needs per keystroke
    /// ([`Searcher::find`] then gives the positions for the rows on screen).
    pub fn score(&self, key: &Key, query: &str, strict: bool) -> Option<i64> {
        if query.is_empty() {
            return None;
        }
        let qlen = query.chars().count();
        if qlen == 1 {
            // One key typed: most rows contain it; rank by how early it comes
            // instead of running the fuzzy matcher over every row.
            let c = query.chars().next().unwrap_or_default();
            let at = |hay: &str| hay.chars().position(|x| x == c);
            let mut best = at(key.lower()).map(|i| 1001 - i as i64);
            if !is_han(c) {
                for hay in [&key.initials, &key.full] {
                    if let Some(i) = at(hay) {
                        best = Some(best.map_or(1000 - i as i64, |b| b.max(1000 - i as i64)));
                    }
                }
            }
            return best.filter(|_| !strict || key.text.chars().count() < 64);
        }
        let fits = |hay: &str| {
            subsequence(query, hay) && (!strict || compact_window(query, hay, 2 * qlen + 1))
        };
        let mut best: Option<i64> = None;
        if fits(key.lower()) {
            best = skim::score(key.lower(), query).map(|s| s + 1);
        }
        if query.chars().any(is_han) {
            return best;
        }
        for s in [&key.initials, &key.full] {
            if fits(s) {
                if let Some(score) = skim::score(s, query) {
                    best = Some(best.map_or(score, |b| b.max(score)));
                }
            }
        }
        best
    }

    /// Like [`Searcher::find_any`], scores only.
    pub fn score_any(&self, keys: &[(Key, bool)], query: &str) -> Option<(usize, i64)> {
        keys.iter()
            .enumerate()
            .filter_map(|(i, (k, strict))| {
                self.score(k, query, *strict)
                    .map(|s| (i, if *strict { s / 2 } else { s }))
            })
            .max_by_key(|(i, s)| (*s, std::cmp::Reverse(*i)))
    }

    /// The best match of `query` over several keys (strict for those flagged),
    /// with the index of the key that matched.
    pub fn find_any(&self, keys: &[(Key, bool)], query: &str) -> Option<(usize, Match)> {
        keys.iter()
            .enumerate()
            .filter_map(|(i, (k, strict))| {
                self.find(k, query, *strict).map(|mut m| {
                    // Long texts rank below names that match as well.
                    if *strict {
                        m.score /= 2;
                    }
                    (i, m)
                })
            })
            .max_by_key(|(i, m)| (m.score, std::cmp::Reverse(*i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same query on the same key scores the same whatever was scored
    /// before it (fuzzy-matcher's kept matrix changed it: 71 fresh, 83 after
    /// `ff`), so the list's order does not depend on how the query was typed.
    #[test]
    fn scores_do_not_depend_on_what_was_scored_before() {
        let s = Searcher::default();
        let k = Key::new("f\u{670d}a\u{670d}");
        let fresh = s.score(&k, "ffa", false);
        let _ = s.score(&Key::new("wzzfa\u{670d}"), "ff", false);
        let _ = s.score(&k, "ff", false);
        assert_eq!(s.score(&k, "ffa", false), fresh);
        let elsewhere = std::thread::spawn(move || Searcher::default().score(&k, "ffa", false))
            .join()
            .ok()
            .flatten();
        assert_eq!(elsewhere, fresh);
    }

    // 滕州市政務服務中心 in escapes (traditional), independent of any editor rendering.
    const CENTRE: &str = "\u{6ed5}\u{5dde}\u{5e02}\u{653f}\u{52d9}\u{670d}\u{52d9}\u{4e2d}\u{5fc3}";

    #[test]
    fn initials_find_chinese_and_highlight_the_characters() {
        let k = Key::new(CENTRE);
        assert_eq!(k.initials(), "tzszwfwzx");
        let m = Searcher::default().find(&k, "zwfw", false).unwrap();
        assert_eq!(m.via, Via::Initials);
        assert_eq!(m.chars, vec![3, 4, 5, 6]);
    }

    #[test]
    fn full_pinyin_and_direct_chinese_match() {
        let s = Searcher::default();
        let k = Key::new(CENTRE);
        let m = s.find(&k, "zhengwu", false).unwrap();
        assert_eq!(m.via, Via::Pinyin);
        assert_eq!(m.chars, vec![3, 4]);
        let m = s.find(&k, &normalise("\u{670d}\u{52d9}"), false).unwrap();
        assert_eq!(m.via, Via::Text);
        assert_eq!(m.chars, vec![5, 6]);
        assert!(s.find(&k, "xyz", false).is_none());
    }

    #[test]
    fn annotations_do_not_break_the_pinyin_key() {
        // 政務服務 as the data may carry it.
        let k = Key::new("\u{653f}\u{52d9}(w\u{f9})\u{670d}\u{52d9}(w\u{f9})");
        assert_eq!(k.text.chars().count(), 4);
        assert_eq!(k.initials(), "zwfw");
        assert!(Searcher::default().find(&k, "zwfw", false).is_some());
    }

    #[test]
    fn strict_keys_refuse_scattered_matches() {
        // z…w…f…w spread over a long text.
        let long = "z".to_string() + &"a".repeat(30) + "w" + &"a".repeat(30) + "fw";
        let k = Key::new(&long);
        let s = Searcher::default();
        assert!(s.find(&k, "zwfw", true).is_none());
        assert!(s.find(&Key::new("xx zwfw yy"), "zwfw", true).is_some());
    }

    #[test]
    fn subsequence_is_what_the_matcher_needs() {
        assert!(subsequence("zwfw", "tzszwfwzx"));
        assert!(subsequence("", "abc"));
        assert!(!subsequence("zwfwx", "tzszwfwz"));
        assert!(!subsequence("ba", "ab"));
    }

    #[test]
    fn compact_windows() {
        assert!(compact_window("zwfw", "xxzwfwyy", 9));
        assert!(!compact_window(
            "zw",
            &("z".to_string() + &"a".repeat(20) + "w"),
            5
        ));
        assert!(compact_window(
            "zw",
            &("z".to_string() + &"a".repeat(20) + "zaw"),
            5
        ));
    }

    /// The allocating version the filter used before issue 18, kept as the
    /// reference the allocation-free one must agree with.
    fn compact_window_reference(needle: &str, hay: &str, limit: usize) -> bool {
        let hay: Vec<char> = hay.chars().collect();
        let need: Vec<char> = needle.chars().collect();
        let Some(&first) = need.first() else {
            return true;
        };
        (0..hay.len()).filter(|&i| hay[i] == first).any(|start| {
            let mut k = 1;
            for (off, &c) in hay[start + 1..].iter().enumerate() {
                if off + 1 >= limit {
                    return false;
                }
                if k < need.len() && c == need[k] {
                    k += 1;
                }
                if k == need.len() {
                    return true;
                }
            }
            k == need.len()
        })
    }

    proptest::proptest! {
        #[test]
        fn compact_window_agrees_with_the_reference(
            needle in "[abz\u{670d}]{0,4}",
            hay in "[abcz\u{670d}\u{52a1}]{0,40}",
            limit in 0usize..12,
        ) {
            proptest::prop_assert_eq!(
                compact_window(&needle, &hay, limit),
                compact_window_reference(&needle, &hay, limit)
            );
        }
    }

    #[test]
    fn scores_agree_with_find() {
        let s = Searcher::default();
        for (text, q) in [
            (CENTRE, "zwfw"),
            (CENTRE, "zhengwu"),
            ("abc", "zwfw"),
            (CENTRE, "tz"),
        ] {
            let k = Key::new(text);
            assert_eq!(
                s.score(&k, q, false).is_some(),
                s.find(&k, q, false).is_some(),
                "{q}"
            );
        }
    }

    /// Issue 15: `/2017-window-011` or `/011` finds the nomination by its
    /// number, the exact number first; a part of the id finds it too.
    #[test]
    fn the_number_finds_its_record_exact_first() {
        let id = "2017-window-011";
        assert_eq!(id_match(id, "2017-window-011").map(|m| m.0), Some(EXACT_ID));
        let (score, chars) = id_match(id, "011").expect("the number");
        assert_eq!(score, EXACT_NUMBER);
        assert_eq!(chars, vec![12, 13, 14]);
        let part = id_match(id, "window-01").expect("a part").0;
        assert!(part < EXACT_NUMBER && part > 0);
        assert!(id_match(id, "01").is_some());
        assert!(id_match("2017-window-001", "011").is_none());
        assert!(
            id_match(id, "11").is_none(),
            "not from the middle of a part"
        );
        assert!(id_match(id, "indow").is_none());
        assert!(id_match(id, "").is_none());
        // Prefixes of a matching query match (the filter narrows on it).
        for q in ["2", "2017-w", "w", "window-", "0", "01"] {
            assert!(id_match(id, q).is_some(), "{q}");
        }
    }

    #[test]
    fn best_key_wins() {
        let s = Searcher::default();
        let keys = vec![(Key::new("abc"), false), (Key::new(CENTRE), false)];
        let (i, _) = s.find_any(&keys, "zwfw").unwrap();
        assert_eq!(i, 1);
    }
}
