//! A form filled from a set-aside action's files, to do the action again on
//! today's record (settling what sync set aside, `popups/aside.rs`).

use crate::i18n::Lang;
use crate::model::{
    ActionKind, Decision, Evaluation, EvaluationKind, Member, Nomination, Objection, Opinion,
    Outcome, Score, Snapshot, Stance, Votes,
};
use crate::store::codec::from_ron;
use crate::store::layout::{classify, FileKind};

use super::{Form, Input, MarkState};

/// The file of `files` whose kind `want` picks, read as `T`.
fn file<T: serde::de::DeserializeOwned>(
    files: &[(String, Option<String>)],
    want: impl Fn(&FileKind) -> bool,
) -> Option<T> {
    files.iter().find_map(|(path, content)| {
        if !want(&classify(path)) {
            return None;
        }
        content
            .as_deref()
            .and_then(|c| from_ron::<T>(path, c.as_bytes()).ok())
    })
}

impl Form {
    /// Sets the text, number or date field `key` to `v`.
    pub(super) fn put(&mut self, key: &str, v: &str) {
        if let Some(Input::Text { value, .. } | Input::Number { value } | Input::Date { value }) =
            self.fields
                .iter_mut()
                .find(|f| f.key == key)
                .map(|f| &mut f.input)
        {
            *value = v.to_string();
        }
    }

    /// Sets the flag field `key` to `v`.
    pub(super) fn flag(&mut self, key: &str, v: bool) {
        if let Some(Input::Flag(f)) = self
            .fields
            .iter_mut()
            .find(|f| f.key == key)
            .map(|f| &mut f.input)
        {
            *f = v;
        }
    }

    /// What a set-aside nominate, activity, supervisor or filed-form action
    /// wrote into `nomination.ron` (`n`): the whole record to register or
    /// correct; the activity or supervisor it added (the last of its list);
    /// the day the form was filed.
    fn hold_written(&mut self, kind: ActionKind, snap: &Snapshot, n: &Nomination) {
        match kind {
            ActionKind::Nominate => {
                self.hold_nomination(n);
                if snap.record(&n.id).is_none() {
                    // Not registered on today's record: a new registration.
                    self.nomination = None;
                }
            }
            ActionKind::Activity => {
                if let Some(a) = n.activities.last() {
                    self.put("activity.date", &a.date.format("%Y-%m-%d").to_string());
                    self.put("activity.summary", &a.summary);
                }
            }
            ActionKind::Supervisor => {
                if let Some(s) = n.supervisors.last() {
                    self.put("supervisor.name", &s.name);
                    self.put("supervisor.affiliation", &s.affiliation);
                }
            }
            _ => {
                if let Some(d) = n.form_filed {
                    self.put("file_form.date", &d.format("%Y-%m-%d").to_string());
                }
            }
        }
    }

    /// The form of `kind` on `record`, with what the set-aside action wrote
    /// (`files`: path and content) where the form holds it: a score's marks
    /// and comment; an opinion's department, stance and reason; the votes;
    /// an evaluation's kind, rating and findings; an objection's source,
    /// text and fraud mark; a decision's outcome, reason and fraud mark.
    /// Other kinds open as they open from the menu.
    pub fn from_set_aside(
        kind: ActionKind,
        snap: &Snapshot,
        me: &Member,
        record: Option<&str>,
        files: &[(String, Option<String>)],
        lang: Lang,
    ) -> Option<Form> {
        let mut form = Form::open(kind, snap, me, record, lang)?;
        match kind {
            ActionKind::Score => {
                if let Some(score) = file::<Score>(files, |k| matches!(k, FileKind::Score { .. })) {
                    for f in &mut form.fields {
                        match &mut f.input {
                            Input::Mark { value, state, .. } => {
                                let (s, v) = MarkState::of(score.marks.get(&f.key));
                                *state = s;
                                *value = v;
                            }
                            Input::Text { value, .. } if f.key == "score.comment" => {
                                value.clone_from(&score.comment)
                            }
                            _ => {}
                        }
                    }
                }
            }
            ActionKind::Opinion => {
                if let Some(o) = file::<Opinion>(files, |k| matches!(k, FileKind::Opinion { .. })) {
                    form.choose("opinion.department", &o.department);
                    let stance = match o.stance {
                        Stance::Approve => "approve",
                        Stance::Concern => "concern",
                        Stance::Veto => "veto",
                    };
                    form.choose("opinion.stance", stance);
                    form.put("opinion.reason", &o.reason);
                }
            }
            ActionKind::Vote => {
                if let Some(v) = file::<Votes>(files, |k| matches!(k, FileKind::Votes { .. })) {
                    form.put("votes.satisfied", &v.satisfied.to_string());
                    form.put(
                        "votes.basically_satisfied",
                        &v.basically_satisfied.to_string(),
                    );
                    form.put("votes.dissatisfied", &v.dissatisfied.to_string());
                }
            }
            ActionKind::Evaluate => {
                if let Some(e) =
                    file::<Evaluation>(files, |k| matches!(k, FileKind::Evaluation { .. }))
                {
                    let kind = match e.kind {
                        EvaluationKind::Routine => "routine",
                        EvaluationKind::Unannounced => "unannounced",
                        EvaluationKind::SiteVisit => "site-visit",
                        EvaluationKind::Interview => "interview",
                    };
                    form.choose("evaluation.kind", kind);
                    if let Some(r) = e.rating {
                        form.put("evaluation.rating", &crate::rules::text::num(r));
                    }
                    form.put("evaluation.findings", &e.findings);
                    if let Some(r) = e.knowledge_rate {
                        form.put("evaluation.knowledge_rate", &crate::rules::text::num(r));
                    }
                    if let Some(r) = e.service_satisfaction {
                        form.put(
                            "evaluation.service_satisfaction",
                            &crate::rules::text::num(r),
                        );
                    }
                }
            }
            ActionKind::Object => {
                if let Some(o) =
                    file::<Objection>(files, |k| matches!(k, FileKind::Objection { .. }))
                {
                    form.put("objection.source", &o.source);
                    form.put("objection.text", &o.text);
                    form.flag("objection.fraud", o.fraud);
                }
            }
            ActionKind::Decide => {
                if let Some(d) = file::<Decision>(files, |k| matches!(k, FileKind::Decision { .. }))
                {
                    let outcome = match d.outcome {
                        Outcome::Candidate => "candidate",
                        Outcome::Final => "final",
                        Outcome::Rejected => "rejected",
                        Outcome::Disqualified => "disqualified",
                    };
                    form.choose("decision.outcome", outcome);
                    form.put("decision.reason", &d.reason);
                    form.flag("decision.fraud", d.fraud);
                }
            }
            ActionKind::Nominate
            | ActionKind::Activity
            | ActionKind::Supervisor
            | ActionKind::FileForm => {
                if let Some(n) =
                    file::<Nomination>(files, |k| matches!(k, FileKind::Nomination { .. }))
                {
                    form.hold_written(kind, snap, &n);
                }
            }
            _ => {}
        }
        Some(form)
    }
}
