//! The Status List Token: a list signed as a CWT, its verification against a trust store, and
//! its freshness.

use ring::rand::SecureRandom;

use super::list::decode_list;
use super::{claims_cbor, label, missing, wrong_type, StatusList, StatusValue, STATUS_LIST_LEEWAY};
use super::{DEFAULT_MAX_ENTRIES, STATUS_LIST_TYP};
use crate::cbor::{Encoder, Reader};
use crate::cose::{self, AlgHeader, Label};
use crate::keys::{SigningKey, TrustStore, MAX_KID_LEN};
use crate::{ClaimsError, StatusError, VerifyError};

/// A Status List Token: the list, where it lives, and its freshness claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusListToken {
    /// `sub`: the URI the list is published at (artefacts name it in `status.status_list.uri`).
    pub sub: String,
    /// `iat`.
    pub iat: i64,
    /// `exp`: after this, the list must not be used.
    pub exp: Option<i64>,
    /// `ttl`: seconds after `iat` within which the list should be refreshed.
    pub ttl: Option<u64>,
    /// The statuses.
    pub list: StatusList,
}

/// Options for verifying a Status List Token.
#[derive(Clone, Copy, Debug)]
pub struct StatusListOptions {
    /// Cap on the signed token's size in bytes (default 4 MiB).
    pub max_size: usize,
    /// Cap on the number of entries; decompression stops at what this many entries need
    /// (default 2^24).
    pub max_entries: u64,
}

impl Default for StatusListOptions {
    fn default() -> Self {
        StatusListOptions {
            max_size: 4 << 20,
            max_entries: DEFAULT_MAX_ENTRIES,
        }
    }
}

/// Whether a verified list is current at the time of checking. Only a fresh list proves an
/// artefact VALID ([`crate::StatusCheck::input`]); a list that is not fresh still proves
/// revocation and suspension. A list with neither `exp` nor `ttl` stays fresh for good once
/// issued: its issuer chose no expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freshness {
    /// Issued (`iat`) at or before now + [`STATUS_LIST_LEEWAY`], and within `exp` and
    /// `iat + ttl` (where present).
    Fresh,
    /// Issued in the future: `iat` is after now + [`STATUS_LIST_LEEWAY`]. A list dated ahead
    /// (a wrong clock, or one minted to outlive its refresh time) is not fresh.
    IssuedInFuture {
        /// the list's `iat`
        iat: i64,
    },
    /// Past `exp`.
    Expired {
        /// the list's `exp`
        exp: i64,
    },
    /// Past `iat + ttl`: a newer list should be fetched.
    Stale {
        /// when it should have been refreshed
        refresh_by: i64,
    },
}

impl Freshness {
    /// Whether the list is fresh.
    pub fn is_fresh(self) -> bool {
        self == Freshness::Fresh
    }

    /// The JSON form: `{"state": "fresh"}`, `{"state": "future", "iat": ..}`,
    /// `{"state": "expired", "exp": ..}`, `{"state": "stale", "refreshBy": ..}`.
    pub fn to_json_value(self) -> serde_json::Value {
        match self {
            Freshness::Fresh => serde_json::json!({ "state": "fresh" }),
            Freshness::IssuedInFuture { iat } => {
                serde_json::json!({ "state": "future", "iat": iat })
            }
            Freshness::Expired { exp } => serde_json::json!({ "state": "expired", "exp": exp }),
            Freshness::Stale { refresh_by } => {
                serde_json::json!({ "state": "stale", "refreshBy": refresh_by })
            }
        }
    }
}

/// A Status List Token whose signature, header and claims were checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedStatusList {
    /// The token.
    pub token: StatusListToken,
    /// The `kid` that signed it.
    pub kid: Vec<u8>,
    /// The RFC 9679 thumbprint of the trusted key that signed it: the key's identity, compared
    /// with [`crate::VerifiedArtefact::is_signed_by`] (never compare `kid`s: one key may be
    /// bound under several).
    pub key_thumbprint: [u8; 32],
    /// Freshness at the time of verification.
    pub freshness: Freshness,
}

impl VerifiedStatusList {
    /// The status at `idx`.
    pub fn get(&self, idx: u64) -> Result<StatusValue, StatusError> {
        self.token.list.get(idx)
    }
}

impl StatusListToken {
    /// Deterministic CBOR of the claims.
    pub fn claims_cbor(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.map(|m| {
            m.int(label::SUB, |e| e.text(&self.sub))
                .int(label::IAT, |e| e.int(self.iat))
                .int(label::STATUS_LIST, |e| self.list.encode(e));
            if let Some(exp) = self.exp {
                m.int(label::EXP, |e| e.int(exp));
            }
            if let Some(ttl) = self.ttl {
                m.int(label::TTL, |e| e.uint(ttl));
            }
        });
        e.finish_fixed()
    }

    /// Signs the token (tagged COSE_Sign1, `kid` = the key's thumbprint, `typ` statuslist+cwt).
    pub fn sign(&self, key: &SigningKey, rng: &dyn SecureRandom) -> Result<Vec<u8>, StatusError> {
        if self.sub.is_empty() {
            return Err(StatusError::Claims(ClaimsError::Invalid {
                claim: "sub".into(),
                reason: "must not be empty",
            }));
        }
        cose::sign1(&self.claims_cbor(), STATUS_LIST_TYP, key, rng).map_err(StatusError::Key)
    }

    /// Verifies a signed Status List Token from any issuer in `trust`, at `now`.
    ///
    /// Other issuers' tokens need not be deterministically encoded and may carry `kid` in the
    /// unprotected header (as the draft's own example does); everything else is strict.
    pub fn verify(
        bytes: &[u8],
        trust: &TrustStore,
        now: i64,
        opts: &StatusListOptions,
    ) -> Result<VerifiedStatusList, StatusError> {
        if bytes.len() > opts.max_size {
            return Err(StatusError::Verify(VerifyError::TooLarge {
                size: bytes.len(),
                max: opts.max_size,
            }));
        }
        let msg = cose::parse_sign1(bytes, false).map_err(StatusError::Verify)?;
        let kid = check_headers(&msg).map_err(StatusError::Verify)?;
        let key = trust
            .get(kid)
            .ok_or(StatusError::Verify(VerifyError::UnknownKid))?;
        cose::verify_sign1(&msg, key, b"").map_err(StatusError::Verify)?;
        let token = decode_token(msg.payload, opts.max_entries)?;
        let freshness = match (token.exp, token.ttl) {
            (Some(exp), _) if now >= exp => Freshness::Expired { exp },
            _ if i128::from(token.iat) > i128::from(now) + i128::from(STATUS_LIST_LEEWAY) => {
                Freshness::IssuedInFuture { iat: token.iat }
            }
            (_, Some(ttl)) if i128::from(now) >= i128::from(token.iat) + i128::from(ttl) => {
                Freshness::Stale {
                    refresh_by: token
                        .iat
                        .saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
                }
            }
            _ => Freshness::Fresh,
        };
        Ok(VerifiedStatusList {
            token,
            kid: kid.to_vec(),
            key_thumbprint: key.thumbprint(),
            freshness,
        })
    }
}

impl StatusListToken {
    /// Decodes a signed token WITHOUT checking its signature (for an issuer reading back its
    /// own file, or for display). Size and decompression caps still apply.
    pub fn decode_unverified(bytes: &[u8], opts: &StatusListOptions) -> Result<Self, StatusError> {
        if bytes.len() > opts.max_size {
            return Err(StatusError::Verify(VerifyError::TooLarge {
                size: bytes.len(),
                max: opts.max_size,
            }));
        }
        let msg = cose::parse_sign1(bytes, false).map_err(StatusError::Verify)?;
        check_headers(&msg).map_err(StatusError::Verify)?;
        decode_token(msg.payload, opts.max_entries)
    }

    /// How many entries hold each value (index = value), for summaries.
    pub fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; 1 << self.list.bits()];
        for i in 0..self.list.len() {
            if let Ok(v) = self.list.get(i) {
                if let Some(c) = counts.get_mut(usize::from(v.as_u8())) {
                    *c += 1;
                }
            }
        }
        counts
    }
}

/// Header rules for Status List Tokens: `alg` known (protected), `typ` equal (protected),
/// `kid` present in either bucket, no `crit`, no label in both buckets.
fn check_headers<'a>(msg: &cose::Sign1<'a>) -> Result<&'a [u8], VerifyError> {
    let p = &msg.protected;
    match p.alg {
        None => return Err(VerifyError::AlgMissing),
        Some(AlgHeader::Unknown) => return Err(VerifyError::AlgUnknown),
        Some(AlgHeader::Known(_)) => {}
    }
    if p.typ != Some(STATUS_LIST_TYP) {
        return Err(VerifyError::TypMismatch {
            expected: STATUS_LIST_TYP,
        });
    }
    if p.crit || msg.unprotected.crit {
        return Err(VerifyError::Crit);
    }
    if let Some(l) = msg.unprotected.labels.iter().find(|l| p.labels.contains(l)) {
        return Err(VerifyError::DuplicateLabel {
            label: l.to_string(),
        });
    }
    if let Some(l) = msg.unprotected.labels.iter().find(|l| **l != Label::Int(4)) {
        return Err(VerifyError::UnexpectedLabel {
            bucket: "unprotected",
            label: l.to_string(),
        });
    }
    let kid = p
        .kid
        .or(msg.unprotected.kid)
        .ok_or(VerifyError::KidMissing)?;
    if kid.len() > MAX_KID_LEN {
        return Err(VerifyError::KidTooLong { len: kid.len() });
    }
    Ok(kid)
}

fn decode_token(payload: &[u8], max_entries: u64) -> Result<StatusListToken, StatusError> {
    let mut r = Reader::new_any_order(payload);
    let mut keys = r.map().map_err(wrong_type("claims", "a map"))?;
    let (mut sub, mut iat, mut exp, mut ttl, mut list) = (None, None, None, None, None);
    for _ in 0..keys.len {
        let start = r.position();
        let k = match r.peek_major().map_err(|e| claims_cbor("claims", e))? {
            0 | 1 => Some(r.int().map_err(|e| claims_cbor("claims", e))?),
            _ => {
                r.skip().map_err(|e| claims_cbor("claims", e))?;
                None
            }
        };
        keys.check(&r, start)
            .map_err(|e| claims_cbor("claims", e))?;
        match k {
            Some(label::SUB) => {
                sub = Some(
                    r.text()
                        .map_err(wrong_type("sub", "a text string"))?
                        .to_owned(),
                )
            }
            Some(label::IAT) => iat = Some(r.int().map_err(wrong_type("iat", "an integer"))?),
            Some(label::EXP) => exp = Some(r.int().map_err(wrong_type("exp", "an integer"))?),
            Some(label::TTL) => {
                ttl = Some(r.uint().map_err(wrong_type("ttl", "an unsigned integer"))?)
            }
            Some(label::STATUS_LIST) => list = Some(decode_list(&mut r, max_entries)?),
            // Other CWT claims (iss, cti, ...) do not affect the statuses.
            _ => r.skip().map_err(|e| claims_cbor("claims", e))?,
        }
    }
    r.leave();
    r.finish().map_err(|e| claims_cbor("claims", e))?;
    Ok(StatusListToken {
        sub: sub.ok_or_else(|| missing("sub"))?,
        iat: iat.ok_or_else(|| missing("iat"))?,
        exp,
        ttl,
        list: list.ok_or_else(|| missing("status_list"))?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn token_claims_are_strict_deterministic_cbor_with_every_optional_claim() {
        let mut list = StatusList::new(100, 2).unwrap();
        list.set(7, StatusValue::Suspended).unwrap();
        for (exp, ttl) in [(None, None), (Some(1_900_000_000), Some(3_600))] {
            let token = StatusListToken {
                sub: "https://cm.example/status/1".into(),
                iat: 1_800_000_000,
                exp,
                ttl,
                list: list.clone(),
            };
            let claims = token.claims_cbor();
            crate::cbor::check_strict(&claims).unwrap();
            assert_eq!(decode_token(&claims, DEFAULT_MAX_ENTRIES).unwrap(), token);
        }
    }
}
