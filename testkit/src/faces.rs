//! The scenario the face-level hardening tests share (the core's JSON layer, the CLI and the C
//! ABI replay the same attacks): who receives, where the status list lives, and the clock.
//! The CLI tests pass these times as arguments (`cli/tests/common`: `T0`, `NOW`).

/// The relying party of the hardening tests.
pub const RECIPIENT: &str = "fiu";
/// The status list URI of the hardening tests.
pub const STATUS_URI: &str = "https://cm.example/status/1";
/// When the hardening tests issue artefacts and lists.
pub const ISSUED_AT: i64 = 1_800_000_000;
/// When the hardening tests check them: a hundred seconds after [`ISSUED_AT`].
pub const CHECKED_AT: i64 = 1_800_000_100;
/// 2030: an `iat` here is in the future at [`CHECKED_AT`]; also the artefacts' expiry.
pub const FUTURE: i64 = 1_900_000_000;

use serde_json::{json, Value};

/// Claims (JSON, as the `issue` operation takes them) granting `aa:101` view of `fields` to
/// [`RECIPIENT`] until [`FUTURE`], on the lawful `basis` given, for a child or not.
pub fn claims_json(basis: &str, child: bool, fields: &[&str]) -> Value {
    json!({"iss": "cm", "sub": "pp-1", "aud": RECIPIENT, "exp": FUTURE,
        "consent": {"v": 1, "basis": basis, "child": child,
            "notice": {"id": "n", "sha256": consentry::b64::encode(&[0; 32]), "lang": "en"},
            "purposes": [{"purpose": "aa:101", "fields": fields, "mode": "view"}]}})
}

/// Issues `claims` at [`ISSUED_AT`] under a fresh Ed25519 key through a JSON `call` (operation,
/// request text → envelope text: `call_json`, `consentry_call_json`, ...): the artefact
/// (base64url) and the key's public JWK. Panics unless both calls succeed.
pub fn issue_through(
    call: &mut dyn FnMut(&str, &str) -> String,
    claims: &Value,
) -> (String, Value) {
    let pkcs8 = consentry::SigningKey::generate_pkcs8(consentry::Algorithm::Ed25519, &crate::rng())
        .expect("a fresh ed25519 key");
    let pk = consentry::b64::encode(&pkcs8);
    let mut ok = |op: &str, req: Value| -> Value {
        let out = call(op, &req.to_string());
        let mut v: Value = serde_json::from_str(&out).expect("the envelope is json");
        assert_eq!(v.get("ok"), Some(&Value::Bool(true)), "{op}: {out}");
        v.get_mut("result").map(Value::take).unwrap_or_default()
    };
    let issued = ok(
        "issue",
        json!({"claims": claims, "pkcs8": pk, "now": ISSUED_AT}),
    );
    let jwk = ok("keyPublic", json!({"pkcs8": pk}));
    let artefact = issued
        .get("artefact")
        .and_then(Value::as_str)
        .expect("`issue` answers an artefact")
        .to_owned();
    (artefact, jwk)
}
