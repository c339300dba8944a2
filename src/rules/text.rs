//! Names and small formatting helpers for the bilingual (zh/en) messages.

use crate::model::{ActionKind, Role};

/// The Chinese name of an action kind.
pub fn action_zh(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Setup => "初始化",
        ActionKind::Nominate => "申報",
        ActionKind::Activity => "活動報告",
        ActionKind::Supervisor => "聘請監督員",
        ActionKind::FileForm => "報送申報表",
        ActionKind::Score => "評分",
        ActionKind::Evaluate => "測評",
        ActionKind::Opinion => "部門意見",
        ActionKind::Vote => "民主測評",
        ActionKind::Object => "異議",
        ActionKind::Resolve => "處理異議",
        ActionKind::Decide => "決定",
        ActionKind::Publish => "公示",
        ActionKind::Override => "調整階段",
        ActionKind::Exception => "期限例外",
        ActionKind::TieOrder => "并列排序",
        ActionKind::Members => "成員",
        ActionKind::Units => "單位",
        ActionKind::Campaign => "活動設置",
    }
}

/// `評分` in Chinese, `score` in English.
pub fn action_label(kind: ActionKind, zh: bool) -> String {
    if zh {
        format!("{}({})", action_zh(kind), kind.as_str())
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

/// A number with at most two decimals, trailing zeros dropped: `92.5`, `90`.
pub fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
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
            assert!(action_label(k, true).contains(k.as_str()));
        }
    }
}
