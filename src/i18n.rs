//! Interface language: zh first, en second. Chosen by `--lang`, else from `LANG`.

use serde::{Deserialize, Serialize};

use crate::model::ActionKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `--lang` wins; else `LC_ALL`, `LC_MESSAGES`, `LANG` as POSIX orders them;
    /// anything not starting with `en` gives Chinese.
    pub fn detect(flag: Option<&str>) -> Lang {
        if let Some(f) = flag {
            return Lang::parse(f);
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if !v.is_empty() {
                    return Lang::parse(&v);
                }
            }
        }
        Lang::Zh
    }

    pub fn parse(s: &str) -> Lang {
        if s.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn zh(self) -> bool {
        self == Lang::Zh
    }

    /// Picks the string for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
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
            ActionKind::TieOrder => ("確定并列次序", "set tie order"),
            ActionKind::Members => ("更新成員", "update members"),
            ActionKind::Units => ("更新單位", "update units"),
            ActionKind::Campaign => ("修改評選設置", "change campaign"),
            ActionKind::Reopen => ("重新開啟評審", "reopen assessment"),
            ActionKind::Withdraw => ("撤回評分", "withdraw score"),
        };
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment() {
        assert_eq!(Lang::detect(Some("en")), Lang::En);
        assert_eq!(Lang::detect(Some("zh")), Lang::Zh);
        assert_eq!(Lang::parse("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::parse("C"), Lang::Zh);
    }

    #[test]
    fn every_action_has_both_names() {
        for k in ActionKind::ALL {
            assert!(!Lang::Zh.action(k).is_empty());
            assert!(Lang::En.action(k).is_ascii());
        }
    }
}
