//! Everything the command line writes for a person to read. Text goes through
//! [`crate::text::sanitize_multiline`], so no record text, file name or commit
//! message can move the cursor, recolour the terminal or reorder a line (C0/C1
//! controls and bidi formatting characters are shown as visible escapes);
//! `--json` output is written exactly as serialised. A closed standard output
//! (`pingxuan log | head`) ends the program quietly, with status 0.

use std::io::{self, Write};

/// One line of text (or several, separated by `\n`) on standard output.
pub fn text(s: &str) {
    let mut line = crate::text::sanitize_multiline(s);
    line.push('\n');
    write_stdout(line.as_bytes());
}

/// `v` as pretty JSON on standard output, exactly (never sanitised).
pub fn json<T: serde::Serialize + ?Sized>(v: &T) -> anyhow::Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    write_stdout(s.as_bytes());
    Ok(())
}

/// One line of text on standard error, sanitised like [`text`]. A closed
/// stderr is ignored: there is nowhere left to say anything.
pub fn err_text(s: &str) {
    let mut line = crate::text::sanitize_multiline(s);
    line.push('\n');
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

fn write_stdout(bytes: &[u8]) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        quit_on_write_error(&e);
    }
}

/// A reader that went away (a pipe into `head`) is a normal end; any other
/// failure to write (a full disk behind a redirect) is said on stderr.
pub fn quit_on_write_error(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let _ = writeln!(io::stderr(), "pingxuan: standard output: {e}");
    std::process::exit(1);
}
