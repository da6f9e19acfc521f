//! The JSON views of a verified and of an unverified artefact, shared by every face
//! ([`VerifyResponse`], [`InspectResponse`]; `interop` hands them out).

use serde::Serialize;

/// Response of `verify`: the verified artefact's JSON form, shared by every face.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    /// Always `true`.
    pub verified: bool,
    /// `EdDSA` or `ES256`.
    pub alg: &'static str,
    /// The `kid` the artefact named, base64url.
    pub kid: String,
    /// The status check ([`crate::StatusCheck::to_json_value`]).
    pub status: serde_json::Value,
    /// The claims (written as their JSON view, [`crate::Claims::to_json_value`]).
    pub claims: crate::Claims,
}

impl From<&crate::VerifiedArtefact> for VerifyResponse {
    fn from(v: &crate::VerifiedArtefact) -> Self {
        VerifyResponse {
            verified: true,
            alg: v.alg.name(),
            kid: crate::b64::encode(&v.kid),
            status: v.status.to_json_value(),
            claims: v.claims.clone(),
        }
    }
}

/// Response of `inspect`: the unverified view, marked `"verified": false`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectResponse {
    /// Always `false`.
    pub verified: bool,
    /// Says the signature was not checked.
    pub warning: &'static str,
    /// The protected header.
    pub header: InspectHeader,
    /// The claims (written as their JSON view), NOT authenticated.
    pub claims: crate::Claims,
}

/// The header members `inspect` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectHeader {
    /// The `alg` header, if supported.
    pub alg: Option<&'static str>,
    /// The `kid` header, base64url.
    pub kid: Option<String>,
    /// The `typ` header.
    pub typ: Option<String>,
}

impl From<&crate::Unverified> for InspectResponse {
    fn from(u: &crate::Unverified) -> Self {
        InspectResponse {
            verified: false,
            warning: "signature NOT checked: do not rely on these claims",
            header: InspectHeader {
                alg: u.alg.map(crate::Algorithm::name),
                kid: u.kid.as_deref().map(crate::b64::encode),
                typ: u.typ.clone(),
            },
            claims: u.claims.clone(),
        }
    }
}
