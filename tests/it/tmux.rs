//! The real binary in a pseudo-terminal: one tmux server per test (its own
//! socket in the sandbox) with one session, `px`, driven by keys and read back
//! by capturing the pane. Every end-to-end TUI test uses this one harness.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::Sandbox;

pub struct Tmux<'a> {
    pub sb: &'a Sandbox,
    pub sock: PathBuf,
}

impl Tmux<'_> {
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.sb
            .cmd("tmux")
            .arg("-u")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .output()
            .expect("run tmux (install tmux)")
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "px"]).stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "px"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Types `text` as it is (no key names).
    pub fn literal(&self, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", "px", "-l", text])
            .status
            .success());
        std::thread::sleep(Duration::from_millis(150));
    }

    /// The screen once it shows `what`, waiting at most 30 s.
    pub fn wait_for(&self, what: &str) -> String {
        self.wait_long(what, 30)
    }

    /// The screen once it shows `what`, waiting at most `secs` seconds.
    pub fn wait_long(&self, what: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "waited {secs} s for {what:?}; the screen is:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn alive(&self) -> bool {
        self.run(&["has-session", "-t", "px"]).status.success()
    }
}

impl Drop for Tmux<'_> {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
