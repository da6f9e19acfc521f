//! `issue` and `keyPublic`: operations that use a private key.

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use super::{bytes_of, ErrorBody};
use crate::{Claims, SigningKey};

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

/// Response of `issue`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IssueResponse {
    /// The signed artefact, base64url.
    pub artefact: String,
    /// Its `cti`, base64url.
    pub cti: String,
}

/// `issue`: `{"artefact": base64url, "cti": base64url}`.
pub fn issue(req: &IssueRequest, rng: &dyn SecureRandom) -> Result<IssueResponse, ErrorBody> {
    let der = zeroize::Zeroizing::new(bytes_of("pkcs8", &req.pkcs8)?);
    issue_pkcs8(&der, &req.claims.to_string(), req.now, rng)
}

/// `issue` on typed inputs: a PKCS#8 private key (DER) and the claims' JSON text.
pub fn issue_pkcs8(
    pkcs8: &[u8],
    claims_json: &str,
    now: i64,
    rng: &dyn SecureRandom,
) -> Result<IssueResponse, ErrorBody> {
    let key = SigningKey::from_pkcs8(pkcs8, rng).map_err(|e| ErrorBody::from_error(&e))?;
    let (bytes, claims) = issue_with(&key, claims_json, now, rng)?;
    Ok(IssueResponse {
        artefact: crate::b64::encode(&bytes),
        cti: claims.cti.to_base64(),
    })
}

/// Issues an artefact from the claims' JSON view with a key bindings hold (the long-lived form
/// of `issue`): `iat` defaults to `now`, `cti` to 16 random bytes. Returns the artefact and the
/// claims as signed.
pub fn issue_with(
    key: &SigningKey,
    claims_json: &str,
    now: i64,
    rng: &dyn SecureRandom,
) -> Result<(Vec<u8>, Claims), ErrorBody> {
    let claims = Claims::from_json_with_defaults(claims_json, now, rng)
        .map_err(|e| ErrorBody::from_error(&e))?;
    let bytes = crate::issue(&claims, key, rng).map_err(|e| ErrorBody::from_error(&e))?;
    Ok((bytes, claims))
}

/// Request of `keyPublic`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyPublicRequest {
    /// A PKCS#8 private key (DER), base64url.
    pub pkcs8: String,
}

/// Response of `keyPublic`: the public JWK ([`crate::VerifyingKey::to_jwk`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PublicJwk(pub serde_json::Value);

/// `keyPublic`: the public JWK (`kid` = base64url thumbprint).
pub fn key_public(req: &KeyPublicRequest, rng: &dyn SecureRandom) -> Result<PublicJwk, ErrorBody> {
    let der = zeroize::Zeroizing::new(bytes_of("pkcs8", &req.pkcs8)?);
    key_public_pkcs8(&der, rng)
}

/// `keyPublic` on a PKCS#8 private key (DER).
pub fn key_public_pkcs8(pkcs8: &[u8], rng: &dyn SecureRandom) -> Result<PublicJwk, ErrorBody> {
    let key = SigningKey::from_pkcs8(pkcs8, rng).map_err(|e| ErrorBody::from_error(&e))?;
    Ok(PublicJwk(key.verifying_key().to_jwk()))
}
