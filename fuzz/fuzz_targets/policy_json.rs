//! Any text as a pseudonymisation policy: never a panic; an accepted policy builds a
//! pseudonymiser and re-serialises to a policy that loads again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(policy) = consentry::Policy::from_json(text) else { return };
    let again = consentry::Policy::from_json(&policy.to_json()).expect("a policy re-serialises");
    assert_eq!(again.to_json(), policy.to_json());
    let _ = consentry::Pseudonymiser::new(&policy, &consentry::MasterKey::from_bytes(*b"consentry fuzz policy key 32 b!!"));
});
