//! RON in and out: one format for every file, and parse faults as [`Problem`]s
//! that name the file, line and column.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::Problem;

/// Renders a value as the RON text we commit: pretty, 4-space indent, trailing newline.
pub fn to_ron<T: Serialize>(value: &T) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ")
        .new_line("\n")
        .struct_names(false);
    let mut text = ron::ser::to_string_pretty(value, config)?;
    text.push('\n');
    Ok(text)
}

/// Parses `bytes` of the file at `path`; a fault comes back as a problem with its position.
///
/// A file saved by Windows Notepad reads as the same record: a leading UTF-8
/// byte-order mark is skipped and CRLF line ends read as LF (also inside
/// multi-line strings), so the value equals the one read from the plain file.
/// A file that is not UTF-8 but reads as GB18030 (GBK, GB2312), or that is
/// UTF-16, is refused with a sentence naming the encoding and the conversion.
pub fn from_ron<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T, Problem> {
    let text = decode(path, bytes)?;
    // The common shape first (issue 18, P1); anything else, and every
    // fault, is read by `ron` (see `plain_ron`).
    if let Some(value) = super::plain_ron::from_str(&text) {
        return Ok(value);
    }
    ron::Options::default()
        .from_str::<T>(&text)
        .map_err(|e| Problem {
            path: path.to_string(),
            line: Some(e.span.start.line),
            column: Some(e.span.start.col),
            field: None,
            message: e.code.to_string(),
        })
}

/// The UTF-8 byte-order mark Windows Notepad writes at the start of a file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of a record file: UTF-8 with the BOM skipped and CRLF made LF;
/// any other encoding is a problem that says how to convert the file.
pub fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, Problem> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let problem = |line, column, message: String| Problem {
        path: path.to_string(),
        line,
        column,
        field: None,
        message,
    };
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        return Err(problem(
            None,
            None,
            format!(
                "the file is UTF-16 (Windows \"Unicode\"), not UTF-8: convert it with \
                 `iconv -f UTF-16 -t UTF-8 {path}` or save it as UTF-8 \
                 (文件是 UTF-16 編碼,請轉為 UTF-8 後再提交)"
            ),
        ));
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            let (gb, _, malformed) = encoding_rs::GB18030.decode(body);
            if !malformed && !gb.is_empty() {
                return Err(problem(
                    None,
                    None,
                    format!(
                        "the file is encoded in GB18030/GBK, not UTF-8: convert it with \
                         `iconv -f GB18030 -t UTF-8 {path} > converted.ron` \
                         (or save it as UTF-8 in the editor) and commit the converted file \
                         (文件是 GB18030/GBK 編碼,請用 iconv -f GB18030 -t UTF-8 轉為 UTF-8)"
                    ),
                ));
            }
            let (line, column) = position_of(body, e.valid_up_to());
            return Err(problem(
                Some(line),
                Some(column),
                format!("not valid UTF-8 ({e})"),
            ));
        }
    };
    Ok(if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    })
}

/// 1-based line and column (in characters) of byte `offset` in possibly invalid UTF-8.
fn position_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    #[test]
    fn syntax_fault_names_line_and_column() {
        let text = "(\n    id: \"a\",\n    name: \"甲\"\n    kind: Town,\n)\n";
        let p = from_ron::<Unit>("units/x.ron", text.as_bytes()).unwrap_err();
        assert_eq!(p.path, "units/x.ron");
        assert_eq!(p.line, Some(4), "{p}");
        assert!(p.column.is_some());
    }

    #[test]
    fn unknown_field_is_named() {
        let text = "(id: \"a\", name: \"甲\", kind: Town, colour: 1)";
        let p = from_ron::<Unit>("u.ron", text.as_bytes()).unwrap_err();
        assert!(p.message.contains("colour"), "{p}");
    }

    #[test]
    fn invalid_utf8_is_positioned() {
        let mut bytes = b"(id: \"a\",\n name: \"".to_vec();
        bytes.push(0xff);
        let p = from_ron::<Unit>("u.ron", &bytes).unwrap_err();
        assert_eq!(p.line, Some(2));
        assert!(p.message.contains("UTF-8"));
    }

    /// A record saved by Windows Notepad (BOM, CRLF) is the same record,
    /// CRLF inside a multi-line string included.
    #[test]
    fn windows_notepad_file_reads_as_the_same_record() {
        let plain = "(\n    id: \"longquan\",\n    name: \"龍泉\n街道\",\n    kind: Street,\n)\n";
        let mut windows = UTF8_BOM.to_vec();
        windows.extend_from_slice(plain.replace('\n', "\r\n").as_bytes());
        let a = from_ron::<Unit>("u.ron", plain.as_bytes()).unwrap();
        let b = from_ron::<Unit>("u.ron", &windows).unwrap();
        assert_eq!(a, b);
        assert_eq!(b.name, "龍泉\n街道");
        // BOM alone, LF alone.
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(plain.as_bytes());
        assert_eq!(from_ron::<Unit>("u.ron", &bom).unwrap(), a);
    }

    #[test]
    fn a_fault_after_a_bom_keeps_its_line() {
        let mut bytes = UTF8_BOM.to_vec();
        bytes.extend_from_slice(
            "(\r\n    id: \"a\",\r\n    name: \"甲\"\r\n    kind: Town,\r\n)\r\n".as_bytes(),
        );
        let p = from_ron::<Unit>("units/x.ron", &bytes).unwrap_err();
        assert_eq!(p.line, Some(4), "{p}");
    }

    #[test]
    fn gbk_file_is_refused_naming_encoding_and_conversion() {
        let text = "(id: \"longquan\", name: \"龙泉街道\", kind: Street)";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "the sample must not be UTF-8"
        );
        let p = from_ron::<Unit>("units/longquan.ron", &gbk).unwrap_err();
        assert_eq!(p.path, "units/longquan.ron");
        assert!(p.message.contains("GB18030"), "{p}");
        assert!(
            p.message
                .contains("iconv -f GB18030 -t UTF-8 units/longquan.ron"),
            "{p}"
        );
        // Converted as the message says, it reads.
        let (utf8, _, bad) = encoding_rs::GB18030.decode(&gbk);
        assert!(!bad);
        assert_eq!(
            from_ron::<Unit>("u.ron", utf8.as_bytes()).unwrap().name,
            "龙泉街道"
        );
    }

    #[test]
    fn utf16_file_is_refused_naming_encoding() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "(id: \"a\")".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let p = from_ron::<Unit>("u.ron", &bytes).unwrap_err();
        assert!(p.message.contains("UTF-16"), "{p}");
    }

    #[test]
    fn round_trip_keeps_chinese_readable() {
        let unit = Unit {
            id: "longquan".into(),
            name: "龍泉街道".into(),
            kind: crate::model::UnitKind::Street,
            parent: None,
        };
        let text = to_ron(&unit).unwrap();
        assert!(text.contains("龍泉街道"), "{text}");
        assert_eq!(from_ron::<Unit>("u.ron", text.as_bytes()).unwrap(), unit);
    }
}
