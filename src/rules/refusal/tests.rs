//! Every refusal explains itself in both languages: `message` hands each variant
//! to the function of its family, and none comes back empty (a variant sent to
//! the wrong family would).

use chrono::NaiveDate;

use super::*;
use crate::model::{EvaluationKind, NomineeKind};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 9, d).unwrap_or_default()
}

fn window() -> PhaseWindow {
    PhaseWindow {
        id: "review".into(),
        name: "評審".into(),
        name_en: "review".into(),
        start: day(1),
        end: day(30),
        overridden: false,
    }
}

/// Refusals for the first quarter of the variants, in declaration order.
fn first() -> Vec<Refusal> {
    use Refusal::*;
    let s = |x: &str| x.to_string();
    vec![
        UnknownActor { actor: s("x") },
        PhaseClosed {
            action: ActionKind::Score,
            day: day(2),
            allowed_in: vec![window()],
            open: vec![],
        },
        DeadlinePassed {
            rule: "REG-DEADLINE",
            nomination: s("n"),
            deadline: day(1),
            day: day(2),
            exception_until: None,
        },
        MissingRole {
            action: ActionKind::Decide,
            actor: s("a"),
            roles: vec![Role::Chair],
        },
        NotOwnUnit {
            action: ActionKind::Nominate,
            actor: s("a"),
            actor_unit: s("u1"),
            unit: s("u2"),
        },
        NotSelf {
            field: s("reviewer"),
            value: s("b"),
            actor: s("a"),
        },
        Scope {
            rule: s("SCOPE-STAR"),
            nomination: s("n"),
            category: s("star"),
            problem: ScopeProblem::NomineeKind {
                expected: NomineeKind::Person,
                found: NomineeKind::Organisation,
            },
        },
        Quota {
            unit: s("u"),
            category: s("c"),
            existing: s("e"),
            reporting_unit: s("u"),
        },
        Conflict {
            member: s("m"),
            nomination: s("n"),
            reason: ConflictReason::OwnUnit { unit: s("u") },
        },
        Unknown {
            what: RefKind::Phase,
            id: s("p"),
        },
        CategoryAlias {
            given: s("窗口"),
            id: s("window"),
        },
        BadId {
            id: s("A"),
            reason: s("upper case"),
        },
    ]
}

/// Refusals for the second quarter of the variants, in declaration order.
fn second() -> Vec<Refusal> {
    use Refusal::*;
    let s = |x: &str| x.to_string();
    vec![
        PointsOutOfRange {
            criterion: s("c"),
            points: 11.0,
            max: 10.0,
        },
        PercentOutOfRange {
            field: s("f"),
            value: 101.0,
        },
        EmptyField {
            rule: s("EVIDENCE"),
            field: s("f"),
        },
        NoVotes,
        WrongCategory {
            nomination: s("n"),
            category: s("a"),
            expected: s("b"),
        },
        Duplicate { id: s("n") },
        PublishWithoutCandidates { category: s("c") },
        NotCandidate { nomination: s("n") },
        BackdatedNotice {
            published: day(1),
            day: day(2),
        },
        ObjectionOutsideNotice {
            nomination: s("n"),
            day: day(2),
            window: None,
        },
        ObjectionNotNew,
        ObjectionResolved {
            nomination: s("n"),
            objection: s("o"),
            status: ObjectionStatus::Upheld,
        },
    ]
}

/// Refusals for the third quarter of the variants, in declaration order.
fn third() -> Vec<Refusal> {
    use Refusal::*;
    let s = |x: &str| x.to_string();
    vec![
        ObjectionsOpen {
            nomination: s("n"),
            objections: vec![s("o")],
        },
        NotPublished { nomination: s("n") },
        NoticeRunning {
            nomination: s("n"),
            last_day: day(3),
            day: day(2),
        },
        NotEligible {
            nomination: s("n"),
            reason: Box::new(Ineligible::NoScore),
        },
        BelowMinimum {
            nomination: s("n"),
            final_score: Some(50.0),
            min_score: 60.0,
        },
        NotSelected {
            nomination: s("n"),
            position: 11,
            final_score: None,
            tie: true,
        },
        SlotsFull {
            rule: s("SCOPE-WINDOW"),
            category: s("window"),
            slots: 10,
            finals: vec![s("a")],
        },
        FraudFinal {
            nomination: s("n"),
            reason: s("r"),
        },
        FraudNotDisqualified,
        AlreadySetUp,
        NewerFormat {
            format: 2,
            supported: 1,
        },
        NoChair,
    ]
}

/// Refusals for the fourth quarter of the variants, in declaration order.
fn fourth() -> Vec<Refusal> {
    use Refusal::*;
    let s = |x: &str| x.to_string();
    vec![
        PhaseRange {
            phase: s("p"),
            start: day(2),
            end: day(1),
        },
        UnknownExceptionRule { rule: s("X") },
        ReportingLine {
            unit: s("u"),
            parent: s("p"),
            cycle: true,
        },
        LateChange {
            nomination: s("n"),
            fields: vec![s("unit")],
            deadline: day(1),
            day: day(2),
            exception_until: Some(day(1)),
        },
        CandidateNeeds {
            nomination: s("n"),
            missing: vec![
                Need::Votes,
                Need::Assessment {
                    kind: EvaluationKind::Routine,
                },
            ],
        },
        Recheck {
            nomination: s("n"),
            reason: Box::new(NoVotes),
        },
        Frozen {
            nomination: s("n"),
            action: ActionKind::Score,
            outcome: Outcome::Final,
            decided: day(1),
        },
        NotFrozen { nomination: s("n") },
        DecisionReopened,
        NoScore {
            nomination: s("n"),
            reviewer: s("r"),
        },
    ]
}

/// Exhaustive on purpose: a new variant fails to compile until it is listed
/// here and built in [`every_refusal`].
fn listed(r: &Refusal) {
    use Refusal::*;
    match r {
        UnknownActor { .. }
        | PhaseClosed { .. }
        | DeadlinePassed { .. }
        | MissingRole { .. }
        | NotOwnUnit { .. }
        | NotSelf { .. }
        | Scope { .. }
        | Quota { .. }
        | Conflict { .. }
        | Unknown { .. }
        | CategoryAlias { .. }
        | BadId { .. }
        | PointsOutOfRange { .. }
        | PercentOutOfRange { .. }
        | EmptyField { .. }
        | NoVotes
        | WrongCategory { .. }
        | Duplicate { .. }
        | PublishWithoutCandidates { .. }
        | NotCandidate { .. }
        | BackdatedNotice { .. }
        | ObjectionOutsideNotice { .. }
        | ObjectionNotNew
        | ObjectionResolved { .. }
        | ObjectionsOpen { .. }
        | NotPublished { .. }
        | NoticeRunning { .. }
        | NotEligible { .. }
        | BelowMinimum { .. }
        | NotSelected { .. }
        | SlotsFull { .. }
        | FraudFinal { .. }
        | FraudNotDisqualified
        | AlreadySetUp
        | NewerFormat { .. }
        | NoChair
        | PhaseRange { .. }
        | UnknownExceptionRule { .. }
        | ReportingLine { .. }
        | LateChange { .. }
        | CandidateNeeds { .. }
        | Recheck { .. }
        | Frozen { .. }
        | NotFrozen { .. }
        | DecisionReopened
        | NoScore { .. } => {}
    }
}

/// One refusal of every variant.
fn every_refusal() -> Vec<Refusal> {
    let all: Vec<Refusal> = [first(), second(), third(), fourth()].concat();
    all.iter().for_each(listed);
    all
}

#[test]
fn every_refusal_explains_itself_in_both_languages() {
    let all = every_refusal();
    assert_eq!(all.len(), 46);
    for r in &all {
        let (zh, en) = (r.message(true), r.message(false));
        assert!(!zh.trim().is_empty(), "{r:?}: no Chinese message");
        assert!(!en.trim().is_empty(), "{r:?}: no English message");
        assert!(!zh.is_ascii(), "{r:?}: {zh}");
        assert_eq!(r.to_string(), en);
    }
}

#[test]
fn a_family_never_explains_another_familys_refusal() {
    // the family functions answer only for their own variants
    let r = Refusal::NoVotes;
    assert_eq!(r.access_message(true), "");
    assert_eq!(r.notice_message(false), "");
    assert!(!r.record_message(false).is_empty());
}

/// Every refusal's Chinese sentence has a simplified form with no
/// traditional character left (the vocabulary's conversion covers them).
#[test]
fn every_refusal_converts_to_simplified() {
    for r in &every_refusal() {
        let hant = r.message(true);
        let hans = crate::i18n::to_hans(&hant);
        let left: Vec<char> = hans
            .chars()
            .filter(|c| crate::i18n::tests::TRADITIONAL.contains(*c))
            .collect();
        assert!(left.is_empty(), "{r:?}: {hans} keeps {left:?}");
    }
}

/// The ASCII punctuation a Chinese sentence of the program must not use
/// (it writes `，：；（）`).
const ASCII_PUNCT: [char; 5] = [',', ':', ';', '(', ')'];

/// Asserts `text`, a Chinese sentence of the program, uses full-width
/// punctuation. The record text these tests insert (ids such as `n`, `u`,
/// `window`, a reason `upper case`) has no punctuation of its own, so any
/// ASCII `,:;()` found is the program's.
pub(crate) fn assert_full_width(what: &str, text: &str) {
    let found: Vec<char> = text.chars().filter(|c| ASCII_PUNCT.contains(c)).collect();
    assert!(
        found.is_empty(),
        "{what}: ASCII {found:?} in a Chinese sentence: {text}"
    );
}

/// Every refusal in zh-Hant and in zh-Hans writes `，：；（）`, never ASCII
/// `,:;()`; the English keeps ASCII. The rule id follows in full-width
/// parentheses (`……（QUOTA）`). Action, outcome and status names are the
/// Chinese ones (no `score`, `final`, `Upheld` in a Chinese sentence).
#[test]
fn every_refusal_in_chinese_uses_full_width_punctuation() {
    for r in &every_refusal() {
        let hant = r.message(true);
        assert_full_width(&format!("{r:?} zh-Hant"), &hant);
        assert_full_width(&format!("{r:?} zh-Hans"), &crate::i18n::to_hans(&hant));
        for word in [
            "score", "decide", "nominate", "final", "Final", "Upheld", "upheld",
        ] {
            assert!(
                !hant
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == word),
                "{r:?}: `{word}` in {hant}"
            );
        }
        // the English keeps its ASCII punctuation
        let en = r.message(false);
        assert!(!en.contains(['，', '：', '；', '（', '）']), "{r:?}: {en}");
    }
}

/// The sentences a refusal is built from, each family in both Chinese
/// scripts: why a nomination cannot be a candidate (gates, vetoes, missing
/// opinions), what a candidate still needs, scope and conflict reasons.
#[test]
fn the_reasons_inside_refusals_use_full_width_punctuation() {
    use crate::model::{Metric, UnitKind};
    use crate::rules::gates::GateResult;
    let gate = GateResult {
        id: "GATE-WINDOW-SAT".into(),
        title: "服務質量滿意率".into(),
        title_en: "service satisfaction".into(),
        metric: Metric::ServiceSatisfaction,
        comparison: crate::model::Comparison::AtLeast,
        threshold: 90.0,
        value: Some(88.5),
        passed: false,
        sources: vec![
            crate::rules::gates::NOMINATION_SOURCE.into(),
            "evaluation 20171002-101500-r2".into(),
        ],
        missing_years: vec![],
        years: None,
        incidents: vec![],
    };
    let reasons = [
        Ineligible::GateFailed { gate },
        Ineligible::Vetoed {
            department: "d".into(),
            reason: "r".into(),
        },
        Ineligible::OpinionsMissing {
            departments: vec!["d".into(), "e".into()],
        },
        Ineligible::Disqualified {
            reason: "r".into(),
            fraud: true,
        },
        Ineligible::ObjectionUpheld {
            objection: "o".into(),
            reason: "r".into(),
        },
        Ineligible::OutOfScope {
            rule: "SCOPE-WINDOW".into(),
            problem: ScopeProblem::UnitKind {
                allowed: vec![UnitKind::Town, UnitKind::Street],
                found: UnitKind::Enterprise,
            },
        },
    ];
    let mut texts: Vec<String> = reasons.iter().map(|r| r.message(None, true)).collect();
    // the evaluation a gate's value came from, by its date, without its
    // file stem or its author's id
    assert!(texts[0].contains("2017年10月2日測評"), "{}", texts[0]);
    assert!(
        !texts[0].contains("r2") && !texts[0].contains("20171002"),
        "{}",
        texts[0]
    );
    texts.extend(
        [
            Need::ApplicationForm,
            Need::Votes,
            Need::Assessment {
                kind: EvaluationKind::SiteVisit,
            },
        ]
        .iter()
        .map(|n| n.message(true)),
    );
    texts.push(ConflictReason::OwnUnit { unit: "u".into() }.message(None, true));
    texts.extend(
        [
            crate::store::reconstruct::NotAction::Deleted,
            crate::store::reconstruct::NotAction::ObjectionEdited,
            crate::store::reconstruct::NotAction::EvaluationRewritten,
            crate::store::reconstruct::NotAction::RulingsEdited,
            crate::store::reconstruct::NotAction::SeveralRulings(2),
        ]
        .iter()
        .map(|n| n.message(true)),
    );
    for t in &texts {
        assert_full_width("zh-Hant", t);
        assert_full_width("zh-Hans", &crate::i18n::to_hans(t));
        // no English enum name (`Enterprise`, `Town`) in a Chinese reason
        assert!(!t.contains("Enterprise") && !t.contains("Town"), "{t}");
    }
}

/// A Chinese refusal names a record's field in Chinese (`事跡不能為空`,
/// `評委為 …`), never by its name in the file (`deeds`, `score.reviewer`).
#[test]
fn a_chinese_refusal_names_fields_in_chinese() {
    let cases = [
        (
            Refusal::EmptyField {
                rule: "EVIDENCE".into(),
                field: "deeds".into(),
            },
            "事跡不能為空",
            "deeds",
        ),
        (
            Refusal::EmptyField {
                rule: "EVIDENCE".into(),
                field: "evidence[1].title".into(),
            },
            "第2項證明材料的標題",
            "evidence",
        ),
        (
            Refusal::NotSelf {
                field: "score.reviewer".into(),
                value: "b".into(),
                actor: "a".into(),
            },
            "評委為 b",
            "reviewer",
        ),
        (
            Refusal::PercentOutOfRange {
                field: "metrics.appraisal_satisfaction.2016".into(),
                value: 101.0,
            },
            "2016年行風評議滿意率為 101",
            "metrics",
        ),
    ];
    for (r, zh, code) in cases {
        let m = r.message(true);
        assert!(m.contains(zh) && !m.contains(code), "{m}");
        assert!(r.message(false).contains(code), "{}", r.message(false));
    }
}
