//! RON as the tool writes it, read without the `ron` crate (issue 18, P1).
//!
//! A cold open of a 10k campaign parses ~190k record files; in the `ron`
//! crate's general parser (character by character, Unicode identifiers,
//! extensions, raw strings, byte literals …) that was over a quarter of the
//! open's CPU. The files the tool writes (`codec::to_ron`) use a small part of
//! the language: structs `( field: value, … )`, maps `{ key: value }`, lists,
//! `Some(…)`/`None`, enum variants with at most one value, plain decimal
//! numbers, `true`/`false` and strings with the common escapes.
//!
//! [`from_str`] reads only that part and **declines** (`None`) anything
//! else: a comment, an attribute, a struct name, a raw string, an unusual
//! escape or number, a space where `ron` is lenient, a type asking for a form
//! this reader does not take, or any fault at all. The caller then parses the
//! text with `ron`, which gives the value or the error with its line and
//! column as before. So this reader never decides that a file is wrong, and
//! what it accepts it reads as `ron` does (held by the tests below against
//! `ron` on every record file the demo writes and on random edits of them).

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};

/// The value of `text`, or `None` when this reader declines it (see the
/// module): the caller then asks `ron`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = T::deserialize(&mut reader).ok()?;
    reader.skip_ws();
    (reader.at == reader.bytes.len()).then_some(value)
}

/// Why a text was declined: never shown (the caller parses with `ron`).
#[derive(Debug)]
pub struct Declined;

impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("declined")
    }
}

impl std::error::Error for Declined {}

impl de::Error for Declined {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Declined
    }
}

type Result<T> = std::result::Result<T, Declined>;

struct Reader<'de> {
    text: &'de str,
    bytes: &'de [u8],
    at: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// ASCII letters, digits and `_`, by table (every field name of every
/// record file goes through it).
fn is_ident_char(b: u8) -> bool {
    const TABLE: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            let c = i as u8;
            t[i] = c.is_ascii_alphanumeric() || c == b'_';
            i += 1;
        }
        t
    };
    TABLE[usize::from(b)]
}

impl<'de> Reader<'de> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Spaces, tabs and line feeds (`ron` takes more; those are declined).
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<()> {
        if self.peek() == Some(b) {
            self.at += 1;
            Ok(())
        } else {
            Err(Declined)
        }
    }

    /// An ASCII identifier; one that runs on into a non-ASCII character
    /// (which `ron` may read as part of it) is declined.
    fn ident(&mut self) -> Result<&'de str> {
        let start = self.at;
        if !self.peek().is_some_and(is_ident_start) {
            return Err(Declined);
        }
        let rest = &self.bytes[self.at..];
        self.at += rest
            .iter()
            .position(|&b| !is_ident_char(b))
            .unwrap_or(rest.len());
        if self.peek().is_some_and(|b| b >= 0x80) {
            return Err(Declined);
        }
        // a raw identifier `r#name` or byte string `b"…"`: declined
        if matches!(self.peek(), Some(b'#' | b'"' | b'\'')) {
            return Err(Declined);
        }
        Ok(&self.text[start..self.at])
    }

    /// The keyword `word` when the text has it here, as a whole identifier.
    fn keyword(&mut self, word: &str) -> bool {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end) == Some(word.as_bytes())
            && !self
                .bytes
                .get(end)
                .is_some_and(|&b| is_ident_char(b) || b >= 0x80)
        {
            self.at = end;
            true
        } else {
            false
        }
    }

    /// After an element: a comma (then maybe the end), or the end `close`.
    fn after_element(&mut self, close: u8) -> Result<()> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            _ => Err(Declined),
        }
    }

    /// Whether the list, map or struct ends here (and steps over its end).
    fn at_end(&mut self, close: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(close) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A string in double quotes with the escapes `\\ \" \n \t \r`.
    fn string(&mut self) -> Result<Text<'de>> {
        self.skip_ws();
        self.eat(b'"')?;
        let start = self.at;
        // most strings have no escape: one search, a slice of the text
        let stop = memchr::memchr2(b'"', b'\\', &self.bytes[start..]).ok_or(Declined)?;
        if self.bytes[start + stop] == b'"' {
            self.at = start + stop + 1;
            return Ok(Text::Borrowed(&self.text[start..start + stop]));
        }
        // the text with its escapes replaced
        let mut out = String::with_capacity(stop + 16);
        let mut from = start;
        loop {
            let stop = memchr::memchr2(b'"', b'\\', &self.bytes[from..]).ok_or(Declined)?;
            let at = from + stop;
            out.push_str(&self.text[from..at]);
            if self.bytes[at] == b'"' {
                self.at = at + 1;
                return Ok(Text::Owned(out));
            }
            out.push(match self.bytes.get(at + 1) {
                Some(b'\\') => '\\',
                Some(b'"') => '"',
                Some(b'n') => '\n',
                Some(b't') => '\t',
                Some(b'r') => '\r',
                _ => return Err(Declined),
            });
            from = at + 2;
        }
    }

    /// A decimal integer: an optional `-` (when `signed`) and digits without
    /// a leading zero; anything running on is declined.
    fn integer<T: std::str::FromStr>(&mut self, signed: bool) -> Result<T> {
        self.skip_ws();
        let start = self.at;
        if signed && self.peek() == Some(b'-') {
            self.at += 1;
        }
        self.digits()?;
        self.number_ends()?;
        self.text[start..self.at].parse().map_err(|_| Declined)
    }

    /// A number ends here: no letter, digit, `_`, `.` or non-ASCII character
    /// runs on from it (a suffix, an exponent, a second dot: left to `ron`).
    fn number_ends(&self) -> Result<()> {
        match self.peek() {
            Some(b) if is_ident_char(b) || b == b'.' || b >= 0x80 => Err(Declined),
            _ => Ok(()),
        }
    }

    /// One or more digits, no leading zero unless alone.
    fn digits(&mut self) -> Result<usize> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let n = self.at - start;
        if n == 0 || (n > 1 && self.bytes[start] == b'0') {
            return Err(Declined);
        }
        Ok(n)
    }

    /// A decimal number `-12`, `12.5`, `-0.25` read as `f64`, as `ron` reads
    /// it (the text given to `str::parse`); exponents, `inf`, `NaN`,
    /// suffixes and integers of over 15 digits are declined.
    fn float(&mut self) -> Result<f64> {
        self.skip_ws();
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let whole = self.digits()?;
        if self.peek() == Some(b'.') {
            self.at += 1;
            let from = self.at;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.at += 1;
            }
            if self.at == from {
                return Err(Declined);
            }
        } else if whole > 15 {
            return Err(Declined);
        }
        self.number_ends()?;
        self.text[start..self.at].parse().map_err(|_| Declined)
    }

    /// A map `{ key: value, … }` or a struct's fields `( field: value, … )`
    /// (keys are identifiers), read to its end by `visitor`.
    fn entries<V: Visitor<'de>>(
        &mut self,
        open: u8,
        close: u8,
        struct_fields: bool,
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_ws();
        self.eat(open)?;
        let mut entries = Entries {
            reader: self,
            close,
            struct_fields,
            closed: false,
        };
        let value = visitor.visit_map(&mut entries)?;
        if entries.closed {
            Ok(value)
        } else {
            Err(Declined)
        }
    }
}

/// A string as read: a slice of the text, or with its escapes replaced.
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

macro_rules! integers {
    ($($method:ident $visit:ident $t:ty, $signed:expr;)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.integer::<$t>($signed)?)
        })*
    };
}

macro_rules! declined {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Declined)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Declined;

    // What a value is cannot be told from this part of the language alone
    // (`ron` guesses); the types read here never ask.
    declined! {
        deserialize_any deserialize_ignored_any deserialize_f32 deserialize_char
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_i128
        deserialize_u128
    }

    integers! {
        deserialize_i8 visit_i8 i8, true;
        deserialize_i16 visit_i16 i16, true;
        deserialize_i32 visit_i32 i32, true;
        deserialize_i64 visit_i64 i64, true;
        deserialize_u8 visit_u8 u8, false;
        deserialize_u16 visit_u16 u16, false;
        deserialize_u32 visit_u32 u32, false;
        deserialize_u64 visit_u64 u64, false;
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.keyword("true") {
            visitor.visit_bool(true)
        } else if self.keyword("false") {
            visitor.visit_bool(false)
        } else {
            Err(Declined)
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.string()? {
            Text::Borrowed(s) => visitor.visit_borrowed_str(s),
            Text::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        if self.keyword("None") {
            return visitor.visit_none();
        }
        if !self.keyword("Some") {
            return Err(Declined);
        }
        self.eat(b'(')?;
        let value = visitor.visit_some(&mut *self)?;
        self.skip_ws();
        self.eat(b')')?;
        Ok(value)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        self.eat(b'[')?;
        let mut list = Elements {
            reader: self,
            close: b']',
            closed: false,
        };
        let value = visitor.visit_seq(&mut list)?;
        if list.closed {
            Ok(value)
        } else {
            Err(Declined)
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.entries(b'{', b'}', false, visitor)
    }

    /// `( field: value, … )`; a struct name before it is declined (`ron`
    /// checks it against the type's).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.entries(b'(', b')', true, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_ws();
        visitor.visit_enum(self)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_ws();
        visitor.visit_borrowed_str(self.ident()?)
    }
}

/// The elements of a list.
struct Elements<'a, 'de> {
    reader: &'a mut Reader<'de>,
    close: u8,
    closed: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Declined;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.closed {
            return Err(Declined);
        }
        if self.reader.at_end(self.close) {
            self.closed = true;
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.reader)?;
        self.reader.after_element(self.close)?;
        Ok(Some(value))
    }
}

/// The entries of a map, or the fields of a struct (keys are identifiers).
struct Entries<'a, 'de> {
    reader: &'a mut Reader<'de>,
    close: u8,
    struct_fields: bool,
    closed: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Declined;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.closed {
            return Err(Declined);
        }
        if self.reader.at_end(self.close) {
            self.closed = true;
            return Ok(None);
        }
        let key = if self.struct_fields {
            let name = self.reader.ident()?;
            seed.deserialize(BorrowedStrDeserializer::<Declined>::new(name))?
        } else {
            seed.deserialize(&mut *self.reader)?
        };
        self.reader.skip_ws();
        self.reader.eat(b':')?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = seed.deserialize(&mut *self.reader)?;
        self.reader.after_element(self.close)?;
        Ok(value)
    }
}

impl<'de> EnumAccess<'de> for &mut Reader<'de> {
    type Error = Declined;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = self.ident()?;
        let value = seed.deserialize(BorrowedStrDeserializer::<Declined>::new(name))?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for &mut Reader<'de> {
    type Error = Declined;

    /// `Name` alone (`Name()` and `Name (` are left to `ron`).
    fn unit_variant(self) -> Result<()> {
        if self.peek() == Some(b'(') {
            Err(Declined)
        } else {
            Ok(())
        }
    }

    /// `Name(value)`.
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.eat(b'(')?;
        let value = seed.deserialize(&mut *self)?;
        self.skip_ws();
        self.eat(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Declined)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(Declined)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use proptest::prelude::*;
    use serde::Serialize;

    use super::from_str;
    use crate::model::*;
    use crate::store::codec::to_ron;

    fn by_ron<T: DeserializeOwned>(text: &str) -> Option<T> {
        ron::Options::default().from_str(text).ok()
    }

    use serde::de::DeserializeOwned;

    /// What this reader makes of `text` as a `T`, if anything, is what `ron`
    /// makes of it.
    fn agrees<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<bool, String> {
        match from_str::<T>(text) {
            None => Ok(false),
            Some(ours) => match by_ron::<T>(text) {
                Some(theirs) if theirs == ours => Ok(true),
                theirs => Err(format!(
                    "{}: read {ours:?}, ron read {theirs:?} from:\n{text}",
                    std::any::type_name::<T>()
                )),
            },
        }
    }

    /// Every record type (and the top files) read from `text`.
    fn agrees_as_anything(text: &str) -> Result<(), String> {
        agrees::<Nomination>(text)?;
        agrees::<Score>(text)?;
        agrees::<Evaluation>(text)?;
        agrees::<Opinion>(text)?;
        agrees::<Votes>(text)?;
        agrees::<Objection>(text)?;
        agrees::<Decision>(text)?;
        agrees::<Campaign>(text)?;
        agrees::<Vec<Unit>>(text)?;
        agrees::<Vec<Member>>(text)?;
        agrees::<Rulings>(text)?;
        agrees::<Option<Mark>>(text)?;
        agrees::<Vec<f64>>(text)?;
        agrees::<Vec<i32>>(text)?;
        agrees::<Vec<u32>>(text)?;
        agrees::<Vec<bool>>(text)?;
        agrees::<Vec<String>>(text)?;
        Ok(())
    }

    /// The record files the demo campaign writes, as `to_ron` writes them.
    fn written() -> Vec<(&'static str, String)> {
        fn text<T: Serialize>(v: &T) -> String {
            to_ron(v).expect("writes")
        }
        let sample = crate::demo::sample().expect("sample");
        let mut out = vec![
            ("campaign", text(&sample.campaign)),
            ("units", text(&sample.units)),
            ("members", text(&sample.members)),
        ];
        for step in &sample.history {
            let file = match &step.action {
                Action::Nominate(n) => ("nomination", text(n)),
                Action::Score { score, .. } => ("score", text(score)),
                Action::Evaluate { evaluation, .. } => ("evaluation", text(evaluation)),
                Action::Opinion { opinion, .. } => ("opinion", text(opinion)),
                Action::Vote { votes, .. } => ("votes", text(votes)),
                Action::Object { objection, .. } => ("objection", text(objection)),
                Action::Decide { decision, .. } => ("decision", text(decision)),
                _ => continue,
            };
            out.push(file);
        }
        out
    }

    fn check<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
        assert_eq!(agrees::<T>(text), Ok(true), "not read:\n{text}");
    }

    #[test]
    fn every_record_file_the_demo_writes_is_read_here_as_ron_reads_it() {
        let files = written();
        for kind in [
            "nomination",
            "score",
            "evaluation",
            "opinion",
            "votes",
            "objection",
            "decision",
        ] {
            assert!(
                files.iter().any(|(k, _)| *k == kind),
                "no {kind} in the demo"
            );
        }
        for (kind, text) in &files {
            match *kind {
                "nomination" => check::<Nomination>(text),
                "score" => check::<Score>(text),
                "evaluation" => check::<Evaluation>(text),
                "opinion" => check::<Opinion>(text),
                "votes" => check::<Votes>(text),
                "objection" => check::<Objection>(text),
                "decision" => check::<Decision>(text),
                _ => agrees_as_anything(text).unwrap(),
            }
        }
    }

    #[test]
    fn forms_ron_reads_differently_or_refuses_are_declined() {
        let score =
            "(reviewer: \"r\", marks: {\"W1\": Points(1.5)}, time: \"2017-11-20T10:00:00+08:00\")";
        assert!(from_str::<Score>(score).is_some());
        for other in [
            // a struct name (ron checks it), a comment, an attribute
            "Score(reviewer: \"r\", marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", // who\n marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            "#![enable(implicit_some)]\n(reviewer: \"r\", marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            // raw strings, unusual escapes, a string continued over a line
            "(reviewer: r\"r\", marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"\\u{4e2d}\", marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"a\\\nb\", marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            // numbers ron reads its own way
            "(reviewer: \"r\", marks: {\"W1\": Points(1e3)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(1_0.5)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(inf)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(+1.5)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(.5)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(1.5f64)}, time: \"2017-11-20T10:00:00+08:00\")",
            // spaces and commas where ron is lenient
            "(reviewer: \"r\", marks: {\"W1\": Points (1.5)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {\"W1\": Points(1.5,)}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\",\r\n marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            // faults: an unknown field, a repeated key, a missing comma, trailing text
            "(reviewer: \"r\", marks: {}, time: \"2017-11-20T10:00:00+08:00\", x: 1)",
            "(reviewer: \"r\", marks: {\"W1\": Abstain, \"W1\": Abstain}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\" marks: {}, time: \"2017-11-20T10:00:00+08:00\")",
            "(reviewer: \"r\", marks: {}, time: \"2017-11-20T10:00:00+08:00\") x",
        ] {
            assert!(from_str::<Score>(other).is_none(), "taken: {other}");
        }
        let votes = "(satisfied: 1, basically_satisfied: 2, dissatisfied: 3, recorded_by: \"c\", date: \"2017-11-20\")";
        assert_eq!(from_str::<Votes>(votes).map(|v| v.total()), Some(6));
        for other in [
            votes.replace(": 1,", ": -1,"),
            votes.replace(": 1,", ": 01,"),
            votes.replace(": 1,", ": 0x1,"),
            votes.replace(": 1,", ": 1u32,"),
            votes.replace(": 1,", ": 99999999999,"),
        ] {
            assert!(from_str::<Votes>(&other).is_none(), "taken: {other}");
        }
    }

    #[test]
    fn escapes_and_chinese_text_read_as_written() {
        let mut d = Decision {
            outcome: Outcome::Final,
            reason: "群众满意度高，\"零投诉\"\n第二行\t\\完".into(),
            fraud: false,
            by: "主任".into(),
            date: chrono::NaiveDate::from_ymd_opt(2017, 12, 12).expect("date"),
            reopened: None,
        };
        check::<Decision>(&to_ron(&d).expect("writes"));
        d.reopened = Some(Reopening {
            by: "chair".into(),
            date: chrono::NaiveDate::from_ymd_opt(2017, 12, 13).expect("date"),
            reason: String::new(),
        });
        check::<Decision>(&to_ron(&d).expect("writes"));
    }

    /// Bytes an edit puts in: the language's punctuation and words, digits,
    /// signs, escapes, spaces of every kind and a Chinese character.
    const PIECES: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "\"",
        "\\",
        "/",
        "*",
        "#",
        "-",
        "+",
        ".",
        "0",
        "1",
        "9",
        "e",
        "E",
        "_",
        "r",
        "b",
        "'",
        " ",
        "\n",
        "\t",
        "\r",
        "\u{b}",
        "Some",
        "None",
        "true",
        "false",
        "x",
        "中",
        "Points",
        "Abstain",
        "//",
        "/*",
        "*/",
        "r#",
        "\\n",
        "\\u{41}",
        "1.5",
        "-0",
        "inf",
        "NaN",
        "Final",
        "Candidate",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever an edit makes of a written file, this reader either
        /// declines it or reads what `ron` reads: never a value `ron` would
        /// refuse or read otherwise.
        #[test]
        fn an_edited_file_is_declined_or_read_as_ron_reads_it(
            pick in any::<prop::sample::Index>(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), 0..3u8, prop::sample::select(PIECES)),
                1..4,
            ),
        ) {
            thread_local! {
                static FILES: Vec<(&'static str, String)> = written();
            }
            let mut text = FILES.with(|f| pick.get(f).1.clone());
            for (at, op, piece) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                match op {
                    0 => text.insert_str(i, piece),
                    1 => {
                        let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                        text.replace_range(i..end, piece);
                    }
                    _ => {
                        let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                        text.replace_range(i..end, "");
                    }
                }
            }
            prop_assert_eq!(agrees_as_anything(&text), Ok(()));
        }
    }
}
