//! The application state: the snapshot, the session, the rows and caches, the
//! jobs under way; a key goes to the focused popup or screen (`popups/`,
//! `screens/`), each of which handles its own. Pure: no terminal, no git.
//! What must happen outside (a write, a history load, `$EDITOR`) is returned as an
//! [`Effect`] for the runner, whose answer comes back through a method.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, FixedOffset};
use crossterm::event::KeyEvent;

use crate::history::{Blame, Entry};
use crate::i18n::Lang;
use crate::model::{Action, Member, Snapshot};
use crate::rules::{self, Ranking, Refusal, Status};
use crate::search::{normalise, Match, Searcher};
use crate::text::display;

use super::jobs::{AuditData, Done, ExportKind, Job, Written};
use super::keys::{lookup, Cmd, Ctx};
use super::popups;
use super::popups::export::ExportMenu;
use super::popups::form::Form;
use super::popups::menu::Menu;
use super::rows::{self, Filter, Row, Sort};
use super::screens;
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
    /// Look at the branch now (the refresh key; see `tui/watch.rs`).
    Refresh,
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

    /// The tab after this one (`forward`) or before it, wrapping around.
    pub fn step(self, forward: bool) -> Tab {
        let n = Tab::ALL.len();
        let i = self.index();
        Tab::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The position of this tab in [`Tab::ALL`].
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The category tab of the list: every category, or one (its index).
pub type CatTab = Option<usize>;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    List,
    Detail {
        id: String,
        tab: Tab,
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

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Error(String),
    Menu(Menu),
    Form(Form),
    Export(ExportMenu),
    /// A finished job's report (an export: where it wrote, from which commit).
    Done(String),
    /// A chair's write waiting for its confirmation, with the commit's preview.
    Confirm(super::popups::confirm::Confirm),
    /// The set-aside actions a sync left, to settle.
    Aside(super::popups::aside::Asides),
}

/// The blamed field of a record's detail: `(record, dotted field)`.
pub type BlameKey = (String, String);

/// A query, the category and filter it ran under, and the rows it matched.
#[derive(Debug, Clone)]
struct LastSearch {
    query: String,
    category: Option<String>,
    filter: Filter,
    rows: Vec<usize>,
}

/// A write in progress: what is being committed, and the spinner frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub what: String,
    pub frame: usize,
}

/// What the screens show that the rules compute, kept for one snapshot (and
/// the session's clock): filled the first time a frame needs it, dropped with
/// the snapshot. Nothing here is state a key changes.
#[derive(Default)]
pub struct Memo {
    /// The header's open phases.
    phases: OnceCell<String>,
    /// Rankings by category index.
    rankings: RefCell<HashMap<usize, Rc<Result<Ranking, Refusal>>>>,
    /// A nomination's status, seen by the acting member.
    status: RefCell<HashMap<String, Rc<Result<Status, Refusal>>>>,
}

pub struct App {
    pub snap: Snapshot,
    pub session: Session,
    pub rows: Vec<Row>,
    /// Row indices shown, filtered and sorted.
    pub view: Vec<usize>,
    /// Search matches by row index: (field, match), located when the query or
    /// the rows on screen change (see [`App::fill_hits`]).
    pub hits: HashMap<usize, (usize, Match)>,
    /// Search scores by row index: (field, score), for every matching row;
    /// indexed by row (no hashing per keystroke, issue 18 P6), empty while
    /// there is no query.
    pub scores: Vec<Option<(usize, i64)>>,
    /// The category shown; `None` for all.
    pub cat_tab: CatTab,
    pub filter: Filter,
    pub sort: Sort,
    pub query: String,
    pub searching: bool,
    pub sel: usize,
    /// The first list row on screen: kept in step with `sel` by the keys and
    /// by the draw (which alone knows the height).
    pub offset: Cell<usize>,
    /// Rows of the list body at the last draw (for paging): layout the draw
    /// learns, hence a `Cell`.
    pub page: Cell<usize>,
    pub screen: Screen,
    /// Popups, the last on top; the form stays under an error popup.
    pub overlays: Vec<Overlay>,
    /// A write in progress.
    pub pending: Option<Pending>,
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
    /// Rules results the screens draw, per snapshot.
    pub memo: Memo,
    /// The help popup as last drawn: (furthest scroll, lines on a page);
    /// layout the draw learns, like `page`.
    pub help_view: Cell<(u16, u16)>,
    /// Why the signing key of the header cannot sign (a missing key file,
    /// no agent holding the key, no secret key in gpg), found by the
    /// watcher's check at start; `None` while none is known.
    pub signing_problem: Option<String>,
    /// The commit whose diff the history tab shows in full (Enter).
    pub expanded: Option<String>,
    /// The rows' search keys interned (issue 18, P6): built with the rows,
    /// dropped when they change.
    search_index: Option<crate::search::Index>,
    /// The distinct keys' scores of the last query, spared while it grows.
    key_scores: Option<crate::search::KeyScores>,
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
            scores: Vec::new(),
            cat_tab: None,
            filter: Filter::All,
            sort: Sort::Id,
            query: String::new(),
            searching: false,
            sel: 0,
            offset: Cell::new(0),
            page: Cell::new(10),
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
            memo: Memo::default(),
            help_view: Cell::new((u16::MAX, 10)),
            signing_problem: None,
            expanded: None,
            search_index: None,
            key_scores: None,
        };
        app.build_search_index();
        app.refilter();
        app
    }

    /// Interns the rows' search keys (once per row set, at open and after a
    /// commit changes the rows) so that no keystroke pays for it.
    fn build_search_index(&mut self) {
        self.search_index = Some(crate::search::Index::build_with_ids(
            self.rows.iter().map(|r| (r.id.as_str(), r.keys.as_slice())),
        ));
        self.key_scores = None;
    }

    pub fn lang(&self) -> Lang {
        self.session.lang
    }

    pub fn t(&self, zh: &str, en: &str) -> String {
        tr(self.session.lang, zh, en)
    }

    /// A sentence of the rules in the session's script ([`super::say`]).
    pub fn say(&self, msg: &str) -> String {
        super::say(self.session.lang, &self.snap, msg)
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
        let narrowing = !q.is_empty()
            && self.last_search.as_ref().is_some_and(|l| {
                !l.query.is_empty()
                    && q.starts_with(l.query.as_str())
                    && l.category == cat
                    && l.filter == self.filter
            });
        let candidates: Vec<usize> = if narrowing {
            self.last_search.take().map(|l| l.rows).unwrap_or_default()
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
        let mut ranked: Option<Vec<usize>> = None;
        let view: Vec<usize> = if q.is_empty() {
            candidates
        } else {
            // Each distinct key scored once (rows share units, names …).
            if self.search_index.as_ref().map(|x| x.rows()) != Some(self.rows.len()) {
                self.build_search_index();
            }
            let rows = &self.rows;
            let Some(index) = self.search_index.as_ref() else {
                return;
            };
            let keys = index.score(
                &self.searcher,
                |i| rows.get(i).map_or(&[][..], |r| r.keys.as_slice()),
                &q,
                &candidates,
                self.key_scores.as_ref(),
            );
            // The rows' text and number matches, from the index's flat
            // buffers (not the rows'); on this thread when few.
            let hit = |&i: &usize| index.row_hit(&keys, i).map(|hit| (i, hit));
            let mut found: Vec<(usize, (usize, i64))> = if candidates.len() < 4096 {
                candidates.iter().filter_map(hit).collect()
            } else {
                candidates
                    .par_iter()
                    .with_min_len(2048)
                    .filter_map(hit)
                    .collect()
            };
            self.key_scores = Some(keys);
            let view = found.iter().map(|(i, _)| *i).collect();
            // Best match first, sorted here rather than through the map.
            found.sort_unstable_by_key(|&(i, (_, s))| (std::cmp::Reverse(s), i));
            ranked = Some(found.iter().map(|(i, _)| *i).collect());
            self.scores.resize(rows.len(), None);
            for (i, hit) in found {
                if let Some(s) = self.scores.get_mut(i) {
                    *s = Some(hit);
                }
            }
            view
        };
        self.last_search = Some(LastSearch {
            query: q.clone(),
            category: cat,
            filter: self.filter,
            rows: view.clone(),
        });
        let mut view = view;
        if q.is_empty() {
            self.sort.order(&self.rows, &mut view);
        } else if let Some(best_first) = ranked {
            view = best_first;
        }
        self.view = view;
        self.sel = self.sel.min(self.view.len().saturating_sub(1));
        self.offset.set(self.offset.get().min(self.sel));
        self.fill_hits();
    }

    /// The first row on screen when `rows_h` rows show: the last offset,
    /// moved just enough to keep the selection in view.
    pub fn window(&self, rows_h: usize) -> usize {
        let mut offset = self.offset.get();
        if self.sel < offset {
            offset = self.sel;
        }
        if rows_h > 0 && self.sel >= offset + rows_h {
            offset = self.sel + 1 - rows_h;
        }
        offset
    }

    /// Keeps the list's window on the selection (as the last draw measured
    /// it) and locates the search matches of the rows it shows, so that the
    /// draw only reads them.
    pub fn fill_hits(&mut self) {
        let page = self.page.get();
        self.offset.set(self.window(page));
        if self.scores.is_empty() {
            return;
        }
        let shown: Vec<usize> = self
            .view
            .iter()
            .skip(self.offset.get())
            .take(page)
            .copied()
            .collect();
        for ri in shown {
            self.ensure_hit(ri);
        }
    }

    /// Computes the highlighted positions of the search match of row `ri`
    /// (only rows on screen need them; the filter keeps scores alone).
    pub fn ensure_hit(&mut self, ri: usize) {
        if self.hits.contains_key(&ri) {
            return;
        }
        if let Some(hit) = self.find_hit(ri) {
            self.hits.insert(ri, hit);
        }
    }

    /// The search match of row `ri`: located already, or now (a draw after a
    /// resize shows rows the keys have not seen; it locates without keeping).
    pub fn hit(&self, ri: usize) -> Option<std::borrow::Cow<'_, (usize, Match)>> {
        match self.hits.get(&ri) {
            Some(h) => Some(std::borrow::Cow::Borrowed(h)),
            None => self.find_hit(ri).map(std::borrow::Cow::Owned),
        }
    }

    fn find_hit(&self, ri: usize) -> Option<(usize, Match)> {
        if self.scores.get(ri).is_none_or(Option::is_none) {
            return None;
        }
        let q = normalise(&self.query);
        let r = self.rows.get(ri)?;
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
        match (by_text, by_id) {
            (Some(t), Some(n)) => Some(if n.1.score >= t.1.score { n } else { t }),
            (t, n) => t.or(n),
        }
    }

    /// The header's open phases on the session's day, joined.
    pub fn open_phases(&self) -> &str {
        self.memo.phases.get_or_init(|| {
            let phases: Vec<String> =
                rules::open_phases(&self.snap.campaign, &self.snap.rulings, self.day())
                    .iter()
                    .map(|p| display(self.lang().pick(&p.name, &p.name_en)))
                    .collect();
            if phases.is_empty() {
                self.t("各階段均已關閉", "all phases closed")
            } else {
                phases.join("+")
            }
        })
    }

    /// The ranking of category `cat` (an index) on the session's day.
    pub fn ranking(&self, cat: usize) -> Option<Rc<Result<Ranking, Refusal>>> {
        let category = self.snap.campaign.categories.get(cat)?;
        let mut memo = self.memo.rankings.borrow_mut();
        Some(Rc::clone(memo.entry(cat).or_insert_with(|| {
            Rc::new(rules::rank(&self.snap, &category.id, self.day()))
        })))
    }

    /// The status of nomination `id` on the session's day, seen by the actor.
    pub fn status(&self, id: &str) -> Rc<Result<Status, Refusal>> {
        let mut memo = self.memo.status.borrow_mut();
        if let Some(s) = memo.get(id) {
            return Rc::clone(s);
        }
        let s = Rc::new(rules::status(
            &self.snap,
            id,
            self.day(),
            self.session.actor.as_deref(),
        ));
        memo.insert(id.to_string(), Rc::clone(&s));
        s
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
            Some(Overlay::Confirm(_)) => Ctx::Confirm,
            Some(Overlay::Aside(_)) => Ctx::Aside,
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
        let forms: Vec<String> = self
            .overlays
            .iter()
            .filter_map(|o| match o {
                Overlay::Form(f) => f.nomination.clone(),
                _ => None,
            })
            .filter(|id| changed(id))
            .collect();
        self.history.retain(|id, _| !changed(id));
        self.blames.retain(|(id, _), _| !changed(id));
        if old.commit != self.snap.commit {
            self.audit = None;
            // A preview shows the commit on the old head: built again (the
            // answer under way is the old one; the new one comes after it).
            for o in self.overlays.iter_mut() {
                if let Overlay::Confirm(c) = o {
                    c.preview = None;
                }
            }
            self.loading.retain(|j| !matches!(j, Job::Preview(_)));
        }
        self.memo = Memo::default();
        self.forms_on_changed(&old, &forms);
        self.rows = rows::rebuild(
            &old,
            &self.snap,
            std::mem::take(&mut self.rows),
            self.session.actor.as_deref(),
            self.lang(),
        );
        self.last_search = None;
        self.build_search_index();
        self.hits.clear();
        self.refilter();
        if let Some(id) = keep {
            if let Some(p) = self.view.iter().position(|i| self.rows[*i].id == id) {
                self.sel = p;
                self.fill_hits();
            }
        }
    }

    /// The branch moved outside this interface (another process committed, a
    /// `git pull`, a sync elsewhere): the snapshot at its new commit, read by
    /// the watcher. Rows of changed records are rebuilt; the open screen, the
    /// cursor and the selected record stay. `false` when it is the commit
    /// shown already.
    pub fn branch_moved(&mut self, snap: Snapshot, counts: Option<(usize, usize)>) -> bool {
        self.sync.counts = counts;
        let short: String = snap
            .commit
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(7)
            .collect();
        if snap.commit == self.snap.commit {
            // Only the refresh key asks when nothing moved.
            self.message = Some(format!("{}{short}", self.t("已是最新：", "up to date: ")));
            return false;
        }
        let cursor = self.cursor;
        self.set_snapshot(snap);
        self.cursor = cursor;
        self.message = Some(format!(
            "{}{short}",
            self.t("分支已更新，已重新載入：", "the branch moved, reloaded: ")
        ));
        true
    }

    /// A form open on a record that a new snapshot changed: an untouched
    /// form is opened again with the new data, an edited one is marked so
    /// that its next submit is refused with the reason (the one after that
    /// checks the input against the new data and commits it). Either way the
    /// form says so.
    fn forms_on_changed(&mut self, old: &Snapshot, changed: &[String]) {
        let Some(me) = self.me().cloned() else {
            return;
        };
        let lang = self.lang();
        // Short enough for a form at 40 columns.
        let reopened = self.t(
            "記錄已被他處更改：已載入新數據",
            "changed elsewhere: new data loaded",
        );
        let stale = self.t(
            "記錄已被他處更改：核對後再按 ^S",
            "changed elsewhere: check, ^S again",
        );
        for o in self.overlays.iter_mut() {
            let Overlay::Form(form) = o else { continue };
            let Some(id) = form.nomination.clone() else {
                continue;
            };
            if !changed.contains(&id) {
                continue;
            }
            let untouched = popups::form::Form::open(form.kind, old, &me, Some(&id), lang)
                .is_some_and(|f| f.fields == form.fields);
            let fresh = untouched
                .then(|| popups::form::Form::open(form.kind, &self.snap, &me, Some(&id), lang))
                .flatten();
            match fresh {
                Some(mut f) => {
                    f.focus = form.focus.min(f.fields.len().saturating_sub(1));
                    f.error = Some(popups::form::FieldError {
                        field: None,
                        message: reopened.clone(),
                    });
                    *form = f;
                }
                None => {
                    form.stale = true;
                    form.error = Some(popups::form::FieldError {
                        field: None,
                        message: stale.clone(),
                    });
                }
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
                // The form is done (and its confirmation); its record's history changed.
                if matches!(self.overlays.last(), Some(Overlay::Confirm(_))) {
                    self.overlays.pop();
                }
                if matches!(self.overlays.last(), Some(Overlay::Form(_))) {
                    self.overlays.pop();
                }
                if let Some(id) = self.current_id() {
                    self.history.remove(&id);
                }
                self.message = Some(format!("{}{}", self.t("已提交：", "committed: "), summary));
                self.set_snapshot(snapshot);
            }
            Err(e) => self.overlays.push(Overlay::Error(e)),
        }
    }

    pub fn history_loaded(&mut self, id: String, r: Result<Vec<Entry>, String>) {
        self.job_done(Done::RecordLog { id, result: r });
    }

    /// Asks for `job` unless it is already under way.
    pub(super) fn request(&mut self, job: Job) -> Option<Effect> {
        if self.loading.contains(&job) {
            return None;
        }
        self.loading.push(job.clone());
        Some(Effect::Job(job))
    }

    /// What the current screen needs read and does not have (the runner asks
    /// after every event): the preview of a confirmation after the branch
    /// moved, a record's history on its history tab, the audit on the audit
    /// screen.
    pub fn next_job(&mut self) -> Option<Job> {
        // A confirmation whose preview went stale with the snapshot.
        if let Some(Overlay::Confirm(c)) = self.overlays.last() {
            if c.preview.is_none() {
                let job = Job::Preview(c.action.clone());
                if let Some(Effect::Job(j)) = self.request(job) {
                    return Some(j);
                }
            }
        }
        let job = match &self.screen {
            Screen::Detail { id, tab, .. }
                if *tab == Tab::History && !self.history.contains_key(id) =>
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
                let text = popups::export::done_text(self, &e);
                self.overlays.push(Overlay::Done(text));
            }
            Done::Export(Err(e)) => self.overlays.push(Overlay::Error(e)),
            Done::Preview { action, result } => {
                popups::confirm::preview_done(self, &action, result)
            }
            Done::Asides { result, note, .. } => popups::aside::loaded(self, result, note),
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
    pub(super) fn history_row(&self, id: &str, commit: &str) -> Option<usize> {
        self.history
            .get(id)
            .and_then(|h| h.as_ref().ok())
            .and_then(|h| h.iter().position(|e| e.commit == commit))
    }

    /// Shows a blame of the record on screen: its history tab, the commit that
    /// last changed the field under the cursor and named at the top.
    pub(super) fn show_blame(&mut self, id: String, field: String) {
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
                *tab = Tab::History;
                *scroll = 0;
                self.cursor = (row.unwrap_or(0), 0);
                // The commit found, in full.
                self.expanded = match self.blames.get(&(id.clone(), field.clone())) {
                    Some(Ok(Some(b))) => Some(b.entry.commit.clone()),
                    _ => None,
                };
                self.blamed = Some((id, field));
            }
        }
    }

    pub(super) fn export_menu(
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
        if let Some(p) = &mut self.pending {
            p.frame += 1;
        }
        self.frame += 1;
    }

    /// Handles one key; what the runner must do next. The sync popup, when
    /// open, takes every key; then the focused popup or screen: first as
    /// typing (a form, the export path, the search line), then through the
    /// key table.
    pub fn key(&mut self, key: KeyEvent) -> Option<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return None;
        }
        self.message = None;
        if let Some(taken) = popups::sync::handle(self, &key) {
            return taken;
        }
        let ctx = self.ctx();
        let typed = match ctx {
            Ctx::Form => popups::form::typed(self, &key),
            Ctx::Export => popups::export::typed(self, &key),
            Ctx::Search => screens::list::typed(self, &key),
            _ => None,
        };
        if let Some(effect) = typed {
            return effect;
        }
        let cmd = lookup(ctx, &key)?;
        self.command(ctx, cmd)
    }

    /// A command of the key table: the global ones here, the rest to the
    /// focused popup or screen.
    fn command(&mut self, ctx: Ctx, cmd: Cmd) -> Option<Effect> {
        if cmd == Cmd::Quit {
            return Some(Effect::Quit);
        }
        if cmd == Cmd::Sync {
            return Some(Effect::Sync);
        }
        if cmd == Cmd::Refresh {
            self.message = Some(self.t("正在重新載入…", "reloading…"));
            return Some(Effect::Refresh);
        }
        if cmd == Cmd::Help && !matches!(ctx, Ctx::Form | Ctx::Search) {
            self.overlays.push(Overlay::Help { scroll: 0 });
            return None;
        }
        match ctx {
            Ctx::Popup => popups::help::handle(self, cmd),
            Ctx::Menu => popups::menu::handle(self, cmd),
            Ctx::Export => popups::export::handle(self, cmd),
            Ctx::Form => popups::form::handle(self, cmd),
            Ctx::Search => screens::list::handle_search(self, cmd),
            Ctx::List => screens::list::handle(self, cmd),
            Ctx::Detail => screens::detail::handle(self, cmd),
            Ctx::Rankings => screens::rankings::handle(self, cmd),
            Ctx::Audit => screens::audit::handle(self, cmd),
            Ctx::Confirm => popups::confirm::handle(self, cmd),
            Ctx::Aside => popups::aside::handle(self, cmd),
            Ctx::Sync | Ctx::Global => None,
        }
    }

    /// Rows of a page, as the last draw measured them.
    pub(super) fn page(&self) -> usize {
        self.page.get().max(1)
    }

    pub(super) fn move_sel(&mut self, delta: isize) {
        let n = self.view.len();
        if n == 0 {
            return;
        }
        let s = (self.sel as isize + delta).clamp(0, n as isize - 1);
        self.sel = s as usize;
    }
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

#[cfg(test)]
mod tests {
    use super::Tab;

    #[test]
    fn detail_tabs_step_in_order_and_wrap() {
        assert_eq!(Tab::Overview.step(true), Tab::Scores);
        assert_eq!(Tab::History.step(true), Tab::Overview);
        assert_eq!(Tab::Overview.step(false), Tab::History);
        for (i, t) in Tab::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(t.step(true).step(false), t);
        }
    }
}
