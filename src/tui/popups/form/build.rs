//! Building a form's action: one method per kind of action; a value that
//! cannot be read names its field.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::i18n::Lang;
use crate::model::{
    Action, Category, Contact, Decision, Evaluation, EvaluationKind, Mark, Member, Metrics,
    Nomination, Nominee, Objection, ObjectionStatus, Opinion, Outcome, Score, Snapshot, Stance,
    Votes,
};

use super::super::super::tr;
use super::{FieldError, Form, Input, MarkState};

/// What building a form's action reads.
pub(super) struct BuildCx<'a> {
    pub(super) snap: &'a Snapshot,
    pub(super) me: &'a Member,
    pub(super) now: DateTime<FixedOffset>,
    pub(super) lang: Lang,
    pub(super) day: chrono::NaiveDate,
    pub(super) id: String,
}

impl Form {
    /// The score action of this form.
    pub(super) fn action_score(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, now, lang, id, ..
        } = cx;
        let mut marks = BTreeMap::new();
        for (i, f) in self.fields.iter().enumerate() {
            if let Input::Mark { value, state, max } = &f.input {
                let mark = match state {
                    MarkState::NotScored => Mark::NotScored,
                    MarkState::Abstain => Mark::Abstain,
                    MarkState::NotApplicable => Mark::NotApplicable,
                    MarkState::Recused => Mark::Recused,
                    MarkState::Points if value.trim().is_empty() => Mark::NotScored,
                    MarkState::Points => {
                        let p: f64 = value.trim().parse().map_err(|_| FieldError {
                            field: Some(i),
                            message: match lang {
                                Lang::Zh | Lang::ZhHans => format!("{}:「{value}」不是數字", f.key),
                                Lang::En => format!("{}: {value:?} is not a number", f.key),
                            },
                        })?;
                        if !(0.0..=*max).contains(&p) {
                            return Err(FieldError {
                                field: Some(i),
                                message: match lang {
                                    Lang::Zh | Lang::ZhHans => {
                                        format!("{}:{value} 超出 0..{max}", f.key)
                                    }
                                    Lang::En => {
                                        format!("{}: {value} is outside 0..{max}", f.key)
                                    }
                                },
                            });
                        }
                        Mark::Points(p)
                    }
                };
                marks.insert(f.key.clone(), mark);
            }
        }
        Ok(Action::Score {
            nomination: id,
            score: Score {
                reviewer: me.id.clone(),
                marks,
                comment: self.text_of("score.comment"),
                time: now,
            },
        })
    }

    /// The evaluate action of this form.
    pub(super) fn action_evaluate(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, lang, day, id, ..
        } = cx;
        let rating = self.text_of("evaluation.rating");
        let rating = if rating.is_empty() {
            None
        } else {
            Some(rating.parse::<f64>().map_err(|_| {
                self.err(
                    "evaluation.rating",
                    tr(
                        lang,
                        "評分須為 0 到 100 的數字",
                        "the rating is a number 0-100",
                    ),
                )
            })?)
        };
        let kind = match self.choice_of("evaluation.kind").as_str() {
            "unannounced" => EvaluationKind::Unannounced,
            "site-visit" => EvaluationKind::SiteVisit,
            "interview" => EvaluationKind::Interview,
            _ => EvaluationKind::Routine,
        };
        let findings = self.text_of("evaluation.findings");
        if findings.is_empty() {
            return Err(self.err(
                "evaluation.findings",
                tr(lang, "請填寫發現", "findings are required"),
            ));
        }
        Ok(Action::Evaluate {
            nomination: id,
            evaluation: Evaluation {
                kind,
                author: me.id.clone(),
                date: day,
                rating,
                findings,
                knowledge_rate: None,
                service_satisfaction: None,
                incidents: vec![],
            },
        })
    }

    /// The opinion action of this form.
    pub(super) fn action_opinion(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { me, day, id, .. } = cx;
        Ok(Action::Opinion {
            nomination: id,
            opinion: Opinion {
                department: self.choice_of("opinion.department"),
                stance: match self.choice_of("opinion.stance").as_str() {
                    "veto" => Stance::Veto,
                    "concern" => Stance::Concern,
                    _ => Stance::Approve,
                },
                reason: self.text_of("opinion.reason"),
                recorded_by: me.id.clone(),
                date: day,
            },
        })
    }

    /// The vote action of this form.
    pub(super) fn action_vote(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, lang, day, id, ..
        } = cx;
        Ok(Action::Vote {
            nomination: id,
            votes: Votes {
                satisfied: self.count("votes.satisfied", lang)?,
                basically_satisfied: self.count("votes.basically_satisfied", lang)?,
                dissatisfied: self.count("votes.dissatisfied", lang)?,
                recorded_by: me.id.clone(),
                date: day,
            },
        })
    }

    /// The object action of this form.
    pub(super) fn action_object(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            me, now, lang, id, ..
        } = cx;
        let source = self.text_of("objection.source");
        if source.is_empty() {
            return Err(self.err(
                "objection.source",
                tr(lang, "請填寫來源", "the source is required"),
            ));
        }
        Ok(Action::Object {
            nomination: id,
            objection: Objection {
                filed: now,
                source,
                text: self.text_of("objection.text"),
                fraud: self.flag_of("objection.fraud"),
                recorded_by: me.id.clone(),
                status: ObjectionStatus::Open,
                resolution: None,
            },
        })
    }

    /// The resolve action of this form.
    pub(super) fn action_resolve(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { day, id, .. } = cx;
        Ok(Action::Resolve {
            nomination: id,
            objection: self.choice_of("objection"),
            upheld: self.choice_of("upheld") == "upheld",
            reason: self.text_of("resolution.reason"),
            date: day,
        })
    }

    /// The decide action of this form.
    pub(super) fn action_decide(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { me, day, id, .. } = cx;
        Ok(Action::Decide {
            nomination: id,
            decision: Decision {
                outcome: match self.choice_of("decision.outcome").as_str() {
                    "final" => Outcome::Final,
                    "rejected" => Outcome::Rejected,
                    "disqualified" => Outcome::Disqualified,
                    _ => Outcome::Candidate,
                },
                reason: self.text_of("decision.reason"),
                fraud: self.flag_of("decision.fraud"),
                by: me.id.clone(),
                date: day,
                reopened: None,
            },
        })
    }

    /// The nominate action of this form.
    pub(super) fn action_nominate(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx {
            snap, lang, day, ..
        } = cx;
        let nid = self.text_of("id");
        if nid.is_empty() {
            return Err(self.err("id", tr(lang, "請填寫編號", "the id is required")));
        }
        let name = self.text_of("nominee.name");
        if name.is_empty() {
            return Err(self.err(
                "nominee.name",
                tr(lang, "請填寫名稱", "the nominee is required"),
            ));
        }
        let cat_id = self.choice_of("category");
        let cat: Option<&Category> = snap.campaign.category(&cat_id);
        let brand = self.text_of("brand");
        Ok(Action::Nominate(Nomination {
            id: nid,
            category: cat_id,
            unit: self.choice_of("unit"),
            nominee: Nominee {
                kind: cat.map_or(crate::model::NomineeKind::Organisation, |c| c.nominee),
                name,
                workplace: None,
                post: None,
                front_line: self.flag_of("nominee.front_line"),
                gender: None,
                born: None,
                political_status: None,
                education: None,
            },
            brand: (!brand.is_empty()).then_some(brand),
            registered: day,
            contact: Contact {
                name: self.text_of("contact.name"),
                phone: self.text_of("contact.phone"),
            },
            deeds: self.text_of("deeds"),
            metrics: Metrics::default(),
            honours: vec![],
            media: vec![],
            activities: vec![],
            supervisors: vec![],
            evidence: vec![],
            form_filed: None,
        }))
    }
}
