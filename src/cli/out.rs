//! Everything the command line writes for a person to read. Text goes through
//! [`crate::text::sanitize_multiline`], so no record text, file name or commit
//! message can move the cursor, recolour the terminal or reorder a line (C0/C1
//! controls and bidi formatting characters are shown as visible escapes);
//! `--json` output is written exactly as serialised. A closed standard output
//! (`pingxuan log | head`) ends the program quietly, with status 0.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use crate::export::script::Keep;

/// The command line speaks zh-Hans: its sentences are written in zh-Hant (the
/// vocabulary's one spelling) with record text inserted, so each line is
/// converted here, where it is shown, keeping every record text as entered —
/// the texts of the campaign's snapshot (read once, at the first line that
/// needs it, so a write's own new text is in it) and every argument given
/// on the command line.
struct Hans {
    session: crate::act::Session,
    keep: Option<Arc<Keep>>,
}

static HANS: OnceLock<Mutex<Hans>> = OnceLock::new();

/// Every line from now on in simplified characters (`--lang zh-Hans`, a
/// zh_CN locale), record text as entered.
pub fn simplified(session: &crate::act::Session) {
    let _ = HANS.set(Mutex::new(Hans {
        session: session.clone(),
        keep: None,
    }));
}

/// `s` in the interface's script.
pub fn script(s: &str) -> Cow<'_, str> {
    let Some(hans) = HANS.get() else {
        return Cow::Borrowed(s);
    };
    if crate::i18n::to_hans(s) == s {
        return Cow::Borrowed(s);
    }
    let Ok(mut h) = hans.lock() else {
        return Cow::Borrowed(s);
    };
    let keep = match &h.keep {
        Some(k) => k.clone(),
        None => {
            let args = std::env::args().skip(1);
            let keep = match h.session.open().and_then(|st| st.snapshot()) {
                Ok(snap) => Keep::of(&snap).with(args),
                Err(_) => Keep::none().with(args),
            };
            let keep = Arc::new(keep);
            h.keep = Some(keep.clone());
            keep
        }
    };
    Cow::Owned(keep.convert(s))
}

/// One line of text (or several, separated by `\n`) on standard output.
pub fn text(s: &str) {
    let mut line = crate::text::sanitize_multiline(&script(s));
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
    let mut line = crate::text::sanitize_multiline(&script(s));
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
