//! Semantic checks of loaded files: references to unknown things, values out of
//! range, ids that disagree with their folder, impossible dates. Each fault is a
//! [`Problem`] naming the file and the field. Pure: the store feeds it parsed data.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate};

use super::{
    Campaign, Decision, Evaluation, Member, Nomination, Objection, ObjectionStatus, Opinion,
    Problem, Rulings, Score, Unit, Votes,
};

/// What record files are checked against.
pub struct Context<'a> {
    pub campaign: &'a Campaign,
    pub members: &'a [Member],
    pub units: &'a [Unit],
    /// The ids of `members` and `units`, looked up for every record file
    /// (a scan of a province's thousands of units per nomination was 2 % of
    /// a cold open, issue 18, P1).
    member_ids: HashSet<&'a str>,
    unit_ids: HashSet<&'a str>,
}

fn problem(path: &str, field: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_string(),
        line: None,
        column: None,
        field: Some(field.into()),
        message: message.into(),
    }
}

fn duplicates<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    ids.into_iter().filter(|id| !seen.insert(*id)).collect()
}

fn check_id(out: &mut Vec<Problem>, path: &str, field: &str, id: &str) {
    if let Err(e) = super::validate_id(id) {
        out.push(problem(path, field, e.to_string()));
    }
}

fn percent(out: &mut Vec<Problem>, path: &str, field: &str, value: f64) {
    if !value.is_finite() || !(0.0..=100.0).contains(&value) {
        out.push(problem(
            path,
            field,
            format!("{value} is not a percentage between 0 and 100"),
        ));
    }
}

impl<'a> Context<'a> {
    pub fn new(campaign: &'a Campaign, members: &'a [Member], units: &'a [Unit]) -> Context<'a> {
        Context {
            campaign,
            members,
            units,
            member_ids: members.iter().map(|m| m.id.as_str()).collect(),
            unit_ids: units.iter().map(|u| u.id.as_str()).collect(),
        }
    }

    fn member_known(&self, out: &mut Vec<Problem>, path: &str, field: &str, id: &str) {
        if !self.member_ids.contains(id) {
            out.push(problem(path, field, format!("unknown member {id:?}")));
        }
    }

    /// Earliest date a campaign event may carry: 1 January of the issue year.
    fn earliest(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.campaign.issued.year(), 1, 1).unwrap_or(NaiveDate::MIN)
    }

    fn event_date(&self, out: &mut Vec<Problem>, path: &str, field: &str, date: NaiveDate) {
        if date < self.earliest() {
            out.push(problem(
                path,
                field,
                format!(
                    "{date} is before the campaign year {}",
                    self.campaign.issued.year()
                ),
            ));
        }
    }
}

pub fn campaign(path: &str, c: &Campaign) -> Vec<Problem> {
    let mut out = Vec::new();
    if c.format == 0 {
        out.push(problem(path, "format", "format must be 1 or more"));
    }
    check_id(&mut out, path, "id", &c.id);
    check_id(&mut out, path, "office_unit", &c.office_unit);
    for (i, p) in c.phases.iter().enumerate() {
        check_id(&mut out, path, &format!("phases[{i}].id"), &p.id);
        if p.start > p.end {
            out.push(problem(
                path,
                format!("phases[{i}].end"),
                format!(
                    "phase {} ends ({}) before it starts ({})",
                    p.id, p.end, p.start
                ),
            ));
        }
    }
    for d in duplicates(c.phases.iter().map(|p| p.id.as_str())) {
        out.push(problem(path, "phases", format!("duplicate phase id {d:?}")));
    }
    if c.form_deadline < c.registration_deadline {
        out.push(problem(
            path,
            "form_deadline",
            "form deadline is before the registration deadline",
        ));
    }
    for (i, cat) in c.categories.iter().enumerate() {
        check_id(&mut out, path, &format!("categories[{i}].id"), &cat.id);
        if cat.criteria.is_empty() {
            out.push(problem(
                path,
                format!("categories[{i}].criteria"),
                "no criteria",
            ));
        }
        for (j, cr) in cat.criteria.iter().enumerate() {
            if !cr.max.is_finite() || cr.max <= 0.0 {
                out.push(problem(
                    path,
                    format!("categories[{i}].criteria[{j}].max"),
                    format!("max points must be a positive number, found {}", cr.max),
                ));
            }
        }
        for d in duplicates(cat.criteria.iter().map(|c| c.id.as_str())) {
            out.push(problem(
                path,
                format!("categories[{i}].criteria"),
                format!("duplicate criterion id {d:?}"),
            ));
        }
        if !cat.min_score.is_finite() || cat.min_score < 0.0 {
            out.push(problem(
                path,
                format!("categories[{i}].min_score"),
                "must be a non-negative number",
            ));
        }
        for (j, g) in cat.gates.iter().enumerate() {
            if !g.threshold.is_finite() {
                out.push(problem(
                    path,
                    format!("categories[{i}].gates[{j}].threshold"),
                    "must be a number",
                ));
            }
        }
    }
    for d in duplicates(c.categories.iter().map(|c| c.id.as_str())) {
        out.push(problem(
            path,
            "categories",
            format!("duplicate category id {d:?}"),
        ));
    }
    for (i, d) in c.departments.iter().enumerate() {
        check_id(&mut out, path, &format!("departments[{i}].id"), &d.id);
    }
    for d in duplicates(c.departments.iter().map(|d| d.id.as_str())) {
        out.push(problem(
            path,
            "departments",
            format!("duplicate department id {d:?}"),
        ));
    }
    let a = &c.aggregation;
    if !a.evaluation_weight.is_finite() || !(0.0..=1.0).contains(&a.evaluation_weight) {
        out.push(problem(
            path,
            "aggregation.evaluation_weight",
            "must be between 0 and 1",
        ));
    }
    if !a.disagreement_spread.is_finite() || a.disagreement_spread < 0.0 {
        out.push(problem(
            path,
            "aggregation.disagreement_spread",
            "must be a non-negative number",
        ));
    }
    out
}

pub fn members(path: &str, members: &[Member], units: &[Unit]) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        check_id(&mut out, path, &format!("[{i}].id"), &m.id);
        if !m.email.contains('@') {
            out.push(problem(
                path,
                format!("[{i}].email"),
                format!("{:?} is not an email address", m.email),
            ));
        }
        if m.roles.is_empty() {
            out.push(problem(
                path,
                format!("[{i}].roles"),
                "a member needs at least one role",
            ));
        }
        if !units.iter().any(|u| u.id == m.unit) {
            out.push(problem(
                path,
                format!("[{i}].unit"),
                format!("unknown unit {:?}", m.unit),
            ));
        }
        for (j, k) in m.keys.iter().enumerate() {
            if k.revoked.is_some_and(|r| r < k.valid_from) {
                out.push(problem(
                    path,
                    format!("[{i}].keys[{j}].revoked"),
                    "revoked before it became valid",
                ));
            }
        }
    }
    for d in duplicates(members.iter().map(|m| m.id.as_str())) {
        out.push(problem(path, "id", format!("duplicate member id {d:?}")));
    }
    let emails: Vec<String> = members.iter().map(|m| m.email.to_lowercase()).collect();
    for d in duplicates(emails.iter().map(String::as_str)) {
        out.push(problem(
            path,
            "email",
            format!("two members share the email {d:?}"),
        ));
    }
    out
}

pub fn units(path: &str, units: &[Unit]) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        check_id(&mut out, path, &format!("[{i}].id"), &u.id);
        if let Some(p) = &u.parent {
            if !units.iter().any(|x| &x.id == p) {
                out.push(problem(
                    path,
                    format!("[{i}].parent"),
                    format!("unknown unit {p:?}"),
                ));
            }
        }
    }
    for d in duplicates(units.iter().map(|u| u.id.as_str())) {
        out.push(problem(path, "id", format!("duplicate unit id {d:?}")));
    }
    out
}

pub fn rulings(cx: &Context, path: &str, r: &Rulings) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, o) in r.overrides.iter().enumerate() {
        if cx.campaign.phase(&o.phase).is_none() {
            out.push(problem(
                path,
                format!("overrides[{i}].phase"),
                format!("unknown phase {:?}", o.phase),
            ));
        }
        if o.start > o.end {
            out.push(problem(
                path,
                format!("overrides[{i}].end"),
                "ends before it starts",
            ));
        }
        cx.member_known(&mut out, path, &format!("overrides[{i}].by"), &o.by);
    }
    for (i, e) in r.exceptions.iter().enumerate() {
        if e.rule != "REG-DEADLINE" && e.rule != "FORM-DEADLINE" {
            out.push(problem(
                path,
                format!("exceptions[{i}].rule"),
                format!("{:?} is not REG-DEADLINE or FORM-DEADLINE", e.rule),
            ));
        }
        cx.member_known(&mut out, path, &format!("exceptions[{i}].by"), &e.by);
    }
    for cat in r.tie_orders.keys() {
        if cx.campaign.categories.iter().all(|c| &c.id != cat) {
            out.push(problem(
                path,
                format!("tie_orders.{cat}"),
                format!("unknown category {cat:?}"),
            ));
        }
    }
    for (i, n) in r.notices.iter().enumerate() {
        if cx.campaign.categories.iter().all(|c| c.id != n.category) {
            out.push(problem(
                path,
                format!("notices[{i}].category"),
                format!("unknown category {:?}", n.category),
            ));
        }
        cx.member_known(&mut out, path, &format!("notices[{i}].by"), &n.by);
    }
    out
}

pub fn nomination(cx: &Context, path: &str, folder_id: &str, n: &Nomination) -> Vec<Problem> {
    let mut out = Vec::new();
    if n.id != folder_id {
        out.push(problem(
            path,
            "id",
            format!("id {:?} does not match its folder {folder_id:?}", n.id),
        ));
    }
    if cx.campaign.categories.iter().all(|c| c.id != n.category) {
        out.push(problem(
            path,
            "category",
            format!("unknown category {:?}", n.category),
        ));
    }
    if !cx.unit_ids.contains(n.unit.as_str()) {
        out.push(problem(path, "unit", format!("unknown unit {:?}", n.unit)));
    }
    if n.nominee.name.trim().is_empty() {
        out.push(problem(path, "nominee.name", "empty"));
    }
    cx.event_date(&mut out, path, "registered", n.registered);
    if let Some(f) = n.form_filed {
        if f < n.registered {
            out.push(problem(
                path,
                "form_filed",
                format!("{f} is before the registration {}", n.registered),
            ));
        }
    }
    for (year, v) in &n.metrics.appraisal_satisfaction {
        percent(
            &mut out,
            path,
            &format!("metrics.appraisal_satisfaction.{year}"),
            *v,
        );
    }
    if let Some(v) = n.metrics.service_satisfaction {
        percent(&mut out, path, "metrics.service_satisfaction", v);
    }
    if let Some(v) = n.metrics.knowledge_rate {
        percent(&mut out, path, "metrics.knowledge_rate", v);
    }
    for (i, a) in n.activities.iter().enumerate() {
        cx.event_date(&mut out, path, &format!("activities[{i}].date"), a.date);
    }
    for (i, e) in n.evidence.iter().enumerate() {
        if e.reference.trim().is_empty() {
            out.push(problem(
                path,
                format!("evidence[{i}].reference"),
                "empty reference",
            ));
        }
    }
    out
}

pub fn score(
    cx: &Context,
    path: &str,
    file_stem: &str,
    category: Option<&str>,
    s: &Score,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if s.reviewer != file_stem {
        out.push(problem(
            path,
            "reviewer",
            format!(
                "reviewer {:?} does not match the file name {file_stem:?}",
                s.reviewer
            ),
        ));
    }
    cx.member_known(&mut out, path, "reviewer", &s.reviewer);
    if let Some(cat) = category.and_then(|c| cx.campaign.categories.iter().find(|x| x.id == c)) {
        for (crit, mark) in &s.marks {
            let field = || format!("marks.{crit}");
            match cat.criterion(crit) {
                None => out.push(problem(
                    path,
                    field(),
                    format!("unknown criterion {crit:?} for category {}", cat.id),
                )),
                Some(c) => {
                    if let Some(p) = mark.points() {
                        if !p.is_finite() || p < 0.0 || p > c.max {
                            out.push(problem(
                                path,
                                field(),
                                format!("{p} is outside 0..{}", c.max),
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

pub fn evaluation(cx: &Context, path: &str, file_stem: &str, e: &Evaluation) -> Vec<Problem> {
    let mut out = Vec::new();
    // the stem ends with "-{author}"
    let named = file_stem
        .strip_suffix(e.author.as_str())
        .is_some_and(|rest| rest.ends_with('-'));
    if !named {
        out.push(problem(
            path,
            "author",
            format!(
                "author {:?} does not match the file name {file_stem:?}",
                e.author
            ),
        ));
    }
    cx.member_known(&mut out, path, "author", &e.author);
    cx.event_date(&mut out, path, "date", e.date);
    if let Some(r) = e.rating {
        percent(&mut out, path, "rating", r);
    }
    if let Some(v) = e.knowledge_rate {
        percent(&mut out, path, "knowledge_rate", v);
    }
    if let Some(v) = e.service_satisfaction {
        percent(&mut out, path, "service_satisfaction", v);
    }
    out
}

pub fn opinion(cx: &Context, path: &str, file_stem: &str, o: &Opinion) -> Vec<Problem> {
    let mut out = Vec::new();
    if o.department != file_stem {
        out.push(problem(
            path,
            "department",
            format!(
                "department {:?} does not match the file name {file_stem:?}",
                o.department
            ),
        ));
    }
    if cx.campaign.department(&o.department).is_none() {
        out.push(problem(
            path,
            "department",
            format!("unknown department {:?}", o.department),
        ));
    }
    cx.member_known(&mut out, path, "recorded_by", &o.recorded_by);
    cx.event_date(&mut out, path, "date", o.date);
    out
}

pub fn votes(cx: &Context, path: &str, v: &Votes) -> Vec<Problem> {
    let mut out = Vec::new();
    cx.member_known(&mut out, path, "recorded_by", &v.recorded_by);
    cx.event_date(&mut out, path, "date", v.date);
    out
}

pub fn objection(cx: &Context, path: &str, o: &Objection) -> Vec<Problem> {
    let mut out = Vec::new();
    cx.member_known(&mut out, path, "recorded_by", &o.recorded_by);
    cx.event_date(&mut out, path, "filed", cx.campaign.day_of(&o.filed));
    if o.text.trim().is_empty() {
        out.push(problem(path, "text", "empty"));
    }
    match (&o.status, &o.resolution) {
        (ObjectionStatus::Open, Some(_)) => out.push(problem(
            path,
            "resolution",
            "an open objection has no resolution yet",
        )),
        (ObjectionStatus::Upheld | ObjectionStatus::Dismissed, None) => out.push(problem(
            path,
            "resolution",
            "a resolved objection needs its resolution",
        )),
        (_, Some(r)) => {
            cx.member_known(&mut out, path, "resolution.by", &r.by);
            if r.date < cx.campaign.day_of(&o.filed) {
                out.push(problem(
                    path,
                    "resolution.date",
                    "resolved before it was filed",
                ));
            }
        }
        _ => {}
    }
    out
}

pub fn decision(cx: &Context, path: &str, d: &Decision) -> Vec<Problem> {
    let mut out = Vec::new();
    cx.member_known(&mut out, path, "by", &d.by);
    cx.event_date(&mut out, path, "date", d.date);
    if d.fraud && d.outcome != super::Outcome::Disqualified {
        out.push(problem(
            path,
            "fraud",
            "only a disqualification can be for fraud",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvaluationKind;
    use crate::rules::fixture;

    fn fields(problems: &[Problem]) -> Vec<&str> {
        problems.iter().filter_map(|p| p.field.as_deref()).collect()
    }

    #[test]
    fn units_and_members_are_known_by_their_ids() {
        let (campaign, members, units) =
            (fixture::campaign(), fixture::members(), fixture::units());
        let cx = Context::new(&campaign, &members, &units);
        let n = fixture::nomination("w1", "window", "win-3");
        assert!(nomination(&cx, "n.ron", "w1", &n).is_empty());
        let mut stranger = n.clone();
        stranger.unit = "win-99".into();
        assert_eq!(fields(&nomination(&cx, "n.ron", "w1", &stranger)), ["unit"]);
        let v = fixture::votes(1, 2, 3);
        assert!(votes(&cx, "v.ron", &v).is_empty());
        let by_stranger = Votes {
            recorded_by: "r7".into(),
            ..v
        };
        assert_eq!(fields(&votes(&cx, "v.ron", &by_stranger)), ["recorded_by"]);
    }

    #[test]
    fn an_evaluation_file_is_named_after_its_author_behind_a_dash() {
        let (campaign, members, units) =
            (fixture::campaign(), fixture::members(), fixture::units());
        let cx = Context::new(&campaign, &members, &units);
        let e = fixture::evaluation(
            "r2",
            EvaluationKind::Routine,
            fixture::day(10, 1),
            Some(90.0),
        );
        for (stem, ok) in [
            ("20171001-100000-r2", true),
            ("x-r2", true),
            ("-r2", true),
            ("r2", false),
            ("20171001-100000r2", false),
            ("20171001-100000-r22", false),
            ("20171001-100000-r", false),
        ] {
            let faults = evaluation(&cx, "e.ron", stem, &e);
            assert_eq!(fields(&faults).contains(&"author"), !ok, "{stem}");
        }
    }
}
