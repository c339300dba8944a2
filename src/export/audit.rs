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

use super::sheet::{Cell, Sheet};
use super::{html, md, source_commit, ExportError};
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
        "注意：簽名狀態僅表示提交是否帶有簽名，尚未驗證簽名及其密鑰是否屬於登記成員，也未檢查違規；請用 git verify-commit 或 git log --show-signature 核驗。",
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

/// An audit log ready to render, which need not come from the snapshot it is
/// built with (that gives the commit and the members' names).
pub struct AuditExport<'a> {
    pub doc: AuditDoc<'a>,
    pub names: Names,
}

impl<'a> AuditExport<'a> {
    pub fn new(snapshot: &Snapshot, log: &'a AuditLog, l: Lang) -> AuditExport<'a> {
        AuditExport {
            doc: build(snapshot, log, l),
            names: Names::of(snapshot),
        }
    }
}

impl super::document::Document for AuditExport<'_> {
    fn kind(&self) -> super::Kind {
        super::Kind::Audit
    }

    fn commit(&self) -> &str {
        &self.doc.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        super::json::to_vec(&self.doc)
    }

    fn markdown(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(markdown(&self.doc, l, &self.names).into_bytes())
    }

    fn html(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        Ok(to_html(&self.doc, l, &self.names).into_bytes())
    }

    fn sheets(&self, l: Lang) -> Option<Vec<Sheet>> {
        Some(sheets(&self.doc, l, &self.names))
    }
}

/// Member ids to names, so the documents show 李國華, not `liguohua`.
pub struct Names(Vec<(String, String)>);

impl Names {
    pub fn of(snapshot: &Snapshot) -> Names {
        Names(
            snapshot
                .members
                .iter()
                .map(|m| (m.id.clone(), m.name.clone()))
                .collect(),
        )
    }

    pub fn name(&self, id: &str) -> String {
        self.0
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }
}

fn title(l: Lang) -> &'static str {
    l.pick("簽名歷史審計", "Audit of the signed history")
}

fn counts(doc: &AuditDoc<'_>, l: Lang) -> String {
    let signed = if doc.verified {
        l.pick("簽名有效", "good signatures")
    } else {
        l.pick("帶簽名", "signed")
    };
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "共{}個提交；{signed}{}個；有違規{}個。每個簽名只驗證一次。",
            doc.commits, doc.signed, doc.with_violations
        ),
        Lang::En => format!(
            "{} commits; {signed}: {}; with violations: {}. Each signature is verified once.",
            doc.commits, doc.signed, doc.with_violations
        ),
    }
}

fn headers(l: Lang) -> Vec<String> {
    [
        l.pick("提交", "Commit"),
        l.pick("時間", "Time"),
        l.pick("操作人", "Actor"),
        l.pick("操作", "Action"),
        l.pick("記錄", "Record"),
        l.pick("摘要", "Summary"),
        l.pick("簽名", "Signature"),
        l.pick("違規", "Violations"),
    ]
    .map(String::from)
    .to_vec()
}

fn cells(r: &AuditRow, names: &Names, short: bool) -> Vec<String> {
    vec![
        if short {
            r.commit.chars().take(10).collect()
        } else {
            r.commit.clone()
        },
        r.time.format("%Y-%m-%d %H:%M").to_string(),
        names.name(&r.actor),
        r.action.clone(),
        r.record.clone().unwrap_or_default(),
        r.summary.clone(),
        r.signature.clone(),
        r.violations.join("; "),
    ]
}

type Rows = Vec<Vec<String>>;

/// The first page: counts per action and per member, and every violation.
fn summary_tables(doc: &AuditDoc<'_>, l: Lang, names: &Names) -> (Rows, Rows, Rows) {
    let mut by_action: Vec<(String, usize)> = Vec::new();
    let mut by_member: Vec<(String, usize, usize)> = Vec::new();
    for r in doc.rows {
        let a = if r.action.is_empty() {
            l.pick("（未標明）", "(none)").to_string()
        } else {
            r.action.clone()
        };
        match by_action.iter_mut().find(|(x, _)| *x == a) {
            Some((_, n)) => *n += 1,
            None => by_action.push((a, 1)),
        }
        let m = names.name(&r.actor);
        let bad = usize::from(!r.violations.is_empty());
        match by_member.iter_mut().find(|(x, _, _)| *x == m) {
            Some((_, n, v)) => {
                *n += 1;
                *v += bad;
            }
            None => by_member.push((m, 1, bad)),
        }
    }
    let violations = doc
        .rows
        .iter()
        .flat_map(|r| {
            r.violations.iter().map(move |v| {
                vec![
                    r.commit.chars().take(10).collect(),
                    r.time.format("%Y-%m-%d %H:%M").to_string(),
                    names.name(&r.actor),
                    v.clone(),
                ]
            })
        })
        .collect();
    (
        by_action
            .into_iter()
            .map(|(a, n)| vec![a, n.to_string()])
            .collect(),
        by_member
            .into_iter()
            .map(|(m, n, v)| vec![m, n.to_string(), v.to_string()])
            .collect(),
        violations,
    )
}

pub fn markdown(doc: &AuditDoc<'_>, l: Lang, names: &Names) -> String {
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
            let mut c: Vec<String> = cells(r, names, true).iter().map(|c| md::esc(c)).collect();
            c[0] = format!("`{}`", c[0].replace('`', ""));
            c
        })
        .collect();
    out.push_str(&md::table(&headers(l), &[], &rows));
    out.push_str(&format!("\n---\n\n{}\n", md::source_line(l, &doc.commit)));
    out
}

pub fn to_html(doc: &AuditDoc<'_>, l: Lang, names: &Names) -> String {
    let esc_rows = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .map(|r| r.iter().map(|c| html::esc(c)).collect())
            .collect()
    };
    let mut body = format!(
        "<section class=\"summary\">\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        html::esc(title(l)),
        html::esc(&counts(doc, l))
    );
    if let Some(n) = &doc.note {
        body.push_str(&format!(
            "<p class=\"warn unverified\">{}</p>\n",
            html::esc(n)
        ));
    }
    let (actions, members, violations) = summary_tables(doc, l, names);
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        html::esc(l.pick("按操作統計", "By action"))
    ));
    body.push_str(&html::table(
        "small",
        &[
            l.pick("操作", "Action").to_string(),
            l.pick("提交數", "Commits").to_string(),
        ],
        &[1],
        &esc_rows(actions),
    ));
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        html::esc(l.pick("按操作人統計", "By member"))
    ));
    body.push_str(&html::table(
        "small",
        &[
            l.pick("操作人", "Member").to_string(),
            l.pick("提交數", "Commits").to_string(),
            l.pick("有違規的提交", "With violations").to_string(),
        ],
        &[1, 2],
        &esc_rows(members),
    ));
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        html::esc(l.pick("違規", "Violations"))
    ));
    if violations.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", html::esc(l.pick("無。", "None."))));
    } else {
        body.push_str(&html::table(
            "small",
            &[
                l.pick("提交", "Commit").to_string(),
                l.pick("時間", "Time").to_string(),
                l.pick("操作人", "Actor").to_string(),
                l.pick("違規", "Violation").to_string(),
            ],
            &[],
            &esc_rows(violations),
        ));
    }
    body.push_str("</section>\n<div class=\"pagebreak\"></div>\n");
    body.push_str(&format!(
        "<h2>{}</h2>\n",
        html::esc(l.pick("提交明細", "The commits"))
    ));
    let rows: Vec<Vec<String>> = doc
        .rows
        .iter()
        .map(|r| {
            let mut c: Vec<String> = cells(r, names, true).iter().map(|c| html::esc(c)).collect();
            c[0] = format!("<code title=\"{}\">{}</code>", html::esc(&r.commit), c[0]);
            if !r.signature_ok {
                c[6] = format!("<span class=\"flag\">{}</span>", c[6]);
            }
            c
        })
        .collect();
    body.push_str(&html::table("small audit", &headers(l), &[], &rows));
    html::page_landscape(l, title(l), &doc.commit, &body)
}

/// One row per commit: the time as a date-time cell (its offset beside it),
/// verified as 是/否.
pub fn sheets(doc: &AuditDoc<'_>, l: Lang, names: &Names) -> Vec<Sheet> {
    let mut h = headers(l);
    h.insert(2, l.pick("時區", "Offset").to_string());
    h.push(l.pick("已驗證", "Verified").to_string());
    let mut s = Sheet::new(l.pick("提交", "Commits"), h);
    for r in doc.rows {
        s.push(vec![
            Cell::text(r.commit.clone()),
            Cell::Time(r.time.naive_local()),
            Cell::text(r.time.format("%:z").to_string()),
            Cell::text(names.name(&r.actor)),
            Cell::opt(Some(r.action.as_str())),
            Cell::opt(r.record.as_deref()),
            Cell::text(r.summary.clone()),
            Cell::text(r.signature.clone()),
            Cell::opt(Some(r.violations.join("; ").as_str())),
            Cell::text(if doc.verified {
                l.pick("是", "yes")
            } else {
                l.pick("否", "no")
            }),
        ]);
    }
    vec![s]
}
