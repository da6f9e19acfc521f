//! The strict CBOR checker and the claims decoder on any bytes: never a panic, and whatever
//! the claims decoder accepts re-encodes to exactly the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = consentry::cbor::check_strict(data);
    if let Ok(claims) = consentry::Claims::from_cbor(data) {
        assert!(consentry::cbor::check_strict(data).is_ok());
        assert_eq!(claims.to_cbor().ok().as_deref(), Some(data));
    }
    let _ = consentry::VerifyingKey::from_cose_key(data);
});
