//! Issue 9, terminal safety: escape sequences and control characters inside
//! record text (and commit messages) are neutralised wherever they are drawn:
//! the CLI's `list`, `show`, `status`, `rank`, `validate` and `log`, and the
//! TUI's screens on ratatui's TestBackend.

use crate::{fixture, hostile};

use chrono::{DateTime, FixedOffset};
use fixture::*;
use hostile::*;
use pingxuan::history::diff::{Change, ChangeKind};
use pingxuan::history::Entry;
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::sign::verify::SigStatus;
use pingxuan::store::layout;
use pingxuan::tui::app::{App, Screen, Session};
use pingxuan::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Cursor moves, colour, a window-title OSC, an OSC 52 clipboard write, the
/// 8-bit CSI, BEL, backspace, carriage return, NUL and DEL, and the bidi
/// override, isolate and mark characters that reorder a line (issue 12).
const EVIL: &str = "\u{1b}[2J\u{1b}[31mRED\u{1b}]0;owned\u{7}\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\\u{9b}1;1H\u{8}\u{8}\r\u{0}\u{7f}X\u{202e}\u{2066}\u{200f}Y";

fn evil(s: &str) -> String {
    format!("{s}{EVIL}{s}")
}

/// The first control or bidi formatting character (other than a line break)
/// in `s`, if any.
fn control(s: &str) -> Option<(usize, char)> {
    s.char_indices()
        .find(|(_, c)| pingxuan::text::is_unsafe(*c) && *c != '\n')
}

fn assert_inert(what: &str, bytes: &[u8]) {
    let s = String::from_utf8_lossy(bytes);
    if let Some((at, c)) = control(&s) {
        let from = s[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
        panic!(
            "{what}: control character {c:?} at {at}: {:?}",
            &s[from..(at + 20).min(s.len())]
        );
    }
}

fn hostile_nomination() -> Nomination {
    let mut n = window(BAD, BAD_UNIT);
    n.nominee.name = evil("\u{8eca}\u{7ba1}\u{6240}");
    n.deeds = evil("deeds");
    n.brand = Some(evil("brand"));
    n.contact.name = evil("contact");
    n.evidence[0].title = evil("evidence");
    n
}

fn hostile_repo() -> Fixture {
    let id = BAD;
    let f = repo_with(&[
        (
            layout::nomination_path(id).unwrap(),
            ron(&hostile_nomination()),
        ),
        (
            layout::opinion_path(id, "xinfang").unwrap(),
            ron(&Opinion {
                department: "xinfang".into(),
                stance: Stance::Veto,
                reason: evil("reason"),
                recorded_by: OFFICE_CLERK.into(),
                date: day("2017-11-20"),
            }),
        ),
        (
            layout::objection_path(id, "20171205-100000-1").unwrap(),
            ron(&Objection {
                filed: "2017-12-05T10:00:00+08:00".parse().unwrap(),
                source: evil("source"),
                text: evil("text"),
                fraud: false,
                recorded_by: OFFICE_CLERK.into(),
                status: ObjectionStatus::Open,
                resolution: None,
            }),
        ),
        (
            layout::evaluation_path(id, "20171120-100000-wangjianguo").unwrap(),
            ron(&Evaluation {
                kind: EvaluationKind::Routine,
                author: REVIEWER.into(),
                date: day("2017-11-20"),
                rating: Some(90.0),
                findings: evil("findings"),
                knowledge_rate: None,
                service_satisfaction: None,
                incidents: vec![],
            }),
        ),
        // A record that fails validation, so its fault (quoting the text) is printed.
        (
            layout::nomination_path("2017-window-003").unwrap(),
            ron(&Nomination {
                unit: evil("unit"),
                ..window("2017-window-003", BAD_UNIT)
            }),
        ),
    ]);
    // A hand-made commit whose message and author carry escapes too.
    let repo = f.repo();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    // (git keeps no NUL in a name or message.)
    let no_nul = |s: &str| evil(s).replace('\0', "");
    let sig = git2::Signature::now(&no_nul("author"), "evil@example.invalid").unwrap();
    let msg = format!(
        "{}\n\nPingxuan-Action: score\nPingxuan-Record: {id}\nPingxuan-Actor: {}\n",
        no_nul("summary"),
        no_nul("actor")
    );
    let mut b = git2::build::TreeUpdateBuilder::new();
    let blob = repo
        .blob(&ron(&Votes {
            satisfied: 1,
            basically_satisfied: 0,
            dissatisfied: 0,
            recorded_by: OFFICE_CLERK.into(),
            date: day("2017-11-20"),
        }))
        .unwrap();
    b.upsert(layout::votes_path(id).unwrap(), blob, git2::FileMode::Blob);
    let tree = repo
        .find_tree(b.create_updated(&repo, &head.tree().unwrap()).unwrap())
        .unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, &msg, &tree, &[&head])
        .unwrap();
    f
}

fn cli_is_inert(args: &[&str]) {
    let f = hostile_repo();
    let o = f.run(args);
    assert_no_crash(&o, &args.join(" "));
    assert_inert(&format!("{args:?} stdout"), &o.stdout);
    assert_inert(&format!("{args:?} stderr"), &o.stderr);
    assert!(
        !o.stdout.is_empty() || !o.stderr.is_empty(),
        "{args:?} printed something"
    );
}

#[test]
fn hostile_text_is_stored_as_is() {
    // The repository really holds the raw escapes: the neutralising happens on output.
    let f = hostile_repo();
    let o = f.run(&["show", BAD, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.to_string().contains("\\u001b[2J"), "{v}");
}

#[test]
fn cli_list_is_inert() {
    cli_is_inert(&["list"]);
    cli_is_inert(&["--lang", "en", "list", "--category", "window"]);
}

#[test]
fn cli_show_is_inert() {
    cli_is_inert(&["show", BAD]);
    cli_is_inert(&["--lang", "en", "show", BAD]);
}

#[test]
fn cli_status_is_inert() {
    cli_is_inert(&["--at", "2017-12-10T10:00:00+08:00", "status", BAD]);
}

#[test]
fn cli_rank_is_inert() {
    cli_is_inert(&["--at", "2017-12-10T10:00:00+08:00", "rank"]);
    cli_is_inert(&["--lang", "en", "--at", "2017-12-10T10:00:00+08:00", "rank"]);
}

#[test]
fn cli_validate_is_inert() {
    cli_is_inert(&["--lang", "en", "validate"]);
}

#[test]
fn cli_log_is_inert() {
    cli_is_inert(&["log"]);
    cli_is_inert(&["--lang", "en", "log", BAD]);
}

#[test]
fn cli_errors_quoting_input_are_inert() {
    let f = hostile_repo();
    // (An argument cannot hold NUL.)
    let arg = |s: &str| evil(s).replace('\0', "");
    let o = f.run(&["show", &arg("no-such-id")]);
    assert!(!o.status.success());
    assert_inert("show <evil id> stderr", &o.stderr);
    let o = f.run(&["--lang", "en", "list", "--category", &arg("cat")]);
    assert_inert("list --category <evil> stderr", &o.stderr);
    assert_inert("list --category <evil> stdout", &o.stdout);
}

/// Issue 12: a file whose name carries ESC, CR and a bidi override, committed
/// with plain git, is reported by `audit` with its name shown as escapes, and
/// the violation line survives (a raw `\r` or U+202E could hide it).
#[test]
fn cli_audit_shows_hostile_file_names_as_escapes() {
    let f = hostile_repo();
    let repo = f.repo();
    let name = "nominations/evil\u{1b}[2K\r\u{202e}nor.txt";
    // Made by the office clerk with plain git: a known member, so the audit
    // judges the file itself (ROLES: not a campaign file).
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let mut b = git2::build::TreeUpdateBuilder::new();
    b.upsert(name, repo.blob(b"x").unwrap(), git2::FileMode::Blob);
    let tree = repo
        .find_tree(b.create_updated(&repo, &head.tree().unwrap()).unwrap())
        .unwrap();
    let when = git2::Time::new(head.committer().when().seconds() + 60, 480);
    let sig = git2::Signature::new("劉洋", CLERK_EMAIL, &when).unwrap();
    let commit = repo
        .commit(Some("HEAD"), &sig, &sig, "plain git", &tree, &[&head])
        .unwrap();
    let o = f.run(&["--lang", "en", "audit"]);
    assert_no_crash(&o, "audit");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_inert("audit stdout", &o.stdout);
    assert_inert("audit stderr", &o.stderr);
    let out = format!("{}{}", stdout(&o), stderr(&o));
    let short = &commit.to_string()[..7];
    let line = out
        .lines()
        .find(|l| l.contains("\\e[2K\\r\\u{202E}nor.txt"))
        .unwrap_or_else(|| panic!("the file name shown as escapes:\n{out}"));
    assert!(out.contains(short), "the commit is named:\n{out}");
    assert!(!line.trim().is_empty());
}

/// Issue 12: `pingxuan log | head` ends quietly when the reader goes away: no
/// panic, nothing on stderr, status 0.
#[test]
fn closed_stdout_ends_quietly() {
    let f = hostile_repo();
    for args in [&["log"][..], &["list"], &["log", "--json"]] {
        let mut c = f.cmd(args);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        // Close the reading end before the program has printed anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {:?} {}",
            o.status,
            stderr(&o)
        );
        assert!(o.stderr.is_empty(), "{args:?}: {}", stderr(&o));
    }
}

// ---------------------------------------------------------------- TUI

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn app() -> App {
    let sample = pingxuan::demo::sample().unwrap();
    let mut snap = Snapshot {
        commit: None,
        campaign: sample.campaign,
        members: sample.members,
        units: sample.units,
        rulings: Rulings::default(),
        records: Default::default(),
        problems: vec![Problem {
            path: evil("nominations/x"),
            line: Some(1),
            column: Some(1),
            field: Some(evil("field")),
            message: evil("message"),
        }],
        index: Default::default(),
    };
    let mut r = Record::new(hostile_nomination());
    r.opinions.insert(
        "xinfang".into(),
        Opinion {
            department: "xinfang".into(),
            stance: Stance::Veto,
            reason: evil("reason"),
            recorded_by: OFFICE_CLERK.into(),
            date: day("2017-11-20"),
        },
    );
    r.objections.insert(
        "20171205-100000-1".into(),
        Objection {
            filed: at("2017-12-05T10:00:00+08:00"),
            source: evil("source"),
            text: evil("text"),
            fraud: false,
            recorded_by: OFFICE_CLERK.into(),
            status: ObjectionStatus::Open,
            resolution: None,
        },
    );
    r.evaluations.insert(
        "20171120-100000-wangjianguo".into(),
        Evaluation {
            kind: EvaluationKind::Routine,
            author: REVIEWER.into(),
            date: day("2017-11-20"),
            rating: Some(90.0),
            findings: evil("findings"),
            knowledge_rate: None,
            service_satisfaction: None,
            incidents: vec![],
        },
    );
    r.scores.insert(
        REVIEWER.into(),
        Score {
            reviewer: REVIEWER.into(),
            marks: [("W1".to_string(), Mark::Points(5.0))].into(),
            comment: evil("comment"),
            time: at("2017-11-20T10:00:00+08:00"),
        },
    );
    snap.records.insert(BAD.into(), r);
    App::new(
        snap,
        Session {
            lang: Lang::Zh,
            now: at(REVIEW_DAY),
            actor: Some(REVIEWER.into()),
            read_only: None,
            signer: Some(evil("signer")),
            theme: Theme { color: false },
            clock_fixed: true,
        },
    )
}

/// Draws `app` and asserts no cell holds a control character.
fn drawn_inert(app: &mut App, what: &str) {
    for (w, h) in [(80, 24), (40, 12), (200, 60)] {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| pingxuan::tui::view::draw(app, f)).unwrap();
        let buf = t.backend().buffer();
        let mut text = String::new();
        for y in 0..h {
            for x in 0..w {
                text.push_str(buf[(x, y)].symbol());
            }
            text.push('\n');
        }
        assert_inert(&format!("{what} at {w}x{h}"), text.as_bytes());
    }
}

#[test]
fn tui_list_is_inert() {
    let mut app = app();
    drawn_inert(&mut app, "list");
}

#[test]
fn tui_detail_tabs_are_inert() {
    let mut app = app();
    app.history_loaded(
        BAD.into(),
        Ok(vec![Entry {
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
            parents: vec![],
            merge: false,
            time: at("2017-11-21T09:30:00+08:00"),
            author: evil("author"),
            email: evil("email"),
            actor: Some(evil("actor")),
            actor_name: Some(evil("name")),
            action: Some(evil("action")),
            summary: evil("summary"),
            signature: SigStatus::Bad {
                detail: evil("detail"),
            },
            changes: vec![Change {
                path: evil("path"),
                record: Some(BAD.into()),
                field: evil("field"),
                kind: ChangeKind::Modified,
                old: Some(evil("old")),
                new: Some(evil("new")),
                by: Some(evil("by")),
                text: evil("text"),
            }],
        }]),
    );
    for tab in pingxuan::tui::app::Tab::ALL {
        app.screen = Screen::Detail {
            id: BAD.into(),
            tab,
            scroll: 0,
        };
        drawn_inert(&mut app, &format!("detail tab {tab:?}"));
    }
}

#[test]
fn tui_rankings_are_inert() {
    let mut app = app();
    for cat in 0..3 {
        app.screen = Screen::Rankings { cat, scroll: 0 };
        drawn_inert(&mut app, &format!("rankings {cat}"));
    }
}
