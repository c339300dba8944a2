//! Background work the app asks for and the answers that come back: reading a
//! record's history, auditing the repository, blaming a field, writing an export.
//! Plain data only; the runner's threads do the work (`tui/worker.rs`), so
//! the interface never waits on git, `ssh-keygen` or `gpg`.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::export::Format;
use crate::history::{Blame, Entry, Violation};
use crate::i18n::Lang;
use crate::model::Snapshot;

use super::tr;

/// A document the TUI exports: the command line's list ([`crate::export::Kind`]).
pub use crate::export::Kind as ExportKind;

/// One export to write.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportJob {
    pub kind: ExportKind,
    pub format: Format,
    /// Where to write (relative paths: the current directory).
    pub path: PathBuf,
    pub category: Option<String>,
    /// The nomination, for the form.
    pub id: Option<String>,
    /// The day the rules are judged on.
    pub day: NaiveDate,
    pub lang: Lang,
}

/// Work for the reader thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// The commits that touched a record, with diffs and signature states.
    RecordLog(String),
    /// Every commit with its badge and diff, and the audit's violations.
    Audit,
    /// The commit that last changed `field` of record `id`; with `log`, the
    /// record's history too (to show the commit in its place).
    Blame {
        id: String,
        field: String,
        log: bool,
    },
    /// Render the app's snapshot and write it (the runner attaches the snapshot).
    Export(ExportJob),
    /// The preview of a write on the app's snapshot (attached by the runner).
    Preview(Box<crate::model::Action>),
    /// The set-aside actions a sync left, with their files beside HEAD's.
    Asides,
    /// Retry the set-aside action with this id onto HEAD, re-signed.
    AsideRetry(String),
    /// Drop the set-aside action with this id.
    AsideDrop(String),
}

impl Job {
    /// What the spinner says.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Job::RecordLog(id) => format!("{} {id}", tr(lang, "正在讀取歷史", "reading history")),
            Job::Audit => tr(lang, "正在審計全部提交", "auditing every commit"),
            Job::Blame { id, field, .. } => {
                format!("{} {id} {field}", tr(lang, "正在追溯", "blaming"))
            }
            Job::Export(e) => format!("{} {}", tr(lang, "正在導出", "exporting"), e.path.display()),
            Job::Preview(_) => tr(lang, "正在生成提交預覽", "previewing the commit"),
            Job::Asides => tr(lang, "正在讀取擱置的操作", "reading the set-aside actions"),
            Job::AsideRetry(id) => format!("{} {id}", tr(lang, "正在重試", "retrying")),
            Job::AsideDrop(id) => format!("{} {id}", tr(lang, "正在放棄", "dropping")),
        }
    }
}

/// Every commit of the repository and the audit's findings.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditData {
    /// Newest first.
    pub entries: Vec<Entry>,
    pub violations: Vec<Violation>,
}

impl AuditData {
    /// The violations found on `commit`.
    pub fn violations_of<'a>(&'a self, commit: &'a str) -> impl Iterator<Item = &'a Violation> {
        self.violations.iter().filter(move |v| v.commit == commit)
    }
}

/// Where an export went.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The file written, as the user should read it (absolute when known).
    pub path: String,
    /// The commit the snapshot was read from (`export::source_commit`).
    pub commit: String,
    pub format: Format,
    pub bytes: usize,
}

/// The reader's answer to a [`Job`]; errors are messages for a popup.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    RecordLog {
        id: String,
        result: Result<Vec<Entry>, String>,
    },
    Audit(Result<AuditData, String>),
    Blame {
        id: String,
        field: String,
        result: Result<Option<Box<Blame>>, String>,
        log: Option<Result<Vec<Entry>, String>>,
    },
    Export(Result<Exported, String>),
    Preview {
        action: Box<crate::model::Action>,
        result: Result<crate::act::Preview, String>,
    },
    /// The set-aside actions now, and what a retry or drop did (`None` for
    /// a plain read).
    Asides {
        job: Job,
        result: Result<Vec<super::popups::aside::AsideItem>, String>,
        note: Option<Result<String, String>>,
    },
}

impl Done {
    /// The same failure for any job (the reader stopped).
    pub fn failed(job: &Job, message: String) -> Done {
        match job {
            Job::RecordLog(id) => Done::RecordLog {
                id: id.clone(),
                result: Err(message),
            },
            Job::Audit => Done::Audit(Err(message)),
            Job::Blame { id, field, .. } => Done::Blame {
                id: id.clone(),
                field: field.clone(),
                result: Err(message),
                log: None,
            },
            Job::Export(_) => Done::Export(Err(message)),
            Job::Preview(action) => Done::Preview {
                action: action.clone(),
                result: Err(message),
            },
            Job::Asides | Job::AsideRetry(_) | Job::AsideDrop(_) => Done::Asides {
                job: job.clone(),
                result: Err(message),
                note: None,
            },
        }
    }

    /// Whether this answers `job`.
    pub fn answers(&self, job: &Job) -> bool {
        match (self, job) {
            (Done::RecordLog { id, .. }, Job::RecordLog(j)) => id == j,
            (Done::Audit(_), Job::Audit) => true,
            (
                Done::Blame { id, field, .. },
                Job::Blame {
                    id: j, field: f, ..
                },
            ) => id == j && field == f,
            (Done::Export(_), Job::Export(_)) => true,
            (Done::Preview { action, .. }, Job::Preview(a)) => action == a,
            (Done::Asides { job: j, .. }, job) => j == job,
            _ => false,
        }
    }
}

/// The writer's answer to an action: what was committed and the snapshot at
/// the new commit, read on the writer (`act` refreshed it incrementally).
#[derive(Debug, Clone)]
pub struct Written {
    /// `abc1234 summary` of the commit.
    pub summary: String,
    pub snapshot: Snapshot,
    /// Ids of the nominations whose files changed; empty when unknown (a
    /// campaign-wide file changed): rebuild every row.
    pub changed: Vec<String>,
    /// (ahead, behind) against the sync remote after the write.
    pub counts: Option<(usize, usize)>,
}
