//! Actions: each one becomes exactly one commit.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::campaign::Campaign;
use super::member::Member;
use super::nomination::{Activity, Nomination, Supervisor};
use super::record::{Decision, Evaluation, Objection, Opinion, Score, Votes};
use super::rulings::{Exception, Notice, PhaseOverride};
use super::unit::Unit;

/// The kind of an action, as named in phase tables, trailers and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActionKind {
    Setup,
    Nominate,
    Activity,
    Supervisor,
    FileForm,
    Score,
    Evaluate,
    Opinion,
    Vote,
    Object,
    Resolve,
    Decide,
    Publish,
    Override,
    Exception,
    TieOrder,
    Members,
    Units,
    Campaign,
    Reopen,
    Withdraw,
}

impl ActionKind {
    pub const ALL: [ActionKind; 21] = [
        ActionKind::Setup,
        ActionKind::Nominate,
        ActionKind::Activity,
        ActionKind::Supervisor,
        ActionKind::FileForm,
        ActionKind::Score,
        ActionKind::Evaluate,
        ActionKind::Opinion,
        ActionKind::Vote,
        ActionKind::Object,
        ActionKind::Resolve,
        ActionKind::Decide,
        ActionKind::Publish,
        ActionKind::Override,
        ActionKind::Exception,
        ActionKind::TieOrder,
        ActionKind::Members,
        ActionKind::Units,
        ActionKind::Campaign,
        ActionKind::Reopen,
        ActionKind::Withdraw,
    ];

    /// The name used in `Pingxuan-Action:` trailers.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Setup => "setup",
            ActionKind::Nominate => "nominate",
            ActionKind::Activity => "activity",
            ActionKind::Supervisor => "supervisor",
            ActionKind::FileForm => "file-form",
            ActionKind::Score => "score",
            ActionKind::Evaluate => "evaluate",
            ActionKind::Opinion => "opinion",
            ActionKind::Vote => "vote",
            ActionKind::Object => "object",
            ActionKind::Resolve => "resolve",
            ActionKind::Decide => "decide",
            ActionKind::Publish => "publish",
            ActionKind::Override => "override",
            ActionKind::Exception => "exception",
            ActionKind::TieOrder => "tie-order",
            ActionKind::Members => "members",
            ActionKind::Units => "units",
            ActionKind::Campaign => "campaign",
            ActionKind::Reopen => "reopen",
            ActionKind::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A write to the campaign. The acting member and the time travel beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// The first commit: campaign, members and units.
    Setup {
        campaign: Campaign,
        members: Vec<Member>,
        units: Vec<Unit>,
    },
    /// Register a nomination or replace its `nomination.ron`.
    Nominate(Nomination),
    /// ACTIVITY: append a dated activity report.
    Activity {
        nomination: String,
        activity: Activity,
    },
    /// ACTIVITY: record an appointed supervisor.
    Supervisor {
        nomination: String,
        supervisor: Supervisor,
    },
    /// FORM-DEADLINE: the application form was filed on `date`.
    FileForm {
        nomination: String,
        date: NaiveDate,
    },
    Score {
        nomination: String,
        score: Score,
    },
    Evaluate {
        nomination: String,
        evaluation: Evaluation,
    },
    Opinion {
        nomination: String,
        opinion: Opinion,
    },
    Vote {
        nomination: String,
        votes: Votes,
    },
    Object {
        nomination: String,
        objection: Objection,
    },
    /// The chair resolves an open objection, naming its file stem.
    Resolve {
        nomination: String,
        objection: String,
        upheld: bool,
        reason: String,
        date: NaiveDate,
    },
    Decide {
        nomination: String,
        decision: Decision,
    },
    /// CANDIDATES: the chair publishes a category's candidate list; the notice opens.
    Publish(Notice),
    /// PHASES: the chair overrides the phase clock.
    Override(PhaseOverride),
    /// REG-DEADLINE / FORM-DEADLINE: the chair records an exception.
    Exception(Exception),
    /// The chair's explicit tie-break order for a category.
    TieOrder {
        category: String,
        order: Vec<String>,
    },
    Members(Vec<Member>),
    Units(Vec<Unit>),
    Campaign(Box<Campaign>),
    /// FREEZE: the chair reopens a decided nomination's assessment, with a reason.
    Reopen {
        nomination: String,
        reason: String,
        date: NaiveDate,
    },
    /// A reviewer withdraws their own score (deletes `scores/<reviewer>.ron`).
    Withdraw {
        nomination: String,
        reviewer: String,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Setup { .. } => ActionKind::Setup,
            Action::Nominate(_) => ActionKind::Nominate,
            Action::Activity { .. } => ActionKind::Activity,
            Action::Supervisor { .. } => ActionKind::Supervisor,
            Action::FileForm { .. } => ActionKind::FileForm,
            Action::Score { .. } => ActionKind::Score,
            Action::Evaluate { .. } => ActionKind::Evaluate,
            Action::Opinion { .. } => ActionKind::Opinion,
            Action::Vote { .. } => ActionKind::Vote,
            Action::Object { .. } => ActionKind::Object,
            Action::Resolve { .. } => ActionKind::Resolve,
            Action::Decide { .. } => ActionKind::Decide,
            Action::Publish(_) => ActionKind::Publish,
            Action::Override(_) => ActionKind::Override,
            Action::Exception(_) => ActionKind::Exception,
            Action::TieOrder { .. } => ActionKind::TieOrder,
            Action::Members(_) => ActionKind::Members,
            Action::Units(_) => ActionKind::Units,
            Action::Campaign(_) => ActionKind::Campaign,
            Action::Reopen { .. } => ActionKind::Reopen,
            Action::Withdraw { .. } => ActionKind::Withdraw,
        }
    }

    /// The nomination the action touches, if any.
    pub fn nomination(&self) -> Option<&str> {
        match self {
            Action::Nominate(n) => Some(&n.id),
            Action::Activity { nomination, .. }
            | Action::Supervisor { nomination, .. }
            | Action::FileForm { nomination, .. }
            | Action::Score { nomination, .. }
            | Action::Evaluate { nomination, .. }
            | Action::Opinion { nomination, .. }
            | Action::Vote { nomination, .. }
            | Action::Object { nomination, .. }
            | Action::Resolve { nomination, .. }
            | Action::Decide { nomination, .. }
            | Action::Reopen { nomination, .. }
            | Action::Withdraw { nomination, .. } => Some(nomination),
            _ => None,
        }
    }
}

/// One step of a scripted history (`sample-repo/history.ron`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptStep {
    pub at: DateTime<FixedOffset>,
    /// Member id of the actor, whose key signs the commit.
    pub actor: String,
    pub action: Action,
}
