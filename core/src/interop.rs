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
//! let v: serde_json::Value = serde_json::from_str(&out).unwrap();
//! assert_eq!(v["ok"], false);
//! assert_eq!(v["error"]["code"], "cose_untagged");
//! ```

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use crate::error::{Code, HasCode};
use crate::status::{StatusListOptions, StatusListToken};
use crate::{Claims, SigningKey, TrustStore, Verifier};

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

/// Decodes base64url (padding-free) input, naming the member on failure.
fn bytes_of(member: &str, text: &str) -> Result<Vec<u8>, ErrorBody> {
    crate::b64::decode(text).ok_or_else(|| {
        ErrorBody::new(
            Code::RequestInvalid,
            format!("`{member}` is not base64url without padding"),
        )
    })
}

/// Request of `verify`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyRequest {
    /// The artefact, base64url.
    pub artefact: String,
    /// Trusted issuer keys: a JWK Set.
    pub trust: serde_json::Value,
    /// The relying party.
    pub audience: String,
    /// Seconds since the epoch.
    pub now: i64,
    /// Leeway in seconds (default 60, at most 300).
    #[serde(default)]
    pub leeway: Option<u64>,
    /// A signed status list, base64url, to check the artefact's status in.
    #[serde(default)]
    pub status_list: Option<String>,
}

/// Builds a verifier from a JWK Set value and an optional leeway.
pub fn verifier_from_jwks(
    jwks: &serde_json::Value,
    leeway: Option<u64>,
) -> Result<Verifier, ErrorBody> {
    let trust = TrustStore::from_jwks(&jwks.to_string()).map_err(|e| ErrorBody::from_error(&e))?;
    let v = Verifier::new(trust);
    match leeway {
        Some(l) => v.with_leeway(l).map_err(|e| ErrorBody::from_error(&e)),
        None => Ok(v),
    }
}

/// Adds every key of a JWK Set to a trust store the binding holds, all or nothing: the set is
/// checked as a whole first, so a bad key leaves the store unchanged.
pub fn trust_add_jwks(trust: &mut TrustStore, jwks: &serde_json::Value) -> Result<(), ErrorBody> {
    TrustStore::from_jwks(&jwks.to_string()).map_err(|e| ErrorBody::from_error(&e))?;
    let mut next = trust.clone();
    for jwk in jwks
        .get("keys")
        .and_then(|k| k.as_array())
        .into_iter()
        .flatten()
    {
        next.add_jwk(jwk).map_err(|e| ErrorBody::from_error(&e))?;
    }
    *trust = next;
    Ok(())
}

/// Verifies an artefact with a verifier (the long-lived form bindings hold), optionally
/// checking its status in a signed list verified with the same trust store.
pub fn verify_with(
    verifier: &Verifier,
    artefact: &[u8],
    audience: &str,
    now: i64,
    status_list: Option<&[u8]>,
) -> Result<serde_json::Value, ErrorBody> {
    let v = match status_list {
        None => verifier.verify(artefact, audience, now),
        Some(list) => {
            let l = StatusListToken::verify(
                list,
                verifier.trust_store(),
                now,
                &StatusListOptions::default(),
            )
            .map_err(|e| ErrorBody::from_error(&e))?;
            verifier.verify_with_status(artefact, audience, now, &l)
        }
    };
    v.map(|ok| ok.to_json_value())
        .map_err(|e| ErrorBody::from_error(&e))
}

/// `verify`: the verified artefact's JSON form (see [`crate::VerifiedArtefact::to_json_value`]).
pub fn verify(req: &VerifyRequest) -> Result<serde_json::Value, ErrorBody> {
    let verifier = verifier_from_jwks(&req.trust, req.leeway)?;
    let artefact = bytes_of("artefact", &req.artefact)?;
    let list = req
        .status_list
        .as_deref()
        .map(|l| bytes_of("statusList", l))
        .transpose()?;
    verify_with(
        &verifier,
        &artefact,
        &req.audience,
        req.now,
        list.as_deref(),
    )
}

/// Request of `inspect`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectRequest {
    /// The artefact, base64url.
    pub artefact: String,
}

/// `inspect`: the unverified JSON view (marked `"verified": false`).
pub fn inspect(req: &InspectRequest) -> Result<serde_json::Value, ErrorBody> {
    let bytes = bytes_of("artefact", &req.artefact)?;
    crate::inspect(&bytes)
        .map(|u| u.to_json_value())
        .map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `issue`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssueRequest {
    /// The claims' JSON view; `iat` defaults to `now`, `cti` to 16 random bytes.
    pub claims: serde_json::Value,
    /// The issuer's PKCS#8 private key (DER), base64url.
    pub pkcs8: String,
    /// Seconds since the epoch.
    pub now: i64,
}

/// `issue`: `{"artefact": base64url, "cti": base64url}`.
pub fn issue(req: &IssueRequest, rng: &dyn SecureRandom) -> Result<serde_json::Value, ErrorBody> {
    let der = zeroize::Zeroizing::new(bytes_of("pkcs8", &req.pkcs8)?);
    let key = SigningKey::from_pkcs8(&der, rng).map_err(|e| ErrorBody::from_error(&e))?;
    let claims = Claims::from_json_with_defaults(&req.claims.to_string(), req.now, rng)
        .map_err(|e| ErrorBody::from_error(&e))?;
    let bytes = crate::issue(&claims, &key, rng).map_err(|e| ErrorBody::from_error(&e))?;
    Ok(serde_json::json!({ "artefact": crate::b64::encode(&bytes), "cti": claims.cti.to_base64() }))
}

/// Request of `statusGet`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusGetRequest {
    /// The signed status list, base64url.
    pub status_list: String,
    /// Trusted issuer keys: a JWK Set.
    pub trust: serde_json::Value,
    /// The index to look up.
    pub idx: u64,
    /// Seconds since the epoch.
    pub now: i64,
}

/// `statusGet`: `{"idx", "status", "value", "uri", "list": freshness}` from a verified list.
pub fn status_get(req: &StatusGetRequest) -> Result<serde_json::Value, ErrorBody> {
    let trust =
        TrustStore::from_jwks(&req.trust.to_string()).map_err(|e| ErrorBody::from_error(&e))?;
    let bytes = bytes_of("statusList", &req.status_list)?;
    status_get_with(&trust, &bytes, req.idx, req.now)
}

/// `statusGet` with a trust store the binding already holds (the long-lived form): verifies
/// the signed list at `now` and looks up `idx`.
pub fn status_get_with(
    trust: &TrustStore,
    status_list: &[u8],
    idx: u64,
    now: i64,
) -> Result<serde_json::Value, ErrorBody> {
    let l = StatusListToken::verify(status_list, trust, now, &StatusListOptions::default())
        .map_err(|e| ErrorBody::from_error(&e))?;
    let v = l.get(idx).map_err(|e| ErrorBody::from_error(&e))?;
    Ok(serde_json::json!({
        "idx": idx, "status": v.name(), "value": v.as_u8(), "uri": l.token.sub,
        "list": l.freshness.to_json_value(),
    }))
}

/// Request of `keyPublic`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyPublicRequest {
    /// A PKCS#8 private key (DER), base64url.
    pub pkcs8: String,
}

/// `keyPublic`: the public JWK (`kid` = base64url thumbprint).
pub fn key_public(
    req: &KeyPublicRequest,
    rng: &dyn SecureRandom,
) -> Result<serde_json::Value, ErrorBody> {
    let der = zeroize::Zeroizing::new(bytes_of("pkcs8", &req.pkcs8)?);
    let key = SigningKey::from_pkcs8(&der, rng).map_err(|e| ErrorBody::from_error(&e))?;
    Ok(key.verifying_key().to_jwk())
}

fn parse<T: serde::de::DeserializeOwned>(op: &str, json: &str) -> Result<T, ErrorBody> {
    serde_json::from_str(json).map_err(|e| {
        // serde_json messages name members and positions, not values.
        ErrorBody::new(Code::RequestInvalid, format!("`{op}` request: {e}"))
    })
}

/// Every operation [`call_json`] knows.
pub const OPERATIONS: &[&str] = &["verify", "inspect", "issue", "statusGet", "keyPublic"];

/// Runs operation `op` on a JSON request and returns the JSON response envelope. Never panics
/// and never fails: every problem is an `{"ok": false, "error": ...}` response.
pub fn call_json(op: &str, request: &str, rng: &dyn SecureRandom) -> String {
    let result = match op {
        "verify" => parse(op, request).and_then(|r| verify(&r)),
        "inspect" => parse(op, request).and_then(|r| inspect(&r)),
        "issue" => parse(op, request).and_then(|r| issue(&r, rng)),
        "statusGet" => parse(op, request).and_then(|r| status_get(&r)),
        "keyPublic" => parse(op, request).and_then(|r| key_public(&r, rng)),
        _ => Err(ErrorBody::new(
            Code::RequestInvalid,
            format!("unknown operation; known: {}", OPERATIONS.join(", ")),
        )),
    };
    envelope(result)
}

/// The response envelope for a result.
pub fn envelope(result: Result<serde_json::Value, ErrorBody>) -> String {
    match result {
        Ok(v) => serde_json::json!({ "ok": true, "result": v }).to_string(),
        Err(e) => serde_json::json!({ "ok": false, "error": e }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
