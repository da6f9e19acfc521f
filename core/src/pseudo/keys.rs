//! The master key and per-domain key derivation.

use zeroize::{Zeroize, Zeroizing};

use super::primitives::{self, Alphabet, Ff1Tweaked};
use super::PseudoError;

/// A 32-byte master key. Zeroized on drop; never printed.
///
/// ```
/// use consentry::pseudo::MasterKey;
/// let k = MasterKey::from_hex(&"00".repeat(32))?;
/// assert_eq!(format!("{k:?}"), "MasterKey(..)");
/// assert!(MasterKey::from_hex("abcd").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// The key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        MasterKey(bytes)
    }

    /// The key from a 32-byte slice.
    pub fn from_slice(bytes: &[u8]) -> Result<MasterKey, PseudoError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| PseudoError::InvalidKey)?;
        Ok(MasterKey(arr))
    }

    /// The key from 64 hex digits (either case; surrounding whitespace ignored).
    pub fn from_hex(hex: &str) -> Result<MasterKey, PseudoError> {
        let h = hex.trim().as_bytes();
        if h.len() != 64 {
            return Err(PseudoError::InvalidKey);
        }
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(h.chunks_exact(2)) {
            let hi = hex_val(pair.first().copied()).ok_or(PseudoError::InvalidKey)?;
            let lo = hex_val(pair.get(1).copied()).ok_or(PseudoError::InvalidKey)?;
            *o = (hi << 4) | lo;
        }
        Ok(MasterKey(out))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether the key is weak: its 32 bytes all the same (all zero, all `0x42`, ...). Such a
    /// key is a placeholder or the output of a broken generator; building a [`Pseudonymiser`]
    /// or deriving a domain key from it fails with [`PseudoError::WeakKey`]
    /// (`master_key_weak`).
    ///
    /// [`Pseudonymiser`]: super::Pseudonymiser
    ///
    /// ```
    /// use consentry::pseudo::MasterKey;
    /// assert!(MasterKey::from_bytes([0; 32]).is_weak());
    /// assert!(!MasterKey::from_bytes(*b"an example key, never use it! 32").is_weak());
    /// ```
    pub fn is_weak(&self) -> bool {
        let first = self.0.first().copied().unwrap_or_default();
        self.0.iter().all(|&b| b == first)
    }
}

fn hex_val(c: Option<u8>) -> Option<u8> {
    match c? {
        c @ b'0'..=b'9' => Some(c - b'0'),
        c @ b'a'..=b'f' => Some(c - b'a' + 10),
        c @ b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl zeroize::ZeroizeOnDrop for MasterKey {}

impl core::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// The purposes a per-domain key is derived for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// HMAC-SHA256 key for `pseudonym` (32 bytes).
    Pseudonym,
    /// AES-SIV key for `token` (64 bytes).
    Token,
    /// AES-256 key for `ff1` (32 bytes).
    Ff1,
    /// HMAC-SHA256 key for `shift` offsets (32 bytes).
    Shift,
    /// HMAC-SHA256 key for the key check value (32 bytes): a fingerprint of master key and
    /// domain that reversal compares before it decrypts ([`key_check_value`]).
    Check,
}

impl KeyKind {
    /// The HKDF salt: `"consentry/v1/" + kind`.
    pub const fn salt(self) -> &'static [u8] {
        match self {
            KeyKind::Pseudonym => b"consentry/v1/pseudonym",
            KeyKind::Token => b"consentry/v1/token",
            KeyKind::Ff1 => b"consentry/v1/ff1",
            KeyKind::Shift => b"consentry/v1/shift",
            KeyKind::Check => b"consentry/v1/kcv",
        }
    }

    /// The derived key length in bytes (HKDF output length L).
    pub const fn key_len(self) -> usize {
        match self {
            KeyKind::Token => 64,
            KeyKind::Pseudonym | KeyKind::Ff1 | KeyKind::Shift | KeyKind::Check => 32,
        }
    }
}

/// `HKDF-SHA256(salt = "consentry/v1/" + kind, ikm = master, info = domain)` with output length
/// [`KeyKind::key_len`]. Public for cross-implementation checks; the pseudonymiser calls it
/// once per kind when it is built. A weak master key ([`MasterKey::is_weak`]) is refused
/// with [`PseudoError::WeakKey`]: this is the one check every face goes through.
pub fn derive_domain_key(
    master: &MasterKey,
    kind: KeyKind,
    domain: &str,
) -> Result<Zeroizing<Vec<u8>>, PseudoError> {
    if master.is_weak() {
        return Err(PseudoError::WeakKey);
    }
    let mut out = Zeroizing::new(vec![0u8; kind.key_len()]);
    primitives::hkdf_sha256(kind.salt(), master.as_bytes(), domain.as_bytes(), &mut out)
        .map_err(|_| PseudoError::Internal)?;
    Ok(out)
}

/// The label the key check value is a MAC of (followed by the domain).
const KEY_CHECK_LABEL: &[u8] = b"consentry/v1/key-check\0";

/// Bytes of the MAC kept in a key check value (hex: twice as many characters).
pub const KEY_CHECK_LEN: usize = 8;

/// The key check value of `master` for `domain`: the first [`KEY_CHECK_LEN`] bytes of
/// `HMAC-SHA256(K, "consentry/v1/key-check" || 0x00 || domain)` in lower-case hex, where `K` is
/// the [`KeyKind::Check`] key derived for `domain`. It identifies the (master key, domain) pair
/// without revealing any key that protects data: the check key is used for nothing else.
///
/// ```
/// use consentry::pseudo::{key_check_value, MasterKey};
/// let k = MasterKey::from_bytes(*b"one master key, thirty-two bytes");
/// let a = key_check_value(&k, "tn.health/research")?;
/// assert_eq!(a.len(), 16);
/// assert_ne!(a, key_check_value(&k, "tn.health/other")?);
/// assert_ne!(a, key_check_value(&MasterKey::from_bytes(*b"another master key, also 32 byte"), "tn.health/research")?);
/// # Ok::<(), consentry::pseudo::PseudoError>(())
/// ```
pub fn key_check_value(master: &MasterKey, domain: &str) -> Result<String, PseudoError> {
    let k = derive_domain_key(master, KeyKind::Check, domain)?;
    let key = primitives::hmac_key(&k).map_err(|_| PseudoError::Internal)?;
    let mut msg = Vec::with_capacity(KEY_CHECK_LABEL.len() + domain.len());
    msg.extend_from_slice(KEY_CHECK_LABEL);
    msg.extend_from_slice(domain.as_bytes());
    let mac = primitives::hmac_sha256(&key, &msg);
    Ok(mac
        .iter()
        .take(KEY_CHECK_LEN)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The derived keys of one domain, prepared for use.
///
/// Every key and prepared key state is zeroized on drop (the HMAC states by sha2's `zeroize`
/// feature, the AES key schedules by the aes crate's).
pub(crate) struct DomainKeys {
    pub(crate) domain: String,
    pub(crate) pseudonym: primitives::HmacKey,
    /// The `token` AES-SIV key, prepared, and its S2V state after the associated data
    /// `[domain]`.
    pub(crate) token: primitives::SivKey,
    pub(crate) token_ad: primitives::SivAd,
    /// The `ff1` ciphers, bound to the domain as tweak.
    pub(crate) ff1_10: Ff1Tweaked,
    pub(crate) ff1_36: Ff1Tweaked,
    pub(crate) shift: primitives::HmacKey,
    /// [`key_check_value`] of the master key and domain (not secret).
    pub(crate) kcv: String,
}

impl DomainKeys {
    pub(crate) fn derive(master: &MasterKey, domain: &str) -> Result<DomainKeys, PseudoError> {
        let p = derive_domain_key(master, KeyKind::Pseudonym, domain)?;
        let t = derive_domain_key(master, KeyKind::Token, domain)?;
        let f = derive_domain_key(master, KeyKind::Ff1, domain)?;
        let s = derive_domain_key(master, KeyKind::Shift, domain)?;
        let token = primitives::SivKey::new(&t).map_err(|_| PseudoError::Internal)?;
        let token_ad = token
            .ad_state(&[domain.as_bytes()])
            .map_err(|_| PseudoError::Internal)?;
        Ok(DomainKeys {
            domain: domain.to_owned(),
            pseudonym: primitives::hmac_key(&p).map_err(|_| PseudoError::Internal)?,
            token,
            token_ad,
            ff1_10: Ff1Tweaked::new(&f, Alphabet::Digits, domain.as_bytes())
                .map_err(|_| PseudoError::Internal)?,
            ff1_36: Ff1Tweaked::new(&f, Alphabet::Upper36, domain.as_bytes())
                .map_err(|_| PseudoError::Internal)?,
            shift: primitives::hmac_key(&s).map_err(|_| PseudoError::Internal)?,
            kcv: key_check_value(master, domain)?,
        })
    }
}
