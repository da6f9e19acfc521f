//! Any text through identifier detection and redaction: spans are in bounds, on character
//! boundaries, ordered and non-overlapping, and each one validates as its type.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let spans = consentry::ids::detect(text);
    let mut end = 0;
    for s in &spans {
        assert!(s.start >= end && s.start < s.end && s.end <= text.len());
        let found = text.get(s.start..s.end).expect("spans fall on character boundaries");
        assert!(consentry::ids::is_valid(s.kind, found), "a reported span validates");
        end = s.end;
    }
});
