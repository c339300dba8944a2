//! Files from Chinese Windows offices (issue 16), on a FRESH `pingxuan init`
//! campaign, through every way in: `nominate --file`, a plain `git commit`
//! judged by `audit` (EVERY-CHANGE) and read by `validate`/`show`.
//!
//! A UTF-8 file with a byte-order mark and CRLF line ends (Windows Notepad)
//! is the same record as the plain file: the load reads it as such, and the
//! audit, which requires the re-planned file to equal the committed one,
//! compares records, not bytes — so a BOM/CRLF-only difference is no
//! difference for either. A GB18030/GBK file is refused with a sentence that
//! names the file, the encoding and the `iconv` command that converts it.

use crate::common::output_text;
use crate::init_world::{window, World, BIN};
use pingxuan::store::layout;

/// The bytes Windows Notepad saves for `ron`: BOM, CRLF.
fn notepad(ron: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(ron).expect("utf-8");
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    out
}

fn validate(w: &World) -> (bool, String) {
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&w.dir)
            .args(["--lang", "en", "validate"])
            .output()
            .expect("validate");
    (out.status.success(), output_text(&out))
}

#[test]
fn notepad_file_is_the_same_record_for_nominate_load_and_audit() {
    // EVERY-CHANGE: the re-planned file equals the BOM/CRLF one as a record.
    let w = World::new();
    // 1. `nominate --file` with a Notepad file.
    let mut n = window("w-bom", "shebao-fuwu-dating");
    n.deeds = "第一行\n第二行".into();
    let file = w.sb.path().join("w-bom.ron");
    std::fs::write(&file, notepad(&crate::fixture::ron(&n))).expect("write");
    w.ok(
        "office",
        "2017-06-20T10:00:00+08:00",
        &["nominate", "--file", file.to_str().expect("utf-8")],
    );
    // What was committed is the plain record: no BOM, no CR.
    let path = layout::nomination_path(&n.id).expect("path");
    let stored = w.read(&path);
    assert!(!stored.starts_with(b"\xEF\xBB\xBF"));
    assert!(!stored.contains(&b'\r'));
    let back: pingxuan::model::Nomination =
        pingxuan::store::codec::from_ron(&path, &stored).expect("parse");
    assert_eq!(back, n, "the deeds keep their line break, without a CR");

    // 2. plain git: a clerk commits a Notepad file of a new entry.
    let m = window("w-crlf", "guanqiao-zhen");
    let mpath = layout::nomination_path(&m.id).expect("path");
    let commit = w.git_commit(
        "gq",
        "2017-06-21T10:00:00+08:00",
        &[(mpath.clone(), notepad(&crate::fixture::ron(&m)))],
    );
    assert!(
        w.read(&mpath).starts_with(b"\xEF\xBB\xBF"),
        "committed as is"
    );
    let found = w.audit();
    assert!(
        found.is_empty(),
        "a Notepad file is the same record (commit {commit}): {found:?}"
    );
    let (ok, text) = validate(&w);
    assert!(ok, "{text}");
    assert!(text.contains("2 nominations"), "{text}");
    let out = w.run(
        "office",
        "2017-06-21T11:00:00+08:00",
        &["show", "w-crlf", "--json"],
    );
    assert!(out.status.success(), "{}", output_text(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let text = shown.to_string();
    assert!(text.contains(&m.nominee.name), "{text}");
    assert!(!text.contains("\\r"), "{text}");
}

#[test]
fn gbk_file_is_refused_naming_the_encoding_and_the_conversion() {
    let w = World::new();
    let mut n = window("w-gbk", "guanqiao-zhen");
    n.nominee.name = "官桥镇便民服务中心".into();
    let text = String::from_utf8(crate::fixture::ron(&n)).expect("utf-8");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    assert!(std::str::from_utf8(&gbk).is_err());

    // `nominate --file`: refused before anything is written.
    let file = w.sb.path().join("w-gbk.ron");
    std::fs::write(&file, &gbk).expect("write");
    let err = w.refused(
        "office",
        "2017-06-20T10:00:00+08:00",
        &["nominate", "--file", file.to_str().expect("utf-8")],
    );
    assert!(err.contains("GB18030"), "{err}");
    assert!(err.contains("iconv -f GB18030 -t UTF-8"), "{err}");
    assert!(err.contains("w-gbk.ron"), "{err}");

    // plain git: the audit flags the unreadable record (RECORD) with the
    // same sentence, and validate names it.
    let path = layout::nomination_path(&n.id).expect("path");
    let bad = w.git_commit(
        "gq",
        "2017-06-21T10:00:00+08:00",
        &[(path.clone(), gbk.into_owned())],
    );
    w.audit_flags(&bad, "RECORD");
    let out =
        w.sb.cmd(BIN)
            .arg("--repo")
            .arg(&w.dir)
            .args(["--lang", "en", "audit", "--json"])
            .output()
            .expect("audit");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("GB18030"), "{report}");
    let (ok, text) = validate(&w);
    assert!(!ok, "{text}");
    assert!(text.contains(&path), "{text}");
    assert!(text.contains("GB18030"), "{text}");
    assert!(text.contains("iconv -f GB18030 -t UTF-8"), "{text}");
}
