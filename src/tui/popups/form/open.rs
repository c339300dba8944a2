//! Opening a form: the fields of each kind of action, prefilled where the
//! record already holds the acting member's entry.

use crate::i18n::Lang;
use crate::model::{ActionKind, Category, Member, ObjectionStatus, Record, Snapshot};
use crate::text::display;

use super::super::super::tr;
use super::{Field, Form, Input, MarkState};

pub(super) fn text(key: &str, label: String, value: &str, long: bool) -> Field {
    Field {
        key: key.into(),
        label,
        input: Input::Text {
            value: value.into(),
            long,
        },
    }
}

fn number(key: &str, label: String, value: &str) -> Field {
    Field {
        key: key.into(),
        label,
        input: Input::Number {
            value: value.into(),
        },
    }
}

pub(super) fn choice(
    key: &str,
    label: String,
    options: Vec<(String, String)>,
    sel: usize,
) -> Field {
    Field {
        key: key.into(),
        label,
        input: Input::Choice { options, sel },
    }
}

fn flag(key: &str, label: String, v: bool) -> Field {
    Field {
        key: key.into(),
        label,
        input: Input::Flag(v),
    }
}

fn opt(code: &str, zh: &str, en: &str, lang: Lang) -> (String, String) {
    (code.to_string(), tr(lang, zh, en))
}

/// What opening a form reads.
#[derive(Clone, Copy)]
pub(super) struct OpenCx<'a> {
    pub(super) kind: ActionKind,
    pub(super) snap: &'a Snapshot,
    pub(super) me: &'a Member,
    pub(super) record: Option<&'a Record>,
    pub(super) category: Option<&'a Category>,
    pub(super) nomination: Option<&'a str>,
    pub(super) l: Lang,
}

/// The score form.
pub(super) fn open_score(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        me,
        record,
        category,
        nomination,
        l,
        ..
    } = *cx;
    let cat = category?;
    let mine = record.and_then(|r| r.scores.get(&me.id));
    let mut fields: Vec<Field> = cat
        .criteria
        .iter()
        .map(|c| {
            let (state, value) = MarkState::of(mine.and_then(|s| s.marks.get(&c.id)));
            Field {
                key: c.id.clone(),
                label: format!("{} {}", c.id, display(l.pick(&c.title, &c.title_en))),
                input: Input::Mark {
                    value,
                    state,
                    max: c.max,
                },
            }
        })
        .collect();
    fields.push(text(
        "score.comment",
        tr(l, "評語", "comment"),
        mine.map_or("", |s| s.comment.as_str()),
        true,
    ));
    Some(Form::new(kind, nomination, fields))
}

/// The evaluate form.
pub(super) fn open_evaluate(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            choice(
                "evaluation.kind",
                tr(l, "類型", "kind"),
                vec![
                    opt("routine", "日常測評", "routine", l),
                    opt("unannounced", "明察暗訪", "unannounced", l),
                    opt("site-visit", "實地考察", "site visit", l),
                    opt("interview", "座談走訪", "interview", l),
                ],
                0,
            ),
            number(
                "evaluation.rating",
                tr(l, "評分（0-100）", "rating 0-100"),
                "",
            ),
            text("evaluation.findings", tr(l, "發現", "findings"), "", true),
            // GATE-WINDOW-KNOW / GATE-WINDOW-SAT read these from an
            // inspection as `evaluate --knowledge-rate/--service-satisfaction` does.
            number(
                "evaluation.knowledge_rate",
                tr(l, "應知應會率（%）", "knowledge rate (%)"),
                "",
            ),
            number(
                "evaluation.service_satisfaction",
                tr(l, "服務滿意率（%）", "service satisfaction (%)"),
                "",
            ),
        ],
    ))
}

/// The opinion form.
pub(super) fn open_opinion(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        snap,
        record,
        nomination,
        l,
        ..
    } = *cx;
    let depts = snap
        .campaign
        .departments
        .iter()
        .map(|d| (d.id.clone(), display(l.pick(&d.name, &d.name_en))))
        .collect::<Vec<_>>();
    // The first department that has not answered yet.
    let sel = depts
        .iter()
        .position(|(id, _)| record.is_some_and(|r| !r.opinions.contains_key(id)))
        .unwrap_or(0);
    Some(Form::new(
        kind,
        nomination,
        vec![
            choice(
                "opinion.department",
                tr(l, "部門", "department"),
                depts,
                sel,
            ),
            choice(
                "opinion.stance",
                tr(l, "意見", "stance"),
                vec![
                    opt("approve", "同意", "approve", l),
                    opt("concern", "有保留", "concern", l),
                    opt("veto", "否決", "veto", l),
                ],
                0,
            ),
            text("opinion.reason", tr(l, "理由", "reason"), "", true),
        ],
    ))
}

/// The vote form.
pub(super) fn open_vote(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            number("votes.satisfied", tr(l, "滿意", "satisfied"), ""),
            number(
                "votes.basically_satisfied",
                tr(l, "基本滿意", "basically satisfied"),
                "",
            ),
            number("votes.dissatisfied", tr(l, "不滿意", "dissatisfied"), ""),
        ],
    ))
}

/// The object form.
pub(super) fn open_object(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            text("objection.source", tr(l, "來源", "source"), "", false),
            text("objection.text", tr(l, "內容", "text"), "", true),
            flag(
                "objection.fraud",
                tr(l, "舉報弄虛作假", "fraud report"),
                false,
            ),
        ],
    ))
}

/// The resolve form.
pub(super) fn open_resolve(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        record,
        nomination,
        l,
        ..
    } = *cx;
    let open: Vec<(String, String)> = record?
        .objections
        .iter()
        .filter(|(_, o)| o.status == ObjectionStatus::Open)
        .map(|(stem, o)| (stem.clone(), format!("{stem} {}", display(&o.source))))
        .collect();
    if open.is_empty() {
        return None;
    }
    Some(Form::new(
        kind,
        nomination,
        vec![
            choice("objection", tr(l, "異議", "objection"), open, 0),
            choice(
                "upheld",
                tr(l, "結論", "finding"),
                vec![
                    opt("dismissed", "不成立", "dismissed", l),
                    opt("upheld", "成立", "upheld", l),
                ],
                0,
            ),
            text("resolution.reason", tr(l, "理由", "reason"), "", true),
        ],
    ))
}

/// The decide form.
pub(super) fn open_decide(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            choice(
                "decision.outcome",
                tr(l, "決定", "outcome"),
                vec![
                    opt("candidate", "候選", "candidate", l),
                    opt("final", "當選", "final", l),
                    opt("rejected", "落選", "rejected", l),
                    opt("disqualified", "取消資格", "disqualified", l),
                ],
                0,
            ),
            text("decision.reason", tr(l, "理由", "reason"), "", true),
            flag("decision.fraud", tr(l, "弄虛作假", "fraud"), false),
        ],
    ))
}

/// The lists of a nomination whose entries the nominate form adds and removes.
pub(super) const LISTS: [&str; 6] = [
    "metrics.incidents",
    "honours",
    "media",
    "evidence",
    "activities",
    "supervisors",
];

pub(super) fn date(key: &str, label: String, value: &str) -> Field {
    Field {
        key: key.into(),
        label,
        input: Input::Date {
            value: value.into(),
        },
    }
}

fn levels(l: Lang) -> Vec<(String, String)> {
    use crate::model::Level::*;
    [National, Provincial, Prefectural, Municipal, Other]
        .into_iter()
        .map(|v| {
            (
                format!("{v:?}"),
                crate::export::form::level(v, l).to_string(),
            )
        })
        .collect()
}

fn incident_kinds(l: Lang) -> Vec<(String, String)> {
    use crate::model::IncidentKind::*;
    [
        Complaint,
        NegativeImpact,
        LiabilityAccident,
        SafetyAccident,
        Violation,
    ]
    .into_iter()
    .map(|v| {
        (
            format!("{v:?}"),
            crate::export::form::incident(v, l).to_string(),
        )
    })
    .collect()
}

/// The name of a list, and of its part `part`, in `l`.
fn list_words(list: &str, part: &str, l: Lang) -> (String, String) {
    let (zh, en) = match list {
        "metrics.incidents" => ("事件", "incident"),
        "honours" => ("榮譽", "honour"),
        "media" => ("報道", "report"),
        "evidence" => ("證明材料", "evidence"),
        "activities" => ("活動", "activity"),
        _ => ("監督員", "supervisor"),
    };
    let (pzh, pen) = match (list, part) {
        (_, "kind") => ("類型", "kind"),
        (_, "date") => ("日期", "date"),
        (_, "description") => ("經過", "what happened"),
        ("honours", "title") => ("稱號", "title"),
        (_, "level") => ("級別", "level"),
        (_, "since") => ("獲得年份", "held since (year)"),
        (_, "outlet") => ("媒體", "outlet"),
        ("media", "title") => ("標題", "headline"),
        ("evidence", "title") => ("材料名稱", "document"),
        (_, "reference") => ("存放處/編號", "kept at (ref.)"),
        (_, "summary") => ("內容", "summary"),
        (_, "name") => ("姓名", "name"),
        (_, "affiliation") => ("單位", "affiliation"),
        _ => ("", ""),
    };
    (tr(l, zh, en), tr(l, pzh, pen))
}

/// The label of part `part` of entry `n` of `list` (`榮譽 1 稱號`).
pub(super) fn entry_label(list: &str, n: usize, part: &str, l: Lang) -> String {
    let (name, part) = list_words(list, part, l);
    format!("{name} {} {part}", n + 1)
}

/// The empty fields of entry `n` of `list`.
pub(super) fn entry_fields(list: &str, n: usize, l: Lang) -> Vec<Field> {
    let parts: &[&str] = match list {
        "metrics.incidents" => &["kind", "date", "description"],
        "honours" => &["title", "level", "since"],
        "media" => &["outlet", "level", "date", "title"],
        "evidence" => &["title", "reference"],
        "activities" => &["date", "summary"],
        _ => &["name", "affiliation"],
    };
    parts
        .iter()
        .map(|part| {
            let key = format!("{list}.{n}.{part}");
            let label = entry_label(list, n, part, l);
            match *part {
                "kind" => choice(&key, label, incident_kinds(l), 0),
                "level" => choice(&key, label, levels(l), 3),
                "date" => date(&key, label, ""),
                "since" => number(&key, label, ""),
                "description" | "summary" => text(&key, label, "", true),
                _ => text(&key, label, "", false),
            }
        })
        .collect()
}

/// The "add" row of `list`.
fn add_row(list: &str, l: Lang) -> Field {
    let (name, _) = list_words(list, "", l);
    Field {
        key: format!("{list}.add"),
        label: format!("+ {name}"),
        input: Input::Add { list: list.into() },
    }
}

/// The next free id of `category`: `<year>-<category>-<NNN>`, one above the
/// highest number of the category's ids of that year.
pub fn propose_id(snap: &Snapshot, category: &str) -> String {
    use chrono::Datelike;
    let prefix = format!("{}-{category}-", snap.campaign.issued.year());
    let next = snap
        .records
        .keys()
        .filter_map(|id| id.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    format!("{prefix}{next:03}")
}

/// The years of 行風評議 satisfaction the campaign's gates read (the years
/// before the campaign year).
fn appraisal_years(snap: &Snapshot) -> Vec<i32> {
    use chrono::Datelike;
    let n = snap
        .campaign
        .categories
        .iter()
        .flat_map(|c| &c.gates)
        .filter_map(|g| match g.metric {
            crate::model::Metric::AppraisalSatisfaction { years } => Some(years),
            _ => None,
        })
        .max()
        .unwrap_or(2)
        .clamp(1, 10) as i32;
    let y = snap.campaign.issued.year();
    ((y - n)..y).collect()
}

/// The nominate form: every field of `nomination.ron`. The id is proposed,
/// the unit is searched among those the clerk reports for (REPORTING-UNIT),
/// and the lists (incidents, honours, media, evidence, activities,
/// supervisors) grow and shrink in place.
pub(super) fn open_nominate(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind, snap, me, l, ..
    } = *cx;
    let cats: Vec<(String, String)> = snap
        .campaign
        .categories
        .iter()
        .map(|c| (c.id.clone(), display(l.pick(&c.name, &c.name_en))))
        .collect();
    let office = &snap.campaign.office_unit;
    let units: Vec<(String, String)> = snap
        .units
        .iter()
        .filter(|u| crate::rules::roles::acts_for_unit(&snap.units, me, office, &u.id))
        .map(|u| (u.id.clone(), display(&u.name)))
        .collect();
    let sel = units.iter().position(|(id, _)| *id == me.unit).unwrap_or(0);
    let first = cats.first().map(|c| c.0.clone()).unwrap_or_default();
    let front = snap
        .campaign
        .category(&first)
        .is_some_and(|c| c.requires_front_line);
    let id = propose_id(snap, &first);
    let mut fields = vec![
        choice("category", tr(l, "類別", "category"), cats, 0),
        text("id", tr(l, "編號", "id"), &id, false),
        Field {
            key: "unit".into(),
            label: tr(l, "申報單位（可搜索）", "unit (type to search)"),
            input: Input::Pick {
                options: units,
                sel,
                query: String::new(),
            },
        },
        text("nominee.name", tr(l, "名稱/姓名", "nominee"), "", false),
        flag("nominee.front_line", tr(l, "一線", "front line"), front),
        text("brand", tr(l, "服務品牌", "service brand"), "", false),
        text(
            "nominee.workplace",
            tr(l, "工作單位/上級", "workplace"),
            "",
            false,
        ),
        text("nominee.post", tr(l, "職務", "post"), "", false),
        text("nominee.gender", tr(l, "性別", "gender"), "", false),
        text("nominee.born", tr(l, "出生年月", "born"), "", false),
        text(
            "nominee.political_status",
            tr(l, "政治面貌", "political status"),
            "",
            false,
        ),
        text("nominee.education", tr(l, "學歷", "education"), "", false),
        text("contact.name", tr(l, "聯系人", "contact"), "", false),
        text("contact.phone", tr(l, "電話", "phone"), "", false),
        text("deeds", tr(l, "事跡", "deeds"), "", true),
    ];
    for y in appraisal_years(snap) {
        fields.push(number(
            &format!("metrics.appraisal_satisfaction.{y}"),
            match l {
                Lang::En => format!("appraisal {y} (%)"),
                _ => format!("{y}年行風評議滿意率（%）"),
            },
            "",
        ));
    }
    fields.push(number(
        "metrics.service_satisfaction",
        tr(l, "服務滿意率（%）", "service satisfaction (%)"),
        "",
    ));
    fields.push(number(
        "metrics.knowledge_rate",
        tr(l, "應知應會率（%）", "knowledge rate (%)"),
        "",
    ));
    for list in LISTS {
        fields.push(add_row(list, l));
    }
    fields.push(date(
        "form_filed",
        tr(l, "申報表報送日期", "form filed on"),
        "",
    ));
    let mut form = Form::new(kind, None, fields);
    form.proposed = Some(id);
    Some(form)
}

/// The activity form (ACTIVITY): the day (empty: today) and what was done.
pub(super) fn open_activity(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            date(
                "activity.date",
                tr(l, "日期（空=今天）", "date (empty: today)"),
                "",
            ),
            text("activity.summary", tr(l, "內容", "summary"), "", true),
        ],
    ))
}

/// The supervisor form (ACTIVITY): who was appointed, from where.
pub(super) fn open_supervisor(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![
            text("supervisor.name", tr(l, "姓名", "name"), "", false),
            text(
                "supervisor.affiliation",
                tr(l, "單位", "affiliation"),
                "",
                false,
            ),
        ],
    ))
}

/// The filed application form (FORM-DEADLINE): the day it was filed.
pub(super) fn open_file_form(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind,
        nomination,
        l,
        ..
    } = *cx;
    Some(Form::new(
        kind,
        nomination,
        vec![date(
            "file_form.date",
            tr(l, "報送日期（空=今天）", "filed on (empty: today)"),
            "",
        )],
    ))
}

/// Withdrawing my score: nothing to fill; the form shows what is deleted.
pub(super) fn open_withdraw(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind, nomination, ..
    } = *cx;
    Some(Form::new(kind, nomination, vec![]))
}
