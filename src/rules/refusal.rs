//! Refusals: why an action may not be written. Each names the rule it enforces
//! (`rule()`) and explains itself in Chinese or English (`message(zh)`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{ActionKind, ObjectionStatus, Outcome, Role, Snapshot};

use super::conflict::ConflictReason;
use super::eligibility::Ineligible;
use super::needs::Need;
use super::phase::PhaseWindow;
use super::scope::ScopeProblem;
use super::text::{action_label, join, num, pick, role_name};

#[cfg(test)]
mod tests;

/// What an unknown reference pointed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    Nomination,
    Category,
    Criterion,
    Department,
    Unit,
    Member,
    Objection,
    Phase,
}

impl RefKind {
    pub fn name(self, zh: bool) -> &'static str {
        match (self, zh) {
            (RefKind::Nomination, true) => "推薦對象",
            (RefKind::Nomination, false) => "nomination",
            (RefKind::Category, true) => "評選類別",
            (RefKind::Category, false) => "category",
            (RefKind::Criterion, true) => "評分項",
            (RefKind::Criterion, false) => "criterion",
            (RefKind::Department, true) => "徵求意見部門",
            (RefKind::Department, false) => "department",
            (RefKind::Unit, true) => "單位",
            (RefKind::Unit, false) => "unit",
            (RefKind::Member, true) => "成員",
            (RefKind::Member, false) => "member",
            (RefKind::Objection, true) => "異議",
            (RefKind::Objection, false) => "objection",
            (RefKind::Phase, true) => "階段",
            (RefKind::Phase, false) => "phase",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
pub enum Refusal {
    /// OPEN: every action is taken by a known member.
    #[error("{}", self.message(false))]
    UnknownActor { actor: String },
    /// PHASES: no open phase allows the action.
    #[error("{}", self.message(false))]
    PhaseClosed {
        action: ActionKind,
        day: NaiveDate,
        /// Windows of the phases that allow it.
        allowed_in: Vec<PhaseWindow>,
        /// Phases open on `day`.
        open: Vec<PhaseWindow>,
    },
    /// REG-DEADLINE or FORM-DEADLINE.
    #[error("{}", self.message(false))]
    DeadlinePassed {
        rule: &'static str,
        nomination: String,
        deadline: NaiveDate,
        day: NaiveDate,
        exception_until: Option<NaiveDate>,
    },
    /// The actor lacks every role that may take the action.
    #[error("{}", self.message(false))]
    MissingRole {
        action: ActionKind,
        actor: String,
        roles: Vec<Role>,
    },
    /// A clerk acting for another unit (only the office clerk may).
    #[error("{}", self.message(false))]
    NotOwnUnit {
        action: ActionKind,
        actor: String,
        actor_unit: String,
        unit: String,
    },
    /// `reviewer`, `author`, `recorded_by` or `by` names someone else.
    #[error("{}", self.message(false))]
    NotSelf {
        field: String,
        value: String,
        actor: String,
    },
    /// SCOPE-*.
    #[error("{}", self.message(false))]
    Scope {
        rule: String,
        nomination: String,
        category: String,
        problem: ScopeProblem,
    },
    /// QUOTA.
    #[error("{}", self.message(false))]
    Quota {
        unit: String,
        category: String,
        existing: String,
        /// REPORTING-UNIT: the unit the quota is counted for.
        reporting_unit: String,
    },
    /// A conflicted member may not score or evaluate.
    #[error("{}", self.message(false))]
    Conflict {
        member: String,
        nomination: String,
        reason: ConflictReason,
    },
    /// A reference to something that does not exist.
    #[error("{}", self.message(false))]
    Unknown { what: RefKind, id: String },
    /// A category named by an alias where its id is required.
    #[error("{}", self.message(false))]
    CategoryAlias { given: String, id: String },
    #[error("{}", self.message(false))]
    BadId { id: String, reason: String },
    #[error("{}", self.message(false))]
    PointsOutOfRange {
        criterion: String,
        points: f64,
        max: f64,
    },
    #[error("{}", self.message(false))]
    PercentOutOfRange { field: String, value: f64 },
    /// A field that must say something is empty (EVIDENCE, FRAUD, GATE-VETO reasons…).
    #[error("{}", self.message(false))]
    EmptyField { rule: String, field: String },
    /// ASSESS: a democratic evaluation without a single vote.
    #[error("{}", self.message(false))]
    NoVotes,
    /// A nomination of another category where this one was expected.
    #[error("{}", self.message(false))]
    WrongCategory {
        nomination: String,
        category: String,
        expected: String,
    },
    #[error("{}", self.message(false))]
    Duplicate { id: String },
    /// CANDIDATES: nothing to publish.
    #[error("{}", self.message(false))]
    PublishWithoutCandidates { category: String },
    /// CANDIDATES: a published name without a Candidate decision.
    #[error("{}", self.message(false))]
    NotCandidate { nomination: String },
    /// CANDIDATES: a notice dated before the day it is published.
    #[error("{}", self.message(false))]
    BackdatedNotice {
        published: NaiveDate,
        day: NaiveDate,
    },
    /// CANDIDATES: an objection outside the notice period (fraud reports excepted).
    #[error("{}", self.message(false))]
    ObjectionOutsideNotice {
        nomination: String,
        day: NaiveDate,
        /// First and last day of the nomination's notice, when it was published.
        window: Option<(NaiveDate, NaiveDate)>,
    },
    /// A new objection must be open and unresolved.
    #[error("{}", self.message(false))]
    ObjectionNotNew,
    #[error("{}", self.message(false))]
    ObjectionResolved {
        nomination: String,
        objection: String,
        status: ObjectionStatus,
    },
    /// CANDIDATES: finalising while an objection is open.
    #[error("{}", self.message(false))]
    ObjectionsOpen {
        nomination: String,
        objections: Vec<String>,
    },
    /// CANDIDATES: finalising a nomination that was never on a published list.
    #[error("{}", self.message(false))]
    NotPublished { nomination: String },
    /// CANDIDATES: finalising before the notice period is over.
    #[error("{}", self.message(false))]
    NoticeRunning {
        nomination: String,
        last_day: NaiveDate,
        day: NaiveDate,
    },
    /// A Candidate decision for a nomination that cannot be one.
    #[error("{}", self.message(false))]
    NotEligible {
        nomination: String,
        reason: Box<Ineligible>,
    },
    /// NO-FILLER.
    #[error("{}", self.message(false))]
    BelowMinimum {
        nomination: String,
        final_score: Option<f64>,
        min_score: f64,
    },
    /// COMMEND: the final list is the ranked selection; this one is outside it.
    #[error("{}", self.message(false))]
    NotSelected {
        nomination: String,
        position: usize,
        final_score: Option<f64>,
        /// In a tie at the cut line that the chair has not ordered.
        tie: bool,
    },
    /// SCOPE-WINDOW / SCOPE-STAR: at most `slots` winners.
    #[error("{}", self.message(false))]
    SlotsFull {
        rule: String,
        category: String,
        slots: u32,
        finals: Vec<String>,
    },
    /// FRAUD: a disqualification for fraud can never be changed.
    #[error("{}", self.message(false))]
    FraudFinal { nomination: String, reason: String },
    /// FRAUD: `fraud: true` only goes with the outcome Disqualified.
    #[error("{}", self.message(false))]
    FraudNotDisqualified,
    #[error("{}", self.message(false))]
    AlreadySetUp,
    #[error("{}", self.message(false))]
    NewerFormat { format: u32, supported: u32 },
    /// The members list would have no chair left.
    #[error("{}", self.message(false))]
    NoChair,
    #[error("{}", self.message(false))]
    PhaseRange {
        phase: String,
        start: NaiveDate,
        end: NaiveDate,
    },
    #[error("{}", self.message(false))]
    UnknownExceptionRule { rule: String },
    /// REPORTING-UNIT: a unit's `parent` is unknown or leads back to the unit.
    #[error("{}", self.message(false))]
    ReportingLine {
        unit: String,
        parent: String,
        cycle: bool,
    },
    /// LATE-CHANGE: after the registration deadline, a change of category, nominee
    /// or unit is a new registration.
    #[error("{}", self.message(false))]
    LateChange {
        nomination: String,
        /// `category`, `nominee`, `unit`: what the update changes.
        fields: Vec<String>,
        deadline: NaiveDate,
        day: NaiveDate,
        exception_until: Option<NaiveDate>,
    },
    /// CANDIDATE-NEEDS: a candidate decision without the form, votes or assessments.
    #[error("{}", self.message(false))]
    CandidateNeeds {
        nomination: String,
        missing: Vec<Need>,
    },
    /// NOTICE-RECHECK: a listed entry no longer passes a gate it must pass now.
    #[error("{}", self.message(false))]
    Recheck {
        nomination: String,
        reason: Box<Refusal>,
    },
    /// FREEZE: the committee's assessment of a decided nomination is frozen.
    #[error("{}", self.message(false))]
    Frozen {
        nomination: String,
        action: ActionKind,
        outcome: Outcome,
        decided: NaiveDate,
    },
    /// FREEZE: only a decided nomination not yet reopened can be reopened.
    #[error("{}", self.message(false))]
    NotFrozen { nomination: String },
    /// FREEZE: a decision is made afresh; only `reopen` records a reopening.
    #[error("{}", self.message(false))]
    DecisionReopened,
    /// A reviewer withdraws a score they do not have.
    #[error("{}", self.message(false))]
    NoScore {
        nomination: String,
        reviewer: String,
    },
}

fn windows(ws: &[PhaseWindow], zh: bool) -> String {
    let labels: Vec<String> = ws
        .iter()
        .map(|w| {
            if zh {
                format!("{}（{}至{}）", w.name, w.start, w.end)
            } else {
                w.label()
            }
        })
        .collect();
    join(&labels, zh)
}

/// A record's field as a Chinese sentence names it (`deeds` → `事跡`,
/// `evidence[0].title` → `第1項證明材料的標題`); the field as written in
/// the file in English, and for a field this table does not know.
fn field_label(field: &str, zh: bool) -> String {
    if !zh {
        return field.to_string();
    }
    if let Some(rest) = field.strip_prefix("evidence[") {
        if let Some((i, part)) = rest.split_once("].") {
            if let Ok(i) = i.parse::<usize>() {
                let part = match part {
                    "title" => "標題",
                    "reference" => "出處",
                    other => other,
                };
                return format!("第{}項證明材料的{part}", i + 1);
            }
        }
    }
    if let Some(y) = field.strip_prefix("metrics.appraisal_satisfaction.") {
        return format!("{y}年行風評議滿意率");
    }
    let last = field.rsplit('.').next().unwrap_or(field);
    let name = match (field, last) {
        ("deeds", _) => "事跡",
        ("activity.summary", _) => "活動摘要",
        ("supervisor.name", _) => "監督員姓名",
        ("metrics.knowledge_rate", _) => "應知應會率",
        ("metrics.service_satisfaction", _) => "服務質量滿意率",
        ("evaluation.rating", _) => "測評評分",
        ("evaluation.knowledge_rate", _) => "測評所得應知應會率",
        ("evaluation.service_satisfaction", _) => "測評所得服務質量滿意率",
        ("objection.text", _) => "異議內容",
        ("decision.reason", _) => "決定理由",
        ("opinion.reason", _) => "意見理由",
        ("override.reason", _) => "調整理由",
        ("reopen.reason", _) => "重新開啟理由",
        (_, "reason") => "理由",
        (_, "reviewer") => "評委",
        (_, "author") => "測評人",
        (_, "recorded_by") => "記錄人",
        (_, "by") => "操作人",
        _ => return field.to_string(),
    };
    name.to_string()
}

/// A phase by its name: the campaign's Chinese name alone in a Chinese
/// sentence (no id), `評議檢查 review` in English.
fn phase_name(w: &PhaseWindow, zh: bool) -> String {
    if zh {
        w.name.clone()
    } else {
        w.name_label()
    }
}

/// The messages, one function per family of refusals.
impl Refusal {
    /// OPEN, PHASES, the deadlines and ROLES: who may act, and when.
    fn access_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            UnknownActor { actor } => pick(
                zh,
                format!("{actor} 不是本活動登記的成員，不能操作"),
                format!("{actor} is not a registered member of this campaign"),
            ),
            PhaseClosed {
                action,
                day,
                allowed_in,
                open,
            } => {
                let allowed = if allowed_in.is_empty() {
                    pick(zh, "任何階段都不允許".into(), "in no phase".into())
                } else {
                    windows(allowed_in, zh)
                };
                let now = if open.is_empty() {
                    pick(zh, "不在任何階段".into(), "in no phase".into())
                } else {
                    let names: Vec<String> = open.iter().map(|w| phase_name(w, zh)).collect();
                    join(&names, zh)
                };
                if zh {
                    let allowed = if allowed_in.is_empty() {
                        allowed
                    } else {
                        format!("只能在{allowed}進行")
                    };
                    let now = if open.is_empty() { now } else { format!("處於{now}") };
                    format!("{}{allowed}；今天 {day} {now}", action_label(*action, true))
                } else if allowed_in.is_empty() {
                    format!("{} is allowed in no phase; today {day} is {now}", action.as_str())
                } else {
                    let now = if open.is_empty() { now } else { format!("in {now}") };
                    format!("{} is allowed in {allowed}; today {day} is {now}", action.as_str())
                }
            }
            DeadlinePassed {
                rule,
                nomination,
                deadline,
                day,
                exception_until,
            } => {
                let what_zh = if *rule == super::deadline::REG_DEADLINE {
                    "申報登記"
                } else {
                    "申報表報送"
                };
                let what_en = if *rule == super::deadline::REG_DEADLINE {
                    "registration"
                } else {
                    "the application form"
                };
                let exc_zh = exception_until
                    .map(|u| format!("（例外僅至 {u}）"))
                    .unwrap_or_else(|| "（主任未登記例外）".into());
                let exc_en = exception_until
                    .map(|u| format!(" (the exception ran until {u})"))
                    .unwrap_or_else(|| " (no exception recorded by the chair)".into());
                pick(
                    zh,
                    format!("{rule}：{nomination} 的{what_zh}截止於 {deadline}，今天 {day} 已過{exc_zh}"),
                    format!("{rule}: the deadline for {what_en} of {nomination} was {deadline}; today is {day}{exc_en}"),
                )
            }
            MissingRole {
                action,
                actor,
                roles,
            } => {
                let zh_roles: Vec<&str> = roles.iter().map(|r| role_name(*r, true)).collect();
                let en_roles: Vec<&str> = roles.iter().map(|r| role_name(*r, false)).collect();
                pick(
                    zh,
                    format!("{}須由{}進行，{actor} 無此角色", action_label(*action, true), zh_roles.join("或")),
                    format!("{} needs the role {}; {actor} does not have it", action.as_str(), en_roles.join(" or ")),
                )
            }
            NotOwnUnit {
                action,
                actor,
                actor_unit,
                unit,
            } => pick(
                zh,
                format!("{actor}（屬 {actor_unit}）不能代單位 {unit} {}；聯絡員只代本報送單位及其下屬單位，文明辦聯絡員可代任何單位", action_label(*action, true)),
                format!("{actor} (of {actor_unit}) may not {} for unit {unit}; a clerk acts for their reporting unit and the units under it, only a clerk of the office for any unit", action.as_str()),
            ),
            NotSelf { field, value, actor } => pick(
                zh,
                format!("{}為 {value}，但操作人是 {actor}；只能以本人名義記錄", field_label(field, true)),
                format!("field {field} is {value} but the actor is {actor}: members record only in their own name"),
            ),
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }

    /// Scope, QUOTA, CONFLICT and the references and values of a record.
    fn record_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            Scope {
                rule,
                nomination,
                category,
                problem,
            } => pick(
                zh,
                format!(
                    "{rule}：{nomination} 不符合類別 {category} 的評選範圍：{}",
                    problem.message(true)
                ),
                format!(
                    "{rule}: {nomination} is out of scope for {category}: {}",
                    problem.message(false)
                ),
            ),
            Quota {
                unit,
                category,
                existing,
                reporting_unit,
            } => {
                if unit == reporting_unit {
                    pick(
                        zh,
                        format!("QUOTA：報送單位 {unit} 在類別 {category} 已申報 {existing}，每類限 1 個"),
                        format!("QUOTA: reporting unit {unit} already entered {existing} in {category}; one entry per category"),
                    )
                } else {
                    pick(
                        zh,
                        format!("QUOTA：{unit} 經報送單位 {reporting_unit} 申報，該單位在類別 {category} 已申報 {existing}，每類限 1 個（REPORTING-UNIT）"),
                        format!("QUOTA: {unit} reports through {reporting_unit}, which already entered {existing} in {category}; one entry per reporting unit and category (REPORTING-UNIT)"),
                    )
                }
            }
            Conflict {
                member,
                nomination,
                reason,
            } => pick(
                zh,
                format!(
                    "{member} 與 {nomination} 存在利益沖突，須回避：{}",
                    reason.message(None, true)
                ),
                format!(
                    "{member} has a conflict of interest with {nomination}: {}",
                    reason.message(None, false)
                ),
            ),
            Unknown { what, id } => pick(
                zh,
                format!("未知的{}：{id}", what.name(true)),
                format!("unknown {}: {id}", what.name(false)),
            ),
            CategoryAlias { given, id } => pick(
                zh,
                format!("類別請寫標識 {id}，而非 {given}"),
                format!("write the category id {id}, not {given}"),
            ),
            BadId { id, reason } => pick(
                zh,
                format!("標識「{id}」無效：{reason}"),
                format!("invalid id {id:?}: {reason}"),
            ),
            PointsOutOfRange {
                criterion,
                points,
                max,
            } => pick(
                zh,
                format!(
                    "評分項 {criterion} 的分數 {} 超出 0..{}",
                    num(*points),
                    num(*max)
                ),
                format!(
                    "points {} for {criterion} are outside 0..{}",
                    num(*points),
                    num(*max)
                ),
            ),
            PercentOutOfRange { field, value } => pick(
                zh,
                format!(
                    "{}為 {}，須在 0..100 之間",
                    field_label(field, true),
                    num(*value)
                ),
                format!("{field} is {}, must be within 0..100", num(*value)),
            ),
            EmptyField { rule, field } => pick(
                zh,
                format!("{rule}：{}不能為空", field_label(field, true)),
                format!("{rule}: {field} must not be empty"),
            ),
            NoVotes => pick(
                zh,
                "民主測評票數為零".into(),
                "the democratic evaluation has no votes".into(),
            ),
            WrongCategory {
                nomination,
                category,
                expected,
            } => pick(
                zh,
                format!("{nomination} 屬類別 {category}，不屬 {expected}"),
                format!("{nomination} is in category {category}, not {expected}"),
            ),
            Duplicate { id } => pick(zh, format!("{id} 重復"), format!("{id} appears twice")),
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }

    /// CANDIDATES: the notice and the objections.
    fn notice_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            PublishWithoutCandidates { category } => pick(
                zh,
                format!("CANDIDATES：類別 {category} 的公示名單為空"),
                format!("CANDIDATES: the notice for {category} lists no candidate"),
            ),
            NotCandidate { nomination } => pick(
                zh,
                format!("CANDIDATES：{nomination} 不是候選對象（須先決定為候選）"),
                format!("CANDIDATES: {nomination} is not a candidate (decide it Candidate first)"),
            ),
            BackdatedNotice { published, day } => pick(
                zh,
                format!("公示日期 {published} 早於今天 {day}"),
                format!("the notice is dated {published}, before today {day}"),
            ),
            ObjectionOutsideNotice {
                nomination,
                day,
                window,
            } => match window {
                Some((a, b)) => pick(
                    zh,
                    format!("CANDIDATES：{nomination} 的公示期為 {a}..{b}，今天 {day} 不受理異議（舉報弄虛作假除外）"),
                    format!("CANDIDATES: objections to {nomination} are taken during its notice {a}..{b}; today is {day} (fraud reports excepted)"),
                ),
                None => pick(
                    zh,
                    format!("CANDIDATES：{nomination} 未經公示，不受理異議（舉報弄虛作假除外）"),
                    format!("CANDIDATES: {nomination} is not on a published notice; no objection is taken (fraud reports excepted)"),
                ),
            },
            ObjectionNotNew => pick(
                zh,
                "新異議須為待處理狀態且無處理結果".into(),
                "a new objection must be open and without a resolution".into(),
            ),
            ObjectionResolved {
                nomination,
                objection,
                status,
            } => pick(
                zh,
                format!(
                    "{nomination} 的異議 {objection} 已處理（{}）",
                    crate::i18n::Lang::Zh.objection_status(*status)
                ),
                format!(
                    "objection {objection} to {nomination} is already resolved ({})",
                    crate::i18n::Lang::En.objection_status(*status)
                ),
            ),
            ObjectionsOpen {
                nomination,
                objections,
            } => pick(
                zh,
                format!("CANDIDATES：{nomination} 尚有未處理的異議 {}，不能確定正式名單", join(objections, true)),
                format!("CANDIDATES: {nomination} has open objections {}; it cannot be final", join(objections, false)),
            ),
            NotPublished { nomination } => pick(
                zh,
                format!("CANDIDATES：{nomination} 未列入公示名單，不能確定為正式入選"),
                format!("CANDIDATES: {nomination} was not on a published candidate list; it cannot be final"),
            ),
            NoticeRunning {
                nomination,
                last_day,
                day,
            } => pick(
                zh,
                format!("CANDIDATES：{nomination} 的公示期至 {last_day}，今天 {day} 尚未結束"),
                format!("CANDIDATES: the notice of {nomination} runs until {last_day}; today is {day}"),
            ),
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }

    /// The chair's decisions: eligibility, NO-FILLER, COMMEND, slots and FRAUD.
    fn decision_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            NotEligible { nomination, reason } => pick(
                zh,
                format!("{nomination} 不能成為候選對象：{}", reason.message(None, true)),
                format!("{nomination} cannot be a candidate: {}", reason.message(None, false)),
            ),
            BelowMinimum {
                nomination,
                final_score,
                min_score,
            } => {
                let s = final_score.map_or_else(|| "–".to_string(), num);
                pick(
                    zh,
                    format!("NO-FILLER：{nomination} 最終得分 {s} 低於最低分 {}（寧缺毋濫）", num(*min_score)),
                    format!("NO-FILLER: {nomination} has final score {s}, below the minimum {}", num(*min_score)),
                )
            }
            NotSelected {
                nomination,
                position,
                final_score,
                tie,
            } => {
                let s = final_score.map_or_else(|| "–".to_string(), num);
                let (tz, te) = if *tie {
                    ("（並列於入選線，須由主任確定並列順序）", " (tied at the cut line: the chair must record a tie order)")
                } else {
                    ("", "")
                };
                pick(
                    zh,
                    format!("COMMEND：{nomination} 排名第 {position}（得分 {s}），不在入選名單內{tz}"),
                    format!("COMMEND: {nomination} ranks {position} (score {s}), outside the selection{te}"),
                )
            }
            SlotsFull {
                rule,
                category,
                slots,
                finals,
            } => pick(
                zh,
                format!("{rule}：類別 {category} 至多 {slots} 個入選，已有 {}", join(finals, true)),
                format!("{rule}: {category} takes at most {slots}; already final: {}", join(finals, false)),
            ),
            FraudFinal { nomination, reason } => pick(
                zh,
                format!("FRAUD：{nomination} 已因弄虛作假被取消資格（{reason}），不可更改"),
                format!("FRAUD: {nomination} was disqualified for fraud ({reason}); that can never change"),
            ),
            FraudNotDisqualified => pick(
                zh,
                "FRAUD：認定弄虛作假只能與取消資格同時作出".into(),
                "FRAUD: a finding of fraud goes only with the outcome Disqualified".into(),
            ),
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }

    /// SETUP, PHASES and REPORTING-UNIT: the campaign's own files.
    fn setup_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            AlreadySetUp => pick(
                zh,
                "活動已初始化；請用 campaign、members、units 修改".into(),
                "the campaign is already set up; change it with campaign, members or units".into(),
            ),
            NewerFormat { format, supported } => pick(
                zh,
                format!("格式 {format} 比本程序支持的 {supported} 新，拒絕寫入"),
                format!("format {format} is newer than the supported {supported}; refusing to write"),
            ),
            NoChair => pick(
                zh,
                "成員名單中須至少有一位評委會主任".into(),
                "the members list must keep at least one chair".into(),
            ),
            PhaseRange { phase, start, end } => pick(
                zh,
                format!("階段 {phase} 的起始日 {start} 晚於結束日 {end}"),
                format!("phase {phase} would start {start} after it ends {end}"),
            ),
            UnknownExceptionRule { rule } => pick(
                zh,
                format!("只能對 REG-DEADLINE 或 FORM-DEADLINE 登記例外，而非 {rule}"),
                format!("exceptions are for REG-DEADLINE or FORM-DEADLINE, not {rule}"),
            ),
            ReportingLine {
                unit,
                parent,
                cycle: false,
            } => pick(
                zh,
                format!("REPORTING-UNIT：單位 {unit} 的上級單位 {parent} 不在 units.ron 中"),
                format!("REPORTING-UNIT: unit {unit} reports through {parent}, which is not in units.ron"),
            ),
            ReportingLine { unit, parent, .. } => pick(
                zh,
                format!("REPORTING-UNIT：單位 {unit} 經 {parent} 報送，報送關系又回到 {unit} 本身（循環）"),
                format!("REPORTING-UNIT: unit {unit} reports through {parent}, and that line leads back to {unit} (a cycle)"),
            ),
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }

    /// LATE-CHANGE, CANDIDATE-NEEDS, NOTICE-RECHECK and FREEZE.
    fn late_message(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            LateChange {
                nomination,
                fields,
                deadline,
                day,
                exception_until,
            } => {
                let what = fields
                    .iter()
                    .map(|f| match (f.as_str(), zh) {
                        ("category", true) => "類別",
                        ("nominee", true) => "被推薦對象",
                        ("unit", true) => "推薦單位",
                        (f, _) => f,
                    })
                    .collect::<Vec<_>>();
                let until = match (exception_until, zh) {
                    (Some(u), true) => format!("（例外期限 {u} 已過）"),
                    (Some(u), false) => format!(" (the exception ran until {u})"),
                    (None, true) => "，且主任未登記例外".into(),
                    (None, false) => " and the chair granted no exception".into(),
                };
                pick(
                    zh,
                    format!("LATE-CHANGE：{nomination} 改變了{}，屬新的申報；申報截止日 {deadline} 已過（今天 {day}）{until}", join(&what, true)),
                    format!("LATE-CHANGE: changing the {} of {nomination} is a new registration; the registration deadline {deadline} has passed (today {day}){until}", join(&what, false)),
                )
            }
            CandidateNeeds {
                nomination,
                missing,
            } => {
                let what: Vec<String> = missing.iter().map(|m| m.message(zh)).collect();
                pick(
                    zh,
                    format!(
                        "CANDIDATE-NEEDS：{nomination} 不能確定為候選：{}",
                        what.join("；")
                    ),
                    format!(
                        "CANDIDATE-NEEDS: {nomination} cannot be a candidate yet: {}",
                        what.join("; ")
                    ),
                )
            }
            Recheck { nomination, reason } => pick(
                zh,
                format!(
                    "NOTICE-RECHECK：{nomination} 現在不能列入公示：{}",
                    reason.message(true)
                ),
                format!(
                    "NOTICE-RECHECK: {nomination} cannot go on the notice now: {}",
                    reason.message(false)
                ),
            ),
            Frozen {
                nomination,
                action,
                outcome,
                decided,
            } => {
                let o = crate::i18n::Lang::of(zh).outcome(*outcome);
                pick(
                    zh,
                    format!(
                        "FREEZE：{nomination} 已於 {decided} 作出決定（{o}），評分、測評和民主測評已凍結，不能再{}；如需改動，須由主任說明理由重新開啟（pingxuan reopen）",
                        action_label(*action, true)
                    ),
                    format!(
                        "FREEZE: {nomination} was decided ({o}) on {decided}; its scores, evaluations and votes are frozen, so no {} is allowed unless the chair reopens it with a reason (pingxuan reopen)",
                        action_label(*action, false)
                    ),
                )
            }
            // the other families: `message` never sends them here
            _ => String::new(),
        }
    }
}

impl Refusal {
    /// The rule enforced: an id of RULES.md, or `ROLES`, `CONFLICT`, `REFERENCE`,
    /// `RECORD`, `SETUP` for the rules of DESIGN.md and plain data integrity.
    pub fn rule(&self) -> String {
        use Refusal::*;
        match self {
            UnknownActor { .. } => "OPEN".into(),
            PhaseClosed { .. } | PhaseRange { .. } => "PHASES".into(),
            DeadlinePassed { rule, .. } => (*rule).into(),
            MissingRole { .. } | NotOwnUnit { .. } | NotSelf { .. } => "ROLES".into(),
            Scope { rule, .. } | SlotsFull { rule, .. } | EmptyField { rule, .. } => rule.clone(),
            Quota { .. } => "QUOTA".into(),
            Conflict { .. } => "CONFLICT".into(),
            Unknown { .. }
            | CategoryAlias { .. }
            | BadId { .. }
            | WrongCategory { .. }
            | Duplicate { .. }
            | UnknownExceptionRule { .. } => "REFERENCE".into(),
            PointsOutOfRange { .. } | PercentOutOfRange { .. } => "RECORD".into(),
            NoVotes => "ASSESS".into(),
            PublishWithoutCandidates { .. }
            | NotCandidate { .. }
            | BackdatedNotice { .. }
            | ObjectionOutsideNotice { .. }
            | ObjectionNotNew
            | ObjectionResolved { .. }
            | ObjectionsOpen { .. }
            | NotPublished { .. }
            | NoticeRunning { .. } => "CANDIDATES".into(),
            NotEligible { reason, .. } => reason.rule(),
            BelowMinimum { .. } => "NO-FILLER".into(),
            NotSelected { .. } => "COMMEND".into(),
            FraudFinal { .. } | FraudNotDisqualified => "FRAUD".into(),
            AlreadySetUp | NewerFormat { .. } | NoChair => "SETUP".into(),
            ReportingLine { .. } => "REPORTING-UNIT".into(),
            LateChange { .. } => "LATE-CHANGE".into(),
            CandidateNeeds { .. } => "CANDIDATE-NEEDS".into(),
            Recheck { .. } => "NOTICE-RECHECK".into(),
            Frozen { .. } | NotFrozen { .. } | DecisionReopened => "FREEZE".into(),
            NoScore { .. } => "REFERENCE".into(),
        }
    }

    /// The explanation, in Chinese when `zh`, else in English: the sentence
    /// first, the rule id after it as its reference (`……（QUOTA）`).
    pub fn message(&self, zh: bool) -> String {
        rule_last(self.sentence(zh), zh)
    }

    /// [`Refusal::message`] with members, units, categories and departments
    /// by the names the campaign gave them (never by id) when `s` is given.
    pub fn message_in(&self, s: Option<&Snapshot>, zh: bool) -> String {
        match s {
            Some(snap) => self.named(snap, zh).message(zh),
            None => self.message(zh),
        }
    }

    /// The same refusal with every id a person reads replaced by its name.
    fn named(&self, s: &Snapshot, zh: bool) -> Refusal {
        use Refusal::*;
        let lang = crate::i18n::Lang::of(zh);
        let member = |id: &mut String| *id = lang.member(s, id);
        let unit = |id: &mut String| *id = lang.unit(s, id);
        let cat = |id: &mut String| *id = lang.category(s, id);
        let mut r = self.clone();
        match &mut r {
            UnknownActor { actor } | MissingRole { actor, .. } => member(actor),
            NotSelf { actor, value, .. } => {
                member(actor);
                member(value);
            }
            NotOwnUnit {
                actor,
                actor_unit,
                unit: u,
                ..
            } => {
                member(actor);
                unit(actor_unit);
                unit(u);
            }
            Scope { category, .. }
            | WrongCategory { category, .. }
            | PublishWithoutCandidates { category }
            | SlotsFull { category, .. } => cat(category),
            Quota {
                unit: u,
                category,
                reporting_unit,
                ..
            } => {
                unit(u);
                cat(category);
                unit(reporting_unit);
            }
            Conflict {
                member: m, reason, ..
            } => {
                member(m);
                match reason {
                    ConflictReason::OwnUnit { unit: u }
                    | ConflictReason::DeclaredUnit { unit: u, .. } => unit(u),
                    ConflictReason::DeclaredNomination { .. } => {}
                }
            }
            NotEligible { reason, .. } => match reason.as_mut() {
                Ineligible::Vetoed { department, .. } => {
                    *department = lang.department(s, department)
                }
                Ineligible::OpinionsMissing { departments } => departments
                    .iter_mut()
                    .for_each(|d| *d = lang.department(s, d)),
                _ => {}
            },
            Recheck { reason, .. } => **reason = reason.named(s, zh),
            ReportingLine {
                unit: u, parent, ..
            } => {
                unit(u);
                unit(parent);
            }
            NoScore { reviewer, .. } => member(reviewer),
            _ => {}
        }
        r
    }

    fn sentence(&self, zh: bool) -> String {
        use Refusal::*;
        match self {
            UnknownActor { .. }
            | PhaseClosed { .. }
            | DeadlinePassed { .. }
            | MissingRole { .. }
            | NotOwnUnit { .. }
            | NotSelf { .. } => self.access_message(zh),
            Scope { .. }
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
            | Duplicate { .. } => self.record_message(zh),
            PublishWithoutCandidates { .. }
            | NotCandidate { .. }
            | BackdatedNotice { .. }
            | ObjectionOutsideNotice { .. }
            | ObjectionNotNew
            | ObjectionResolved { .. }
            | ObjectionsOpen { .. }
            | NotPublished { .. }
            | NoticeRunning { .. } => self.notice_message(zh),
            NotEligible { .. }
            | BelowMinimum { .. }
            | NotSelected { .. }
            | SlotsFull { .. }
            | FraudFinal { .. }
            | FraudNotDisqualified => self.decision_message(zh),
            AlreadySetUp
            | NewerFormat { .. }
            | NoChair
            | PhaseRange { .. }
            | UnknownExceptionRule { .. }
            | ReportingLine { .. } => self.setup_message(zh),
            LateChange { .. }
            | CandidateNeeds { .. }
            | Recheck { .. }
            | Frozen { .. } => self.late_message(zh),
            NotFrozen { nomination } => pick(
                zh,
                format!("FREEZE：{nomination} 尚無決定或已重新開啟，無需重新開啟"),
                format!("FREEZE: {nomination} has no decision or is already reopened; nothing to reopen"),
            ),
            DecisionReopened => pick(
                zh,
                "FREEZE：決定不能自帶重新開啟記錄；重新開啟請用 reopen".into(),
                "FREEZE: a decision cannot carry a reopening; use reopen".into(),
            ),
            NoScore {
                nomination,
                reviewer,
            } => pick(
                zh,
                format!("{reviewer} 對 {nomination} 沒有評分，無可撤回"),
                format!("{reviewer} has no score on {nomination} to withdraw"),
            ),
        }
    }
}

/// `QUOTA:報送單位……` as `報送單位……（QUOTA）`: a rule id never leads the
/// sentence; it follows as a reference a chair can look up.
fn rule_last(m: String, zh: bool) -> String {
    let Some(i) = m.find([':', '：']) else {
        return m;
    };
    let head = &m[..i];
    let is_rule = head.len() >= 3
        && head
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && head.starts_with(|c: char| c.is_ascii_uppercase());
    if !is_rule {
        return m;
    }
    let sep = if m[i..].starts_with(':') {
        1
    } else {
        '：'.len_utf8()
    };
    let rest = m[i + sep..].trim_start();
    if zh {
        format!("{rest}（{head}）")
    } else {
        format!("{rest} ({head})")
    }
}

impl Refusal {
    /// Whether a value typed into a form can cure this refusal (a field out of
    /// range or empty, a bad or duplicate id, an unknown reference, a fraud
    /// finding without disqualification), as opposed to the actor's standing:
    /// role, phase, conflict, decisions, notices.
    pub fn is_curable(&self) -> bool {
        matches!(
            self,
            Refusal::PointsOutOfRange { .. }
                | Refusal::PercentOutOfRange { .. }
                | Refusal::EmptyField { .. }
                | Refusal::NoVotes
                | Refusal::BadId { .. }
                | Refusal::Duplicate { .. }
                | Refusal::Unknown { .. }
                | Refusal::FraudNotDisqualified
        )
    }
}

#[cfg(test)]
mod curable_tests {
    use super::*;

    #[test]
    fn typed_values_cure_field_refusals_but_not_standing() {
        assert!(Refusal::NoVotes.is_curable());
        assert!(Refusal::FraudNotDisqualified.is_curable());
        assert!(!Refusal::DecisionReopened.is_curable());
        assert!(!Refusal::NotFrozen {
            nomination: "x".into()
        }
        .is_curable());
    }
}

#[cfg(test)]
mod rule_last_tests {
    use super::rule_last;

    #[test]
    fn a_rule_id_follows_the_sentence_it_names() {
        assert_eq!(
            rule_last("QUOTA：報送單位已申報".into(), true),
            "報送單位已申報（QUOTA）"
        );
        assert_eq!(
            rule_last("LATE-CHANGE: the deadline has passed".into(), false),
            "the deadline has passed (LATE-CHANGE)"
        );
        assert_eq!(rule_last("評分:無".into(), true), "評分:無");
        assert_eq!(rule_last("評分：無".into(), true), "評分：無");
        assert_eq!(rule_last("no colon".into(), false), "no colon");
    }
}

#[cfg(test)]
mod named_tests {
    use super::*;
    use crate::rules::fixture::snapshot;

    #[test]
    fn a_refusal_names_members_units_and_categories_not_their_ids() {
        let mut s = snapshot();
        for m in &mut s.members {
            m.name = format!("成員{}", m.id.len());
        }
        for u in &mut s.units {
            u.name = format!("單位{}", u.id.len());
        }
        let r = Refusal::NoScore {
            nomination: "w1".into(),
            reviewer: "r1".into(),
        };
        let zh = r.message_in(Some(&s), true);
        assert!(zh.contains("成員2") && !zh.contains("r1"), "{zh}");
        let q = Refusal::Quota {
            unit: "town-a".into(),
            category: "window".into(),
            existing: "w0".into(),
            reporting_unit: "town-a".into(),
        };
        let en = q.message_in(Some(&s), false);
        assert!(!en.contains("town-a") && en.contains("單位6"), "{en}");
        assert!(en.ends_with("(QUOTA)") || en.contains("(QUOTA"), "{en}");
        // without a snapshot, the ids (nothing else to say)
        assert!(r.message_in(None, false).contains("r1"));
    }
}
