//! A whole campaign walked through `check_action`, each accepted action applied to an
//! in-memory snapshot as the store would write it. Rules: PHASES, REG-DEADLINE,
//! ACTIVITY, ROUTINE-EVAL, FORM-DEADLINE, ASSESS, DEPT-OPINIONS, GATE-VETO,
//! CANDIDATES, COMMEND, OPEN.

// The library's own rule fixture (`crate::model` in it is tests/it/main.rs's `model`).
#[path = "../../src/rules/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use fixture::*;
use pingxuan::model::*;
use pingxuan::rules::{self, Refusal};

/// Applies an accepted action to the snapshot, as the store would.
fn apply(s: &mut Snapshot, actor: &str, action: &Action, d: NaiveDate) {
    fn rec<'a>(s: &'a mut Snapshot, id: &str) -> &'a mut Record {
        s.records.get_mut(id).unwrap()
    }
    match action.clone() {
        Action::Nominate(n) => match s.records.get_mut(&n.id) {
            Some(r) => r.nomination = n,
            None => {
                s.records.insert(n.id.clone(), Record::new(n));
            }
        },
        Action::Activity {
            nomination,
            activity,
        } => rec(s, &nomination).nomination.activities.push(activity),
        Action::Supervisor {
            nomination,
            supervisor,
        } => rec(s, &nomination).nomination.supervisors.push(supervisor),
        Action::FileForm { nomination, date } => {
            rec(s, &nomination).nomination.form_filed = Some(date)
        }
        Action::Score { nomination, score } => {
            rec(s, &nomination)
                .scores
                .insert(score.reviewer.clone(), score);
        }
        Action::Evaluate {
            nomination,
            evaluation,
        } => {
            let stem = format!("{}-{}", evaluation.date.format("%Y%m%d"), evaluation.author);
            rec(s, &nomination).evaluations.insert(stem, evaluation);
        }
        Action::Opinion {
            nomination,
            opinion,
        } => {
            rec(s, &nomination)
                .opinions
                .insert(opinion.department.clone(), opinion);
        }
        Action::Vote { nomination, votes } => rec(s, &nomination).votes = Some(votes),
        Action::Object {
            nomination,
            objection,
        } => {
            let r = rec(s, &nomination);
            let stem = format!(
                "{}-{}",
                objection.filed.format("%Y%m%d"),
                r.objections.len() + 1
            );
            r.objections.insert(stem, objection);
        }
        Action::Resolve {
            nomination,
            objection,
            upheld,
            reason,
            date,
        } => {
            let o = rec(s, &nomination).objections.get_mut(&objection).unwrap();
            o.status = if upheld {
                ObjectionStatus::Upheld
            } else {
                ObjectionStatus::Dismissed
            };
            o.resolution = Some(Resolution {
                by: actor.into(),
                date,
                reason,
            });
        }
        Action::Decide {
            nomination,
            decision,
        } => rec(s, &nomination).decision = Some(decision),
        Action::Publish(n) => s.rulings.notices.push(n),
        Action::Override(o) => s.rulings.overrides.push(o),
        Action::Exception(e) => s.rulings.exceptions.push(e),
        Action::TieOrder { category, order } => {
            s.rulings.tie_orders.insert(category, order);
        }
        Action::Members(m) => s.members = m,
        Action::Units(u) => s.units = u,
        Action::Campaign(c) => s.campaign = *c,
        Action::Reopen {
            nomination,
            reason,
            date,
        } => {
            if let Some(d) = rec(s, &nomination).decision.as_mut() {
                d.reopened = Some(Reopening {
                    by: actor.into(),
                    date,
                    reason,
                });
            }
        }
        Action::Withdraw {
            nomination,
            reviewer,
        } => {
            rec(s, &nomination).scores.remove(&reviewer);
        }
        Action::Setup { .. } => unreachable!(),
    }
    let _ = d;
}

/// Checks and, when accepted, applies; returns the refusals' rule ids.
fn act(s: &mut Snapshot, actor: &str, action: Action, d: NaiveDate) -> Vec<String> {
    let member = s.member(actor).cloned().unwrap_or_else(|| Member {
        id: actor.into(),
        name: actor.into(),
        email: String::new(),
        roles: vec![Role::Chair, Role::Clerk, Role::Reviewer],
        unit: "wmb".into(),
        keys: vec![],
        conflicts: vec![],
    });
    match rules::check_action(s, &member, &action, d) {
        Ok(()) => {
            apply(s, actor, &action, d);
            vec![]
        }
        Err(refusals) => {
            for r in &refusals {
                // every refusal explains itself in both languages and serializes for --json
                assert!(!r.message(true).is_empty() && !r.message(false).is_empty());
                serde_json::to_string(r).unwrap();
            }
            refusals.iter().map(Refusal::rule).collect()
        }
    }
}

fn ok(v: Vec<String>) {
    assert!(v.is_empty(), "refused: {v:?}");
}

#[test]
fn a_campaign_from_june_to_december() {
    let mut s = snapshot();
    let cat = s.campaign.category("window").unwrap().clone();

    // June (mobilise): registrations; OPEN: strangers are refused
    ok(act(
        &mut s,
        "clerk-b",
        Action::Nominate(nomination("w1", "window", "town-b")),
        day(6, 10),
    ));
    ok(act(
        &mut s,
        "clerk-a",
        Action::Nominate(nomination("w2", "window", "town-a")),
        day(6, 12),
    ));
    ok(act(
        &mut s,
        "clerk",
        Action::Nominate(nomination("w3", "window", "win-3")),
        day(6, 20),
    ));
    assert_eq!(
        act(
            &mut s,
            "eve",
            Action::Nominate(nomination("w9", "window", "win-9")),
            day(6, 20)
        ),
        ["OPEN"]
    );

    // REG-DEADLINE: a late entry needs the chair's exception
    let late = Action::Nominate(nomination("w4", "window", "win-4"));
    assert_eq!(
        act(&mut s, "clerk", late.clone(), day(7, 2)),
        ["REG-DEADLINE"]
    );
    ok(act(
        &mut s,
        "chair",
        Action::Exception(Exception {
            nomination: "w4".into(),
            rule: "REG-DEADLINE".into(),
            until: day(7, 5),
            reason: "unit merged in June".into(),
            by: "chair".into(),
            date: day(7, 2),
        }),
        day(7, 2),
    ));
    ok(act(&mut s, "clerk", late, day(7, 3)));

    // July–October (build): ACTIVITY
    for id in ["w1", "w2", "w3", "w4"] {
        ok(act(
            &mut s,
            "clerk",
            Action::Activity {
                nomination: id.into(),
                activity: Activity {
                    date: day(8, 1),
                    summary: "文明服務月".into(),
                },
            },
            day(8, 1),
        ));
    }
    // scoring has not started: PHASES names the review window
    let early = Action::Score {
        nomination: "w1".into(),
        score: uniform_score(&cat, "r2", 0.9),
    };
    assert_eq!(act(&mut s, "r2", early, day(8, 20)), ["PHASES"]);

    // September–November (review): scores, routine evaluations, opinions, votes, forms
    let fracs = [("w1", 0.9), ("w2", 0.85), ("w3", 0.95), ("w4", 0.55)];
    for (id, frac) in fracs {
        for r in ["r1", "r2", "r3", "r4", "r5", "r6"] {
            let res = act(
                &mut s,
                r,
                Action::Score {
                    nomination: id.into(),
                    score: uniform_score(&cat, r, frac),
                },
                day(10, 10),
            );
            if r == "r1" && id == "w2" {
                assert_eq!(res, ["CONFLICT"], "r1 belongs to town-a");
            } else {
                ok(res);
            }
        }
        // ROUTINE-EVAL
        ok(act(
            &mut s,
            "r2",
            Action::Evaluate {
                nomination: id.into(),
                evaluation: evaluation(
                    "r2",
                    EvaluationKind::Routine,
                    day(9, 20),
                    Some(frac * 100.0),
                ),
            },
            day(9, 20),
        ));
        // ASSESS, CANDIDATE-NEEDS: the site visit and the interview the campaign requires
        for (author, kind) in [
            ("r3", EvaluationKind::SiteVisit),
            ("r4", EvaluationKind::Interview),
        ] {
            ok(act(
                &mut s,
                author,
                Action::Evaluate {
                    nomination: id.into(),
                    evaluation: evaluation(author, kind, day(11, 16), None),
                },
                day(11, 16),
            ));
        }
        for d in [
            "jijian", "zongzhi", "wangguan", "xinfang", "huanbao", "jisheng", "anquan",
        ] {
            let stance = if id == "w3" && d == "anquan" {
                Stance::Veto
            } else {
                Stance::Approve
            };
            ok(act(
                &mut s,
                "clerk",
                Action::Opinion {
                    nomination: id.into(),
                    opinion: opinion(d, stance),
                },
                day(11, 10),
            ));
        }
        // ASSESS
        ok(act(
            &mut s,
            "clerk",
            Action::Vote {
                nomination: id.into(),
                votes: votes(45, 4, 1),
            },
            day(11, 15),
        ));
        ok(act(
            &mut s,
            "clerk",
            Action::FileForm {
                nomination: id.into(),
                date: day(11, 20),
            },
            day(11, 20),
        ));
    }
    // FORM-DEADLINE
    assert!(act(
        &mut s,
        "clerk",
        Action::FileForm {
            nomination: "w1".into(),
            date: day(12, 1)
        },
        day(12, 1)
    )
    .contains(&"FORM-DEADLINE".to_string()));

    let st = rules::status(&s, "w2", day(11, 25), Some("r1")).unwrap();
    assert!(st.missing.is_empty(), "{:?}", st.missing);
    assert_eq!(st.aggregate.n, 5, "r1 excluded");
    assert!((st.aggregate.final_score.unwrap() - 85.0).abs() < 1e-9);

    // the chair fixes candidates: GATE-VETO and NO-FILLER keep w3 and w4 out
    let cand = |id: &str| Action::Decide {
        nomination: id.into(),
        decision: decision(Outcome::Candidate, "chair", day(11, 28)),
    };
    ok(act(&mut s, "chair", cand("w1"), day(11, 28)));
    ok(act(&mut s, "chair", cand("w2"), day(11, 28)));
    assert_eq!(act(&mut s, "chair", cand("w3"), day(11, 28)), ["GATE-VETO"]);
    assert_eq!(act(&mut s, "chair", cand("w4"), day(11, 28)), ["NO-FILLER"]);

    // December (notice): PHASES refusal message names the windows
    let m = s.member("r2").unwrap().clone();
    let late_score = Action::Score {
        nomination: "w1".into(),
        score: uniform_score(&cat, "r2", 0.9),
    };
    let e = rules::check_action(&s, &m, &late_score, day(12, 2)).unwrap_err();
    assert_eq!(
        e[0].message(false),
        "score is allowed in 評議檢查 review 2017-09-01..2017-11-30; today 2017-12-02 is in 公示表彰 notice"
    );

    // CANDIDATES: publish, object, resolve, finalise
    ok(act(
        &mut s,
        "chair",
        Action::Publish(notice("window", &["w1", "w2"], day(12, 1))),
        day(12, 1),
    ));
    ok(act(
        &mut s,
        "clerk",
        Action::Object {
            nomination: "w2".into(),
            objection: objection(false, ObjectionStatus::Open),
        },
        day(12, 3),
    ));
    let fin = |id: &str, d| Action::Decide {
        nomination: id.into(),
        decision: decision(Outcome::Final, "chair", d),
    };
    assert_eq!(
        act(&mut s, "chair", fin("w1", day(12, 5)), day(12, 5)),
        ["CANDIDATES"],
        "notice still running"
    );
    ok(act(
        &mut s,
        "chair",
        Action::Resolve {
            nomination: "w2".into(),
            objection: "20171203-1".into(),
            upheld: true,
            reason: "deeds overstated".into(),
            date: day(12, 6),
        },
        day(12, 6),
    ));
    assert_eq!(
        act(
            &mut s,
            "clerk",
            Action::Object {
                nomination: "w1".into(),
                objection: objection(false, ObjectionStatus::Open)
            },
            day(12, 8)
        ),
        ["CANDIDATES"],
        "notice over"
    );
    ok(act(&mut s, "chair", fin("w1", day(12, 8)), day(12, 8)));
    assert_eq!(
        act(&mut s, "chair", fin("w2", day(12, 8)), day(12, 8)),
        ["CANDIDATES"]
    );

    // COMMEND: the final list; the ranking explains who is out and why
    let list = rules::final_list(&s, "window", day(12, 20)).unwrap();
    assert_eq!(
        list.entries
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["w1"]
    );
    let ranking = rules::rank(&s, "window", day(12, 20)).unwrap();
    assert_eq!(ranking.selected, ["w1"]);
    let out: Vec<(String, Vec<String>)> = ranking
        .ineligible
        .iter()
        .map(|e| (e.id.clone(), e.reasons.iter().map(|r| r.rule()).collect()))
        .collect();
    assert_eq!(
        out,
        [
            ("w2".to_string(), vec!["CANDIDATES".to_string()]),
            ("w3".to_string(), vec!["GATE-VETO".to_string()])
        ]
    );
    assert!(
        !ranking
            .entries
            .iter()
            .find(|e| e.id == "w4")
            .unwrap()
            .above_min
    );
    assert!(serde_json::to_string(&ranking)
        .unwrap()
        .contains("\"selected\":[\"w1\"]"));
}
