//! A compat signer: produces exactly what AA implementations produce (compact, or detached
//! `header..signature`, with `b64` false / true / absent), so partners can generate test
//! traffic and consentry's verifier can be cross-checked against other implementations.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::SecureRandom;
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents};

use super::jws::B64Mode;
use super::keys::{AaAlg, MAX_AA_KID_LEN};
use super::AaError;

/// An RSA private key for AA signatures, with the `kid` it signs under and the algorithm it
/// fixes. ring takes 2048- to 4096-bit keys.
pub struct AaSigningKey {
    pair: RsaKeyPair,
    alg: AaAlg,
    kid: String,
}

impl core::fmt::Debug for AaSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AaSigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl AaSigningKey {
    /// Loads an RSA private key from PKCS#8 DER (`key_pkcs8_invalid` when it is not one ring
    /// accepts, including keys under 2048 bits); `kid` is 1 to [`MAX_AA_KID_LEN`] bytes.
    pub fn from_pkcs8(pkcs8: &[u8], alg: AaAlg, kid: &str) -> Result<Self, AaError> {
        if kid.is_empty() || kid.len() > MAX_AA_KID_LEN {
            return Err(AaError::KeyJson(format!(
                "`kid` must be 1 to {MAX_AA_KID_LEN} bytes"
            )));
        }
        let pair = RsaKeyPair::from_pkcs8(pkcs8).map_err(|_| AaError::Pkcs8)?;
        Ok(AaSigningKey {
            pair,
            alg,
            kid: kid.to_owned(),
        })
    }

    /// The `kid`.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm.
    pub fn alg(&self) -> AaAlg {
        self.alg
    }

    /// The public key as a JWK `{"kty": "RSA", "kid", "use": "sig", "alg", "n", "e"}`, ready for
    /// [`AaTrust::add_json`](super::AaTrust::add_json).
    pub fn public_jwk(&self) -> serde_json::Value {
        let c = RsaPublicKeyComponents::<Vec<u8>>::from(self.pair.public());
        serde_json::json!({
            "kty": "RSA",
            "kid": self.kid,
            "use": "sig",
            "alg": self.alg.name(),
            "n": URL_SAFE_NO_PAD.encode(&c.n),
            "e": URL_SAFE_NO_PAD.encode(&c.e),
        })
    }

    /// The protected header AA implementations write for `b64`.
    fn header(&self, b64: B64Mode) -> String {
        let kid = serde_json::Value::String(self.kid.clone()).to_string();
        let alg = self.alg.name();
        match b64 {
            B64Mode::False => {
                format!(r#"{{"alg":"{alg}","kid":{kid},"b64":false,"crit":["b64"]}}"#)
            }
            B64Mode::True => format!(r#"{{"alg":"{alg}","kid":{kid},"b64":true,"crit":["b64"]}}"#),
            B64Mode::Absent => format!(r#"{{"alg":"{alg}","kid":{kid}}}"#),
        }
    }

    /// `(header segment, signature segment)` over `payload` for `b64`.
    fn sign_parts(
        &self,
        payload: &[u8],
        b64: B64Mode,
        rng: &dyn SecureRandom,
    ) -> Result<(String, String), AaError> {
        let h = URL_SAFE_NO_PAD.encode(self.header(b64));
        let mut input = Vec::with_capacity(h.len() + 1 + payload.len() / 3 * 4 + 4);
        input.extend_from_slice(h.as_bytes());
        input.push(b'.');
        match b64 {
            B64Mode::False => input.extend_from_slice(payload),
            B64Mode::True | B64Mode::Absent => {
                input.extend_from_slice(URL_SAFE_NO_PAD.encode(payload).as_bytes());
            }
        }
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        let padding: &'static dyn ring::signature::RsaEncoding = match self.alg {
            AaAlg::Rs256 => &ring::signature::RSA_PKCS1_SHA256,
            AaAlg::Ps256 => &ring::signature::RSA_PSS_SHA256,
        };
        self.pair
            .sign(padding, rng, &input, &mut sig)
            .map_err(|_| AaError::SigningFailed)?;
        Ok((h, URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// Signs `payload` (the bytes exactly as given) as a compact JWS: `header.payload.signature`,
/// the payload segment base64url in every mode (as AA implementations write it) and the
/// signature over the input `b64` selects. RS256 signatures are deterministic: the same key
/// and payload give the same JWS.
pub fn sign_compact(
    payload: &[u8],
    key: &AaSigningKey,
    b64: B64Mode,
    rng: &dyn SecureRandom,
) -> Result<String, AaError> {
    let (h, s) = key.sign_parts(payload, b64, rng)?;
    Ok(format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(payload)))
}

/// Signs `body` as a detached JWS `header..signature` (an `x-jws-signature` value).
pub fn sign_detached(
    body: &[u8],
    key: &AaSigningKey,
    b64: B64Mode,
    rng: &dyn SecureRandom,
) -> Result<String, AaError> {
    let (h, s) = key.sign_parts(body, b64, rng)?;
    Ok(format!("{h}..{s}"))
}
