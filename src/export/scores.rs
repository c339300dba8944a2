//! `scores`: every reviewer's marks per criterion, then the aggregates, spread and
//! flags from [`rules::aggregate`](crate::rules::aggregate), per nomination, in
//! rank order (the ranked entries first, then those out of the ranking).

use chrono::NaiveDate;
use serde::Serialize;

use super::sheet::{headers, Cell, Sheet};
use super::{
    categories, category_name, date, exported_label, html, md, member_name, score, source_commit,
    unit_name, ExportError, Options,
};
use crate::i18n::Lang;
use crate::model::{AggregateMethod, Mark, Snapshot};
use crate::rules::aggregate::{Aggregate, Excluded};
use crate::rules::text::num;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoresDoc {
    pub commit: String,
    pub day: NaiveDate,
    pub method: AggregateMethod,
    pub evaluation_weight: f64,
    pub disagreement_spread: f64,
    pub categories: Vec<ScoresCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionHead {
    pub id: String,
    pub title: String,
    pub max: f64,
    pub independent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoresCategory {
    pub category: String,
    pub name: String,
    pub criteria: Vec<CriterionHead>,
    pub nominations: Vec<ScoresNomination>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewRow {
    pub reviewer: String,
    pub name: String,
    /// One cell per criterion of the category, in order: points or the no-score state.
    pub marks: Vec<String>,
    pub total: Option<f64>,
    /// Left out of the aggregate (conflict of interest, not a reviewer).
    pub excluded: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoresNomination {
    pub id: String,
    pub nominee: String,
    pub unit: String,
    /// Rank position when in the ranking.
    pub position: Option<usize>,
    pub reviews: Vec<ReviewRow>,
    /// Mean of each criterion over the counted reviews, in criterion order.
    pub criterion_means: Vec<Option<f64>>,
    pub aggregate: Aggregate,
    pub flags: Vec<String>,
}

fn mark(m: Option<&Mark>, l: Lang) -> String {
    match m.copied().unwrap_or(Mark::NotScored) {
        Mark::Points(p) => num(p),
        Mark::NotScored => l.pick("未評", "not scored").to_string(),
        Mark::Abstain => l.pick("棄權", "abstain").to_string(),
        Mark::NotApplicable => l.pick("不適用", "n/a").to_string(),
        Mark::Recused => l.pick("迴避", "recused").to_string(),
    }
}

fn method_name(m: AggregateMethod, l: Lang) -> &'static str {
    match m {
        AggregateMethod::Mean => l.pick("平均", "mean"),
        AggregateMethod::Median => l.pick("中位數", "median"),
        AggregateMethod::TrimmedMean => l.pick("去掉最高最低分後平均", "trimmed mean"),
    }
}

fn flags(a: &Aggregate, ineligible: &[String], snapshot: &Snapshot, l: Lang) -> Vec<String> {
    let zh = l.zh();
    let mut out = Vec::new();
    if a.disagreement {
        let spread = a.stats.as_ref().map_or(0.0, |s| s.spread);
        out.push(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "評分分歧大：極差 {} > {}",
                num(spread),
                num(a.disagreement_spread)
            ),
            Lang::En => format!(
                "reviewers disagree: spread {} > {}",
                num(spread),
                num(a.disagreement_spread)
            ),
        });
    }
    if !a.missing_reviewers.is_empty() {
        let names: Vec<String> = a
            .missing_reviewers
            .iter()
            .map(|r| member_name(snapshot, r))
            .collect();
        out.push(format!(
            "{}{}{}",
            l.pick("未評分", "not scored by"),
            if zh { "：" } else { ": " },
            crate::rules::text::join(&names, zh)
        ));
    }
    for x in &a.excluded {
        let why = match &x.why {
            Excluded::Conflict { reason } => reason.message(Some(snapshot), zh),
            Excluded::NotAReviewer => l.pick("不是評委", "not a reviewer").to_string(),
        };
        out.push(format!(
            "{} {}{}{why}",
            l.pick("不計入", "excluded"),
            member_name(snapshot, &x.reviewer),
            if zh { "：" } else { ": " },
        ));
    }
    if a.final_note != crate::rules::aggregate::FinalNote::Weighted {
        out.push(a.final_note.message(zh));
    }
    out.extend(ineligible.iter().cloned());
    out
}

pub fn build(snapshot: &Snapshot, opts: &Options) -> Result<ScoresDoc, ExportError> {
    let l = opts.lang;
    let settings = &snapshot.campaign.aggregation;
    let mut cats = Vec::new();
    for cat in categories(snapshot, opts)? {
        let ranking = crate::rules::rank(snapshot, &cat.id, opts.day)
            .map_err(|r| ExportError::Rules(r.message_in(Some(snapshot), l.zh())))?;
        let order: Vec<(String, Option<usize>, Vec<String>)> = ranking
            .entries
            .iter()
            .map(|e| (e.id.clone(), Some(e.position), Vec::new()))
            .chain(ranking.ineligible.iter().map(|e| {
                let why = e
                    .reasons
                    .iter()
                    // the sentence first, its rule id after it as a reference
                    .map(|r| r.message(Some(snapshot), l.zh()))
                    .collect();
                (e.id.clone(), None, why)
            }))
            .collect();
        let criteria: Vec<CriterionHead> = cat
            .criteria
            .iter()
            .map(|c| CriterionHead {
                id: c.id.clone(),
                title: l.pick(&c.title, &c.title_en).to_string(),
                max: c.max,
                independent: c.independent,
            })
            .collect();
        let mut noms = Vec::new();
        for (id, position, ineligible) in order {
            let Some(record) = snapshot.record(&id) else {
                continue;
            };
            let Some(a) = crate::rules::aggregate(snapshot, record) else {
                continue;
            };
            let mut reviews: Vec<ReviewRow> = Vec::new();
            for (reviewer, sheet) in &record.scores {
                let counted = a.reviews.iter().find(|r| &r.reviewer == reviewer);
                let excluded =
                    a.excluded
                        .iter()
                        .find(|x| &x.reviewer == reviewer)
                        .map(|x| match &x.why {
                            Excluded::Conflict { reason } => reason.message(Some(snapshot), l.zh()),
                            Excluded::NotAReviewer => {
                                l.pick("不是評委", "not a reviewer").to_string()
                            }
                        });
                reviews.push(ReviewRow {
                    reviewer: reviewer.clone(),
                    name: member_name(snapshot, reviewer),
                    marks: cat
                        .criteria
                        .iter()
                        .map(|c| mark(sheet.marks.get(&c.id), l))
                        .collect(),
                    total: counted.and_then(|r| r.total),
                    excluded,
                });
            }
            let criterion_means = cat
                .criteria
                .iter()
                .map(|c| {
                    a.criteria
                        .iter()
                        .find(|s| s.criterion == c.id)
                        .and_then(|s| s.mean)
                })
                .collect();
            let n = &record.nomination;
            noms.push(ScoresNomination {
                id: id.clone(),
                nominee: n.nominee.name.clone(),
                unit: unit_name(snapshot, &n.unit),
                position,
                reviews,
                criterion_means,
                flags: flags(&a, &ineligible, snapshot, l),
                aggregate: a,
            });
        }
        cats.push(ScoresCategory {
            category: cat.id.clone(),
            name: category_name(cat, l).to_string(),
            criteria,
            nominations: noms,
        });
    }
    Ok(ScoresDoc {
        commit: source_commit(snapshot),
        day: opts.day,
        method: settings.method,
        evaluation_weight: settings.evaluation_weight,
        disagreement_spread: settings.disagreement_spread,
        categories: cats,
    })
}

impl super::document::Document for ScoresDoc {
    fn kind(&self) -> super::Kind {
        super::Kind::Scores
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
        Some(sheets(self, l))
    }
}

fn title(l: Lang) -> &'static str {
    l.pick(
        "評分明細與匯總",
        "Scores: per reviewer and criterion, with aggregates",
    )
}

fn rule_text(doc: &ScoresDoc, l: Lang) -> String {
    let w = num(doc.evaluation_weight * 100.0);
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "評委匯總方法：{}；最終得分 = 評委匯總 × {}% + 日常測評、明察暗訪平均分（折算）× {w}%；極差超過 {} 標記為分歧大。未評、棄權、不適用、迴避不計為0分。",
            method_name(doc.method, l),
            num(100.0 - doc.evaluation_weight * 100.0),
            num(doc.disagreement_spread)
        ),
        Lang::En => format!(
            "Reviewer aggregate: {}; final score = reviewer aggregate × {}% + mean routine/unannounced rating (scaled) × {w}%; a spread above {} is flagged. Not scored, abstain, n/a and recused never count as 0.",
            method_name(doc.method, l),
            num(100.0 - doc.evaluation_weight * 100.0),
            num(doc.disagreement_spread)
        ),
    }
}

fn head_row(cat: &ScoresCategory, l: Lang) -> Vec<String> {
    let mut h = vec![l.pick("評委", "Reviewer").to_string()];
    h.extend(
        cat.criteria
            .iter()
            .map(|c| format!("{} ({})", c.id, num(c.max))),
    );
    h.push(l.pick("合計", "Total").to_string());
    h
}

/// Rows of the per-nomination table: reviews, then the criterion means; cells plain.
fn body_rows(nom: &ScoresNomination, l: Lang) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = nom
        .reviews
        .iter()
        .map(|r| {
            let mut who = r.name.clone();
            if let Some(x) = &r.excluded {
                who = format!("{who} [{}: {x}]", l.pick("不計入", "excluded"));
            }
            let mut row = vec![who];
            row.extend(r.marks.iter().cloned());
            row.push(r.total.map_or_else(|| "\u{2014}".to_string(), num));
            row
        })
        .collect();
    let mut mean = vec![l.pick("各項平均", "Criterion mean").to_string()];
    mean.extend(
        nom.criterion_means
            .iter()
            .map(|m| m.map_or_else(|| "\u{2014}".to_string(), num)),
    );
    mean.push(
        nom.aggregate
            .stats
            .as_ref()
            .map_or_else(|| "\u{2014}".to_string(), |s| num(s.mean)),
    );
    rows.push(mean);
    rows
}

fn stats_line(nom: &ScoresNomination, l: Lang) -> String {
    let a = &nom.aggregate;
    let s = a.stats.as_ref();
    let f = |v: Option<f64>| v.map_or_else(|| "\u{2014}".to_string(), num);
    let eval = a.evaluation.mean.map_or_else(
        || "\u{2014}".to_string(),
        |m| format!("{} ({})", num(m), a.evaluation.n),
    );
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "評分 {}/{} 份；平均 {}；中位數 {}；去極值平均 {}；標準差 {}；最低 {}；最高 {}；極差 {}；評委匯總 {}；日常測評平均 {}；最終得分 {}",
            a.n, a.expected_n,
            f(s.map(|s| s.mean)), f(s.map(|s| s.median)), f(s.map(|s| s.trimmed_mean)),
            f(s.and_then(|s| s.std_dev)), f(s.map(|s| s.min)), f(s.map(|s| s.max)), f(s.map(|s| s.spread)),
            score(a.reviewer_aggregate), eval, score(a.final_score)
        ),
        Lang::En => format!(
            "reviews {}/{}; mean {}; median {}; trimmed mean {}; sd {}; min {}; max {}; spread {}; reviewer aggregate {}; routine rating mean {}; final score {}",
            a.n, a.expected_n,
            f(s.map(|s| s.mean)), f(s.map(|s| s.median)), f(s.map(|s| s.trimmed_mean)),
            f(s.and_then(|s| s.std_dev)), f(s.map(|s| s.min)), f(s.map(|s| s.max)), f(s.map(|s| s.spread)),
            score(a.reviewer_aggregate), eval, score(a.final_score)
        ),
    }
}

fn nom_heading(nom: &ScoresNomination, l: Lang) -> String {
    let pos = nom.position.map_or_else(
        || l.pick("不參與排名", "out of the ranking").to_string(),
        |p| format!("{} {p}", l.pick("名次", "rank")),
    );
    format!("{} {} \u{2014} {} ({pos})", nom.id, nom.nominee, nom.unit)
}

fn legend(cat: &ScoresCategory) -> Vec<Vec<String>> {
    cat.criteria
        .iter()
        .map(|c| vec![c.id.clone(), c.title.clone(), num(c.max)])
        .collect()
}

fn legend_head(l: Lang) -> Vec<String> {
    [
        l.pick("代號", "Id"),
        l.pick("評選標準", "Criterion"),
        l.pick("分值", "Max"),
    ]
    .map(String::from)
    .to_vec()
}

pub fn markdown(doc: &ScoresDoc, l: Lang) -> String {
    let mut out = format!(
        "# {}\n\n{}: {}\n\n{}\n\n",
        md::esc(title(l)),
        md::esc(exported_label(l)),
        md::esc(&date(doc.day, l)),
        md::esc(&rule_text(doc, l))
    );
    for cat in &doc.categories {
        out.push_str(&format!("## {}\n\n", md::esc(&cat.name)));
        let lg: Vec<Vec<String>> = legend(cat)
            .iter()
            .map(|r| r.iter().map(|c| md::esc(c)).collect())
            .collect();
        out.push_str(&md::table(&legend_head(l), &[2], &lg));
        out.push('\n');
        let n_cols = cat.criteria.len() + 2;
        let right: Vec<usize> = (1..n_cols).collect();
        for nom in &cat.nominations {
            out.push_str(&format!("### {}\n\n", md::esc(&nom_heading(nom, l))));
            let rows: Vec<Vec<String>> = body_rows(nom, l)
                .iter()
                .map(|r| r.iter().map(|c| md::esc(c)).collect())
                .collect();
            out.push_str(&md::table(&head_row(cat, l), &right, &rows));
            out.push_str(&format!("\n{}\n\n", md::esc(&stats_line(nom, l))));
            for f in &nom.flags {
                out.push_str(&format!("- \u{26a0} {}\n", md::esc(f)));
            }
            if !nom.flags.is_empty() {
                out.push('\n');
            }
        }
    }
    out.push_str(&format!("---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

pub fn to_html(doc: &ScoresDoc, l: Lang) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}: {}</p>\n<p class=\"note\">{}</p>\n",
        html::esc(title(l)),
        html::esc(exported_label(l)),
        html::esc(&date(doc.day, l)),
        html::esc(&rule_text(doc, l))
    );
    for cat in &doc.categories {
        body.push_str(&format!(
            "<section class=\"scores\" data-category=\"{}\">\n<h2>{}</h2>\n",
            html::esc(&cat.category),
            html::esc(&cat.name)
        ));
        let lg: Vec<Vec<String>> = legend(cat)
            .iter()
            .map(|r| r.iter().map(|c| html::esc(c)).collect())
            .collect();
        body.push_str(&html::table("small legend", &legend_head(l), &[2], &lg));
        let n_cols = cat.criteria.len() + 2;
        let right: Vec<usize> = (1..n_cols).collect();
        for nom in &cat.nominations {
            body.push_str(&format!(
                "<div class=\"nomination\" data-id=\"{}\">\n<h3>{}</h3>\n",
                html::esc(&nom.id),
                html::esc(&nom_heading(nom, l))
            ));
            let rows: Vec<Vec<String>> = body_rows(nom, l)
                .iter()
                .map(|r| r.iter().map(|c| html::esc(c)).collect())
                .collect();
            body.push_str(&html::table(
                "small marks",
                &head_row(cat, l),
                &right,
                &rows,
            ));
            body.push_str(&format!(
                "<p class=\"note stats\">{}</p>\n",
                html::esc(&stats_line(nom, l))
            ));
            if !nom.flags.is_empty() {
                body.push_str("<ul class=\"flags\">\n");
                for f in &nom.flags {
                    body.push_str(&format!("<li class=\"flag\">{}</li>\n", html::esc(f)));
                }
                body.push_str("</ul>\n");
            }
            body.push_str("</div>\n");
        }
        body.push_str("</section>\n");
    }
    html::page(l, title(l), &doc.commit, &body)
}

/// Two sheets: one row per score sheet (criterion columns hold numbers only;
/// the no-score states are listed in a text column of their own), then one row
/// per nomination with the aggregates. CSV takes the first.
pub fn sheets(doc: &ScoresDoc, l: Lang) -> Vec<Sheet> {
    let mut crits: Vec<(String, String)> = Vec::new();
    for cat in &doc.categories {
        for c in &cat.criteria {
            if !crits.iter().any(|(id, _)| id == &c.id) {
                crits.push((
                    c.id.clone(),
                    match l {
                        Lang::Zh | Lang::ZhHans => {
                            format!("{} {}（{}分）", c.id, c.title, num(c.max))
                        }
                        Lang::En => format!("{} {} ({})", c.id, c.title, num(c.max)),
                    },
                ));
            }
        }
    }
    let mut h = headers(&[
        l.pick("類別", "Category"),
        l.pick("編號", "Id"),
        l.pick("申報對象", "Nominee"),
        l.pick("申報單位", "Unit"),
        l.pick("名次", "Rank"),
        l.pick("評委", "Reviewer"),
        l.pick("是否計入", "Counted"),
    ]);
    h.extend(crits.iter().map(|(_, t)| t.clone()));
    h.extend(headers(&[
        l.pick("未計分項", "Not scored"),
        l.pick("合計（折算）", "Total (prorated)"),
        l.pick("不計入原因", "Why excluded"),
    ]));
    let mut reviews = Sheet::new(l.pick("評分明細", "Reviews"), h);
    let mut summary = Sheet::new(
        l.pick("匯總", "Aggregates"),
        headers(&[
            l.pick("類別", "Category"),
            l.pick("編號", "Id"),
            l.pick("申報對象", "Nominee"),
            l.pick("申報單位", "Unit"),
            l.pick("名次", "Rank"),
            l.pick("評分份數", "Reviews"),
            l.pick("應評份數", "Expected"),
            l.pick("平均", "Mean"),
            l.pick("中位數", "Median"),
            l.pick("去極值平均", "Trimmed mean"),
            l.pick("標準差", "Std dev"),
            l.pick("最低", "Min"),
            l.pick("最高", "Max"),
            l.pick("極差", "Spread"),
            l.pick("評委匯總", "Reviewer aggregate"),
            l.pick("日常測評平均", "Evaluation mean"),
            l.pick("日常測評次數", "Evaluations"),
            l.pick("最終得分", "Final score"),
            l.pick("標記", "Flags"),
        ]),
    );
    for cat in &doc.categories {
        for nom in &cat.nominations {
            let lead = || {
                vec![
                    Cell::text(cat.name.clone()),
                    Cell::text(nom.id.clone()),
                    Cell::text(nom.nominee.clone()),
                    Cell::text(nom.unit.clone()),
                    nom.position.map_or(Cell::Empty, |p| Cell::int(p as i64)),
                ]
            };
            for r in &nom.reviews {
                let mut row = lead();
                row.push(Cell::text(r.name.clone()));
                row.push(Cell::text(if r.excluded.is_some() {
                    l.pick("否", "no")
                } else {
                    l.pick("是", "yes")
                }));
                let mut cells = vec![Cell::Empty; crits.len()];
                let mut states = Vec::new();
                for (c, m) in cat.criteria.iter().zip(&r.marks) {
                    let Some(i) = crits.iter().position(|(id, _)| id == &c.id) else {
                        continue;
                    };
                    match m.parse::<f64>() {
                        Ok(v) => cells[i] = Cell::Num(v),
                        Err(_) => states.push(format!("{} {m}", c.id)),
                    }
                }
                row.extend(cells);
                row.push(Cell::text(states.join(l.pick("；", "; "))));
                row.push(Cell::num(r.total));
                row.push(Cell::opt(r.excluded.as_deref()));
                reviews.push(row);
            }
            let a = &nom.aggregate;
            let st = a.stats.as_ref();
            let mut row = lead();
            row.extend([
                Cell::int(a.n as i64),
                Cell::int(a.expected_n as i64),
                Cell::num(st.map(|s| s.mean)),
                Cell::num(st.map(|s| s.median)),
                Cell::num(st.map(|s| s.trimmed_mean)),
                Cell::num(st.and_then(|s| s.std_dev)),
                Cell::num(st.map(|s| s.min)),
                Cell::num(st.map(|s| s.max)),
                Cell::num(st.map(|s| s.spread)),
                Cell::num(a.reviewer_aggregate),
                Cell::num(a.evaluation.mean),
                Cell::int(a.evaluation.n as i64),
                Cell::num(a.final_score),
                Cell::text(nom.flags.join(l.pick("；", "; "))),
            ]);
            summary.push(row);
        }
    }
    vec![reviews, summary]
}
