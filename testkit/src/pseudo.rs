//! The pseudonymisation cross-check set-up: the master key and policy whose outputs the core's
//! known-answer test pins and `examples/rust/pseudo_crosscheck.rs` prints for the independent
//! Python implementation (`tests/python/pseudo_crosscheck.py`) to recompute.

use consentry::pseudo::{MasterKey, Policy};

/// Fixed master key of the cross-check (public test value, never for real data).
pub const CROSSCHECK_MASTER_HEX: &str =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// [`CROSSCHECK_MASTER_HEX`] as a key.
pub fn crosscheck_master() -> MasterKey {
    MasterKey::from_hex(CROSSCHECK_MASTER_HEX).expect("the cross-check key is 64 hex digits")
}

/// The cross-check policy for `domain`: for each identifier type a field `TYPE.p` (pseudonym),
/// `TYPE.t` (token) and, for the FF1 types, `TYPE.f` (ff1); `date.s.aadhaar` and `date.s.name`
/// shift dates by up to 180 and 30 days keyed on `aadhaar.p` and `name.p`. Unlisted fields are
/// kept.
pub fn crosscheck_policy(domain: &str) -> Policy {
    let doc = serde_json::json!({
        "domain": domain,
        "unlisted": "keep",
        "fields": {
            "aadhaar.p": {"type": "aadhaar", "transform": "pseudonym"},
            "aadhaar.t": {"type": "aadhaar", "transform": "token"},
            "aadhaar.f": {"type": "aadhaar", "transform": "ff1"},
            "mobile.p": {"type": "mobile", "transform": "pseudonym"},
            "mobile.t": {"type": "mobile", "transform": "token"},
            "mobile.f": {"type": "mobile", "transform": "ff1"},
            "pan.p": {"type": "pan", "transform": "pseudonym"},
            "pan.t": {"type": "pan", "transform": "token"},
            "pan.f": {"type": "pan", "transform": "ff1"},
            "name.p": {"type": "name", "transform": "pseudonym"},
            "name.t": {"type": "name", "transform": "token"},
            "email.p": {"type": "email", "transform": "pseudonym"},
            "email.t": {"type": "email", "transform": "token"},
            "date.s.aadhaar": {"type": "date", "transform": "shift",
                               "params": {"max_days": 180, "subject": "aadhaar.p"}},
            "date.s.name": {"type": "date", "transform": "shift",
                            "params": {"max_days": 30, "subject": "name.p"}},
        }
    });
    Policy::from_json(&doc.to_string()).expect("the cross-check policy is valid")
}
