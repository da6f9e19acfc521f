//! `verify`, `inspect` and `statusGet`: artefacts and status lists checked against a trust store.

use serde::{Deserialize, Serialize};

use super::{bytes_of, opt_bytes_of, ErrorBody};
use crate::status::{StatusListOptions, StatusListToken};
pub use crate::verify::{InspectHeader, InspectResponse, VerifyResponse};
use crate::{TrustStore, Verifier};

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
    /// A signed status list, base64url, to check the artefact's status in. With a list,
    /// verification fails closed: it succeeds only when the artefact's own issuer's fresh list
    /// shows VALID (see [`crate::Verifier::verify_with_status`]).
    #[serde(default)]
    pub status_list: Option<String>,
    /// With `statusList`: accept an unknown status (a list signed by another key or published
    /// elsewhere, a stale, expired or future-dated list, a value above 2); it is reported in
    /// `status`. An index past the end of the list is refused all the same. Default false.
    #[serde(default)]
    pub accept_unknown_status: bool,
}

/// A trust store from a request's `trust` member: a JWK Set, through the one loader.
fn trust_of(jwks: &serde_json::Value) -> Result<TrustStore, ErrorBody> {
    let mut trust = TrustStore::new();
    trust
        .add_jwk_set(jwks)
        .map_err(|e| ErrorBody::from_error(&e))?;
    Ok(trust)
}

/// Builds a verifier from a JWK Set value and an optional leeway.
pub fn verifier_from_jwks(
    jwks: &serde_json::Value,
    leeway: Option<u64>,
) -> Result<Verifier, ErrorBody> {
    let v = Verifier::new(trust_of(jwks)?);
    match leeway {
        Some(l) => v.with_leeway(l).map_err(|e| ErrorBody::from_error(&e)),
        None => Ok(v),
    }
}

/// Verifies an artefact with a verifier (the long-lived form bindings hold), optionally
/// checking its status in a signed list verified with the same trust store. With a list it
/// fails closed unless `accept_unknown_status` (see [`crate::Verifier::verify_with_status`]).
pub fn verify_with(
    verifier: &Verifier,
    artefact: &[u8],
    audience: &str,
    now: i64,
    status_list: Option<&[u8]>,
    accept_unknown_status: bool,
) -> Result<VerifyResponse, ErrorBody> {
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
            if accept_unknown_status {
                verifier.verify_with_status_accepting_unknown(artefact, audience, now, &l)
            } else {
                verifier.verify_with_status(artefact, audience, now, &l)
            }
        }
    };
    v.map(|ok| VerifyResponse::from(&ok))
        .map_err(|e| ErrorBody::from_error(&e))
}

/// `verify`: the verified artefact's JSON form.
pub fn verify(req: &VerifyRequest) -> Result<VerifyResponse, ErrorBody> {
    let verifier = verifier_from_jwks(&req.trust, req.leeway)?;
    let artefact = bytes_of("artefact", &req.artefact)?;
    let list = opt_bytes_of("statusList", req.status_list.as_deref())?;
    verify_with(
        &verifier,
        &artefact,
        &req.audience,
        req.now,
        list.as_deref(),
        req.accept_unknown_status,
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
pub fn inspect(req: &InspectRequest) -> Result<InspectResponse, ErrorBody> {
    inspect_bytes(&bytes_of("artefact", &req.artefact)?)
}

/// `inspect` on the artefact's bytes.
pub fn inspect_bytes(artefact: &[u8]) -> Result<InspectResponse, ErrorBody> {
    crate::inspect(artefact)
        .map(|u| InspectResponse::from(&u))
        .map_err(|e| ErrorBody::from_error(&e))
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

/// Response of `statusGet`: an entry of a verified list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusEntry {
    /// The index looked up.
    pub idx: u64,
    /// The status name (`valid`, `invalid`, `suspended`, ...).
    pub status: &'static str,
    /// The status value.
    pub value: u8,
    /// The list's `sub`.
    pub uri: String,
    /// The key that signed the list, base64url (it speaks only for artefacts with that key).
    pub kid: String,
    /// The list's freshness ([`crate::status::Freshness::to_json_value`]).
    pub list: serde_json::Value,
}

/// `statusGet`: `{"idx", "status", "value", "uri", "kid", "list": freshness}` from a verified
/// list (`kid`: the key that signed it; the list applies only to artefacts with that `kid`).
pub fn status_get(req: &StatusGetRequest) -> Result<StatusEntry, ErrorBody> {
    let trust = trust_of(&req.trust)?;
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
) -> Result<StatusEntry, ErrorBody> {
    let l = StatusListToken::verify(status_list, trust, now, &StatusListOptions::default())
        .map_err(|e| ErrorBody::from_error(&e))?;
    let v = l.get(idx).map_err(|e| ErrorBody::from_error(&e))?;
    Ok(StatusEntry {
        idx,
        status: v.name(),
        value: v.as_u8(),
        uri: l.token.sub.clone(),
        kid: crate::b64::encode(&l.kid),
        list: l.freshness.to_json_value(),
    })
}
