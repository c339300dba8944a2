//! Ranking per category (NO-FILLER, PRIORITY-BRAND, COMMEND).
//!
//! Over the eligible nominations (see `eligibility`): by final score, highest first;
//! equal scores (compared to 1e-6) are ordered by the priority flag, then by the
//! chair's tie order for the category (`rulings.tie_orders`, listed ones first, in
//! the listed order). Entries still equal after that are an unresolved tie: they share
//! a position and are marked `tied_with`. Selection takes, in order, the entries at
//! or above `min_score` (NO-FILLER), at most `slots` of them. A tie group that does
//! not fit in the remaining slots is a tie at the cut line: it is reported in
//! `cut_tie` and none of it is selected until the chair records a tie order; the
//! selection is never completed by silently breaking the tie.

use chrono::NaiveDate;
use serde::Serialize;

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{Category, Outcome, Record, Snapshot};

use super::eligibility::Ineligible;
use super::lookup::Lookup;
use super::memo::{self, Facts};
use super::notice::{category_notice, NoticeState};
use super::refusal::{RefKind, Refusal};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedEntry {
    /// 1-based; tied entries share the position of the first of them.
    pub position: usize,
    pub id: String,
    pub nominee: String,
    pub unit: String,
    pub final_score: Option<f64>,
    /// PRIORITY-BRAND.
    pub priority: bool,
    /// Index in the chair's tie order, when listed.
    pub tie_order: Option<usize>,
    /// Others with the same score, priority and no tie order.
    pub tied_with: Vec<String>,
    /// At or above the category's minimum score (NO-FILLER).
    pub above_min: bool,
    pub selected: bool,
    pub decision: Option<Outcome>,
    pub disagreement: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IneligibleEntry {
    pub id: String,
    pub nominee: String,
    pub unit: String,
    pub final_score: Option<f64>,
    pub decision: Option<Outcome>,
    pub reasons: Vec<Ineligible>,
}

/// A tie at the cut line: more tied entries than remaining slots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutTie {
    pub ids: Vec<String>,
    pub final_score: f64,
    pub slots_left: u32,
}

impl CutTie {
    pub fn message(&self, zh: bool) -> String {
        let ids = super::text::join(&self.ids, zh);
        let s = super::text::num(self.final_score);
        if zh {
            format!(
                "{ids} 以 {s} 分並列於入選線，只剩 {} 個名額；須由主任登記並列順序",
                self.slots_left
            )
        } else {
            format!(
                "{ids} tie at {s} on the cut line with {} slot(s) left; the chair must record a tie order",
                self.slots_left
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    pub category: String,
    pub name: String,
    pub name_en: String,
    pub day: NaiveDate,
    pub slots: Option<u32>,
    pub min_score: f64,
    /// Eligible entries in rank order.
    pub entries: Vec<RankedEntry>,
    /// Selected ids in rank order.
    pub selected: Vec<String>,
    pub cut_tie: Option<CutTie>,
    /// The entries out of the ranking, each with its reasons.
    pub ineligible: Vec<IneligibleEntry>,
    pub notice: Option<NoticeState>,
}

fn score_key(score: Option<f64>) -> i64 {
    // to 1e-6; a missing score sorts last (never happens among the eligible)
    score.map_or(i64::MIN, |s| (s * 1e6).round() as i64)
}

/// Ranks the category named `category` (id, name or alias) on `day`.
pub fn rank(snapshot: &Snapshot, category: &str, day: NaiveDate) -> Result<Ranking, Refusal> {
    let campaign = &snapshot.campaign;
    let cat = campaign
        .category(category)
        .ok_or_else(|| Refusal::Unknown {
            what: RefKind::Category,
            id: category.to_string(),
        })?;
    let in_cat: Vec<(&String, &Record)> = snapshot
        .records
        .iter()
        .filter(|(_, r)| {
            campaign
                .category(&r.nomination.category)
                .is_some_and(|c| c.id == cat.id)
        })
        .collect();
    let lookup = Lookup::indexed(snapshot);
    let assessed = assess_all(&lookup, memo::world_key(snapshot), &in_cat);
    Ok(ranking(
        snapshot,
        cat,
        in_cat.into_iter().zip(assessed),
        day,
    ))
}

/// The facts of `records` (remembered per record under a key of its content
/// and the campaign-wide files, `memo`: a warm open assesses nothing), in
/// their order. Assessing a record (aggregates, gates, eligibility) is
/// independent of the others: done on every core.
fn assess_all(
    lookup: &Lookup,
    world: Option<u128>,
    records: &[(&String, &Record)],
) -> Vec<Option<Arc<Facts>>> {
    use rayon::prelude::*;
    records
        .par_iter()
        .with_min_len(64)
        .map(|(id, record)| memo::facts_in(lookup, world, id, record))
        .collect()
}

/// The ranking of `cat` from its records (in id order) and their facts.
fn ranking<'r>(
    snapshot: &Snapshot,
    cat: &Category,
    assessed: impl IntoIterator<Item = ((&'r String, &'r Record), Option<Arc<Facts>>)>,
    day: NaiveDate,
) -> Ranking {
    let tie_order = snapshot.rulings.tie_orders.get(&cat.id);
    let mut entries = Vec::new();
    let mut ineligible = Vec::new();
    for ((id, record), a) in assessed {
        let Some(a) = a else {
            continue;
        };
        let n = &record.nomination;
        let decision = record.decision.as_ref().map(|d| d.outcome);
        if !a.ineligible.is_empty() {
            ineligible.push(IneligibleEntry {
                id: id.clone(),
                nominee: n.nominee.name.clone(),
                unit: n.unit.clone(),
                final_score: a.final_score,
                decision,
                reasons: a.ineligible.clone(),
            });
            continue;
        }
        let fin = a.final_score;
        entries.push(RankedEntry {
            position: 0,
            id: id.clone(),
            nominee: n.nominee.name.clone(),
            unit: n.unit.clone(),
            final_score: fin,
            priority: a.priority,
            tie_order: tie_order.and_then(|o| o.iter().position(|x| x == id)),
            tied_with: Vec::new(),
            above_min: fin.is_some_and(|f| f >= cat.min_score - 1e-9),
            selected: false,
            decision,
            disagreement: a.disagreement,
        });
    }
    entries.sort_by(|a, b| {
        score_key(b.final_score)
            .cmp(&score_key(a.final_score))
            .then(b.priority.cmp(&a.priority))
            .then_with(|| match (a.tie_order, b.tie_order) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then(a.id.cmp(&b.id))
    });
    // unresolved tie groups: same score key and priority, neither in the tie order
    let same = |a: &RankedEntry, b: &RankedEntry| {
        score_key(a.final_score) == score_key(b.final_score)
            && a.priority == b.priority
            && a.tie_order.is_none()
            && b.tie_order.is_none()
    };
    let mut groups: Vec<(usize, usize)> = Vec::new(); // [start, end)
    let mut i = 0;
    while i < entries.len() {
        let mut j = i + 1;
        while j < entries.len() && same(&entries[i], &entries[j]) {
            j += 1;
        }
        groups.push((i, j));
        i = j;
    }
    for &(s, e) in &groups {
        let ids: Vec<String> = entries[s..e].iter().map(|x| x.id.clone()).collect();
        for entry in &mut entries[s..e] {
            entry.position = s + 1;
            entry.tied_with = ids.iter().filter(|x| **x != entry.id).cloned().collect();
        }
    }
    // selection
    let mut left = cat.slots.map_or(usize::MAX, |s| s as usize);
    let mut cut_tie = None;
    for &(s, e) in &groups {
        if !entries[s].above_min || left == 0 {
            break;
        }
        let size = e - s;
        if size > left {
            cut_tie = Some(CutTie {
                ids: entries[s..e].iter().map(|x| x.id.clone()).collect(),
                final_score: entries[s].final_score.unwrap_or_default(),
                slots_left: u32::try_from(left).unwrap_or(u32::MAX),
            });
            break;
        }
        for entry in &mut entries[s..e] {
            entry.selected = true;
        }
        left -= size;
    }
    let selected = entries
        .iter()
        .filter(|e| e.selected)
        .map(|e| e.id.clone())
        .collect();
    Ranking {
        category: cat.id.clone(),
        name: cat.name.clone(),
        name_en: cat.name_en.clone(),
        day,
        slots: cat.slots,
        min_score: cat.min_score,
        entries,
        selected,
        cut_tie,
        ineligible,
        notice: category_notice(snapshot, &cat.id, day),
    }
}

/// Every category's ranking, in campaign order: as [`rank`] of each
/// category's id, with each record's category found once and every record
/// assessed in one parallel pass (issue 18, P1).
pub fn rank_all(snapshot: &Snapshot, day: NaiveDate) -> Vec<Ranking> {
    let campaign = &snapshot.campaign;
    // The category each id names, as `rank` finds it.
    let cats: Vec<&Category> = campaign
        .categories
        .iter()
        .filter_map(|c| campaign.category(&c.id))
        .collect();
    // Each record under the category its nomination names, if one of those.
    let mut by_cat: HashMap<&str, Vec<(&String, &Record)>> =
        cats.iter().map(|c| (c.id.as_str(), Vec::new())).collect();
    for (id, r) in snapshot.records.iter() {
        let cat = campaign.category(&r.nomination.category);
        if let Some(list) = cat.and_then(|c| by_cat.get_mut(c.id.as_str())) {
            list.push((id, r));
        }
    }
    let all: Vec<(&String, &Record)> = by_cat.values().flatten().copied().collect();
    let lookup = Lookup::indexed(snapshot);
    let assessed = assess_all(&lookup, memo::world_key(snapshot), &all);
    let facts: HashMap<&String, Option<Arc<Facts>>> =
        all.iter().map(|(id, _)| *id).zip(assessed).collect();
    cats.iter()
        .map(|cat| {
            let records = by_cat[cat.id.as_str()]
                .iter()
                .map(|&(id, r)| ((id, r), facts[id].clone()));
            ranking(snapshot, cat, records, day)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Decision, Honour, Level, ObjectionStatus, Resolution};
    use crate::rules::fixture::*;

    fn ids(r: &Ranking) -> Vec<&str> {
        r.entries.iter().map(|e| e.id.as_str()).collect()
    }

    /// Issue 18, P1: `rank_all` (each record's category found once, every
    /// record assessed in one pass) gives `rank` of each category's id, in
    /// campaign order: records naming a category by alias or an unknown
    /// one, ineligible ones, and a category whose alias is another's id.
    #[test]
    fn rank_all_is_rank_of_every_category() {
        let mut s = snapshot();
        for (i, cat) in ["brand", "window", "star", "十佳服務窗口", "nope"]
            .iter()
            .enumerate()
        {
            for j in 0..4 {
                let id = format!("n{i}{j}");
                complete(
                    &mut s,
                    &id,
                    "window",
                    &format!("win-{j}"),
                    0.6 + j as f64 * 0.1,
                );
                let r = s.records.get_mut(&id).unwrap();
                r.nomination.category = (*cat).into();
                if j == 3 {
                    r.opinions.clear();
                }
            }
        }
        let each = |s: &Snapshot| -> Vec<Ranking> {
            s.campaign
                .categories
                .iter()
                .filter_map(|c| rank(s, &c.id, day(12, 1)).ok())
                .collect()
        };
        let all = rank_all(&s, day(12, 1));
        assert_eq!(all, each(&s));
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].entries.len() + all[1].ineligible.len(), 8);
        s.campaign.categories[2].aliases.push("window".into());
        s.campaign.categories.swap(1, 2);
        assert_eq!(rank_all(&s, day(12, 1)), each(&s));
    }

    #[test]
    fn no_filler_fewer_than_ten_when_few_reach_minimum() {
        // NO-FILLER: min_score 60; a top-ten list holds only those at or above it
        let mut s = snapshot();
        for (i, frac) in [0.9, 0.8, 0.7, 0.59, 0.5].iter().enumerate() {
            complete(
                &mut s,
                &format!("w{i}"),
                "window",
                &format!("win-{i}"),
                *frac,
            );
        }
        let r = rank(&s, "window", day(12, 1)).unwrap();
        assert_eq!(ids(&r), ["w0", "w1", "w2", "w3", "w4"]);
        assert_eq!(r.selected, ["w0", "w1", "w2"]);
        assert!(!r.entries[3].above_min);
        assert!(r.cut_tie.is_none());
    }

    #[test]
    fn slots_limit_selection() {
        // SCOPE-WINDOW: at most 10 winners
        let mut s = snapshot();
        for i in 0..12 {
            complete(
                &mut s,
                &format!("w{i:02}"),
                "window",
                &format!("win-{i}"),
                0.95 - i as f64 * 0.01,
            );
        }
        let r = rank(&s, "window", day(12, 1)).unwrap();
        assert_eq!(r.selected.len(), 10);
        assert_eq!(r.selected[9], "w09");
        // brand has no fixed number of winners (SCOPE-BRAND)
        let mut s = snapshot();
        for i in 0..12 {
            complete(
                &mut s,
                &format!("b{i:02}"),
                "brand",
                &format!("win-{i}"),
                0.9,
            );
        }
        let r = rank(&s, "brand", day(12, 1)).unwrap();
        assert_eq!(r.selected.len(), 12);
    }

    #[test]
    fn priority_brand_is_the_first_tie_break_then_chair_order() {
        // PRIORITY-BRAND
        let mut s = snapshot();
        complete(&mut s, "b1", "brand", "win-1", 0.8);
        complete(&mut s, "b2", "brand", "win-2", 0.8);
        complete(&mut s, "b3", "brand", "win-3", 0.8);
        s.records
            .get_mut("b3")
            .unwrap()
            .nomination
            .honours
            .push(Honour {
                title: "全國文明單位".into(),
                level: Level::National,
                since: 2012,
            });
        let r = rank(&s, "brand", day(12, 1)).unwrap();
        assert_eq!(ids(&r)[0], "b3");
        assert!(r.entries[0].priority);
        assert_eq!(r.entries[0].position, 1);
        assert_eq!(r.entries[1].tied_with, ["b2"]);
        assert_eq!(r.entries[1].position, 2);
        assert_eq!(r.entries[2].position, 2);
        // the chair's tie order breaks the remaining tie
        s.rulings
            .tie_orders
            .insert("brand".into(), vec!["b2".into(), "b1".into()]);
        let r = rank(&s, "brand", day(12, 1)).unwrap();
        assert_eq!(ids(&r), ["b3", "b2", "b1"]);
        assert!(r.entries.iter().all(|e| e.tied_with.is_empty()));
    }

    #[test]
    fn tie_at_cut_line_is_reported_not_broken() {
        // NO-FILLER / SCOPE-STAR: the tenth slot has two equal contenders
        let mut s = snapshot();
        for i in 0..9 {
            complete(
                &mut s,
                &format!("s{i}"),
                "star",
                &format!("win-{i}"),
                0.95 - i as f64 * 0.01,
            );
        }
        complete(&mut s, "sx", "star", "win-9", 0.8);
        complete(&mut s, "sy", "star", "win-10", 0.8);
        let r = rank(&s, "star", day(12, 1)).unwrap();
        assert_eq!(r.selected.len(), 9);
        let t = r.cut_tie.clone().unwrap();
        assert_eq!(t.ids, ["sx", "sy"]);
        assert_eq!(t.slots_left, 1);
        assert!(t.message(false).contains("tie order"));
        s.rulings
            .tie_orders
            .insert("star".into(), vec!["sy".into()]);
        let r = rank(&s, "star", day(12, 1)).unwrap();
        assert_eq!(r.selected.len(), 10);
        assert_eq!(r.selected[9], "sy");
        assert!(r.cut_tie.is_none());
    }

    #[test]
    fn ineligible_entries_are_out_with_reasons() {
        // GATE-VETO, FRAUD, CANDIDATES (upheld objection), DEPT-OPINIONS
        let mut s = snapshot();
        complete(&mut s, "ok", "window", "win-0", 0.7);
        complete(&mut s, "vetoed", "window", "win-1", 0.99);
        complete(&mut s, "fraud", "window", "win-2", 0.99);
        complete(&mut s, "upheld", "window", "win-3", 0.99);
        complete(&mut s, "silent", "window", "win-4", 0.99);
        complete(&mut s, "rejected", "window", "win-5", 0.99);
        s.records.get_mut("vetoed").unwrap().opinions.insert(
            "jijian".into(),
            opinion("jijian", crate::model::Stance::Veto),
        );
        s.records.get_mut("fraud").unwrap().decision = Some(Decision {
            fraud: true,
            ..decision(crate::model::Outcome::Disqualified, "chair", day(10, 1))
        });
        let mut o = objection(false, ObjectionStatus::Upheld);
        o.resolution = Some(Resolution {
            by: "chair".into(),
            date: day(12, 5),
            reason: "confirmed".into(),
        });
        s.records
            .get_mut("upheld")
            .unwrap()
            .objections
            .insert("20171203-1".into(), o);
        s.records
            .get_mut("silent")
            .unwrap()
            .opinions
            .remove("xinfang");
        s.records.get_mut("rejected").unwrap().decision = Some(decision(
            crate::model::Outcome::Rejected,
            "chair",
            day(11, 30),
        ));
        let r = rank(&s, "window", day(12, 10)).unwrap();
        assert_eq!(r.selected, ["ok"]);
        let rule = |id: &str| {
            r.ineligible
                .iter()
                .find(|e| e.id == id)
                .unwrap()
                .reasons
                .iter()
                .map(|x| x.rule())
                .collect::<Vec<_>>()
        };
        assert_eq!(rule("vetoed"), ["GATE-VETO"]);
        assert_eq!(rule("fraud"), ["FRAUD"]);
        assert_eq!(rule("upheld"), ["CANDIDATES"]);
        assert_eq!(rule("silent"), ["DEPT-OPINIONS"]);
        assert_eq!(rule("rejected"), ["DECISION"]);
        for e in &r.ineligible {
            for x in &e.reasons {
                // the sentence first, the rule id after it (issue 16)
                let (zh, en) = (x.message(Some(&s), true), x.message(Some(&s), false));
                assert!(!zh.is_empty() && !en.is_empty());
                assert!(!zh.starts_with(&x.rule()), "{zh}");
                assert!(!en.starts_with(&x.rule()), "{en}");
            }
        }
        assert!(rank(&s, "nope", day(12, 1)).is_err());
        // aliases name the same category
        assert_eq!(
            rank(&s, "十佳服務窗口", day(12, 1)).unwrap().category,
            "window"
        );
    }
}
