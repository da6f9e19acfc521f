//! Token Status Lists (draft-ietf-oauth-status-list, CWT form): revocation and suspension of
//! artefacts at scale, offline and herd-private.
//!
//! A list holds 1, 2, 4 or 8 bits per artefact (0 VALID, 1 INVALID = revoked, 2 SUSPENDED),
//! zlib-compressed in the `lst` member, signed as a CWT with `typ` `application/statuslist+cwt`.
//! Relying parties fetch the whole list and look an index up in O(1); the issuer does not learn
//! which artefact is checked. Withdrawal is one bit flip and a re-signed list.
//!
//! ```
//! use consentry::status::{StatusList, StatusListToken, StatusValue};
//! use consentry::{SigningKey, TrustStore};
//! let rng = ring::rand::SystemRandom::new();
//! let key = SigningKey::from_ed25519_seed(&[1; 32])?;
//!
//! let mut list = StatusList::new(1_000, 2)?;
//! list.set(42, StatusValue::Suspended)?;
//! let token = StatusListToken { sub: "https://cm.example/status/1".into(), iat: 1_800_000_000,
//!                               exp: None, ttl: Some(3_600), list };
//! let signed = token.sign(&key, &rng)?;
//!
//! let mut trust = TrustStore::new();
//! trust.add(key.verifying_key().clone())?;
//! let verified = StatusListToken::verify(&signed, &trust, 1_800_000_060, &Default::default())?;
//! assert_eq!(verified.token.list.get(42)?, StatusValue::Suspended);
//! assert!(verified.freshness.is_fresh());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
use crate::{CborError, ClaimsError};
pub use error::StatusError;

/// Media type in the `typ` header of a Status List Token.
pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";

/// Claim keys of a Status List Token (draft-ietf-oauth-status-list, CWT).
mod label {
    pub(super) const SUB: i64 = 2;
    pub(super) const EXP: i64 = 4;
    pub(super) const IAT: i64 = 6;
    pub(super) const STATUS_LIST: i64 = 65533;
    pub(super) const TTL: i64 = 65534;
}

/// The status of one artefact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusValue {
    /// 0: the artefact is valid.
    Valid,
    /// 1: the artefact is revoked (consent withdrawn).
    Invalid,
    /// 2: the artefact is suspended (consent paused).
    Suspended,
    /// 3, or above with 4 or 8 bits: an application-specific value.
    Other(u8),
}

impl StatusValue {
    /// The numeric value in the list.
    pub const fn as_u8(self) -> u8 {
        match self {
            StatusValue::Valid => 0,
            StatusValue::Invalid => 1,
            StatusValue::Suspended => 2,
            StatusValue::Other(v) => v,
        }
    }

    /// The status for a numeric value.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => StatusValue::Valid,
            1 => StatusValue::Invalid,
            2 => StatusValue::Suspended,
            v => StatusValue::Other(v),
        }
    }

    /// `valid`, `invalid`, `suspended` or `other`.
    pub const fn name(self) -> &'static str {
        match self {
            StatusValue::Valid => "valid",
            StatusValue::Invalid => "invalid",
            StatusValue::Suspended => "suspended",
            StatusValue::Other(_) => "other",
        }
    }

    /// Parses `valid`, `invalid` (or `revoked`), `suspended`, or a number.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "valid" => Some(StatusValue::Valid),
            "invalid" | "revoked" => Some(StatusValue::Invalid),
            "suspended" => Some(StatusValue::Suspended),
            n => n.parse::<u8>().ok().map(StatusValue::from_u8),
        }
    }

    /// Whether an entry holding `self` may be set to `next`. INVALID (revoked, consent
    /// withdrawn) is final: it may only stay INVALID. Every other value may become any value
    /// (a suspension is lifted by VALID, an application value may change). Writers refuse a
    /// refused change with `status_transition_refused`.
    pub const fn may_become(self, next: StatusValue) -> bool {
        !matches!(self, StatusValue::Invalid) || matches!(next, StatusValue::Invalid)
    }
}

/// Clock-skew leeway in seconds for a list's `iat`: a list issued more than this after `now`
/// is [`Freshness::IssuedInFuture`] (the verifier's default leeway, the same on every face).
pub const STATUS_LIST_LEEWAY: u64 = 60;

/// Largest list consentry creates or accepts by default: 2^24 entries.
pub const DEFAULT_MAX_ENTRIES: u64 = 1 << 24;

mod input;
mod list;
mod token;

pub use input::StatusInput;
pub use list::StatusList;
pub use token::{Freshness, StatusListOptions, StatusListToken, VerifiedStatusList};

pub(super) fn claims_cbor(claim: &str, source: CborError) -> StatusError {
    StatusError::Claims(ClaimsError::Cbor {
        claim: claim.to_owned(),
        source,
    })
}

pub(super) fn wrong_type(
    claim: &'static str,
    expected: &'static str,
) -> impl Fn(CborError) -> StatusError {
    move |e| match e {
        CborError::WrongType { .. } => StatusError::Claims(ClaimsError::WrongType {
            claim: claim.to_owned(),
            expected,
        }),
        other => claims_cbor(claim, other),
    }
}

pub(super) fn missing(claim: &str) -> StatusError {
    StatusError::Claims(ClaimsError::Missing {
        claim: claim.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_is_final_and_suspension_may_be_lifted() {
        use StatusValue::{Invalid, Other, Suspended, Valid};
        for next in [Valid, Suspended, Other(3)] {
            assert!(!Invalid.may_become(next), "invalid -> {next:?}");
        }
        assert!(Invalid.may_become(Invalid));
        assert!(Invalid.may_become(StatusValue::from_u8(1)));
        for from in [Valid, Suspended, Other(3)] {
            for next in [Valid, Invalid, Suspended, Other(4)] {
                assert!(from.may_become(next), "{from:?} -> {next:?}");
            }
        }
    }
}
