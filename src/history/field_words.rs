//! The model's field names as a Chinese reader says them, for the history's
//! field-by-field changes (issue 16: no English field names in Chinese
//! output). A field without a word here is shown as it is spelled.

use serde_json::Value;

use crate::i18n::Lang;
use crate::model::{ActionKind, AggregateMethod, NomineeKind, UnitKind};

/// The zh-Hant word for a field `key` of a campaign or record file.
pub fn word(key: &str) -> Option<&'static str> {
    Some(match key {
        "action" => "操作",
        "activities" => "創建活動",
        "actor" => "操作人",
        "address" => "地址",
        "affiliation" => "單位",
        "aggregation" => "匯總方式",
        "aliases" => "別名",
        "allows" => "允許的操作",
        "application_form" => "申報表",
        "appraisal_satisfaction" => "行風評議滿意率",
        "at" => "時間",
        "author" => "作者",
        "basically_satisfied" => "基本滿意",
        "born" => "出生日期",
        "brand" => "品牌",
        "by" => "由",
        "campaign" => "評選",
        "rulings" => "裁定",
        "candidate_needs" => "候選條件",
        "candidates" => "候選",
        "categories" => "類別",
        "category" => "類別",
        "commendation" => "表彰",
        "comment" => "評語",
        "comparison" => "比較",
        "contact" => "聯繫人",
        "criteria" => "評分細則",
        "date" => "日期",
        "decision" => "決定",
        "deeds" => "事跡",
        "department" => "部門",
        "departments" => "部門",
        "description" => "說明",
        "disagreement_spread" => "分歧極差",
        "dissatisfied" => "不滿意",
        "education" => "學歷",
        "email" => "郵箱",
        "end" => "結束",
        "evaluation_weight" => "測評權重",
        "evaluations" => "測評",
        "evidence" => "證明材料",
        "exceptions" => "例外",
        "filed" => "提出日期",
        "findings" => "考察意見",
        "form_deadline" => "申報表截止",
        "form_filed" => "申報表報送",
        "fraud" => "弄虛作假",
        "front_line" => "一線",
        "gates" => "硬性條件",
        "gender" => "性別",
        "honour_level" => "榮譽級別",
        "honour_years" => "榮譽年份",
        "honours" => "榮譽",
        "hours" => "小時",
        "id" => "編號",
        "incidents" => "事件",
        "independent" => "獨立",
        "issued" => "發文日期",
        "issuer" => "發文單位",
        "key" => "密鑰",
        "keys" => "密鑰",
        "kind" => "類型",
        "knowledge_rate" => "應知應會率",
        "language" => "語言",
        "level" => "級別",
        "mailbox" => "信箱",
        "marks" => "分項得分",
        "max" => "滿分",
        "max_offline" => "最長離線小時",
        "media" => "媒體報道",
        "media_level" => "媒體級別",
        "members" => "成員",
        "memo" => "備注",
        "message" => "說明",
        "method" => "方法",
        "metric" => "指標",
        "metrics" => "指標",
        "min_score" => "最低分",
        "name" => "名稱",
        "name_en" => "英文名稱",
        "nomination" => "申報",
        "nominee" => "申報對象",
        "notice_days" => "公示天數",
        "number" => "號碼",
        "objection_contact" => "異議聯繫方式",
        "objections" => "異議",
        "office" => "辦公室",
        "office_unit" => "主辦單位",
        "opinions" => "部門意見",
        "outcome" => "結果",
        "outlet" => "媒體",
        "overrides" => "調整",
        "parent" => "上級單位",
        "phase" => "階段",
        "phases" => "階段",
        "phone" => "電話",
        "political_status" => "政治面貌",
        "post" => "職務",
        "postcode" => "郵編",
        "priority" => "優先",
        "published" => "公示",
        "rating" => "評分",
        "reason" => "理由",
        "recorded_by" => "記錄人",
        "reference" => "文號",
        "registered" => "登記日期",
        "registration_deadline" => "申報截止",
        "reopened" => "重新開啟",
        "requires_brand" => "須有品牌",
        "requires_front_line" => "須在一線",
        "resolution" => "處理結果",
        "reviewer" => "評委",
        "revoked" => "撤銷",
        "roles" => "角色",
        "rule" => "規則",
        "satisfied" => "滿意",
        "scores" => "評分",
        "service_satisfaction" => "服務滿意率",
        "signing_required" => "必須簽名",
        "since" => "起",
        "slots" => "名額",
        "source" => "來源",
        "stance" => "意見",
        "start" => "開始",
        "status" => "狀態",
        "summary" => "摘要",
        "supervisors" => "監督員",
        "text" => "內容",
        "threshold" => "門檻",
        "tie_orders" => "並列次序",
        "time" => "時間",
        "time_zone" => "時區",
        "title" => "標題",
        "title_en" => "英文標題",
        "trim_min_reviews" => "去極值最少評分數",
        "unit" => "單位",
        "unit_kinds" => "單位類型",
        "units" => "單位",
        "until" => "至",
        "valid_from" => "生效日期",
        "votes" => "民主測評",
        "workplace" => "工作單位",
        _ => return None,
    })
}

/// One segment of a field path (`criteria[2]`, an evaluation's stem, an id)
/// as a Chinese reader says it: the field's word, an id by the name in
/// `names`, a stem `YYYYMMDD-HHMMSS-author` by its date and time (no author
/// id), `[i]` as 第 i+1 項.
fn segment(lang: Lang, seg: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    let (head, index) = match seg.find('[') {
        Some(at) if seg.ends_with(']') => (&seg[..at], Some(&seg[at + 1..seg.len() - 1])),
        _ => (seg, None),
    };
    let mut out = if let Some(name) = names(head) {
        name
    } else if let Some(w) = word(head) {
        lang.pick(w, head).to_string()
    } else if let Some(t) = stem_time(head) {
        t
    } else {
        head.to_string()
    };
    if let Some(i) = index.and_then(|i| i.parse::<usize>().ok()) {
        out.push_str(&format!(
            "{}{}{}",
            lang.pick("第", ""),
            i + 1,
            lang.pick("項", "")
        ));
    }
    out
}

/// `20171002-101500-r2` as 2017年10月2日10:15.
fn stem_time(stem: &str) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(stem.get(..15)?, "%Y%m%d-%H%M%S").ok()?;
    Some(t.format("%Y年%-m月%-d日%H:%M").to_string())
}

/// A field path (`nomination.nominee.name`) as a Chinese reader says it
/// (申報·申報對象·名稱); English paths are returned as they are.
pub fn label(lang: Lang, path: &str, names: &dyn Fn(&str) -> Option<String>) -> String {
    if !lang.zh() {
        return path.to_string();
    }
    path.split('.')
        .map(|s| segment(lang, s, names))
        .collect::<Vec<_>>()
        .join("·")
}

/// A value as a Chinese reader says it: yes/no, and the model's enum names
/// (unit kinds, nominee kinds, methods, actions) by their words; other
/// values are left to [`super::diff::value_text`].
pub fn value(lang: Lang, v: &Value) -> Option<String> {
    if !lang.zh() {
        return None;
    }
    match v {
        Value::Bool(b) => Some(lang.pick(if *b { "是" } else { "否" }, "").to_string()),
        // an entry added or removed whole (a unit, a phase): by its name
        Value::Object(m) => m.get("name").and_then(Value::as_str).map(str::to_string),
        Value::String(_) => enum_word(lang, v),
        Value::Array(items) if !items.is_empty() => {
            let words: Option<Vec<String>> = items.iter().map(|i| enum_word(lang, i)).collect();
            words.map(|w| w.join("、"))
        }
        _ => None,
    }
}

fn enum_word(lang: Lang, v: &Value) -> Option<String> {
    if let Ok(k) = serde_json::from_value::<UnitKind>(v.clone()) {
        return Some(lang.unit_kind(k).to_string());
    }
    if let Ok(k) = serde_json::from_value::<NomineeKind>(v.clone()) {
        return Some(lang.nominee_kind(k).to_string());
    }
    if let Ok(k) = serde_json::from_value::<AggregateMethod>(v.clone()) {
        return Some(lang.aggregate_method(k).to_string());
    }
    serde_json::from_value::<ActionKind>(v.clone())
        .ok()
        .map(|k| lang.action(k).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_path_reads_in_chinese_with_names_and_no_author_id() {
        let names = |id: &str| (id == "town-a").then(|| "北辛街道".to_string());
        assert_eq!(
            label(Lang::Zh, "units.town-a.parent", &names),
            "單位·北辛街道·上級單位"
        );
        let l = label(Lang::Zh, "evaluations.20171002-101500-r2.rating", &names);
        assert_eq!(l, "測評·2017年10月2日10:15·評分");
        assert!(!l.contains("r2"));
        assert_eq!(
            label(Lang::Zh, "campaign.phases[2].end", &names),
            "評選·階段第3項·結束"
        );
        assert_eq!(
            label(Lang::ZhHans, "campaign.phases[2].end", &names),
            "评选·阶段第3项·结束"
        );
        assert_eq!(
            label(Lang::En, "campaign.phases[2].end", &names),
            "campaign.phases[2].end"
        );
        assert_eq!(value(Lang::Zh, &Value::Bool(true)).as_deref(), Some("是"));
        assert_eq!(value(Lang::En, &Value::Bool(true)), None);
    }
}
