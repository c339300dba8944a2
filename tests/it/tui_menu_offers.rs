//! The action menu offers exactly what the rules allow now: for every persona,
//! on a FRESH `init` campaign and on the sample campaign at several days, each
//! action the menu offers is filled with valid values and submitted through
//! the form; the submit must hand a write over (no refusal), and the service
//! layer's own pre-write check (`act::check`) and the plan of the files must
//! accept it too. An action refused for its standing (role, phase, quota,
//! conflict, freeze …) is not offered, and says why.

use chrono::{DateTime, FixedOffset};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::tui::app::{App, Effect, Overlay, Session};
use pingxuan::tui::jobs::Job;
use pingxuan::tui::popups::{form, menu};
use pingxuan::tui::theme::Theme;

use crate::init_world::World;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

fn app(snap: Snapshot, actor: &str, now: &str) -> App {
    App::new(
        snap,
        Session {
            lang: Lang::Zh,
            now: at(now),
            actor: Some(actor.to_string()),
            read_only: None,
            signer: Some("ssh key test".into()),
            theme: Theme { color: false },
            clock_fixed: true,
        },
    )
}

/// Every offered action of the menu on `nomination`, filled and submitted;
/// the list of failures (empty when all passed) and how many were offered.
fn offered_actions_pass(
    snap: &Snapshot,
    actor: &str,
    now: &str,
    nomination: Option<&str>,
) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let base = app(snap.clone(), actor, now);
    let m = menu::menu(&base, nomination.map(str::to_string));
    let mut offered = 0;
    for item in m.items.iter().filter(|i| i.why_not.is_none()) {
        offered += 1;
        let what = format!("{actor} {now} {:?} on {nomination:?}", item.kind);
        let mut a = app(snap.clone(), actor, now);
        let me = a.me().expect("a member").clone();
        let n = item.target(nomination);
        let Some(mut f) = form::Form::open(item.kind, &a.snap, &me, n, Lang::Zh) else {
            failures.push(format!("{what}: offered but its form does not open"));
            continue;
        };
        // As the menu opens it: fitted to the screen (a tie order holds its tie).
        form::fit_to_screen(&a, &mut f);
        type_what_no_filling_guesses(&mut f);
        let filled = match f.fill(&a.snap, &me, at(now), Lang::Zh) {
            Ok(f) => f,
            Err(why) => {
                failures.push(format!(
                    "{what}: offered but every filling is refused: {why}"
                ));
                continue;
            }
        };
        a.overlays.push(Overlay::Form(filled));
        // A chair's write is confirmed on its preview: the same action.
        let effect = match form::submit(&mut a) {
            Some(Effect::Job(Job::Preview(action))) => Some(Effect::Write(action)),
            other => other,
        };
        match effect {
            Some(Effect::Write(action)) => {
                let req = pingxuan::act::Request {
                    actor,
                    action: &action,
                    when: at(now),
                    lang: Lang::En,
                };
                if let Err(e) = pingxuan::act::check(&a.snap, &req) {
                    failures.push(format!("{what}: the service layer refuses: {e}"));
                }
                if let Err(e) = pingxuan::store::plan::plan(Some(&a.snap), actor, &at(now), &action)
                {
                    failures.push(format!("{what}: no plan of its files: {e}"));
                }
            }
            other => {
                let err = match a.overlays.last() {
                    Some(Overlay::Form(f)) => format!("{:?}", f.error),
                    o => format!("{o:?}"),
                };
                failures.push(format!("{what}: submit gave {other:?}: {err}"));
            }
        }
    }
    (failures, offered)
}

/// What a member types that no filling of a form can guess: a key's public
/// line (key add) and the number an exception is for when opened on no
/// nomination (it may name one not registered yet). Everything else is the
/// form's own filling.
fn type_what_no_filling_guesses(f: &mut form::Form) {
    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIChwrF5cnCj03jk/+xgCLn7IgUA1updKOqpKVt0tLyZw menu-test";
    for field in &mut f.fields {
        if let form::Input::Text { value, .. } = &mut field.input {
            match field.key.as_str() {
                "key.key" if value.is_empty() => *value = KEY.into(),
                "exception.nomination" if value.is_empty() => *value = "2017-window-099".into(),
                _ => {}
            }
        }
    }
}

/// The sample campaign with every scripted step before `until` applied.
fn sample_until(until: &str) -> Snapshot {
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
    let until = at(until);
    for step in sample.history.iter().filter(|st| st.at < until) {
        pingxuan::store::plan::apply(&mut s, &step.actor, &step.at, &step.action).expect("apply");
    }
    s
}

/// A few records of each category (and any with an objection), to keep the
/// test quick: the first two of each category and every one objected to.
fn some_records(snap: &Snapshot) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &snap.campaign.categories {
        out.extend(
            snap.records
                .iter()
                .filter(|(_, r)| r.nomination.category == c.id)
                .take(2)
                .map(|(id, _)| id.clone()),
        );
    }
    for (id, r) in &snap.records {
        if !r.objections.is_empty() && !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

fn check_world(snap: &Snapshot, days: &[&str]) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut offered = 0;
    let members: Vec<String> = snap.members.iter().map(|m| m.id.clone()).collect();
    let records = some_records(snap);
    for day in days {
        for m in &members {
            let (f, n) = offered_actions_pass(snap, m, day, None);
            failures.extend(f);
            offered += n;
            for id in &records {
                let (f, n) = offered_actions_pass(snap, m, day, Some(id));
                failures.extend(f);
                offered += n;
            }
        }
    }
    (failures, offered)
}

#[test]
fn every_offered_action_on_the_sample_campaign_submits_without_refusal() {
    let mut failures = Vec::new();
    let mut offered = 0;
    for (until, days) in [
        (
            "2017-06-25T10:00:00+08:00",
            &["2017-06-25T10:00:00+08:00"][..],
        ),
        (
            "2017-11-20T10:00:00+08:00",
            &["2017-11-20T10:00:00+08:00", "2017-11-29T10:00:00+08:00"][..],
        ),
        (
            "2017-12-12T11:00:00+08:00",
            &["2017-12-12T11:00:00+08:00"][..],
        ),
    ] {
        let snap = sample_until(until);
        let (f, n) = check_world(&snap, days);
        failures.extend(f);
        offered += n;
    }
    assert!(offered > 50, "the menus offered only {offered} actions");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_offered_action_on_a_fresh_init_campaign_submits_without_refusal() {
    let w = World::new();
    // Two entries so that record actions have something to act on.
    for (who, id, unit) in [
        ("office", "2017-window-001", "gonganju-chegusuo"),
        ("gq", "2017-window-002", "guanqiao-zhen"),
    ] {
        let out = w.nominate(
            who,
            "2017-06-20T10:00:00+08:00",
            &crate::init_world::window(id, unit),
        );
        assert!(out.status.success(), "{}", crate::common::output_text(&out));
    }
    let store = pingxuan::store::Store::open(&w.dir).expect("open");
    let snap = store.snapshot().expect("snapshot");
    let (failures, offered) = check_world(
        &snap,
        &[
            "2017-06-21T10:00:00+08:00",
            "2017-09-15T10:00:00+08:00",
            "2017-11-20T10:00:00+08:00",
            "2017-12-20T10:00:00+08:00",
        ],
    );
    assert!(offered > 20, "the menus offered only {offered} actions");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // QUOTA / REPORTING-UNIT: once 官橋鎮 has an entry in every category, its
    // clerk is not offered registering, and is told why; the office clerk
    // (every unit) still is.
    let mut full = snap.clone();
    for (id, cat) in [("2017-brand-009", "brand"), ("2017-star-009", "star")] {
        let mut n = crate::init_world::window(id, "guanqiao-zhen");
        n.category = cat.into();
        pingxuan::store::plan::apply(
            &mut full,
            "gq",
            &at("2017-06-20T11:00:00+08:00"),
            &Action::Nominate(n),
        )
        .expect("apply");
    }
    let day = "2017-06-21T10:00:00+08:00";
    let nominate = |who: &str| {
        menu::menu(&app(full.clone(), who, day), None)
            .items
            .into_iter()
            .find(|i| i.kind == ActionKind::Nominate)
            .expect("nominate")
    };
    let why = nominate("gq").why_not.expect("not offered to gq");
    assert!(why.contains("QUOTA"), "{why}");
    assert!(
        nominate("office").why_not.is_none(),
        "the office reports for every unit"
    );
    let (f, _) = offered_actions_pass(&full, "office", day, None);
    assert!(f.is_empty(), "{}", f.join("\n"));
}

/// Issue 18 (FREEZE before the form): the menu decides a decided record's
/// committee actions by the record's standing, trying no filling of the form
/// (it tried every one, up to 2 × 4096, each a full rule check), and says
/// what the rules say; the form's fillings agree (every one is refused by
/// FREEZE). An undecided record's reopening is refused the same way, and its
/// committee actions are still decided by filling the form, within the bound.
#[test]
fn a_frozen_record_is_refused_by_its_standing_without_trying_fillings() {
    let now = "2017-11-20T10:00:00+08:00";
    let mut snap = sample_until(now);
    let member = |kind: ActionKind| {
        snap.members
            .iter()
            .find(|m| pingxuan::rules::roles::may_take(m, kind))
            .map(|m| m.id.clone())
            .expect("a member who may take it")
    };
    let (scorer, chair) = (member(ActionKind::Score), member(ActionKind::Decide));
    let id = some_records(&snap).into_iter().next().expect("a record");
    // Undecided: scoring is offered after filling the form; reopening is
    // refused by FREEZE at once.
    let open = app(snap.clone(), &scorer, now);
    let (why, tried) = menu::why_not_counted(&open, ActionKind::Score, Some(&id));
    assert_eq!(why, None, "scoring an undecided record is offered");
    assert!((1..=2 * 4096).contains(&tried), "{tried} fillings");
    let (why, tried) = menu::why_not_counted(
        &app(snap.clone(), &chair, now),
        ActionKind::Reopen,
        Some(&id),
    );
    assert!(why.is_some_and(|w| w.contains("FREEZE")));
    assert_eq!(tried, 0);
    // Decided: scoring is refused by FREEZE, no filling tried.
    snap.records.get_mut(&id).expect("record").decision = Some(Decision {
        outcome: Outcome::Candidate,
        reason: "test".into(),
        fraud: false,
        by: chair.clone(),
        date: chrono::NaiveDate::from_ymd_opt(2017, 11, 19).expect("date"),
        reopened: None,
    });
    let frozen = app(snap.clone(), &scorer, now);
    let (why, tried) = menu::why_not_counted(&frozen, ActionKind::Score, Some(&id));
    let why = why.expect("scoring a decided record is not offered");
    assert!(why.contains("FREEZE"), "{why}");
    assert_eq!(tried, 0, "no filling tried");
    let item = menu::menu(&frozen, Some(id.clone()))
        .items
        .into_iter()
        .find(|i| i.kind == ActionKind::Score)
        .expect("score listed");
    assert_eq!(item.why_not.as_deref(), Some(why.as_str()));
    // The rules agree: every filling of the form is refused by FREEZE.
    let me = frozen.me().expect("member").clone();
    let f = form::Form::open(ActionKind::Score, &frozen.snap, &me, Some(&id), Lang::Zh)
        .expect("the form opens");
    let (filled, fillings) = f.fill_counted(&frozen.snap, &me, at(now), Lang::Zh);
    let refused = filled.expect_err("every filling refused");
    assert!(refused.contains("FREEZE"), "{refused}");
    assert!(fillings >= 1);
}
