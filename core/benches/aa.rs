//! AA verify of the spec example (a 3 KiB compact JWS, RS256, `b64` false) next to the raw
//! primitive it is built on: one ring RS256 verify (`RsaPublicKeyComponents`) of the same
//! signing input. The ratio is the overhead of splitting, base64url, the header checks, the key
//! lookup, the evidence hash and the strict JSON parse of the payload. Target (issue 16): ≤ 1.15×.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "../tests/aa_support/mod.rs"]
mod aa_support;
mod support;

use support::interleaved_ratio;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn aa_verify(c: &mut Criterion) {
    let jws = aa_support::spec_jws().trim().to_owned();
    let trust = aa_support::spec_trust();
    let mut parts = jws.split('.');
    let (h, p, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let mut input = format!("{h}.").into_bytes();
    input.extend_from_slice(&aa_support::unb64(p));
    let sig = aa_support::unb64(s);
    let key: serde_json::Value =
        serde_json::from_str(&aa_support::vector("spec_example_key.jwk.json")).unwrap();
    let n = aa_support::unb64(key["n"].as_str().unwrap());
    let e = aa_support::unb64(key["e"].as_str().unwrap());
    let raw = || {
        ring::signature::RsaPublicKeyComponents {
            n: black_box(n.as_slice()),
            e: black_box(e.as_slice()),
        }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            black_box(&input),
            black_box(&sig),
        )
        .unwrap()
    };
    let ours = || {
        consentry::aa::verify_signed_consent(black_box(&jws), &trust, Some("finvu-aa")).unwrap();
    };
    let ratio = interleaved_ratio(101, 50, &mut || raw(), &mut || ours());
    println!(
        "interleaved median ratio, aa verify / raw ring RS256 verify ({} B JWS): {ratio:.3}x",
        jws.len()
    );

    let mut g = c.benchmark_group(format!("aa_verify_{}B", jws.len()));
    g.bench_function("raw_ring_rs256", |b| b.iter(raw));
    g.bench_function("aa_verify_signed_consent", |b| b.iter(ours));
    g.finish();
}

criterion_group!(benches, aa_verify);
criterion_main!(benches);
