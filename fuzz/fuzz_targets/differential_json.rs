//! Differential: the same request through the core's `interop::call_json` and through the C
//! ABI's `consentry_call_json` gives the same response (parsed JSON) and a result code equal to
//! the response's `numericCode` (0 for success); non-UTF-8 requests are refused by the C face
//! with `invalid_utf8` and never reach the core. `issue` draws a random `cti` when the request
//! has none, so for it only the outcome and the code are compared.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sel, req)) = data.split_first() else { return };
    let ops = consentry::interop::OPERATIONS;
    let op = ops[usize::from(*sel) % ops.len()];
    let mut out = vec![0u8; 1 << 20];
    let mut out_len = 0usize;
    // SAFETY: every pointer is valid for its length for the duration of the call; the error
    // object is optional (NULL).
    let rc = unsafe {
        consentry_ffi::consentry_call_json(
            op.as_ptr(),
            op.len(),
            req.as_ptr(),
            req.len(),
            out.as_mut_ptr(),
            out.len(),
            &mut out_len,
            std::ptr::null_mut(),
        )
    } as u32;
    let Ok(text) = std::str::from_utf8(req) else {
        assert_eq!(rc, consentry::Code::InvalidUtf8.as_u32(), "non-utf-8 is refused at the boundary");
        return;
    };
    let rng = ring::rand::SystemRandom::new();
    let core: serde_json::Value = serde_json::from_str(&consentry::interop::call_json(op, text, &rng)).expect("core json");
    let c: serde_json::Value = serde_json::from_slice(&out[..out_len]).expect("c json");
    let expected_rc = if core["ok"] == true { 0 } else { core["error"]["numericCode"].as_u64().expect("code") as u32 };
    assert_eq!(rc, expected_rc, "result code for `{op}`");
    if op == "issue" {
        assert_eq!(core["ok"], c["ok"]);
        assert_eq!(core["error"], c["error"]);
    } else {
        assert_eq!(core, c, "response for `{op}`");
    }
});
