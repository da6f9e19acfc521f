//! `transform_array` on 1M values beside a native Rust loop of the same transform (the core per
//! value into a `Vec<String>`), in the same run: a `pseudonym` name column and an `ff1` Aadhaar
//! column. Prints the throughput ratio arrow / native, measured in interleaved rounds so that
//! both sides see the same machine load (goal: ≥ 0.8).
//!
//! Run: `cargo bench -p consentry-arrow --bench array` (`ARRAY_BENCH_VALUES=100000` for a
//! shorter run).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use arrow_array::StringArray;
use consentry::pseudo::{MasterKey, OnError, Policy, Pseudonymiser};
use consentry_arrow::{transform_array, Direction};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const FIRST: &[&str] = &[
    "Asha", "Ravi", "Meena", "Karthik", "Lakshmi", "Arjun", "Priya", "Suresh", "Divya", "Vijay",
    "Anitha", "Ganesh", "Kavya", "Mohan", "Revathi", "Senthil",
];

fn values() -> usize {
    std::env::var("ARRAY_BENCH_VALUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// A surname of letters from `i` (unique per `i`).
fn surname(mut i: usize) -> String {
    let mut s = String::from("K");
    loop {
        s.push(char::from(b'a' + (i % 26) as u8));
        i /= 26;
        if i == 0 {
            return s;
        }
    }
}

/// A valid Aadhaar number from `i` (first digit 2-9, Verhoeff check digit).
fn aadhaar(i: usize) -> String {
    let body = format!("{}{:010}", 2 + i % 8, i);
    let check = consentry::ids::verhoeff_check_digit(&body).unwrap();
    format!("{body}{check}")
}

fn setup() -> Pseudonymiser {
    let policy = Policy::from_json(
        r#"{"domain": "tn.health/bench", "unlisted": "keep", "fields": {
          "name": {"type": "name", "transform": "pseudonym"},
          "aadhaar": {"type": "aadhaar", "transform": "ff1"}}}"#,
    )
    .unwrap();
    Pseudonymiser::new(
        &policy,
        &MasterKey::from_bytes(*b"consentry arrow bench key, 32 b!"),
    )
    .unwrap()
}

/// The native loop: the core per value into a `Vec<String>` (nulls as `None`).
fn native(p: &Pseudonymiser, field: &str, col: &StringArray) -> Vec<Option<String>> {
    col.iter()
        .map(|v| v.map(|v| p.transform_value(field, v).unwrap().unwrap()))
        .collect()
}

fn arrow(p: &Pseudonymiser, field: &str, col: &StringArray) -> usize {
    transform_array(p, field, col, Direction::Forward, OnError::Fail)
        .unwrap()
        .len()
}

/// Median over `rounds` of (native time / arrow time): the arrow path's throughput relative to
/// the native loop's.
fn interleaved(p: &Pseudonymiser, field: &str, col: &StringArray, rounds: usize) -> f64 {
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(native(p, field, col));
        let n = t.elapsed().as_secs_f64();
        let t = Instant::now();
        black_box(arrow(p, field, col));
        let a = t.elapsed().as_secs_f64();
        ratios.push(n / a);
    }
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}

fn benches(c: &mut Criterion) {
    let p = setup();
    let n = values();
    let names: StringArray = (0..n)
        .map(|i| Some(format!("{} {}", FIRST[i % FIRST.len()], surname(i))))
        .collect();
    let ids: StringArray = (0..n).map(|i| Some(aadhaar(i))).collect();
    let label = if n == 1_000_000 {
        "1M".to_owned()
    } else {
        n.to_string()
    };
    let mut g = c.benchmark_group(format!("array on {label} values"));
    g.sample_size(10).throughput(Throughput::Elements(n as u64));
    for (field, col) in [("name", &names), ("aadhaar", &ids)] {
        let transform = if field == "name" { "pseudonym" } else { "ff1" };
        g.bench_function(format!("{transform}/arrow transform_array"), |b| {
            b.iter(|| black_box(arrow(&p, field, col)))
        });
        g.bench_function(format!("{transform}/native loop"), |b| {
            b.iter(|| black_box(native(&p, field, col)))
        });
    }
    g.finish();
    for (field, col) in [("name", &names), ("aadhaar", &ids)] {
        let transform = if field == "name" { "pseudonym" } else { "ff1" };
        let ratio = interleaved(&p, field, col, 5);
        println!(
            "array on {label} values, {transform}: arrow/native throughput {ratio:.2} (goal >= 0.80)"
        );
    }
}

criterion_group!(array, benches);
criterion_main!(array);
