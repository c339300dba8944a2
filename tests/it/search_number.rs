//! Issue 15, "Found by its number": the list's search finds a nomination by
//! the number every paper form, notice and phone call uses, the exact number
//! first, through the TUI state itself.

use chrono::{DateTime, FixedOffset};
use pingxuan::i18n::Lang;
use pingxuan::model::{Rulings, Snapshot};
use pingxuan::tui::app::{App, Session};
use pingxuan::tui::theme::Theme;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

/// The sample campaign on the review day (every scripted step before it applied).
fn app() -> App {
    let sample = pingxuan::demo::sample().expect("sample");
    let mut s = Snapshot {
        commit: None,
        campaign: sample.campaign,
        members: sample.members,
        units: sample.units,
        rulings: Rulings::default(),
        records: Default::default(),
        problems: vec![],
        index: Default::default(),
    };
    let until = at(pingxuan::demo::REVIEW_DAY);
    for step in sample.history.iter().filter(|st| st.at < until) {
        pingxuan::store::plan::apply(&mut s, &step.actor, &step.at, &step.action).expect("apply");
    }
    let session = Session {
        lang: Lang::En,
        now: until,
        actor: Some("wangjianguo".into()),
        read_only: None,
        signer: None,
        theme: Theme { color: false },
        clock_fixed: true,
    };
    App::new(s, session)
}

/// Types `query` one key at a time, as the filter sees it.
fn search(app: &mut App, query: &str) -> Vec<String> {
    app.query.clear();
    for c in query.chars() {
        app.query.push(c);
        app.refilter();
    }
    app.view.iter().map(|&i| app.rows[i].id.clone()).collect()
}

#[test]
fn the_whole_id_finds_it_first() {
    let mut app = app();
    let found = search(&mut app, "2017-window-011");
    assert_eq!(found.first().map(String::as_str), Some("2017-window-011"));
    // Its characters are the ones highlighted.
    let ri = app.view[0];
    app.ensure_hit(ri);
    let (field, m) = app.hits.get(&ri).expect("a hit");
    assert_eq!(*field, app.rows[ri].keys.len(), "the id column");
    assert_eq!(m.chars, (0..15).collect::<Vec<_>>());
}

#[test]
fn the_number_alone_finds_each_category_entry_with_that_number_first() {
    let mut app = app();
    let found = search(&mut app, "011");
    assert!(found.len() >= 2, "{found:?}");
    let exact: Vec<&String> = found.iter().filter(|id| id.ends_with("-011")).collect();
    assert!(
        exact.iter().any(|id| id.as_str() == "2017-window-011"),
        "{found:?}"
    );
    // Every exact number comes before anything else.
    assert!(
        found[..exact.len()].iter().all(|id| id.ends_with("-011")),
        "{found:?}"
    );
    // A number no entry has finds nothing by number.
    let none = search(&mut app, "987");
    assert!(none.iter().all(|id| !id.ends_with("-987")), "{none:?}");
    // Names still search as before.
    assert!(!search(&mut app, "zwfw").is_empty());
}
