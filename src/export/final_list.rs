//! `final`: the commended list per category in rank order, as announced in
//! December (COMMEND), from [`rules::final_list`](crate::rules::final_list).

use chrono::NaiveDate;
use serde::Serialize;

use super::sheet::{headers, Cell, Sheet};
use super::{
    categories, category_name, date, exported_label, html, md, nominee_line, source_commit,
    unit_name, ExportError, Options,
};
use crate::i18n::Lang;
use crate::model::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalDoc {
    pub commit: String,
    pub campaign: String,
    pub issuer: String,
    pub day: NaiveDate,
    pub categories: Vec<FinalCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalCategory {
    pub category: String,
    pub name: String,
    pub slots: Option<u32>,
    pub nominee: crate::model::NomineeKind,
    pub entries: Vec<FinalRow>,
    /// Final decisions no longer in the ranked selection (shown as a warning).
    pub outside_selection: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinalRow {
    /// Rank position (tied entries share one).
    pub position: usize,
    pub id: String,
    pub unit: String,
    pub nominee: String,
    pub brand: Option<String>,
    pub final_score: Option<f64>,
}

pub fn build(snapshot: &Snapshot, opts: &Options) -> Result<FinalDoc, ExportError> {
    let c = &snapshot.campaign;
    let mut cats = Vec::new();
    for cat in categories(snapshot, opts)? {
        let list = crate::rules::final_list(snapshot, &cat.id, opts.day)
            .map_err(|r| ExportError::Rules(r.message_in(Some(snapshot), opts.lang.zh())))?;
        let entries = list
            .entries
            .iter()
            .map(|e| {
                let n = snapshot.record(&e.id).map(|r| &r.nomination);
                FinalRow {
                    position: e.position,
                    id: e.id.clone(),
                    unit: unit_name(snapshot, &e.unit),
                    nominee: n.map_or_else(|| e.nominee.clone(), |n| nominee_line(n, opts.lang)),
                    brand: n.and_then(|n| n.brand.clone()),
                    final_score: e.final_score,
                }
            })
            .collect();
        cats.push(FinalCategory {
            category: cat.id.clone(),
            name: category_name(cat, opts.lang).to_string(),
            slots: cat.slots,
            nominee: cat.nominee,
            entries,
            outside_selection: list.outside_selection,
        });
    }
    Ok(FinalDoc {
        commit: source_commit(snapshot),
        campaign: opts.lang.pick(&c.title, &c.title_en).to_string(),
        issuer: c.issuer.clone(),
        day: opts.day,
        categories: cats,
    })
}

impl super::document::Document for FinalDoc {
    fn kind(&self) -> super::Kind {
        super::Kind::Final
    }

    fn commit(&self) -> &str {
        &self.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        super::json::to_vec(self)
    }

    fn markdown(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(markdown(self, l).into_bytes())
    }

    fn html(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(to_html(self, l).into_bytes())
    }

    fn sheets(&self, l: Lang) -> Option<Vec<Sheet>> {
        Some(vec![sheet(self, l)])
    }
}

fn title(l: Lang) -> &'static str {
    l.pick("評選結果（入選名單）", "Results: the commended list")
}

fn heading(cat: &FinalCategory, l: Lang) -> String {
    match (cat.slots, l) {
        (Some(s), Lang::Zh | Lang::ZhHans) => {
            format!("{}（共{}，名額{}個）", cat.name, count(cat), s)
        }
        (None, Lang::Zh | Lang::ZhHans) => format!("{}（共{}）", cat.name, count(cat)),
        (Some(s), Lang::En) => format!("{} ({} of at most {})", cat.name, cat.entries.len(), s),
        (None, Lang::En) => format!("{} ({})", cat.name, cat.entries.len()),
    }
}

/// `9個` for organisations, `10名` for people.
fn count(cat: &FinalCategory) -> String {
    match cat.nominee {
        crate::model::NomineeKind::Organisation => format!("{}個", cat.entries.len()),
        crate::model::NomineeKind::Person => format!("{}名", cat.entries.len()),
    }
}

fn head_cells(l: Lang, brand: bool) -> Vec<String> {
    let mut h = vec![
        l.pick("名次", "Rank").to_string(),
        l.pick("入選對象", "Commended").to_string(),
        l.pick("申報單位", "Unit").to_string(),
    ];
    if brand {
        h.push(l.pick("服務品牌", "Brand").to_string());
    }
    h
}

fn empty_text(l: Lang) -> &'static str {
    l.pick(
        "本類尚無入選（尚未決定，或無對象達到要求）。",
        "No one is commended in this category (none yet, or none qualified).",
    )
}

fn outside_text(cat: &FinalCategory, l: Lang) -> Option<String> {
    (!cat.outside_selection.is_empty()).then(|| {
        let ids = crate::rules::text::join(&cat.outside_selection, l.zh());
        match l {
            Lang::Zh | Lang::ZhHans => {
                format!("注意：{ids} 已決定入選，但不在當前排名的入選範圍內，未列入本名單。")
            }
            Lang::En => format!(
                "Note: {ids} decided final but no longer within the ranked selection; not listed."
            ),
        }
    })
}

fn as_of(doc: &FinalDoc, l: Lang) -> String {
    format!("{}: {}", exported_label(l), date(doc.day, l))
}

pub fn markdown(doc: &FinalDoc, l: Lang) -> String {
    let mut out = format!("# {}\n\n{}\n\n", md::esc(title(l)), md::esc(&doc.campaign));
    for cat in &doc.categories {
        out.push_str(&format!("## {}\n\n", md::esc(&heading(cat, l))));
        if cat.entries.is_empty() {
            out.push_str(&format!("{}\n\n", md::esc(empty_text(l))));
        } else {
            let brand = cat.entries.iter().any(|e| e.brand.is_some());
            let rows: Vec<Vec<String>> = cat
                .entries
                .iter()
                .map(|e| {
                    let mut r = vec![
                        e.position.to_string(),
                        md::esc(&e.nominee),
                        md::esc(&e.unit),
                    ];
                    if brand {
                        r.push(md::esc(e.brand.as_deref().unwrap_or("")));
                    }
                    r
                })
                .collect();
            out.push_str(&md::table(&head_cells(l, brand), &[0], &rows));
            out.push('\n');
        }
        if let Some(t) = outside_text(cat, l) {
            out.push_str(&format!("> {}\n\n", md::esc(&t)));
        }
    }
    out.push_str(&format!(
        "{}  \n{}\n\n",
        md::esc(&doc.issuer),
        md::esc(&as_of(doc, l))
    ));
    out.push_str(&format!("---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

pub fn to_html(doc: &FinalDoc, l: Lang) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        html::esc(title(l)),
        html::esc(&doc.campaign)
    );
    for cat in &doc.categories {
        body.push_str(&format!(
            "<section class=\"final\" data-category=\"{}\">\n<h2>{}</h2>\n",
            html::esc(&cat.category),
            html::esc(&heading(cat, l))
        ));
        if cat.entries.is_empty() {
            body.push_str(&format!("<p>{}</p>\n", html::esc(empty_text(l))));
        } else {
            let brand = cat.entries.iter().any(|e| e.brand.is_some());
            let rows: Vec<Vec<String>> = cat
                .entries
                .iter()
                .map(|e| {
                    let mut r = vec![
                        e.position.to_string(),
                        html::esc(&e.nominee),
                        html::esc(&e.unit),
                    ];
                    if brand {
                        r.push(html::esc(e.brand.as_deref().unwrap_or("")));
                    }
                    r
                })
                .collect();
            body.push_str(&html::table("final", &head_cells(l, brand), &[0], &rows));
        }
        if let Some(t) = outside_text(cat, l) {
            body.push_str(&format!("<p class=\"warn\">{}</p>\n", html::esc(&t)));
        }
        body.push_str("</section>\n");
    }
    body.push_str(&format!(
        "<div class=\"signature\">{}<br>{}</div>\n",
        html::esc(&doc.issuer),
        html::esc(&as_of(doc, l))
    ));
    html::page(l, title(l), &doc.commit, &body)
}

/// One row per commended entry, typed: rank and final score are numbers.
pub fn sheet(doc: &FinalDoc, l: Lang) -> Sheet {
    let mut s = Sheet::new(
        l.pick("入選名單", "Final list"),
        headers(&[
            l.pick("類別", "Category"),
            l.pick("名次", "Rank"),
            l.pick("編號", "Id"),
            l.pick("入選對象", "Nominee"),
            l.pick("申報單位", "Unit"),
            l.pick("服務品牌", "Brand"),
            l.pick("最終得分", "Final score"),
        ]),
    );
    for cat in &doc.categories {
        for e in &cat.entries {
            s.push(vec![
                Cell::text(cat.name.clone()),
                Cell::int(e.position as i64),
                Cell::text(e.id.clone()),
                Cell::text(e.nominee.clone()),
                Cell::text(e.unit.clone()),
                Cell::opt(e.brand.as_deref()),
                Cell::num(e.final_score),
            ]);
        }
    }
    s
}
