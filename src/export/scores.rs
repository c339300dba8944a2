//! `scores`: every reviewer's marks per criterion, then the aggregates, spread and
//! flags from [`rules::aggregate`](crate::rules::aggregate), per nomination, in
//! rank order (the ranked entries first, then those out of the ranking).

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    categories, category_name, csv, date, exported_label, html, md, member_name, score,
    source_commit, unit_name, ExportError, Format, Options,
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
        Mark::NotScored => l.pick("未评", "not scored").to_string(),
        Mark::Abstain => l.pick("弃权", "abstain").to_string(),
        Mark::NotApplicable => l.pick("不适用", "n/a").to_string(),
        Mark::Recused => l.pick("回避", "recused").to_string(),
    }
}

fn method_name(m: AggregateMethod, l: Lang) -> &'static str {
    match m {
        AggregateMethod::Mean => l.pick("平均", "mean"),
        AggregateMethod::Median => l.pick("中位数", "median"),
        AggregateMethod::TrimmedMean => l.pick("去掉最高最低分后平均", "trimmed mean"),
    }
}

fn flags(a: &Aggregate, ineligible: &[String], snapshot: &Snapshot, l: Lang) -> Vec<String> {
    let zh = l.zh();
    let mut out = Vec::new();
    if a.disagreement {
        let spread = a.stats.as_ref().map_or(0.0, |s| s.spread);
        out.push(match l {
            Lang::Zh => format!(
                "评分分歧大:极差 {} > {}",
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
            "{}:{}",
            l.pick("未评分", "not scored by"),
            crate::rules::text::join(&names, zh)
        ));
    }
    for x in &a.excluded {
        let why = match &x.why {
            Excluded::Conflict { reason } => reason.message(zh),
            Excluded::NotAReviewer => l.pick("不是评委", "not a reviewer").to_string(),
        };
        out.push(format!(
            "{} {}:{why}",
            l.pick("不计入", "excluded"),
            member_name(snapshot, &x.reviewer)
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
            .map_err(|r| ExportError::Rules(r.message(l.zh())))?;
        let order: Vec<(String, Option<usize>, Vec<String>)> = ranking
            .entries
            .iter()
            .map(|e| (e.id.clone(), Some(e.position), Vec::new()))
            .chain(ranking.ineligible.iter().map(|e| {
                let why = e
                    .reasons
                    .iter()
                    .map(|r| format!("[{}] {}", r.rule(), r.message(l.zh())))
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
                            Excluded::Conflict { reason } => reason.message(l.zh()),
                            Excluded::NotAReviewer => {
                                l.pick("不是评委", "not a reviewer").to_string()
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

fn title(l: Lang) -> &'static str {
    l.pick(
        "评分明细与汇总",
        "Scores: per reviewer and criterion, with aggregates",
    )
}

fn rule_text(doc: &ScoresDoc, l: Lang) -> String {
    let w = num(doc.evaluation_weight * 100.0);
    match l {
        Lang::Zh => format!(
            "评委汇总方法:{};最终得分 = 评委汇总 × {}% + 日常测评、明察暗访平均分(折算)× {w}%;极差超过 {} 标记为分歧大。未评、弃权、不适用、回避不计为0分。",
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
    let mut h = vec![l.pick("评委", "Reviewer").to_string()];
    h.extend(
        cat.criteria
            .iter()
            .map(|c| format!("{} ({})", c.id, num(c.max))),
    );
    h.push(l.pick("合计", "Total").to_string());
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
                who = format!("{who} [{}: {x}]", l.pick("不计入", "excluded"));
            }
            let mut row = vec![who];
            row.extend(r.marks.iter().cloned());
            row.push(r.total.map_or_else(|| "\u{2014}".to_string(), num));
            row
        })
        .collect();
    let mut mean = vec![l.pick("各项平均", "Criterion mean").to_string()];
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
        Lang::Zh => format!(
            "评分 {}/{} 份;平均 {};中位数 {};去极值平均 {};标准差 {};最低 {};最高 {};极差 {};评委汇总 {};日常测评平均 {};最终得分 {}",
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
        || l.pick("不参与排名", "out of the ranking").to_string(),
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
        l.pick("代号", "Id"),
        l.pick("评选标准", "Criterion"),
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

/// One row per score sheet and one aggregate row per nomination; criterion columns
/// are the union of the exported categories' criteria, in campaign order.
pub fn to_csv(doc: &ScoresDoc, l: Lang) -> Result<Vec<u8>, ExportError> {
    let mut crit_ids: Vec<String> = Vec::new();
    for cat in &doc.categories {
        for c in &cat.criteria {
            if !crit_ids.contains(&c.id) {
                crit_ids.push(c.id.clone());
            }
        }
    }
    let mut h: Vec<String> = [
        l.pick("类别", "category"),
        l.pick("编号", "nomination"),
        l.pick("申报对象", "nominee"),
        l.pick("申报单位", "unit"),
        l.pick("名次", "rank"),
        l.pick("行类型", "row"),
        l.pick("评委", "reviewer"),
        l.pick("评委姓名", "reviewer name"),
    ]
    .map(String::from)
    .to_vec();
    h.extend(crit_ids.iter().cloned());
    h.extend(
        [
            l.pick("合计", "total"),
            l.pick("份数", "n"),
            l.pick("平均", "mean"),
            l.pick("中位数", "median"),
            l.pick("去极值平均", "trimmed mean"),
            l.pick("标准差", "std dev"),
            l.pick("最低", "min"),
            l.pick("最高", "max"),
            l.pick("极差", "spread"),
            l.pick("评委汇总", "reviewer aggregate"),
            l.pick("日常测评平均", "evaluation mean"),
            l.pick("最终得分", "final score"),
            l.pick("标记", "flags"),
        ]
        .map(String::from),
    );
    let mut rows = Vec::new();
    for cat in &doc.categories {
        let col = |id: &str| crit_ids.iter().position(|c| c == id);
        for nom in &cat.nominations {
            let lead = |kind: &str, reviewer: &str, name: &str| {
                vec![
                    cat.category.clone(),
                    nom.id.clone(),
                    nom.nominee.clone(),
                    nom.unit.clone(),
                    nom.position.map(|p| p.to_string()).unwrap_or_default(),
                    kind.to_string(),
                    reviewer.to_string(),
                    name.to_string(),
                ]
            };
            for r in &nom.reviews {
                let mut row = lead(
                    if r.excluded.is_some() {
                        "excluded"
                    } else {
                        "review"
                    },
                    &r.reviewer,
                    &r.name,
                );
                let mut cells = vec![String::new(); crit_ids.len()];
                for (c, m) in cat.criteria.iter().zip(&r.marks) {
                    if let Some(i) = col(&c.id) {
                        cells[i] = m.clone();
                    }
                }
                row.extend(cells);
                row.push(csv::num(r.total));
                row.extend(std::iter::repeat_n(String::new(), 11));
                row.push(r.excluded.clone().unwrap_or_default());
                rows.push(row);
            }
            let a = &nom.aggregate;
            let s = a.stats.as_ref();
            let mut row = lead("aggregate", "", "");
            let mut cells = vec![String::new(); crit_ids.len()];
            for (c, m) in cat.criteria.iter().zip(&nom.criterion_means) {
                if let Some(i) = col(&c.id) {
                    cells[i] = csv::num(*m);
                }
            }
            row.extend(cells);
            row.extend([
                String::new(),
                a.n.to_string(),
                csv::num(s.map(|s| s.mean)),
                csv::num(s.map(|s| s.median)),
                csv::num(s.map(|s| s.trimmed_mean)),
                csv::num(s.and_then(|s| s.std_dev)),
                csv::num(s.map(|s| s.min)),
                csv::num(s.map(|s| s.max)),
                csv::num(s.map(|s| s.spread)),
                csv::num(a.reviewer_aggregate),
                csv::num(a.evaluation.mean),
                csv::num(a.final_score),
                nom.flags.join("; "),
            ]);
            rows.push(row);
        }
    }
    csv::write(&h, &rows, super::source_label(l), &doc.commit)
}
