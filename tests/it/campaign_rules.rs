//! The rules of issue 13 on FRESH campaigns made with `pingxuan init` (the sample
//! campaign, its units, and a members.ron of our own with real ssh keys), through
//! every way in: the command line refuses before writing, with the rule's id and a
//! reason; a commit made with plain `git commit -S` that breaks the rule is flagged by
//! `pingxuan audit`, and nothing else in the history is.
//!
//! REPORTING-UNIT, CAMPAIGN-TZ, LATE-CHANGE, CANDIDATE-NEEDS, NOTICE-RECHECK, and the
//! true gate sentences (`88.5% < 90%`).

use crate::{common, fixture, init_world};

use common::output_text;
use init_world::*;
use pingxuan::model::*;
use pingxuan::store::layout;

fn star(id: &str, unit: &str) -> Nomination {
    let mut n = fixture::window(id, unit);
    n.category = "star".into();
    n.nominee = Nominee {
        kind: NomineeKind::Person,
        name: "殷兆磊".into(),
        workplace: Some("官橋鎮便民服務中心".into()),
        post: Some("代辦員".into()),
        front_line: true,
        gender: None,
        born: None,
        political_status: None,
        education: None,
    };
    n.metrics = Metrics::default();
    n
}

#[test]
fn reporting_unit_counts_the_quota_per_reporting_unit_on_an_init_campaign() {
    // REPORTING-UNIT, QUOTA, SCOPE-WINDOW
    let w = World::new();
    let at = "2017-06-20T10:00:00+08:00";
    // the department enters one window through one of its window units …
    let out = w.nominate("gaj", at, &window("w-cgs", "gonganju-chegusuo"));
    assert!(out.status.success(), "{}", output_text(&out));
    // … and not a second one through the other (nor one of its own)
    let file = w.nomination_file(&window("w-crj", "gonganju-churujing"));
    let err = w.refused("gaj", at, &["nominate", "--file", &file]);
    assert!(
        err.contains("QUOTA") && err.contains("滕州市公安局"),
        "{err}"
    );
    assert!(err.contains("w-cgs"), "{err}");
    let file = w.nomination_file(&window("w-gaj", "gonganju"));
    let err = w.refused("gaj", at, &["nominate", "--file", &file]);
    assert!(err.contains("QUOTA"), "{err}");
    // a town reports its own front-line window (its 便民服務中心)
    let out = w.nominate("gq", at, &window("w-gq", "guanqiao-zhen"));
    assert!(out.status.success(), "{}", output_text(&out));
    // a town's clerk does not act for a department's window unit
    let file = w.nomination_file(&window("w-x", "gonganju-churujing"));
    let err = w.refused("gq", at, &["nominate", "--file", &file]);
    assert!(err.contains("reporting unit"), "{err}");

    // plain git: the second window of the department is flagged by the audit
    let n = window("w-crj", "gonganju-churujing");
    let path = layout::nomination_path(&n.id).expect("path");
    let bad = w.git_commit(
        "gaj",
        "2017-06-21T10:00:00+08:00",
        &[(path, fixture::ron(&n))],
    );
    w.audit_flags(&bad, "QUOTA");
}

#[test]
fn campaign_tz_judges_the_registration_deadline_on_the_campaign_calendar() {
    // CAMPAIGN-TZ, REG-DEADLINE: 「于6月30日前」 is a day in Tengzhou (Asia/Shanghai)
    let w = World::new();
    // 20:00 on 30 June in New York is 08:00 on 1 July in Tengzhou: too late
    let file = w.nomination_file(&window("w-ny", "gongjijin-fuwu-dating"));
    let err = w.refused(
        "office",
        "2017-06-30T20:00:00-04:00",
        &["nominate", "--file", &file],
    );
    assert!(err.contains("REG-DEADLINE"), "{err}");
    assert!(err.contains("2017-07-01"), "judged on 1 July: {err}");
    // 07:00 on 1 July in Tengzhou: too late as well
    let err = w.refused(
        "office",
        "2017-07-01T07:00:00+08:00",
        &["nominate", "--file", &file],
    );
    assert!(err.contains("REG-DEADLINE"), "{err}");
    // 01:00 on 1 July at +14:00 is 19:00 on 30 June in Tengzhou: in time
    w.ok(
        "office",
        "2017-07-01T01:00:00+14:00",
        &["nominate", "--file", &file],
    );

    // plain git: a registration committed at 20:00 on 30 June New York time is flagged
    let n = window("w-late", "shebao-fuwu-dating");
    let path = layout::nomination_path(&n.id).expect("path");
    let bad = w.git_commit(
        "office",
        "2017-06-30T20:00:00-04:00",
        &[(path, fixture::ron(&n))],
    );
    w.audit_flags(&bad, "REG-DEADLINE");
}

#[test]
fn late_change_of_the_nominee_is_a_new_registration_unless_excepted() {
    // LATE-CHANGE
    let w = World::new();
    let mut n = star("s-gq", "guanqiao-zhen");
    let out = w.nominate("gq", "2017-06-20T10:00:00+08:00", &n);
    assert!(out.status.success(), "{}", output_text(&out));
    // a correction after the deadline is fine
    n.deeds = "更正:代辦事項2600余件。".into();
    let out = w.nominate("gq", "2017-07-05T10:00:00+08:00", &n);
    assert!(out.status.success(), "{}", output_text(&out));
    // another person is a new registration: refused
    let mut other = n.clone();
    other.nominee.name = "孔祥偉".into();
    let file = w.nomination_file(&other);
    let err = w.refused(
        "gq",
        "2017-07-05T11:00:00+08:00",
        &["nominate", "--file", &file],
    );
    assert!(
        err.contains("LATE-CHANGE") && err.contains("nominee"),
        "{err}"
    );
    // unless the chair grants an exception
    w.ok(
        "chair",
        "2017-07-05T12:00:00+08:00",
        &[
            "exception",
            "s-gq",
            "--rule",
            "REG-DEADLINE",
            "--until",
            "2017-07-07",
            "--reason",
            "鎮里報錯了人選,經評委會同意更換",
        ],
    );
    w.ok(
        "gq",
        "2017-07-06T10:00:00+08:00",
        &["nominate", "--file", &file],
    );

    // plain git: after the exception ran out, a change of nominee is flagged
    let mut third = other.clone();
    third.nominee.name = "韓雪".into();
    let path = layout::nomination_path(&third.id).expect("path");
    let bad = w.git_commit(
        "gq",
        "2017-07-10T10:00:00+08:00",
        &[(path, fixture::ron(&third))],
    );
    w.audit_flags(&bad, "LATE-CHANGE");
}

fn decide(id: &str, outcome: &'static str) -> Vec<String> {
    [
        "decide",
        id,
        "--outcome",
        outcome,
        "--reason",
        "評委會研究決定",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn candidate_needs_and_notice_recheck_on_an_init_campaign() {
    // CANDIDATE-NEEDS, NOTICE-RECHECK, CANDIDATES, FRAUD, GATE-VETO
    let w = World::new();
    let entries = [
        ("w-a", "gongdian-yingye-ting"),
        ("w-b", "gongjijin-fuwu-dating"),
        ("w-c", "shebao-fuwu-dating"),
        ("w-d", "renmin-yiyuan-menzhen"),
    ];
    prepare(&w, &entries);
    for id in ["w-a", "w-b", "w-c"] {
        interview(&w, id);
    }
    // CANDIDATE-NEEDS: no interview yet, refused naming what is missing
    let err = w.refused(
        "chair",
        "2017-11-20T10:00:00+08:00",
        &args(&decide("w-d", "candidate")),
    );
    assert!(
        err.contains("CANDIDATE-NEEDS") && err.contains("interview"),
        "{err}"
    );
    assert!(!err.contains("site visit"), "{err}");
    interview(&w, "w-d");
    for (id, _) in entries {
        w.ok(
            "chair",
            "2017-11-20T11:00:00+08:00",
            &args(&decide(id, "candidate")),
        );
    }
    // after the candidate decisions: a veto on w-a, a fraud report on w-b
    w.ok(
        "office",
        "2017-11-25T10:00:00+08:00",
        &[
            "opinion",
            "w-a",
            "--department",
            "xinfang",
            "--stance",
            "veto",
            "--reason",
            "群眾重復信訪未化解",
        ],
    );
    w.ok(
        "office",
        "2017-11-26T10:00:00+08:00",
        &[
            "object",
            "w-b",
            "--source",
            "匿名舉報信",
            "--text",
            "榮譽證書系偽造",
            "--fraud",
        ],
    );
    // NOTICE-RECHECK: both stay off the notice, named; the others go on it
    let err = w.refused(
        "chair",
        "2017-12-01T09:00:00+08:00",
        &["publish", "window", "--candidates", "w-a,w-b,w-c,w-d"],
    );
    assert!(err.contains("NOTICE-RECHECK"), "{err}");
    assert!(err.contains("w-a") && err.contains("GATE-VETO"), "{err}");
    assert!(err.contains("w-b"), "{err}");
    assert!(!err.contains("w-c") && !err.contains("w-d"), "{err}");
    // by default `publish` puts on the notice only the entries that pass now
    let out = w.run("chair", "2017-12-01T09:30:00+08:00", &["publish", "window"]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("w-a") && text.contains("w-b"),
        "named: {text}"
    );
    let rulings: Rulings =
        ron::from_str(std::str::from_utf8(&w.read(layout::RULINGS)).expect("utf-8"))
            .expect("rulings");
    assert_eq!(rulings.notices.len(), 1);
    assert_eq!(rulings.notices[0].candidates, ["w-c", "w-d"]);
    // a fraud report during the notice keeps w-d off the final list
    w.ok(
        "office",
        "2017-12-03T10:00:00+08:00",
        &[
            "object",
            "w-d",
            "--source",
            "群眾來信",
            "--text",
            "申報數據造假",
            "--fraud",
        ],
    );
    let err = w.refused(
        "chair",
        "2017-12-09T10:00:00+08:00",
        &args(&decide("w-d", "final")),
    );
    assert!(err.contains("objection"), "{err}");
    w.ok(
        "chair",
        "2017-12-09T10:05:00+08:00",
        &args(&decide("w-c", "final")),
    );

    // plain git: a notice listing the vetoed w-a is flagged by the audit
    let mut rulings: Rulings =
        ron::from_str(std::str::from_utf8(&w.read(layout::RULINGS)).expect("utf-8"))
            .expect("rulings");
    rulings.notices.push(Notice {
        category: "window".into(),
        candidates: vec!["w-a".into()],
        published: fixture::day("2017-12-10"),
        by: "chair".into(),
    });
    let bad = w.git_commit(
        "chair",
        "2017-12-10T10:00:00+08:00",
        &[(layout::RULINGS.to_string(), fixture::ron(&rulings))],
    );
    w.audit_flags(&bad, "NOTICE-RECHECK");
}

#[test]
fn candidate_needs_is_checked_by_the_audit_and_gate_sentences_are_true() {
    // CANDIDATE-NEEDS through plain git; GATE-WINDOW-SAT's sentence reads `<`
    let w = World::new();
    // item 6: `88.5% < 90%`, never `88.5 ≥ 90`
    let mut low = window("w-low", "gongjijin-fuwu-dating");
    low.metrics.service_satisfaction = Some(88.5);
    let out = w.nominate("office", "2017-06-20T09:00:00+08:00", &low);
    assert!(out.status.success(), "{}", output_text(&out));
    let out = w.run("office", "2017-06-20T09:30:00+08:00", &["status", "w-low"]);
    let text = output_text(&out);
    assert!(text.contains("88.5% < 90%, fail"), "{text}");
    assert!(!text.contains("88.5 ≥ 90"), "{text}");
    w.identity("office");
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&w.dir)
            .args(["--lang", "zh-Hant", "--at", "2017-06-20T09:30:00+08:00"])
            .args(["status", "w-low"])
            .output()
            .expect("status");
    let text = output_text(&out);
    assert!(text.contains("88.5% < 90%，未通過"), "{text}");

    prepare(&w, &[("w-e", "gongdian-yingye-ting")]);
    // no interview: the chair's hand-written candidate decision is flagged
    let decision = Decision {
        outcome: Outcome::Candidate,
        reason: "評委會研究決定".into(),
        fraud: false,
        by: "chair".into(),
        date: fixture::day("2017-11-20"),
        reopened: None,
    };
    let path = layout::decision_path("w-e").expect("path");
    let bad = w.git_commit(
        "chair",
        "2017-11-20T10:00:00+08:00",
        &[(path, fixture::ron(&decision))],
    );
    w.audit_flags(&bad, "CANDIDATE-NEEDS");
}
