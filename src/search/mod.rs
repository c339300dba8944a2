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

/// A query as every key's score reads it, worked out once per keystroke
/// rather than once per key (issue 18, P6): its length in chars, whether it
/// has Chinese (then only the text is searched), its first char.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<'q> {
    text: &'q str,
    len: usize,
    han: bool,
    first: Option<char>,
}

impl<'q> Prepared<'q> {
    pub(crate) fn new(query: &'q str) -> Prepared<'q> {
        Prepared {
            text: query,
            len: query.chars().count(),
            han: query.chars().any(is_han),
            first: query.chars().next(),
        }
    }
}

/// What scoring one key says of the query and of every query that extends
/// it (the filter narrows on the difference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A match, with its score.
    Hit(i64),
    /// No match, but an extension of the query may match (a long text's
    /// window widens with the query; a long text never matches one char).
    Miss,
    /// The query is not a subsequence of any form searched: no extension
    /// of it matches either.
    Never,
}

impl Outcome {
    pub(crate) fn hit(self) -> Option<i64> {
        match self {
            Outcome::Hit(s) => Some(s),
            Outcome::Miss | Outcome::Never => None,
        }
    }
}

/// The char index of the first `c` in `hay` (`hay.chars().position`, found
/// with a byte search: UTF-8 is self-synchronising, so the first place the
/// encoding of `c` occurs is the first `c`).
fn char_position(hay: &str, c: char) -> Option<usize> {
    let at = find_char(hay, c)?;
    Some(hay.get(..at).map_or(0, |s| s.chars().count()))
}

/// `hay.find(c)`; an ASCII `c` by a plain byte loop (no UTF-8 byte of
/// another char is ASCII), faster than the general searcher on short keys.
fn find_char(hay: &str, c: char) -> Option<usize> {
    if c.is_ascii() {
        let b = c as u8;
        hay.as_bytes().iter().position(|&x| x == b)
    } else {
        hay.find(c)
    }
}

/// [`subsequence`] by byte searches, one per char of `needle`: leftmost
/// greedy, which finds a subsequence whenever there is one.
fn subsequence_fast(needle: &str, hay: &str) -> bool {
    let mut rest = hay;
    for c in needle.chars() {
        match find_char(rest, c) {
            Some(at) => rest = rest.get(at + c.len_utf8()..).unwrap_or(""),
            None => return false,
        }
    }
    true
}

/// The bit of one char in a [`char_mask`]: `a`–`z` and `0`–`9` their own,
/// any other char (Chinese) one of 28 bits by its code point, `None` for
/// the rest of ASCII.
fn char_bit(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        '0'..='9' => Some(26 + c as u32 - '0' as u32),
        c if c.is_ascii() => None,
        c => Some(36 + c as u32 % 28),
    }
}

/// The chars a key's forms (text, initials, full pinyin) hold, one bit per
/// [`char_bit`]. A query char whose bit is missing is in no form, so the
/// query is a subsequence of none: [`Outcome::Never`] without a search.
pub(crate) fn char_mask(key: &Key) -> u64 {
    [key.lower(), &key.initials, &key.full]
        .iter()
        .flat_map(|s| s.chars())
        .filter_map(char_bit)
        .fold(0, |m, b| m | 1 << b)
}

/// The bits of [`char_mask`] a key must have for `query` to match it.
pub(crate) fn query_mask(query: &str) -> u64 {
    query
        .chars()
        .filter_map(char_bit)
        .fold(0, |m, b| m | 1 << b)
}

/// The forms of a [`Key`] a score reads (borrowed from the key, or from the
/// [`Index`]'s copy), and whether its text has 64 chars or more.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Forms<'k> {
    pub(crate) lower: &'k str,
    pub(crate) initials: &'k str,
    pub(crate) full: &'k str,
    pub(crate) long: bool,
}

/// [`Searcher::score`] of a prepared query, telling a miss that an
/// extension may turn into a match from one that no extension will.
pub(crate) fn score_prepared(key: &Key, q: &Prepared<'_>, strict: bool) -> Outcome {
    let forms = Forms {
        lower: key.lower(),
        initials: &key.initials,
        full: &key.full,
        long: strict && key.text.len() >= 64 && key.text.chars().count() >= 64,
    };
    score_forms(&forms, q, strict)
}

/// [`score_prepared`] on a key's forms.
pub(crate) fn score_forms(key: &Forms<'_>, q: &Prepared<'_>, strict: bool) -> Outcome {
    let query = q.text;
    if q.len == 0 {
        return Outcome::Miss;
    }
    if q.len == 1 {
        // One key typed: most rows contain it; rank by how early it comes
        // instead of running the fuzzy matcher over every row.
        let c = q.first.unwrap_or_default();
        let mut best = char_position(key.lower, c).map(|i| 1001 - i as i64);
        if !is_han(c) {
            for hay in [key.initials, key.full] {
                if let Some(i) = char_position(hay, c) {
                    best = Some(best.map_or(1000 - i as i64, |b| b.max(1000 - i as i64)));
                }
            }
        }
        return match best {
            None => Outcome::Never,
            Some(_) if strict && key.long => Outcome::Miss,
            Some(s) => Outcome::Hit(s),
        };
    }
    let mut seen = false;
    let mut fits = |hay: &str| {
        let seq = subsequence_fast(query, hay);
        seen |= seq;
        seq && (!strict || compact_window(query, hay, 2 * q.len + 1))
    };
    let mut best: Option<i64> = None;
    if fits(key.lower) {
        best = skim::score(key.lower, query).map(|s| s + 1);
    }
    if !q.han {
        for s in [key.initials, key.full] {
            if fits(s) {
                if let Some(score) = skim::score(s, query) {
                    best = Some(best.map_or(score, |b| b.max(score)));
                }
            }
        }
    }
    match best {
        Some(s) => Outcome::Hit(s),
        None if seen => Outcome::Miss,
        None => Outcome::Never,
    }
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
    // Every match starts at the id's start or after a '-' with the query's
    // first byte: most ids are ruled out here, without a search.
    let q0 = query.as_bytes().first().copied().unwrap_or_default();
    let bytes = id.as_bytes();
    let starts_part = |b: &[u8]| match b {
        [c] => c.eq_ignore_ascii_case(&q0),
        [p, c] => *p == b'-' && c.eq_ignore_ascii_case(&q0),
        _ => false,
    };
    if !(bytes.get(..1).is_some_and(starts_part) || bytes.windows(2).any(starts_part)) {
        return None;
    }
    id_parts_hit(id, query)
}

/// [`id_hit`] without its first-byte test: the whole id, its number, then
/// its parts from each '-' on (the tests hold `id_hit` to it).
fn id_parts_hit(id: &str, query: &str) -> Option<(i64, usize)> {
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
        score_prepared(key, &Prepared::new(query), strict).hit()
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

    /// `Searcher::score` as it was before the prepared query and its byte
    /// searches (issue 18, P6): the reference the fast path must equal.
    fn score_reference(key: &Key, query: &str, strict: bool) -> Option<i64> {
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

    /// Texts like the list's: Chinese names, units and long deeds, ids,
    /// digits, latin, punctuation, annotations.
    fn text_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            "[afgwzAZ09\u{738b}\u{670d}\u{52a1}\u{653f}\u{7a97}\u{53e3}\u{54c1}\u{724c} .,-]{0,24}",
            "[a\u{670d}\u{52a1}\u{7fa4}\u{4f17}\u{70ed}\u{60c5}z]{50,90}",
            "[0-9a-z-]{1,20}",
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The fast score equals the reference on random keys and queries
        /// (Chinese, pinyin, initials, digits, ids), strict and not, and a
        /// key it calls `Never` fails every extension of the query.
        #[test]
        fn fast_score_equals_the_reference(
            text in text_strategy(),
            query in "[afgwzuA0\u{670d}\u{52a1}\u{738b} -]{1,6}",
            strict in proptest::bool::ANY,
        ) {
            let key = Key::new(&text);
            let q = normalise(&query);
            let mut never = false;
            for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let part = &q[..end];
                let fast = score_prepared(&key, &Prepared::new(part), strict);
                proptest::prop_assert_eq!(
                    fast.hit(),
                    score_reference(&key, part, strict),
                    "{:?} {:?}", text, part
                );
                proptest::prop_assert!(!never || fast == Outcome::Never, "{:?} {:?}", text, part);
                never |= fast == Outcome::Never;
            }
        }
    }

    /// The fast score on real-ish keys and the benchmark's queries, typed
    /// key by key: the reference's score.
    #[test]
    fn fast_score_equals_the_reference_on_list_texts() {
        let texts = [
            CENTRE.to_string(),
            "\u{670d}\u{52a1}\u{7a97}\u{53e3}00012".to_string(),
            "\u{54c1}\u{724c}00417".to_string(),
            "\u{738b}\u{82b3}\u{82b3}".to_string(),
            format!("\u{70ed}\u{60c5}\u{670d}\u{52a1}\u{ff0c}\u{7fa4}\u{4f17}\u{6ee1}\u{610f}\u{3002}{}", "\u{674e}\u{654f}".repeat(30)),
            "g-window-001 Zhang".to_string(),
            "\u{653f}\u{52d9}(w\u{f9})\u{670d}\u{52d9}(w\u{f9})".to_string(),
            String::new(),
        ];
        for text in &texts {
            let key = Key::new(text);
            for query in [
                "zwfw",
                "fwck",
                "wangfang",
                "\u{670d}\u{52a1}",
                "g-window-001",
                "pinpai",
                "lz",
                "00",
                "W",
            ] {
                let q = normalise(query);
                for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
                    for strict in [false, true] {
                        let part = &q[..end];
                        assert_eq!(
                            Searcher::default().score(&key, part, strict),
                            score_reference(&key, part, strict),
                            "{text} {part} {strict}"
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Issue 15's search by number is unchanged by the first-byte test:
        /// random ids and queries (parts, numbers, case) score as before.
        #[test]
        fn id_hit_equals_the_reference(
            id in "[0-9a-z]{0,5}(-[0-9a-zW]{0,4}){0,3}",
            query in "[0-9a-zW-]{1,8}",
            cut in 0usize..20,
        ) {
            proptest::prop_assert_eq!(id_hit(&id, &query), id_parts_hit(&id, &query));
            // Real prefixes and parts of the id, too.
            let part = id.get(cut.min(id.len())..).unwrap_or("");
            for q in [part, id.as_str(), part.get(..2).unwrap_or(part)] {
                proptest::prop_assert_eq!(id_hit(&id, q), id_parts_hit(&id, q), "{} {}", id, q);
            }
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
