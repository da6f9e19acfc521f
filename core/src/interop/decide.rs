//! `decide` and `filter`: a request decided against an artefact, and a permit applied to a
//! record.

use serde::{Deserialize, Serialize};

use super::{bytes_of, opt_bytes_of, ErrorBody};
use crate::error::Code;
use crate::status::{StatusListOptions, StatusListToken};
use crate::Verifier;

/// The shipped taxonomy packs plus `extra` documents (origin, JSON text), e.g. a user's own
/// purposes file. Extra documents may not use a shipped prefix, attach under a shipped code or
/// flag legitimate uses (see [`taxonomy_with_options`]).
pub fn taxonomy_with(extra: &[(String, String)]) -> Result<crate::Taxonomy, ErrorBody> {
    taxonomy_with_options(extra, false)
}

/// [`taxonomy_with`], letting the extra documents flag legitimate uses when
/// `allow_legitimate_uses` is set (the caller vouches for them: such a basis skips consent and
/// the parental-consent check).
pub fn taxonomy_with_options(
    extra: &[(String, String)],
    allow_legitimate_uses: bool,
) -> Result<crate::Taxonomy, ErrorBody> {
    let err = |e: crate::TaxonomyError| ErrorBody::from_error(&e);
    let mut b = crate::Taxonomy::builder().allow_legitimate_uses(allow_legitimate_uses);
    for pack in crate::purpose::Pack::ALL {
        b = b.pack(*pack).map_err(err)?;
    }
    for (origin, text) in extra {
        b = b.json(origin, text).map_err(err)?;
    }
    b.build().map_err(err)
}

/// Request of `decide`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecideRequest {
    /// The artefact, base64url.
    pub artefact: String,
    /// Trusted issuer keys: a JWK Set (also used for the status list).
    pub trust: serde_json::Value,
    /// What the recipient wants to do (recipient, purpose, operation, fields, now, ...).
    pub request: crate::Request,
    /// Taxonomy documents (JSON text) added to the shipped packs.
    #[serde(default)]
    pub taxonomies: Vec<String>,
    /// Lets `taxonomies` flag legitimate uses (default: refused).
    #[serde(default)]
    pub taxonomy_allow_legitimate_uses: bool,
    /// A signed status list, base64url.
    #[serde(default)]
    pub status_list: Option<String>,
}

/// Decides a request against an artefact: the artefact is authenticated (signature, header,
/// strict claims); a request over the size caps is refused with `request_too_large`
/// ([`crate::Request::check_limits`]); time, audience, status and everything else are decision checks, so an
/// expired or withdrawn artefact gives a denial with its reasons, not an error.
pub fn decide_with(
    verifier: &Verifier,
    taxonomy: &crate::Taxonomy,
    artefact: &[u8],
    request: &crate::Request,
    status_list: Option<&[u8]>,
) -> Result<crate::Decision, ErrorBody> {
    request
        .check_limits()
        .map_err(|e| ErrorBody::from_error(&e))?;
    let v = verifier
        .authenticate(artefact)
        .map_err(|e| ErrorBody::from_error(&e))?;
    let list = status_list
        .map(|l| {
            StatusListToken::verify(
                l,
                verifier.trust_store(),
                request.now,
                &StatusListOptions::default(),
            )
        })
        .transpose()
        .map_err(|e| ErrorBody::from_error(&e))?;
    let status = crate::StatusInput::from_list(&v, list.as_ref());
    Ok(crate::decide(&v, request, taxonomy, status))
}

/// `decide`: the decision (`{"allowed": true, ...}` or `{"allowed": false, "reasons": [...]}`).
pub fn decide(req: &DecideRequest) -> Result<crate::Decision, ErrorBody> {
    let verifier = super::verifier_from_jwks(&req.trust, None)?;
    let extra: Vec<(String, String)> = req
        .taxonomies
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("taxonomies[{i}]"), t.clone()))
        .collect();
    let taxonomy = taxonomy_with_options(&extra, req.taxonomy_allow_legitimate_uses)?;
    let artefact = bytes_of("artefact", &req.artefact)?;
    let list = opt_bytes_of("statusList", req.status_list.as_deref())?;
    decide_with(
        &verifier,
        &taxonomy,
        &artefact,
        &req.request,
        list.as_deref(),
    )
}

/// Request of `filter`: a permit applied to a record, transforms through a policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterRequest {
    /// The decision (`decide`'s result); must be a permit.
    pub decision: serde_json::Value,
    /// The record.
    pub record: serde_json::Value,
    /// The policy whose rules apply the permit's transforms (needed when it requires any).
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
    /// The master key as 64 hex digits (with `policy`).
    #[serde(default)]
    pub master_key: Option<String>,
    /// Seconds since the epoch: when given, a permit whose `eraseBy` is not after it is
    /// refused (`permit_expired`).
    #[serde(default)]
    pub now: Option<i64>,
}

/// Response of `filter` (and of `pseudonymise` given a record): the record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordResponse {
    /// The record after filtering or pseudonymisation.
    pub record: serde_json::Value,
}

/// `filter`: `{"record"}` holding only granted fields, each through its required transform.
/// The decision is not signed: pass one your own `decide` produced.
pub fn filter(req: &FilterRequest) -> Result<RecordResponse, ErrorBody> {
    let d: crate::Decision = crate::json::from_value(&req.decision)
        .map_err(|e| ErrorBody::new(Code::RequestInvalid, format!("`decision`: {e}")))?;
    let permit = d.permit().ok_or_else(|| {
        ErrorBody::new(
            Code::RequestInvalid,
            "`decision` is a denial: nothing may leave",
        )
    })?;
    if let Some(now) = req.now {
        permit
            .check_current(now)
            .map_err(|e| ErrorBody::from_error(&e))?;
    }
    let out = match (&req.policy, &req.master_key) {
        (Some(policy), Some(key)) => {
            permit.filter(&req.record, &super::pseudonymiser(policy, key)?)
        }
        (None, None) => permit.filter(&req.record, &crate::scope::NoTransforms),
        _ => {
            return Err(ErrorBody::new(
                Code::RequestInvalid,
                "give both `policy` and `masterKey`, or neither",
            ))
        }
    };
    out.map(|record| RecordResponse { record })
        .map_err(|e| ErrorBody::from_error(&e))
}
