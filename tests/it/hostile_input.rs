//! Issue 9, hostile-input corpus: each case is a commit in a real repository
//! (or a file handed to a write command). Each must give a clear error naming
//! the file and the field or position, no panic, nothing written, and the rest
//! of the campaign must still load.

use crate::{fixture, hostile};

use fixture::*;
use git2::FileMode;
use hostile::*;
use pingxuan::model::*;
use pingxuan::store::layout;

fn score_path(reviewer: &str) -> String {
    layout::score_path(GOOD, reviewer).unwrap()
}

fn score_text(reviewer: &str, marks: &str) -> Vec<u8> {
    format!(
        "(\n    reviewer: \"{reviewer}\",\n    marks: {{{marks}}},\n    comment: \"\",\n    time: \"2017-11-20T10:00:00+08:00\",\n)\n"
    )
    .into_bytes()
}

fn votes_path() -> String {
    layout::votes_path(GOOD).unwrap()
}

fn opinion_text(dept: &str, recorded_by: &str, date: &str) -> Vec<u8> {
    format!(
        "(\n    department: \"{dept}\",\n    stance: Approve,\n    reason: \"\",\n    recorded_by: \"{recorded_by}\",\n    date: \"{date}\",\n)\n"
    )
    .into_bytes()
}

// ---------------------------------------------------------------- syntax

#[test]
fn syntax_missing_comma_is_positioned() {
    let broken = bad_text().replacen("\"2017-window-002\",", "\"2017-window-002\"", 1);
    let f = repo_with(&[(bad_nomination_path(), broken.into_bytes())]);
    assert_reported(&f, &format!("{}:3:", bad_nomination_path()), &[]);
}

#[test]
fn syntax_truncated_file() {
    let text = bad_text();
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let f = repo_with(&[(bad_nomination_path(), text.as_bytes()[..cut].to_vec())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn syntax_unterminated_string() {
    let broken = bad_text().replacen("\"window\"", "\"window", 1);
    let f = repo_with(&[(bad_nomination_path(), broken.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn syntax_empty_file() {
    let f = repo_with(&[(bad_nomination_path(), Vec::new())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn syntax_binary_garbage() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let f = repo_with(&[(bad_nomination_path(), png)]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &["UTF-8"]);
}

#[test]
fn syntax_trailing_garbage_after_the_record() {
    let text = format!("{}\n(id: \"again\")\n", bad_text());
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn invalid_utf8_inside_a_string_is_positioned() {
    let mut bytes = bad_text().into_bytes();
    let at = bytes.windows(6).position(|w| w == b"deeds:").unwrap() + 8;
    bytes.splice(at..at, [0xc3, 0x28, 0xff]);
    let f = repo_with(&[(bad_nomination_path(), bytes)]);
    let err = assert_reported(&f, &format!("{}:", bad_nomination_path()), &["UTF-8"]);
    assert!(
        err.lines().any(|l| l.starts_with(&bad_nomination_path())
            && l.contains(':')
            && l.contains("UTF-8")),
        "{err}"
    );
}

#[test]
fn invalid_utf8_in_a_score_file() {
    let mut bytes = score_text(REVIEWER, "\"W1\": Points(5.0)");
    bytes.insert(3, 0xfe);
    let f = repo_with(&[(score_path(REVIEWER), bytes)]);
    assert_reported(&f, &format!("{}:2:2:", score_path(REVIEWER)), &["UTF-8"]);
}

#[test]
fn utf16_file_is_refused() {
    let utf16: Vec<u8> = bad_text()
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let f = repo_with(&[(bad_nomination_path(), [&[0xff, 0xfe][..], &utf16].concat())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

// ---------------------------------------------------------------- types and fields

#[test]
fn wrong_type_string_for_a_count() {
    let text =
        "(\n    satisfied: \"many\",\n    basically_satisfied: 1,\n    dissatisfied: 0,\n)\n";
    let f = repo_with(&[(votes_path(), text.as_bytes().to_vec())]);
    assert_reported(&f, &format!("{}:2:", votes_path()), &[]);
}

#[test]
fn wrong_type_negative_count() {
    let text = "(\n    satisfied: -5,\n    basically_satisfied: 1,\n    dissatisfied: 0,\n)\n";
    let f = repo_with(&[(votes_path(), text.as_bytes().to_vec())]);
    assert_reported(&f, &format!("{}:2:", votes_path()), &[]);
}

#[test]
fn wrong_type_integer_overflow() {
    let text = "(\n    satisfied: 99999999999999999999999,\n    basically_satisfied: 1,\n    dissatisfied: 0,\n)\n";
    let f = repo_with(&[(votes_path(), text.as_bytes().to_vec())]);
    assert_reported(&f, &format!("{}:2:", votes_path()), &[]);
}

#[test]
fn wrong_enum_variant() {
    let text = String::from_utf8(opinion_text("xinfang", OFFICE_CLERK, "2017-11-20"))
        .unwrap()
        .replace("Approve", "Maybe");
    let path = layout::opinion_path(GOOD, "xinfang").unwrap();
    let f = repo_with(&[(path.clone(), text.into_bytes())]);
    assert_reported(&f, &format!("{path}:3:"), &["Maybe"]);
}

#[test]
fn unknown_field_is_named() {
    let text = bad_text().replacen("(\n", "(\n    colour: \"red\",\n", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &["colour"]);
}

#[test]
fn missing_field_is_named() {
    let text: String = bad_text()
        .lines()
        .filter(|l| !l.trim_start().starts_with("deeds:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &["deeds"]);
}

#[test]
fn duplicate_field_is_named() {
    let text = bad_text().replacen("(\n", "(\n    id: \"2017-window-003\",\n", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &["id"]);
}

#[test]
fn duplicate_map_key_is_refused() {
    // Two marks for one criterion: which did the reviewer sign? Neither is taken.
    let bytes = score_text(REVIEWER, "\"W1\": Points(1.0), \"W1\": Points(9.0)");
    let f = repo_with(&[(score_path(REVIEWER), bytes)]);
    assert_reported(&f, &score_path(REVIEWER), &["W1"]);
}

// ---------------------------------------------------------------- size and depth

#[test]
fn fifty_megabyte_record_is_refused_unread() {
    let deeds = "\u{6ed5}".repeat(50 * 1024 * 1024 / 3);
    let text = bad_text().replacen("deeds: \"", &format!("deeds: \"{deeds}"), 1);
    assert!(text.len() >= 50 * 1024 * 1024);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &bad_nomination_path(), &["bytes", "limited"]);
}

#[test]
fn deep_nesting_hits_the_recursion_limit_not_the_stack() {
    let depth = 200_000;
    let text = format!(
        "(\n    satisfied: {}1{},\n    basically_satisfied: 1,\n    dissatisfied: 0,\n)\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let f = repo_with(&[(votes_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", votes_path()), &[]);
}

#[test]
fn deep_nesting_inside_an_unknown_field() {
    let depth = 100_000;
    let text = bad_text().replacen(
        "(\n",
        &format!(
            "(\n    extra: {}{},\n",
            "(".repeat(depth),
            ")".repeat(depth)
        ),
        1,
    );
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn many_small_faults_do_not_flood() {
    // A thousand unknown record files: each is named, and loading stays quick.
    let files: Vec<(String, Vec<u8>)> = (0..1000)
        .map(|i| {
            (
                format!("{}/notes-{i}.txt", layout::record_dir(GOOD).unwrap()),
                b"x".to_vec(),
            )
        })
        .collect();
    let f = repo_with(&files);
    let start = std::time::Instant::now();
    assert_reported(
        &f,
        &format!("{}/notes-999.txt", layout::record_dir(GOOD).unwrap()),
        &["layout"],
    );
    assert!(start.elapsed().as_secs() < 30);
}

// ---------------------------------------------------------------- ids and paths

#[test]
fn id_with_dot_dot_in_the_record() {
    let text = bad_text().replacen("\"2017-window-002\"", "\"../../../etc/passwd\"", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &bad_nomination_path(), &["field `id`"]);
}

#[test]
fn folder_named_dot_dot() {
    let f = repo_with(&[]);
    commit_raw_record(&f, "00", b"..", &ron(&window("x", BAD_UNIT)));
    assert_reported(&f, "nominations/00/..", &[]);
}

#[test]
fn folder_name_with_a_slash_escaping_the_tree() {
    let f = repo_with(&[]);
    commit_raw_record(&f, "00", b"../../etc", &ron(&window("x", BAD_UNIT)));
    assert_reported(&f, "nominations/00/../../etc", &[]);
}

#[test]
fn folder_named_like_an_absolute_path() {
    let f = repo_with(&[]);
    commit_raw_record(&f, "00", b"/etc/passwd", &ron(&window("x", BAD_UNIT)));
    assert_reported(&f, "nominations/00//etc/passwd", &[]);
}

#[test]
fn folder_named_dot_git() {
    let f = repo_with(&[]);
    commit_raw_record(&f, "00", b".git", &ron(&window("x", BAD_UNIT)));
    assert_reported(&f, "nominations/00/.git", &[]);
}

#[test]
fn folder_name_with_control_characters() {
    let f = repo_with(&[]);
    commit_raw_record(
        &f,
        "00",
        b"x\x1b]0;owned\x07\x1b[2J",
        &ron(&window("x", BAD_UNIT)),
    );
    let err = assert_reported(&f, "nominations/00/x", &[]);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

#[test]
fn folder_name_not_utf8() {
    let f = repo_with(&[]);
    commit_raw_record(&f, "00", b"caf\xe9", &ron(&window("x", BAD_UNIT)));
    assert_reported(&f, "nominations/00/caf", &[]);
}

#[test]
fn id_field_with_nul_and_escape() {
    let text = bad_text().replacen("\"2017-window-002\"", "\"2017\\u{0}window\\u{1b}[31m\"", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    let err = assert_reported(&f, &bad_nomination_path(), &["field `id`"]);
    assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
}

#[test]
fn score_file_named_for_someone_else() {
    let f = repo_with(&[(
        score_path("zhaomin"),
        score_text(REVIEWER, "\"W1\": Points(5.0)"),
    )]);
    assert_reported(&f, &score_path("zhaomin"), &["field `reviewer`"]);
}

#[test]
fn misfiled_duplicate_of_a_record() {
    let other = if shard_of(GOOD) == "00" { "01" } else { "00" };
    let dup = format!("nominations/{other}/{GOOD}/nomination.ron");
    let f = repo_with(&[(dup, ron(&window(GOOD, GOOD_UNIT)))]);
    assert_reported(&f, &format!("nominations/{other}/{GOOD}"), &[]);
}

#[test]
fn duplicate_unit_ids() {
    let text = String::from_utf8(sample_file("units.ron")).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("id: \"longquan-jiedao\""))
        .unwrap();
    let text = text.replacen(line, &format!("{line}\n{line}"), 1);
    let f = repo_with(&[(layout::UNITS.into(), text.into_bytes())]);
    assert_reported(&f, layout::UNITS, &["duplicate"]);
}

// ---------------------------------------------------------------- numbers

#[test]
fn score_above_the_maximum() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W1\": Points(500.0)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W1`", "outside"]);
}

#[test]
fn score_below_zero() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W1\": Points(-0.5)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W1`"]);
}

#[test]
fn score_nan() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W1\": Points(NaN)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W1`"]);
}

#[test]
fn score_infinity() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W1\": Points(inf)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W1`"]);
}

#[test]
fn score_negative_infinity() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W2\": Points(-inf)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W2`"]);
}

#[test]
fn metric_nan() {
    let text = bad_text().replacen("knowledge_rate: Some(95.0)", "knowledge_rate: Some(NaN)", 1);
    assert!(text.contains("Some(NaN)"));
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &bad_nomination_path(), &["knowledge_rate"]);
}

#[test]
fn metric_infinite_percentage() {
    let text = bad_text().replacen(
        "service_satisfaction: Some(97.0)",
        "service_satisfaction: Some(inf)",
        1,
    );
    assert!(text.contains("Some(inf)"));
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &bad_nomination_path(), &["service_satisfaction"]);
}

#[test]
fn evaluation_rating_nan() {
    let path = layout::evaluation_path(GOOD, "20171120-100000-wangjianguo").unwrap();
    let text = "(\n    kind: Routine,\n    author: \"wangjianguo\",\n    date: \"2017-11-20\",\n    rating: Some(NaN),\n    findings: \"ok\",\n)\n";
    let f = repo_with(&[(path.clone(), text.as_bytes().to_vec())]);
    assert_reported(&f, &path, &["rating"]);
}

#[test]
fn votes_that_overflow_when_added() {
    // Each count fits a u32; their sum does not.
    let text = "(\n    satisfied: 4294967295,\n    basically_satisfied: 4294967295,\n    dissatisfied: 4294967295,\n)\n";
    let f = repo_with(&[(votes_path(), text.as_bytes().to_vec())]);
    assert_reported(&f, &votes_path(), &[]);
}

#[test]
fn campaign_weight_nan_stops_with_the_file_named() {
    let text = String::from_utf8(sample_file("campaign.ron")).unwrap();
    let at = text.find("max: ").expect("a criterion max");
    let end = at + text[at..].find(',').unwrap();
    let broken = format!("{}max: NaN{}", &text[..at], &text[end..]);
    let f = repo_with(&[(layout::CAMPAIGN.into(), broken.into_bytes())]);
    let o = f.run(&["--lang", "en", "validate"]);
    assert_no_crash(&o, "validate");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("campaign.ron"), "{}", stderr(&o));
    assert!(stderr(&o).contains("max"), "{}", stderr(&o));
}

// ---------------------------------------------------------------- dates

#[test]
fn impossible_date_february_30() {
    let text = bad_text().replace("2017-06-20", "2017-02-30");
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &format!("{}:", bad_nomination_path()), &[]);
}

#[test]
fn impossible_time_in_a_score() {
    let bytes = String::from_utf8(score_text(REVIEWER, "\"W1\": Points(5.0)"))
        .unwrap()
        .replace("2017-11-20T10:00:00+08:00", "2017-11-20T25:61:00+99:00");
    let f = repo_with(&[(score_path(REVIEWER), bytes.into_bytes())]);
    assert_reported(&f, &format!("{}:", score_path(REVIEWER)), &[]);
}

#[test]
fn far_future_date() {
    let path = layout::opinion_path(GOOD, "xinfang").unwrap();
    let f = repo_with(&[(
        path.clone(),
        opinion_text("xinfang", OFFICE_CLERK, "+262143-12-31"),
    )]);
    // Either a parse fault or a field fault; never a panic in the date arithmetic.
    assert_reported(&f, &path, &[]);
}

// ---------------------------------------------------------------- references

#[test]
fn unknown_member_records_an_opinion() {
    let path = layout::opinion_path(GOOD, "xinfang").unwrap();
    let f = repo_with(&[(
        path.clone(),
        opinion_text("xinfang", "nobody", "2017-11-20"),
    )]);
    assert_reported(&f, &path, &["field `recorded_by`"]);
}

#[test]
fn unknown_unit_nominates() {
    let text = bad_text().replacen(BAD_UNIT, "no-such-unit", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(
        &f,
        &bad_nomination_path(),
        &["field `unit`", "unknown unit"],
    );
}

#[test]
fn unknown_criterion_scored() {
    let f = repo_with(&[(
        score_path(REVIEWER),
        score_text(REVIEWER, "\"W99\": Points(1.0)"),
    )]);
    assert_reported(&f, &score_path(REVIEWER), &["field `marks.W99`"]);
}

#[test]
fn unknown_category() {
    let text = bad_text().replacen("\"window\"", "\"stars\"", 1);
    let f = repo_with(&[(bad_nomination_path(), text.into_bytes())]);
    assert_reported(&f, &bad_nomination_path(), &["field `category`"]);
}

#[test]
fn unknown_evaluation_author() {
    let path = layout::evaluation_path(GOOD, "20171120-100000-nobody").unwrap();
    let text = "(\n    kind: Routine,\n    author: \"nobody\",\n    date: \"2017-11-20\",\n    findings: \"ok\",\n)\n";
    let f = repo_with(&[(path.clone(), text.as_bytes().to_vec())]);
    assert_reported(&f, &path, &["author"]);
}

#[test]
fn member_of_an_unknown_unit() {
    let text = String::from_utf8(sample_file("members.ron"))
        .unwrap()
        .replacen("unit: \"xuanchuanbu\"", "unit: \"atlantis\"", 1);
    let f = repo_with(&[(layout::MEMBERS.into(), text.into_bytes())]);
    assert_reported(&f, layout::MEMBERS, &["atlantis"]);
}

// ---------------------------------------------------------------- tree shapes

#[test]
fn symlink_in_place_of_a_score() {
    let f = repo_with(&[]);
    let repo = f.repo();
    let target = repo.blob(b"/etc/passwd").unwrap();
    commit_entry(&f, &score_path(REVIEWER), target, FileMode::Link);
    assert_reported(&f, &score_path(REVIEWER), &["symbolic link"]);
}

#[test]
fn symlink_in_place_of_a_nomination() {
    let f = repo_with(&[]);
    let repo = f.repo();
    let target = repo.blob(b"../../../../.git/config").unwrap();
    commit_entry(&f, &bad_nomination_path(), target, FileMode::Link);
    assert_reported(&f, &bad_nomination_path(), &["symbolic link"]);
}

#[test]
fn submodule_in_place_of_votes() {
    let f = repo_with(&[]);
    let head = f.head();
    commit_entry(&f, &votes_path(), head, FileMode::Commit);
    assert_reported(&f, &votes_path(), &["submodule"]);
}

#[test]
fn submodule_in_place_of_a_record_folder() {
    let f = repo_with(&[]);
    let head = f.head();
    let dir = layout::record_dir(BAD).unwrap();
    commit_entry(&f, &dir, head, FileMode::Commit);
    assert_reported(&f, &dir, &["not a record folder"]);
}

#[test]
fn record_file_that_is_a_folder() {
    let decision = layout::decision_path(GOOD).unwrap();
    let f = repo_with(&[(format!("{decision}/inner.ron"), b"()".to_vec())]);
    assert_reported(&f, &decision, &["folder"]);
}

#[test]
fn scores_folder_that_is_a_file() {
    let scores = format!("{}/scores", layout::record_dir(GOOD).unwrap());
    let f = repo_with(&[(scores.clone(), b"not a folder".to_vec())]);
    assert_reported(&f, &scores, &["not a folder"]);
}

#[test]
fn nominations_folder_that_is_a_file_keeps_the_top_files() {
    let f = Fixture::new(&[(layout::NOMINATIONS.into(), b"oops".to_vec())]);
    let o = f.run(&["--lang", "en", "validate"]);
    assert_no_crash(&o, "validate");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nominations: "), "{}", stderr(&o));
    assert!(f.run(&["list"]).status.success());
}

#[test]
fn record_folder_without_a_nomination() {
    let f = repo_with(&[(
        layout::score_path(BAD, REVIEWER).unwrap(),
        score_text(REVIEWER, "\"W1\": Points(5.0)"),
    )]);
    assert_reported(&f, &bad_nomination_path(), &["missing"]);
}

#[test]
fn stray_file_in_a_record_folder() {
    let path = format!("{}/run.sh", layout::record_dir(GOOD).unwrap());
    let f = repo_with(&[(path.clone(), b"#!/bin/sh\nrm -rf /\n".to_vec())]);
    assert_reported(&f, &path, &["layout"]);
}

#[test]
fn broken_campaign_file_stops_with_its_position() {
    let f = repo_with(&[(layout::CAMPAIGN.into(), b"(format: 1, name: ".to_vec())]);
    let o = f.run(&["--lang", "en", "validate"]);
    assert_no_crash(&o, "validate");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("campaign.ron:1:"), "{}", stderr(&o));
    let o = f.run(&["--lang", "en", "list"]);
    assert_no_crash(&o, "list");
    assert!(stderr(&o).contains("campaign.ron:1:"), "{}", stderr(&o));
}

#[test]
fn broken_rulings_file_keeps_the_records() {
    let f = repo_with(&[(
        layout::RULINGS.into(),
        b"(overrides: [(phase: 7)])".to_vec(),
    )]);
    assert_reported(&f, &format!("{}:", layout::RULINGS), &[]);
}

// ---------------------------------------------------------------- write paths

fn nominate_file(f: &Fixture, bytes: &[u8]) -> String {
    let file = f.home.path().join("n.ron");
    std::fs::write(&file, bytes).unwrap();
    file.display().to_string()
}

fn clerk_repo() -> Fixture {
    let f = repo_with(&[campaign_unsigned()]);
    act_as(&f, "\u{5289}\u{967d}", CLERK_EMAIL);
    f
}

fn nominate_refused(bytes: &[u8], expect: &[&str]) {
    let f = clerk_repo();
    let file = nominate_file(&f, bytes);
    assert_write_refused(
        &f,
        &["--lang", "en", "--at", REG_DAY, "nominate", "--file", &file],
        expect,
    );
    // The same clerk can still register a good nomination afterwards.
    let file = nominate_file(&f, bad_text().as_bytes());
    let o = f.run(&["--lang", "en", "--at", REG_DAY, "nominate", "--file", &file]);
    assert!(
        o.status.success(),
        "a good write still works: {}",
        stderr(&o)
    );
}

#[test]
fn write_nominate_control_test_succeeds() {
    let f = clerk_repo();
    let file = nominate_file(&f, bad_text().as_bytes());
    let before = f.head();
    let o = f.run(&["--lang", "en", "--at", REG_DAY, "nominate", "--file", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(f.head(), before);
    assert_clean(&f);
}

#[test]
fn write_nominate_dot_dot_id() {
    let mut n = window(BAD, BAD_UNIT);
    n.id = "../../hooks/pre-commit".into();
    nominate_refused(&ron(&n), &["field `id`"]);
}

#[test]
fn write_nominate_absolute_id() {
    let mut n = window(BAD, BAD_UNIT);
    n.id = "/etc/passwd".into();
    nominate_refused(&ron(&n), &["field `id`"]);
}

#[test]
fn write_nominate_dot_git_id() {
    let mut n = window(BAD, BAD_UNIT);
    n.id = ".git".into();
    nominate_refused(&ron(&n), &["field `id`"]);
}

#[test]
fn write_nominate_control_character_id() {
    let mut n = window(BAD, BAD_UNIT);
    n.id = "a\u{0}b\u{1b}[2J".into();
    let f = clerk_repo();
    let file = nominate_file(&f, &ron(&n));
    let err = assert_write_refused(
        &f,
        &["--lang", "en", "--at", REG_DAY, "nominate", "--file", &file],
        &["field `id`"],
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\0'), "{err:?}");
}

#[test]
fn write_nominate_syntax_error() {
    let broken = bad_text().replacen("\"2017-window-002\",", "\"2017-window-002\"", 1);
    nominate_refused(broken.as_bytes(), &["n.ron:3:"]);
}

#[test]
fn write_nominate_invalid_utf8() {
    let mut bytes = bad_text().into_bytes();
    bytes.push(0xff);
    nominate_refused(&bytes, &["n.ron:", "UTF-8"]);
}

#[test]
fn write_nominate_deep_nesting() {
    let text = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    nominate_refused(text.as_bytes(), &["n.ron:"]);
}

#[test]
fn write_nominate_nan_metric() {
    let text = bad_text().replacen("knowledge_rate: Some(95.0)", "knowledge_rate: Some(NaN)", 1);
    nominate_refused(text.as_bytes(), &["knowledge_rate"]);
}

#[test]
fn write_nominate_oversized_record() {
    // Valid RON, but larger than any record the loader reads: committing it
    // would make a nomination nobody can load.
    let deeds = "x".repeat((4 << 20) + 1);
    let text = bad_text().replacen("deeds: \"", &format!("deeds: \"{deeds}"), 1);
    nominate_refused(text.as_bytes(), &["bytes"]);
}

#[test]
fn write_nominate_unknown_unit() {
    let text = bad_text().replacen(BAD_UNIT, "no-such-unit", 1);
    nominate_refused(text.as_bytes(), &["no-such-unit"]);
}

fn reviewer_repo() -> Fixture {
    let f = repo_with(&[campaign_unsigned()]);
    act_as(&f, "\u{738b}\u{5efa}\u{570b}", REVIEWER_EMAIL);
    f
}

fn score_refused(marks: &[&str], expect: &[&str]) {
    let f = reviewer_repo();
    let mut args = vec!["--lang", "en", "--at", REVIEW_DAY, "score", GOOD];
    for m in marks {
        args.extend(["-m", m]);
    }
    assert_write_refused(&f, &args, expect);
    let o = f.run(&[
        "--lang", "en", "--at", REVIEW_DAY, "score", GOOD, "-m", "W1=5",
    ]);
    assert!(
        o.status.success(),
        "a good score still works: {}",
        stderr(&o)
    );
}

#[test]
fn write_score_nan() {
    score_refused(&["W1=NaN"], &["W1"]);
}

#[test]
fn write_score_infinite() {
    score_refused(&["W1=inf"], &["W1"]);
    score_refused(&["W1=-inf"], &["W1"]);
    score_refused(&["W1=1e400"], &["W1"]);
}

#[test]
fn write_score_malformed_marks() {
    score_refused(&["W1"], &["W1"]);
    score_refused(&["=5"], &[]);
    score_refused(&["W1=5=6"], &["W1"]);
    score_refused(&["W1=\u{1b}[31m"], &["W1"]);
}

#[test]
fn write_score_out_of_range() {
    score_refused(&["W1=-1"], &["W1"]);
    score_refused(&["W1=10.5"], &["W1"]);
}

#[test]
fn write_score_path_traversal_id() {
    let f = reviewer_repo();
    assert_write_refused(
        &f,
        &[
            "--lang",
            "en",
            "--at",
            REVIEW_DAY,
            "score",
            "../../etc",
            "-m",
            "W1=5",
        ],
        &["../../etc"],
    );
}

#[test]
fn write_opinion_department_traversal() {
    let f = clerk_repo();
    assert_write_refused(
        &f,
        &[
            "--lang",
            "en",
            "--at",
            REVIEW_DAY,
            "opinion",
            GOOD,
            "--department",
            "../../../config",
            "--stance",
            "approve",
        ],
        &["config"],
    );
}

// ---------------------------------------------------------------- the server hook

fn hook(f: &Fixture, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut c = f.cmd(&["--lang", "en", "hook", "pre-receive"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    o
}

fn hook_refuses(input: &[u8]) -> String {
    let f = repo_with(&[]);
    let before = f.head();
    let o = hook(&f, input);
    assert_no_crash(&o, "hook pre-receive");
    assert!(!o.status.success(), "refused: {}", stderr(&o));
    assert_eq!(f.head(), before);
    stderr(&o)
}

#[test]
fn hook_garbage_input() {
    let err = hook_refuses(b"hello world\n");
    assert!(err.contains("line 1") || err.contains(":1"), "{err}");
}

#[test]
fn hook_invalid_utf8_input() {
    hook_refuses(b"\xff\xfe\x00garbage\n");
}

#[test]
fn hook_short_object_ids() {
    // git always sends full ids; a short one must not be padded into another id.
    let err = hook_refuses(b"0 1 refs/heads/main\n");
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn hook_unknown_objects() {
    let z = "0".repeat(40);
    let missing = "ab".repeat(20);
    hook_refuses(format!("{z} {missing} refs/heads/main\n").as_bytes());
}

#[test]
fn hook_huge_input_line() {
    let mut input = vec![b'a'; 8 * 1024 * 1024];
    input.push(b'\n');
    hook_refuses(&input);
}
