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

use crate::model::{Outcome, Snapshot};

use super::eligibility::{assess, Ineligible};
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
                "{ids} 以 {s} 分并列于入選線,只剩 {} 個(gè)名額;須由主任登記并列順序",
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
    let tie_order = snapshot.rulings.tie_orders.get(&cat.id);
    let mut entries = Vec::new();
    let mut ineligible = Vec::new();
    for (id, record) in &snapshot.records {
        let in_cat = campaign
            .category(&record.nomination.category)
            .is_some_and(|c| c.id == cat.id);
        if !in_cat {
            continue;
        }
        let Some(a) = assess(snapshot, record) else {
            continue;
        };
        let n = &record.nomination;
        let decision = record.decision.as_ref().map(|d| d.outcome);
        if !a.ineligible.is_empty() {
            ineligible.push(IneligibleEntry {
                id: id.clone(),
                nominee: n.nominee.name.clone(),
                unit: n.unit.clone(),
                final_score: a.aggregate.final_score,
                decision,
                reasons: a.ineligible,
            });
            continue;
        }
        let fin = a.aggregate.final_score;
        entries.push(RankedEntry {
            position: 0,
            id: id.clone(),
            nominee: n.nominee.name.clone(),
            unit: n.unit.clone(),
            final_score: fin,
            priority: a.gates.priority.flag,
            tie_order: tie_order.and_then(|o| o.iter().position(|x| x == id)),
            tied_with: Vec::new(),
            above_min: fin.is_some_and(|f| f >= cat.min_score - 1e-9),
            selected: false,
            decision,
            disagreement: a.aggregate.disagreement,
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
    Ok(Ranking {
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
    })
}

/// Every category's ranking, in campaign order.
pub fn rank_all(snapshot: &Snapshot, day: NaiveDate) -> Vec<Ranking> {
    snapshot
        .campaign
        .categories
        .iter()
        .filter_map(|c| rank(snapshot, &c.id, day).ok())
        .collect()
}
