//! The action menu (`a`): every action on the nomination in view, each either
//! offered or dimmed with the reason the rules give; Enter opens its form.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::i18n::Lang;
use crate::model::{ActionKind, ObjectionStatus, Record};
use crate::rules::{self, Refusal};
use crate::text::{display, wrap};

use super::super::app::{App, Effect, Overlay};
use super::super::keys::Cmd;
use super::super::view::{line_of, popup};
use super::form::Form;

/// One entry of the action menu: offered, or not and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub kind: ActionKind,
    pub why_not: Option<String>,
    /// Nominate on the record in view: correcting it, not a new one.
    pub edit: bool,
}

impl MenuItem {
    /// The nomination the item's form acts on: none for a new registration.
    pub fn target<'a>(&self, nomination: Option<&'a str>) -> Option<&'a str> {
        if self.kind == ActionKind::Nominate && !self.edit {
            None
        } else {
            nomination
        }
    }
}

/// The menu's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub items: Vec<MenuItem>,
    pub sel: usize,
    /// The nomination acted on (`None` from the list with nothing selected).
    pub nomination: Option<String>,
}

/// The menu's keys: move, open the chosen form (or say why not), close.
pub fn handle(app: &mut App, cmd: Cmd) -> Option<Effect> {
    let Some(Overlay::Menu(m)) = app.overlays.last_mut() else {
        return None;
    };
    match cmd {
        Cmd::Up => m.sel = m.sel.saturating_sub(1),
        Cmd::Down => m.sel = (m.sel + 1).min(m.items.len().saturating_sub(1)),
        Cmd::Back => {
            app.overlays.pop();
        }
        Cmd::Open => {
            let item = m.items.get(m.sel).cloned();
            let nomination = m.nomination.clone();
            if let Some(item) = item {
                if let Some(why) = item.why_not {
                    app.message = Some(why);
                } else {
                    app.overlays.pop();
                    let n = item.target(nomination.as_deref()).map(str::to_string);
                    open_form(app, item.kind, n);
                }
            }
        }
        _ => {}
    }
    None
}

pub fn why_not(app: &App, kind: ActionKind, nomination: Option<&str>) -> Option<String> {
    why_not_counted(app, kind, nomination).0
}

/// FREEZE as a standing of the record, before any filling (issue 18): a
/// decided record refuses the committee's assessment, an undecided one a
/// reopening, whatever the form holds, exactly as `rules::check_action`'s
/// FREEZE check does for every filling.
fn frozen_standing(kind: ActionKind, id: &str, record: &Record) -> Option<Refusal> {
    let decided = rules::freeze::frozen_by(record);
    match kind {
        ActionKind::Score | ActionKind::Evaluate | ActionKind::Vote | ActionKind::Withdraw => {
            decided.map(|d| Refusal::Frozen {
                nomination: id.to_string(),
                action: kind,
                outcome: d.outcome,
                decided: d.date,
            })
        }
        ActionKind::Reopen => decided.is_none().then(|| Refusal::NotFrozen {
            nomination: id.to_string(),
        }),
        _ => None,
    }
}

/// [`why_not`], with how many fillings of the form it tried: none when the
/// rules' standing (role, phase, FREEZE, an open objection, a tie) already
/// refuses; the form's fillings only after every such check passed.
pub fn why_not_counted(
    app: &App,
    kind: ActionKind,
    nomination: Option<&str>,
) -> (Option<String>, usize) {
    let refused = |why: String| (Some(why), 0);
    let l = app.lang();
    let Some(me) = app.me() else {
        return refused(
            app.session
                .read_only
                .clone()
                .unwrap_or_else(|| app.t("只讀", "read-only")),
        );
    };
    if !rules::roles::may_take(me, kind) {
        let roles: Vec<&str> = rules::roles::roles_for(kind)
            .iter()
            .map(|r| l.role(*r))
            .collect();
        return refused(match l {
            Lang::Zh | Lang::ZhHans => display(&format!("需要{}身份", roles.join("或"))),
            Lang::En => format!("needs the {} role", roles.join(" or ")),
        });
    }
    if !rules::phase_allows(&app.snap.campaign, &app.snap.rulings, kind, app.day()) {
        let open: Vec<String> =
            rules::open_phases(&app.snap.campaign, &app.snap.rulings, app.day())
                .iter()
                .map(|p| display(l.own(&p.name, &p.name_en)))
                .collect();
        let open = if open.is_empty() {
            app.t("無", "none")
        } else {
            open.join(if l.zh() { "、" } else { ", " })
        };
        return refused(match l {
            Lang::Zh | Lang::ZhHans => display(&l.fill(
                "{} 當日開放的階段（{}）不允許此操作",
                "",
                &[&app.day(), &open],
            )),
            Lang::En => format!("no phase open on {} allows it (open: {open})", app.day()),
        });
    }
    let record = nomination.and_then(|id| app.snap.record(id));
    if kind == ActionKind::Resolve
        && record.is_some_and(|r| {
            !r.objections
                .values()
                .any(|o| o.status == ObjectionStatus::Open)
        })
    {
        return refused(app.t("沒有未處理的異議", "no open objection"));
    }
    if let Some(r) = nomination
        .zip(record)
        .and_then(|(id, r)| frozen_standing(kind, id, r))
    {
        let msg = r.message_in(Some(&app.snap), l.zh());
        return refused(display(&crate::tui::say(l, &app.snap, &msg)));
    }
    // The rules on a would-be action: only refusals that no input can cure.
    // A form is offered when some filling of it (any of its choices, its
    // flags either way) is refused for nothing worse than what typing cures.
    if kind == ActionKind::TieOrder && super::form::tie_category(app).is_none() {
        return refused(app.t("沒有並列的候選需要排序", "no tied entries to order"));
    }
    let Some(mut form) = Form::open(kind, &app.snap, me, nomination, l) else {
        return (None, 0);
    };
    super::form::fit_to_screen(app, &mut form);
    let (filled, tried) = form.fill_counted(&app.snap, me, app.session.now, l);
    (filled.err(), tried)
}

/// Opens the action menu on `nomination` (`None`: only nominating).
pub fn open(app: &mut App, nomination: Option<String>) {
    let m = menu(app, nomination);
    app.overlays.push(Overlay::Menu(m));
}

/// Every action the menu lists, offered or not and why.
pub fn menu(app: &App, nomination: Option<String>) -> Menu {
    let kinds = [
        ActionKind::Score,
        ActionKind::Withdraw,
        ActionKind::Evaluate,
        ActionKind::Opinion,
        ActionKind::Vote,
        ActionKind::Object,
        ActionKind::Resolve,
        ActionKind::Decide,
        ActionKind::Reopen,
        ActionKind::Activity,
        ActionKind::Supervisor,
        ActionKind::FileForm,
        ActionKind::Nominate,
        // The chair's campaign-wide writes (shown to the chair only).
        ActionKind::Publish,
        ActionKind::TieOrder,
        ActionKind::Exception,
        ActionKind::Override,
        ActionKind::Members,
    ];
    let wide = super::form::campaign_wide;
    let chair = app
        .me()
        .is_some_and(|me| rules::roles::may_take(me, ActionKind::Publish));
    let items: Vec<MenuItem> = kinds
        .into_iter()
        .filter(|k| nomination.is_some() || *k == ActionKind::Nominate || wide(*k))
        .filter(|k| chair || !wide(*k))
        .flat_map(|kind| {
            // On a record, Nominate is listed twice: correct this one, register a new one.
            let edit = kind == ActionKind::Nominate && nomination.is_some();
            [true, false]
                .into_iter()
                .filter(move |e| edit || !e)
                .map(move |edit| (kind, edit))
        })
        .map(|(kind, edit)| {
            let item = MenuItem {
                kind,
                why_not: None,
                edit,
            };
            MenuItem {
                why_not: why_not(app, kind, item.target(nomination.as_deref())),
                ..item
            }
        })
        .collect();
    let sel = items.iter().position(|i| i.why_not.is_none()).unwrap_or(0);
    Menu {
        items,
        sel,
        nomination,
    }
}

/// Opens the form of `kind`, or says why it is not offered.
pub fn open_form(app: &mut App, kind: ActionKind, nomination: Option<String>) {
    if let Some(why) = why_not(app, kind, nomination.as_deref()) {
        app.overlays.push(Overlay::Error(format!(
            "{}: {why}",
            display(app.lang().action(kind))
        )));
        return;
    }
    let Some(me) = app.me().cloned() else { return };
    match Form::open(kind, &app.snap, &me, nomination.as_deref(), app.lang()) {
        Some(mut f) => {
            super::form::fit_to_screen(app, &mut f);
            f.settle();
            app.overlays.push(Overlay::Form(f))
        }
        None => app.overlays.push(Overlay::Error(
            app.t("無法打開此表單", "this form cannot open here"),
        )),
    }
}

/// The menu: each action, the chosen one marked, those not offered dimmed
/// with the reason under them.
pub fn draw(app: &App, f: &mut Frame, area: Rect, menu: &Menu) {
    let (items, sel, nomination) = (&menu.items, menu.sel, menu.nomination.as_deref());
    let th = app.session.theme;
    let title = match nomination {
        Some(id) => format!("{} · {id}", app.t("操作", "Act")),
        None => app.t("操作", "Act"),
    };
    // The inside width of the popup (70 columns, or the screen's).
    let w = area.width.min(70).saturating_sub(2) as usize;
    let mut lines = Vec::new();
    // The chosen entry's first and last line, to keep it in sight.
    let (mut sel_first, mut sel_last) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        let name = if it.edit {
            app.t("修改申報", "correct nomination")
        } else {
            display(app.lang().action(it.kind))
        };
        let mark = if i == sel { "▸ " } else { "  " };
        let style = match (&it.why_not, i == sel) {
            (None, true) => th.selected(),
            (None, false) => th.plain(),
            (Some(_), true) => th.dim().patch(th.selected()),
            (Some(_), false) => th.dim(),
        };
        if i == sel {
            sel_first = lines.len();
        }
        lines.push(line_of(&format!("{mark}{name}"), w, style));
        if let Some(why) = &it.why_not {
            // The whole reason, wrapped under the action.
            let text = format!("{}{why}", app.t("不可用：", "not offered: "));
            for l in wrap(&text, w.saturating_sub(4).max(1)) {
                lines.push(Line::from(Span::styled(format!("    {l}"), th.dim())));
            }
        }
        if i == sel {
            sel_last = lines.len().saturating_sub(1);
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let inner = popup(f, area, 70, height, &title, th.title());
    let h = inner.height as usize;
    let skip = (sel_last + 1).saturating_sub(h).min(sel_first);
    f.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), inner);
}
