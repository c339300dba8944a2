//! Text for terminals: display width of CJK text, padding and truncation by
//! columns, and control characters neutralised before anything is printed.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `s` takes in a terminal (CJK characters take two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Whether `c` may reorder or hide text on a terminal without being a C0/C1
/// control: the bidi embeddings, overrides and isolates (U+202A–202E,
/// U+2066–2069), the directional marks (U+200E, U+200F, U+061C) and the line
/// and paragraph separators (U+2028, U+2029).
pub fn is_bidi_or_separator(c: char) -> bool {
    matches!(c as u32,
        0x202A..=0x202E | 0x2066..=0x2069 | 0x200E | 0x200F | 0x061C | 0x2028 | 0x2029)
}

/// Whether `c` must never reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_or_separator(c)
}

/// Pushes the visible stand-in of an unsafe character: `\e` for ESC, `\r`,
/// `\0`, `\x7F` style for the other C0/C1 controls and `\u{202E}` style for
/// bidi formatting characters, so an auditor sees that something was there.
fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = match c {
        '\u{1b}' => write!(out, "\\e"),
        '\r' => write!(out, "\\r"),
        '\0' => write!(out, "\\0"),
        c if (c as u32) <= 0xff => write!(out, "\\x{:02X}", c as u32),
        c => write!(out, "\\u{{{:04X}}}", c as u32),
    };
}

/// Replaces control characters (ESC, CR, BEL, NUL, C1 …) and bidi formatting
/// characters by visible escapes (`\e`, `\r`, `\x9B`, `\u{202E}`) so that record
/// text and file names can never move the cursor, recolour a terminal or
/// reorder a line. Line breaks and tabs become spaces.
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize`] but keeps line breaks, for multi-line messages.
pub fn sanitize_multiline(s: &str) -> String {
    s.split('\n').map(sanitize).collect::<Vec<_>>().join("\n")
}

/// Cuts `s` to at most `max` columns, ending with `…` when cut: at a
/// sensible break when one is near — after `。，；、！？：` or at a space,
/// within the last third of the width — else at the last whole character
/// that fits (a wide character is never split, a combining mark stays with
/// its letter). A comma-like mark before the `…` is dropped (`已過…`, not
/// `已過，…`), and so is an opening bracket or quote left dangling
/// (`（`, `「`, `(`). The result is never wider than `max`.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1; // the `…`
                          // the longest prefix that fits, and every place a break reads well
    let mut end = 0;
    let mut used = 0;
    let mut best: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        if c == ' ' || c == '\u{3000}' {
            // before a space
            if used * 3 >= budget * 2 {
                best = Some(i);
            }
        }
        used += w;
        end = i + c.len_utf8();
        if BREAK_AFTER.contains(c) && used * 3 >= budget * 2 {
            best = Some(end);
        }
    }
    let cut = best.unwrap_or(end);
    let mut out = s[..cut].trim_end_matches([' ', '\u{3000}']).to_string();
    while let Some(last) = out.chars().last() {
        if DROP_BEFORE_ELLIPSIS.contains(last) || OPENING.contains(last) || last == ' ' {
            out.pop();
        } else {
            break;
        }
    }
    out.push('…');
    out
}

/// A truncated text may end after these (a sentence or clause ends there).
const BREAK_AFTER: &str = "。，；、！？：";

/// Dropped before the `…`: a clause mark reads as an unfinished list.
const DROP_BEFORE_ELLIPSIS: &str = "，；、：,;:";

/// Opening brackets and quotes: never the last thing before the `…`.
const OPENING: &str = "（(「『“‘《〈【[{";

/// `s` cut to `cols` and padded with spaces to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cols.saturating_sub(w)))
}

/// Punctuation that closes: never the first character of a wrapped line.
const NO_LINE_START: &str = "。，、；：！？）」』”’》〉】…,.;:!?)";

/// Punctuation that opens: never the last character of a wrapped line.
const NO_LINE_END: &str = "（「『“‘《〈【([";

/// Where `s` breaks into lines of at most `cols` terminal columns: the byte
/// offsets at which the second and later lines start. Measured by display
/// width: a wide character that does not fit whole in the columns left (a CJK
/// character at the last column) starts the next line, so nothing is cut or
/// dropped. A Latin word is kept whole when a space earlier on the line allows;
/// the space a line breaks at ends that line. A character wider than `cols`
/// gets a line of its own.
pub fn wrap_breaks(s: &str, cols: usize) -> Vec<usize> {
    let mut breaks = Vec::new();
    if cols == 0 {
        return breaks;
    }
    let mut used = 0;
    let mut line_start = 0;
    // The last space on this line: (offset after it, columns up to there).
    let mut space: Option<(usize, usize)> = None;
    // The previous character: (offset, columns, the character).
    let mut prev: Option<(usize, usize, char)> = None;
    // The run of ASCII non-space characters the previous character ends
    // (a number such as 85.2, a rule id): (offset it starts at, its columns).
    let mut run: Option<(usize, usize)> = None;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used > 0 && used + w > cols {
            // Closing punctuation after a number or a Latin word takes the
            // whole of it down (85.2，not 85. / 2，).
            // When the run is longer than a line, its last character.
            let carried = match (run, prev) {
                (Some((at, rw)), Some((_, _, p))) if p.is_ascii_graphic() && rw + w <= cols => {
                    Some((at, rw))
                }
                (_, Some((at, pw, _))) => Some((at, pw)),
                _ => None,
            };
            let mid_word =
                c.is_ascii_graphic() && prev.is_some_and(|(_, _, p)| p.is_ascii_graphic());
            match (space, prev) {
                // A number, date or Latin word after Chinese text goes down
                // whole when it fits a line.
                _ if mid_word && run.is_some_and(|(at, rw)| at > line_start && rw + w <= cols) => {
                    let (at, rw) = run.unwrap_or((i, 0));
                    breaks.push(at);
                    used = rw;
                    line_start = at;
                }
                (Some((at, upto)), _) if mid_word && at > line_start => {
                    breaks.push(at);
                    used -= upto;
                    line_start = at;
                }
                // Closing punctuation does not start a line: the character
                // before it goes down with it (a 。 alone on a line reads as
                // a stray mark).
                _ if NO_LINE_START.contains(c)
                    && carried.is_some_and(|(at, pw)| at > line_start && pw + w <= cols) =>
                {
                    let (at, pw) = carried.unwrap_or((i, 0));
                    breaks.push(at);
                    used = pw;
                    line_start = at;
                }
                // An opening mark goes down with what it opens.
                (_, Some((at, pw, p)))
                    if NO_LINE_END.contains(p) && at > line_start && pw + w <= cols =>
                {
                    breaks.push(at);
                    used = pw;
                    line_start = at;
                }
                _ => {
                    breaks.push(i);
                    used = 0;
                    line_start = i;
                }
            }
            space = None;
        }
        used += w;
        if c == ' ' {
            space = Some((i + c.len_utf8(), used));
        }
        run = match (run, prev) {
            _ if !c.is_ascii_graphic() => None,
            (Some((at, rw)), _) if at >= line_start => Some((at, rw + w)),
            // An opening mark before a word belongs to it: （CONFLICT.
            (_, Some((at, pw, p))) if NO_LINE_END.contains(p) && at >= line_start => {
                Some((at, pw + w))
            }
            _ => Some((i, w)),
        };
        prev = Some((i, w, c));
    }
    breaks
}

/// `s` wrapped to `cols` columns (see [`wrap_breaks`]).
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for b in wrap_breaks(s, cols) {
        out.push(s[start..b].to_string());
        start = b;
    }
    out.push(s[start..].to_string());
    out
}

/// Whether `c` is a Han (CJK ideograph) character.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Whether `c` may appear in a pinyin reading: a–z, ü and the tone-marked vowels.
fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "\u{101}\u{e1}\u{1ce}\u{e0}\u{113}\u{e9}\u{11b}\u{e8}\u{12b}\u{ed}\u{1d0}\u{ec}\u{14d}\u{f3}\u{1d2}\u{f2}\u{16b}\u{fa}\u{1d4}\u{f9}\u{1d6}\u{1d8}\u{1da}\u{1dc}\u{fc}\u{ea}\u{144}\u{148}\u{1f9}\u{1e3f}".contains(c)
}

/// Removes inline pinyin annotations that directly follow a Han character, such as
/// the `(p\u{ed}ng)` in `\u{8a55}(p\u{ed}ng)\u{9078}`: a parenthesised run of 1 to 8
/// pinyin letters. Other parentheses (`\u{7d00}\u{6aa2}(\u{76e3}\u{5bdf})`, `(2017)`) stay.
pub fn strip_annotations(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        if is_han(c) && chars.get(i) == Some(&'(') {
            let run = chars[i + 1..]
                .iter()
                .take(9)
                .take_while(|c| is_pinyin_letter(**c))
                .count();
            if (1..=8).contains(&run) && chars.get(i + 1 + run) == Some(&')') {
                i += run + 2;
            }
        }
    }
    out
}

/// [`sanitize`] and [`strip_annotations`]: record text made fit to display.
pub fn display(s: &str) -> String {
    sanitize(&strip_annotations(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_columns() {
        // Escapes keep the test independent of how an editor renders Chinese.
        let zwfw = "\u{653f}\u{52a1}\u{670d}\u{52a1}"; // zheng wu fu wu
        assert_eq!(width(zwfw), 8);
        assert_eq!(pad("\u{653f}\u{52a1}", 6), "\u{653f}\u{52a1}  ");
        let long = "\u{6ed5}\u{5dde}\u{5e02}\u{653f}\u{52a1}\u{670d}\u{52a1}\u{4e2d}\u{5fc3}";
        assert_eq!(width(&pad(long, 9)), 9);
        assert_eq!(truncate(long, 7), "\u{6ed5}\u{5dde}\u{5e02}\u{2026}");
    }

    /// Every line fits in its columns and no character is lost, whatever the
    /// parity of the columns before a wide character (the 口 of 窗口 fell off
    /// a line whose 79 columns were full).
    #[test]
    fn wrap_moves_a_wide_char_at_the_last_column_to_the_next_line() {
        // "(" then 示范窗口: 1 + 2k columns, so 口 meets the last column.
        let s = "(\u{793a}\u{8303}\u{7a97}\u{53e3}\u{201d}";
        let lines = wrap(s, 8);
        assert_eq!(lines.concat(), s);
        assert!(lines.iter().all(|l| width(l) <= 8), "{lines:?}");
        assert_eq!(lines[0], "(\u{793a}\u{8303}\u{7a97}");
        assert!(lines[1].starts_with('\u{53e3}'), "{lines:?}");
        for cols in 1..30 {
            let long = format!("a{}b c", "\u{7a97}\u{53e3}".repeat(7));
            let lines = wrap(&long, cols);
            assert_eq!(lines.concat(), long, "{cols}");
            for l in &lines {
                assert!(width(l) <= cols.max(2), "{cols}: {lines:?}");
            }
        }
    }

    #[test]
    fn closing_punctuation_does_not_start_a_line() {
        // 示范窗口。 in 8 columns: 口 goes down with the 。 after it.
        let s = "\u{793a}\u{8303}\u{7a97}\u{53e3}\u{3002}";
        assert_eq!(wrap(s, 8), ["\u{793a}\u{8303}\u{7a97}", "\u{53e3}\u{3002}"]);
        for cols in 2..12 {
            let lines = wrap(&s.repeat(3), cols);
            assert_eq!(lines.concat(), s.repeat(3));
            assert!(lines.iter().all(|l| width(l) <= cols), "{cols}: {lines:?}");
        }
    }

    /// Full-width closing marks do not start a line either, and one after a
    /// number or a rule id takes the whole of it down, not its last character.
    #[test]
    fn a_full_width_mark_takes_the_number_or_word_before_it_down() {
        // 評分85.2，CONFLICT） at widths that put the mark first on a line.
        let s = "\u{8a55}\u{5206}85.2\u{ff0c}\u{ff08}CONFLICT\u{ff09}";
        for cols in 4..24 {
            let lines = wrap(s, cols);
            assert_eq!(lines.concat(), s, "{cols}");
            assert!(lines.iter().all(|l| width(l) <= cols), "{cols}: {lines:?}");
            for l in &lines[1..] {
                let first = l.chars().next().unwrap_or(' ');
                assert!(!"\u{ff0c}\u{ff09}".contains(first), "{cols}: {lines:?}");
            }
            for (a, b) in lines.iter().zip(&lines[1..]) {
                let split = |x: char, y: char| x.is_ascii_graphic() && y.is_ascii_graphic();
                let (x, y) = (
                    a.chars().last().unwrap_or(' '),
                    b.chars().next().unwrap_or(' '),
                );
                // A number or a word is cut only where it cannot fit a line.
                if split(x, y) {
                    assert!(cols < 12, "{cols}: {lines:?}");
                }
            }
        }
        // A date after Chinese text is kept whole.
        let d = "\u{81f3}2017-06-30\u{6b62}";
        for cols in 10..15 {
            let lines = wrap(d, cols);
            assert_eq!(lines.concat(), d);
            for (a, b) in lines.iter().zip(&lines[1..]) {
                let (x, y) = (
                    a.chars().last().unwrap_or(' '),
                    b.chars().next().unwrap_or(' '),
                );
                assert!(
                    !(x.is_ascii_graphic() && y.is_ascii_graphic()),
                    "{cols}: {lines:?}"
                );
            }
        }
        // No line ends with an opening mark: （ goes down with what it opens.
        for t in [s, "\u{7533}\u{5831}\u{ff08}\u{4f86}\u{6e90}\u{ff09}"] {
            for cols in 4..20 {
                let lines = wrap(t, cols);
                assert_eq!(lines.concat(), t);
                for l in &lines[..lines.len() - 1] {
                    assert!(!l.ends_with('\u{ff08}'), "{cols}: {lines:?}");
                }
            }
        }
        assert_eq!(
            wrap("\u{8a55}\u{5206}85.2\u{ff0c}", 9),
            ["\u{8a55}\u{5206}", "85.2\u{ff0c}"]
        );
    }

    #[test]
    fn wrap_keeps_latin_words_whole_where_a_space_allows() {
        assert_eq!(wrap("abc defgh ij", 7), ["abc ", "defgh ", "ij"]);
        // A word longer than the line is cut where it must be.
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("abc", 0), ["abc"]);
    }

    #[test]
    fn control_characters_are_neutralised() {
        let s = sanitize("a\x1b[2Jb\x07c\u{9b}d\re");
        assert!(!s.chars().any(is_unsafe), "{s:?}");
        assert_eq!(s, "a\\e[2Jb\\x07c\\x9Bd\\re");
    }

    #[test]
    fn bidi_controls_become_visible_escapes() {
        // U+202E would show "evil.ron" reversed; the isolates and marks likewise.
        for c in [
            '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200f}', '\u{61c}',
        ] {
            let s = sanitize(&format!("a{c}b"));
            assert!(!s.chars().any(is_unsafe), "{s:?}");
            assert_eq!(s, format!("a\\u{{{:04X}}}b", c as u32));
        }
        assert_eq!(sanitize_multiline("x\u{202e}\ny"), "x\\u{202E}\ny");
        // Plain text, Chinese included, is returned as it is.
        assert_eq!(sanitize("\u{7a97}\u{53e3} ok"), "\u{7a97}\u{53e3} ok");
    }

    #[test]
    fn pinyin_annotations_after_han_are_removed() {
        // 評選 with an annotation after the first character.
        let annotated = "\u{8a55}(p\u{ed}ng)\u{9078}";
        assert_eq!(strip_annotations(annotated), "\u{8a55}\u{9078}");
        // 政務服務: neutral and marked readings, several in a row.
        let s = "\u{653f}\u{52d9}(w\u{f9})\u{670d}\u{52d9}(wu)";
        assert_eq!(strip_annotations(s), "\u{653f}\u{52d9}\u{670d}\u{52d9}");
        // Han in parentheses, digits, latin after latin and long runs stay.
        for keep in [
            "\u{7d00}\u{6aa2}(\u{76e3}\u{5bdf})",
            "\u{5e74}(2017)",
            "abc(def)",
            "\u{5e74}(abcdefghij)",
            "\u{5e74}(Tengzhou)",
            "\u{5e74}()",
        ] {
            assert_eq!(strip_annotations(keep), keep);
        }
        assert_eq!(display("\u{8a55}(p\u{ed}ng)\x1b"), "\u{8a55}\\e");
    }

    #[test]
    fn truncation_ends_at_a_clause_when_one_is_near() {
        // 20 columns: the cut falls after 「已過」's comma, inside the last third
        let s = "申報截止日六月三十日已過，主任未登記例外";
        assert_eq!(truncate(s, 30), "申報截止日六月三十日已過…");
        // no break in the last third: the last whole character that fits
        assert_eq!(truncate("滕州市公共交通有限公司", 9), "滕州市公…");
        // a sentence end is kept before the ellipsis
        assert_eq!(truncate("資料齊全。等待評委會審核通知", 14), "資料齊全。…");
        // English breaks at a space
        assert_eq!(
            truncate("the deadline for registration has passed", 20),
            "the deadline for…"
        );
    }

    #[test]
    fn truncation_leaves_no_dangling_bracket_or_quote() {
        assert_eq!(truncate("評委會主任（李國華）決定", 12), "評委會主任…");
        assert_eq!(truncate("事跡「一窗受理」", 8), "事跡…");
        assert_eq!(truncate("score (final) of", 8), "score…");
        // mixed text: a wide character never split at the edge
        assert_eq!(truncate("W1 窗口服務規範", 6), "W1 窗…");
        assert_eq!(truncate("ab窗口", 4), "ab…");
    }

    #[test]
    fn truncation_never_exceeds_the_width() {
        let texts = [
            "申報截止日六月三十日已過，主任未登記例外（REG-DEADLINE）",
            "評委會主任（李國華）決定：候選 → 取消資格；經查屬實。",
            "mixed 文字 and「引號」with spaces、頓號",
            "e\u{301}e\u{301}e\u{301} combining marks",
            "　全角空格　開頭",
        ];
        for t in texts {
            for max in 0..=width(t) + 2 {
                let cut = truncate(t, max);
                assert!(width(&cut) <= max, "{t:?} at {max}: {cut:?}");
                if width(t) > max && max > 0 {
                    assert!(cut.ends_with('…'), "{t:?} at {max}: {cut:?}");
                    let before = cut.trim_end_matches('…');
                    assert!(t.starts_with(before), "{t:?} at {max}: {cut:?}");
                    assert!(!before.ends_with(|c| OPENING.contains(c)), "{cut:?}");
                    // a combining mark is never cut from its letter
                    assert!(
                        !before.ends_with('e') || !t[before.len()..].starts_with('\u{301}'),
                        "{cut:?}"
                    );
                } else if max > 0 {
                    assert_eq!(cut, t);
                }
            }
        }
    }
}
