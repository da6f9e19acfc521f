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

/// Median of 7 runs of `iters` calls, in nanoseconds per call.
fn time(iters: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters / 10 {
        f();
    }
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[3]
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
    let n = 2_000;
    let p = &fx["pseudo"];
    let ps =
        consentry::interop::pseudonymiser(&p["policy"], p["masterKey"].as_str().unwrap()).unwrap();
    let record = p["record"].clone();
    let out = serde_json::json!({
        // What the package's Verifier.verify does natively: verify, then the JSON view.
        "verify_ed25519": time(n, || {
            black_box(verifier.verify(black_box(&ed), aud, now).unwrap().to_json_value().to_string());
        }),
        "verify_es256": time(n / 4, || {
            black_box(verifier.verify(black_box(&es), aud, now).unwrap().to_json_value().to_string());
        }),
        // One Aadhaar pseudonym (validate, canonicalise, HMAC-SHA256 with the cached domain key).
        "pseudonym_value": time(n * 10, || {
            black_box(ps.transform_value("/patient/aadhaar", black_box("2345 6789 0124")).unwrap());
        }),
        // A whole record (pseudonym, token, mask, drop), as the package's `record` does.
        "pseudonymise_record": time(n, || {
            let mut r = record.clone();
            ps.apply_json(&mut r).unwrap();
            black_box(r);
        }),
        // The verification alone (no JSON view).
        "verify_ed25519_raw": time(n, || {
            black_box(verifier.verify(black_box(&ed), aud, now).unwrap());
        }),
    });
    println!("{out}");
}
