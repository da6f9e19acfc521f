//! Ledger append (encode one event record deterministically, hash it, advance the head) next to
//! the raw primitive it is built on: SHA-256 of the same bytes. Also framing (CRC-32C) and
//! verification of a 1,000-record chain per record.
#![allow(clippy::unwrap_used)]

use consentry::ledger::{self, Event, EventKind, Head};
use consentry::{Cti, TrustStore};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let ev = Event::new(EventKind::Shared, "pp-7f3a9c2e", Cti([7; 16]))
        .recipient("tn.health.research")
        .purpose("abdm:CAREMGT");
    let mut first = Head::GENESIS;
    let bytes = first.append_event(1_764_300_000, &ev).unwrap();
    let mut g = c.benchmark_group(format!("ledger_entry_{}B", bytes.len()));
    g.bench_function("raw_sha256", |b| {
        b.iter(|| ring::digest::digest(&ring::digest::SHA256, black_box(&bytes)))
    });
    g.bench_function("encode_and_hash", |b| {
        let mut head = Head::GENESIS;
        b.iter(|| {
            head.append_event(black_box(1_764_300_000), black_box(&ev))
                .unwrap()
        })
    });
    g.bench_function("encode_hash_frame", |b| {
        let mut head = Head::GENESIS;
        let mut out = Vec::with_capacity(256);
        b.iter(|| {
            out.clear();
            let r = head
                .append_event(black_box(1_764_300_000), black_box(&ev))
                .unwrap();
            ledger::frame_into(&r, &mut out).unwrap();
        })
    });
    g.finish();

    let mut head = Head::GENESIS;
    let mut file = Vec::new();
    for _ in 0..1000 {
        let r = head.append_event(1_764_300_000, &ev).unwrap();
        ledger::frame_into(&r, &mut file).unwrap();
    }
    let trust = TrustStore::new();
    let mut g = c.benchmark_group("ledger_verify_1000_records");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("verify", |b| {
        b.iter(|| ledger::verify(black_box(&file), &trust).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
