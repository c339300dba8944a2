//! The chair's forms: reopen a decided nomination, publish a category's
//! candidate list, a tie-break order, a deadline exception, a phase override,
//! and adding or revoking a member's signing key. Each builds the same
//! [`Action`] the command line builds (`pingxuan reopen`, `publish`,
//! `tie-order`, `exception`, `override`, `key add` / `key revoke`); the rules
//! check it and the confirmation shows the commit before it is signed.

use chrono::NaiveDate;

use crate::i18n::Lang;
use crate::model::{Action, ActionKind, Exception, Notice, PhaseOverride, PublicKey};
use crate::sign::verify::{abbreviate, check_key_syntax, is_ssh_key, same_key};
use crate::text::display;

use super::super::super::tr;
use super::build::BuildCx;
use super::open::{choice, date, text, OpenCx};
use super::{FieldError, Form, Input};

fn categories(cx: &OpenCx) -> Vec<(String, String)> {
    cx.snap
        .campaign
        .categories
        .iter()
        .map(|c| (c.id.clone(), display(cx.l.pick(&c.name, &c.name_en))))
        .collect()
}

/// REOPEN (FREEZE): why the decided nomination's assessment is reopened.
pub(super) fn open_reopen(cx: &OpenCx) -> Option<Form> {
    cx.record?;
    Some(Form::new(
        cx.kind,
        cx.nomination,
        vec![text(
            "reopen.reason",
            tr(cx.l, "重新評審的理由", "why it is reopened"),
            "",
            true,
        )],
    ))
}

/// CANDIDATES: the category and its candidates (empty: every candidate
/// that passes the recheck now, as `pingxuan publish` without --candidates).
pub(super) fn open_publish(cx: &OpenCx) -> Option<Form> {
    Some(Form::new(
        cx.kind,
        None,
        vec![
            choice(
                "notice.category",
                tr(cx.l, "類別", "category"),
                categories(cx),
                0,
            ),
            text(
                "notice.candidates",
                tr(cx.l, "候選（空=全部）", "candidates (empty: all)"),
                "",
                false,
            ),
        ],
    ))
}

/// The tie-break order of a category, highest first.
pub(super) fn open_tie_order(cx: &OpenCx) -> Option<Form> {
    Some(Form::new(
        cx.kind,
        None,
        vec![
            choice(
                "tie.category",
                tr(cx.l, "類別", "category"),
                categories(cx),
                0,
            ),
            text(
                "tie.order",
                tr(cx.l, "順序（高者在前）", "order, highest first"),
                "",
                false,
            ),
        ],
    ))
}

/// REG-DEADLINE / FORM-DEADLINE: an exception for one nomination (which
/// need not be registered yet: a late registration needs it first).
pub(super) fn open_exception(cx: &OpenCx) -> Option<Form> {
    Some(Form::new(
        cx.kind,
        None,
        vec![
            choice(
                "exception.rule",
                tr(cx.l, "期限", "deadline"),
                vec![
                    (
                        "REG-DEADLINE".into(),
                        tr(cx.l, "申報期限 REG-DEADLINE", "registration REG-DEADLINE"),
                    ),
                    (
                        "FORM-DEADLINE".into(),
                        tr(cx.l, "申報表期限 FORM-DEADLINE", "form FORM-DEADLINE"),
                    ),
                ],
                0,
            ),
            text(
                "exception.nomination",
                tr(cx.l, "編號", "nomination id"),
                cx.nomination.unwrap_or(""),
                false,
            ),
            date(
                "exception.until",
                tr(cx.l, "延至（年-月-日）", "until (YYYY-MM-DD)"),
                "",
            ),
            text("exception.reason", tr(cx.l, "理由", "reason"), "", true),
        ],
    ))
}

/// PHASES: a phase's dates overridden; a start or end left empty keeps the
/// chosen phase's current date (shown beside its name).
pub(super) fn open_override(cx: &OpenCx) -> Option<Form> {
    let phases = &cx.snap.campaign.phases;
    phases.first()?;
    Some(Form::new(
        cx.kind,
        None,
        vec![
            choice(
                "override.phase",
                tr(cx.l, "階段", "phase"),
                phases
                    .iter()
                    .map(|p| {
                        (
                            p.id.clone(),
                            format!(
                                "{} {}..{}",
                                display(cx.l.pick(&p.name, &p.name_en)),
                                p.start,
                                p.end
                            ),
                        )
                    })
                    .collect(),
                0,
            ),
            date(
                "override.start",
                tr(cx.l, "開始（空=不變）", "start (empty: as is)"),
                "",
            ),
            date(
                "override.end",
                tr(cx.l, "結束（空=不變）", "end (empty: as is)"),
                "",
            ),
            text("override.reason", tr(cx.l, "理由", "reason"), "", true),
        ],
    ))
}

/// A member's signing key added or revoked (`pingxuan key add/revoke`). The
/// key: an ssh public key line, the path of a `.pub` file or an OpenPGP
/// fingerprint; to revoke, also the abbreviation the error lists, or nothing
/// when the member has one valid key. The day: from which the key is valid,
/// or on which it is revoked (empty: today).
pub(super) fn open_key(cx: &OpenCx) -> Option<Form> {
    let members: Vec<(String, String)> = cx
        .snap
        .members
        .iter()
        .map(|m| (m.id.clone(), format!("{} {}", display(&m.name), m.id)))
        .collect();
    Some(Form::new(
        cx.kind,
        None,
        vec![
            choice(
                "key.op",
                tr(cx.l, "操作", "operation"),
                vec![
                    ("add".into(), tr(cx.l, "登記新密鑰", "add a key")),
                    ("revoke".into(), tr(cx.l, "吊銷密鑰", "revoke a key")),
                ],
                0,
            ),
            choice("key.member", tr(cx.l, "成員", "member"), members, 0),
            text(
                "key.key",
                tr(cx.l, "公鑰或 .pub 路徑", "key or .pub file"),
                "",
                false,
            ),
            date(
                "key.date",
                tr(cx.l, "日期（空=今天）", "day (empty: today)"),
                "",
            ),
        ],
    ))
}

/// The Chinese or English message as the form's language wants.
fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh | Lang::ZhHans => zh,
        Lang::En => en,
    }
}

impl Form {
    /// The date typed into `key`; `today` when it is left empty.
    fn date_or_today(
        &self,
        key: &str,
        lang: Lang,
        today: Option<NaiveDate>,
    ) -> Result<NaiveDate, FieldError> {
        let t = self.text_of(key);
        if let (true, Some(d)) = (t.is_empty(), today) {
            return Ok(d);
        }
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
            self.err(
                key,
                say(
                    lang,
                    format!("「{t}」不是日期（年-月-日，如 2017-12-04）"),
                    format!("{t:?} is not a date (YYYY-MM-DD, e.g. 2017-12-04)"),
                ),
            )
        })
    }

    fn ids_of(&self, key: &str) -> Vec<String> {
        self.text_of(key)
            .split([',', ',', ' ', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub(super) fn action_reopen(&self, cx: BuildCx) -> Result<Action, FieldError> {
        Ok(Action::Reopen {
            nomination: cx.id.clone(),
            reason: self.required("reopen.reason", cx.lang)?,
            date: cx.day,
        })
    }

    /// Every id typed into `key` names a registered nomination, or the
    /// field says which does not.
    fn known_ids(&self, key: &str, ids: &[String], cx: &BuildCx) -> Result<(), FieldError> {
        match ids.iter().find(|id| cx.snap.record(id).is_none()) {
            Some(id) => Err(self.err(
                key,
                say(
                    cx.lang,
                    format!("沒有編號為「{id}」的申報"),
                    format!("no nomination has the number {id:?}"),
                ),
            )),
            None => Ok(()),
        }
    }

    pub(super) fn action_publish(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let category = self.choice_of("notice.category");
        let given = self.ids_of("notice.candidates");
        self.known_ids("notice.candidates", &given, &cx)?;
        let candidates = if given.is_empty() {
            crate::rules::needs::notice_candidates(cx.snap, &category).0
        } else {
            given
        };
        Ok(Action::Publish(Notice {
            category,
            candidates,
            published: cx.day,
            by: cx.me.id.clone(),
        }))
    }

    pub(super) fn action_tie_order(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let order = self.ids_of("tie.order");
        self.known_ids("tie.order", &order, &cx)?;
        if order.is_empty() {
            return Err(self.err(
                "tie.order",
                tr(cx.lang, "請填寫編號順序", "give the ids in order"),
            ));
        }
        Ok(Action::TieOrder {
            category: self.choice_of("tie.category"),
            order,
        })
    }

    pub(super) fn action_exception(&self, cx: BuildCx) -> Result<Action, FieldError> {
        Ok(Action::Exception(Exception {
            nomination: self.required("exception.nomination", cx.lang)?,
            rule: self.choice_of("exception.rule"),
            until: self.date_or_today("exception.until", cx.lang, None)?,
            reason: self.required("exception.reason", cx.lang)?,
            by: cx.me.id.clone(),
            date: cx.day,
        }))
    }

    pub(super) fn action_override(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let phase = self.choice_of("override.phase");
        let now = cx.snap.campaign.phase(&phase);
        Ok(Action::Override(PhaseOverride {
            start: self.date_or_today("override.start", cx.lang, now.map(|p| p.start))?,
            end: self.date_or_today("override.end", cx.lang, now.map(|p| p.end))?,
            phase,
            reason: self.required("override.reason", cx.lang)?,
            by: cx.me.id.clone(),
            date: cx.day,
        }))
    }

    /// `key add` / `key revoke` as the command line does them: the members
    /// registry with the key added (refused when any member has it already)
    /// or marked revoked (refused when the member has no such key, or it is
    /// revoked already, or the day is before it was valid).
    pub(super) fn action_key(&self, cx: BuildCx) -> Result<Action, FieldError> {
        let lang = cx.lang;
        let member = self.choice_of("key.member");
        let day = self.date_or_today("key.date", lang, Some(cx.day))?;
        let given = self.text_of("key.key");
        let mut members = cx.snap.members.clone();
        let Some(m) = members.iter_mut().find(|m| m.id == member) else {
            return Err(self.err(
                "key.member",
                say(
                    lang,
                    format!("members.ron 中沒有成員 {member}"),
                    format!("no member {member} in members.ron"),
                ),
            ));
        };
        if self.choice_of("key.op") == "add" {
            let key = key_text(&self.required("key.key", lang)?);
            check_key_syntax(&key).map_err(|e| self.err("key.key", e))?;
            if let Some(owner) = cx
                .snap
                .members
                .iter()
                .find(|o| o.keys.iter().any(|x| same_key(&x.key, &key)))
            {
                return Err(self.err(
                    "key.key",
                    say(
                        lang,
                        format!("該密鑰已登記給 {}", owner.id),
                        format!("this key is already registered to {}", owner.id),
                    ),
                ));
            }
            m.keys.push(PublicKey {
                key,
                valid_from: day,
                revoked: None,
            });
            return Ok(Action::Members(members));
        }
        let listed: Vec<String> = m
            .keys
            .iter()
            .filter(|k| k.revoked.is_none())
            .map(|k| abbreviate(&k.key))
            .collect();
        let given = key_text(&given);
        let active: Vec<usize> = (0..m.keys.len())
            .filter(|i| m.keys[*i].revoked.is_none())
            .collect();
        let found = if given.is_empty() {
            // One active key: it is the one meant.
            match active.as_slice() {
                [i] => Some(*i),
                _ => None,
            }
        } else {
            m.keys
                .iter()
                .position(|k| same_key(&k.key, &given) || abbreviate(&k.key) == given)
        };
        let id = m.id.clone();
        let Some(i) = found else {
            let keys = if listed.is_empty() {
                tr(lang, "（無有效密鑰）", "(no valid key)")
            } else {
                listed.join(", ")
            };
            return Err(self.err(
                "key.key",
                say(
                    lang,
                    format!("{id} 沒有登記這個密鑰；有效密鑰：{keys}"),
                    format!("{id} has no such registered key; valid keys: {keys}"),
                ),
            ));
        };
        let k = &mut m.keys[i];
        if let Some(r) = k.revoked {
            return Err(self.err(
                "key.key",
                say(
                    lang,
                    format!("該密鑰已於 {r} 吊銷"),
                    format!("this key was already revoked on {r}"),
                ),
            ));
        }
        if day < k.valid_from {
            return Err(self.err(
                "key.date",
                say(
                    lang,
                    format!("吊銷日期 {day} 早於生效日期 {}", k.valid_from),
                    format!(
                        "revocation day {day} is before the key's first valid day {}",
                        k.valid_from
                    ),
                ),
            ));
        }
        k.revoked = Some(day);
        Ok(Action::Members(members))
    }
}

/// The key as typed, or the contents of the `.pub` file it names.
fn key_text(given: &str) -> String {
    let given = given.trim();
    let path = std::path::Path::new(given);
    if !given.is_empty() && !is_ssh_key(given) && given.ends_with(".pub") && path.is_file() {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text.trim().to_string();
        }
    }
    given.to_string()
}

/// Whether `kind` is one of the chair's campaign-wide writes (not about one
/// nomination): offered from the menu on any screen, to the chair only.
pub fn campaign_wide(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Publish
            | ActionKind::TieOrder
            | ActionKind::Exception
            | ActionKind::Override
            | ActionKind::Members
    )
}

/// Whether category `cat` has a tie order already or entries tied in its
/// ranking today.
fn has_tie(app: &crate::tui::app::App, cat: usize) -> bool {
    let Some(category) = app.snap.campaign.categories.get(cat) else {
        return false;
    };
    app.snap.rulings.tie_orders.contains_key(&category.id)
        || matches!(app.ranking(cat).as_deref(),
            Some(Ok(r)) if r.entries.iter().any(|e| !e.tied_with.is_empty()))
}

/// The first category with something to order (TIE), if any.
pub fn tie_category(app: &crate::tui::app::App) -> Option<usize> {
    (0..app.snap.campaign.categories.len()).find(|c| has_tie(app, *c))
}

/// Fits a chair's campaign-wide form to the screen it opens on: the
/// category of the rankings (or of the list's tab) chosen; a tie order
/// filled with the category's current one, else with the first group of
/// entries tied in its ranking.
pub fn fit_to_screen(app: &crate::tui::app::App, form: &mut Form) {
    let key = match form.kind {
        ActionKind::Publish => "notice.category",
        ActionKind::TieOrder => "tie.category",
        _ => return,
    };
    let cat = match &app.screen {
        crate::tui::app::Screen::Rankings { cat, .. } => Some(*cat),
        _ => app.cat_tab,
    };
    // A tie order opens on a category that has something to order.
    let cat = match form.kind {
        ActionKind::TieOrder => cat
            .filter(|c| has_tie(app, *c))
            .or_else(|| tie_category(app))
            .or(cat),
        _ => cat,
    };
    let Some(cat) = cat else { return };
    if let Some(Input::Choice { sel, options }) = form
        .fields
        .iter_mut()
        .find(|f| f.key == key)
        .map(|f| &mut f.input)
    {
        if cat < options.len() {
            *sel = cat;
        }
    }
    if form.kind != ActionKind::TieOrder {
        return;
    }
    let Some(category) = app.snap.campaign.categories.get(cat) else {
        return;
    };
    let order = match app.snap.rulings.tie_orders.get(&category.id) {
        Some(o) => o.clone(),
        None => match app.ranking(cat).as_deref() {
            Some(Ok(r)) => r
                .entries
                .iter()
                .find(|e| !e.tied_with.is_empty())
                .map(|e| {
                    let mut ids = vec![e.id.clone()];
                    ids.extend(e.tied_with.iter().cloned());
                    ids
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        },
    };
    if let Some(Input::Text { value, .. }) = form
        .fields
        .iter_mut()
        .find(|f| f.key == "tie.order")
        .map(|f| &mut f.input)
    {
        *value = order.join(",");
    }
}
