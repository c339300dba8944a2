//! The sample 2017 Tengzhou campaign (`sample-repo/`) parses into the model types and tells
//! a story that obeys RULES.md. Rule IDs are named in test names and comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use pingxuan::model::*;

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(rel: &str) -> T {
    ron::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn campaign() -> Campaign {
    parse("sample-repo/campaign.ron")
}

fn members() -> Vec<Member> {
    parse("sample-repo/members.ron")
}

fn units() -> Vec<Unit> {
    parse("sample-repo/units.ron")
}

fn history() -> Vec<ScriptStep> {
    parse("sample-repo/history.ron")
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const CHAIR_ANY_TIME: [ActionKind; 7] = [
    ActionKind::Setup,
    ActionKind::Override,
    ActionKind::Exception,
    ActionKind::TieOrder,
    ActionKind::Members,
    ActionKind::Units,
    ActionKind::Campaign,
];

/// The campaign replayed in memory: the latest state of every record.
#[derive(Default)]
struct State {
    nominations: BTreeMap<String, Nomination>,
    /// First registration date of each nomination (the step's date).
    registered_at: BTreeMap<String, NaiveDate>,
    scores: BTreeMap<String, BTreeMap<String, Score>>,
    evaluations: BTreeMap<String, Vec<Evaluation>>,
    opinions: BTreeMap<String, BTreeMap<String, Opinion>>,
    votes: BTreeMap<String, Votes>,
    /// Nomination id to (file stem, objection).
    objections: BTreeMap<String, Vec<(String, Objection)>>,
    /// Nomination id to every decision in order.
    decisions: BTreeMap<String, Vec<Decision>>,
    notices: Vec<Notice>,
    exceptions: Vec<Exception>,
    forms: BTreeMap<String, NaiveDate>,
    /// (nomination, objection stem, upheld).
    resolutions: Vec<(String, String, bool)>,
}

fn stamp(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y%m%d-%H%M%S").to_string()
}

fn replay(steps: &[ScriptStep]) -> State {
    let mut s = State::default();
    for step in steps {
        let d = step.at.date_naive();
        match &step.action {
            Action::Nominate(n) => {
                s.registered_at.entry(n.id.clone()).or_insert(d);
                s.nominations.insert(n.id.clone(), n.clone());
            }
            Action::Activity {
                nomination,
                activity,
            } => s
                .nominations
                .get_mut(nomination)
                .expect("activity for a registered nomination")
                .activities
                .push(activity.clone()),
            Action::Supervisor {
                nomination,
                supervisor,
            } => s
                .nominations
                .get_mut(nomination)
                .expect("supervisor for a registered nomination")
                .supervisors
                .push(supervisor.clone()),
            Action::FileForm { nomination, date } => {
                s.forms.insert(nomination.clone(), *date);
            }
            Action::Score { nomination, score } => {
                s.scores
                    .entry(nomination.clone())
                    .or_default()
                    .insert(score.reviewer.clone(), score.clone());
            }
            Action::Evaluate {
                nomination,
                evaluation,
            } => s
                .evaluations
                .entry(nomination.clone())
                .or_default()
                .push(evaluation.clone()),
            Action::Opinion {
                nomination,
                opinion,
            } => {
                s.opinions
                    .entry(nomination.clone())
                    .or_default()
                    .insert(opinion.department.clone(), opinion.clone());
            }
            Action::Vote { nomination, votes } => {
                s.votes.insert(nomination.clone(), votes.clone());
            }
            Action::Object {
                nomination,
                objection,
            } => {
                let list = s.objections.entry(nomination.clone()).or_default();
                let stem = format!("{}-{}", stamp(&objection.filed), list.len() + 1);
                list.push((stem, objection.clone()));
            }
            Action::Resolve {
                nomination,
                objection,
                upheld,
                ..
            } => s
                .resolutions
                .push((nomination.clone(), objection.clone(), *upheld)),
            Action::Decide {
                nomination,
                decision,
            } => s
                .decisions
                .entry(nomination.clone())
                .or_default()
                .push(decision.clone()),
            Action::Publish(n) => s.notices.push(n.clone()),
            Action::Exception(e) => s.exceptions.push(e.clone()),
            other => panic!(
                "unexpected action in the sample history: {:?}",
                other.kind()
            ),
        }
    }
    s
}

fn member<'a>(members: &'a [Member], id: &str) -> &'a Member {
    members
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no member {id}"))
}

/// Conflict of interest: own unit, or a declared unit or nomination.
fn conflicted(m: &Member, n: &Nomination) -> bool {
    m.unit == n.unit
        || m.conflicts.iter().any(|c| {
            c.unit.as_deref() == Some(n.unit.as_str())
                || c.nomination.as_deref() == Some(n.id.as_str())
        })
}

fn review_total(score: &Score) -> f64 {
    score.marks.values().filter_map(|m| m.points()).sum()
}

/// ROUTINE-EVAL: 0.7 × trimmed mean of review totals + 0.3 × mean routine/unannounced rating.
fn final_score(c: &Campaign, s: &State, id: &str) -> f64 {
    let mut totals: Vec<f64> = s.scores[id].values().map(review_total).collect();
    totals.sort_by(f64::total_cmp);
    if totals.len() >= c.aggregation.trim_min_reviews as usize {
        totals = totals[1..totals.len() - 1].to_vec();
    }
    let review = totals.iter().sum::<f64>() / totals.len() as f64;
    let ratings: Vec<f64> = s.evaluations[id]
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EvaluationKind::Routine | EvaluationKind::Unannounced
            )
        })
        .filter_map(|e| e.rating)
        .collect();
    let eval = ratings.iter().sum::<f64>() / ratings.len() as f64;
    let w = c.aggregation.evaluation_weight;
    (1.0 - w) * review + w * eval
}

/// GATE-*: the gates a nomination fails, from its figures; committee measurements in
/// evaluations take precedence over the unit's own.
fn failed_gates(c: &Campaign, s: &State, n: &Nomination) -> Vec<String> {
    let cat = c.category(&n.category).unwrap();
    let evals = s.evaluations.get(&n.id).cloned().unwrap_or_default();
    let measured = |f: fn(&Evaluation) -> Option<f64>| evals.iter().rev().find_map(f);
    let mut failed = Vec::new();
    for g in &cat.gates {
        let value = match &g.metric {
            Metric::AppraisalSatisfaction { years } => (1..=*years as i32)
                .map(|k| {
                    n.metrics
                        .appraisal_satisfaction
                        .get(&(2017 - k))
                        .copied()
                        .unwrap_or(0.0)
                })
                .fold(f64::INFINITY, f64::min),
            Metric::KnowledgeRate => measured(|e| e.knowledge_rate)
                .or(n.metrics.knowledge_rate)
                .unwrap_or(0.0),
            Metric::ServiceSatisfaction => measured(|e| e.service_satisfaction)
                .or(n.metrics.service_satisfaction)
                .unwrap_or(0.0),
            Metric::Incidents { kinds, years } => {
                let since = 2017 - *years as i32 + 1;
                n.metrics
                    .incidents
                    .iter()
                    .chain(evals.iter().flat_map(|e| e.incidents.iter()))
                    .filter(|i| kinds.contains(&i.kind))
                    .filter(|i| chrono::Datelike::year(&i.date) >= since)
                    .count() as f64
            }
        };
        if !g.comparison.holds(value, g.threshold) {
            failed.push(g.id.clone());
        }
    }
    failed
}

fn vetoed(s: &State, id: &str) -> bool {
    s.opinions[id].values().any(|o| o.stance == Stance::Veto)
}

fn last_outcome(s: &State, id: &str) -> Outcome {
    s.decisions[id].last().unwrap().outcome
}

// ---------------------------------------------------------------- campaign.ron

#[test]
fn campaign_parses_and_schema_copy_is_identical() {
    let c = campaign();
    assert_eq!(c.format, FORMAT);
    assert_eq!(c.id, "tengzhou-2017");
    assert_eq!(c.issued, day("2017-06-15"));
    assert_eq!(c.office_unit, "wenmingban");
    assert!(c.signing_required, "OPEN: every action signed");
    assert_eq!(
        read("sample-repo/campaign.ron"),
        read("schema/campaign.ron"),
        "schema/campaign.ron must be an identical copy"
    );
}

#[test]
fn phases_windows_and_allowed_actions() {
    // PHASES
    use ActionKind::*;
    let c = campaign();
    let want: [(&str, &str, &str, &[ActionKind]); 4] = [
        (
            "mobilise",
            "2017-06-01",
            "2017-06-30",
            &[Nominate, Activity, Supervisor],
        ),
        (
            "build",
            "2017-07-01",
            "2017-10-31",
            &[Nominate, Activity, Supervisor, FileForm, Evaluate],
        ),
        (
            "review",
            "2017-09-01",
            "2017-11-30",
            &[Nominate, FileForm, Evaluate, Score, Opinion, Vote, Decide],
        ),
        (
            "notice",
            "2017-12-01",
            "2017-12-31",
            &[Decide, Publish, Object, Resolve],
        ),
    ];
    assert_eq!(c.phases.len(), 4);
    for (id, start, end, allows) in want {
        let p = c.phase(id).unwrap_or_else(|| panic!("phase {id}"));
        assert_eq!((p.start, p.end), (day(start), day(end)), "{id}");
        assert_eq!(p.allows, allows, "{id}");
        assert!(!p.name.is_empty() && !p.name_en.is_empty());
    }
    // REG-DEADLINE, FORM-DEADLINE, CANDIDATES
    assert_eq!(c.registration_deadline, day("2017-06-30"));
    assert_eq!(c.form_deadline, day("2017-11-30"));
    assert_eq!(c.notice_days, 7);
    // CAMPAIGN-TZ, CANDIDATE-NEEDS
    assert_eq!(c.time_zone, chrono_tz::Asia::Shanghai);
    assert_eq!(
        c.candidate_needs.assessments,
        [EvaluationKind::SiteVisit, EvaluationKind::Interview]
    );
    assert!(c.candidate_needs.application_form && c.candidate_needs.votes);
    // ROUTINE-EVAL
    assert_eq!(c.aggregation.method, AggregateMethod::TrimmedMean);
    assert_eq!(c.aggregation.trim_min_reviews, 5);
    assert!((c.aggregation.evaluation_weight - 0.3).abs() < 1e-9);
    assert!((c.aggregation.disagreement_spread - 20.0).abs() < 1e-9);
}

#[test]
fn categories_criteria_weights_sum_to_100_scope_and_gates() {
    // SCOPE-BRAND, SCOPE-WINDOW, SCOPE-STAR, NO-FILLER, PRIORITY-BRAND
    let c = campaign();
    let ids = |cat: &Category| {
        cat.criteria
            .iter()
            .map(|k| k.id.clone())
            .collect::<Vec<_>>()
    };
    let range = |p: &str, n: usize| (1..=n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();

    let brand = c.category("brand").unwrap();
    assert_eq!(ids(brand), range("B", 6));
    assert_eq!(brand.nominee, NomineeKind::Organisation);
    assert!(brand.requires_brand);
    assert_eq!(brand.slots, None);
    let p = brand.priority.as_ref().expect("PRIORITY-BRAND");
    assert_eq!(
        (p.honour_years, p.honour_level, p.media_level),
        (2, Level::Municipal, Level::Municipal)
    );

    let window = c.category("window").unwrap();
    assert_eq!(ids(window), range("W", 10));
    assert_eq!(window.nominee, NomineeKind::Organisation);
    assert!(window.requires_front_line);
    assert_eq!(window.slots, Some(10));
    // REPORTING-UNIT: a town or street may report its own front-line window
    assert!(window.unit_kinds.contains(&UnitKind::Town));
    assert!(window.unit_kinds.contains(&UnitKind::Street));
    assert!(c
        .category("十佳文明服務窗口")
        .is_some_and(|k| k.id == "window"));
    assert!(c.category("十佳服務窗口").is_some_and(|k| k.id == "window"));

    let star = c.category("star").unwrap();
    assert_eq!(ids(star), range("S", 5));
    assert_eq!(star.nominee, NomineeKind::Person);
    assert!(star.requires_front_line);
    assert_eq!(star.slots, Some(10));
    assert!(c
        .category("十佳文明服務明星")
        .is_some_and(|k| k.id == "star"));

    for cat in &c.categories {
        assert!(
            (cat.total_max() - 100.0).abs() < 1e-9,
            "{} sums to {}",
            cat.id,
            cat.total_max()
        );
        assert!(cat.min_score > 0.0 && cat.min_score <= 100.0);
        for k in &cat.criteria {
            assert!(!k.independent && k.max > 0.0);
            assert!(!k.title.is_empty() && !k.title_en.is_empty() && !k.description.is_empty());
        }
    }

    fn gates(cat: &Category) -> Vec<&str> {
        cat.gates.iter().map(|g| g.id.as_str()).collect()
    }
    assert_eq!(gates(brand), ["GATE-BRAND-SAT", "GATE-BRAND-CLEAN"]);
    assert_eq!(
        gates(window),
        ["GATE-WINDOW-KNOW", "GATE-WINDOW-SAT", "GATE-WINDOW-SAFE"]
    );
    assert_eq!(gates(star), ["GATE-STAR-CLEAN"]);
    assert_eq!(
        brand.gates[0].metric,
        Metric::AppraisalSatisfaction { years: 2 }
    );
    for g in c.categories.iter().flat_map(|k| &k.gates) {
        match g.metric {
            Metric::Incidents { .. } => {
                assert_eq!((g.comparison, g.threshold), (Comparison::AtMost, 0.0))
            }
            _ => assert_eq!((g.comparison, g.threshold), (Comparison::AtLeast, 90.0)),
        }
    }
}

#[test]
fn seven_departments_dept_opinions() {
    // DEPT-OPINIONS
    let c = campaign();
    let ids: Vec<_> = c.departments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "jijian",
            "zongzhiban",
            "wangguanban",
            "xinfang",
            "huanbao",
            "jisheng",
            "anquan"
        ]
    );
    for d in &c.departments {
        validate_id(&d.id).unwrap();
        assert!(!d.name.is_empty() && !d.name_en.is_empty());
    }
}

// ---------------------------------------------------------------- units.ron, members.ron

#[test]
fn units_are_valid_and_parents_exist() {
    let c = campaign();
    let units = units();
    assert!((45..=60).contains(&units.len()), "{} units", units.len());
    let ids: BTreeSet<_> = units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids.len(), units.len(), "unit ids are unique");
    assert!(ids.contains(c.office_unit.as_str()));
    for u in &units {
        validate_id(&u.id).unwrap();
        match (&u.parent, u.kind) {
            (Some(p), UnitKind::WindowUnit) => assert!(ids.contains(p.as_str()), "{}", u.id),
            (None, UnitKind::WindowUnit) => panic!("window unit {} has no parent", u.id),
            (Some(_), _) => panic!("{} has a parent but is no window unit", u.id),
            (None, _) => {}
        }
    }
    let count = |k| units.iter().filter(|u| u.kind == k).count();
    assert_eq!(count(UnitKind::Street), 4);
    assert_eq!(count(UnitKind::Town), 17);
    for k in [
        UnitKind::Department,
        UnitKind::Institution,
        UnitKind::Enterprise,
        UnitKind::WindowUnit,
    ] {
        assert!(count(k) > 0, "{k:?}");
    }
}

#[test]
fn members_roles_and_conflicts() {
    let c = campaign();
    let units = units();
    let members = members();
    let unit = |id: &str| units.iter().find(|u| u.id == id);
    let with = |r| members.iter().filter(move |m: &&Member| m.has_role(r));
    assert_eq!(with(Role::Chair).count(), 1);
    assert!(with(Role::Reviewer).count() >= 6);
    assert!(with(Role::Clerk).count() >= 3);
    assert!(
        with(Role::Clerk)
            .filter(|m| m.unit == c.office_unit)
            .count()
            >= 2,
        "two office clerks"
    );
    assert_eq!(
        with(Role::Clerk)
            .filter(|m| unit(&m.unit).is_some_and(|u| u.kind == UnitKind::Town))
            .count(),
        1,
        "one town clerk"
    );
    let ids: BTreeSet<_> = members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), members.len());
    for m in &members {
        validate_id(&m.id).unwrap();
        assert!(m.keys.is_empty(), "the demo generates keys");
        assert!(m.email.starts_with(&format!("{}@", m.id)));
        assert!(
            unit(&m.unit).is_some(),
            "{} has unknown unit {}",
            m.id,
            m.unit
        );
        for k in &m.conflicts {
            assert!(k.unit.is_some() != k.nomination.is_some());
            if let Some(u) = &k.unit {
                assert!(unit(u).is_some());
            }
            assert!(!k.reason.is_empty());
        }
    }
    // Conflict of interest is real: reviewers come from nominating units and declare more.
    assert!(members.iter().any(|m| !m.conflicts.is_empty()));
}

// ---------------------------------------------------------------- history.ron

#[test]
fn history_is_sorted_and_within_the_campaign() {
    let steps = history();
    assert!(steps.len() > 700, "{} steps", steps.len());
    let first: DateTime<FixedOffset> = "2017-06-16T00:00:00+08:00".parse().unwrap();
    let last: DateTime<FixedOffset> = "2017-12-31T23:59:59+08:00".parse().unwrap();
    for w in steps.windows(2) {
        assert!(w[0].at <= w[1].at, "not sorted at {}", w[1].at);
    }
    for s in &steps {
        assert!(s.at >= first && s.at <= last, "{}", s.at);
        assert_eq!(s.at.offset().local_minus_utc(), 8 * 3600);
    }
}

#[test]
fn nominations_counts_scope_and_quota() {
    // QUOTA, SCOPE-BRAND, SCOPE-WINDOW, SCOPE-STAR, EVIDENCE
    let c = campaign();
    let units = units();
    let s = replay(&history());
    let count = |cat: &str| s.nominations.values().filter(|n| n.category == cat).count();
    assert!((38..=45).contains(&s.nominations.len()));
    assert!((10..=14).contains(&count("brand")));
    assert!(count("window") >= 13);
    assert!(count("star") >= 13);

    let mut seen = BTreeSet::new();
    for n in s.nominations.values() {
        validate_id(&n.id).unwrap();
        assert!(n.id.starts_with(&format!("2017-{}-", n.category)));
        // QUOTA counts per reporting unit (REPORTING-UNIT)
        let reporting = reporting_unit(&units, &n.unit).to_string();
        assert!(
            seen.insert((reporting, n.category.clone())),
            "QUOTA, REPORTING-UNIT: {}",
            n.id
        );
        let cat = c.category(&n.category).unwrap();
        let unit = units.iter().find(|u| u.id == n.unit).expect("known unit");
        assert!(
            cat.unit_kinds.is_empty() || cat.unit_kinds.contains(&unit.kind),
            "{}: unit kind {:?}",
            n.id,
            unit.kind
        );
        assert_eq!(n.nominee.kind, cat.nominee, "{}", n.id);
        if cat.requires_front_line {
            assert!(n.nominee.front_line, "{}", n.id);
        }
        assert_eq!(n.brand.is_some(), cat.requires_brand, "{}", n.id);
        assert!(!n.deeds.is_empty() && !n.contact.phone.is_empty());
        assert!(n.evidence.len() >= 2, "EVIDENCE: {}", n.id);
        match n.category.as_str() {
            "brand" => {
                assert!(n.metrics.appraisal_satisfaction.contains_key(&2015));
                assert!(n.metrics.appraisal_satisfaction.contains_key(&2016));
            }
            "window" => {
                assert!(n.metrics.knowledge_rate.is_some());
                assert!(n.metrics.service_satisfaction.is_some());
            }
            _ => assert!(n.nominee.workplace.is_some() && n.nominee.post.is_some()),
        }
        // ACTIVITY
        assert!(!n.activities.is_empty(), "ACTIVITY: {}", n.id);
        for a in &n.activities {
            assert!(a.date >= day("2017-07-01") && a.date <= day("2017-10-31"));
        }
    }
    assert!(s.nominations.values().any(|n| !n.supervisors.is_empty()));
}

#[test]
fn registrations_by_deadline_and_one_late_under_exception() {
    // REG-DEADLINE
    let c = campaign();
    let steps = history();
    let s = replay(&steps);
    let late: Vec<_> = s
        .registered_at
        .iter()
        .filter(|(_, d)| **d > c.registration_deadline)
        .collect();
    assert_eq!(late.len(), 1, "exactly one late registration");
    let (id, d) = late[0];
    assert_eq!(s.exceptions.len(), 1);
    let e = &s.exceptions[0];
    assert_eq!(
        (e.nomination.as_str(), e.rule.as_str()),
        (id.as_str(), "REG-DEADLINE")
    );
    assert!(e.date < *d && *d <= e.until);
    let ex_at = steps
        .iter()
        .position(|st| matches!(st.action, Action::Exception(_)))
        .unwrap();
    let reg_at = steps
        .iter()
        .position(|st| matches!(&st.action, Action::Nominate(n) if &n.id == id))
        .unwrap();
    assert!(
        ex_at < reg_at,
        "the exception precedes the late registration"
    );
    for (id, d) in &s.registered_at {
        assert_eq!(s.nominations[id].registered, *d, "{id}");
        assert!(*d >= day("2017-06-16"));
        if *d <= c.registration_deadline {
            assert_eq!(chrono::Datelike::month(d), 6);
        }
    }
}

#[test]
fn every_step_is_allowed_by_phase_role_and_unit() {
    // PHASES, REG-DEADLINE, FORM-DEADLINE, FRAUD; DESIGN "Roles and the audit"
    let c = campaign();
    let members = members();
    let steps = history();
    let mut registered: BTreeMap<String, String> = BTreeMap::new(); // id -> unit
    for st in &steps {
        let kind = st.action.kind();
        let d = st.at.date_naive();
        let who = member(&members, &st.actor);
        let fraud = match &st.action {
            Action::Object { objection, .. } => objection.fraud,
            Action::Decide { decision, .. } => {
                decision.fraud && decision.outcome == Outcome::Disqualified
            }
            _ => false,
        };
        // Phase clock.
        if !CHAIR_ANY_TIME.contains(&kind) && !fraud {
            assert!(
                c.phases
                    .iter()
                    .any(|p| p.start <= d && d <= p.end && p.allows.contains(&kind)),
                "{kind:?} on {d} is outside every phase that allows it"
            );
        }
        // Roles.
        let role = match kind {
            ActionKind::Nominate
            | ActionKind::Activity
            | ActionKind::Supervisor
            | ActionKind::FileForm
            | ActionKind::Opinion
            | ActionKind::Vote
            | ActionKind::Object => Role::Clerk,
            ActionKind::Score | ActionKind::Evaluate => Role::Reviewer,
            _ => Role::Chair,
        };
        assert!(
            who.has_role(role),
            "{} acts {kind:?} without {role:?}",
            who.id
        );
        // A unit clerk acts only for the unit's own entries; office clerks for any.
        if role == Role::Clerk && who.unit != c.office_unit {
            let unit = match &st.action {
                Action::Nominate(n) => Some(n.unit.clone()),
                other => other
                    .nomination()
                    .and_then(|id| registered.get(id).cloned()),
            };
            assert_eq!(
                unit.as_deref(),
                Some(who.unit.as_str()),
                "{} at {}",
                who.id,
                st.at
            );
        }
        match &st.action {
            Action::Nominate(n) => {
                if !registered.contains_key(&n.id) {
                    // REG-DEADLINE: a new id only by the deadline or under an exception.
                    let excepted = steps.iter().any(|e| {
                        e.at < st.at
                            && matches!(&e.action, Action::Exception(x)
                                if x.nomination == n.id && x.rule == "REG-DEADLINE" && d <= x.until)
                    });
                    assert!(d <= c.registration_deadline || excepted, "{} late", n.id);
                }
                registered.insert(n.id.clone(), n.unit.clone());
            }
            Action::FileForm { nomination, date } => {
                // FORM-DEADLINE
                assert!(*date <= c.form_deadline && *date == d, "{nomination}");
            }
            Action::Score { score, .. } => assert_eq!(score.reviewer, st.actor),
            Action::Evaluate { evaluation, .. } => {
                assert_eq!(evaluation.author, st.actor);
                assert_eq!(evaluation.date, d);
            }
            Action::Opinion { opinion, .. } => assert_eq!(opinion.recorded_by, st.actor),
            Action::Vote { votes, .. } => assert_eq!(votes.recorded_by, st.actor),
            Action::Object { objection, .. } => {
                assert_eq!(objection.recorded_by, st.actor);
                assert_eq!(objection.filed, st.at);
            }
            Action::Decide { decision, .. } => {
                assert_eq!(decision.by, st.actor);
                assert_eq!(decision.date, d);
            }
            Action::Publish(n) => assert_eq!(n.by, st.actor),
            Action::Exception(e) => assert_eq!(e.by, st.actor),
            _ => {}
        }
        if let Some(id) = st.action.nomination() {
            assert!(
                registered.contains_key(id),
                "{kind:?} before {id} is registered"
            );
        }
    }
}

#[test]
fn every_nomination_files_its_form_in_november() {
    // FORM-DEADLINE
    let s = replay(&history());
    for id in s.nominations.keys() {
        let d = s
            .forms
            .get(id)
            .unwrap_or_else(|| panic!("no form for {id}"));
        assert!(*d >= day("2017-11-01") && *d <= day("2017-11-30"), "{id}");
    }
}

#[test]
fn scores_cover_every_criterion_within_bounds_and_no_conflict_of_interest() {
    // DESIGN "a reviewer never scores a nomination of their own unit"; declared conflicts
    let c = campaign();
    let members = members();
    let steps = history();
    let s = replay(&steps);
    let mut no_score_marks = 0;
    for st in &steps {
        let Action::Score { nomination, score } = &st.action else {
            continue;
        };
        assert_eq!(score.time, st.at);
        assert!(st.at.date_naive() >= day("2017-11-01") && st.at.date_naive() <= day("2017-11-30"));
        let n = &s.nominations[nomination];
        let reviewer = member(&members, &score.reviewer);
        assert!(!conflicted(reviewer, n), "{} scores {}", reviewer.id, n.id);
        let cat = c.category(&n.category).unwrap();
        let keys: Vec<_> = score.marks.keys().cloned().collect();
        let mut want: Vec<_> = cat.criteria.iter().map(|k| k.id.clone()).collect();
        want.sort();
        assert_eq!(
            keys, want,
            "{} by {}: every criterion marked",
            n.id, reviewer.id
        );
        for (k, m) in &score.marks {
            match m {
                Mark::Points(p) => {
                    let max = cat.criterion(k).unwrap().max;
                    assert!(*p >= 0.0 && *p <= max, "{}.{k} = {p} > {max}", n.id);
                }
                _ => no_score_marks += 1,
            }
        }
    }
    assert!(
        (3..=10).contains(&no_score_marks),
        "a handful of no-score marks"
    );
    for (id, by) in &s.scores {
        assert!(
            by.len() >= c.aggregation.trim_min_reviews as usize,
            "{id}: {} reviews, the trimmed mean needs 5",
            by.len()
        );
        // Every non-conflicted reviewer scores.
        let n = &s.nominations[id];
        for m in members.iter().filter(|m| m.has_role(Role::Reviewer)) {
            assert_eq!(by.contains_key(&m.id), !conflicted(m, n), "{id} / {}", m.id);
        }
    }
    assert_eq!(s.scores.len(), s.nominations.len());
    // Some nominations split the reviewers by more than the disagreement spread.
    let spread = |by: &BTreeMap<String, Score>| {
        let t: Vec<f64> = by.values().map(review_total).collect();
        t.iter().copied().fold(f64::MIN, f64::max) - t.iter().copied().fold(f64::MAX, f64::min)
    };
    let split = s
        .scores
        .values()
        .filter(|by| {
            by.values()
                .all(|sc| sc.marks.values().all(|m| m.points().is_some()))
        })
        .filter(|by| spread(by) > c.aggregation.disagreement_spread)
        .count();
    assert!(split >= 2, "{split} nominations with a big spread");
}

#[test]
fn evaluations_routine_spot_check_site_visit_interview() {
    // ROUTINE-EVAL, SPOT-CHECK, ASSESS
    let members = members();
    let steps = history();
    let s = replay(&steps);
    for st in &steps {
        let Action::Evaluate {
            nomination,
            evaluation: e,
        } = &st.action
        else {
            continue;
        };
        let n = &s.nominations[nomination];
        assert!(
            !conflicted(member(&members, &e.author), n),
            "{} evaluates {}",
            e.author,
            n.id
        );
        let d = e.date;
        match e.kind {
            EvaluationKind::Routine | EvaluationKind::Unannounced => {
                assert!(d >= day("2017-09-01") && d <= day("2017-11-30"));
                let r = e.rating.expect("routine ratings weigh in the final score");
                assert!((0.0..=100.0).contains(&r));
            }
            EvaluationKind::SiteVisit | EvaluationKind::Interview => {
                assert!(d >= day("2017-11-16") && d <= day("2017-11-30"));
            }
        }
    }
    for (id, evals) in &s.evaluations {
        let has = |k| evals.iter().any(|e| e.kind == k);
        assert!(
            has(EvaluationKind::Routine) && has(EvaluationKind::Unannounced),
            "{id}"
        );
        // CANDIDATE-NEEDS: the sample requires a site visit and an interview of every entry
        for k in &campaign().candidate_needs.assessments {
            assert!(has(*k), "CANDIDATE-NEEDS: {id} lacks {k:?}");
        }
    }
    assert_eq!(s.evaluations.len(), s.nominations.len());
}

#[test]
fn every_department_opines_on_every_nomination_with_one_veto() {
    // DEPT-OPINIONS, GATE-VETO
    let c = campaign();
    let s = replay(&history());
    let depts: BTreeSet<_> = c.departments.iter().map(|d| d.id.clone()).collect();
    let mut vetoes = Vec::new();
    let mut concerns = 0;
    for id in s.nominations.keys() {
        let ops = &s.opinions[id];
        let got: BTreeSet<_> = ops.keys().cloned().collect();
        assert_eq!(got, depts, "{id}: all seven departments");
        for o in ops.values() {
            assert!(o.date >= day("2017-11-01") && o.date <= day("2017-11-30"));
            match o.stance {
                Stance::Veto => vetoes.push((id.clone(), o.clone())),
                Stance::Concern => concerns += 1,
                Stance::Approve => {}
            }
        }
    }
    assert_eq!(vetoes.len(), 1, "exactly one veto");
    let (id, veto) = &vetoes[0];
    assert!(!veto.reason.is_empty());
    assert_eq!(veto.department, "xinfang");
    assert!(concerns >= 2);
    // GATE-VETO: the vetoed nomination is rejected, never a candidate.
    assert!(s.decisions[id]
        .iter()
        .all(|d| d.outcome == Outcome::Rejected));
}

#[test]
fn democratic_evaluation_votes_for_every_entry() {
    // ASSESS
    let s = replay(&history());
    for id in s.nominations.keys() {
        let v = &s.votes[id];
        assert!((100..=1000).contains(&v.total()), "{id}: {}", v.total());
        assert!(v.date >= day("2017-11-20") && v.date <= day("2017-11-30"));
    }
}

#[test]
fn gates_fail_through_the_data() {
    // GATE-BRAND-SAT, GATE-BRAND-CLEAN, GATE-WINDOW-KNOW, GATE-STAR-CLEAN
    let c = campaign();
    let s = replay(&history());
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in s.nominations.values() {
        let f = failed_gates(&c, &s, n);
        if !f.is_empty() {
            // A nomination that fails a gate is rejected, never a candidate.
            assert!(
                s.decisions[&n.id]
                    .iter()
                    .all(|d| d.outcome == Outcome::Rejected),
                "{} fails {f:?}",
                n.id
            );
            failed.insert(n.id.clone(), f);
        }
    }
    let gates: BTreeSet<_> = failed.values().flatten().map(String::as_str).collect();
    for g in [
        "GATE-BRAND-SAT",
        "GATE-BRAND-CLEAN",
        "GATE-WINDOW-KNOW",
        "GATE-STAR-CLEAN",
    ] {
        assert!(gates.contains(g), "{g} failed by no entry: {failed:?}");
    }
    let sat = s
        .nominations
        .values()
        .find(|n| {
            failed
                .get(&n.id)
                .is_some_and(|f| f.contains(&"GATE-BRAND-SAT".into()))
        })
        .unwrap();
    assert!(sat.metrics.appraisal_satisfaction[&2015] < 90.0);
}

#[test]
fn scores_leave_fewer_than_ten_windows_and_more_than_ten_stars() {
    // ROUTINE-EVAL, NO-FILLER, SCOPE-WINDOW, SCOPE-STAR
    let c = campaign();
    let s = replay(&history());
    let finals: BTreeMap<String, f64> = s
        .nominations
        .keys()
        .map(|id| (id.clone(), final_score(&c, &s, id)))
        .collect();
    let above = |cat: &str, eligible_only: bool| {
        let min = c.category(cat).unwrap().min_score;
        s.nominations
            .values()
            .filter(|n| n.category == cat && finals[&n.id] >= min)
            .filter(|n| {
                !eligible_only || (failed_gates(&c, &s, n).is_empty() && !vetoed(&s, &n.id))
            })
            .count()
    };
    assert!(
        above("window", false) < 10,
        "windows: {}",
        above("window", false)
    );
    assert!(above("star", true) > 10, "stars: {}", above("star", true));
    // Nothing below the minimum is listed; no category lists more than its slots.
    for cat in &c.categories {
        let listed: Vec<_> = s
            .nominations
            .values()
            .filter(|n| n.category == cat.id)
            .filter(|n| matches!(last_outcome(&s, &n.id), Outcome::Candidate | Outcome::Final))
            .collect();
        for n in &listed {
            assert!(finals[&n.id] >= cat.min_score, "NO-FILLER: {}", n.id);
        }
        if let Some(slots) = cat.slots {
            assert!(listed.len() <= slots as usize);
        }
    }
    // The top-ten cut: every star candidate outranks every eligible star left out.
    let star_min = c.category("star").unwrap().min_score;
    let published: BTreeSet<_> = s
        .notices
        .iter()
        .filter(|n| n.category == "star")
        .flat_map(|n| n.candidates.iter().cloned())
        .collect();
    assert_eq!(published.len(), 10);
    let lowest_in = published
        .iter()
        .map(|id| finals[id])
        .fold(f64::MAX, f64::min);
    for n in s.nominations.values().filter(|n| n.category == "star") {
        if !published.contains(&n.id)
            && failed_gates(&c, &s, n).is_empty()
            && !vetoed(&s, &n.id)
            && finals[&n.id] >= star_min
        {
            assert!(finals[&n.id] < lowest_in, "{} left out above the cut", n.id);
        }
    }
}

#[test]
fn notice_objections_resolutions_and_fraud() {
    // CANDIDATES, FRAUD
    let c = campaign();
    let steps = history();
    let s = replay(&steps);
    assert_eq!(s.notices.len(), 3, "one notice per category");
    let published = day("2017-12-04");
    let notice_end = published + chrono::Days::new(u64::from(c.notice_days) - 1);
    for n in &s.notices {
        assert_eq!(n.published, published);
        for id in &n.candidates {
            assert_eq!(s.nominations[id].category, n.category);
            assert!(s.decisions[id]
                .iter()
                .any(|d| d.outcome == Outcome::Candidate && d.date <= published));
        }
    }
    let all: Vec<_> = s
        .objections
        .iter()
        .flat_map(|(id, v)| v.iter().map(move |o| (id, o)))
        .collect();
    let fraud: Vec<&String> = all
        .iter()
        .filter(|(_, (_, o))| o.fraud)
        .map(|(id, _)| *id)
        .collect();
    let plain = all.iter().filter(|(_, (_, o))| !o.fraud).count();
    assert_eq!(plain, 2, "two ordinary objections");
    assert_eq!(fraud.len(), 1, "one fraud report");
    for (_, (_, o)) in &all {
        assert_eq!(o.status, ObjectionStatus::Open);
        assert!(o.resolution.is_none());
        let d = o.filed.date_naive();
        assert!(d >= published && d <= notice_end, "filed during the notice");
    }
    // Resolutions name an existing objection; one ordinary upheld, one dismissed.
    let mut upheld_plain = Vec::new();
    let mut dismissed_plain = 0;
    for (id, stem, upheld) in &s.resolutions {
        let (_, o) = s.objections[id]
            .iter()
            .find(|(st, _)| st == stem)
            .unwrap_or_else(|| panic!("{id}: no objection {stem}"));
        match (o.fraud, upheld) {
            (false, true) => upheld_plain.push(id.clone()),
            (false, false) => dismissed_plain += 1,
            (true, up) => assert!(up, "the fraud report is found true"),
        }
    }
    assert_eq!((upheld_plain.len(), dismissed_plain), (1, 1));
    assert_eq!(s.resolutions.len(), 3, "every objection resolved");
    // An upheld objection removes the candidate.
    assert_eq!(last_outcome(&s, &upheld_plain[0]), Outcome::Rejected);
    // FRAUD: one disqualification, with the reason, for the reported entry.
    let disq: Vec<_> = s
        .decisions
        .iter()
        .filter(|(_, v)| v.iter().any(|d| d.outcome == Outcome::Disqualified))
        .collect();
    assert_eq!(disq.len(), 1);
    let (id, v) = disq[0];
    let d = v.last().unwrap();
    assert!(d.fraud && d.outcome == Outcome::Disqualified && d.reason.contains("偽造"));
    assert_eq!(id, fraud[0]);
}

#[test]
fn final_decisions_after_the_notice_and_every_entry_decided() {
    // CANDIDATES, COMMEND, NO-FILLER
    let c = campaign();
    let s = replay(&history());
    let notice_end = day("2017-12-04") + chrono::Days::new(u64::from(c.notice_days) - 1);
    let mut finals: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, n) in &s.nominations {
        let decisions = &s.decisions[id];
        let last = decisions.last().unwrap();
        assert!(!last.reason.is_empty(), "{id}");
        match last.outcome {
            Outcome::Final => {
                assert!(last.date > notice_end, "{id}: final during the notice");
                assert!(decisions.iter().any(|d| d.outcome == Outcome::Candidate));
                assert!(s
                    .objections
                    .get(id)
                    .is_none_or(|v| v.iter().all(|(stem, _)| {
                        s.resolutions
                            .iter()
                            .any(|(n, st, up)| n == id && st == stem && !up)
                    })));
                *finals.entry(n.category.as_str()).or_default() += 1;
            }
            Outcome::Rejected | Outcome::Disqualified => {}
            Outcome::Candidate => panic!("{id} left a candidate"),
        }
    }
    assert!(finals["window"] < 10, "fewer than ten windows: 寧缺毋濫");
    assert_eq!(finals["star"], 10);
    assert!(finals["brand"] >= 5);
}

// ---------------------------------------------------------------- schema/*.md

/// The first ```ron block of a schema document.
fn first_ron_block(doc: &str) -> String {
    let text = read(&format!("schema/{doc}"));
    let start = text
        .find("```ron\n")
        .unwrap_or_else(|| panic!("{doc}: no ```ron example"))
        + "```ron\n".len();
    let len = text[start..].find("```").expect("closed block");
    text[start..start + len].to_string()
}

fn example<T: serde::de::DeserializeOwned>(doc: &str) -> T {
    ron::from_str(&first_ron_block(doc)).unwrap_or_else(|e| panic!("schema/{doc}: {e}"))
}

#[test]
fn schema_examples_parse_into_their_types() {
    let c: Campaign = example("campaign.md");
    assert!((c.categories[0].total_max() - 100.0).abs() < 1e-9);
    let _: Vec<Unit> = example("units.md");
    let m: Vec<Member> = example("members.md");
    assert!(m
        .iter()
        .any(|m| !m.keys.is_empty() && !m.conflicts.is_empty()));
    let _: Nomination = example("nomination.md");
    let s: Score = example("score.md");
    assert!(s.marks.values().any(|m| m.points().is_none()));
    let _: Evaluation = example("evaluation.md");
    let o: Opinion = example("opinion.md");
    assert_eq!(o.stance, Stance::Veto);
    let _: Votes = example("votes.md");
    let o: Objection = example("objection.md");
    assert_eq!(o.status, ObjectionStatus::Upheld);
    let d: Decision = example("decision.md");
    assert!(d.fraud);
    let _: Rulings = example("rulings.md");
    let h: Vec<ScriptStep> = example("history.md");
    assert_eq!(h.len(), 3);
    // Every document exists, and phases.md is left to its owner.
    for doc in [
        "README.md",
        "campaign.md",
        "members.md",
        "units.md",
        "nomination.md",
        "score.md",
        "evaluation.md",
        "opinion.md",
        "votes.md",
        "objection.md",
        "decision.md",
        "rulings.md",
        "history.md",
    ] {
        assert!(path(&format!("schema/{doc}")).exists(), "{doc}");
    }
}
