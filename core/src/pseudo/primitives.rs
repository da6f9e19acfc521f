//! The cryptographic primitives under the keyed transforms, in one place, so that the public
//! test vectors (Wycheproof, NIST) run through exactly the code the transforms call.
//!
//! Not a stable API: it is public only for the vector tests in `tests/` and hidden from the docs.

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes::{Aes128, Aes192, Aes256, Block};
use fpe::ff1::{FlexibleNumeralString, FF1};
use hmac::Mac;
use ring::hkdf;
use sha2::Sha256;

pub use super::siv::{SivAd, SivKey};

/// A primitive refused its input. Deliberately without detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrimitiveError;

/// Output length request for ring's HKDF.
struct OkmLen(usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256 (RFC 5869): fills `out` from `salt`, `ikm` and `info`. Fails when `out` is longer
/// than 255 × 32 bytes.
pub fn hkdf_sha256(
    salt: &[u8],
    ikm: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<(), PrimitiveError> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let info = [info];
    let okm = prk
        .expand(&info, OkmLen(out.len()))
        .map_err(|_| PrimitiveError)?;
    okm.fill(out).map_err(|_| PrimitiveError)
}

/// A prepared HMAC-SHA256 key: the inner and outer SHA-256 states after the padded key block,
/// zeroized on drop.
///
/// RustCrypto's `hmac` rather than ring's: a pseudonym is one HMAC over a short value, and for
/// one-block messages ring spends about as long copying and formatting its context as on the
/// two compressions (measured in `benches/pseudo.rs`); ring's key states are also not zeroized.
#[derive(Clone)]
pub struct HmacKey(hmac::Hmac<Sha256>);

/// A prepared HMAC-SHA256 key. Keys of any length are accepted (RFC 2104: longer keys are
/// hashed first), so this fails only if the `hmac` crate ever stops accepting one; it never
/// falls back to another key.
pub fn hmac_key(key: &[u8]) -> Result<HmacKey, PrimitiveError> {
    hmac::Hmac::<Sha256>::new_from_slice(key)
        .map(HmacKey)
        .map_err(|_| PrimitiveError)
}

/// HMAC-SHA256 of `msg` under `key`.
#[inline]
pub fn hmac_sha256(key: &HmacKey, msg: &[u8]) -> [u8; 32] {
    let mut mac = key.0.clone();
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Constant-time check that `tag` equals the first `tag.len()` bytes of HMAC-SHA256(key, msg);
/// truncated tags shorter than 16 bytes are refused.
pub fn hmac_sha256_verify(key: &HmacKey, msg: &[u8], tag: &[u8]) -> Result<(), PrimitiveError> {
    if tag.len() < 16 || tag.len() > 32 {
        return Err(PrimitiveError);
    }
    let mut mac = key.0.clone();
    mac.update(msg);
    mac.verify_truncated_left(tag).map_err(|_| PrimitiveError)
}

/// A prepared AES key schedule (AES-128, -192 or -256 by key length), zeroized on drop by the
/// `aes` crate.
#[derive(Clone)]
pub(crate) enum AesKey {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

impl AesKey {
    /// The key schedule of a 16-, 24- or 32-byte key.
    pub(crate) fn new(key: &[u8]) -> Result<AesKey, PrimitiveError> {
        Ok(match key.len() {
            16 => AesKey::A128(Aes128::new_from_slice(key).map_err(|_| PrimitiveError)?),
            24 => AesKey::A192(Aes192::new_from_slice(key).map_err(|_| PrimitiveError)?),
            32 => AesKey::A256(Aes256::new_from_slice(key).map_err(|_| PrimitiveError)?),
            _ => return Err(PrimitiveError),
        })
    }

    /// Encrypts one block in place.
    #[inline]
    pub(crate) fn encrypt(&self, block: &mut [u8; 16]) {
        let mut b = Block::from(*block);
        match self {
            AesKey::A128(c) => c.encrypt_block(&mut b),
            AesKey::A192(c) => c.encrypt_block(&mut b),
            AesKey::A256(c) => c.encrypt_block(&mut b),
        }
        *block = b.into();
    }
}

/// AES-SIV (RFC 5297, CMAC) encryption: output is the 16-byte SIV followed by the ciphertext.
/// The key is 32, 48 or 64 bytes (AES-128, -192, -256); consentry's tokens use 64. Runs on
/// [`SivKey`] (the `token` transform prepares the key once per domain).
pub fn siv_encrypt(key: &[u8], ad: &[&[u8]], msg: &[u8]) -> Result<Vec<u8>, PrimitiveError> {
    let k = SivKey::new(key)?;
    k.seal(&k.ad_state(ad)?, msg)
}

/// AES-SIV decryption of SIV ‖ ciphertext; fails on a wrong key, associated data or any change.
pub fn siv_decrypt(key: &[u8], ad: &[&[u8]], ct: &[u8]) -> Result<Vec<u8>, PrimitiveError> {
    let k = SivKey::new(key)?;
    k.open(&k.ad_state(ad)?, ct)
}

/// The alphabets FF1 runs over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alphabet {
    /// `0123456789` (radix 10).
    Digits,
    /// `0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ` (radix 36, upper case only).
    Upper36,
}

impl Alphabet {
    /// The radix.
    pub const fn radix(self) -> u32 {
        match self {
            Alphabet::Digits => 10,
            Alphabet::Upper36 => 36,
        }
    }

    fn value(self, c: u8) -> Option<u8> {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' if self == Alphabet::Upper36 => c - b'A' + 10,
            _ => return None,
        };
        Some(v)
    }

    fn char_of(self, v: u8) -> Option<char> {
        self.symbol(v).map(char::from)
    }

    fn symbol(self, v: u8) -> Option<u8> {
        let set: &[u8] = match self {
            Alphabet::Digits => b"0123456789",
            Alphabet::Upper36 => b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        };
        set.get(usize::from(v)).copied()
    }
}

enum Ff1Inner {
    A128(FF1<Aes128>),
    A192(FF1<Aes192>),
    A256(FF1<Aes256>),
}

/// FF1 (NIST SP 800-38G Rev. 1) over an [`Alphabet`]. The key is 16, 24 or 32 bytes;
/// consentry's `ff1` transform uses 32 (AES-256). Inputs with radix^length < 10^6 are
/// refused, as Rev. 1 requires.
///
/// Strings whose halves fit in `u128` (radix 10 up to 76 characters, radix 36 up to 48) run
/// on machine integers with the AES key schedule prepared here and no heap allocation
/// (`super::ff1`); longer ones through the `fpe` crate, which is also the reference the
/// tests compare against ([`Ff1::encrypt_reference`]).
pub struct Ff1 {
    inner: Ff1Inner,
    aes: AesKey,
    alphabet: Alphabet,
    /// Rev. 1 minimum length: the least n with radix^n >= 10^6 (and n >= 2).
    min_len: usize,
    /// Longest string on the machine-integer path.
    fast_max: usize,
}

impl Ff1 {
    /// Prepares FF1 with `key` over `alphabet`.
    pub fn new(key: &[u8], alphabet: Alphabet) -> Result<Ff1, PrimitiveError> {
        let radix = alphabet.radix();
        // fpe panics on a wrong key length, so the length is checked here first.
        let inner = match key.len() {
            16 => Ff1Inner::A128(FF1::new(key, radix).map_err(|_| PrimitiveError)?),
            24 => Ff1Inner::A192(FF1::new(key, radix).map_err(|_| PrimitiveError)?),
            32 => Ff1Inner::A256(FF1::new(key, radix).map_err(|_| PrimitiveError)?),
            _ => return Err(PrimitiveError),
        };
        let mut min_len = 1usize;
        let mut domain = u64::from(radix);
        while domain < 1_000_000 {
            domain = domain.saturating_mul(u64::from(radix));
            min_len += 1;
        }
        let fast_max = (2..=super::ff1::FAST_MAX_LEN)
            .take_while(|n| super::ff1::fits(radix, *n))
            .last()
            .unwrap_or(0);
        Ok(Ff1 {
            inner,
            aes: AesKey::new(key)?,
            alphabet,
            min_len: min_len.max(2),
            fast_max,
        })
    }

    /// The alphabet.
    pub fn alphabet(&self) -> Alphabet {
        self.alphabet
    }

    /// Whether strings of `n` characters run on machine integers (else through `fpe`).
    pub fn machine_integer_path(&self, n: usize) -> bool {
        (self.min_len..=self.fast_max).contains(&n)
    }

    /// Encrypts a string over the alphabet; same length and alphabet out.
    pub fn encrypt(&self, tweak: &[u8], s: &str) -> Result<String, PrimitiveError> {
        let mut out = String::with_capacity(s.len());
        self.encrypt_into(tweak, s, &mut out)?;
        Ok(out)
    }

    /// Decrypts a string produced by [`Ff1::encrypt`] with the same key and tweak.
    pub fn decrypt(&self, tweak: &[u8], s: &str) -> Result<String, PrimitiveError> {
        let mut out = String::with_capacity(s.len());
        self.decrypt_into(tweak, s, &mut out)?;
        Ok(out)
    }

    /// [`Ff1::encrypt`], appending to `out` (nothing appended on error). Without heap
    /// allocation when the string fits the machine-integer path (beyond `out` growing).
    pub fn encrypt_into(
        &self,
        tweak: &[u8],
        s: &str,
        out: &mut String,
    ) -> Result<(), PrimitiveError> {
        self.run_into(tweak, None, s, out, false)
    }

    /// [`Ff1::decrypt`], appending to `out` (nothing appended on error).
    pub fn decrypt_into(
        &self,
        tweak: &[u8],
        s: &str,
        out: &mut String,
    ) -> Result<(), PrimitiveError> {
        self.run_into(tweak, None, s, out, true)
    }

    fn run_into(
        &self,
        tweak: &[u8],
        prepared: Option<&super::ff1::Prepared>,
        s: &str,
        out: &mut String,
        decrypt: bool,
    ) -> Result<(), PrimitiveError> {
        let n = s.len();
        if n < self.min_len {
            return Err(PrimitiveError);
        }
        let radix = self.alphabet.radix();
        if n > self.fast_max {
            let r = if decrypt {
                self.decrypt_reference(tweak, s)
            } else {
                self.encrypt_reference(tweak, s)
            }?;
            out.push_str(&r);
            return Ok(());
        }
        let mut xs = [0u8; super::ff1::FAST_MAX_LEN];
        let mut ys = [0u8; super::ff1::FAST_MAX_LEN];
        let xs = xs.get_mut(..n).ok_or(PrimitiveError)?;
        let ys = ys.get_mut(..n).ok_or(PrimitiveError)?;
        for (x, c) in xs.iter_mut().zip(s.bytes()) {
            *x = self.alphabet.value(c).ok_or(PrimitiveError)?;
        }
        match prepared.filter(|p| p.covers(n)) {
            Some(p) => p.run(&self.aes, xs, ys, decrypt)?,
            None => super::ff1::ff1_u128(&self.aes, radix, tweak, xs, ys, decrypt)?,
        }
        // The numerals as ASCII, appended in one step.
        for y in ys.iter_mut() {
            *y = self.alphabet.symbol(*y).ok_or(PrimitiveError)?;
        }
        out.push_str(core::str::from_utf8(ys).map_err(|_| PrimitiveError)?);
        Ok(())
    }

    /// Encryption through the `fpe` crate (big integers): the reference the machine-integer
    /// path is tested against, and the path for strings too long for it.
    pub fn encrypt_reference(&self, tweak: &[u8], s: &str) -> Result<String, PrimitiveError> {
        let ns = self.string_to_numerals(s)?;
        let out = match &self.inner {
            Ff1Inner::A128(f) => f.encrypt(tweak, &ns),
            Ff1Inner::A192(f) => f.encrypt(tweak, &ns),
            Ff1Inner::A256(f) => f.encrypt(tweak, &ns),
        }
        .map_err(|_| PrimitiveError)?;
        self.numerals_to_string(out)
    }

    /// Decryption through the `fpe` crate ([`Ff1::encrypt_reference`]).
    pub fn decrypt_reference(&self, tweak: &[u8], s: &str) -> Result<String, PrimitiveError> {
        let ns = self.string_to_numerals(s)?;
        let out = match &self.inner {
            Ff1Inner::A128(f) => f.decrypt(tweak, &ns),
            Ff1Inner::A192(f) => f.decrypt(tweak, &ns),
            Ff1Inner::A256(f) => f.decrypt(tweak, &ns),
        }
        .map_err(|_| PrimitiveError)?;
        self.numerals_to_string(out)
    }

    fn string_to_numerals(&self, s: &str) -> Result<FlexibleNumeralString, PrimitiveError> {
        let v: Option<Vec<u16>> = s
            .bytes()
            .map(|c| self.alphabet.value(c).map(u16::from))
            .collect();
        v.map(FlexibleNumeralString::from).ok_or(PrimitiveError)
    }

    fn numerals_to_string(&self, ns: FlexibleNumeralString) -> Result<String, PrimitiveError> {
        Vec::<u16>::from(ns)
            .into_iter()
            .map(|v| {
                u8::try_from(v)
                    .ok()
                    .and_then(|v| self.alphabet.char_of(v))
                    .ok_or(PrimitiveError)
            })
            .collect()
    }
}

/// [`Ff1`] bound to one tweak (the `ff1` transform's: the domain), with the per-length PRF
/// prefixes (`P || T || padding`) and sizes computed once, so a value costs its ten Feistel
/// rounds. Outputs are exactly [`Ff1`]'s with that tweak.
pub struct Ff1Tweaked {
    ff1: Ff1,
    tweak: Vec<u8>,
    prepared: super::ff1::Prepared,
}

impl Ff1Tweaked {
    /// Prepares FF1 with `key` over `alphabet` for `tweak`.
    pub fn new(key: &[u8], alphabet: Alphabet, tweak: &[u8]) -> Result<Ff1Tweaked, PrimitiveError> {
        let ff1 = Ff1::new(key, alphabet)?;
        let prepared = super::ff1::Prepared::new(&ff1.aes, alphabet.radix(), tweak, ff1.min_len)?;
        Ok(Ff1Tweaked {
            ff1,
            tweak: tweak.to_vec(),
            prepared,
        })
    }

    /// The unbound cipher (for the reference path in tests).
    pub fn cipher(&self) -> &Ff1 {
        &self.ff1
    }

    /// [`Ff1::encrypt`] with the bound tweak.
    pub fn encrypt(&self, s: &str) -> Result<String, PrimitiveError> {
        let mut out = String::with_capacity(s.len());
        self.encrypt_into(s, &mut out)?;
        Ok(out)
    }

    /// [`Ff1::decrypt`] with the bound tweak.
    pub fn decrypt(&self, s: &str) -> Result<String, PrimitiveError> {
        let mut out = String::with_capacity(s.len());
        self.decrypt_into(s, &mut out)?;
        Ok(out)
    }

    /// [`Ff1::encrypt_into`] with the bound tweak.
    pub fn encrypt_into(&self, s: &str, out: &mut String) -> Result<(), PrimitiveError> {
        self.ff1
            .run_into(&self.tweak, Some(&self.prepared), s, out, false)
    }

    /// [`Ff1::decrypt_into`] with the bound tweak.
    pub fn decrypt_into(&self, s: &str, out: &mut String) -> Result<(), PrimitiveError> {
        self.ff1
            .run_into(&self.tweak, Some(&self.prepared), s, out, true)
    }
}

/// The RFC 4648 base32 symbol of the low five bits of `v`, in lower case: `a`..`z` for 0..25,
/// `2`..`7` for 26..31. Computed rather than looked up, so there is no out-of-range case.
fn base32_symbol(v: u64) -> char {
    let v = (v & 31) as u8;
    char::from(if v < 26 { b'a' + v } else { b'2' + (v - 26) })
}

/// RFC 4648 base32 in lower case without padding.
pub fn base32_lower(bytes: &[u8]) -> String {
    // Written by hand: a few lines for a fixed, tested alphabet instead of one more dependency.
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        for (b, c) in buf.iter_mut().zip(chunk) {
            *b = *c;
        }
        let [b0, b1, b2, b3, b4] = buf;
        let n = u64::from_be_bytes([0, 0, 0, b0, b1, b2, b3, b4]);
        // 8 output characters per 5 input bytes; fewer for a short last chunk.
        let chars = (chunk.len() * 8).div_ceil(5);
        for k in 0..chars {
            out.push(base32_symbol(n >> (35 - 5 * k)));
        }
    }
    out
}

/// [`base32_lower`] of exactly 16 bytes (the pseudonym length): 26 characters, unrolled for
/// the hot path (three 5-byte groups of 8 characters, then one byte of 2 characters).
pub fn base32_lower_16(bytes: &[u8; 16]) -> String {
    let mut out = String::with_capacity(26);
    push_base32_lower_16(bytes, &mut out);
    out
}

/// Eight 5-bit values, one per byte of `lanes` (each below 32), to their lower-case base32
/// symbols at once: `a` + v, less 73 (`a` + 26 − `2`) where v ≥ 26. No byte carries into
/// the next (31 + 102 < 256).
fn base32_lanes(lanes: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let ge26 = ((lanes + ONES * (128 - 26)) >> 7) & ONES;
    lanes + ONES * u64::from(b'a') - ge26 * 73
}

/// The 8 five-bit groups of the 40-bit `n`, most significant first, one per byte.
fn spread_40(n: u64) -> u64 {
    let mut lanes = 0u64;
    for shift in [35, 30, 25, 20, 15, 10, 5, 0] {
        lanes = (lanes << 8) | ((n >> shift) & 31);
    }
    lanes
}

/// [`base32_lower_16`], appended to `out`: the 26 symbols are built on the stack (three 5-byte
/// groups of 8 symbols, eight at a time in a `u64`, then one byte of 2) and appended at once.
pub fn push_base32_lower_16(bytes: &[u8; 16], out: &mut String) {
    let [a0, a1, a2, a3, a4, b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0] = *bytes;
    let group = |x: [u8; 5]| {
        let [x0, x1, x2, x3, x4] = x;
        base32_lanes(spread_40(u64::from_be_bytes([0, 0, 0, x0, x1, x2, x3, x4]))).to_be_bytes()
    };
    let [g0, g1, g2] = [
        group([a0, a1, a2, a3, a4]),
        group([b0, b1, b2, b3, b4]),
        group([c0, c1, c2, c3, c4]),
    ];
    let tail = u64::from(d0);
    let last = base32_lanes(((tail >> 3) << 8) | ((tail << 2) & 31)).to_be_bytes();
    let mut text = [0u8; 26];
    for (dst, src) in
        text.chunks_mut(8)
            .zip([&g0[..], &g1[..], &g2[..], last.get(6..).unwrap_or(&[])])
    {
        dst.copy_from_slice(src);
    }
    match core::str::from_utf8(&text) {
        Ok(t) => out.push_str(t),
        // Not reached (every symbol is ASCII); kept total rather than panicking.
        Err(_) => out.extend(text.iter().map(|b| char::from(*b))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn base32_rfc4648() {
        // RFC 4648 section 10, lower-cased, padding removed.
        for (i, o) in [
            ("", ""),
            ("f", "my"),
            ("fo", "mzxq"),
            ("foo", "mzxw6"),
            ("foob", "mzxw6yq"),
            ("fooba", "mzxw6ytb"),
            ("foobar", "mzxw6ytboi"),
        ] {
            assert_eq!(base32_lower(i.as_bytes()), o);
        }
        assert_eq!(base32_lower(&[0xff; 16]).len(), 26);
        for seed in 0u8..=255 {
            let b: [u8; 16] =
                core::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 17));
            assert_eq!(base32_lower_16(&b), base32_lower(&b));
        }
    }

    #[test]
    fn base32_symbols_are_the_rfc_4648_alphabet_for_every_five_bit_value() {
        let all: String = (0..32).map(base32_symbol).collect();
        assert_eq!(all, "abcdefghijklmnopqrstuvwxyz234567");
        // only the low five bits count
        assert_eq!(base32_symbol(32 + 5), 'f');
        assert_eq!(base32_symbol(u64::MAX), '7');
    }

    #[test]
    fn ff1_rejects_wrong_key_lengths_without_panic() {
        for n in [0usize, 1, 8, 15, 17, 20, 33, 40] {
            assert!(Ff1::new(&vec![0u8; n], Alphabet::Digits).is_err());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn push_base32_lower_16_equals_the_general_encoder(b in proptest::prelude::any::<[u8; 16]>(), prefix in "[a-z]{0,3}") {
            let mut out = prefix.clone();
            push_base32_lower_16(&b, &mut out);
            proptest::prop_assert_eq!(out, format!("{prefix}{}", base32_lower(&b)));
        }
    }
}
