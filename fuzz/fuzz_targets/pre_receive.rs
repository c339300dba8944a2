//! Bytes → the pre-receive hook's input parser (`history::hook::parse_input`),
//! as `pingxuan hook pre-receive` reads git's stdin: it must answer Ok or a
//! line-numbered error, never panic; what it accepts has well-formed ids.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI reads stdin as UTF-8; invalid UTF-8 is refused before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(updates) = pingxuan::history::hook::parse_input(text) {
        for u in updates {
            assert_eq!(u.old.len(), 40, "{u:?}");
            assert_eq!(u.new.len(), 40, "{u:?}");
            assert!(!u.name.is_empty());
            assert!(!u.name.chars().any(char::is_whitespace));
        }
    }
});
