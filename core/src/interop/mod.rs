//! The binding-neutral layer: request and response types shared by every face (npm, C ABI,
//! CLI), each operation with a typed function and a JSON-string form.
//!
//! JSON conventions: camelCase members, unknown members refused, bytes as base64url without
//! padding, times as seconds since the epoch. A response is `{"ok": true, "result": ...}` or
//! `{"ok": false, "error": {"code": "...", "numericCode": N, "message": "..."}}`; the codes are
//! [`Code`]'s. Bindings add no logic: they convert arguments and call these functions.
//!
//! ```
//! let rng = ring::rand::SystemRandom::new();
//! let out = consentry::interop::call_json("verify", r#"{"artefact": "AAAA", "trust": {"keys": []},
//!     "audience": "tn.health", "now": 1800000000}"#, &rng);
//! let v: serde_json::Value = serde_json::from_str(&out)?;
//! assert_eq!(v["ok"], false);
//! assert_eq!(v["error"]["code"], "cose_untagged");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use crate::error::{Code, HasCode};

mod aa;
mod decide;
mod ids;
mod issue;
mod pseudo;
mod verify;

pub use aa::{
    aa_decide, aa_decide_with, aa_verify, aa_verify_detached, aa_verify_detached_with,
    aa_verify_response, aa_verify_with, AaDecideRequest, AaDetachedResponse,
    AaVerifyDetachedRequest, AaVerifyRequest, AaVerifyResponse,
};
pub use decide::{
    decide, decide_with, filter, taxonomy_with, taxonomy_with_options, DecideRequest,
    FilterRequest, RecordResponse,
};
pub use ids::{
    id_detect, id_mask, id_validate, DetectRequest, DetectResponse, IdRequest, IdValidation,
    MaskResponse, Span,
};
pub use issue::{
    issue, issue_pkcs8, issue_with, key_public, key_public_pkcs8, IssueRequest, IssueResponse,
    KeyPublicRequest, PublicJwk,
};
pub use pseudo::{
    policy_of, pseudonymise, pseudonymise_csv, pseudonymise_record, pseudonymise_value,
    pseudonymise_with, pseudonymiser, CsvResponse, CsvRows, PseudonymiseRequest,
    PseudonymiseResponse, ValueResponse,
};
pub use verify::{
    inspect, inspect_bytes, status_get, status_get_with, verifier_from_jwks, verify, verify_with,
    InspectHeader, InspectRequest, InspectResponse, StatusEntry, StatusGetRequest, VerifyRequest,
    VerifyResponse,
};

/// An error as every face reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The stable string code, e.g. `signature_invalid`.
    pub code: String,
    /// The stable numeric code (the C `consentry_result` value).
    pub numeric_code: u32,
    /// A lower-case message naming what is wrong, never a secret or personal value.
    pub message: String,
}

impl ErrorBody {
    /// From any error with a code.
    pub fn from_error<E: HasCode + core::fmt::Display>(e: &E) -> Self {
        Self::new(e.code(), e.to_string())
    }

    /// From a code and a message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ErrorBody {
            code: code.as_str().to_owned(),
            numeric_code: code.as_u32(),
            message: message.into(),
        }
    }
}

/// The body's code, read from its number. A body deserialised from a newer build with a number
/// this build does not know is [`Code::Internal`].
impl HasCode for ErrorBody {
    fn code(&self) -> Code {
        Code::from_u32(self.numeric_code).unwrap_or(Code::Internal)
    }
}

/// Decodes base64url (padding-free) input, naming the member on failure.
fn bytes_of(member: &str, text: &str) -> Result<Vec<u8>, ErrorBody> {
    crate::b64::decode(text).ok_or_else(|| {
        ErrorBody::new(
            Code::RequestInvalid,
            format!("`{member}` is not base64url without padding"),
        )
    })
}

/// Decodes an optional base64url member.
fn opt_bytes_of(member: &str, text: Option<&str>) -> Result<Option<Vec<u8>>, ErrorBody> {
    text.map(|t| bytes_of(member, t)).transpose()
}

fn parse<T: serde::de::DeserializeOwned>(op: &str, json: &str) -> Result<T, ErrorBody> {
    // Messages name members and positions, never values (see `crate::json`).
    crate::json::from_str(json)
        .map_err(|e| ErrorBody::new(Code::RequestInvalid, format!("`{op}` request: {e}")))
}

/// Every operation [`call`] knows.
pub const OPERATIONS: &[&str] = &[
    "verify",
    "decide",
    "filter",
    "pseudonymise",
    "idValidate",
    "idMask",
    "idDetect",
    "inspect",
    "issue",
    "statusGet",
    "keyPublic",
    "aaVerify",
    "aaVerifyDetached",
    "aaDecide",
];

/// The typed result of any operation: one variant per operation, each serialising to the
/// operation's JSON result (the `result` member of the envelope).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Response {
    /// `verify`.
    Verify(VerifyResponse),
    /// `decide`.
    Decide(crate::Decision),
    /// `filter`.
    Filter(RecordResponse),
    /// `pseudonymise`.
    Pseudonymise(PseudonymiseResponse),
    /// `idValidate`.
    IdValidate(IdValidation),
    /// `idMask`.
    IdMask(MaskResponse),
    /// `idDetect`.
    IdDetect(DetectResponse),
    /// `inspect`.
    Inspect(InspectResponse),
    /// `issue`.
    Issue(IssueResponse),
    /// `statusGet`.
    StatusGet(StatusEntry),
    /// `keyPublic`.
    KeyPublic(PublicJwk),
    /// `aaVerify`.
    AaVerify(AaVerifyResponse),
    /// `aaVerifyDetached`.
    AaVerifyDetached(AaDetachedResponse),
    /// `aaDecide`.
    AaDecide(crate::Decision),
}

/// Runs operation `op` on a JSON request: the typed response, or the error every face
/// reports. Faces call this and convert the value; they never parse an envelope.
pub fn call(op: &str, request: &str, rng: &dyn SecureRandom) -> Result<Response, ErrorBody> {
    use Response as R;
    match op {
        "verify" => parse(op, request).and_then(|r| verify(&r)).map(R::Verify),
        "decide" => parse(op, request).and_then(|r| decide(&r)).map(R::Decide),
        "filter" => parse(op, request).and_then(|r| filter(&r)).map(R::Filter),
        "pseudonymise" => parse(op, request)
            .and_then(|r| pseudonymise(&r))
            .map(R::Pseudonymise),
        "idValidate" => parse(op, request)
            .and_then(|r| id_validate(&r))
            .map(R::IdValidate),
        "idMask" => parse(op, request).and_then(|r| id_mask(&r)).map(R::IdMask),
        "idDetect" => parse(op, request)
            .and_then(|r| id_detect(&r))
            .map(R::IdDetect),
        "inspect" => parse(op, request).and_then(|r| inspect(&r)).map(R::Inspect),
        "issue" => parse(op, request)
            .and_then(|r| issue(&r, rng))
            .map(R::Issue),
        "statusGet" => parse(op, request)
            .and_then(|r| status_get(&r))
            .map(R::StatusGet),
        "keyPublic" => parse(op, request)
            .and_then(|r| key_public(&r, rng))
            .map(R::KeyPublic),
        "aaVerify" => parse(op, request)
            .and_then(|r| aa_verify(&r))
            .map(R::AaVerify),
        "aaVerifyDetached" => parse(op, request)
            .and_then(|r| aa_verify_detached(&r))
            .map(R::AaVerifyDetached),
        "aaDecide" => parse(op, request)
            .and_then(|r| aa_decide(&r))
            .map(R::AaDecide),
        _ => Err(ErrorBody::new(
            Code::RequestInvalid,
            format!("unknown operation; known: {}", OPERATIONS.join(", ")),
        )),
    }
}

/// Runs operation `op` on a JSON request and returns the JSON response envelope ([`call`],
/// then [`envelope`]). Never panics and never fails: every problem is an
/// `{"ok": false, "error": ...}` response.
pub fn call_json(op: &str, request: &str, rng: &dyn SecureRandom) -> String {
    envelope(call(op, request, rng).as_ref())
}

/// The envelope around a result: `{"ok": true, "result"}` or `{"ok": false, "error"}`.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a ErrorBody>,
}

/// The response envelope for a result (any serialisable response: a [`Response`], one
/// operation's typed response, or a `serde_json::Value`), as [`to_json_text`] writes it.
pub fn envelope<T: Serialize>(result: Result<&T, &ErrorBody>) -> String {
    let env = match result {
        Ok(v) => Envelope {
            ok: true,
            result: Some(v),
            error: None,
        },
        Err(e) => Envelope {
            ok: false,
            result: None,
            error: Some(e),
        },
    };
    to_json_text(&env).unwrap_or_else(|e| {
        to_json_text(&Envelope::<()> {
            ok: false,
            result: None,
            error: Some(&e),
        })
        .unwrap_or_else(|_| UNWRITABLE.to_owned())
    })
}

/// The envelope when not even an error envelope can be written: still a well-formed failure
/// with code `internal`, never empty text (a test holds it to `Code::Internal`).
const UNWRITABLE: &str = r#"{"error":{"code":"internal","message":"the response could not be written","numericCode":2105},"ok":false}"#;

/// The JSON text every face hands out for a response: compact, object members in sorted
/// order at every depth (so the same value gives the same bytes through every face, whatever
/// order a struct declares its fields in). Fails only on a map with non-text keys, which no
/// response holds.
pub fn to_json_text<T: Serialize + ?Sized>(value: &T) -> Result<String, ErrorBody> {
    serde_json::to_value(value)
        .map(|v| v.to_string())
        .map_err(|e| ErrorBody::new(Code::Internal, format!("response not serialisable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_resort_envelope_is_a_well_formed_internal_failure() {
        let v: serde_json::Value = serde_json::from_str(UNWRITABLE).unwrap();
        assert_eq!(v["ok"], false);
        assert_eq!(v["error"]["code"], Code::Internal.as_str());
        assert_eq!(v["error"]["numericCode"], Code::Internal.as_u32());
    }
    use crate::SigningKey;

    #[test]
    fn every_listed_operation_is_dispatched() {
        let rng = ring::rand::SystemRandom::new();
        for op in OPERATIONS {
            let out = call_json(op, "{}", &rng);
            assert!(
                !out.contains("unknown operation"),
                "`{op}` is listed but not dispatched"
            );
        }
    }

    #[test]
    fn issue_then_verify_through_json() {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = SigningKey::generate_pkcs8(crate::Algorithm::Ed25519, &rng).unwrap();
        let pk = crate::b64::encode(&pkcs8);
        let claims = serde_json::json!({"iss": "cm", "sub": "pp-1", "aud": "tn.health", "exp": 1_900_000_000,
            "consent": {"v": 1, "basis": "consent", "notice": {"id": "n", "sha256": crate::b64::encode(&[0; 32]), "lang": "en"},
            "purposes": [{"purpose": "aa:101", "fields": ["/name"], "mode": "view"}]}});
        let out: serde_json::Value = serde_json::from_str(&call_json(
            "issue",
            &serde_json::json!({"claims": claims, "pkcs8": pk, "now": 1_800_000_000}).to_string(),
            &rng,
        ))
        .unwrap();
        assert_eq!(out["ok"], true, "{out}");
        let jwk: serde_json::Value = serde_json::from_str(&call_json(
            "keyPublic",
            &serde_json::json!({"pkcs8": pk}).to_string(),
            &rng,
        ))
        .unwrap();
        let req = serde_json::json!({"artefact": out["result"]["artefact"], "trust": {"keys": [jwk["result"]]},
            "audience": "tn.health", "now": 1_800_000_001});
        let v: serde_json::Value =
            serde_json::from_str(&call_json("verify", &req.to_string(), &rng)).unwrap();
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["result"]["claims"]["sub"], "pp-1");
        let bad: serde_json::Value =
            serde_json::from_str(&call_json("verify", r#"{"artefact": 1}"#, &rng)).unwrap();
        assert_eq!(bad["error"]["code"], "request_invalid");
        let unknown: serde_json::Value =
            serde_json::from_str(&call_json("nope", "{}", &rng)).unwrap();
        assert_eq!(
            unknown["error"]["numericCode"],
            Code::RequestInvalid.as_u32()
        );
    }

    #[test]
    fn filter_refuses_a_permit_past_its_erase_by_when_given_now() {
        let rng = ring::rand::SystemRandom::new();
        let permit = serde_json::json!({"allowed": true, "fields": ["/name"], "transforms": {},
            "eraseBy": 1_800_000_000});
        let req = |now: Option<i64>| {
            let mut r = serde_json::json!({"decision": permit, "record": {"name": "A", "x": 1}});
            if let Some(n) = now {
                r["now"] = n.into();
            }
            serde_json::from_str::<serde_json::Value>(&call_json("filter", &r.to_string(), &rng))
                .unwrap()
        };
        assert_eq!(
            req(Some(1_799_999_999))["result"]["record"],
            serde_json::json!({"name": "A"})
        );
        let late = req(Some(1_800_000_000));
        assert_eq!(late["error"]["code"], "permit_expired", "{late}");
        assert_eq!(req(None)["ok"], true);
    }

    #[test]
    fn call_gives_the_typed_response_and_call_json_is_its_envelope() {
        let rng = ring::rand::SystemRandom::new();
        let req = r#"{"type": "aadhaar", "value": "2345 6789 0124"}"#;
        let r = call("idMask", req, &rng).unwrap();
        assert_eq!(
            r,
            Response::IdMask(MaskResponse {
                masked: "XXXX XXXX 0124".into()
            })
        );
        assert_eq!(
            call_json("idMask", req, &rng),
            r#"{"ok":true,"result":{"masked":"XXXX XXXX 0124"}}"#
        );
        let e = call("idMask", r#"{"type": "nope", "value": "x"}"#, &rng).unwrap_err();
        assert_eq!(e.code, "id_unknown_type");
        // Members sorted at every depth, whatever order the structs declare.
        let out = call_json("idMask", "{", &rng);
        assert!(
            out.starts_with(r#"{"error":{"code":"request_invalid","message":"#),
            "{out}"
        );
        assert!(out.ends_with(r#""numericCode":2000},"ok":false}"#), "{out}");
        let v = call(
            "idValidate",
            r#"{"type": "aadhaar", "value": "2345 6789 0125"}"#,
            &rng,
        )
        .unwrap();
        let text = to_json_text(&v).unwrap();
        assert!(
            text.starts_with(r#"{"error":{"code":"#) && text.ends_with(r#""valid":false}"#),
            "{text}"
        );
    }
}
