//! `audit`: the signed history, one row per commit, with its signature state and
//! any rule violations (OPEN).
//!
//! This module only renders: the rows come from whoever reads the history. The
//! seam is [`AuditLog`] — a plain list of [`AuditRow`]s and whether their signature
//! states were verified. The history/audit module fills it with verified states and
//! violations; until then the CLI fills it from commit trailers and the mere
//! presence of a signature (`verified: false`), and every rendering says so.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::{csv, html, md, source_commit, ExportError, Format, Options};
use crate::i18n::Lang;
use crate::model::Snapshot;

/// One commit of the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Full hex id.
    pub commit: String,
    pub time: DateTime<FixedOffset>,
    /// Member id (or, failing that, the author as git records it).
    pub actor: String,
    /// Action kind, e.g. `score` (empty when the commit names none).
    pub action: String,
    /// The record acted on, e.g. `2017-window-007`.
    pub record: Option<String>,
    /// The commit's summary line.
    pub summary: String,
    /// The signature state in words, e.g. `good (zhangwei, key valid)`, `unsigned`.
    pub signature: String,
    /// Whether the signature state is acceptable (a good signature by a registered key;
    /// when unverified: a signature is present).
    pub signature_ok: bool,
    /// Rules the commit breaks, each as `RULE: explanation`.
    pub violations: Vec<String>,
}

/// The history to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLog {
    /// False when signature states only say whether a signature is present and
    /// violations were not checked.
    pub verified: bool,
    /// Oldest first.
    pub rows: Vec<AuditRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditDoc<'a> {
    pub commit: String,
    pub verified: bool,
    pub note: Option<String>,
    pub commits: usize,
    pub signed: usize,
    pub with_violations: usize,
    pub rows: &'a [AuditRow],
}

/// What an unverified log must say.
pub fn unverified_note(l: Lang) -> &'static str {
    l.pick(
        "注意:签名状态仅表示提交是否带有签名,尚未验证签名及其密钥是否属于登记成员,也未检查违规;请用 git verify-commit 或 git log --show-signature 核验。",
        "Note: signature states only say whether a commit carries a signature; signatures are not verified against the members' registered keys and violations are not checked yet. Verify with git verify-commit or git log --show-signature.",
    )
}

pub fn build<'a>(snapshot: &Snapshot, log: &'a AuditLog, l: Lang) -> AuditDoc<'a> {
    AuditDoc {
        commit: source_commit(snapshot),
        verified: log.verified,
        note: (!log.verified).then(|| unverified_note(l).to_string()),
        commits: log.rows.len(),
        signed: log.rows.iter().filter(|r| r.signature_ok).count(),
        with_violations: log.rows.iter().filter(|r| !r.violations.is_empty()).count(),
        rows: &log.rows,
    }
}

/// Renders an audit log, which need not come from `snapshot` (that gives the commit).
pub fn render(
    snapshot: &Snapshot,
    log: &AuditLog,
    format: Format,
    opts: &Options,
) -> Result<Vec<u8>, ExportError> {
    let l = opts.lang;
    let doc = build(snapshot, log, l);
    Ok(match format {
        Format::Markdown => markdown(&doc, l).into_bytes(),
        Format::Html => to_html(&doc, l).into_bytes(),
        Format::Csv => to_csv(&doc, l)?,
        Format::Json => super::json::to_vec(&doc)?,
    })
}

fn title(l: Lang) -> &'static str {
    l.pick("签名历史审计", "Audit of the signed history")
}

fn counts(doc: &AuditDoc<'_>, l: Lang) -> String {
    let signed = if doc.verified {
        l.pick("签名有效", "good signatures")
    } else {
        l.pick("带签名", "signed")
    };
    match l {
        Lang::Zh => format!(
            "共 {} 个提交;{signed} {} 个;有违规 {} 个。",
            doc.commits, doc.signed, doc.with_violations
        ),
        Lang::En => format!(
            "{} commits; {signed}: {}; with violations: {}.",
            doc.commits, doc.signed, doc.with_violations
        ),
    }
}

fn headers(l: Lang) -> Vec<String> {
    [
        l.pick("提交", "Commit"),
        l.pick("时间", "Time"),
        l.pick("操作人", "Actor"),
        l.pick("操作", "Action"),
        l.pick("记录", "Record"),
        l.pick("摘要", "Summary"),
        l.pick("签名", "Signature"),
        l.pick("违规", "Violations"),
    ]
    .map(String::from)
    .to_vec()
}

fn cells(r: &AuditRow, l: Lang, short: bool) -> Vec<String> {
    let violations = if r.violations.is_empty() {
        String::new()
    } else {
        r.violations.join("; ")
    };
    let _ = l;
    vec![
        if short {
            r.commit.chars().take(12).collect()
        } else {
            r.commit.clone()
        },
        r.time.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        r.actor.clone(),
        r.action.clone(),
        r.record.clone().unwrap_or_default(),
        r.summary.clone(),
        r.signature.clone(),
        violations,
    ]
}

pub fn markdown(doc: &AuditDoc<'_>, l: Lang) -> String {
    let mut out = format!(
        "# {}\n\n{}\n\n",
        md::esc(title(l)),
        md::esc(&counts(doc, l))
    );
    if let Some(n) = &doc.note {
        out.push_str(&format!("> {}\n\n", md::esc(n)));
    }
    let rows: Vec<Vec<String>> = doc
        .rows
        .iter()
        .map(|r| {
            let mut c: Vec<String> = cells(r, l, true).iter().map(|c| md::esc(c)).collect();
            c[0] = format!("`{}`", c[0].replace('`', ""));
            c
        })
        .collect();
    out.push_str(&md::table(&headers(l), &[], &rows));
    out.push_str(&format!("\n---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

pub fn to_html(doc: &AuditDoc<'_>, l: Lang) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        html::esc(title(l)),
        html::esc(&counts(doc, l))
    );
    if let Some(n) = &doc.note {
        body.push_str(&format!(
            "<p class=\"warn unverified\">{}</p>\n",
            html::esc(n)
        ));
    }
    let rows: Vec<Vec<String>> = doc
        .rows
        .iter()
        .map(|r| {
            let mut c: Vec<String> = cells(r, l, true).iter().map(|c| html::esc(c)).collect();
            c[0] = format!("<code title=\"{}\">{}</code>", html::esc(&r.commit), c[0]);
            if !r.signature_ok {
                c[6] = format!("<span class=\"flag\">{}</span>", c[6]);
            }
            c
        })
        .collect();
    body.push_str(&html::table("small audit", &headers(l), &[], &rows));
    html::page(l, title(l), &doc.commit, &body)
}

pub fn to_csv(doc: &AuditDoc<'_>, l: Lang) -> Result<Vec<u8>, ExportError> {
    let mut h = headers(l);
    h.push(l.pick("已验证", "verified").to_string());
    let rows: Vec<Vec<String>> = doc
        .rows
        .iter()
        .map(|r| {
            let mut c = cells(r, l, false);
            c.push(doc.verified.to_string());
            c
        })
        .collect();
    csv::write(&h, &rows, super::source_label(l), &doc.commit)
}
