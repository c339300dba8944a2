//! Record text is data, never markup: hostile text in a nomination is escaped in
//! every export format (HTML-escaped, CSV-quoted, Markdown-escaped with control
//! characters neutralised), through the library API the TUI uses.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pingxuan::export::{render, Format, Options, What};
use pingxuan::i18n::Lang;
use pingxuan::model::{
    Contact, Decision, Metrics, Nomination, Nominee, NomineeKind, Notice, Outcome, Record, Rulings,
    Snapshot,
};
use scraper::{Html, Selector};

const NASTY: &str = "A|B <script>alert(1)</script> <b>x</b> *y* `z`, \"q\"\x1b[2J\nnext";

fn snapshot() -> Snapshot {
    let sample = pingxuan::demo::sample().unwrap();
    let unit = sample.units[0].id.clone();
    let day = NaiveDate::from_ymd_opt(2017, 11, 20).unwrap();
    let n = Nomination {
        id: "2017-star-099".into(),
        category: "star".into(),
        unit,
        nominee: Nominee {
            kind: NomineeKind::Person,
            name: NASTY.into(),
            workplace: Some("<i>w</i>".into()),
            post: None,
            front_line: true,
        },
        brand: None,
        registered: day,
        contact: Contact {
            name: "c".into(),
            phone: "1|2".into(),
        },
        deeds: NASTY.into(),
        metrics: Metrics::default(),
        honours: vec![],
        media: vec![],
        activities: vec![],
        supervisors: vec![],
        evidence: vec![],
        form_filed: None,
    };
    let mut record = Record::new(n);
    record.decision = Some(Decision {
        outcome: Outcome::Candidate,
        reason: String::new(),
        fraud: false,
        by: "liguohua".into(),
        date: day,
        reopened: None,
    });
    let mut records = BTreeMap::new();
    records.insert("2017-star-099".to_string(), record);
    Snapshot {
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        campaign: sample.campaign,
        members: sample.members,
        units: sample.units,
        rulings: Rulings {
            notices: vec![Notice {
                category: "star".into(),
                candidates: vec!["2017-star-099".into()],
                published: NaiveDate::from_ymd_opt(2017, 12, 4).unwrap(),
                by: "liguohua".into(),
            }],
            ..Rulings::default()
        },
        records,
        problems: vec![],
        index: Default::default(),
    }
}

fn opts() -> Options {
    Options::new(NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(), Lang::En).category("star")
}

#[test]
fn html_escapes_record_text() {
    let s = snapshot();
    for what in [
        What::Notice,
        What::Form {
            id: "2017-star-099",
        },
    ] {
        let out = String::from_utf8(render(&s, &what, Format::Html, &opts()).unwrap()).unwrap();
        let doc = Html::parse_document(&out);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        for tag in ["script", "b", "i"] {
            assert!(
                doc.select(&Selector::parse(tag).unwrap()).next().is_none(),
                "no <{tag}> from record text"
            );
        }
        let text: String = doc.root_element().text().collect();
        assert!(
            text.contains("A|B <script>alert(1)</script> <b>x</b>"),
            "shown as text"
        );
        assert!(!out.contains('\x1b'), "control characters neutralised");
    }
}

#[test]
fn csv_quotes_record_text_and_round_trips() {
    let s = snapshot();
    let out = render(&s, &What::Notice, Format::Csv, &opts()).unwrap();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let mut r = csv::Reader::from_reader(&out[3..]);
    let h = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let nominee = h.iter().position(|x| x == "Nominee").unwrap();
    assert!(
        rows[0][nominee].starts_with(NASTY),
        "{:?}",
        &rows[0][nominee]
    );
    assert_eq!(rows[0].len(), h.len());
}

#[test]
fn markdown_escapes_pipes_and_neutralises_control_characters() {
    let s = snapshot();
    let out =
        String::from_utf8(render(&s, &What::Notice, Format::Markdown, &opts()).unwrap()).unwrap();
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    let header = out.lines().find(|l| l.starts_with("| ")).unwrap();
    let row = out.lines().filter(|l| l.starts_with("| ")).nth(2).unwrap();
    let bars = |l: &str| {
        let b = l.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    assert_eq!(
        bars(row),
        bars(header),
        "record text cannot add a column: {row}"
    );
    assert!(
        row.contains("A\\|B") && row.contains("\\<script\\>"),
        "{row}"
    );
    let form = String::from_utf8(
        render(
            &s,
            &What::Form {
                id: "2017-star-099",
            },
            Format::Markdown,
            &opts(),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(form.contains("1\\|2"));
}
