//! The vocabulary of the model: every enum the program shows has its name
//! here in zh-Hant and English (zh-Hans follows by [`Lang::pick`]), and the
//! ids of the snapshot are shown by the names the campaign gave them
//! (record text: as entered, never converted). Nothing the program writes
//! for a person shows a Rust name (`Final`, `NegativeImpact`) or an id
//! (`xinfang`, `liguohua`); `tests/it/no_code_words.rs` walks the model and
//! looks for them in every screen and document.

use super::Lang;
use crate::model::{
    AggregateMethod, Comparison, EvaluationKind, IncidentKind, Level, NomineeKind, ObjectionStatus,
    Outcome, Role, Snapshot, Stance, UnitKind,
};

impl Lang {
    /// Record text in this language: the Chinese as entered (never
    /// converted, in either script) or the English.
    pub fn own<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.trim().is_empty() => en,
            _ => zh,
        }
    }

    /// A chair's decision: `最終入選`, `final`.
    pub fn outcome(self, o: Outcome) -> &'static str {
        match o {
            Outcome::Candidate => self.pick("候選", "candidate"),
            Outcome::Final => self.pick("最終入選", "final"),
            Outcome::Rejected => self.pick("不予推薦", "rejected"),
            Outcome::Disqualified => self.pick("取消資格", "disqualified"),
        }
    }

    /// A department's answer: `同意`, `否決`.
    pub fn stance(self, s: Stance) -> &'static str {
        match s {
            Stance::Approve => self.pick("同意", "approve"),
            Stance::Concern => self.pick("有疑慮", "concern"),
            Stance::Veto => self.pick("否決", "veto"),
        }
    }

    /// Where an objection stands.
    pub fn objection_status(self, s: ObjectionStatus) -> &'static str {
        match s {
            ObjectionStatus::Open => self.pick("待處理", "open"),
            ObjectionStatus::Upheld => self.pick("成立", "upheld"),
            ObjectionStatus::Dismissed => self.pick("不成立", "dismissed"),
        }
    }

    /// An incident's kind (the notice's words).
    pub fn incident(self, k: IncidentKind) -> &'static str {
        match k {
            IncidentKind::NegativeImpact => self.pick(
                "造成負面影響的服務質量問題",
                "service problem with negative impact",
            ),
            IncidentKind::LiabilityAccident => self.pick("責任事故", "liability accident"),
            IncidentKind::SafetyAccident => self.pick("安全責任事故", "safety accident"),
            IncidentKind::Violation => self.pick("違法違紀", "violation of law or discipline"),
            IncidentKind::Complaint => self.pick("服務對象投訴", "complaint from those served"),
        }
    }

    /// The short name of an incident's kind, for lists: `責任事故`.
    pub fn incident_short(self, k: IncidentKind) -> &'static str {
        match k {
            IncidentKind::NegativeImpact => self.pick("負面影響", "negative impact"),
            IncidentKind::LiabilityAccident => self.pick("責任事故", "liability accident"),
            IncidentKind::SafetyAccident => self.pick("安全事故", "safety accident"),
            IncidentKind::Violation => self.pick("違法違紀", "violation"),
            IncidentKind::Complaint => self.pick("投訴", "complaint"),
        }
    }

    /// An honour's level.
    pub fn level(self, l: Level) -> &'static str {
        match l {
            Level::National => self.pick("國家級", "national"),
            Level::Provincial => self.pick("省級", "provincial"),
            Level::Prefectural => self.pick("地市級", "prefectural"),
            Level::Municipal => self.pick("市級", "municipal"),
            Level::Other => self.pick("其他", "other"),
        }
    }

    /// A unit's kind.
    pub fn unit_kind(self, k: UnitKind) -> &'static str {
        match k {
            UnitKind::Town => self.pick("鎮", "town"),
            UnitKind::Street => self.pick("街道", "street"),
            UnitKind::Department => self.pick("部門", "department"),
            UnitKind::Enterprise => self.pick("企業", "enterprise"),
            UnitKind::Institution => self.pick("事業單位", "institution"),
            UnitKind::WindowUnit => self.pick("窗口單位", "window unit"),
        }
    }

    /// A member's role.
    pub fn role(self, r: Role) -> &'static str {
        match r {
            Role::Reviewer => self.pick("評委", "reviewer"),
            Role::Chair => self.pick("評委會主任", "chair"),
            Role::Clerk => self.pick("聯絡員", "clerk"),
        }
    }

    /// An evaluation's kind.
    pub fn evaluation(self, k: EvaluationKind) -> &'static str {
        match k {
            EvaluationKind::Routine => self.pick("日常測評", "routine"),
            EvaluationKind::Unannounced => self.pick("明察暗訪", "unannounced"),
            EvaluationKind::SiteVisit => self.pick("實地考察", "site visit"),
            EvaluationKind::Interview => self.pick("座談走訪", "interview"),
        }
    }

    /// A gate's comparison: `不低於`, `at least`.
    pub fn comparison(self, c: Comparison) -> &'static str {
        match c {
            Comparison::AtLeast => self.pick("不低於", "at least"),
            Comparison::AtMost => self.pick("不高於", "at most"),
        }
    }

    /// How the reviewers' totals are combined.
    pub fn aggregate_method(self, m: AggregateMethod) -> &'static str {
        match m {
            AggregateMethod::Mean => self.pick("平均", "mean"),
            AggregateMethod::Median => self.pick("中位數", "median"),
            AggregateMethod::TrimmedMean => self.pick("去掉最高最低分後平均", "trimmed mean"),
        }
    }

    /// Who or what is nominated.
    pub fn nominee_kind(self, k: NomineeKind) -> &'static str {
        match k {
            NomineeKind::Organisation => self.pick("集體", "organisation"),
            NomineeKind::Person => self.pick("個人", "person"),
        }
    }

    /// The counter of nominees of this kind: `個` organisations, `名` people.
    pub fn counter(self, k: NomineeKind) -> &'static str {
        match k {
            NomineeKind::Organisation => self.pick("個", ""),
            NomineeKind::Person => self.pick("名", ""),
        }
    }

    /// A department by its name (`信訪`, `Letters and petitions`); its id
    /// only when the campaign does not know it.
    pub fn department(self, s: &Snapshot, id: &str) -> String {
        s.campaign
            .department(id)
            .map_or_else(|| id.to_string(), |d| self.own(&d.name, &d.name_en).into())
    }

    /// [`Lang::department`] where there may be no snapshot at hand (the id).
    pub fn department_in(self, s: Option<&Snapshot>, id: &str) -> String {
        s.map_or_else(|| id.to_string(), |s| self.department(s, id))
    }

    /// [`Lang::member`] where there may be no snapshot at hand (the id).
    pub fn member_in(self, s: Option<&Snapshot>, id: &str) -> String {
        s.map_or_else(|| id.to_string(), |s| self.member(s, id))
    }

    /// [`Lang::unit`] where there may be no snapshot at hand (the id).
    pub fn unit_in(self, s: Option<&Snapshot>, id: &str) -> String {
        s.map_or_else(|| id.to_string(), |s| self.unit(s, id))
    }

    /// A member by name (`李國華`); the id only when unknown.
    pub fn member(self, s: &Snapshot, id: &str) -> String {
        s.member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    }

    /// A unit by name; the id only when unknown.
    pub fn unit(self, s: &Snapshot, id: &str) -> String {
        s.unit(id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    }

    /// A category by name; the id only when unknown.
    pub fn category(self, s: &Snapshot, id: &str) -> String {
        s.campaign
            .category(id)
            .map_or_else(|| id.to_string(), |c| self.own(&c.name, &c.name_en).into())
    }

    /// Ids by name, joined with `、` (Chinese) or `, `.
    pub fn names(self, ids: &[String], name: impl Fn(&str) -> String) -> String {
        let names: Vec<String> = ids.iter().map(|i| name(i)).collect();
        names.join(if self.zh() { "、" } else { ", " })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_exists_in_three_languages_and_simplified_is_converted() {
        let mut all: Vec<(&str, &str, &str)> = Vec::new();
        for o in [
            Outcome::Candidate,
            Outcome::Final,
            Outcome::Rejected,
            Outcome::Disqualified,
        ] {
            all.push((
                Lang::Zh.outcome(o),
                Lang::ZhHans.outcome(o),
                Lang::En.outcome(o),
            ));
        }
        for k in [
            IncidentKind::NegativeImpact,
            IncidentKind::LiabilityAccident,
            IncidentKind::SafetyAccident,
            IncidentKind::Violation,
            IncidentKind::Complaint,
        ] {
            all.push((
                Lang::Zh.incident(k),
                Lang::ZhHans.incident(k),
                Lang::En.incident(k),
            ));
        }
        for (hant, hans, en) in all {
            assert!(!hant.is_ascii() && en.is_ascii(), "{hant} {en}");
            assert_eq!(hans, super::super::to_hans(hant));
        }
        assert_eq!(Lang::ZhHans.outcome(Outcome::Final), "最终入选");
        assert_eq!(Lang::Zh.counter(NomineeKind::Person), "名");
        assert_eq!(Lang::Zh.counter(NomineeKind::Organisation), "個");
        // record text as entered, in either script
        assert_eq!(Lang::ZhHans.own("信訪", "Letters"), "信訪");
        assert_eq!(Lang::En.own("信訪", "Letters"), "Letters");
        assert_eq!(Lang::En.own("信訪", ""), "信訪");
    }
}
