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
}
