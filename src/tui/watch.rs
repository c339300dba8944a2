//! Keeps an open TUI current: a thread of its own looks up the branch's
//! commit (HEAD, a `git2` reference lookup) every [`EVERY`], off the UI
//! thread; when it moved (a commit by another process, a `git pull` in
//! another shell, a sync) it brings its copy of the snapshot up to the new
//! commit (`Store::refresh`: only shards and records whose trees changed are
//! read again) and sends it with the ahead/behind counts. The interface
//! takes it with [`App::branch_moved`](super::app::App::branch_moved), which
//! keeps the cursor and the open screen.
//!
//! The runner tells the watcher which commit the interface shows after its
//! own writes and syncs ([`Watcher::shown`]), each with a new generation: a
//! snapshot the watcher read before that carries the old generation and is
//! dropped, so an older snapshot never replaces a newer one.

use std::sync::mpsc;
use std::time::Duration;

use crate::model::Snapshot;

use super::Options;

/// How often the branch is looked up.
pub const EVERY: Duration = Duration::from_millis(500);

/// A snapshot at the branch's new commit.
pub struct Moved {
    /// The generation of [`Watcher::shown`] the watcher knew when reading.
    pub generation: u64,
    pub result: Result<Box<Snapshot>, String>,
    /// Ahead/behind the remote after the move.
    pub counts: Option<(usize, usize)>,
}

enum Poke {
    /// The interface now shows this commit (generation, commit).
    Shown(u64, Option<String>),
    /// Look now (the refresh key); answer even when nothing moved.
    Now,
}

pub struct Watcher {
    tx: mpsc::Sender<Poke>,
    pub rx: mpsc::Receiver<Moved>,
    /// The signing check's answer, once: why the key cannot sign, if so.
    pub signing: mpsc::Receiver<Option<String>>,
    /// The generation of the last [`Watcher::shown`].
    pub generation: u64,
}

impl Watcher {
    /// Starts watching the session's repository from `snap` (what the
    /// interface shows now).
    pub fn spawn(opts: Options, snap: Snapshot) -> Watcher {
        let (tx, rx_poke) = mpsc::channel::<Poke>();
        let (tx_moved, rx) = mpsc::channel();
        let (tx_signing, signing) = mpsc::channel();
        let check = opts.clone();
        std::thread::spawn(move || {
            let _ = tx_signing.send(signing_problem(&check));
        });
        std::thread::spawn(move || watch(&opts, snap, &rx_poke, &tx_moved));
        Watcher {
            tx,
            rx,
            signing,
            generation: 0,
        }
    }

    /// The interface shows `commit` now (after its own write or sync).
    pub fn shown(&mut self, commit: Option<String>) {
        self.generation += 1;
        let _ = self.tx.send(Poke::Shown(self.generation, commit));
    }

    /// Look at the branch now rather than at the next tick.
    pub fn now(&self) {
        let _ = self.tx.send(Poke::Now);
    }
}

/// Why the session's signing key cannot sign, as far as can be told without
/// signing (`Signer::usable`, through `act::Identity`); `None` when it can or
/// when no key is configured (the header says so already).
pub fn signing_problem(opts: &Options) -> Option<String> {
    let store = opts.open().ok()?;
    let identity = crate::act::Identity::of(&store).ok()?;
    match identity.signer() {
        Ok(Some(signer)) => signer.usable().err(),
        Ok(None) => None,
        Err(e) => Some(e.to_string()),
    }
}

/// The watcher's loop: ends when the interface drops its ends.
fn watch(
    opts: &Options,
    mut snap: Snapshot,
    pokes: &mpsc::Receiver<Poke>,
    tx: &mpsc::Sender<Moved>,
) {
    let mut generation = 0;
    // The commit the interface shows, as far as this thread knows.
    let mut shown = snap.commit.clone();
    let mut store = None;
    loop {
        let forced = match pokes.recv_timeout(EVERY) {
            Ok(Poke::Shown(g, commit)) => {
                generation = g;
                shown = commit;
                false
            }
            Ok(Poke::Now) => true,
            Err(mpsc::RecvTimeoutError::Timeout) => false,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if store.is_none() {
            store = opts.open().ok();
        }
        let Some(st) = &store else { continue };
        let head = match st.head() {
            Ok(Some(h)) => h,
            _ => continue,
        };
        let hex = head.to_string();
        if shown.as_deref() == Some(hex.as_str()) && !forced {
            continue;
        }
        let result = if snap.commit.as_deref() == Some(hex.as_str()) {
            Ok(())
        } else {
            st.refresh(&mut snap, head).map_err(|e| e.to_string())
        };
        let moved = Moved {
            generation,
            result: result.map(|()| Box::new(snap.clone())),
            counts: crate::act::sync::counts(st, super::sync::REMOTE),
        };
        // Told once; a failed read is tried again at the next move or key.
        shown = Some(hex);
        if tx.send(moved).is_err() {
            return;
        }
    }
}
