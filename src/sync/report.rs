//! What a sync reports: its progress steps, what each attempt did with the
//! remote branch ([`Integrated`]), the whole [`SyncReport`] and the
//! [`SyncError`]s, each with its text in the interface language.

use serde::Serialize;

use super::aside::SetAside;
use super::replay::Replayed;
use crate::history::{self, Violation};
use crate::i18n::Lang;
use crate::store::StoreError;

/// A step of a sync, for progress displays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Fetch {
        attempt: usize,
    },
    Audit {
        commits: usize,
    },
    /// Re-applying this many unpublished actions onto the fetched tip.
    Replay {
        actions: usize,
    },
    Push {
        attempt: usize,
    },
    /// Waiting before the next attempt after a rejected push.
    Wait {
        millis: u64,
        retry: usize,
    },
}

impl Progress {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Progress::Fetch { .. }, Lang::Zh | Lang::ZhHans) => "正在獲取遠端更新…".into(),
            (Progress::Fetch { .. }, Lang::En) => "fetching…".into(),
            (Progress::Audit { commits }, Lang::Zh | Lang::ZhHans) => {
                format!("正在審核 {commits} 個新提交…")
            }
            (Progress::Audit { commits }, Lang::En) => format!("auditing {commits} new commits…"),
            (Progress::Replay { actions }, Lang::Zh | Lang::ZhHans) => {
                format!("正在把 {actions} 項未推送的操作重放到遠端最新提交之上…")
            }
            (Progress::Replay { actions }, Lang::En) => {
                format!("replaying {actions} unpublished actions onto the remote tip…")
            }
            (Progress::Push { .. }, Lang::Zh | Lang::ZhHans) => "正在推送…".into(),
            (Progress::Push { .. }, Lang::En) => "pushing…".into(),
            (Progress::Wait { millis, retry }, Lang::Zh | Lang::ZhHans) => {
                format!("推送被拒（他人先推送），{millis} 毫秒後第 {retry} 次重試…")
            }
            (Progress::Wait { millis, retry }, Lang::En) => {
                format!("push rejected (someone pushed first); retry {retry} in {millis} ms…")
            }
        }
    }
}

/// What the local branch did with the remote one in one attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Integrated {
    /// Nothing new on either side.
    UpToDate,
    /// Only local commits: nothing to take in.
    Ahead,
    /// The remote branch does not exist yet.
    NoRemoteBranch,
    FastForward {
        from: Option<String>,
        to: String,
    },
    /// Unpublished actions re-applied onto the remote tip `onto`.
    Replayed {
        onto: String,
        head: String,
        replayed: Vec<Replayed>,
        /// Ids of the actions set aside in this step.
        set_aside: Vec<String>,
    },
}

/// What a sync did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub remote: String,
    pub branch: String,
    /// Commits new to this clone that were checked and taken in.
    pub incoming: usize,
    /// Fast-forwards and replays, one per attempt that found something.
    pub steps: Vec<Integrated>,
    /// Whether local commits were pushed.
    pub pushed: bool,
    /// Pushes rejected and retried.
    pub retries: usize,
    /// Every action set aside in this clone after the sync (new ones and
    /// older ones still waiting), oldest first.
    pub set_aside: Vec<SetAside>,
    pub head: Option<String>,
}

impl SyncReport {
    /// Actions re-applied over the whole sync (an action replayed again after
    /// a rejected push counts once per replay).
    pub fn replayed(&self) -> usize {
        self.steps
            .iter()
            .map(|s| match s {
                Integrated::Replayed { replayed, .. } => replayed.len(),
                _ => 0,
            })
            .sum()
    }

    /// Ids of the actions set aside by this sync.
    pub fn new_set_aside(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|s| match s {
                Integrated::Replayed { set_aside, .. } => set_aside.clone(),
                _ => Vec::new(),
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error(transparent)]
    History(#[from] history::HistoryError),
    #[error("`{command}` failed ({status}){}", if stderr.is_empty() { String::new() } else { format!(":\n{stderr}") })]
    GitProgram {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("HEAD is detached; check out a branch before syncing")]
    Detached,
    #[error("{}", violations_text(.violations, *.zh))]
    Violations {
        violations: Vec<Violation>,
        remote_tip: String,
        zh: bool,
    },
    /// ONE-CHAIN: the history would stop being one chain of single-parent
    /// commits (a merge, a second root, a rewritten remote).
    #[error("{message}")]
    NotOneChain { commit: String, message: String },
    /// Unpublished commits of another member would have to be rewritten.
    #[error("{message}")]
    OthersUnpublished {
        commits: Vec<String>,
        message: String,
    },
    #[error("{0}")]
    NeedIdentity(String),
    #[error("{message}")]
    TooManyRetries { retries: usize, message: String },
    #[error("{0}")]
    PushRefused(String),
    #[error("{0}")]
    SetAside(String),
}

fn violations_text(violations: &[Violation], zh: bool) -> String {
    let mut s = if zh {
        format!(
            "遠端的新提交有 {} 處違規，未接收（本地分支和工作區未改動）：\n",
            violations.len()
        )
    } else {
        format!(
            "the incoming commits break {} rule(s); nothing was taken in (local branch and work tree unchanged):\n",
            violations.len()
        )
    };
    for v in violations {
        s.push_str(&format!("  {v}\n"));
    }
    s.push_str(if zh {
        "請評委會主任核查；在遠端修正之前無法同步。"
    } else {
        "Ask the chair to look into them; syncing resumes once the remote is put right."
    });
    s
}
