//! Purpose decisions and record filtering, next to one artefact verification (the cost a
//! relying party pays anyway). Target: `decide` at most 10% of `verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;

use consentry::purpose::{decide, Pack, Request, StatusInput, Taxonomy};
use consentry::scope::{HookError, Selector};
use consentry::{issue, Claims, Cti, Grant, Mode, Notice, SigningKey, TrustStore, Verifier};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

mod support;
use support::interleaved_ratio;

const NOW: i64 = 1_750_000_000;

/// The shipped packs (57 purposes) plus a 43-purpose tree four levels deep: 100 purposes.
fn taxonomy() -> Taxonomy {
    let mut purposes = Vec::new();
    for r in 0..3 {
        purposes.push(json!({"code": format!("bench:r{r}"), "name": "root"}));
        for c in 0..4 {
            purposes.push(json!({"code": format!("bench:r{r}/c{c}"), "parent": format!("bench:r{r}"), "name": "child"}));
            for g in 0..2 {
                purposes.push(json!({"code": format!("bench:r{r}/c{c}/g{g}"), "parent": format!("bench:r{r}/c{c}"), "name": "grandchild"}));
            }
        }
    }
    for d in 0..4 {
        purposes.push(json!({"code": format!("bench:r0/c0/g0/d{d}"), "parent": "bench:r0/c0/g0", "name": "leaf"}));
    }
    let doc = json!({"version": 1, "pack": "bench", "purposes": purposes}).to_string();
    let t = Pack::ALL
        .iter()
        .try_fold(Taxonomy::builder(), |b, p| b.pack(*p))
        .unwrap()
        .json("bench.json", &doc)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(t.len(), 100);
    t
}

fn bench(c: &mut Criterion) {
    let rng = ring::rand::SystemRandom::new();
    let key = SigningKey::from_ed25519_seed(&[9; 32]).unwrap();
    let fields = [
        "/name",
        "/address/pincode",
        "/accounts/*/balance",
        "/accounts/*/txns",
        "/email",
    ];
    let mut b = Claims::builder("cm.example", "pp-1", "fiu.example")
        .issued_at(NOW - 1000)
        .expires(NOW + 86_400 * 30)
        .cti(Cti([5; 16]))
        .status(42, "https://cm.example/status/1")
        .notice(Notice {
            id: "n-1".into(),
            sha256: [1; 32],
            lang: "en-IN".into(),
        });
    // Ten grants; the one that covers the request comes last.
    for p in [
        "aa:101",
        "aa:102",
        "aa:103",
        "abdm:CAREMGT",
        "abdm:PUBHLTH",
        "svc:service",
        "svc:analytics",
        "bench:r1",
        "bench:r2/c3",
    ] {
        b = b.grant(Grant::new(p, fields, Mode::View));
    }
    b = b.grant(
        Grant::new("bench:r0/c0", fields, Mode::Store)
            .data_life(86_400)
            .frequency(10, 86_400)
            .transform("/name", "pseudonym")
            .transform("/address/pincode", "generalise"),
    );
    let claims = b.build().unwrap();
    let bytes = issue(&claims, &key, &rng).unwrap();
    let mut trust = TrustStore::new();
    trust.add(key.verifying_key().clone()).unwrap();
    let verifier = Verifier::new(trust);
    let verified = verifier.verify(&bytes, "fiu.example", NOW).unwrap();
    let taxonomy = taxonomy();
    let request = Request::new(
        "fiu.example",
        "bench:r0/c0/g0/d3",
        Mode::View,
        ["/name", "/address", "/accounts", "/phone"],
        NOW,
    )
    .unwrap()
    .with_uses(3);
    let decision = decide(&verified, &request, &taxonomy, StatusInput::Valid);
    assert!(decision.is_allowed(), "{decision:?}");
    let permit = decision.permit().unwrap().clone();

    let accounts: Vec<Value> = (0..6)
        .map(|i| json!({"id": format!("acc-{i}"), "type": "SAVINGS", "balance": 10_000 + i, "txns": [i, i + 1, i + 2], "branch": "Chennai Main"}))
        .collect();
    let record = json!({
        "name": "Asha Devi", "phone": "+919876543210", "email": "asha@example.in",
        "address": {"line1": "12 Temple Street", "city": "Chennai", "pincode": "600001"},
        "accounts": accounts,
        "notes": "x".repeat(330),
    });
    let size = record.to_string().len();
    assert!((900..=1200).contains(&size), "record is {size} bytes");
    let hook = |t: &str, _: &Selector, v: &Value| -> Result<Value, HookError> {
        Ok(json!(format!("{t}:{}", v.as_str().map_or(0, str::len))))
    };
    assert!(permit.filter(&record, &hook).is_ok());

    let r = interleaved_ratio(
        101,
        50,
        &mut || {
            black_box(
                verifier
                    .verify(black_box(&bytes), "fiu.example", NOW)
                    .unwrap(),
            );
        },
        &mut || {
            black_box(decide(
                black_box(&verified),
                black_box(&request),
                &taxonomy,
                StatusInput::Valid,
            ));
        },
    );
    println!(
        "interleaved median ratio, decide (100 purposes, 10 grants) / verify: {:.1}%",
        r * 100.0
    );
    let r = interleaved_ratio(
        101,
        200,
        &mut || {
            black_box(black_box(&record).clone());
        },
        &mut || {
            black_box(permit.filter(black_box(&record), &hook).unwrap());
        },
    );
    println!("interleaved median ratio, filter {size} B record / serde_json clone of it: {r:.2}x");

    let mut g = c.benchmark_group("purpose");
    g.bench_function("verify (ed25519, 10 grants)", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&bytes), "fiu.example", NOW)
                .unwrap()
        })
    });
    g.bench_function("decide (100 purposes, 10 grants)", |b| {
        b.iter(|| {
            decide(
                black_box(&verified),
                black_box(&request),
                &taxonomy,
                StatusInput::Valid,
            )
        })
    });
    let deny = Request::new("other", "svc:tracking", Mode::Stream, ["/x"], NOW).unwrap();
    g.bench_function("decide, denied on every check", |b| {
        b.iter(|| {
            decide(
                black_box(&verified),
                black_box(&deny),
                &taxonomy,
                StatusInput::Revoked,
            )
        })
    });
    // A 20-field grant, asked for 20 and for 2,000 selectors (each meeting a granted one).
    let wide: Vec<String> = (0..20).map(|i| format!("/f{i}/*")).collect();
    let wide_claims = Claims::builder("cm.example", "pp-1", "fiu.example")
        .issued_at(NOW - 1000)
        .expires(NOW + 86_400)
        .cti(Cti([6; 16]))
        .notice(Notice {
            id: "n-1".into(),
            sha256: [1; 32],
            lang: "en-IN".into(),
        })
        .grant(Grant::new("aa:101", &wide, Mode::View))
        .build()
        .unwrap();
    let wide_verified = verifier
        .verify(
            &issue(&wide_claims, &key, &rng).unwrap(),
            "fiu.example",
            NOW,
        )
        .unwrap();
    for n in [20usize, 2000] {
        let fields: Vec<String> = (0..n).map(|i| format!("/f{}/k{i}", i % 20)).collect();
        let req = Request::new("fiu.example", "aa:101", Mode::View, &fields, NOW).unwrap();
        let d = decide(&wide_verified, &req, &taxonomy, StatusInput::Valid);
        assert_eq!(d.permit().map(|p| p.fields.len()), Some(n));
        g.bench_function(
            format!("decide, {n} selectors against a 20-field grant"),
            |b| {
                b.iter(|| {
                    decide(
                        black_box(&wide_verified),
                        black_box(&req),
                        &taxonomy,
                        StatusInput::Valid,
                    )
                })
            },
        );
    }
    g.bench_function(format!("filter {size} B record"), |b| {
        b.iter(|| permit.filter(black_box(&record), &hook).unwrap())
    });
    g.bench_function("raw serde_json clone of the record", |b| {
        b.iter(|| black_box(&record).clone())
    });
    g.bench_function("load shipped taxonomy", |b| {
        b.iter(|| Taxonomy::shipped().unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
