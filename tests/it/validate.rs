//! Item 7 of the core issue: every load reports malformed RON with file, line and
//! column and semantic faults with file and field; a broken record never stops
//! the rest from loading; a refused write writes nothing.

use crate::fixture;

use fixture::*;
use pingxuan::model::*;
use pingxuan::store::layout;

fn good(id: &str, unit: &str) -> (String, Vec<u8>) {
    (layout::nomination_path(id).unwrap(), ron(&window(id, unit)))
}

/// Runs `validate --lang en` and returns (exit code, stderr).
fn validate(f: &Fixture) -> (i32, String) {
    let o = f.run(&["--lang", "en", "validate"]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

fn listed(f: &Fixture) -> String {
    stdout(&f.run(&["--lang", "en", "list"]))
}

#[test]
fn clean_repository_validates() {
    let f = Fixture::new(&[good("2017-window-001", "zhengwu-fuwu-zhongxin")]);
    let (code, err) = validate(&f);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn malformed_ron_names_file_line_and_column_and_the_rest_loads() {
    let bad_path = layout::nomination_path("2017-window-002").unwrap();
    let text = String::from_utf8(ron(&window("2017-window-002", "gongan-chegusuo"))).unwrap();
    // Drop the comma after the id on line 2.
    let broken = text.replacen("\"2017-window-002\",", "\"2017-window-002\"", 1);
    let f = Fixture::new(&[
        good("2017-window-001", "zhengwu-fuwu-zhongxin"),
        (bad_path.clone(), broken.into_bytes()),
    ]);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("{bad_path}:3:")),
        "file and line named: {err}"
    );
    let list = listed(&f);
    assert!(
        list.contains("2017-window-001"),
        "the good record still loads: {list}"
    );
    assert!(!list.contains("2017-window-002"));
}

#[test]
fn json_problems_carry_line_and_column() {
    let bad_path = layout::score_path("2017-window-001", REVIEWER).unwrap();
    let f = Fixture::new(&[
        good("2017-window-001", "zhengwu-fuwu-zhongxin"),
        (
            bad_path.clone(),
            b"(reviewer: \"wangjianguo\",\n marks: {\"W1\": Points(5.0)},\n time: 12,\n)".to_vec(),
        ),
    ]);
    let o = f.run(&["validate", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v[0];
    assert_eq!(p["path"], bad_path);
    assert_eq!(p["line"], 3);
    assert!(p["column"].as_u64().unwrap() > 0);
}

fn score_file(reviewer: &str, marks: &[(&str, Mark)]) -> Vec<u8> {
    ron(&Score {
        reviewer: reviewer.into(),
        marks: marks.iter().map(|(c, m)| (c.to_string(), *m)).collect(),
        comment: String::new(),
        time: "2017-11-20T10:00:00+08:00".parse().unwrap(),
    })
}

#[test]
fn semantic_faults_name_file_and_field() {
    let id = "2017-window-001";
    let mut unknown_cat = window("2017-window-003", "gongan-chegusuo");
    unknown_cat.category = "stars".into();
    let mut unknown_unit = window("2017-window-004", "no-such-unit");
    unknown_unit.category = "window".into();
    let mut bad_dates = window("2017-window-005", "renmin-yiyuan-menzhen");
    bad_dates.form_filed = Some(day("2017-06-01"));
    let mut early = window("2017-window-006", "shebao-fuwu-dating");
    early.registered = day("2016-12-31");
    let cases: Vec<(String, Vec<u8>, &str, &str)> = vec![
        (
            layout::nomination_path("2017-window-003").unwrap(),
            ron(&unknown_cat),
            "category",
            "unknown category",
        ),
        (
            layout::nomination_path("2017-window-004").unwrap(),
            ron(&unknown_unit),
            "unit",
            "unknown unit",
        ),
        (
            layout::nomination_path("2017-window-005").unwrap(),
            ron(&bad_dates),
            "form_filed",
            "before the registration",
        ),
        (
            layout::nomination_path("2017-window-006").unwrap(),
            ron(&early),
            "registered",
            "before the campaign year",
        ),
        (
            layout::score_path(id, "nobody").unwrap(),
            score_file("nobody", &[("W1", Mark::Points(5.0))]),
            "reviewer",
            "unknown member",
        ),
        (
            layout::score_path(id, REVIEWER).unwrap(),
            score_file(REVIEWER, &[("W99", Mark::Points(5.0))]),
            "marks.W99",
            "unknown criterion",
        ),
        (
            layout::score_path(id, "zhaomin").unwrap(),
            score_file("zhaomin", &[("W1", Mark::Points(500.0))]),
            "marks.W1",
            "outside",
        ),
        (
            layout::opinion_path(id, "nosuchdept").unwrap(),
            ron(&Opinion {
                department: "nosuchdept".into(),
                stance: Stance::Approve,
                reason: String::new(),
                recorded_by: OFFICE_CLERK.into(),
                date: day("2017-11-20"),
            }),
            "department",
            "unknown department",
        ),
    ];
    let mut files = vec![good(id, "zhengwu-fuwu-zhongxin")];
    files.extend(cases.iter().map(|(p, b, _, _)| (p.clone(), b.clone())));
    let f = Fixture::new(&files);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    for (path, _, field, msg) in &cases {
        let line = err
            .lines()
            .find(|l| l.starts_with(path.as_str()) && l.contains(&format!("field `{field}`")))
            .unwrap_or_else(|| panic!("no problem for {path} field {field}: {err}"));
        assert!(line.contains(msg), "{line}");
    }
    assert!(listed(&f).contains(id), "the good record still loads");
}

#[test]
fn id_that_does_not_match_its_folder_is_reported() {
    let folder = "2017-window-009";
    let f = Fixture::new(&[(
        layout::nomination_path(folder).unwrap(),
        ron(&window("2017-window-010", "zhengwu-fuwu-zhongxin")),
    )]);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    assert!(
        err.contains("field `id`") && err.contains("does not match its folder"),
        "{err}"
    );
}

#[test]
fn duplicate_ids_are_reported() {
    let id = "2017-window-001";
    let right = layout::nomination_path(id).unwrap();
    let shard = shard_of(id);
    let other = if shard == "00" { "01" } else { "00" };
    let wrong = format!("nominations/{other}/{id}/nomination.ron");
    let f = Fixture::new(&[
        good(id, "zhengwu-fuwu-zhongxin"),
        (wrong, ron(&window(id, "zhengwu-fuwu-zhongxin"))),
    ]);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("nominations/{other}/{id}")), "{err}");
    assert!(
        err.contains("duplicate id") || err.contains("misfiled"),
        "{err}"
    );
    let _ = right;

    // Duplicate member ids in members.ron.
    let mut members: Vec<Member> =
        ron::from_str(std::str::from_utf8(&sample_file("members.ron")).unwrap()).unwrap();
    let dup = members[1].clone();
    members.push(Member {
        email: "other@example.invalid".into(),
        ..dup
    });
    let f = Fixture::new(&[(layout::MEMBERS.into(), ron(&members))]);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    assert!(
        err.contains("members.ron: field `id`: duplicate member id"),
        "{err}"
    );
}

#[test]
fn impossible_date_is_a_positioned_syntax_fault() {
    let id = "2017-window-001";
    let text = String::from_utf8(ron(&window(id, "zhengwu-fuwu-zhongxin"))).unwrap();
    let broken = text.replace("2017-06-20", "2017-02-30");
    let path = layout::nomination_path(id).unwrap();
    let f = Fixture::new(&[(path.clone(), broken.into_bytes())]);
    let (code, err) = validate(&f);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("{path}:")), "{err}");
}

#[test]
fn refused_writes_write_nothing() {
    let id = "2017-window-001";
    let f = Fixture::new(&[good(id, "zhengwu-fuwu-zhongxin")]);
    std::fs::write(
        f.home.path().join(".gitconfig"),
        "[user]\n\tname = 王建國\n\temail = wangjianguo@xcb.tengzhou.example\n",
    )
    .unwrap();
    let before = f.head();
    let at = ["--lang", "en", "--at", "2017-11-20T10:00:00+08:00"];

    // A score outside 0..max names the criterion.
    let o = f.run(&[&at[..], &["score", id, "-m", "W1=99"]].concat());
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("W1=99") && stderr(&o).contains("outside"),
        "{}",
        stderr(&o)
    );

    // An unknown criterion.
    let o = f.run(&[&at[..], &["score", id, "-m", "W42=1"]].concat());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("W42"), "{}", stderr(&o));

    // A nomination file with a syntax error names its file, line and column.
    let file = f.home.path().join("n.ron");
    std::fs::write(
        &file,
        "(\n  id: \"2017-window-002\"\n  category: \"window\",\n)",
    )
    .unwrap();
    let o = f.run(&[&at[..], &["nominate", "--file", file.to_str().unwrap()]].concat());
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("{}:3:", file.display())),
        "{}",
        stderr(&o)
    );

    // An id that would escape its folder.
    let mut n = window("x", "zhengwu-fuwu-zhongxin");
    n.id = "../../etc".into();
    std::fs::write(&file, ron(&n)).unwrap();
    let o = f.run(&[&at[..], &["nominate", "--file", file.to_str().unwrap()]].concat());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("field `id`"), "{}", stderr(&o));

    // Unknown nomination.
    let o = f.run(&[&at[..], &["score", "2017-window-404", "-m", "W1=1"]].concat());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("2017-window-404"), "{}", stderr(&o));

    assert_eq!(f.head(), before, "nothing was committed");
    let status = f.git(&["status", "--porcelain"]);
    assert!(
        stdout(&status).trim().is_empty(),
        "work tree untouched: {}",
        stdout(&status)
    );
}

#[test]
fn reader_outside_members_is_told_why_it_cannot_write() {
    let id = "2017-window-001";
    let f = Fixture::new(&[good(id, "zhengwu-fuwu-zhongxin")]);
    std::fs::write(
        f.home.path().join(".gitconfig"),
        "[user]\n\temail = stranger@example.invalid\n",
    )
    .unwrap();
    let before = f.head();
    let o = f.run(&["--lang", "en", "score", id, "-m", "W1=5"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a member"), "{}", stderr(&o));
    assert!(f.run(&["list"]).status.success(), "reading still works");
    assert_eq!(f.head(), before);
}
