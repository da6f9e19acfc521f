//! Native timings of the operations `scripts/bench-wasm` times through the npm package, on the
//! same inputs (the fixtures file), so the two can be set side by side.
//!
//! ```sh
//! cargo run --release -p consentry-wasm --example bench_native -- FIXTURES.json
//! ```
//! Prints one JSON object: nanoseconds per operation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use consentry::{b64, TrustStore, Verifier};

/// Rounds of the round-robin timing (as in bench.mjs).
const ROUNDS: usize = 15;

/// One operation: name, calls per slice, and the call.
type Op<'a> = (&'static str, u32, Box<dyn FnMut() + 'a>);

/// ns per call of each operation, timed round-robin (ROUNDS short slices each, median per
/// operation), so that a busy spell of the shared machine falls on all of them alike.
fn time_all(mut ops: Vec<Op<'_>>) -> serde_json::Map<String, serde_json::Value> {
    for (_, iters, f) in &mut ops {
        for _ in 0..*iters {
            f();
        }
    }
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
    for _ in 0..ROUNDS {
        for ((_, iters, f), r) in ops.iter_mut().zip(&mut runs) {
            let t = Instant::now();
            for _ in 0..*iters {
                f();
            }
            r.push(t.elapsed().as_nanos() as f64 / f64::from(*iters));
        }
    }
    ops.iter()
        .zip(runs)
        .map(|((name, ..), mut r)| {
            r.sort_by(f64::total_cmp);
            ((*name).to_owned(), serde_json::json!(r[ROUNDS / 2]))
        })
        .collect()
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: bench_native FIXTURES.json");
    let fx: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let trust = TrustStore::from_jwks(&fx["trust"].to_string()).unwrap();
    let verifier = Verifier::new(trust);
    let now = fx["now"].as_i64().unwrap();
    let aud = fx["audience"].as_str().unwrap();
    let case = |name: &str| {
        let c = fx["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        b64::decode(c["artefact"].as_str().unwrap()).unwrap()
    };
    let ed = case("good ed25519");
    let es = case("good es256");
    let p = &fx["pseudo"];
    let ps =
        consentry::interop::pseudonymiser(&p["policy"], p["masterKey"].as_str().unwrap()).unwrap();
    let record = p["record"].clone();
    let key = consentry::pseudo::primitives::hmac_key(&[7u8; 32]).unwrap();
    let mut msg = *b"234567890124";
    // What the package's Verifier.verify does natively: verify, then the JSON view.
    let verify_view = |artefact: &[u8]| {
        let v = verifier.verify(black_box(artefact), aud, now).unwrap();
        black_box(v.to_json_value().unwrap().to_string());
    };
    // Calls per slice: a few milliseconds each, here as in bench.mjs.
    let out = time_all(vec![
        ("verify_ed25519", 300, Box::new(|| verify_view(&ed))),
        ("verify_es256", 200, Box::new(|| verify_view(&es))),
        // One Aadhaar pseudonym (validate, canonicalise, HMAC-SHA256 with the cached domain key).
        (
            "pseudonym_value",
            50_000,
            Box::new(|| {
                black_box(
                    ps.transform_value("/patient/aadhaar", black_box("2345 6789 0124"))
                        .unwrap(),
                );
            }),
        ),
        // A whole record (pseudonym, token, mask, drop), as the package's `record` does.
        (
            "pseudonymise_record",
            3_000,
            Box::new(|| {
                let mut r = record.clone();
                ps.apply_json(&mut r).unwrap();
                black_box(r);
            }),
        ),
        // HMAC-SHA256 over a 12-byte message with a prepared key, as `probeHmac` does in WASM.
        (
            "hmac",
            100_000,
            Box::new(|| {
                let tag = consentry::pseudo::primitives::hmac_sha256(&key, black_box(&msg));
                msg[0] = b'2' + (tag[0] & 7);
            }),
        ),
        // The verification alone (no JSON view).
        (
            "verify_ed25519_raw",
            300,
            Box::new(|| {
                black_box(verifier.verify(black_box(&ed), aud, now).unwrap());
            }),
        ),
    ]);
    println!("{}", serde_json::Value::Object(out));
}
