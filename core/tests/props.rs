//! Property tests: encode/decode round trips, sign → verify, any bit flip fails, no panics on
//! random input, deterministic issuing, and agreement with an independent COSE decoder (coset).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use consentry::{
    Audience, Claims, Consent, Cti, DataRange, Frequency, Grant, Grantor, GrantorRole, Mode,
    Notice, Status, StatusListRef, V1,
};
use consentry_testkit::keys::{issuer, verifier};
use consentry_testkit::AUD;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9.:-]{1,24}", "\\PC{1,12}"]
}

fn selector() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof!["[a-z_]{1,8}", Just("*".to_string())], 1..4)
        .prop_map(|segs| segs.iter().map(|s| format!("/{s}")).collect::<String>())
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        Just(Mode::View),
        Just(Mode::Store),
        Just(Mode::Query),
        Just(Mode::Stream)
    ]
}

fn grant() -> impl Strategy<Value = Grant> {
    (
        text(),
        prop::collection::vec(selector(), 1..5),
        mode(),
        proptest::option::of(any::<u64>()),
        proptest::option::of((1..u64::MAX, 1..u64::MAX)),
        any::<bool>(),
        text(),
    )
        .prop_map(
            |(purpose, fields, mode, data_life, freq, with_t, t)| Grant {
                transforms: with_t.then(|| BTreeMap::from([(fields[0].clone(), t)])),
                purpose,
                fields,
                mode,
                data_life,
                frequency: freq.map(|(max, per)| Frequency { max, per }),
            },
        )
}

fn claims() -> impl Strategy<Value = Claims> {
    let head = (
        text(),
        text(),
        prop_oneof![
            text().prop_map(Audience::One),
            prop::collection::vec(text(), 1..4).prop_map(Audience::Many)
        ],
        -4_000_000_000i64..4_000_000_000,
        1i64..1_000_000_000,
        proptest::option::of(0i64..1_000_000),
        any::<[u8; 16]>(),
        proptest::option::of((any::<u64>(), text())),
    );
    let body = (
        prop_oneof![Just("consent".to_string()), "dpdp:7\\([a-i]\\)"],
        prop::collection::vec(grant(), 1..5),
        (
            text(),
            any::<[u8; 32]>(),
            prop_oneof![
                Just("ta-IN".to_string()),
                Just("en".to_string()),
                Just("hi-Deva-IN".to_string())
            ],
        ),
        proptest::option::of((
            prop_oneof![
                Just(GrantorRole::Parent),
                Just(GrantorRole::Guardian),
                Just(GrantorRole::Nominee)
            ],
            text(),
        )),
        proptest::option::of(any::<bool>()),
        proptest::option::of((any::<i32>(), 0i64..1_000_000)),
    );
    (head, body).prop_map(
        |(
            (iss, sub, aud, iat, life, nbf_off, cti, status),
            (basis, purposes, notice, grantor, child, range),
        )| {
            Claims {
                iss,
                sub,
                aud,
                exp: iat + life,
                nbf: nbf_off.map(|o| iat + o.min(life - 1)),
                iat,
                cti: Cti(cti),
                status: status.map(|(idx, uri)| Status {
                    status_list: StatusListRef { idx, uri },
                }),
                consent: Consent {
                    v: V1,
                    basis,
                    purposes,
                    notice: Notice {
                        id: notice.0,
                        sha256: notice.1,
                        lang: notice.2,
                    },
                    grantor: grantor.map(|(role, evidence)| Grantor { role, evidence }),
                    child,
                    range: range.map(|(from, len)| DataRange {
                        from: i64::from(from),
                        to: i64::from(from) + len,
                    }),
                },
            }
        },
    )
}

fn rng() -> ring::rand::SystemRandom {
    ring::rand::SystemRandom::new()
}

proptest! {
    #[test]
    fn cbor_and_json_round_trip(c in claims()) {
        let bytes = c.to_cbor().unwrap();
        let back = Claims::from_cbor(&bytes).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_cbor().unwrap(), bytes.clone());
        consentry::cbor::check_strict(&bytes).unwrap();
        prop_assert_eq!(Claims::from_json(&c.to_json().unwrap()).unwrap(), c);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let v = verifier();
        prop_assert!(v.verify(&bytes, AUD, 0).is_err());
        let _ = consentry::inspect(&bytes);
        let _ = consentry::cbor::check_strict(&bytes);
        let _ = Claims::from_cbor(&bytes);
        let _ = consentry::VerifyingKey::from_cose_key(&bytes);
    }

    #[test]
    fn tagged_random_structures_never_panic(body in prop::collection::vec(any::<u8>(), 0..300)) {
        // Start like a COSE_Sign1 so that more of the parser is reached.
        let mut bytes = vec![0xd2, 0x84];
        bytes.extend_from_slice(&body);
        prop_assert!(verifier().verify(&bytes, AUD, 0).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sign_then_verify_and_any_bit_flip_fails(c in claims(), bit in any::<prop::sample::Index>()) {
        let a = consentry::issue(&c, &issuer(), &rng()).unwrap();
        let now = c.nbf.unwrap_or(c.iat).max(c.iat);
        let aud = c.aud.iter().next().unwrap().to_owned();
        let v = verifier();
        prop_assert_eq!(v.verify(&a, &aud, now).unwrap().claims, c.clone());
        let mut b = a.clone();
        let i = bit.index(a.len() * 8);
        b[i / 8] ^= 1 << (i % 8);
        prop_assert!(v.verify(&b, &aud, now).is_err());
        // Issuing is deterministic with Ed25519.
        prop_assert_eq!(consentry::issue(&c, &issuer(), &rng()).unwrap(), a.clone());
        // An independent decoder (coset) reads the same structure.
        use coset::TaggedCborSerializable as _;
        let m = coset::CoseSign1::from_tagged_slice(&a).unwrap();
        prop_assert_eq!(m.payload.unwrap(), c.to_cbor().unwrap());
        prop_assert_eq!(m.protected.header.key_id, issuer().verifying_key().thumbprint().to_vec());
    }

    #[test]
    fn verify_is_monotonic_in_time(c in claims(), t in any::<i64>()) {
        let a = consentry::issue(&c, &issuer(), &rng()).unwrap();
        let aud = c.aud.iter().next().unwrap().to_owned();
        let lw = i64::try_from(consentry::DEFAULT_LEEWAY).unwrap();
        let start = c.nbf.unwrap_or(i64::MIN).max(c.iat) - lw;
        let ok = verifier().verify(&a, &aud, t).is_ok();
        prop_assert_eq!(ok, t >= start && t < c.exp + lw);
    }
}
