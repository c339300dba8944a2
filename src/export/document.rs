//! One trait every document implements, and the one place a format is chosen.
//!
//! A document module builds its data (`NoticeDoc`, `FinalDoc` …) and says, by
//! implementing [`Document`], which forms it has: the printed form as blocks
//! ([`Document::blocks`], from which Markdown, HTML and `.docx` all follow unless
//! a document writes its own), its sheets (CSV takes the first, `.xlsx` all) and
//! its JSON. [`render`] then picks the format once, for every document; a
//! document never ends in its own `match format`.

use super::doc;
use super::sheet::Sheet;
use super::{csv, docx, source_label, xlsx, ExportError, Format, Kind, Options};
use crate::i18n::Lang;

/// A document, built and ready to render in any format its [`Kind`] lists.
pub trait Document {
    /// Which document this is.
    fn kind(&self) -> Kind;

    /// The commit the document was made from (printed on every form of it).
    fn commit(&self) -> &str;

    /// The JSON form: the document's data.
    fn json(&self) -> Result<Vec<u8>, ExportError>;

    /// The printed form as blocks, when the document has one.
    fn blocks(&self, _l: Lang) -> Option<doc::Document> {
        None
    }

    /// Markdown; by default from [`Document::blocks`].
    fn markdown(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        match self.blocks(l) {
            Some(d) => Ok(doc::to_markdown(&d).into_bytes()),
            None => Err(unsupported(self.kind(), Format::Markdown)),
        }
    }

    /// Print-ready HTML; by default from [`Document::blocks`].
    fn html(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        match self.blocks(l) {
            Some(d) => Ok(doc::to_html(&d).into_bytes()),
            None => Err(unsupported(self.kind(), Format::Html)),
        }
    }

    /// A Word document; by default from [`Document::blocks`].
    fn docx(&self, l: Lang) -> Result<Vec<u8>, ExportError> {
        match self.blocks(l) {
            Some(d) => docx::write(&d),
            None => Err(unsupported(self.kind(), Format::Docx)),
        }
    }

    /// The spreadsheet form, when the document has one.
    fn sheets(&self, _l: Lang) -> Option<Vec<Sheet>> {
        None
    }
}

/// The refusal for a format the document does not come in.
pub fn unsupported(kind: Kind, format: Format) -> ExportError {
    ExportError::Unsupported {
        what: kind.name(),
        format: format.extension(),
    }
}

/// Renders a built document in `format`: the one `match format` of the exports.
pub fn render(d: &dyn Document, format: Format, opts: &Options) -> Result<Vec<u8>, ExportError> {
    let kind = d.kind();
    if !kind.formats().contains(&format) {
        return Err(unsupported(kind, format));
    }
    let l = opts.lang;
    match format {
        Format::Markdown => d.markdown(l),
        Format::Html => d.html(l),
        Format::Docx => d.docx(l),
        Format::Json => d.json(),
        Format::Csv | Format::Xlsx => {
            let sheets = d.sheets(l).ok_or_else(|| unsupported(kind, format))?;
            let label = source_label(l);
            let commit = d.commit();
            if format == Format::Csv {
                match sheets.first() {
                    Some(s) => csv::write_sheet(s, label, commit),
                    None => csv::write(&[], &[], label, commit),
                }
            } else {
                xlsx::write(&sheets, label, commit, opts.day)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{build, AuditLog, AuditRow, What};
    use crate::model::Outcome;
    use crate::rules::fixture::*;

    fn log() -> AuditLog {
        AuditLog {
            verified: true,
            rows: vec![AuditRow {
                commit: "0123456789abcdef".into(),
                time: time(3, 1),
                actor: "chair".into(),
                action: "decide".into(),
                record: Some("w1".into()),
                summary: "decide w1".into(),
                signature: "good".into(),
                signature_ok: true,
                violations: vec![],
            }],
        }
    }

    #[test]
    fn every_kind_renders_in_every_format_it_lists_and_refuses_the_others() {
        let mut s = snapshot();
        s.commit = Some("c0ffee".into());
        complete(&mut s, "w1", "window", "win-1", 0.9);
        if let Some(r) = s.records.get_mut("w1") {
            r.decision = Some(decision(Outcome::Candidate, "chair", day(11, 28)));
        }
        s.rulings
            .notices
            .push(notice("window", &["w1"], day(12, 1)));
        let log = log();
        for lang in [Lang::Zh, Lang::En] {
            let opts = Options::new(day(12, 31), lang);
            for kind in Kind::ALL {
                let what = What::of(kind, Some("w1"), Some(&log))
                    .unwrap_or_else(|| panic!("{kind:?}: no document"));
                assert_eq!(what.kind(), kind);
                let doc = build(&s, &what, &opts).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                assert_eq!(doc.kind(), kind);
                assert_eq!(doc.commit(), "c0ffee");
                for format in Format::ALL {
                    let out = render(doc.as_ref(), format, &opts);
                    let direct = crate::export::render(&s, &what, format, &opts);
                    if kind.formats().contains(&format) {
                        let bytes = out.unwrap_or_else(|e| panic!("{kind:?} {format:?}: {e}"));
                        let direct = direct.unwrap_or_else(|e| panic!("{kind:?} {format:?}: {e}"));
                        if matches!(format, Format::Docx | Format::Xlsx) {
                            // zip archives (with a creation time): the same kind of file
                            assert!(bytes.starts_with(b"PK\x03\x04"), "{kind:?} {format:?}");
                            assert!(direct.starts_with(b"PK\x03\x04"), "{kind:?} {format:?}");
                        } else {
                            let text = String::from_utf8(bytes).unwrap_or_default();
                            // every form names its commit (CSV in a column of each row)
                            assert!(
                                format == Format::Csv || text.contains("c0ffee"),
                                "{kind:?} {format:?}: {text}"
                            );
                            assert!(!text.is_empty(), "{kind:?} {format:?}");
                            assert!(direct == text.as_bytes(), "{kind:?} {format:?}");
                        }
                    } else {
                        for e in [out.err(), direct.err()] {
                            assert!(
                                matches!(e, Some(ExportError::Unsupported { what, .. }) if what == kind.name()),
                                "{kind:?} {format:?}: {e:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_form_needs_its_id_and_the_audit_its_log() {
        assert!(What::of(Kind::Form, None, None).is_none());
        assert!(What::of(Kind::Audit, None, None).is_none());
        assert!(What::of(Kind::Notice, None, None).is_some());
    }

    #[test]
    fn the_command_line_accepts_exactly_the_document_kinds() {
        use clap::ValueEnum;
        let cli: Vec<String> = Kind::value_variants()
            .iter()
            .filter_map(|k| k.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        let mut names: Vec<String> = Kind::ALL.iter().map(|k| k.name().to_string()).collect();
        let mut sorted = cli.clone();
        sorted.sort();
        names.sort();
        assert_eq!(sorted, names);
        assert_eq!(Kind::value_variants().len(), Kind::ALL.len());
    }
}
