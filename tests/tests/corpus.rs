//! The golden corpus: committed, up to date with its generator, replayed through the Rust API,
//! and covering every reason code and every error code (or naming the suite that covers it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use consentry::purpose::ReasonCode;
use consentry::{Code, HasCode};
use consentry_conformance::corpus::{self, Case};
use serde_json::Value;

fn committed() -> Vec<Case> {
    let text =
        std::fs::read_to_string(consentry_conformance::corpus_dir().join("corpus.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(doc["cases"].clone()).unwrap()
}

#[test]
fn committed_corpus_is_up_to_date() {
    let fresh = corpus::generate().unwrap();
    let text =
        std::fs::read_to_string(consentry_conformance::corpus_dir().join("corpus.json")).unwrap();
    assert!(
        text == corpus::to_json(&fresh),
        "tests/corpus/corpus.json differs from the generator: run `cargo run -p consentry-conformance --bin gen-corpus` and review the diff"
    );
}

/// Through the JSON layer every face uses.
#[test]
fn rust_json_face_replays_every_case() {
    let rng = ring::rand::SystemRandom::new();
    for c in committed() {
        let got: Value = serde_json::from_str(&consentry::interop::call_json(
            &c.op,
            &c.request.to_string(),
            &rng,
        ))
        .unwrap();
        assert_eq!(got, c.expect, "case {}", c.id);
    }
}

/// Through the typed Rust API, independently of the JSON layer.
#[test]
fn rust_typed_api_agrees_with_every_verify_and_decide_case() {
    let mut checked = 0;
    for c in committed() {
        let r = &c.request;
        let Ok(verifier) =
            consentry::TrustStore::from_jwks(&r["trust"].to_string()).map(consentry::Verifier::new)
        else {
            continue;
        };
        let Some(art) = r["artefact"].as_str().and_then(consentry::b64::decode) else {
            continue;
        };
        let list = r["statusList"].as_str().and_then(consentry::b64::decode);
        let now = r
            .pointer("/now")
            .or_else(|| r.pointer("/request/now"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let vlist = list.as_ref().map(|l| {
            consentry::status::StatusListToken::verify(
                l,
                verifier.trust_store(),
                now,
                &Default::default(),
            )
            .unwrap()
        });
        match c.op.as_str() {
            "verify" => {
                let aud = r["audience"].as_str().unwrap();
                let got = match &vlist {
                    Some(l) => verifier.verify_with_status(&art, aud, now, l),
                    None => verifier.verify(&art, aud, now),
                };
                match got {
                    Ok(v) => assert_eq!(v.to_json_value(), c.expect["result"], "case {}", c.id),
                    Err(e) => assert_eq!(
                        e.code().as_str(),
                        c.expect["error"]["code"],
                        "case {}",
                        c.id
                    ),
                }
            }
            "decide" => {
                let request: consentry::Request =
                    serde_json::from_value(r["request"].clone()).unwrap();
                let v = verifier.authenticate(&art).unwrap();
                let status = consentry::StatusInput::from_list(&v, vlist.as_ref());
                let d = consentry::decide(
                    &v,
                    &request,
                    &consentry::Taxonomy::shipped().unwrap(),
                    status,
                );
                assert_eq!(
                    serde_json::to_value(&d).unwrap(),
                    c.expect["result"],
                    "case {}",
                    c.id
                );
            }
            _ => continue,
        }
        checked += 1;
    }
    assert!(
        checked >= 40,
        "only {checked} cases replayed through the typed API"
    );
}

#[test]
fn every_reason_code_has_a_case() {
    let seen: BTreeSet<String> = committed()
        .iter()
        .filter_map(|c| {
            c.expect
                .pointer("/result/reasons")
                .and_then(Value::as_array)
                .cloned()
        })
        .flatten()
        .filter_map(|r| r["code"].as_str().map(str::to_owned))
        .collect();
    for rc in ReasonCode::ALL {
        assert!(
            seen.contains(rc.as_str()),
            "no corpus case denies with `{}`",
            rc.as_str()
        );
    }
}

/// Codes no JSON request can produce, or not yet in the corpus, each with the suite that
/// covers it. A new code in neither the corpus nor this list fails the test.
const COVERED_ELSEWHERE: &[(Code, &str)] = &[
    (Code::CborTooDeep, "core/tests/malformed.rs deep_nesting"),
    (
        Code::CborWrongType,
        "core/src/cbor.rs unit tests; surfaces as claim_wrong_type/cose_structure in artefacts",
    ),
    (
        Code::InputTooLarge,
        "core/tests/malformed.rs oversize_input (a 64 KiB case would bloat the corpus)",
    ),
    (
        Code::HeaderAlgUnknown,
        "core/tests/malformed.rs header_tampering; COSE WG sign-fail-03/04",
    ),
    (
        Code::HeaderKidMissing,
        "core/tests/malformed.rs header_tampering; RFC 8392 A.3",
    ),
    (
        Code::HeaderKidTooLong,
        "core/tests/malformed.rs header_tampering",
    ),
    (
        Code::HeaderTypMismatch,
        "core/tests/malformed.rs header_tampering; core/tests/status.rs",
    ),
    (Code::HeaderCrit, "core/tests/malformed.rs header_tampering"),
    (
        Code::HeaderUnexpectedLabel,
        "core/tests/malformed.rs header_tampering",
    ),
    (
        Code::HeaderDuplicateLabel,
        "core/tests/malformed.rs header_tampering",
    ),
    (Code::KeyInvalid, "core/src/keys.rs unit tests"),
    (Code::KeyWeak, "tests/tests/vectors.rs speccheck"),
    (Code::KeyUnsupported, "core/src/keys.rs unit tests"),
    (
        Code::KeyPrivateMaterial,
        "core/src/keys.rs unit tests; cli tests",
    ),
    (Code::KeyDuplicateKid, "core/src/keys.rs unit tests"),
    (Code::KeyPkcs8Invalid, "cli tests (bad key files)"),
    (Code::KeyJwkInvalid, "core/src/keys.rs unit tests"),
    (Code::KeyKidInvalid, "core/src/keys.rs unit tests"),
    (
        Code::SigningFailed,
        "only when the system random source fails",
    ),
    (
        Code::RandomFailed,
        "only when the system random source fails",
    ),
    (
        Code::ClaimInvalid,
        "core/tests/malformed.rs missing_unknown_and_invalid_claims",
    ),
    (Code::ClaimsJson, "cli tests claims_errors_name_the_member"),
    (
        Code::InvalidOption,
        "core/tests/malformed.rs time_and_audience",
    ),
    (
        Code::TaxonomyJson,
        "core/tests/purpose_taxonomy.rs; cli decide test",
    ),
    (Code::TaxonomyInvalid, "core/tests/purpose_taxonomy.rs"),
    (
        Code::TaxonomyDuplicateCode,
        "core/tests/purpose_taxonomy.rs",
    ),
    (
        Code::TaxonomyUnknownParent,
        "core/tests/purpose_taxonomy.rs",
    ),
    (Code::TaxonomyCycle, "core/tests/purpose_taxonomy.rs"),
    (Code::TaxonomyTooDeep, "core/tests/purpose_taxonomy.rs"),
    (Code::RecordNotContainer, "core/tests/purpose_filter.rs"),
    (Code::TransformFailed, "core/tests/purpose_filter.rs"),
    (Code::TransformConflict, "core/tests/purpose_filter.rs"),
    (
        Code::StatusBitsInvalid,
        "core/tests/status.rs bad_lists_get_typed_errors",
    ),
    (Code::StatusSizeInvalid, "core/src/status.rs unit tests"),
    (
        Code::StatusValueTooWide,
        "core/tests/status.rs bad_lists_get_typed_errors",
    ),
    (
        Code::StatusListTooLarge,
        "core/tests/status.rs; tests/tests/status_vectors.rs",
    ),
    (
        Code::StatusListCorrupt,
        "core/tests/status.rs bad_lists_get_typed_errors",
    ),
    (
        Code::StatusListFull,
        "core/tests/status.rs random_allocation_covers_every_index_once",
    ),
    (
        Code::PseudoMissingSubject,
        "core/tests/pseudo.rs (shift without its subject in the record)",
    ),
    (
        Code::PseudoUnsupportedValue,
        "core/tests/pseudo.rs (objects or arrays where a value belongs)",
    ),
    (
        Code::PseudoSubjectRequired,
        "core/tests/pseudo.rs (transform_value on a shift field)",
    ),
    (
        Code::PseudoWrongTransform,
        "core/tests/pseudo.rs (transform_shift on a non-shift field)",
    ),
    (
        Code::PseudoInternal,
        "not reachable: reported only if a primitive fails on a validated input",
    ),
    (
        Code::PolicyUnsupportedTransform,
        "core/tests/pseudo.rs (a transform the declared type cannot take)",
    ),
    // The ledger is a file format, not an interop operation: its codes are covered by the
    // tamper table and torn-tail tests.
    (
        Code::LedgerFrameCorrupt,
        "core/tests/ledger.rs damage_followed_by_a_valid_frame_is_corruption_not_a_torn_tail",
    ),
    (
        Code::LedgerEntryUndecodable,
        "core/tests/ledger.rs decoding_is_strict",
    ),
    (
        Code::LedgerEntryInvalid,
        "core/tests/ledger.rs json_event_is_strict_and_never_echoes_values",
    ),
    (
        Code::LedgerBadSeq,
        "core/tests/ledger.rs tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerBadLink,
        "core/tests/ledger.rs tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerEntryAltered,
        "core/tests/ledger.rs tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerEntryInserted,
        "core/tests/ledger.rs tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerCheckpointInvalid,
        "core/tests/ledger.rs checkpoints_need_a_trusted_key",
    ),
    (
        Code::LedgerCheckpointMismatch,
        "core/tests/ledger.rs rehashed_rewrites_are_caught_at_the_next_checkpoint",
    ),
    (
        Code::LedgerEntryTooLarge,
        "core/tests/ledger.rs decoding_is_strict",
    ),
    (
        Code::TaxonomyShippedPrefix,
        "core/tests/purpose_taxonomy.rs a_caller_pack_cannot_add_codes_inside_a_shipped_namespace",
    ),
    (
        Code::TaxonomyShippedParent,
        "core/tests/purpose_taxonomy.rs a_caller_pack_cannot_graft_targeted_ads_under_aa_101",
    ),
    (
        Code::TaxonomyLegitimateUseNotAllowed,
        "core/tests/purpose_taxonomy.rs a_caller_pack_cannot_declare_a_legitimate_use_without_the_opt_in",
    ),
    (
        Code::RequestTooLarge,
        "core/tests/hardening.rs call_json_decide_refuses_an_over_cap_request_with_request_too_large",
    ),
    // The C ABI's own codes: examples/c/test_abi.c, run by scripts/test-c.
    (
        Code::NullArgument,
        "examples/c/test_abi.c (NULL for every pointer)",
    ),
    (
        Code::BufferTooSmall,
        "examples/c/test_abi.c test_verify_arguments",
    ),
    (
        Code::InvalidUtf8,
        "examples/c/test_abi.c (non-UTF-8 text arguments)",
    ),
    (
        Code::Panic,
        "examples/c/test_abi.c test_panic (feature test-panic)",
    ),
    (
        Code::InvalidArgument,
        "examples/c/test_abi.c (lengths beyond the address space)",
    ),
    (
        Code::Internal,
        "ffi/tests/codes.rs (the fallback for a code missing from consentry_result)",
    ),
];

#[test]
fn every_error_code_is_covered() {
    let in_corpus: BTreeSet<String> = committed()
        .iter()
        .filter_map(|c| {
            c.expect
                .pointer("/error/code")
                .or_else(|| c.expect.pointer("/result/error/code"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    let elsewhere: BTreeSet<&str> = COVERED_ELSEWHERE.iter().map(|(c, _)| c.as_str()).collect();
    let mut missing = Vec::new();
    for code in Code::ALL {
        if !in_corpus.contains(code.as_str()) && !elsewhere.contains(code.as_str()) {
            missing.push(code.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "codes with no corpus case and no named suite: {missing:?}"
    );
    let stale: Vec<&str> = elsewhere
        .iter()
        .copied()
        .filter(|c| in_corpus.contains(*c))
        .collect();
    assert!(
        stale.is_empty(),
        "in the corpus now, drop from COVERED_ELSEWHERE: {stale:?}"
    );
}
