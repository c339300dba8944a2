//! Test fixtures: a small in-memory version of the 2017 campaign.
//! Uses only `crate::model`, so integration tests can include it by path.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::model::*;

pub fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, m, d).unwrap()
}

pub fn time(m: u32, d: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2017-{m:02}-{d:02}T10:00:00+08:00")).unwrap()
}

fn phase(id: &str, name: &str, start: NaiveDate, end: NaiveDate, allows: &[ActionKind]) -> Phase {
    Phase {
        id: id.into(),
        name: name.into(),
        name_en: id.into(),
        start,
        end,
        allows: allows.to_vec(),
    }
}

fn criteria(prefix: &str, n: usize, max: f64) -> Vec<Criterion> {
    (1..=n)
        .map(|i| Criterion {
            id: format!("{prefix}{i}"),
            title: format!("{prefix}{i}"),
            title_en: format!("{prefix}{i}"),
            description: String::new(),
            max,
            independent: false,
        })
        .collect()
}

fn gate(id: &str, metric: Metric, comparison: Comparison, threshold: f64) -> Gate {
    Gate {
        id: id.into(),
        title: id.into(),
        title_en: id.into(),
        metric,
        comparison,
        threshold,
    }
}

fn category(
    id: &str,
    nominee: NomineeKind,
    criteria: Vec<Criterion>,
    slots: Option<u32>,
    gates: Vec<Gate>,
) -> Category {
    Category {
        id: id.into(),
        name: id.into(),
        name_en: id.into(),
        aliases: vec![],
        nominee,
        unit_kinds: vec![],
        requires_brand: false,
        requires_front_line: false,
        criteria,
        slots,
        min_score: 60.0,
        gates,
        priority: None,
    }
}

fn brand() -> Category {
    use IncidentKind::*;
    let mut brand = category(
        "brand",
        NomineeKind::Organisation,
        criteria("B", 5, 20.0),
        None,
        vec![
            gate(
                "GATE-BRAND-SAT",
                Metric::AppraisalSatisfaction { years: 2 },
                Comparison::AtLeast,
                90.0,
            ),
            gate(
                "GATE-BRAND-CLEAN",
                Metric::Incidents {
                    kinds: vec![NegativeImpact, LiabilityAccident, Violation],
                    years: 3,
                },
                Comparison::AtMost,
                0.0,
            ),
        ],
    );
    brand.name = "文明服務名牌".into();
    brand.requires_brand = true;
    brand.priority = Some(Priority {
        honour_years: 2,
        honour_level: Level::Municipal,
        media_level: Level::Municipal,
    });
    brand
}

fn window() -> Category {
    use IncidentKind::*;
    let mut window = category(
        "window",
        NomineeKind::Organisation,
        criteria("W", 10, 10.0),
        Some(10),
        vec![
            gate(
                "GATE-WINDOW-KNOW",
                Metric::KnowledgeRate,
                Comparison::AtLeast,
                90.0,
            ),
            gate(
                "GATE-WINDOW-SAT",
                Metric::ServiceSatisfaction,
                Comparison::AtLeast,
                90.0,
            ),
            gate(
                "GATE-WINDOW-SAFE",
                Metric::Incidents {
                    kinds: vec![SafetyAccident],
                    years: 1,
                },
                Comparison::AtMost,
                0.0,
            ),
        ],
    );
    window.name = "十佳文明窗口".into();
    window.aliases = vec!["十佳文明服務窗口".into(), "十佳服務窗口".into()];
    window.requires_front_line = true;
    window.unit_kinds = vec![
        UnitKind::Town,
        UnitKind::Street,
        UnitKind::Department,
        UnitKind::WindowUnit,
    ];
    window
}

fn star() -> Category {
    use IncidentKind::*;
    let mut star = category(
        "star",
        NomineeKind::Person,
        criteria("S", 5, 20.0),
        Some(10),
        vec![gate(
            "GATE-STAR-CLEAN",
            Metric::Incidents {
                kinds: vec![Violation, LiabilityAccident, SafetyAccident, Complaint],
                years: 1,
            },
            Comparison::AtMost,
            0.0,
        )],
    );
    star.name = "十佳服務明星".into();
    star.requires_front_line = true;
    star
}

fn phases() -> Vec<Phase> {
    use ActionKind as A;
    vec![
        phase(
            "mobilise",
            "宣傳發動",
            day(6, 1),
            day(6, 30),
            &[A::Nominate, A::Activity, A::Supervisor],
        ),
        phase(
            "build",
            "集中創建",
            day(7, 1),
            day(10, 31),
            &[
                A::Nominate,
                A::Activity,
                A::Supervisor,
                A::FileForm,
                A::Evaluate,
            ],
        ),
        phase(
            "review",
            "評議檢查",
            day(9, 1),
            day(11, 30),
            &[
                A::Nominate,
                A::FileForm,
                A::Evaluate,
                A::Score,
                A::Opinion,
                A::Vote,
                A::Decide,
            ],
        ),
        phase(
            "notice",
            "公示表彰",
            day(12, 1),
            day(12, 31),
            &[A::Decide, A::Publish, A::Object, A::Resolve],
        ),
    ]
}

pub fn campaign() -> Campaign {
    Campaign {
        format: FORMAT,
        id: "tengzhou-2017".into(),
        title: "滿意在滕州".into(),
        title_en: "Satisfied in Tengzhou".into(),
        issuer: "文明辦".into(),
        issued: day(6, 15),
        office_unit: "wmb".into(),
        phases: phases(),
        registration_deadline: day(6, 30),
        form_deadline: day(11, 30),
        categories: vec![brand(), window(), star()],
        departments: [
            "jijian", "zongzhi", "wangguan", "xinfang", "huanbao", "jisheng", "anquan",
        ]
        .iter()
        .map(|d| Department {
            id: (*d).into(),
            name: (*d).into(),
            name_en: (*d).into(),
        })
        .collect(),
        notice_days: 7,
        aggregation: Aggregation {
            method: AggregateMethod::TrimmedMean,
            trim_min_reviews: 5,
            evaluation_weight: 0.3,
            disagreement_spread: 20.0,
        },
        signing_required: false,
        max_offline: 24,
        time_zone: default_time_zone(),
        candidate_needs: CandidateNeeds::default(),
        objection_contact: None,
        commendation: None,
        language: Default::default(),
    }
}

fn member(id: &str, unit: &str, roles: &[Role]) -> Member {
    Member {
        id: id.into(),
        name: id.into(),
        email: format!("{id}@example.org"),
        roles: roles.to_vec(),
        unit: unit.into(),
        keys: vec![],
        conflicts: vec![],
    }
}

/// chair, office clerk `clerk` (wmb), unit clerks `clerk-a` (town-a), `clerk-b`
/// (town-b), reviewers r1 (town-a) and r2..r6 (committee).
pub fn members() -> Vec<Member> {
    let mut v = vec![
        member("chair", "wmb", &[Role::Chair]),
        member("clerk", "wmb", &[Role::Clerk]),
        member("clerk-a", "town-a", &[Role::Clerk]),
        member("clerk-b", "town-b", &[Role::Clerk]),
        member("r1", "town-a", &[Role::Reviewer]),
    ];
    for i in 2..=6 {
        v.push(member(&format!("r{i}"), "committee", &[Role::Reviewer]));
    }
    v
}

pub fn units() -> Vec<Unit> {
    let u = |id: &str, kind| Unit {
        id: id.into(),
        name: id.into(),
        kind,
        parent: None,
    };
    let mut v = vec![
        u("wmb", UnitKind::Department),
        u("committee", UnitKind::Department),
        u("town-a", UnitKind::Town),
        u("town-b", UnitKind::Town),
        u("ent", UnitKind::Enterprise),
    ];
    for i in 0..12 {
        v.push(u(&format!("win-{i}"), UnitKind::WindowUnit));
    }
    v
}

pub fn snapshot() -> Snapshot {
    Snapshot {
        commit: None,
        campaign: campaign(),
        members: members(),
        units: units(),
        rulings: Rulings::default(),
        records: Default::default(),
        problems: vec![],
        index: Default::default(),
    }
}

/// A nomination that fits its category and passes its gates.
pub fn nomination(id: &str, category: &str, unit: &str) -> Nomination {
    let person = category == "star";
    Nomination {
        id: id.into(),
        category: category.into(),
        unit: unit.into(),
        nominee: Nominee {
            kind: if person {
                NomineeKind::Person
            } else {
                NomineeKind::Organisation
            },
            name: format!("nominee {id}"),
            workplace: None,
            post: None,
            front_line: true,
            gender: None,
            born: None,
            political_status: None,
            education: None,
        },
        brand: (category == "brand").then(|| "暖心服務".to_string()),
        registered: day(6, 20),
        contact: Contact {
            name: "contact".into(),
            phone: "0632-0000000".into(),
        },
        deeds: "deeds".into(),
        metrics: Metrics {
            appraisal_satisfaction: [(2015, 95.0), (2016, 93.0)].into_iter().collect(),
            service_satisfaction: Some(96.0),
            knowledge_rate: Some(94.0),
            incidents: vec![],
        },
        honours: vec![],
        media: vec![],
        activities: vec![],
        supervisors: vec![],
        evidence: vec![Evidence {
            title: "申報材料".into(),
            reference: "archive/2017/001".into(),
        }],
        form_filed: None,
    }
}

pub fn add(s: &mut Snapshot, n: Nomination) -> &mut Record {
    let id = n.id.clone();
    s.records.insert(id.clone(), Record::new(n));
    s.records.get_mut(&id).unwrap()
}

/// Every criterion of `category` scored at `frac` of its max.
pub fn uniform_score(category: &Category, reviewer: &str, frac: f64) -> Score {
    Score {
        reviewer: reviewer.into(),
        marks: category
            .criteria
            .iter()
            .map(|c| (c.id.clone(), Mark::Points(c.max * frac)))
            .collect(),
        comment: String::new(),
        time: time(10, 1),
    }
}

/// Scores by r2..r6 (never conflicted in the fixture) at `frac`.
pub fn score_all(campaign: &Campaign, rec: &mut Record, frac: f64) {
    let cat = campaign.category(&rec.nomination.category).unwrap().clone();
    for i in 2..=6 {
        let r = format!("r{i}");
        rec.scores.insert(r.clone(), uniform_score(&cat, &r, frac));
    }
}

pub fn opinion(dept: &str, stance: Stance) -> Opinion {
    Opinion {
        department: dept.into(),
        stance,
        reason: if stance == Stance::Approve {
            String::new()
        } else {
            "reason".into()
        },
        recorded_by: "clerk".into(),
        date: day(11, 10),
    }
}

/// Every department approves.
pub fn all_opinions(rec: &mut Record) {
    for d in [
        "jijian", "zongzhi", "wangguan", "xinfang", "huanbao", "jisheng", "anquan",
    ] {
        rec.opinions.insert(d.into(), opinion(d, Stance::Approve));
    }
}

pub fn evaluation(
    author: &str,
    kind: EvaluationKind,
    date: NaiveDate,
    rating: Option<f64>,
) -> Evaluation {
    Evaluation {
        kind,
        author: author.into(),
        date,
        rating,
        findings: "findings".into(),
        knowledge_rate: None,
        service_satisfaction: None,
        incidents: vec![],
    }
}

pub fn votes(s: u32, b: u32, d: u32) -> Votes {
    Votes {
        satisfied: s,
        basically_satisfied: b,
        dissatisfied: d,
        recorded_by: "clerk".into(),
        date: day(11, 15),
    }
}

pub fn decision(outcome: Outcome, by: &str, date: NaiveDate) -> Decision {
    Decision {
        outcome,
        reason: "reason".into(),
        fraud: false,
        by: by.into(),
        date,
        reopened: None,
    }
}

pub fn objection(fraud: bool, status: ObjectionStatus) -> Objection {
    Objection {
        filed: time(12, 3),
        source: "hotline".into(),
        text: "the deeds are exaggerated".into(),
        fraud,
        recorded_by: "clerk".into(),
        status,
        resolution: None,
    }
}

pub fn notice(category: &str, ids: &[&str], published: NaiveDate) -> Notice {
    Notice {
        category: category.into(),
        candidates: ids.iter().map(|s| (*s).to_string()).collect(),
        published,
        by: "chair".into(),
    }
}

/// A complete, eligible entry scored at `frac` by every unconflicted reviewer, with form, votes,
/// activities and a routine rating equal to `frac × 100`.
pub fn complete(s: &mut Snapshot, id: &str, category: &str, unit: &str, frac: f64) {
    let c = s.campaign.clone();
    let rec = add(s, nomination(id, category, unit));
    score_all(&c, rec, frac);
    if unit != "town-a" {
        // r1 belongs to town-a; elsewhere r1 is expected to score too
        let cat = c.category(category).unwrap();
        rec.scores
            .insert("r1".into(), uniform_score(cat, "r1", frac));
    }
    all_opinions(rec);
    rec.votes = Some(votes(40, 5, 5));
    rec.nomination.form_filed = Some(day(11, 1));
    rec.nomination.activities.push(Activity {
        date: day(8, 1),
        summary: "service week".into(),
    });
    rec.evaluations.insert(
        format!("20171010-r2-{id}"),
        evaluation(
            "r2",
            EvaluationKind::Routine,
            day(10, 10),
            Some(frac * 100.0),
        ),
    );
    // CANDIDATE-NEEDS: the site visit and the interview the campaign requires.
    for (stem, author, kind) in [
        ("20171120-r3", "r3", EvaluationKind::SiteVisit),
        ("20171121-r4", "r4", EvaluationKind::Interview),
    ] {
        rec.evaluations
            .insert(stem.into(), evaluation(author, kind, day(11, 20), None));
    }
}
