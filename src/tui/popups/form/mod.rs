//! Forms: one per kind of write. A form is a list of typed fields; it builds the
//! would-be [`Action`], which is checked by the rules before anything is sent to
//! the writer. A failed check keeps every typed value and points at the field.
//! Here the state and its keys; `open` the fields of each kind, `build` each
//! kind's action, `draw` the popup.

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Lang;
use crate::model::{Action, ActionKind, Mark, Member, Snapshot};
use crate::rules::{self, Refusal};
use crate::text::display;

use super::super::app::{App, Effect, Overlay, Pending};
use super::super::keys::Cmd;
use super::super::tr;

mod build;
mod draw;
mod open;

pub use draw::draw;

use build::BuildCx;
use open::OpenCx;

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
    /// The record changed under the form (another commit) since it was
    /// filled: the next submit is refused with the reason (see
    /// `App::branch_moved`).
    pub stale: bool,
}

impl Form {
    fn new(kind: ActionKind, nomination: Option<&str>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            nomination: nomination.map(str::to_string),
            fields,
            focus: 0,
            error: None,
            stale: false,
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
            ActionKind::Score => open::open_score(&cx),
            ActionKind::Evaluate => open::open_evaluate(&cx),
            ActionKind::Opinion => open::open_opinion(&cx),
            ActionKind::Vote => open::open_vote(&cx),
            ActionKind::Object => open::open_object(&cx),
            ActionKind::Resolve => open::open_resolve(&cx),
            ActionKind::Decide => open::open_decide(&cx),
            ActionKind::Nominate => open::open_nominate(&cx),
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
                    Lang::Zh | Lang::ZhHans => format!("「{t}」不是非負整數"),
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
    if let Some(Overlay::Form(form)) = app.overlays.last_mut() {
        // Told once (the error line says so); the next submit goes on.
        if std::mem::take(&mut form.stale) {
            return None;
        }
    }
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
                    .map(|r| {
                        display(&super::super::say(
                            lang,
                            &app.snap,
                            &r.message_in(Some(&app.snap), lang.zh()),
                        ))
                    })
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
            let what = crate::act::summary_in(lang, Some(&app.snap), &action, &display(&me.name));
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
