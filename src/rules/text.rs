//! Names and small formatting helpers for the bilingual (zh/en) messages.

use crate::model::{ActionKind, Role};

/// The Chinese name of an action kind (the one table in [`crate::i18n`]).
pub fn action_zh(kind: ActionKind) -> &'static str {
    crate::i18n::Lang::Zh.action(kind)
}

/// `評分` in Chinese, `score` in English (a Chinese sentence names the
/// action by its Chinese name alone: no command word in it).
pub fn action_label(kind: ActionKind, zh: bool) -> String {
    if zh {
        action_zh(kind).to_string()
    } else {
        kind.as_str().to_string()
    }
}

pub fn role_name(role: Role, zh: bool) -> &'static str {
    match (role, zh) {
        (Role::Reviewer, true) => "評委",
        (Role::Reviewer, false) => "reviewer",
        (Role::Chair, true) => "評委會主任",
        (Role::Chair, false) => "chair",
        (Role::Clerk, true) => "聯絡員",
        (Role::Clerk, false) => "clerk",
    }
}

/// Joins items with `、` (zh) or `, ` (en).
pub fn join<S: AsRef<str>>(items: &[S], zh: bool) -> String {
    let sep = if zh { "、" } else { ", " };
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(sep)
}

/// A number with at most two decimals, trailing zeros dropped: `92.5`, `90`;
/// rounded half up by the one rule ([`super::round`]).
pub fn num(x: f64) -> String {
    super::round::short(x)
}

/// Picks the Chinese or the English text.
pub fn pick(zh: bool, zh_text: String, en_text: String) -> String {
    if zh {
        zh_text
    } else {
        en_text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(90.0), "90");
        assert_eq!(num(92.5), "92.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
    }

    #[test]
    fn every_action_has_a_chinese_name() {
        for k in ActionKind::ALL {
            assert!(!action_zh(k).is_empty());
            assert_eq!(action_label(k, true), action_zh(k));
            assert!(!action_label(k, true).contains(k.as_str()));
            assert_eq!(action_label(k, false), k.as_str());
        }
    }
}
