//! `form ID`: the application form (申报表) of one nomination, laid out as the
//! office files it (FORM-DEADLINE: 一式三份). Printed from HTML it comes as three
//! copies marked 第一联 / 第二联 / 第三联, each starting on its own A4 page; the
//! opinion boxes of the unit, the town/street or department and the committee are
//! left blank for signatures and seals.

use serde::Serialize;

use super::{csv, date, html, md, source_commit, unit_name, ExportError, Format, Options};
use crate::i18n::Lang;
use crate::model::{IncidentKind, Level, Nomination, NomineeKind, Snapshot};

/// How many copies the notice asks for.
pub const COPIES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormDoc {
    pub commit: String,
    pub id: String,
    pub category: String,
    pub title: String,
    pub unit: String,
    pub registered: String,
    pub filed: Option<String>,
    pub fields: Vec<Field>,
    /// Boxes left blank for handwritten opinions, signatures and seals.
    pub sign_boxes: Vec<String>,
    pub copies: usize,
    /// The record as stored, for other tools.
    pub nomination: Nomination,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub label: String,
    /// One entry per line; empty means nothing recorded.
    pub lines: Vec<String>,
    /// Long text given a tall box (deeds).
    pub tall: bool,
}

fn level(l: Level, lang: Lang) -> &'static str {
    match l {
        Level::National => lang.pick("国家级", "national"),
        Level::Provincial => lang.pick("省级", "provincial"),
        Level::Prefectural => lang.pick("地市级", "prefectural"),
        Level::Municipal => lang.pick("市级", "municipal"),
        Level::Other => lang.pick("其他", "other"),
    }
}

fn incident(k: IncidentKind, lang: Lang) -> &'static str {
    match k {
        IncidentKind::NegativeImpact => lang.pick(
            "负面影响的服务质量问题",
            "service problem with negative impact",
        ),
        IncidentKind::LiabilityAccident => lang.pick("责任事故", "liability accident"),
        IncidentKind::SafetyAccident => lang.pick("安全责任事故", "safety accident"),
        IncidentKind::Violation => lang.pick("违法违纪", "violation of law or discipline"),
        IncidentKind::Complaint => lang.pick("服务对象投诉", "complaint from those served"),
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
        Lang::Zh => format!("{cat_name}申报表"),
        Lang::En => format!("Application form: {cat_name}"),
    };
    let unit = unit_name(snapshot, &n.unit);
    let opt = |s: &Option<String>| {
        s.iter()
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut fields = vec![field(
        l.pick("申报单位", "Nominating unit"),
        vec![unit.clone()],
    )];
    match n.nominee.kind {
        NomineeKind::Organisation => {
            fields.push(field(
                l.pick("申报对象", "Nominee"),
                vec![n.nominee.name.clone()],
            ));
            fields.push(field(
                l.pick("所属单位", "Parent body"),
                opt(&n.nominee.workplace),
            ));
        }
        NomineeKind::Person => {
            fields.push(field(l.pick("姓名", "Name"), vec![n.nominee.name.clone()]));
            fields.push(field(
                l.pick("工作单位", "Workplace"),
                opt(&n.nominee.workplace),
            ));
            fields.push(field(l.pick("职务(岗位)", "Post"), opt(&n.nominee.post)));
        }
    }
    if n.brand.is_some() || cat.is_some_and(|c| c.requires_brand) {
        fields.push(field(l.pick("服务品牌", "Service brand"), opt(&n.brand)));
    }
    if cat.is_some_and(|c| c.requires_front_line) {
        let yes = if n.nominee.front_line {
            l.pick("是", "yes")
        } else {
            l.pick("否", "no")
        };
        fields.push(field(
            l.pick("直接面向群众服务(一线)", "Serves the public directly"),
            vec![yes.to_string()],
        ));
    }
    fields.push(field(
        l.pick("联系人及电话", "Contact"),
        vec![format!("{}  {}", n.contact.name, n.contact.phone)],
    ));
    let m = &n.metrics;
    let mut metrics: Vec<String> = m
        .appraisal_satisfaction
        .iter()
        .map(|(y, v)| match l {
            Lang::Zh => format!("{y}年行风评议满意率 {}", pct(*v)),
            Lang::En => format!("{y} trade-style appraisal satisfaction {}", pct(*v)),
        })
        .collect();
    if let Some(v) = m.service_satisfaction {
        metrics.push(format!(
            "{} {}",
            l.pick("服务质量满意率", "Service satisfaction"),
            pct(v)
        ));
    }
    if let Some(v) = m.knowledge_rate {
        metrics.push(format!(
            "{} {}",
            l.pick("职工业务知识应知应会率", "Staff knowledge rate"),
            pct(v)
        ));
    }
    if !metrics.is_empty() {
        fields.push(field(l.pick("主要指标", "Figures"), metrics));
    }
    let incidents: Vec<String> = m
        .incidents
        .iter()
        .map(|i| {
            format!(
                "{} {}: {}",
                date(i.date, l),
                incident(i.kind, l),
                i.description
            )
        })
        .collect();
    fields.push(field(
        l.pick("近年事故、违纪、投诉情况", "Incidents in recent years"),
        if incidents.is_empty() {
            vec![l.pick("无", "none").to_string()]
        } else {
            incidents
        },
    ));
    fields.push(field(
        l.pick("荣誉称号", "Honours"),
        n.honours
            .iter()
            .map(|h| match l {
                Lang::Zh => format!("{}({},{}年起)", h.title, level(h.level, l), h.since),
                Lang::En => format!("{} ({}, since {})", h.title, level(h.level, l), h.since),
            })
            .collect(),
    ));
    fields.push(field(
        l.pick("媒体报道", "Media coverage"),
        n.media
            .iter()
            .map(|r| {
                format!(
                    "{} {}({}){}",
                    date(r.date, l),
                    r.outlet,
                    level(r.level, l),
                    r.title
                )
            })
            .collect(),
    ));
    fields.push(Field {
        label: l.pick("主要事迹", "Deeds").to_string(),
        lines: n
            .deeds
            .lines()
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
            .collect(),
        tall: true,
    });
    fields.push(field(
        l.pick("创建活动开展情况", "Campaign activities"),
        n.activities
            .iter()
            .map(|a| format!("{} {}", date(a.date, l), a.summary))
            .collect(),
    ));
    fields.push(field(
        l.pick("监督员", "Supervisors"),
        n.supervisors
            .iter()
            .map(|s| format!("{}({})", s.name, s.affiliation))
            .collect(),
    ));
    fields.push(field(
        l.pick("证明材料", "Evidence"),
        n.evidence
            .iter()
            .map(|e| format!("{}:{}", e.title, e.reference))
            .collect(),
    ));
    let sign_boxes = vec![
        l.pick("申报单位意见", "Opinion of the nominating unit")
            .to_string(),
        l.pick(
            "镇街或主管部门意见",
            "Opinion of the town, street or department",
        )
        .to_string(),
        l.pick("评委会意见", "Opinion of the committee").to_string(),
    ];
    Ok(FormDoc {
        commit: source_commit(snapshot),
        id: n.id.clone(),
        category: n.category.clone(),
        title,
        unit,
        registered: date(n.registered, l),
        filed: n.form_filed.map(|d| date(d, l)),
        fields,
        sign_boxes,
        copies: COPIES,
        nomination: n.clone(),
    })
}

pub fn render(
    snapshot: &Snapshot,
    id: &str,
    format: Format,
    opts: &Options,
) -> Result<Vec<u8>, ExportError> {
    let doc = build(snapshot, id, opts)?;
    let l = opts.lang;
    Ok(match format {
        Format::Markdown => markdown(&doc, l).into_bytes(),
        Format::Html => to_html(&doc, l).into_bytes(),
        Format::Csv => to_csv(&doc, l)?,
        Format::Json => super::json::to_vec(&doc)?,
    })
}

/// `第一联`, `第二联`, `第三联` (or `Copy 1 of 3` …).
pub fn copy_mark(i: usize, l: Lang) -> String {
    const NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match l {
        Lang::Zh => format!("第{}联", NUM.get(i).copied().unwrap_or("?")),
        Lang::En => format!("Copy {} of {COPIES}", i + 1),
    }
}

fn meta_line(doc: &FormDoc, l: Lang) -> String {
    let filed = doc
        .filed
        .clone()
        .unwrap_or_else(|| l.pick("未报送", "not filed").to_string());
    match l {
        Lang::Zh => format!(
            "编号:{}  申报日期:{}  报送日期:{}",
            doc.id, doc.registered, filed
        ),
        Lang::En => format!(
            "No. {}   registered {}   filed {}",
            doc.id, doc.registered, filed
        ),
    }
}

fn sign_line(l: Lang) -> &'static str {
    l.pick("(签字、盖章)    年  月  日", "(signature, seal)   date")
}

pub fn markdown(doc: &FormDoc, l: Lang) -> String {
    let mut out = format!(
        "# {}\n\n{}\n\n",
        md::esc(&doc.title),
        md::esc(&meta_line(doc, l))
    );
    let note = match l {
        Lang::Zh => format!(
            "一式{}份;打印 HTML 版得{}联,各占一页 A4。",
            doc.copies, doc.copies
        ),
        Lang::En => format!(
            "Filed in {} copies; the HTML export prints them, one A4 page each.",
            doc.copies
        ),
    };
    out.push_str(&format!("> {}\n\n", md::esc(&note)));
    let rows: Vec<Vec<String>> = doc
        .fields
        .iter()
        .map(|f| {
            let v = if f.lines.is_empty() {
                "\u{2014}".to_string()
            } else {
                f.lines
                    .iter()
                    .map(|s| md::esc(s))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            vec![format!("**{}**", md::esc(&f.label)), v]
        })
        .chain(
            doc.sign_boxes
                .iter()
                .map(|b| vec![format!("**{}**", md::esc(b)), md::esc(sign_line(l))]),
        )
        .collect();
    out.push_str(&md::table(
        &[
            l.pick("项目", "Item").to_string(),
            l.pick("内容", "Content").to_string(),
        ],
        &[],
        &rows,
    ));
    out.push_str(&format!("\n---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

fn form_table(doc: &FormDoc, l: Lang) -> String {
    let mut t = String::from("<table class=\"form\">\n<tbody>\n");
    for f in &doc.fields {
        let v = f
            .lines
            .iter()
            .map(|s| html::esc(s))
            .collect::<Vec<_>>()
            .join("<br>\n");
        let class = if f.tall { " class=\"tall\"" } else { "" };
        t.push_str(&format!(
            "<tr><th>{}</th><td{class}>{v}</td></tr>\n",
            html::esc(&f.label)
        ));
    }
    t.push_str("</tbody>\n</table>\n");
    // the opinion boxes side by side, as on the paper form
    t.push_str("<table class=\"form signs\">\n<thead><tr>");
    for b in &doc.sign_boxes {
        t.push_str(&format!("<th>{}</th>", html::esc(b)));
    }
    t.push_str("</tr></thead>\n<tbody><tr>");
    for _ in &doc.sign_boxes {
        t.push_str(&format!(
            "<td class=\"sign\">{}</td>",
            html::esc(sign_line(l))
        ));
    }
    t.push_str("</tr></tbody>\n</table>\n");
    t
}

pub fn to_html(doc: &FormDoc, l: Lang) -> String {
    let table = form_table(doc, l);
    let mut body = String::new();
    for i in 0..doc.copies {
        body.push_str(&format!(
            "<section class=\"copy\" data-copy=\"{}\">\n<div class=\"copymark\">{}</div>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n{table}</section>\n",
            i + 1,
            html::esc(&copy_mark(i, l)),
            html::esc(&doc.title),
            html::esc(&meta_line(doc, l)),
        ));
    }
    html::page(l, &format!("{} {}", doc.title, doc.id), &doc.commit, &body)
}

/// The form as rows of item and content, one line of content per row.
pub fn to_csv(doc: &FormDoc, l: Lang) -> Result<Vec<u8>, ExportError> {
    let h = vec![
        l.pick("编号", "id").to_string(),
        l.pick("项目", "item").to_string(),
        l.pick("内容", "content").to_string(),
    ];
    let mut rows = vec![
        vec![
            doc.id.clone(),
            l.pick("表名", "form").to_string(),
            doc.title.clone(),
        ],
        vec![
            doc.id.clone(),
            l.pick("申报日期", "registered").to_string(),
            doc.registered.clone(),
        ],
        vec![
            doc.id.clone(),
            l.pick("报送日期", "filed").to_string(),
            doc.filed.clone().unwrap_or_default(),
        ],
    ];
    for f in &doc.fields {
        if f.lines.is_empty() {
            rows.push(vec![doc.id.clone(), f.label.clone(), String::new()]);
        }
        for line in &f.lines {
            rows.push(vec![doc.id.clone(), f.label.clone(), line.clone()]);
        }
    }
    csv::write(&h, &rows, super::source_label(l), &doc.commit)
}
