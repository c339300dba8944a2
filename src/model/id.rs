//! Identifiers that become parts of paths: validated before any path is built.

use std::fmt;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadId {
    pub id: String,
    pub reason: &'static str,
}

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid id {:?}: {} (allowed: a-z, 0-9 and '-', 1 to 64 characters, not starting or ending with '-')",
            self.id.escape_debug().to_string(),
            self.reason
        )
    }
}

impl std::error::Error for BadId {}

/// Checks that `id` is `[a-z0-9-]{1,64}`, not starting or ending with `-`.
/// This is what keeps `../`, `/`, `.git`, NUL and the like out of record paths.
pub fn validate_id(id: &str) -> Result<(), BadId> {
    let bad = |reason| {
        Err(BadId {
            id: id.to_string(),
            reason,
        })
    };
    if id.is_empty() {
        return bad("empty");
    }
    if id.len() > 64 {
        return bad("longer than 64 characters");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return bad("contains a character outside a-z, 0-9 and '-'");
    }
    if id.starts_with('-') || id.ends_with('-') {
        return bad("starts or ends with '-'");
    }
    Ok(())
}

/// The shard folder of a nomination: two hex digits of an FNV-1a hash of the id,
/// so a record's path is known from its id alone and no folder grows past a few
/// hundred entries at 10,000 nominations (DESIGN.md).
pub fn shard_of(id: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{:02x}", (h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24)) & 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_ids() {
        assert!(validate_id("2017-window-007").is_ok());
        assert!(validate_id("zhangwei").is_ok());
    }

    #[test]
    fn refuses_path_tricks() {
        for bad in [
            "", "../x", "a/b", ".git", "a\0b", "A", "-a", "a-", "/abs", "a b", "名字", "a\nb",
        ] {
            assert!(validate_id(bad).is_err(), "{bad:?} accepted");
        }
        assert!(validate_id(&"a".repeat(65)).is_err());
    }

    #[test]
    fn shard_is_stable_and_two_hex_digits() {
        assert_eq!(shard_of("2017-window-007"), shard_of("2017-window-007"));
        let s = shard_of("x");
        assert_eq!(s.len(), 2);
        assert!(s.bytes().all(|b| b.is_ascii_hexdigit()));
        let distinct: std::collections::BTreeSet<_> =
            (0..2000).map(|i| shard_of(&format!("n-{i}"))).collect();
        assert!(distinct.len() > 200, "shards spread: {}", distinct.len());
    }
}
