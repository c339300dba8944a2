//! The terminal interface's sync popup lists every set-aside action with its
//! reason (and marks the ones this sync set aside), scrolls and closes with
//! the key table's popup keys, and shows record text with controls escaped.

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::sync::{ReasonKind, SetAside};
use pingxuan::tui::app::{App, Session};
use pingxuan::tui::sync::{Outcome, Popup};
use pingxuan::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn app() -> App {
    let sample = pingxuan::demo::sample().unwrap();
    let s = Snapshot {
        commit: None,
        campaign: sample.campaign,
        members: sample.members,
        units: sample.units,
        rulings: Rulings::default(),
        records: Default::default(),
        problems: vec![],
        index: Default::default(),
    };
    let session = Session {
        lang: Lang::En,
        now: at("2017-09-14T16:00:00+08:00"),
        actor: Some("heping".into()),
        read_only: None,
        signer: None,
        theme: Theme { color: false },
        clock_fixed: true,
    };
    App::new(s, session)
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pingxuan::tui::view::draw(app, f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            let c = &buf[(x, y)];
            if skip == 0 {
                out.push_str(c.symbol());
                skip = pingxuan::text::width(c.symbol()).max(1);
            }
            skip -= 1;
        }
        out.push('\n');
    }
    out
}

fn set_aside(id: &str, kind: ReasonKind, reason: &str) -> SetAside {
    SetAside {
        id: id.into(),
        commit: format!("{id}0000000000000000000000000000"),
        action: Some("activity".into()),
        actor: Some("heping".into()),
        record: Some("2017-window-001".into()),
        summary: "activity".into(),
        when: "2017-09-14T16:00:30+08:00".into(),
        paths: vec!["nominations/f8/2017-window-001/nomination.ron".into()],
        kind,
        reason: reason.into(),
        set_aside_at: "2017-09-14T16:01:00+08:00".into(),
    }
}

#[test]
fn the_sync_popup_lists_set_aside_actions_with_their_reasons() {
    let mut app = app();
    app.sync.popup = Some(Popup::Done {
        outcome: Outcome {
            text: "synced: 3 commits in, 2 actions replayed, pushed, 0 retries".into(),
            set_aside: vec![
                set_aside(
                    "aaaaaaaaaaaa",
                    ReasonKind::SameFile,
                    "nominations/f8/2017-window-001/nomination.ron was changed upstream (1234abcd liuyang)",
                ),
                set_aside(
                    "bbbbbbbbbbbb",
                    ReasonKind::Refused,
                    "PHASES [phase] review closed\u{1b}[2J\u{202e}",
                ),
            ],
            fresh: vec!["bbbbbbbbbbbb".into()],
        },
        scroll: 0,
    });
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("aaaaaaaaaaaa heping activity"), "{text}");
    assert!(text.contains("the same file changed upstream"), "{text}");
    assert!(
        text.contains("nomination.ron was changed upstream"),
        "{text}"
    );
    assert!(
        text.contains("* bbbbbbbbbbbb"),
        "the fresh one is marked:\n{text}"
    );
    assert!(text.contains("PHASES [phase] review closed"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("set-aside show|retry|drop"), "{text}");

    // The key table's popup keys: scroll down, then close.
    app.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    assert!(matches!(
        app.sync.popup,
        Some(Popup::Done { scroll: 1, .. })
    ));
    app.key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(app.sync.popup.is_none());
}
