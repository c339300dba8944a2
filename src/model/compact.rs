//! Dates and times in the tool's own binary files (issue 18, P2).
//!
//! chrono writes a date or a time as text in every format; in postcard (the
//! snapshot cache, and the ranking memo's content hash) that meant formatting
//! and parsing ~250k dates per warm open of a 10k campaign. Fields marked
//! `#[serde(with = "compact::…")]` are written as text, exactly as before, to
//! formats read by people (RON, JSON: `is_human_readable`), and as numbers to
//! binary ones: a date as its day number, a time as seconds, nanoseconds and
//! its UTC offset (so it reads back with the offset it was written with).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `NaiveDate`: text, or its day number from the common era.
pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            d.serialize(s)
        } else {
            s.serialize_i32(d.num_days_from_ce())
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        if d.is_human_readable() {
            NaiveDate::deserialize(d)
        } else {
            let n = i32::deserialize(d)?;
            NaiveDate::from_num_days_from_ce_opt(n)
                .ok_or_else(|| D::Error::custom(format!("day {n} is out of range")))
        }
    }
}

/// An `Option<NaiveDate>`, as [`date`].
pub mod opt_date {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Day(#[serde(with = "super::date")] NaiveDate);

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            d.serialize(s)
        } else {
            d.map(Day).serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        if d.is_human_readable() {
            Option::<NaiveDate>::deserialize(d)
        } else {
            Ok(Option::<Day>::deserialize(d)?.map(|Day(d)| d))
        }
    }
}

/// A `DateTime<FixedOffset>`: RFC 3339 text, or (seconds, nanoseconds,
/// offset in seconds east of UTC).
pub mod time {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            t.serialize(s)
        } else {
            (
                t.timestamp(),
                t.timestamp_subsec_nanos(),
                t.offset().local_minus_utc(),
            )
                .serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        if d.is_human_readable() {
            DateTime::<FixedOffset>::deserialize(d)
        } else {
            let (secs, nanos, offset) = <(i64, u32, i32)>::deserialize(d)?;
            let offset = FixedOffset::east_opt(offset)
                .ok_or_else(|| D::Error::custom(format!("offset {offset} is out of range")))?;
            DateTime::from_timestamp(secs, nanos)
                .map(|t| t.with_timezone(&offset))
                .ok_or_else(|| D::Error::custom(format!("time {secs}.{nanos} is out of range")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "date")]
        d: NaiveDate,
        #[serde(with = "opt_date")]
        o: Option<NaiveDate>,
        #[serde(with = "opt_date")]
        n: Option<NaiveDate>,
        #[serde(with = "time")]
        t: DateTime<FixedOffset>,
    }

    /// P2: people's formats are unchanged, binary ones read back every
    /// field exactly, the time's offset included; bad numbers are errors.
    #[test]
    fn text_for_people_numbers_for_the_cache_and_both_read_back() {
        let t = T {
            d: NaiveDate::from_ymd_opt(2017, 6, 30).unwrap(),
            o: NaiveDate::from_ymd_opt(1, 1, 1),
            n: None,
            t: DateTime::parse_from_rfc3339("2017-11-20T10:00:00.123456789-04:00").unwrap(),
        };
        let ron = ron::to_string(&t).unwrap();
        assert!(ron.contains("\"2017-06-30\""), "{ron}");
        assert!(ron.contains("o:Some(\"0001-01-01\")"), "{ron}");
        assert!(
            ron.contains("\"2017-11-20T10:00:00.123456789-04:00\""),
            "{ron}"
        );
        assert_eq!(ron::from_str::<T>(&ron).unwrap(), t);
        let json = serde_json::to_string(&t).unwrap();
        assert!(json.contains("\"2017-06-30\""), "{json}");
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), t);
        let bin = postcard::to_stdvec(&t).unwrap();
        assert!(bin.len() < 24, "{bin:?}");
        let back: T = postcard::from_bytes(&bin).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.t.offset(), t.t.offset());
        assert_eq!(back.t.to_rfc3339(), t.t.to_rfc3339());
        let bad = postcard::to_stdvec(&(i32::MAX, None::<i32>, None::<i32>, (0i64, 0u32, 0i32)));
        assert!(postcard::from_bytes::<T>(&bad.unwrap()).is_err());
        let bad_offset =
            postcard::to_stdvec(&(1i32, None::<i32>, None::<i32>, (0i64, 0u32, 90_000i32)));
        assert!(postcard::from_bytes::<T>(&bad_offset.unwrap()).is_err());
    }
}
