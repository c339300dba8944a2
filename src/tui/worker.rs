//! The work of the runner's threads, off the UI thread: a write through
//! [`act::Session::perform`] (the snapshot it refreshed handed back as it
//! is), the reader's jobs (log, audit, blame through [`act::history`],
//! exports), and a sync through [`act::sync`]. Each opens its own store;
//! the answers carry everything the interface shows (the snapshot after a
//! write or sync, the ahead/behind counts), so the UI thread never touches
//! the repository.

use std::sync::mpsc;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};

use super::jobs::{AuditData, Done, ExportJob, ExportKind, Exported, Job, Written};
use super::sync::{Msg, Outcome, REMOTE};
use super::Options;
use crate::act::{self, history::log_options};
use crate::i18n::Lang;
use crate::model::{Action, Snapshot};

/// An error as the interface shows it: for a raw OS or git cause (or git's
/// words: a refused push, no network), first a sentence saying what to do
/// in `lang`, as the command line prints it, then the raw cause (`raw`).
fn said_of(cause: &(dyn std::error::Error + 'static), raw: String, lang: Lang) -> String {
    match crate::i18n::errors::advice(cause, lang) {
        Some(advice) => format!("{advice}\n{raw}"),
        None => raw,
    }
}

fn said(e: &anyhow::Error, lang: Lang) -> String {
    said_of(e.as_ref(), format!("{e:#}"), lang)
}

/// Performs one action as `actor`: one snapshot load and one rule check on
/// this thread, the refreshed snapshot handed back.
pub fn write(opts: &Options, actor: &str, action: &Action) -> Result<Written, String> {
    (|| -> Result<Written> {
        let store = opts.open()?;
        let (done, snapshot) = opts.perform(&store, None, actor, action)?;
        let short: String = done.commit.to_string().chars().take(7).collect();
        Ok(Written {
            summary: format!("{short} {}", done.summary),
            snapshot,
            changed: done.changed_records(),
            counts: act::sync::counts(&store, REMOTE),
        })
    })()
    .map_err(|e| said(&e, opts.lang))
}

/// Does one job of the reader.
pub fn read(opts: &Options, job: Job, snapshot: Option<&Snapshot>) -> Done {
    let lang = opts.lang;
    let err = |e: anyhow::Error| said(&e, lang);
    match job {
        Job::RecordLog(id) => Done::RecordLog {
            result: (|| {
                let store = opts.open()?;
                Ok(crate::history::log(
                    &store,
                    Some(&id),
                    &log_options(&store, lang),
                )?)
            })()
            .map_err(err),
            id,
        },
        Job::Audit => Done::Audit(
            act::history::log_and_audit(opts)
                .map(|(entries, report)| AuditData {
                    entries,
                    violations: report.violations,
                })
                .map_err(|e| err(e.into())),
        ),
        Job::Blame { id, field, log } => {
            let store = opts.open();
            let (result, log) = match store {
                Err(e) => (Err(err(e.into())), None),
                Ok(store) => {
                    let lo = log_options(&store, lang);
                    let result = crate::history::blame_with(&store, &id, &field, &lo)
                        .map(|b| b.map(Box::new))
                        .map_err(|e| e.to_string());
                    let log = log.then(|| {
                        crate::history::log(&store, Some(&id), &lo).map_err(|e| e.to_string())
                    });
                    (result, log)
                }
            };
            Done::Blame {
                id,
                field,
                result,
                log,
            }
        }
        Job::Export(e) => Done::Export(match snapshot {
            Some(s) => export(opts, &e, s).map_err(err),
            None => Err("no snapshot to export".into()),
        }),
        Job::Asides | Job::AsideRetry(_) | Job::AsideDrop(_) => {
            let note = match &job {
                Job::AsideRetry(id) => Some(retry(opts, id).map_err(err)),
                Job::AsideDrop(id) => Some(drop_aside(opts, id).map_err(err)),
                _ => None,
            };
            Done::Asides {
                result: asides(opts).map_err(err),
                note,
                job,
            }
        }
        Job::Preview(action) => Done::Preview {
            result: match snapshot {
                Some(s) => preview(opts, s, &action).map_err(err),
                None => Err("no snapshot to preview".into()),
            },
            action,
        },
    }
}

/// Every set-aside action, with its files as it wrote them and as HEAD has them.
fn asides(opts: &Options) -> Result<Vec<super::popups::aside::AsideItem>> {
    use super::popups::aside::{AsideFile, AsideItem};
    let store = opts.open()?;
    let tree = match store.head()? {
        Some(h) => Some(store.repo().find_commit(h)?.tree()?),
        None => None,
    };
    let mut out = Vec::new();
    for aside in crate::sync::aside::list(&store)? {
        let files = crate::sync::aside::changes(&store, &aside)?
            .into_iter()
            .map(|c| AsideFile {
                ours: tree
                    .as_ref()
                    .and_then(|t| crate::history::walk::blob_at(store.repo(), t, &c.path))
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                theirs: c.content,
                path: c.path,
            })
            .collect();
        out.push(AsideItem { aside, files });
    }
    Ok(out)
}

/// `pingxuan set-aside retry ID`: what it did, in a line.
fn retry(opts: &Options, id: &str) -> Result<String> {
    let store = opts.open()?;
    let req = act::sync::Request::new(REMOTE, opts.lang, opts.now()?);
    let commit = act::sync::retry_set_aside(&store, id, &req)?.to_string();
    Ok(format!(
        "{} {id} → {}",
        opts.lang.pick(
            "已重新應用並簽名（S 推送）：",
            "re-applied and signed (S pushes it):"
        ),
        commit.get(..12).unwrap_or(&commit)
    ))
}

/// `pingxuan set-aside drop ID`: what it did, in a line.
fn drop_aside(opts: &Options, id: &str) -> Result<String> {
    let store = opts.open()?;
    let s = crate::sync::aside::drop(&store, id, opts.lang.zh())?;
    Ok(format!(
        "{} {} {}",
        opts.lang.pick("已放棄", "dropped"),
        s.id,
        crate::text::display(&s.summary)
    ))
}

/// The preview of `action` by the session's member on the app's snapshot.
fn preview(opts: &Options, snapshot: &Snapshot, action: &Action) -> Result<act::Preview> {
    let store = opts.open()?;
    let actor = opts.actor(&store, snapshot)?.id.clone();
    Ok(opts.preview(&store, snapshot, &actor, action)?)
}

/// Renders an export of the app's snapshot and writes it.
fn export(session: &Options, job: &ExportJob, snapshot: &Snapshot) -> Result<Exported> {
    use crate::export::{self, What};
    let mut opts = export::Options::new(job.day, job.lang);
    opts.category = job.category.clone();
    let log = match job.kind {
        ExportKind::Audit => act::audit_log::for_kind(&session.open()?, job.kind, job.lang)?,
        _ => None,
    };
    // A form without an id is refused by the form document itself (no such record).
    let what = What::of(
        job.kind,
        Some(job.id.as_deref().unwrap_or_default()),
        log.as_ref(),
    )
    .ok_or_else(|| anyhow::anyhow!("no audit log"))?;
    let bytes = export::render(snapshot, &what, job.format, &opts)
        .map_err(|e| anyhow::anyhow!(e.message(job.lang.zh())))?;
    std::fs::write(&job.path, &bytes).with_context(|| job.path.display().to_string())?;
    let path = std::fs::canonicalize(&job.path).unwrap_or_else(|_| job.path.clone());
    Ok(Exported {
        path: path.display().to_string(),
        commit: export::source_commit(snapshot),
        format: job.format,
        bytes: bytes.len(),
    })
}

/// Syncs the session's repository, telling `tx` of progress, and finishes
/// with the outcome, the snapshot and the counts after it.
pub fn sync(opts: &Options, when: DateTime<FixedOffset>, tx: &mpsc::Sender<Msg>) {
    let lang = opts.lang;
    let progress = |p: &crate::sync::Progress| {
        let _ = tx.send(Msg::Progress(p.describe(lang)));
    };
    let mut req = act::sync::Request::new(REMOTE, lang, when);
    req.progress = Some(&progress);
    let synced = act::sync::sync_session(opts, &req);
    let result = synced
        .result
        .map(|r| outcome(&r, lang))
        .map_err(|e| said_of(&e, e.to_string(), lang));
    let _ = tx.send(Msg::Finished {
        result,
        snapshot: synced.snapshot.map(Box::new),
        counts: synced.counts,
    });
}

/// The popup's summary of a finished sync.
fn outcome(r: &crate::sync::SyncReport, lang: Lang) -> Outcome {
    let replayed = r.replayed();
    let text = match lang {
        Lang::Zh | Lang::ZhHans => format!(
            "同步完成：收到 {} 個提交，重放 {} 項操作，{}，重試 {} 次",
            r.incoming,
            replayed,
            if r.pushed {
                "已推送"
            } else {
                "無需推送"
            },
            r.retries
        ),
        Lang::En => format!(
            "synced: {} commits in, {} actions replayed, {}, {} retries",
            r.incoming,
            replayed,
            if r.pushed {
                "pushed"
            } else {
                "nothing to push"
            },
            r.retries
        ),
    };
    Outcome {
        text,
        fresh: r.new_set_aside(),
        set_aside: r.set_aside.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw OS or git error in a popup gets the sentence saying what to do
    /// first, then the raw cause (issue 16), as on the command line.
    #[test]
    fn a_raw_error_is_shown_with_what_to_do_and_then_its_cause() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = anyhow::Error::from(io).context("writing nominations/x.ron");
        for lang in [Lang::Zh, Lang::ZhHans, Lang::En] {
            let shown = said(&e, lang);
            let advice = crate::i18n::errors::advice(e.as_ref(), lang).expect("advice");
            assert!(shown.starts_with(advice), "{shown}");
            assert!(shown.ends_with(&format!("{e:#}")), "{shown}");
        }
        let missing = tempfile::tempdir().expect("tempdir");
        let Err(git) = git2::Repository::open(missing.path().join("none")) else {
            panic!("a repository where there is none");
        };
        let shown = said(&anyhow::Error::from(git), Lang::Zh);
        assert!(shown.lines().count() >= 2, "advice then cause: {shown}");
        // A refusal of the rules is said as it is, with nothing put before it.
        let plain = anyhow::anyhow!("評分超出範圍");
        assert_eq!(said(&plain, Lang::Zh), "評分超出範圍");
    }
}
