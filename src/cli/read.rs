//! Read commands: validate, list, show. Each takes `--json`.

use super::out;
use anyhow::Result;
use clap::Args;

use super::Context;
use crate::i18n::Lang;
use crate::model::{Mark, Outcome, Record, Snapshot};
use crate::text::{pad, sanitize};

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this category (id, name or alias).
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

pub fn validate(cx: &Context, a: JsonArg) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    if a.json {
        out::json(&snapshot.problems)?;
    } else if snapshot.problems.is_empty() {
        outln!(
            "{}",
            match cx.lang {
                Lang::Zh | Lang::ZhHans => format!("無問題：{} 個申報項目", snapshot.records.len()),
                Lang::En => format!("no problems: {} nominations", snapshot.records.len()),
            }
        );
    } else {
        for p in &snapshot.problems {
            errln!("{}", sanitize(&p.to_string()));
        }
        errln!(
            "{}",
            match cx.lang {
                Lang::Zh | Lang::ZhHans => format!("{} 個問題", snapshot.problems.len()),
                Lang::En => format!("{} problems", snapshot.problems.len()),
            }
        );
    }
    Ok(if snapshot.problems.is_empty() { 0 } else { 1 })
}

fn status_label(lang: Lang, r: &Record) -> &'static str {
    match r.decision.as_ref().map(|d| d.outcome) {
        None => lang.pick("評選中", "in review"),
        Some(Outcome::Candidate) => lang.pick("候選", "candidate"),
        Some(Outcome::Final) => lang.pick("入選", "final"),
        Some(Outcome::Rejected) => lang.pick("未入選", "rejected"),
        Some(Outcome::Disqualified) => lang.pick("取消資格", "disqualified"),
    }
}

fn selected<'s>(snapshot: &'s Snapshot, category: Option<&str>) -> Result<Vec<&'s Record>> {
    let cat = match category {
        Some(c) => Some(
            snapshot
                .campaign
                .category(c)
                .ok_or_else(|| anyhow::anyhow!("unknown category {c:?}"))?
                .id
                .clone(),
        ),
        None => None,
    };
    Ok(snapshot
        .records
        .values()
        .filter(|r| cat.as_deref().is_none_or(|c| r.nomination.category == c))
        .collect())
}

pub fn list(cx: &Context, a: ListArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let rows = selected(&snapshot, a.category.as_deref())?;
    if a.json {
        let list: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.nomination.id,
                    "category": r.nomination.category,
                    "nominee": r.nomination.nominee.name,
                    "unit": r.nomination.unit,
                    "brand": r.nomination.brand,
                    "scores": r.scores.len(),
                    "decision": r.decision.as_ref().map(|d| d.outcome),
                })
            })
            .collect();
        out::json(&list)?;
        return Ok(0);
    }
    let l = cx.lang;
    outln!(
        "{} {} {} {} {}",
        pad(l.pick("編號", "id"), 18),
        pad(l.pick("類別", "category"), 14),
        pad(l.pick("申報對象", "nominee"), 30),
        pad(l.pick("申報單位", "unit"), 24),
        l.pick("狀態", "status")
    );
    for r in rows {
        let n = &r.nomination;
        let cat = snapshot
            .campaign
            .categories
            .iter()
            .find(|c| c.id == n.category)
            .map(|c| l.pick(&c.name, &c.name_en).to_string())
            .unwrap_or_else(|| n.category.clone());
        let unit = snapshot
            .unit(&n.unit)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| n.unit.clone());
        outln!(
            "{} {} {} {} {}",
            pad(&n.id, 18),
            pad(&sanitize(&cat), 14),
            pad(&sanitize(&n.nominee.name), 30),
            pad(&sanitize(&unit), 24),
            status_label(l, r)
        );
    }
    Ok(0)
}

pub fn show(cx: &Context, a: ShowArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    cx.require_record(&snapshot, &a.id)?;
    let Some(r) = snapshot.record(&a.id) else {
        return Ok(1);
    };
    if a.json {
        out::json(&r)?;
        return Ok(0);
    }
    let l = cx.lang;
    let n = &r.nomination;
    let s = |t: &str| sanitize(t);
    outln!("{}  {}", n.id, s(&n.nominee.name));
    let colon = if l.zh() { "：" } else { ": " };
    outln!(
        "{}{colon}{}",
        l.pick("類別", "category"),
        s(&l.category(&snapshot, &n.category))
    );
    outln!(
        "{}{colon}{}",
        l.pick("申報單位", "unit"),
        s(&l.unit(&snapshot, &n.unit))
    );
    if let Some(b) = &n.brand {
        outln!("{}: {}", l.pick("服務品牌", "brand"), s(b));
    }
    outln!("{}: {}", l.pick("登記日期", "registered"), n.registered);
    if let Some(f) = n.form_filed {
        outln!("{}: {f}", l.pick("申報表報送", "form filed"));
    }
    outln!("{}: {}", l.pick("主要事跡", "deeds"), s(&n.deeds));
    outln!("{}: {}", l.pick("評分", "scores"), r.scores.len());
    for (who, sc) in &r.scores {
        let marks: Vec<String> = sc
            .marks
            .iter()
            .map(|(c, m)| match m {
                Mark::Points(p) => format!("{c}={}", crate::rules::text::num(*p)),
                Mark::NotScored => format!("{c}={}", l.pick("未評", "not scored")),
                Mark::Abstain => format!("{c}={}", l.pick("棄權", "abstain")),
                Mark::NotApplicable => format!("{c}={}", l.pick("不適用", "n/a")),
                Mark::Recused => format!("{c}={}", l.pick("迴避", "recused")),
            })
            .collect();
        outln!(
            "  {}{colon}{}",
            s(&l.member(&snapshot, who)),
            marks.join(" ")
        );
    }
    outln!(
        "{}: {}",
        l.pick("測評考察", "evaluations"),
        r.evaluations.len()
    );
    for (stem, e) in &r.evaluations {
        let rating = e
            .rating
            .map(|r| format!(" {}", crate::rules::text::num(r)))
            .unwrap_or_default();
        outln!(
            "  {stem}{colon}{} {}{rating} {}",
            l.evaluation(e.kind),
            s(&l.member(&snapshot, &e.author)),
            s(&e.findings)
        );
    }
    outln!("{}:", l.pick("部門意見", "opinions"));
    for d in &snapshot.campaign.departments {
        let st = r
            .opinions
            .get(&d.id)
            .map(|o| format!("{} {}", l.stance(o.stance), s(&o.reason)))
            .unwrap_or_else(|| l.pick("未答復", "no answer").to_string());
        outln!("  {}{colon}{st}", s(l.own(&d.name, &d.name_en)));
    }
    if let Some(v) = &r.votes {
        outln!(
            "{}: {} / {} / {}",
            l.pick(
                "民主測評（滿意/基本滿意/不滿意）",
                "votes (satisfied/basically/dissatisfied)"
            ),
            v.satisfied,
            v.basically_satisfied,
            v.dissatisfied
        );
    }
    for (stem, o) in &r.objections {
        outln!(
            "{} {stem}{colon}{} {}",
            l.pick("異議", "objection"),
            l.objection_status(o.status),
            s(&o.text)
        );
    }
    if let Some(d) = &r.decision {
        outln!(
            "{}{colon}{} {}",
            l.pick("決定", "decision"),
            l.outcome(d.outcome),
            s(&d.reason)
        );
    }
    Ok(0)
}
