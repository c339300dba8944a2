//! A write lock in the git directory, so that pingxuan processes on one clone
//! take turns: read HEAD, check, sign, commit, move the branch, update the work
//! tree — as one step. Writers outside pingxuan (plain git) are still caught by
//! the compare-and-swap on the branch.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;

pub const LOCK_FILE: &str = "pingxuan-write.lock";

/// How long a writer waits for another one before giving up with a clear message.
pub const WAIT: Duration = Duration::from_secs(60);

/// Held while writing; the file is removed on drop.
pub struct WriteLock {
    path: PathBuf,
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the lock's holder is gone (its pid no longer runs on this machine).
fn stale(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Some(pid) = text
        .split_whitespace()
        .next()
        .and_then(|p| p.parse::<u32>().ok())
    else {
        // Unreadable content: a writer crashed before finishing the file, or it is
        // being written right now. Treat as stale only once it has aged.
        return std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(10));
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let same_host = text
        .split_whitespace()
        .nth(1)
        .is_none_or(|h| h == host.trim());
    same_host && Path::new("/proc").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

pub fn acquire(git_dir: &Path) -> Result<WriteLock, StoreError> {
    let path = git_dir.join(LOCK_FILE);
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
                let _ = writeln!(f, "{} {}", std::process::id(), host.trim());
                return Ok(WriteLock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if stale(&path) {
                    let _ = std::fs::remove_file(&path);
                    continue;
                }
                if start.elapsed() > WAIT {
                    return Err(StoreError::Locked {
                        path: path.display().to_string(),
                    });
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(source) => {
                return Err(StoreError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }
}
