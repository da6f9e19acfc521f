//! Issue 13 items 6–8 through `call_json`: request caps, caller taxonomies that cannot widen
//! consent, and no secret in any error message.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::interop::call_json;
use consentry::purpose::MAX_REQUEST_FIELDS;
use consentry::{Algorithm, SigningKey};
use consentry_testkit::checks::reason_codes;
use consentry_testkit::{faces, rng, sweep};
use serde_json::{json, Value};

fn call(op: &str, req: &Value) -> Value {
    serde_json::from_str(&call_json(op, &req.to_string(), &rng())).unwrap()
}

/// A key, its JWK Set, and an artefact for `aa:101` (basis and child as given) issued through
/// `call_json`.
fn issued(basis: &str, child: bool) -> (String, Value) {
    let claims = faces::claims_json(basis, child, &["/name", "/accounts/*/balance"]);
    let (artefact, jwk) = faces::issue_through(&mut |op, req| call_json(op, req, &rng()), &claims);
    (artefact, json!({"keys": [jwk]}))
}

fn decide_req(artefact: &str, trust: &Value, purpose: &str, fields: Vec<String>) -> Value {
    json!({"artefact": artefact, "trust": trust,
        "request": {"recipient": "fiu", "purpose": purpose, "operation": "view",
                    "fields": fields, "now": 1_800_000_100}})
}

#[test]
fn call_json_decide_refuses_an_over_cap_request_with_request_too_large() {
    let (art, trust) = issued("consent", false);
    let many: Vec<String> = (0..=MAX_REQUEST_FIELDS).map(|i| format!("/f{i}")).collect();
    let out = call("decide", &decide_req(&art, &trust, "aa:101", many));
    assert_eq!(out["ok"], false);
    assert_eq!(out["error"]["code"], "request_too_large");
    assert_eq!(out["error"]["numericCode"], 2010);
    let deep = vec![format!("/name{}", "/a".repeat(40))];
    let out = call("decide", &decide_req(&art, &trust, "aa:101", deep));
    assert_eq!(out["error"]["code"], "request_too_large");
    // At the cap: decided (here permitted for the one granted field among them).
    let mut at_cap: Vec<String> = (1..MAX_REQUEST_FIELDS).map(|i| format!("/f{i}")).collect();
    at_cap.push("/name".into());
    let out = call("decide", &decide_req(&art, &trust, "aa:101", at_cap));
    assert_eq!(out["result"]["fields"], json!(["/name"]), "{out}");
}

#[test]
fn decide_denies_an_over_cap_request_built_in_rust() {
    // The core's `decide` (no face in between) fails closed with `undecidable_request`.
    let (art, trust) = issued("consent", false);
    let v = consentry::Verifier::new(consentry::TrustStore::from_jwks(&trust.to_string()).unwrap())
        .authenticate(&consentry::b64::decode(&art).unwrap())
        .unwrap();
    let many: Vec<String> = (0..=MAX_REQUEST_FIELDS).map(|i| format!("/f{i}")).collect();
    let r = consentry::Request::new("fiu", "aa:101", consentry::Mode::View, &many, 1_800_000_100)
        .unwrap();
    let d = consentry::decide(
        &v,
        &r,
        &consentry::Taxonomy::shipped().unwrap(),
        consentry::StatusInput::Valid,
    );
    assert_eq!(d.reasons()[0].code.as_str(), "undecidable_request");
    assert_eq!(
        d.reasons()[0].message,
        "`fields` names 4097 selectors; at most 4096 are allowed"
    );
}

#[test]
fn call_json_decide_answers_two_thousand_selectors_exactly() {
    let (art, trust) = issued("consent", false);
    let mut fields: Vec<String> = (0..2000).map(|i| format!("/accounts/{i}")).collect();
    fields.push("/name".into());
    fields.push("/phone".into());
    let out = call("decide", &decide_req(&art, &trust, "aa:101", fields));
    let got = out["result"]["fields"].as_array().unwrap();
    assert_eq!(got.len(), 2001, "{out}");
    assert!(got.contains(&json!("/accounts/1999/balance")));
    assert_eq!(got[2000], "/name");
}

#[test]
fn call_json_decide_refuses_taxonomies_that_widen_consent() {
    let (art, trust) = issued("mine:lu", true);
    let with = |tax: &str, allow: bool| {
        let mut r = decide_req(&art, &trust, "aa:101", vec!["/name".into()]);
        r["taxonomies"] = json!([tax]);
        r["taxonomyAllowLegitimateUses"] = json!(allow);
        call("decide", &r)
    };
    let graft = r#"{"version":1,"pack":"fid","purposes":[{"code":"fid:targeted-ads","parent":"aa:101","name":"Ads"}]}"#;
    assert_eq!(
        with(graft, true)["error"]["code"],
        "taxonomy_shipped_parent"
    );
    let inside = r#"{"version":1,"pack":"mine","purposes":[{"code":"aa:106","name":"More"}]}"#;
    assert_eq!(
        with(inside, true)["error"]["code"],
        "taxonomy_shipped_prefix"
    );
    let lu = r#"{"version":1,"pack":"mine","purposes":[{"code":"mine:lu","name":"Ours","legitimate_use":true}]}"#;
    let out = with(lu, false);
    assert_eq!(out["error"]["code"], "taxonomy_legitimate_use_not_allowed");
    assert_eq!(out["error"]["numericCode"], 1608);
    // Without the pack: the child's artefact still needs a parent.
    let out = call(
        "decide",
        &decide_req(&art, &trust, "aa:101", vec!["/name".into()]),
    );
    let codes = reason_codes(&out["result"]["reasons"]);
    assert_eq!(codes, ["basis_invalid", "child_consent_unverified"]);
    assert_eq!(with(lu, true)["result"]["allowed"], true);
}

#[test]
fn call_json_never_quotes_a_secret_in_an_error() {
    let pkcs8 = SigningKey::generate_pkcs8(Algorithm::Ed25519, &rng()).unwrap();
    let pk = consentry::b64::encode(&pkcs8);
    let errors = sweep::sweep(&pk, &mut |op, req| call_json(op, req, &rng()));
    assert!(errors > 500, "{errors}");
}

#[test]
fn typed_loaders_never_quote_a_secret() {
    use consentry::HasCode as _;
    // Claims for `issue`: a numeric `sub`, a name as the grantor's role.
    let claims = |sub: &str, role: &str| {
        format!(
            r#"{{"iss":"cm","sub":{sub},"aud":"fiu","exp":1900000000,"consent":{{"v":1,"basis":"consent","child":true,
            "grantor":{{"role":{role},"evidence":"e"}},"notice":{{"id":"n","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"en"}},
            "purposes":[{{"purpose":"aa:101","fields":["/name"],"mode":"view"}}]}}}}"#
        )
    };
    for (sub, role, member) in [
        (sweep::AADHAAR, "\"parent\"", "`sub`"),
        (
            "\"pp-1\"",
            "\"Asha Devi 234567890124\"",
            "`consent.grantor.role`",
        ),
        (
            "\"pp-1\"",
            sweep::MASTER_KEY_DIGITS,
            "`consent.grantor.role`",
        ),
    ] {
        let e =
            consentry::Claims::from_json_with_defaults(&claims(sub, role), 1, &rng()).unwrap_err();
        let m = e.to_string();
        assert!(sweep::leaks(&m).is_none(), "{m}");
        assert!(m.contains(member), "{m}");
        let e = consentry::Claims::from_json(&claims(sub, role)).unwrap_err();
        assert!(sweep::leaks(&e.to_string()).is_none(), "{e}");
    }
    // A policy with a secret in a type and an enum position.
    for doc in [
        format!(
            r#"{{"domain":"d","unlisted":{},"fields":{{}}}}"#,
            sweep::MASTER_KEY_DIGITS
        ),
        r#"{"domain":"d","unlisted":"Asha Devi 234567890124","fields":{}}"#.to_owned(),
        format!(
            r#"{{"domain":{},"unlisted":"drop","fields":{{}}}}"#,
            sweep::AADHAAR
        ),
    ] {
        let e = consentry::Policy::from_json(&doc).unwrap_err();
        assert_eq!(e.code(), consentry::Code::PolicyMalformed);
        assert!(sweep::leaks(&e.to_string()).is_none(), "{e}");
    }
    // A taxonomy with a secret as a code and a name as a flag.
    for doc in [
        format!(r#"{{"version":1,"pack":"t","purposes":[{{"code":{},"name":"n"}}]}}"#, sweep::AADHAAR),
        r#"{"version":1,"pack":"t","purposes":[{"code":"t:a","name":"n","legitimate_use":"Asha Devi 234567890124"}]}"#.to_owned(),
    ] {
        let e = consentry::Taxonomy::from_json("t.json", &doc).unwrap_err();
        assert_eq!(e.code(), consentry::Code::TaxonomyJson);
        assert!(sweep::leaks(&e.to_string()).is_none(), "{e}");
    }
    // A ledger event with a numeric `sub`.
    let e = consentry::ledger::Event::from_json(&format!(
        r#"{{"event":"withdrawn","sub":{},"cti":"AAAAAAAAAAAAAAAAAAAAAA"}}"#,
        sweep::AADHAAR
    ))
    .unwrap_err();
    assert!(sweep::leaks(&e.to_string()).is_none(), "{e}");
    // A trust store with a numeric key.
    let e = consentry::TrustStore::from_jwks(&format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":{}}}]}}"#,
        sweep::MASTER_KEY_DIGITS
    ))
    .unwrap_err();
    assert!(sweep::leaks(&e.to_string()).is_none(), "{e}");
}
