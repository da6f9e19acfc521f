//! Any text as a request to every interop operation (the entry point of the C ABI's and the npm
//! package's JSON form): never a panic, always a well-formed response envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rng = ring::rand::SystemRandom::new();
    for op in consentry::interop::OPERATIONS {
        let out = consentry::interop::call_json(op, text, &rng);
        let v: serde_json::Value = serde_json::from_str(&out).expect("the response is json");
        assert!(v["ok"].is_boolean(), "the response has `ok`");
    }
});
