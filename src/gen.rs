//! `pingxuan gen`: a deterministic province-scale campaign for benchmarks —
//! N nominations over the three categories, 60 reviewers, and per nomination
//! about 5 scores, 3 evaluations, 7 opinions, votes, 0–2 objections and a
//! decision, one unsigned commit per action, streamed into `git fast-import`.

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

/// Generates the repository (bare) at `dir` with `n` nominations.
pub fn generate(dir: &Path, n: usize, seed: u64) -> Result<u64, GenError> {
    generate_with(dir, n, seed, &mut |_, _| {})
}

/// [`generate`], telling `progress` (commits written, commits expected) as it goes.
pub fn generate_with(
    dir: &Path,
    n: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<u64, GenError> {
    // Per nomination: its registration, 3 evaluations, 5 scores, the
    // departments' opinions, the votes, about one objection and the decision.
    let expected = 1 + n * 19;
    let mut tell = |done: u64| progress((done as usize).min(expected), expected);
    if dir.exists() {
        return Err(GenError::Exists(dir.display().to_string()));
    }
    let io = |what: &str| {
        let what = what.to_string();
        move |source| GenError::Io { what, source }
    };
    let mut campaign: Campaign =
        crate::store::codec::from_ron("campaign.ron", crate::sample::CAMPAIGN.as_bytes())
            .map_err(|p| GenError::Sample(p.to_string()))?;
    campaign.signing_required = false;
    let office = campaign.office_unit.clone();
    let per_cat = n.div_ceil(3);
    let mut units = vec![Unit {
        id: office.clone(),
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
        unit: office.clone(),
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

    let opts = {
        let mut o = git2::RepositoryInitOptions::new();
        o.bare(true).initial_head("main").mkpath(true);
        o
    };
    git2::Repository::init_opts(dir, &opts)?;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet", "--done"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io("running git fast-import"))?;
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
    let mut s = Stream {
        out: std::io::BufWriter::with_capacity(1 << 20, stdin),
        mark: 0,
        when: start,
    };
    let mut rng = Rng(seed);
    let w = |e: std::io::Error| GenError::Io {
        what: "writing to git fast-import".into(),
        source: e,
    };
    s.commit(
        &chair,
        ActionKind::Setup,
        None,
        &[
            (layout::CAMPAIGN.into(), ron_of(&campaign)),
            (layout::UNITS.into(), ron_of(&units)),
            (layout::MEMBERS.into(), ron_of(&members)),
        ],
    )
    .map_err(w)?;
    let cats = ["brand", "window", "star"];
    let ids: Vec<(String, &str, usize)> = (0..n)
        .map(|i| {
            (
                format!("g-{}-{:05}", cats[i % 3], i / 3),
                cats[i % 3],
                i / 3,
            )
        })
        .collect();
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(2017, m, d).unwrap_or_default();
    let clerk = |i: usize| &clerks[i % clerks.len()];
    // June: registrations.
    for (k, (id, cat, unit)) in ids.iter().enumerate() {
        if k % 64 == 0 {
            tell(s.mark);
        }
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
        let path = layout::nomination_path(id).map_err(|e| GenError::FastImport(e.to_string()))?;
        s.commit(
            clerk(k),
            ActionKind::Nominate,
            Some(id),
            &[(path, ron_of(&nom))],
        )
        .map_err(w)?;
    }
    let campaign_cats: Vec<Category> = campaign.categories.clone();
    let path = |r: Result<String, BadId>| r.map_err(|e| GenError::FastImport(e.to_string()));
    // Review: evaluations, scores, opinions, votes.
    s.when = tz
        .with_ymd_and_hms(2017, 9, 1, 8, 0, 0)
        .single()
        .unwrap_or(start);
    for (k, (id, cat, _)) in ids.iter().enumerate() {
        if k % 64 == 0 {
            tell(s.mark);
        }
        let kinds = [
            EvaluationKind::Routine,
            EvaluationKind::Unannounced,
            EvaluationKind::SiteVisit,
        ];
        for (j, kind) in kinds.into_iter().enumerate() {
            let author = &reviewers[(k * 7 + j * 13) % reviewers.len()];
            let e = Evaluation {
                kind,
                author: author.id.clone(),
                date: s.when.date_naive(),
                rating: Some(rng.range(75.0, 99.0)),
                findings: "\u{670d}\u{52a1}\u{89c4}\u{8303}".into(),
                knowledge_rate: None,
                service_satisfaction: None,
                incidents: vec![],
            };
            let stem = format!(
                "{}-{}",
                crate::store::plan::stamp(&(s.when + Duration::seconds(7))),
                author.id
            );
            s.commit(
                author,
                ActionKind::Evaluate,
                Some(id),
                &[(path(layout::evaluation_path(id, &stem))?, ron_of(&e))],
            )
            .map_err(w)?;
        }
        let category = campaign_cats.iter().find(|c| c.id == *cat);
        let base = rng.range(0.75, 0.97);
        for j in 0..5 {
            let r = &reviewers[(k * 11 + j * 5) % reviewers.len()];
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
                time: s.when + Duration::seconds(7),
            };
            s.commit(
                r,
                ActionKind::Score,
                Some(id),
                &[(path(layout::score_path(id, &r.id))?, ron_of(&sc))],
            )
            .map_err(w)?;
        }
        for (j, d) in campaign.departments.iter().enumerate() {
            let stance = if rng.below(200) == 0 {
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
                recorded_by: clerk(k + j).id.clone(),
                date: day(11, 20),
            };
            s.commit(
                clerk(k + j),
                ActionKind::Opinion,
                Some(id),
                &[(path(layout::opinion_path(id, &d.id))?, ron_of(&o))],
            )
            .map_err(w)?;
        }
        let v = Votes {
            satisfied: 150 + rng.below(60) as u32,
            basically_satisfied: 20 + rng.below(20) as u32,
            dissatisfied: rng.below(10) as u32,
            recorded_by: clerk(k).id.clone(),
            date: day(11, 25),
        };
        s.commit(
            clerk(k),
            ActionKind::Vote,
            Some(id),
            &[(path(layout::votes_path(id))?, ron_of(&v))],
        )
        .map_err(w)?;
    }
    // December: objections and decisions.
    s.when = tz
        .with_ymd_and_hms(2017, 12, 5, 8, 0, 0)
        .single()
        .unwrap_or(start);
    for (k, (id, _, _)) in ids.iter().enumerate() {
        if k % 64 == 0 {
            tell(s.mark);
        }
        for j in 0..rng.below(3) {
            let filed = s.when + Duration::seconds(7);
            let o = Objection {
                filed,
                source: "\u{6765}\u{4fe1}".into(),
                text: "\u{53cd}\u{6620}\u{670d}\u{52a1}\u{95ee}\u{9898}".into(),
                fraud: false,
                recorded_by: clerk(k).id.clone(),
                status: ObjectionStatus::Dismissed,
                resolution: Some(Resolution {
                    by: chair.id.clone(),
                    date: day(12, 8),
                    reason: "\u{7ecf}\u{6838}\u{5b9e}\u{4e0d}\u{5c5e}\u{5b9e}".into(),
                }),
            };
            let stem = format!("{}-{}", crate::store::plan::stamp(&filed), j + 1);
            s.commit(
                clerk(k),
                ActionKind::Object,
                Some(id),
                &[(path(layout::objection_path(id, &stem))?, ron_of(&o))],
            )
            .map_err(w)?;
        }
        let d = Decision {
            outcome: if k % 3 == 0 {
                Outcome::Candidate
            } else {
                Outcome::Rejected
            },
            reason: "\u{8bc4}\u{59d4}\u{4f1a}\u{51b3}\u{5b9a}".into(),
            fraud: false,
            by: chair.id.clone(),
            date: day(12, 12),
            reopened: None,
        };
        s.commit(
            &chair,
            ActionKind::Decide,
            Some(id),
            &[(path(layout::decision_path(id))?, ron_of(&d))],
        )
        .map_err(w)?;
    }
    let commits = s.mark;
    progress(commits as usize, commits as usize);
    s.out.write_all(b"done\n").map_err(w)?;
    s.out.flush().map_err(w)?;
    drop(s);
    let out = child
        .wait_with_output()
        .map_err(io("waiting for git fast-import"))?;
    if !out.status.success() {
        return Err(GenError::FastImport(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    Ok(commits)
}
