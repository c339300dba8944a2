//! The one key table: every binding carries its context and description; the
//! footer hints and the `?` help popup are both generated from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    PrevTab,
    NextTab,
    Open,
    Search,
    Filter,
    Sort,
    Rankings,
    Act,
    Score,
    NextField,
    PrevField,
    Change,
    Submit,
    Editor,
    Audit,
    Blame,
    Export,
    PrevCol,
    NextCol,
    Sync,
    Refresh,
    /// The set-aside actions a sync left (settle them).
    SetAside,
    Retry,
    Edit,
    Drop,
    /// Removes the list entry under the focus (a form's honours, media …).
    RemoveEntry,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Global,
    List,
    Search,
    Detail,
    Rankings,
    Audit,
    Menu,
    Export,
    Form,
    Popup,
    /// The sync popup (over everything, whatever else is open).
    Sync,
    /// The confirmation of a chair's write, with the commit's preview.
    Confirm,
    /// The set-aside actions a sync left, and their side-by-side view.
    Aside,
}

impl Ctx {
    pub fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Ctx::Global => ("全局", "Everywhere"),
            Ctx::List => ("申報列表", "Nominations"),
            Ctx::Search => ("搜索", "Search"),
            Ctx::Detail => ("詳情", "Detail"),
            Ctx::Rankings => ("排名", "Rankings"),
            Ctx::Audit => ("審計", "Audit"),
            Ctx::Export => ("導出", "Export"),
            Ctx::Menu => ("操作菜單", "Action menu"),
            Ctx::Form => ("表單", "Form"),
            Ctx::Popup => ("彈窗", "Popup"),
            Ctx::Sync => ("同步彈窗", "Sync popup"),
            Ctx::Confirm => ("確認提交", "Confirm commit"),
            Ctx::Aside => ("擱置的操作", "Set-aside actions"),
        };
        lang.pick(zh, en)
    }
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in hints.
    pub label: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub cmd: Cmd,
    /// Shown in the footer (all bindings are in the help popup).
    pub footer: bool,
}

impl Binding {
    /// The description in `lang` (the table's text carries no pinyin
    /// annotation to strip; a test keeps it so).
    pub fn desc(&self, lang: Lang) -> String {
        lang.pick(self.zh, self.en).to_string()
    }
}

macro_rules! b {
    ($ctx:ident, [$($k:expr),*], $label:expr, $zh:expr, $en:expr, $cmd:ident, $footer:expr) => {
        Binding {
            ctx: Ctx::$ctx,
            keys: &[$($k),*],
            label: $label,
            zh: $zh,
            en: $en,
            cmd: Cmd::$cmd,
            footer: $footer,
        }
    };
}

use KeyCode::*;

// One binding a line: context, keys, label, 中文, English, command, in the footer.
#[rustfmt::skip]
pub const TABLE: &[Binding] = &[
    b!(List, [(Char('/'), NONE)], "/", "搜索（拼音/首字母）", "search (pinyin ok)", Search, true),
    b!(List, [(Enter, NONE)], "Enter", "打開詳情", "open", Open, true),
    b!(List, [(Char('a'), NONE)], "a", "操作", "act", Act, true),
    b!(List, [(Char('s'), NONE)], "s", "評分", "score", Score, true),
    b!(List, [(Char('f'), NONE)], "f", "篩選", "filter", Filter, true),
    b!(List, [(Char('o'), NONE)], "o", "排序", "sort", Sort, true),
    b!(List, [(Char('r'), NONE)], "r", "排名", "ranks", Rankings, true),
    b!(List, [(Left, NONE), (Char('h'), NONE), (BackTab, SHIFT)], "←/h", "上一類別", "previous category", PrevTab, false),
    b!(List, [(Right, NONE), (Char('l'), NONE), (Tab, NONE)], "→/l", "下一類別", "next category", NextTab, false),
    b!(List, [(Char('q'), NONE)], "q", "退出", "quit", Quit, true),
    b!(List, [(Char('A'), SHIFT), (Char('A'), NONE)], "A", "審計（全部提交）", "audit (every commit)", Audit, true),
    b!(List, [(Esc, NONE)], "Esc", "清除搜索", "clear search", Back, false),
    b!(List, [(Char('S'), SHIFT), (Char('S'), NONE)], "S", "同步", "sync", Sync, true),
    b!(List, [(Char('Z'), SHIFT), (Char('Z'), NONE)], "Z", "擱置（同步未能完成的操作）", "aside (actions sync set aside)", SetAside, true),
    b!(Search, [(Enter, NONE)], "Enter", "確定", "keep results", Open, true),
    b!(Search, [(Esc, NONE)], "Esc", "取消搜索", "cancel", Back, true),
    b!(Search, [(Up, NONE)], "↑", "上移", "up", Up, false),
    b!(Search, [(Down, NONE)], "↓", "下移", "down", Down, false),
    b!(Detail, [(Left, NONE), (Char('h'), NONE), (BackTab, SHIFT)], "←→", "切換標簽", "switch tab", PrevTab, true),
    b!(Detail, [(Right, NONE), (Char('l'), NONE), (Tab, NONE)], "→/l", "下一標簽", "next tab", NextTab, false),
    b!(Detail, [(Char('a'), NONE)], "a", "操作", "act", Act, true),
    b!(Detail, [(Enter, NONE)], "Enter", "打開/展開所選（我的評分行：表單；未處理異議：處理；其餘：其提交的全文）", "open / expand the item (my score row: its form; an open objection: resolve; else its commit in full)", Open, true),
    b!(Detail, [(Char('s'), NONE)], "s", "評分（編輯我的一行）", "score (edit my row)", Score, true),
    b!(Detail, [(Char('['), NONE)], "[", "上一評分項", "previous criterion", PrevCol, false),
    b!(Detail, [(Char(']'), NONE)], "]", "下一評分項", "next criterion", NextCol, false),
    b!(Detail, [(Esc, NONE), (Char('q'), NONE)], "Esc/q", "返回", "back", Back, true),
    b!(Detail, [(Char('b'), NONE)], "b", "追溯改動", "blame (last change)", Blame, true),
    b!(Detail, [(Char('x'), NONE)], "x", "導出", "export", Export, true),
    b!(Rankings, [(Left, NONE), (Char('h'), NONE), (BackTab, SHIFT)], "←→", "切換類別", "switch category", PrevTab, true),
    b!(Rankings, [(Right, NONE), (Char('l'), NONE), (Tab, NONE)], "→/l", "下一類別", "next category", NextTab, false),
    b!(Rankings, [(Enter, NONE)], "Enter", "打開詳情", "open", Open, true),
    b!(Rankings, [(Char('a'), NONE)], "a", "操作（公示、並列順序…）", "act (publish, tie order…)", Act, true),
    b!(Rankings, [(Esc, NONE), (Char('q'), NONE)], "Esc/q", "返回", "back", Back, true),
    b!(Rankings, [(Char('x'), NONE)], "x", "導出", "export", Export, true),
    b!(Audit, [(Enter, NONE)], "Enter", "打開該記錄", "open its record", Open, true),
    b!(Audit, [(Char('f'), NONE)], "f", "只看違規", "violations only", Filter, true),
    b!(Audit, [(Char('x'), NONE)], "x", "導出", "export", Export, true),
    b!(Audit, [(Esc, NONE), (Char('q'), NONE)], "Esc/q", "返回", "back", Back, true),
    b!(Menu, [(Enter, NONE)], "Enter", "選擇", "choose", Open, true),
    b!(Menu, [(Esc, NONE), (Char('q'), NONE)], "Esc", "關閉", "close", Back, true),
    b!(Export, [(Enter, NONE)], "Enter", "導出", "export", Open, true),
    b!(Export, [(Tab, NONE), (Down, NONE)], "Tab/↓", "下一項", "next field", NextField, false),
    b!(Export, [(BackTab, SHIFT), (Up, NONE)], "S-Tab/↑", "上一項", "previous field", PrevField, false),
    b!(Export, [(Char(' '), NONE), (Right, NONE)], "Space/→", "切換選項", "change choice", Change, true),
    b!(Export, [(Left, NONE)], "←", "上一選項", "previous choice", PrevTab, false),
    b!(Export, [(Esc, NONE)], "Esc", "取消", "cancel", Back, true),
    b!(Form, [(Tab, NONE), (Down, NONE)], "Tab/↓", "下一項", "next field", NextField, true),
    b!(Form, [(BackTab, SHIFT), (Up, NONE)], "S-Tab/↑", "上一項", "previous field", PrevField, false),
    b!(Form, [(Char(' '), NONE), (Left, NONE), (Right, NONE)], "Space/←→", "切換選項或不計分狀態", "change choice or no-score state", Change, true),
    b!(Form, [(Char('e'), CTRL)], "^E", "用 $EDITOR 編輯長文本", "edit long text in $EDITOR", Editor, true),
    b!(Form, [(Char('d'), CTRL)], "^D", "刪除所在的列表條目", "remove this list entry", RemoveEntry, false),
    b!(Form, [(Char('s'), CTRL), (F(2), NONE)], "^S", "提交（簽名並提交）", "submit (sign and commit)", Submit, true),
    b!(Form, [(Esc, NONE)], "Esc", "取消", "cancel", Back, true),
    b!(Popup, [(Esc, NONE), (Enter, NONE), (Char('q'), NONE), (Char('?'), NONE)], "Esc", "關閉", "close", Back, true),
    // The preview scrolls with the global keys.
    b!(Confirm, [(Enter, NONE), (Char('y'), NONE), (Char('s'), CTRL)], "Enter/y", "簽名並提交", "sign and commit", Submit, true),
    b!(Confirm, [(Esc, NONE), (Char('n'), NONE), (Char('q'), NONE)], "Esc/n", "返回修改", "back to the form", Back, true),
    // The side-by-side view scrolls with the global keys.
    b!(Aside, [(Enter, NONE)], "Enter", "並排對照（他們的操作/當前記錄）", "side by side (theirs / current)", Open, true),
    b!(Aside, [(Char('r'), NONE)], "r", "重試（重新簽名）", "retry (re-signed)", Retry, true),
    b!(Aside, [(Char('e'), NONE)], "e", "編輯後重做", "edit and redo", Edit, true),
    b!(Aside, [(Char('d'), NONE)], "d", "放棄（需確認）", "drop (asks first)", Drop, true),
    b!(Aside, [(Char('y'), NONE)], "y", "確認放棄", "confirm the drop", Submit, false),
    b!(Aside, [(Char('n'), NONE)], "n", "不放棄", "keep it", Back, false),
    b!(Aside, [(Esc, NONE), (Char('q'), NONE)], "Esc/q", "返回", "back", Back, true),
    // The sync popup scrolls with the global keys (a page is ten lines).
    b!(Sync, [(Esc, NONE), (Enter, NONE), (Char('q'), NONE), (Char('?'), NONE)], "Esc", "關閉", "close", Back, true),
    b!(Global, [(Up, NONE), (Char('k'), NONE)], "↑/k", "上移", "up", Up, false),
    b!(Global, [(Down, NONE), (Char('j'), NONE)], "↓/j", "下移", "down", Down, false),
    b!(Global, [(PageUp, NONE), (Char('b'), CTRL)], "PgUp", "上翻頁", "page up", PageUp, false),
    b!(Global, [(PageDown, NONE), (Char('f'), CTRL)], "PgDn", "下翻頁", "page down", PageDown, false),
    b!(Global, [(Home, NONE), (Char('g'), NONE)], "g", "到頂", "top", Top, false),
    b!(Global, [(End, NONE), (Char('G'), SHIFT), (Char('G'), NONE)], "G", "到底", "bottom", Bottom, false),
    b!(Global, [(Char('?'), NONE)], "?", "幫助", "help", Help, true),
    b!(Global, [(Char('c'), CTRL)], "^C", "立即退出", "quit now", Quit, false),
    b!(Global, [(Char('r'), CTRL), (F(5), NONE)], "^R/F5", "重新載入（分支被他處改動時也會自動載入）", "reload (done by itself when the branch moves)", Refresh, false),
];

fn same(k: &KeyEvent, code: KeyCode, mods: KeyModifiers) -> bool {
    if k.code != code {
        return false;
    }
    // Shift is implied by an upper-case char or BackTab; compare the rest.
    let strip = |m: KeyModifiers| m - KeyModifiers::SHIFT;
    strip(k.modifiers) == strip(mods)
}

/// The command `key` means in context `ctx` (then globally).
pub fn lookup(ctx: Ctx, key: &KeyEvent) -> Option<Cmd> {
    let find = |c: Ctx| {
        TABLE
            .iter()
            .filter(|b| b.ctx == c)
            .find(|b| b.keys.iter().any(|(code, m)| same(key, *code, *m)))
            .map(|b| b.cmd)
    };
    find(ctx).or_else(|| {
        // Forms and search take typed characters; only control keys fall through.
        let typing = matches!(ctx, Ctx::Form | Ctx::Search | Ctx::Export)
            && matches!(key.code, Char(_))
            && !key.modifiers.contains(KeyModifiers::CONTROL);
        if typing {
            None
        } else {
            find(Ctx::Global)
        }
    })
}

/// The footer hints of `ctx`: `(keys, description)` pairs, context first.
/// `?` is left out where it is typed as text (forms, search, the export path).
pub fn hints(ctx: Ctx, lang: Lang) -> Vec<(&'static str, String)> {
    footer_bindings(ctx)
        .map(|b| (b.label, b.desc(lang)))
        .collect()
}

fn footer_bindings(ctx: Ctx) -> impl Iterator<Item = &'static Binding> {
    // `?` opens the help unless it is typed as text there or the context
    // binds it to something else (a popup closes on it).
    let question = KeyEvent::new(Char('?'), NONE);
    let typing = matches!(ctx, Ctx::Form | Ctx::Search | Ctx::Export);
    let no_help = typing || lookup(ctx, &question) != Some(Cmd::Help);
    TABLE.iter().filter(move |b| {
        b.footer
            && (b.ctx == ctx || b.ctx == Ctx::Global)
            && !(no_help && b.ctx == Ctx::Global && b.cmd == Cmd::Help)
    })
}

/// Whether a footer hint must be shown at any width: how to leave, how to
/// submit, where the help is.
fn must_show(cmd: Cmd) -> bool {
    matches!(cmd, Cmd::Quit | Cmd::Back | Cmd::Submit | Cmd::Help)
}

/// Which hints a narrow footer keeps first after those it must show: the
/// keys that open what nothing else on screen leads to (an action, the
/// audit, a sync, the rankings) before those that rearrange what is shown
/// (filter, sort), which the help lists.
fn priority(cmd: Cmd) -> u8 {
    match cmd {
        c if must_show(c) => 0,
        Cmd::Filter | Cmd::Sort => 2,
        _ => 1,
    }
}

/// A description without its parenthesised detail: `搜索(拼音/首字母)` → `搜索`.
fn short(desc: &str) -> &str {
    desc.split(['(', '\u{ff08}'])
        .next()
        .unwrap_or(desc)
        .trim_end()
}

/// The footer of `ctx` fitted to `cols` columns: `(keys, text after the keys)`
/// pairs, each text ending in its separator. Every hint in full when it fits;
/// else shorter descriptions and separators; else what must show (leave,
/// submit, help) and, in table order, as many others as fit.
pub fn footer(ctx: Ctx, lang: Lang, cols: usize) -> Vec<(&'static str, String)> {
    use crate::text::width;
    let all: Vec<(&'static str, String, bool)> = footer_bindings(ctx)
        .map(|b| (b.label, b.desc(lang), must_show(b.cmd)))
        .collect();
    // (short descriptions, gap after the key, gap after the hint)
    let forms = [
        (false, " ", "  "),
        (true, " ", "  "),
        (true, " ", " "),
        (true, "", " "),
    ];
    let text = |d: &str, (shorten, gap, sep): (bool, &str, &str)| {
        let d = if shorten { short(d) } else { d };
        // No gap is only for text that does not start with a letter (CJK).
        let gap = if gap.is_empty() && d.starts_with(|c: char| c.is_ascii()) {
            " "
        } else {
            gap
        };
        format!("{gap}{d}{sep}")
    };
    let need = |k: &str, t: &str| width(k) + width(t);
    for form in forms {
        let hints: Vec<(&'static str, String)> =
            all.iter().map(|(k, d, _)| (*k, text(d, form))).collect();
        if hints.iter().map(|(k, t)| need(k, t)).sum::<usize>() <= cols {
            return hints;
        }
    }
    // What must show first, then the others in order while they fit.
    let form = forms[forms.len() - 1];
    let mut used: usize = all
        .iter()
        .filter(|h| h.2)
        .map(|(k, d, _)| need(k, &text(d, form)))
        .sum();
    let mut keep = vec![false; all.len()];
    let cmds: Vec<Cmd> = footer_bindings(ctx).map(|b| b.cmd).collect();
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|i| (cmds.get(*i).map_or(1, |c| priority(*c)), *i));
    for i in order {
        let (k, d, must) = &all[i];
        if *must {
            keep[i] = true;
            continue;
        }
        let n = need(k, &text(d, form));
        if used + n <= cols {
            used += n;
            keep[i] = true;
        }
    }
    all.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((k, d, _), _)| (*k, text(d, form)))
        .collect()
}

/// Every binding in context groups, for the help popup and the README.
pub fn groups() -> Vec<(Ctx, Vec<&'static Binding>)> {
    let order = [
        Ctx::Global,
        Ctx::List,
        Ctx::Search,
        Ctx::Detail,
        Ctx::Rankings,
        Ctx::Audit,
        Ctx::Menu,
        Ctx::Export,
        Ctx::Form,
        Ctx::Popup,
        Ctx::Confirm,
        Ctx::Aside,
        Ctx::Sync,
    ];
    order
        .into_iter()
        .map(|c| (c, TABLE.iter().filter(|b| b.ctx == c).collect()))
        .collect()
}

/// The key table as Markdown (for the README; a test keeps them in step).
pub fn markdown(lang: Lang) -> String {
    let mut out = String::new();
    for (ctx, bs) in groups() {
        out.push_str(&format!("| {} | |\n|---|---|\n", ctx.title(lang)));
        for b in bs {
            out.push_str(&format!("| `{}` | {} |\n", b.label, b.desc(lang)));
        }
        out.push('\n');
    }
    out
}

/// How one key is written in a label: `k`, `Enter`, `↑`, `^S`, `S-Tab`, `F2`.
pub fn key_name(code: KeyCode, mods: KeyModifiers) -> String {
    match code {
        Char(' ') => "Space".to_string(),
        Char(c) if mods.contains(CTRL) => format!("^{}", c.to_ascii_uppercase()),
        Char(c) => c.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        Left => "←".into(),
        Right => "→".into(),
        Tab => "Tab".into(),
        BackTab => "S-Tab".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Home => "Home".into(),
        End => "End".into(),
        F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// Why `b`'s label does not match its keys: each `/`-separated part of the
/// label names one of its keys, or is a run of arrows (`←→`) of which this
/// binding has one and its context the others (a pair written once).
pub fn label_mismatch(b: &Binding) -> Option<String> {
    let own: Vec<String> = b.keys.iter().map(|(c, m)| key_name(*c, *m)).collect();
    let in_ctx: Vec<String> = TABLE
        .iter()
        .filter(|o| o.ctx == b.ctx)
        .flat_map(|o| o.keys.iter().map(|(c, m)| key_name(*c, *m)))
        .collect();
    // A label that is one key's name whole (`/`) is not split.
    if own.iter().any(|k| k == b.label) {
        return None;
    }
    for part in b.label.split('/') {
        if own.iter().any(|k| k == part) {
            continue;
        }
        let arrows: Vec<String> = part.chars().map(|c| c.to_string()).collect();
        let is_arrows = arrows.len() > 1 && arrows.iter().all(|a| "←→↑↓".contains(a.as_str()));
        if is_arrows
            && arrows.iter().any(|a| own.contains(a))
            && arrows.iter().all(|a| in_ctx.contains(a))
        {
            continue;
        }
        return Some(format!(
            "{:?} {:?}: {part:?} is none of its keys {own:?}",
            b.ctx, b.cmd
        ));
    }
    None
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn every_label_names_its_own_keys() {
        let wrong: Vec<String> = TABLE.iter().filter_map(label_mismatch).collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn a_label_naming_another_key_is_caught() {
        let b = Binding {
            ctx: Ctx::Detail,
            keys: &[(Char('x'), NONE)],
            label: "y",
            zh: "",
            en: "",
            cmd: Cmd::Export,
            footer: false,
        };
        assert!(label_mismatch(&b).is_some());
        let arrows = Binding {
            ctx: Ctx::Audit,
            keys: &[(Left, NONE)],
            label: "←→",
            zh: "",
            en: "",
            cmd: Cmd::PrevTab,
            footer: false,
        };
        // The audit screen binds no → for the pair.
        assert!(label_mismatch(&arrows).is_some());
    }

    #[test]
    fn no_description_carries_a_pinyin_annotation() {
        for b in TABLE {
            for t in [b.zh, b.en] {
                assert_eq!(
                    crate::text::strip_annotations(t),
                    t,
                    "{:?} {:?}",
                    b.ctx,
                    b.cmd
                );
            }
        }
        for c in [Ctx::Global, Ctx::Sync, Ctx::Form] {
            let t = c.title(Lang::Zh);
            assert_eq!(crate::text::strip_annotations(t), t);
        }
    }

    /// Discoverable (issue 15): at every width from 40 columns the footer
    /// fits, and shows how to leave (q/Esc), how to submit a form (^S) and,
    /// where `?` is not typed as text, the help; at 80 columns the list shows
    /// every key of its screen that the table puts in the footer (s, S, A
    /// and ? were missing).
    #[test]
    fn the_footer_fits_and_always_shows_how_to_leave_submit_and_get_help() {
        use crate::text::width;
        let ctxs = [
            Ctx::List,
            Ctx::Search,
            Ctx::Detail,
            Ctx::Rankings,
            Ctx::Audit,
            Ctx::Menu,
            Ctx::Export,
            Ctx::Form,
            Ctx::Popup,
            Ctx::Sync,
        ];
        for lang in [Lang::Zh, Lang::En] {
            for ctx in ctxs {
                for cols in [40, 60, 80, 120] {
                    let f = footer(ctx, lang, cols);
                    let used: usize = f.iter().map(|(k, t)| width(k) + width(t)).sum();
                    assert!(used <= cols, "{ctx:?} {cols}: {f:?}");
                    for b in footer_bindings(ctx).filter(|b| must_show(b.cmd)) {
                        assert!(
                            f.iter().any(|(k, _)| *k == b.label),
                            "{ctx:?} {lang:?} {cols}: {} missing from {f:?}",
                            b.label
                        );
                    }
                }
            }
        }
        let labels = |ctx, cols| -> Vec<&str> {
            footer(ctx, Lang::Zh, cols)
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        let list = labels(Ctx::List, 80);
        for k in [
            "/", "Enter", "a", "s", "f", "o", "r", "q", "A", "S", "Z", "?",
        ] {
            assert!(list.contains(&k), "{k} not in {list:?}");
        }
        // In English at 80 columns the audit, sync and set-aside keys show
        // (filter and sort, which the help lists, give way).
        let en: Vec<&str> = footer(Ctx::List, Lang::En, 80)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        for k in ["/", "Enter", "a", "s", "r", "q", "A", "S", "Z", "?"] {
            assert!(en.contains(&k), "{k} not in {en:?}");
        }
        assert!(labels(Ctx::Form, 40).contains(&"^S"));
        assert!(labels(Ctx::Detail, 40).contains(&"Esc/q"));
        // `?` is typed into a form, so the form's footer does not offer it.
        assert!(!labels(Ctx::Form, 120).contains(&"?"));
        // Nor a popup, which closes on it.
        assert!(!labels(Ctx::Popup, 120).contains(&"?"));
        assert!(labels(Ctx::Menu, 120).contains(&"?"));
    }

    #[test]
    fn the_sync_popup_keys_are_in_the_table_and_the_help() {
        let esc = KeyEvent::new(Esc, NONE);
        assert_eq!(lookup(Ctx::Sync, &esc), Some(Cmd::Back));
        // Scrolling falls through to the global keys.
        let down = KeyEvent::new(Char('j'), NONE);
        assert_eq!(lookup(Ctx::Sync, &down), Some(Cmd::Down));
        assert!(groups()
            .iter()
            .any(|(c, bs)| *c == Ctx::Sync && bs.iter().any(|b| b.cmd == Cmd::Back)));
        assert!(markdown(Lang::En).contains("| Sync popup | |"));
    }
}
