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
pub fn from_ron<T: DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of(bytes, e.valid_up_to());
        Problem {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
            field: None,
            message: format!("not valid UTF-8 ({e})"),
        }
    })?;
    ron::Options::default()
        .from_str::<T>(text)
        .map_err(|e| Problem {
            path: path.to_string(),
            line: Some(e.span.start.line),
            column: Some(e.span.start.col),
            field: None,
            message: e.code.to_string(),
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
