//! Exports of the demo campaign (issue 7; COMMEND, CANDIDATES, FORM-DEADLINE,
//! ASSESS, OPEN): contents, order and dates checked against the rules engine, the
//! source commit named in every format, CSV parsed back by the `csv` crate, HTML
//! parsed back by `scraper`, and HTML printed to PDF by headless Chromium.
//!
//! The demo is built once per test binary with the real binary and reused; the
//! clock is the end of the 2017 campaign (`--at`).

use crate::common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use chrono::NaiveDate;
use pingxuan::model::Snapshot;
use pingxuan::store::Store;
use scraper::{Html, Selector};

const AT: &str = "2017-12-31T12:00:00+08:00";
const BOM: &[u8] = b"\xEF\xBB\xBF";

struct Demo {
    root: PathBuf,
    repo: PathBuf,
    head: String,
    /// The copy of the demo (its sandbox is `root`), kept for the whole run.
    _copy: common::demo::Demo,
}

/// A private HOME and an empty global git config for every command.
fn command(root: &Path) -> Command {
    common::isolated(env!("CARGO_BIN_EXE_pingxuan"), &root.join("home"))
}

/// A copy of the demo built once per test run (tests/common/demo.rs).
fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let copy = common::demo::year();
        let head = Store::open(&copy.dir)
            .unwrap()
            .head()
            .unwrap()
            .unwrap()
            .to_string();
        Demo {
            root: copy.sb.path().to_path_buf(),
            repo: copy.dir.clone(),
            head,
            _copy: copy,
        }
    })
}

fn snapshot() -> Snapshot {
    Store::open(&demo().repo).unwrap().snapshot().unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 12, 31).unwrap()
}

fn run(lang: &str, args: &[&str]) -> Output {
    let d = demo();
    command(&d.root)
        .arg("--repo")
        .arg(&d.repo)
        .args(["--at", AT, "--lang", lang, "export"])
        .args(args)
        .output()
        .unwrap()
}

/// Runs an export that must succeed and returns its standard output.
fn export(lang: &str, args: &[&str]) -> Vec<u8> {
    let out = run(lang, args);
    assert!(
        out.status.success(),
        "export {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn text(lang: &str, args: &[&str]) -> String {
    String::from_utf8(export(lang, args)).unwrap()
}

/// Parses CSV output: checks the BOM, returns headers and rows.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(BOM), "CSV starts with a UTF-8 BOM");
    let mut r = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {headers:?}"))
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn inner_text(e: scraper::ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

/// Parses HTML and checks what every export page carries: A4, no network, the commit.
fn html_doc(bytes: &[u8], head: &str) -> Html {
    let s = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(s.contains("size: A4"), "A4 page");
    assert!(
        s.contains("Noto Serif CJK SC") && s.contains("SimSun"),
        "CJK fonts with fallbacks"
    );
    assert!(
        !s.contains("http://") && !s.contains("https://"),
        "no network assets"
    );
    let doc = Html::parse_document(&s);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    let meta = doc
        .select(&sel("meta[name=pingxuan-commit]"))
        .next()
        .unwrap();
    assert_eq!(meta.value().attr("content"), Some(head));
    let trace = doc.select(&sel(".trace code.commit")).next().unwrap();
    assert_eq!(inner_text(trace), head, "the commit on every printed page");
    assert!(doc.select(&sel("script")).next().is_none());
    doc
}

#[test]
fn notice_lists_the_published_candidates_with_window_and_objection_channel_candidates() {
    // CANDIDATES: the published list (still candidates), the notice window, where
    // to object; the order is the units', not the ranking (排名不分先後)
    let d = demo();
    let s = snapshot();
    let notice = s
        .rulings
        .notices
        .iter()
        .find(|n| n.category == "window")
        .unwrap();
    let still = |id: &String| {
        s.record(id).is_some_and(|r| {
            matches!(
                r.decision.as_ref().map(|d| d.outcome),
                Some(pingxuan::model::Outcome::Candidate | pingxuan::model::Outcome::Final)
            ) && pingxuan::rules::notice::upheld_objection(r).is_none()
        })
    };
    let listed: Vec<&String> = notice.candidates.iter().filter(|id| still(id)).collect();
    assert!(
        listed.len() < notice.candidates.len(),
        "the demo disqualifies one after the notice"
    );
    let first = notice.published;
    let last = first + chrono::Days::new(u64::from(s.campaign.notice_days) - 1);
    assert_eq!(last, NaiveDate::from_ymd_opt(2017, 12, 10).unwrap());
    let office = s.unit(&s.campaign.office_unit).unwrap().name.clone();

    // Markdown (Chinese): dates as the office writes them, office, issuer, commit
    let md = text("zh", &["notice", "--category", "window"]);
    let zh_date = |d: NaiveDate| {
        use chrono::Datelike;
        format!(
            "{}\u{5e74}{}\u{6708}{}\u{65e5}",
            d.year(),
            d.month(),
            d.day()
        )
    };
    assert!(
        md.contains(&zh_date(first)) && md.contains(&zh_date(last)),
        "{md}"
    );
    assert!(md.contains(&office), "objections go to the office: {md}");
    assert!(md.contains(&s.campaign.issuer));
    assert!(md.contains(&d.head), "source commit named");
    assert!(md.contains("排名不分先後"));
    for id in &listed {
        let name = &s.record(id).unwrap().nomination.nominee.name;
        assert!(md.contains(name.as_str()), "{id} {name} listed");
    }

    // HTML (English labels): one row per candidate, in the units' order
    let html = export(
        "en",
        &["notice", "--category", "window", "--format", "html"],
    );
    let doc = html_doc(&html, &d.head);
    let rows: Vec<_> = doc.select(&sel("table.candidates > tbody > tr")).collect();
    assert_eq!(rows.len(), listed.len());
    let mut places = Vec::new();
    for row in &rows {
        let cells: Vec<String> = row.select(&sel("td")).map(inner_text).collect();
        let id = listed
            .iter()
            .find(|id| cells[1].starts_with(&s.record(id).unwrap().nomination.nominee.name))
            .unwrap_or_else(|| panic!("{cells:?}"));
        let n = &s.record(id).unwrap().nomination;
        assert!(
            n.deeds.starts_with(cells[3].trim_end_matches('\u{2026}')),
            "deeds summary"
        );
        places.push(s.units.iter().position(|u| u.id == n.unit).unwrap());
    }
    assert!(places.windows(2).all(|w| w[0] <= w[1]), "units' order");
    let page: String = doc.root_element().text().collect();
    assert!(page.contains("2017-12-04 to 2017-12-10"), "{page}");
    assert!(page.contains(&office) && page.contains("in person, by letter"));

    // CSV, every category: each notice's remaining candidates with the window dates and commit
    let (h, rows) = csv_rows(&export("en", &["notice", "--format", "csv"]));
    let total: usize = s
        .rulings
        .notices
        .iter()
        .map(|n| n.candidates.iter().filter(|id| still(id)).count())
        .sum();
    assert_eq!(rows.len(), total);
    let (id, f, l, c) = (
        col(&h, "Id"),
        col(&h, "First day"),
        col(&h, "Last day"),
        col(&h, "Source commit"),
    );
    let mut window_ids: Vec<&str> = rows
        .iter()
        .filter(|r| r[id].contains("-window-"))
        .map(|r| r[id].as_str())
        .collect();
    window_ids.sort();
    let mut want: Vec<&str> = listed.iter().map(|s| s.as_str()).collect();
    want.sort();
    assert_eq!(window_ids, want);
    assert!(rows
        .iter()
        .all(|r| r[f] == "2017-12-04" && r[l] == "2017-12-10" && r[c] == d.head));

    // JSON names its commit too
    let json: serde_json::Value =
        serde_json::from_slice(&export("en", &["notice", "--format", "json"])).unwrap();
    assert_eq!(json["commit"], d.head.as_str());
}

#[test]
fn final_lists_the_commended_in_rank_order_commend() {
    // COMMEND: rules::final_list per category, in rank order
    let d = demo();
    let s = snapshot();
    let lists: Vec<_> = s
        .campaign
        .categories
        .iter()
        .map(|c| pingxuan::rules::final_list(&s, &c.id, day()).unwrap())
        .collect();
    let expected: Vec<(String, String)> = lists
        .iter()
        .flat_map(|l| l.entries.iter().map(|e| (l.category.clone(), e.id.clone())))
        .collect();
    // the demo ends with 8 brands, 7 windows (NO-FILLER) and 10 stars
    let count = |c: &str| expected.iter().filter(|(k, _)| k == c).count();
    assert_eq!((count("brand"), count("window"), count("star")), (8, 7, 10));
    // an upheld objection and a fraud disqualification are not commended
    assert!(!expected
        .iter()
        .any(|(_, id)| id == "2017-brand-009" || id == "2017-window-011"));

    let (h, rows) = csv_rows(&export("en", &["final", "--format", "csv"]));
    let cat_id = |name: &str| {
        s.campaign
            .categories
            .iter()
            .find(|c| c.name_en == name)
            .map(|c| c.id.clone())
            .unwrap()
    };
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| (cat_id(&r[col(&h, "Category")]), r[col(&h, "Id")].clone()))
        .collect();
    assert_eq!(got, expected);
    let rank = col(&h, "Rank");
    let ranks: Vec<usize> = rows
        .iter()
        .filter(|r| cat_id(&r[0]) == "star")
        .map(|r| r[rank].parse().unwrap())
        .collect();
    assert_eq!(ranks, (1..=10).collect::<Vec<_>>());
    assert!(rows.iter().all(|r| r[col(&h, "Source commit")] == d.head));

    let doc = html_doc(&export("zh", &["final", "--format", "html"]), &d.head);
    let sections: Vec<_> = doc.select(&sel("section.final")).collect();
    assert_eq!(sections.len(), 3);
    for (section, list) in sections.iter().zip(&lists) {
        assert_eq!(
            section.value().attr("data-category"),
            Some(list.category.as_str())
        );
        let names: Vec<String> = section
            .select(&sel("table.final > tbody > tr > td:nth-child(2)"))
            .map(inner_text)
            .collect();
        assert_eq!(names.len(), list.entries.len());
        for (name, e) in names.iter().zip(&list.entries) {
            assert!(name.starts_with(&e.nominee), "{name} / {}", e.nominee);
        }
    }

    let md = text("zh", &["final", "--category", "star"]);
    assert!(md.contains(&d.head));
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| ")).count(),
        2 + 10,
        "{md}"
    );
}

#[test]
fn form_prints_three_copies_each_on_its_own_page_form_deadline() {
    // FORM-DEADLINE: the application form, 一式三份
    let d = demo();
    let s = snapshot();
    let id = "2017-brand-001";
    let n = &s.record(id).unwrap().nomination;
    let html = export("zh", &["form", id, "--format", "html"]);
    let doc = html_doc(&html, &d.head);
    let copies: Vec<_> = doc.select(&sel("section.copy")).collect();
    assert_eq!(copies.len(), 3);
    let marks: Vec<String> = doc.select(&sel(".copymark")).map(inner_text).collect();
    assert_eq!(marks, ["第一聯", "第二聯", "第三聯"]);
    let page = String::from_utf8(html.clone()).unwrap();
    assert!(
        page.contains(".copy { break-after: page;"),
        "each copy ends its page"
    );
    for copy in &copies {
        let t = inner_text(*copy);
        assert!(t.contains(&n.nominee.name) && t.contains(n.brand.as_deref().unwrap()));
        assert!(t.contains(&n.contact.phone));
        assert!(t.contains(n.deeds.lines().next().unwrap()), "deeds in full");
        for e in &n.evidence {
            assert!(t.contains(&e.reference));
        }
        assert_eq!(
            copy.select(&sel("td.box")).count(),
            3,
            "three opinion boxes"
        );
    }

    let md = text("en", &["form", id]);
    assert!(md.contains("Application form") && md.contains(&d.head));
    assert!(md.contains("3 copies"));

    let (h, rows) = csv_rows(&export("en", &["form", id, "--format", "csv"]));
    let content = col(&h, "Content");
    assert!(rows.iter().any(|r| r[content] == n.nominee.name));
    assert!(rows
        .iter()
        .all(|r| r[col(&h, "Id")] == id && r[col(&h, "Source commit")] == d.head));

    // no such nomination, or no id at all: refused
    assert!(!run("en", &["form", "2017-nope-001"]).status.success());
    assert!(!run("en", &["form"]).status.success());
}

#[test]
fn scores_show_every_reviewer_and_criterion_with_aggregates_assess() {
    // ASSESS, ROUTINE-EVAL: marks per reviewer and criterion, rules::aggregate beside
    let d = demo();
    let s = snapshot();
    // CSV: one row per score sheet, criterion columns numbers only
    let (h, rows) = csv_rows(&export(
        "en",
        &["scores", "--category", "window", "--format", "csv"],
    ));
    let nom = col(&h, "Id");
    let crits: Vec<usize> = s
        .campaign
        .category("window")
        .unwrap()
        .criteria
        .iter()
        .map(|c| {
            h.iter()
                .position(|x| x.starts_with(&format!("{} ", c.id)))
                .unwrap_or_else(|| panic!("{} in {h:?}", c.id))
        })
        .collect();
    let window: Vec<_> = s
        .records
        .values()
        .filter(|r| r.nomination.category == "window")
        .collect();
    for r in &window {
        let id = &r.nomination.id;
        let sheets = rows.iter().filter(|row| &row[nom] == id).count();
        assert_eq!(sheets, r.scores.len(), "{id}: one row per score sheet");
    }
    for row in &rows {
        for &i in &crits {
            assert!(
                row[i].is_empty() || row[i].parse::<f64>().is_ok(),
                "{}",
                row[i]
            );
        }
    }
    assert!(rows.iter().all(|r| r[col(&h, "Source commit")] == d.head));
    // xlsx: the aggregates on a sheet of their own, in rank order
    let sheets = xlsx_sheets(&export(
        "en",
        &["scores", "--category", "window", "--format", "xlsx"],
    ));
    let (_, head, agg) = &sheets[1];
    let hc = |name: &str| head.iter().position(|x| data_text(x) == name).unwrap();
    let (aid, fin, flags) = (hc("Id"), hc("Final score"), hc("Flags"));
    for r in &window {
        let id = &r.nomination.id;
        let row = agg.iter().find(|row| data_text(&row[aid]) == *id).unwrap();
        let a = pingxuan::rules::aggregate(&s, r).unwrap();
        match (&row[fin], a.final_score) {
            (calamine::Data::Float(f), Some(want)) => assert!((f - want).abs() < 1e-9),
            (calamine::Data::Empty, None) => {}
            (got, want) => panic!("{id}: {got:?} vs {want:?}"),
        }
        assert_eq!(
            data_text(&row[flags]).contains("reviewers disagree"),
            a.disagreement,
            "{id}"
        );
    }
    let ranking = pingxuan::rules::rank(&s, "window", day()).unwrap();
    assert_eq!(data_text(&agg[0][aid]), ranking.entries[0].id);
    // the demo has a window flagged for disagreement
    assert!(ranking.entries.iter().any(|e| e.disagreement));

    let doc = html_doc(&export("en", &["scores", "--format", "html"]), &d.head);
    assert_eq!(doc.select(&sel("div.nomination")).count(), s.records.len());
    let r = s.record("2017-star-001").unwrap();
    let div = doc
        .select(&sel("div.nomination[data-id=\"2017-star-001\"]"))
        .next()
        .unwrap();
    // reviews + the criterion-mean row; header: reviewer, S1..S5, total
    assert_eq!(
        div.select(&sel("table.marks > tbody > tr")).count(),
        r.scores.len() + 1
    );
    assert_eq!(
        div.select(&sel("table.marks > thead > tr > th")).count(),
        5 + 2
    );

    let md = text("zh", &["scores", "--category", "star"]);
    assert!(md.contains(&d.head) && md.contains("2017-star-001"));
}

#[test]
fn audit_lists_every_commit_with_its_signature_state_open() {
    // OPEN: the signed history, every signature verified against the member registry
    let d = demo();
    let repo = git2::Repository::open(&d.repo).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let commits = walk.count();

    let (h, rows) = csv_rows(&export("en", &["audit", "--format", "csv"]));
    assert_eq!(rows.len(), commits);
    let (c, sig, verified, actor, action, violations) = (
        col(&h, "Commit"),
        col(&h, "Signature"),
        col(&h, "Verified"),
        col(&h, "Actor"),
        col(&h, "Action"),
        col(&h, "Violations"),
    );
    assert_eq!(rows.last().unwrap()[c], d.head, "oldest first, HEAD last");
    assert_eq!(rows[0][action], "set up campaign");
    assert!(rows
        .iter()
        .all(|r| r[sig].starts_with("good signature by ") && r[verified] == "yes"));
    assert!(rows.iter().all(|r| !r[actor].is_empty()));
    assert!(
        rows.iter().all(|r| r[violations].is_empty()),
        "the demo history is clean"
    );
    assert!(rows.iter().all(|r| r[col(&h, "Source commit")] == d.head));

    let out = run("en", &["audit"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(!md.contains("not verified") && md.contains(&d.head));

    let doc = html_doc(&export("en", &["audit", "--format", "html"]), &d.head);
    assert!(doc.select(&sel("p.unverified")).next().is_none());
    assert_eq!(
        doc.select(&sel("table.audit > tbody > tr")).count(),
        commits
    );
}

#[test]
fn json_is_the_whole_snapshot_at_its_commit() {
    let d = demo();
    let s = snapshot();
    let v: serde_json::Value = serde_json::from_slice(&export("en", &["json"])).unwrap();
    assert_eq!(v["commit"], d.head.as_str());
    assert_eq!(v["records"].as_object().unwrap().len(), s.records.len());
    assert_eq!(v["campaign"]["notice_days"], s.campaign.notice_days);
    // only JSON makes sense for the whole snapshot
    assert!(!run("en", &["json", "--format", "csv"]).status.success());
}

#[test]
fn out_writes_a_file_in_the_format_its_name_says() {
    let d = demo();
    let path = d.root.join("final.csv");
    let out = run("en", &["final", "--out", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let (_, rows) = csv_rows(&std::fs::read(&path).unwrap());
    assert_eq!(rows.len(), 25);
}

#[test]
fn html_prints_to_pdf_with_headless_chromium() {
    // Needs Debian's chromium (and fonts-noto-cjk for the glyphs). Missing chromium
    // fails the test unless PINGXUAN_SKIP_CHROMIUM=1 says to skip it.
    let has = common::scrubbed("sh")
        .args(["-c", "command -v chromium || command -v chromium-browser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        if std::env::var_os("PINGXUAN_SKIP_CHROMIUM").is_some() {
            eprintln!("SKIPPED: chromium not installed and PINGXUAN_SKIP_CHROMIUM is set");
            return;
        }
        panic!("chromium is not installed: apt-get install -y chromium fonts-noto-cjk (or set PINGXUAN_SKIP_CHROMIUM=1)");
    }
    let d = demo();
    let s = snapshot();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/print-pdf.sh");
    let dir = d.root.join("pdf");
    std::fs::create_dir_all(&dir).unwrap();
    let cats = s.campaign.categories.len();
    let mut counts = Vec::new();
    // every document that comes in HTML
    for kind in pingxuan::export::Kind::ALL {
        if !kind.formats().contains(&pingxuan::export::Format::Html) {
            continue;
        }
        let name = kind.name();
        let mut args = vec![name];
        if kind.needs_id() {
            args.push("2017-star-001");
        }
        let html = dir.join(format!("{name}.html"));
        let pdf = dir.join(format!("{name}.pdf"));
        let mut a = args.clone();
        a.extend(["--format", "html", "--out", html.to_str().unwrap()]);
        export("zh", &a);
        let out = common::isolated("bash", &d.root.join("home"))
            .arg(&script)
            .arg(&html)
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{name}: a PDF");
        let text = String::from_utf8_lossy(&bytes);
        // A4 is 595 x 842 points, portrait or (wide tables) landscape
        assert!(
            text.contains("/MediaBox [0 0 594.9") || text.contains("/MediaBox [0 0 841.9"),
            "{name}: A4 pages"
        );
        let pages: usize = text
            .split("/Count ")
            .skip(1)
            .filter_map(|t| t.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .max()
            .unwrap_or(0);
        assert!(pages >= 1, "{name}: pages");
        counts.push((name, pages));
        match name {
            // three copies, each starting on a page of its own, the same length
            "form" => assert!(pages.is_multiple_of(3) && pages <= 6, "form: {pages} pages"),
            // one page per category (a long criteria list may run onto a second)
            "ballot" => assert_eq!(pages, cats, "{name}"),
            "score-sheet" => assert!(pages >= cats && pages <= 2 * cats, "{name}: {pages}"),
            // the letter, the annex, one reply slip per department
            "letter" => assert!(pages >= 2 + s.campaign.departments.len(), "letter: {pages}"),
            // 27 candidates over three categories; the decision's names
            "notice" => assert!(pages <= 6, "{name}: {pages}"),
            "decision" => assert!(pages <= 3, "{name}: {pages}"),
            // a summary page, then the commits on landscape pages (67 portrait before)
            "audit" => assert!(pages < 67, "audit: {pages}"),
            _ => {}
        }
    }
    eprintln!("PDF pages: {counts:?}");
}

// ---- issue 17: every document in every format, spreadsheet safety, print ----

/// The text of every `w:t` run of a `.docx`, after checking it is a zip whose
/// `word/document.xml` parses.
fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("document.xml parses");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "t")
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("")
}

/// Every sheet of an `.xlsx`: its name, headers and rows, after checking that no
/// cell holds a formula.
fn xlsx_sheets(bytes: &[u8]) -> Vec<(String, Vec<calamine::Data>, Vec<Vec<calamine::Data>>)> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    let names = wb.sheet_names().to_vec();
    assert!(!names.is_empty());
    names
        .into_iter()
        .map(|name| {
            let formulas = wb.worksheet_formula(&name).unwrap();
            assert!(
                formulas.used_cells().all(|(_, _, f)| f.is_empty()),
                "{name}: no formulas"
            );
            let range = wb.worksheet_range(&name).unwrap();
            let mut rows = range.rows().map(|r| r.to_vec());
            let head = rows.next().unwrap_or_default();
            (name, head, rows.collect())
        })
        .collect()
}

fn data_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV cell a spreadsheet would take for a formula.
fn formula_like(cell: &str) -> bool {
    matches!(
        cell.trim_start().chars().next(),
        Some('=' | '+' | '@' | '\t' | '\r')
    ) || (cell.starts_with('-') && cell.parse::<f64>().is_err())
}

#[test]
fn every_document_comes_in_every_format_it_offers_and_each_opens() {
    // COMMEND, CANDIDATES, FORM-DEADLINE, ASSESS, DEPT-OPINIONS: each document
    // kind, each format, written with --out and read back with a real reader
    use pingxuan::export::{Format, Kind};
    let d = demo();
    let dir = d.root.join("every");
    std::fs::create_dir_all(&dir).unwrap();
    for kind in Kind::ALL {
        if kind == Kind::Audit {
            continue; // below, once: it verifies every signature
        }
        for format in kind.formats() {
            let path = dir.join(format!("{}.{}", kind.name(), format.extension()));
            let mut args = vec![kind.name()];
            if kind == Kind::Form {
                args.push("2017-star-001");
            }
            let p = path.to_str().unwrap().to_string();
            args.extend(["--out", &p]);
            let out = run("zh", &args);
            assert!(
                out.status.success(),
                "{} {:?}: {}",
                kind.name(),
                format,
                String::from_utf8_lossy(&out.stderr)
            );
            let bytes = std::fs::read(&path).unwrap();
            let what = format!("{} as {}", kind.name(), format.extension());
            match format {
                Format::Csv => {
                    assert!(bytes.starts_with(BOM), "{what}: BOM");
                    let body = &bytes[BOM.len()..];
                    assert!(
                        body.windows(2).filter(|w| w == b"\r\n").count()
                            >= body.iter().filter(|b| **b == b'\n').count() / 2,
                        "{what}: CRLF line ends"
                    );
                    let (h, rows) = csv_rows(&bytes);
                    assert_eq!(h.last().map(String::as_str), Some("來源提交"), "{what}");
                    for r in &rows {
                        assert_eq!(r.len(), h.len(), "{what}: same columns on every row");
                        assert_eq!(r.last().unwrap(), &d.head, "{what}: the commit");
                        assert!(!r.iter().any(|c| formula_like(c)), "{what}: {r:?}");
                    }
                }
                Format::Xlsx => {
                    let sheets = xlsx_sheets(&bytes);
                    for (name, head, rows) in &sheets {
                        assert!(
                            head.iter().any(|h| data_text(h) == "來源提交"),
                            "{what} {name}: commit column"
                        );
                        for r in rows {
                            assert!(
                                r.iter().any(|c| data_text(c) == d.head),
                                "{what} {name}: the commit on every row"
                            );
                        }
                    }
                }
                Format::Docx => {
                    let text = docx_text(&bytes);
                    assert!(
                        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                        "{what}: Chinese text"
                    );
                }
                Format::Html => {
                    html_doc(&bytes, &d.head);
                }
                Format::Json => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    assert_eq!(v["commit"], d.head.as_str(), "{what}");
                }
                Format::Markdown => {
                    let s = String::from_utf8(bytes).unwrap();
                    assert!(s.contains(&d.head), "{what}: the commit");
                }
            }
            // the same bytes on repeat (docx and xlsx too)
            let first = std::fs::read(&path).unwrap();
            let again = run("zh", &args);
            assert!(again.status.success());
            assert!(
                std::fs::read(&path).unwrap() == first,
                "{what}: byte-identical on repeat"
            );
        }
        // a format the document does not come in is refused, and nothing is written
        if let Some(f) = Format::ALL.iter().find(|f| !kind.formats().contains(f)) {
            let path = dir.join(format!("refused-{}.{}", kind.name(), f.extension()));
            let p = path.to_str().unwrap().to_string();
            let mut args = vec![kind.name()];
            if kind == Kind::Form {
                args.push("2017-star-001");
            }
            args.extend(["--out", &p]);
            let out = run("zh", &args);
            assert!(!out.status.success(), "{} as {f:?} refused", kind.name());
            assert!(!path.exists(), "nothing written");
        }
    }
}

#[test]
fn each_extension_gives_its_format_or_a_clear_refusal() {
    let d = demo();
    let dir = d.root.join("ext");
    std::fs::create_dir_all(&dir).unwrap();
    let p = |name: &str| dir.join(name).to_str().unwrap().to_string();
    // .pdf: refused, naming how to print the HTML
    let out = run("en", &["notice", "--out", &p("n.pdf")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("HTML") && err.contains("print"), "{err}");
    assert!(!dir.join("n.pdf").exists());
    let out = run("zh", &["notice", "--format", "pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTML"));
    // an extension that names no format
    let out = run("en", &["notice", "--out", &p("n.txt")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".txt"));
    // .docx, .xlsx are what they say: zip containers, not Markdown
    export("zh", &["notice", "--out", &p("n.docx")]);
    export("zh", &["final", "--out", &p("f.xlsx")]);
    for f in ["n.docx", "f.xlsx"] {
        let b = std::fs::read(dir.join(f)).unwrap();
        assert!(b.starts_with(b"PK\x03\x04"), "{f} is a zip");
    }
    assert!(docx_text(&std::fs::read(dir.join("n.docx")).unwrap()).contains("候選名單公示"));
}

#[test]
fn xlsx_cells_are_typed_scores_are_numbers_and_status_words_stay_out_of_them() {
    // ASSESS: criterion columns hold numbers only; no-score states in their own column
    let sheets = xlsx_sheets(&export("zh", &["scores", "--format", "xlsx"]));
    assert_eq!(sheets.len(), 2, "reviews, then aggregates");
    let (_, head, rows) = &sheets[0];
    let crit: Vec<usize> = head
        .iter()
        .enumerate()
        .filter(|(_, h)| data_text(h).contains('分') && data_text(h).contains('（'))
        .map(|(i, _)| i)
        .collect();
    assert!(!crit.is_empty(), "{head:?}");
    let mut numbers = 0;
    for r in rows {
        for &i in &crit {
            match &r[i] {
                calamine::Data::Float(_) | calamine::Data::Int(_) => numbers += 1,
                calamine::Data::Empty => {}
                other => panic!("a criterion cell holds {other:?}"),
            }
        }
    }
    assert!(numbers > 100);
    let (_, head, rows) = &sheets[1];
    let fin = head
        .iter()
        .position(|h| data_text(h) == "最終得分")
        .unwrap();
    assert!(rows
        .iter()
        .any(|r| matches!(r[fin], calamine::Data::Float(_))));
    // the audit: times are date-times a spreadsheet reads as such
    let out = xlsx_sheets(&export("zh", &["registration", "--format", "xlsx"]));
    let (_, head, rows) = &out[0];
    let reg = head
        .iter()
        .position(|h| data_text(h) == "申報日期")
        .unwrap();
    assert!(rows
        .iter()
        .all(|r| matches!(r[reg], calamine::Data::DateTime(_))));
}

#[test]
fn the_notice_is_one_document_with_the_objection_channel_and_no_disqualified_entry_candidates() {
    // CANDIDATES, FRAUD: one notice for all categories, 排名不分先後, the office's
    // address, telephone, mailbox and hours, and never a disqualified entry
    let s = snapshot();
    let contact = s
        .campaign
        .objection_contact
        .clone()
        .expect("the sample fills it");
    let md = text("zh", &["notice"]);
    for part in [
        &contact.office,
        &contact.address,
        &contact.postcode,
        &contact.phone,
        &contact.mailbox,
        &contact.hours,
    ] {
        assert!(md.contains(part.as_str()), "{part} on the notice");
    }
    assert_eq!(
        md.matches("排名不分先後").count(),
        s.campaign.categories.len()
    );
    assert_eq!(
        md.lines().filter(|l| l.starts_with("# ")).count(),
        1,
        "one notice"
    );
    let (h, rows) = csv_rows(&export("zh", &["notice", "--format", "csv"]));
    let ids: Vec<&str> = rows.iter().map(|r| r[col(&h, "編號")].as_str()).collect();
    assert!(!ids.is_empty());
    for (id, r) in &s.records {
        let out = matches!(
            r.decision.as_ref().map(|d| d.outcome),
            Some(pingxuan::model::Outcome::Disqualified | pingxuan::model::Outcome::Rejected)
        );
        if out {
            assert!(
                !ids.contains(&id.as_str()),
                "{id} is disqualified or rejected: not on the notice"
            );
        }
    }
    // the review's case: disqualified for fraud after the notice was published
    assert!(s
        .rulings
        .notices
        .iter()
        .any(|n| n.candidates.iter().any(|c| c == "2017-window-011")));
    assert!(!ids.contains(&"2017-window-011"));
    // no simplified frame words, no English enum names
    for w in [
        "公示时间",
        "候选",
        "申报",
        "评委会",
        "来源提交",
        "Organisation",
        "window",
    ] {
        assert!(!md.contains(w), "{w:?} in the Chinese notice");
    }
}

#[test]
fn the_decision_is_dated_by_the_last_final_decision_and_a_draft_says_so_commend() {
    // COMMEND: issuing body, 文號, preamble, the commended per category, the date
    // of the decision (not --at), the seal place; a draft before the decisions
    let s = snapshot();
    let com = s.campaign.commendation.clone().unwrap();
    let md = text("zh", &["decision"]);
    assert!(md.contains(&com.number) && md.contains(&com.issuer));
    assert!(md.contains("決定命名"), "preamble");
    let last = s
        .records
        .values()
        .filter_map(|r| r.decision.as_ref())
        .filter(|d| d.outcome == pingxuan::model::Outcome::Final)
        .map(|d| d.date)
        .max()
        .unwrap();
    use chrono::Datelike;
    let zh = format!("{}年{}月{}日", last.year(), last.month(), last.day());
    assert!(md.contains(&zh), "dated {zh}: {md}");
    assert!(!md.contains("2017年12月31日"), "not the --at day");
    assert!(!md.contains("草稿"));
    for id in s.records.keys() {
        let on = md.contains(&s.record(id).unwrap().nomination.nominee.name);
        let fin = s.record(id).unwrap().decision.as_ref().map(|d| d.outcome)
            == Some(pingxuan::model::Outcome::Final);
        if fin {
            assert!(on, "{id} commended");
        }
    }
    let docx = docx_text(&export("zh", &["decision", "--format", "docx"]));
    assert!(docx.contains(&com.number) && docx.contains("決定"));
}

#[test]
fn the_form_has_person_fields_photo_seal_boxes_copies_and_the_departments_row() {
    // FORM-DEADLINE, DEPT-OPINIONS
    let d = demo();
    let s = snapshot();
    let html = export("zh", &["form", "2017-star-001", "--format", "html"]);
    let doc = html_doc(&html, &d.head);
    let copies: Vec<_> = doc.select(&sel("section.copy")).collect();
    assert_eq!(copies.len(), 3);
    for (i, keeper) in ["評委會存檔", "鎮街或主管部門存檔", "申報單位存檔"]
        .iter()
        .enumerate()
    {
        let t = inner_text(copies[i]);
        for label in [
            "性別",
            "出生年月",
            "政治面貌",
            "學歷",
            "照片",
            "主要事蹟（可另附頁）",
        ] {
            assert!(t.contains(label), "{label}");
        }
        assert!(t.contains(keeper), "copy {i} says who keeps it");
        // the heading rows repeat on continuation pages: in the table's thead
        let head = inner_text(copies[i].select(&sel("table.form > thead")).next().unwrap());
        assert!(head.contains("申報表") && head.contains("2017-star-001") && head.contains(keeper));
        for dept in &s.campaign.departments {
            assert!(t.contains(&dept.name), "{}", dept.name);
        }
        // three seal boxes, each 45 mm (a 42 mm seal fits)
        let boxes = copies[i]
            .select(&sel("tr[style='height:45mm'] td.box"))
            .count();
        assert_eq!(boxes, 3);
        assert!(
            t.contains("\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日"),
            "date line survives HTML"
        );
    }
    let docx = docx_text(&export(
        "zh",
        &["form", "2017-star-001", "--format", "docx"],
    ));
    assert!(docx.contains("政治面貌") && docx.contains("評委會意見"));
}

#[test]
fn the_audit_verifies_each_signature_once_open() {
    // OPEN: the audit export runs the signature program once per commit (it ran
    // twice per commit before), counted through a wrapper named by gpg.ssh.program
    let d = demo();
    let repo = d.root.join("audit-once");
    let _ = std::fs::remove_dir_all(&repo);
    let st = common::isolated("git", &d.root.join("home"))
        .args(["clone", "-q"])
        .arg(&d.repo)
        .arg(&repo)
        .status()
        .unwrap();
    assert!(st.success());
    let count = d.root.join("audit-once.count");
    let wrapper = d.root.join("audit-once.sh");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$2\" = verify ] || [ \"$2\" = find-principals ] || [ \"$2\" = check-novalidate ]; then echo \"$2\" >> '{}'; fi\nexec ssh-keygen \"$@\"\n",
            count.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let st = common::isolated("git", &d.root.join("home"))
        .arg("-C")
        .arg(&repo)
        .args(["config", "gpg.ssh.program"])
        .arg(&wrapper)
        .status()
        .unwrap();
    assert!(st.success());
    let out = command(&d.root)
        .arg("--repo")
        .arg(&repo)
        .args([
            "--at", AT, "--lang", "zh", "export", "audit", "--format", "csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (h, rows) = csv_rows(&out.stdout);
    let commits = rows.len();
    let calls = std::fs::read_to_string(&count).unwrap_or_default();
    let runs = calls.lines().count();
    // ed25519 signatures are now verified in process (issue 18), so the program
    // may not run at all; it never runs more than once a commit.
    assert!(
        runs <= commits,
        "at most one ssh-keygen run per commit ({runs} for {commits})"
    );
    let sig = col(&h, "簽名");
    assert!(rows.iter().all(|r| r[sig].contains("簽名有效")));
    // the actor is a name, the time a date-time a spreadsheet reads
    let actor = col(&h, "操作人");
    assert!(
        rows.iter().all(|r| !r[actor].is_ascii()),
        "names, not logins"
    );
    let time = col(&h, "時間");
    assert!(rows.iter().all(|r| chrono::NaiveDateTime::parse_from_str(
        &r[time],
        "%Y-%m-%d %H:%M:%S"
    )
    .is_ok()));
}
