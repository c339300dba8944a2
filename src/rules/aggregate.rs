//! Aggregation of scores (ASSESS, ROUTINE-EVAL, SPOT-CHECK).
//!
//! One review's total: the points of the criteria that count towards the total
//! (not `independent`) and that received `Points`, scaled to the category's total:
//! `total = sum(points) / sum(max of those criteria) × category.total_max()`.
//! So a criterion marked not-scored, abstain, not-applicable or recused never counts
//! as 0: it is left out of both sums. A review without any points has no total and
//! is not counted. Independent criteria are reported beside the total.
//!
//! Across reviewers (conflicted and unknown reviewers are excluded): n, mean,
//! median, trimmed mean (one highest and one lowest dropped when n ≥
//! `trim_min_reviews` and n ≥ 3), sample standard deviation (n − 1), min, max,
//! spread = max − min and a disagreement flag when spread > `disagreement_spread`.
//!
//! Final score: `(1 − w) × reviewer aggregate + w × mean of the Routine and
//! Unannounced ratings`, the ratings (0–100) scaled to the category total; without
//! any such rating the final score is the reviewer aggregate and the result says so.
//!
//! Every computed value is stored as [`exact`] (its decimal, to nine places)
//! and shown through [`super::round`]: half up, two places, in one place.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{
    AggregateMethod, Aggregation, Category, EvaluationKind, Mark, Member, Record, Role, Score,
    Snapshot,
};

use super::conflict::{conflict_of, expected_reviewers, has_conflict, ConflictReason};
use super::lookup::Lookup;
use super::round::exact;
use super::text::{num, pick};

/// One reviewer's total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewTotal {
    pub reviewer: String,
    /// Scaled total; `None` when no counted criterion received points.
    pub total: Option<f64>,
    /// Raw sum of points of the counted criteria.
    pub points: f64,
    /// Sum of the max of the criteria that received points.
    pub scored_max: f64,
    /// Counted criteria that received points, of all counted criteria.
    pub scored: usize,
    pub of: usize,
    /// Points of the independent criteria, shown but not summed.
    pub independent: BTreeMap<String, f64>,
    /// Criteria left without points and why.
    pub not_scored: BTreeMap<String, Mark>,
}

/// The total of one score sheet for `category` (marks of unknown criteria are ignored).
pub fn review_total(category: &Category, reviewer: &str, score: &Score) -> ReviewTotal {
    let mut t = ReviewTotal {
        reviewer: reviewer.to_string(),
        total: None,
        points: 0.0,
        scored_max: 0.0,
        scored: 0,
        of: category.criteria.iter().filter(|c| !c.independent).count(),
        independent: BTreeMap::new(),
        not_scored: BTreeMap::new(),
    };
    for c in &category.criteria {
        let mark = score.marks.get(&c.id).copied().unwrap_or(Mark::NotScored);
        match (mark.points(), c.independent) {
            (Some(p), true) => {
                t.independent.insert(c.id.clone(), p);
            }
            (Some(_), false) => {}
            (None, _) => {
                t.not_scored.insert(c.id.clone(), mark);
            }
        }
    }
    let sums = Sums::of(category, score);
    (t.points, t.scored_max, t.scored) = (sums.points, sums.scored_max, sums.scored);
    t.total = sums.total(category);
    t
}

/// The sums of one score sheet that make its total (see [`review_total`]).
struct Sums {
    points: f64,
    scored_max: f64,
    scored: usize,
}

impl Sums {
    /// Over the counted criteria that received points, in the category's order.
    fn of(category: &Category, score: &Score) -> Sums {
        let mut s = Sums {
            points: 0.0,
            scored_max: 0.0,
            scored: 0,
        };
        for (i, c) in category.criteria.iter().enumerate() {
            if c.independent {
                continue;
            }
            if let Some(p) = score
                .marks
                .get_hinted(c.id.as_str(), i)
                .and_then(|m| m.points())
            {
                s.points += p;
                s.scored_max += c.max;
                s.scored += 1;
            }
        }
        s
    }

    /// The scaled total; `None` when no counted criterion received points.
    fn total(&self, category: &Category) -> Option<f64> {
        (self.scored > 0 && self.scored_max > 0.0)
            .then(|| exact(self.points / self.scored_max * category.total_max()))
    }
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| exact(values.iter().sum::<f64>() / values.len() as f64))
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

pub fn median(values: &[f64]) -> Option<f64> {
    let v = sorted(values);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(exact((v[n / 2 - 1] + v[n / 2]) / 2.0)),
    }
}

/// Whether a trimmed mean drops values for `n` reviews.
pub fn trims(n: usize, trim_min_reviews: u32) -> bool {
    n >= 3 && n >= trim_min_reviews as usize
}

/// Mean after dropping one highest and one lowest value when `trims`.
pub fn trimmed_mean(values: &[f64], trim_min_reviews: u32) -> Option<f64> {
    if trims(values.len(), trim_min_reviews) {
        let v = sorted(values);
        mean(&v[1..v.len() - 1])
    } else {
        mean(values)
    }
}

/// Sample standard deviation (divides by n − 1); `None` below two values.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let m = mean(values)?;
    let ss: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some(exact((ss / (n as f64 - 1.0)).sqrt()))
}

/// Statistics over the review totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub n: usize,
    pub mean: f64,
    pub median: f64,
    pub trimmed_mean: f64,
    /// Whether the trimmed mean dropped the highest and the lowest.
    pub trimmed: bool,
    pub std_dev: Option<f64>,
    pub min: f64,
    pub max: f64,
    pub spread: f64,
}

pub fn stats(values: &[f64], trim_min_reviews: u32) -> Option<Stats> {
    let mean = mean(values)?;
    let v = sorted(values);
    let (min, max) = (*v.first()?, *v.last()?);
    Some(Stats {
        n: v.len(),
        mean,
        median: median(&v)?,
        trimmed_mean: trimmed_mean(&v, trim_min_reviews)?,
        trimmed: trims(v.len(), trim_min_reviews),
        std_dev: std_dev(&v),
        min,
        max,
        spread: exact(max - min),
    })
}

/// The statistic the campaign's method picks.
pub fn by_method(stats: &Stats, method: AggregateMethod) -> f64 {
    match method {
        AggregateMethod::Mean => stats.mean,
        AggregateMethod::Median => stats.median,
        AggregateMethod::TrimmedMean => stats.trimmed_mean,
    }
}

/// Why a score sheet is left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "excluded", rename_all = "snake_case")]
pub enum Excluded {
    Conflict {
        reason: ConflictReason,
    },
    /// Not a member, or a member without the reviewer role.
    NotAReviewer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludedReview {
    pub reviewer: String,
    #[serde(flatten)]
    pub why: Excluded,
}

/// The routine and unannounced ratings (ROUTINE-EVAL, SPOT-CHECK).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationPart {
    pub n: usize,
    /// Mean rating, 0–100.
    pub mean: Option<f64>,
    pub weight: f64,
    /// File stems of the ratings used.
    pub sources: Vec<String>,
    /// Site visits and interviews recorded (ASSESS).
    pub site_visits: usize,
    pub interviews: usize,
}

/// How the final score was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalNote {
    /// Reviewer aggregate and evaluation ratings, weighted.
    Weighted,
    /// No routine or unannounced rating: the reviewer aggregate alone.
    NoEvaluationRatings,
    /// No review with points: no final score.
    NoReviews,
}

impl FinalNote {
    pub fn message(self, zh: bool) -> String {
        match self {
            FinalNote::Weighted => pick(
                zh,
                "評委匯總與日常測評、明察暗訪按權重合成".into(),
                "reviewer aggregate and routine/unannounced ratings, weighted".into(),
            ),
            FinalNote::NoEvaluationRatings => pick(
                zh,
                "尚無日常測評或明察暗訪評分，最終得分僅為評委匯總".into(),
                "no routine or unannounced rating yet: the final score is the reviewer aggregate alone".into(),
            ),
            FinalNote::NoReviews => pick(zh, "尚無評分".into(), "no review scored yet".into()),
        }
    }
}

/// The democratic evaluation (ASSESS).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoteSummary {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub dissatisfied: u32,
    pub total: u32,
    /// (satisfied + basically satisfied) / all, %.
    pub satisfaction_rate: Option<f64>,
}

/// Mean of one criterion's points across the counted reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionStat {
    pub criterion: String,
    pub independent: bool,
    pub max: f64,
    pub n: usize,
    pub mean: Option<f64>,
}

/// Everything about the scores of one nomination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    pub reviews: Vec<ReviewTotal>,
    pub excluded: Vec<ExcludedReview>,
    /// Reviewers without a conflict.
    pub expected_reviewers: Vec<String>,
    pub expected_n: usize,
    /// Review totals counted.
    pub n: usize,
    /// Expected reviewers whose sheet has no total yet.
    pub missing_reviewers: Vec<String>,
    pub stats: Option<Stats>,
    pub method: AggregateMethod,
    pub reviewer_aggregate: Option<f64>,
    pub disagreement: bool,
    pub disagreement_spread: f64,
    pub evaluation: EvaluationPart,
    pub final_score: Option<f64>,
    pub final_note: FinalNote,
    pub criteria: Vec<CriterionStat>,
    pub votes: Option<VoteSummary>,
}

/// The final score from a reviewer aggregate and a mean rating (0–100).
pub fn final_score(
    reviewer_aggregate: Option<f64>,
    rating_mean: Option<f64>,
    weight: f64,
    total_max: f64,
) -> (Option<f64>, FinalNote) {
    match (reviewer_aggregate, rating_mean) {
        (None, _) => (None, FinalNote::NoReviews),
        (Some(a), None) => (Some(a), FinalNote::NoEvaluationRatings),
        (Some(a), Some(r)) => {
            let w = weight.clamp(0.0, 1.0);
            (
                Some(exact((1.0 - w) * a + w * r / 100.0 * total_max)),
                FinalNote::Weighted,
            )
        }
    }
}

/// Aggregates one record of `category`.
pub fn aggregate_record(
    category: &Category,
    settings: &Aggregation,
    members: &[Member],
    record: &Record,
) -> Aggregate {
    let n = &record.nomination;
    let mut reviews = Vec::new();
    let mut excluded = Vec::new();
    for (reviewer, score) in &record.scores {
        match members.iter().find(|m| &m.id == reviewer) {
            Some(m) if m.has_role(Role::Reviewer) => match conflict_of(m, n) {
                Some(reason) => excluded.push(ExcludedReview {
                    reviewer: reviewer.clone(),
                    why: Excluded::Conflict { reason },
                }),
                None => reviews.push(review_total(category, reviewer, score)),
            },
            _ => excluded.push(ExcludedReview {
                reviewer: reviewer.clone(),
                why: Excluded::NotAReviewer,
            }),
        }
    }
    let totals: Vec<f64> = reviews.iter().filter_map(|r| r.total).collect();
    let stats = stats(&totals, settings.trim_min_reviews);
    let reviewer_aggregate = stats.as_ref().map(|s| by_method(s, settings.method));
    let disagreement = stats
        .as_ref()
        .is_some_and(|s| s.spread > settings.disagreement_spread);
    let expected: Vec<String> = expected_reviewers(members, n)
        .iter()
        .map(|m| m.id.clone())
        .collect();
    let missing_reviewers = expected
        .iter()
        .filter(|id| {
            !reviews
                .iter()
                .any(|r| &r.reviewer == *id && r.total.is_some())
        })
        .cloned()
        .collect();

    let mut ratings = Vec::new();
    let mut sources = Vec::new();
    let (mut site_visits, mut interviews) = (0, 0);
    for (stem, e) in &record.evaluations {
        if !super::conflict::author_counts(members, n, &e.author) {
            continue;
        }
        match e.kind {
            EvaluationKind::Routine | EvaluationKind::Unannounced => {
                if let Some(r) = e.rating {
                    ratings.push(r);
                    sources.push(stem.clone());
                }
            }
            EvaluationKind::SiteVisit => site_visits += 1,
            EvaluationKind::Interview => interviews += 1,
        }
    }
    let rating_mean = mean(&ratings);
    let (final_score, final_note) = final_score(
        reviewer_aggregate,
        rating_mean,
        settings.evaluation_weight,
        category.total_max(),
    );
    let criteria = category
        .criteria
        .iter()
        .map(|c| {
            let pts: Vec<f64> = reviews
                .iter()
                .filter_map(|r| record.scores.get(&r.reviewer)?.marks.get(&c.id)?.points())
                .collect();
            CriterionStat {
                criterion: c.id.clone(),
                independent: c.independent,
                max: c.max,
                n: pts.len(),
                mean: mean(&pts),
            }
        })
        .collect();
    Aggregate {
        n: totals.len(),
        expected_n: expected.len(),
        expected_reviewers: expected,
        missing_reviewers,
        reviews,
        excluded,
        stats,
        method: settings.method,
        reviewer_aggregate,
        disagreement,
        disagreement_spread: settings.disagreement_spread,
        evaluation: EvaluationPart {
            n: ratings.len(),
            mean: rating_mean,
            weight: settings.evaluation_weight,
            sources,
            site_visits,
            interviews,
        },
        final_score,
        final_note,
        criteria,
        votes: record.votes.as_ref().map(|v| VoteSummary {
            satisfied: v.satisfied,
            basically_satisfied: v.basically_satisfied,
            dissatisfied: v.dissatisfied,
            total: v.total(),
            satisfaction_rate: v.satisfaction_rate().map(exact),
        }),
    }
}

/// What ranking reads of [`aggregate_record`] — the final score and the
/// disagreement flag — by the same steps, without the rest (the reviews'
/// detail, the expected and missing reviewers, the criteria, the votes):
/// issue 18, P1. `lookup` finds the members as `aggregate_record` does.
pub fn final_of(
    category: &Category,
    settings: &Aggregation,
    lookup: &Lookup,
    record: &Record,
) -> (Option<f64>, bool) {
    let n = &record.nomination;
    let mut totals = Vec::with_capacity(record.scores.len());
    for (reviewer, score) in &record.scores {
        match lookup.member(reviewer) {
            Some(m) if m.has_role(Role::Reviewer) && !has_conflict(m, n) => {
                totals.extend(Sums::of(category, score).total(category));
            }
            _ => {}
        }
    }
    let stats = stats(&totals, settings.trim_min_reviews);
    let reviewer_aggregate = stats.as_ref().map(|s| by_method(s, settings.method));
    let disagreement = stats
        .as_ref()
        .is_some_and(|s| s.spread > settings.disagreement_spread);
    let mut ratings = Vec::new();
    for (_, e) in &record.evaluations {
        if let (EvaluationKind::Routine | EvaluationKind::Unannounced, Some(r)) = (e.kind, e.rating)
        {
            if lookup.author_counts(n, &e.author) {
                ratings.push(r);
            }
        }
    }
    let (final_score, _) = final_score(
        reviewer_aggregate,
        mean(&ratings),
        settings.evaluation_weight,
        category.total_max(),
    );
    (final_score, disagreement)
}

/// Aggregates a record of the snapshot; `None` when its category is unknown.
pub fn aggregate(snapshot: &Snapshot, record: &Record) -> Option<Aggregate> {
    let category = snapshot.campaign.category(&record.nomination.category)?;
    Some(aggregate_record(
        category,
        &snapshot.campaign.aggregation,
        &snapshot.members,
        record,
    ))
}

impl Aggregate {
    /// A one-line summary, e.g. `final 86.5 (trimmed mean 88 of 5/6 reviews, spread 12)`.
    pub fn summary(&self, zh: bool) -> String {
        let fin = self.final_score.map_or_else(|| "–".to_string(), num);
        let agg = self.reviewer_aggregate.map_or_else(|| "–".to_string(), num);
        let spread = self
            .stats
            .as_ref()
            .map_or_else(|| "–".to_string(), |s| num(s.spread));
        let flag = if self.disagreement {
            pick(zh, "，評分分歧較大".into(), ", reviewers disagree".into())
        } else {
            String::new()
        };
        pick(
            zh,
            format!(
                "最終得分 {fin}（評委匯總 {agg}，{}/{} 份評分，極差 {spread}{flag}）；{}",
                self.n,
                self.expected_n,
                self.final_note.message(true)
            ),
            format!(
                "final {fin} (reviewer aggregate {agg} of {}/{} reviews, spread {spread}{flag}); {}",
                self.n,
                self.expected_n,
                self.final_note.message(false)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Criterion, EvaluationKind};
    use crate::rules::fixture::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn assess_review_total_scales_and_skips_no_score_marks() {
        // ASSESS: no-score marks never count as 0
        let s = snapshot();
        let c = s.campaign.category("star").unwrap(); // S1..S5, 20 each
        let mut sc = uniform_score(c, "r2", 0.8);
        assert!(close(review_total(c, "r2", &sc).total.unwrap(), 80.0));
        sc.marks.insert("S5".into(), Mark::NotApplicable);
        sc.marks.insert("S4".into(), Mark::Abstain);
        let t = review_total(c, "r2", &sc);
        assert!(close(t.total.unwrap(), 80.0), "{t:?}");
        assert_eq!((t.scored, t.of), (3, 5));
        for m in [Mark::NotScored, Mark::Recused] {
            for k in ["S1", "S2", "S3", "S4", "S5"] {
                sc.marks.insert(k.into(), m);
            }
            assert_eq!(review_total(c, "r2", &sc).total, None);
        }
    }

    #[test]
    fn independent_criteria_reported_not_summed() {
        let s = snapshot();
        let mut c = s.campaign.category("star").unwrap().clone();
        c.criteria.push(Criterion {
            id: "X".into(),
            title: "honours".into(),
            title_en: "honours".into(),
            description: String::new(),
            max: 10.0,
            independent: true,
        });
        let mut sc = uniform_score(&c, "r2", 0.5);
        sc.marks.insert("X".into(), Mark::Points(10.0));
        let t = review_total(&c, "r2", &sc);
        assert!(close(t.total.unwrap(), 50.0));
        assert_eq!(t.independent.get("X"), Some(&10.0));
    }

    #[test]
    fn statistics() {
        let v = [70.0, 80.0, 90.0, 100.0, 60.0];
        let s = stats(&v, 5).unwrap();
        assert!(close(s.mean, 80.0));
        assert!(close(s.median, 80.0));
        assert!(close(s.trimmed_mean, 80.0));
        assert!(s.trimmed);
        assert!(close(s.std_dev.unwrap(), 250f64.sqrt()));
        assert!(close(s.spread, 40.0));
        let s4 = stats(&[70.0, 80.0, 90.0, 100.0], 5).unwrap();
        assert!(!s4.trimmed);
        assert!(close(s4.trimmed_mean, 85.0));
        assert!(close(
            trimmed_mean(&[0.0, 50.0, 50.0, 50.0, 100.0, 99.0], 5).unwrap(),
            62.25
        ));
        assert_eq!(std_dev(&[5.0]), None);
        assert_eq!(stats(&[], 5), None);
    }

    #[test]
    fn routine_eval_weighs_in_final_score() {
        // ROUTINE-EVAL: final = 0.7 × reviewer aggregate + 0.3 × mean of routine/unannounced ratings
        let mut s = snapshot();
        let c = s.campaign.category("window").unwrap().clone();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        for r in ["r2", "r3", "r4", "r5", "r6"] {
            rec.scores.insert(r.into(), uniform_score(&c, r, 0.8));
        }
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert!(close(a.final_score.unwrap(), 80.0));
        assert_eq!(a.final_note, FinalNote::NoEvaluationRatings);
        assert!(a.summary(false).contains("reviewer aggregate alone"));
        let rec = s.records.get_mut("w").unwrap();
        rec.evaluations.insert(
            "20170915-r2".into(),
            evaluation("r2", EvaluationKind::Routine, day(9, 15), Some(90.0)),
        );
        // SPOT-CHECK: unannounced inspections count like routine evaluations
        rec.evaluations.insert(
            "20171015-r3".into(),
            evaluation("r3", EvaluationKind::Unannounced, day(10, 15), Some(70.0)),
        );
        // a site visit carries no weight in the final score
        rec.evaluations.insert(
            "20171115-r4".into(),
            evaluation("r4", EvaluationKind::SiteVisit, day(11, 15), Some(0.0)),
        );
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert_eq!(a.final_note, FinalNote::Weighted);
        assert_eq!(a.evaluation.n, 2);
        assert_eq!(a.evaluation.site_visits, 1);
        assert!(close(a.final_score.unwrap(), 0.7 * 80.0 + 0.3 * 80.0));
        let rec = s.records.get_mut("w").unwrap();
        rec.evaluations.remove("20170915-r2");
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert!(
            close(a.final_score.unwrap(), 0.7 * 80.0 + 0.3 * 70.0),
            "{:?}",
            a.final_score
        );
    }

    #[test]
    fn conflicted_scores_excluded_and_not_expected() {
        let mut s = snapshot();
        let c = s.campaign.category("window").unwrap().clone();
        let rec = add(&mut s, nomination("w", "window", "town-a"));
        rec.scores.insert("r1".into(), uniform_score(&c, "r1", 1.0)); // r1 is of town-a
        rec.scores.insert("r2".into(), uniform_score(&c, "r2", 0.5));
        rec.scores
            .insert("ghost".into(), uniform_score(&c, "ghost", 1.0));
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert_eq!(a.n, 1);
        assert!(close(a.reviewer_aggregate.unwrap(), 50.0));
        assert_eq!(a.excluded.len(), 2);
        assert_eq!(a.expected_n, 5);
        assert_eq!(a.missing_reviewers, ["r3", "r4", "r5", "r6"]);
    }

    #[test]
    fn disagreement_flag_and_votes() {
        // ASSESS: democratic evaluation rate
        let mut s = snapshot();
        let c = s.campaign.category("window").unwrap().clone();
        let rec = add(&mut s, nomination("w", "window", "town-b"));
        rec.scores.insert("r2".into(), uniform_score(&c, "r2", 0.9));
        rec.scores.insert("r3".into(), uniform_score(&c, "r3", 0.6));
        rec.votes = Some(votes(40, 8, 2));
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert!(a.disagreement, "spread 30 > 20");
        assert!(close(a.votes.unwrap().satisfaction_rate.unwrap(), 96.0));
        let rec = s.records.get_mut("w").unwrap();
        rec.scores
            .insert("r3".into(), uniform_score(&c, "r3", 0.75));
        let a = aggregate(&s, s.record("w").unwrap()).unwrap();
        assert!(!a.disagreement, "spread 15");
    }

    proptest! {
        #[test]
        fn prop_trimmed_mean_between_min_and_max(v in prop::collection::vec(0.0f64..100.0, 1..12), k in 0u32..8) {
            let t = trimmed_mean(&v, k).unwrap();
            let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(t >= min - 1e-9 && t <= max + 1e-9);
        }

        #[test]
        fn prop_aggregate_independent_of_review_order(v in prop::collection::vec(0.0f64..100.0, 1..12), seed in any::<u64>()) {
            let mut w = v.clone();
            // a deterministic shuffle from the seed
            let mut x = seed | 1;
            for i in (1..w.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                w.swap(i, (x % (i as u64 + 1)) as usize);
            }
            let a = stats(&v, 5).unwrap();
            let b = stats(&w, 5).unwrap();
            prop_assert!((a.mean - b.mean).abs() < 1e-9);
            prop_assert!((a.median - b.median).abs() < 1e-9);
            prop_assert!((a.trimmed_mean - b.trimmed_mean).abs() < 1e-9);
            prop_assert!((a.spread - b.spread).abs() < 1e-9);
            prop_assert_eq!(a.std_dev.is_some(), b.std_dev.is_some());
        }

        #[test]
        fn prop_all_no_score_sheet_leaves_aggregate_unchanged(
            fracs in prop::collection::vec(0.0f64..=1.0, 1..6),
            m in prop::sample::select(vec![Mark::NotScored, Mark::Abstain, Mark::NotApplicable, Mark::Recused]),
        ) {
            // ASSESS: a reviewer whose sheet holds only no-score marks is not a 0 in the mean
            let s = snapshot();
            let c = s.campaign.category("star").unwrap();
            let mut rec = crate::model::Record::new(nomination("x", "star", "town-b"));
            for (i, f) in fracs.iter().enumerate() {
                let r = format!("r{}", i + 2);
                rec.scores.insert(r.clone(), uniform_score(c, &r, *f));
            }
            let before = aggregate_record(c, &s.campaign.aggregation, &s.members, &rec);
            let mut blank = uniform_score(c, "r1", 0.0);
            for v in blank.marks.values_mut() {
                *v = m;
            }
            rec.scores.insert("r1".into(), blank);
            let after = aggregate_record(c, &s.campaign.aggregation, &s.members, &rec);
            prop_assert_eq!(before.n, after.n);
            prop_assert_eq!(before.final_score, after.final_score);
            prop_assert_eq!(before.stats, after.stats);
        }

        #[test]
        fn prop_no_score_never_counts_as_zero(
            pts in prop::collection::vec(0.0f64..=20.0, 5),
            holes in prop::collection::vec(0usize..5, 1..4),
            m in prop::sample::select(vec![Mark::NotScored, Mark::Abstain, Mark::NotApplicable, Mark::Recused]),
        ) {
            // ASSESS: replacing a mark by a no-score state gives the mean of the rest, scaled,
            // never what a 0 would give.
            let s = snapshot();
            let c = s.campaign.category("star").unwrap();
            let mut sc = uniform_score(c, "r2", 0.0);
            for (i, p) in pts.iter().enumerate() {
                sc.marks.insert(format!("S{}", i + 1), Mark::Points(*p));
            }
            let mut zero = sc.clone();
            for h in &holes {
                sc.marks.insert(format!("S{}", h + 1), m);
                zero.marks.insert(format!("S{}", h + 1), Mark::Points(0.0));
            }
            let kept: Vec<f64> = pts.iter().enumerate().filter(|(i, _)| !holes.contains(i)).map(|(_, p)| *p).collect();
            let t = review_total(c, "r2", &sc).total;
            if kept.is_empty() {
                prop_assert_eq!(t, None);
            } else {
                let expect = kept.iter().sum::<f64>() / (20.0 * kept.len() as f64) * 100.0;
                prop_assert!((t.unwrap() - expect).abs() < 1e-9);
                let z = review_total(c, "r2", &zero).total.unwrap();
                if kept.iter().sum::<f64>() > 0.0 {
                    prop_assert!(t.unwrap() > z);
                }
            }
        }
    }
}
