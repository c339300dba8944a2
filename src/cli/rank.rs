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

fn print_ranking(snapshot: &crate::model::Snapshot, l: Lang, r: &Ranking) {
    let zh = l.zh();
    let slots = r.slots.map_or_else(
        || l.pick("不限", "no fixed number").to_string(),
        |s| s.to_string(),
    );
    let colon = if zh { "：" } else { ": " };
    outln!(
        "{}  {}{colon}{slots}  {}{colon}{}",
        l.own(&r.name, &r.name_en),
        l.pick("名額", "slots"),
        l.pick("最低分", "minimum score"),
        crate::rules::text::num(r.min_score)
    );
    let mut min_line_drawn = false;
    let mut cut_drawn = false;
    for e in &r.entries {
        if !e.above_min && !min_line_drawn {
            outln!(
                "  {}",
                l.pick(
                    "—— 最低分線（寧缺毋濫）——",
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
            flags.push(l.pick("並列", "tie"));
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
        outln!("  {}", l.pick("不參與排名：", "out of the ranking:"));
        for e in &r.ineligible {
            let why: Vec<String> = e
                .reasons
                .iter()
                .map(|x| x.message(Some(snapshot), zh))
                .collect();
            outln!(
                "    {} {}  {}",
                pad(&e.id, 16),
                pad(&sanitize(&e.nominee), 24),
                sanitize(&why.join(if zh { "；" } else { "; " }))
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
            vec![rules::rank(&snapshot, c, day)
                .map_err(|r| anyhow!(r.message_in(Some(&snapshot), cx.lang.zh())))?]
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
        print_ranking(&snapshot, cx.lang, r);
    }
    Ok(0)
}

pub fn status(cx: &Context, a: StatusArgs) -> Result<i32> {
    let store = cx.open()?;
    let snapshot = store.snapshot()?;
    let day = snapshot.campaign.day_of(&cx.now()?);
    let viewer = cx.actor(&store, &snapshot).ok().map(|m| m.id.clone());
    let st = rules::status(&snapshot, &a.id, day, viewer.as_deref())
        .map_err(|r| anyhow!(r.message_in(Some(&snapshot), cx.lang.zh())))?;
    if a.json {
        out::json(&st)?;
        return Ok(0);
    }
    let l = cx.lang;
    let zh = l.zh();
    let (colon, comma) = if zh { ("：", "，") } else { (": ", ", ") };
    outln!(
        "{}  {}  {}",
        st.id,
        sanitize(&st.nominee),
        l.fill(
            "（{}）",
            "({})",
            &[&sanitize(&l.category(&snapshot, &st.category))]
        )
    );
    outln!("{}{colon}", l.pick("硬性條件", "gates"));
    for g in &st.gates.gates {
        outln!(
            "  {} {}",
            if g.passed { "✓" } else { "✗" },
            sanitize(&g.message(zh))
        );
    }
    for v in &st.gates.vetoes {
        outln!(
            "  ✗ {}",
            sanitize(&l.fill(
                "{}否決：{}（GATE-VETO）",
                "vetoed by {}: {} (GATE-VETO)",
                &[&l.department(&snapshot, &v.department), &v.reason]
            ))
        );
    }
    if st.gates.priority.flag {
        outln!(
            "  ★ {}",
            l.pick("優先（PRIORITY-BRAND）", "priority (PRIORITY-BRAND)")
        );
    }
    if !st.conflicts.is_empty() {
        let c: Vec<String> = st
            .conflicts
            .iter()
            .map(|c| l.member(&snapshot, &c.reviewer))
            .collect();
        outln!(
            "{}{colon}{}",
            l.pick("回避評委", "conflicted reviewers"),
            sanitize(&c.join(if zh { "、" } else { ", " }))
        );
    }
    let ag = &st.aggregate;
    outln!(
        "{}{colon}{}/{}  {}={}  {}={}",
        l.pick("評分份數", "scores"),
        ag.n,
        ag.expected_n,
        l.pick("評委得分", "reviewers"),
        score(ag.reviewer_aggregate),
        l.pick("最終得分", "final"),
        score(ag.final_score)
    );
    if let Some(s) = &ag.stats {
        outln!(
            "  {} {}  {} {}  {} {}  {} {}  {} {}{}",
            l.pick("平均", "mean"),
            score(Some(s.mean)),
            l.pick("中位數", "median"),
            score(Some(s.median)),
            l.pick("去極值平均", "trimmed"),
            score(Some(s.trimmed_mean)),
            l.pick("標準差", "sd"),
            score(s.std_dev),
            l.pick("極差", "spread"),
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
            "{}{colon}{}",
            l.pick("民主測評滿意率", "vote satisfaction"),
            score(v.satisfaction_rate)
        );
    }
    for i in &st.ineligible {
        outln!("✗ {}", sanitize(&i.message(Some(&snapshot), zh)));
    }
    if !st.missing.is_empty() {
        outln!(
            "{}{colon}",
            l.pick("成為候選尚缺", "still missing before it can be a candidate")
        );
        for m in &st.missing {
            let rule = if zh {
                format!("（{}）", m.rule())
            } else {
                format!(" ({})", m.rule())
            };
            outln!("  - {}{rule}", sanitize(&m.message(Some(&snapshot), zh)));
        }
    }
    if let Some(d) = &st.decision {
        outln!(
            "{}{colon}{}{comma}{}",
            l.pick("決定", "decision"),
            l.outcome(d.outcome),
            sanitize(&d.reason)
        );
    }
    Ok(0)
}
