//! The secret sweep shared by the core (`call_json`) and the C ABI (`consentry_call_json`): a
//! template request per operation, and every member of it replaced, one at a time, by a secret
//! of the wrong type or an unknown enum value. No error may quote the secret.
#![expect(
    clippy::panic,
    reason = "the sweep's verdict is a test failure naming the operation and the member"
)]

use serde_json::{json, Value};

/// An Aadhaar number (Verhoeff-valid) passed as a JSON number.
pub const AADHAAR: &str = "234567890124";
/// A 64-hex-digit master key whose digits are all decimal, passed as a JSON number.
pub const MASTER_KEY_DIGITS: &str =
    "3141592653589793238462643383279502884197169399375105820974944592";
/// A person's name and number, put where an enum value or a string belongs.
pub const NAME: &str = "Asha Devi 234567890124";

/// What must never appear in an error: each secret, and long pieces of it (a number printed in
/// floating point keeps its leading digits).
pub fn leaks(text: &str) -> Option<&'static str> {
    [
        AADHAAR,
        "2345678901",
        MASTER_KEY_DIGITS,
        "3141592653",
        "1415926535",
        "Asha",
    ]
    .into_iter()
    .find(|s| text.contains(s))
}

/// The replacement values: the Aadhaar and the master key as numbers, the name as a string.
pub fn secrets() -> Vec<Value> {
    vec![
        serde_json::from_str(AADHAAR).expect("digits are a json number"),
        serde_json::from_str(MASTER_KEY_DIGITS).expect("digits are a json number"),
        Value::String(NAME.to_owned()),
        json!([AADHAAR.parse::<u64>().expect("twelve digits fit in a u64")]),
        json!({ NAME: 1 }),
    ]
}

/// A valid-shaped request for every operation of `consentry::interop::OPERATIONS`.
pub fn templates(pkcs8_b64: &str) -> Vec<(&'static str, Value)> {
    let claims = json!({"iss": "cm", "sub": "pp-1", "aud": "fiu", "exp": 1_900_000_000,
        "consent": {"v": 1, "basis": "consent", "child": true,
            "grantor": {"role": "parent", "evidence": "e"},
            "notice": {"id": "n", "sha256": "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s", "lang": "en"},
            "purposes": [{"purpose": "aa:101", "fields": ["/name"], "mode": "view",
                          "transforms": {"/name": "pseudonym"}, "data_life": 10,
                          "frequency": {"max": 1, "per": 10}}]}});
    let policy = json!({"domain": "d", "unlisted": "drop",
        "fields": {"/aadhaar": {"type": "aadhaar", "transform": "ff1"},
                   "/name": {"type": "text", "transform": "pseudonym"}}});
    let key = "00".repeat(32);
    let trust = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]});
    vec![
        (
            "verify",
            json!({"artefact": "AAAA", "trust": trust, "audience": "fiu", "now": 1,
                          "leeway": 1, "statusList": "AAAA"}),
        ),
        (
            "decide",
            json!({"artefact": "AAAA", "trust": trust,
            "request": {"recipient": "fiu", "purpose": "aa:101", "operation": "view",
                        "fields": ["/name"], "now": 1, "uses": 0, "leeway": 1,
                        "acceptUnknownStatus": false},
            "taxonomies": [], "taxonomyAllowLegitimateUses": false, "statusList": "AAAA"}),
        ),
        (
            "filter",
            json!({"decision": {"allowed": true, "fields": ["/name"],
                                       "transforms": {"/name": "pseudonym"}, "eraseBy": 1},
                          "record": {"name": "x"}, "policy": policy, "masterKey": key}),
        ),
        (
            "pseudonymise",
            json!({"policy": policy, "masterKey": key, "reverse": false,
                                "field": "/name", "value": "x"}),
        ),
        (
            "pseudonymise",
            json!({"policy": policy, "masterKey": key,
                                "csv": {"header": ["name"], "rows": [["x"]]}}),
        ),
        ("idValidate", json!({"type": "aadhaar", "value": "x"})),
        ("idMask", json!({"type": "aadhaar", "value": "x"})),
        ("idDetect", json!({"text": "x"})),
        ("inspect", json!({"artefact": "AAAA"})),
        (
            "issue",
            json!({"claims": claims, "pkcs8": pkcs8_b64, "now": 1_800_000_000}),
        ),
        (
            "statusGet",
            json!({"statusList": "AAAA", "trust": trust, "idx": 1, "now": 1}),
        ),
        ("keyPublic", json!({"pkcs8": pkcs8_b64})),
    ]
}

/// Members holding an enum value (a fixed list of names): the string secret goes there as an
/// unknown variant. Elsewhere a string member is replaced only by secrets of another type.
pub const ENUM_MEMBERS: &[&str] = &[
    "operation",
    "mode",
    "role",
    "unlisted",
    "type",
    "transform",
    "event",
    "kty",
    "crv",
    "basis",
];

/// Every variant of `v` with one member (at any depth, the whole value included) replaced by
/// `secret` (a string secret replaces a string only in an [`ENUM_MEMBERS`] member), with the
/// path replaced.
pub fn mutations(v: &Value, secret: &Value) -> Vec<(String, Value)> {
    mutations_at(v, secret, true)
}

fn mutations_at(v: &Value, secret: &Value, enum_member: bool) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if !(v.is_string() && secret.is_string()) || enum_member {
        out.push((String::from("$"), secret.clone()));
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                for (p, sub) in mutations_at(child, secret, ENUM_MEMBERS.contains(&k.as_str())) {
                    let mut copy = m.clone();
                    copy.insert(k.clone(), sub);
                    out.push((format!("{k}/{p}"), Value::Object(copy)));
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                for (p, sub) in mutations_at(child, secret, false) {
                    let mut copy = a.clone();
                    if let Some(slot) = copy.get_mut(i) {
                        *slot = sub;
                    }
                    out.push((format!("{i}/{p}"), Value::Array(copy)));
                }
            }
        }
        _ => {}
    }
    out
}

/// Runs `call` (op, request JSON → response envelope) on every mutation of every template and
/// checks that no error envelope quotes a secret. Returns how many error envelopes it saw.
pub fn sweep(pkcs8_b64: &str, call: &mut dyn FnMut(&str, &str) -> String) -> usize {
    let mut errors = 0;
    for (op, template) in templates(pkcs8_b64) {
        for secret in secrets() {
            for (path, request) in mutations(&template, &secret) {
                let text = request.to_string();
                let out = call(op, &text);
                let v: Value = serde_json::from_str(&out)
                    .unwrap_or_else(|e| panic!("{op} {path}: not json ({e}): {out}"));
                if v.get("ok") == Some(&Value::Bool(false)) {
                    errors += 1;
                    let e = v.get("error").unwrap_or(&Value::Null).to_string();
                    if let Some(s) = leaks(&e) {
                        panic!("{op} at {path}: the error quotes `{s}`: {e}");
                    }
                }
            }
        }
    }
    errors
}
