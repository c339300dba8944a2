//! The terminal backend: crossterm's, told where the cursor really is after a
//! wide character (issue 18, P8).
//!
//! ratatui's `CrosstermBackend` moves the cursor before any cell that is not
//! one column right of the last one printed. After a Chinese character (two
//! columns) the next cell is two columns on, so it sent a cursor move (6–8
//! bytes) before nearly every character of Chinese text: two thirds of a full
//! repaint. Here each cell that continues a run is handed on as if it were one
//! column right of the last, so the inner backend prints it without a move; a
//! real gap or a new row still gets its move, to its true column.
//!
//! Only characters every terminal draws two columns wide (CJK ideographs,
//! kana, hangul, full-width forms and punctuation) continue a run. After
//! anything whose width terminals disagree on (emoji, ambiguous symbols) the
//! next cell gets its own move, as before, so a terminal that draws such a
//! character at another width still shows every later cell in its place.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// The TUI's terminal.
pub type Term = ratatui::Terminal<Wide<CrosstermBackend<io::Stdout>>>;

/// A backend that sends no cursor move after a surely wide character.
#[derive(Debug)]
pub struct Wide<B> {
    inner: B,
}

impl<W: Write> Wide<CrosstermBackend<W>> {
    pub fn new(writer: W) -> Self {
        Wide {
            inner: CrosstermBackend::new(writer),
        }
    }
}

impl<B> Wide<B> {
    pub fn inner_mut(&mut self) -> &mut B {
        &mut self.inner
    }
}

/// Whether every terminal draws `symbol` two columns wide: one character of
/// the East Asian wide or full-width blocks, emoji excluded.
fn surely_wide(symbol: &str) -> bool {
    let mut chars = symbol.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    matches!(u32::from(c),
        0x1100..=0x115F      // hangul jamo (leading)
        | 0x2E80..=0x303E    // CJK radicals, symbols and punctuation (、。「」…)
        | 0x3041..=0x33FF    // kana, bopomofo, CJK compatibility
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xA000..=0xA4CF    // yi
        | 0xAC00..=0xD7A3    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF01..=0xFF60    // full-width forms (，：；（）)
        | 0xFFE0..=0xFFE6    // full-width signs
        | 0x20000..=0x2FFFD  // CJK extensions B–F
        | 0x30000..=0x3FFFD) // CJK extension G
}

/// The cells with the columns the inner backend should believe: a cell that
/// starts where the last one ended is placed one column right of the last.
fn collapse<'a>(
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> impl Iterator<Item = (u16, u16, &'a Cell)> {
    // (where the last cell ended on screen, the column the inner backend saw for it)
    let mut last: Option<(Position, u16)> = None;
    content.map(move |(x, y, cell)| {
        let shown = match last {
            Some((end, seen)) if end == Position::new(x, y) => seen.saturating_add(1),
            _ => x,
        };
        let width = if surely_wide(cell.symbol()) { 2 } else { 1 };
        // After anything else the next cell gets a move of its own: its end
        // is set where no cell starts.
        let end = if width == 1 && crate::text::width(cell.symbol()) > 1 {
            Position::new(u16::MAX, y)
        } else {
            Position::new(x.saturating_add(width), y)
        };
        last = Some((end, shown));
        (shown, y, cell)
    })
}

impl<B: Backend> Backend for Wide<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(collapse(content))
    }
    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.inner.append_lines(n)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

impl<W: Write> Write for Wide<CrosstermBackend<W>> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// Opens the terminal as `ratatui::try_init` does (panic hook that restores
/// it, raw mode, alternate screen), with the [`Wide`] backend.
pub fn open() -> io::Result<Term> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
        hook(info);
    }));
    reopen()
}

/// Raw mode and the alternate screen again (after an editor ran), without
/// stacking another panic hook.
pub fn reopen() -> io::Result<Term> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    ratatui::Terminal::new(Wide::new(io::stdout()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    /// The bytes a full repaint of `buf` sends, through `Wide` or directly.
    fn repaint(buf: &Buffer, wide: bool) -> Vec<u8> {
        let blank = Buffer::empty(buf.area);
        let diff = blank.diff(buf);
        let mut out = Vec::new();
        if wide {
            let mut b = Wide::new(&mut out);
            b.draw(diff.into_iter()).expect("draw");
        } else {
            let mut b = CrosstermBackend::new(&mut out);
            b.draw(diff.into_iter()).expect("draw");
        }
        out
    }

    /// What a terminal shows after `bytes`: a grid of cells, wide characters
    /// taking two columns, honouring only cursor moves and printed text.
    fn screen(bytes: &[u8], w: usize, h: usize) -> Vec<String> {
        let s = String::from_utf8_lossy(bytes);
        let mut grid = vec![vec![" ".to_string(); w]; h];
        let (mut x, mut y) = (0usize, 0usize);
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                let mut seq = String::new();
                for d in chars.by_ref() {
                    seq.push(d);
                    if d.is_ascii_alphabetic() && d != '[' {
                        break;
                    }
                }
                if let Some(pos) = seq.strip_prefix('[').and_then(|q| q.strip_suffix('H')) {
                    let mut it = pos.split(';').map(|n| n.parse::<usize>().unwrap_or(1));
                    y = it.next().unwrap_or(1) - 1;
                    x = it.next().unwrap_or(1) - 1;
                }
                continue;
            }
            let wd = crate::text::width(&c.to_string()).max(1);
            if y < h && x < w {
                grid[y][x] = c.to_string();
                if wd == 2 && x + 1 < w {
                    grid[y][x + 1] = String::new();
                }
            }
            x += wd;
        }
        grid.into_iter().map(|row| row.concat()).collect()
    }

    #[test]
    fn chinese_text_is_sent_without_a_move_per_character_and_lands_in_place() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 3));
        buf.set_string(0, 0, "公示期內：二〇一七年", Style::default());
        buf.set_string(
            1,
            1,
            "騰州·A1 窗口（龍泉）",
            Style::default().fg(Color::Red),
        );
        buf.set_string(3, 2, "x😀y 中", Style::default());
        let plain = repaint(&buf, false);
        let wide = repaint(&buf, true);
        let screen_of = |b: &[u8]| screen(b, 24, 3);
        assert_eq!(screen_of(&wide), screen_of(&plain));
        assert_eq!(
            screen_of(&wide)[0].trim_end(),
            "公示期內：二〇一七年",
            "the text lands where ratatui put it"
        );
        let moves = |b: &[u8]| String::from_utf8_lossy(b).matches('H').count();
        // One move per row, plus one after the emoji (its width is not sure)
        // and one for the gap before 中.
        assert_eq!(moves(&wide), 3 + 2, "{}", String::from_utf8_lossy(&wide));
        assert!(moves(&plain) > 20);
        assert!(
            wide.len() * 3 < plain.len() * 2,
            "{} vs {}",
            wide.len(),
            plain.len()
        );
    }

    #[test]
    fn the_next_cell_after_a_gap_or_on_a_new_row_is_moved_to_its_true_column() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        buf.set_string(0, 0, "中", Style::default());
        buf.set_string(3, 0, "a", Style::default());
        buf.set_string(1, 1, "b", Style::default());
        let wide = repaint(&buf, true);
        let s = String::from_utf8_lossy(&wide);
        assert!(s.contains("\u{1b}[1;4H"), "{s}");
        assert!(s.contains("\u{1b}[2;2H"), "{s}");
        assert_eq!(screen(&wide, 10, 2), screen(&repaint(&buf, false), 10, 2));
    }
}
