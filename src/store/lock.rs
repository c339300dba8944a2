//! A write lock in the git directory, so that pingxuan processes on one clone
//! take turns: read HEAD, check, sign, commit, move the branch, update the work
//! tree — as one step. Writers outside pingxuan (plain git) are still caught by
//! the compare-and-swap on the branch.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::StoreError;

pub const LOCK_FILE: &str = "pingxuan-write.lock";

/// How long a writer waits for another one before giving up with a clear message.
pub const WAIT: Duration = Duration::from_secs(60);

/// Held while writing; the file is removed on drop.
pub struct WriteLock {
    path: PathBuf,
}

impl WriteLock {
    /// The guard of a step inside a build that already holds the lock
    /// ([`super::Store::with_objects_in_memory`]): dropping it releases nothing.
    pub(super) fn held_by_build() -> WriteLock {
        WriteLock {
            path: PathBuf::new(),
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return;
        }
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

/// How old one of git's own lock files must be, after a pingxuan writer died
/// holding our lock, before it counts as that writer's orphan: a live git
/// process holds such a lock for milliseconds.
const ORPHAN_AGE: Duration = Duration::from_millis(500);

/// Removes git's lock files (index, HEAD, refs) that a writer killed while
/// holding our lock left behind: those made since `since`, once they have
/// aged past [`ORPHAN_AGE`] without being released.
fn clear_orphans(git_dir: &Path, since: SystemTime) {
    let mut found = Vec::new();
    for name in ["index.lock", "HEAD.lock", "packed-refs.lock"] {
        found.push(git_dir.join(name));
    }
    let mut dirs = vec![git_dir.join("refs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "lock") {
                found.push(p);
            }
        }
    }
    let since = since - Duration::from_secs(1);
    for p in found {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let Some(made) = modified(&p) else { continue };
        if made < since {
            continue; // older than the dead writer's turn: not its own
        }
        while let Some(made) = modified(&p) {
            if made.elapsed().unwrap_or_default() >= ORPHAN_AGE {
                let _ = std::fs::remove_file(&p);
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Creates the lock file with its content in one step (a hard link of a
/// finished file), so that a reader never finds it empty.
fn create(path: &Path, content: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("lock.{}", std::process::id()));
    std::fs::write(&tmp, content)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            // No hard links here: create, then write.
            let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
            f.write_all(content.as_bytes())
        }
        other => other,
    }
}

pub fn acquire(git_dir: &Path) -> Result<WriteLock, StoreError> {
    let path = git_dir.join(LOCK_FILE);
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let content = format!("{} {}\n", std::process::id(), host.trim());
    loop {
        match create(&path, &content) {
            Ok(()) => return Ok(WriteLock { path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if stale(&path) {
                    let since = std::fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .unwrap_or_else(|_| SystemTime::now());
                    let _ = std::fs::remove_file(&path);
                    clear_orphans(git_dir, since);
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
