//! A progress line on stderr that updates in place, for the long jobs (demo
//! build, audit, gen). Shown only when stderr is a terminal, so scripts and
//! tests read clean output.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `label 512/994 commits 1.2 s`, redrawn at most ten times a second.
pub struct Progress {
    label: String,
    unit: String,
    on: bool,
    start: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    pub fn new(label: &str, unit: &str) -> Progress {
        Progress {
            label: label.to_string(),
            unit: unit.to_string(),
            on: std::io::stderr().is_terminal(),
            start: Instant::now(),
            drawn: None,
        }
    }

    /// `done` of `total` steps are done.
    pub fn set(&mut self, done: usize, total: usize) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if done < total
            && self
                .drawn
                .is_some_and(|d| now.duration_since(d) < Duration::from_millis(100))
        {
            return;
        }
        self.drawn = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} {done}/{total} {} {:.1} s",
            self.label,
            self.unit,
            self.start.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    /// Ends the line (kept on screen with its last count).
    pub fn finish(&mut self) {
        if self.on && self.drawn.is_some() {
            errln!();
        }
        self.drawn = None;
    }
}

/// Runs `work` with a line that shows the time spent so far, for a job that
/// reports no steps of its own; the line is removed when it ends.
pub fn while_running<T>(label: &str, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let ticker = {
        let stop = Arc::clone(&stop);
        let label = label.to_string();
        std::thread::spawn(move || {
            let start = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if start.elapsed() < Duration::from_millis(300) {
                    continue;
                }
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\r\x1b[2K{label} … {:.1} s",
                    start.elapsed().as_secs_f64()
                );
                let _ = err.flush();
            }
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        })
    };
    let out = work();
    stop.store(true, Ordering::Relaxed);
    let _ = ticker.join();
    out
}
