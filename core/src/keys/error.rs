//! Errors about keys: parsing, checking, the trust store ([`KeyError`]).

use thiserror::Error;

use crate::error::{Code, HasCode};

/// Errors about keys: parsing, checking, the trust store.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Public key bytes that do not form a key of the stated type.
    #[error("invalid public key: {reason}")]
    Invalid {
        /// what is wrong, without the key bytes
        reason: &'static str,
    },
    /// An Ed25519 key of small order or with a non-canonical encoding.
    #[error("ed25519 public key is {reason} and cannot be trusted")]
    Weak {
        /// `small-order` or `non-canonical`
        reason: &'static str,
    },
    /// A key type, curve or algorithm consentry does not support.
    #[error("unsupported key: {what}")]
    Unsupported {
        /// the unsupported member, e.g. `` `crv` ``
        what: &'static str,
    },
    /// Private key material where only a public key belongs.
    #[error("private key material (`d`) in a public key or trust store")]
    PrivateMaterial,
    /// The `kid` is already bound to a different key.
    #[error("`kid` is already bound to a different key")]
    DuplicateKid,
    /// The `kid` is empty or longer than 64 bytes.
    #[error("`kid` must be 1 to 64 bytes, got {len}")]
    KidInvalid {
        /// the length given
        len: usize,
    },
    /// A PKCS#8 document that is not a usable Ed25519 or P-256 private key.
    #[error("private key is not a valid pkcs#8 ed25519 or p-256 key")]
    Pkcs8Invalid,
    /// A JWK or JWK Set that does not parse or lacks a member.
    #[error("invalid jwk: {reason}")]
    Jwk {
        /// what is wrong (member names only)
        reason: String,
    },
    /// The random source failed while generating or signing.
    #[error("signing failed")]
    SigningFailed,
    /// P-256 coordinates that are not below p or do not satisfy y² = x³ − 3x + b.
    #[error("p-256 public key is not a point on the curve")]
    NotOnCurve,
}

impl HasCode for KeyError {
    fn code(&self) -> Code {
        match self {
            KeyError::Invalid { .. } => Code::KeyInvalid,
            KeyError::Weak { .. } => Code::KeyWeak,
            KeyError::Unsupported { .. } => Code::KeyUnsupported,
            KeyError::PrivateMaterial => Code::KeyPrivateMaterial,
            KeyError::DuplicateKid => Code::KeyDuplicateKid,
            KeyError::KidInvalid { .. } => Code::KeyKidInvalid,
            KeyError::Pkcs8Invalid => Code::KeyPkcs8Invalid,
            KeyError::Jwk { .. } => Code::KeyJwkInvalid,
            KeyError::SigningFailed => Code::SigningFailed,
            KeyError::NotOnCurve => Code::KeyNotOnCurve,
        }
    }
}
