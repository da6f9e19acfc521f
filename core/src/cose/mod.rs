//! COSE_Sign1 (RFC 9052) wire mapping: signing (the protected header, `Sig_structure` and
//! envelope written by the crate's one deterministic CBOR writer), and a strict zero-copy
//! parser of the envelope and its headers used by every verifier in the crate.

use ring::rand::SecureRandom;

use crate::cbor::{int_from_head, Encoder, Reader};
use crate::keys::{Algorithm, SigningKey, VerifyingKey};
use crate::{CborError, KeyError};

mod error;
pub use error::VerifyError;

/// CBOR tag of a COSE_Sign1.
pub const COSE_SIGN1_TAG: u64 = 18;

/// Media type in the `typ` header of a consent artefact.
pub const ARTEFACT_TYP: &str = "application/vnd.consentry.artefact+cwt";

/// A header label: integer or text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// An integer label (all registered labels).
    Int(i64),
    /// A text label.
    Text(String),
}

impl core::fmt::Display for Label {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Label::Int(n) => write!(f, "{n}"),
            Label::Text(_) => f.write_str("(text label)"),
        }
    }
}

/// The `alg` header as found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgHeader {
    /// A supported algorithm.
    Known(Algorithm),
    /// An integer or text `alg` consentry does not support.
    Unknown,
}

/// One header bucket, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    /// `alg` (1).
    pub alg: Option<AlgHeader>,
    /// `kid` (4).
    pub kid: Option<&'a [u8]>,
    /// `typ` (16), when it is text.
    pub typ: Option<&'a str>,
    /// Whether `crit` (2) is present.
    pub crit: bool,
    /// Every label present, in order.
    pub labels: Vec<Label>,
}

/// A parsed COSE_Sign1, borrowing the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sign1<'a> {
    /// Whether tag 18 was present.
    pub tagged: bool,
    /// The protected header exactly as received (the bytes that are signed).
    pub protected_raw: &'a [u8],
    /// The protected header, decoded.
    pub protected: Headers<'a>,
    /// The unprotected header, decoded.
    pub unprotected: Headers<'a>,
    /// The payload.
    pub payload: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
}

fn env(part: &'static str) -> impl Fn(CborError) -> VerifyError {
    move |source| VerifyError::Cbor { part, source }
}

fn structure(reason: &'static str) -> VerifyError {
    VerifyError::Structure { reason }
}

fn parse_headers<'a>(r: &mut Reader<'a>, part: &'static str) -> Result<Headers<'a>, VerifyError> {
    let e = env(part);
    let mut keys = match r.map() {
        Ok(k) => k,
        Err(CborError::WrongType { .. }) => return Err(structure("a header bucket is not a map")),
        Err(other) => return Err(e(other)),
    };
    let mut h = Headers::default();
    for _ in 0..keys.len {
        let start = r.position();
        let label = match r.peek_major().map_err(&e)? {
            0 | 1 => Label::Int(r.int().map_err(&e)?),
            3 => Label::Text(r.text().map_err(&e)?.to_owned()),
            _ => return Err(structure("a header label is neither an integer nor text")),
        };
        keys.check(r, start).map_err(&e)?;
        let wrong = |header: &'static str, expected: &'static str| {
            move |err: CborError| match err {
                CborError::WrongType { .. } => VerifyError::HeaderWrongType { header, expected },
                other => VerifyError::Cbor {
                    part,
                    source: other,
                },
            }
        };
        match label {
            Label::Int(1) => {
                h.alg = Some(match r.peek_major().map_err(&e)? {
                    0 | 1 => {
                        let id = r.head().and_then(int_from_head).map_err(&e)?;
                        Algorithm::from_cose_id(id).map_or(AlgHeader::Unknown, AlgHeader::Known)
                    }
                    3 => {
                        r.text().map_err(&e)?;
                        AlgHeader::Unknown
                    }
                    _ => {
                        return Err(VerifyError::HeaderWrongType {
                            header: "alg",
                            expected: "an integer or text",
                        })
                    }
                });
            }
            Label::Int(2) => {
                h.crit = true;
                r.skip().map_err(&e)?;
            }
            Label::Int(4) => h.kid = Some(r.bytes().map_err(wrong("kid", "a byte string"))?),
            Label::Int(16) => match r.peek_major().map_err(&e)? {
                3 => h.typ = Some(r.text().map_err(&e)?),
                // typ may also be a CoAP content-format number; not ours, so not equal.
                _ => r.skip().map_err(&e)?,
            },
            _ => r.skip().map_err(&e)?,
        }
        h.labels.push(label);
    }
    r.leave();
    Ok(h)
}

/// Parses a COSE_Sign1 strictly. With `require_tag`, an untagged message is refused.
///
/// The envelope and both header buckets must be deterministic CBOR; the payload and signature
/// are returned as received.
pub fn parse_sign1(bytes: &[u8], require_tag: bool) -> Result<Sign1<'_>, VerifyError> {
    let e = env("envelope");
    let mut r = Reader::new(bytes);
    let mut tagged = false;
    if r.peek_major().map_err(&e)? == 6 {
        let tag = r.tag().map_err(&e)?;
        if tag != COSE_SIGN1_TAG {
            return Err(VerifyError::WrongTag { tag });
        }
        tagged = true;
    } else if require_tag {
        return Err(VerifyError::Untagged);
    }
    let n = match r.array() {
        Ok(n) => n,
        Err(CborError::WrongType { .. }) => return Err(structure("expected an array")),
        Err(other) => return Err(e(other)),
    };
    if n != 4 {
        return Err(structure("expected an array of 4 items"));
    }
    let protected_raw = match r.bytes() {
        Ok(b) => b,
        Err(CborError::WrongType { .. }) => {
            return Err(structure("the protected header is not a byte string"))
        }
        Err(other) => return Err(e(other)),
    };
    let unprotected = parse_headers(&mut r, "unprotected")?;
    let payload = match r.bytes() {
        Ok(b) => b,
        Err(CborError::WrongType { .. }) => {
            return Err(structure(
                "the payload is not a byte string (detached payloads are not supported)",
            ))
        }
        Err(other) => return Err(e(other)),
    };
    let signature = match r.bytes() {
        Ok(b) => b,
        Err(CborError::WrongType { .. }) => {
            return Err(structure("the signature is not a byte string"))
        }
        Err(other) => return Err(e(other)),
    };
    r.leave();
    r.finish().map_err(&e)?;

    let protected = if protected_raw.is_empty() {
        Headers::default()
    } else {
        let mut pr = Reader::new(protected_raw);
        let h = parse_headers(&mut pr, "protected")?;
        pr.finish().map_err(env("protected"))?;
        h
    };
    Ok(Sign1 {
        tagged,
        protected_raw,
        protected,
        unprotected,
        payload,
        signature,
    })
}

impl Sign1<'_> {
    /// The `alg` header: protected bucket first, then unprotected.
    pub fn alg(&self) -> Option<AlgHeader> {
        self.protected.alg.or(self.unprotected.alg)
    }

    /// The bytes the signature covers (the `Sig_structure`).
    ///
    /// An empty protected header encoded as an empty map (`a0`) is treated as the zero-length
    /// byte string RFC 9052 §3 prescribes for it, as the COSE WG example `sign-pass-01`
    /// expects; both mean "no protected headers". Every other protected header is signed as
    /// received. (consentry's own profile never has an empty protected header.)
    pub fn to_be_signed(&self, external_aad: &[u8]) -> Vec<u8> {
        let protected = if self.protected_raw == [0xa0] {
            &[][..]
        } else {
            self.protected_raw
        };
        sig_structure(protected, external_aad, self.payload)
    }
}

/// Verifies the signature of a parsed COSE_Sign1 with `key` and `external_aad`.
///
/// The `alg` header (protected, else unprotected) must be present, supported and equal to the
/// key's algorithm. This is the one signature check of the crate: the artefact verifier calls
/// it after its profile checks.
pub fn verify_sign1(
    msg: &Sign1<'_>,
    key: &VerifyingKey,
    external_aad: &[u8],
) -> Result<(), VerifyError> {
    match msg.alg() {
        None => return Err(VerifyError::AlgMissing),
        Some(AlgHeader::Unknown) => return Err(VerifyError::AlgUnknown),
        Some(AlgHeader::Known(a)) if a != key.algorithm() => return Err(VerifyError::AlgMismatch),
        Some(AlgHeader::Known(_)) => {}
    }
    key.verify_signature(&msg.to_be_signed(external_aad), msg.signature)
        .map_err(|_| VerifyError::Signature)
}

/// The `Sig_structure` for a COSE_Sign1: `["Signature1", protected, external_aad, payload]`.
pub fn sig_structure(protected_raw: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut e =
        Encoder::with_capacity(24 + protected_raw.len() + external_aad.len() + payload.len());
    e.array(4)
        .text("Signature1")
        .bytes(protected_raw)
        .bytes(external_aad)
        .bytes(payload);
    e.finish_fixed()
}

/// Signs `payload` as a tagged COSE_Sign1 with consentry's protected header
/// (`alg`, `kid` = the key's thumbprint, `typ`) and an empty unprotected header.
///
/// The payload is signed as given; [`crate::issue`] is the usual entry point for artefacts.
pub fn sign1(
    payload: &[u8],
    typ: &str,
    key: &SigningKey,
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, KeyError> {
    sign1_with_kid(payload, typ, &key.verifying_key().thumbprint(), key, rng)
}

/// As [`sign1`], with an explicit `kid`.
///
/// The protected header is `{1: alg, 4: kid, 16: typ}` (no `kid` when it is empty) and the
/// unprotected header empty, in deterministic CBOR.
pub fn sign1_with_kid(
    payload: &[u8],
    typ: &str,
    kid: &[u8],
    key: &SigningKey,
    rng: &dyn SecureRandom,
) -> Result<Vec<u8>, KeyError> {
    let mut protected = Encoder::with_capacity(64 + typ.len());
    protected.map(|m| {
        m.int(1, |e| e.int(key.algorithm().cose_id()))
            .int(16, |e| e.text(typ));
        // An empty `kid` is left out (as `coset`, which signed before, did).
        if !kid.is_empty() {
            m.int(4, |e| e.bytes(kid));
        }
    });
    let protected = protected.finish_fixed();
    let signature = key.sign(&sig_structure(&protected, b"", payload), rng)?;
    let mut msg = Encoder::with_capacity(16 + protected.len() + payload.len() + signature.len());
    msg.tag(COSE_SIGN1_TAG)
        .array(4)
        .bytes(&protected)
        .map(|_| {})
        .bytes(payload)
        .bytes(&signature);
    Ok(msg.finish_fixed())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The envelope our writer produces is the one `coset` (which signed before) produces for
    /// the same header, payload and key, byte for byte.
    #[test]
    fn signing_writes_the_same_bytes_as_coset() {
        use coset::{iana, TaggedCborSerializable as _};
        let rng = ring::rand::SystemRandom::new();
        let key = SigningKey::from_ed25519_seed(&[9; 32]).unwrap();
        for (payload, typ, kid) in [
            (&b"\xa1\x01\x02"[..], ARTEFACT_TYP, &[7u8; 32][..]),
            (&[0u8; 300][..], "x", &b""[..]),
            (&[][..], &"t".repeat(40)[..], &[1u8; 24][..]),
        ] {
            let ours = sign1_with_kid(payload, typ, kid, &key, &rng).unwrap();
            let protected = coset::HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .key_id(kid.to_vec())
                .value(16, ciborium::Value::Text(typ.to_owned()))
                .build();
            let theirs = coset::CoseSign1Builder::new()
                .protected(protected)
                .payload(payload.to_vec())
                .try_create_signature(b"", |tbs| key.sign(tbs, &rng))
                .unwrap()
                .build()
                .to_tagged_vec()
                .unwrap();
            assert_eq!(hex::encode(&ours), hex::encode(&theirs));
            assert_eq!(parse_sign1(&ours, true).unwrap().payload, payload);
        }
    }
}
