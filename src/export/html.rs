//! HTML helpers: escaping and the print-ready A4 page around every document.
//!
//! The page carries its own CSS (no network assets, no scripts), names Chinese
//! fonts with fallbacks, and repeats the source commit at the foot of every printed
//! page: the footer of a layout table around the document, which print engines
//! repeat on each page and keep room for.

use crate::i18n::Lang;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // control characters (other than line breaks and tabs) are shown, not obeyed
            '\n' | '\t' => out.push(c),
            c if c.is_control() || super::is_bidi_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text and turns its line breaks into `<br>`.
pub fn esc_lines(s: &str) -> String {
    esc(s.trim()).replace('\n', "<br>\n")
}

/// The style sheet of every export.
pub const CSS: &str = r#"
@page { size: A4 portrait; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html {
  font-family: "Noto Serif CJK TC", "Source Han Serif TC", "Noto Serif CJK SC",
    "Source Han Serif SC", "Source Han Serif CN", "Songti TC", "Songti SC", "STSong",
    "PMingLiU", "MingLiU", "SimSun", "Noto Sans CJK TC", "Noto Sans CJK SC",
    "Source Han Sans SC", "Microsoft JhengHei", "Microsoft YaHei", serif;
  font-size: 11pt; line-height: 1.55; color: #000; background: #fff;
}
body { margin: 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.05em; }
h2 { font-size: 14pt; margin: 6mm 0 3mm; }
h3 { font-size: 12pt; margin: 4mm 0 2mm; }
p { margin: 0 0 2mm; text-align: justify; }
.sub { text-align: center; margin-bottom: 5mm; }
.lead { text-indent: 2em; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; }
th, td { border: 0.6pt solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th { background: #f0f0f0; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.small { font-size: 8.5pt; }
table.small th, table.small td { padding: 0.8mm 1.2mm; }
table.form { font-size: 10pt; line-height: 1.3; margin: 1mm 0 2mm; }
.form th, .form td { padding: 1mm 1.5mm; }
.copy h1 { font-size: 16pt; margin-bottom: 1mm; }
.copy .sub { margin-bottom: 2mm; font-size: 9.5pt; }
.form td.tall { height: 30mm; }
.form td.sign { height: 24mm; vertical-align: bottom; text-align: right; }
table.signs th { width: 33%; white-space: normal; }
table.candidates th:first-child { width: 3em; }
table.candidates td:last-child { width: 45%; }
.copy { break-after: page; page-break-after: always; }
.copy:last-of-type { break-after: auto; page-break-after: auto; }
.copymark { text-align: right; font-weight: bold; margin-bottom: 2mm; }
.category { break-before: page; page-break-before: always; }
.category:first-of-type { break-before: auto; page-break-before: auto; }
.signature { text-align: right; margin-top: 8mm; }
.note { font-size: 9pt; color: #333; }
.flag { font-weight: bold; }
.warn { border: 0.8pt solid #000; padding: 2mm; margin: 2mm 0 4mm; }
/* the whole page is one layout table whose footer (the source commit) print
   engines repeat at the foot of every page, with room kept for it */
table.layout { margin: 0; }
table.layout > tbody > tr > td, table.layout > tfoot > tr > td { border: none; padding: 0; }
table.layout > tfoot { display: table-footer-group; }
.trace {
  font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; font-size: 7pt; color: #444;
  text-align: right; padding-top: 2mm;
}
td.label { background: #f0f0f0; font-weight: bold; }
td.center, th.center { text-align: center; }
table.candidates td:first-child, table.candidates th:first-child { white-space: nowrap; }
td.box { vertical-align: top; position: relative; }
td.box .signline { position: absolute; right: 3mm; bottom: 2mm; white-space: pre; }
tr.split { break-inside: auto; page-break-inside: auto; }
.pagebreak { break-after: page; page-break-after: always; height: 0; }
.signature.seal { min-height: 45mm; padding-top: 6mm; }
table.form th { background: #fff; font-weight: normal; text-align: center; }
table.form:not(.depts) thead th { border-left: none; border-right: none; border-top: none; }
table.form:not(.depts) thead tr:first-child th { font-size: 16pt; font-weight: bold; letter-spacing: 0.05em; padding-bottom: 2mm; }
table.form:not(.depts) thead tr:nth-child(2) th { font-size: 9.5pt; text-align: left; }
table.form:not(.depts) thead tr:nth-child(2) th.num { text-align: right; }
table.depts { break-inside: avoid; page-break-inside: avoid; }
table.depts thead th { border: 0.6pt solid #000; text-align: left; font-size: 10pt; }
table.audit td, table.audit th { white-space: nowrap; }
table.audit td:nth-child(6), table.audit td:nth-child(8) { white-space: normal; }
code { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; font-size: 0.9em; }
@media screen {
  body { max-width: 190mm; margin: 10mm auto; }
  .trace { margin-top: 6mm; }
}
"#;

/// A whole HTML document: `title` (already plain text), `body` (already HTML).
pub fn page(lang: Lang, title: &str, commit: &str, body: &str) -> String {
    let lang_attr = lang.pick("zh-Hant", "en");
    let label = super::source_label(lang);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_attr}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"pingxuan\">\n\
         <meta name=\"pingxuan-commit\" content=\"{c}\">\n\
         <title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <table class=\"layout\">\n<tfoot><tr><td><div class=\"trace\">{label} \
         <code class=\"commit\">{c}</code></div></td></tr></tfoot>\n<tbody><tr><td>\n\
         {body}\n</td></tr></tbody>\n</table>\n</body>\n</html>\n",
        c = esc(commit),
        t = esc(title),
    )
}

/// A whole HTML document on landscape A4 pages (wide tables).
pub fn page_landscape(lang: Lang, title: &str, commit: &str, body: &str) -> String {
    let body = format!(
        "<style>@page {{ size: A4 landscape; margin: 12mm 12mm 14mm 12mm; }}</style>\n{body}"
    );
    page(lang, title, commit, &body)
}

/// A table: headers (plain text) and rows of already-escaped cells; `num` marks
/// right-aligned columns.
pub fn table(class: &str, headers: &[String], num: &[usize], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"{}\">\n<thead><tr>", esc(class));
    for (i, h) in headers.iter().enumerate() {
        let cls = if num.contains(&i) {
            " class=\"num\""
        } else {
            ""
        };
        out.push_str(&format!("<th{cls}>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let cls = if num.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            out.push_str(&format!("<td{cls}>{cell}</td>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_record_text_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(esc("a\x1bb"), "a\u{fffd}b");
        assert_eq!(esc_lines("a\nb<"), "a<br>\nb&lt;");
    }

    #[test]
    fn the_page_is_a4_and_offline() {
        let p = page(Lang::En, "T<", "abc", "<p>x</p>");
        assert!(p.contains("size: A4"));
        assert!(p.contains("Noto Serif CJK SC") && p.contains("SimSun"));
        assert!(!p.contains("http://") && !p.contains("https://") && !p.contains("<script"));
        assert!(p.contains("<title>T&lt;</title>"));
        assert!(p.contains("content=\"abc\""));
    }
}
