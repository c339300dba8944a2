//! Interface language: zh-Hant, zh-Hans and en. Chosen by `--lang`, else
//! from the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
//!
//! **The vocabulary.** The program's own words are written once in the code,
//! in traditional characters (zh-Hant) beside the English: `lang.pick(zh, en)`,
//! [`Lang::action`], the TUI's `tr`. zh-Hans is made from the zh-Hant words at
//! this boundary ([`Lang::pick`] converts with the `fast2s` tables), never from
//! record text: names, reasons and deeds are shown as entered. A new word is
//! added once as a `pick("繁體", "English")` pair; its zh-Hans follows.
//! `tests`: `known_words_convert` lists words whose conversion is checked.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::ActionKind;

pub mod errors;
mod words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Chinese in traditional characters (zh-Hant): the words as the code
    /// writes them, and the default of a campaign.
    #[default]
    Zh,
    En,
    /// Chinese in simplified characters (zh-Hans).
    ZhHans,
}

impl Lang {
    /// zh-Hant, under its tag's name.
    pub const ZH_HANT: Lang = Lang::Zh;
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::ZhHans, Lang::En];

    /// `--lang` wins; else `LC_ALL`, `LC_MESSAGES`, `LANG` as POSIX orders
    /// them: zh_CN, zh_SG → zh-Hans; zh_TW, zh_HK, zh_MO → zh-Hant; any other
    /// zh, and the C/POSIX locale that names no language → `chinese` (the
    /// campaign's script); any other named locale → English.
    pub fn detect(flag: Option<&str>) -> Lang {
        Lang::detect_for(flag, Lang::Zh)
    }

    /// [`Lang::detect`] where a bare `zh` means `chinese`.
    pub fn detect_for(flag: Option<&str>, chinese: Lang) -> Lang {
        if let Some(f) = flag {
            return Lang::parse(f).unwrap_or(Lang::from_locale(f, chinese));
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return Lang::from_locale(&v, chinese);
                }
            }
        }
        Lang::from_locale("", chinese)
    }

    /// A locale name (`zh_CN.UTF-8`, `en_US`, `C`) as a language.
    pub fn from_locale(locale: &str, chinese: Lang) -> Lang {
        let l = locale.to_ascii_lowercase().replace('-', "_");
        let l = l.split(['.', '@']).next().unwrap_or_default();
        if l == "zh" || l.starts_with("zh_") {
            if l.contains("hans") || ["zh_cn", "zh_sg", "zh_my"].iter().any(|p| l.starts_with(p)) {
                Lang::ZhHans
            } else if l.contains("hant")
                || ["zh_tw", "zh_hk", "zh_mo"].iter().any(|p| l.starts_with(p))
                || chinese == Lang::En
            {
                // zh-Hant by name, or any other zh where the campaign is not Chinese
                Lang::Zh
            } else {
                chinese
            }
        } else if l.is_empty() || l == "c" || l == "posix" {
            // No language named (the C locale of servers and tests): Chinese
            // first, as before; a named non-Chinese locale gives English.
            if chinese == Lang::En {
                Lang::Zh
            } else {
                chinese
            }
        } else {
            Lang::En
        }
    }

    /// A `--lang` value or a campaign's `language`: `zh-Hans`, `zh-Hant`,
    /// `en` (any case, `_` for `-`); `None` for anything else (`zh` alone is
    /// the campaign's script: see [`Lang::detect_for`]).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-hans" | "zh-cn" => Some(Lang::ZhHans),
            "zh-hant" | "zh-tw" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The BCP 47 tag: `zh-Hant`, `zh-Hans`, `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hant",
            Lang::ZhHans => "zh-Hans",
            Lang::En => "en",
        }
    }

    /// zh-Hant for `true`, English for `false`: the language of a message
    /// written with `zh: bool` (zh-Hans is made from it where it is shown).
    pub fn of(zh: bool) -> Lang {
        if zh {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Chinese, in either script.
    pub fn zh(self) -> bool {
        self != Lang::En
    }

    /// Picks the string for this language; zh-Hans is the zh-Hant word
    /// converted (once per word: the result is kept for the process).
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
            Lang::ZhHans => hans_interned(zh),
        }
    }

    /// A sentence of the program in this language, its `{}` holes filled in
    /// order with `args` (record text, numbers, names). The template is put
    /// in this language's script BEFORE anything goes in, so record text is
    /// never converted: `lang.fill("{} 當日開放的階段（{}）不允許此操作",
    /// "no phase open on {} allows it (open: {})", &[&day, &open])`.
    pub fn fill(self, zh: &str, en: &str, args: &[&dyn std::fmt::Display]) -> String {
        let template = self.pick(zh, en);
        let mut out = String::with_capacity(template.len() + 16 * args.len());
        let mut args = args.iter();
        let mut rest = template;
        while let Some(i) = rest.find("{}") {
            out.push_str(&rest[..i]);
            match args.next() {
                Some(a) => out.push_str(&a.to_string()),
                None => out.push_str("{}"),
            }
            rest = &rest[i + 2..];
        }
        out.push_str(rest);
        out
    }

    /// The program's own zh-Hant words `zh` in this language's script (for
    /// words made at run time, e.g. from a table; never record text).
    pub fn script<'a>(self, zh: &'a str) -> Cow<'a, str> {
        match self {
            Lang::ZhHans => Cow::Owned(to_hans(zh)),
            _ => Cow::Borrowed(zh),
        }
    }

    /// The verb naming an action, for commit summaries and menus.
    pub fn action(self, kind: ActionKind) -> &'static str {
        let (zh, en) = match kind {
            ActionKind::Setup => ("建立評選", "set up campaign"),
            ActionKind::Nominate => ("申報", "nominate"),
            ActionKind::Activity => ("上報創建活動", "report activity"),
            ActionKind::Supervisor => ("聘請監督員", "appoint supervisor"),
            ActionKind::FileForm => ("報送申報表", "file application form"),
            ActionKind::Score => ("評分", "score"),
            ActionKind::Evaluate => ("測評考察", "evaluate"),
            ActionKind::Opinion => ("部門意見", "department opinion"),
            ActionKind::Vote => ("民主測評", "record votes"),
            ActionKind::Object => ("異議", "objection"),
            ActionKind::Resolve => ("處理異議", "resolve objection"),
            ActionKind::Decide => ("決定", "decide"),
            ActionKind::Publish => ("公示候選名單", "publish candidates"),
            ActionKind::Override => ("調整階段", "override phase"),
            ActionKind::Exception => ("準予例外", "grant exception"),
            ActionKind::TieOrder => ("確定並列次序", "set tie order"),
            ActionKind::Members => ("更新成員", "update members"),
            ActionKind::Units => ("更新單位", "update units"),
            ActionKind::Campaign => ("修改評選設置", "change campaign"),
            ActionKind::Reopen => ("重新開啟評審", "reopen assessment"),
            ActionKind::Withdraw => ("撤回評分", "withdraw score"),
        };
        self.pick(zh, en)
    }
}

/// zh-Hant words in simplified characters.
pub fn to_hans(zh: &str) -> String {
    fast2s::convert(zh)
}

/// The zh-Hans form of a word of the program, made once: the words are the
/// program's own (a bounded set), so keeping them costs a few kilobytes.
fn hans_interned(zh: &str) -> &'static str {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let Ok(mut map) = cache.lock() else {
        return Box::leak(to_hans(zh).into_boxed_str());
    };
    if let Some(s) = map.get(zh) {
        return s;
    }
    let s: &'static str = Box::leak(to_hans(zh).into_boxed_str());
    map.insert(zh.to_string(), s);
    s
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown language `{s}`: expected \"zh-Hant\", \"zh-Hans\" or \"en\""
            ))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment() {
        assert_eq!(Lang::detect(Some("en")), Lang::En);
        assert_eq!(Lang::detect(Some("zh")), Lang::Zh);
        assert_eq!(Lang::detect(Some("zh-Hans")), Lang::ZhHans);
        assert_eq!(Lang::detect(Some("zh-Hant")), Lang::Zh);
        assert_eq!(Lang::detect_for(Some("zh"), Lang::ZhHans), Lang::ZhHans);
    }

    #[test]
    fn locale_names_choose_the_script() {
        let l = |s| Lang::from_locale(s, Lang::Zh);
        for s in ["zh_CN.UTF-8", "zh_SG", "zh_CN.GB18030", "zh-Hans"] {
            assert_eq!(l(s), Lang::ZhHans, "{s}");
        }
        for s in ["zh_TW.UTF-8", "zh_HK", "zh_MO.UTF-8", "zh_Hant"] {
            assert_eq!(l(s), Lang::Zh, "{s}");
        }
        for s in ["en_US.UTF-8", "en", "fr_FR", "de_DE.UTF-8"] {
            assert_eq!(l(s), Lang::En, "{s}");
        }
        // no language named: Chinese first (the campaign's script)
        for s in ["C", "C.UTF-8", "POSIX", ""] {
            assert_eq!(l(s), Lang::Zh, "{s}");
            assert_eq!(Lang::from_locale(s, Lang::ZhHans), Lang::ZhHans, "{s}");
        }
        // other zh: the campaign's script
        assert_eq!(Lang::from_locale("zh", Lang::ZhHans), Lang::ZhHans);
        assert_eq!(Lang::from_locale("zh.UTF-8", Lang::Zh), Lang::Zh);
    }

    #[test]
    fn tags_round_trip_in_ron() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.tag()), Some(l));
            let text = ron::to_string(&l).unwrap_or_default();
            assert_eq!(ron::from_str::<Lang>(&text).ok(), Some(l), "{text}");
        }
        assert!(ron::from_str::<Lang>("\"fr\"").is_err());
    }

    #[test]
    fn fill_converts_the_template_and_never_the_record_text() {
        let name = "國網滕州市供電公司";
        assert_eq!(
            Lang::ZhHans.fill("{}的申報表（{} 頁）", "form of {} ({} pages)", &[&name, &3]),
            "國網滕州市供電公司的申报表（3 页）"
        );
        assert_eq!(
            Lang::Zh.fill("{}的申報表", "form of {}", &[&name]),
            "國網滕州市供電公司的申報表"
        );
        assert_eq!(
            Lang::En.fill("{}的申報表", "form of {}", &[&name]),
            "form of 國網滕州市供電公司"
        );
    }

    #[test]
    fn known_words_convert() {
        for (hant, hans) in [
            ("申報表", "申报表"),
            ("公示", "公示"),
            ("評選", "评选"),
            ("候選名單", "候选名单"),
            ("服務明星", "服务明星"),
            ("十佳服務明星申報表", "十佳服务明星申报表"),
            ("評委會意見", "评委会意见"),
            ("審計", "审计"),
        ] {
            assert_eq!(Lang::ZhHans.pick(hant, "x"), hans);
            assert_eq!(Lang::Zh.pick(hant, "x"), hant);
            assert_eq!(Lang::ZhHans.script(hant), hans);
        }
    }

    /// Characters that exist only in traditional script, common in the
    /// program's words: none may be left in zh-Hans output.
    pub(crate) const TRADITIONAL: &str = "評選報單詳頁幫鍵開關動會議審計簽項類時間號碼說從來過這為區與數據檔錄標準導異務處長門顯統記錯誤權認證驗範圍應當後麼問題無條啟寫讀輸決擇變實際傳達視";

    pub(crate) fn traditional_left(s: &str) -> Vec<char> {
        s.chars().filter(|c| TRADITIONAL.contains(*c)).collect()
    }

    #[test]
    fn the_key_table_and_menus_have_a_simplified_form() {
        let hant = crate::tui::keys::markdown(Lang::Zh);
        let hans = crate::tui::keys::markdown(Lang::ZhHans);
        assert!(
            !traditional_left(&hant).is_empty(),
            "the table is written in zh-Hant"
        );
        assert_eq!(traditional_left(&hans), Vec::<char>::new(), "{hans}");
        assert_eq!(hans, to_hans(&hant));
        for k in ActionKind::ALL {
            assert_eq!(traditional_left(Lang::ZhHans.action(k)), Vec::<char>::new());
        }
    }

    #[test]
    fn every_action_has_three_names() {
        for k in ActionKind::ALL {
            assert!(!Lang::Zh.action(k).is_empty());
            assert!(Lang::En.action(k).is_ascii());
            let hans = Lang::ZhHans.action(k);
            assert_eq!(hans, to_hans(Lang::Zh.action(k)));
            assert_eq!(to_hans(hans), hans, "already simplified: {hans}");
        }
        assert_eq!(Lang::ZhHans.action(ActionKind::Nominate), "申报");
    }
}
