//! The score of fuzzy-matcher 0.3.7's `SkimMatcherV2` (case ignored, score
//! only), computed on scratch buffers kept per thread and reset before every
//! call (issue 18, P6).
//!
//! The crate keeps its score matrix between calls and does not reset every
//! cell it reads (a matched cell's consecutive bonus), so a reused matcher's
//! score depends on what it scored before, and `use_cache(false)` panics in
//! that version; a fresh matcher per call is correct but allocates its
//! thread-local caches and matrix each time. This is the same algorithm
//! (`SkimMatcherV2::fuzzy` with `with_pos = false`: two rows, the default
//! `SkimScoreConfig`), step for step, on buffers that start every call as a
//! fresh matcher's do: the score equals a fresh matcher's for every input
//! (`tests::equals_a_fresh_matcher`), without an allocation once the buffers
//! have grown.

use std::cell::RefCell;

// SkimScoreConfig::default().
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
const NEG_INFINITY: i32 = i16::MIN as i32;

/// One cell of the score matrix: what the score needs of the crate's cell
/// (the moves only serve positions).
#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

const FRESH: Cell = Cell {
    m: NEG_INFINITY,
    p: NEG_INFINITY,
    bonus: 0,
};

#[derive(Default)]
struct Scratch {
    choice: Vec<char>,
    pattern: Vec<char>,
    first: Vec<usize>,
    bonuses: Vec<i32>,
    cells: Vec<Cell>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

#[derive(Clone, Copy, PartialEq)]
enum CharType {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

fn char_type(ch: char) -> CharType {
    match ch {
        '\0' => CharType::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => CharType::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => CharType::SoftSep,
        '0'..='9' => CharType::Number,
        'A'..='Z' => CharType::Upper,
        _ => CharType::Lower,
    }
}

fn in_place_bonus(prev: CharType, cur: CharType) -> i32 {
    match (prev, cur) {
        (CharType::Empty, _) | (CharType::HardSep, _) => BONUS_HEAD,
        (CharType::SoftSep, _) => BONUS_BREAK,
        (CharType::Lower, CharType::Upper) | (CharType::Number, CharType::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

/// `SkimMatcherV2::default().ignore_case().fuzzy_match(choice, pattern)` of
/// a fresh matcher: `None` when `pattern` is not a subsequence of `choice`
/// (ASCII case ignored).
pub fn score(choice: &str, pattern: &str) -> Option<i64> {
    if pattern.is_empty() {
        return Some(0);
    }
    SCRATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => run(&mut scratch, choice, pattern),
            Err(_) => run(&mut Scratch::default(), choice, pattern),
        })
        .unwrap_or_else(|_| run(&mut Scratch::default(), choice, pattern))
}

fn run(s: &mut Scratch, choice: &str, pattern: &str) -> Option<i64> {
    let Scratch {
        choice: c,
        pattern: p,
        first,
        bonuses,
        cells,
    } = s;
    c.clear();
    c.extend(choice.chars());
    p.clear();
    p.extend(pattern.chars());

    // cheap_matches: the first place of each pattern char, in order.
    first.clear();
    let mut want = p.iter().peekable();
    for (idx, ch) in c.iter().enumerate() {
        match want.peek() {
            Some(&&w) if ch.eq_ignore_ascii_case(&w) => {
                first.push(idx);
                want.next();
            }
            Some(_) => {}
            None => break,
        }
    }
    if want.peek().is_some() {
        return None;
    }
    // Only the text up to the last place of the pattern's last char counts
    // (issue 18, P6): a cell reads only cells at or left of its column, and
    // the last row's cells past that place are mismatches (the least score),
    // so the score of the text cut there is the score of the whole text.
    // The matrix shrinks to that width (`fuwuchuangkou00012` for `fw`: 3
    // columns, not 18).
    if let Some(&last) = p.last() {
        let end = c
            .iter()
            .rposition(|ch| ch.eq_ignore_ascii_case(&last))
            .map_or(c.len(), |at| at + 1);
        c.truncate(end);
    }

    let cols = c.len() + 1;
    // A fresh matcher's matrix: two rows of default cells.
    cells.clear();
    cells.resize(2 * cols, FRESH);
    bonuses.clear();
    bonuses.resize(cols, 0);
    let mut prev = '\0';
    for (j, &ch) in c.iter().enumerate() {
        if let Some(b) = bonuses.get_mut(j + 1) {
            *b = in_place_bonus(char_type(prev), char_type(ch));
        }
        prev = ch;
    }
    if let Some(b) = bonuses.get_mut(1) {
        *b *= BONUS_FIRST_CHAR_MULTIPLIER;
    }

    let at = |row: usize, col: usize| row * cols + col;
    // The crate resets M[0][0], M[1][first[0]] and row 0, the latter with
    // the gap extension as its skip score; the rest is already fresh.
    for cell in cells.iter_mut().take(cols) {
        cell.p = GAP_EXTENSION;
    }

    for (i, &p_ch) in p.iter().enumerate() {
        let row = (i + 1) & 1;
        let row_prev = i & 1;
        let to_skip = first.get(i).copied().unwrap_or(0);
        for (j, &c_ch) in c.iter().enumerate().skip(to_skip) {
            let (cur, last, prev) = (at(row, j + 1), at(row, j), at(row_prev, j));
            let (Some(&last_cell), Some(&prev_cell)) = (cells.get(last), cells.get(prev)) else {
                return None;
            };
            let mut next = cells.get(cur).copied().unwrap_or(FRESH);
            if c_ch.eq_ignore_ascii_case(&p_ch) {
                let matched = (SCORE_MATCH
                    + if p_ch != c_ch {
                        PENALTY_CASE_MISMATCH
                    } else {
                        0
                    })
                .max(0);
                let in_place = bonuses.get(j + 1).copied().unwrap_or(0);
                let consecutive = last_cell.bonus.max(in_place.max(BONUS_CONSECUTIVE));
                if let Some(l) = cells.get_mut(last) {
                    l.bonus = consecutive;
                }
                let score_match = prev_cell.m + consecutive;
                let score_skip = prev_cell.p + in_place;
                next.m = score_match.max(score_skip) + matched;
            } else {
                next.m = NEG_INFINITY;
                next.bonus = 0;
            }
            // P: the gap after the last cell (read after its bonus changed,
            // which does not touch its scores).
            next.p = (GAP_START + GAP_EXTENSION + last_cell.m).max(GAP_EXTENSION + last_cell.p);
            if let Some(cell) = cells.get_mut(cur) {
                *cell = next;
            }
        }
    }

    let last_row = p.len() & 1;
    let from = first.last().copied().unwrap_or(0);
    cells
        .get(at(last_row, from)..at(last_row, cols))
        .and_then(|row| row.iter().map(|cell| cell.m).max())
        .map(i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;

    fn fresh(choice: &str, pattern: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .ignore_case()
            .fuzzy_match(choice, pattern)
    }

    #[test]
    fn known_scores() {
        for (choice, pattern) in [
            ("tzszwfwzx", "zwfw"),
            ("tengzhoushizhengwufuwuzhongxin", "zhengwu"),
            ("f\u{670d}a\u{670d}", "ffa"),
            ("f\u{670d}a\u{670d}", "f"),
            ("AbcDef", "adf"),
            ("abc", "abd"),
            ("", "a"),
            ("a b/c.d", "abcd"),
        ] {
            assert_eq!(
                score(choice, pattern),
                fresh(choice, pattern),
                "{choice} {pattern}"
            );
        }
        assert_eq!(score("abc", "abd"), None);
        assert!(score("tzszwfwzx", "zwfw").is_some());
    }

    /// The case the crate's kept matrix gets wrong (83 after `ff`, 71 fresh):
    /// ours scores as a fresh matcher whatever ran before on this thread.
    #[test]
    fn a_previous_score_does_not_change_the_next() {
        let want = fresh("f\u{670d}a\u{670d}", "ffa");
        let _ = score("wzzfa\u{670d}", "ff");
        let _ = score("f\u{670d}a\u{670d}", "ff");
        assert_eq!(score("f\u{670d}a\u{670d}", "ffa"), want);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Long texts where the pattern's chars come back again and again
        /// (the text is cut after the last place of the pattern's last
        /// char): ours equals a fresh matcher's score.
        #[test]
        fn equals_a_fresh_matcher_on_long_repeating_texts(
            choice in "[abfwAB0 .\u{670d}]{0,60}",
            pattern in "[abfwA\u{670d}]{1,5}",
        ) {
            proptest::prop_assert_eq!(score(&choice, &pattern), fresh(&choice, &pattern));
        }

        /// Any text and query, scored in any order on one thread: ours equals
        /// a fresh matcher's score (separators, case, digits, Chinese, NUL).
        #[test]
        fn equals_a_fresh_matcher(
            pairs in proptest::collection::vec(
                ("[abfwzABFZ09 ./_\\-\u{670d}\u{52a1}\u{0}]{0,24}", "[abfwzAZ0 .\u{670d}]{1,5}"),
                1..8,
            ),
        ) {
            for (choice, pattern) in &pairs {
                proptest::prop_assert_eq!(score(choice, pattern), fresh(choice, pattern));
            }
        }
    }
}
