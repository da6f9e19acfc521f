//! Any bytes as a signed Status List Token and as a bare `status_list` structure: never a
//! panic, and decompression never exceeds the cap.
#![no_main]

use consentry::status::{StatusList, StatusListOptions, StatusListToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = StatusListOptions { max_entries: 1 << 16, ..StatusListOptions::default() };
    if let Ok(t) = StatusListToken::decode_unverified(data, &opts) {
        assert!(t.list.len() <= 1 << 16);
        let _ = t.list.get(t.list.len().saturating_sub(1));
    }
    let _ = StatusListToken::verify(data, &consentry::TrustStore::new(), 0, &opts);
    if let Ok(l) = StatusList::from_cbor(data, 1 << 16) {
        assert!(l.len() <= 1 << 16);
    }
});
