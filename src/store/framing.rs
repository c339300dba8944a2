//! The frame of the tool's own cache files (the snapshot cache, the history
//! index): an 8-byte magic naming the file and its format, the body, and the
//! body's CRC32 (little-endian). A file that does not carry the magic or whose
//! checksum fails is not ours, or is damaged, and is ignored; it is rebuilt.

use std::io::Write;
use std::path::Path;

/// The body of a framed file's `bytes`, when the magic and the checksum hold.
pub fn body<'a>(bytes: &'a [u8], magic: &[u8; 8]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic.as_slice())?;
    if rest.len() < 4 {
        return None;
    }
    let (body, sum) = rest.split_at(rest.len() - 4);
    (crc32fast::hash(body).to_le_bytes() == sum).then_some(body)
}

/// Writes `body` framed to `file`, atomically (a temporary file in the same
/// folder, then a rename). Failures are ignored: these files only save time.
pub fn write(file: &Path, magic: &[u8; 8], body: &[u8]) {
    write_parts(file, magic, &[body]);
}

/// [`write`] of a body given in parts, written one after another and never
/// joined in memory (the snapshot cache's chunks: a joined copy was ~15 MB
/// more at the TUI's peak at 10k nominations, issue 18 P7).
pub fn write_parts(file: &Path, magic: &[u8; 8], parts: &[&[u8]]) {
    let Some(dir) = file.parent() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(tmp) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    let mut crc = crc32fast::Hasher::new();
    parts.iter().for_each(|p| crc.update(p));
    let sum = crc.finalize().to_le_bytes();
    let mut out = std::io::BufWriter::new(tmp);
    let written = out.write_all(magic).is_ok()
        && parts.iter().all(|p| out.write_all(p).is_ok())
        && out.write_all(&sum).is_ok();
    if let (true, Ok(tmp)) = (written, out.into_inner()) {
        let _ = tmp.persist(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_reads_back_and_a_damaged_or_foreign_one_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("sub").join("x.bin");
        write(&file, b"PXTEST\x00\x01", b"hello");
        let bytes = std::fs::read(&file).expect("written");
        assert_eq!(body(&bytes, b"PXTEST\x00\x01"), Some(&b"hello"[..]));
        // another file's magic
        assert_eq!(body(&bytes, b"PXOTHER\x01"), None);
        // a flipped bit in the body
        let mut bad = bytes.clone();
        bad[9] ^= 1;
        assert_eq!(body(&bad, b"PXTEST\x00\x01"), None);
        // truncated
        assert_eq!(body(&bytes[..10], b"PXTEST\x00\x01"), None);
        // the same body in parts is the same file
        write_parts(&file, b"PXTEST\x00\x01", &[b"he", b"", b"llo"]);
        assert_eq!(std::fs::read(&file).expect("written"), bytes);
        assert_eq!(body(b"PXTEST\x00\x01", b"PXTEST\x00\x01"), None);
    }
}
