//! The golden corpus: committed, up to date with its generator, every case holding its stated
//! intent, replayed through the JSON layer and the typed Rust API, and covering every reason
//! code and every error code (a corpus case, a named test checked to assert it, or a code no
//! test can provoke, listed with why).
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
use consentry_conformance::intent::{Fact, Intent};
use serde_json::{json, Value};

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
        if let Err(diff) = c.intent.check(&got) {
            panic!("case {}: {diff}", c.id);
        }
        assert_eq!(got, c.expect, "case {}", c.id);
    }
}

/// Every committed response agrees with its case's stated intent (the generator refuses
/// otherwise; this holds the committed file to it too).
#[test]
fn every_committed_response_holds_its_intent() {
    let cases = committed();
    assert!(cases.len() >= 80);
    for c in &cases {
        if let Err(diff) = c.intent.check(&c.expect) {
            panic!("case {}: {diff}", c.id);
        }
    }
}

/// The intent check refuses each kind of contradiction and names the difference.
#[test]
fn intent_check_refuses_contradicting_responses() {
    use consentry_conformance::intent::{absent, deny, err, is, not, ok, permit, prefix};
    use serde_json::json;
    let error = json!({"ok": false, "error": {"code": "not_yet_valid", "numericCode": 1501, "message": "m"}});
    let e = err(Code::Expired).check(&error).unwrap_err();
    assert!(
        e.contains("`expired`") && e.contains("`not_yet_valid`"),
        "{e}"
    );
    assert!(err(Code::NotYetValid).check(&error).is_ok());
    assert!(ok(vec![]).check(&error).is_err());

    let denial = json!({"ok": true, "result": {"allowed": false, "reasons": [
        {"code": "status_unknown", "message": "m"}, {"code": "expired", "message": "m"}]}});
    assert!(deny(&[ReasonCode::Expired, ReasonCode::StatusUnknown])
        .check(&denial)
        .is_ok());
    assert!(deny(&[ReasonCode::Expired]).check(&denial).is_err());
    assert!(permit(&["/name"], &[], 1).check(&denial).is_err());

    let permitted = json!({"ok": true, "result": {"allowed": true, "fields": ["/name", "/dob"],
        "transforms": {"/name": "pseudonym"}, "eraseBy": 10}});
    assert!(permit(&["/dob", "/name"], &[("/name", "pseudonym")], 10)
        .check(&permitted)
        .is_ok());
    assert!(permit(&["/dob", "/name"], &[], 10)
        .check(&permitted)
        .is_err());
    assert!(permit(&["/dob", "/name"], &[("/name", "pseudonym")], 11)
        .check(&permitted)
        .is_err());
    assert!(permit(&["/name"], &[("/name", "pseudonym")], 10)
        .check(&permitted)
        .is_err());
    assert!(deny(&[]).check(&permitted).is_err());

    let record = json!({"ok": true, "result": {"record": {"a": "t1.xyz", "b": "1"}}});
    assert!(ok(vec![
        prefix("/record/a", "t1."),
        is("/record/b", "1"),
        not("/record/b", "2"),
        absent("/record/c")
    ])
    .check(&record)
    .is_ok());
    for bad in [
        prefix("/record/b", "t1."),
        is("/record/b", "2"),
        not("/record/b", "1"),
        not("/record/c", "1"),
        absent("/record/a"),
    ] {
        let e = ok(vec![bad.clone()]).check(&record).unwrap_err();
        assert!(e.contains("/record/"), "{bad:?}: {e}");
    }
}

/// Cases no typed API can express: requests that do not parse, and an operation that does not
/// exist, are properties of the JSON entry point alone. Every other case is replayed through
/// the typed Rust API; the test asserts that exactly these are left to the JSON replays.
const JSON_ONLY: &[&str] = &["request-malformed", "request-unknown-op"];

fn b64(v: &Value) -> Vec<u8> {
    consentry::b64::decode(v.as_str().expect("base64url text")).expect("base64url")
}

fn fail<E: HasCode + std::fmt::Display>(e: &E) -> Value {
    json!({"ok": false, "error": consentry::interop::ErrorBody::from_error(e)})
}

fn done(v: Value) -> Value {
    json!({"ok": true, "result": v})
}

/// The AA keys of a case's `trust` member, split from consentry's own by the core.
fn aa_trust(r: &Value) -> Result<consentry::aa::AaTrust, Value> {
    consentry::aa::split_trust(&r["trust"], None)
        .map(|t| t.aa)
        .map_err(|e| fail(&e))
}

/// A verified status list through the typed API, or the error's envelope.
fn typed_list(
    trust: &consentry::TrustStore,
    r: &Value,
    now: i64,
) -> Result<Option<consentry::status::VerifiedStatusList>, Value> {
    r.get("statusList")
        .map(|l| {
            consentry::status::StatusListToken::verify(
                &b64(l),
                trust,
                now,
                &consentry::status::StatusListOptions::default(),
            )
            .map_err(|e| fail(&e))
        })
        .transpose()
}

/// The case's response built from the typed Rust API alone (never `consentry::interop`), or
/// `None` for a case listed in [`JSON_ONLY`].
fn typed_response(c: &Case) -> Option<Value> {
    let r = &c.request;
    let trust = || consentry::TrustStore::from_jwks(&r["trust"].to_string()).map_err(|e| fail(&e));
    let pseudonymiser = |policy: &Value, key: &Value| {
        let policy = consentry::Policy::from_json(&policy.to_string()).map_err(|e| fail(&e))?;
        let key = consentry::MasterKey::from_hex(key.as_str().unwrap()).map_err(|e| fail(&e))?;
        consentry::Pseudonymiser::new(&policy, &key).map_err(|e| fail(&e))
    };
    let id_kind = || consentry::ids::IdType::from_name(r["type"].as_str().unwrap()).unwrap();
    let out: Result<Value, Value> = match (c.op.as_str(), JSON_ONLY.contains(&c.id.as_str())) {
        (_, true) => return None,
        ("verify", _) => (|| {
            let verifier = consentry::Verifier::new(trust()?);
            let now = r["now"].as_i64().unwrap();
            let aud = r["audience"].as_str().unwrap();
            let art = b64(&r["artefact"]);
            let accept = r.get("acceptUnknownStatus") == Some(&json!(true));
            let got = match typed_list(verifier.trust_store(), r, now)? {
                Some(l) if accept => {
                    verifier.verify_with_status_accepting_unknown(&art, aud, now, &l)
                }
                Some(l) => verifier.verify_with_status(&art, aud, now, &l),
                None => verifier.verify(&art, aud, now),
            };
            got.map(|v| done(v.to_json_value().unwrap()))
                .map_err(|e| fail(&e))
        })(),
        ("decide", _) => (|| {
            let verifier = consentry::Verifier::new(trust()?);
            let request: consentry::Request = serde_json::from_value(r["request"].clone()).unwrap();
            let v = verifier
                .authenticate(&b64(&r["artefact"]))
                .map_err(|e| fail(&e))?;
            let list = typed_list(verifier.trust_store(), r, request.now)?;
            let status = consentry::StatusInput::from_list(&v, list.as_ref());
            let taxonomy = consentry::Taxonomy::shipped().unwrap();
            let d = consentry::decide(&v, &request, &taxonomy, status);
            Ok(done(serde_json::to_value(&d).unwrap()))
        })(),
        ("inspect", _) => consentry::inspect(&b64(&r["artefact"]))
            .map(|u| done(u.to_json_value().unwrap()))
            .map_err(|e| fail(&e)),
        ("statusGet", _) => (|| {
            let now = r["now"].as_i64().unwrap();
            let l = typed_list(&trust()?, r, now)?.unwrap();
            let idx = r["idx"].as_u64().unwrap();
            let v = l.get(idx).map_err(|e| fail(&e))?;
            Ok(done(json!({
                "idx": idx, "status": v.name(), "value": v.as_u8(), "uri": l.token.sub,
                "kid": consentry::b64::encode(&l.kid), "list": l.freshness.to_json_value(),
            })))
        })(),
        ("pseudonymise", _) => (|| {
            let p = pseudonymiser(&r["policy"], &r["masterKey"])?;
            let reverse = r["reverse"].as_bool().unwrap_or(false);
            let err = |e: consentry::pseudo::PseudoError| fail(&e);
            if let (Some(field), Some(value)) = (r["field"].as_str(), r["value"].as_str()) {
                let out = if reverse {
                    Some(p.reverse_value(field, value).map_err(err)?)
                } else {
                    p.transform_value(field, value).map_err(err)?
                };
                Ok(done(json!({ "value": out })))
            } else if let Some(record) = r.get("record") {
                let mut rec = record.clone();
                if reverse {
                    p.reverse_json(&mut rec).map_err(err)?;
                } else {
                    p.apply_json(&mut rec).map_err(err)?;
                }
                Ok(done(json!({ "record": rec })))
            } else {
                let csv = &r["csv"];
                let header: Vec<String> = serde_json::from_value(csv["header"].clone()).unwrap();
                let rows: Vec<Vec<String>> = serde_json::from_value(csv["rows"].clone()).unwrap();
                assert!(!reverse, "case {}: no reversed csv case yet", c.id);
                let plan = p.csv_plan(&header).map_err(err)?;
                let out: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| plan.apply_row(row))
                    .collect::<Result<_, _>>()
                    .map_err(err)?;
                Ok(done(json!({"csv": {"header": plan.header(), "rows": out}})))
            }
        })(),
        ("filter", _) => (|| {
            let d: consentry::Decision = serde_json::from_value(r["decision"].clone()).unwrap();
            let permit = d.permit().expect("filter cases carry a permit");
            if let Some(now) = r.get("now").and_then(Value::as_i64) {
                permit.check_current(now).map_err(|e| fail(&e))?;
            }
            let out = match (r.get("policy"), r.get("masterKey")) {
                (Some(policy), Some(key)) => {
                    permit.filter(&r["record"], &pseudonymiser(policy, key)?)
                }
                _ => permit.filter(&r["record"], &consentry::scope::NoTransforms),
            };
            out.map(|rec| done(json!({ "record": rec })))
                .map_err(|e| fail(&e))
        })(),
        ("idValidate", _) => Ok(done(
            match consentry::ids::normalise(id_kind(), r["value"].as_str().unwrap()) {
                Ok(n) => json!({"valid": true, "normalised": n}),
                Err(e) => {
                    json!({"valid": false, "error": consentry::interop::ErrorBody::from_error(&e)})
                }
            },
        )),
        ("idMask", _) => consentry::ids::mask(id_kind(), r["value"].as_str().unwrap())
            .map(|m| done(json!({ "masked": m })))
            .map_err(|e| fail(&e)),
        ("idDetect", _) => {
            let spans: Vec<Value> = consentry::ids::detect(r["text"].as_str().unwrap())
                .iter()
                .map(|s| json!({"start": s.start, "end": s.end, "type": s.kind.as_str()}))
                .collect();
            Ok(done(json!({ "spans": spans })))
        }
        ("aaVerify", _) => (|| {
            let trust = aa_trust(r)?;
            let issuer = r.get("issuer").and_then(Value::as_str);
            let v =
                consentry::aa::verify_signed_consent(r["jws"].as_str().unwrap(), &trust, issuer)
                    .map_err(|e| fail(&e))?;
            let imported = consentry::aa::import(&v).map_err(|e| fail(&e))?;
            if let Some(now) = r.get("now").and_then(Value::as_i64) {
                imported.check_current(now).map_err(|e| fail(&e))?;
            }
            Ok(done(json!({
                "kid": v.kid, "alg": v.alg.name(), "b64": v.b64.as_str(), "issuer": v.issuer,
                "payload": v.detail(), "claims": imported.to_json_value().unwrap(),
                "evidence": consentry::b64::encode(&v.evidence()),
            })))
        })(),
        ("aaVerifyDetached", _) => (|| {
            let trust = aa_trust(r)?;
            let issuer = r.get("issuer").and_then(Value::as_str);
            let v = consentry::aa::verify_detached(
                r["signature"].as_str().unwrap(),
                &b64(&r["body"]),
                &trust,
                issuer,
            )
            .map_err(|e| fail(&e))?;
            Ok(done(
                json!({"kid": v.kid, "alg": v.alg.name(), "b64": v.b64.as_str(), "issuer": v.issuer}),
            ))
        })(),
        ("aaDecide", _) => (|| {
            let trust = aa_trust(r)?;
            let issuer = r.get("issuer").and_then(Value::as_str);
            let request: consentry::Request = serde_json::from_value(r["request"].clone()).unwrap();
            let v =
                consentry::aa::verify_signed_consent(r["jws"].as_str().unwrap(), &trust, issuer)
                    .map_err(|e| fail(&e))?;
            let imported = consentry::aa::import(&v).map_err(|e| fail(&e))?;
            let taxonomy = consentry::Taxonomy::shipped().unwrap();
            let d = imported.decide_with_aa_status(
                &request,
                &taxonomy,
                r.get("status").and_then(Value::as_str),
            );
            Ok(done(serde_json::to_value(&d).unwrap()))
        })(),
        (op, false) => panic!(
            "case {}: operation `{op}` has no typed replay; add one, or list the case in JSON_ONLY",
            c.id
        ),
    };
    Some(out.unwrap_or_else(|e| e))
}

/// Through the typed Rust API (`Verifier`, `decide`, `Pseudonymiser`, status lists, `inspect`,
/// `Permit::filter`, identifiers), independently of the JSON layer: every case but those in
/// [`JSON_ONLY`] must hold its intent, give the recorded result exactly when it succeeds, and
/// the recorded code when it fails.
#[test]
fn rust_typed_api_replays_every_case() {
    let cases = committed();
    let mut skipped = Vec::new();
    for c in &cases {
        let Some(got) = typed_response(c) else {
            skipped.push(c.id.as_str());
            continue;
        };
        if let Err(diff) = c.intent.check(&got) {
            panic!("case {} (typed Rust API): {diff}", c.id);
        }
        if c.expect["ok"] == true {
            assert_eq!(got, c.expect, "case {} (typed Rust API)", c.id);
        } else {
            // Messages may carry context the JSON layer adds (a csv row number); the codes are exact.
            assert_eq!(
                got["error"]["code"], c.expect["error"]["code"],
                "case {}",
                c.id
            );
            assert_eq!(
                got["error"]["numericCode"], c.expect["error"]["numericCode"],
                "case {}",
                c.id
            );
        }
    }
    assert_eq!(
        skipped, JSON_ONLY,
        "exactly the JSON_ONLY cases are left to the JSON replays"
    );
}

#[test]
fn every_reason_code_has_a_case() {
    // Counted from the intents: a reason only a recorded response shows is not stated.
    let seen: BTreeSet<String> = committed()
        .into_iter()
        .filter_map(|c| match c.intent {
            Intent::Deny { codes } => Some(codes),
            _ => None,
        })
        .flatten()
        .collect();
    for rc in ReasonCode::ALL {
        assert!(
            seen.contains(rc.as_str()),
            "no corpus case denies with `{}`",
            rc.as_str()
        );
    }
}

/// Codes no corpus case gives, each with the test that asserts it: (code, file from the
/// workspace root, test function). Checked mechanically by
/// [`covered_elsewhere_names_tests_that_exist_and_assert_their_code`]. A new code in neither
/// the corpus, this list nor [`NOT_PROVOKED`] fails [`every_error_code_is_covered`].
const COVERED_ELSEWHERE: &[(Code, &str, &str)] = &[
    (
        Code::IdUnknownType,
        "core/tests/pseudo_faces.rs",
        "an_unknown_identifier_type_is_one_error_in_every_face",
    ),
    (
        Code::PseudoCsvOpenQuote,
        "core/tests/pseudo_faces.rs",
        "csv_line_codec_reads_every_short_line_as_the_old_scanner_and_reader_did",
    ),
    (
        Code::PseudoCsvSeveralRecords,
        "core/tests/pseudo_faces.rs",
        "csv_line_codec_reads_every_short_line_as_the_old_scanner_and_reader_did",
    ),
    (
        Code::StatusListSymlink,
        "cli/tests/list_writers.rs",
        "status_set_and_withdraw_refuse_a_symlinked_list",
    ),
    (
        Code::StatusTransitionRefused,
        "cli/tests/list_writers.rs",
        "resume_and_status_set_valid_cannot_undo_a_withdrawal",
    ),
    (Code::CborTooDeep, "core/tests/malformed.rs", "deep_nesting"),
    (
        Code::InputTooLarge,
        "core/tests/malformed.rs",
        "oversize_input",
    ),
    (
        Code::HeaderAlgUnknown,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderKidMissing,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderKidTooLong,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderTypMismatch,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderCrit,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderUnexpectedLabel,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::HeaderDuplicateLabel,
        "core/tests/malformed.rs",
        "header_tampering",
    ),
    (
        Code::KeyInvalid,
        "examples/c/test_abi.c",
        "test_trust_store",
    ),
    (
        Code::KeyWeak,
        "tests/tests/vectors.rs",
        "speccheck_keys_refused_where_design_says",
    ),
    (
        Code::KeyUnsupported,
        "core/src/keys/mod.rs",
        "cose_keys_enter_the_trust_store_under_their_kid_and_thumbprint",
    ),
    (
        Code::KeyPrivateMaterial,
        "core/src/keys/mod.rs",
        "trust_store_refuses_private_jwk_and_conflicting_kid",
    ),
    (
        Code::KeyDuplicateKid,
        "core/src/keys/mod.rs",
        "trust_store_refuses_private_jwk_and_conflicting_kid",
    ),
    (Code::KeyPkcs8Invalid, "examples/c/test_abi.c", "test_issue"),
    (
        Code::KeyJwkInvalid,
        "examples/c/test_abi.c",
        "test_trust_store",
    ),
    (
        Code::KeyKidInvalid,
        "core/src/keys/mod.rs",
        "trust_store_refuses_private_jwk_and_conflicting_kid",
    ),
    (
        Code::ClaimInvalid,
        "core/tests/malformed.rs",
        "missing_unknown_and_invalid_claims",
    ),
    (
        Code::ClaimsJson,
        "cli/tests/cli.rs",
        "claims_errors_name_the_member",
    ),
    (
        Code::InvalidOption,
        "core/tests/malformed.rs",
        "time_and_audience",
    ),
    (
        Code::TaxonomyJson,
        "core/tests/purpose_taxonomy.rs",
        "load_errors_name_the_code_and_place",
    ),
    (
        Code::TaxonomyInvalid,
        "core/tests/purpose_taxonomy.rs",
        "load_errors_name_the_code_and_place",
    ),
    (
        Code::TaxonomyDuplicateCode,
        "core/tests/purpose_taxonomy.rs",
        "load_errors_name_the_code_and_place",
    ),
    (
        Code::TaxonomyUnknownParent,
        "core/tests/purpose_taxonomy.rs",
        "load_errors_name_the_code_and_place",
    ),
    (
        Code::TaxonomyCycle,
        "core/tests/purpose_taxonomy.rs",
        "load_errors_name_the_code_and_place",
    ),
    (
        Code::TaxonomyTooDeep,
        "core/tests/purpose_taxonomy.rs",
        "depth_limit",
    ),
    (
        Code::RecordNotContainer,
        "core/tests/purpose_filter.rs",
        "scalar_records_are_rejected",
    ),
    (
        Code::TransformFailed,
        "core/tests/purpose_filter.rs",
        "hook_failures_and_conflicts",
    ),
    (
        Code::TransformConflict,
        "core/tests/purpose_filter.rs",
        "hook_failures_and_conflicts",
    ),
    (
        Code::StatusBitsInvalid,
        "core/tests/status.rs",
        "bad_lists_get_typed_errors",
    ),
    (
        Code::StatusSizeInvalid,
        "examples/c/test_abi.c",
        "test_status_lists",
    ),
    (
        Code::StatusValueTooWide,
        "core/tests/status.rs",
        "bad_lists_get_typed_errors",
    ),
    (
        Code::StatusListTooLarge,
        "core/tests/status.rs",
        "bad_lists_get_typed_errors",
    ),
    (
        Code::StatusListCorrupt,
        "core/tests/status.rs",
        "bad_lists_get_typed_errors",
    ),
    (
        Code::StatusListFull,
        "core/tests/status.rs",
        "random_allocation_covers_every_index_once",
    ),
    (
        Code::PseudoMissingSubject,
        "core/tests/pseudo.rs",
        "csv_rows",
    ),
    (
        Code::PseudoUnsupportedValue,
        "core/tests/pseudo.rs",
        "json_records_with_wildcards_drops_and_unlisted",
    ),
    (
        Code::PseudoSubjectRequired,
        "core/tests/pseudo.rs",
        "mask_generalise_shift_drop",
    ),
    (
        Code::PseudoWrongTransform,
        "core/tests/pseudo.rs",
        "shift_offset_needs_a_shift_field",
    ),
    (
        Code::PolicyUnsupportedTransform,
        "core/tests/pseudo.rs",
        "policy_validation_errors_are_typed_and_name_the_field",
    ),
    // The ledger is a file format, not an interop operation: its codes are covered by the
    // tamper table and torn-tail tests.
    (
        Code::LedgerFrameCorrupt,
        "core/tests/ledger.rs",
        "damage_followed_by_a_valid_frame_is_corruption_not_a_torn_tail",
    ),
    (
        Code::LedgerEntryUndecodable,
        "core/tests/ledger.rs",
        "decoding_is_strict",
    ),
    (
        Code::LedgerEntryInvalid,
        "core/tests/ledger.rs",
        "decoding_is_strict",
    ),
    (
        Code::LedgerBadSeq,
        "core/tests/ledger.rs",
        "tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerBadLink,
        "core/tests/ledger.rs",
        "tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerEntryAltered,
        "core/tests/ledger.rs",
        "tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerEntryInserted,
        "core/tests/ledger.rs",
        "tampering_anywhere_before_the_last_checkpoint_names_the_record",
    ),
    (
        Code::LedgerCheckpointInvalid,
        "core/tests/ledger.rs",
        "checkpoints_need_a_trusted_key",
    ),
    (
        Code::LedgerCheckpointMismatch,
        "core/tests/ledger.rs",
        "rehashed_rewrites_are_caught_at_the_next_checkpoint",
    ),
    (
        Code::LedgerEntryTooLarge,
        "core/tests/ledger.rs",
        "decoding_is_strict",
    ),
    (
        Code::LedgerNotALedger,
        "core/tests/ledger.rs",
        "a_file_that_does_not_begin_with_the_magic_is_not_a_ledger",
    ),
    (
        Code::LedgerTornTail,
        "core/tests/ledger.rs",
        "a_writer_refuses_a_torn_tail_and_repair_drops_only_it",
    ),
    (
        Code::LedgerSymlink,
        "cli/tests/ledger.rs",
        "a_symlink_as_ledger_is_refused_and_its_target_unchanged",
    ),
    (
        Code::LedgerNotAFile,
        "cli/tests/ledger.rs",
        "a_symlink_as_ledger_is_refused_and_its_target_unchanged",
    ),
    (
        Code::LedgerTimeBackwards,
        "core/tests/ledger.rs",
        "verify_with_reports_time_backwards_and_fails_it_when_strict",
    ),
    (
        Code::LedgerHeadMismatch,
        "core/tests/ledger.rs",
        "verify_with_checks_an_expected_head_and_a_sealed_end",
    ),
    (
        Code::LedgerInsecurePermissions,
        "cli/tests/ledger.rs",
        "a_group_or_world_writable_ledger_is_refused_by_writers",
    ),
    (
        Code::LedgerNotSealed,
        "core/tests/ledger.rs",
        "verify_with_checks_an_expected_head_and_a_sealed_end",
    ),
    // The key check file and unlisted identifiers are the CLI's (files beside the data).
    (
        Code::PseudoKeyCheckMismatch,
        "cli/tests/pseudo.rs",
        "ff1_reversal_with_a_wrong_key_or_domain_is_refused_by_the_key_check",
    ),
    (
        Code::PseudoKeyCheckMissing,
        "cli/tests/pseudo.rs",
        "ff1_reversal_with_a_wrong_key_or_domain_is_refused_by_the_key_check",
    ),
    (
        Code::PseudoKeyCheckMalformed,
        "cli/tests/pseudo.rs",
        "ff1_reversal_with_a_wrong_key_or_domain_is_refused_by_the_key_check",
    ),
    (
        Code::PseudoUnlistedIdentifier,
        "cli/tests/pseudo.rs",
        "unlisted_columns_holding_aadhaar_numbers_are_reported_or_refused",
    ),
    (
        Code::TaxonomyShippedPrefix,
        "core/tests/purpose_taxonomy.rs",
        "a_caller_pack_cannot_add_codes_inside_a_shipped_namespace",
    ),
    (
        Code::TaxonomyShippedParent,
        "core/tests/purpose_taxonomy.rs",
        "a_caller_pack_cannot_graft_targeted_ads_under_aa_101",
    ),
    (
        Code::TaxonomyLegitimateUseNotAllowed,
        "core/tests/purpose_taxonomy.rs",
        "a_caller_pack_cannot_declare_a_legitimate_use_without_the_opt_in",
    ),
    (
        Code::RequestTooLarge,
        "core/tests/hardening.rs",
        "call_json_decide_refuses_an_over_cap_request_with_request_too_large",
    ),
    // The C ABI's own codes: examples/c/test_abi.c, run by scripts/test-c.
    (
        Code::NullArgument,
        "examples/c/test_abi.c",
        "test_verifier_new",
    ),
    (
        Code::BufferTooSmall,
        "examples/c/test_abi.c",
        "test_verify_arguments",
    ),
    (
        Code::InvalidUtf8,
        "examples/c/test_abi.c",
        "test_verify_arguments",
    ),
    (Code::Panic, "examples/c/test_abi.c", "test_panic"),
    (
        Code::InvalidArgument,
        "examples/c/test_abi.c",
        "test_verify_arguments",
    ),
    (
        Code::NotBase64url,
        "examples/c/test_abi.c",
        "test_verify_b64",
    ),
    (
        Code::CliUsage,
        "cli/tests/files.rs",
        "usage_errors_are_json_on_stderr_and_help_and_version_stay_text",
    ),
    (
        Code::CliIo,
        "cli/tests/files.rs",
        "key_new_and_master_refuse_an_existing_file_or_symlink_without_force",
    ),
    (
        Code::CliNotAFile,
        "cli/tests/bounded_inputs.rs",
        "withdraw_and_status_set_refuse_a_device_or_an_oversize_list",
    ),
    (
        Code::CliCsv,
        "cli/tests/codes.rs",
        "csv_that_does_not_parse_is_cli_csv_exit_2_and_writes_nothing",
    ),
    (
        Code::RecordJson,
        "cli/tests/codes.rs",
        "json_line_that_does_not_parse_is_record_json_in_pseudonymise_and_filter",
    ),
    (
        Code::DecisionDenied,
        "cli/tests/status_trust.rs",
        "filter_refuses_expired_permits_and_decides_from_the_artefact",
    ),
    (
        Code::CliNoStatusClaim,
        "cli/tests/cli.rs",
        "withdraw_records_the_event_and_flips_the_bit",
    ),
    (
        Code::CliWrongList,
        "cli/tests/codes.rs",
        "withdraw_through_a_list_at_another_uri_is_cli_wrong_list_and_flips_nothing",
    ),
    (
        Code::KeyFilePermissions,
        "cli/tests/files.rs",
        "a_group_or_world_readable_key_file_draws_a_warning",
    ),
    (
        Code::ArrowUnsupportedType,
        "arrow/tests/batch.rs",
        "numeric_columns_pass_when_kept_or_dropped_and_are_refused_when_transformed",
    ),
    (
        Code::ArrowValueNotUtf8,
        "arrow/tests/batch.rs",
        "binary_value_not_utf8_follows_on_error",
    ),
    (
        Code::ArrowFieldDropped,
        "arrow/tests/array.rs",
        "refusals_carry_their_codes",
    ),
    (
        Code::ArrowSkipRowNeedsBatch,
        "examples/c/test_arrow.c",
        "test_column",
    ),
    (Code::ArrowInvalid, "examples/c/test_arrow.c", "test_batch"),
    (
        Code::KeyEnvUnset,
        "python/tests/test_keys_errors.py",
        "test_a_key_from_the_environment_and_an_unset_variable",
    ),
    (
        Code::KeyFileUnreadable,
        "python/tests/test_keys_errors.py",
        "test_key_files_missing_a_directory_or_not_hex_are_refused_without_their_content",
    ),
    (
        Code::ArrowInterfaceMissing,
        "python/tests/test_arrow.py",
        "test_objects_without_the_arrow_interface_are_refused_with_their_code",
    ),
    (
        Code::ArrowImportFailed,
        "python/tests/test_arrow.py",
        "test_objects_without_the_arrow_interface_are_refused_with_their_code",
    ),
    (
        Code::MasterKeyNotPicklable,
        "python/tests/test_keys_errors.py",
        "test_a_master_key_refuses_pickling_and_copying_with_its_code",
    ),
];

/// Codes no test provokes, each with why: asserted to be exactly these, so that the list
/// cannot grow unnoticed.
const NOT_PROVOKED: &[(Code, &str)] = &[
    (
        Code::LedgerFileReplaced,
        "needs a race: the ledger path renamed or replaced between open and lock (cli/src/ledger.rs)",
    ),
    (
        Code::CborWrongType,
        "the envelope and claims decoders check types first and report cose_structure or claim_wrong_type",
    ),
    (Code::SigningFailed, "only when the system random source fails"),
    (Code::RandomFailed, "only when the system random source fails"),
    (
        Code::PseudoInternal,
        "reported only if a primitive fails on a validated input",
    ),
    (
        Code::Internal,
        "the C ABI's fallback for a core code missing from consentry_result; ffi/tests/codes.rs keeps every code in it",
    ),
];

/// Codes a case states as its outcome: an error intent, or a fact about `/error/code`
/// (identifier validation reports its code inside the result).
fn intended_codes() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in committed() {
        match &c.intent {
            Intent::Error { code } => {
                out.insert(code.clone());
            }
            Intent::Ok { facts } => {
                for f in facts {
                    if let Fact::Is(at, Value::String(code)) = f {
                        if at.ends_with("/error/code") {
                            out.insert(code.clone());
                        }
                    }
                }
            }
            Intent::Deny { .. } | Intent::Permit { .. } => {}
        }
    }
    out
}

#[test]
fn every_error_code_is_covered() {
    let in_corpus = intended_codes();
    let elsewhere: BTreeSet<&str> = COVERED_ELSEWHERE
        .iter()
        .map(|(c, _, _)| c.as_str())
        .chain(NOT_PROVOKED.iter().map(|(c, _)| c.as_str()))
        .collect();
    let mut missing = Vec::new();
    for code in Code::ALL {
        if !in_corpus.contains(code.as_str()) && !elsewhere.contains(code.as_str()) {
            missing.push(code.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "codes with no corpus case and no named test: {missing:?}"
    );
    let stale: Vec<&str> = elsewhere
        .iter()
        .copied()
        .filter(|c| in_corpus.contains(*c))
        .collect();
    assert!(
        stale.is_empty(),
        "in the corpus now, drop from COVERED_ELSEWHERE / NOT_PROVOKED: {stale:?}"
    );
    let not_provoked: Vec<&str> = NOT_PROVOKED.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        not_provoked,
        [
            "ledger_file_replaced",
            "cbor_wrong_type",
            "signing_failed",
            "random_failed",
            "pseudo_internal",
            "internal"
        ],
        "NOT_PROVOKED changed: a code belongs in the corpus or in COVERED_ELSEWHERE with its test"
    );
}

/// The body of test function `name` in `text` (Rust `#[test] fn name`, C `test_*` function, or
/// pytest `def test_*`): from its signature to the next function definition.
fn test_body<'a>(text: &'a str, file: &str, name: &str) -> Option<&'a str> {
    if file.ends_with(".py") {
        if !name.starts_with("test_") {
            return None; // pytest collects `test_*` functions only
        }
        let sig = format!("\ndef {name}(");
        let at = text.find(&sig)?;
        let rest = &text[at + sig.len()..];
        let next = ["\ndef ", "\n@", "\nclass "]
            .iter()
            .filter_map(|p| rest.find(p))
            .min()
            .unwrap_or(rest.len());
        return Some(&rest[..next]);
    }
    let sig = if file.ends_with(".c") {
        format!("static void {name}(")
    } else {
        format!("fn {name}(")
    };
    let at = text.find(&sig)?;
    if !file.ends_with(".c") {
        // The function must be a test: `#[test]` among the attributes right above it.
        let above = &text[..at];
        let attrs: Vec<&str> = above
            .lines()
            .rev()
            .skip(1) // the (partial) line holding `fn`
            .take_while(|l| l.trim_start().starts_with("#[") || l.trim_start().starts_with("//"))
            .collect();
        let same_line = above.lines().last().unwrap_or("");
        if !attrs.iter().any(|l| l.contains("#[test]")) && !same_line.contains("#[test]") {
            return None;
        }
    }
    let rest = &text[at + sig.len()..];
    let next = [
        "\nfn ",
        "\n    fn ",
        "\nstatic ",
        "\nint main",
        "\n#[test]",
        "\n    #[test]",
    ]
    .iter()
    .filter_map(|p| rest.find(p))
    .min()
    .unwrap_or(rest.len());
    Some(&rest[..next])
}

/// The spellings that show a test asserts `code`: the Rust code, its string, its C result
/// name, or an error variant that `core/src` maps to it (`KeyError::DuplicateKid => Code::..`).
fn spellings(code: Code, core_src: &str) -> Vec<String> {
    let variant = format!("{code:?}");
    let mut out = vec![
        format!("Code::{variant}"),
        format!("\"{}\"", code.as_str()),
        format!("CONSENTRY_RESULT_{}", code.as_str().to_uppercase()),
    ];
    let arrow = format!("=> Code::{variant},");
    for line in core_src.lines().filter(|l| l.contains(&arrow)) {
        if let Some(v) = line.trim().split([' ', '(', '{']).next() {
            if v.contains("Error::") {
                out.push(v.to_owned());
            }
        }
    }
    out
}

fn read_tree(dir: &std::path::Path, out: &mut String) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            read_tree(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// Each COVERED_ELSEWHERE pointer names a file that exists, a test function in it, and that
/// test's body mentions the code (or an error variant the core maps to it).
#[test]
fn covered_elsewhere_names_tests_that_exist_and_assert_their_code() {
    let root = consentry_conformance::corpus_dir().join("../..");
    let mut core_src = String::new();
    read_tree(&root.join("core/src"), &mut core_src);
    let mut bad = Vec::new();
    for &(code, file, name) in COVERED_ELSEWHERE {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            bad.push(format!("{}: {file} does not exist", code.as_str()));
            continue;
        };
        let Some(body) = test_body(&text, file, name) else {
            bad.push(format!("{}: {file} has no test `{name}`", code.as_str()));
            continue;
        };
        let spelled = spellings(code, &core_src);
        if !spelled.iter().any(|s| body.contains(s.as_str())) {
            bad.push(format!(
                "{}: {file} `{name}` mentions none of {spelled:?}",
                code.as_str()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "COVERED_ELSEWHERE pointers that do not hold:\n{}",
        bad.join("\n")
    );
}

/// The check itself refuses a pointer to a missing test or to a test of another code.
#[test]
fn covered_elsewhere_check_refuses_wrong_pointers() {
    let root = consentry_conformance::corpus_dir().join("../..");
    let text = std::fs::read_to_string(root.join("core/tests/malformed.rs")).unwrap();
    assert!(test_body(&text, "core/tests/malformed.rs", "no_such_test").is_none());
    let body = test_body(&text, "core/tests/malformed.rs", "deep_nesting").unwrap();
    let mut core_src = String::new();
    read_tree(&root.join("core/src"), &mut core_src);
    assert!(spellings(Code::CborTooDeep, &core_src)
        .iter()
        .any(|s| body.contains(s.as_str())));
    assert!(!spellings(Code::LedgerBadSeq, &core_src)
        .iter()
        .any(|s| body.contains(s.as_str())));
    let keys = spellings(Code::KeyDuplicateKid, &core_src);
    assert!(
        keys.contains(&"KeyError::DuplicateKid".to_owned()),
        "{keys:?}"
    );
}
