//! Signed status lists: `List::at(uri).size(64).issued(iat).set(7, Invalid).sign(&key)`.

use consentry::status::{StatusList, StatusListToken, StatusValue};
use consentry::SigningKey;

use crate::rng;

/// A status list token to build: a list of `size` entries of 2 bits (all valid unless
/// [`List::set`]), published at a URI, issued at a time, with optional `exp` and `ttl`.
#[derive(Clone, Debug)]
pub struct List {
    uri: String,
    size: u64,
    bits: u8,
    iat: i64,
    exp: Option<i64>,
    ttl: Option<u64>,
    set: Vec<(u64, StatusValue)>,
}

impl List {
    /// A list at `uri`: 16 entries of 2 bits, issued at [`crate::NOW`], no `exp`, no `ttl`.
    pub fn at(uri: &str) -> Self {
        Self {
            uri: uri.into(),
            size: 16,
            bits: 2,
            iat: crate::NOW,
            exp: None,
            ttl: None,
            set: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn size(self, size: u64) -> Self {
        Self { size, ..self }
    }

    /// Bits per entry.
    pub fn bits(self, bits: u8) -> Self {
        Self { bits, ..self }
    }

    /// When the list was issued (`iat`).
    pub fn issued(self, iat: i64) -> Self {
        Self { iat, ..self }
    }

    /// When the list expires (`exp`), if ever.
    pub fn expires(self, exp: Option<i64>) -> Self {
        Self { exp, ..self }
    }

    /// How long the list may be cached (`ttl`, seconds), if at all.
    pub fn ttl(self, ttl: Option<u64>) -> Self {
        Self { ttl, ..self }
    }

    /// Sets entry `idx` to `value`.
    pub fn set(mut self, idx: u64, value: StatusValue) -> Self {
        self.set.push((idx, value));
        self
    }

    /// Sets each `(idx, value)` of `entries`.
    pub fn set_all(mut self, entries: &[(u64, StatusValue)]) -> Self {
        self.set.extend_from_slice(entries);
        self
    }

    /// The unsigned token.
    pub fn token(&self) -> StatusListToken {
        let mut list = StatusList::new(self.size, self.bits).expect("fixture list size and bits");
        for &(idx, value) in &self.set {
            list.set(idx, value).expect("fixture index inside the list");
        }
        StatusListToken {
            sub: self.uri.clone(),
            iat: self.iat,
            exp: self.exp,
            ttl: self.ttl,
            list,
        }
    }

    /// The token signed by `key`.
    pub fn sign(&self, key: &SigningKey) -> Vec<u8> {
        self.token().sign(key, &rng()).expect("fixture list signs")
    }
}

/// The code [`StatusListToken::verify`] refuses `bytes` with. Panics if it accepts them.
pub fn refusal(
    bytes: &[u8],
    trust: &consentry::TrustStore,
    now: i64,
    opts: &consentry::status::StatusListOptions,
) -> consentry::Code {
    use consentry::HasCode as _;
    StatusListToken::verify(bytes, trust, now, opts)
        .expect_err("the status list must be refused")
        .code()
}
