//! Private keys: PKCS#8 loading, key generation and signing.

use ring::rand::SecureRandom;
use ring::signature::{self as sig, KeyPair as _};
use zeroize::Zeroizing;

use super::{Algorithm, VerifyingKey};
use crate::KeyError;

/// DER prefix of an RFC 8410 §7 PKCS#8 v1 Ed25519 private key, before the 32-byte seed:
/// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
const ED25519_PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

enum SigningInner {
    Ed25519(sig::Ed25519KeyPair),
    Es256(sig::EcdsaKeyPair),
}

/// A private key for issuing artefacts, loaded from PKCS#8 (DER).
pub struct SigningKey {
    inner: SigningInner,
    public: VerifyingKey,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a new private key and returns it as a PKCS#8 DER document (zeroized on drop).
    ///
    /// Ed25519 keys are written in the PKCS#8 v1 form of RFC 8410 §7, which OpenSSL and most
    /// libraries read (ring's own v2 form is not read by OpenSSL 3); P-256 keys in ring's
    /// PKCS#8 form. [`SigningKey::from_pkcs8`] reads both, and OpenSSL-generated keys.
    pub fn generate_pkcs8(
        alg: Algorithm,
        rng: &dyn SecureRandom,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match alg {
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rng.fill(seed.as_mut())
                    .map_err(|_| KeyError::SigningFailed)?;
                let mut der = Zeroizing::new(Vec::with_capacity(48));
                der.extend_from_slice(&ED25519_PKCS8_V1_PREFIX);
                der.extend_from_slice(seed.as_ref());
                Ok(der)
            }
            Algorithm::Es256 => {
                let doc =
                    sig::EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, rng)
                        .map_err(|_| KeyError::SigningFailed)?;
                Ok(Zeroizing::new(doc.as_ref().to_vec()))
            }
        }
    }

    /// Loads a PKCS#8 private key (Ed25519 v1 or v2, or P-256). `rng` is used by `ring` to
    /// blind the ECDSA key check; Ed25519 does not use it.
    pub fn from_pkcs8(der: &[u8], rng: &dyn SecureRandom) -> Result<Self, KeyError> {
        if let Ok(kp) = sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            let public = VerifyingKey::from_ed25519(kp.public_key().as_ref())?;
            return Ok(SigningKey {
                inner: SigningInner::Ed25519(kp),
                public,
            });
        }
        let kp = sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, der, rng)
            .map_err(|_| KeyError::Pkcs8Invalid)?;
        let public = VerifyingKey::from_p256_sec1(kp.public_key().as_ref())?;
        Ok(SigningKey {
            inner: SigningInner::Es256(kp),
            public,
        })
    }

    /// An Ed25519 key from a 32-byte seed. Meant for deterministic test corpora and demos;
    /// real keys come from [`SigningKey::generate_pkcs8`].
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Result<Self, KeyError> {
        let kp =
            sig::Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| KeyError::Pkcs8Invalid)?;
        let public = VerifyingKey::from_ed25519(kp.public_key().as_ref())?;
        Ok(SigningKey {
            inner: SigningInner::Ed25519(kp),
            public,
        })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.alg
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// Signs `msg`. Ed25519 is deterministic; ES256 draws a nonce from `rng`.
    pub fn sign(&self, msg: &[u8], rng: &dyn SecureRandom) -> Result<Vec<u8>, KeyError> {
        match &self.inner {
            SigningInner::Ed25519(kp) => Ok(kp.sign(msg).as_ref().to_vec()),
            SigningInner::Es256(kp) => kp
                .sign(rng, msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::SigningFailed),
        }
    }
}
