//! Verify of a typical artefact (3 purposes, about 500 bytes) next to the raw primitive it is
//! built on: one ring Ed25519 verify over the same signed bytes. The ratio is the overhead of
//! parsing, header checks, trust-store lookup, strict claims decoding and the time/audience
//! checks. Target: ≤ 1.15×.
#![allow(clippy::unwrap_used)]

mod support;

use consentry_testkit::{artefacts, keys, AUD, NOW};
use support::interleaved_ratio;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn verify(c: &mut Criterion) {
    let artefact = artefacts::typical_artefact();
    let verifier = keys::verifier();
    let msg = consentry::cose::parse_sign1(&artefact, true).unwrap();
    let tbs = msg.to_be_signed(b"");
    let sig = msg.signature.to_vec();
    let pk = keys::issuer().verifying_key().as_bytes().to_vec();

    let ratio = interleaved_ratio(
        101,
        200,
        &mut || {
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, black_box(&pk))
                .verify(black_box(&tbs), black_box(&sig))
                .unwrap()
        },
        &mut || {
            verifier.verify(black_box(&artefact), AUD, NOW).unwrap();
        },
    );
    println!("interleaved median ratio, consentry verify / raw ring Ed25519 verify ({} B artefact): {ratio:.3}x", artefact.len());

    let mut g = c.benchmark_group(format!("verify_{}B", artefact.len()));
    g.bench_function("raw_ring_ed25519", |b| {
        b.iter(|| {
            ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, black_box(&pk))
                .verify(black_box(&tbs), black_box(&sig))
                .unwrap()
        })
    });
    g.bench_function("consentry_verify", |b| {
        b.iter(|| verifier.verify(black_box(&artefact), AUD, NOW).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("decode_only");
    g.bench_function("claims_from_cbor", |b| {
        b.iter(|| consentry::Claims::from_cbor(black_box(msg.payload)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
