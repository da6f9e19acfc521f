//! Probes for `scripts/bench-wasm` (feature `bench-probes`; never in the package). They split
//! the time of `Pseudonymiser.value` in Node into the JS↔WASM crossing and the core's work
//! inside WebAssembly, so that the ratio to native can be read part by part.

use consentry::pseudo::primitives;
use wasm_bindgen::prelude::*;

use crate::{JsResult, Pseudonymiser};

/// The crossing of `Pseudonymiser.value` with no work: two strings in, one string out.
#[wasm_bindgen(js_name = probeEcho)]
pub fn probe_echo(field: &str, value: &str) -> JsResult<Option<String>> {
    Ok((!field.is_empty()).then(|| value.to_owned()))
}

/// `iters` calls of `Pseudonymiser.value`'s Rust side inside WebAssembly (no crossing per call).
/// Returns the total output length, so that the work cannot be optimised away.
#[wasm_bindgen(js_name = probeValues)]
pub fn probe_values(p: &Pseudonymiser, field: &str, value: &str, iters: u32) -> JsResult<u32> {
    let mut total = 0u32;
    for _ in 0..iters {
        let out = p.value(field, value)?;
        total = total.wrapping_add(out.map_or(0, |s| s.len() as u32));
    }
    Ok(total)
}

/// `iters` HMAC-SHA256 computations over a 12-byte message (an Aadhaar number's canonical
/// form) with a prepared key: the primitive a pseudonym is built on. Returns a byte of the last
/// tag, so that the work cannot be optimised away.
#[wasm_bindgen(js_name = probeHmac)]
pub fn probe_hmac(iters: u32) -> JsResult<u8> {
    let key = primitives::hmac_key(&[7u8; 32])
        .map_err(|_| crate::invalid("hmac key refused".to_owned()))?;
    let mut msg = *b"234567890124";
    let mut last = 0u8;
    for _ in 0..iters {
        let tag = primitives::hmac_sha256(&key, &msg);
        last = tag[0];
        msg[0] = b'2' + (last & 7);
    }
    Ok(last)
}
