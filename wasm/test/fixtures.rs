//! Writes the cross-face fixtures the npm tests replay: artefacts (good, expired, tampered,
//! truncated, for another audience, revoked, …), status lists and public vectors, each with the
//! verdict the Rust API gives (`{"ok": true, "result": ..}` or `{"ok": false, "error": ..}`).
//! The JS tests check that the package gives the identical verdict, code and message.
//!
//! ```sh
//! cargo run -p consentry-wasm --example fixtures -- OUT.json [VECTORS_DIR [PORTAL_SAMPLE.json]]
//! ```
//! The portal sample (examples/portal/sample.json) is deterministic: a fixed Ed25519 seed, a
//! fixed `cti`, valid from 2025-11-28 to 2036-01-01, with a status list holding it as valid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::interop::{envelope, ErrorBody};
use consentry::status::{StatusListOptions, StatusListToken, StatusValue};
use consentry::{
    b64, issue, Algorithm, Claims, Cti, Grant, GrantorRole, Mode, SigningKey, TrustStore, Verifier,
};
use consentry_testkit::artefacts::notice;
use consentry_testkit::keys;
use consentry_testkit::status::List;
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000;
const AUD: &str = "tn.health";
const LIST_URI: &str = "https://cm.example/status/1";

fn claims(exp: i64, nbf: Option<i64>, status: Option<u64>) -> Claims {
    let mut b = Claims::builder("cm.tn.gov.in", "pp-7f3a9c", AUD)
        .issued_at(NOW - 3_600)
        .expires(exp)
        .cti(Cti([7; 16]))
        .notice(notice("notice-2026-01", "ta-IN", 0x5a))
        .grant(Grant::new("abdm:CAREMGT", ["/name", "/diagnosis"], Mode::View).data_life(86_400))
        .grant(Grant::new("aa:101", ["/accounts/*/balance"], Mode::Query))
        .grantor(GrantorRole::Parent, "digilocker:ref-1234")
        .child(true)
        .range(NOW - 86_400 * 365, NOW);
    if let Some(n) = nbf {
        b = b.not_before(n);
    }
    if let Some(idx) = status {
        b = b.status(idx, LIST_URI);
    }
    b.build().unwrap()
}

/// The Rust verdict: the core API directly (not the interop JSON path the binding uses).
fn verdict(
    trust: &TrustStore,
    artefact: &[u8],
    audience: &str,
    now: i64,
    list: Option<&[u8]>,
) -> Value {
    let v = Verifier::new(trust.clone());
    let r = match list {
        None => v.verify(artefact, audience, now),
        Some(l) => match StatusListToken::verify(l, trust, now, &StatusListOptions::default()) {
            Ok(l) => v.verify_with_status(artefact, audience, now, &l),
            Err(e) => return parse_env::<Value>(Err(ErrorBody::from_error(&e))),
        },
    };
    parse_env(
        r.map(|ok| ok.to_json_value().unwrap())
            .map_err(|e| ErrorBody::from_error(&e)),
    )
}

fn parse_env<T: serde::Serialize>(r: Result<T, ErrorBody>) -> Value {
    serde_json::from_str(&envelope(r.as_ref())).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).expect("usage: fixtures OUT.json [VECTORS_DIR]");
    let vectors = args.get(2).cloned();
    let portal = args.get(3).cloned();
    let rng = ring::rand::SystemRandom::new();

    let ed = keys::ed25519(42);
    let ed_pkcs8 = SigningKey::generate_pkcs8(Algorithm::Ed25519, &rng).unwrap();
    let p256_pkcs8 = SigningKey::generate_pkcs8(Algorithm::Es256, &rng).unwrap();
    let p256 = SigningKey::from_pkcs8(&p256_pkcs8, &rng).unwrap();
    let other = keys::ed25519(43);
    let jwks = keys::jwks(&[&ed, &p256]);
    let trust = TrustStore::from_jwks(&jwks.to_string()).unwrap();

    let good = issue(&claims(NOW + 86_400 * 30, None, None), &ed, &rng).unwrap();
    let es256 = issue(&claims(NOW + 86_400 * 30, None, None), &p256, &rng).unwrap();
    let future = issue(
        &claims(NOW + 86_400 * 30, Some(NOW + 3_600), None),
        &ed,
        &rng,
    )
    .unwrap();
    let by_other = issue(&claims(NOW + 86_400, None, None), &other, &rng).unwrap();
    let with_status = issue(&claims(NOW + 86_400 * 30, None, Some(5)), &ed, &rng).unwrap();
    let mut bad_sig = good.clone();
    *bad_sig.last_mut().unwrap() ^= 1;
    let mut bad_payload = good.clone();
    let mid = bad_payload.len() / 2;
    bad_payload[mid] ^= 0x20;
    let truncated = good[..good.len() - 10].to_vec();
    let untagged = good[1..].to_vec();

    let list_by = |key: &SigningKey, value: StatusValue, uri: &str, iat: i64| {
        List::at(uri)
            .issued(iat)
            .expires(Some(iat + 86_400))
            .ttl(Some(3_600))
            .set(5, value)
            .sign(key)
    };
    let list = |value: StatusValue| list_by(&ed, value, LIST_URI, NOW - 60);
    // Another trusted issuer (the P-256 key) publishing at the same URI, and lists that cannot
    // prove an artefact valid: stale, another URI, a value above 2.
    let foreign_valid = list_by(&p256, StatusValue::Valid, LIST_URI, NOW - 60);
    let foreign_revoked = list_by(&p256, StatusValue::Invalid, LIST_URI, NOW - 60);
    let stale_list = list_by(&ed, StatusValue::Valid, LIST_URI, NOW - 7_200);
    let other_uri_list = list_by(
        &ed,
        StatusValue::Valid,
        "https://cm.example/status/2",
        NOW - 60,
    );
    let value3_list = list(StatusValue::Other(3));
    let (valid_list, revoked_list, suspended_list) = (
        list(StatusValue::Valid),
        list(StatusValue::Invalid),
        list(StatusValue::Suspended),
    );

    let mut cases = Vec::new();
    let mut case = |name: &str, artefact: &[u8], audience: &str, now: i64, l: Option<&[u8]>| {
        let mut c = json!({
            "name": name, "artefact": b64::encode(artefact), "audience": audience, "now": now,
            "expect": verdict(&trust, artefact, audience, now, l),
        });
        if let Some(l) = l {
            c["statusList"] = json!(b64::encode(l));
        }
        cases.push(c);
    };
    case("good ed25519", &good, AUD, NOW, None);
    case("good es256", &es256, AUD, NOW, None);
    case("other audience", &good, "tn.police", NOW, None);
    case("expired", &good, AUD, NOW + 86_400 * 31, None);
    case("not yet valid", &future, AUD, NOW, None);
    case("issued in future", &good, AUD, NOW - 7_200, None);
    case("unknown kid", &by_other, AUD, NOW, None);
    case("tampered signature", &bad_sig, AUD, NOW, None);
    case("tampered payload", &bad_payload, AUD, NOW, None);
    case("truncated", &truncated, AUD, NOW, None);
    case("untagged", &untagged, AUD, NOW, None);
    case("empty", &[], AUD, NOW, None);
    case("status not supplied", &with_status, AUD, NOW, None);
    case("status valid", &with_status, AUD, NOW, Some(&valid_list));
    case(
        "status revoked",
        &with_status,
        AUD,
        NOW,
        Some(&revoked_list),
    );
    case(
        "status suspended",
        &with_status,
        AUD,
        NOW,
        Some(&suspended_list),
    );
    case("bad status list", &with_status, AUD, NOW, Some(&bad_sig));
    case(
        "status in another issuer's list (valid)",
        &with_status,
        AUD,
        NOW,
        Some(&foreign_valid),
    );
    case(
        "status in another issuer's list (revoked)",
        &with_status,
        AUD,
        NOW,
        Some(&foreign_revoked),
    );
    case(
        "status stale list",
        &with_status,
        AUD,
        NOW,
        Some(&stale_list),
    );
    case(
        "status list for another uri",
        &with_status,
        AUD,
        NOW,
        Some(&other_uri_list),
    );
    case("status value 3", &with_status, AUD, NOW, Some(&value3_list));

    // Public vectors: RFC 8392 A.3 (a COSE_Sign1 CWT, not a consent artefact) and the IETF
    // Token Status List example, with the keys their files give.
    let mut public = Vec::new();
    if let Some(dir) = vectors {
        let dir = std::path::Path::new(&dir);
        let a3: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("cose-wg-examples/CWT/A_3.json")).unwrap(),
        )
        .unwrap();
        let wire = hex::decode(a3["output"]["cbor"].as_str().unwrap()).unwrap();
        let k = &a3["input"]["sign0"]["key"];
        let x = hex::decode(k["x_hex"].as_str().unwrap()).unwrap();
        let y = hex::decode(k["y_hex"].as_str().unwrap()).unwrap();
        let key = consentry::VerifyingKey::from_p256_coordinates(&x, &y).unwrap();
        let a3_jwks = json!({ "keys": [key.to_jwk()] });
        let a3_trust = TrustStore::from_jwks(&a3_jwks.to_string()).unwrap();
        public.push(json!({
            "name": "rfc8392 A.3 as an artefact", "kind": "verify", "artefact": b64::encode(&wire),
            "trust": a3_jwks, "audience": "coap://light.example.com", "now": 1_443_944_944,
            "expect": verdict(&a3_trust, &wire, "coap://light.example.com", 1_443_944_944, None),
        }));

        let mut jwk: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("ietf-oauth-status-list/example_key.jwk.json"))
                .unwrap(),
        )
        .unwrap();
        jwk.as_object_mut().unwrap().remove("d");
        let md =
            std::fs::read_to_string(dir.join("ietf-oauth-status-list/examples/status_list_cwt.md"))
                .unwrap();
        let body = md.split("encoded:").last().unwrap();
        let token = hex::decode(body.split_whitespace().collect::<String>()).unwrap();
        let sl_jwks = json!({ "keys": [jwk] });
        let sl_trust = TrustStore::from_jwks(&sl_jwks.to_string()).unwrap();
        let iat = 1_686_920_170;
        for (idx, now) in [
            (0, iat + 60),
            (1, iat + 60),
            (3, iat + 43_200),
            (16, iat + 60),
        ] {
            let r = consentry::interop::status_get_with(&sl_trust, &token, idx, now);
            public.push(json!({
                "name": format!("ietf status list example idx {idx}"), "kind": "statusGet",
                "statusList": b64::encode(&token), "trust": sl_jwks, "idx": idx, "now": now,
                "expect": parse_env(r),
            }));
        }
    }

    if let Some(path) = portal {
        let c = Claims::builder("cm.tn.gov.in", "pp-7f3a9c", "tn.health")
            .issued_at(1_764_300_000)
            .expires(2_082_758_400)
            .cti(Cti([0x2c; 16]))
            .notice(notice("tn-health-notice-2025-11", "ta-IN", 0x5a))
            .grant(
                Grant::new(
                    "abdm:CAREMGT",
                    ["/name", "/diagnosis", "/prescriptions/*/drug"],
                    Mode::View,
                )
                .data_life(86_400 * 30),
            )
            .grant(Grant::new(
                "abdm:PUBHLTH",
                ["/district", "/age"],
                Mode::Store,
            ))
            .range(1_735_689_600, 1_764_300_000)
            .status(5, LIST_URI)
            .build()
            .unwrap();
        let token = List::at(LIST_URI)
            .issued(1_764_300_000)
            .set(3, StatusValue::Invalid)
            .sign(&ed);
        let sample = json!({
            "artefact": b64::encode(&issue(&c, &ed, &rng).unwrap()),
            "trust": keys::jwks(&[&ed]),
            "audience": "tn.health",
            "statusList": b64::encode(&token),
        });
        std::fs::write(path, serde_json::to_string_pretty(&sample).unwrap() + "\n").unwrap();
    }

    // Purpose decisions and pseudonymisation through the core's JSON layer, natively.
    let rng2 = ring::rand::SystemRandom::new();
    let call = |op: &str, req: &Value| -> Value {
        serde_json::from_str(&consentry::interop::call_json(op, &req.to_string(), &rng2)).unwrap()
    };
    let mut decide = Vec::new();
    for (purpose, op, fields, now) in [
        ("abdm:CAREMGT", "view", vec!["/name", "/diagnosis"], NOW),
        ("abdm:CAREMGT", "store", vec!["/name"], NOW),
        ("aa:101", "query", vec!["/accounts/0/balance", "/pan"], NOW),
        ("abdm:CAREMGT", "view", vec!["/name"], NOW + 86_400 * 31),
    ] {
        let request = json!({ "recipient": AUD, "purpose": purpose, "operation": op, "fields": fields, "now": now });
        let req = json!({ "artefact": b64::encode(&good), "trust": jwks, "request": request });
        decide.push(json!({ "request": request, "expect": call("decide", &req) }));
    }
    let policy = json!({
        "domain": "tn.health/research",
        "fields": {
            "/patient/aadhaar": { "type": "aadhaar", "transform": "pseudonym" },
            "/patient/name": { "type": "name", "transform": "token" },
            "/visits/*/mobile": { "type": "mobile", "transform": "mask", "params": { "preset": "mobile" } }
        },
        "unlisted": "drop"
    });
    let master = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let record = json!({ "patient": { "aadhaar": "2345 6789 0124", "name": "  Kavya   Raman ", "city": "Madurai" },
        "visits": [{ "mobile": "+91 98765 43210" }] });
    let pseudo = json!({
        "policy": policy, "masterKey": master, "record": record,
        "value": call("pseudonymise", &json!({ "policy": policy, "masterKey": master,
            "field": "/patient/aadhaar", "value": "2345 6789 0124" })),
        "recordOut": call("pseudonymise", &json!({ "policy": policy, "masterKey": master, "record": record })),
        "badValue": call("pseudonymise", &json!({ "policy": policy, "masterKey": master,
            "field": "/patient/aadhaar", "value": "2345 6789 0125" })),
    });

    // Account Aggregator consents: the spec example and its key as entity records, Python's
    // detached signatures, and what the core's JSON layer and display view give for them.
    let aa_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/aa/");
    let aa_read = |name: &str| std::fs::read_to_string(format!("{aa_dir}{name}")).unwrap();
    let aa_jws = aa_read("signed_consent_spec_example.jws").trim().to_owned();
    let aa_key: Value = serde_json::from_str(&aa_read("spec_example_key.jwk.json")).unwrap();
    let aa_one: Value = serde_json::from_str(&aa_read("test-keys/aa_one.jwk.json")).unwrap();
    let aa_small: Value = serde_json::from_str(&aa_read("test-keys/short_1024.jwk.json")).unwrap();
    let aa_records = json!([{ "id": "finvu-aa", "certificate": aa_key },
                            { "id": "aa-one", "certificate": aa_one }]);
    let aa_inside = 1_570_000_000i64;
    let aa_trust = consentry::aa::split_trust(&aa_records, None).unwrap().aa;
    let (_, aa_imported) =
        consentry::aa::verify_current(&aa_jws, &aa_trust, Some("finvu-aa"), Some(aa_inside))
            .unwrap();
    let aa_request = json!({ "recipient": "cookiejar-aa@finvu.in", "purpose": "aa:101",
        "operation": "view", "fields": ["/fi/DEPOSIT/summary"], "now": aa_inside, "uses": 0 });
    let aa = json!({
        "jws": aa_jws,
        "records": aa_records,
        "smallKey": aa_small,
        "inside": aa_inside,
        "signed": serde_json::from_str::<Value>(&aa_read("test-keys/python_signed.json")).unwrap(),
        "verify": call("aaVerify", &json!({ "jws": aa_jws, "trust": aa_records,
            "issuer": "finvu-aa", "now": aa_inside })),
        "display": aa_imported.display_json(),
        "request": aa_request,
        "decide": call("aaDecide", &json!({ "jws": aa_jws, "trust": aa_records,
            "issuer": "finvu-aa", "request": aa_request, "status": "ACTIVE" })),
    });

    let doc = json!({
        "aa": aa,
        "decide": decide,
        "pseudo": pseudo,
        "now": NOW,
        "audience": AUD,
        "trust": jwks,
        "pkcs8": { "ed25519": b64::encode(&ed_pkcs8), "es256": b64::encode(&p256_pkcs8) },
        "claims": claims(NOW + 86_400 * 30, None, None).to_json_value().unwrap(),
        "inspect": parse_env(consentry::inspect(&good).map(|u| u.to_json_value().unwrap()).map_err(|e| ErrorBody::from_error(&e))),
        "validList": b64::encode(&valid_list),
        "revokedList": b64::encode(&revoked_list),
        "withStatus": b64::encode(&with_status),
        "foreignValidList": b64::encode(&foreign_valid),
        "foreignRevokedList": b64::encode(&foreign_revoked),
        "staleList": b64::encode(&stale_list),
        "otherUriList": b64::encode(&other_uri_list),
        "value3List": b64::encode(&value3_list),
        "cases": cases,
        "public": public,
    });
    std::fs::write(out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
}
