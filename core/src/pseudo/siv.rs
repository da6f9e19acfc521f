//! AES-SIV (RFC 5297, S2V over AES-CMAC, then AES-CTR) with the key prepared once: both AES
//! key schedules, the CMAC subkeys and `CMAC(K, 0^128)` are computed when a [`SivKey`] is
//! built, and the S2V state after the associated data can be kept too ([`SivKey::ad_state`]),
//! so a value costs the CMAC blocks of its plaintext and its CTR blocks.
//!
//! Built on RustCrypto `aes` because the `aes-siv` crate re-runs the CTR key schedule for
//! every message. Checked against the Wycheproof AES-SIV-CMAC vectors and the `aes-siv` crate.

use zeroize::Zeroize;

use super::primitives::{AesKey, PrimitiveError};

/// Most associated-data strings S2V takes (RFC 5297: 126, the plaintext being the 127th).
const MAX_AD: usize = 126;

/// `dbl` of RFC 5297 / CMAC: multiplication by x in GF(2^128) (big-endian, R = 0x87).
#[inline]
fn dbl(b: [u8; 16]) -> [u8; 16] {
    let v = u128::from_be_bytes(b);
    let carry = 0u128.wrapping_sub(v >> 127);
    ((v << 1) ^ (carry & 0x87)).to_be_bytes()
}

#[inline]
fn xor(a: [u8; 16], b: [u8; 16]) -> [u8; 16] {
    (u128::from_be_bytes(a) ^ u128::from_be_bytes(b)).to_be_bytes()
}

/// A prepared AES-SIV key: the MAC half and the CTR half as AES key schedules, the CMAC
/// subkeys, and `CMAC(K1, 0^128)`. Zeroized on drop (the key schedules by the `aes` crate).
pub struct SivKey {
    mac: AesKey,
    ctr: AesKey,
    k1: [u8; 16],
    k2: [u8; 16],
    d0: [u8; 16],
}

impl Drop for SivKey {
    fn drop(&mut self) {
        self.k1.zeroize();
        self.k2.zeroize();
        self.d0.zeroize();
    }
}

/// The S2V state after the associated data (`D` of RFC 5297 before the plaintext): computed
/// once per associated-data vector with [`SivKey::ad_state`].
#[derive(Clone)]
pub struct SivAd([u8; 16]);

impl Drop for SivAd {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SivKey {
    /// Prepares a 32-, 48- or 64-byte AES-SIV key (AES-128, -192, -256): the first half
    /// keys S2V, the second CTR.
    pub fn new(key: &[u8]) -> Result<SivKey, PrimitiveError> {
        if !matches!(key.len(), 32 | 48 | 64) {
            return Err(PrimitiveError);
        }
        let (k_mac, k_ctr) = key.split_at(key.len() / 2);
        let mac = AesKey::new(k_mac)?;
        let ctr = AesKey::new(k_ctr)?;
        let mut l = [0u8; 16];
        mac.encrypt(&mut l);
        let k1 = dbl(l);
        let k2 = dbl(k1);
        l.zeroize();
        let mut key = SivKey {
            mac,
            ctr,
            k1,
            k2,
            d0: [0; 16],
        };
        key.d0 = key.cmac(&[0u8; 16], None);
        Ok(key)
    }

    /// AES-CMAC of `msg`; with `xorend`, of `msg` with its last 16 bytes XORed with it
    /// (`msg` is then at least 16 bytes).
    #[inline]
    fn cmac(&self, msg: &[u8], xorend: Option<&[u8; 16]>) -> [u8; 16] {
        let len = msg.len();
        let blocks = len.div_ceil(16).max(1);
        let mut acc = [0u8; 16];
        let mut chunks = msg.chunks(16);
        for j in 0..blocks {
            let chunk = chunks.next().unwrap_or(&[]);
            let start = j * 16;
            let mut blk = [0u8; 16];
            for (k, (b, c)) in blk.iter_mut().zip(chunk).enumerate() {
                *b = *c;
                if let Some(x) = xorend {
                    // Absolute position start + k is among the last 16 when >= len - 16.
                    if let Some(xb) = (start + k + 16).checked_sub(len).and_then(|i| x.get(i)) {
                        *b ^= *xb;
                    }
                }
            }
            if j + 1 == blocks {
                if chunk.len() == 16 {
                    blk = xor(blk, self.k1);
                } else {
                    if let Some(p) = blk.get_mut(chunk.len()) {
                        *p = 0x80;
                    }
                    blk = xor(blk, self.k2);
                }
            }
            acc = xor(acc, blk);
            self.mac.encrypt(&mut acc);
        }
        acc
    }

    /// The S2V state after the associated-data strings `ad` (at most 126).
    pub fn ad_state(&self, ad: &[&[u8]]) -> Result<SivAd, PrimitiveError> {
        if ad.len() > MAX_AD {
            return Err(PrimitiveError);
        }
        let mut d = self.d0;
        for s in ad {
            d = xor(dbl(d), self.cmac(s, None));
        }
        Ok(SivAd(d))
    }

    /// The synthetic IV of `msg` after the associated data `ad`.
    #[inline]
    fn s2v(&self, ad: &SivAd, msg: &[u8]) -> [u8; 16] {
        if msg.len() >= 16 {
            self.cmac(msg, Some(&ad.0))
        } else {
            let mut t = [0u8; 16];
            for (b, c) in t.iter_mut().zip(msg) {
                *b = *c;
            }
            if let Some(p) = t.get_mut(msg.len()) {
                *p = 0x80;
            }
            self.cmac(&xor(dbl(ad.0), t), None)
        }
    }

    /// XORs the AES-CTR key stream from counter `Q` (the IV with bits 63 and 31 cleared)
    /// into `data`.
    #[inline]
    fn ctr(&self, iv: [u8; 16], data: &mut [u8]) {
        let mut q = iv;
        if let Some(x) = q.get_mut(8) {
            *x &= 0x7f;
        }
        if let Some(x) = q.get_mut(12) {
            *x &= 0x7f;
        }
        let mut counter = u128::from_be_bytes(q);
        for chunk in data.chunks_mut(16) {
            let mut ks = counter.to_be_bytes();
            self.ctr.encrypt(&mut ks);
            for (d, k) in chunk.iter_mut().zip(ks) {
                *d ^= k;
            }
            counter = counter.wrapping_add(1);
        }
    }

    /// Encrypts `msg` into `out` (exactly `16 + msg.len()` bytes): the SIV, then the
    /// ciphertext.
    #[inline]
    pub fn seal_into(&self, ad: &SivAd, msg: &[u8], out: &mut [u8]) -> Result<(), PrimitiveError> {
        if out.len() != msg.len() + 16 {
            return Err(PrimitiveError);
        }
        let v = self.s2v(ad, msg);
        let (head, body) = out.split_at_mut(16);
        head.copy_from_slice(&v);
        body.copy_from_slice(msg);
        self.ctr(v, body);
        Ok(())
    }

    /// Decrypts SIV ‖ ciphertext `ct` into `out` (exactly `ct.len() - 16` bytes) and checks
    /// the SIV in constant time; on failure `out` is zeroed.
    pub fn open_into(&self, ad: &SivAd, ct: &[u8], out: &mut [u8]) -> Result<(), PrimitiveError> {
        let (v, body) = ct.split_at_checked(16).ok_or(PrimitiveError)?;
        if out.len() != body.len() {
            return Err(PrimitiveError);
        }
        let mut iv = [0u8; 16];
        iv.copy_from_slice(v);
        out.copy_from_slice(body);
        self.ctr(iv, out);
        let t = self.s2v(ad, out);
        let diff = t.iter().zip(iv).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if core::hint::black_box(diff) == 0 {
            Ok(())
        } else {
            out.zeroize();
            Err(PrimitiveError)
        }
    }

    /// [`SivKey::seal_into`] into a new vector.
    pub fn seal(&self, ad: &SivAd, msg: &[u8]) -> Result<Vec<u8>, PrimitiveError> {
        let mut out = vec![0u8; msg.len() + 16];
        self.seal_into(ad, msg, &mut out)?;
        Ok(out)
    }

    /// [`SivKey::open_into`] into a new vector.
    pub fn open(&self, ad: &SivAd, ct: &[u8]) -> Result<Vec<u8>, PrimitiveError> {
        let mut out = vec![0u8; ct.len().checked_sub(16).ok_or(PrimitiveError)?];
        self.open_into(ad, ct, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn rfc_5297_deterministic_example() {
        // RFC 5297 appendix A.1.
        let key = hex("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        let ad = hex("101112131415161718191a1b1c1d1e1f2021222324252627");
        let pt = hex("112233445566778899aabbccddee");
        let want = hex("85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c");
        let k = SivKey::new(&key).unwrap();
        let st = k.ad_state(&[&ad]).unwrap();
        assert_eq!(k.seal(&st, &pt).unwrap(), want);
        assert_eq!(k.open(&st, &want).unwrap(), pt);
        let mut bad = want.clone();
        bad[20] ^= 1;
        assert!(k.open(&st, &bad).is_err());
        assert!(k.open(&st, &want[..15]).is_err());
    }
}
