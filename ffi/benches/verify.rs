//! Verify through the C ABI next to the Rust API, in one run, on the core bench's typical
//! artefact (3 purposes, about 500 bytes). Target: C ABI ≤ 1.05× Rust.
//!
//! - `rust_verify` vs `c_check`: the verdict alone (`Verifier::verify` vs
//!   `consentry_verifier_check`);
//! - `rust_verify_json` vs `c_verify_json`: the verdict and the claims as JSON text (what
//!   `consentry_verifier_verify` returns; the Rust side serialises the same JSON value).
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

#[path = "../tests/common/handles.rs"]
mod handles;

use consentry_ffi::*;
use consentry_testkit::{artefacts, keys, AUD, NOW};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn verify(c: &mut Criterion) {
    let artefact = artefacts::typical_artefact();
    let verifier = keys::verifier();
    let jwk = keys::issuer().verifying_key().to_jwk().to_string();

    let v = handles::verifier_from_jwk(&jwk);
    let aud = AUD.as_bytes();
    let mut buf = vec![0u8; 8192];

    let mut g = c.benchmark_group(format!("verify_{}B", artefact.len()));
    g.bench_function("rust_verify", |b| {
        b.iter(|| verifier.verify(black_box(&artefact), AUD, NOW).unwrap())
    });
    g.bench_function("c_check", |b| {
        b.iter(|| {
            // SAFETY: `v` is live; inputs are live buffers with their lengths.
            let r = unsafe {
                consentry_verifier_check(
                    v,
                    black_box(artefact.as_ptr()),
                    artefact.len(),
                    aud.as_ptr(),
                    aud.len(),
                    NOW,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(r, consentry_result::Ok);
        })
    });
    g.bench_function("rust_verify_json", |b| {
        b.iter(|| {
            let ok = verifier.verify(black_box(&artefact), AUD, NOW).unwrap();
            ok.to_json_value().unwrap().to_string().into_bytes()
        })
    });
    g.bench_function("c_verify_json", |b| {
        b.iter(|| {
            let mut n = 0usize;
            // SAFETY: `v` is live; inputs are live buffers; `buf` has `buf.len()` bytes.
            let r = unsafe {
                consentry_verifier_verify(
                    v,
                    black_box(artefact.as_ptr()),
                    artefact.len(),
                    aud.as_ptr(),
                    aud.len(),
                    NOW,
                    std::ptr::null(),
                    0,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(r, consentry_result::Ok);
            n
        })
    });
    g.finish();

    // Interleaved: on a shared, loaded machine the groups above drift with the load, so the
    // ratio is also measured round by round (Rust batch, then C batch) and the median taken.
    let rounds = 60;
    let batch = 100;
    let time = |f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..batch {
            f();
        }
        t.elapsed().as_secs_f64()
    };
    let mut check_ratios = Vec::new();
    let mut json_ratios = Vec::new();
    for _ in 0..rounds {
        let rust = time(&mut || {
            black_box(verifier.verify(black_box(&artefact), AUD, NOW).unwrap());
        });
        let cabi = time(&mut || {
            // SAFETY: `v` is live; inputs are live buffers with their lengths.
            let r = unsafe {
                consentry_verifier_check(
                    v,
                    black_box(artefact.as_ptr()),
                    artefact.len(),
                    aud.as_ptr(),
                    aud.len(),
                    NOW,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(r, consentry_result::Ok);
        });
        check_ratios.push(cabi / rust);
        let rust = time(&mut || {
            let ok = verifier.verify(black_box(&artefact), AUD, NOW).unwrap();
            black_box(ok.to_json_value().unwrap().to_string().into_bytes());
        });
        let cabi = time(&mut || {
            let mut n = 0usize;
            // SAFETY: `v` is live; inputs are live buffers; `buf` has `buf.len()` bytes.
            let r = unsafe {
                consentry_verifier_verify(
                    v,
                    black_box(artefact.as_ptr()),
                    artefact.len(),
                    aud.as_ptr(),
                    aud.len(),
                    NOW,
                    std::ptr::null(),
                    0,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                    std::ptr::null_mut(),
                )
            };
            assert_eq!(r, consentry_result::Ok);
        });
        json_ratios.push(cabi / rust);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "interleaved median ratio C ABI / Rust over {rounds} rounds of {batch}: \
         verdict {:.3}x, verdict+json {:.3}x (target <= 1.05x)",
        median(&mut check_ratios),
        median(&mut json_ratios)
    );
    // SAFETY: the handle from the constructor above, freed once.
    unsafe {
        consentry_verifier_free(v);
    }
}

criterion_group!(benches, verify);
criterion_main!(benches);
