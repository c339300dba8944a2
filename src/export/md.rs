//! Markdown helpers: escaping record text for a Git forge's renderer.

use crate::text::sanitize;

/// Record text for inline use (table cells, list items, headings): control
/// characters neutralised and line breaks folded ([`sanitize`]), and every ASCII
/// character that Markdown or inline HTML could act on backslash-escaped, `|`
/// included, so a value can never break out of its table cell.
pub fn esc(s: &str) -> String {
    let clean = super::no_bidi(&sanitize(s.trim()));
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '#'
                | '~'
                | '!'
                | '&'
                | '{'
                | '}'
                | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // a value that starts like a list item, a heading rule or a numbered item
    if let Some(first) = out.chars().next() {
        if matches!(first, '-' | '+' | '=') {
            out.insert(0, '\\');
        } else if first.is_ascii_digit() {
            let digits = out.chars().take_while(char::is_ascii_digit).count();
            let mut rest = out[digits..].chars();
            if matches!(rest.next(), Some('.' | ')')) && rest.next().is_none_or(|c| c == ' ') {
                out.insert(digits, '\\');
            }
        }
    }
    out
}

/// Multi-line record text as Markdown paragraphs, each line escaped.
pub fn paragraphs(s: &str) -> String {
    s.lines()
        .map(esc)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A table of already-escaped cells.
pub fn table(headers: &[String], right: &[usize], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "| {} |\n",
        headers
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    let rule: Vec<&str> = (0..headers.len())
        .map(|i| if right.contains(&i) { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for row in rows {
        let cells: Vec<&str> = row
            .iter()
            .map(|c| if c.is_empty() { " " } else { c.as_str() })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// The line naming the source commit.
pub fn source_line(lang: crate::i18n::Lang, commit: &str) -> String {
    format!(
        "{}: `{}`",
        super::source_label(lang),
        commit.replace('`', "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_markup_cannot_break_a_table() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("<b>x</b>"), "\\<b\\>x\\</b\\>");
        assert_eq!(esc("line\nnext"), "line next");
        assert!(!esc("a\x1b[31mb").chars().any(char::is_control));
        assert_eq!(esc("- item"), "\\- item");
        assert_eq!(esc("12. x"), "12\\. x");
        assert_eq!(esc("88.5%"), "88.5%");
    }
}
