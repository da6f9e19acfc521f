//! Each transform next to the raw primitive it is built on (the physical limit).
//!
//! Run briefly: `cargo bench --bench pseudo -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use ::hmac::Mac;
use aes_siv::siv::Aes256Siv;
use aes_siv::KeyInit;
use consentry::pseudo::primitives::{Alphabet, Ff1, Ff1Tweaked, SivKey};
use consentry::pseudo::{derive_domain_key, KeyKind, MasterKey, Policy, Pseudonymiser};
use criterion::{criterion_group, criterion_main, Criterion};
use fpe::ff1::{FlexibleNumeralString, FF1};
use ring::hmac;
use serde_json::json;

mod support;
use support::interleaved_ratio;

const DOMAIN: &str = "tn.health/research";
const AADHAAR: &str = "234567890124";

fn setup() -> (Pseudonymiser, MasterKey) {
    let doc = json!({"domain": DOMAIN, "unlisted": "keep", "fields": {
        "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
        "aadhaar_t": {"type": "aadhaar", "transform": "token"},
        "aadhaar_f": {"type": "aadhaar", "transform": "ff1"},
        "aadhaar_m": {"type": "aadhaar", "transform": "mask", "params": {"preset": "aadhaar"}},
        "dob": {"type": "date", "transform": "generalise",
                "params": {"to": "age_band", "years": 10, "reference": "2025-04-01"}},
        "visit": {"type": "date", "transform": "shift", "params": {"max_days": 180, "subject": "aadhaar"}},
        "name": {"type": "name", "transform": "drop"},
    }});
    let master = MasterKey::from_bytes(*b"consentry pseudo bench key 32 b!");
    let ps = Pseudonymiser::new(&Policy::from_json(&doc.to_string()).unwrap(), &master).unwrap();
    (ps, master)
}

/// Median ns per call of `f` over `rounds` rounds of `iters` calls (for the printed figures;
/// criterion's own figures follow).
fn ns_per_op(rounds: usize, iters: u32, f: &mut dyn FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = std::time::Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_secs_f64() * 1e9 / f64::from(iters)
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v.get(rounds / 2).copied().unwrap_or(f64::NAN)
}

/// Issue 18's targets, side by side in one run: FF1 (11 digits) on machine integers against
/// the `fpe` crate on the same input, the token against a raw AES-SIV encryption with a
/// prepared key, the pseudonym against a raw HMAC; through the zero-allocation per-value API
/// (`transform_into` into a reused buffer) and the primitive.
fn issue18_ratios(ps: &Pseudonymiser, master: &MasterKey) {
    let fkey = derive_domain_key(master, KeyKind::Ff1, DOMAIN).unwrap();
    let tkey = derive_domain_key(master, KeyKind::Token, DOMAIN).unwrap();
    let pkey = derive_domain_key(master, KeyKind::Pseudonym, DOMAIN).unwrap();
    let fpe_ff1 = FF1::<aes::Aes256>::new(&fkey, 10).unwrap();
    let ours_ff1 = Ff1::new(&fkey, Alphabet::Digits).unwrap();
    let body = &AADHAAR[..11];
    let digits: Vec<u16> = body.bytes().map(|c| u16::from(c - b'0')).collect();
    // same input, same output
    let fpe_out: String = Vec::<u16>::from(
        fpe_ff1
            .encrypt(
                DOMAIN.as_bytes(),
                &FlexibleNumeralString::from(digits.clone()),
            )
            .unwrap(),
    )
    .iter()
    .map(|d| char::from(b'0' + *d as u8))
    .collect();
    assert_eq!(ours_ff1.encrypt(DOMAIN.as_bytes(), body).unwrap(), fpe_out);
    let mut buf = String::with_capacity(64);
    let mut fpe_call = || {
        black_box(
            fpe_ff1
                .encrypt(
                    DOMAIN.as_bytes(),
                    &FlexibleNumeralString::from(black_box(digits.clone())),
                )
                .unwrap(),
        );
    };
    let mut buf2 = String::with_capacity(64);
    let mut ours_call = || {
        buf2.clear();
        ours_ff1
            .encrypt_into(DOMAIN.as_bytes(), black_box(body), &mut buf2)
            .unwrap();
        black_box(&buf2);
    };
    {
        use aes::cipher::{BlockCipherEncrypt, KeyInit};
        let a = aes::Aes256::new_from_slice(&fkey).unwrap();
        let mut blk = aes::Block::default();
        let aes_ns = ns_per_op(31, 2000, &mut || {
            for _ in 0..12 {
                a.encrypt_block(black_box(&mut blk));
            }
        });
        println!(
            "ns/op, 12 single AES-256 block encryptions (the AES work of one 11-digit FF1): {aes_ns:.0} (hardware: {})",
            aes::hardware_accelerated()
        );
    }
    let bound_ff1 = Ff1Tweaked::new(&fkey, Alphabet::Digits, DOMAIN.as_bytes()).unwrap();
    let mut buf3 = String::with_capacity(64);
    let mut bound_call = || {
        buf3.clear();
        bound_ff1.encrypt_into(black_box(body), &mut buf3).unwrap();
        black_box(&buf3);
    };
    let fpe_ns = ns_per_op(31, 2000, &mut fpe_call);
    let ours_ns = ns_per_op(31, 2000, &mut ours_call);
    let bound_ns = ns_per_op(31, 2000, &mut bound_call);
    println!(
        "ns/op, ff1 11 digits: ours bound to the domain (Ff1Tweaked::encrypt_into, as the transform runs) {bound_ns:.0}, ours unbound (Ff1::encrypt_into, tweak per call) {ours_ns:.0}, fpe crate {fpe_ns:.0}"
    );
    let r_ff1 = interleaved_ratio(101, 500, &mut fpe_call, &mut bound_call);
    let r_ff1_unbound = interleaved_ratio(101, 500, &mut fpe_call, &mut ours_call);
    let hf = ps.field("aadhaar_f").unwrap();
    let ht = ps.field("aadhaar_t").unwrap();
    let hp = ps.field("aadhaar").unwrap();
    let r_ff1_t = interleaved_ratio(101, 500, &mut fpe_call, &mut || {
        buf.clear();
        ps.transform_into(hf, black_box(AADHAAR), &mut buf).unwrap();
        black_box(&buf);
    });

    let mut siv = Aes256Siv::new_from_slice(&tkey).unwrap();
    let mut siv_call = || {
        black_box(
            siv.encrypt([DOMAIN.as_bytes()], black_box(AADHAAR.as_bytes()))
                .unwrap(),
        );
    };
    let mut tok_call = || {
        buf.clear();
        ps.transform_into(ht, black_box(AADHAAR), &mut buf).unwrap();
        black_box(&buf);
    };
    let siv_ns = ns_per_op(31, 2000, &mut siv_call);
    let tok_ns = ns_per_op(31, 2000, &mut tok_call);
    println!(
        "ns/op, token 12 bytes: transform_into {tok_ns:.0}, raw aes-siv prepared (Aes256Siv held, encrypt) {siv_ns:.0}"
    );
    let r_tok = interleaved_ratio(101, 1000, &mut siv_call, &mut tok_call);
    // Our prepared AES-SIV alone (key and [domain] state prepared, into a stack buffer): the
    // transform's own overhead (canonicalise, base64, prefix).
    let own = SivKey::new(&tkey).unwrap();
    let own_ad = own.ad_state(&[DOMAIN.as_bytes()]).unwrap();
    let mut ct = [0u8; 28];
    let mut own_call = || {
        own.seal_into(&own_ad, black_box(AADHAAR.as_bytes()), &mut ct)
            .unwrap();
        black_box(&ct);
    };
    let own_ns = ns_per_op(31, 2000, &mut own_call);
    println!("ns/op, token 12 bytes: our prepared SivKey::seal_into alone {own_ns:.0}");
    let r_tok_own = interleaved_ratio(101, 1000, &mut own_call, &mut tok_call);

    let rc_key = ::hmac::Hmac::<sha2::Sha256>::new_from_slice(&pkey).unwrap();
    let mut hmac_call = || {
        let mut m = rc_key.clone();
        m.update(black_box(AADHAAR.as_bytes()));
        black_box(m.finalize().into_bytes());
    };
    let mut pse_call = || {
        buf.clear();
        ps.transform_into(hp, black_box(AADHAAR), &mut buf).unwrap();
        black_box(&buf);
    };
    let hmac_ns = ns_per_op(31, 2000, &mut hmac_call);
    let pse_ns = ns_per_op(31, 2000, &mut pse_call);
    println!(
        "ns/op, pseudonym: transform_into {pse_ns:.0}, raw RustCrypto hmac-sha256 {hmac_ns:.0}"
    );
    let r_pse = interleaved_ratio(101, 1000, &mut hmac_call, &mut pse_call);
    let ring_key = hmac::Key::new(hmac::HMAC_SHA256, &pkey);
    let r_pse_ring = interleaved_ratio(
        101,
        1000,
        &mut || {
            black_box(hmac::sign(&ring_key, black_box(AADHAAR.as_bytes())));
        },
        &mut pse_call,
    );
    for (what, r) in [
        (
            "ff1 11 digits: ours bound to the domain / fpe crate (issue 18 target: <= 0.2x)",
            r_ff1,
        ),
        (
            "ff1 11 digits: ours unbound, tweak per call / fpe crate",
            r_ff1_unbound,
        ),
        (
            "ff1 aadhaar transform_into (canonicalise + ff1 + check digit) / fpe crate",
            r_ff1_t,
        ),
        (
            "token transform_into / raw AES-SIV with a prepared key, our SivKey::seal_into, same key state and canonical input (issue 18 target: <= 1.3x)",
            r_tok_own,
        ),
        (
            "token transform_into / aes-siv crate Aes256Siv::encrypt held (re-runs its CTR key schedule per call; for reference only)",
            r_tok,
        ),
        (
            "pseudonym transform_into / raw RustCrypto hmac-sha256, prepared key cloned per value (issue 4/18 target: <= 1.3x)",
            r_pse,
        ),
        (
            "pseudonym transform_into / raw ring hmac::sign, prepared hmac::Key",
            r_pse_ring,
        ),
    ] {
        println!("interleaved median ratio, {what}: {r:.3}x");
    }
}

fn benches(c: &mut Criterion) {
    let (ps, master) = setup();
    issue18_ratios(&ps, &master);

    let mut g = c.benchmark_group("pseudonym");
    let pkey = derive_domain_key(&master, KeyKind::Pseudonym, DOMAIN).unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, &pkey);
    // The HMAC the pseudonym is built on (RustCrypto's), prepared once like the pseudonymiser's.
    let rc_key = ::hmac::Hmac::<sha2::Sha256>::new_from_slice(&pkey).unwrap();
    let rc_sign = |msg: &[u8]| {
        let mut m = rc_key.clone();
        m.update(msg);
        m.finalize().into_bytes()
    };
    {
        let tkey = derive_domain_key(&master, KeyKind::Token, DOMAIN).unwrap();
        let fkey = derive_domain_key(&master, KeyKind::Ff1, DOMAIN).unwrap();
        let ff1 = FF1::<aes::Aes256>::new(&fkey, 10).unwrap();
        let digits: Vec<u16> = AADHAAR[..11].bytes().map(|c| u16::from(c - b'0')).collect();
        let ratios = [
            (
                "pseudonym / raw ring hmac-sha256 (issue 4 target: <= 1.3x)",
                interleaved_ratio(
                    101,
                    2000,
                    &mut || {
                        black_box(hmac::sign(black_box(&key), black_box(AADHAAR.as_bytes())));
                    },
                    &mut || {
                        black_box(
                            ps.transform_value(black_box("aadhaar"), black_box(AADHAAR))
                                .unwrap(),
                        );
                    },
                ),
            ),
            (
                "pseudonym / raw RustCrypto hmac-sha256 (its own primitive: the overhead)",
                interleaved_ratio(
                    101,
                    2000,
                    &mut || {
                        black_box(rc_sign(black_box(AADHAAR.as_bytes())));
                    },
                    &mut || {
                        black_box(
                            ps.transform_value(black_box("aadhaar"), black_box(AADHAAR))
                                .unwrap(),
                        );
                    },
                ),
            ),
            (
                "token / raw aes-siv (new + encrypt)",
                interleaved_ratio(
                    101,
                    500,
                    &mut || {
                        black_box(
                            Aes256Siv::new_from_slice(black_box(&tkey))
                                .unwrap()
                                .encrypt([DOMAIN.as_bytes()], black_box(AADHAAR.as_bytes()))
                                .unwrap(),
                        );
                    },
                    &mut || {
                        black_box(
                            ps.transform_value(black_box("aadhaar_t"), black_box(AADHAAR))
                                .unwrap(),
                        );
                    },
                ),
            ),
            (
                "ff1 aadhaar / raw fpe ff1 (11 digits)",
                interleaved_ratio(
                    101,
                    100,
                    &mut || {
                        black_box(
                            ff1.encrypt(
                                DOMAIN.as_bytes(),
                                &FlexibleNumeralString::from(black_box(digits.clone())),
                            )
                            .unwrap(),
                        );
                    },
                    &mut || {
                        black_box(
                            ps.transform_value(black_box("aadhaar_f"), black_box(AADHAAR))
                                .unwrap(),
                        );
                    },
                ),
            ),
        ];
        for (what, r) in ratios {
            println!("interleaved median ratio, {what}: {r:.3}x");
        }
    }
    g.bench_function("raw ring hmac-sha256", |b| {
        b.iter(|| hmac::sign(black_box(&key), black_box(AADHAAR.as_bytes())))
    });
    g.bench_function("raw RustCrypto hmac-sha256", |b| {
        b.iter(|| rc_sign(black_box(AADHAAR.as_bytes())))
    });
    g.bench_function("transform_value", |b| {
        b.iter(|| ps.transform_value(black_box("aadhaar"), black_box(AADHAAR)))
    });
    let hp = ps.field("aadhaar").unwrap();
    let mut buf = String::with_capacity(32);
    g.bench_function("transform_into (reused buffer)", |b| {
        b.iter(|| {
            buf.clear();
            ps.transform_into(hp, black_box(AADHAAR), &mut buf)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("token");
    let tkey = derive_domain_key(&master, KeyKind::Token, DOMAIN).unwrap();
    g.bench_function("raw aes-siv (new + encrypt)", |b| {
        b.iter(|| {
            let mut siv = Aes256Siv::new_from_slice(black_box(&tkey)).unwrap();
            siv.encrypt([DOMAIN.as_bytes()], black_box(AADHAAR.as_bytes()))
        })
    });
    let own = SivKey::new(&tkey).unwrap();
    let own_ad = own.ad_state(&[DOMAIN.as_bytes()]).unwrap();
    let mut ct = [0u8; 28];
    g.bench_function("raw SivKey::seal_into (prepared key and ad state)", |b| {
        b.iter(|| {
            own.seal_into(&own_ad, black_box(AADHAAR.as_bytes()), &mut ct)
                .unwrap();
            black_box(&ct);
        })
    });
    let mut prepared = Aes256Siv::new_from_slice(&tkey).unwrap();
    g.bench_function("raw aes-siv (prepared, &mut)", |b| {
        b.iter(|| prepared.encrypt([DOMAIN.as_bytes()], black_box(AADHAAR.as_bytes())))
    });
    g.bench_function("transform_value", |b| {
        b.iter(|| ps.transform_value(black_box("aadhaar_t"), black_box(AADHAAR)))
    });
    let ht = ps.field("aadhaar_t").unwrap();
    let mut buf = String::with_capacity(64);
    g.bench_function("transform_into (reused buffer)", |b| {
        b.iter(|| {
            buf.clear();
            ps.transform_into(ht, black_box(AADHAAR), &mut buf)
        })
    });
    let tok = ps.transform_value("aadhaar_t", AADHAAR).unwrap().unwrap();
    g.bench_function("reverse_value", |b| {
        b.iter(|| ps.reverse_value(black_box("aadhaar_t"), black_box(&tok)))
    });
    g.finish();

    let mut g = c.benchmark_group("ff1");
    let fkey = derive_domain_key(&master, KeyKind::Ff1, DOMAIN).unwrap();
    let ff1 = FF1::<aes::Aes256>::new(&fkey, 10).unwrap();
    let digits: Vec<u16> = AADHAAR[..11].bytes().map(|c| u16::from(c - b'0')).collect();
    g.bench_function("raw fpe ff1 (11 digits)", |b| {
        b.iter(|| {
            let ns = FlexibleNumeralString::from(black_box(digits.clone()));
            ff1.encrypt(DOMAIN.as_bytes(), &ns)
        })
    });
    let ours = Ff1::new(&fkey, Alphabet::Digits).unwrap();
    let mut buf = String::with_capacity(16);
    let bound = Ff1Tweaked::new(&fkey, Alphabet::Digits, DOMAIN.as_bytes()).unwrap();
    g.bench_function("ours Ff1Tweaked::encrypt_into (11 digits, bound)", |b| {
        b.iter(|| {
            buf.clear();
            bound.encrypt_into(black_box(&AADHAAR[..11]), &mut buf)
        })
    });
    g.bench_function(
        "ours Ff1::encrypt_into (11 digits, machine integers)",
        |b| {
            b.iter(|| {
                buf.clear();
                ours.encrypt_into(DOMAIN.as_bytes(), black_box(&AADHAAR[..11]), &mut buf)
            })
        },
    );
    g.bench_function("transform_value (aadhaar)", |b| {
        b.iter(|| ps.transform_value(black_box("aadhaar_f"), black_box(AADHAAR)))
    });
    let hf = ps.field("aadhaar_f").unwrap();
    g.bench_function("transform_into (aadhaar, reused buffer)", |b| {
        b.iter(|| {
            buf.clear();
            ps.transform_into(hf, black_box(AADHAAR), &mut buf)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("shift");
    let skey = ::hmac::Hmac::<sha2::Sha256>::new_from_slice(
        &derive_domain_key(&master, KeyKind::Shift, DOMAIN).unwrap(),
    )
    .unwrap();
    g.bench_function("raw RustCrypto hmac-sha256", |b| {
        b.iter(|| {
            let mut m = skey.clone();
            m.update(black_box(AADHAAR.as_bytes()));
            m.finalize().into_bytes()
        })
    });
    g.bench_function("transform_shift", |b| {
        b.iter(|| {
            ps.transform_shift(
                black_box("visit"),
                black_box("2024-03-01"),
                black_box(AADHAAR),
            )
        })
    });
    g.finish();

    let mut g = c.benchmark_group("keyless");
    g.bench_function("raw ids::normalise aadhaar", |b| {
        b.iter(|| consentry::ids::normalise(consentry::ids::IdType::Aadhaar, black_box(AADHAAR)))
    });
    g.bench_function("mask aadhaar preset", |b| {
        b.iter(|| ps.transform_value(black_box("aadhaar_m"), black_box(AADHAAR)))
    });
    g.bench_function("generalise age band", |b| {
        b.iter(|| ps.transform_value(black_box("dob"), black_box("1990-07-15")))
    });
    g.finish();

    let mut g = c.benchmark_group("records");
    let rec = json!({"aadhaar": AADHAAR, "aadhaar_t": AADHAAR, "aadhaar_f": AADHAAR,
                     "visit": "2024-03-01", "name": "Asha Devi", "other": 5});
    g.bench_function("apply_json (6 fields, 4 keyed)", |b| {
        b.iter(|| {
            let mut r = rec.clone();
            ps.apply_json(&mut r).unwrap();
            r
        })
    });
    let header = [
        "aadhaar",
        "aadhaar_t",
        "aadhaar_f",
        "visit",
        "name",
        "other",
    ];
    let row = [AADHAAR, AADHAAR, AADHAAR, "2024-03-01", "Asha Devi", "5"];
    let plan = ps.csv_plan(&header).unwrap();
    g.bench_function("csv apply_row (same row)", |b| {
        b.iter(|| plan.apply_row(black_box(&row)))
    });
    g.bench_function(
        "HKDF derive 5 domain keys + key check (Pseudonymiser::new)",
        |b| {
            let doc = json!({"domain": DOMAIN, "unlisted": "keep", "fields": {}});
            let p = Policy::from_json(&doc.to_string()).unwrap();
            b.iter(|| Pseudonymiser::new(black_box(&p), &master))
        },
    );
    g.finish();

    // A wide header: planning is a hash lookup per column, once per file (it used to be a
    // pairwise duplicate scan, and the C face re-planned on every row).
    let mut g = c.benchmark_group("csv_plan_16k");
    g.sample_size(20);
    let wide = json!({"domain": DOMAIN, "unlisted": "keep", "fields": {
        "c7": {"type": "aadhaar", "transform": "ff1"},
        "c16383": {"type": "mobile", "transform": "token"}}});
    let wps = Pseudonymiser::new(&Policy::from_json(&wide.to_string()).unwrap(), &master).unwrap();
    let header: Vec<String> = (0..16_384).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..16_384)
        .map(|i| match i {
            7 => AADHAAR.to_owned(),
            16_383 => "9876543210".to_owned(),
            _ => format!("v{i}"),
        })
        .collect();
    g.bench_function("csv_plan (16384 columns)", |b| {
        b.iter(|| wps.csv_plan(black_box(&header)).unwrap())
    });
    let plan = wps.csv_plan(&header).unwrap();
    g.bench_function("apply_row (16384 columns, planned once)", |b| {
        b.iter(|| plan.apply_row(black_box(&row)).unwrap())
    });
    g.finish();
}

criterion_group!(pseudo, benches);
criterion_main!(pseudo);
