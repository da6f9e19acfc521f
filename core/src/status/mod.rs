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

use std::io::{Read as _, Write as _};

use ciborium::Value;
use ring::rand::SecureRandom;

use crate::cbor::{self, Reader};
use crate::cose::{self, AlgHeader, Label};
use crate::keys::{SigningKey, TrustStore, MAX_KID_LEN};
use crate::{CborError, ClaimsError, VerifyError};

mod error;
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
pub const STATUS_LIST_LEEWAY: u64 = crate::verify::DEFAULT_LEEWAY;

/// Largest list consentry creates or accepts by default: 2^24 entries.
pub const DEFAULT_MAX_ENTRIES: u64 = 1 << 24;

/// A status list: `bits` bits per entry, packed least-significant bit first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

fn check_bits(bits: u8) -> Result<(), StatusError> {
    if matches!(bits, 1 | 2 | 4 | 8) {
        Ok(())
    } else {
        Err(StatusError::BitsInvalid { bits })
    }
}

impl StatusList {
    /// A list of `size` entries (rounded up to a whole byte), all VALID.
    pub fn new(size: u64, bits: u8) -> Result<Self, StatusError> {
        check_bits(bits)?;
        if size == 0 || size > DEFAULT_MAX_ENTRIES {
            return Err(StatusError::SizeInvalid {
                max: DEFAULT_MAX_ENTRIES,
            });
        }
        let nbytes = (size * u64::from(bits)).div_ceil(8);
        let nbytes = usize::try_from(nbytes).map_err(|_| StatusError::SizeInvalid {
            max: DEFAULT_MAX_ENTRIES,
        })?;
        Ok(StatusList {
            bits,
            bytes: vec![0; nbytes],
        })
    }

    /// A list from its packed bytes.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusError> {
        check_bits(bits)?;
        if bytes.is_empty() {
            return Err(StatusError::Corrupt {
                reason: "the list is empty",
            });
        }
        Ok(StatusList { bits, bytes })
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    /// Whether the list has no entries (never true for a list built by this module).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn locate(&self, idx: u64) -> Result<(usize, u32, u8), StatusError> {
        if idx >= self.len() {
            return Err(StatusError::IndexOutOfRange {
                idx,
                len: self.len(),
            });
        }
        let bit = idx * u64::from(self.bits);
        let byte = usize::try_from(bit / 8).map_err(|_| StatusError::IndexOutOfRange {
            idx,
            len: self.len(),
        })?;
        let shift = (bit % 8) as u32;
        let mask = if self.bits == 8 {
            0xff
        } else {
            (1u8 << self.bits) - 1
        };
        Ok((byte, shift, mask))
    }

    /// The status at `idx`.
    pub fn get(&self, idx: u64) -> Result<StatusValue, StatusError> {
        let (byte, shift, mask) = self.locate(idx)?;
        let b = self.bytes.get(byte).copied().unwrap_or(0);
        Ok(StatusValue::from_u8((b >> shift) & mask))
    }

    /// Sets the status at `idx`.
    pub fn set(&mut self, idx: u64, value: StatusValue) -> Result<(), StatusError> {
        let (byte, shift, mask) = self.locate(idx)?;
        let v = value.as_u8();
        if v > mask {
            return Err(StatusError::ValueTooWide { bits: self.bits });
        }
        if let Some(b) = self.bytes.get_mut(byte) {
            *b = (*b & !(mask << shift)) | (v << shift);
        }
        Ok(())
    }

    /// Picks a random index not yet in `allocated` (a list of the same length with 1 bit per
    /// entry, where 1 = allocated) and marks it there. Random allocation means the index says
    /// nothing about when or to whom an artefact was issued.
    pub fn allocate_index(
        allocated: &mut StatusList,
        rng: &dyn SecureRandom,
    ) -> Result<u64, StatusError> {
        let n = allocated.len();
        for _ in 0..64 {
            let mut b = [0u8; 8];
            rng.fill(&mut b).map_err(|_| StatusError::RandomFailed)?;
            let idx = u64::from_le_bytes(b) % n;
            if allocated.get(idx)? == StatusValue::Valid {
                allocated.set(idx, StatusValue::Invalid)?;
                return Ok(idx);
            }
        }
        // Nearly full: scan from a random start.
        let mut b = [0u8; 8];
        rng.fill(&mut b).map_err(|_| StatusError::RandomFailed)?;
        let start = u64::from_le_bytes(b) % n;
        for k in 0..n {
            let idx = (start + k) % n;
            if allocated.get(idx)? == StatusValue::Valid {
                allocated.set(idx, StatusValue::Invalid)?;
                return Ok(idx);
            }
        }
        Err(StatusError::Full)
    }

    /// The `status_list` structure: `{"bits": n, "lst": zlib(bytes)}`, deterministic CBOR.
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor::to_deterministic_vec(self.to_value())
    }

    fn to_value(&self) -> Value {
        Value::Map(vec![
            (Value::Text("bits".into()), Value::Integer(self.bits.into())),
            (
                Value::Text("lst".into()),
                Value::Bytes(compress(&self.bytes)),
            ),
        ])
    }

    /// Decodes a `status_list` structure, decompressing at most what `max_entries` entries need.
    pub fn from_cbor(bytes: &[u8], max_entries: u64) -> Result<Self, StatusError> {
        let mut r = Reader::new_any_order(bytes);
        let list = decode_list(&mut r, max_entries)?;
        r.finish().map_err(|e| claims_cbor("status_list", e))?;
        Ok(list)
    }
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    if z.write_all(bytes).is_err() {
        return Vec::new();
    }
    z.finish().unwrap_or_default()
}

/// Inflates `lst`, refusing output beyond `cap` bytes.
fn decompress(lst: &[u8], cap: u64) -> Result<Vec<u8>, StatusError> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(lst).take(cap.saturating_add(1));
    z.read_to_end(&mut out).map_err(|_| StatusError::Corrupt {
        reason: "`lst` is not valid zlib data",
    })?;
    if out.len() as u64 > cap {
        return Err(StatusError::TooLarge { max_bytes: cap });
    }
    Ok(out)
}

fn claims_cbor(claim: &str, source: CborError) -> StatusError {
    StatusError::Claims(ClaimsError::Cbor {
        claim: claim.to_owned(),
        source,
    })
}

fn wrong_type(claim: &'static str, expected: &'static str) -> impl Fn(CborError) -> StatusError {
    move |e| match e {
        CborError::WrongType { .. } => StatusError::Claims(ClaimsError::WrongType {
            claim: claim.to_owned(),
            expected,
        }),
        other => claims_cbor(claim, other),
    }
}

fn missing(claim: &str) -> StatusError {
    StatusError::Claims(ClaimsError::Missing {
        claim: claim.to_owned(),
    })
}

fn decode_list(r: &mut Reader<'_>, max_entries: u64) -> Result<StatusList, StatusError> {
    let at = "status_list";
    let mut keys = r.map().map_err(wrong_type(at, "a map"))?;
    let (mut bits, mut lst) = (None, None);
    for _ in 0..keys.len {
        let start = r.position();
        let k = match r.peek_major().map_err(|e| claims_cbor(at, e))? {
            3 => Some(r.text().map_err(|e| claims_cbor(at, e))?),
            _ => {
                r.skip().map_err(|e| claims_cbor(at, e))?;
                None
            }
        };
        keys.check(r, start).map_err(|e| claims_cbor(at, e))?;
        match k {
            Some("bits") => {
                let b = r
                    .uint()
                    .map_err(wrong_type("status_list.bits", "an unsigned integer"))?;
                bits =
                    Some(u8::try_from(b).map_err(|_| StatusError::BitsInvalid { bits: u8::MAX })?);
            }
            Some("lst") => {
                lst = Some(
                    r.bytes()
                        .map_err(wrong_type("status_list.lst", "a byte string"))?,
                )
            }
            // Other members (e.g. `aggregation_uri`) are defined by the draft and not needed here.
            _ => r.skip().map_err(|e| claims_cbor(at, e))?,
        }
    }
    r.leave();
    let bits = bits.ok_or_else(|| missing("status_list.bits"))?;
    check_bits(bits)?;
    let lst = lst.ok_or_else(|| missing("status_list.lst"))?;
    let cap = max_entries.saturating_mul(u64::from(bits)).div_ceil(8);
    StatusList::from_bytes(bits, decompress(lst, cap)?)
}

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
        let i = |n: i64| Value::Integer(n.into());
        let mut m = vec![
            (i(label::SUB), Value::Text(self.sub.clone())),
            (i(label::IAT), i(self.iat)),
            (i(label::STATUS_LIST), self.list.to_value()),
        ];
        if let Some(exp) = self.exp {
            m.push((i(label::EXP), i(exp)));
        }
        if let Some(ttl) = self.ttl {
            m.push((i(label::TTL), Value::Integer(ttl.into())));
        }
        cbor::to_deterministic_vec(Value::Map(m))
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

    #[test]
    fn bit_packing_matches_the_draft() {
        // draft §4.1 example: 16 entries, 1 bit: statuses 1 0 0 1 1 1 0 1 | 1 1 0 0 0 1 0 1
        let list = StatusList::from_bytes(1, vec![0xb9, 0xa3]).unwrap();
        let got: Vec<u8> = (0..16).map(|i| list.get(i).unwrap().as_u8()).collect();
        assert_eq!(got, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
        let mut two = StatusList::new(12, 2).unwrap();
        for (i, v) in [1u8, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].iter().enumerate() {
            two.set(i as u64, StatusValue::from_u8(*v)).unwrap();
        }
        assert_eq!(two.as_bytes(), [0xc9, 0x44, 0xf9]);
    }

    #[test]
    fn bounds_and_widths() {
        let mut l = StatusList::new(10, 1).unwrap();
        assert_eq!(l.len(), 16);
        assert_eq!(
            l.get(16),
            Err(StatusError::IndexOutOfRange { idx: 16, len: 16 })
        );
        assert_eq!(
            l.set(0, StatusValue::Suspended),
            Err(StatusError::ValueTooWide { bits: 1 })
        );
        assert_eq!(
            StatusList::new(10, 3),
            Err(StatusError::BitsInvalid { bits: 3 })
        );
        assert!(StatusList::new(0, 1).is_err());
        assert!(StatusList::new(u64::MAX, 8).is_err());
    }

    #[test]
    fn decompression_is_capped() {
        let big = StatusList::new(1 << 20, 8).unwrap();
        let cbor = big.to_cbor();
        assert!(
            cbor.len() < 4096,
            "a zero list compresses well: {}",
            cbor.len()
        );
        assert_eq!(StatusList::from_cbor(&cbor, 1 << 20).unwrap(), big);
        assert_eq!(
            StatusList::from_cbor(&cbor, 1 << 10),
            Err(StatusError::TooLarge { max_bytes: 1 << 10 })
        );
    }
}
