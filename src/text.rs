//! Text for terminals: display width of CJK text, padding and truncation by
//! columns, and control characters neutralised before anything is printed.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `s` takes in a terminal (CJK characters take two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Replaces control characters (ESC, CR, BEL, NUL, C1 …) by visible stand-ins so
/// that record text can never move the cursor or recolour a terminal.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Like [`sanitize`] but keeps line breaks, for multi-line messages.
pub fn sanitize_multiline(s: &str) -> String {
    s.split('\n').map(sanitize).collect::<Vec<_>>().join("\n")
}

/// Cuts `s` to at most `max` columns, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// `s` cut to `cols` and padded with spaces to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cols.saturating_sub(w)))
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

    #[test]
    fn control_characters_are_neutralised() {
        let s = sanitize("a\x1b[2Jb\x07c\u{9b}d\re");
        assert!(!s.chars().any(char::is_control), "{s:?}");
        assert!(s.starts_with('a') && s.ends_with('e'));
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
        assert_eq!(display("\u{8a55}(p\u{ed}ng)\x1b"), "\u{8a55}\u{fffd}");
    }
}
