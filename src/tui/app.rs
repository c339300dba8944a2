//! The application state and what each key does. Pure: no terminal, no git.
//! What must happen outside (a write, a history load, `$EDITOR`) is returned as an
//! [`Effect`] for the runner, whose answer comes back through a method.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::history::{Blame, Entry};
use crate::i18n::Lang;
use crate::model::{Action, ActionKind, Member, ObjectionStatus, Snapshot};
use crate::rules::{self, Refusal};
use crate::search::{normalise, Match, Searcher};
use crate::text::display;

use super::export::ExportMenu;
use super::form::Form;
use super::jobs::{AuditData, Done, ExportKind, Job, Written};
use super::keys::{lookup, Cmd, Ctx};
use super::rows::{self, Filter, Row, Sort};
use super::theme::Theme;
use super::tr;

/// Who acts, when, in which language, with which key.
#[derive(Debug, Clone)]
pub struct Session {
    pub lang: Lang,
    /// The clock the rules are judged by (`--at`, else the start time).
    pub now: DateTime<FixedOffset>,
    /// The acting member's id; `None` is read-only.
    pub actor: Option<String>,
    /// Why the session is read-only, for the banner.
    pub read_only: Option<String>,
    /// The signing key found in the git configuration, described.
    pub signer: Option<String>,
    pub theme: Theme,
    /// Whether `--at`/`PINGXUAN_NOW` fixed the clock.
    pub clock_fixed: bool,
}

/// Work for the runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Sign and commit this action as the session's actor.
    Write(Box<Action>),
    /// Background work (history, audit, blame, export); answer with [`App::job_done`].
    Job(Job),
    /// Edit this text in `$EDITOR`; answer with [`App::editor_done`].
    Editor(String),
    /// Fetch, replay and push (see `tui/sync.rs`).
    Sync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Scores,
    Evaluations,
    Opinions,
    Votes,
    Objections,
    History,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Scores,
        Tab::Evaluations,
        Tab::Opinions,
        Tab::Votes,
        Tab::Objections,
        Tab::History,
    ];

    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            Tab::Overview => ("概況", "Overview"),
            Tab::Scores => ("評分", "Scores"),
            Tab::Evaluations => ("測評", "Evals"),
            Tab::Opinions => ("部門意見", "Opinions"),
            Tab::Votes => ("民主測評", "Votes"),
            Tab::Objections => ("異議", "Objections"),
            Tab::History => ("歷史", "History"),
        };
        tr(lang, zh, en)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    List,
    Detail {
        id: String,
        tab: usize,
        scroll: u16,
    },
    Rankings {
        cat: usize,
        scroll: u16,
    },
    /// Every commit, newest first: `sel` in the rows shown.
    Audit {
        sel: usize,
        only_violations: bool,
    },
}

/// One entry of the action menu: offered, or not and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub kind: ActionKind,
    pub why_not: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Error(String),
    Menu {
        items: Vec<MenuItem>,
        sel: usize,
        nomination: Option<String>,
    },
    Form(Form),
    Export(ExportMenu),
    /// A finished job's report (an export: where it wrote, from which commit).
    Done(String),
}

/// The blamed field of a record's detail: `(record, dotted field)`.
pub type BlameKey = (String, String);

/// A query, the category and filter it ran under, and the rows it matched.
type LastSearch = (String, (Option<String>, Filter), Vec<usize>);

pub struct App {
    pub snap: Snapshot,
    pub session: Session,
    pub rows: Vec<Row>,
    /// Row indices shown, filtered and sorted.
    pub view: Vec<usize>,
    /// Search matches by row index: (field, match).
    pub hits: HashMap<usize, (usize, Match)>,
    /// Search scores by row index: (field, score), for every matching row.
    pub scores: HashMap<usize, (usize, i64)>,
    /// 0 = all categories, else category index + 1.
    pub cat_tab: usize,
    pub filter: Filter,
    pub sort: Sort,
    pub query: String,
    pub searching: bool,
    pub sel: usize,
    pub offset: usize,
    /// Rows of the list body at the last draw (for paging).
    pub page: usize,
    pub screen: Screen,
    /// Popups, the last on top; the form stays under an error popup.
    pub overlays: Vec<Overlay>,
    /// A write in progress: its description and the spinner frame.
    pub pending: Option<(String, usize)>,
    pub message: Option<String>,
    /// Each record's history, kept until a commit changes the record.
    pub history: HashMap<String, Result<Vec<Entry>, String>>,
    /// Blames by record and field, kept like the history.
    pub blames: HashMap<BlameKey, Result<Option<Box<Blame>>, String>>,
    /// The blame the history tab shows.
    pub blamed: Option<BlameKey>,
    /// The audit of every commit, kept until the next commit.
    pub audit: Option<Result<AuditData, String>>,
    /// Background jobs asked for and not answered yet.
    pub loading: Vec<Job>,
    /// Spinner frame of background jobs.
    pub frame: usize,
    /// The detail view's cursor: row (reviewer, department, entry…) and, in the
    /// scores grid, column (0 the whole sheet, then each criterion).
    pub cursor: (usize, usize),
    /// The commit to put the cursor on once the record's history arrives.
    pub focus_commit: Option<String>,
    searcher: Searcher,
    /// The last search: query, category and filter, and the rows it matched.
    last_search: Option<LastSearch>,
    pub sync: super::sync::SyncView,
}

impl App {
    pub fn new(snap: Snapshot, session: Session) -> App {
        let rows = rows::build(&snap, session.actor.as_deref(), session.lang);
        let mut app = App {
            snap,
            session,
            rows,
            view: Vec::new(),
            hits: HashMap::new(),
            scores: HashMap::new(),
            cat_tab: 0,
            filter: Filter::All,
            sort: Sort::Id,
            query: String::new(),
            searching: false,
            sel: 0,
            offset: 0,
            page: 10,
            screen: Screen::List,
            overlays: Vec::new(),
            pending: None,
            message: None,
            history: HashMap::new(),
            blames: HashMap::new(),
            blamed: None,
            audit: None,
            loading: Vec::new(),
            frame: 0,
            cursor: (0, 0),
            focus_commit: None,
            searcher: Searcher::default(),
            last_search: None,
            sync: Default::default(),
        };
        app.refilter();
        app
    }

    pub fn lang(&self) -> Lang {
        self.session.lang
    }

    pub fn t(&self, zh: &str, en: &str) -> String {
        tr(self.session.lang, zh, en)
    }

    pub fn me(&self) -> Option<&Member> {
        self.session
            .actor
            .as_deref()
            .and_then(|a| self.snap.member(a))
    }

    pub fn day(&self) -> chrono::NaiveDate {
        // CAMPAIGN-TZ: the campaign's day, whatever the terminal's offset
        self.snap.campaign.day_of(&self.session.now)
    }

    /// The category id of the current tab, `None` for all.
    pub fn tab_category(&self) -> Option<&str> {
        self.cat_tab
            .checked_sub(1)
            .and_then(|i| self.snap.campaign.categories.get(i))
            .map(|c| c.id.as_str())
    }

    /// Recomputes the visible rows: category, filter, search, sort. While a
    /// query only grows (typing), only the rows the shorter query matched are
    /// searched again: a row that fails a query fails every extension of it.
    pub fn refilter(&mut self) {
        use rayon::prelude::*;
        let cat = self.tab_category().map(str::to_string);
        let q = normalise(&self.query);
        let scope = (cat.clone(), self.filter);
        let narrowing = !q.is_empty()
            && self.last_search.as_ref().is_some_and(|(lq, ls, _)| {
                !lq.is_empty() && q.starts_with(lq.as_str()) && *ls == scope
            });
        let candidates: Vec<usize> = if narrowing {
            self.last_search
                .take()
                .map(|(_, _, rows)| rows)
                .unwrap_or_default()
        } else {
            self.rows
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    cat.as_deref().is_none_or(|c| c == r.category) && self.filter.keeps(r)
                })
                .map(|(i, _)| i)
                .collect()
        };
        self.hits.clear();
        self.scores.clear();
        let view: Vec<usize> = if q.is_empty() {
            candidates
        } else {
            let (rows, searcher) = (&self.rows, &self.searcher);
            let found: Vec<(usize, (usize, i64))> = candidates
                .par_iter()
                .with_min_len(256)
                .filter_map(|&i| {
                    let r = &rows[i];
                    let by_text = searcher.score_any(&r.keys, &q);
                    let by_id = crate::search::id_score(&r.id, &q).map(|s| (r.keys.len(), s));
                    match (by_text, by_id) {
                        (Some(t), Some(n)) => Some(if n.1 >= t.1 { n } else { t }),
                        (t, n) => t.or(n),
                    }
                    .map(|hit| (i, hit))
                })
                .collect();
            let view = found.iter().map(|(i, _)| *i).collect();
            self.scores = found.into_iter().collect();
            view
        };
        self.last_search = Some((q.clone(), scope, view.clone()));
        let mut view = view;
        if q.is_empty() {
            self.sort.order(&self.rows, &mut view);
        } else {
            // Best match first.
            view.sort_by_key(|i| (std::cmp::Reverse(self.scores.get(i).map_or(0, |h| h.1)), *i));
        }
        self.view = view;
        self.sel = self.sel.min(self.view.len().saturating_sub(1));
        self.offset = self.offset.min(self.sel);
    }

    /// Computes the highlighted positions of the search match of row `ri`
    /// (only rows on screen need them; the filter keeps scores alone).
    pub fn ensure_hit(&mut self, ri: usize) {
        if self.hits.contains_key(&ri) || !self.scores.contains_key(&ri) {
            return;
        }
        let q = normalise(&self.query);
        let Some(r) = self.rows.get(ri) else {
            return;
        };
        let by_text = self.searcher.find_any(&r.keys, &q);
        // The number, as the filter scored it (field: one past the text keys).
        let by_id = crate::search::id_match(&r.id, &q).map(|(score, chars)| {
            (
                r.keys.len(),
                Match {
                    score,
                    via: crate::search::Via::Text,
                    chars,
                },
            )
        });
        let hit = match (by_text, by_id) {
            (Some(t), Some(n)) => Some(if n.1.score >= t.1.score { n } else { t }),
            (t, n) => t.or(n),
        };
        if let Some(hit) = hit {
            self.hits.insert(ri, hit);
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.view.get(self.sel).map(|i| &self.rows[*i])
    }

    /// The nomination the current screen is about.
    pub fn current_id(&self) -> Option<String> {
        match &self.screen {
            Screen::Detail { id, .. } => Some(id.clone()),
            Screen::List => self.selected_row().map(|r| r.id.clone()),
            Screen::Rankings { .. } | Screen::Audit { .. } => None,
        }
    }

    /// The context whose keys apply now.
    pub fn ctx(&self) -> Ctx {
        match self.overlays.last() {
            Some(Overlay::Form(_)) => Ctx::Form,
            Some(Overlay::Menu { .. }) => Ctx::Menu,
            Some(Overlay::Export(_)) => Ctx::Export,
            Some(Overlay::Help { .. }) | Some(Overlay::Error(_)) | Some(Overlay::Done(_)) => {
                Ctx::Popup
            }
            None => match self.screen {
                Screen::List if self.searching => Ctx::Search,
                Screen::List => Ctx::List,
                Screen::Detail { .. } => Ctx::Detail,
                Screen::Rankings { .. } => Ctx::Rankings,
                Screen::Audit { .. } => Ctx::Audit,
            },
        }
    }

    /// A new snapshot (after a write or a reload): rows rebuilt, place kept.
    pub fn set_snapshot(&mut self, snap: Snapshot) {
        let keep = self.selected_row().map(|r| r.id.clone());
        let old = std::mem::replace(&mut self.snap, snap);
        // What a commit changed is read again; the rest stays cached.
        let changed = |id: &str| match (old.index.records.get(id), self.snap.index.records.get(id))
        {
            (Some(a), Some(b)) => a.1 != b.1,
            _ => old.commit != self.snap.commit,
        };
        self.history.retain(|id, _| !changed(id));
        self.blames.retain(|(id, _), _| !changed(id));
        if old.commit != self.snap.commit {
            self.audit = None;
        }
        self.rows = rows::build(&self.snap, self.session.actor.as_deref(), self.lang());
        self.last_search = None;
        self.refilter();
        if let Some(id) = keep {
            if let Some(p) = self.view.iter().position(|i| self.rows[*i].id == id) {
                self.sel = p;
            }
        }
    }

    /// The runner's answer to [`Effect::Write`].
    pub fn write_done(&mut self, result: Result<Written, String>) {
        self.pending = None;
        match result {
            Ok(Written {
                summary, snapshot, ..
            }) => {
                // The form is done; its record's history changed.
                if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
                    self.overlays.pop();
                }
                if let Some(id) = self.current_id() {
                    self.history.remove(&id);
                }
                self.message = Some(format!("{} {}", self.t("已提交:", "committed:"), summary));
                self.set_snapshot(snapshot);
            }
            Err(e) => self.overlays.push(Overlay::Error(e)),
        }
    }

    pub fn history_loaded(&mut self, id: String, r: Result<Vec<Entry>, String>) {
        self.job_done(Done::RecordLog { id, result: r });
    }

    /// Asks for `job` unless it is already under way.
    fn request(&mut self, job: Job) -> Option<Effect> {
        if self.loading.contains(&job) {
            return None;
        }
        self.loading.push(job.clone());
        Some(Effect::Job(job))
    }

    /// What the current screen needs read and does not have (the runner asks
    /// after every event): a record's history on its history tab, the audit on
    /// the audit screen.
    pub fn next_job(&mut self) -> Option<Job> {
        let job = match &self.screen {
            Screen::Detail { id, tab, .. }
                if Tab::ALL.get(*tab) == Some(&Tab::History) && !self.history.contains_key(id) =>
            {
                Job::RecordLog(id.clone())
            }
            Screen::Audit { .. } if self.audit.is_none() => Job::Audit,
            _ => return None,
        };
        match self.request(job)? {
            Effect::Job(j) => Some(j),
            _ => None,
        }
    }

    /// Whether the spinner turns (a write or a background job under way).
    pub fn busy(&self) -> bool {
        self.pending.is_some() || !self.loading.is_empty()
    }

    /// The runner's answer to [`Effect::Job`].
    pub fn job_done(&mut self, done: Done) {
        if let Some(i) = self.loading.iter().position(|j| done.answers(j)) {
            self.loading.remove(i);
        }
        match done {
            Done::RecordLog { id, result } => {
                self.history.insert(id.clone(), result);
                if let Some(c) = self.focus_commit.take() {
                    self.cursor = (self.history_row(&id, &c).unwrap_or(0), 0);
                }
            }
            Done::Audit(r) => self.audit = Some(r),
            Done::Blame {
                id,
                field,
                result,
                log,
            } => {
                if let Some(log) = log {
                    self.history.insert(id.clone(), log);
                }
                self.blames.insert((id.clone(), field.clone()), result);
                self.show_blame(id, field);
            }
            Done::Export(Ok(e)) => {
                if matches!(self.overlays.last(), Some(Overlay::Export(_))) {
                    self.overlays.pop();
                }
                let text = super::export::done_text(self, &e);
                self.overlays.push(Overlay::Done(text));
            }
            Done::Export(Err(e)) => self.overlays.push(Overlay::Error(e)),
        }
    }

    pub fn editor_done(&mut self, r: Result<String, String>) {
        match r {
            Ok(text) => {
                if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                    f.set_text(text.trim_end().to_string());
                }
            }
            Err(e) => self.overlays.push(Overlay::Error(e)),
        }
    }

    /// The position of `commit` in the record's loaded history.
    fn history_row(&self, id: &str, commit: &str) -> Option<usize> {
        self.history
            .get(id)
            .and_then(|h| h.as_ref().ok())
            .and_then(|h| h.iter().position(|e| e.commit == commit))
    }

    /// Shows a blame of the record on screen: its history tab, the commit that
    /// last changed the field under the cursor and named at the top.
    fn show_blame(&mut self, id: String, field: String) {
        let commit = match self.blames.get(&(id.clone(), field.clone())) {
            Some(Ok(Some(b))) => Some(b.entry.commit.clone()),
            _ => None,
        };
        let row = commit.and_then(|c| self.history_row(&id, &c));
        if let Screen::Detail {
            id: shown,
            tab,
            scroll,
        } = &mut self.screen
        {
            if *shown == id {
                *tab = history_tab();
                *scroll = 0;
                self.cursor = (row.unwrap_or(0), 0);
                self.blamed = Some((id, field));
            }
        }
    }

    fn export_menu(
        &mut self,
        kinds: Vec<ExportKind>,
        category: Option<String>,
        id: Option<String>,
    ) {
        let scope = match (&id, &category) {
            (Some(id), _) => id.clone(),
            (None, Some(c)) => self.snap.campaign.category(c).map_or_else(
                || c.clone(),
                |c| display(self.lang().pick(&c.name, &c.name_en)),
            ),
            (None, None) => self.t("全部提交", "every commit"),
        };
        self.overlays
            .push(Overlay::Export(ExportMenu::new(kinds, category, id, scope)));
    }

    /// Advances the spinners (the runner ticks them only while [`App::busy`]).
    pub fn tick(&mut self) {
        if let Some((_, f)) = &mut self.pending {
            *f += 1;
        }
        self.frame += 1;
    }

    /// Why `kind` is not offered to the acting member on `nomination` now.
    pub fn why_not(&self, kind: ActionKind, nomination: Option<&str>) -> Option<String> {
        let l = self.lang();
        let Some(me) = self.me() else {
            return Some(
                self.session
                    .read_only
                    .clone()
                    .unwrap_or_else(|| self.t("只讀", "read-only")),
            );
        };
        if !rules::roles::may_take(me, kind) {
            let roles: Vec<&str> = rules::roles::roles_for(kind)
                .iter()
                .map(|r| rules::text::role_name(*r, l.zh()))
                .collect();
            return Some(match l {
                Lang::Zh => display(&format!("需要{}身份", roles.join("或"))),
                Lang::En => format!("needs the {} role", roles.join(" or ")),
            });
        }
        if !rules::phase_allows(&self.snap.campaign, &self.snap.rulings, kind, self.day()) {
            let open: Vec<String> =
                rules::open_phases(&self.snap.campaign, &self.snap.rulings, self.day())
                    .iter()
                    .map(|p| display(l.pick(&p.name, &p.name_en)))
                    .collect();
            let open = if open.is_empty() {
                self.t("無", "none")
            } else {
                open.join(", ")
            };
            return Some(match l {
                Lang::Zh => display(&format!(
                    "{} 當日開放的階段({open})不允許此操作",
                    self.day()
                )),
                Lang::En => format!("no phase open on {} allows it (open: {open})", self.day()),
            });
        }
        let record = nomination.and_then(|id| self.snap.record(id));
        if kind == ActionKind::Resolve
            && record.is_some_and(|r| {
                !r.objections
                    .values()
                    .any(|o| o.status == ObjectionStatus::Open)
            })
        {
            return Some(self.t("沒有未處理的異議", "no open objection"));
        }
        // The rules on a would-be action: only refusals that no input can cure.
        // A form whose first field is a choice (outcome, department, kind) is
        // offered when any of its choices would pass.
        let mut form = Form::open(kind, &self.snap, me, nomination, l)?;
        let choices = match form.fields.first().map(|f| &f.input) {
            Some(super::form::Input::Choice { options, .. }) => options.len().max(1),
            _ => 1,
        };
        let mut first_refusal = None;
        for c in 0..choices {
            if let Some(super::form::Input::Choice { sel, .. }) =
                form.fields.first_mut().map(|f| &mut f.input)
            {
                *sel = c;
            }
            let action = form.action(&self.snap, me, self.session.now, l).ok()?;
            match rules::check_action(&self.snap, me, &action, self.day()) {
                Ok(()) => return None,
                Err(refusals) => {
                    let hard: Vec<String> = refusals
                        .iter()
                        .filter(|r| standing(r))
                        .map(|r| display(&r.message(l.zh())))
                        .collect();
                    if hard.is_empty() {
                        return None;
                    }
                    first_refusal.get_or_insert(hard.join("; "));
                }
            }
        }
        first_refusal
    }

    fn menu(&self, nomination: Option<String>) -> Overlay {
        let kinds = [
            ActionKind::Score,
            ActionKind::Evaluate,
            ActionKind::Opinion,
            ActionKind::Vote,
            ActionKind::Object,
            ActionKind::Resolve,
            ActionKind::Decide,
            ActionKind::Nominate,
        ];
        let items: Vec<MenuItem> = kinds
            .into_iter()
            .filter(|k| nomination.is_some() || *k == ActionKind::Nominate)
            .map(|kind| MenuItem {
                kind,
                why_not: self.why_not(
                    kind,
                    if kind == ActionKind::Nominate {
                        None
                    } else {
                        nomination.as_deref()
                    },
                ),
            })
            .collect();
        let sel = items.iter().position(|i| i.why_not.is_none()).unwrap_or(0);
        Overlay::Menu {
            items,
            sel,
            nomination,
        }
    }

    fn open_form(&mut self, kind: ActionKind, nomination: Option<String>) {
        if let Some(why) = self.why_not(kind, nomination.as_deref()) {
            self.overlays.push(Overlay::Error(format!(
                "{}: {why}",
                display(self.lang().action(kind))
            )));
            return;
        }
        let Some(me) = self.me().cloned() else { return };
        match Form::open(kind, &self.snap, &me, nomination.as_deref(), self.lang()) {
            Some(f) => self.overlays.push(Overlay::Form(f)),
            None => self.overlays.push(Overlay::Error(
                self.t("無法打開此表單", "this form cannot open here"),
            )),
        }
    }

    /// Checks the form and, when the rules accept it, hands it to the writer.
    fn submit(&mut self) -> Option<Effect> {
        let me = self.me().cloned()?;
        let (lang, now) = (self.lang(), self.session.now);
        let Some(Overlay::Form(form)) = self.overlays.last() else {
            return None;
        };
        let result =
            form.action(&self.snap, &me, now, lang).and_then(|a| {
                match rules::check_action(&self.snap, &me, &a, self.snap.campaign.day_of(&now)) {
                    Ok(()) => Ok(a),
                    Err(refusals) => {
                        let field = refusals.iter().find_map(|r| form.field_of(r));
                        let msg: Vec<String> = refusals
                            .iter()
                            .map(|r| display(&r.message(lang.zh())))
                            .collect();
                        Err((field, msg.join("\n")))
                    }
                }
            });
        let Some(Overlay::Form(form)) = self.overlays.last_mut() else {
            return None;
        };
        match result {
            Ok(action) => {
                form.error = None;
                let what = crate::act::summary(lang, &action, &display(&me.name));
                self.pending = Some((display(&what), 0));
                Some(Effect::Write(Box::new(action)))
            }
            Err((field, msg)) => {
                if let Some(i) = field {
                    form.focus = i;
                }
                form.error = Some((field, msg));
                None
            }
        }
    }

    /// Handles one key; what the runner must do next.
    pub fn key(&mut self, key: KeyEvent) -> Option<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return None;
        }
        self.message = None;
        if let Some(taken) = super::sync::key(self, key) {
            return taken;
        }
        let ctx = self.ctx();
        // Typing into a form or the search line comes before the key table.
        if ctx == Ctx::Form && self.pending.is_none() {
            if let Some(Overlay::Form(f)) = self.overlays.last_mut() {
                let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Char(c) if plain && (c != ' ' || f.focus_is_text()) => {
                        f.type_char(c);
                        f.error = None;
                        return None;
                    }
                    KeyCode::Backspace => {
                        f.backspace();
                        return None;
                    }
                    KeyCode::Enter => {
                        if f.focus + 1 < f.fields.len() {
                            f.focus += 1;
                            return None;
                        }
                        return self.submit();
                    }
                    _ => {}
                }
            }
        }
        if ctx == Ctx::Export {
            if let Some(Overlay::Export(m)) = self.overlays.last_mut() {
                match key.code {
                    KeyCode::Char(c)
                        if m.typing() && !key.modifiers.contains(KeyModifiers::CONTROL) =>
                    {
                        m.type_char(c);
                        return None;
                    }
                    KeyCode::Backspace => {
                        m.backspace();
                        return None;
                    }
                    _ => {}
                }
            }
        }
        if ctx == Ctx::Search {
            match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.query.push(c);
                    self.sel = 0;
                    self.offset = 0;
                    self.refilter();
                    return None;
                }
                KeyCode::Backspace => {
                    self.query.pop();
                    self.refilter();
                    return None;
                }
                _ => {}
            }
        }
        let cmd = lookup(ctx, &key)?;
        self.command(ctx, cmd)
    }

    fn move_sel(&mut self, delta: isize) {
        let n = self.view.len();
        if n == 0 {
            return;
        }
        let s = (self.sel as isize + delta).clamp(0, n as isize - 1);
        self.sel = s as usize;
    }

    fn command(&mut self, ctx: Ctx, cmd: Cmd) -> Option<Effect> {
        if cmd == Cmd::Quit {
            return Some(Effect::Quit);
        }
        if cmd == Cmd::Sync {
            return Some(Effect::Sync);
        }
        if cmd == Cmd::Help && !matches!(ctx, Ctx::Form | Ctx::Search) {
            self.overlays.push(Overlay::Help { scroll: 0 });
            return None;
        }
        let page = self.page.max(1) as isize;
        match ctx {
            Ctx::Popup => match (self.overlays.last_mut(), cmd) {
                (Some(Overlay::Help { scroll }), Cmd::Down) => *scroll += 1,
                (Some(Overlay::Help { scroll }), Cmd::Up) => *scroll = scroll.saturating_sub(1),
                (_, Cmd::Back) => {
                    self.overlays.pop();
                }
                _ => {}
            },
            Ctx::Menu => {
                let Some(Overlay::Menu {
                    items,
                    sel,
                    nomination,
                }) = self.overlays.last_mut()
                else {
                    return None;
                };
                match cmd {
                    Cmd::Up => *sel = sel.saturating_sub(1),
                    Cmd::Down => *sel = (*sel + 1).min(items.len().saturating_sub(1)),
                    Cmd::Back => {
                        self.overlays.pop();
                    }
                    Cmd::Open => {
                        let item = items.get(*sel).cloned();
                        let nomination = nomination.clone();
                        if let Some(item) = item {
                            if let Some(why) = item.why_not {
                                self.message = Some(why);
                            } else {
                                self.overlays.pop();
                                let n = if item.kind == ActionKind::Nominate {
                                    None
                                } else {
                                    nomination
                                };
                                self.open_form(item.kind, n);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Ctx::Export => {
                let (day, lang) = (self.day(), self.lang());
                let Some(Overlay::Export(m)) = self.overlays.last_mut() else {
                    return None;
                };
                match cmd {
                    Cmd::NextField | Cmd::Down => m.next_field(true),
                    Cmd::PrevField | Cmd::Up => m.next_field(false),
                    Cmd::Change => m.change(true),
                    Cmd::PrevTab => m.change(false),
                    Cmd::Back => {
                        self.overlays.pop();
                    }
                    Cmd::Open => match m.job(day, lang) {
                        Ok(job) => return self.request(Job::Export(job)),
                        Err(e) => m.error = Some(e),
                    },
                    _ => {}
                }
            }
            Ctx::Audit => {
                let Screen::Audit {
                    mut sel,
                    mut only_violations,
                } = self.screen.clone()
                else {
                    return None;
                };
                let rows = super::history::audit_rows(self, only_violations);
                let last = rows.len().saturating_sub(1);
                match cmd {
                    Cmd::Up => sel = sel.saturating_sub(1),
                    Cmd::Down => sel = (sel + 1).min(last),
                    Cmd::PageUp => sel = sel.saturating_sub(page as usize),
                    Cmd::PageDown => sel = (sel + page as usize).min(last),
                    Cmd::Top => sel = 0,
                    Cmd::Bottom => sel = last,
                    Cmd::Filter => {
                        only_violations = !only_violations;
                        sel = 0;
                    }
                    Cmd::Back => {
                        self.screen = Screen::List;
                        return None;
                    }
                    Cmd::Export => {
                        self.export_menu(every_kind(false, ExportKind::Audit), None, None);
                        return None;
                    }
                    Cmd::Open => {
                        let target = match &self.audit {
                            Some(Ok(a)) => rows.get(sel).map(|i| &a.entries[*i]).map(|e| {
                                (
                                    e.commit.clone(),
                                    e.changes.iter().find_map(|c| c.record.clone()),
                                )
                            }),
                            _ => None,
                        };
                        match target {
                            Some((commit, Some(id))) if self.snap.record(&id).is_some() => {
                                self.cursor = (self.history_row(&id, &commit).unwrap_or(0), 0);
                                if !self.history.contains_key(&id) {
                                    self.focus_commit = Some(commit);
                                }
                                self.blamed = None;
                                self.screen = Screen::Detail {
                                    id,
                                    tab: history_tab(),
                                    scroll: 0,
                                };
                                return None;
                            }
                            Some(_) => {
                                self.message = Some(self.t(
                                    "此提交不涉及現有的申報記錄",
                                    "this commit touches no current nomination",
                                ))
                            }
                            None => {}
                        }
                    }
                    _ => {}
                }
                self.screen = Screen::Audit {
                    sel,
                    only_violations,
                };
            }
            Ctx::Form => {
                if self.pending.is_some() {
                    return None;
                }
                let Some(Overlay::Form(f)) = self.overlays.last_mut() else {
                    return None;
                };
                match cmd {
                    Cmd::NextField | Cmd::Down => f.focus = (f.focus + 1) % f.fields.len().max(1),
                    Cmd::PrevField | Cmd::Up => {
                        f.focus = (f.focus + f.fields.len().max(1) - 1) % f.fields.len().max(1)
                    }
                    Cmd::Change => f.change(true),
                    Cmd::PrevTab => f.change(false),
                    Cmd::Editor => {
                        if let Some(t) = f.long_text() {
                            return Some(Effect::Editor(t));
                        }
                    }
                    Cmd::Submit => return self.submit(),
                    Cmd::Back => {
                        self.overlays.pop();
                    }
                    _ => {}
                }
            }
            Ctx::Search => match cmd {
                Cmd::Open => self.searching = false,
                Cmd::Back => {
                    self.searching = false;
                    self.query.clear();
                    self.refilter();
                }
                Cmd::Up => self.move_sel(-1),
                Cmd::Down => self.move_sel(1),
                _ => {}
            },
            Ctx::List => match cmd {
                Cmd::Up => self.move_sel(-1),
                Cmd::Down => self.move_sel(1),
                Cmd::PageUp => self.move_sel(-page),
                Cmd::PageDown => self.move_sel(page),
                Cmd::Top => self.sel = 0,
                Cmd::Bottom => self.sel = self.view.len().saturating_sub(1),
                Cmd::PrevTab | Cmd::NextTab => {
                    let n = self.snap.campaign.categories.len() + 1;
                    self.cat_tab = if cmd == Cmd::NextTab {
                        (self.cat_tab + 1) % n
                    } else {
                        (self.cat_tab + n - 1) % n
                    };
                    self.sel = 0;
                    self.offset = 0;
                    self.refilter();
                }
                Cmd::Open => {
                    if let Some(r) = self.selected_row() {
                        self.screen = Screen::Detail {
                            id: r.id.clone(),
                            tab: 0,
                            scroll: 0,
                        };
                        self.cursor = (0, 0);
                        self.blamed = None;
                    }
                }
                Cmd::Search => {
                    self.searching = true;
                    self.query.clear();
                    self.refilter();
                }
                Cmd::Back => {
                    self.query.clear();
                    self.refilter();
                }
                Cmd::Filter => {
                    self.filter = self.filter.next();
                    self.refilter();
                    self.message = Some(format!(
                        "{} {}",
                        self.t("篩選:", "filter:"),
                        self.filter.label(self.lang())
                    ));
                }
                Cmd::Sort => {
                    self.sort = self.sort.next();
                    self.refilter();
                    self.message = Some(format!(
                        "{} {}",
                        self.t("排序:", "sort:"),
                        self.sort.label(self.lang())
                    ));
                }
                Cmd::Rankings => {
                    self.screen = Screen::Rankings {
                        cat: self.cat_tab.saturating_sub(1),
                        scroll: 0,
                    }
                }
                Cmd::Audit => {
                    self.screen = Screen::Audit {
                        sel: 0,
                        only_violations: false,
                    }
                }
                Cmd::Act => {
                    let id = self.selected_row().map(|r| r.id.clone());
                    let m = self.menu(id);
                    self.overlays.push(m);
                }
                Cmd::Score => {
                    if let Some(id) = self.selected_row().map(|r| r.id.clone()) {
                        self.open_form(ActionKind::Score, Some(id));
                    }
                }
                _ => {}
            },
            Ctx::Detail => {
                let Screen::Detail { id, tab, .. } = &self.screen else {
                    return None;
                };
                let (id, n) = (id.clone(), Tab::ALL.len());
                let current = Tab::ALL[(*tab).min(n - 1)];
                let rows = super::detail::rows(self, &id, current);
                let cursor = super::detail::has_cursor(current);
                let last = rows.len().saturating_sub(1);
                let Screen::Detail { tab, scroll, .. } = &mut self.screen else {
                    return None;
                };
                match cmd {
                    Cmd::PrevTab | Cmd::NextTab => {
                        *tab = if cmd == Cmd::NextTab {
                            (*tab + 1) % n
                        } else {
                            (*tab + n - 1) % n
                        };
                        *scroll = 0;
                        self.cursor = (0, 0);
                        self.blamed = None;
                    }
                    Cmd::Up if cursor => self.cursor.0 = self.cursor.0.saturating_sub(1),
                    Cmd::Down if cursor => self.cursor.0 = (self.cursor.0 + 1).min(last),
                    Cmd::PageUp if cursor => {
                        self.cursor.0 = self.cursor.0.saturating_sub(page as usize)
                    }
                    Cmd::PageDown if cursor => {
                        self.cursor.0 = (self.cursor.0 + page as usize).min(last)
                    }
                    Cmd::Top if cursor => self.cursor.0 = 0,
                    Cmd::Bottom if cursor => self.cursor.0 = last,
                    Cmd::Up => *scroll = scroll.saturating_sub(1),
                    Cmd::Down => *scroll = scroll.saturating_add(1),
                    Cmd::PageUp => *scroll = scroll.saturating_sub(page as u16),
                    Cmd::PageDown => *scroll = scroll.saturating_add(page as u16),
                    Cmd::Top => *scroll = 0,
                    Cmd::PrevCol | Cmd::NextCol => {
                        // Column 0 is the whole score sheet, then each criterion.
                        let cols = rows.first().map_or(1, Vec::len).max(1);
                        self.cursor.1 = if cmd == Cmd::NextCol {
                            (self.cursor.1 + 1) % cols
                        } else {
                            (self.cursor.1 + cols - 1) % cols
                        };
                    }
                    Cmd::Blame => {
                        let field = rows
                            .get(self.cursor.0)
                            .and_then(|r| r.get(self.cursor.1).or(r.first()))
                            .cloned();
                        let Some(field) = field else {
                            self.message =
                                Some(self.t("這里沒有可追溯的欄位", "nothing here to blame"));
                            return None;
                        };
                        if self.blames.contains_key(&(id.clone(), field.clone())) {
                            self.show_blame(id, field);
                            return None;
                        }
                        let log = !self.history.contains_key(&id);
                        return self.request(Job::Blame { id, field, log });
                    }
                    Cmd::Export => {
                        let category = self.snap.record(&id).map(|r| r.nomination.category.clone());
                        self.export_menu(every_kind(true, ExportKind::Form), category, Some(id));
                    }
                    Cmd::Back => {
                        self.screen = Screen::List;
                        self.blamed = None;
                    }
                    Cmd::Act => {
                        let m = self.menu(Some(id));
                        self.overlays.push(m);
                    }
                    Cmd::Score => self.open_form(ActionKind::Score, Some(id)),
                    _ => {}
                }
            }
            Ctx::Rankings => {
                if cmd == Cmd::Export {
                    if let Screen::Rankings { cat, .. } = self.screen {
                        let category = self.snap.campaign.categories.get(cat).map(|c| c.id.clone());
                        self.export_menu(every_kind(false, ExportKind::Notice), category, None);
                    }
                    return None;
                }
                let Screen::Rankings { cat, scroll } = &mut self.screen else {
                    return None;
                };
                let n = self.snap.campaign.categories.len().max(1);
                match cmd {
                    Cmd::PrevTab => *cat = (*cat + n - 1) % n,
                    Cmd::NextTab => *cat = (*cat + 1) % n,
                    Cmd::Up => *scroll = scroll.saturating_sub(1),
                    Cmd::Down => *scroll = scroll.saturating_add(1),
                    Cmd::PageDown => *scroll = scroll.saturating_add(page as u16),
                    Cmd::PageUp => *scroll = scroll.saturating_sub(page as u16),
                    Cmd::Top => *scroll = 0,
                    Cmd::Back => self.screen = Screen::List,
                    _ => {}
                }
            }
            Ctx::Global => {}
        }
        None
    }
}

/// The index of the history tab.
fn history_tab() -> usize {
    Tab::ALL
        .iter()
        .position(|t| *t == Tab::History)
        .unwrap_or(Tab::ALL.len() - 1)
}

/// Refusals that no value typed into the form can cure (role, phase, conflict,
/// decisions, notices), as opposed to empty or out-of-range fields.
fn standing(r: &Refusal) -> bool {
    !matches!(
        r,
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

/// Every document the export menu offers, `first` first; the form only where a
/// nomination is in view (the detail screen).
pub fn every_kind(with_form: bool, first: ExportKind) -> Vec<ExportKind> {
    let mut kinds: Vec<ExportKind> = ExportKind::ALL
        .into_iter()
        .filter(|k| with_form || !k.needs_id())
        .collect();
    if let Some(i) = kinds.iter().position(|k| *k == first) {
        let k = kinds.remove(i);
        kinds.insert(0, k);
    }
    kinds
}
