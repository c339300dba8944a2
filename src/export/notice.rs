//! `notice`: the public notice (公示) of a category's candidate list (CANDIDATES).
//!
//! The list is the published [`Notice`](crate::model::Notice) of the category as
//! published, in its order; each candidate with unit, nominee, brand and a summary
//! of deeds, then the notice window (`published ..= published + notice_days − 1`,
//! as the rules take objections) and how and where to lodge an objection: with the
//! campaign's office (the `office_unit`), in person or by letter. A category
//! without a published notice gets a draft from its current candidates, marked as
//! such, without dates.

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    categories, category_name, csv, date, html, md, nominee_line, office_name, source_commit,
    summary, unit_name, ExportError, Format, Options,
};
use crate::i18n::Lang;
use crate::model::Snapshot;
use crate::rules::notice::{candidates, notice_window};

/// Characters of deeds kept in the summary.
pub const SUMMARY_CHARS: usize = 90;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeDoc {
    pub commit: String,
    pub campaign: String,
    pub issuer: String,
    /// Where objections go.
    pub office: String,
    pub notice_days: u32,
    pub categories: Vec<NoticeCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeCategory {
    pub category: String,
    pub name: String,
    /// `None` for a draft: the category's notice is not published yet.
    pub published: Option<NaiveDate>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub entries: Vec<NoticeEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeEntry {
    pub no: usize,
    pub id: String,
    pub unit: String,
    pub nominee: String,
    pub brand: Option<String>,
    pub deeds: String,
}

/// The notice document of the selected categories.
pub fn build(snapshot: &Snapshot, opts: &Options) -> Result<NoticeDoc, ExportError> {
    let c = &snapshot.campaign;
    let mut cats = Vec::new();
    for cat in categories(snapshot, opts)? {
        let notice = snapshot
            .rulings
            .notices
            .iter()
            .filter(|n| n.category == cat.id)
            .max_by_key(|n| n.published);
        let (ids, published, window) = match notice {
            Some(n) => (
                n.candidates.clone(),
                Some(n.published),
                Some(notice_window(n, c.notice_days)),
            ),
            None => {
                // draft: the current candidates in rank order
                let listed = candidates(snapshot, &cat.id);
                let mut ids: Vec<String> = crate::rules::rank(snapshot, &cat.id, opts.day)
                    .map(|r| r.entries.into_iter().map(|e| e.id).collect())
                    .unwrap_or_default();
                ids.retain(|id| listed.contains(id));
                (ids, None, None)
            }
        };
        let entries = ids
            .iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let n = &snapshot.record(id)?.nomination;
                Some(NoticeEntry {
                    no: i + 1,
                    id: id.clone(),
                    unit: unit_name(snapshot, &n.unit),
                    nominee: nominee_line(n, opts.lang),
                    brand: n.brand.clone(),
                    deeds: summary(&n.deeds, SUMMARY_CHARS),
                })
            })
            .collect();
        cats.push(NoticeCategory {
            category: cat.id.clone(),
            name: category_name(cat, opts.lang).to_string(),
            published,
            first_day: window.map(|w| w.0),
            last_day: window.map(|w| w.1),
            entries,
        });
    }
    Ok(NoticeDoc {
        commit: source_commit(snapshot),
        campaign: opts.lang.pick(&c.title, &c.title_en).to_string(),
        issuer: c.issuer.clone(),
        office: office_name(snapshot),
        notice_days: c.notice_days,
        categories: cats,
    })
}

pub fn render(snapshot: &Snapshot, format: Format, opts: &Options) -> Result<Vec<u8>, ExportError> {
    let doc = build(snapshot, opts)?;
    let l = opts.lang;
    Ok(match format {
        Format::Markdown => markdown(&doc, l).into_bytes(),
        Format::Html => to_html(&doc, l).into_bytes(),
        Format::Csv => to_csv(&doc, l)?,
        Format::Json => super::json::to_vec(&doc)?,
    })
}

fn title(cat: &NoticeCategory, l: Lang) -> String {
    let draft = if cat.published.is_none() {
        l.pick("(草稿,尚未发布)", " (draft, not published)")
    } else {
        ""
    };
    match l {
        Lang::Zh => format!("{}候选名单公示{draft}", cat.name),
        Lang::En => format!("Public notice of the candidates: {}{draft}", cat.name),
    }
}

/// The paragraph before the list.
fn lead(doc: &NoticeDoc, cat: &NoticeCategory, l: Lang) -> String {
    match l {
        Lang::Zh => format!(
            "根据《{}》,经评委会日常测评、实地考察、座谈走访、民主测评,并征求有关部门意见,确定以下{}名{}候选对象,现予以公示,接受社会监督。",
            doc.campaign,
            cat.entries.len(),
            cat.name
        ),
        Lang::En => format!(
            "Under “{}”, after routine evaluation, site visits, interviews, a democratic evaluation and the opinions of the departments concerned, the committee has fixed the following {} candidate(s) for {}, published here for public scrutiny.",
            doc.campaign,
            cat.entries.len(),
            cat.name
        ),
    }
}

/// The notice window and how and where to lodge an objection.
fn objection_text(doc: &NoticeDoc, cat: &NoticeCategory, l: Lang) -> Vec<String> {
    let window = match (cat.first_day, cat.last_day, l) {
        (Some(a), Some(b), Lang::Zh) => format!(
            "公示时间:{}至{}(共{}天)。",
            date(a, l),
            date(b, l),
            doc.notice_days
        ),
        (Some(a), Some(b), Lang::En) => format!(
            "Notice period: {} to {} inclusive ({} days).",
            date(a, l),
            date(b, l),
            doc.notice_days
        ),
        (_, _, Lang::Zh) => format!(
            "公示时间:自发布之日起{}天(本名单尚未发布)。",
            doc.notice_days
        ),
        (_, _, Lang::En) => format!(
            "Notice period: {} days from publication (this list is not published yet).",
            doc.notice_days
        ),
    };
    let how = match l {
        Lang::Zh => format!(
            "公示期间,对公示对象有异议的,请以来人或来信方式向{}反映。反映问题应实事求是、具体详实;以单位名义反映的须加盖公章,以个人名义反映的须署真实姓名并留联系方式。每件异议均予登记,由评委会主任核实后作出成立或不成立的决定并说明理由;异议成立的,取消候选资格。对弄虚作假的举报,评选任何阶段均予受理。",
            doc.office
        ),
        Lang::En => format!(
            "During the notice period, objections to a candidate may be lodged with {}, in person or by letter. State the facts concretely; an objection in the name of an organisation must bear its seal, one by a person their real name and a contact. Every objection is recorded and resolved by the committee chair as upheld or dismissed, with reasons; an upheld objection removes the candidate. Reports of fraud are accepted at any stage.",
            doc.office
        ),
    };
    vec![window, how]
}

fn headers(l: Lang) -> Vec<String> {
    [
        l.pick("序号", "No."),
        l.pick("申报单位", "Unit"),
        l.pick("候选对象", "Nominee"),
        l.pick("服务品牌", "Brand"),
        l.pick("主要事迹", "Deeds (summary)"),
    ]
    .map(String::from)
    .to_vec()
}

fn has_brand(cat: &NoticeCategory) -> bool {
    cat.entries.iter().any(|e| e.brand.is_some())
}

/// Drops the brand column (index 3) from categories without brands.
fn cells<T>(row: Vec<T>, brand: bool) -> Vec<T> {
    row.into_iter()
        .enumerate()
        .filter(|(i, _)| brand || *i != 3)
        .map(|(_, c)| c)
        .collect()
}

fn signature(doc: &NoticeDoc, cat: &NoticeCategory, l: Lang) -> (String, String) {
    let when = cat
        .published
        .map(|d| date(d, l))
        .unwrap_or_else(|| l.pick("年  月  日", "(date of publication)").to_string());
    (doc.issuer.clone(), when)
}

pub fn markdown(doc: &NoticeDoc, l: Lang) -> String {
    let mut out = String::new();
    for cat in &doc.categories {
        let brand = has_brand(cat);
        out.push_str(&format!("# {}\n\n", md::esc(&title(cat, l))));
        out.push_str(&format!("{}\n\n", md::esc(&lead(doc, cat, l))));
        let rows: Vec<Vec<String>> = cat
            .entries
            .iter()
            .map(|e| {
                cells(
                    vec![
                        e.no.to_string(),
                        md::esc(&e.unit),
                        md::esc(&e.nominee),
                        md::esc(e.brand.as_deref().unwrap_or("")),
                        md::esc(&e.deeds),
                    ],
                    brand,
                )
            })
            .collect();
        out.push_str(&md::table(&cells(headers(l), brand), &[0], &rows));
        out.push('\n');
        for p in objection_text(doc, cat, l) {
            out.push_str(&format!("{}\n\n", md::esc(&p)));
        }
        let (who, when) = signature(doc, cat, l);
        out.push_str(&format!("{}  \n{}\n\n", md::esc(&who), md::esc(&when)));
    }
    out.push_str(&format!("---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

pub fn to_html(doc: &NoticeDoc, l: Lang) -> String {
    let mut body = String::new();
    for cat in &doc.categories {
        let brand = has_brand(cat);
        body.push_str(&format!(
            "<section class=\"category\" data-category=\"{}\">\n<h1>{}</h1>\n",
            html::esc(&cat.category),
            html::esc(&title(cat, l))
        ));
        body.push_str(&format!(
            "<p class=\"lead\">{}</p>\n",
            html::esc(&lead(doc, cat, l))
        ));
        let rows: Vec<Vec<String>> = cat
            .entries
            .iter()
            .map(|e| {
                cells(
                    vec![
                        e.no.to_string(),
                        html::esc(&e.unit),
                        html::esc(&e.nominee),
                        html::esc(e.brand.as_deref().unwrap_or("")),
                        html::esc(&e.deeds),
                    ],
                    brand,
                )
            })
            .collect();
        body.push_str(&html::table(
            "candidates",
            &cells(headers(l), brand),
            &[0],
            &rows,
        ));
        for (i, p) in objection_text(doc, cat, l).iter().enumerate() {
            let class = if i == 0 { "window" } else { "objection" };
            body.push_str(&format!("<p class=\"lead {class}\">{}</p>\n", html::esc(p)));
        }
        let (who, when) = signature(doc, cat, l);
        body.push_str(&format!(
            "<div class=\"signature\">{}<br>{}</div>\n</section>\n",
            html::esc(&who),
            html::esc(&when)
        ));
    }
    let title = doc
        .categories
        .iter()
        .map(|c| title(c, l))
        .collect::<Vec<_>>()
        .join(" / ");
    html::page(l, &title, &doc.commit, &body)
}

pub fn to_csv(doc: &NoticeDoc, l: Lang) -> Result<Vec<u8>, ExportError> {
    let mut h = vec![
        l.pick("类别", "category").to_string(),
        l.pick("类别名称", "category name").to_string(),
        l.pick("序号", "no").to_string(),
        l.pick("编号", "id").to_string(),
    ];
    h.extend(headers(l).into_iter().skip(1));
    h.extend([
        l.pick("公示发布日期", "published").to_string(),
        l.pick("公示开始", "first day").to_string(),
        l.pick("公示截止", "last day").to_string(),
    ]);
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = doc
        .categories
        .iter()
        .flat_map(|cat| {
            cat.entries.iter().map(move |e| {
                vec![
                    cat.category.clone(),
                    cat.name.clone(),
                    e.no.to_string(),
                    e.id.clone(),
                    e.unit.clone(),
                    e.nominee.clone(),
                    e.brand.clone().unwrap_or_default(),
                    e.deeds.clone(),
                    d(cat.published),
                    d(cat.first_day),
                    d(cat.last_day),
                ]
            })
        })
        .collect();
    csv::write(&h, &rows, super::source_label(l), &doc.commit)
}
