//! Opening a form: the fields of each kind of action, prefilled where the
//! record already holds the acting member's entry.

use crate::i18n::Lang;
use crate::model::{ActionKind, Category, Member, ObjectionStatus, Record, Snapshot};
use crate::text::display;

use super::super::super::tr;
use super::{Field, Form, Input, MarkState};

fn text(key: &str, label: String, value: &str, long: bool) -> Field {
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

fn choice(key: &str, label: String, options: Vec<(String, String)>, sel: usize) -> Field {
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
                tr(l, "評分(0-100)", "rating 0-100"),
                "",
            ),
            text("evaluation.findings", tr(l, "發現", "findings"), "", true),
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

/// The nominate form.
pub(super) fn open_nominate(cx: &OpenCx) -> Option<Form> {
    let OpenCx {
        kind, snap, me, l, ..
    } = *cx;
    let cats = snap
        .campaign
        .categories
        .iter()
        .map(|c| (c.id.clone(), display(l.pick(&c.name, &c.name_en))))
        .collect();
    let units: Vec<(String, String)> = snap
        .units
        .iter()
        .map(|u| (u.id.clone(), display(&u.name)))
        .collect();
    let sel = units.iter().position(|(id, _)| *id == me.unit).unwrap_or(0);
    Some(Form::new(
        kind,
        None,
        vec![
            text("id", tr(l, "編號", "id"), "", false),
            choice("category", tr(l, "類別", "category"), cats, 0),
            choice("unit", tr(l, "申報單位", "unit"), units, sel),
            text("nominee.name", tr(l, "名稱/姓名", "nominee"), "", false),
            text("brand", tr(l, "服務品牌", "brand"), "", false),
            flag("nominee.front_line", tr(l, "一線窗口", "front line"), true),
            text("contact.name", tr(l, "聯系人", "contact"), "", false),
            text("contact.phone", tr(l, "電話", "phone"), "", false),
            text("deeds", tr(l, "事跡", "deeds"), "", true),
        ],
    ))
}
