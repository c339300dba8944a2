//! `form ID`: the application form (申報表) of one nomination, laid out as the
//! office files it (FORM-DEADLINE: 一式三份).
//!
//! Printed (HTML) or opened in Word (`.docx`) it comes as three copies, each on
//! its own pages and marked with who keeps it: 第一聯 評委會存檔, 第二聯 主管部門
//! (鎮街或部門) 存檔, 第三聯 申報單位存檔. The title, the number and the copy mark
//! head the form's table and are repeated at the top of every continuation page,
//! so loose pages can be matched to their copy; the deeds row flows onto those
//! pages (「可另附頁」). For a person the form asks 性別, 出生年月, 政治面貌 and
//! 學歷 and has a photo box (an organisation: a box for its brand or service
//! sign); the opinion boxes of the nominating unit, the town/street or department
//! and the committee are 45 mm tall, room for a 42 mm seal, with a date line of
//! blanks that survive HTML; one row takes the seven departments' opinions.

use serde::Serialize;

use super::doc::{date_blank, Block, Document, Row, TCell, Table, BLANK};
use super::sheet::{headers, Cell, Sheet};
use super::{date, html, source_commit, unit_name, ExportError, Options};
use crate::i18n::Lang;
use crate::model::{Category, IncidentKind, Level, Nomination, NomineeKind, Snapshot};

/// How many copies the notice asks for.
pub const COPIES: usize = 3;

/// Height (mm) of a box for an opinion, a signature and a 42 mm seal.
pub const SEAL_BOX_MM: u32 = 45;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormDoc {
    pub commit: String,
    pub id: String,
    pub category: String,
    pub title: String,
    pub unit: String,
    pub registered: String,
    pub filed: Option<String>,
    pub person: bool,
    /// Rows of the identity block (label, value), laid out beside the photo box.
    pub identity: Vec<Field>,
    pub fields: Vec<Field>,
    /// Boxes left blank for handwritten opinions, signatures and seals.
    pub sign_boxes: Vec<String>,
    /// The departments whose opinions the form has a row for.
    pub departments: Vec<String>,
    pub copies: usize,
    /// The record as stored, for other tools.
    pub nomination: Nomination,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub label: String,
    /// One entry per line; empty means nothing recorded.
    pub lines: Vec<String>,
    /// Long text given a tall box that may run onto the next page (deeds).
    pub tall: bool,
}

pub fn level(l: Level, lang: Lang) -> &'static str {
    match l {
        Level::National => lang.pick("國家級", "national"),
        Level::Provincial => lang.pick("省級", "provincial"),
        Level::Prefectural => lang.pick("地市級", "prefectural"),
        Level::Municipal => lang.pick("市級", "municipal"),
        Level::Other => lang.pick("其他", "other"),
    }
}

pub fn incident(k: IncidentKind, lang: Lang) -> &'static str {
    match k {
        IncidentKind::NegativeImpact => lang.pick(
            "造成負面影響的服務質量問題",
            "service problem with negative impact",
        ),
        IncidentKind::LiabilityAccident => lang.pick("責任事故", "liability accident"),
        IncidentKind::SafetyAccident => lang.pick("安全責任事故", "safety accident"),
        IncidentKind::Violation => lang.pick("違法違紀", "violation of law or discipline"),
        IncidentKind::Complaint => lang.pick("服務對象投訴", "complaint from those served"),
    }
}

fn pct(v: f64) -> String {
    format!("{}%", crate::rules::text::num(v))
}

fn field(label: &str, lines: Vec<String>) -> Field {
    Field {
        label: label.to_string(),
        lines,
        tall: false,
    }
}

fn opt(s: &Option<String>) -> Vec<String> {
    s.iter().filter(|s| !s.trim().is_empty()).cloned().collect()
}

pub fn build(snapshot: &Snapshot, id: &str, opts: &Options) -> Result<FormDoc, ExportError> {
    let l = opts.lang;
    let record = snapshot
        .record(id)
        .ok_or_else(|| ExportError::UnknownNomination(id.to_string()))?;
    let n = &record.nomination;
    let cat = snapshot.campaign.category(&n.category);
    let cat_name = cat.map_or_else(
        || n.category.clone(),
        |c| l.pick(&c.name, &c.name_en).to_string(),
    );
    let title = match l {
        Lang::Zh | Lang::ZhHans => format!("{cat_name}申報表"),
        Lang::En => format!("Application form: {cat_name}"),
    };
    let unit = unit_name(snapshot, &n.unit);
    let person = n.nominee.kind == NomineeKind::Person;
    let identity = identity(n, cat, l);
    let mut fields = vec![field(
        l.pick("申報單位", "Nominating unit"),
        vec![unit.clone()],
    )];
    if cat.is_some_and(|c| c.requires_front_line) {
        let yes = if n.nominee.front_line {
            l.pick("是", "yes")
        } else {
            l.pick("否", "no")
        };
        fields.push(field(
            l.pick("直接面向羣眾服務（一線）", "Serves the public directly"),
            vec![yes.to_string()],
        ));
    }
    fields.push(field(
        l.pick("聯繫人", "Contact"),
        vec![n.contact.name.clone()],
    ));
    fields.push(field(
        l.pick("聯繫電話", "Telephone"),
        vec![n.contact.phone.clone()],
    ));
    fields.extend(figures(n, l));
    fields.extend(record_fields(n, l));
    Ok(FormDoc {
        commit: source_commit(snapshot),
        id: n.id.clone(),
        category: n.category.clone(),
        title,
        unit,
        registered: date(n.registered, l),
        filed: n.form_filed.map(|d| date(d, l)),
        person,
        identity,
        fields,
        sign_boxes: sign_boxes(l),
        departments: snapshot
            .campaign
            .departments
            .iter()
            .map(|d| l.pick(&d.name, &d.name_en).to_string())
            .collect(),
        copies: COPIES,
        nomination: n.clone(),
    })
}

/// The identity block: a person's particulars, or an organisation's name, body
/// and brand.
fn identity(n: &Nomination, cat: Option<&Category>, l: Lang) -> Vec<Field> {
    if n.nominee.kind == NomineeKind::Person {
        vec![
            field(l.pick("姓名", "Name"), vec![n.nominee.name.clone()]),
            field(l.pick("性別", "Gender"), opt(&n.nominee.gender)),
            field(l.pick("出生年月", "Born"), opt(&n.nominee.born)),
            field(
                l.pick("政治面貌", "Political status"),
                opt(&n.nominee.political_status),
            ),
            field(l.pick("學歷", "Education"), opt(&n.nominee.education)),
            field(l.pick("職務（崗位）", "Post"), opt(&n.nominee.post)),
            field(l.pick("工作單位", "Workplace"), opt(&n.nominee.workplace)),
        ]
    } else {
        let mut v = vec![
            field(l.pick("申報對象", "Nominee"), vec![n.nominee.name.clone()]),
            field(l.pick("所屬單位", "Parent body"), opt(&n.nominee.workplace)),
        ];
        if n.brand.is_some() || cat.is_some_and(|c| c.requires_brand) {
            v.push(field(l.pick("服務品牌", "Service brand"), opt(&n.brand)));
        }
        v
    }
}

/// The figures and the incidents of recent years.
fn figures(n: &Nomination, l: Lang) -> Vec<Field> {
    let mut fields = Vec::new();
    let m = &n.metrics;
    let mut metrics: Vec<String> = m
        .appraisal_satisfaction
        .iter()
        .map(|(y, v)| match l {
            Lang::Zh | Lang::ZhHans => format!("{y}年行風評議滿意率 {}", pct(*v)),
            Lang::En => format!("{y} trade-style appraisal satisfaction {}", pct(*v)),
        })
        .collect();
    if let Some(v) = m.service_satisfaction {
        metrics.push(format!(
            "{} {}",
            l.pick("服務質量滿意率", "Service satisfaction"),
            pct(v)
        ));
    }
    if let Some(v) = m.knowledge_rate {
        metrics.push(format!(
            "{} {}",
            l.pick("職工業務知識應知應會率", "Staff knowledge rate"),
            pct(v)
        ));
    }
    if !metrics.is_empty() {
        fields.push(field(l.pick("主要指標", "Figures"), metrics));
    }
    let incidents: Vec<String> = m
        .incidents
        .iter()
        .map(|i| {
            format!(
                "{} {}{}{}",
                date(i.date, l),
                incident(i.kind, l),
                l.pick("：", ": "),
                i.description
            )
        })
        .collect();
    fields.push(field(
        l.pick("近年事故、違紀、投訴情況", "Incidents in recent years"),
        if incidents.is_empty() {
            vec![l.pick("無", "none").to_string()]
        } else {
            incidents
        },
    ));
    fields
}

/// What the record lists: honours, media coverage, deeds, activities,
/// supervisors and evidence.
fn record_fields(n: &Nomination, l: Lang) -> Vec<Field> {
    let mut fields = Vec::new();
    fields.push(field(
        l.pick("榮譽稱號", "Honours"),
        n.honours
            .iter()
            .map(|h| match l {
                Lang::Zh | Lang::ZhHans => {
                    format!("{}（{}，{}年起）", h.title, level(h.level, l), h.since)
                }
                Lang::En => format!("{} ({}, since {})", h.title, level(h.level, l), h.since),
            })
            .collect(),
    ));
    fields.push(field(
        l.pick("媒體報道", "Media coverage"),
        n.media
            .iter()
            .map(|r| match l {
                Lang::Zh | Lang::ZhHans => format!(
                    "{} {}（{}）《{}》",
                    date(r.date, l),
                    r.outlet,
                    level(r.level, l),
                    r.title
                ),
                Lang::En => format!(
                    "{} {} ({}) “{}”",
                    date(r.date, l),
                    r.outlet,
                    level(r.level, l),
                    r.title
                ),
            })
            .collect(),
    ));
    fields.push(Field {
        label: l
            .pick(
                "主要事蹟（可另附頁）",
                "Deeds (may continue on further pages)",
            )
            .to_string(),
        lines: n
            .deeds
            .lines()
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
            .collect(),
        tall: true,
    });
    fields.push(field(
        l.pick("創建活動開展情況", "Campaign activities"),
        n.activities
            .iter()
            .map(|a| format!("{} {}", date(a.date, l), a.summary))
            .collect(),
    ));
    fields.push(field(
        l.pick("監督員", "Supervisors"),
        n.supervisors
            .iter()
            .map(|s| match l {
                Lang::Zh | Lang::ZhHans => format!("{}（{}）", s.name, s.affiliation),
                Lang::En => format!("{} ({})", s.name, s.affiliation),
            })
            .collect(),
    ));
    fields.push(field(
        l.pick("證明材料", "Evidence"),
        n.evidence
            .iter()
            .map(|e| format!("{}{}{}", e.title, l.pick("：", ": "), e.reference))
            .collect(),
    ));
    fields
}

/// Boxes left blank for handwritten opinions, signatures and seals.
fn sign_boxes(l: Lang) -> Vec<String> {
    vec![
        l.pick("申報單位意見", "Opinion of the nominating unit")
            .to_string(),
        l.pick(
            "鎮街或主管部門意見",
            "Opinion of the town, street or department",
        )
        .to_string(),
        l.pick("評委會意見", "Opinion of the committee").to_string(),
    ]
}

impl super::document::Document for FormDoc {
    fn kind(&self) -> super::Kind {
        super::Kind::Form
    }

    fn commit(&self) -> &str {
        &self.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        super::json::to_vec(self)
    }

    /// One copy (Markdown); the printed forms lay out every copy.
    fn blocks(&self, l: Lang) -> Option<Document> {
        Some(document(self, l, 1))
    }

    fn html(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(to_html(self, l).into_bytes())
    }

    fn docx(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        // each copy a section whose page header carries the title, the number
        // and the copy mark on every page; the tables lose their own heading
        let headings: Vec<Vec<String>> = (0..self.copies)
            .map(|i| {
                vec![
                    self.title.clone(),
                    format!(
                        "{}　{}（{}）",
                        meta_line(self, l),
                        copy_mark(i, l),
                        keeper(i, l)
                    ),
                ]
            })
            .collect();
        let copies: Vec<Vec<Block>> = (0..self.copies)
            .map(|i| {
                copy_blocks(self, l, i)
                    .into_iter()
                    .map(|b| match b {
                        Block::Table(mut t) if t.class == "form" => {
                            t.head.clear();
                            Block::Table(t)
                        }
                        other => other,
                    })
                    .collect()
            })
            .collect();
        super::docx::write_copies(&document(self, l, self.copies), &headings, &copies)
    }

    fn sheets(&self, l: Lang) -> Option<Vec<Sheet>> {
        Some(vec![sheet(self, l)])
    }
}

/// `第一聯`, `第二聯`, `第三聯` (or `Copy 1 of 3` …).
pub fn copy_mark(i: usize, l: Lang) -> String {
    const NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match l {
        Lang::Zh | Lang::ZhHans => format!("第{}聯", NUM.get(i).copied().unwrap_or("?")),
        Lang::En => format!("Copy {} of {COPIES}", i + 1),
    }
}

/// Who keeps copy `i`.
pub fn keeper(i: usize, l: Lang) -> &'static str {
    match i {
        0 => l.pick("評委會存檔", "kept by the committee"),
        1 => l.pick(
            "鎮街或主管部門存檔",
            "kept by the town, street or department",
        ),
        _ => l.pick("申報單位存檔", "kept by the nominating unit"),
    }
}

fn meta_line(doc: &FormDoc, l: Lang) -> String {
    let filed = doc
        .filed
        .clone()
        .unwrap_or_else(|| l.pick("未報送", "not filed").to_string());
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "編號：{}　申報日期：{}　報送日期：{}",
            doc.id, doc.registered, filed
        ),
        Lang::En => format!(
            "No. {}   registered {}   filed {}",
            doc.id, doc.registered, filed
        ),
    }
}

fn sign_line(l: Lang) -> String {
    match l {
        Lang::Zh | Lang::ZhHans => format!("（簽字、蓋章）{BLANK}{}", date_blank(l)),
        Lang::En => "(signature, seal)   date: ____________".to_string(),
    }
}

fn value(f: &Field) -> TCell {
    TCell::lines(f.lines.clone())
}

/// The form's table of copy `i`: the repeated heading, the identity block with
/// the photo box, the fields, the opinion boxes.
fn form_table(doc: &FormDoc, l: Lang, i: usize) -> Table {
    // grid: label, value, label, value, photo
    let widths = vec![16, 26, 14, 24, 20];
    let head = vec![
        Row::new(vec![TCell::new(doc.title.clone()).span(5).center()]),
        Row::new(vec![
            TCell::new(meta_line(doc, l)).span(3),
            TCell::new(format!("{}（{}）", copy_mark(i, l), keeper(i, l)))
                .span(2)
                .right(),
        ]),
    ];
    let mut rows = Vec::new();
    let photo = if doc.person {
        l.pick("照片（二寸免冠）", "Photo")
    } else {
        l.pick("品牌標識或單位照片", "Brand sign or photo")
    };
    // identity: pairs beside the photo box, the last (workplace) full width
    let mut pairs: Vec<&Field> = doc.identity.iter().collect();
    let wide = if doc.person { pairs.pop() } else { None };
    let chunks: Vec<&[&Field]> = pairs.chunks(2).collect();
    let n_rows = chunks.len().max(1) + usize::from(wide.is_some());
    for (k, chunk) in chunks.iter().enumerate() {
        let mut cells = Vec::new();
        for f in chunk.iter() {
            cells.push(TCell::label(f.label.clone()));
            cells.push(value(f).span(if chunk.len() == 1 { 3 } else { 1 }));
        }
        if k == 0 {
            cells.push(TCell::label(photo).rows(n_rows).center());
        }
        rows.push(Row::new(cells).height(10));
    }
    if let Some(f) = wide {
        rows.push(Row::new(vec![TCell::label(f.label.clone()), value(f).span(3)]).height(10));
    }
    for f in &doc.fields {
        let row = Row::new(vec![TCell::label(f.label.clone()), value(f).span(4)]);
        rows.push(if f.tall { row.height(60).split() } else { row });
    }
    for b in &doc.sign_boxes {
        rows.push(
            Row::new(vec![
                TCell::label(b.clone()),
                TCell::new("").span(4).bottom(sign_line(l)),
            ])
            .height(SEAL_BOX_MM),
        );
    }
    Table {
        class: "form".into(),
        widths,
        head,
        rows,
    }
}

/// The seven departments' opinions: one row, a box per department.
fn departments_table(doc: &FormDoc, l: Lang) -> Table {
    let n = doc.departments.len().max(1);
    let w = (100 / n) as u32;
    Table {
        class: "form depts".into(),
        widths: vec![w; n],
        head: vec![Row::new(vec![TCell::label(l.pick(
            "有關部門意見（簽字、蓋章）",
            "Opinions of the departments (signature, seal)",
        ))
        .span(n)])],
        rows: vec![
            Row::new(
                doc.departments
                    .iter()
                    .map(|d| TCell::label(d.clone()).center())
                    .collect(),
            ),
            Row::new(doc.departments.iter().map(|_| TCell::new("")).collect()).height(30),
        ],
    }
}

fn copy_blocks(doc: &FormDoc, l: Lang, i: usize) -> Vec<Block> {
    vec![
        Block::Table(form_table(doc, l, i)),
        Block::Table(departments_table(doc, l)),
    ]
}

/// The document of `copies` copies (Markdown takes one, with a note of three).
pub fn document(doc: &FormDoc, l: Lang, copies: usize) -> Document {
    let mut blocks = Vec::new();
    for i in 0..copies {
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        blocks.extend(copy_blocks(doc, l, i));
    }
    if copies < doc.copies {
        blocks.push(Block::Note(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "一式三份：{}{}，{}{}，{}{}。",
                copy_mark(0, l),
                keeper(0, l),
                copy_mark(1, l),
                keeper(1, l),
                copy_mark(2, l),
                keeper(2, l)
            ),
            Lang::En => format!(
                "Filed in {} copies: copy 1 {}, copy 2 {}, copy 3 {}.",
                doc.copies,
                keeper(0, l),
                keeper(1, l),
                keeper(2, l)
            ),
        }));
    }
    Document {
        lang: l,
        title: format!("{} {}", doc.title, doc.id),
        commit: doc.commit.clone(),
        landscape: false,
        blocks,
    }
}

pub fn to_html(doc: &FormDoc, l: Lang) -> String {
    let mut body = String::new();
    for i in 0..doc.copies {
        body.push_str(&format!(
            "<section class=\"copy\" data-copy=\"{}\">\n<div class=\"copymark\">{}</div>\n{}</section>\n",
            i + 1,
            html::esc(&copy_mark(i, l)),
            super::doc::html_body(&copy_blocks(doc, l, i)),
        ));
    }
    html::page(l, &format!("{} {}", doc.title, doc.id), &doc.commit, &body)
}

/// The form as rows of item and content, one item per row (lines kept in one cell).
pub fn sheet(doc: &FormDoc, l: Lang) -> Sheet {
    let mut s = Sheet::new(
        l.pick("申報表", "Form"),
        headers(&[
            l.pick("編號", "Id"),
            l.pick("項目", "Item"),
            l.pick("內容", "Content"),
        ]),
    );
    let n = &doc.nomination;
    let id = || Cell::text(doc.id.clone());
    s.push(vec![
        id(),
        Cell::text(l.pick("表名", "Form")),
        Cell::text(doc.title.clone()),
    ]);
    s.push(vec![
        id(),
        Cell::text(l.pick("申報日期", "Registered")),
        Cell::Date(n.registered),
    ]);
    s.push(vec![
        id(),
        Cell::text(l.pick("報送日期", "Filed")),
        Cell::date(n.form_filed),
    ]);
    for f in doc.identity.iter().chain(&doc.fields) {
        s.push(vec![
            id(),
            Cell::text(f.label.clone()),
            if f.lines.is_empty() {
                Cell::Empty
            } else {
                Cell::text(f.lines.join("\n"))
            },
        ]);
    }
    s
}
