//! Write commands: each builds one [`Action`] and performs it as one signed commit.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::Context;
use crate::model::*;
use crate::store::codec::from_ron;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new repository.
    pub dir: PathBuf,
    /// Create a bare repository (for a shared remote).
    #[arg(long)]
    pub bare: bool,
    /// campaign.ron to start from (default: the sample 2017 campaign's).
    #[arg(long)]
    pub campaign: Option<PathBuf>,
    /// units.ron to start from (default: the sample's units).
    #[arg(long)]
    pub units: Option<PathBuf>,
    /// members.ron to start from (default: you alone, as chair, from git's user.name and user.email).
    #[arg(long)]
    pub members: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NominateArgs {
    /// A nomination in RON (see schema/nomination.md).
    #[arg(long)]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ActivityArgs {
    pub id: String,
    #[arg(long)]
    pub summary: String,
    /// Day of the activity (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct SupervisorArgs {
    pub id: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub affiliation: String,
}

#[derive(Debug, Args)]
pub struct FileFormArgs {
    pub id: String,
    #[arg(long)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    pub id: String,
    /// CRITERION=POINTS, or CRITERION=not-scored|abstain|na|recused; repeat for each criterion.
    #[arg(long = "mark", short = 'm', required = true)]
    pub marks: Vec<String>,
    #[arg(long, default_value = "")]
    pub comment: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EvalKindArg {
    Routine,
    Unannounced,
    SiteVisit,
    Interview,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    pub id: String,
    #[arg(long, value_enum)]
    pub kind: EvalKindArg,
    /// Rating 0–100.
    #[arg(long)]
    pub rating: Option<f64>,
    #[arg(long)]
    pub findings: String,
    #[arg(long)]
    pub knowledge_rate: Option<f64>,
    #[arg(long)]
    pub service_satisfaction: Option<f64>,
    #[arg(long)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StanceArg {
    Approve,
    Concern,
    Veto,
}

#[derive(Debug, Args)]
pub struct OpinionArgs {
    pub id: String,
    #[arg(long)]
    pub department: String,
    #[arg(long, value_enum)]
    pub stance: StanceArg,
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct VoteArgs {
    pub id: String,
    #[arg(long)]
    pub satisfied: u32,
    #[arg(long)]
    pub basically_satisfied: u32,
    #[arg(long)]
    pub dissatisfied: u32,
}

#[derive(Debug, Args)]
pub struct ObjectArgs {
    pub id: String,
    /// Who raised it or through which channel.
    #[arg(long)]
    pub source: String,
    #[arg(long)]
    pub text: String,
    /// A report of fraud, accepted at any stage.
    #[arg(long)]
    pub fraud: bool,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    pub id: String,
    /// The objection's file stem, as `show` lists it (e.g. 20171205-100000-1).
    pub objection: String,
    #[arg(
        long,
        conflicts_with = "dismissed",
        required_unless_present = "dismissed"
    )]
    pub upheld: bool,
    #[arg(long)]
    pub dismissed: bool,
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    Candidate,
    Final,
    Rejected,
    Disqualified,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    pub id: String,
    #[arg(long, value_enum)]
    pub outcome: OutcomeArg,
    #[arg(long)]
    pub reason: String,
    /// The disqualification is for fraud (FRAUD).
    #[arg(long)]
    pub fraud: bool,
}

#[derive(Debug, Args)]
pub struct ReopenArgs {
    pub id: String,
    /// Why the committee's assessment is reopened (recorded in decision.ron).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct WithdrawArgs {
    pub id: String,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    pub category: String,
    /// Candidate ids, comma separated (default: every nomination decided Candidate in the category).
    #[arg(long, value_delimiter = ',')]
    pub candidates: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExceptionArgs {
    pub id: String,
    /// REG-DEADLINE or FORM-DEADLINE.
    #[arg(long)]
    pub rule: String,
    #[arg(long)]
    pub until: NaiveDate,
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct OverrideArgs {
    pub phase: String,
    #[arg(long)]
    pub start: NaiveDate,
    #[arg(long)]
    pub end: NaiveDate,
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct TieOrderArgs {
    pub category: String,
    /// Nomination ids, highest first, comma separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub order: Vec<String>,
}

fn read_ron<T: serde::de::DeserializeOwned>(path: &PathBuf) -> Result<T> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    from_ron(&path.display().to_string(), &bytes).map_err(|p| anyhow!("{p}"))
}

pub fn init(cx: &Context, a: InitArgs) -> Result<i32> {
    if a.dir.join(".git").exists() || a.dir.join("HEAD").exists() {
        bail!("{} already holds a repository", a.dir.display());
    }
    let campaign: Campaign = match &a.campaign {
        Some(p) => read_ron(p)?,
        None => from_ron("schema/campaign.ron", crate::sample::CAMPAIGN.as_bytes())
            .map_err(|p| anyhow!("{p}"))?,
    };
    let units: Vec<Unit> = match &a.units {
        Some(p) => read_ron(p)?,
        None => from_ron("sample-repo/units.ron", crate::sample::UNITS.as_bytes())
            .map_err(|p| anyhow!("{p}"))?,
    };
    let store = Store::init(&a.dir, a.bare)?;
    let identity = crate::act::Identity::of(&store)?;
    let members: Vec<Member> = match &a.members {
        Some(p) => read_ron(p)?,
        None => {
            let name = identity.name.clone().unwrap_or_else(|| "chair".into());
            let email = identity.email.clone().ok_or_else(|| {
                anyhow!("set git's user.email first: it names the chair in members.ron")
            })?;
            let id: String = email
                .split('@')
                .next()
                .unwrap_or("chair")
                .to_ascii_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            vec![Member {
                id: id.trim_matches('-').to_string(),
                name,
                email,
                roles: vec![Role::Chair],
                unit: campaign.office_unit.clone(),
                keys: Vec::new(),
                conflicts: Vec::new(),
            }]
        }
    };
    let email = identity.email.clone().unwrap_or_default();
    // OPEN: the chair's signing key is registered with the campaign it sets
    // up, so that the first commit verifies against its own members.ron.
    let mut members = members;
    if let Some(signer) = identity.signer()? {
        let probe = b"pingxuan init: which key signs\n";
        let signature = signer.sign(probe)?;
        let verifier = &identity.verifier;
        let today = cx.now()?.date_naive();
        if let (Some(key), Some(m)) = (
            crate::sign::verify::signing_key(verifier, &signature, probe),
            members.iter_mut().find(|m| {
                m.has_role(Role::Chair) && m.email.eq_ignore_ascii_case(&email) && m.keys.is_empty()
            }),
        ) {
            m.keys.push(crate::model::PublicKey {
                key,
                valid_from: today,
                revoked: None,
            });
        }
    }
    let chair = members
        .iter()
        .find(|m| m.has_role(Role::Chair) && m.email.eq_ignore_ascii_case(&email))
        .ok_or_else(|| {
            anyhow!(
                "git's user.email {email:?} must be a Chair in members.ron to set up the campaign"
            )
        })?
        .id
        .clone();
    let action = Action::Setup {
        campaign,
        members,
        units,
    };
    let done = cx.perform(&store, None, &chair, &action)?;
    // ONE-CHAIN: this repository knows its genesis from the start.
    crate::act::history::pin_genesis(&store, done.commit)?;
    cx.report(&done);
    Ok(0)
}

pub fn nominate(cx: &Context, a: NominateArgs) -> Result<i32> {
    let mut n: Nomination = read_ron(&a.file)?;
    cx.act(|s, _| {
        let cat = s
            .campaign
            .category(&n.category)
            .ok_or_else(|| anyhow!("{}: unknown category {:?}", a.file.display(), n.category))?;
        n.category = cat.id.clone();
        validate_id(&n.id).map_err(|e| anyhow!("{}: field `id`: {e}", a.file.display()))?;
        Ok(Action::Nominate(n))
    })
}

pub fn activity(cx: &Context, a: ActivityArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, _| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Activity {
            nomination: a.id,
            activity: Activity {
                date: a.date.unwrap_or(today),
                summary: a.summary,
            },
        })
    })
}

pub fn supervisor(cx: &Context, a: SupervisorArgs) -> Result<i32> {
    cx.act(|s, _| {
        cx.require_record(s, &a.id)?;
        Ok(Action::Supervisor {
            nomination: a.id,
            supervisor: Supervisor {
                name: a.name,
                affiliation: a.affiliation,
            },
        })
    })
}

pub fn file_form(cx: &Context, a: FileFormArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, _| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::FileForm {
            nomination: a.id,
            date: a.date.unwrap_or(today),
        })
    })
}

/// Parses `W3=8`, `W3=abstain`, … into a criterion id and a mark.
pub fn parse_mark(s: &str) -> Result<(String, Mark)> {
    let (crit, value) = s
        .split_once('=')
        .ok_or_else(|| anyhow!("--mark {s:?}: expected CRITERION=POINTS or CRITERION=abstain"))?;
    let mark = match value.trim().to_ascii_lowercase().as_str() {
        "not-scored" | "notscored" | "-" => Mark::NotScored,
        "abstain" => Mark::Abstain,
        "na" | "n/a" | "not-applicable" => Mark::NotApplicable,
        "recused" => Mark::Recused,
        v => {
            let p: f64 = v.parse().map_err(|_| {
                anyhow!("--mark {s:?}: {v:?} is neither points nor not-scored/abstain/na/recused")
            })?;
            if !p.is_finite() {
                bail!("--mark {s:?}: points must be a finite number");
            }
            Mark::Points(p)
        }
    };
    Ok((crit.trim().to_string(), mark))
}

pub fn score(cx: &Context, a: ScoreArgs) -> Result<i32> {
    let time = cx.now()?;
    let marks: BTreeMap<String, Mark> = a
        .marks
        .iter()
        .map(|m| parse_mark(m))
        .collect::<Result<_>>()?;
    cx.act(|s, me| {
        cx.require_record(s, &a.id)?;
        let category = s.records[&a.id].nomination.category.clone();
        if let Some(cat) = s.campaign.categories.iter().find(|c| c.id == category) {
            for (crit, mark) in &marks {
                let c = cat
                    .criterion(crit)
                    .ok_or_else(|| anyhow!("--mark {crit}: no such criterion in {}", cat.id))?;
                if let Some(p) = mark.points() {
                    if p < 0.0 || p > c.max {
                        bail!("--mark {crit}={p}: outside 0..{}", c.max);
                    }
                }
            }
        }
        Ok(Action::Score {
            nomination: a.id,
            score: Score {
                reviewer: me.id.clone(),
                marks: marks.into(),
                comment: a.comment,
                time,
            },
        })
    })
}

pub fn evaluate(cx: &Context, a: EvaluateArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Evaluate {
            nomination: a.id,
            evaluation: Evaluation {
                kind: match a.kind {
                    EvalKindArg::Routine => EvaluationKind::Routine,
                    EvalKindArg::Unannounced => EvaluationKind::Unannounced,
                    EvalKindArg::SiteVisit => EvaluationKind::SiteVisit,
                    EvalKindArg::Interview => EvaluationKind::Interview,
                },
                author: me.id.clone(),
                date: a.date.unwrap_or(today),
                rating: a.rating,
                findings: a.findings,
                knowledge_rate: a.knowledge_rate,
                service_satisfaction: a.service_satisfaction,
                incidents: Vec::new(),
            },
        })
    })
}

pub fn opinion(cx: &Context, a: OpinionArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Opinion {
            nomination: a.id,
            opinion: Opinion {
                department: a.department,
                stance: match a.stance {
                    StanceArg::Approve => Stance::Approve,
                    StanceArg::Concern => Stance::Concern,
                    StanceArg::Veto => Stance::Veto,
                },
                reason: a.reason,
                recorded_by: me.id.clone(),
                date: today,
            },
        })
    })
}

pub fn vote(cx: &Context, a: VoteArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Vote {
            nomination: a.id,
            votes: Votes {
                satisfied: a.satisfied,
                basically_satisfied: a.basically_satisfied,
                dissatisfied: a.dissatisfied,
                recorded_by: me.id.clone(),
                date: today,
            },
        })
    })
}

pub fn object(cx: &Context, a: ObjectArgs) -> Result<i32> {
    let filed = cx.now()?;
    cx.act(|s, me| {
        cx.require_record(s, &a.id)?;
        Ok(Action::Object {
            nomination: a.id,
            objection: Objection {
                filed,
                source: a.source,
                text: a.text,
                fraud: a.fraud,
                recorded_by: me.id.clone(),
                status: ObjectionStatus::Open,
                resolution: None,
            },
        })
    })
}

pub fn resolve(cx: &Context, a: ResolveArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, _| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Resolve {
            nomination: a.id,
            objection: a.objection,
            upheld: a.upheld,
            reason: a.reason,
            date: today,
        })
    })
}

/// FREEZE: the chair reopens a decided nomination's assessment.
pub fn reopen(cx: &Context, a: ReopenArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, _| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Reopen {
            nomination: a.id,
            reason: a.reason,
            date: today,
        })
    })
}

/// A reviewer withdraws their own score.
pub fn withdraw(cx: &Context, a: WithdrawArgs) -> Result<i32> {
    cx.act(|s, me| {
        cx.require_record(s, &a.id)?;
        Ok(Action::Withdraw {
            nomination: a.id,
            reviewer: me.id.clone(),
        })
    })
}

pub fn decide(cx: &Context, a: DecideArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        cx.require_record(s, &a.id)?;
        Ok(Action::Decide {
            nomination: a.id,
            decision: Decision {
                outcome: match a.outcome {
                    OutcomeArg::Candidate => Outcome::Candidate,
                    OutcomeArg::Final => Outcome::Final,
                    OutcomeArg::Rejected => Outcome::Rejected,
                    OutcomeArg::Disqualified => Outcome::Disqualified,
                },
                reason: a.reason,
                fraud: a.fraud,
                by: me.id.clone(),
                date: today,
                reopened: None,
            },
        })
    })
}

pub fn publish(cx: &Context, a: PublishArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        let cat = s
            .campaign
            .category(&a.category)
            .ok_or_else(|| anyhow!("unknown category {:?}", a.category))?;
        let candidates = if a.candidates.is_empty() {
            // NOTICE-RECHECK: by default only the candidates that pass every gate now;
            // each one kept off is named, with why
            let (on, off) = crate::rules::needs::notice_candidates(s, &cat.id);
            for why in off {
                errln!("{}", crate::text::sanitize(&why.message(cx.lang.zh())));
            }
            on
        } else {
            a.candidates
        };
        Ok(Action::Publish(Notice {
            category: cat.id.clone(),
            candidates,
            published: today,
            by: me.id.clone(),
        }))
    })
}

pub fn exception(cx: &Context, a: ExceptionArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        Ok(Action::Exception(Exception {
            nomination: a.id,
            rule: a.rule,
            until: a.until,
            reason: a.reason,
            by: me.id.clone(),
            date: today,
        }))
    })
}

pub fn override_phase(cx: &Context, a: OverrideArgs) -> Result<i32> {
    let now = cx.now()?;
    cx.act(|s, me| {
        let today = s.campaign.day_of(&now);
        Ok(Action::Override(PhaseOverride {
            phase: a.phase,
            start: a.start,
            end: a.end,
            reason: a.reason,
            by: me.id.clone(),
            date: today,
        }))
    })
}

pub fn tie_order(cx: &Context, a: TieOrderArgs) -> Result<i32> {
    cx.act(|s, _| {
        let cat = s
            .campaign
            .category(&a.category)
            .ok_or_else(|| anyhow!("unknown category {:?}", a.category))?;
        Ok(Action::TieOrder {
            category: cat.id.clone(),
            order: a.order,
        })
    })
}
