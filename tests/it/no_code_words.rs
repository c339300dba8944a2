//! Issue 16: no ids, no English enum names, no code words in the program's
//! output, and one script per screen or document.
//!
//! For each of zh-Hans, zh-Hant and en, the main TUI screens (list, detail
//! with every tab, rankings of every category, audit, help, action menu —
//! drawn on ratatui's `TestBackend`) and every export document (every
//! [`Kind`] in md, html and csv) are read for the model's internal names:
//!
//! - the WALKED model: every variant of the model's enums by its Rust
//!   (Debug) name, every [`ActionKind`] by its trailer name, and from the
//!   snapshot every department, member, unit, category and phase id;
//! - rule ids (`GATE-WINDOW-SAT`, `NO-FILLER`, `QUOTA`) anywhere but inside
//!   parentheses, where a rule id may follow a sentence as its reference;
//! - in zh-Hans, a frame character that zh-Hant→zh-Hans conversion would
//!   change; in zh-Hant, a simplified-only character — both outside the
//!   record text of the snapshot, which is shown as entered.
//!
//! Words are matched whole (an ascii word is bounded by anything but
//! `[A-Za-z0-9_-]`). Allowed, with the reason:
//! - record text of the snapshot (names, reasons, deeds, titles) as entered,
//!   removed before the search: a member whose name IS their id (the fresh
//!   campaign names its members `chair`, `r1`) shows that name; so are the
//!   commit messages of the history (each the signed record of a write, in
//!   the language of whoever made it; the changes listed under it are in
//!   the interface's language and are checked);
//! - nomination numbers such as `2017-window-011` are the public number of
//!   an entry (and whole-word matching sees them as one word);
//! - criterion ids (`W1`, `B3`) are the notice's numbering of its criteria,
//!   the score grid's column heads;
//! - in English, category and phase ids (`window`, `star`, `notice`,
//!   `review`) are English words of the English frame, and one-word enum
//!   names (`Final`, `Score`, `Veto`) are English words; compound enum names
//!   (`NegativeImpact`, `AtLeast`, `FileForm`) are never English;
//! - a command to type (`pingxuan sync`) names its command as the
//!   command line spells it;
//! - the JSON document is the snapshot for machines: its ids are its data.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pingxuan::export::{kind::Kind, Format, Options, What};
use pingxuan::i18n::{to_hans, Lang};
use pingxuan::model::*;
use pingxuan::store::Store;
use pingxuan::tui::app::{App, Overlay, Screen, Session, Tab};
use pingxuan::tui::jobs::{AuditData, Done};
use pingxuan::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::common;
use crate::init_world::{prepare, World};

/// Every variant of an enum, with a `match` that stops compiling when a
/// variant is added and not listed.
macro_rules! variants {
    ($t:ident: $($v:ident $({ .. })?),+ $(,)?) => {{
        #[allow(dead_code, unreachable_patterns)]
        fn exhaustive(x: &$t) {
            match x {
                $($t::$v { .. } => {})+
            }
        }
        vec![$((stringify!($t), stringify!($v))),+]
    }};
}

/// The model's enums by their Rust names (type, variant).
fn enum_names() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    v.extend(variants!(Outcome: Candidate, Final, Rejected, Disqualified));
    v.extend(variants!(Stance: Approve, Concern, Veto));
    v.extend(variants!(ObjectionStatus: Open, Upheld, Dismissed));
    v.extend(variants!(IncidentKind: NegativeImpact, LiabilityAccident, SafetyAccident, Violation, Complaint));
    v.extend(variants!(Level: National, Provincial, Prefectural, Municipal, Other));
    v.extend(variants!(UnitKind: Town, Street, Department, Enterprise, Institution, WindowUnit));
    v.extend(variants!(Role: Reviewer, Chair, Clerk));
    v.extend(variants!(EvaluationKind: Routine, Unannounced, SiteVisit, Interview));
    v.extend(variants!(Comparison: AtLeast, AtMost));
    v.extend(variants!(AggregateMethod: Mean, Median, TrimmedMean));
    v.extend(variants!(NomineeKind: Organisation, Person));
    v.extend(variants!(Metric: AppraisalSatisfaction { .. }, ServiceSatisfaction, KnowledgeRate, Incidents { .. }));
    v.extend(variants!(Mark: Points { .. }, NotScored, Abstain, NotApplicable, Recused));
    for k in ActionKind::ALL {
        let name: &'static str = Box::leak(format!("{k:?}").into_boxed_str());
        v.push(("ActionKind", name));
    }
    v
}

/// What a word is, for the failure message.
type Words = BTreeMap<String, String>;

/// The names the output of `lang` must not contain, walked from the model
/// and the snapshot.
fn forbidden(snap: &Snapshot, lang: Lang) -> Words {
    let mut w = Words::new();
    for (t, v) in enum_names() {
        let compound = v.chars().filter(char::is_ascii_uppercase).count() > 1;
        if lang.zh() || compound {
            w.insert(v.to_string(), format!("{t}::{v}"));
        }
    }
    if lang.zh() {
        for k in ActionKind::ALL {
            w.insert(k.as_str().to_string(), format!("action {}", k.as_str()));
        }
    }
    let c = &snap.campaign;
    for d in &c.departments {
        w.insert(d.id.clone(), format!("department id ({})", d.name));
    }
    for m in &snap.members {
        if m.name != m.id {
            w.insert(m.id.clone(), format!("member id ({})", m.name));
        }
    }
    for u in &snap.units {
        if u.name != u.id {
            w.insert(u.id.clone(), format!("unit id ({})", u.name));
        }
    }
    if lang.zh() {
        for cat in &c.categories {
            w.insert(cat.id.clone(), format!("category id ({})", cat.name));
        }
        for p in &c.phases {
            w.insert(p.id.clone(), format!("phase id ({})", p.name));
        }
        w.insert(c.id.clone(), "campaign id".into());
    }
    w
}

/// Every string of the snapshot that is not an id: the record text a screen
/// or document shows as entered. Longest first (removed in that order).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.extend(s.lines().map(str::to_string)),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn record_texts(snap: &Snapshot, ids: &Words) -> Vec<String> {
    let mut out = Vec::new();
    strings(&serde_json::to_value(snap).expect("json"), &mut out);
    let mut keep: Vec<String> = out
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| s.chars().count() >= 2 && !ids.contains_key(s) && !is_id_like(s))
        .collect();
    keep.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    keep.dedup();
    keep
}

/// One ascii word — an id, a rule id, a date, a number: never record text
/// to remove (removing `window` or `GATE-BRAND-SAT` would hide the word we
/// look for).
fn is_id_like(s: &str) -> bool {
    s.chars().all(word_char)
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The ascii words of `line` with whether each stands inside parentheses.
fn words(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in line.chars().chain(std::iter::once(' ')) {
        if word_char(c) {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            out.push((cur.trim_matches('-').to_string(), depth > 0));
            cur.clear();
        }
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = (depth - 1).max(0),
            _ => {}
        }
    }
    out
}

/// A rule id: `GATE-WINDOW-SAT`, `NO-FILLER`, `QUOTA`.
fn is_rule_id(w: &str) -> bool {
    let upper = w
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '-' || c.is_ascii_digit());
    let letters = w.chars().filter(char::is_ascii_uppercase).count();
    upper
        && letters >= 4
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        // English words in capitals: a format's name, a document's stamp
        && !["HTML", "UTF-8", "JSON", "HEAD", "SHA256", "DRAFT"].contains(&w)
}

/// The simplified-only characters: those zh-Hant→zh-Hans conversion makes
/// that Big5 (the traditional character set) cannot encode — `报`, `们`,
/// `于` is encodable and so not one (a rare traditional character too).
fn simplified_only() -> BTreeSet<char> {
    let mut out = BTreeSet::new();
    for u in 0x4E00u32..=0x9FFF {
        let Some(c) = char::from_u32(u) else { continue };
        for h in to_hans(&c.to_string()).chars() {
            if h != c && encoding_rs::BIG5.encode(&h.to_string()).2 {
                out.insert(h);
            }
        }
    }
    out
}

/// `于`, `并`, `后` and `余` are Big5-encodable (so `simplified_only` lets them
/// pass), but in zh-Hant words they are the simplified forms of `於`, `並`/`併`,
/// `後` and `餘`; likewise `里`, `范` and `征` in the words listed. The
/// program's words are written in traditional characters and converted for
/// zh-Hans, so such a character reaches a zh-Hant screen as it stands.
/// Comments may quote the notice (which is in simplified characters); code
/// may not.
#[test]
fn the_programs_zh_hant_words_write_yu_and_bing_in_traditional_form() {
    let mut bad = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for (n, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    let simplified = code.contains(['于', '并', '后', '余'])
                        || ["這里", "那里", "哪里", "范圍", "規范", "征求"]
                            .iter()
                            .any(|w| code.contains(w));
                    if !code.starts_with("//") && simplified {
                        bad.push(format!("{}:{}: {code}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "simplified forms in zh-Hant words:\n{}",
        bad.join("\n")
    );
    // and the zh-Hans screens still get the simplified forms
    assert_eq!(
        to_hans("合併提交，並列於入選線，核對後，其餘，這裡，範圍，徵求"),
        "合并提交，并列于入选线，核对后，其余，这里，范围，征求"
    );
}

fn index(texts: &[String]) -> std::collections::HashMap<char, Vec<Vec<char>>> {
    let mut by_first: std::collections::HashMap<char, Vec<Vec<char>>> = Default::default();
    for t in texts {
        let chars: Vec<char> = t.chars().collect();
        if let Some(&c) = chars.first() {
            by_first.entry(c).or_default().push(chars);
        }
    }
    by_first
}

struct Checker {
    lang: Lang,
    forbidden: Words,
    texts: Vec<String>,
    /// Every record text, joined: a cut or wrapped piece of one (a column
    /// too narrow, a popup over the list, a deed wrapped over lines) is found
    /// in it.
    corpus: String,
    /// The record texts by their first character.
    by_first: std::collections::HashMap<char, Vec<Vec<char>>>,
    simplified: BTreeSet<char>,
    problems: Vec<String>,
}

impl Checker {
    fn new(snap: &Snapshot, lang: Lang, simplified: &BTreeSet<char>) -> Checker {
        let forbidden = forbidden(snap, lang);
        let texts = record_texts(snap, &forbidden);
        let corpus = texts.join("\u{0}");
        let by_first = index(&texts);
        Checker {
            lang,
            forbidden,
            corpus,
            by_first,
            texts,
            simplified: simplified.clone(),
            problems: Vec::new(),
        }
    }

    /// Also takes `texts` as record text (commit messages read from the history).
    fn add_texts(&mut self, texts: impl IntoIterator<Item = String>) {
        let more = texts
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| s.chars().count() >= 2 && !is_id_like(s));
        self.texts.extend(more);
        self.texts
            .sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        self.texts.dedup();
        self.corpus = self.texts.join("\u{0}");
        self.by_first = index(&self.texts);
    }

    /// Which characters of `chars` belong to a whole record text.
    fn covered(&self, chars: &[char]) -> Vec<bool> {
        let mut covered = vec![false; chars.len()];
        for start in 0..chars.len() {
            for t in self.by_first.get(&chars[start]).into_iter().flatten() {
                if chars[start..].starts_with(t) {
                    covered[start..start + t.len()]
                        .iter_mut()
                        .for_each(|c| *c = true);
                }
            }
        }
        covered
    }

    /// The characters of `line` flagged by `bad` that are not inside a piece
    /// of record text: the longest run around each (at least three
    /// characters, or the whole cut before a `…`) found in a record text.
    fn outside_record_text(&self, line: &str, bad: impl Fn(char) -> bool) -> String {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut covered = vec![false; chars.len()];
        if !chars.iter().any(|c| bad(*c)) {
            return out;
        }
        // whole record texts first (cheap), then pieces around what is left
        let whole = self.covered(&chars);
        covered.copy_from_slice(&whole);
        for i in 0..chars.len() {
            if !bad(chars[i]) || covered[i] {
                continue;
            }
            let (mut a, mut b) = (i, i + 1);
            let piece = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
            loop {
                let grew_left = a > 0 && self.corpus.contains(&piece(a - 1, b));
                if grew_left {
                    a -= 1;
                }
                let grew_right = b < chars.len() && self.corpus.contains(&piece(a, b + 1));
                if grew_right {
                    b += 1;
                }
                if !grew_left && !grew_right {
                    break;
                }
            }
            let p = piece(a, b);
            // cut at the end (`…`, the line's end), wrapped from the line
            // before, or cut by a popup's edge drawn over the row
            let cut = chars.get(b) == Some(&'…')
                || b == chars.len()
                || a == 0
                || (a > 0 && chars[a - 1] == '│')
                // a popup's edge over a wide character blanks its other half
                || (a > 1 && chars[a - 1] == ' ' && chars[a - 2] == '│')
                || (b + 1 < chars.len() && chars[b] == ' ' && chars[b + 1] == '│');
            let whole = self.texts.contains(&p);
            if self.corpus.contains(&p) && (b - a >= 3 || whole || cut) {
                covered[a..b].iter_mut().for_each(|c| *c = true);
            } else {
                out.push(chars[i]);
            }
        }
        out
    }

    /// Looks through `text` (one screen or document) shown as `what`.
    fn check(&mut self, what: &str, text: &str) {
        for line in text.lines() {
            let chars: Vec<char> = line.chars().collect();
            let covered = self.covered(&chars);
            let mut rest: String = chars
                .iter()
                .zip(&covered)
                .map(|(c, k)| if *k { ' ' } else { *c })
                .collect();
            // a command to type names its command as the command line does
            if let Some(i) = rest.find("pingxuan ") {
                rest.truncate(i);
            }
            for (w, in_parens) in words(&rest) {
                if let Some(is) = self.forbidden.get(&w) {
                    self.problems
                        .push(format!("{what}: `{w}` ({is}) in: {}", line.trim()));
                } else if is_rule_id(&w) && !in_parens {
                    self.problems.push(format!(
                        "{what}: rule id `{w}` leads the sentence (not in parentheses): {}",
                        line.trim()
                    ));
                }
            }
            // the script: on the line as shown (record text is found in it
            // whole or in pieces)
            let shown = line.trim();
            match self.lang {
                Lang::ZhHans => {
                    let bad = self
                        .outside_record_text(shown, |c| to_hans(&c.to_string()) != c.to_string());
                    if !bad.is_empty() {
                        self.problems.push(format!(
                            "{what}: zh-Hant frame characters {bad} in zh-Hans: {}",
                            line.trim()
                        ));
                    }
                }
                Lang::Zh => {
                    let bad = self.outside_record_text(shown, |c| self.simplified.contains(&c));
                    if !bad.is_empty() {
                        self.problems.push(format!(
                            "{what}: simplified characters {bad} in zh-Hant: {}",
                            line.trim()
                        ));
                    }
                }
                Lang::En => {}
            }
        }
    }
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| pingxuan::tui::view::draw(app, f)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            let c = &buf[(x, y)];
            if skip == 0 {
                out.push_str(c.symbol());
                skip = pingxuan::text::width(c.symbol()).max(1);
            }
            skip -= 1;
        }
        out.push('\n');
    }
    out
}

fn key(app: &mut App, code: KeyCode) {
    let _ = app.key(KeyEvent::new(code, KeyModifiers::NONE));
}

const W: u16 = 160;
const H: u16 = 60;

/// Every main screen of `dir`'s campaign as `actor` on `now`, in `lang`.
fn screens(dir: &std::path::Path, actor: &str, now: &str, lang: Lang, c: &mut Checker) {
    let store = Store::open(dir).expect("open");
    let snap = store.snapshot().expect("snapshot");
    let session = Session {
        lang,
        now: at(now),
        actor: Some(actor.to_string()),
        read_only: None,
        signer: Some("ssh key ~/.ssh/id_ed25519.pub".into()),
        theme: Theme { color: false },
        clock_fixed: true,
    };
    let mut app = App::new(snap.clone(), session);
    c.check("list", &screen(&app, W, H));
    key(&mut app, KeyCode::Char('?'));
    c.check("help", &screen(&app, W, H));
    app.overlays.clear();
    key(&mut app, KeyCode::Char('a'));
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Menu(_))),
        "the action menu opens"
    );
    c.check("menu", &screen(&app, W, H));
    app.overlays.clear();
    // detail: every record, every tab; the history tab of a few records
    let lo = pingxuan::act::history::log_options(&store, lang);
    for (i, id) in snap.records.keys().enumerate() {
        for tab in Tab::ALL {
            if tab == Tab::History {
                if i % 7 != 0 {
                    continue;
                }
                let log = pingxuan::history::log(&store, Some(id), &lo).expect("log");
                c.add_texts(log.iter().map(|e| e.summary.clone()));
                // the record's texts as they were at each commit (an earlier
                // decision's reason, a replaced opinion)
                for e in &log {
                    let oid = git2::Oid::from_str(&e.commit).expect("commit id");
                    if let Some(r) = store
                        .snapshot_at(oid)
                        .ok()
                        .and_then(|s| s.records.get(id).cloned())
                    {
                        let mut past = Vec::new();
                        strings(&serde_json::to_value(&r).expect("json"), &mut past);
                        c.add_texts(past);
                    }
                }
                app.history_loaded(id.clone(), Ok(log));
            }
            app.screen = Screen::Detail {
                id: id.clone(),
                tab,
                scroll: 0,
            };
            c.check(&format!("detail {id} {tab:?}"), &screen(&app, W, H));
        }
        app.screen = Screen::List;
        key(&mut app, KeyCode::Char('a'));
        app.overlays.clear();
    }
    for cat in 0..snap.campaign.categories.len() {
        app.screen = Screen::Rankings { cat, scroll: 0 };
        c.check(&format!("rankings {cat}"), &screen(&app, W, H));
    }
    let session = pingxuan::act::Session::new(Some(dir.to_path_buf()), lang, None);
    let (entries, report) = pingxuan::act::history::log_and_audit(&session).expect("audit");
    c.add_texts(entries.iter().map(|e| e.summary.clone()));
    app.screen = Screen::Audit {
        sel: 0,
        only_violations: false,
    };
    app.job_done(Done::Audit(Ok(AuditData {
        entries,
        violations: report.violations,
    })));
    c.check("audit", &screen(&app, W, H));
}

/// Strips an HTML document to its text (no tags, no style sheet).
fn html_text(html: &str) -> String {
    let mut s = html.to_string();
    while let (Some(a), Some(b)) = (s.find("<style"), s.find("</style>")) {
        if b < a {
            break;
        }
        s.replace_range(a..b + "</style>".len(), "");
    }
    let mut out = String::new();
    let mut tag = false;
    for ch in s.chars() {
        match ch {
            '<' => tag = true,
            '>' if tag => {
                tag = false;
                out.push(' ');
            }
            _ if !tag => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Every document of `dir`'s campaign in md, html and csv, in `lang`.
fn documents(dir: &std::path::Path, day: &str, lang: Lang, c: &mut Checker) {
    let store = Store::open(dir).expect("open");
    let snap = store.snapshot().expect("snapshot");
    let log = pingxuan::act::audit_log::for_kind(&store, Kind::Audit, lang)
        .expect("audit log")
        .expect("the audit kind has a log");
    let form_id = snap.records.keys().next().cloned();
    let opts = Options::new(at(day).date_naive(), lang);
    for kind in Kind::ALL {
        if kind == Kind::Json {
            continue; // the snapshot for machines: its ids are its data
        }
        let Some(what) = What::of(kind, form_id.as_deref(), Some(&log)) else {
            assert!(form_id.is_none(), "{kind:?}");
            continue;
        };
        for format in [Format::Markdown, Format::Html, Format::Csv] {
            if !kind.formats().contains(&format) {
                continue;
            }
            let bytes = pingxuan::export::render(&snap, &what, format, &opts)
                .unwrap_or_else(|e| panic!("{kind:?} {format:?}: {e}"));
            let text = String::from_utf8(bytes).expect("utf-8");
            let text = if format == Format::Html {
                html_text(&text)
            } else {
                text
            };
            c.check(&format!("{} {format:?}", kind.name()), &text);
        }
    }
}

fn report(c: &Checker, what: &str) {
    let mut seen = BTreeSet::new();
    let problems: Vec<&String> = c
        .problems
        .iter()
        .filter(|p| seen.insert(p.as_str()))
        .collect();
    assert!(
        problems.is_empty(),
        "{what} in {}: {} problems:\n{}",
        c.lang.tag(),
        problems.len(),
        problems
            .iter()
            .take(60)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The signed demo at the end of its year: every screen and document in
/// each language.
#[test]
fn the_demo_at_the_final_day_shows_no_code_words_in_any_language() {
    let demo = common::demo::year();
    let snap = Store::open(&demo.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let simplified = simplified_only();
    for lang in Lang::ALL {
        let mut c = Checker::new(&snap, lang, &simplified);
        screens(&demo.dir, "liguohua", common::demo::YEAR, lang, &mut c);
        documents(&demo.dir, common::demo::YEAR, lang, &mut c);
        report(&c, "the demo");
    }
}

/// A fresh `pingxuan init` campaign with one prepared window entry.
#[test]
fn a_fresh_campaign_shows_no_code_words_in_any_language() {
    let w = World::new();
    prepare(&w, &[("2017-window-001", "guanqiao-zhen")]);
    let snap = Store::open(&w.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let simplified = simplified_only();
    let now = "2017-11-20T10:00:00+08:00";
    for lang in Lang::ALL {
        let mut c = Checker::new(&snap, lang, &simplified);
        screens(&w.dir, "chair", now, lang, &mut c);
        documents(&w.dir, now, lang, &mut c);
        report(&c, "a fresh campaign");
    }
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    let snap = pingxuan::demo::sample().expect("sample");
    let snap = Snapshot {
        commit: None,
        campaign: snap.campaign,
        members: snap.members,
        units: snap.units,
        rulings: Rulings::default(),
        records: Default::default(),
        problems: vec![],
        index: Default::default(),
    };
    let simplified = simplified_only();
    let mut c = Checker::new(&snap, Lang::Zh, &simplified);
    c.check("a", "xinfang 否決");
    c.check("b", "決定 Final");
    c.check("c", "GATE-BRAND-SAT 行風評議滿意率:92% ≥ 90%,通過");
    c.check("d", "事件數 [NegativeImpact, LiabilityAccident]");
    c.check("e", "帮助键盘");
    assert_eq!(c.problems.len(), 6, "{:#?}", c.problems);
    let mut ok = Checker::new(&snap, Lang::Zh, &simplified);
    ok.check("f", "行風評議滿意率 92% ≥ 90%,通過(GATE-BRAND-SAT)");
    ok.check("g", "2017-window-011 信訪 否決");
    ok.check("h", "運行 pingxuan sync");
    assert!(ok.problems.is_empty(), "{:#?}", ok.problems);
    let mut hans = Checker::new(&snap, Lang::ZhHans, &simplified);
    hans.check("i", "鍵盤幫助 國網滕州市供電公司");
    assert_eq!(hans.problems.len(), 1, "{:#?}", hans.problems);
    let mut en = Checker::new(&snap, Lang::En, &simplified);
    en.check("j", "Final list; window; AtLeast; anquan");
    assert_eq!(en.problems.len(), 2, "{:#?}", en.problems);
}

/// `pingxuan <args>` in `lang` as `who` at `at`: its stdout and stderr.
fn cli(w: &World, lang: Lang, who: &str, at: &str, args: &[&str]) -> (bool, String) {
    w.identity(who);
    let out =
        w.sb.cmd(crate::init_world::BIN)
            .arg("--repo")
            .arg(&w.dir)
            .args(["--lang", lang.tag(), "--at", at])
            .args(args)
            .output()
            .expect("run pingxuan");
    (out.status.success(), common::output_text(&out))
}

/// Item 3 of issue 16: the command line's own sentences — refusals, status,
/// log, audit, sync and doctor messages, a raw OS error's advice — in a
/// zh-Hans interface have no zh-Hant character outside the record text
/// they insert (names, reasons, arguments as typed), and in a zh-Hant
/// interface no simplified-only character.
///
/// Item 5: the same output, on a campaign whose members have names
/// (`World::named`), has none of the campaign's member, unit or department
/// ids and no English enum or action name (the walker of this file); a
/// file's path is spelled as git spells it and blanked before the search.
#[test]
fn the_command_line_speaks_one_script() {
    let w = World::named();
    prepare(&w, &[("2017-window-001", "guanqiao-zhen")]);
    let t = "2017-11-20T10:00:00+08:00";
    let id = "2017-window-001";
    let runs: Vec<(&str, Vec<&str>, bool)> = vec![
        ("r1", vec!["list"], true),
        ("r1", vec!["show", id], true),
        ("r1", vec!["status", id], true),
        ("r1", vec!["rank"], true),
        ("r1", vec!["log"], true),
        ("r1", vec!["audit"], true),
        ("r1", vec!["validate"], true),
        ("r1", vec!["doctor"], true),
        // no remote: the sync says so
        ("r1", vec!["sync"], false),
        // refusals: a reviewer does not decide, a clerk does not score
        (
            "r1",
            vec![
                "decide",
                id,
                "--outcome",
                "candidate",
                "--reason",
                "評審通過",
            ],
            false,
        ),
        ("office", vec!["score", id, "-m", "W1=5"], false),
        // an unknown nomination, a mark out of range
        ("r1", vec!["show", "2099-none-001"], false),
        ("r2", vec!["score", id, "-m", "W1=99"], false),
        // a raw OS error: a file that is not there
        (
            "office",
            vec!["nominate", "--file", "/nonexistent/申報.ron"],
            false,
        ),
    ];
    let snap = Store::open(&w.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let simplified = simplified_only();
    for lang in [Lang::ZhHans, Lang::Zh] {
        let mut c = Checker::new(&snap, lang, &simplified);
        // the commit messages are the signed record of each write, in the
        // language of whoever made it (record text, as on the screens)
        let store = Store::open(&w.dir).expect("open");
        let lo = pingxuan::act::history::log_options(&store, lang);
        let log = pingxuan::history::log(&store, None, &lo).expect("log");
        c.add_texts(log.iter().map(|e| e.summary.clone()));
        for (who, args, ok) in &runs {
            let (passed, text) = cli(&w, lang, who, t, args);
            assert_eq!(passed, *ok, "{args:?}: {text}");
            assert!(!text.trim().is_empty(), "{args:?} said nothing");
            // the arguments as typed are record text (an id typed is shown
            // back as typed: `沒有申報項目 2099-none-001`)
            c.add_texts(args.iter().map(|a| a.to_string()));
            c.check(
                &format!("pingxuan {}", args.join(" ")),
                &without_paths(&text),
            );
        }
        report(&c, "the command line");
    }
    // the advice for a missing file names what to do, in simplified characters
    let (_, text) = cli(
        &w,
        Lang::ZhHans,
        "office",
        t,
        &["nominate", "--file", "/nonexistent/x.ron"],
    );
    assert!(text.contains("找不到这个文件"), "{text}");
}

/// A file's path (`nominations/3f/2017-window-001/opinions/xinfang.ron`,
/// `units.ron`) blanked out: a path is where git finds the file, spelled as
/// git spells it (ids included), and stays so in every language.
fn without_paths(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    // a run of anything but spaces and the punctuation around a path
    // (`/nonexistent/申報.ron` whole)
    let path_char = |c: char| !c.is_whitespace() && !"，。；：（）「」、“”(),;".contains(c);
    for c in text.chars().chain(std::iter::once('\n')) {
        if path_char(c) {
            run.push(c);
            continue;
        }
        if run.contains('/') || run.ends_with(".ron") {
            out.push(' ');
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// Violations made with plain git on a fresh `pingxuan init` campaign whose
/// members have names: a reviewer rewrites a department's opinion the office
/// clerk wrote and puts another department in it, a town's clerk edits
/// `units.ron`, the chair commits without signing. Returns the commits.
fn violations_by_plain_git(w: &World) -> Vec<String> {
    let dir = pingxuan::store::layout::record_dir("2017-window-001").expect("id");
    let op = format!("{dir}/opinions/xinfang.ron");
    let text = std::fs::read_to_string(w.dir.join(&op)).expect("the opinion");
    assert!(text.contains("xinfang"), "{text}");
    let forged = text.replace("\"xinfang\"", "\"anquan\"");
    let mut commits = vec![w.git_commit(
        "r1",
        "2017-11-21T10:00:00+08:00",
        &[(op, forged.into_bytes())],
    )];
    let mut units = std::fs::read(w.dir.join("units.ron")).expect("units.ron");
    units.extend_from_slice(b"\n");
    commits.push(w.git_commit(
        "gq",
        "2017-11-21T11:00:00+08:00",
        &[("units.ron".into(), units)],
    ));
    w.identity("chair");
    let mut campaign = std::fs::read(w.dir.join("campaign.ron")).expect("campaign.ron");
    campaign.extend_from_slice(b"\n");
    std::fs::write(w.dir.join("campaign.ron"), campaign).expect("write");
    w.sb.git_ok(&w.dir, &["add", "campaign.ron"]);
    let at = "2017-11-21T12:00:00+08:00";
    let out =
        w.sb.cmd("git")
            .current_dir(&w.dir)
            .env("GIT_AUTHOR_DATE", at)
            .env("GIT_COMMITTER_DATE", at)
            .args([
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "-m",
                "手工改動",
            ])
            .output()
            .expect("git commit");
    assert!(out.status.success(), "{}", common::output_text(&out));
    commits.push(w.head());
    commits
}

/// Item 2 of issue 16: the audit's violations — `pingxuan audit`, the
/// terminal's audit screen and the audit document — name members,
/// departments and units by the names the campaign gave them, in zh-Hans,
/// zh-Hant and en; no member, unit or department id, no machine kind
/// (`[chair-only]`), no rule id leading the sentence. Ids stay in `--json`.
#[test]
fn the_audit_names_people_not_ids_in_any_language() {
    let w = World::named();
    prepare(&w, &[("2017-window-001", "guanqiao-zhen")]);
    let commits = violations_by_plain_git(&w);
    let t = "2017-11-22T10:00:00+08:00";
    let snap = Store::open(&w.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let simplified = simplified_only();
    // the machine form keeps ids
    let (_, json) = cli(&w, Lang::En, "chair", t, &["audit", "--json"]);
    for (id, rule) in [("r1", "ROLES"), ("gq", "ROLES")] {
        assert!(
            json.contains(&format!("\"member\": \"{id}\""))
                || json.contains(&format!("\"member\":\"{id}\"")),
            "{json}"
        );
        assert!(json.contains(rule), "{json}");
    }
    for lang in Lang::ALL {
        let mut c = Checker::new(&snap, lang, &simplified);
        if lang == Lang::En {
            // the member id `chair` is also the English word of the role
            // (`may be changed by the chair only`, the header's `chair`)
            c.forbidden.remove("chair");
        }
        c.add_texts(["by hand".to_string(), "手工改動".to_string()]);
        let (ok, text) = cli(&w, lang, "chair", t, &["audit"]);
        assert!(!ok, "the audit finds the violations: {text}");
        for commit in &commits {
            assert!(text.contains(&commit[..12]), "{commit} flagged: {text}");
        }
        for name in ["評委趙敏", "官橋鎮張偉", "文明辦王芳"] {
            assert!(text.contains(name), "{}: {name} named: {text}", lang.tag());
        }
        let unsigned = match lang {
            Lang::Zh => "未簽名",
            Lang::ZhHans => "未签名",
            Lang::En => "unsigned",
        };
        assert!(text.contains(unsigned), "{text}");
        assert!(
            !text.contains("[chair-only]") && !text.contains("[others-file]"),
            "{text}"
        );
        c.check("pingxuan audit", &without_paths(&text));
        // the terminal's audit screen, each flagged commit selected
        let session = pingxuan::act::Session::new(Some(w.dir.clone()), lang, None);
        let (entries, audit) = pingxuan::act::history::log_and_audit(&session).expect("audit");
        assert!(audit.violations.len() >= 3, "{:?}", audit.violations);
        // a Chinese violation is written with full-width punctuation (its
        // file's path aside)
        for v in audit.violations.iter().filter(|_| lang.zh()) {
            let s = without_paths(&v.sentence(lang));
            assert!(!s.contains([',', ';', ':', '(', ')']), "{s}");
        }
        c.add_texts(entries.iter().map(|e| e.summary.clone()));
        let mut app = App::new(
            snap.clone(),
            Session {
                lang,
                now: at(t),
                actor: Some("chair".into()),
                read_only: None,
                signer: None,
                theme: Theme { color: false },
                clock_fixed: true,
            },
        );
        app.screen = Screen::Audit {
            sel: 0,
            only_violations: true,
        };
        app.job_done(Done::Audit(Ok(AuditData {
            entries,
            violations: audit.violations,
        })));
        for sel in 0..commits.len() {
            app.screen = Screen::Audit {
                sel,
                only_violations: true,
            };
            c.check(
                &format!("audit screen {sel}"),
                &without_paths(&screen(&app, W, H)),
            );
        }
        // the audit document
        let store = Store::open(&w.dir).expect("open");
        let log = pingxuan::act::audit_log::for_kind(&store, Kind::Audit, lang)
            .expect("audit log")
            .expect("the audit kind has a log");
        let what = What::of(Kind::Audit, None, Some(&log)).expect("the audit document");
        let opts = Options::new(at(t).date_naive(), lang);
        for format in [Format::Markdown, Format::Html, Format::Csv] {
            if !Kind::Audit.formats().contains(&format) {
                continue;
            }
            let bytes = pingxuan::export::render(&snap, &what, format, &opts).expect("render");
            let text = String::from_utf8(bytes).expect("utf-8");
            let text = if format == Format::Html {
                html_text(&text)
            } else {
                text
            };
            assert!(text.contains("評委趙敏"), "{format:?}: {text}");
            c.check(&format!("audit document {format:?}"), &without_paths(&text));
        }
        report(&c, "the audit with violations");
    }
}

#[test]
fn paths_are_blanked_and_nothing_else() {
    assert_eq!(
        without_paths("abc nominations/3f/x/opinions/xinfang.ron 只能 units.ron：r1"),
        "abc   只能  ：r1"
    );
}

/// Issue 16: a campaign-wide file edited after set-up (the chair renames a
/// unit, adds one and shortens the notice) reads in Chinese by the fields'
/// words and the units' names in `pingxuan log`: no English field path
/// (`units.longquan-jiedao.name`, `notice_days`), no unit id, no `true`.
#[test]
fn a_campaign_file_edited_after_set_up_reads_in_words_and_names() {
    let w = World::named();
    let units = std::fs::read_to_string(w.dir.join("units.ron")).expect("units.ron");
    let renamed = units.replacen(
        "id: \"longquan-jiedao\",\n        name: \"龍泉街道\",",
        "id: \"longquan-jiedao\",\n        name: \"龍泉街道辦事處\",",
        1,
    );
    assert_ne!(renamed, units, "the sample's unit is there");
    let added = renamed.trim_end().trim_end_matches(']').to_string()
        + "    (id: \"xinjian-zhen\", name: \"新建鎮\", kind: Town),\n]\n";
    w.git_commit(
        "chair",
        "2017-06-05T10:00:00+08:00",
        &[("units.ron".into(), added.into_bytes())],
    );
    let campaign = std::fs::read_to_string(w.dir.join("campaign.ron")).expect("campaign.ron");
    let days = campaign
        .lines()
        .find(|l| l.trim_start().starts_with("notice_days:"))
        .expect("notice_days")
        .to_string();
    let changed = campaign.replacen(&days, "    notice_days: 6,", 1);
    assert_ne!(changed, campaign);
    w.git_commit(
        "chair",
        "2017-06-05T11:00:00+08:00",
        &[("campaign.ron".into(), changed.into_bytes())],
    );
    let snap = Store::open(&w.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let simplified = simplified_only();
    for lang in [Lang::Zh, Lang::ZhHans] {
        let (ok, all) = cli(&w, lang, "chair", "2017-06-06T10:00:00+08:00", &["log"]);
        assert!(ok, "{all}");
        // the two commits made here (the setup's subject is what `init`
        // wrote, in the language it ran in)
        let text: String = all
            .lines()
            .take(5)
            .map(|l| l.replace("by hand", "") + "\n")
            .collect();
        for name in ["龍泉街道辦事處", "新建鎮"] {
            assert!(text.contains(name), "{}: {name}: {text}", lang.tag());
        }
        for english in [
            "units.",
            "longquan-jiedao",
            "xinjian-zhen",
            "notice_days",
            "campaign.",
            "Town",
            "true",
            "good",
        ] {
            assert!(!text.contains(english), "{}: {english}: {text}", lang.tag());
        }
        let days = lang.pick("公示天數", "");
        assert!(text.contains(days), "{}: {days}: {text}", lang.tag());
        let mut c = Checker::new(&snap, lang, &simplified);
        c.check("pingxuan log", &without_paths(&text));
    }
}
