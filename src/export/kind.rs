//! The documents, one list for the command line (`pingxuan export KIND`) and the
//! TUI's export menu: name, label, the formats each comes in, and what it needs.

use super::Format;
use crate::i18n::Lang;

/// Every document the tool issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Kind {
    /// The public notice (公示) of the candidates, all categories in one.
    Notice,
    /// The commendation decision (表彰決定).
    Decision,
    /// The commended list per category, with the final scores.
    Final,
    /// The application form (申報表) of one nomination: `form ID`.
    Form,
    /// The registration summary per reporting unit (擬參與名單匯總表).
    Registration,
    /// A blank score sheet per category, for reviewers to fill by hand (評分表).
    ScoreSheet,
    /// The democratic-evaluation ballot per category (民主測評票).
    Ballot,
    /// The democratic-evaluation vote summary (民主測評結果匯總表).
    Votes,
    /// The letter asking the departments for their opinions (徵求意見函).
    Letter,
    /// The departments' answers per nomination (部門意見匯總表).
    Opinions,
    /// The record of objections and how each was handled (異議登記及處理情況).
    Objections,
    /// Scores per reviewer and criterion, with aggregates, spread and flags.
    Scores,
    /// The signed history with each signature verified once, and the audit.
    Audit,
    /// The whole snapshot as JSON.
    Json,
}

use Format::{Csv, Docx, Html, Json, Markdown, Xlsx};

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Notice,
        Kind::Final,
        Kind::Decision,
        Kind::Form,
        Kind::Registration,
        Kind::ScoreSheet,
        Kind::Ballot,
        Kind::Votes,
        Kind::Letter,
        Kind::Opinions,
        Kind::Objections,
        Kind::Scores,
        Kind::Audit,
        Kind::Json,
    ];

    /// The name `pingxuan export` takes, also a file name's stem.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Notice => "notice",
            Kind::Decision => "decision",
            Kind::Final => "final",
            Kind::Form => "form",
            Kind::Registration => "registration",
            Kind::ScoreSheet => "score-sheet",
            Kind::Ballot => "ballot",
            Kind::Votes => "votes",
            Kind::Letter => "letter",
            Kind::Opinions => "opinions",
            Kind::Objections => "objections",
            Kind::Scores => "scores",
            Kind::Audit => "audit",
            Kind::Json => "json",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What menus show.
    pub fn label(self, lang: Lang) -> String {
        let (zh, en) = match self {
            Kind::Notice => ("公示", "public notice"),
            Kind::Decision => ("表彰決定", "commendation decision"),
            Kind::Final => ("入選名單", "final list"),
            Kind::Form => ("申報表", "application form"),
            Kind::Registration => ("擬參與名單匯總表", "registration summary"),
            Kind::ScoreSheet => ("評分表（空白）", "blank score sheet"),
            Kind::Ballot => ("民主測評票", "democratic-evaluation ballot"),
            Kind::Votes => ("民主測評結果匯總表", "vote summary"),
            Kind::Letter => ("徵求意見函", "letter to the departments"),
            Kind::Opinions => ("部門意見匯總表", "departments' opinions"),
            Kind::Objections => ("異議登記及處理情況", "objections and their handling"),
            Kind::Scores => ("評分明細", "scores"),
            Kind::Audit => ("簽名歷史與審計", "signed history and audit"),
            Kind::Json => ("全部數據（JSON）", "whole snapshot (JSON)"),
        };
        lang.pick(zh, en).to_string()
    }

    /// The formats the document comes in, in the order menus offer them
    /// (print-ready HTML first).
    pub fn formats(self) -> &'static [Format] {
        match self {
            Kind::Notice
            | Kind::Form
            | Kind::Registration
            | Kind::Votes
            | Kind::Opinions
            | Kind::Objections => &[Html, Markdown, Docx, Xlsx, Csv, Json],
            Kind::Decision => &[Html, Markdown, Docx, Json],
            Kind::Final | Kind::Scores | Kind::Audit => &[Html, Markdown, Xlsx, Csv, Json],
            Kind::ScoreSheet => &[Html, Markdown, Docx, Xlsx],
            Kind::Ballot | Kind::Letter => &[Html, Markdown, Docx],
            Kind::Json => &[Json],
        }
    }

    /// The format when none is asked for: Markdown where the document has it
    /// (as before), else the first.
    pub fn default_format(self) -> Format {
        if self.formats().contains(&Markdown) {
            Markdown
        } else {
            self.formats()[0]
        }
    }

    /// Needs a nomination id (`form ID`).
    pub fn needs_id(self) -> bool {
        self == Kind::Form
    }

    /// Takes `--category`.
    pub fn by_category(self) -> bool {
        !matches!(self, Kind::Form | Kind::Audit | Kind::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_name_a_label_and_formats() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
            assert!(!k.formats().is_empty());
            assert!(k.formats().contains(&k.default_format()));
            assert!(k.label(Lang::En).is_ascii());
            assert!(!k.label(Lang::Zh).is_ascii());
        }
    }
}
