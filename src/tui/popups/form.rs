//! Forms: one per kind of write. A form is a list of typed fields; it builds the
//! would-be [`Action`], which is checked by the rules before anything is sent to
//! the writer. A failed check keeps every typed value and points at the field.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::i18n::Lang;
use crate::model::{
    Action, ActionKind, Category, Contact, Decision, Evaluation, EvaluationKind, Mark, Member,
    Metrics, Nomination, Nominee, Objection, ObjectionStatus, Opinion, Outcome, Record, Score,
    Snapshot, Stance, Votes,
};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::rules::{self, Refusal};
use crate::text::{display, pad, truncate, width};

use super::super::app::{App, Effect, Overlay, Pending};
use super::super::keys::Cmd;
use super::super::tr;
use super::super::view::popup;

/// What a criterion's field holds: typed points, or one of the four
/// no-score marks (Space and ←/→ cycle through them in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkState {
    Points,
    NotScored,
    Abstain,
    NotApplicable,
    Recused,
}

impl MarkState {
    pub const ALL: [MarkState; 5] = [
        MarkState::Points,
        MarkState::NotScored,
        MarkState::Abstain,
        MarkState::NotApplicable,
        MarkState::Recused,
    ];

    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            MarkState::NotScored => ("未評", "not scored"),
            MarkState::Abstain => ("棄權", "abstain"),
            MarkState::NotApplicable => ("不適用", "n/a"),
            MarkState::Recused => ("回避", "recused"),
            MarkState::Points => ("分數", "points"),
        };
        tr(lang, zh, en)
    }

    /// The next state (`forward`) or the one before, wrapping around.
    pub fn step(self, forward: bool) -> MarkState {
        let n = MarkState::ALL.len();
        let i = MarkState::ALL.iter().position(|s| *s == self).unwrap_or(0);
        MarkState::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The field's state and typed value for a recorded mark.
    fn of(mark: Option<&Mark>) -> (MarkState, String) {
        match mark {
            Some(Mark::Points(p)) => (MarkState::Points, crate::rules::text::num(*p)),
            Some(Mark::NotScored) | None => (MarkState::Points, String::new()),
            Some(Mark::Abstain) => (MarkState::Abstain, String::new()),
            Some(Mark::NotApplicable) => (MarkState::NotApplicable, String::new()),
            Some(Mark::Recused) => (MarkState::Recused, String::new()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Text {
        value: String,
        long: bool,
    },
    Number {
        value: String,
    },
    Choice {
        options: Vec<(String, String)>,
        sel: usize,
    },
    Flag(bool),
    Mark {
        value: String,
        state: MarkState,
        max: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The field path rules name in refusals (`opinion.reason`, a criterion id …).
    pub key: String,
    pub label: String,
    pub input: Input,
}

/// What is wrong with a form: the field at fault (if known) and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: ActionKind,
    pub nomination: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<FieldError>,
}

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

impl Form {
    fn new(kind: ActionKind, nomination: Option<&str>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            nomination: nomination.map(str::to_string),
            fields,
            focus: 0,
            error: None,
        }
    }

    /// The empty (or, for a score, prefilled with my marks) form of `kind`.
    pub fn open(
        kind: ActionKind,
        snap: &Snapshot,
        me: &Member,
        nomination: Option<&str>,
        lang: Lang,
    ) -> Option<Form> {
        let record = nomination.and_then(|id| snap.record(id));
        let category = record.and_then(|r| snap.campaign.category(&r.nomination.category));
        let cx = OpenCx {
            kind,
            snap,
            me,
            record,
            category,
            nomination,
            l: lang,
        };
        match kind {
            ActionKind::Score => open_score(&cx),
            ActionKind::Evaluate => open_evaluate(&cx),
            ActionKind::Opinion => open_opinion(&cx),
            ActionKind::Vote => open_vote(&cx),
            ActionKind::Object => open_object(&cx),
            ActionKind::Resolve => open_resolve(&cx),
            ActionKind::Decide => open_decide(&cx),
            ActionKind::Nominate => open_nominate(&cx),
            _ => None,
        }
    }

    pub fn title(&self, lang: Lang) -> String {
        let verb = display(lang.action(self.kind));
        match &self.nomination {
            Some(id) => format!("{verb} · {id}"),
            None => verb,
        }
    }

    fn field(&self, key: &str) -> Option<(usize, &Field)> {
        self.fields.iter().enumerate().find(|(_, f)| f.key == key)
    }

    fn text_of(&self, key: &str) -> String {
        match self.field(key).map(|(_, f)| &f.input) {
            Some(Input::Text { value, .. }) | Some(Input::Number { value }) => {
                value.trim().to_string()
            }
            _ => String::new(),
        }
    }

    fn choice_of(&self, key: &str) -> String {
        match self.field(key).map(|(_, f)| &f.input) {
            Some(Input::Choice { options, sel }) => {
                options.get(*sel).map(|o| o.0.clone()).unwrap_or_default()
            }
            _ => String::new(),
        }
    }

    fn flag_of(&self, key: &str) -> bool {
        matches!(
            self.field(key).map(|(_, f)| &f.input),
            Some(Input::Flag(true))
        )
    }

    fn err(&self, key: &str, msg: String) -> FieldError {
        FieldError {
            field: self.field(key).map(|(i, _)| i),
            message: msg,
        }
    }

    fn count(&self, key: &str, lang: Lang) -> Result<u32, FieldError> {
        let t = self.text_of(key);
        if t.is_empty() {
            return Ok(0);
        }
        t.parse::<u32>().map_err(|_| {
            self.err(
                key,
                match lang {
                    Lang::Zh => format!("「{t}」不是非負整數"),
                    Lang::En => format!("{t:?} is not a whole number"),
                },
            )
        })
    }

    /// The action this form describes, or the field at fault.
    pub fn action(
        &self,
        snap: &Snapshot,
        me: &Member,
        now: DateTime<FixedOffset>,
        lang: Lang,
    ) -> Result<Action, FieldError> {
        let day = snap.campaign.day_of(&now);
        let id = self.nomination.clone().unwrap_or_default();
        let cx = BuildCx {
            snap,
            me,
            now,
            lang,
            day,
            id,
        };
        match self.kind {
            ActionKind::Score => self.action_score(cx),
            ActionKind::Evaluate => self.action_evaluate(cx),
            ActionKind::Opinion => self.action_opinion(cx),
            ActionKind::Vote => self.action_vote(cx),
            ActionKind::Object => self.action_object(cx),
            ActionKind::Resolve => self.action_resolve(cx),
            ActionKind::Decide => self.action_decide(cx),
            ActionKind::Nominate => self.action_nominate(cx),
            _ => Err(FieldError {
                field: None,
                message: "unsupported form".into(),
            }),
        }
    }

    /// The score action of this form.
    fn action_score(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, now, lang, id, ..
        } = cx;
        let mut marks = BTreeMap::new();
        for (i, f) in self.fields.iter().enumerate() {
            if let Input::Mark { value, state, max } = &f.input {
                let mark = match state {
                    MarkState::NotScored => Mark::NotScored,
                    MarkState::Abstain => Mark::Abstain,
                    MarkState::NotApplicable => Mark::NotApplicable,
                    MarkState::Recused => Mark::Recused,
                    MarkState::Points if value.trim().is_empty() => Mark::NotScored,
                    MarkState::Points => {
                        let p: f64 = value.trim().parse().map_err(|_| FieldError {
                            field: Some(i),
                            message: match lang {
                                Lang::Zh => format!("{}:「{value}」不是數字", f.key),
                                Lang::En => format!("{}: {value:?} is not a number", f.key),
                            },
                        })?;
                        if !(0.0..=*max).contains(&p) {
                            return Err(FieldError {
                                field: Some(i),
                                message: match lang {
                                    Lang::Zh => format!("{}:{value} 超出 0..{max}", f.key),
                                    Lang::En => {
                                        format!("{}: {value} is outside 0..{max}", f.key)
                                    }
                                },
                            });
                        }
                        Mark::Points(p)
                    }
                };
                marks.insert(f.key.clone(), mark);
            }
        }
        Ok(Action::Score {
            nomination: id,
            score: Score {
                reviewer: me.id.clone(),
                marks,
                comment: self.text_of("score.comment"),
                time: now,
            },
        })
    }

    /// The evaluate action of this form.
    fn action_evaluate(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, lang, day, id, ..
        } = cx;
        let rating = self.text_of("evaluation.rating");
        let rating = if rating.is_empty() {
            None
        } else {
            Some(rating.parse::<f64>().map_err(|_| {
                self.err(
                    "evaluation.rating",
                    tr(
                        lang,
                        "評分須為 0 到 100 的數字",
                        "the rating is a number 0-100",
                    ),
                )
            })?)
        };
        let kind = match self.choice_of("evaluation.kind").as_str() {
            "unannounced" => EvaluationKind::Unannounced,
            "site-visit" => EvaluationKind::SiteVisit,
            "interview" => EvaluationKind::Interview,
            _ => EvaluationKind::Routine,
        };
        let findings = self.text_of("evaluation.findings");
        if findings.is_empty() {
            return Err(self.err(
                "evaluation.findings",
                tr(lang, "請填寫發現", "findings are required"),
            ));
        }
        Ok(Action::Evaluate {
            nomination: id,
            evaluation: Evaluation {
                kind,
                author: me.id.clone(),
                date: day,
                rating,
                findings,
                knowledge_rate: None,
                service_satisfaction: None,
                incidents: vec![],
            },
        })
    }

    /// The opinion action of this form.
    fn action_opinion(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { me, day, id, .. } = cx;
        Ok(Action::Opinion {
            nomination: id,
            opinion: Opinion {
                department: self.choice_of("opinion.department"),
                stance: match self.choice_of("opinion.stance").as_str() {
                    "veto" => Stance::Veto,
                    "concern" => Stance::Concern,
                    _ => Stance::Approve,
                },
                reason: self.text_of("opinion.reason"),
                recorded_by: me.id.clone(),
                date: day,
            },
        })
    }

    /// The vote action of this form.
    fn action_vote(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, lang, day, id, ..
        } = cx;
        Ok(Action::Vote {
            nomination: id,
            votes: Votes {
                satisfied: self.count("votes.satisfied", lang)?,
                basically_satisfied: self.count("votes.basically_satisfied", lang)?,
                dissatisfied: self.count("votes.dissatisfied", lang)?,
                recorded_by: me.id.clone(),
                date: day,
            },
        })
    }

    /// The object action of this form.
    fn action_object(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, now, lang, id, ..
        } = cx;
        let source = self.text_of("objection.source");
        if source.is_empty() {
            return Err(self.err(
                "objection.source",
                tr(lang, "請填寫來源", "the source is required"),
            ));
        }
        Ok(Action::Object {
            nomination: id,
            objection: Objection {
                filed: now,
                source,
                text: self.text_of("objection.text"),
                fraud: self.flag_of("objection.fraud"),
                recorded_by: me.id.clone(),
                status: ObjectionStatus::Open,
                resolution: None,
            },
        })
    }

    /// The resolve action of this form.
    fn action_resolve(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { day, id, .. } = cx;
        Ok(Action::Resolve {
            nomination: id,
            objection: self.choice_of("objection"),
            upheld: self.choice_of("upheld") == "upheld",
            reason: self.text_of("resolution.reason"),
            date: day,
        })
    }

    /// The decide action of this form.
    fn action_decide(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { me, day, id, .. } = cx;
        Ok(Action::Decide {
            nomination: id,
            decision: Decision {
                outcome: match self.choice_of("decision.outcome").as_str() {
                    "final" => Outcome::Final,
                    "rejected" => Outcome::Rejected,
                    "disqualified" => Outcome::Disqualified,
                    _ => Outcome::Candidate,
                },
                reason: self.text_of("decision.reason"),
                fraud: self.flag_of("decision.fraud"),
                by: me.id.clone(),
                date: day,
                reopened: None,
            },
        })
    }

    /// The nominate action of this form.
    fn action_nominate(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            snap, lang, day, ..
        } = cx;
        let nid = self.text_of("id");
        if nid.is_empty() {
            return Err(self.err("id", tr(lang, "請填寫編號", "the id is required")));
        }
        let name = self.text_of("nominee.name");
        if name.is_empty() {
            return Err(self.err(
                "nominee.name",
                tr(lang, "請填寫名稱", "the nominee is required"),
            ));
        }
        let cat_id = self.choice_of("category");
        let cat: Option<&Category> = snap.campaign.category(&cat_id);
        let brand = self.text_of("brand");
        Ok(Action::Nominate(Nomination {
            id: nid,
            category: cat_id,
            unit: self.choice_of("unit"),
            nominee: Nominee {
                kind: cat.map_or(crate::model::NomineeKind::Organisation, |c| c.nominee),
                name,
                workplace: None,
                post: None,
                front_line: self.flag_of("nominee.front_line"),
                gender: None,
                born: None,
                political_status: None,
                education: None,
            },
            brand: (!brand.is_empty()).then_some(brand),
            registered: day,
            contact: Contact {
                name: self.text_of("contact.name"),
                phone: self.text_of("contact.phone"),
            },
            deeds: self.text_of("deeds"),
            metrics: Metrics::default(),
            honours: vec![],
            media: vec![],
            activities: vec![],
            supervisors: vec![],
            evidence: vec![],
            form_filed: None,
        }))
    }

    /// The field a refusal names, if any.
    pub fn field_of(&self, r: &Refusal) -> Option<usize> {
        let key = match r {
            Refusal::PointsOutOfRange { criterion, .. } => criterion.clone(),
            Refusal::EmptyField { field, .. } | Refusal::PercentOutOfRange { field, .. } => {
                field.clone()
            }
            Refusal::NoVotes => "votes.satisfied".into(),
            Refusal::BadId { .. } | Refusal::Duplicate { .. } => "id".into(),
            Refusal::FraudNotDisqualified => "decision.outcome".into(),
            _ => return None,
        };
        self.field(&key)
            .or_else(|| self.field(key.rsplit('.').next().unwrap_or("")))
            .or_else(|| {
                // `resolution.reason` and similar: match on the last part.
                let last = key.rsplit('.').next().unwrap_or("");
                self.fields
                    .iter()
                    .enumerate()
                    .find(|(_, f)| f.key.ends_with(&format!(".{last}")))
            })
            .map(|(i, _)| i)
    }

    /// Types a character into the focused field.
    pub fn type_char(&mut self, c: char) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.input {
                Input::Text { value, .. } => value.push(c),
                Input::Number { value } => {
                    if c.is_ascii_digit() || c == '.' || c == '-' {
                        value.push(c)
                    }
                }
                Input::Mark { value, state, .. } => {
                    if c.is_ascii_digit() || c == '.' {
                        *state = MarkState::Points;
                        value.push(c);
                    }
                }
                Input::Flag(v) => {
                    if c == ' ' || c == 'y' || c == 'n' {
                        *v = c == 'y' || (c == ' ' && !*v);
                    }
                }
                Input::Choice { .. } => {}
            }
        }
    }

    pub fn backspace(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.input {
                Input::Text { value, .. } | Input::Number { value } | Input::Mark { value, .. } => {
                    value.pop();
                }
                _ => {}
            }
        }
    }

    /// Space, ← or →: the next (or previous) choice, flag or no-score state.
    pub fn change(&mut self, forward: bool) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.input {
                Input::Choice { options, sel } if !options.is_empty() => {
                    let n = options.len();
                    *sel = if forward {
                        (*sel + 1) % n
                    } else {
                        (*sel + n - 1) % n
                    };
                }
                Input::Flag(v) => *v = !*v,
                Input::Mark { state, .. } => {
                    *state = state.step(forward);
                }
                _ => {}
            }
        }
    }

    /// Whether the focused field is typed text (Space types a space there).
    pub fn focus_is_text(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(Input::Text { .. })
        )
    }

    /// The long text field under focus, for `$EDITOR`.
    pub fn long_text(&self) -> Option<String> {
        match self.fields.get(self.focus).map(|f| &f.input) {
            Some(Input::Text { value, .. }) => Some(value.clone()),
            _ => None,
        }
    }

    pub fn set_text(&mut self, text: String) {
        if let Some(Input::Text { value, .. }) =
            self.fields.get_mut(self.focus).map(|f| &mut f.input)
        {
            *value = text;
        }
    }
}

/// What opening a form reads.
#[derive(Clone, Copy)]
struct OpenCx<'a> {
    kind: ActionKind,
    snap: &'a Snapshot,
    me: &'a Member,
    record: Option<&'a Record>,
    category: Option<&'a Category>,
    nomination: Option<&'a str>,
    l: Lang,
}

/// What building a form's action reads.
struct BuildCx<'a> {
    snap: &'a Snapshot,
    me: &'a Member,
    now: DateTime<FixedOffset>,
    lang: Lang,
    day: chrono::NaiveDate,
    id: String,
}

/// The score form.
fn open_score(cx: &OpenCx) -> Option<Form> {
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
fn open_evaluate(cx: &OpenCx) -> Option<Form> {
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
fn open_opinion(cx: &OpenCx) -> Option<Form> {
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
fn open_vote(cx: &OpenCx) -> Option<Form> {
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
fn open_object(cx: &OpenCx) -> Option<Form> {
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
fn open_resolve(cx: &OpenCx) -> Option<Form> {
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
fn open_decide(cx: &OpenCx) -> Option<Form> {
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
fn open_nominate(cx: &OpenCx) -> Option<Form> {
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

/// Typing into the focused field (Enter moves on, and submits on the last);
/// `Some` when the key was taken. Nothing is typed while a write is under way.
pub fn typed(app: &mut App, key: &KeyEvent) -> Option<Option<Effect>> {
    if app.pending.is_some() {
        return None;
    }
    let Some(Overlay::Form(f)) = app.overlays.last_mut() else {
        return None;
    };
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char(c) if plain && (c != ' ' || f.focus_is_text()) => {
            f.type_char(c);
            f.error = None;
            Some(None)
        }
        KeyCode::Backspace => {
            f.backspace();
            Some(None)
        }
        KeyCode::Enter => {
            if f.focus + 1 < f.fields.len() {
                f.focus += 1;
                return Some(None);
            }
            Some(submit(app))
        }
        _ => None,
    }
}

/// The form's commands: move between fields, change a choice, `$EDITOR`,
/// submit, cancel. Nothing while a write is under way.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    if app.pending.is_some() {
        return None;
    }
    let Some(Overlay::Form(f)) = app.overlays.last_mut() else {
        return None;
    };
    let n = f.fields.len().max(1);
    match cmd {
        Cmd::NextField | Cmd::Down => f.focus = (f.focus + 1) % n,
        Cmd::PrevField | Cmd::Up => f.focus = (f.focus + n - 1) % n,
        Cmd::Change => f.change(true),
        Cmd::PrevTab => f.change(false),
        Cmd::Editor => {
            if let Some(t) = f.long_text() {
                return Some(Effect::Editor(t));
            }
        }
        Cmd::Submit => return submit(app),
        Cmd::Back => {
            app.overlays.pop();
        }
        _ => {}
    }
    None
}

/// Checks the form and, when the rules accept it, hands it to the writer.
pub fn submit(app: &mut App) -> Option<Effect> {
    let me = app.me().cloned()?;
    let (lang, now) = (app.lang(), app.session.now);
    let Some(Overlay::Form(form)) = app.overlays.last() else {
        return None;
    };
    let result = form.action(&app.snap, &me, now, lang).and_then(|a| {
        match rules::check_action(&app.snap, &me, &a, app.snap.campaign.day_of(&now)) {
            Ok(()) => Ok(a),
            Err(refusals) => {
                let field = refusals.iter().find_map(|r| form.field_of(r));
                let msg: Vec<String> = refusals
                    .iter()
                    .map(|r| display(&r.message(lang.zh())))
                    .collect();
                Err(FieldError {
                    field,
                    message: msg.join("\n"),
                })
            }
        }
    });
    let Some(Overlay::Form(form)) = app.overlays.last_mut() else {
        return None;
    };
    match result {
        Ok(action) => {
            form.error = None;
            let what = crate::act::summary(lang, &action, &display(&me.name));
            app.pending = Some(Pending {
                what: display(&what),
                frame: 0,
            });
            Some(Effect::Write(Box::new(action)))
        }
        Err(e) => {
            if let Some(i) = e.field {
                form.focus = i;
            }
            form.error = Some(e);
            None
        }
    }
}

fn input_text(app: &App, input: &Input, focused: bool, cols: usize) -> String {
    let tail = |v: &str| {
        if width(v) <= cols {
            v.to_string()
        } else {
            // Show the end of what is being typed.
            let mut out: Vec<char> = Vec::new();
            let mut used = 1;
            for c in v.chars().rev() {
                let cw = width(&c.to_string());
                if used + cw > cols {
                    break;
                }
                used += cw;
                out.push(c);
            }
            out.reverse();
            format!("…{}", out.into_iter().collect::<String>())
        }
    };
    match input {
        Input::Text { value, long } => {
            let v = display(value);
            if v.is_empty() && *long && !focused {
                app.t("(^E 用編輯器)", "(^E editor)")
            } else if focused {
                tail(&v)
            } else {
                truncate(&v, cols)
            }
        }
        Input::Number { value } => value.clone(),
        Input::Choice { options, sel } => {
            let o = options.get(*sel).map_or(String::new(), |o| o.1.clone());
            truncate(&format!("‹ {o} ›"), cols)
        }
        Input::Flag(v) => if *v { "[x]" } else { "[ ]" }.to_string(),
        Input::Mark { value, state, max } => {
            let m = rules::text::num(*max);
            if *state == MarkState::Points {
                format!("[{}] /{m}", pad(value, 5))
            } else {
                format!("[{}] /{m}", state.label(app.lang()))
            }
        }
    }
}

/// The form: one line per field (the focused one marked, its error under
/// it), then what would be committed, its files, and who signs it.
pub fn draw(app: &App, f: &mut Frame, area: Rect, form: &Form) {
    let th = app.session.theme;
    let inner = popup(
        f,
        area,
        78,
        area.height,
        &form.title(app.lang()),
        th.title(),
    );
    let w = inner.width as usize;
    if w < 10 || inner.height < 2 {
        return;
    }
    let lw = if w >= 50 { 20 } else { (w / 2).min(12) };
    let iw = w.saturating_sub(lw + 2);
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0;
    let mut cursor = None;
    for (i, fd) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if focused {
            focus_line = lines.len();
        }
        let mark = if focused { "▸" } else { " " };
        let value = input_text(app, &fd.input, focused, iw);
        let vstyle = if focused { th.selected() } else { th.plain() };
        if focused && matches!(fd.input, Input::Text { .. } | Input::Number { .. }) {
            cursor = Some((lines.len(), lw + 2 + width(&value)));
        }
        if focused {
            if let Input::Mark {
                value: v,
                state: MarkState::Points,
                ..
            } = &fd.input
            {
                cursor = Some((lines.len(), lw + 3 + width(v)));
            }
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark}{}", pad(&fd.label, lw)),
                if focused { th.key() } else { th.plain() },
            ),
            Span::raw(" "),
            Span::styled(value, vstyle),
        ]));
        if let Some(FieldError {
            field: Some(ei),
            message,
        }) = &form.error
        {
            if *ei == i {
                for m in message.lines() {
                    lines.push(Line::from(Span::styled(
                        truncate(&format!("  ✗ {m}"), w),
                        th.bad(),
                    )));
                }
            }
        }
    }
    if let Some(FieldError {
        field: None,
        message,
    }) = &form.error
    {
        for m in message.lines() {
            lines.push(Line::from(Span::styled(
                truncate(&format!("✗ {m}"), w),
                th.bad(),
            )));
        }
    }
    // What will be committed, and who signs it.
    lines.push(Line::from(Span::styled("─".repeat(w), th.dim())));
    if let Some(me) = app.me() {
        match form.action(&app.snap, me, app.session.now, app.lang()) {
            Ok(action) => {
                let summary = crate::act::summary(app.lang(), &action, &display(&me.name));
                lines.push(Line::from(vec![
                    Span::styled(app.t("提交:", "commit: "), th.dim()),
                    Span::raw(truncate(&display(&summary), w.saturating_sub(8))),
                ]));
                if let Ok(changes) =
                    crate::store::plan::plan(Some(&app.snap), &me.id, &app.session.now, &action)
                {
                    for c in changes {
                        lines.push(Line::from(Span::styled(
                            truncate(&format!("  {}", c.path), w),
                            th.dim(),
                        )));
                    }
                }
            }
            Err(e) => lines.push(Line::from(Span::styled(
                truncate(&format!("{} {}", app.t("提交:", "commit: "), e.message), w),
                th.warn(),
            ))),
        }
        let key = app
            .session
            .signer
            .clone()
            .unwrap_or_else(|| app.t("未配置簽名密鑰", "no signing key configured"));
        lines.push(Line::from(vec![
            Span::styled(app.t("簽名:", "signer: "), th.dim()),
            Span::raw(truncate(
                &format!("{} <{}> · {key}", display(&me.name), me.email),
                w.saturating_sub(8),
            )),
        ]));
        lines.push(Line::from(Span::styled(
            truncate(
                &format!(
                    "{} · {}",
                    app.session.now.format("%Y-%m-%d %H:%M %:z"),
                    app.t("^S 提交  Esc 取消", "^S submit  Esc cancel")
                ),
                w,
            ),
            th.dim(),
        )));
    }
    let h = inner.height as usize;
    let scroll = (focus_line + 2).saturating_sub(h);
    if let Some((row, col)) = cursor {
        if row >= scroll && row - scroll < h && col < w {
            f.set_cursor_position(Position::new(
                inner.x + col as u16,
                inner.y + (row - scroll) as u16,
            ));
        }
    }
    f.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

#[cfg(test)]
mod tests {
    use super::MarkState;

    #[test]
    fn mark_states_cycle_through_the_four_no_score_marks() {
        let mut s = MarkState::Points;
        let mut seen = vec![s];
        for _ in 0..4 {
            s = s.step(true);
            seen.push(s);
        }
        assert_eq!(seen, MarkState::ALL.to_vec());
        assert_eq!(s.step(true), MarkState::Points);
        assert_eq!(MarkState::Points.step(false), MarkState::Recused);
    }
}
