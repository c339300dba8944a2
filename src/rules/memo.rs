//! What ranking needs of one record's assessment, remembered (issue 18, P2).
//!
//! A record's assessment (scope, gates, vetoes, opinions, decision, objections,
//! aggregate: see [`assess`](super::eligibility::assess)) reads only that record and the campaign-wide
//! files — campaign.ron, members.ron, units.ron (and, to be safe, rulings.ron).
//! Its ranking facts are therefore remembered under a 128-bit key hashed from
//! exactly those inputs: the record's content and the campaign-wide files, as
//! they are in memory when the facts are looked up. A record or a campaign file
//! changed in any way — by a commit, a reload, or code editing the snapshot in
//! memory — gives another key, and the facts are assessed anew; a stale entry
//! can never be used. The snapshot cache (`store::cache`) keeps the facts with
//! each record, so a warm open ranks without assessing anything.
//!
//! Hashing every record to check its key was still ~60 ms of a warm open at
//! 10k nominations (issue 18, P2). So facts that come from the snapshot cache
//! are kept with what they were read for — the world key they were assessed
//! under and the number of the reading that put them there — and used without
//! hashing while all of these hold: the snapshot's records are still exactly
//! as that reading left them ([`crate::model::Records::reading`]: any mutable
//! access to them drops it, and every reading has its own number, so records
//! or memos swapped between snapshots never match), the record asked about
//! is the snapshot's own record of that id, and the world key (computed anew
//! for each ranking) is the one they were assessed under. A clone edited in
//! memory writes its own facts without the mark, which the unedited original
//! then hashes and checks again. The cache holds a record and its facts in one entry,
//! both written from the same snapshot under the world key in its header, so
//! a record decoded from an entry is exactly the record those facts were
//! assessed for. Otherwise the key is hashed and checked as before.
//!
//! Facts assessed here for the snapshot's own record of an id, while its
//! records are as a reading left them, are marked the same way (the world key
//! they were assessed under, that reading): they are facts of exactly that
//! record, so the next ranking of the same records — right after [`fill`],
//! or the TUI's next one — uses them without hashing each record again
//! (issue 18, P1). They keep their key, for a snapshot that no longer
//! matches the mark and for the snapshot cache.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::model::{NomineeKind, Record, Snapshot, UnitKind};

use super::eligibility::{brief, Ineligible};
use super::gates::GateResult;
use super::lookup::Lookup;
use super::scope::ScopeProblem;

/// What [`super::rank`] reads of an [`super::eligibility::Assessment`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The category's id.
    pub category: String,
    pub final_score: Option<f64>,
    /// PRIORITY-BRAND.
    pub priority: bool,
    pub disagreement: bool,
    #[serde(with = "ineligible_list")]
    pub ineligible: Vec<Ineligible>,
    /// A gate not passed (the list's mark).
    pub gate_failed: bool,
    /// A department vetoed (GATE-VETO).
    pub veto: bool,
}

impl Facts {
    /// The facts of `record` in `snapshot`: those of its [`assess`](super::eligibility::assess)ment
    /// (the tests' way in; the program goes through [`facts_in`]).
    #[cfg(test)]
    fn of(snapshot: &Snapshot, record: &Record) -> Option<Facts> {
        Facts::of_in(&Lookup::plain(snapshot), record)
    }

    /// [`Facts::of`], computed without the parts of the assessment that
    /// ranking does not read ([`brief`]; issue 18, P1).
    fn of_in(lookup: &Lookup, record: &Record) -> Option<Facts> {
        let b = brief(lookup, record)?;
        Some(Facts {
            category: b.category.id.clone(),
            final_score: b.final_score,
            priority: b.priority,
            disagreement: b.disagreement,
            gate_failed: b.gate_failed,
            veto: b.veto,
            ineligible: b.ineligible,
        })
    }

    /// The facts read from a whole assessment (what [`Facts::of`] must
    /// give, computed the long way).
    #[cfg(test)]
    fn of_assessment(a: super::eligibility::Assessment) -> Facts {
        Facts {
            category: a.category,
            final_score: a.aggregate.final_score,
            priority: a.gates.priority.flag,
            disagreement: a.aggregate.disagreement,
            gate_failed: a.gates.gates.iter().any(|g| !g.passed),
            veto: !a.gates.vetoes.is_empty(),
            ineligible: a.ineligible,
        }
    }
}

/// A remembered assessment: its key and its facts (`None`: unknown category).
pub type Remembered = (u128, Option<Arc<Facts>>);

/// Facts by nomination id, shared by clones of a snapshot (a key says whether
/// an entry still fits, so sharing is safe).
#[derive(Clone, Default)]
pub struct Memo(Arc<RwLock<HashMap<String, Slot>>>);

/// One remembered assessment, and, for facts read from the snapshot cache,
/// the world key and the reading they were read for (see the module: then
/// they are used without hashing the record).
#[derive(Clone)]
struct Slot {
    entry: Remembered,
    read_for: Option<(u128, u64)>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memo({} entries)", self.len())
    }
}

/// A memo never makes two snapshots differ.
impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

impl Eq for Memo {}

impl Memo {
    pub fn len(&self) -> usize {
        self.0.read().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry of `id`, whatever its key.
    pub fn get(&self, id: &str) -> Option<Remembered> {
        Some(self.0.read().ok()?.get(id)?.entry.clone())
    }

    pub fn insert(&self, id: String, entry: Remembered) {
        self.insert_read(id, entry, None);
    }

    /// Takes an entry assessed for the record of the reading in `read_for`
    /// (world key, reading), if any, as [`Memo::extend_read`] does.
    fn insert_read(&self, id: String, entry: Remembered, read_for: Option<(u128, u64)>) {
        if let Ok(mut m) = self.0.write() {
            m.insert(id, Slot { entry, read_for });
        }
    }

    /// Takes many entries at once (a snapshot being loaded).
    pub fn extend(&self, entries: impl IntoIterator<Item = (String, Remembered)>) {
        if let Ok(mut m) = self.0.write() {
            m.extend(entries.into_iter().map(|(id, entry)| {
                (
                    id,
                    Slot {
                        entry,
                        read_for: None,
                    },
                )
            }));
        }
    }

    /// Takes entries read from the snapshot cache with the records of the
    /// reading `reading` ([`crate::model::Records::reading`]), their facts
    /// assessed under the world key `world`. Only the store calls this, for
    /// records it puts into a snapshot exactly as decoded with their entry.
    pub fn extend_read(
        &self,
        entries: impl IntoIterator<Item = (String, Remembered)>,
        world: u128,
        reading: u64,
    ) {
        if let Ok(mut m) = self.0.write() {
            m.extend(entries.into_iter().map(|(id, entry)| {
                (
                    id,
                    Slot {
                        entry,
                        read_for: Some((world, reading)),
                    },
                )
            }));
        }
    }

    /// The facts of `id` when they were read for `world` and `reading`.
    fn read_for(&self, id: &str, world: u128, reading: u64) -> Option<Option<Arc<Facts>>> {
        let m = self.0.read().ok()?;
        let slot = m.get(id)?;
        (slot.read_for? == (world, reading)).then(|| slot.entry.1.clone())
    }
}

/// A postcard "flavor" that hashes what would be written: postcard's encoding
/// is unambiguous for a given type, so equal hashes mean equal values (up to
/// a 2^-128 chance).
struct HashFlavor {
    hasher: SipHasher13,
    buf: [u8; 256],
    len: usize,
}

impl HashFlavor {
    fn new(seed: u128) -> HashFlavor {
        // (truncation intended: the two halves of the seed are the two keys)
        #[allow(clippy::cast_possible_truncation)]
        let (k0, k1) = (seed as u64, (seed >> 64) as u64);
        HashFlavor {
            hasher: SipHasher13::new_with_keys(k0, k1),
            buf: [0; 256],
            len: 0,
        }
    }

    fn flush(&mut self) {
        self.hasher.write(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl postcard::ser_flavors::Flavor for HashFlavor {
    type Output = u128;

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        if self.len == self.buf.len() {
            self.flush();
        }
        self.buf[self.len] = data;
        self.len += 1;
        Ok(())
    }

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        if data.len() > self.buf.len() - self.len {
            self.flush();
            self.hasher.write(data);
        } else {
            self.buf[self.len..self.len + data.len()].copy_from_slice(data);
            self.len += data.len();
        }
        Ok(())
    }

    fn finalize(mut self) -> postcard::Result<u128> {
        self.flush();
        Ok(self.hasher.finish128().as_u128())
    }
}

/// The 128-bit hash of `value` as postcard encodes it, seeded with `seed`.
fn hash<T: Serialize + ?Sized>(seed: u128, value: &T) -> Option<u128> {
    postcard::serialize_with_flavor(value, HashFlavor::new(seed)).ok()
}

/// The key of the campaign-wide inputs of every assessment.
pub fn world_key(snapshot: &Snapshot) -> Option<u128> {
    hash(
        0x7069_6e67_7875_616e,
        &(
            &snapshot.campaign,
            &snapshot.members,
            &snapshot.units,
            &snapshot.rulings,
        ),
    )
}

/// The key of `record`'s assessment in the world `world`.
pub fn record_key(world: u128, record: &Record) -> Option<u128> {
    hash(world, record)
}

/// The facts read from the snapshot cache for record `id` of `snapshot`,
/// when they can be used without hashing (see the module).
fn as_read(
    snapshot: &Snapshot,
    world: u128,
    id: &str,
    record: &Record,
) -> Option<Option<Arc<Facts>>> {
    let reading = snapshot.records.reading()?;
    if !std::ptr::eq(snapshot.records.get(id)?, record) {
        return None;
    }
    snapshot.index.memo.read_for(id, world, reading)
}

/// The ranking facts of record `id`: remembered when its key still fits,
/// else assessed and remembered. `None` when its category is unknown.
/// `world` must be [`world_key`] of `snapshot`, and `record` its record `id`
/// (or another record, which is then checked by its key).
pub fn facts(
    snapshot: &Snapshot,
    world: Option<u128>,
    id: &str,
    record: &Record,
) -> Option<Arc<Facts>> {
    facts_in(&Lookup::plain(snapshot), world, id, record)
}

/// [`facts`] with the units and members found through `lookup` (a
/// [`Lookup::indexed`] for many records).
pub fn facts_in(
    lookup: &Lookup,
    world: Option<u128>,
    id: &str,
    record: &Record,
) -> Option<Arc<Facts>> {
    let snapshot = lookup.snapshot;
    if let Some(f) = world.and_then(|w| as_read(snapshot, w, id, record)) {
        return f;
    }
    let Some(key) = world.and_then(|w| record_key(w, record)) else {
        return Facts::of_in(lookup, record).map(Arc::new);
    };
    let memo = &snapshot.index.memo;
    if let Some((k, f)) = memo.get(id) {
        if k == key {
            return f;
        }
    }
    let f = Facts::of_in(lookup, record).map(Arc::new);
    // Assessed from the snapshot's own record while its records are as
    // read: marked as facts read from the cache are, so that the next
    // ranking of these records (after `fill`, say) does not hash it again.
    let own = snapshot
        .records
        .get(id)
        .is_some_and(|r| std::ptr::eq(r, record));
    let read_for = world.zip(snapshot.records.reading()).filter(|_| own);
    memo.insert_read(id.to_string(), (key, f.clone()), read_for);
    f
}

/// Assesses every record of `snapshot` whose facts are not remembered under
/// its current key (in parallel), so that the snapshot cache can keep them;
/// returns the world key they are remembered under.
pub fn fill(snapshot: &Snapshot) -> Option<u128> {
    use rayon::prelude::*;
    let world = world_key(snapshot)?;
    let lookup = Lookup::indexed(snapshot);
    let records: Vec<(&String, &Record)> = snapshot.records.iter().collect();
    records.par_iter().with_min_len(32).for_each(|(id, r)| {
        facts_in(&lookup, Some(world), id, r);
    });
    Some(world)
}

/// `Vec<Ineligible>` in a form postcard reads back: the enums are written
/// with an internal tag for JSON, which a non-self-describing format cannot
/// read; here they are written as plain variants ([`IneligibleDef`]).
mod ineligible_list {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Ineligible, IneligibleDef};

    #[derive(Serialize)]
    struct Out<'a>(#[serde(with = "IneligibleDef")] &'a Ineligible);

    #[derive(Deserialize)]
    struct In(#[serde(with = "IneligibleDef")] Ineligible);

    pub fn serialize<S: Serializer>(list: &[Ineligible], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(Out))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ineligible>, D::Error> {
        Ok(Vec::<In>::deserialize(d)?
            .into_iter()
            .map(|In(x)| x)
            .collect())
    }
}

/// [`Ineligible`] without its JSON tag (serde's remote derive: a variant
/// added there and not here does not compile).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Ineligible")]
enum IneligibleDef {
    OutOfScope {
        rule: String,
        #[serde(with = "ScopeProblemDef")]
        problem: ScopeProblem,
    },
    UnknownCategory {
        category: String,
    },
    GateFailed {
        gate: GateResult,
    },
    Vetoed {
        department: String,
        reason: String,
    },
    OpinionsMissing {
        departments: Vec<String>,
    },
    Disqualified {
        reason: String,
        fraud: bool,
    },
    Rejected {
        reason: String,
    },
    ObjectionUpheld {
        objection: String,
        reason: String,
    },
    NoScore,
}

/// [`ScopeProblem`] without its JSON tag.
#[derive(Serialize, Deserialize)]
#[serde(remote = "ScopeProblem")]
enum ScopeProblemDef {
    NomineeKind {
        expected: NomineeKind,
        found: NomineeKind,
    },
    UnitKind {
        allowed: Vec<UnitKind>,
        found: UnitKind,
    },
    BrandMissing,
    NotFrontLine,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    /// P2: facts round-trip through postcard (the snapshot cache's format),
    /// every kind of reason included.
    #[test]
    fn facts_round_trip_through_postcard() {
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        let r = s.record("w").unwrap();
        let a = crate::rules::assess(&s, r).unwrap();
        let gate = a.gates.gates[0].clone();
        let f = Facts {
            category: "window".into(),
            final_score: Some(81.25),
            priority: true,
            disagreement: false,
            ineligible: vec![
                Ineligible::OutOfScope {
                    rule: "SCOPE-WINDOW".into(),
                    problem: ScopeProblem::UnitKind {
                        allowed: vec![UnitKind::Street],
                        found: UnitKind::Town,
                    },
                },
                Ineligible::GateFailed { gate },
                Ineligible::OpinionsMissing {
                    departments: vec!["a".into()],
                },
                Ineligible::NoScore,
            ],
            gate_failed: true,
            veto: false,
        };
        let bytes = postcard::to_stdvec(&f).unwrap();
        assert_eq!(postcard::from_bytes::<Facts>(&bytes).unwrap(), f);
    }

    /// The key hashes exactly postcard's bytes, whatever the sizes of the
    /// pieces the serializer hands over (the copy of short pieces, the
    /// buffer's flush, a piece longer than the buffer).
    #[test]
    fn the_hash_is_of_the_postcard_bytes() {
        let seed = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321_u128;
        let plain = |bytes: &[u8]| {
            let mut h = SipHasher13::new_with_keys(seed as u64, (seed >> 64) as u64);
            h.write(bytes);
            h.finish128().as_u128()
        };
        let text: String = (0..700u32)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        for n in 0..=600 {
            let v = (
                n as u64,
                &text[..n],
                vec![&text[..n % 37]; n % 11],
                n as f64,
            );
            let bytes = postcard::to_stdvec(&v).unwrap();
            assert_eq!(hash(seed, &v), Some(plain(&bytes)), "{n}");
        }
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        let r = s.record("w").unwrap();
        assert_eq!(
            record_key(seed, r),
            Some(plain(&postcard::to_stdvec(r).unwrap()))
        );
    }

    /// A record made from the parameters of [`facts_cases`]: any category
    /// (or none known), unit, scores by reviewers, non-reviewers, conflicted
    /// and unknown members, evaluations of every kind, opinions, a decision,
    /// objections, honours and the nomination's own figures.
    #[allow(clippy::type_complexity)]
    fn odd_record(
        s: &mut Snapshot,
        (cat, unit, kind, brand, front_line): (usize, usize, bool, usize, bool),
        scores: &[(usize, Vec<usize>)],
        evaluations: &[(
            usize,
            usize,
            Option<u8>,
            Option<u8>,
            Option<u8>,
            Vec<(usize, u8)>,
        )],
        (opinions, decision, objection): (Vec<usize>, usize, usize),
        (honours, sat, own, incidents): (
            Vec<(usize, i32)>,
            (Option<u8>, Option<u8>),
            Option<u8>,
            Vec<(usize, u8)>,
        ),
    ) {
        use crate::model::{
            EvaluationKind, Honour, Incident, IncidentKind, Level, Mark, NomineeKind,
            ObjectionStatus, Outcome, Resolution, Stance,
        };
        let cats = ["brand", "window", "star", "nope", "十佳服務窗口"];
        let units = ["town-a", "town-b", "ent", "win-0", "nowhere"];
        let who = [
            "r1", "r2", "r3", "r4", "r5", "r6", "chair", "ghost", "clerk-a",
        ];
        let kinds = [
            IncidentKind::NegativeImpact,
            IncidentKind::LiabilityAccident,
            IncidentKind::SafetyAccident,
            IncidentKind::Violation,
            IncidentKind::Complaint,
        ];
        let levels = [
            Level::National,
            Level::Provincial,
            Level::Prefectural,
            Level::Municipal,
            Level::Other,
        ];
        let incident = |(k, d): &(usize, u8)| Incident {
            kind: kinds[k % kinds.len()],
            date: day(1, 1) - chrono::Days::new(u64::from(*d) * 20),
            description: "incident".into(),
        };
        let mut n = nomination("x", cats[cat % cats.len()], units[unit % units.len()]);
        if kind {
            n.nominee.kind = match n.nominee.kind {
                NomineeKind::Person => NomineeKind::Organisation,
                NomineeKind::Organisation => NomineeKind::Person,
            };
        }
        n.brand = [None, Some("  ".to_string()), Some("品牌".to_string())][brand % 3].clone();
        n.nominee.front_line = front_line;
        n.metrics.appraisal_satisfaction.clear();
        for (year, v) in [(2015, sat.0), (2016, sat.1)] {
            if let Some(v) = v {
                n.metrics
                    .appraisal_satisfaction
                    .insert(year, 80.0 + f64::from(v) / 10.0);
            }
        }
        n.metrics.knowledge_rate = own.map(|v| 80.0 + f64::from(v) / 10.0);
        n.metrics.service_satisfaction = own.map(|v| 99.0 - f64::from(v) / 10.0);
        n.metrics.incidents = incidents.iter().map(incident).collect();
        n.honours = honours
            .iter()
            .map(|(l, since)| Honour {
                title: "文明單位".into(),
                level: levels[l % levels.len()],
                since: *since,
            })
            .collect();
        let criteria = s
            .campaign
            .category(&n.category)
            .map(|c| c.criteria.clone())
            .unwrap_or_default();
        let rec = add(s, n);
        for (w, marks) in scores {
            let reviewer = who[w % who.len()];
            let mut score = crate::model::Score {
                reviewer: reviewer.into(),
                marks: Default::default(),
                comment: String::new(),
                time: time(10, 1),
            };
            for (c, m) in criteria.iter().zip(marks) {
                let mark = match m % 7 {
                    0 => Mark::NotScored,
                    1 => Mark::Abstain,
                    2 => Mark::NotApplicable,
                    3 => Mark::Recused,
                    k => Mark::Points(c.max * k as f64 / 7.0),
                };
                score.marks.insert(c.id.clone(), mark);
            }
            if marks.len() > criteria.len() {
                score
                    .marks
                    .insert("unknown-criterion".into(), Mark::Points(3.0));
            }
            rec.scores.insert(reviewer.into(), score);
        }
        let ekinds = [
            EvaluationKind::Routine,
            EvaluationKind::Unannounced,
            EvaluationKind::SiteVisit,
            EvaluationKind::Interview,
        ];
        for (i, (w, k, rating, know, serv, inc)) in evaluations.iter().enumerate() {
            let author = who[w % who.len()];
            let mut e = evaluation(
                author,
                ekinds[k % ekinds.len()],
                day(9, 1 + (i as u32 % 3)),
                rating.map(|r| f64::from(r % 101)),
            );
            e.knowledge_rate = know.map(|v| 80.0 + f64::from(v) / 10.0);
            e.service_satisfaction = serv.map(|v| 80.0 + f64::from(v) / 10.0);
            e.incidents = inc.iter().map(incident).collect();
            rec.evaluations
                .insert(format!("2017090{}-{i}-{author}", i % 3), e);
        }
        let depts = [
            "jijian", "zongzhi", "wangguan", "xinfang", "huanbao", "jisheng", "anquan",
        ];
        for (d, o) in depts.iter().zip(opinions) {
            match o % 4 {
                0 => {}
                1 => {
                    rec.opinions
                        .insert((*d).into(), opinion(d, Stance::Approve));
                }
                2 => {
                    rec.opinions
                        .insert((*d).into(), opinion(d, Stance::Concern));
                }
                _ => {
                    rec.opinions.insert((*d).into(), opinion(d, Stance::Veto));
                }
            }
        }
        rec.decision = match decision % 6 {
            0 => None,
            1 => Some(crate::rules::fixture::decision(
                Outcome::Candidate,
                "chair",
                day(11, 30),
            )),
            2 => Some(crate::rules::fixture::decision(
                Outcome::Final,
                "chair",
                day(12, 20),
            )),
            3 => Some(crate::rules::fixture::decision(
                Outcome::Rejected,
                "chair",
                day(11, 30),
            )),
            4 => Some(crate::rules::fixture::decision(
                Outcome::Disqualified,
                "chair",
                day(11, 30),
            )),
            _ => Some(crate::model::Decision {
                fraud: true,
                ..crate::rules::fixture::decision(Outcome::Disqualified, "chair", day(11, 30))
            }),
        };
        for i in 0..objection % 4 {
            let status = [
                ObjectionStatus::Open,
                ObjectionStatus::Upheld,
                ObjectionStatus::Dismissed,
            ][(objection / 4 + i) % 3];
            let mut o = crate::rules::fixture::objection(i % 2 == 0, status);
            if status != ObjectionStatus::Open {
                o.resolution = Some(Resolution {
                    by: "chair".into(),
                    date: day(12, 5),
                    reason: format!("resolved {i}"),
                });
            }
            rec.objections.insert(format!("20171203-{i}"), o);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Issue 18, P1: the facts computed the short way ([`brief`], with
        /// plain or indexed lookups) are those of the whole assessment, for
        /// records of every shape, under every aggregation method and with
        /// members' declared conflicts.
        #[test]
        fn facts_cases(
            head in (0..5usize, 0..5usize, proptest::bool::ANY, 0..3usize, proptest::bool::ANY),
            scores in proptest::collection::vec((0..9usize, proptest::collection::vec(0..7usize, 0..8)), 0..8),
            evaluations in proptest::collection::vec(
                (0..9usize, 0..4usize, proptest::option::of(0..120u8), proptest::option::of(0..200u8),
                 proptest::option::of(0..200u8), proptest::collection::vec((0..5usize, 0..60u8), 0..3)),
                0..6),
            verdicts in (proptest::collection::vec(0..4usize, 0..8), 0..6usize, 0..12usize),
            figures in (proptest::collection::vec((0..5usize, 2005..2018i32), 0..3),
                        (proptest::option::of(0..200u8), proptest::option::of(0..200u8)),
                        proptest::option::of(0..200u8),
                        proptest::collection::vec((0..5usize, 0..60u8), 0..3)),
            settings in (0..3usize, 0..7u32, 0.0f64..1.0, 0.0f64..30.0),
            conflicts in (0..4usize, proptest::bool::ANY),
        ) {
            use crate::model::{AggregateMethod, Conflict};
            let mut s = snapshot();
            let a = &mut s.campaign.aggregation;
            a.method = [AggregateMethod::Mean, AggregateMethod::Median, AggregateMethod::TrimmedMean][settings.0];
            a.trim_min_reviews = settings.1;
            a.evaluation_weight = settings.2;
            a.disagreement_spread = settings.3;
            let m = &mut s.members[4 + conflicts.0];
            if conflicts.1 {
                m.conflicts.push(Conflict { unit: None, nomination: Some("x".into()), reason: "kin".into() });
            } else {
                m.conflicts.push(Conflict { unit: Some("town-b".into()), nomination: None, reason: "job".into() });
            }
            odd_record(&mut s, head, &scores, &evaluations, verdicts, figures);
            let r = s.record("x").unwrap();
            let long = crate::rules::assess(&s, r).map(Facts::of_assessment);
            proptest::prop_assert_eq!(&Facts::of(&s, r), &long);
            proptest::prop_assert_eq!(&Facts::of_in(&Lookup::indexed(&s), r), &long);
        }
    }

    /// A snapshot as the store gives it after a warm open: its records as
    /// read, and for "w" facts remembered from the cache — deliberately not
    /// the real ones (a fake final score under a fake key), so that a test
    /// sees which are used.
    fn warm_with_fake_facts() -> (Snapshot, Facts) {
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        let world = world_key(&s).unwrap();
        let mut fake = Facts::of(&s, s.record("w").unwrap()).unwrap();
        fake.final_score = Some(12.5);
        let records = std::mem::take(&mut s.records).into_inner();
        s.records = crate::model::Records::as_read(records);
        // A key that does not fit either: checked by key, the facts are
        // assessed anew; trusted, the fakes are used.
        let key = record_key(world, s.record("w").unwrap()).unwrap() ^ 1;
        s.index.memo.extend_read(
            [("w".to_string(), (key, Some(Arc::new(fake.clone()))))],
            world,
            s.records.reading().unwrap(),
        );
        (s, fake)
    }

    fn facts_of(s: &Snapshot, id: &str) -> Facts {
        (*facts(s, world_key(s), id, s.record(id).unwrap()).unwrap()).clone()
    }

    /// P2: facts read from the cache are used without hashing while the
    /// records are as read; any edit, a campaign change, another record or
    /// another reading's records gets facts assessed anew.
    #[test]
    fn facts_read_with_their_records_are_trusted_only_while_nothing_changed() {
        let (s, fake) = warm_with_fake_facts();
        assert_eq!(facts_of(&s, "w"), fake, "trusted without hashing");
        let real = Facts::of(&s, s.record("w").unwrap()).unwrap();
        assert_ne!(real, fake);
        // A clone holds the same records: it may trust them too.
        assert_eq!(facts_of(&s.clone(), "w"), fake);
        // An edit through any mutable access: assessed anew (here, the
        // record is unchanged in content, so the real facts come back).
        let mut touched = s.clone();
        let _ = touched.records.get_mut("w");
        assert_eq!(facts_of(&touched, "w"), real, "touched");
        let mut edited = s.clone();
        edited.records.get_mut("w").unwrap().opinions.clear();
        let after = facts_of(&edited, "w");
        assert!(!after.ineligible.is_empty(), "opinions missing: {after:?}");
        // The campaign changed in memory: another world key.
        let (mut stricter, _) = warm_with_fake_facts();
        for c in &mut stricter.campaign.categories {
            c.min_score += 1.0;
        }
        assert_ne!(facts_of(&stricter, "w"), fake, "campaign edited");
        // A record that is not the snapshot's own, under the same id.
        let (s, fake) = warm_with_fake_facts();
        let other = s.record("w").unwrap().clone();
        let got = facts(&s, world_key(&s), "w", &other).unwrap();
        assert_ne!(*got, fake, "another record is checked by its key");
        // Records of another reading, even equal ones, swapped in.
        let (mut s, fake) = warm_with_fake_facts();
        let (t, _) = warm_with_fake_facts();
        s.records = t.records.clone();
        assert!(s.records.is_as_read());
        assert_ne!(facts_of(&s, "w"), fake, "another reading's records");
        // The memo of another reading swapped in.
        let (mut s, fake) = warm_with_fake_facts();
        s.index.memo = t.index.memo.clone();
        assert_ne!(facts_of(&s, "w"), fake, "another reading's memo");
        // An edited clone writes its facts into the shared memo: the
        // original no longer trusts the slot, and checks by key again.
        let (s, _) = warm_with_fake_facts();
        let mut clone = s.clone();
        clone.records.get_mut("w").unwrap().opinions.clear();
        let edited = facts_of(&clone, "w");
        assert_eq!(facts_of(&s, "w"), real, "the original, after the clone");
        assert_eq!(facts_of(&clone, "w"), edited);
    }

    /// P1: facts assessed for the snapshot's own records while they are as
    /// read are marked for that reading (the next ranking, e.g. after
    /// `fill`, uses them without hashing), keep their key, and are marked
    /// for nothing else: not for a record that is not the snapshot's own,
    /// not for records edited in memory; an edited clone is assessed anew.
    #[test]
    fn facts_assessed_for_records_as_read_are_marked_for_their_reading() {
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        complete(&mut s, "v", "window", "win-1", 0.7);
        let records = std::mem::take(&mut s.records).into_inner();
        s.records = crate::model::Records::as_read(records);
        let world = fill(&s).unwrap();
        let reading = s.records.reading().unwrap();
        let memo = &s.index.memo;
        for id in ["w", "v"] {
            let marked = memo.read_for(id, world, reading).unwrap().unwrap();
            assert_eq!(*marked, Facts::of(&s, s.record(id).unwrap()).unwrap());
            let (key, _) = memo.get(id).unwrap();
            assert_eq!(Some(key), record_key(world, s.record(id).unwrap()));
        }
        assert!(memo.read_for("w", world ^ 1, reading).is_none());
        assert!(memo.read_for("w", world, reading + 1).is_none());
        // Another record under the id "v" (equal, but not the snapshot's):
        // checked by key, and its facts are not marked.
        let other = s.record("w").unwrap().clone();
        let got = facts(&s, Some(world), "v", &other).unwrap();
        assert_eq!(got.final_score, Facts::of(&s, &other).unwrap().final_score);
        assert!(memo.read_for("v", world, reading).is_none(), "not its own");
        // An edited clone: its records are not as read; assessed anew, and
        // not marked; the original's own facts come back afterwards.
        let mut clone = s.clone();
        clone.records.get_mut("w").unwrap().opinions.clear();
        let edited = facts_of(&clone, "w");
        assert!(!edited.ineligible.is_empty());
        assert!(memo.read_for("w", world, reading).is_none(), "edited");
        assert!(facts_of(&s, "w").ineligible.is_empty());
        assert!(memo.read_for("w", world, reading).is_some(), "marked again");
    }

    /// P2: a record edited in memory (not through the store) gets a new key,
    /// so its remembered facts are not used; so does a campaign change.
    #[test]
    fn an_edited_record_or_campaign_is_assessed_anew() {
        let mut s = snapshot();
        complete(&mut s, "w", "window", "win-0", 0.9);
        let world = world_key(&s);
        let before = facts(&s, world, "w", s.record("w").unwrap()).unwrap();
        assert!(before.ineligible.is_empty(), "{before:?}");
        assert_eq!(s.index.memo.len(), 1);
        let mut edited = s.clone();
        edited.records.get_mut("w").unwrap().opinions.clear();
        let after = facts(
            &edited,
            world_key(&edited),
            "w",
            edited.record("w").unwrap(),
        )
        .unwrap();
        assert!(!after.ineligible.is_empty(), "opinions missing now");
        // The memo is shared with the clone; the original still gets its own.
        let again = facts(&s, world, "w", s.record("w").unwrap()).unwrap();
        assert_eq!(again, before);
        let mut stricter = s.clone();
        for c in &mut stricter.campaign.categories {
            c.min_score += 1.0;
        }
        assert_ne!(world_key(&stricter), world);
        let mut no_members = s.clone();
        no_members.members.clear();
        let f = facts(
            &no_members,
            world_key(&no_members),
            "w",
            no_members.record("w").unwrap(),
        )
        .unwrap();
        assert_ne!(f.final_score, before.final_score, "no reviewer counts now");
    }
}
