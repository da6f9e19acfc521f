//! Status lists at scale: 1,000,000 entries of 2 bits, 1% set at random indices.
//! Create+sign, and verify+decode+lookup, each next to its raw primitives (zlib deflate /
//! inflate of the same bytes, and one Ed25519 signature). The encoded size is printed.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::{Read as _, Write as _};

use consentry::status::{StatusList, StatusListOptions, StatusListToken, StatusValue};
use criterion::{criterion_group, criterion_main, Criterion};
use ring::rand::SecureRandom as _;

const N: u64 = 1_000_000;

fn list() -> StatusList {
    let rng = ring::rand::SystemRandom::new();
    let mut l = StatusList::new(N, 2).unwrap();
    for _ in 0..N / 100 {
        let mut b = [0u8; 8];
        rng.fill(&mut b).unwrap();
        l.set(u64::from_le_bytes(b) % N, StatusValue::Invalid)
            .unwrap();
    }
    l
}

fn bench(c: &mut Criterion) {
    let rng = ring::rand::SystemRandom::new();
    let key = consentry::SigningKey::from_ed25519_seed(&[1; 32]).unwrap();
    let mut trust = consentry::TrustStore::new();
    trust.add(key.verifying_key().clone()).unwrap();
    let token = StatusListToken {
        sub: "https://cm.example/s/1".into(),
        iat: 1_800_000_000,
        exp: None,
        ttl: Some(3600),
        list: list(),
    };
    let signed = token.sign(&key, &rng).unwrap();
    let raw = token.list.as_bytes().to_vec();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&raw).unwrap();
    let deflated = z.finish().unwrap();
    println!(
        "status list: {N} entries x 2 bits, 1% set: {} bytes raw, {} bytes signed token",
        raw.len(),
        signed.len()
    );

    let mut g = c.benchmark_group("status_1M_create");
    g.sample_size(10);
    g.bench_function("raw_zlib_deflate_best", |b| {
        b.iter(|| {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(black_box(&raw)).unwrap();
            z.finish().unwrap()
        })
    });
    g.bench_function("consentry_create_and_sign", |b| {
        b.iter(|| black_box(&token).sign(&key, &rng).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("status_1M_check");
    g.sample_size(20);
    g.bench_function("raw_zlib_inflate", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(black_box(&deflated[..]))
                .read_to_end(&mut out)
                .unwrap();
            out
        })
    });
    g.bench_function("consentry_verify_decode_lookup", |b| {
        b.iter(|| {
            let v = StatusListToken::verify(
                black_box(&signed),
                &trust,
                1_800_000_001,
                &StatusListOptions::default(),
            )
            .unwrap();
            v.get(black_box(123_456)).unwrap()
        })
    });
    let v = StatusListToken::verify(
        &signed,
        &trust,
        1_800_000_001,
        &StatusListOptions::default(),
    )
    .unwrap();
    g.bench_function("lookup_only", |b| {
        b.iter(|| v.get(black_box(654_321)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
