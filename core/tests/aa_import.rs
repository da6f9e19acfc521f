//! Account Aggregator import: the vendored spec example imports to the documented claims; the
//! ecosystem's quirks import to the same claims; detail errors name the member; `decide` on an
//! imported consent gives exactly the decision it gives on a consentry artefact with the same
//! claims.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aa_support;

use aa_support::*;
use consentry::aa::{self, AaError, AaUnit, ImportedConsent};
use consentry::purpose::{decide, Request, StatusInput, Taxonomy};
use consentry::{issue, Code, DataRange, HasCode, Mode, SigningKey, TrustStore, Verifier};

const START: i64 = 1_559_043_501; // 2019-05-28T11:38:20.380Z, rounded up
const EXPIRY: i64 = 1_590_665_900; // 2020-05-28T11:38:20.381Z, rounded down
const INSIDE: i64 = 1_570_000_000;
const FIU: &str = "cookiejar-aa@finvu.in";

fn spec_import() -> ImportedConsent {
    let v = aa::verify_signed_consent(&spec_jws(), &spec_trust(), Some("finvu-aa")).unwrap();
    aa::import(&v).unwrap()
}

fn import_detail(detail: &str) -> Result<ImportedConsent, AaError> {
    let v =
        aa::verify_signed_consent(&signed_detail(detail), &two_entities(), Some("aa-one")).unwrap();
    aa::import(&v)
}

fn request(recipient: &str, purpose: &str, op: Mode, fields: &[&str], now: i64) -> Request {
    Request::new(recipient, purpose, op, fields.iter().copied(), now).unwrap()
}

fn reason_codes(d: &consentry::Decision) -> Vec<&'static str> {
    d.reasons().iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn spec_example_imports_to_the_documented_claims() {
    let c = spec_import();
    let payload = unb64(spec_jws().trim().split('.').nth(1).unwrap());
    let claims = c.claims.to_json_value().unwrap();
    let expected = serde_json::json!({
        "iss": "finvu-aa",
        "sub": "demo@finvu",
        "aud": FIU,
        "exp": EXPIRY,
        "nbf": START,
        "iat": START,
        "cti": b64(&c.evidence[..16]),
        "consent": {
            "v": 1,
            "basis": "consent",
            "purposes": [{
                "purpose": "aa:101",
                "fields": [
                    "/fi/DEPOSIT/profile", "/fi/DEPOSIT/summary", "/fi/DEPOSIT/transactions",
                    "/fi/TERM_DEPOSIT/profile", "/fi/TERM_DEPOSIT/summary",
                    "/fi/TERM_DEPOSIT/transactions"
                ],
                "mode": "view",
                "data_life": 4 * 30 * 86_400,
                "frequency": { "max": 4, "per": 3_600 }
            }],
            "notice": {
                "id": "aa:signed-consent",
                "sha256": b64(ring::digest::digest(&ring::digest::SHA256, &payload).as_ref()),
                "lang": "und"
            },
            "range": { "from": START, "to": EXPIRY }
        }
    });
    assert_eq!(claims, expected);
    assert_eq!(c.issuer, "finvu-aa");
    assert_eq!(c.kid, "4271913e-7b93-49dd-9949-1c76ff5fc5cf");
    assert_eq!(c.fi_types, ["DEPOSIT", "TERM_DEPOSIT"]);
    assert_eq!(c.consent_types, ["profile", "summary", "transactions"]);
    assert_eq!((c.data_life.unit, c.data_life.value), (AaUnit::Month, 4));
    assert_eq!((c.frequency.unit, c.frequency.value), (AaUnit::Hour, 4));
    assert_eq!(
        c.fi_data_range,
        Some(DataRange {
            from: START,
            to: EXPIRY
        })
    );
    assert_eq!(c.fetch_type.as_deref(), Some("ONETIME"));
    assert_eq!(
        c.purpose.category_type.as_deref(),
        Some("purposeCategoryType")
    );
    let view = c.to_json_value().unwrap();
    assert_eq!(view["source"], "aa");
    assert_eq!(view["evidence"], b64(&c.evidence));
    assert_eq!(
        view["aa"]["dataFilter"],
        serde_json::json!([{"type":"TRANSACTIONAMOUNT","operator":">","value":"20000"}])
    );
    assert_eq!(
        view["aa"]["fiDataRange"],
        serde_json::json!({"from": START, "to": EXPIRY})
    );
    assert_eq!(
        view["aa"]["purpose"]["refUri"],
        "https://api.rebit.org.in/aa/purpose/101.xml"
    );
}

#[test]
fn decide_on_the_imported_spec_example_permits_aa101_view_of_deposit_summary() {
    let c = spec_import();
    let tax = Taxonomy::shipped().unwrap();
    let r = request(FIU, "aa:101", Mode::View, &["/fi/DEPOSIT/summary"], INSIDE).with_uses(0);
    let d = c.decide(&r, &tax, StatusInput::Valid);
    assert_eq!(
        d.to_json(),
        format!(
            r#"{{"allowed":true,"fields":["/fi/DEPOSIT/summary"],"transforms":{{}},"eraseBy":{}}}"#,
            INSIDE + 4 * 30 * 86_400
        )
    );
    let all = request(FIU, "aa:101", Mode::View, &["/fi"], INSIDE).with_uses(3);
    assert_eq!(
        c.decide(&all, &tax, StatusInput::Valid)
            .permit()
            .unwrap()
            .fields
            .len(),
        6
    );
}

#[test]
fn decide_on_the_imported_spec_example_denies_each_with_its_reason() {
    let c = spec_import();
    let tax = Taxonomy::shipped().unwrap();
    let f = ["/fi/DEPOSIT/summary"];
    let cases: Vec<(Request, StatusInput, Vec<&str>)> = vec![
        (
            request(FIU, "aa:102", Mode::View, &f, INSIDE).with_uses(0),
            StatusInput::Valid,
            vec!["purpose_not_granted"],
        ),
        (
            request(FIU, "aa:101", Mode::Store, &f, INSIDE).with_uses(0),
            StatusInput::Valid,
            vec!["mode_not_granted"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, EXPIRY + 1_000).with_uses(0),
            StatusInput::Valid,
            vec!["expired"],
        ),
        (
            request("other-fiu@finvu.in", "aa:101", Mode::View, &f, INSIDE).with_uses(0),
            StatusInput::Valid,
            vec!["audience_mismatch"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, INSIDE),
            StatusInput::Valid,
            vec!["frequency_unchecked"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, INSIDE).with_uses(4),
            StatusInput::Valid,
            vec!["frequency_exceeded"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, START - 1_000).with_uses(0),
            StatusInput::Valid,
            vec!["not_yet_valid", "issued_in_future"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &["/fi/MUTUAL_FUNDS"], INSIDE).with_uses(0),
            StatusInput::Valid,
            vec!["fields_not_granted"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, INSIDE).with_uses(0),
            aa::status_input("REVOKED"),
            vec!["revoked"],
        ),
        (
            request(FIU, "aa:101", Mode::View, &f, INSIDE).with_uses(0),
            aa::status_input("PAUSED"),
            vec!["suspended"],
        ),
    ];
    for (r, status, want) in cases {
        let d = c.decide(&r, &tax, status);
        assert_eq!(reason_codes(&d), want, "{r:?}");
    }
}

#[test]
fn aa_status_values_map_fail_closed() {
    assert_eq!(aa::status_input("ACTIVE"), StatusInput::Valid);
    assert_eq!(aa::status_input("PAUSED"), StatusInput::Suspended);
    for s in ["REVOKED", "EXPIRED", "REJECTED", "PENDING", "active", ""] {
        assert_eq!(aa::status_input(s), StatusInput::Revoked, "{s}");
    }
}

#[test]
fn decide_on_an_imported_consent_equals_decide_on_a_consentry_artefact_with_the_same_claims() {
    let c = spec_import();
    let rng = ring::rand::SystemRandom::new();
    let key = SigningKey::from_ed25519_seed(&[5; 32]).unwrap();
    let mut trust = TrustStore::new();
    trust.add(key.verifying_key().clone()).unwrap();
    let ours = Verifier::new(trust)
        .authenticate(&issue(&c.claims, &key, &rng).unwrap())
        .unwrap();
    let tax = Taxonomy::shipped().unwrap();
    for now in [START - 100, START, INSIDE, EXPIRY - 1, EXPIRY + 61] {
        for purpose in ["aa:101", "aa:cat-1", "aa:102", "abdm:CAREMGT", "nope:1"] {
            for op in [Mode::View, Mode::Store, Mode::Query] {
                for uses in [None, Some(0), Some(4)] {
                    for status in [
                        StatusInput::Valid,
                        StatusInput::Revoked,
                        StatusInput::Unknown,
                    ] {
                        let mut r =
                            request(FIU, purpose, op, &["/fi/DEPOSIT", "/fi/X/summary"], now);
                        if let Some(u) = uses {
                            r = r.with_uses(u);
                        }
                        assert_eq!(c.decide(&r, &tax, status), decide(&ours, &r, &tax, status));
                    }
                }
            }
        }
    }
}

/// The claims that matter for decisions (the notice hash and `cti` follow the signed bytes).
fn terms(c: &ImportedConsent) -> serde_json::Value {
    let mut v = c.claims.to_json_value().unwrap();
    v["consent"]["notice"]["sha256"] = serde_json::Value::Null;
    v["cti"] = serde_json::Value::Null;
    v
}

#[test]
fn quirks_import_to_the_same_claims_as_the_canonical_form() {
    let base = terms(&import_detail(DETAIL).unwrap());
    let variants = [
        // Offsets with a colon, and Z, for the same instants.
        DETAIL.replace("11:38:20.380+0000", "17:08:20.380+05:30").replace("11:38:20.381+0000", "11:38:20.381Z"),
        // Epoch milliseconds.
        DETAIL
            .replace(r#""2019-05-28T11:38:20.380+0000""#, "1559043500380")
            .replace(r#""consentExpiry":"2020-05-28T11:38:20.381+0000""#, r#""consentExpiry":1590665900381"#)
            .replace(r#""from":"2019-05-28T11:38:20.383+0000""#, r#""from":1559043500383.0"#),
        // The spec's TERM_DEPOSIT, and lower case.
        DETAIL.replace("TERM-DEPOSIT", "TERM_DEPOSIT"),
        DETAIL.replace("TERM-DEPOSIT", "term-deposit"),
        // Key casing drift.
        DETAIL
            .replace("\"Purpose\"", "\"purpose\"")
            .replace("\"DataLife\"", "\"dataLife\"")
            .replace("\"FIDataRange\"", "\"fidataRange\"")
            .replace("\"DataConsumer\"", "\"dataConsumer\"")
            .replace("\"Customer\"", "\"customer\"")
            .replace("\"Frequency\"", "\"frequency\"")
            .replace("\"DataFilter\"", "\"dataFilter\""),
        // Numbers written 4.0, a numeric purpose code.
        DETAIL
            .replace(r#""value":4}"#, r#""value":4.0}"#)
            .replace(r#""code":"101""#, r#""code":101.0"#),
        // Another placeholder Category.type, and members outside the signature in the wild.
        DETAIL
            .replace("purposeCategoryType", "string")
            .replacen('{', r#"{"status":"REVOKED","ConsentUse":{"count":99},"createTimestamp":"2030-01-01T00:00:00Z","#, 1),
        // A repeated FI type and consent type add nothing.
        DETAIL
            .replace(r#"["DEPOSIT","TERM-DEPOSIT"]"#, r#"["DEPOSIT","TERM-DEPOSIT","TERM_DEPOSIT"]"#)
            .replace(r#""PROFILE","#, r#""PROFILE","profile","#),
    ];
    for (i, detail) in variants.iter().enumerate() {
        assert_ne!(detail, DETAIL, "variant {i} changed nothing");
        let c = import_detail(detail).unwrap_or_else(|e| panic!("variant {i}: {e}"));
        assert_eq!(terms(&c), base, "variant {i}");
    }
}

#[test]
fn inf_data_life_and_frequency_give_no_limit_and_store_mode_maps() {
    let detail = DETAIL
        .replace(
            r#""DataLife":{"unit":"MONTH","value":4}"#,
            r#""DataLife":{"unit":"INF","value":0}"#,
        )
        .replace(
            r#""Frequency":{"unit":"HOUR","value":4}"#,
            r#""Frequency":{"unit":"INF"}"#,
        )
        .replace(r#""consentMode":"VIEW""#, r#""consentMode":"STORE""#);
    let c = import_detail(&detail).unwrap();
    let g = &c.claims.consent.purposes[0];
    assert_eq!(
        (g.data_life, g.frequency, g.mode),
        (None, None, Mode::Store)
    );
    let tax = Taxonomy::shipped().unwrap();
    let r = request(FIU, "aa:101", Mode::View, &["/fi/DEPOSIT/summary"], INSIDE);
    let d = c.decide(&r, &tax, StatusInput::Valid);
    assert_eq!(d.permit().unwrap().erase_by, EXPIRY);
    let year = DETAIL.replace(r#""unit":"MONTH","value":4"#, r#""unit":"YEAR","value":1"#);
    assert_eq!(
        import_detail(&year).unwrap().claims.consent.purposes[0].data_life,
        Some(365 * 86_400)
    );
    let day = DETAIL.replace(r#""unit":"MONTH","value":4"#, r#""unit":"DAY","value":2"#);
    assert_eq!(
        import_detail(&day).unwrap().claims.consent.purposes[0].data_life,
        Some(2 * 86_400)
    );
}

#[test]
fn detail_errors_are_aa_detail_invalid_naming_the_member_not_the_value() {
    let cases: Vec<(String, &str)> = vec![
        (
            DETAIL.replace(r#""consentMode":"VIEW","#, ""),
            "consentMode",
        ),
        (
            DETAIL.replace(r#""consentMode":"VIEW""#, r#""consentMode":"SHARE""#),
            "consentMode",
        ),
        (
            DETAIL.replace(r#"["DEPOSIT","TERM-DEPOSIT"]"#, "[]"),
            "fiTypes",
        ),
        (
            DETAIL.replace(
                r#"["DEPOSIT","TERM-DEPOSIT"]"#,
                r#"["DEPOSIT","TERM/DEPOSIT"]"#,
            ),
            "fiTypes[1]",
        ),
        (
            DETAIL.replace(r#""SUMMARY""#, r#""BALANCE""#),
            "consentTypes[1]",
        ),
        (
            DETAIL.replace("2019-05-28T11:38:20.380+0000", "2019-05-28T11:38:20.380"),
            "consentStart",
        ),
        (
            DETAIL.replace(
                "2020-05-28T11:38:20.381+0000",
                "2019-05-28T11:38:20.381+0000",
            ),
            "consentExpiry",
        ),
        (
            DETAIL.replace(r#""unit":"MONTH""#, r#""unit":"WEEK""#),
            "DataLife.unit",
        ),
        (
            DETAIL.replace(
                r#""unit":"MONTH","value":4"#,
                r#""unit":"MONTH","value":-1"#,
            ),
            "DataLife.value",
        ),
        (
            DETAIL.replace(
                r#""unit":"MONTH","value":4"#,
                r#""unit":"MONTH","value":4.5"#,
            ),
            "DataLife.value",
        ),
        (
            DETAIL.replace(
                r#""unit":"MONTH","value":4"#,
                r#""unit":"MONTH","value":"4""#,
            ),
            "DataLife.value",
        ),
        (
            DETAIL.replace(r#""unit":"HOUR","value":4"#, r#""unit":"HOUR","value":0"#),
            "Frequency.value",
        ),
        (
            DETAIL.replace(
                r#""Customer":{"id":"demo@finvu"}"#,
                r#""Customer":{"id":"demo@finvu"},"customer":{"id":"other@finvu"}"#,
            ),
            "Customer",
        ),
        (
            DETAIL.replace(r#""Customer":{"id":"demo@finvu"},"#, ""),
            "Customer",
        ),
        (
            DETAIL.replace(
                r#""Customer":{"id":"demo@finvu"}"#,
                r#""Customer":{"id":987654321012}"#,
            ),
            "Customer.id",
        ),
        (
            DETAIL.replace(r#""operator":">""#, r#""operator":"~""#),
            "DataFilter[0].operator",
        ),
        (
            DETAIL.replace(r#""code":"101""#, r#""code":"1 01""#),
            "Purpose.code",
        ),
        (
            DETAIL.replace(
                r#""to":"2020-05-28T11:38:20.381+0000""#,
                r#""to":"2018-05-28T11:38:20.381+0000""#,
            ),
            "FIDataRange.to",
        ),
    ];
    for (detail, member) in cases {
        assert_ne!(detail, DETAIL, "{member}: the case changed nothing");
        let e = import_detail(&detail).expect_err(member);
        assert_eq!(e.code(), Code::AaDetailInvalid, "{member}: {e}");
        let msg = e.to_string();
        assert!(msg.contains(&format!("`{member}`")), "{member}: {msg}");
        assert!(
            !msg.contains("demo@finvu") && !msg.contains("987654321012"),
            "{msg}"
        );
    }
}
