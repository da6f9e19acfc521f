//! Verification of consent artefacts, in the order of `docs/artefact.md` (first failure wins):
//! size cap → COSE structure and tag → protected header → trust store lookup → signature →
//! strict claims decode → time → audience → status.

use crate::artefact::Claims;
use crate::cose::{self, AlgHeader, Label, ARTEFACT_TYP};
use crate::keys::{Algorithm, TrustStore, MAX_KID_LEN};
use crate::status::{Freshness, StatusInput, StatusValue, VerifiedStatusList};
use crate::ClaimsError;

use crate::cose::VerifyError;

mod view;
pub use view::{InspectHeader, InspectResponse, VerifyResponse};

/// Default cap on the size of an artefact (64 KiB).
pub const DEFAULT_MAX_SIZE: usize = 64 * 1024;
/// Default clock-skew leeway in seconds (60): the same as a status list's
/// ([`crate::status::STATUS_LIST_LEEWAY`]), so every face applies one leeway.
pub const DEFAULT_LEEWAY: u64 = crate::status::STATUS_LIST_LEEWAY;
/// Largest leeway a verifier accepts.
pub const MAX_LEEWAY: u64 = 300;

/// Why an artefact's status was not checked in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotChecked {
    /// No list was supplied.
    NoList,
    /// The supplied list is published at another URI than the artefact's `status` URI.
    OtherUri,
    /// The supplied list is signed by a key other than the artefact's: a list is trusted only
    /// for its own issuer's artefacts, so another issuer's list can neither revoke nor un-revoke.
    ForeignList,
}

impl NotChecked {
    /// `no_list`, `other_uri` or `foreign_list` (the `reason` of the JSON form).
    pub const fn as_str(self) -> &'static str {
        match self {
            NotChecked::NoList => "no_list",
            NotChecked::OtherUri => "other_uri",
            NotChecked::ForeignList => "foreign_list",
        }
    }
}

/// Whether the artefact's status was checked, and with what result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusCheck {
    /// The artefact has no status claim: it cannot be revoked through a list.
    NoStatusClaim,
    /// The artefact names a status list, but no list that applies to it was consulted: none
    /// was supplied, or the one supplied is published elsewhere or signed by another key. Its
    /// status is unknown (see [`StatusCheck::input`]).
    NotChecked {
        /// where the list is published
        uri: String,
        /// the artefact's index in it
        idx: u64,
        /// why it was not checked
        reason: NotChecked,
    },
    /// The artefact's own list (same URI, same signing key) was consulted.
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
    /// The RFC 9679 thumbprint of the trusted key that signed it: the key's identity (one key
    /// may be bound under several `kid`s, so compare this, never the `kid`; see
    /// [`VerifiedArtefact::is_signed_by`]).
    pub key_thumbprint: [u8; 32],
    /// The algorithm of the signing key.
    pub alg: Algorithm,
    /// The status check.
    pub status: StatusCheck,
}

impl StatusCheck {
    /// The JSON form: `{"state": "none"}`, `{"state": "not_checked", "reason": "no_list" |
    /// "other_uri" | "foreign_list", "uri": .., "idx": ..}`, or
    /// `{"state": "valid", "value": 0, "list": {"state": "fresh"}}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        match self {
            StatusCheck::NoStatusClaim => serde_json::json!({ "state": "none" }),
            StatusCheck::NotChecked { uri, idx, reason } => serde_json::json!({
                "state": "not_checked", "reason": reason.as_str(), "uri": uri, "idx": idx,
            }),
            StatusCheck::Checked { value, freshness } => serde_json::json!({
                "state": value.name(), "value": value.as_u8(), "list": freshness.to_json_value(),
            }),
        }
    }
}

impl VerifiedArtefact {
    /// The JSON form shared by every face:
    /// `{"verified": true, "alg": .., "kid": base64url, "status": .., "claims": ..}`.
    pub fn to_json_value(&self) -> Result<serde_json::Value, ClaimsError> {
        // The one definition of this view is the typed response of `verify`.
        serde_json::to_value(VerifyResponse::from(self)).map_err(|e| ClaimsError::Json {
            reason: format!("the verified artefact does not serialise: {e}"),
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
            Some(s) => StatusCheck::NotChecked {
                uri: s.status_list.uri.clone(),
                idx: s.status_list.idx,
                reason: NotChecked::NoList,
            },
        };
        Ok(VerifiedArtefact {
            claims,
            kid: kid.to_vec(),
            key_thumbprint: key.thumbprint(),
            alg,
            status,
        })
    }
}

impl StatusCheck {
    /// The artefact's status for a decision — the one rule every face applies: no status claim
    /// is VALID (it cannot be withdrawn through a list); a list that was not consulted (none,
    /// another URI, another issuer's key) is UNKNOWN; otherwise the list's value, where values
    /// above 2 are UNKNOWN and a list that is not fresh (stale, expired or issued in the future)
    /// still proves revocation and suspension (withdrawal is not undone by age) but cannot
    /// prove VALID, which becomes UNKNOWN.
    pub fn input(&self) -> StatusInput {
        match self {
            StatusCheck::NoStatusClaim => StatusInput::Valid,
            StatusCheck::NotChecked { .. } => StatusInput::Unknown,
            StatusCheck::Checked { value, freshness } => {
                match StatusInput::from_status_value(value.as_u8()) {
                    StatusInput::Valid if !freshness.is_fresh() => StatusInput::Unknown,
                    other => other,
                }
            }
        }
    }

    /// Why the status is [`StatusInput::Unknown`], as the error `verify` fails with when the
    /// caller does not accept an unknown status; `None` when it is not unknown or no list was
    /// supplied.
    fn unknown_error(&self, list: &VerifiedStatusList) -> Option<VerifyError> {
        match self {
            StatusCheck::NoStatusClaim => None,
            StatusCheck::NotChecked { reason, uri, .. } => match reason {
                NotChecked::NoList => None,
                NotChecked::OtherUri => Some(VerifyError::StatusListOtherUri {
                    uri: uri.clone(),
                    list_uri: list.token.sub.clone(),
                }),
                NotChecked::ForeignList => Some(VerifyError::StatusListForeign),
            },
            StatusCheck::Checked { value, freshness } => match (value, freshness) {
                (StatusValue::Other(v), _) => Some(VerifyError::StatusValueUnknown { value: *v }),
                (StatusValue::Valid, Freshness::Expired { exp }) => {
                    Some(VerifyError::StatusListStale {
                        state: "expired",
                        at: *exp,
                    })
                }
                (StatusValue::Valid, Freshness::IssuedInFuture { iat }) => {
                    Some(VerifyError::StatusListIssuedInFuture { iat: *iat })
                }
                (StatusValue::Valid, Freshness::Stale { refresh_by }) => {
                    Some(VerifyError::StatusListStale {
                        state: "stale",
                        at: *refresh_by,
                    })
                }
                _ => None,
            },
        }
    }
}

impl VerifiedArtefact {
    /// Whether the artefact was signed by the key whose RFC 9679 thumbprint is
    /// `key_thumbprint` — the one rule for "same issuer" (a status list speaks only for its own
    /// issuer's artefacts). Keys are compared, not `kid`s: a trust store may bind one key under
    /// several `kid`s (its thumbprint and a JWK's own `kid`), and the same key is the same
    /// issuer whichever `kid` a signed object names.
    pub fn is_signed_by(&self, key_thumbprint: &[u8; 32]) -> bool {
        self.key_thumbprint == *key_thumbprint
    }

    /// The artefact's status in `list` (or in none): the list applies only when it is
    /// published at the artefact's `status` URI AND signed by the artefact's own key (the same
    /// key, compared by thumbprint with [`VerifiedArtefact::is_signed_by`], whatever `kid` each
    /// names; both must have been verified with the same trust store). Any other list leaves the
    /// status [`StatusCheck::NotChecked`]: another issuer's list can neither revoke nor
    /// un-revoke an artefact. Fails only when the artefact's index lies past the end of its own
    /// list.
    pub fn status_in(&self, list: Option<&VerifiedStatusList>) -> Result<StatusCheck, VerifyError> {
        let Some(st) = &self.claims.status else {
            return Ok(StatusCheck::NoStatusClaim);
        };
        let (uri, idx) = (&st.status_list.uri, st.status_list.idx);
        let not_checked = |reason| {
            Ok(StatusCheck::NotChecked {
                uri: uri.clone(),
                idx,
                reason,
            })
        };
        let Some(list) = list else {
            return not_checked(NotChecked::NoList);
        };
        if !self.is_signed_by(&list.key_thumbprint) {
            return not_checked(NotChecked::ForeignList);
        }
        if list.token.sub != *uri {
            return not_checked(NotChecked::OtherUri);
        }
        let value = list
            .get(idx)
            .map_err(|_| VerifyError::StatusIndexOutOfRange {
                idx,
                len: list.token.list.len(),
            })?;
        Ok(StatusCheck::Checked {
            value,
            freshness: list.freshness,
        })
    }
}

impl Verifier {
    /// As [`Verifier::verify`], then checks the artefact's status in `list` (a Status List
    /// Token verified with the same trust store) and fails closed: the artefact passes only
    /// when its status is proven VALID by its own issuer's fresh list (or it has no status
    /// claim). Revoked and suspended artefacts fail with `revoked` / `suspended`; a list signed
    /// by another key fails with `status_list_foreign`, one published elsewhere with
    /// `status_list_other_uri`, an expired or stale list showing VALID with
    /// `status_list_stale`, a list issued in the future (`iat` after now + 60 s) showing VALID
    /// with `status_list_issued_in_future`, a value above 2 with `status_value_unknown`. See
    /// [`Verifier::verify_with_status_accepting_unknown`] to accept an unknown status.
    pub fn verify_with_status(
        &self,
        bytes: &[u8],
        audience: &str,
        now: i64,
        list: &VerifiedStatusList,
    ) -> Result<VerifiedArtefact, VerifyError> {
        self.verify_status(bytes, audience, now, list, false)
    }

    /// As [`Verifier::verify_with_status`], but an unknown status (a foreign list, another
    /// URI, a stale list, a value above 2) passes and is reported in
    /// [`VerifiedArtefact::status`]; revoked and suspended artefacts still fail. The caller
    /// takes responsibility for what an unchecked status means.
    pub fn verify_with_status_accepting_unknown(
        &self,
        bytes: &[u8],
        audience: &str,
        now: i64,
        list: &VerifiedStatusList,
    ) -> Result<VerifiedArtefact, VerifyError> {
        self.verify_status(bytes, audience, now, list, true)
    }

    fn verify_status(
        &self,
        bytes: &[u8],
        audience: &str,
        now: i64,
        list: &VerifiedStatusList,
        accept_unknown: bool,
    ) -> Result<VerifiedArtefact, VerifyError> {
        let mut v = self.verify(bytes, audience, now)?;
        let check = v.status_in(Some(list))?;
        let (uri, idx) = match &v.claims.status {
            Some(s) => (s.status_list.uri.clone(), s.status_list.idx),
            None => (String::new(), 0),
        };
        match check.input() {
            StatusInput::Revoked => return Err(VerifyError::Revoked { uri, idx }),
            StatusInput::Suspended => return Err(VerifyError::Suspended { uri, idx }),
            StatusInput::Unknown if !accept_unknown => {
                // A supplied list never gives `no_list`; fail closed all the same.
                return Err(check
                    .unknown_error(list)
                    .unwrap_or(VerifyError::StatusListForeign));
            }
            _ => {}
        }
        v.status = check;
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
    pub fn to_json_value(&self) -> Result<serde_json::Value, ClaimsError> {
        // The one definition of this view is the typed response of `inspect`.
        serde_json::to_value(InspectResponse::from(self)).map_err(|e| ClaimsError::Json {
            reason: format!("the artefact's view does not serialise: {e}"),
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
