//! Documents speak the campaign's language (issue 16): `language` in
//! campaign.ron (written by `init`, zh-Hant when absent), or `--lang` when
//! given explicitly — never the operator's locale. A zh-Hans document has
//! the program's words in simplified characters and record text as entered.

use crate::common::{self, output_text};
use crate::init_world::{World, BIN};
use pingxuan::i18n::to_hans;
use pingxuan::store::Store;

fn export(sb: &common::Sandbox, dir: &std::path::Path, env_lang: &str, args: &[&str]) -> String {
    let out = sb
        .cmd(BIN)
        .env("LANG", env_lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--repo")
        .arg(dir)
        .args(["--at", "2017-12-12T12:00:00+08:00"])
        .args(args)
        .output()
        .expect("export");
    assert!(out.status.success(), "{args:?}: {}", output_text(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_fresh_campaign_writes_its_language_and_documents_ignore_the_locale() {
    let w = World::new();
    let campaign = String::from_utf8(w.read("campaign.ron")).expect("utf-8");
    assert!(campaign.contains("language: \"zh-Hant\""), "{campaign}");
    // An English server locale: the notice is still the campaign's Chinese.
    let md = export(
        &w.sb,
        &w.dir,
        "en_US.UTF-8",
        &["export", "notice", "--format", "md"],
    );
    assert!(md.contains("公示"), "{md}");
    assert!(!md.contains("Public notice"), "{md}");
    // Explicitly English, explicitly simplified.
    let en = export(
        &w.sb,
        &w.dir,
        "zh_TW.UTF-8",
        &["--lang", "en", "export", "notice", "--format", "md"],
    );
    assert!(en.contains("Public notice"), "{en}");
    let hans = export(
        &w.sb,
        &w.dir,
        "en_US.UTF-8",
        &["--lang", "zh-Hans", "export", "notice", "--format", "md"],
    );
    assert!(hans.contains("候选"), "{hans}");
    assert!(!hans.contains("候選"), "{hans}");
}

/// Every record text of the snapshot, longest first.
fn record_texts(snap: &pingxuan::model::Snapshot) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.extend(s.lines().map(str::to_string)),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(snap).expect("json"), &mut out);
    out.retain(|s| s.chars().count() >= 2 && to_hans(s) != *s);
    out.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    out.dedup();
    out
}

#[test]
fn a_zh_hans_document_converts_the_frame_and_keeps_record_text() {
    let demo = common::demo::year();
    let snap = Store::open(&demo.dir)
        .expect("open")
        .snapshot()
        .expect("snapshot");
    let texts = record_texts(&snap);
    for what in ["final", "decision", "scores"] {
        let hans = export(
            &demo.sb,
            &demo.dir,
            "en_US.UTF-8",
            &["--lang", "zh-Hans", "export", what, "--format", "md"],
        );
        let hant = export(
            &demo.sb,
            &demo.dir,
            "en_US.UTF-8",
            &["export", what, "--format", "md"],
        );
        assert_ne!(hans, hant, "{what}");
        // Record text as entered: a traditional name stays traditional.
        assert!(hans.contains("國網滕州市供電公司"), "{what}: {hans}");
        // No traditional frame word outside record text.
        let mut rest = hans.clone();
        for t in &texts {
            rest = rest.replace(t.as_str(), "");
        }
        for word in [
            "候選",
            "申報",
            "評委會",
            "未通過",
            "來源",
            "入選",
            "決定",
            "綜合得分",
        ] {
            assert!(
                !rest.contains(word),
                "{what}: frame word {word} in zh-Hans: {rest}"
            );
        }
    }
}
