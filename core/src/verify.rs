//! Verification of consent artefacts, in DESIGN.md's order (first failure wins):
//! size cap → COSE structure and tag → protected header → trust store lookup → signature →
//! strict claims decode → time → audience → status.

use crate::artefact::Claims;
use crate::cose::{self, AlgHeader, Label, ARTEFACT_TYP};
use crate::error::VerifyError;
use crate::keys::{Algorithm, TrustStore, MAX_KID_LEN};
use crate::status::{Freshness, StatusValue, VerifiedStatusList};

/// Default cap on the size of an artefact (64 KiB).
pub const DEFAULT_MAX_SIZE: usize = 64 * 1024;
/// Default clock-skew leeway in seconds.
pub const DEFAULT_LEEWAY: u64 = 60;
/// Largest leeway a verifier accepts.
pub const MAX_LEEWAY: u64 = 300;

/// Whether the artefact's status was checked, and with what result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusCheck {
    /// The artefact has no status claim: it cannot be revoked through a list.
    NoStatusClaim,
    /// The artefact names a status list, but the caller supplied none (or a list published
    /// at another URI); the caller's policy decides whether that is acceptable.
    ListNotSupplied {
        /// where the list is published
        uri: String,
        /// the artefact's index in it
        idx: u64,
    },
    /// The supplied list was consulted. Revoked and suspended artefacts never get here (they
    /// fail verification); this carries VALID or an application-specific value.
    Checked {
        /// the status found
        value: StatusValue,
        /// whether the list was fresh
        freshness: Freshness,
    },
}

/// An artefact that passed every check, with the claims and the key that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedArtefact {
    /// The verified claims.
    pub claims: Claims,
    /// The `kid` the artefact named.
    pub kid: Vec<u8>,
    /// The algorithm of the signing key.
    pub alg: Algorithm,
    /// The status check.
    pub status: StatusCheck,
}

impl StatusCheck {
    /// The JSON form: `{"state": "none"}`, `{"state": "not_checked", "uri": .., "idx": ..}`, or
    /// `{"state": "valid", "value": 0, "list": {"state": "fresh"}}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        match self {
            StatusCheck::NoStatusClaim => serde_json::json!({ "state": "none" }),
            StatusCheck::ListNotSupplied { uri, idx } => {
                serde_json::json!({ "state": "not_checked", "uri": uri, "idx": idx })
            }
            StatusCheck::Checked { value, freshness } => serde_json::json!({
                "state": value.name(), "value": value.as_u8(), "list": freshness.to_json_value(),
            }),
        }
    }
}

impl VerifiedArtefact {
    /// The JSON form shared by every face:
    /// `{"verified": true, "alg": .., "kid": base64url, "status": .., "claims": ..}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "verified": true,
            "alg": self.alg.name(),
            "kid": crate::b64::encode(&self.kid),
            "status": self.status.to_json_value(),
            "claims": self.claims.to_json_value(),
        })
    }
}

/// Verifies artefacts against a trust store, for one relying party at a time.
///
/// ```
/// use consentry::{issue, Claims, Cti, Grant, Mode, Notice, SigningKey, TrustStore, Verifier};
/// let rng = ring::rand::SystemRandom::new();
/// let key = SigningKey::from_ed25519_seed(&[42; 32])?;
/// let claims = Claims::builder("cm.example", "pp-1", "tn.health")
///     .issued_at(1_700_000_000).expires(1_800_000_000).cti(Cti([9; 16]))
///     .notice(Notice { id: "n".into(), sha256: [0; 32], lang: "en-IN".into() })
///     .grant(Grant::new("aa:101", ["/name"], Mode::View))
///     .build()?;
/// let artefact = issue(&claims, &key, &rng)?;
///
/// let mut trust = TrustStore::new();
/// trust.add(key.verifying_key().clone())?;
/// let verifier = Verifier::new(trust);
/// let ok = verifier.verify(&artefact, "tn.health", 1_750_000_000)?;
/// assert_eq!(ok.claims, claims);
/// assert!(verifier.verify(&artefact, "someone.else", 1_750_000_000).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    trust: TrustStore,
    max_size: usize,
    leeway: u64,
}

impl Verifier {
    /// A verifier with the default size cap (64 KiB) and leeway (60 s).
    pub fn new(trust: TrustStore) -> Self {
        Verifier {
            trust,
            max_size: DEFAULT_MAX_SIZE,
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// Sets the clock-skew leeway, at most 300 s.
    pub fn with_leeway(mut self, seconds: u64) -> Result<Self, VerifyError> {
        if seconds > MAX_LEEWAY {
            return Err(VerifyError::InvalidOption {
                option: "leeway",
                reason: "at most 300 seconds",
            });
        }
        self.leeway = seconds;
        Ok(self)
    }

    /// Sets the size cap in bytes (at least 1).
    pub fn with_max_size(mut self, bytes: usize) -> Result<Self, VerifyError> {
        if bytes == 0 {
            return Err(VerifyError::InvalidOption {
                option: "max_size",
                reason: "at least 1 byte",
            });
        }
        self.max_size = bytes;
        Ok(self)
    }

    /// The trust store.
    pub fn trust_store(&self) -> &TrustStore {
        &self.trust
    }

    /// The leeway in seconds.
    pub fn leeway(&self) -> u64 {
        self.leeway
    }

    /// Verifies `bytes` for relying party `audience` at time `now` (seconds since the epoch).
    pub fn verify(
        &self,
        bytes: &[u8],
        audience: &str,
        now: i64,
    ) -> Result<VerifiedArtefact, VerifyError> {
        let v = self.authenticate(bytes)?;
        check_time(&v.claims, now, self.leeway)?;
        if !v.claims.aud.contains(audience) {
            return Err(VerifyError::AudienceMismatch);
        }
        Ok(v)
    }

    /// Every check up to and including strict claims decoding (size, structure, header, trust
    /// store, signature, claims), but not time or audience: for [`crate::decide`], which
    /// reports those as deny reasons. Do not rely on an artefact checked only this way.
    pub fn authenticate(&self, bytes: &[u8]) -> Result<VerifiedArtefact, VerifyError> {
        if bytes.len() > self.max_size {
            return Err(VerifyError::TooLarge {
                size: bytes.len(),
                max: self.max_size,
            });
        }
        let msg = cose::parse_sign1(bytes, true)?;
        let (alg, kid) = check_profile_headers(&msg, ARTEFACT_TYP)?;
        let key = self.trust.get(kid).ok_or(VerifyError::UnknownKid)?;
        cose::verify_sign1(&msg, key, b"")?;
        let claims = Claims::from_cbor(msg.payload)?;
        let status = match &claims.status {
            None => StatusCheck::NoStatusClaim,
            Some(s) => StatusCheck::ListNotSupplied {
                uri: s.status_list.uri.clone(),
                idx: s.status_list.idx,
            },
        };
        Ok(VerifiedArtefact {
            claims,
            kid: kid.to_vec(),
            alg,
            status,
        })
    }
}

impl Verifier {
    /// As [`Verifier::verify`], then checks the artefact's status in `list` (a verified Status
    /// List Token): revoked or suspended artefacts fail with their own error; a list published
    /// at another URI counts as not supplied; the list's freshness is reported.
    pub fn verify_with_status(
        &self,
        bytes: &[u8],
        audience: &str,
        now: i64,
        list: &VerifiedStatusList,
    ) -> Result<VerifiedArtefact, VerifyError> {
        let mut v = self.verify(bytes, audience, now)?;
        if let StatusCheck::ListNotSupplied { uri, idx } = &v.status {
            if *uri == list.token.sub {
                let value = list
                    .get(*idx)
                    .map_err(|_| VerifyError::StatusIndexOutOfRange {
                        idx: *idx,
                        len: list.token.list.len(),
                    })?;
                match value {
                    StatusValue::Invalid => {
                        return Err(VerifyError::Revoked {
                            uri: uri.clone(),
                            idx: *idx,
                        })
                    }
                    StatusValue::Suspended => {
                        return Err(VerifyError::Suspended {
                            uri: uri.clone(),
                            idx: *idx,
                        })
                    }
                    _ => {}
                }
                v.status = StatusCheck::Checked {
                    value,
                    freshness: list.freshness,
                };
            }
        }
        Ok(v)
    }
}

/// The protected-header rules of consentry's signed objects: `alg` known, `kid` present
/// (≤ 64 bytes), `typ` equal to `typ`, no `crit`, no label in both buckets, no other labels,
/// empty unprotected header.
pub(crate) fn check_profile_headers<'a>(
    msg: &cose::Sign1<'a>,
    typ: &'static str,
) -> Result<(Algorithm, &'a [u8]), VerifyError> {
    let p = &msg.protected;
    let alg = match p.alg {
        None => return Err(VerifyError::AlgMissing),
        Some(AlgHeader::Unknown) => return Err(VerifyError::AlgUnknown),
        Some(AlgHeader::Known(a)) => a,
    };
    let kid = p.kid.ok_or(VerifyError::KidMissing)?;
    if kid.len() > MAX_KID_LEN {
        return Err(VerifyError::KidTooLong { len: kid.len() });
    }
    if p.typ != Some(typ) {
        return Err(VerifyError::TypMismatch { expected: typ });
    }
    if p.crit {
        return Err(VerifyError::Crit);
    }
    if let Some(l) = msg.unprotected.labels.iter().find(|l| p.labels.contains(l)) {
        return Err(VerifyError::DuplicateLabel {
            label: l.to_string(),
        });
    }
    if let Some(l) = p
        .labels
        .iter()
        .find(|l| !matches!(l, Label::Int(1 | 4 | 16)))
    {
        return Err(VerifyError::UnexpectedLabel {
            bucket: "protected",
            label: l.to_string(),
        });
    }
    if let Some(l) = msg.unprotected.labels.first() {
        return Err(VerifyError::UnexpectedLabel {
            bucket: "unprotected",
            label: l.to_string(),
        });
    }
    Ok((alg, kid))
}

/// `nbf - leeway ≤ now < exp + leeway` and `iat ≤ now + leeway`, without overflow.
fn check_time(c: &Claims, now: i64, leeway: u64) -> Result<(), VerifyError> {
    let lw = i128::from(leeway);
    let n = i128::from(now);
    if n >= i128::from(c.exp) + lw {
        return Err(VerifyError::Expired {
            exp: c.exp,
            now,
            leeway,
        });
    }
    if let Some(nbf) = c.nbf {
        if n < i128::from(nbf) - lw {
            return Err(VerifyError::NotYetValid { nbf, now, leeway });
        }
    }
    if i128::from(c.iat) > n + lw {
        return Err(VerifyError::IssuedInFuture {
            iat: c.iat,
            now,
            leeway,
        });
    }
    Ok(())
}

/// What [`inspect`] found: the header and claims of an artefact whose signature was NOT checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unverified {
    /// The `alg` header, if supported.
    pub alg: Option<Algorithm>,
    /// The `kid` header.
    pub kid: Option<Vec<u8>>,
    /// The `typ` header.
    pub typ: Option<String>,
    /// The claims, strictly decoded but not authenticated.
    pub claims: Claims,
}

impl Unverified {
    /// The JSON view, marked `"verified": false`.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "verified": false,
            "warning": "signature NOT checked: do not rely on these claims",
            "header": {
                "alg": self.alg.map(Algorithm::name),
                "kid": self.kid.as_deref().map(crate::b64::encode),
                "typ": self.typ,
            },
            "claims": self.claims.to_json_value(),
        })
    }
}

/// Decodes an artefact strictly WITHOUT checking its signature, time or audience: for display
/// and debugging only.
pub fn inspect(bytes: &[u8]) -> Result<Unverified, VerifyError> {
    if bytes.len() > DEFAULT_MAX_SIZE {
        return Err(VerifyError::TooLarge {
            size: bytes.len(),
            max: DEFAULT_MAX_SIZE,
        });
    }
    let msg = cose::parse_sign1(bytes, false)?;
    let claims = Claims::from_cbor(msg.payload)?;
    Ok(Unverified {
        alg: match msg.protected.alg {
            Some(AlgHeader::Known(a)) => Some(a),
            _ => None,
        },
        kid: msg.protected.kid.map(<[u8]>::to_vec),
        typ: msg.protected.typ.map(str::to_owned),
        claims,
    })
}
