//! Building a form's action: one method per kind of action; a value that
//! cannot be read names its field.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::i18n::Lang;
use crate::model::{
    Action, Activity, Category, Contact, Decision, Evaluation, EvaluationKind, Evidence, Honour,
    Incident, IncidentKind, Level, Mark, MediaReport, Member, Metrics, Nomination, Nominee,
    Objection, ObjectionStatus, Opinion, Outcome, Score, Snapshot, Stance, Supervisor, Votes,
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
                                Lang::Zh | Lang::ZhHans => {
                                    format!("{}：「{value}」不是數字", f.key)
                                }
                                Lang::En => format!("{}: {value:?} is not a number", f.key),
                            },
                        })?;
                        if !(0.0..=*max).contains(&p) {
                            return Err(FieldError {
                                field: Some(i),
                                message: match lang {
                                    Lang::Zh | Lang::ZhHans => {
                                        format!("{}：{value} 超出 0..{max}", f.key)
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
                marks: marks.into(),
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
                knowledge_rate: self.num_of("evaluation.knowledge_rate", lang)?,
                service_satisfaction: self.num_of("evaluation.service_satisfaction", lang)?,
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

    /// The number typed into `key` (`None`: empty), or the field at fault.
    fn num_of(&self, key: &str, lang: Lang) -> Result<Option<f64>, FieldError> {
        let t = self.text_of(key);
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.err(
                key,
                match lang {
                    Lang::Zh | Lang::ZhHans => format!("「{t}」不是數字"),
                    Lang::En => format!("{t:?} is not a number"),
                },
            )),
        }
    }

    /// The day typed into `key` (`None`: empty), or the field at fault.
    fn date_of(&self, key: &str, lang: Lang) -> Result<Option<NaiveDate>, FieldError> {
        let t = self.text_of(key);
        if t.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                self.err(
                    key,
                    match lang {
                        Lang::Zh | Lang::ZhHans => {
                            format!("「{t}」不是日期，請寫成 2017-06-30 的格式")
                        }
                        Lang::En => format!("{t:?} is not a date; write it as 2017-06-30"),
                    },
                )
            })
    }

    /// A required text of entry `key`, or the field at fault.
    pub(super) fn required(&self, key: &str, lang: Lang) -> Result<String, FieldError> {
        let t = self.text_of(key);
        if t.is_empty() {
            return Err(self.err(key, tr(lang, "此項必填", "this field is required")));
        }
        Ok(t)
    }

    /// A required day of entry `key`, or the field at fault.
    fn required_date(&self, key: &str, lang: Lang) -> Result<NaiveDate, FieldError> {
        self.date_of(key, lang)?.ok_or_else(|| {
            self.err(
                key,
                tr(
                    lang,
                    "請填寫日期（如 2017-06-30）",
                    "the date is required (e.g. 2017-06-30)",
                ),
            )
        })
    }

    /// The level chosen in `key`.
    fn level_of(&self, key: &str) -> Level {
        match self.choice_of(key).as_str() {
            "National" => Level::National,
            "Provincial" => Level::Provincial,
            "Prefectural" => Level::Prefectural,
            "Municipal" => Level::Municipal,
            _ => Level::Other,
        }
    }

    /// The nominate action of this form: every field of `nomination.ron`.
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
        let opt = |key: &str| {
            let t = self.text_of(key);
            (!t.is_empty()).then_some(t)
        };
        let mut appraisal = BTreeMap::new();
        for f in &self.fields {
            if let Some(y) = f.key.strip_prefix("metrics.appraisal_satisfaction.") {
                if let (Ok(y), Some(v)) = (y.parse::<i32>(), self.num_of(&f.key, lang)?) {
                    appraisal.insert(y, v);
                }
            }
        }
        let mut incidents = Vec::new();
        for n in 0..self.entries("metrics.incidents") {
            let k = |p: &str| format!("metrics.incidents.{n}.{p}");
            incidents.push(Incident {
                kind: match self.choice_of(&k("kind")).as_str() {
                    "NegativeImpact" => IncidentKind::NegativeImpact,
                    "LiabilityAccident" => IncidentKind::LiabilityAccident,
                    "SafetyAccident" => IncidentKind::SafetyAccident,
                    "Violation" => IncidentKind::Violation,
                    _ => IncidentKind::Complaint,
                },
                date: self.required_date(&k("date"), lang)?,
                description: self.text_of(&k("description")),
            });
        }
        let mut honours = Vec::new();
        for n in 0..self.entries("honours") {
            let k = |p: &str| format!("honours.{n}.{p}");
            let since = self.num_of(&k("since"), lang)?.ok_or_else(|| {
                self.err(&k("since"), tr(lang, "請填寫年份", "the year is required"))
            })?;
            if since.fract() != 0.0 || !(1900.0..=2100.0).contains(&since) {
                return Err(self.err(
                    &k("since"),
                    tr(
                        lang,
                        "年份應為四位數字，如 2015",
                        "the year is four digits, e.g. 2015",
                    ),
                ));
            }
            honours.push(Honour {
                title: self.required(&k("title"), lang)?,
                level: self.level_of(&k("level")),
                since: since as i32,
            });
        }
        let mut media = Vec::new();
        for n in 0..self.entries("media") {
            let k = |p: &str| format!("media.{n}.{p}");
            media.push(MediaReport {
                outlet: self.required(&k("outlet"), lang)?,
                level: self.level_of(&k("level")),
                date: self.required_date(&k("date"), lang)?,
                title: self.required(&k("title"), lang)?,
            });
        }
        let mut evidence = Vec::new();
        for n in 0..self.entries("evidence") {
            let k = |p: &str| format!("evidence.{n}.{p}");
            evidence.push(Evidence {
                title: self.text_of(&k("title")),
                reference: self.text_of(&k("reference")),
            });
        }
        let mut activities = Vec::new();
        for n in 0..self.entries("activities") {
            let k = |p: &str| format!("activities.{n}.{p}");
            activities.push(Activity {
                date: self.required_date(&k("date"), lang)?,
                summary: self.required(&k("summary"), lang)?,
            });
        }
        let mut supervisors = Vec::new();
        for n in 0..self.entries("supervisors") {
            let k = |p: &str| format!("supervisors.{n}.{p}");
            supervisors.push(Supervisor {
                name: self.required(&k("name"), lang)?,
                affiliation: self.text_of(&k("affiliation")),
            });
        }
        // A correction keeps the day the record was registered.
        let registered = snap.record(&nid).map_or(day, |r| r.nomination.registered);
        Ok(Action::Nominate(Nomination {
            id: nid,
            category: cat_id,
            unit: self.choice_of("unit"),
            nominee: Nominee {
                kind: cat.map_or(crate::model::NomineeKind::Organisation, |c| c.nominee),
                name,
                workplace: opt("nominee.workplace"),
                post: opt("nominee.post"),
                front_line: self.flag_of("nominee.front_line"),
                gender: opt("nominee.gender"),
                born: opt("nominee.born"),
                political_status: opt("nominee.political_status"),
                education: opt("nominee.education"),
            },
            brand: opt("brand"),
            registered,
            contact: Contact {
                name: self.text_of("contact.name"),
                phone: self.text_of("contact.phone"),
            },
            deeds: self.text_of("deeds"),
            metrics: Metrics {
                appraisal_satisfaction: appraisal,
                service_satisfaction: self.num_of("metrics.service_satisfaction", lang)?,
                knowledge_rate: self.num_of("metrics.knowledge_rate", lang)?,
                incidents,
            },
            honours,
            media,
            activities,
            supervisors,
            evidence,
            form_filed: self.date_of("form_filed", lang)?,
        }))
    }

    /// The activity action of this form (an empty day is today).
    pub(super) fn action_activity(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { lang, day, id, .. } = cx;
        Ok(Action::Activity {
            nomination: id,
            activity: Activity {
                date: self.date_of("activity.date", lang)?.unwrap_or(day),
                summary: self.text_of("activity.summary"),
            },
        })
    }

    /// The supervisor action of this form.
    pub(super) fn action_supervisor(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { id, .. } = cx;
        Ok(Action::Supervisor {
            nomination: id,
            supervisor: Supervisor {
                name: self.text_of("supervisor.name"),
                affiliation: self.text_of("supervisor.affiliation"),
            },
        })
    }

    /// The filed-form action of this form (an empty day is today).
    pub(super) fn action_file_form(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { lang, day, id, .. } = cx;
        Ok(Action::FileForm {
            nomination: id,
            date: self.date_of("file_form.date", lang)?.unwrap_or(day),
        })
    }

    /// Withdrawing the acting reviewer's own score.
    pub(super) fn action_withdraw(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let BuildCx { me, id, .. } = cx;
        Ok(Action::Withdraw {
            nomination: id,
            reviewer: me.id.clone(),
        })
    }
}
