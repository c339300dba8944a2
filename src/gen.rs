//! `pingxuan gen`: a deterministic province-scale campaign for benchmarks —
//! N nominations over the three categories, 60 reviewers, and per nomination
//! about 5 scores, 3 evaluations, 7 opinions, votes, 0–2 objections and a
//! decision, one unsigned commit per action, streamed into `git fast-import`.
//! The last [`OPEN_SHARE`] of the nominations are still open when the
//! generated year ends (no objection, no decision yet), so a benchmark can
//! still act on them (P5: FREEZE refuses a score on a decided record).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, FixedOffset, TimeZone};

use crate::model::*;
use crate::store::codec::to_ron;
use crate::store::layout;

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{0} exists; choose a new folder")]
    Exists(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("git fast-import failed: {0}")]
    FastImport(String),
    #[error("the sample campaign does not parse: {0}")]
    Sample(String),
    #[error(transparent)]
    Git(#[from] git2::Error),
}

/// A small deterministic generator (SplitMix64): same seed, same repository.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in [lo, hi), rounded to a tenth.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        let x = lo + (hi - lo) * (self.below(1_000_000) as f64 / 1_000_000.0);
        (x * 10.0).round() / 10.0
    }
}

const SURNAMES: &[&str] = &[
    "\u{738b}", "\u{674e}", "\u{5f20}", "\u{5218}", "\u{9648}", "\u{6768}", "\u{8d75}", "\u{9ec4}",
];
const GIVEN: &[&str] = &[
    "\u{4f1f}", "\u{82b3}", "\u{654f}", "\u{9759}", "\u{5f3a}", "\u{78ca}", "\u{519b}", "\u{6d0b}",
];

fn name(i: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[i % SURNAMES.len()],
        GIVEN[(i / 8) % GIVEN.len()],
        GIVEN[(i / 64) % GIVEN.len()]
    )
}

struct Stream<W: Write> {
    out: W,
    mark: u64,
    when: DateTime<FixedOffset>,
}

impl<W: Write> Stream<W> {
    fn commit(
        &mut self,
        who: &Member,
        kind: ActionKind,
        record: Option<&str>,
        files: &[(String, String)],
    ) -> std::io::Result<()> {
        self.mark += 1;
        self.when += Duration::seconds(7);
        let mut msg = format!(
            "{} {}\n\nPingxuan-Action: {}\n",
            kind.as_str(),
            record.unwrap_or(""),
            kind.as_str()
        );
        if let Some(r) = record {
            msg.push_str(&format!("Pingxuan-Record: {r}\n"));
        }
        msg.push_str(&format!("Pingxuan-Actor: {}\n", who.id));
        let stamp = format!("{} +0800", self.when.timestamp());
        write!(self.out, "commit refs/heads/main\nmark :{}\n", self.mark)?;
        write!(
            self.out,
            "author {} <{}> {stamp}\ncommitter {} <{}> {stamp}\n",
            who.name, who.email, who.name, who.email
        )?;
        write!(self.out, "data {}\n{msg}", msg.len())?;
        if self.mark > 1 {
            writeln!(self.out, "from :{}", self.mark - 1)?;
        }
        for (path, content) in files {
            write!(
                self.out,
                "M 100644 inline {path}\ndata {}\n{content}\n",
                content.len()
            )?;
        }
        writeln!(self.out)
    }
}

fn ron_of<T: serde::Serialize>(v: &T) -> String {
    to_ron(v).unwrap_or_default()
}

/// One nomination in this many, the last ones, is left undecided (5%).
pub const OPEN_SHARE: usize = 20;

/// How many of `n` nominations get their December (objections, decision):
/// all but the last `n / OPEN_SHARE`.
pub fn decided(n: usize) -> usize {
    n - n / OPEN_SHARE
}

/// Generates the repository (bare) at `dir` with `n` nominations.
pub fn generate(dir: &Path, n: usize, seed: u64) -> Result<u64, GenError> {
    generate_with(dir, n, seed, &mut |_, _| {})
}

/// The people of a generated campaign: the office, its units and members.
struct People {
    units: Vec<Unit>,
    members: Vec<Member>,
    chair: Member,
    reviewers: Vec<Member>,
    clerks: Vec<Member>,
}

impl People {
    /// One chair, 60 reviewers and 3 clerks of the office; one window unit per
    /// `per_cat` nominations of a category.
    fn new(office: &str, per_cat: usize) -> People {
        let mut units = vec![Unit {
            id: office.to_string(),
            name: "\u{5e02}\u{6587}\u{660e}\u{529e}".into(),
            kind: UnitKind::Department,
            parent: None,
        }];
        for u in 0..per_cat {
            units.push(Unit {
                id: format!("unit-{u:05}"),
                name: format!("\u{670d}\u{52a1}\u{5355}\u{4f4d}{u:05}"),
                kind: UnitKind::WindowUnit,
                parent: None,
            });
        }
        let member = |id: String, i: usize, role: Role| Member {
            email: format!("{id}@gen.example"),
            id,
            name: name(i),
            roles: vec![role],
            unit: office.to_string(),
            keys: vec![],
            conflicts: vec![],
        };
        let chair = member("chair".into(), 0, Role::Chair);
        let reviewers: Vec<Member> = (0..60)
            .map(|i| member(format!("reviewer-{i:02}"), i + 1, Role::Reviewer))
            .collect();
        let clerks: Vec<Member> = (0..3)
            .map(|i| member(format!("clerk-{i}"), i + 70, Role::Clerk))
            .collect();
        let mut members = vec![chair.clone()];
        members.extend(reviewers.iter().cloned());
        members.extend(clerks.iter().cloned());
        People {
            units,
            members,
            chair,
            reviewers,
            clerks,
        }
    }

    fn clerk(&self, i: usize) -> &Member {
        &self.clerks[i % self.clerks.len()]
    }
}

/// A nomination id, its category and its unit's number.
type Entry = (String, &'static str, usize);

/// The generator's state while it writes the fast-import stream.
struct Gen<'a, W: Write> {
    s: Stream<W>,
    rng: Rng,
    tz: FixedOffset,
    start: DateTime<FixedOffset>,
    campaign: &'a Campaign,
    people: &'a People,
}

fn write_err(e: std::io::Error) -> GenError {
    GenError::Io {
        what: "writing to git fast-import".into(),
        source: e,
    }
}

fn path_of(r: Result<String, BadId>) -> Result<String, GenError> {
    r.map_err(|e| GenError::FastImport(e.to_string()))
}

fn day(m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2017, m, d).unwrap_or_default()
}

impl<W: Write> Gen<'_, W> {
    fn commit(
        &mut self,
        who: &Member,
        kind: ActionKind,
        record: Option<&str>,
        files: &[(String, String)],
    ) -> Result<(), GenError> {
        self.s.commit(who, kind, record, files).map_err(write_err)
    }

    /// Moves the clock to 08:00 of a day of 2017.
    fn at(&mut self, m: u32, d: u32) {
        self.s.when = self
            .tz
            .with_ymd_and_hms(2017, m, d, 8, 0, 0)
            .single()
            .unwrap_or(self.start);
    }

    /// June: the `k`th registration.
    fn register(&mut self, k: usize, (id, cat, unit): &Entry) -> Result<(), GenError> {
        let rng = &mut self.rng;
        let person = *cat == "star";
        let nom = Nomination {
            id: id.clone(),
            category: (*cat).to_string(),
            unit: format!("unit-{unit:05}"),
            nominee: Nominee {
                kind: if person { NomineeKind::Person } else { NomineeKind::Organisation },
                name: if person { name(k) } else { format!("\u{670d}\u{52a1}\u{7a97}\u{53e3}{k:05}") },
                workplace: None,
                post: None,
                front_line: true,
                gender: None,
                born: None,
                political_status: None,
                education: None,
            },
            brand: (*cat == "brand").then(|| format!("\u{54c1}\u{724c}{k:05}")),
            registered: day(6, 20),
            contact: Contact {
                name: name(k + 3),
                phone: format!("0632-55{:05}", k % 100_000),
            },
            deeds: format!("\u{70ed}\u{60c5}\u{670d}\u{52a1}\u{ff0c}\u{7fa4}\u{4f17}\u{6ee1}\u{610f}\u{3002}{}", name(k + 5)),
            metrics: Metrics {
                appraisal_satisfaction: [(2015, rng.range(88.0, 99.0)), (2016, rng.range(88.0, 99.0))].into_iter().collect(),
                service_satisfaction: Some(rng.range(88.0, 99.5)),
                knowledge_rate: Some(rng.range(88.0, 99.5)),
                incidents: vec![],
            },
            honours: vec![],
            media: vec![],
            activities: vec![],
            supervisors: vec![],
            evidence: vec![Evidence {
                title: "\u{7533}\u{62a5}\u{6750}\u{6599}".into(),
                reference: format!("GEN-{k:05}"),
            }],
            form_filed: Some(day(11, 10)),
        };
        let path = path_of(layout::nomination_path(id))?;
        let people = self.people;
        self.commit(
            people.clerk(k),
            ActionKind::Nominate,
            Some(id),
            &[(path, ron_of(&nom))],
        )
    }

    /// Review: the `k`th nomination's three evaluations.
    fn evaluate(&mut self, k: usize, id: &str) -> Result<(), GenError> {
        let people = self.people;
        let kinds = [
            EvaluationKind::Routine,
            EvaluationKind::Unannounced,
            EvaluationKind::SiteVisit,
        ];
        for (j, kind) in kinds.into_iter().enumerate() {
            let author = &people.reviewers[(k * 7 + j * 13) % people.reviewers.len()];
            let e = Evaluation {
                kind,
                author: author.id.clone(),
                date: self.s.when.date_naive(),
                rating: Some(self.rng.range(75.0, 99.0)),
                findings: "\u{670d}\u{52a1}\u{89c4}\u{8303}".into(),
                knowledge_rate: None,
                service_satisfaction: None,
                incidents: vec![],
            };
            let stem = format!(
                "{}-{}",
                crate::store::plan::stamp(&(self.s.when + Duration::seconds(7))),
                author.id
            );
            let path = path_of(layout::evaluation_path(id, &stem))?;
            self.commit(
                author,
                ActionKind::Evaluate,
                Some(id),
                &[(path, ron_of(&e))],
            )?;
        }
        Ok(())
    }

    /// Review: five reviewers' scores of the `k`th nomination.
    fn score(&mut self, k: usize, id: &str, cat: &str) -> Result<(), GenError> {
        let people = self.people;
        let category = self.campaign.categories.iter().find(|c| c.id == *cat);
        let base = self.rng.range(0.75, 0.97);
        for j in 0..5 {
            let r = &people.reviewers[(k * 11 + j * 5) % people.reviewers.len()];
            let rng = &mut self.rng;
            let marks = category
                .map(|c| {
                    c.criteria
                        .iter()
                        .map(|cr| {
                            let f = (base + rng.range(-0.08, 0.08)).clamp(0.0, 1.0);
                            (
                                cr.id.clone(),
                                Mark::Points((cr.max * f * 2.0).round() / 2.0),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let sc = Score {
                reviewer: r.id.clone(),
                marks,
                comment: String::new(),
                time: self.s.when + Duration::seconds(7),
            };
            let path = path_of(layout::score_path(id, &r.id))?;
            self.commit(r, ActionKind::Score, Some(id), &[(path, ron_of(&sc))])?;
        }
        Ok(())
    }

    /// Review: the departments' opinions and the votes of the `k`th nomination.
    fn opinions_and_votes(&mut self, k: usize, id: &str) -> Result<(), GenError> {
        let people = self.people;
        for (j, d) in self.campaign.departments.iter().enumerate() {
            let stance = if self.rng.below(200) == 0 {
                Stance::Veto
            } else {
                Stance::Approve
            };
            let o = Opinion {
                department: d.id.clone(),
                stance,
                reason: if stance == Stance::Veto {
                    "\u{91cd}\u{590d}\u{4fe1}\u{8bbf}".into()
                } else {
                    String::new()
                },
                recorded_by: people.clerk(k + j).id.clone(),
                date: day(11, 20),
            };
            let path = path_of(layout::opinion_path(id, &d.id))?;
            self.commit(
                people.clerk(k + j),
                ActionKind::Opinion,
                Some(id),
                &[(path, ron_of(&o))],
            )?;
        }
        let v = Votes {
            satisfied: 150 + self.rng.below(60) as u32,
            basically_satisfied: 20 + self.rng.below(20) as u32,
            dissatisfied: self.rng.below(10) as u32,
            recorded_by: people.clerk(k).id.clone(),
            date: day(11, 25),
        };
        let path = path_of(layout::votes_path(id))?;
        self.commit(
            people.clerk(k),
            ActionKind::Vote,
            Some(id),
            &[(path, ron_of(&v))],
        )
    }

    /// December: the `k`th nomination's objections (dismissed) and decision.
    fn objections_and_decision(&mut self, k: usize, id: &str) -> Result<(), GenError> {
        let people = self.people;
        for j in 0..self.rng.below(3) {
            let filed = self.s.when + Duration::seconds(7);
            let o = Objection {
                filed,
                source: "\u{6765}\u{4fe1}".into(),
                text: "\u{53cd}\u{6620}\u{670d}\u{52a1}\u{95ee}\u{9898}".into(),
                fraud: false,
                recorded_by: people.clerk(k).id.clone(),
                status: ObjectionStatus::Dismissed,
                resolution: Some(Resolution {
                    by: people.chair.id.clone(),
                    date: day(12, 8),
                    reason: "\u{7ecf}\u{6838}\u{5b9e}\u{4e0d}\u{5c5e}\u{5b9e}".into(),
                }),
            };
            let stem = format!("{}-{}", crate::store::plan::stamp(&filed), j + 1);
            let path = path_of(layout::objection_path(id, &stem))?;
            self.commit(
                people.clerk(k),
                ActionKind::Object,
                Some(id),
                &[(path, ron_of(&o))],
            )?;
        }
        let d = Decision {
            outcome: if k.is_multiple_of(3) {
                Outcome::Candidate
            } else {
                Outcome::Rejected
            },
            reason: "\u{8bc4}\u{59d4}\u{4f1a}\u{51b3}\u{5b9a}".into(),
            fraud: false,
            by: people.chair.id.clone(),
            date: day(12, 12),
            reopened: None,
        };
        let path = path_of(layout::decision_path(id))?;
        self.commit(
            &people.chair,
            ActionKind::Decide,
            Some(id),
            &[(path, ron_of(&d))],
        )
    }
}

/// Starts `git fast-import` into a new bare repository at `dir`.
fn start_import(dir: &Path) -> Result<std::process::Child, GenError> {
    let opts = {
        let mut o = git2::RepositoryInitOptions::new();
        o.bare(true).initial_head("main").mkpath(true);
        o
    };
    git2::Repository::init_opts(dir, &opts)?;
    Command::new("git")
        .args(["fast-import", "--quiet", "--done"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| GenError::Io {
            what: "running git fast-import".into(),
            source,
        })
}

/// [`generate`], telling `progress` (commits written, commits expected) as it goes.
pub fn generate_with(
    dir: &Path,
    n: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<u64, GenError> {
    // Per nomination: its registration, 3 evaluations, 5 scores, the
    // departments' opinions, the votes; for the decided ones about one
    // objection and the decision.
    let expected = 1 + n * 17 + decided(n) * 2;
    let mut tell = |done: u64| progress((done as usize).min(expected), expected);
    if dir.exists() {
        return Err(GenError::Exists(dir.display().to_string()));
    }
    let mut campaign: Campaign =
        crate::store::codec::from_ron("campaign.ron", crate::sample::CAMPAIGN.as_bytes())
            .map_err(|p| GenError::Sample(p.to_string()))?;
    campaign.signing_required = false;
    let people = People::new(&campaign.office_unit.clone(), n.div_ceil(3));
    let mut child = start_import(dir)?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| GenError::FastImport("no stdin".into()))?;
    let tz =
        FixedOffset::east_opt(8 * 3600).ok_or_else(|| GenError::FastImport("offset".into()))?;
    let start = tz
        .with_ymd_and_hms(2017, 6, 16, 8, 0, 0)
        .single()
        .ok_or_else(|| GenError::FastImport("date".into()))?;
    let mut g = Gen {
        s: Stream {
            out: std::io::BufWriter::with_capacity(1 << 20, stdin),
            mark: 0,
            when: start,
        },
        rng: Rng(seed),
        tz,
        start,
        campaign: &campaign,
        people: &people,
    };
    g.commit(
        &people.chair,
        ActionKind::Setup,
        None,
        &[
            (layout::CAMPAIGN.into(), ron_of(&campaign)),
            (layout::UNITS.into(), ron_of(&people.units)),
            (layout::MEMBERS.into(), ron_of(&people.members)),
        ],
    )?;
    let cats = ["brand", "window", "star"];
    let ids: Vec<Entry> = (0..n)
        .map(|i| {
            (
                format!("g-{}-{:05}", cats[i % 3], i / 3),
                cats[i % 3],
                i / 3,
            )
        })
        .collect();
    for (k, entry) in ids.iter().enumerate() {
        if k % 64 == 0 {
            tell(g.s.mark);
        }
        g.register(k, entry)?;
    }
    g.at(9, 1);
    for (k, (id, cat, _)) in ids.iter().enumerate() {
        if k % 64 == 0 {
            tell(g.s.mark);
        }
        g.evaluate(k, id)?;
        g.score(k, id, cat)?;
        g.opinions_and_votes(k, id)?;
    }
    g.at(12, 5);
    for (k, (id, _, _)) in ids.iter().enumerate().take(decided(n)) {
        if k % 64 == 0 {
            tell(g.s.mark);
        }
        g.objections_and_decision(k, id)?;
    }
    let Gen { mut s, .. } = g;
    let commits = s.mark;
    progress(commits as usize, commits as usize);
    s.out.write_all(b"done\n").map_err(write_err)?;
    s.out.flush().map_err(write_err)?;
    drop(s);
    let out = child.wait_with_output().map_err(|source| GenError::Io {
        what: "waiting for git fast-import".into(),
        source,
    })?;
    if !out.status.success() {
        return Err(GenError::FastImport(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(commits)
}
