//! `rank` and `status`: the rules engine's view of the campaign.

use super::out;
use anyhow::{anyhow, Result};
use clap::Args;

use super::Context;
use crate::i18n::Lang;
use crate::rules::{self, Ranking};
use crate::text::{pad, sanitize};

#[derive(Debug, Args)]
pub struct RankArgs {
    /// Only this category (id, name or alias); default all.
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    pub id: String,
    #[arg(long)]
    pub json: bool,
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_string(), crate::rules::round::two)
}

fn print_ranking(l: Lang, r: &Ranking) {
    let zh = l.zh();
    let slots = r.slots.map_or_else(
        || l.pick("不限", "no fixed number").to_string(),
        |s| s.to_string(),
    );
    outln!(
        "{} ({})  {}: {slots}  {}: {}",
        l.pick(&r.name, &r.name_en),
        r.category,
        l.pick("名額", "slots"),
        l.pick("最低分", "minimum score"),
        r.min_score
    );
    let mut min_line_drawn = false;
    let mut cut_drawn = false;
    for e in &r.entries {
        if !e.above_min && !min_line_drawn {
            outln!(
                "  {}",
                l.pick(
                    "—— 最低分線(寧缺毋濫)——",
                    "—— minimum-score line (NO-FILLER) ——"
                )
            );
            min_line_drawn = true;
        }
        if !e.selected && e.above_min && !cut_drawn {
            outln!("  {}", l.pick("—— 名額線 ——", "—— cut line ——"));
            cut_drawn = true;
        }
        let mut flags = Vec::new();
        if e.priority {
            flags.push(l.pick("優先", "priority"));
        }
        if !e.tied_with.is_empty() {
            flags.push(l.pick("并列", "tie"));
        }
        if e.disagreement {
            flags.push(l.pick("分歧大", "disagreement"));
        }
        outln!(
            "  {:>3} {} {} {:>7} {} {}",
            e.position,
            if e.selected { "✓" } else { " " },
            pad(&e.id, 16),
            score(e.final_score),
            pad(&sanitize(&e.nominee), 28),
            flags.join(" ")
        );
    }
    if let Some(t) = &r.cut_tie {
        outln!("  ! {}", t.message(zh));
    }
    if !r.ineligible.is_empty() {
        outln!("  {}", l.pick("不參與排名:", "out of the ranking:"));
        for e in &r.ineligible {
            let why: Vec<String> = e
                .reasons
                .iter()
                .map(|x| format!("[{}] {}", x.rule(), x.message(zh)))
                .collect();
            outln!(
                "    {} {}  {}",
                pad(&e.id, 16),
                pad(&sanitize(&e.nominee), 24),
                sanitize(&why.join("; "))
            );
        }
    }
}

pub fn rank(cx: &Context, a: RankArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let day = snapshot.campaign.day_of(&cx.now()?);
    let rankings = match &a.category {
        Some(c) => {
            vec![rules::rank(&snapshot, c, day).map_err(|r| anyhow!(r.message(cx.lang.zh())))?]
        }
        None => rules::rank_all(&snapshot, day),
    };
    if a.json {
        out::json(&rankings)?;
        return Ok(0);
    }
    for (i, r) in rankings.iter().enumerate() {
        if i > 0 {
            outln!();
        }
        print_ranking(cx.lang, r);
    }
    Ok(0)
}

pub fn status(cx: &Context, a: StatusArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let day = snapshot.campaign.day_of(&cx.now()?);
    let viewer = cx.actor(&store, &snapshot).ok().map(|m| m.id.clone());
    let st = rules::status(&snapshot, &a.id, day, viewer.as_deref())
        .map_err(|r| anyhow!(r.message(cx.lang.zh())))?;
    if a.json {
        out::json(&st)?;
        return Ok(0);
    }
    let l = cx.lang;
    let zh = l.zh();
    outln!("{}  {}  ({})", st.id, sanitize(&st.nominee), st.category);
    outln!("{}:", l.pick("硬性條件", "gates"));
    for g in &st.gates.gates {
        outln!(
            "  {} {} {} — {} {} {:?} {} ({})",
            if g.passed { "✓" } else { "✗" },
            g.id,
            l.pick(&g.title, &g.title_en),
            l.pick("實際", "value"),
            score(g.value),
            g.comparison,
            g.threshold,
            g.sources.join(", ")
        );
    }
    for v in &st.gates.vetoes {
        outln!("  ✗ GATE-VETO {} {}", v.department, sanitize(&v.reason));
    }
    if st.gates.priority.flag {
        outln!("  ★ PRIORITY-BRAND");
    }
    if !st.conflicts.is_empty() {
        let c: Vec<&str> = st.conflicts.iter().map(|c| c.reviewer.as_str()).collect();
        outln!(
            "{}: {}",
            l.pick("回避評委", "conflicted reviewers"),
            c.join(", ")
        );
    }
    let ag = &st.aggregate;
    outln!(
        "{}: n={}/{}  {}={}  {}={}",
        l.pick("評分", "scores"),
        ag.n,
        ag.expected_n,
        l.pick("評委得分", "reviewers"),
        score(ag.reviewer_aggregate),
        l.pick("最終得分", "final"),
        score(ag.final_score)
    );
    if let Some(s) = &ag.stats {
        outln!(
            "  mean {}  median {}  trimmed {}  sd {}  spread {}{}",
            score(Some(s.mean)),
            score(Some(s.median)),
            score(Some(s.trimmed_mean)),
            score(s.std_dev),
            score(Some(s.spread)),
            if ag.disagreement {
                l.pick("  分歧大", "  disagreement")
            } else {
                ""
            }
        );
    }
    if let Some(v) = &ag.votes {
        outln!(
            "{}: {}",
            l.pick("民主測評滿意率", "vote satisfaction"),
            score(v.satisfaction_rate)
        );
    }
    for i in &st.ineligible {
        outln!("✗ [{}] {}", i.rule(), sanitize(&i.message(zh)));
    }
    if !st.missing.is_empty() {
        outln!(
            "{}:",
            l.pick("成為候選尚缺", "still missing before it can be a candidate")
        );
        for m in &st.missing {
            outln!("  - [{}] {}", m.rule(), sanitize(&m.message(zh)));
        }
    }
    if let Some(d) = &st.decision {
        outln!(
            "{}: {:?} {}",
            l.pick("決定", "decision"),
            d.outcome,
            sanitize(&d.reason)
        );
    }
    Ok(0)
}
