//! Any bytes through the artefact verifier (and `inspect`): never a panic, never acceptance
//! under a key the input does not hold.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = consentry::SigningKey::from_ed25519_seed(&[7; 32]).ok();
    let mut trust = consentry::TrustStore::new();
    if let Some(k) = &key {
        let _ = trust.add(k.verifying_key().clone());
    }
    let verifier = consentry::Verifier::new(trust);
    assert!(verifier.verify(data, "tn.health", 1_800_000_000).is_err());
    let _ = consentry::inspect(data);
});
