//! Personas doing their whole task in a real terminal (tmux), on a FRESH
//! `pingxuan init` campaign:
//! - the CLERK registers a nomination with every field of the record through
//!   the TUI form (unit found by pinyin initials, the proposed id, list entries
//!   added in place), reports an activity and a supervisor, and on a later day
//!   files the application form;
//! - the REVIEWER scores a nomination, corrects a mark (typing replaces it)
//!   and withdraws the score.
//!
//! Each write is checked with real git: one commit each, `git verify-commit`
//! accepts it, and the record files hold what was typed. Needs tmux.

use crate::common;
use crate::tmux::Tmux;

use std::time::{Duration, Instant};

use crate::init_world::{email, window, World, BIN};
use pingxuan::model::*;

/// The personas' walk: the TUI started on the world's repository, a field
/// filled, a clean quit.
trait PersonaKeys<'w> {
    fn start(w: &'w World, at: &str) -> Tmux<'w>;
    fn field(&self, text: &str);
    fn quit(&self);
}

impl<'w> PersonaKeys<'w> for Tmux<'w> {
    fn start(w: &'w World, at: &str) -> Tmux<'w> {
        let t = Tmux {
            sb: &w.sb,
            sock: w.sb.path().join("tmux.sock"),
        };
        let command = format!("{BIN} --lang en --repo {} --at {at}", w.dir.display());
        let started = t.run(&[
            "new-session",
            "-d",
            "-s",
            "px",
            "-x",
            "100",
            "-y",
            "40",
            &command,
        ]);
        assert!(
            started.status.success(),
            "{}",
            common::output_text(&started)
        );
        t
    }

    /// Types `text` into the focused field and moves on (Tab).
    fn field(&self, text: &str) {
        if !text.is_empty() {
            self.literal(text);
        }
        self.keys(&["Tab"]);
    }

    fn quit(&self) {
        self.keys(&["Escape"]);
        self.keys(&["Escape"]);
        self.keys(&["q"]);
        let start = Instant::now();
        while self.alive() {
            assert!(start.elapsed() < Duration::from_secs(10), "the TUI quits");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// `git verify-commit` of every commit after `since`, with the members' keys
/// as allowed signers; their count.
fn verified_since(w: &World, since: &str) -> usize {
    let signers: Vec<(String, String)> = w
        .keys
        .iter()
        .map(|(id, k)| (email(id), k.line.clone()))
        .collect();
    let refs: Vec<(&str, &str)> = signers
        .iter()
        .map(|(e, k)| (e.as_str(), k.as_str()))
        .collect();
    let file = w.sb.write_allowed_signers(&refs);
    w.sb.set_config("gpg.ssh.allowedSignersFile", file.to_str().expect("utf-8"));
    let list =
        w.sb.git_ok(&w.dir, &["rev-list", &format!("{since}..HEAD")]);
    let commits: Vec<&str> = list.lines().filter(|l| !l.is_empty()).collect();
    for c in &commits {
        let v = w.sb.git(&w.dir, &["verify-commit", c]);
        assert!(v.status.success(), "{c}: {}", common::output_text(&v));
    }
    commits.len()
}

fn record(w: &World, id: &str) -> Record {
    let store = pingxuan::store::Store::open(&w.dir).expect("open");
    store
        .snapshot()
        .expect("snapshot")
        .record(id)
        .cloned()
        .unwrap_or_else(|| panic!("no record {id}"))
}

#[test]
fn the_clerk_files_a_whole_nomination_an_activity_and_the_form_in_the_tui() {
    let w = World::new();
    let start = w.head();
    // 官橋鎮's clerk: reports the town's own units (REPORTING-UNIT).
    w.identity("gq");
    let t = Tmux::start(&w, "2017-06-21T09:00:00+08:00");
    t.wait_long("gq", 30);
    // Nothing on the list: the menu offers registering.
    t.keys(&["a"]);
    t.wait_long("nominate", 10);
    t.keys(&["Enter"]);
    t.wait_long("commit:", 10);
    // Category: brand → window → star (a person).
    t.keys(&["Space"]);
    t.keys(&["Space"]);
    let form = t.wait_long("2017-star-001", 5);
    assert!(form.contains("2017-star-001"), "the proposed id:\n{form}");
    t.keys(&["Tab"]); // category
    t.keys(&["Tab"]); // the proposed id, kept
    t.field("gqz"); // unit: 官橋鎮 by its initials
    t.field("張麗"); // name
    t.keys(&["Tab"]); // front line: ticked for a star
    t.field("暖心服務"); // brand
    t.field("官橋鎮便民服務中心"); // workplace
    t.field("窗口主任"); // post
    t.field("女"); // gender
    t.field("1985-03"); // born
    t.field("中共黨員"); // political status
    t.field("大學本科"); // education
    t.field("李明"); // contact
    t.field("0632-5511234"); // phone
    t.field("十年如一日熱情服務群眾"); // deeds
    t.field("95"); // appraisal 2015
    t.field("96"); // appraisal 2016
    t.field("97"); // service satisfaction
    t.field("98"); // knowledge rate
                   // An incident: add, kind (a complaint), date, what happened.
    t.keys(&["Enter"]);
    t.keys(&["Tab"]);
    t.field("2016-05-01");
    t.field("群眾投訴等候時間長,已整改");
    t.keys(&["Tab"]); // past the incidents' add row
                      // An honour: title, level (municipal, the default), since.
    t.keys(&["Enter"]);
    t.field("滕州市三八紅旗手");
    t.keys(&["Tab"]);
    t.field("2015");
    t.keys(&["Tab"]);
    // A media report.
    t.keys(&["Enter"]);
    t.field("滕州日報");
    t.keys(&["Tab"]);
    t.field("2016-09-10");
    t.field("便民窗口的暖心人");
    t.keys(&["Tab"]);
    // Evidence.
    t.keys(&["Enter"]);
    t.field("榮譽證書復印件");
    t.field("檔案 2017-015");
    t.keys(&["Tab"]);
    // An activity and a supervisor in the record itself.
    t.keys(&["Enter"]);
    t.field("2017-06-15");
    t.field("窗口服務承諾公開");
    t.keys(&["Tab"]);
    t.keys(&["Enter"]);
    t.field("王強");
    t.field("官橋鎮人大");
    t.keys(&["Tab"]);
    // form_filed: left empty (filed later through its own action).
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);

    let r = record(&w, "2017-star-001");
    let n = &r.nomination;
    assert_eq!(n.category, "star");
    assert_eq!(n.unit, "guanqiao-zhen");
    assert_eq!(n.nominee.name, "張麗");
    assert!(n.nominee.front_line);
    assert_eq!(n.nominee.workplace.as_deref(), Some("官橋鎮便民服務中心"));
    assert_eq!(n.nominee.post.as_deref(), Some("窗口主任"));
    assert_eq!(n.nominee.gender.as_deref(), Some("女"));
    assert_eq!(n.nominee.born.as_deref(), Some("1985-03"));
    assert_eq!(n.nominee.political_status.as_deref(), Some("中共黨員"));
    assert_eq!(n.nominee.education.as_deref(), Some("大學本科"));
    assert_eq!(n.brand.as_deref(), Some("暖心服務"));
    assert_eq!(n.contact.name, "李明");
    assert_eq!(n.contact.phone, "0632-5511234");
    assert_eq!(n.deeds, "十年如一日熱情服務群眾");
    assert_eq!(n.metrics.appraisal_satisfaction.get(&2015), Some(&95.0));
    assert_eq!(n.metrics.appraisal_satisfaction.get(&2016), Some(&96.0));
    assert_eq!(n.metrics.service_satisfaction, Some(97.0));
    assert_eq!(n.metrics.knowledge_rate, Some(98.0));
    assert_eq!(n.metrics.incidents.len(), 1);
    assert_eq!(n.metrics.incidents[0].date.to_string(), "2016-05-01");
    assert_eq!(n.honours.len(), 1);
    assert_eq!(n.honours[0].since, 2015);
    assert_eq!(n.honours[0].level, Level::Municipal);
    assert_eq!(n.media.len(), 1);
    assert_eq!(n.media[0].title, "便民窗口的暖心人");
    assert_eq!(n.evidence.len(), 1);
    assert_eq!(n.evidence[0].reference, "檔案 2017-015");
    assert_eq!(n.activities.len(), 1);
    assert_eq!(n.supervisors.len(), 1);
    assert_eq!(n.supervisors[0].affiliation, "官橋鎮人大");

    // The record is on the list and selected: an activity through the menu
    // (the first action offered in June).
    t.keys(&["Escape"]);
    t.wait_long("張麗", 10);
    t.keys(&["a"]);
    t.wait_long("report activity", 10);
    t.keys(&["Enter"]);
    t.wait_long("commit:", 10);
    t.keys(&["Tab"]); // the date: empty is today
    t.literal("召開創建動員會");
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);
    t.quit();

    // July: the application form is filed (FORM-DEADLINE), a later day.
    let t = Tmux::start(&w, "2017-07-05T09:00:00+08:00");
    t.wait_long("張麗", 30);
    t.keys(&["a"]);
    t.wait_long("file application form", 10);
    // Activity, Supervisor, then the filed form.
    t.keys(&["Down"]);
    t.keys(&["Down"]);
    t.keys(&["Enter"]);
    t.wait_long("commit:", 10);
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);
    t.quit();

    let r = record(&w, "2017-star-001");
    assert_eq!(r.nomination.activities.len(), 2);
    assert_eq!(r.nomination.activities[1].summary, "召開創建動員會");
    assert_eq!(r.nomination.activities[1].date.to_string(), "2017-06-21");
    assert_eq!(
        r.nomination.form_filed.map(|d| d.to_string()).as_deref(),
        Some("2017-07-05")
    );
    // Three signed commits: the nomination, the activity, the filed form.
    assert_eq!(verified_since(&w, &start), 3);
    let log = w.sb.git_ok(
        &w.dir,
        &["log", "--format=%an %s", &format!("{start}..HEAD")],
    );
    assert!(log.lines().all(|l| l.starts_with("gq ")), "{log}");
}

#[test]
fn the_reviewer_scores_corrects_and_withdraws_in_the_tui() {
    let w = World::new();
    let out = w.nominate(
        "office",
        "2017-06-20T10:00:00+08:00",
        &window("2017-window-001", "gonganju-chegusuo"),
    );
    assert!(out.status.success(), "{}", common::output_text(&out));
    let start = w.head();
    w.identity("r1");
    let t = Tmux::start(&w, "2017-11-20T10:00:00+08:00");
    t.wait_long("2017-window-001", 30);
    t.keys(&["s"]);
    t.wait_long("commit:", 10);
    // W1..W10: a number each (Enter moves on).
    for p in ["9", "9", "8", "7", "10", "9", "11", "9", "8", "7"] {
        t.literal(p);
        t.keys(&["Enter"]);
    }
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);
    let r = record(&w, "2017-window-001");
    let sheet = r.scores.get("r1").expect("my sheet");
    assert_eq!(sheet.marks.get("W1"), Some(&Mark::Points(9.0)));

    // Correct W1: the first digit typed replaces the 9.
    t.keys(&["s"]);
    t.wait_long("commit:", 10);
    t.literal("6");
    t.wait_long("[6 ", 5);
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);
    let r = record(&w, "2017-window-001");
    assert_eq!(r.scores["r1"].marks.get("W1"), Some(&Mark::Points(6.0)));
    assert_eq!(r.scores["r1"].marks.get("W2"), Some(&Mark::Points(9.0)));

    // Withdraw it: second in the menu, after Score.
    t.keys(&["a"]);
    t.wait_long("withdraw score", 10);
    t.keys(&["Down"]);
    t.keys(&["Enter"]);
    t.wait_long("commit:", 10);
    t.keys(&["C-s"]);
    t.wait_long("committed:", 20);
    t.quit();
    let r = record(&w, "2017-window-001");
    assert!(!r.scores.contains_key("r1"), "withdrawn");
    assert_eq!(verified_since(&w, &start), 3);
    let touched = w.sb.git_ok(
        &w.dir,
        &[
            "log",
            "--format=%an",
            "--name-only",
            &format!("{start}..HEAD"),
        ],
    );
    assert!(touched.contains("scores/r1.ron"), "{touched}");
}
