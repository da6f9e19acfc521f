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
/// checking its status in a signed list verified with the same trust store. With a list it
/// fails closed unless `accept_unknown_status` (see [`crate::Verifier::verify_with_status`]).
pub fn verify_with(
    verifier: &Verifier,
    artefact: &[u8],
    audience: &str,
    now: i64,
    status_list: Option<&[u8]>,
    accept_unknown_status: bool,
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
            if accept_unknown_status {
                verifier.verify_with_status_accepting_unknown(artefact, audience, now, &l)
            } else {
                verifier.verify_with_status(artefact, audience, now, &l)
            }
        }
    };
    v.map(|ok| ok.to_json_value())
        .map_err(|e| ErrorBody::from_error(&e))
}

/// `verify`: the verified artefact's JSON form (see [`crate::VerifiedArtefact::to_json_value`]).
pub fn verify(req: &VerifyRequest) -> Result<serde_json::Value, ErrorBody> {
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

/// `decide`: the decision's JSON (`{"allowed": true, ...}` or `{"allowed": false, "reasons": [...]}`).
pub fn decide(req: &DecideRequest) -> Result<serde_json::Value, ErrorBody> {
    let verifier = verifier_from_jwks(&req.trust, None)?;
    let extra: Vec<(String, String)> = req
        .taxonomies
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("taxonomies[{i}]"), t.clone()))
        .collect();
    let taxonomy = taxonomy_with_options(&extra, req.taxonomy_allow_legitimate_uses)?;
    let artefact = bytes_of("artefact", &req.artefact)?;
    let list = opt_bytes_of("statusList", req.status_list.as_deref())?;
    let d = decide_with(
        &verifier,
        &taxonomy,
        &artefact,
        &req.request,
        list.as_deref(),
    )?;
    serde_json::to_value(&d).map_err(|e| ErrorBody::new(Code::RequestInvalid, e.to_string()))
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
    let (bytes, claims) = issue_with(&key, &req.claims.to_string(), req.now, rng)?;
    Ok(serde_json::json!({ "artefact": crate::b64::encode(&bytes), "cti": claims.cti.to_base64() }))
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

/// Adds JSON text holding one JWK, or a JWK Set (`{"keys": [...]}`, all or nothing), to a trust
/// store that bindings build up key by key.
pub fn trust_add_jwk_json(store: &mut TrustStore, json: &str) -> Result<(), ErrorBody> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        ErrorBody::new(
            Code::KeyJwkInvalid,
            format!(
                "invalid jwk: not json (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    if v.get("keys").is_some() {
        // Checked as a set first (messages name `keys[i]`), then merged all or nothing.
        TrustStore::from_jwks(json).map_err(|e| ErrorBody::from_error(&e))?;
        let mut next = store.clone();
        for jwk in v
            .get("keys")
            .and_then(|k| k.as_array())
            .into_iter()
            .flatten()
        {
            next.add_jwk(jwk).map_err(|e| ErrorBody::from_error(&e))?;
        }
        *store = next;
        Ok(())
    } else {
        store.add_jwk(&v).map_err(|e| ErrorBody::from_error(&e))
    }
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

/// `statusGet`: `{"idx", "status", "value", "uri", "kid", "list": freshness}` from a verified
/// list (`kid`: the key that signed it; the list applies only to artefacts with that `kid`).
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
        "kid": crate::b64::encode(&l.kid), "list": l.freshness.to_json_value(),
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

/// A policy given either as a JSON object or as JSON text.
fn policy_of(policy: &serde_json::Value) -> Result<crate::Policy, ErrorBody> {
    let text = match policy {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    crate::Policy::from_json(&text).map_err(|e| ErrorBody::from_error(&e))
}

/// A pseudonymiser from a policy and a hex master key.
pub fn pseudonymiser(
    policy: &serde_json::Value,
    master_key_hex: &str,
) -> Result<crate::Pseudonymiser, ErrorBody> {
    let policy = policy_of(policy)?;
    let key = crate::MasterKey::from_hex(master_key_hex).map_err(|e| ErrorBody::from_error(&e))?;
    crate::Pseudonymiser::new(&policy, &key).map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `pseudonymise`: exactly one of `value` (with `field`), `record` or `csv`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymiseRequest {
    /// The policy (JSON object or text).
    pub policy: serde_json::Value,
    /// The 32-byte master key as 64 hex digits. Never echoed.
    pub master_key: String,
    /// Undo `token` and `ff1` instead of applying the policy.
    #[serde(default)]
    pub reverse: bool,
    /// The policy field of `value`.
    #[serde(default)]
    pub field: Option<String>,
    /// One value.
    #[serde(default)]
    pub value: Option<String>,
    /// One JSON record.
    #[serde(default)]
    pub record: Option<serde_json::Value>,
    /// CSV rows with their header.
    #[serde(default)]
    pub csv: Option<CsvRows>,
}

/// CSV rows with their header.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvRows {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// Applies (or reverses) a policy with a pseudonymiser (the long-lived form bindings hold).
pub fn pseudonymise_with(
    p: &crate::Pseudonymiser,
    req: &PseudonymiseRequest,
) -> Result<serde_json::Value, ErrorBody> {
    let err = |e: crate::pseudo::PseudoError| ErrorBody::from_error(&e);
    match (&req.field, &req.value, &req.record, &req.csv) {
        (Some(field), Some(value), None, None) => {
            let out = if req.reverse {
                Some(p.reverse_value(field, value).map_err(err)?)
            } else {
                p.transform_value(field, value).map_err(err)?
            };
            Ok(serde_json::json!({ "value": out }))
        }
        (None, None, Some(record), None) => {
            let mut r = record.clone();
            if req.reverse {
                p.reverse_json(&mut r).map_err(err)?;
            } else {
                p.apply_json(&mut r).map_err(err)?;
            }
            Ok(serde_json::json!({ "record": r }))
        }
        (None, None, None, Some(csv)) => {
            let mut rows = Vec::with_capacity(csv.rows.len());
            let options = crate::pseudo::CsvOptions::default().reverse(req.reverse);
            let plan = p.csv_plan_with(&csv.header, options).map_err(err)?;
            for (i, row) in csv.rows.iter().enumerate() {
                rows.push(plan.apply_row(row).map_err(|e| row_err(i, &e))?);
            }
            let header = plan.header().to_vec();
            Ok(serde_json::json!({ "csv": CsvRows { header, rows } }))
        }
        _ => Err(ErrorBody::new(
            Code::RequestInvalid,
            "give exactly one of `field` with `value`, `record`, or `csv`",
        )),
    }
}

fn row_err(i: usize, e: &crate::pseudo::PseudoError) -> ErrorBody {
    let mut b = ErrorBody::from_error(e);
    b.message = format!("row {}: {}", i + 1, b.message);
    b
}

/// `pseudonymise`: `{"value"}`, `{"record"}` or `{"csv": {"header", "rows"}}`.
pub fn pseudonymise(req: &PseudonymiseRequest) -> Result<serde_json::Value, ErrorBody> {
    pseudonymise_with(&pseudonymiser(&req.policy, &req.master_key)?, req)
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

/// `filter`: `{"record"}` holding only granted fields, each through its required transform.
/// The decision is not signed: pass one your own `decide` produced.
pub fn filter(req: &FilterRequest) -> Result<serde_json::Value, ErrorBody> {
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
        (Some(policy), Some(key)) => permit.filter(&req.record, &pseudonymiser(policy, key)?),
        (None, None) => permit.filter(&req.record, &crate::scope::NoTransforms),
        _ => {
            return Err(ErrorBody::new(
                Code::RequestInvalid,
                "give both `policy` and `masterKey`, or neither",
            ))
        }
    };
    out.map(|r| serde_json::json!({ "record": r }))
        .map_err(|e| ErrorBody::from_error(&e))
}

/// Request of the identifier operations.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdRequest {
    /// The identifier type (`aadhaar`, `vid`, `pan`, `gstin`, `mobile`, `email`, `pincode`,
    /// `epic`, `passport`, `ifsc`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The value.
    pub value: String,
}

/// `type` through the one identifier-type parser: an unknown name is `id_unknown_type`, as in
/// every face.
fn id_kind(name: &str) -> Result<crate::ids::IdType, ErrorBody> {
    crate::ids::IdType::from_name(name).map_err(|e| {
        let mut b = ErrorBody::from_error(&e);
        b.message = format!("`type` is {}", b.message);
        b
    })
}

/// `idValidate`: `{"valid": true, "normalised": ..}` or `{"valid": false, "error": {..}}`.
pub fn id_validate(req: &IdRequest) -> Result<serde_json::Value, ErrorBody> {
    Ok(
        match crate::ids::normalise(id_kind(&req.kind)?, &req.value) {
            Ok(n) => serde_json::json!({ "valid": true, "normalised": n }),
            Err(e) => serde_json::json!({ "valid": false, "error": ErrorBody::from_error(&e) }),
        },
    )
}

/// `idMask`: `{"masked": ..}` (the preset for the type; errors on an invalid value).
pub fn id_mask(req: &IdRequest) -> Result<serde_json::Value, ErrorBody> {
    crate::ids::mask(id_kind(&req.kind)?, &req.value)
        .map(|m| serde_json::json!({ "masked": m }))
        .map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `idDetect`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetectRequest {
    /// Free text.
    pub text: String,
}

/// `idDetect`: `{"spans": [{"start", "end", "type"}]}` (byte offsets; checksum types only when valid).
pub fn id_detect(req: &DetectRequest) -> Result<serde_json::Value, ErrorBody> {
    let spans: Vec<serde_json::Value> = crate::ids::detect(&req.text)
        .iter()
        .map(|s| serde_json::json!({ "start": s.start, "end": s.end, "type": s.kind.as_str() }))
        .collect();
    Ok(serde_json::json!({ "spans": spans }))
}

fn parse<T: serde::de::DeserializeOwned>(op: &str, json: &str) -> Result<T, ErrorBody> {
    // Messages name members and positions, never values (see `crate::json`).
    crate::json::from_str(json)
        .map_err(|e| ErrorBody::new(Code::RequestInvalid, format!("`{op}` request: {e}")))
}

/// Every operation [`call_json`] knows.
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
];

/// Runs operation `op` on a JSON request and returns the JSON response envelope. Never panics
/// and never fails: every problem is an `{"ok": false, "error": ...}` response.
pub fn call_json(op: &str, request: &str, rng: &dyn SecureRandom) -> String {
    let result = match op {
        "verify" => parse(op, request).and_then(|r| verify(&r)),
        "decide" => parse(op, request).and_then(|r| decide(&r)),
        "filter" => parse(op, request).and_then(|r| filter(&r)),
        "pseudonymise" => parse(op, request).and_then(|r| pseudonymise(&r)),
        "idValidate" => parse(op, request).and_then(|r| id_validate(&r)),
        "idMask" => parse(op, request).and_then(|r| id_mask(&r)),
        "idDetect" => parse(op, request).and_then(|r| id_detect(&r)),
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
}
