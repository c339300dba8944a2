//! Running the signing programs.

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::process::{Command, Output, Stdio};

use super::SignError;

/// A program chosen by git config, run with extra environment.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub name: String,
    /// The git config key that chose `name`, for "not found" errors.
    pub config_key: &'static str,
    pub env: Vec<(OsString, OsString)>,
}

impl Program {
    /// The value of `name` in this program's environment.
    pub fn env_var(&self, name: &str) -> Option<OsString> {
        env_var(&self.env, name)
    }

    /// Run with `input` on stdin (none: /dev/null) and collect its output.
    pub fn run(&self, args: &[&OsStr], input: Option<&[u8]>) -> Result<Output, SignError> {
        let mut child = Command::new(&self.name)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| match source.kind() {
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
                    SignError::ProgramNotFound {
                        program: self.name.clone(),
                        config_key: self.config_key,
                        source,
                    }
                }
                _ => self.io_error(source),
            })?;

        let stdin = child.stdin.take();
        // Feed stdin from another thread while this one drains stdout and
        // stderr, so a program that writes before reading all input cannot
        // deadlock against us.
        let (written, output) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> io::Result<()> {
                if let (Some(mut stdin), Some(input)) = (stdin, input) {
                    stdin.write_all(input)?;
                }
                Ok(())
            });
            let output = child.wait_with_output();
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("stdin writer panicked")));
            (written, output)
        });
        let output = output.map_err(|e| self.io_error(e))?;
        match written {
            // A program that exits before reading all input (bad key, say)
            // explains itself on stderr; report that rather than EPIPE.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(output),
            Err(e) if output.status.success() => Err(self.io_error(e)),
            _ => Ok(output),
        }
    }

    fn io_error(&self, source: io::Error) -> SignError {
        SignError::Io {
            program: self.name.clone(),
            source,
        }
    }
}

/// The value of `name` in `env` (last wins, as `Command::envs`), else in
/// the process environment.
pub(crate) fn env_var(env: &[(OsString, OsString)], name: &str) -> Option<OsString> {
    env.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var_os(name))
}

/// Why a command line could not be split.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SplitError {
    #[error("has an unclosed quote")]
    UnclosedQuote,
    #[error("ends with a backslash")]
    BadEnding,
}

/// Split a command line into words as git's `split_cmdline` does (no shell):
/// whitespace separates, '…' and "…" quote, a backslash escapes the next
/// character except inside '…'.
pub(crate) fn split_cmdline(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_ascii_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (q, '\\') if q != Some('\'') => {
                word.push(chars.next().ok_or(SplitError::BadEnding)?);
                in_word = true;
            }
            (_, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(SplitError::UnclosedQuote);
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_git() {
        assert_eq!(
            split_cmdline("  ssh-add  -L ").expect("split"),
            ["ssh-add", "-L"]
        );
        assert_eq!(
            split_cmdline(r#"sh -c 'echo "$X"' a\ b "c\"d" ''"#).expect("split"),
            ["sh", "-c", r#"echo "$X""#, "a b", "c\"d", ""]
        );
        assert_eq!(split_cmdline("a 'b"), Err(SplitError::UnclosedQuote));
        assert_eq!(split_cmdline("a \\"), Err(SplitError::BadEnding));
    }

    #[test]
    fn missing_program_names_its_config_key() {
        let p = Program {
            name: "/nonexistent/pingxuan-signer".into(),
            config_key: "gpg.program",
            env: Vec::new(),
        };
        let err = p.run(&[], Some(b"x")).expect_err("missing");
        assert!(matches!(err, SignError::ProgramNotFound { .. }));
        let text = err.to_string();
        assert!(text.contains("/nonexistent/pingxuan-signer") && text.contains("gpg.program"));
    }

    #[test]
    fn large_input_does_not_deadlock() {
        let p = Program {
            name: "cat".into(),
            config_key: "gpg.program",
            env: Vec::new(),
        };
        let input = vec![b'x'; 1 << 20];
        let out = p.run(&[], Some(&input)).expect("cat");
        assert_eq!(out.stdout.len(), input.len());
    }

    #[test]
    fn early_exit_reports_status_not_epipe() {
        let p = Program {
            name: "sh".into(),
            config_key: "gpg.program",
            env: vec![("PX".into(), "boom".into())],
        };
        let input = vec![b'x'; 1 << 20];
        let out = p
            .run(
                &["-c".as_ref(), "echo $PX >&2; exit 3".as_ref()],
                Some(&input),
            )
            .expect("ran");
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "boom");
    }
}
