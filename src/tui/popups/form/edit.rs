//! Correcting a registered nomination in the TUI (the clerk's `nominate
//! --file` of a record that exists): the nominate form filled with every
//! field of the record as it stands. LATE-CHANGE still holds on submit: after
//! the registration deadline a correction may not change the category, the
//! nominee or the unit.

use crate::model::{Level, Nomination};
use crate::rules::text::num;

use super::Form;

/// The code a level or incident kind has among a form's options.
fn code<T: std::fmt::Debug>(v: T) -> String {
    format!("{v:?}")
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Form {
    /// The nominate form holding `n` as it stands: every field and every
    /// entry of its lists; the id is the record's, not a proposed one.
    pub(super) fn hold_nomination(&mut self, n: &Nomination) {
        self.nomination = Some(n.id.clone());
        self.proposed = None;
        self.choose("category", &n.category);
        self.put("id", &n.id);
        self.choose("unit", &n.unit);
        let nominee = &n.nominee;
        self.put("nominee.name", &nominee.name);
        self.flag("nominee.front_line", nominee.front_line);
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        for (key, v) in [
            ("brand", opt(&n.brand)),
            ("nominee.workplace", opt(&nominee.workplace)),
            ("nominee.post", opt(&nominee.post)),
            ("nominee.gender", opt(&nominee.gender)),
            ("nominee.born", opt(&nominee.born)),
            ("nominee.political_status", opt(&nominee.political_status)),
            ("nominee.education", opt(&nominee.education)),
            ("contact.name", n.contact.name.clone()),
            ("contact.phone", n.contact.phone.clone()),
            ("deeds", n.deeds.clone()),
            ("form_filed", n.form_filed.map(day).unwrap_or_default()),
        ] {
            self.put(key, &v);
        }
        let m = &n.metrics;
        for (y, v) in &m.appraisal_satisfaction {
            self.put(&format!("metrics.appraisal_satisfaction.{y}"), &num(*v));
        }
        if let Some(v) = m.service_satisfaction {
            self.put("metrics.service_satisfaction", &num(v));
        }
        if let Some(v) = m.knowledge_rate {
            self.put("metrics.knowledge_rate", &num(v));
        }
        self.hold_lists(n);
        self.focus = 0;
        self.fresh = true;
    }

    /// Adds an entry per item of each list of `n` and fills it.
    fn hold_lists(&mut self, n: &Nomination) {
        // Entries held before (a record held again) give way to `n`'s.
        self.fields.retain(|f| {
            !super::open::LISTS.iter().any(|list| {
                f.key
                    .strip_prefix(list)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            })
        });
        self.focus = 0;
        let level = |l: Level| code(l);
        for (i, x) in n.metrics.incidents.iter().enumerate() {
            self.add_entry("metrics.incidents");
            let k = |p: &str| format!("metrics.incidents.{i}.{p}");
            self.choose(&k("kind"), &code(x.kind));
            self.put(&k("date"), &day(x.date));
            self.put(&k("description"), &x.description);
        }
        for (i, x) in n.honours.iter().enumerate() {
            self.add_entry("honours");
            let k = |p: &str| format!("honours.{i}.{p}");
            self.put(&k("title"), &x.title);
            self.choose(&k("level"), &level(x.level));
            self.put(&k("since"), &x.since.to_string());
        }
        for (i, x) in n.media.iter().enumerate() {
            self.add_entry("media");
            let k = |p: &str| format!("media.{i}.{p}");
            self.put(&k("outlet"), &x.outlet);
            self.choose(&k("level"), &level(x.level));
            self.put(&k("date"), &day(x.date));
            self.put(&k("title"), &x.title);
        }
        for (i, x) in n.evidence.iter().enumerate() {
            self.add_entry("evidence");
            let k = |p: &str| format!("evidence.{i}.{p}");
            self.put(&k("title"), &x.title);
            self.put(&k("reference"), &x.reference);
        }
        for (i, x) in n.activities.iter().enumerate() {
            self.add_entry("activities");
            let k = |p: &str| format!("activities.{i}.{p}");
            self.put(&k("date"), &day(x.date));
            self.put(&k("summary"), &x.summary);
        }
        for (i, x) in n.supervisors.iter().enumerate() {
            self.add_entry("supervisors");
            let k = |p: &str| format!("supervisors.{i}.{p}");
            self.put(&k("name"), &x.name);
            self.put(&k("affiliation"), &x.affiliation);
        }
    }
}
