//! Semantic, field-by-field diffs of campaign files: "W3 8 → 9 by 張偉",
//! "opinion 信訪 approve → veto", "decision candidate → disqualified: fraud".
//! Never raw text lines: both sides are parsed and compared as data.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::i18n::Lang;
use crate::model::{
    Campaign, Decision, Evaluation, Mark, Member, Nomination, Objection, ObjectionStatus, Opinion,
    Outcome, Score, Stance, Votes,
};
use crate::store::codec::from_ron;
use crate::store::layout::FileKind;

/// Whether the file (or field) appeared, changed or went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Modified,
    Removed,
}

/// One semantic change of one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The repository path of the file.
    pub path: String,
    /// The nomination the file belongs to, if any.
    pub record: Option<String>,
    /// Dotted field path: inside a record as the record's own structure
    /// (`scores.zhangwei.marks.W3`, `opinions.xinfang.stance`, `decision.outcome`,
    /// `nomination.metrics.knowledge_rate`); for top-level files the file stem first
    /// (`members.liguohua.keys`, `rulings.notices`, `campaign.phases`).
    pub field: String,
    pub kind: ChangeKind,
    /// The value before and after (`None`: absent): numbers and dates as written,
    /// stances, outcomes and objection states as their English ids
    /// (`approve`, `candidate`, `upheld`) whatever the language of `text`.
    pub old: Option<String>,
    pub new: Option<String>,
    /// The member the changed value belongs to (a score's reviewer, an opinion's clerk…).
    pub by: Option<String>,
    /// The change in one line, in the requested language.
    pub text: String,
}

/// Names for people and departments, from the commit's own files.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub members: BTreeMap<String, String>,
    pub departments: BTreeMap<String, (String, String)>,
    /// Units by name (from units.ron, when read).
    pub units: BTreeMap<String, String>,
    /// Categories: Chinese and English names.
    pub categories: BTreeMap<String, (String, String)>,
}

impl Names {
    pub fn new(members: &[Member], campaign: Option<&Campaign>) -> Names {
        Names {
            members: members
                .iter()
                .map(|m| (m.id.clone(), m.name.clone()))
                .collect(),
            departments: campaign
                .map(|c| {
                    c.departments
                        .iter()
                        .map(|d| (d.id.clone(), (d.name.clone(), d.name_en.clone())))
                        .collect()
                })
                .unwrap_or_default(),
            units: BTreeMap::new(),
            categories: campaign
                .map(|c| {
                    c.categories
                        .iter()
                        .map(|x| (x.id.clone(), (x.name.clone(), x.name_en.clone())))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Units by name from `units`.
    pub fn with_units(mut self, units: &[crate::model::Unit]) -> Names {
        self.units = units
            .iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect();
        self
    }

    fn unit<'a>(&'a self, id: &'a str) -> &'a str {
        self.units.get(id).map(String::as_str).unwrap_or(id)
    }

    fn category<'a>(&'a self, id: &'a str, lang: Lang) -> &'a str {
        self.categories
            .get(id)
            .map(|(zh, en)| lang.own(zh, en))
            .unwrap_or(id)
    }

    fn member<'a>(&'a self, id: &'a str) -> &'a str {
        self.members.get(id).map(String::as_str).unwrap_or(id)
    }

    /// The department's Chinese name (the notice's own words), else its id.
    fn department<'a>(&'a self, id: &'a str) -> &'a str {
        self.departments
            .get(id)
            .map(|(zh, _)| zh.as_str())
            .unwrap_or(id)
    }
}

/// Renders a mark: `8`, `8.5`, `not-scored`, `abstain`, `na`, `recused`.
pub fn mark_text(mark: Option<&Mark>) -> String {
    match mark {
        None => "—".into(),
        Some(Mark::Points(p)) => format!("{p}"),
        Some(Mark::NotScored) => "not-scored".into(),
        Some(Mark::Abstain) => "abstain".into(),
        Some(Mark::NotApplicable) => "na".into(),
        Some(Mark::Recused) => "recused".into(),
    }
}

fn stance_text(s: Stance, lang: Lang) -> &'static str {
    match s {
        Stance::Approve => lang.pick("同意", "approve"),
        Stance::Concern => lang.pick("有疑慮", "concern"),
        Stance::Veto => lang.pick("否決", "veto"),
    }
}

fn outcome_text(o: Outcome, lang: Lang) -> &'static str {
    match o {
        Outcome::Candidate => lang.pick("候選", "candidate"),
        Outcome::Final => lang.pick("最終入選", "final"),
        Outcome::Rejected => lang.pick("不予推薦", "rejected"),
        Outcome::Disqualified => lang.pick("取消資格", "disqualified"),
    }
}

fn status_text(s: ObjectionStatus, lang: Lang) -> &'static str {
    match s {
        ObjectionStatus::Open => lang.pick("待處理", "open"),
        ObjectionStatus::Upheld => lang.pick("成立", "upheld"),
        ObjectionStatus::Dismissed => lang.pick("不成立", "dismissed"),
    }
}

fn opt(s: Option<&str>) -> String {
    s.map(str::to_string).unwrap_or_else(|| "—".into())
}

/// ` by 張偉` / `(張偉)`.
fn by(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!(" by {name}"),
        Lang::Zh | Lang::ZhHans => format!("({name})"),
    }
}

/// A value in one short line.
pub fn value_text(v: &Value) -> String {
    let s = match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    crate::text::truncate(&crate::text::sanitize(&s), 80)
}

/// Builds changes for one file.
struct Out<'a> {
    path: &'a str,
    record: Option<&'a str>,
    lang: Lang,
    changes: Vec<Change>,
    /// Names for the ids in field paths (the Chinese labels).
    names: &'a Names,
    /// Units named by the units.ron being compared (beside `names`).
    aliases: BTreeMap<String, String>,
}

impl Out<'_> {
    /// A field path as its reader says it (see [`super::field_words::label`]).
    fn label(&self, path: &str) -> String {
        let n = self.names;
        let name = |id: &str| {
            self.aliases
                .get(id)
                .or_else(|| n.members.get(id))
                .or_else(|| n.units.get(id))
                .or_else(|| n.departments.get(id).map(|(zh, _)| zh))
                .or_else(|| n.categories.get(id).map(|(zh, _)| zh))
                .cloned()
        };
        super::field_words::label(self.lang, path, &name)
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        field: String,
        kind: ChangeKind,
        old: Option<String>,
        new: Option<String>,
        by: Option<&str>,
        text: String,
    ) {
        self.changes.push(Change {
            path: self.path.to_string(),
            record: self.record.map(str::to_string),
            field,
            kind,
            old,
            new,
            by: by.map(str::to_string),
            text: crate::text::sanitize(&text),
        });
    }

    fn simple(&mut self, field: String, old: Option<String>, new: Option<String>, text: String) {
        let kind = match (&old, &new) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Modified,
        };
        self.push(field, kind, old, new, None, text);
    }

    /// Field-by-field diff of two JSON values under `field` (label `label`).
    fn generic(&mut self, field: &str, label: &str, old: &Value, new: &Value) {
        if old == new {
            return;
        }
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => {
                let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for k in keys {
                    let (x, y) = (
                        a.get(k).unwrap_or(&Value::Null),
                        b.get(k).unwrap_or(&Value::Null),
                    );
                    self.generic(&format!("{field}.{k}"), &format!("{label}.{k}"), x, y);
                }
            }
            (Value::Array(a), Value::Array(b)) if b.len() > a.len() && b.starts_with(a) => {
                let shown = self.label(label);
                for item in &b[a.len()..] {
                    let t = value_text(item);
                    let said = super::field_words::value(self.lang, item).unwrap_or(t.clone());
                    self.simple(
                        field.to_string(),
                        None,
                        Some(t.clone()),
                        format!("{shown} + {said}"),
                    );
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.generic(&format!("{field}.{i}"), &format!("{label}[{i}]"), x, y);
                }
            }
            _ => {
                let (o, n) = (value_text(old), value_text(new));
                let old_v = (!old.is_null()).then(|| o.clone());
                let new_v = (!new.is_null()).then(|| n.clone());
                // In Chinese the path by its words and names, yes/no and
                // the model's enum values by theirs.
                let shown = self.label(label);
                let say =
                    |v: &Value, t: String| super::field_words::value(self.lang, v).unwrap_or(t);
                let (o, n) = (say(old, o), say(new, n));
                self.simple(
                    field.to_string(),
                    old_v,
                    new_v,
                    format!("{shown} {o} → {n}"),
                );
            }
        }
    }
}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, bytes: Option<&[u8]>) -> Option<T> {
    bytes.and_then(|b| from_ron::<T>(path, b).ok())
}

/// The semantic changes between two versions of the file at `path`
/// (`None`: the file is absent on that side). A side that does not parse is
/// reported as such, never as raw lines.
pub fn file_changes(
    path: &str,
    kind: &FileKind,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    names: &Names,
    lang: Lang,
) -> Vec<Change> {
    let mut out = Out {
        path,
        record: kind.record(),
        lang,
        changes: Vec::new(),
        names,
        aliases: BTreeMap::new(),
    };
    match kind {
        FileKind::Score { id: _, reviewer } => diff_typed::<Score>(
            &mut out,
            path,
            old,
            new,
            &format!("scores.{reviewer}"),
            |o, a, b| score(o, reviewer, a, b, names),
        ),
        FileKind::Opinion { department, .. } => diff_typed::<Opinion>(
            &mut out,
            path,
            old,
            new,
            &format!("opinions.{department}"),
            |o, a, b| opinion(o, department, a, b, names),
        ),
        FileKind::Decision { .. } => {
            diff_typed::<Decision>(&mut out, path, old, new, "decision", decision)
        }
        FileKind::Votes { .. } => diff_typed::<Votes>(&mut out, path, old, new, "votes", votes),
        FileKind::Evaluation { stem, .. } => diff_typed::<Evaluation>(
            &mut out,
            path,
            old,
            new,
            &format!("evaluations.{stem}"),
            |o, a, b| evaluation(o, stem, a, b, names),
        ),
        FileKind::Objection { stem, .. } => diff_typed::<Objection>(
            &mut out,
            path,
            old,
            new,
            &format!("objections.{stem}"),
            |o, a, b| objection(o, stem, a, b, names),
        ),
        FileKind::Nomination { .. } => {
            diff_typed::<Nomination>(&mut out, path, old, new, "nomination", |o, a, b| {
                nomination(o, a, b, names)
            })
        }
        FileKind::Members => {
            diff_typed::<Vec<Member>>(&mut out, path, old, new, "members", |o, a, b| {
                members(o, a, b)
            })
        }
        FileKind::Campaign => {
            diff_typed::<Campaign>(&mut out, path, old, new, "campaign", |o, a, b| {
                match (&a, &b) {
                    // the setup: the campaign by its title, not its fields
                    (None, Some(c)) => {
                        let title = lang.own(&c.title, &c.title_en).to_string();
                        o.simple(
                            "campaign".into(),
                            None,
                            Some(title.clone()),
                            match lang {
                                Lang::En => format!("campaign set up: {title}"),
                                _ => format!("{}：{title}", lang.pick("設立評選", "")),
                            },
                        )
                    }
                    _ => o.generic("campaign", "campaign", &json(&a), &json(&b)),
                }
            })
        }
        FileKind::Units => {
            diff_typed::<Vec<crate::model::Unit>>(&mut out, path, old, new, "units", |o, a, b| {
                let map = |v: &Option<Vec<crate::model::Unit>>| -> Value {
                    match v {
                        Some(v) => {
                            Value::Object(v.iter().map(|u| (u.id.clone(), json(u))).collect())
                        }
                        None => Value::Null,
                    }
                };
                match (&a, &b) {
                    // the setup: how many units, not every unit's fields
                    (None, Some(units)) => {
                        let n = units.len();
                        o.simple(
                            "units".into(),
                            None,
                            Some(n.to_string()),
                            match lang {
                                Lang::En => format!("{n} units registered"),
                                _ => format!(
                                    "{}{n}{}",
                                    lang.pick("登記 ", ""),
                                    lang.pick(" 個單位", "")
                                ),
                            },
                        )
                    }
                    _ => {
                        if lang.zh() {
                            for u in a.iter().chain(b.iter()).flatten() {
                                o.aliases.insert(u.id.clone(), u.name.clone());
                            }
                        }
                        o.generic("units", "units", &map(&a), &map(&b))
                    }
                }
            })
        }
        FileKind::Rulings => {
            diff_typed::<crate::model::Rulings>(&mut out, path, old, new, "rulings", |o, a, b| {
                o.generic("rulings", "rulings", &json(&a), &json(&b))
            })
        }
        FileKind::Other => {
            let t = match (old, new) {
                (None, _) => lang.pick("新增文件", "file added"),
                (_, None) => lang.pick("刪除文件", "file removed"),
                _ => lang.pick("文件修改", "file changed"),
            };
            out.simple(path.to_string(), None, None, format!("{path}: {t}"));
        }
    }
    out.changes
}

/// Parses both sides; a whole-file addition of a type without a special
/// rendering still goes through `diff` against an empty default where sensible.
fn diff_typed<T: serde::de::DeserializeOwned + Serialize + Clone + Sized>(
    out: &mut Out,
    path: &str,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
    field: &str,
    diff: impl FnOnce(&mut Out, Option<T>, Option<T>),
) {
    let a = parse::<T>(path, old);
    let b = parse::<T>(path, new);
    let lang = out.lang;
    if old.is_some() && a.is_none() || new.is_some() && b.is_none() {
        out.simple(
            field.to_string(),
            None,
            None,
            format!(
                "{field}: {}",
                lang.pick(
                    "文件無法解析（pingxuan validate 查看）",
                    "file does not parse (see pingxuan validate)"
                )
            ),
        );
        return;
    }
    if a.is_some() && b.is_none() {
        out.simple(
            field.to_string(),
            Some(field.to_string()),
            None,
            format!("{field} {}", lang.pick("已刪除", "removed")),
        );
        return;
    }
    diff(out, a, b)
}

fn score(o: &mut Out, reviewer: &str, a: Option<Score>, b: Option<Score>, names: &Names) {
    let Some(b) = b else { return };
    let name = names.member(&b.reviewer).to_string();
    let old_marks = a.as_ref().map(|s| s.marks.clone()).unwrap_or_default();
    let mut criteria: Vec<&String> = old_marks.keys().chain(b.marks.keys()).collect();
    criteria.sort_by_key(|c| natural(c));
    criteria.dedup();
    for c in criteria {
        let (x, y) = (old_marks.get(c), b.marks.get(c));
        if x == y {
            continue;
        }
        let (xt, yt) = (mark_text(x), mark_text(y));
        let kind = match (x, y) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Modified,
        };
        let text = format!("{c} {xt} → {yt}{}", by(o.lang, &name));
        o.push(
            format!("scores.{reviewer}.marks.{c}"),
            kind,
            x.map(|_| xt),
            y.map(|_| yt),
            Some(&b.reviewer),
            text,
        );
    }
    let old_comment = a.as_ref().map(|s| s.comment.as_str()).unwrap_or("");
    if old_comment != b.comment {
        let label = o.lang.pick("評語", "comment");
        let text = format!("{label}: {}{}", b.comment, by(o.lang, &name));
        o.push(
            format!("scores.{reviewer}.comment"),
            ChangeKind::Modified,
            Some(old_comment.to_string()),
            Some(b.comment.clone()),
            Some(&b.reviewer),
            text,
        );
    }
}

/// `W2` before `W10`: letters, then the number.
fn natural(c: &str) -> (String, u64, String) {
    let letters: String = c.chars().take_while(|ch| !ch.is_ascii_digit()).collect();
    let rest = &c[letters.len()..];
    let digits: String = rest.chars().take_while(|ch| ch.is_ascii_digit()).collect();
    (
        letters,
        digits.parse().unwrap_or(0),
        rest[digits.len()..].to_string(),
    )
}

fn opinion(o: &mut Out, dept: &str, a: Option<Opinion>, b: Option<Opinion>, names: &Names) {
    let Some(b) = b else { return };
    let lang = o.lang;
    let label = lang.pick("部門意見", "opinion");
    let dname = names.department(dept).to_string();
    let old = a.as_ref().map(|x| stance_text(x.stance, lang));
    let new = stance_text(b.stance, lang);
    let (old_id, new_id) = (
        a.as_ref()
            .map(|x| stance_text(x.stance, Lang::En).to_string()),
        stance_text(b.stance, Lang::En).to_string(),
    );
    let reason_changed = a.as_ref().map(|x| x.reason.as_str()) != Some(b.reason.as_str());
    if old != Some(new) || reason_changed {
        let mut text = format!("{label} {dname} {} → {new}", opt(old));
        if !b.reason.trim().is_empty() && b.stance != Stance::Approve {
            text.push_str(&format!(": {}", b.reason));
        }
        o.push(
            format!("opinions.{dept}.stance"),
            if a.is_none() {
                ChangeKind::Added
            } else {
                ChangeKind::Modified
            },
            old_id,
            Some(new_id),
            Some(&b.recorded_by),
            text,
        );
    }
}

fn decision(o: &mut Out, a: Option<Decision>, b: Option<Decision>) {
    let Some(b) = b else { return };
    let lang = o.lang;
    // FREEZE: the same decision, reopened by the chair.
    if let (Some(old), Some(r)) = (a.as_ref(), b.reopened.as_ref()) {
        let mut same = b.clone();
        same.reopened = None;
        if old.reopened.is_none() && same == *old {
            let label = lang.pick("重新開啟評審", "reopened");
            o.push(
                "decision.reopened".into(),
                ChangeKind::Added,
                None,
                Some(r.date.to_string()),
                Some(&r.by),
                format!("{label}: {}", r.reason),
            );
            return;
        }
    }
    let old = a.as_ref().map(|x| outcome_text(x.outcome, lang));
    let new = outcome_text(b.outcome, lang);
    let old_id = a
        .as_ref()
        .map(|x| outcome_text(x.outcome, Lang::En).to_string());
    let new_id = outcome_text(b.outcome, Lang::En).to_string();
    let why = if b.fraud {
        lang.pick("弄虛作假", "fraud").to_string()
    } else {
        b.reason.clone()
    };
    let label = lang.pick("決定", "decision");
    let text = format!("{label} {} → {new}: {why}", opt(old));
    o.push(
        "decision.outcome".into(),
        if a.is_none() {
            ChangeKind::Added
        } else {
            ChangeKind::Modified
        },
        old_id,
        Some(new_id),
        Some(&b.by),
        text,
    );
}

fn votes(o: &mut Out, a: Option<Votes>, b: Option<Votes>) {
    let Some(b) = b else { return };
    let lang = o.lang;
    let label = lang.pick("民主測評", "votes");
    let fields: [(&str, &str, u32, Option<u32>); 3] = [
        (
            "satisfied",
            lang.pick("滿意", "satisfied"),
            b.satisfied,
            a.as_ref().map(|x| x.satisfied),
        ),
        (
            "basically_satisfied",
            lang.pick("基本滿意", "basically satisfied"),
            b.basically_satisfied,
            a.as_ref().map(|x| x.basically_satisfied),
        ),
        (
            "dissatisfied",
            lang.pick("不滿意", "dissatisfied"),
            b.dissatisfied,
            a.as_ref().map(|x| x.dissatisfied),
        ),
    ];
    for (field, name, new, old) in fields {
        if old == Some(new) {
            continue;
        }
        let old_t = old.map(|v| v.to_string());
        o.push(
            format!("votes.{field}"),
            if old.is_none() {
                ChangeKind::Added
            } else {
                ChangeKind::Modified
            },
            old_t.clone(),
            Some(new.to_string()),
            Some(&b.recorded_by),
            format!("{label} {name} {} → {new}", opt(old_t.as_deref())),
        );
    }
}

fn evaluation(
    o: &mut Out,
    stem: &str,
    a: Option<Evaluation>,
    b: Option<Evaluation>,
    names: &Names,
) {
    let Some(b) = b else { return };
    let lang = o.lang;
    match a {
        None => {
            let kind = match b.kind {
                crate::model::EvaluationKind::Routine => lang.pick("日常測評", "routine"),
                crate::model::EvaluationKind::Unannounced => lang.pick("明察暗訪", "unannounced"),
                crate::model::EvaluationKind::SiteVisit => lang.pick("實地考察", "site visit"),
                crate::model::EvaluationKind::Interview => lang.pick("座談走訪", "interview"),
            };
            let rating = b
                .rating
                .map(|r| format!(" {} {r}", lang.pick("評分", "rating")))
                .unwrap_or_default();
            let label = lang.pick("評估", "evaluation");
            let text = format!(
                "{label} {kind}{}{rating}: {}",
                by(lang, names.member(&b.author)),
                crate::text::truncate(&b.findings, 60)
            );
            o.push(
                format!("evaluations.{stem}"),
                ChangeKind::Added,
                None,
                b.rating.map(|r| r.to_string()),
                Some(&b.author),
                text,
            );
        }
        Some(a) => {
            let f = format!("evaluations.{stem}");
            o.generic(&f, &f, &json(&a), &json(&b));
        }
    }
}

fn objection(o: &mut Out, stem: &str, a: Option<Objection>, b: Option<Objection>, names: &Names) {
    let Some(b) = b else { return };
    let lang = o.lang;
    let label = lang.pick("異議", "objection");
    match a {
        None => {
            let fraud = if b.fraud {
                lang.pick("〔舉報弄虛作假〕", " [fraud report]")
            } else {
                ""
            };
            let text = format!(
                "{label} {stem} {} ({}){fraud}: {}",
                lang.pick("提出", "filed"),
                b.source,
                crate::text::truncate(&b.text, 60)
            );
            o.push(
                format!("objections.{stem}"),
                ChangeKind::Added,
                None,
                Some(status_text(b.status, Lang::En).to_string()),
                Some(&b.recorded_by),
                text,
            );
        }
        Some(a) => {
            if a.status != b.status {
                let reason = b
                    .resolution
                    .as_ref()
                    .map(|r| format!(": {}", r.reason))
                    .unwrap_or_default();
                let text = format!(
                    "{label} {stem} {} → {}{reason}",
                    status_text(a.status, lang),
                    status_text(b.status, lang)
                );
                let who = b.resolution.as_ref().map(|r| r.by.clone());
                o.push(
                    format!("objections.{stem}.status"),
                    ChangeKind::Modified,
                    Some(status_text(a.status, Lang::En).to_string()),
                    Some(status_text(b.status, Lang::En).to_string()),
                    who.as_deref(),
                    text,
                );
                let _ = names;
            }
            let (mut x, mut y) = (json(&a), json(&b));
            for v in [&mut x, &mut y] {
                if let Value::Object(m) = v {
                    m.remove("status");
                    m.remove("resolution");
                }
            }
            let f = format!("objections.{stem}");
            o.generic(&f, &f, &x, &y);
        }
    }
}

fn nomination(o: &mut Out, a: Option<Nomination>, b: Option<Nomination>, names: &Names) {
    let Some(b) = b else { return };
    let lang = o.lang;
    let Some(a) = a else {
        let (cat, unit) = (names.category(&b.category, lang), names.unit(&b.unit));
        let text = match lang {
            Lang::En => format!("nomination registered: {} ({cat}, {unit})", b.nominee.name),
            _ => format!(
                "{}{}（{cat}，{unit}）",
                lang.pick("申報登記：", ""),
                b.nominee.name
            ),
        };
        o.simple(
            "nomination".into(),
            None,
            Some(b.nominee.name.clone()),
            text,
        );
        return;
    };
    let (mut x, mut y) = (json(&a), json(&b));
    if b.activities.len() > a.activities.len() && b.activities.starts_with(&a.activities) {
        for act in &b.activities[a.activities.len()..] {
            let t = format!("{}: {}", act.date, act.summary);
            let label = lang.pick("創建活動", "activity");
            o.simple(
                "nomination.activities".into(),
                None,
                Some(t.clone()),
                format!("{label} {}", crate::text::truncate(&t, 70)),
            );
        }
        strip(&mut x, &mut y, "activities");
    }
    if b.supervisors.len() > a.supervisors.len() && b.supervisors.starts_with(&a.supervisors) {
        for s in &b.supervisors[a.supervisors.len()..] {
            let t = format!("{} ({})", s.name, s.affiliation);
            let label = lang.pick("監督員", "supervisor");
            o.simple(
                "nomination.supervisors".into(),
                None,
                Some(t.clone()),
                format!("{label} {t}"),
            );
        }
        strip(&mut x, &mut y, "supervisors");
    }
    if a.form_filed != b.form_filed {
        let (p, q) = (
            a.form_filed.map(|d| d.to_string()),
            b.form_filed.map(|d| d.to_string()),
        );
        let label = lang.pick("申報表報送", "form filed");
        let text = format!("{label} {} → {}", opt(p.as_deref()), opt(q.as_deref()));
        o.simple("nomination.form_filed".into(), p, q, text);
        strip(&mut x, &mut y, "form_filed");
    }
    o.generic("nomination", "nomination", &x, &y);
}

fn strip(x: &mut Value, y: &mut Value, key: &str) {
    for v in [x, y] {
        if let Value::Object(m) = v {
            m.remove(key);
        }
    }
}

fn members(o: &mut Out, a: Option<Vec<Member>>, b: Option<Vec<Member>>) {
    let Some(b) = b else { return };
    let a = a.unwrap_or_default();
    let lang = o.lang;
    for m in &b {
        let Some(old) = a.iter().find(|x| x.id == m.id) else {
            let roles: Vec<&str> = m.roles.iter().map(|r| lang.role(*r)).collect();
            let text = match lang {
                Lang::En => format!("member added: {} ({})", m.name, roles.join(", ")),
                _ => format!(
                    "{}{}（{}）",
                    lang.pick("新增成員", ""),
                    m.name,
                    roles.join("、")
                ),
            };
            o.simple(
                format!("members.{}", m.id),
                None,
                Some(m.name.clone()),
                text,
            );
            continue;
        };
        for k in &m.keys {
            let shown = crate::sign::verify::abbreviate(&k.key);
            match old.keys.iter().find(|x| x.key == k.key) {
                None => {
                    let text = match lang {
                        Lang::En => format!(
                            "key added for {}: {shown} valid from {}",
                            m.name, k.valid_from
                        ),
                        Lang::Zh | Lang::ZhHans => {
                            format!("{} 新增密鑰 {shown}，{} 起生效", m.name, k.valid_from)
                        }
                    };
                    o.push(
                        format!("members.{}.keys", m.id),
                        ChangeKind::Added,
                        None,
                        Some(shown),
                        Some(&m.id),
                        text,
                    );
                }
                Some(x) if x != k => {
                    let text = match (lang, k.revoked) {
                        (Lang::En, Some(r)) => format!("key of {} {shown} revoked on {r}", m.name),
                        (Lang::Zh | Lang::ZhHans, Some(r)) => {
                            format!("{} 的密鑰 {shown} 於 {r} 吊銷", m.name)
                        }
                        (Lang::En, None) => {
                            format!("key of {} {shown} valid from {}", m.name, k.valid_from)
                        }
                        (Lang::Zh | Lang::ZhHans, None) => {
                            format!("{} 的密鑰 {shown} 自 {} 起生效", m.name, k.valid_from)
                        }
                    };
                    o.push(
                        format!("members.{}.keys", m.id),
                        ChangeKind::Modified,
                        x.revoked.map(|d| d.to_string()),
                        k.revoked.map(|d| d.to_string()),
                        Some(&m.id),
                        text,
                    );
                }
                Some(_) => {}
            }
        }
        for k in &old.keys {
            if !m.keys.iter().any(|x| x.key == k.key) {
                let shown = crate::sign::verify::abbreviate(&k.key);
                o.push(
                    format!("members.{}.keys", m.id),
                    ChangeKind::Removed,
                    Some(shown.clone()),
                    None,
                    Some(&m.id),
                    format!(
                        "{} {shown} ({})",
                        lang.pick("刪除密鑰", "key removed:"),
                        m.name
                    ),
                );
            }
        }
        let (mut x, mut y) = (json(old), json(m));
        strip(&mut x, &mut y, "keys");
        let f = format!("members.{}", m.id);
        o.generic(&f, &f, &x, &y);
    }
    for m in &a {
        if !b.iter().any(|x| x.id == m.id) {
            o.simple(
                format!("members.{}", m.id),
                Some(m.name.clone()),
                None,
                format!(
                    "{} {} {}",
                    lang.pick("刪除成員", "member removed:"),
                    m.id,
                    m.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codec::to_ron;

    fn names() -> Names {
        let mut n = Names::default();
        n.members.insert("zhangwei".into(), "張偉".into());
        n.departments
            .insert("xinfang".into(), ("信訪".into(), "petitions".into()));
        n
    }

    #[test]
    fn score_marks_diff_by_criterion() {
        let mut s = Score {
            reviewer: "zhangwei".into(),
            marks: [("W3".to_string(), Mark::Points(8.0))].into(),
            comment: String::new(),
            time: "2017-09-10T10:00:00+08:00".parse().expect("time"),
        };
        let a = to_ron(&s).expect("ron");
        s.marks.insert("W3".into(), Mark::Points(9.0));
        let b = to_ron(&s).expect("ron");
        let kind = FileKind::Score {
            id: "x".into(),
            reviewer: "zhangwei".into(),
        };
        let c = file_changes(
            "p",
            &kind,
            Some(a.as_bytes()),
            Some(b.as_bytes()),
            &names(),
            Lang::En,
        );
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].text, "W3 8 → 9 by 張偉");
        assert_eq!(c[0].field, "scores.zhangwei.marks.W3");
    }

    #[test]
    fn opinion_and_decision_read_as_sentences() {
        let mut op = Opinion {
            department: "xinfang".into(),
            stance: Stance::Approve,
            reason: String::new(),
            recorded_by: "c".into(),
            date: "2017-10-01".parse().expect("d"),
        };
        let a = to_ron(&op).expect("ron");
        op.stance = Stance::Veto;
        let b = to_ron(&op).expect("ron");
        let kind = FileKind::Opinion {
            id: "x".into(),
            department: "xinfang".into(),
        };
        let c = file_changes(
            "p",
            &kind,
            Some(a.as_bytes()),
            Some(b.as_bytes()),
            &names(),
            Lang::En,
        );
        assert_eq!(c[0].text, "opinion 信訪 approve → veto");

        let mut d = Decision {
            outcome: Outcome::Candidate,
            reason: "ok".into(),
            fraud: false,
            by: "chair".into(),
            date: "2017-12-01".parse().expect("d"),
            reopened: None,
        };
        let a = to_ron(&d).expect("ron");
        d.outcome = Outcome::Disqualified;
        d.fraud = true;
        let b = to_ron(&d).expect("ron");
        let c = file_changes(
            "p",
            &FileKind::Decision { id: "x".into() },
            Some(a.as_bytes()),
            Some(b.as_bytes()),
            &names(),
            Lang::En,
        );
        assert_eq!(c[0].text, "decision candidate → disqualified: fraud");

        // FREEZE: the same decision reopened by the chair reads as a reopening.
        let mut r = d.clone();
        r.reopened = Some(crate::model::Reopening {
            by: "chair".into(),
            date: "2017-12-02".parse().expect("d"),
            reason: "recount".into(),
        });
        let c = file_changes(
            "p",
            &FileKind::Decision { id: "x".into() },
            Some(b.as_bytes()),
            Some(to_ron(&r).expect("ron").as_bytes()),
            &names(),
            Lang::En,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "reopened: recount");
    }
}
