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
mod chair;
mod draw;
mod edit;
mod open;
mod prefill;

pub use chair::{campaign_wide, fit_to_screen, tie_category};

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
    /// One of many options found by typing (the same fuzzy pinyin search as
    /// the list): typing narrows `query`, Space/←→ move among the matches.
    Pick {
        options: Vec<(String, String)>,
        sel: usize,
        query: String,
    },
    /// A day, `YYYY-MM-DD` (empty: none).
    Date {
        value: String,
    },
    /// The row that adds an entry to the list `list` (`honours`, `media` …):
    /// Enter or Space adds one; ^D on an entry's field removes that entry.
    Add {
        list: String,
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
    /// The fields as opened: Esc on a changed form asks first.
    pub pristine: Vec<Field>,
    /// The focus just arrived: the first digit typed into a number replaces it.
    pub fresh: bool,
    /// Esc was pressed on a changed form: `y` throws the edits away, `n` goes on.
    pub confirm_discard: bool,
    /// A submit was tried: every field's problem is shown, not only changed ones'.
    pub tried: bool,
    /// The language the form's labels are in (for entries added to lists).
    pub lang: Lang,
    /// The id the form proposed (a nominate form): replaced when the category
    /// changes while the id is still the proposal.
    pub proposed: Option<String>,
}

impl Form {
    fn new(kind: ActionKind, nomination: Option<&str>, fields: Vec<Field>) -> Form {
        Form {
            kind,
            nomination: nomination.map(str::to_string),
            pristine: fields.clone(),
            fields,
            focus: 0,
            error: None,
            stale: false,
            fresh: true,
            confirm_discard: false,
            tried: false,
            lang: Lang::default(),
            proposed: None,
        }
    }

    /// Takes what the form holds now as its starting point: a form the
    /// program filled in (the category of the screen, a set-aside action,
    /// the objection under the cursor) closes on Esc without asking.
    pub fn settle(&mut self) {
        self.pristine = self.fields.clone();
    }

    /// Whether anything was changed since the form opened.
    pub fn changed(&self) -> bool {
        self.fields != self.pristine
    }

    /// Moves the focus to field `i` (the next digit typed replaces a number).
    pub fn focus_on(&mut self, i: usize) {
        if i != self.focus {
            self.fresh = true;
        }
        self.focus = i;
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
        let form = match kind {
            ActionKind::Score => open::open_score(&cx),
            ActionKind::Evaluate => open::open_evaluate(&cx),
            ActionKind::Opinion => open::open_opinion(&cx),
            ActionKind::Vote => open::open_vote(&cx),
            ActionKind::Object => open::open_object(&cx),
            ActionKind::Resolve => open::open_resolve(&cx),
            ActionKind::Decide => open::open_decide(&cx),
            ActionKind::Nominate => open::open_nominate(&cx),
            ActionKind::Reopen => chair::open_reopen(&cx),
            ActionKind::Publish => chair::open_publish(&cx),
            ActionKind::TieOrder => chair::open_tie_order(&cx),
            ActionKind::Exception => chair::open_exception(&cx),
            ActionKind::Override => chair::open_override(&cx),
            ActionKind::Members => chair::open_key(&cx),
            ActionKind::Activity => open::open_activity(&cx),
            ActionKind::Supervisor => open::open_supervisor(&cx),
            ActionKind::FileForm => open::open_file_form(&cx),
            ActionKind::Withdraw => open::open_withdraw(&cx),
            _ => None,
        };
        form.map(|mut f| {
            f.lang = lang;
            // Nominate on a registered record: its correction, filled.
            if let (ActionKind::Nominate, Some(r)) = (kind, record) {
                f.hold_nomination(&r.nomination);
                f.settle();
            }
            f
        })
    }

    pub fn title(&self, lang: Lang) -> String {
        let verb = if self.kind == ActionKind::Nominate && self.nomination.is_some() {
            super::super::tr(lang, "修改申報", "correct nomination")
        } else {
            display(lang.action(self.kind))
        };
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
            Some(Input::Text { value, .. })
            | Some(Input::Number { value })
            | Some(Input::Date { value }) => value.trim().to_string(),
            _ => String::new(),
        }
    }

    fn choice_of(&self, key: &str) -> String {
        match self.field(key).map(|(_, f)| &f.input) {
            Some(Input::Choice { options, sel }) | Some(Input::Pick { options, sel, .. }) => {
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
            ActionKind::Reopen => self.action_reopen(cx),
            ActionKind::Publish => self.action_publish(cx),
            ActionKind::TieOrder => self.action_tie_order(cx),
            ActionKind::Exception => self.action_exception(cx),
            ActionKind::Override => self.action_override(cx),
            ActionKind::Members => self.action_key(cx),
            ActionKind::Activity => self.action_activity(cx),
            ActionKind::Supervisor => self.action_supervisor(cx),
            ActionKind::FileForm => self.action_file_form(cx),
            ActionKind::Withdraw => self.action_withdraw(cx),
            _ => Err(FieldError {
                field: None,
                message: "unsupported form".into(),
            }),
        }
    }

    /// Everything wrong with the form as it stands: the field at fault of the
    /// action it builds, or each rule's refusal of that action (at the field
    /// it names, when it names one). Empty when a submit would be accepted.
    pub fn problems(
        &self,
        snap: &Snapshot,
        me: &Member,
        now: DateTime<FixedOffset>,
        lang: Lang,
    ) -> Vec<FieldError> {
        match self.action(snap, me, now, lang) {
            Err(e) => vec![e],
            Ok(a) => match rules::check_action(snap, me, &a, snap.campaign.day_of(&now)) {
                Ok(()) => Vec::new(),
                Err(refusals) => refusals
                    .iter()
                    .map(|r| FieldError {
                        field: self.field_of(r),
                        message: display(&super::super::say(
                            lang,
                            snap,
                            &r.message_in(Some(snap), lang.zh()),
                        )),
                    })
                    .collect(),
            },
        }
    }

    /// A copy of the form filled in with plausible values (a word in each
    /// empty text, 1 in each empty number) and, trying every combination of
    /// its choices and both settings of its flags, one the rules accept.
    /// `Err` with the reasons when every combination is refused for a reason
    /// no typing can cure (role, phase, quota, conflict, freeze …); a form
    /// refused only for curable reasons comes back as the best try.
    pub fn fill(
        &self,
        snap: &Snapshot,
        me: &Member,
        now: DateTime<FixedOffset>,
        lang: Lang,
    ) -> Result<Form, String> {
        self.fill_counted(snap, me, now, lang).0
    }

    /// [`Form::fill`], with how many fillings it tried (the action menu's
    /// cost, issue 18: at most 2 × 4096).
    pub fn fill_counted(
        &self,
        snap: &Snapshot,
        me: &Member,
        now: DateTime<FixedOffset>,
        lang: Lang,
    ) -> (Result<Form, String>, usize) {
        const MAX_TRIES: usize = 4096;
        let mut tried = 0;
        let mut base = self.clone();
        for f in &mut base.fields {
            match &mut f.input {
                Input::Text { value, .. } if value.trim().is_empty() => {
                    *value = tr(lang, "測試", "test")
                }
                Input::Number { value } if value.trim().is_empty() => *value = "1".into(),
                _ => {}
            }
        }
        let radix: Vec<(usize, usize)> = base
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.input {
                Input::Choice { options, .. } | Input::Pick { options, .. } => {
                    Some((i, options.len().max(1)))
                }
                _ => None,
            })
            .collect();
        let combos: usize = radix
            .iter()
            .try_fold(1usize, |acc, (_, n)| acc.checked_mul(*n))
            .unwrap_or(usize::MAX)
            .min(MAX_TRIES);
        let has_flags = base
            .fields
            .iter()
            .any(|f| matches!(f.input, Input::Flag(_)));
        let day = snap.campaign.day_of(&now);
        let mut curable: Option<Form> = None;
        let mut hard: Option<String> = None;
        let flag_values: &[bool] = if has_flags { &[false, true] } else { &[false] };
        for flags in flag_values {
            for k in 0..combos {
                tried += 1;
                let mut form = base.clone();
                let mut rest = k;
                for (i, n) in &radix {
                    if let Some(Input::Choice { sel, .. } | Input::Pick { sel, .. }) =
                        form.fields.get_mut(*i).map(|f| &mut f.input)
                    {
                        *sel = rest % n;
                    }
                    rest /= n;
                }
                if has_flags {
                    for f in &mut form.fields {
                        if let Input::Flag(v) = &mut f.input {
                            *v = *flags;
                        }
                    }
                }
                let Some(action) = form.action_filling(self, snap, me, now, day, lang) else {
                    curable.get_or_insert(form);
                    continue;
                };
                match rules::check_action(snap, me, &action, day) {
                    Ok(()) => return (Ok(form), tried),
                    Err(refusals) => {
                        let reasons: Vec<String> = refusals
                            .iter()
                            .filter(|r| !r.is_curable())
                            .map(|r| {
                                display(&super::super::say(
                                    lang,
                                    snap,
                                    &r.message_in(Some(snap), lang.zh()),
                                ))
                            })
                            .collect();
                        if reasons.is_empty() {
                            curable.get_or_insert(form);
                        } else {
                            hard.get_or_insert(reasons.join("; "));
                        }
                    }
                }
            }
        }
        let result = match (curable, hard) {
            (Some(f), _) => Ok(f),
            (None, Some(why)) => Err(why),
            (None, None) => Ok(base),
        };
        (result, tried)
    }

    /// The action of a filling, mended one field at a time: a day it needs
    /// and the filling left empty (an exception's end, say) is taken as
    /// `day`; a text the filling typed where the form (`empty`) had none and
    /// the form refuses (publish's candidates, empty meaning all) is emptied.
    fn action_filling(
        &mut self,
        empty: &Form,
        snap: &Snapshot,
        me: &Member,
        now: DateTime<FixedOffset>,
        day: chrono::NaiveDate,
        lang: Lang,
    ) -> Option<Action> {
        loop {
            let err = match self.action(snap, me, now, lang) {
                Ok(a) => return Some(a),
                Err(e) => e,
            };
            match err
                .field
                .and_then(|i| self.fields.get_mut(i))
                .map(|f| &mut f.input)
            {
                Some(Input::Date { value }) if value.trim().is_empty() => {
                    *value = day.format("%Y-%m-%d").to_string()
                }
                Some(Input::Text { value, .. })
                    if !value.is_empty()
                        && err.field.and_then(|i| empty.fields.get(i)).is_some_and(
                            |f| matches!(&f.input, Input::Text { value, .. } if value.is_empty()),
                        ) =>
                {
                    value.clear()
                }
                _ => return None,
            }
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
        // `evidence[0].title` names the field `evidence.0.title`.
        let key = key.replace('[', ".").replace(']', "");
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

    /// Chooses the option `code` of the choice or search field `key`, if it
    /// has one.
    pub fn choose(&mut self, key: &str, code: &str) {
        if let Some(Input::Choice { options, sel } | Input::Pick { options, sel, .. }) = self
            .fields
            .iter_mut()
            .find(|f| f.key == key)
            .map(|f| &mut f.input)
        {
            if let Some(i) = options.iter().position(|(c, _)| c == code) {
                *sel = i;
            }
        }
    }

    /// Types a character into the focused field. The first digit typed into
    /// a filled number, mark or date right after the focus arrived replaces
    /// it; the next ones append.
    pub fn type_char(&mut self, c: char) {
        let fresh = std::mem::take(&mut self.fresh);
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.input {
                Input::Text { value, .. } => value.push(c),
                Input::Number { value } => {
                    if c.is_ascii_digit() || c == '.' || c == '-' {
                        if fresh {
                            value.clear();
                        }
                        value.push(c);
                    }
                }
                Input::Date { value } => {
                    if c.is_ascii_digit() || c == '-' {
                        if fresh {
                            value.clear();
                        }
                        value.push(c);
                    }
                }
                Input::Mark { value, state, .. } => {
                    if c.is_ascii_digit() || c == '.' {
                        if fresh || *state != MarkState::Points {
                            value.clear();
                        }
                        *state = MarkState::Points;
                        value.push(c);
                    }
                }
                Input::Flag(v) => {
                    if c == ' ' || c == 'y' || c == 'n' {
                        *v = c == 'y' || (c == ' ' && !*v);
                    }
                }
                Input::Pick {
                    options,
                    sel,
                    query,
                } => {
                    if !c.is_whitespace() {
                        query.push(c);
                        if let Some(first) = pick_matches(options, query).first() {
                            *sel = *first;
                        }
                    }
                }
                Input::Choice { .. } | Input::Add { .. } => {}
            }
        }
    }

    pub fn backspace(&mut self) {
        self.fresh = false;
        if let Some(f) = self.fields.get_mut(self.focus) {
            match &mut f.input {
                Input::Text { value, .. }
                | Input::Number { value }
                | Input::Mark { value, .. }
                | Input::Date { value } => {
                    value.pop();
                }
                Input::Pick {
                    options,
                    sel,
                    query,
                } => {
                    query.pop();
                    let m = pick_matches(options, query);
                    if !m.contains(sel) {
                        if let Some(first) = m.first() {
                            *sel = *first;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Space, ← or →: the next (or previous) choice, flag, no-score state or
    /// match of a search; on an "add" row, a new entry.
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
                Input::Pick {
                    options,
                    sel,
                    query,
                } => {
                    let m = pick_matches(options, query);
                    if !m.is_empty() {
                        let n = m.len();
                        let i = m.iter().position(|x| x == sel).unwrap_or(0);
                        *sel = m[if forward {
                            (i + 1) % n
                        } else {
                            (i + n - 1) % n
                        }];
                    }
                }
                Input::Add { list } => {
                    let list = list.clone();
                    self.add_entry(&list);
                }
                _ => {}
            }
        }
    }

    /// The number of entries of the list `list` in the form.
    pub fn entries(&self, list: &str) -> usize {
        let prefix = format!("{list}.");
        self.fields
            .iter()
            .filter_map(|f| f.key.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('.').next()?.parse::<usize>().ok())
            .map(|n| n + 1)
            .max()
            .unwrap_or(0)
    }

    /// Adds an empty entry to `list` just before its "add" row and focuses it.
    pub fn add_entry(&mut self, list: &str) {
        let n = self.entries(list);
        let new = open::entry_fields(list, n, self.lang);
        let at = self
            .fields
            .iter()
            .position(|f| matches!(&f.input, Input::Add { list: l } if l == list))
            .unwrap_or(self.fields.len());
        let first = at;
        for (k, f) in new.into_iter().enumerate() {
            self.fields.insert(at + k, f);
        }
        self.focus_on(first);
    }

    /// Removes the list entry the focused field belongs to (^D); `false` when
    /// the focus is on no entry.
    pub fn remove_entry(&mut self) -> bool {
        let Some(key) = self.fields.get(self.focus).map(|f| f.key.clone()) else {
            return false;
        };
        // `honours.1.title`, `metrics.incidents.0.kind`: the list, the entry.
        let entry_of = |key: &str| -> Option<(&'static str, usize, String)> {
            open::LISTS.iter().find_map(|list| {
                let rest = key.strip_prefix(list)?.strip_prefix('.')?;
                let (n, part) = rest.split_once('.')?;
                Some((*list, n.parse().ok()?, part.to_string()))
            })
        };
        let Some((list, n, _)) = entry_of(&key) else {
            return false;
        };
        self.fields
            .retain(|f| !matches!(entry_of(&f.key), Some((l, m, _)) if l == list && m == n));
        // Later entries move up one place.
        for f in &mut self.fields {
            if let Some((l, m, part)) = entry_of(&f.key) {
                if l == list && m > n {
                    f.key = format!("{list}.{}.{part}", m - 1);
                    f.label = open::entry_label(list, m - 1, &part, self.lang);
                }
            }
        }
        let focus = self.focus.min(self.fields.len().saturating_sub(1));
        self.focus_on(focus);
        self.fresh = true;
        true
    }

    /// Whether the focused field is typed text (Space types a space there).
    pub fn focus_is_text(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(Input::Text { .. })
        )
    }

    /// Whether the focused field takes typed characters for itself (a text,
    /// number, date or search); elsewhere `y`/`n` and Space act as keys.
    pub fn focus_types(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(
                Input::Text { .. }
                    | Input::Number { .. }
                    | Input::Date { .. }
                    | Input::Pick { .. }
                    | Input::Mark { .. }
            )
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

/// The options of a search field matching `query`, best first (all of
/// them, in order, for an empty query): by name, pinyin, initials or id.
pub fn pick_matches(options: &[(String, String)], query: &str) -> Vec<usize> {
    let q = crate::search::normalise(query);
    if q.is_empty() {
        return (0..options.len()).collect();
    }
    let searcher = crate::search::Searcher::default();
    let mut scored: Vec<(i64, usize)> = options
        .iter()
        .enumerate()
        .filter_map(|(i, (id, name))| {
            let by_name = searcher.score(&crate::search::Key::new(name), &q, false);
            let by_id = id.contains(&q).then_some(0);
            by_name.or(by_id).map(|s| (s, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// After a change of the focused field: a nominate form's id follows its
/// category while it is still the proposal, and so does the front-line flag
/// while untouched.
fn after_change(app: &mut App) {
    let snap = &app.snap;
    let Some(Overlay::Form(f)) = app.overlays.last_mut() else {
        return;
    };
    if f.kind != ActionKind::Nominate
        || f.fields.get(f.focus).map(|x| x.key.as_str()) != Some("category")
    {
        return;
    }
    let cat = f.choice_of("category");
    let next = open::propose_id(snap, &cat);
    if f.proposed.is_some() && f.proposed.as_deref() == Some(f.text_of("id").as_str()) {
        if let Some(Input::Text { value, .. }) = f
            .fields
            .iter_mut()
            .find(|x| x.key == "id")
            .map(|x| &mut x.input)
        {
            *value = next.clone();
        }
        f.proposed = Some(next);
    }
    let front = snap
        .campaign
        .category(&cat)
        .is_some_and(|c| c.requires_front_line);
    let untouched = f.field("nominee.front_line").map(|(_, x)| &x.input)
        == f.pristine
            .iter()
            .find(|x| x.key == "nominee.front_line")
            .map(|x| &x.input);
    if untouched {
        if let Some(Input::Flag(v)) = f
            .fields
            .iter_mut()
            .find(|x| x.key == "nominee.front_line")
            .map(|x| &mut x.input)
        {
            *v = front;
        }
        if let Some(Input::Flag(v)) = f
            .pristine
            .iter_mut()
            .find(|x| x.key == "nominee.front_line")
            .map(|x| &mut x.input)
        {
            *v = front;
        }
    }
}

/// Typing into the focused field (Enter moves on, and submits on the last);
/// `Some` when the key was taken. Nothing is typed while a write is under way.
/// While Esc's question is open, `y` throws the edits away and `n` (or Esc)
/// goes back to the form.
pub fn typed(app: &mut App, key: &KeyEvent) -> Option<Option<Effect>> {
    if app.pending.is_some() {
        return None;
    }
    let Some(Overlay::Form(f)) = app.overlays.last_mut() else {
        return None;
    };
    let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
    if f.confirm_discard {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                app.overlays.pop();
            }
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => f.confirm_discard = false,
            _ => {}
        }
        return Some(None);
    }
    match key.code {
        KeyCode::Char(c) if plain && (c != ' ' || f.focus_is_text()) => {
            f.type_char(c);
            if f.error.take().is_some() {
                f.tried = true;
            }
            Some(None)
        }
        KeyCode::Backspace => {
            f.backspace();
            if f.error.take().is_some() {
                f.tried = true;
            }
            Some(None)
        }
        KeyCode::Enter => {
            if let Some(Field {
                input: Input::Add { list },
                ..
            }) = f.fields.get(f.focus)
            {
                let list = list.clone();
                f.add_entry(&list);
                return Some(None);
            }
            if f.focus + 1 < f.fields.len() {
                let next = f.focus + 1;
                f.focus_on(next);
                return Some(None);
            }
            Some(submit(app))
        }
        _ => None,
    }
}

/// The form's commands: move between fields, change a choice, `$EDITOR`,
/// submit, cancel (asking first when something was changed). Nothing while a
/// write is under way.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    if app.pending.is_some() {
        return None;
    }
    let Some(Overlay::Form(f)) = app.overlays.last_mut() else {
        return None;
    };
    let n = f.fields.len().max(1);
    match cmd {
        Cmd::NextField | Cmd::Down => f.focus_on((f.focus + 1) % n),
        Cmd::PrevField | Cmd::Up => f.focus_on((f.focus + n - 1) % n),
        Cmd::Change | Cmd::PrevTab => {
            f.change(cmd == Cmd::Change);
            if f.error.take().is_some() {
                f.tried = true;
            }
            after_change(app);
        }
        Cmd::Editor => {
            if let Some(t) = f.long_text() {
                return Some(Effect::Editor(t));
            }
        }
        Cmd::Submit => return submit(app),
        Cmd::RemoveEntry => {
            f.remove_entry();
        }
        Cmd::Back => {
            if f.changed() {
                f.confirm_discard = true;
            } else {
                app.overlays.pop();
            }
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
            // The chair's writes ask first, showing the commit.
            if super::confirm::needed(action.kind()) {
                return super::confirm::open(app, action, display(&what));
            }
            app.pending = Some(Pending {
                what: display(&what),
                frame: 0,
            });
            Some(Effect::Write(Box::new(action)))
        }
        Err(e) => {
            if let Some(i) = e.field {
                form.focus_on(i);
            }
            form.tried = true;
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
