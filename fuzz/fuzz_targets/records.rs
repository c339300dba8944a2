//! Bytes → every record type through `store::codec::from_ron`, then
//! `model::validate` against the sample campaign, then — for a record that
//! passes — the rules that read it (aggregate, gates, eligibility, ranking),
//! as `pingxuan validate` and `list`/`rank` would. The first byte picks the
//! record type; the rest is the file.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pingxuan::model::validate::{self, Context};
use pingxuan::model::*;
use pingxuan::store::codec::from_ron;

struct World {
    snapshot: Snapshot,
    id: String,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let s = pingxuan::demo::sample().expect("sample");
        let mut snapshot = Snapshot {
            commit: None,
            campaign: s.campaign,
            members: s.members,
            units: s.units,
            rulings: Rulings::default(),
            records: Default::default(),
            problems: vec![],
            index: Default::default(),
        };
        // The first scripted nomination is the record other files attach to.
        let n = s
            .history
            .iter()
            .find_map(|st| match &st.action {
                Action::Nominate(n) => Some(n.clone()),
                _ => None,
            })
            .expect("a nomination in the sample");
        let id = n.id.clone();
        snapshot.records.insert(id.clone(), Record::new(n));
        World { snapshot, id }
    })
}

fn exercise(snapshot: &Snapshot) {
    let day = chrono::NaiveDate::from_ymd_opt(2017, 12, 20).expect("day");
    for r in snapshot.records.values() {
        let _ = pingxuan::rules::aggregate::aggregate(snapshot, r);
        let _ = pingxuan::rules::gates::gate_report(snapshot, r);
        let _ = pingxuan::rules::eligibility::assess(snapshot, r);
    }
    let _ = pingxuan::rules::rank::rank_all(snapshot, day);
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let w = world();
    let cx = Context::new(&w.snapshot.campaign, &w.snapshot.members, &w.snapshot.units);
    let id = w.id.as_str();
    let category = w.snapshot.records[id].nomination.category.clone();
    let mut s = w.snapshot.clone();
    let p = "fuzz.ron";
    let ok = match kind % 11 {
        0 => from_ron::<Nomination>(p, bytes).is_ok_and(|n| {
            let clean = validate::nomination(&cx, p, &n.id, &n).is_empty();
            if clean {
                s.records.insert(n.id.clone(), Record::new(n));
            }
            clean
        }),
        1 => from_ron::<Score>(p, bytes).is_ok_and(|sc| {
            let clean =
                validate::score(&cx, p, &sc.reviewer.clone(), Some(&category), &sc).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.scores.insert(sc.reviewer.clone(), sc);
                }
            }
            clean
        }),
        2 => from_ron::<Evaluation>(p, bytes).is_ok_and(|e| {
            let stem = format!("20171120-100000-{}", e.author);
            let clean = validate::evaluation(&cx, p, &stem, &e).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.evaluations.insert(stem, e);
                }
            }
            clean
        }),
        3 => from_ron::<Opinion>(p, bytes).is_ok_and(|o| {
            let clean = validate::opinion(&cx, p, &o.department.clone(), &o).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.opinions.insert(o.department.clone(), o);
                }
            }
            clean
        }),
        4 => from_ron::<Votes>(p, bytes).is_ok_and(|v| {
            let clean = validate::votes(&cx, p, &v).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.votes = Some(v);
                }
            }
            clean
        }),
        5 => from_ron::<Objection>(p, bytes).is_ok_and(|o| {
            let clean = validate::objection(&cx, p, &o).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.objections.insert("20171205-100000-1".into(), o);
                }
            }
            clean
        }),
        6 => from_ron::<Decision>(p, bytes).is_ok_and(|d| {
            let clean = validate::decision(&cx, p, &d).is_empty();
            if clean {
                if let Some(r) = s.records.get_mut(id) {
                    r.decision = Some(d);
                }
            }
            clean
        }),
        7 => from_ron::<Campaign>(p, bytes).is_ok_and(|c| {
            let clean = validate::campaign(p, &c).is_empty();
            if clean {
                s.campaign = c;
            }
            clean
        }),
        8 => from_ron::<Vec<Member>>(p, bytes).is_ok_and(|m| {
            let clean = validate::members(p, &m, &s.units).is_empty();
            if clean {
                s.members = m;
            }
            clean
        }),
        9 => from_ron::<Vec<Unit>>(p, bytes)
            .is_ok_and(|u| validate::units(p, &u).is_empty()),
        _ => from_ron::<Rulings>(p, bytes).is_ok_and(|r| {
            let clean = validate::rulings(&cx, p, &r).is_empty();
            if clean {
                s.rulings = r;
            }
            clean
        }),
    };
    if ok {
        exercise(&s);
    }
});
