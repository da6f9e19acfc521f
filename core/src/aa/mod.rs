//! Account Aggregator (ReBIT API 2.x, Sahamati) interop: verify the `signedConsent` compact
//! JWS and the detached `x-jws-signature` the AA network uses, and import a verified consent
//! into consentry's claims so that [`decide`](crate::purpose::decide) works on it unchanged.
//! The contract is `docs/aa.md`.
//!
//! - [`verify_signed_consent`]: a compact JWS, RS256 (or PS256 under a key that says so),
//!   header `{"alg","kid","b64":false,"crit":["b64"]}`. With `b64` false the payload segment
//!   is still base64url (an AA quirk) and the signature is over `header "." payload bytes`;
//!   with `b64` true or absent, over the RFC 7515 input. The payload bytes are kept verbatim
//!   and parsed only after the signature holds.
//! - [`verify_detached`]: `header..signature` over a body, in the three `b64` variants.
//! - [`AaTrust`]: RSA keys from a JWK Set, a JWK or Central Registry entity records, bound to
//!   their entity id, so a consent can be required to come from an expected AA.
//! - [`sign_compact`], [`sign_detached`]: a compat signer producing what AA implementations
//!   produce, in the three `b64` variants, from an [`AaSigningKey`] (PKCS#8 RSA).
//! - [`import`]: the claims view ([`ImportedConsent`]), marked as imported (issuer = the
//!   signing entity, evidence = SHA-256 of the JWS).
//!
//! ```
//! use consentry::aa::{self, AaTrust};
//! use consentry::purpose::{Request, StatusInput, Taxonomy};
//! use consentry::Mode;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/aa/");
//! let jws = std::fs::read_to_string(format!("{dir}signed_consent_spec_example.jws"))?;
//! let key = std::fs::read_to_string(format!("{dir}spec_example_key.jwk.json"))?;
//! let mut trust = AaTrust::new();
//! trust.add_json(&key, Some("finvu-aa"))?;
//!
//! let verified = aa::verify_signed_consent(&jws, &trust, Some("finvu-aa"))?;
//! let consent = aa::import(&verified)?;
//! assert_eq!(consent.claims.consent.purposes[0].purpose, "aa:101");
//!
//! let request = Request::new("cookiejar-aa@finvu.in", "aa:101", Mode::View,
//!                            ["/fi/DEPOSIT/summary"], 1_570_000_000)?.with_uses(0);
//! let decision = consent.decide(&request, &Taxonomy::shipped()?, StatusInput::Valid);
//! assert!(decision.is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod b64url;
mod error;
mod import;
mod json;
mod jws;
mod keys;
mod sign;
mod time;
mod trust;

pub use error::AaError;
pub use import::{
    import, status_input, AaDataFilter, AaPeriod, AaPurpose, AaUnit, ImportedConsent,
    IMPORTED_NOTICE_ID, MAX_AA_ID_LEN, MAX_AA_LIST, SECONDS_PER_DAY, SECONDS_PER_HOUR,
    SECONDS_PER_MONTH, SECONDS_PER_YEAR,
};
pub use jws::{
    verify_detached, B64Mode, VerifiedDetached, MAX_DETACHED_BODY, MAX_DETACHED_LEN,
    MAX_HEADER_SEGMENT_LEN, MAX_JWS_LEN,
};
pub use keys::{
    AaAlg, AaKey, AaTrust, MAX_AA_KEYS, MAX_AA_KID_LEN, MAX_ENTITY_ID_LEN, MAX_RSA_BITS,
    MAX_TRUST_DOC_LEN, MIN_RSA_BITS,
};
pub use sign::{sign_compact, sign_detached, AaSigningKey};
pub use trust::{split_trust, MixedTrust};

/// A verified AA signed consent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedAa {
    /// The header's `kid`.
    pub kid: String,
    /// The algorithm.
    pub alg: AaAlg,
    /// How `b64` was written (it chose the signing input).
    pub b64: B64Mode,
    /// The entity the signing key is bound to, if the trust document gave one.
    pub issuer: Option<String>,
    /// The payload bytes exactly as signed (CRLF and indentation included).
    pub payload: Vec<u8>,
    /// The JWS text as verified (surrounding white space removed): the evidence itself.
    pub jws: String,
    /// SHA-256 of `jws`, computed on first use.
    evidence: std::sync::OnceLock<[u8; 32]>,
    /// The payload as a JSON value, built on first use (verification only checks it).
    detail: std::sync::OnceLock<serde_json::Value>,
}

impl VerifiedAa {
    /// SHA-256 of the JWS text (surrounding white space removed): how the evidence is named.
    pub fn evidence(&self) -> [u8; 32] {
        *self
            .evidence
            .get_or_init(|| jws::sha256(self.jws.as_bytes()))
    }

    /// The payload parsed: the `SignedConsentDetail`, a JSON object. Verification checked that
    /// the payload is one (strict JSON, no duplicate member); the value is built on first use.
    pub fn detail(&self) -> &serde_json::Value {
        self.detail.get_or_init(|| {
            // Cannot fail after `json::check` passed (the two parsers accept the same texts);
            // `null` would fail every import all the same.
            json::parse(&self.payload).unwrap_or(serde_json::Value::Null)
        })
    }

    /// The JSON view: `{"kid", "alg", "b64", "issuer", "evidence", "payload": the detail}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "kid": self.kid,
            "alg": self.alg.name(),
            "b64": self.b64.as_str(),
            "issuer": self.issuer,
            "evidence": crate::b64::encode(&self.evidence()),
            "payload": self.detail(),
        })
    }
}

/// [`verify_signed_consent`], then [`import`], then (with `now`) the consent's window
/// ([`ImportedConsent::check_current`]): the one sequence every face runs before it shows or
/// returns a consent (`aaVerify`, `consentry verify --batch`, the npm display view).
pub fn verify_current(
    jws: &str,
    trust: &AaTrust,
    expected_issuer: Option<&str>,
    now: Option<i64>,
) -> Result<(VerifiedAa, ImportedConsent), AaError> {
    let verified = verify_signed_consent(jws, trust, expected_issuer)?;
    let imported = import(&verified)?;
    if let Some(now) = now {
        imported.check_current(now)?;
    }
    Ok((verified, imported))
}

/// An AA compact JWS told apart from consentry's own artefacts by its form, for faces that
/// accept either where an artefact goes (`consentry decide`, `consentry verify --batch`): UTF-8
/// text holding a `.`. Base64url text never holds one, and a raw COSE_Sign1 starts with tag 18
/// (byte `0xd2`), which is not UTF-8 text. Surrounding white space is left to the verifier.
/// Only the form is looked at: the text still has to verify.
pub fn as_compact_jws(raw: &[u8]) -> Option<&str> {
    if raw.first() == Some(&0xd2) {
        return None;
    }
    std::str::from_utf8(raw).ok().filter(|t| t.contains('.'))
}

/// Verifies an AA `signedConsent` compact JWS against `trust`; with `expected_issuer`, the
/// signing key must be bound to that entity (`aa_issuer_mismatch` otherwise, after the
/// signature has verified). Checks, first failure wins (`docs/aa.md`): size
/// ([`MAX_JWS_LEN`]), three segments, header (base64url, strict JSON, `alg` allow-list, `kid`,
/// `b64`, `crit`), payload and signature base64url, key by `kid`, the key's algorithm, its
/// size, the signature, the issuer, and last the payload as a JSON object (checked without
/// being built: [`VerifiedAa::detail`] builds it).
///
/// Cost is linear in the input: one pass to split and decode, one JSON check, one RSA verify
/// (the evidence hash and the detail value are computed when first asked for).
pub fn verify_signed_consent(
    jws: &str,
    trust: &AaTrust,
    expected_issuer: Option<&str>,
) -> Result<VerifiedAa, AaError> {
    let mut compact = jws::parse_compact(jws)?;
    let signer = jws::check_signature(
        &compact.header,
        compact.signing_input(),
        compact.signature(),
        trust,
        expected_issuer,
    )?;
    let payload = compact.payload();
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AaError::PayloadNotJson("not an object".into()));
    }
    // The fast pre-check accepts only what the strict check accepts; anything it is unsure
    // of goes to the strict check, which decides and names the problem.
    if !json::fast_valid(payload) {
        json::check(payload).map_err(|e| AaError::PayloadNotJson(e.to_string()))?;
    }
    let text = compact.text;
    let kid = std::mem::take(&mut compact.header.kid);
    let payload = compact.into_payload();
    Ok(VerifiedAa {
        kid,
        alg: signer.alg,
        b64: signer.b64,
        issuer: signer.entity,
        payload,
        jws: text.to_owned(),
        evidence: std::sync::OnceLock::new(),
        detail: std::sync::OnceLock::new(),
    })
}
