//! The working documents the notice calls for and an office needs, each a
//! printable document (HTML, `.docx`, Markdown) and, where it is a table, a
//! spreadsheet (`.xlsx`, CSV) and JSON:
//!
//! - `registration`: the registration summary per reporting unit (REG-DEADLINE,
//!   QUOTA: 擬參與名單, 6月30日前報市文明辦);
//! - `score-sheet`: a blank score sheet per category, for a reviewer to fill by
//!   hand (ROUTINE-EVAL, SPOT-CHECK, ASSESS);
//! - `ballot`: the democratic-evaluation ballot per category (ASSESS, 民主測評);
//! - `votes`: the vote summary of the democratic evaluation;
//! - `letter`: the letter asking the departments for their opinions, with the
//!   list and one reply slip per department (DEPT-OPINIONS);
//! - `opinions`: the departments' answers per nomination;
//! - `objections`: the record of objections and how each was handled (CANDIDATES,
//!   FRAUD).

use chrono::NaiveDate;
use serde::Serialize;

use super::doc::{date_blank, Block, Document, Row, TCell, Table, BLANK};
use super::sheet::{headers, Cell, Sheet};
use super::{
    categories, category_name, member_name, office_name, source_commit, unit_name, ExportError,
    Format, Kind, Options,
};
use crate::i18n::Lang;
use crate::model::{Nomination, ObjectionStatus, Outcome, Snapshot, Stance, UnitKind};

/// REPORTING-UNIT: the town, street or department that reports a unit's entries
/// — the unit's `parent` for a window unit, enterprise or institution that has
/// one, else the unit itself. The one place the registration summary groups by.
pub fn reporting_unit(snapshot: &Snapshot, unit: &str) -> String {
    match snapshot.unit(unit) {
        Some(u)
            if matches!(
                u.kind,
                UnitKind::WindowUnit | UnitKind::Enterprise | UnitKind::Institution
            ) =>
        {
            u.parent.clone().unwrap_or_else(|| u.id.clone())
        }
        _ => unit.to_string(),
    }
}

/// Nominations of a category still in the running (not rejected or
/// disqualified), in the order of the units.
fn in_play<'s>(snapshot: &'s Snapshot, category: &str) -> Vec<&'s Nomination> {
    let mut out: Vec<&Nomination> = snapshot
        .records
        .values()
        .filter(|r| r.nomination.category == category)
        .filter(|r| {
            !matches!(
                r.decision.as_ref().map(|d| d.outcome),
                Some(Outcome::Rejected | Outcome::Disqualified)
            )
        })
        .map(|r| &r.nomination)
        .collect();
    sort_by_unit(snapshot, &mut out);
    out
}

fn sort_by_unit(snapshot: &Snapshot, list: &mut [&Nomination]) {
    list.sort_by_key(|n| {
        (
            snapshot
                .units
                .iter()
                .position(|u| u.id == n.unit)
                .unwrap_or(usize::MAX),
            n.id.clone(),
        )
    });
}

/// One row of a working document, plain data for JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetsDoc {
    pub commit: String,
    pub kind: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One of the office's forms, built: its printed form and its sheets.
pub struct SheetsExport {
    pub kind: Kind,
    pub commit: String,
    pub document: Document,
    pub sheets: Vec<Sheet>,
}

/// Builds the form of `kind` (one of the office's forms above).
pub fn build(snapshot: &Snapshot, kind: Kind, opts: &Options) -> Result<SheetsExport, ExportError> {
    let commit = source_commit(snapshot);
    let (document, sheets) = match kind {
        Kind::Registration => registration(snapshot, opts)?,
        Kind::ScoreSheet => score_sheet(snapshot, opts)?,
        Kind::Ballot => ballot(snapshot, opts)?,
        Kind::Votes => votes(snapshot, opts)?,
        Kind::Letter => letter(snapshot, opts)?,
        Kind::Opinions => opinions(snapshot, opts)?,
        Kind::Objections => objections(snapshot, opts)?,
        // not one of the office's forms: nothing to build here
        other => return Err(super::document::unsupported(other, Format::Html)),
    };
    let document = Document {
        lang: opts.lang,
        commit: commit.clone(),
        ..document
    };
    Ok(SheetsExport {
        kind,
        commit,
        document,
        sheets,
    })
}

impl super::document::Document for SheetsExport {
    fn kind(&self) -> Kind {
        self.kind
    }

    fn commit(&self) -> &str {
        &self.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        let s = self.sheets.first();
        super::json::to_vec(&SheetsDoc {
            commit: self.commit.clone(),
            kind: self.kind.name(),
            title: self.document.title.clone(),
            headers: s.map(|s| s.headers.clone()).unwrap_or_default(),
            rows: s
                .map(|s| {
                    s.rows
                        .iter()
                        .map(|r| r.iter().map(super::csv::cell_text).collect())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    fn blocks(&self, _l: Lang) -> Option<Document> {
        Some(self.document.clone())
    }

    fn sheets(&self, _l: Lang) -> Option<Vec<Sheet>> {
        Some(self.sheets.clone())
    }
}

fn doc(title: String, landscape: bool, blocks: Vec<Block>) -> Document {
    Document {
        lang: Lang::Zh,
        title,
        commit: String::new(),
        landscape,
        blocks,
    }
}

/// A table whose header is `head` and whose rows are the sheet's cells as text.
fn table_of(class: &str, widths: Vec<u32>, sheet: &Sheet, skip: usize) -> Table {
    Table::simple(
        class,
        widths,
        sheet.headers[skip..].to_vec(),
        sheet
            .rows
            .iter()
            .map(|r| r[skip..].iter().map(display).collect())
            .collect(),
    )
}

/// A cell as a document shows it (no spreadsheet escaping: documents escape for
/// their own format).
fn display(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        other => super::csv::cell_text(other),
    }
}

fn zh_date(d: NaiveDate, l: Lang) -> String {
    super::date(d, l)
}

type Out = Result<(Document, Vec<Sheet>), ExportError>;

fn campaign_title(snapshot: &Snapshot, l: Lang) -> String {
    l.pick(&snapshot.campaign.title, &snapshot.campaign.title_en)
        .to_string()
}

fn signature(snapshot: &Snapshot, l: Lang) -> Block {
    Block::Signature {
        lines: vec![snapshot.campaign.issuer.clone(), date_blank(l)],
        seal: true,
    }
}

pub fn registration(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let mut sheet = Sheet::new(
        l.pick("擬參與名單", "Registrations"),
        headers(&[
            l.pick("報送單位", "Reporting unit"),
            l.pick("序號", "No."),
            l.pick("類別", "Category"),
            l.pick("申報對象", "Nominee"),
            l.pick("申報單位", "Nominating unit"),
            l.pick("服務品牌", "Brand"),
            l.pick("聯繫人", "Contact"),
            l.pick("聯繫電話", "Telephone"),
            l.pick("申報日期", "Registered"),
            l.pick("申報表報送日期", "Form filed"),
        ]),
    );
    let cats = categories(snapshot, opts)?;
    let mut groups: Vec<(String, Vec<&Nomination>)> = Vec::new();
    let mut noms: Vec<&Nomination> = snapshot
        .records
        .values()
        .map(|r| &r.nomination)
        .filter(|n| cats.iter().any(|c| c.id == n.category))
        .collect();
    sort_by_unit(snapshot, &mut noms);
    for n in noms {
        let rep = reporting_unit(snapshot, &n.unit);
        match groups.iter_mut().find(|(r, _)| *r == rep) {
            Some((_, v)) => v.push(n),
            None => groups.push((rep, vec![n])),
        }
    }
    groups.sort_by_key(|(r, _)| {
        snapshot
            .units
            .iter()
            .position(|u| &u.id == r)
            .unwrap_or(usize::MAX)
    });
    let mut rows = Vec::new();
    for (rep, list) in &groups {
        let rep_name = unit_name(snapshot, rep);
        for (i, n) in list.iter().enumerate() {
            let cat = snapshot
                .campaign
                .category(&n.category)
                .map_or_else(|| n.category.clone(), |c| category_name(c, l).to_string());
            let row = vec![
                Cell::text(rep_name.clone()),
                Cell::int(i as i64 + 1),
                Cell::text(cat),
                Cell::text(n.nominee.name.clone()),
                Cell::text(unit_name(snapshot, &n.unit)),
                Cell::opt(n.brand.as_deref()),
                Cell::text(n.contact.name.clone()),
                Cell::text(n.contact.phone.clone()),
                Cell::Date(n.registered),
                Cell::date(n.form_filed),
            ];
            let mut shown: Vec<TCell> = row.iter().map(|c| TCell::new(display(c))).collect();
            if i == 0 {
                shown[0] = TCell::new(rep_name.clone()).rows(list.len());
            } else {
                shown.remove(0);
            }
            rows.push(Row::new(shown));
            sheet.push(row);
        }
    }
    let title = match l {
        Lang::Zh | Lang::ZhHans => "擬參與名單匯總表（按報送單位）".to_string(),
        Lang::En => "Registrations by reporting unit".to_string(),
    };
    let table = Table {
        class: "small registration".into(),
        widths: vec![12, 5, 10, 16, 14, 10, 7, 10, 8, 8],
        head: vec![Row::new(
            sheet
                .headers
                .iter()
                .map(|h| TCell::label(h.clone()))
                .collect(),
        )],
        rows,
    };
    let deadline = snapshot.campaign.registration_deadline;
    let blocks = vec![
        Block::Title(title.clone()),
        Block::Centered(campaign_title(snapshot, l)),
        Block::Para(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "各報送單位每類限報一個（QUOTA），{}前報{}。共{}個報送單位、{}項申報。",
                zh_date(deadline, l),
                office_name(snapshot),
                groups.len(),
                sheet.rows.len()
            ),
            Lang::En => format!(
                "Each reporting unit enters at most one per category, reported to {} by {}. {} reporting units, {} entries.",
                office_name(snapshot),
                zh_date(deadline, l),
                groups.len(),
                sheet.rows.len()
            ),
        }),
        Block::Table(table),
    ];
    Ok((doc(title, true, blocks), vec![sheet]))
}

pub fn score_sheet(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let mut blocks = Vec::new();
    let mut sheets = Vec::new();
    let cats = categories(snapshot, opts)?;
    for (i, cat) in cats.iter().enumerate() {
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        let name = category_name(cat, l);
        let title = match l {
            Lang::Zh | Lang::ZhHans => format!("{name}評分表"),
            Lang::En => format!("Score sheet: {name}"),
        };
        blocks.push(Block::Title(title.clone()));
        blocks.push(Block::Plain(match l {
            Lang::Zh | Lang::ZhHans => format!("申報對象：{BLANK}{BLANK}{BLANK}{BLANK}{BLANK}{BLANK}　編號：{BLANK}{BLANK}{BLANK}{BLANK}　評分方式：日常測評／明察暗訪／實地考察／座談走訪"),
            Lang::En => "Nominee: ______________________   No.: __________   Occasion: routine / unannounced / site visit / interview".to_string(),
        }));
        let mut sheet = Sheet::new(
            name.to_string(),
            headers(&[
                l.pick("序號", "No."),
                l.pick("評選標準", "Criterion"),
                l.pick("說明", "Description"),
                l.pick("分值", "Max"),
                l.pick("得分", "Score"),
                l.pick("備註", "Remarks"),
            ]),
        );
        let mut rows = Vec::new();
        for (k, c) in cat.criteria.iter().enumerate() {
            let title = l.pick(&c.title, &c.title_en).to_string();
            let desc = if l.zh() {
                c.description.clone()
            } else {
                String::new()
            };
            let max = if c.independent {
                format!(
                    "{}{}",
                    crate::rules::text::num(c.max),
                    l.pick("（單列）", " (separate)")
                )
            } else {
                crate::rules::text::num(c.max)
            };
            sheet.push(vec![
                Cell::int(k as i64 + 1),
                Cell::text(title.clone()),
                Cell::text(desc.clone()),
                Cell::Num(c.max),
                Cell::Empty,
                Cell::Empty,
            ]);
            rows.push(
                Row::new(vec![
                    TCell::new((k + 1).to_string()).center(),
                    TCell::new(title),
                    TCell::new(desc),
                    TCell::new(max).center(),
                    TCell::new(""),
                    TCell::new(""),
                ])
                .height(14),
            );
        }
        rows.push(
            Row::new(vec![
                TCell::label(l.pick("合計", "Total")).span(3).center(),
                TCell::new(crate::rules::text::num(cat.total_max())).center(),
                TCell::new(""),
                TCell::new(""),
            ])
            .height(10),
        );
        blocks.push(Block::Table(Table {
            class: "sheet".into(),
            widths: vec![7, 20, 43, 8, 10, 12],
            head: vec![Row::new(
                sheet
                    .headers
                    .iter()
                    .map(|h| TCell::label(h.clone()))
                    .collect(),
            )],
            rows,
        }));
        blocks.push(Block::Note(l.pick(
            "每項得分不超過分值；不適用、棄權、迴避請在備註欄註明，不計為0分。",
            "No score above the maximum; write n/a, abstain or recused in the remarks: they never count as 0.",
        ).to_string()));
        blocks.push(Block::Signature {
            lines: vec![
                format!(
                    "{}{BLANK}{BLANK}{BLANK}{BLANK}",
                    l.pick("評委簽名：", "Reviewer's signature: ")
                ),
                date_blank(l),
            ],
            seal: false,
        });
        sheets.push(sheet);
    }
    let title = l.pick("評分表（空白）", "Blank score sheets").to_string();
    Ok((doc(title, false, blocks), sheets))
}

pub fn ballot(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let mut blocks = Vec::new();
    let mut sheets = Vec::new();
    for (i, cat) in categories(snapshot, opts)?.iter().enumerate() {
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        let name = category_name(cat, l);
        let title = match l {
            Lang::Zh | Lang::ZhHans => format!("{name}民主測評票"),
            Lang::En => format!("Democratic-evaluation ballot: {name}"),
        };
        blocks.push(Block::Title(title));
        blocks.push(Block::Para(l.pick(
            "請在您認為合適的欄內劃「✓」，每個測評對象只能選一項，多選或不選視為無效。本票不記名。",
            "Tick one box per nominee; a row with no tick or more than one is void. The ballot is anonymous.",
        ).to_string()));
        let mut sheet = Sheet::new(
            name.to_string(),
            headers(&[
                l.pick("序號", "No."),
                l.pick("測評對象", "Nominee"),
                l.pick("申報單位", "Unit"),
                l.pick("滿意", "Satisfied"),
                l.pick("基本滿意", "Basically satisfied"),
                l.pick("不滿意", "Dissatisfied"),
            ]),
        );
        for (k, n) in in_play(snapshot, &cat.id).iter().enumerate() {
            sheet.push(vec![
                Cell::int(k as i64 + 1),
                Cell::text(n.nominee.name.clone()),
                Cell::text(unit_name(snapshot, &n.unit)),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]);
        }
        let mut t = table_of("sheet ballot", vec![6, 34, 30, 10, 10, 10], &sheet, 0);
        for r in &mut t.rows {
            *r = std::mem::take(r).height(10);
        }
        blocks.push(Block::Table(t));
        sheets.push(sheet);
    }
    let title = l
        .pick("民主測評票", "Democratic-evaluation ballots")
        .to_string();
    Ok((doc(title, false, blocks), sheets))
}

pub fn votes(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let mut sheet = Sheet::new(
        l.pick("民主測評結果", "Votes"),
        headers(&[
            l.pick("類別", "Category"),
            l.pick("序號", "No."),
            l.pick("測評對象", "Nominee"),
            l.pick("申報單位", "Unit"),
            l.pick("滿意（票）", "Satisfied"),
            l.pick("基本滿意（票）", "Basically satisfied"),
            l.pick("不滿意（票）", "Dissatisfied"),
            l.pick("合計（票）", "Total"),
            l.pick("滿意率（%）", "Satisfaction (%)"),
            l.pick("登記日期", "Recorded"),
        ]),
    );
    let mut blocks = Vec::new();
    let title = l
        .pick("民主測評結果匯總表", "Democratic evaluation: vote summary")
        .to_string();
    blocks.push(Block::Title(title.clone()));
    blocks.push(Block::Note(
        l.pick(
            "滿意率 =（滿意 + 基本滿意）÷ 合計 × 100%。",
            "Satisfaction = (satisfied + basically satisfied) ÷ total × 100%.",
        )
        .to_string(),
    ));
    for cat in categories(snapshot, opts)? {
        let name = category_name(cat, l).to_string();
        let mut part = Sheet::new(name.clone(), sheet.headers[1..].to_vec());
        for (k, n) in in_play(snapshot, &cat.id).iter().enumerate() {
            let v = snapshot.record(&n.id).and_then(|r| r.votes.clone());
            let row = vec![
                Cell::text(name.clone()),
                Cell::int(k as i64 + 1),
                Cell::text(n.nominee.name.clone()),
                Cell::text(unit_name(snapshot, &n.unit)),
                v.as_ref().map_or(Cell::Empty, |v| Cell::int(v.satisfied)),
                v.as_ref()
                    .map_or(Cell::Empty, |v| Cell::int(v.basically_satisfied)),
                v.as_ref()
                    .map_or(Cell::Empty, |v| Cell::int(v.dissatisfied)),
                v.as_ref().map_or(Cell::Empty, |v| Cell::int(v.total())),
                Cell::num(v.as_ref().and_then(|v| v.satisfaction_rate())),
                Cell::date(v.as_ref().map(|v| v.date)),
            ];
            part.push(row[1..].to_vec());
            sheet.push(row);
        }
        blocks.push(Block::Heading(name));
        let mut t = table_of("small votes", vec![6, 24, 22, 8, 8, 8, 8, 8, 8], &part, 0);
        for r in &mut t.rows {
            for (i, c) in r.cells.iter_mut().enumerate() {
                if (3..=7).contains(&i) {
                    c.right = true;
                }
                if i == 3 && c.lines.is_empty() {
                    c.lines = vec![l.pick("未測評", "no votes").to_string()];
                }
            }
        }
        blocks.push(Block::Table(t));
    }
    Ok((doc(title, false, blocks), vec![sheet]))
}

pub fn letter(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let depts: Vec<String> = snapshot
        .campaign
        .departments
        .iter()
        .map(|d| l.pick(&d.name, &d.name_en).to_string())
        .collect();
    let month_day = format!("{BLANK}月{BLANK}日");
    let title = match l {
        Lang::Zh | Lang::ZhHans => "關於徵求評選對象意見的函".to_string(),
        Lang::En => "Letter asking for the departments' opinions".to_string(),
    };
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Plain(match l {
            Lang::Zh | Lang::ZhHans => format!("{}：", depts.join("、")),
            Lang::En => format!("To: {}", depts.join(", ")),
        }),
        Block::Para(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "根據《{}》，確定候選名單前須徵求{}等部門意見。現將評選對象名單（見附件）送上，請逐一核實，在回執中註明「同意」「有意見」或「否決」，有意見或否決的請說明理由，於{}前加蓋公章後送回{}。",
                campaign_title(snapshot, l),
                depts.join("、"),
                month_day,
                office_name(snapshot)
            ),
            Lang::En => format!(
                "Under “{}”, the opinions of {} are sought before the candidates are fixed. Please check each nominee listed in the annex and answer on the reply slip: approve, concern or veto, with reasons for a concern or a veto; seal it and return it to {} by ________.",
                campaign_title(snapshot, l),
                depts.join(", "),
                office_name(snapshot)
            ),
        }),
        Block::Plain(l.pick("附件：評選對象名單及回執", "Annex: the nominees and the reply slip").to_string()),
        signature(snapshot, l),
        Block::PageBreak,
        Block::Heading(l.pick("附件　評選對象名單", "Annex: the nominees").to_string()),
    ];
    let mut sheet = Sheet::new(
        l.pick("評選對象", "Nominees"),
        headers(&[
            l.pick("序號", "No."),
            l.pick("類別", "Category"),
            l.pick("評選對象", "Nominee"),
            l.pick("申報單位", "Unit"),
        ]),
    );
    let mut k = 0;
    for cat in categories(snapshot, opts)? {
        for n in in_play(snapshot, &cat.id) {
            k += 1;
            sheet.push(vec![
                Cell::int(k),
                Cell::text(category_name(cat, l)),
                Cell::text(n.nominee.name.clone()),
                Cell::text(unit_name(snapshot, &n.unit)),
            ]);
        }
    }
    blocks.push(Block::Table(table_of(
        "small letter",
        vec![6, 18, 40, 36],
        &sheet,
        0,
    )));
    for d in &depts {
        blocks.push(Block::PageBreak);
        blocks.push(Block::Title(match l {
            Lang::Zh | Lang::ZhHans => format!("回　執（{d}）"),
            Lang::En => format!("Reply slip ({d})"),
        }));
        let mut t = Table::simple(
            "small reply",
            vec![6, 30, 26, 12, 26],
            headers(&[
                l.pick("序號", "No."),
                l.pick("評選對象", "Nominee"),
                l.pick("申報單位", "Unit"),
                l.pick("意見", "Opinion"),
                l.pick("理由", "Reasons"),
            ]),
            sheet
                .rows
                .iter()
                .map(|r| {
                    vec![
                        display(&r[0]),
                        display(&r[2]),
                        display(&r[3]),
                        String::new(),
                        String::new(),
                    ]
                })
                .collect(),
        );
        for r in &mut t.rows {
            *r = std::mem::take(r).height(9);
        }
        blocks.push(Block::Table(t));
        blocks.push(Block::Note(
            l.pick(
                "意見欄填「同意」「有意見」或「否決」；否決的，該對象不得列入候選名單。",
                "Write approve, concern or veto; a vetoed nominee cannot be a candidate.",
            )
            .to_string(),
        ));
        blocks.push(Block::Signature {
            lines: vec![
                format!(
                    "{}{BLANK}{BLANK}",
                    l.pick("（部門蓋章）", "(department seal)")
                ),
                date_blank(l),
            ],
            seal: true,
        });
    }
    Ok((doc(title, false, blocks), vec![sheet]))
}

fn stance(s: Option<Stance>, l: Lang) -> &'static str {
    match s {
        Some(Stance::Approve) => l.pick("同意", "approve"),
        Some(Stance::Concern) => l.pick("有意見", "concern"),
        Some(Stance::Veto) => l.pick("否決", "veto"),
        None => l.pick("未答覆", "no answer"),
    }
}

pub fn opinions(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let depts = &snapshot.campaign.departments;
    let mut h: Vec<String> = headers(&[
        l.pick("類別", "Category"),
        l.pick("序號", "No."),
        l.pick("評選對象", "Nominee"),
        l.pick("申報單位", "Unit"),
    ]);
    h.extend(
        depts
            .iter()
            .map(|d| l.pick(&d.name, &d.name_en).to_string()),
    );
    h.extend(headers(&[
        l.pick("結論", "Conclusion"),
        l.pick("有意見或否決的理由", "Reasons of a concern or veto"),
    ]));
    let mut sheet = Sheet::new(l.pick("部門意見", "Opinions"), h);
    let title = l
        .pick("部門意見匯總表", "Departments' opinions")
        .to_string();
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Note(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "徵求{}個部門意見；任一部門否決的，不得列入候選名單；全部部門答覆且無否決，方可列為候選對象。",
                depts.len()
            ),
            Lang::En => format!(
                "{} departments consulted; a veto by any of them keeps a nominee off the candidates, who need every answer and no veto.",
                depts.len()
            ),
        }),
    ];
    for cat in categories(snapshot, opts)? {
        let name = category_name(cat, l).to_string();
        let mut part = Sheet::new(name.clone(), sheet.headers[1..].to_vec());
        for (k, n) in in_play(snapshot, &cat.id).iter().enumerate() {
            let Some(r) = snapshot.record(&n.id) else {
                continue;
            };
            let stances: Vec<Option<Stance>> = depts
                .iter()
                .map(|d| r.opinions.get(&d.id).map(|o| o.stance))
                .collect();
            let conclusion = if stances.contains(&Some(Stance::Veto)) {
                l.pick("否決", "vetoed")
            } else if stances.contains(&None) {
                l.pick("尚缺答覆", "answers missing")
            } else {
                l.pick("無否決", "no veto")
            };
            let reasons: Vec<String> = depts
                .iter()
                .filter_map(|d| {
                    let o = r.opinions.get(&d.id)?;
                    // the reasons of a concern or a veto; an approval needs none
                    (o.stance != Stance::Approve && !o.reason.trim().is_empty()).then(|| {
                        format!(
                            "{}{}{}",
                            l.pick(&d.name, &d.name_en),
                            l.pick("：", ": "),
                            o.reason
                        )
                    })
                })
                .collect();
            let mut row = vec![
                Cell::text(name.clone()),
                Cell::int(k as i64 + 1),
                Cell::text(n.nominee.name.clone()),
                Cell::text(unit_name(snapshot, &n.unit)),
            ];
            row.extend(stances.iter().map(|s| Cell::text(stance(*s, l))));
            row.push(Cell::text(conclusion));
            row.push(Cell::text(reasons.join(l.pick("；", "; "))));
            part.push(row[1..].to_vec());
            sheet.push(row);
        }
        blocks.push(Block::Heading(name));
        let mut widths = vec![4, 14, 13];
        widths.extend(std::iter::repeat_n(6, depts.len()));
        widths.extend([7, 20]);
        blocks.push(Block::Table(table_of("small opinions", widths, &part, 0)));
    }
    Ok((doc(title, true, blocks), vec![sheet]))
}

fn status(s: ObjectionStatus, l: Lang) -> &'static str {
    match s {
        ObjectionStatus::Open => l.pick("待處理", "open"),
        ObjectionStatus::Upheld => l.pick("成立", "upheld"),
        ObjectionStatus::Dismissed => l.pick("不成立", "dismissed"),
    }
}

pub fn objections(snapshot: &Snapshot, opts: &Options) -> Out {
    let l = opts.lang;
    let mut sheet = Sheet::new(
        l.pick("異議登記", "Objections"),
        headers(&[
            l.pick("序號", "No."),
            l.pick("登記時間", "Filed"),
            l.pick("類別", "Category"),
            l.pick("被反映對象", "Nominee"),
            l.pick("申報單位", "Unit"),
            l.pick("反映人或渠道", "Source"),
            l.pick("反映內容", "Objection"),
            l.pick("舉報弄虛作假", "Fraud report"),
            l.pick("登記人", "Recorded by"),
            l.pick("處理結果", "Outcome"),
            l.pick("處理理由", "Reasons"),
            l.pick("處理人", "Resolved by"),
            l.pick("處理日期", "Resolved"),
        ]),
    );
    let cats = categories(snapshot, opts)?;
    let mut list: Vec<(&Nomination, &crate::model::Objection)> = snapshot
        .records
        .values()
        .filter(|r| cats.iter().any(|c| c.id == r.nomination.category))
        .flat_map(|r| r.objections.values().map(move |o| (&r.nomination, o)))
        .collect();
    list.sort_by(|a, b| (a.1.filed, &a.0.id).cmp(&(b.1.filed, &b.0.id)));
    for (k, (n, o)) in list.iter().enumerate() {
        let cat = snapshot
            .campaign
            .category(&n.category)
            .map_or_else(|| n.category.clone(), |c| category_name(c, l).to_string());
        let res = o.resolution.as_ref();
        sheet.push(vec![
            Cell::int(k as i64 + 1),
            Cell::Time(o.filed.naive_local()),
            Cell::text(cat),
            Cell::text(n.nominee.name.clone()),
            Cell::text(unit_name(snapshot, &n.unit)),
            Cell::text(o.source.clone()),
            Cell::text(o.text.clone()),
            Cell::text(if o.fraud {
                l.pick("是", "yes")
            } else {
                l.pick("否", "no")
            }),
            Cell::text(member_name(snapshot, &o.recorded_by)),
            Cell::text(status(o.status, l)),
            Cell::opt(res.map(|r| r.reason.as_str())),
            res.map_or(Cell::Empty, |r| Cell::text(member_name(snapshot, &r.by))),
            Cell::date(res.map(|r| r.date)),
        ]);
    }
    let open = list
        .iter()
        .filter(|(_, o)| o.status == ObjectionStatus::Open)
        .count();
    let upheld = list
        .iter()
        .filter(|(_, o)| o.status == ObjectionStatus::Upheld)
        .count();
    let title = l
        .pick("異議登記及處理情況", "Objections and their handling")
        .to_string();
    let summary = match l {
        Lang::Zh | Lang::ZhHans => format!(
            "共登記異議{}件：成立{}件，不成立{}件，待處理{}件。異議成立的，取消候選資格。",
            list.len(),
            upheld,
            list.len() - upheld - open,
            open
        ),
        Lang::En => format!(
            "{} objections recorded: {} upheld, {} dismissed, {} open. An upheld objection removes the candidate.",
            list.len(),
            upheld,
            list.len() - upheld - open,
            open
        ),
    };
    let mut blocks = vec![Block::Title(title.clone()), Block::Para(summary)];
    if list.is_empty() {
        blocks.push(Block::Plain(
            l.pick("公示期間未收到異議。", "No objection was received.")
                .to_string(),
        ));
    } else {
        // the printed record leaves out the registrar's column to fit the page
        let t = Table::simple(
            "small objections",
            vec![4, 10, 8, 11, 11, 9, 19, 5, 6, 16],
            sheet.headers[..8]
                .iter()
                .chain(&sheet.headers[9..11])
                .cloned()
                .collect(),
            sheet
                .rows
                .iter()
                .map(|r| {
                    r[..8]
                        .iter()
                        .chain(&r[9..11])
                        .map(display)
                        .collect::<Vec<String>>()
                })
                .collect(),
        );
        blocks.push(Block::Table(t));
    }
    blocks.push(signature(snapshot, l));
    Ok((doc(title, true, blocks), vec![sheet]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    #[test]
    fn window_units_are_summed_under_their_reporting_unit_reporting_unit() {
        // REPORTING-UNIT: a window unit with a parent reports through it
        let mut s = snapshot();
        if let Some(u) = s.units.iter_mut().find(|u| u.id == "win-1") {
            u.parent = Some("town-a".into());
        }
        assert_eq!(reporting_unit(&s, "win-1"), "town-a");
        assert_eq!(reporting_unit(&s, "win-2"), "win-2", "no parent: itself");
        assert_eq!(reporting_unit(&s, "town-b"), "town-b");
        complete(&mut s, "w1", "window", "win-1", 0.9);
        complete(&mut s, "w2", "window", "town-a", 0.8);
        let (_, sheets) = registration(&s, &Options::new(day(12, 31), Lang::Zh)).unwrap();
        let town_a: Vec<_> = sheets[0]
            .rows
            .iter()
            .filter(|r| r[0] == Cell::text("town-a"))
            .collect();
        assert_eq!(town_a.len(), 2, "both entries under town-a");
    }

    #[test]
    fn votes_and_opinions_are_typed_and_name_no_internal_ids() {
        let mut s = snapshot();
        complete(&mut s, "w1", "window", "win-1", 0.9);
        let o = Options::new(day(12, 31), Lang::Zh);
        let (_, v) = super::votes(&s, &o).unwrap();
        assert_eq!(v[0].rows[0][4], Cell::Int(40));
        assert!(matches!(v[0].rows[0][8], Cell::Num(r) if (r - 90.0).abs() < 1e-9));
        let (doc, op) = opinions(&s, &o).unwrap();
        assert!(op[0].rows[0].contains(&Cell::text("同意")));
        let md = crate::export::doc::to_markdown(&doc);
        assert!(!md.contains("Approve") && !md.contains("Veto"), "{md}");
    }
}
