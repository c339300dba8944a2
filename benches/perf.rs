//! In-process timings for the benchmark script (benches/compare.sh), printed as
//! JSON; medians of several runs. A bench target, not part of the shipped
//! binary (it was `pingxuan perf` before issue 14):
//!
//! ```text
//! cargo bench --bench perf -- --repo DIR --at TIME [--lang LANG] [--runs N] [--write | --tui | --action | --warm | --cold | --first-rank]
//! ```
//!
//! - default: P1 cold open, P2 warm open, P4 one record's history;
//!   `--write` adds P3, a reload after one new (unsigned) commit (writes to DIR);
//! - `--tui`: P6 filter per keystroke (p95), P8 bytes per cursor move and per
//!   full repaint at 200×50, P7 peak memory with the campaign open;
//! - `--warm`: P2 alone (warm open, its load and its ranking), e.g. to profile;
//! - `--cold`: P1 alone (cold open, its load and its ranking), e.g. to profile;
//! - `--first-rank`: P1's first ranking alone, on one cold-loaded snapshot
//!   whose memo is emptied before each run, e.g. to profile it;
//! - `--action`: P5, one signed action as the configured user with the
//!   snapshot loaded, as in the TUI (the chair decides an open nomination, a
//!   reviewer re-scores one; writes to DIR).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, FixedOffset};
use pingxuan::i18n::Lang;
use pingxuan::model::{Mark, Member, Score, Snapshot};
use pingxuan::rules;
use pingxuan::store::{layout, CommitMeta, FileChange, Reader, Store};

/// What compare.sh asks for.
struct Args {
    repo: PathBuf,
    at: Option<String>,
    lang: Lang,
    runs: usize,
    write: bool,
    tui: bool,
    action: bool,
    /// Only the warm opens (P2), e.g. to profile them.
    warm: bool,
    /// Only the cold opens (P1), e.g. to profile them.
    cold: bool,
    /// Only P1's first ranking, repeated on one cold-loaded snapshot with
    /// its memo emptied before each run, e.g. to profile it.
    first_rank: bool,
}

impl Args {
    fn parse() -> Result<Args> {
        let mut a = Args {
            repo: PathBuf::from("."),
            at: None,
            lang: Lang::Zh,
            runs: 5,
            write: false,
            tui: false,
            action: false,
            warm: false,
            cold: false,
            first_rank: false,
        };
        let mut lang = None;
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            let mut value = || it.next().ok_or_else(|| anyhow!("{arg} needs a value"));
            match arg.as_str() {
                "--repo" => a.repo = PathBuf::from(value()?),
                "--at" => a.at = Some(value()?),
                "--lang" => lang = Some(value()?),
                "--runs" => a.runs = value()?.parse().context("--runs")?,
                "--write" => a.write = true,
                "--tui" => a.tui = true,
                "--action" => a.action = true,
                "--warm" => a.warm = true,
                "--cold" => a.cold = true,
                "--first-rank" => a.first_rank = true,
                // `cargo bench` passes --bench to a bench without a harness.
                "--bench" => {}
                other => bail!(
                    "unknown argument {other:?}; usage: perf --repo DIR --at TIME \
                     [--lang LANG] [--runs N] [--write | --tui | --action | --warm | --cold | --first-rank]"
                ),
            }
        }
        // As the command line decides it: --lang, else the locale.
        a.lang = Lang::detect(lang.as_deref());
        Ok(a)
    }

    /// The action time: `--at`, else now in the local offset.
    fn now(&self) -> Result<DateTime<FixedOffset>> {
        match &self.at {
            Some(s) => DateTime::parse_from_rfc3339(s)
                .with_context(|| format!("--at {s:?}: expected RFC 3339 time")),
            None => Ok(chrono::Local::now().fixed_offset()),
        }
    }
}

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    xs.get(xs.len() / 2)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

/// The CPU time of this process so far, every thread's (user and system):
/// less disturbed than wall time by other processes on a busy machine.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Peak resident memory of this process (kB), from /proc.
fn peak_rss_kb() -> Option<u64> {
    status_kb("VmHWM:")
}

/// A memory figure of this process (kB) from /proc/self/status, e.g.
/// `RssAnon:` (heap and other anonymous pages), `RssFile:` (mapped files:
/// the binary, a pack and its index).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<()> {
    // As `main` does, before any thread starts (issue 18, P7).
    pingxuan::mem::tune();
    let a = Args::parse()?;
    let runs = a.runs.max(1);
    if a.action {
        return action(&a, runs);
    }
    if a.tui {
        return tui(&a);
    }
    let store = Store::open(&a.repo)?;
    let repo = git2::Repository::open(&a.repo)?;
    let head = store.head()?.ok_or_else(|| anyhow!("empty repository"))?;
    let now = a.now()?;
    // `PERF_READER=libgit2` measures the cold open through libgit2's reader.
    let reader = match std::env::var("PERF_READER").as_deref() {
        Ok("libgit2") => Reader::Libgit2,
        _ => Reader::default(),
    };
    let mut cold = Vec::new();
    let mut load = Vec::new();
    let mut rank = Vec::new();
    if a.warm {
        return warm_only(&store, head, &now, runs);
    }
    if a.first_rank {
        return first_rank_only(&store, head, &now, runs);
    }
    for _ in 0..runs {
        let t = Instant::now();
        let s = store.snapshot_cold_with(head, reader)?;
        let loaded = t.elapsed();
        let r = rules::rank_all(&s, s.campaign.day_of(&now));
        cold.push(t.elapsed());
        load.push(loaded);
        rank.push(t.elapsed() - loaded);
        std::hint::black_box(r);
    }
    if a.cold {
        let out = serde_json::json!({
            "cold_ms": median(cold),
            "cold_load_ms": median(load),
            "rank_ms": median(rank),
        });
        println!("{out}");
        return Ok(());
    }
    // Make sure the cache is current, then time warm opens.
    let mut snapshot = store.snapshot_at(head)?;
    let mut warm = Vec::new();
    let mut warm_load = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let s = store.snapshot_at(head)?;
        warm_load.push(t.elapsed());
        let r = rules::rank_all(&s, s.campaign.day_of(&now));
        warm.push(t.elapsed());
        std::hint::black_box(r);
    }
    // P4: one record's history from the index (built first, then warm).
    let t = Instant::now();
    pingxuan::history::index::load(&repo, head)?;
    let index_build = t.elapsed();
    let some_id = snapshot
        .records
        .keys()
        .nth(snapshot.records.len() / 2)
        .cloned()
        .unwrap_or_default();
    let mut history = Vec::new();
    let mut touching = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let list = pingxuan::history::index::load(&repo, head)?.touching(&some_id);
        history.push(t.elapsed());
        touching = list.len();
    }
    let mut out = serde_json::json!({
        "history_record": some_id,
        "history_commits": touching,
        "history_ms": median(history),
        "history_index_build_ms": index_build.as_secs_f64() * 1000.0,
        "records": snapshot.records.len(),
        "cold_ms": median(cold),
        "cold_load_ms": median(load),
        "rank_ms": median(rank),
        "warm_ms": median(warm),
        "warm_load_ms": median(warm_load),
    });
    if a.write {
        let mut reload = Vec::new();
        let mut parent = head;
        for i in 0..runs {
            // One reviewer re-scores one nomination: a one-file commit.
            let (id, record) = snapshot
                .records
                .iter()
                .nth(i * 7 % snapshot.records.len().max(1))
                .ok_or_else(|| anyhow!("no records"))?;
            let (reviewer, old) = record
                .scores
                .iter()
                .next()
                .ok_or_else(|| anyhow!("{id} has no scores"))?;
            let mut score: Score = old.clone();
            for m in score.marks.values_mut() {
                if let Mark::Points(p) = m {
                    *p = (*p - 0.5).max(0.0);
                }
            }
            let change = FileChange {
                path: layout::score_path(id, reviewer)?,
                content: Some(pingxuan::store::codec::to_ron(&score)?),
            };
            let meta = CommitMeta {
                name: "perf".into(),
                email: "perf@example.invalid".into(),
                when: a.now()?,
                summary: "perf: one new commit".into(),
                trailers: vec![],
            };
            let new = store.commit_changes(Some(parent), &[change], &meta, None)?;
            let t = Instant::now();
            store.refresh(&mut snapshot, new)?;
            reload.push(t.elapsed());
            parent = new;
        }
        out["reload_ms"] = serde_json::json!(median(reload));
    }
    out["peak_rss_kb"] = serde_json::json!(peak_rss_kb());
    println!("{out}");
    Ok(())
}

/// `--warm`: P2 alone, the warm open to ranked snapshot, with its two parts.
fn warm_only(
    store: &Store,
    head: git2::Oid,
    now: &DateTime<FixedOffset>,
    runs: usize,
) -> Result<()> {
    // Make sure the cache is current.
    drop(store.snapshot_at(head)?);
    let (mut warm, mut load, mut rank) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let s = store.snapshot_at(head)?;
        let loaded = t.elapsed();
        let r = rules::rank_all(&s, s.campaign.day_of(now));
        warm.push(t.elapsed());
        load.push(loaded);
        rank.push(t.elapsed() - loaded);
        std::hint::black_box(r);
    }
    println!(
        "{}",
        serde_json::json!({
            "warm_ms": median(warm),
            "warm_load_ms": median(load),
            "warm_rank_ms": median(rank),
            "peak_rss_kb": peak_rss_kb(),
        })
    );
    Ok(())
}

/// `--first-rank`: the ranking of P1 alone, as after a cold open (nothing
/// remembered), on one cold-loaded snapshot.
fn first_rank_only(
    store: &Store,
    head: git2::Oid,
    now: &DateTime<FixedOffset>,
    runs: usize,
) -> Result<()> {
    let mut s = store.snapshot_cold_with(head, Reader::default())?;
    let day = s.campaign.day_of(now);
    let (mut rank, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        s.index.memo = Default::default();
        let (t, c) = (Instant::now(), cpu_time());
        let r = rules::rank_all(&s, day);
        rank.push(t.elapsed());
        cpu.push(cpu_time().saturating_sub(c));
        std::hint::black_box(r);
    }
    // Of which: the memo keys alone, every record's hashed on one thread.
    let world = rules::memo::world_key(&s).unwrap_or_default();
    let mut keys = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        for r in s.records.values() {
            std::hint::black_box(rules::memo::record_key(world, r));
        }
        keys.push(t.elapsed());
    }
    println!(
        "{}",
        serde_json::json!({
            "rank_ms": median(rank),
            "rank_cpu_ms": median(cpu),
            "keys_one_thread_ms": median(keys),
            "records": s.records.len(),
        })
    );
    Ok(())
}

/// The member whose email is git's `user.email`.
fn actor<'s>(config: &git2::Config, snapshot: &'s Snapshot) -> Result<&'s Member> {
    let email = config
        .get_string("user.email")
        .map_err(|_| anyhow!("git user.email is not set"))?;
    snapshot
        .member_by_email(&email)
        .ok_or_else(|| anyhow!("{email} is not a member of this campaign"))
}

/// P5: signed actions through `act::perform` with a warm snapshot, as the
/// configured member: the chair decides a nomination still open (a generated
/// campaign leaves its last 5% undecided at the end of its year), a reviewer
/// re-scores an undecided nomination they scored (FREEZE: a decided one takes
/// no score). Each run acts on another record.
fn action(a: &Args, runs: usize) -> Result<()> {
    use pingxuan::model::{Action, Decision, Outcome, Role};
    let store = Store::open(&a.repo)?;
    let config = git2::Repository::open(&a.repo)?.config()?;
    let mut snapshot = Some(store.snapshot()?);
    let me = {
        let s = snapshot.as_ref().ok_or_else(|| anyhow!("no snapshot"))?;
        actor(&config, s)?.clone()
    };
    let signer = pingxuan::sign::Signer::from_git_config(&config)?
        .ok_or_else(|| anyhow!("no signing key configured"))?;
    let sign = |b: &[u8]| signer.sign(b);
    let now = a.now()?;
    let chair = me.has_role(Role::Chair);
    let mut times = Vec::new();
    for i in 0..runs {
        let s = snapshot.as_ref().ok_or_else(|| anyhow!("no snapshot"))?;
        let action = if chair {
            // The open records shrink by one each run: always the first.
            let id = s
                .records
                .iter()
                .find(|(_, r)| r.decision.is_none())
                .map(|(id, _)| id.clone())
                .ok_or_else(|| anyhow!("no undecided nomination left"))?;
            Action::Decide {
                nomination: id,
                decision: Decision {
                    outcome: Outcome::Rejected,
                    reason: "perf: P5".into(),
                    fraud: false,
                    by: me.id.clone(),
                    date: s.campaign.day_of(&now),
                    reopened: None,
                },
            }
        } else {
            let (id, record) = s
                .records
                .iter()
                // FREEZE: a decided record takes no more scores.
                .filter(|(_, r)| r.scores.contains_key(&me.id) && r.decision.is_none())
                .nth(i)
                .ok_or_else(|| anyhow!("{} has scored no undecided record", me.id))?;
            let mut score = record.scores[&me.id].clone();
            score.time = now;
            Action::Score {
                nomination: id.clone(),
                score,
            }
        };
        let req = pingxuan::act::Request {
            actor: &me.id,
            action: &action,
            when: now,
            lang: a.lang,
        };
        let t = Instant::now();
        pingxuan::act::perform(&store, &mut snapshot, &req, Some(&sign))?;
        times.push(t.elapsed());
    }
    println!(
        "{}",
        serde_json::json!({
            "action_ms": median(times),
            "action": if chair { "decide" } else { "score" },
        })
    );
    Ok(())
}

/// A writer that counts bytes, standing in for the terminal; it keeps the
/// bytes too when `PINGXUAN_PERF_DUMP` names a file for the full repaint.
#[derive(Default, Clone)]
struct Counter(
    std::rc::Rc<std::cell::Cell<usize>>,
    std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        self.1.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// P6, P7, P8 on the real TUI state and drawing code.
fn tui(a: &Args) -> Result<()> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use pingxuan::tui::app::{App, Session};
    use pingxuan::tui::backend::Wide;

    // As `tui::open` does: the repository handle goes before the rows are
    // built, and the open's freed memory back to the system.
    let snapshot = Store::open(&a.repo)?.snapshot()?;
    pingxuan::mem::release();
    // The peak so far: the open's own (the rows and the search index come next).
    let open_peak = peak_rss_kb();
    let records = snapshot.records.len();
    let session = Session {
        lang: a.lang,
        now: a.now()?,
        actor: None,
        read_only: None,
        signer: None,
        theme: pingxuan::tui::theme::Theme { color: true },
        clock_fixed: true,
    };
    let mut app = App::new(snapshot, session);

    // P6: type queries one key at a time; every keystroke refilters all rows.
    let mut per_key = Vec::new();
    let mut keyed: Vec<(Duration, String)> = Vec::new();
    for query in [
        "zwfw",
        "fwck",
        "wangfang",
        "\u{670d}\u{52a1}",
        "g-window-001",
        "pinpai",
        "lz",
    ] {
        let mut typed = String::new();
        for ch in query.chars() {
            typed.push(ch);
            app.query = typed.clone();
            let t = Instant::now();
            app.refilter();
            let took = t.elapsed();
            per_key.push(took);
            keyed.push((took, typed.clone()));
        }
        app.query.clear();
        app.refilter();
    }
    per_key.sort();
    // The slowest keystrokes with what was typed (which ones miss, and why).
    keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    let worst: Vec<serde_json::Value> = keyed
        .iter()
        .take(5)
        .map(|(d, q)| serde_json::json!([q, (d.as_secs_f64() * 1e4).round() / 10.0]))
        .collect();
    let p95 = per_key
        .get((per_key.len() * 95).div_ceil(100).saturating_sub(1))
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);

    // P8: bytes the terminal receives, frames wrapped in synchronized updates
    // exactly as the TUI does.
    let area = Rect::new(0, 0, 200, 50);
    let counter = Counter::default();
    let mut term = Terminal::with_options(
        Wide::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )?;
    // One frame exactly as the TUI draws it (synchronized update, scrub).
    let frame =
        |app: &mut App, term: &mut Terminal<Wide<CrosstermBackend<Counter>>>| -> Result<usize> {
            let before = counter.0.get();
            pingxuan::tui::draw(term, app)?;
            Ok(counter.0.get() - before)
        };
    let full = frame(&mut app, &mut term)?;
    if let Ok(dump) = std::env::var("PINGXUAN_PERF_DUMP") {
        std::fs::write(dump, counter.1.borrow().as_slice())?;
    }
    counter.1.borrow_mut().clear();
    let mut moves = Vec::new();
    for _ in 0..10 {
        app.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        moves.push(frame(&mut app, &mut term)?);
    }
    moves.sort_unstable();
    let cursor_move = moves.get(moves.len() / 2).copied().unwrap_or(0);
    println!(
        "{}",
        serde_json::json!({
            "records": records,
            "filter_p95_ms": p95,
            "filter_keystrokes": per_key.len(),
            "filter_worst_keys": worst,
            "full_repaint_bytes": full,
            "cursor_move_bytes": cursor_move,
            "peak_rss_kb": peak_rss_kb(),
            "open_peak_rss_kb": open_peak,
            // Now (after the open, the keystrokes and the frames), not at the peak.
            "rss_anon_kb": status_kb("RssAnon:"),
            "rss_file_kb": status_kb("RssFile:"),
        })
    );
    Ok(())
}
