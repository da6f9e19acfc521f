//! `aaVerify`, `aaVerifyDetached` and `aaDecide`: Account Aggregator consents (a compact JWS,
//! RS256, over a `SignedConsentDetail`) and detached `x-jws-signature` values, through
//! [`crate::aa`]. The contract is `docs/aa.md`.

use serde::{Deserialize, Serialize};

use super::{bytes_of, taxonomy_with_options, ErrorBody};
use crate::aa::{self, AaTrust};

/// The AA keys of a request's `trust` member: a JWK Set (its non-RSA members, consentry's own
/// keys, are checked and set aside), a single RSA JWK, or Central Registry entity records.
fn aa_trust_of(trust: &serde_json::Value) -> Result<AaTrust, ErrorBody> {
    aa::split_trust(trust, None)
        .map(|t| t.aa)
        .map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `aaVerify`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AaVerifyRequest {
    /// The compact JWS (`signedConsent`).
    pub jws: String,
    /// The AA key document: a JWK Set, a JWK, or Central Registry entity records.
    pub trust: serde_json::Value,
    /// The entity id the signing key must be bound to (`aa_issuer_mismatch` otherwise).
    #[serde(default)]
    pub issuer: Option<String>,
    /// Seconds since the epoch: when given, the consent must be inside its window
    /// (`not_yet_valid` before `consentStart`, `expired` from `consentExpiry`).
    #[serde(default)]
    pub now: Option<i64>,
}

/// Response of `aaVerify`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AaVerifyResponse {
    /// The header's `kid`.
    pub kid: String,
    /// `RS256` or `PS256`.
    pub alg: String,
    /// How `b64` was written: `false`, `true` or `absent`.
    pub b64: String,
    /// The entity the signing key is bound to (`null` for a key loaded without one).
    pub issuer: Option<String>,
    /// The signed detail, parsed after the signature verified.
    pub payload: serde_json::Value,
    /// The imported view ([`aa::ImportedConsent::to_json_value`]).
    pub claims: serde_json::Value,
    /// SHA-256 of the JWS text, base64url.
    pub evidence: String,
}

/// `aaVerify`: verifies the JWS, imports the detail and, with `now`, checks its window.
pub fn aa_verify(req: &AaVerifyRequest) -> Result<AaVerifyResponse, ErrorBody> {
    let trust = aa_trust_of(&req.trust)?;
    aa_verify_with(&trust, &req.jws, req.issuer.as_deref(), req.now)
}

/// [`aa_verify`] with a loaded trust store (the long-lived form faces hold).
pub fn aa_verify_with(
    trust: &AaTrust,
    jws: &str,
    issuer: Option<&str>,
    now: Option<i64>,
) -> Result<AaVerifyResponse, ErrorBody> {
    let (v, imported) =
        aa::verify_current(jws, trust, issuer, now).map_err(|e| ErrorBody::from_error(&e))?;
    aa_verify_response(&v, &imported)
}

/// The `aaVerify` result of a verified and imported consent (for faces that run the checks
/// themselves, such as `consentry verify --batch`, which also checks the audience).
pub fn aa_verify_response(
    v: &aa::VerifiedAa,
    imported: &aa::ImportedConsent,
) -> Result<AaVerifyResponse, ErrorBody> {
    Ok(AaVerifyResponse {
        kid: v.kid.clone(),
        alg: v.alg.name().to_owned(),
        b64: v.b64.as_str().to_owned(),
        issuer: v.issuer.clone(),
        payload: v.detail().clone(),
        claims: imported
            .to_json_value()
            .map_err(|e| ErrorBody::from_error(&e))?,
        evidence: crate::b64::encode(&v.evidence()),
    })
}

/// Request of `aaVerifyDetached`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AaVerifyDetachedRequest {
    /// The `x-jws-signature` value, `header..signature`.
    pub signature: String,
    /// The body exactly as sent, base64url.
    pub body: String,
    /// The AA key document (as for `aaVerify`).
    pub trust: serde_json::Value,
    /// The entity id the signing key must be bound to.
    #[serde(default)]
    pub issuer: Option<String>,
}

/// Response of `aaVerifyDetached`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AaDetachedResponse {
    /// The header's `kid`.
    pub kid: String,
    /// `RS256` or `PS256`.
    pub alg: String,
    /// How `b64` was written: `false`, `true` or `absent`.
    pub b64: String,
    /// The entity the signing key is bound to (`null` for a key loaded without one).
    pub issuer: Option<String>,
}

/// `aaVerifyDetached`: verifies `header..signature` over the body bytes.
pub fn aa_verify_detached(req: &AaVerifyDetachedRequest) -> Result<AaDetachedResponse, ErrorBody> {
    let trust = aa_trust_of(&req.trust)?;
    let body = bytes_of("body", &req.body)?;
    aa_verify_detached_with(&trust, &req.signature, &body, req.issuer.as_deref())
}

/// [`aa_verify_detached`] with a loaded trust store and the body's bytes.
pub fn aa_verify_detached_with(
    trust: &AaTrust,
    signature: &str,
    body: &[u8],
    issuer: Option<&str>,
) -> Result<AaDetachedResponse, ErrorBody> {
    let v = aa::verify_detached(signature, body, trust, issuer)
        .map_err(|e| ErrorBody::from_error(&e))?;
    Ok(AaDetachedResponse {
        kid: v.kid,
        alg: v.alg.name().to_owned(),
        b64: v.b64.as_str().to_owned(),
        issuer: v.issuer,
    })
}

/// Request of `aaDecide`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AaDecideRequest {
    /// The compact JWS (`signedConsent`).
    pub jws: String,
    /// The AA key document (as for `aaVerify`).
    pub trust: serde_json::Value,
    /// The entity id the signing key must be bound to.
    #[serde(default)]
    pub issuer: Option<String>,
    /// What the recipient wants to do (as for `decide`).
    pub request: crate::Request,
    /// Taxonomy documents (JSON text) added to the shipped packs.
    #[serde(default)]
    pub taxonomies: Vec<String>,
    /// Lets `taxonomies` flag legitimate uses (default: refused).
    #[serde(default)]
    pub taxonomy_allow_legitimate_uses: bool,
    /// The consent's status as the caller learnt it from the AA (`ACTIVE`, `PAUSED`,
    /// `REVOKED`, ...): `ACTIVE` is valid, `PAUSED` suspended, any other value revoked; absent,
    /// the status is unknown: denied with `status_unknown` unless the request accepts an
    /// unknown status. Never read
    /// from the consent response: it sits outside the signature.
    #[serde(default)]
    pub status: Option<String>,
}

/// `aaDecide`: the same decision as `decide`, on the imported consent. A JWS that fails
/// verification or import is an error; time, recipient, purpose, fields and status are
/// decision checks (a denial with its reasons).
pub fn aa_decide(req: &AaDecideRequest) -> Result<crate::Decision, ErrorBody> {
    let trust = aa_trust_of(&req.trust)?;
    let extra: Vec<(String, String)> = req
        .taxonomies
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("taxonomies[{i}]"), t.clone()))
        .collect();
    let taxonomy = taxonomy_with_options(&extra, req.taxonomy_allow_legitimate_uses)?;
    aa_decide_with(
        &trust,
        &taxonomy,
        &req.jws,
        req.issuer.as_deref(),
        &req.request,
        req.status.as_deref(),
    )
}

/// [`aa_decide`] with a loaded trust store and taxonomy.
pub fn aa_decide_with(
    trust: &AaTrust,
    taxonomy: &crate::Taxonomy,
    jws: &str,
    issuer: Option<&str>,
    request: &crate::Request,
    status: Option<&str>,
) -> Result<crate::Decision, ErrorBody> {
    request
        .check_limits()
        .map_err(|e| ErrorBody::from_error(&e))?;
    let err = |e: aa::AaError| ErrorBody::from_error(&e);
    let v = aa::verify_signed_consent(jws, trust, issuer).map_err(err)?;
    let imported = aa::import(&v).map_err(err)?;
    Ok(imported.decide_with_aa_status(request, taxonomy, status))
}
