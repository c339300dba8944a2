//! The action menu (`a`): every action on the nomination in view, each either
//! offered or dimmed with the reason the rules give; Enter opens its form.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::i18n::Lang;
use crate::model::{ActionKind, ObjectionStatus};
use crate::rules;
use crate::text::{display, truncate};

use super::super::app::{App, Effect, Overlay};
use super::super::keys::Cmd;
use super::super::view::{line_of, popup};
use super::form::{Form, Input};

/// One entry of the action menu: offered, or not and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub kind: ActionKind,
    pub why_not: Option<String>,
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
                    let n = if item.kind == ActionKind::Nominate {
                        None
                    } else {
                        nomination
                    };
                    open_form(app, item.kind, n);
                }
            }
        }
        _ => {}
    }
    None
}

pub fn why_not(app: &App, kind: ActionKind, nomination: Option<&str>) -> Option<String> {
    let l = app.lang();
    let Some(me) = app.me() else {
        return Some(
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
        return Some(match l {
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
        return Some(match l {
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
        return Some(app.t("沒有未處理的異議", "no open objection"));
    }
    // The rules on a would-be action: only refusals that no input can cure.
    // A form whose first field is a choice (outcome, department, kind) is
    // offered when any of its choices would pass.
    let mut form = Form::open(kind, &app.snap, me, nomination, l)?;
    let choices = match form.fields.first().map(|f| &f.input) {
        Some(Input::Choice { options, .. }) => options.len().max(1),
        _ => 1,
    };
    let mut first_refusal = None;
    for c in 0..choices {
        if let Some(Input::Choice { sel, .. }) = form.fields.first_mut().map(|f| &mut f.input) {
            *sel = c;
        }
        let action = form.action(&app.snap, me, app.session.now, l).ok()?;
        match rules::check_action(&app.snap, me, &action, app.day()) {
            Ok(()) => return None,
            Err(refusals) => {
                let hard: Vec<String> = refusals
                    .iter()
                    .filter(|r| !r.is_curable())
                    .map(|r| display(&app.say(&r.message_in(Some(&app.snap), l.zh()))))
                    .collect();
                if hard.is_empty() {
                    return None;
                }
                first_refusal.get_or_insert(hard.join("; "));
            }
        }
    }
    first_refusal
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
        ActionKind::Evaluate,
        ActionKind::Opinion,
        ActionKind::Vote,
        ActionKind::Object,
        ActionKind::Resolve,
        ActionKind::Decide,
        ActionKind::Nominate,
    ];
    let items: Vec<MenuItem> = kinds
        .into_iter()
        .filter(|k| nomination.is_some() || *k == ActionKind::Nominate)
        .map(|kind| MenuItem {
            kind,
            why_not: why_not(
                app,
                kind,
                if kind == ActionKind::Nominate {
                    None
                } else {
                    nomination.as_deref()
                },
            ),
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
        Some(f) => app.overlays.push(Overlay::Form(f)),
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
    let inner = popup(f, area, 70, items.len() as u16 * 2 + 2, &title, th.title());
    let w = inner.width as usize;
    let mut lines = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let name = display(app.lang().action(it.kind));
        let mark = if i == sel { "▸ " } else { "  " };
        let style = match (&it.why_not, i == sel) {
            (None, true) => th.selected(),
            (None, false) => th.plain(),
            (Some(_), true) => th.dim().patch(th.selected()),
            (Some(_), false) => th.dim(),
        };
        lines.push(line_of(&format!("{mark}{name}"), w, style));
        if let Some(why) = &it.why_not {
            lines.push(Line::from(Span::styled(
                truncate(
                    &format!("    {} {why}", app.t("不可用:", "not offered:")),
                    w,
                ),
                th.dim(),
            )));
        }
    }
    let h = inner.height as usize;
    let skip = (sel * 2 + 2).saturating_sub(h);
    f.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), inner);
}
