//! The process's memory settings (issue 18, P7: peak resident memory with a
//! 10k-nomination campaign open in the TUI).
//!
//! glibc's malloc gives every thread that allocates while another holds the
//! main arena an arena of its own (up to eight per core), and memory freed in
//! an arena stays there: the threads that decode the snapshot cache and read
//! records in parallel left ~40 MB of freed but resident pages beside the
//! snapshot. [`tune`] caps the arenas at two (see [`ARENA_MAX`]);
//! [`release`] hands the free pages inside the heap back after the open,
//! before the TUI builds its rows.
//!
//! Both are called once by `main` (and by `benches/perf.rs`, so that the
//! bench measures what the program does). A setting the user made through
//! glibc's own environment (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`,
//! `GLIBC_TUNABLES`) wins: it is left as it is. Elsewhere than glibc on
//! Linux these do nothing.

use std::sync::atomic::{AtomicBool, Ordering};

/// The arenas glibc may create (`M_ARENA_MAX`): two, one per core of the
/// machines this runs on. One arena (measured 2026-12-02 on the 10k
/// campaign) made the parallel decode of the snapshot cache wait on the
/// arena's lock: the warm open took 305–335 ms against 96–114 ms with two,
/// for 4 MB less peak; eight (glibc's default on two cores) added ~20 MB.
/// A fixed `M_MMAP_THRESHOLD` (1 MB or 8 MB) was measured too: it also fixes
/// the trim threshold, and the heap then shrinks and regrows through the
/// decode (warm open 143–200 ms); glibc's own adaptive thresholds are kept.
pub const ARENA_MAX: i32 = 2;

static TUNED: AtomicBool = AtomicBool::new(false);

/// What [`tune`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tuned {
    /// The settings were applied now.
    Applied,
    /// The user's environment sets malloc up; left as it is.
    LeftToEnvironment,
    /// An earlier call applied or skipped them; nothing done.
    AlreadyDone,
    /// Not glibc, or glibc refused a setting.
    Unsupported,
}

/// Applies the malloc settings once per process (call it first thing in
/// `main`, before threads start: an arena made before it stays).
pub fn tune() -> Tuned {
    if TUNED.swap(true, Ordering::SeqCst) {
        return Tuned::AlreadyDone;
    }
    if user_sets_malloc(|name| std::env::var_os(name)) {
        return Tuned::LeftToEnvironment;
    }
    apply()
}

/// Whether glibc's environment variables set the malloc up already.
fn user_sets_malloc(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    [
        "MALLOC_ARENA_MAX",
        "MALLOC_MMAP_THRESHOLD_",
        "MALLOC_TRIM_THRESHOLD_",
    ]
    .iter()
    .any(|n| var(n).is_some())
        || var("GLIBC_TUNABLES").is_some_and(|t| t.to_string_lossy().contains("glibc.malloc."))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn apply() -> Tuned {
    // SAFETY: mallopt takes two integers and only changes malloc's parameters;
    // glibc takes its own lock for it.
    let arenas = unsafe { libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX) };
    if arenas == 1 {
        Tuned::Applied
    } else {
        Tuned::Unsupported
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn apply() -> Tuned {
    Tuned::Unsupported
}

/// Hands the heap's free pages back to the system (`malloc_trim`): after a
/// large transient peak (opening the campaign), before building what stays.
/// Returns whether any memory was released.
pub fn release() -> bool {
    release_impl()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_impl() -> bool {
    // SAFETY: malloc_trim only returns free memory of malloc's own arenas.
    unsafe { libc::malloc_trim(0) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_impl() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tune_applies_once() {
        let first = tune();
        // The test's environment may set malloc up; then it is left alone.
        let expected = if user_sets_malloc(|n| std::env::var_os(n)) {
            Tuned::LeftToEnvironment
        } else if cfg!(all(target_os = "linux", target_env = "gnu")) {
            Tuned::Applied
        } else {
            Tuned::Unsupported
        };
        // Another test of this binary may have called it first.
        assert!(
            first == expected || first == Tuned::AlreadyDone,
            "{first:?}"
        );
        assert_eq!(tune(), Tuned::AlreadyDone);
        assert_eq!(tune(), Tuned::AlreadyDone);
    }

    #[test]
    fn the_users_malloc_environment_wins() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |n: &str| {
                set.iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert!(!user_sets_malloc(env(&[])));
        assert!(!user_sets_malloc(env(&[(
            "GLIBC_TUNABLES",
            "glibc.rtld.nns=2"
        )])));
        assert!(user_sets_malloc(env(&[("MALLOC_ARENA_MAX", "4")])));
        assert!(user_sets_malloc(env(&[("MALLOC_MMAP_THRESHOLD_", "0")])));
        assert!(user_sets_malloc(env(&[(
            "GLIBC_TUNABLES",
            "glibc.malloc.arena_max=2"
        )])));
    }

    /// Memory freed inside the heap goes back to the system through
    /// `release`: resident memory drops by most of it.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_memory_leaves_the_process() {
        let _ = tune();
        release();
        let rss = || -> Option<u64> {
            let s = std::fs::read_to_string("/proc/self/status").ok()?;
            let l = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            l.split_whitespace().nth(1)?.parse().ok()
        };
        let Some(before) = rss() else {
            panic!("no VmRSS in /proc/self/status");
        };
        // 64 MB in 1 KB pieces (heap, not mmap), touched, then freed.
        let mut pieces: Vec<Vec<u8>> = (0..65_536).map(|_| vec![1u8; 1024]).collect();
        std::hint::black_box(&mut pieces);
        // Allocated after them and kept: the freed pieces are not the top of
        // the heap, so `free` alone does not give them back; `release` must.
        let pin: Vec<Vec<u8>> = (0..64).map(|_| vec![2u8; 1024]).collect();
        let Some(full) = rss() else {
            panic!("no VmRSS");
        };
        drop(pieces);
        release();
        let Some(after) = rss() else {
            panic!("no VmRSS");
        };
        std::hint::black_box(&pin);
        assert!(full >= before + 50_000, "{before} → {full} kB");
        // Other tests run beside this one; most of the 64 MB must be gone.
        assert!(after + 40_000 <= full, "{before} → {full} → {after} kB");
    }
}
