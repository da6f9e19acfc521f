//! `consentry_trust_store_add_jwk` goes through the core's one trust-store loader: one JWK or a
//! JWK Set by the same rule as every face; a set with one bad key is refused whole, with that
//! key's code, and leaves the store unchanged; a document that is both or neither is refused.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use consentry_ffi::*;
use std::ptr::null_mut;

fn add(ts: *mut consentry_trust_store, json: &str) -> consentry_result {
    // SAFETY: `ts` is live; `json` is a live buffer with its length; no error object.
    unsafe { consentry_trust_store_add_jwk(ts, json.as_ptr(), json.len(), null_mut()) }
}

fn len(ts: *mut consentry_trust_store) -> usize {
    let mut n = 0usize;
    // SAFETY: `ts` is live; `n` is a valid local.
    let r = unsafe { consentry_trust_store_len(ts, &mut n, null_mut()) };
    assert_eq!(r, consentry_result::Ok);
    n
}

#[test]
fn c_trust_store_add_jwk_uses_the_one_loader_all_or_nothing() {
    let a = consentry::SigningKey::from_ed25519_seed(&[7; 32]).unwrap();
    let b = consentry::SigningKey::from_ed25519_seed(&[9; 32]).unwrap();
    let (ja, jb) = (a.verifying_key().to_jwk(), b.verifying_key().to_jwk());
    let mut ts = null_mut();
    // SAFETY: `ts` is a valid local.
    let r = unsafe { consentry_trust_store_new(&mut ts) };
    assert_eq!(r, consentry_result::Ok);
    assert_eq!(add(ts, &ja.to_string()), consentry_result::Ok);
    assert_eq!(len(ts), 1);
    // One bad key in a set: refused whole with its own code, the store unchanged.
    let set = serde_json::json!({"keys": [jb, {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]});
    assert_eq!(add(ts, &set.to_string()), consentry_result::KeyInvalid);
    assert_eq!(len(ts), 1);
    // Both `keys` and `kty`, or neither: refused, not guessed.
    let mut both = serde_json::json!({"keys": [jb]});
    both["kty"] = "OKP".into();
    assert_eq!(add(ts, &both.to_string()), consentry_result::KeyJwkInvalid);
    assert_eq!(add(ts, "{}"), consentry_result::KeyJwkInvalid);
    assert_eq!(len(ts), 1);
    // The good set is added.
    assert_eq!(
        add(ts, &serde_json::json!({"keys": [jb]}).to_string()),
        consentry_result::Ok
    );
    assert_eq!(len(ts), 2);
    // SAFETY: `ts` is live and not used again.
    unsafe { consentry_trust_store_free(ts) };
}
