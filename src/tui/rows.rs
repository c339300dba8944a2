//! The rows of the nominations list, computed once per snapshot through the
//! rules, with a search key per field; filters and sort orders.

use crate::i18n::Lang;
use crate::model::{Member, Outcome, Record, Role, Snapshot};
use crate::rules::{self, aggregate::review_total, conflict::conflict_of};
use crate::search::Key;
use crate::text::display;

use super::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    Decided(Outcome),
    Eligible,
    Ineligible,
    NoScore,
}

impl RowStatus {
    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            RowStatus::Decided(Outcome::Candidate) => ("候選", "candidate"),
            RowStatus::Decided(Outcome::Final) => ("當選", "final"),
            RowStatus::Decided(Outcome::Rejected) => ("落選", "rejected"),
            RowStatus::Decided(Outcome::Disqualified) => ("取消", "disqual."),
            RowStatus::Eligible => ("合格", "eligible"),
            RowStatus::Ineligible => ("不合格", "inelig."),
            RowStatus::NoScore => ("未評分", "unscored"),
        };
        tr(lang, zh, en)
    }
}

/// What the acting member has to do with the scores of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mine {
    Scored,
    Needed,
    Conflict,
    NotReviewer,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub category: String,
    pub category_name: String,
    pub nominee: String,
    pub unit: String,
    pub status: RowStatus,
    pub mine: Mine,
    pub my_total: Option<f64>,
    pub score: Option<f64>,
    pub gate_failed: bool,
    pub veto: bool,
    pub open_objections: usize,
    pub objections: usize,
    pub disagreement: bool,
    /// Search keys: nominee, unit, brand, deeds (strict).
    pub keys: Vec<(Key, bool)>,
}

impl Row {
    /// `✗` failed gate, `⊘` veto, `!` open objection, `≠` reviewers disagree.
    pub fn flags(&self) -> String {
        let mut s = String::new();
        if self.gate_failed {
            s.push('✗');
        }
        if self.veto {
            s.push('⊘');
        }
        if self.open_objections > 0 {
            s.push('!');
        }
        if self.disagreement {
            s.push('≠');
        }
        s
    }
}

/// One row per record, in the records' order.
pub fn build(snap: &Snapshot, me: Option<&str>, lang: Lang) -> Vec<Row> {
    let me = me.and_then(|m| snap.member(m));
    let world = rules::memo::world_key(snap);
    let units = unit_names(snap);
    snap.records
        .iter()
        .map(|(id, record)| row(snap, &units, world, me, lang, id, record))
        .collect()
}

/// The rows of `new`, reusing those of `old` (built by [`build`] from it) for
/// every record that did not change. A row reads its own record and the
/// campaign, members, units and rulings; when any of those changed, or `rows`
/// does not match `old`, every row is built again.
pub fn rebuild(
    old: &Snapshot,
    new: &Snapshot,
    rows: Vec<Row>,
    me: Option<&str>,
    lang: Lang,
) -> Vec<Row> {
    let same_world = old.campaign == new.campaign
        && old.members == new.members
        && old.units == new.units
        && old.rulings == new.rulings
        && rows.len() == old.records.len()
        && rows
            .iter()
            .zip(old.records.keys())
            .all(|(r, id)| r.id == *id);
    if !same_world {
        return build(new, me, lang);
    }
    let mut kept: std::collections::HashMap<String, Row> =
        rows.into_iter().map(|r| (r.id.clone(), r)).collect();
    let me = me.and_then(|m| new.member(m));
    let world = rules::memo::world_key(new);
    let units = unit_names(new);
    new.records
        .iter()
        .map(|(id, record)| match kept.remove(id) {
            Some(r) if unchanged(old, new, id) => r,
            _ => row(new, &units, world, me, lang, id, record),
        })
        .collect()
}

/// Whether record `id` is the same in both snapshots: the same tree when the
/// store indexed both, else equal.
fn unchanged(old: &Snapshot, new: &Snapshot, id: &str) -> bool {
    match (old.index.records.get(id), new.index.records.get(id)) {
        (Some(a), Some(b)) => a.1 == b.1,
        _ => old.records.get(id) == new.records.get(id),
    }
}

/// Unit id to the unit's name as shown, looked up once per build (a row
/// per record searched the units' list: issue 18).
type UnitNames<'a> = std::collections::HashMap<&'a str, String>;

fn unit_names(snap: &Snapshot) -> UnitNames<'_> {
    let mut names = UnitNames::with_capacity(snap.units.len());
    for u in &snap.units {
        // The first of a repeated id, as `Snapshot::unit` finds it.
        names
            .entry(u.id.as_str())
            .or_insert_with(|| display(&u.name));
    }
    names
}

fn row(
    snap: &Snapshot,
    units: &UnitNames,
    world: Option<u128>,
    me: Option<&Member>,
    lang: Lang,
    id: &str,
    record: &Record,
) -> Row {
    let n = &record.nomination;
    let cat = snap.campaign.category(&n.category);
    // The assessment's facts, remembered under the record's content (issue 18).
    let a = rules::memo::facts(snap, world, id, record);
    let status = match (&record.decision, &a) {
        (Some(d), _) => RowStatus::Decided(d.outcome),
        (None, Some(a)) if a.final_score.is_none() => RowStatus::NoScore,
        (None, Some(a)) if a.ineligible.is_empty() => RowStatus::Eligible,
        _ => RowStatus::Ineligible,
    };
    let mine = match me {
        Some(m) if m.has_role(Role::Reviewer) => {
            if conflict_of(m, n).is_some() {
                Mine::Conflict
            } else if record.scores.contains_key(&m.id) {
                Mine::Scored
            } else {
                Mine::Needed
            }
        }
        _ => Mine::NotReviewer,
    };
    let my_total = match (me, cat) {
        (Some(m), Some(c)) => record
            .scores
            .get(&m.id)
            .and_then(|s| review_total(c, &m.id, s).total),
        _ => None,
    };
    let unit = units
        .get(n.unit.as_str())
        .map_or_else(|| n.unit.clone(), Clone::clone);
    let nominee = display(&n.nominee.name);
    let keys = vec![
        (Key::new(&nominee), false),
        (Key::new(&unit), false),
        (Key::new(&display(n.brand.as_deref().unwrap_or(""))), false),
        (Key::new(&display(&n.deeds)), true),
    ];
    Row {
        id: id.to_string(),
        category: n.category.clone(),
        category_name: cat.map_or_else(
            || n.category.clone(),
            |c| display(lang.pick(&c.name, &c.name_en)),
        ),
        nominee,
        unit,
        status,
        mine,
        my_total,
        score: a.as_ref().and_then(|a| a.final_score),
        gate_failed: a.as_ref().is_some_and(|a| a.gate_failed),
        veto: a.as_ref().is_some_and(|a| a.veto),
        open_objections: rules::notice::open_objections(record).len(),
        objections: record.objections.len(),
        disagreement: a.as_ref().is_some_and(|a| a.disagreement),
        keys,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    NeedsMyScore,
    Objections,
    Eligible,
    Ineligible,
    Decided,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::All,
        Filter::NeedsMyScore,
        Filter::Objections,
        Filter::Eligible,
        Filter::Ineligible,
        Filter::Decided,
    ];

    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            Filter::All => ("全部", "all"),
            Filter::NeedsMyScore => ("待我評分", "needs my score"),
            Filter::Objections => ("有異議", "has objections"),
            Filter::Eligible => ("合格", "eligible"),
            Filter::Ineligible => ("不合格", "ineligible"),
            Filter::Decided => ("已決定", "decided"),
        };
        tr(lang, zh, en)
    }

    pub fn keeps(self, r: &Row) -> bool {
        match self {
            Filter::All => true,
            Filter::NeedsMyScore => r.mine == Mine::Needed,
            Filter::Objections => r.objections > 0,
            Filter::Eligible => r.status == RowStatus::Eligible,
            Filter::Ineligible => matches!(r.status, RowStatus::Ineligible | RowStatus::NoScore),
            Filter::Decided => matches!(r.status, RowStatus::Decided(_)),
        }
    }

    pub fn next(self) -> Filter {
        let i = Filter::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Filter::ALL[(i + 1) % Filter::ALL.len()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Id,
    Score,
    MyScore,
    Nominee,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Id, Sort::Score, Sort::MyScore, Sort::Nominee];

    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            Sort::Id => ("編號", "id"),
            Sort::Score => ("總分", "score"),
            Sort::MyScore => ("我的評分", "my score"),
            Sort::Nominee => ("名稱拼音", "name (pinyin)"),
        };
        tr(lang, zh, en)
    }

    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
    }

    pub fn order(self, rows: &[Row], idx: &mut [usize]) {
        let desc = |a: Option<f64>, b: Option<f64>| {
            b.unwrap_or(f64::MIN)
                .partial_cmp(&a.unwrap_or(f64::MIN))
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        match self {
            Sort::Id => idx.sort_by(|a, b| rows[*a].id.cmp(&rows[*b].id)),
            Sort::Score => idx.sort_by(|a, b| {
                desc(rows[*a].score, rows[*b].score).then(rows[*a].id.cmp(&rows[*b].id))
            }),
            Sort::MyScore => idx.sort_by(|a, b| {
                desc(rows[*a].my_total, rows[*b].my_total).then(rows[*a].id.cmp(&rows[*b].id))
            }),
            Sort::Nominee => idx.sort_by(|a, b| {
                rows[*a].keys[0]
                    .0
                    .pinyin()
                    .cmp(rows[*b].keys[0].0.pinyin())
                    .then(rows[*a].id.cmp(&rows[*b].id))
            }),
        }
    }
}
