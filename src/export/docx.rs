//! `.docx`: a Word document (written by `docx-rs`) of a [`Document`], for an
//! office to edit before sealing: A4, a Song/Ming typeface for Chinese, the
//! title centred and bold, body paragraphs with a two-character indent, tables
//! with borders (spans, row heights, shaded labels), page breaks, and the source
//! commit in the footer of every page. A document of several copies (the form)
//! puts each copy in a section of its own whose page header repeats the copy's
//! heading on every page, continuation pages included.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, HeightRule, PageMargin, PageOrientationType,
    PageSize, Paragraph, Run, RunFonts, Section, Shading, Table as DTable, TableCell, TableRow,
    VAlignType, VMergeType, WidthType,
};

use super::doc::{Block, Document, Row, TCell, Table};
use super::ExportError;

/// A4 in twentieths of a point.
const A4: (u32, u32) = (11_906, 16_838);
/// One millimetre in twentieths of a point.
const MM: f32 = 56.7;

fn fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("Noto Serif CJK TC")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

/// Text for a run: control characters and bidi controls shown, never obeyed
/// (line breaks are split off before).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || super::is_bidi_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn run(text: &str) -> Run {
    Run::new().add_text(clean(text)).fonts(fonts())
}

/// Text with its line breaks as breaks.
fn runs(mut p: Paragraph, text: &str, size: Option<usize>, bold: bool) -> Paragraph {
    for (i, line) in text.split('\n').enumerate() {
        let mut r = run(line);
        if i > 0 {
            r = Run::new()
                .add_break(BreakType::TextWrapping)
                .add_text(clean(line))
                .fonts(fonts());
        }
        if let Some(s) = size {
            r = r.size(s);
        }
        if bold {
            r = r.bold();
        }
        p = p.add_run(r);
    }
    p
}

fn para(text: &str) -> Paragraph {
    runs(Paragraph::new(), text, None, false)
}

/// Usable text width in twips.
fn text_width(landscape: bool) -> usize {
    let page = if landscape { A4.1 } else { A4.0 };
    (page as f32 - 2.0 * 20.0 * MM) as usize
}

fn cell(c: &TCell, width: usize, label: bool) -> TableCell {
    let mut tc = TableCell::new().width(width, WidthType::Dxa);
    if c.colspan > 1 {
        tc = tc.grid_span(c.colspan);
    }
    let align = if c.center {
        AlignmentType::Center
    } else if c.right {
        AlignmentType::Right
    } else {
        AlignmentType::Left
    };
    let mut p = runs(
        Paragraph::new().align(align),
        &c.text(),
        Some(21),
        label || c.label,
    );
    if c.lines.is_empty() {
        p = Paragraph::new().align(align);
    }
    tc = tc.add_paragraph(p);
    if let Some(b) = &c.bottom {
        tc = tc
            .add_paragraph(Paragraph::new())
            .add_paragraph(runs(
                Paragraph::new().align(AlignmentType::Right),
                b,
                Some(21),
                false,
            ))
            .vertical_align(VAlignType::Bottom);
    }
    if label || c.label {
        tc = tc.shading(Shading::new().fill("F0F0F0"));
    }
    if c.center && c.rowspan > 1 {
        tc = tc.vertical_align(VAlignType::Center);
    }
    tc
}

fn table(t: &Table, landscape: bool) -> DTable {
    let total = text_width(landscape);
    let sum: u32 = t.widths.iter().sum::<u32>().max(1);
    let grid: Vec<usize> = t
        .widths
        .iter()
        .map(|w| total * (*w as usize) / sum as usize)
        .collect();
    let ncols = grid.len().max(1);
    // columns still covered by a cell spanning rows: (remaining rows, colspan)
    let mut covered: Vec<Option<(usize, usize)>> = vec![None; ncols];
    let mut rows = Vec::new();
    let all: Vec<(&Row, bool)> = t
        .head
        .iter()
        .map(|r| (r, true))
        .chain(t.rows.iter().map(|r| (r, false)))
        .collect();
    for (r, is_head) in all {
        let mut cells = Vec::new();
        let mut col = 0;
        let mut given = r.cells.iter();
        while col < ncols {
            if let Some((left, span)) = covered[col] {
                let w: usize = grid[col..(col + span).min(ncols)].iter().sum();
                let mut tc = TableCell::new()
                    .width(w, WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new());
                if span > 1 {
                    tc = tc.grid_span(span);
                }
                cells.push(tc);
                covered[col] = if left > 1 {
                    Some((left - 1, span))
                } else {
                    None
                };
                col += span;
                continue;
            }
            let Some(c) = given.next() else {
                // a short row: fill the grid
                let w: usize = grid[col..].iter().sum();
                let span = ncols - col;
                let mut tc = TableCell::new()
                    .width(w, WidthType::Dxa)
                    .add_paragraph(Paragraph::new());
                if span > 1 {
                    tc = tc.grid_span(span);
                }
                cells.push(tc);
                break;
            };
            let span = c.colspan.max(1).min(ncols - col);
            let w: usize = grid[col..col + span].iter().sum();
            let mut tc = cell(c, w, is_head);
            if c.rowspan > 1 {
                tc = tc.vertical_merge(VMergeType::Restart);
                covered[col] = Some((c.rowspan - 1, span));
            }
            cells.push(tc);
            col += span;
        }
        let mut row = TableRow::new(cells);
        if let Some(mm) = r.min_height_mm {
            row = row
                .row_height(mm as f32 * MM)
                .height_rule(HeightRule::AtLeast);
        }
        if !r.can_split {
            row = row.cant_split();
        }
        rows.push(row);
    }
    DTable::new(rows)
        .set_grid(grid)
        .width(total, WidthType::Dxa)
}

fn block(b: &Block, landscape: bool) -> Vec<Item> {
    match b {
        Block::Title(t) => vec![pi(runs(
            Paragraph::new().align(AlignmentType::Center),
            t,
            Some(40),
            true,
        ))],
        Block::Centered(t) => vec![pi(para(t).align(AlignmentType::Center))],
        Block::Mark(t) => vec![pi(runs(
            Paragraph::new().align(AlignmentType::Right),
            t,
            Some(28),
            true,
        ))],
        Block::Heading(t) => vec![pi(runs(Paragraph::new(), t, Some(30), true))],
        Block::Para(t) => vec![pi(runs(
            Paragraph::new().first_line_chars(200),
            t,
            Some(28),
            false,
        ))],
        Block::Plain(t) => vec![pi(runs(Paragraph::new(), t, Some(28), false))],
        Block::Note(t) => vec![pi(runs(Paragraph::new(), t, Some(18), false))],
        Block::Signature { lines, seal } => {
            let mut out = Vec::new();
            if *seal {
                // room above for the seal (about 42 mm across the issuer and date)
                out.push(pi(Paragraph::new()));
                out.push(pi(Paragraph::new()));
            }
            for l in lines {
                out.push(pi(runs(
                    Paragraph::new().align(AlignmentType::Right),
                    l,
                    Some(28),
                    false,
                )));
            }
            out
        }
        Block::Table(t) => vec![Item::T(Box::new(table(t, landscape))), pi(Paragraph::new())],
        Block::PageBreak => vec![pi(
            Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
        )],
    }
}

/// A paragraph for the body.
fn pi(p: Paragraph) -> Item {
    Item::P(Box::new(p))
}

enum Item {
    P(Box<Paragraph>),
    T(Box<DTable>),
}

fn margins() -> PageMargin {
    let m = (20.0 * MM) as i32;
    PageMargin {
        top: m,
        left: m,
        bottom: m,
        right: m,
        header: (10.0 * MM) as i32,
        footer: (10.0 * MM) as i32,
        gutter: 0,
    }
}

fn footer(d: &Document) -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(run(&format!("{} {}", super::source_label(d.lang), d.commit)).size(14)),
    )
}

fn pack(docx: Docx) -> Result<Vec<u8>, ExportError> {
    let mut buf = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buf)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

fn base(d: &Document) -> Docx {
    let mut docx = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(margins())
        .default_fonts(fonts())
        .default_size(24)
        .footer(footer(d))
        .custom_property("pingxuan-commit", d.commit.clone());
    if d.landscape {
        docx = docx.page_orient(PageOrientationType::Landscape);
    }
    docx
}

/// The document as `.docx` bytes.
pub fn write(d: &Document) -> Result<Vec<u8>, ExportError> {
    let mut docx = base(d);
    for b in &d.blocks {
        for item in block(b, d.landscape) {
            docx = match item {
                Item::P(p) => docx.add_paragraph(*p),
                Item::T(t) => docx.add_table(*t),
            };
        }
    }
    pack(docx)
}

/// A document of copies, each in its own section whose page header (repeated on
/// every page of the copy) is `headings[i]`.
pub fn write_copies(
    d: &Document,
    headings: &[Vec<String>],
    copies: &[Vec<Block>],
) -> Result<Vec<u8>, ExportError> {
    let mut docx = base(d);
    for (i, blocks) in copies.iter().enumerate() {
        let mut header = Header::new();
        for (k, line) in headings.get(i).into_iter().flatten().enumerate() {
            let p = if k == 0 {
                runs(
                    Paragraph::new().align(AlignmentType::Center),
                    line,
                    Some(32),
                    true,
                )
            } else {
                runs(
                    Paragraph::new().align(AlignmentType::Right),
                    line,
                    Some(20),
                    true,
                )
            };
            header = header.add_paragraph(p);
        }
        let items: Vec<Item> = blocks.iter().flat_map(|b| block(b, d.landscape)).collect();
        if i + 1 == copies.len() {
            // the last copy is the document's own (final) section: no empty
            // section, and so no blank page, after it
            docx = docx.header(header);
            for item in items {
                docx = match item {
                    Item::P(p) => docx.add_paragraph(*p),
                    Item::T(t) => docx.add_table(*t),
                };
            }
            continue;
        }
        let mut section = Section::new()
            .page_size(PageSize::new().size(A4.0, A4.1))
            .page_margin(margins())
            .header(header)
            .footer(footer(d));
        for item in items {
            section = match item {
                Item::P(p) => section.add_paragraph(*p),
                Item::T(t) => section.add_table(*t),
            };
        }
        docx = docx.add_section(section);
    }
    pack(docx)
}
