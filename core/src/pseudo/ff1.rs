//! FF1 (NIST SP 800-38G Rev. 1) over machine integers: the numeral strings' halves are held
//! as `u128` values (`NUM_radix`), so a value costs the AES block encryptions of its ten
//! Feistel rounds and a few integer operations, with no heap allocation.
//!
//! It applies when `radix^v < 2^128` for the longer half (`v = n - floor(n/2)` numerals):
//! radix 10 up to 76 numerals, radix 36 up to 48. Longer strings go through the `fpe` crate
//! ([`super::primitives::Ff1`] chooses), which is also this module's test oracle.
//!
//! Structure: every branch and loop bound depends only on public values (radix, lengths, the
//! tweak); the secret halves pass through additions, subtractions and doublings modulo
//! `radix^m` written without branches. For `radix^v <= 2^32` (radix 10 up to 18 numerals,
//! radix 36 up to 12: Aadhaar, mobile, VID, PAN, ...) the rounds run in `u64`, `y mod radix^m` is a
//! Barrett step (a multiplication, no division instruction) and the digits come out by
//! division by a constant radix (multiplications). Longer strings reduce with the compiler's
//! 128-bit division, whose time may depend on the operands (as the `fpe` crate's big-integer
//! arithmetic does, much more).
//!
//! The shapes and the PRF prefix `P || T || padding` depend only on the radix, the length and
//! the tweak: [`Prepared`] computes them once per tweak (the `ff1` transform's tweak is the
//! domain).

use zeroize::Zeroize;

use super::primitives::{AesKey, PrimitiveError};

/// Longest numeral string the fast path takes (radix 10: 76, since `10^38 < 2^128`).
pub(crate) const FAST_MAX_LEN: usize = 76;

/// The public parameters of one FF1 call: radix, lengths and the derived sizes.
#[derive(Clone, Copy, Debug)]
struct Shape {
    u: usize,
    v: usize,
    /// `radix^u` and `radix^v`.
    pow_u: u128,
    pow_v: u128,
    /// Bytes of `NUM_radix(B)` in Q: `ceil(ceil(v * log2(radix)) / 8)`.
    b: usize,
    /// Bytes of S: `4 * ceil(b / 4) + 4`.
    d: usize,
    /// For `d <= 8` (then `radix^v <= 2^32`): `floor(2^64 / radix^u)` and
    /// `floor(2^64 / radix^v)`, for remainders without a division ([`mod_small`]).
    recip_u: u64,
    recip_v: u64,
}

impl Shape {
    /// The shape of an `n`-numeral string, or `None` when a half does not fit in `u128`.
    fn new(radix: u32, n: usize) -> Option<Shape> {
        if !(2..=FAST_MAX_LEN).contains(&n) || radix < 2 {
            return None;
        }
        let u = n / 2;
        let v = n - u;
        let r = u128::from(radix);
        let pow_u = r.checked_pow(u32::try_from(u).ok()?)?;
        let pow_v = r.checked_pow(u32::try_from(v).ok()?)?;
        // ceil(v * log2(radix)) = ceil(log2(radix^v)) = the bit length of radix^v - 1, exactly
        // (no floating point); radix^v >= 4 here.
        let bits = 128 - (pow_v - 1).leading_zeros();
        let b = usize::try_from(bits.div_ceil(8)).ok()?;
        let d = 4 * b.div_ceil(4) + 4;
        let recip = |p: u128| {
            if d <= 8 {
                u64::try_from((1u128 << 64) / p).unwrap_or(0)
            } else {
                0
            }
        };
        let (recip_u, recip_v) = (recip(pow_u), recip(pow_v));
        Some(Shape {
            u,
            v,
            pow_u,
            pow_v,
            b,
            d,
            recip_u,
            recip_v,
        })
    }

    /// `radix^m` and its reciprocal, for m = u (`first`) or v.
    fn modulus(&self, first: bool) -> (u128, u64) {
        if first {
            (self.pow_u, self.recip_u)
        } else {
            (self.pow_v, self.recip_v)
        }
    }
}

/// Whether the fast path takes an `n`-numeral string of `radix`.
pub(crate) fn fits(radix: u32, n: usize) -> bool {
    Shape::new(radix, n).is_some()
}

/// All ones when `bit` is true, else zero, without a branch.
fn mask(bit: bool) -> u128 {
    0u128.wrapping_sub(u128::from(bit))
}

/// `(x + y) mod m` for `x, y < m`, without a branch on the values.
fn add_mod(x: u128, y: u128, m: u128) -> u128 {
    let (s, carry) = x.overflowing_add(y);
    let (t, borrow) = s.overflowing_sub(m);
    // The true sum is s + carry * 2^128; it is >= m when it carried or s - m did not borrow.
    let take = mask(carry | !borrow);
    (t & take) | (s & !take)
}

/// `(x - y) mod m` for `x, y < m`, without a branch on the values.
fn sub_mod(x: u128, y: u128, m: u128) -> u128 {
    let (t, borrow) = x.overflowing_sub(y);
    t.wrapping_add(m & mask(borrow))
}

/// `y mod m` for `y < 2^64`, `2 <= m <= 2^32` and `recip = floor(2^64 / m)`, by one
/// multiplication and one conditional subtraction (Barrett): the estimated quotient
/// `floor(y * recip / 2^64)` is the true one or one less, so the estimated remainder is below
/// `2m`. No division, no branch on the values.
fn mod_small(y: u64, m: u64, recip: u64) -> u64 {
    let q = ((u128::from(y) * u128::from(recip)) >> 64) as u64;
    let r = y.wrapping_sub(q.wrapping_mul(m));
    let (t, borrow) = r.overflowing_sub(m);
    let keep = 0u64.wrapping_sub(u64::from(borrow));
    (r & keep) | (t & !keep)
}

/// `y mod m` where `y = hi * 2^(8 * extra) + lo` (`extra` <= 4 bytes in `lo`).
fn reduce(hi: u128, lo: u32, extra: usize, m: u128) -> u128 {
    let mut r = hi % m;
    for _ in 0..extra * 8 {
        r = add_mod(r, r, m);
    }
    add_mod(r, u128::from(lo) % m, m)
}

/// CBC-MAC state (the FF1 PRF) that absorbs bytes one at a time: `acc` is the previous
/// output XOR the bytes of the block being filled, `pos` how many are in.
#[derive(Clone, Copy)]
struct Prf {
    acc: [u8; 16],
    pos: usize,
}

impl Prf {
    fn new() -> Prf {
        Prf {
            acc: [0; 16],
            pos: 0,
        }
    }

    fn absorb(&mut self, key: &AesKey, bytes: &[u8]) {
        for &x in bytes {
            if let Some(a) = self.acc.get_mut(self.pos) {
                *a ^= x;
            }
            self.pos += 1;
            if self.pos == 16 {
                key.encrypt(&mut self.acc);
                self.pos = 0;
            }
        }
    }
}

/// `NUM_radix` of numerals (each < radix, checked by the caller), with checked arithmetic.
fn num(radix: u32, xs: &[u8]) -> Result<u128, PrimitiveError> {
    xs.iter().try_fold(0u128, |acc, &x| {
        acc.checked_mul(u128::from(radix))
            .and_then(|a| a.checked_add(u128::from(x)))
            .ok_or(PrimitiveError)
    })
}

/// `STR^m_radix(x)` into `out` (`m = out.len()` numerals, most significant first), for
/// `x < bound = radix^m`; the public bound, not the value, picks the word size. Radix 10 and
/// 36 divide by constants (multiplications, no division instruction).
fn str_radix(radix: u32, x: u128, bound: u128, out: &mut [u8]) {
    match radix {
        10 => str_radix_const::<10>(x, bound, out),
        36 => str_radix_const::<36>(x, bound, out),
        _ => str_radix_any(radix, x, out),
    }
}

fn str_radix_const<const R: u64>(x: u128, bound: u128, out: &mut [u8]) {
    if let (Ok(mut x64), true) = (u64::try_from(x), bound <= u128::from(u64::MAX)) {
        for o in out.iter_mut().rev() {
            *o = (x64 % R) as u8;
            x64 /= R;
        }
        return;
    }
    str_radix_any(R as u32, x, out);
}

fn str_radix_any(radix: u32, x: u128, out: &mut [u8]) {
    let r = u128::from(radix);
    let mut x = x;
    for o in out.iter_mut().rev() {
        *o = (x % r) as u8;
        x /= r;
    }
}

/// The round function's `y mod radix^m`, from the PRF output R.
fn round_value(key: &AesKey, sh: &Shape, r: [u8; 16], modulus: u128, recip: u64) -> u128 {
    if sh.d <= 16 {
        // S = the first d bytes of R.
        if sh.d == 8 {
            // y < 2^64 and radix^m <= 2^32 (b <= 4): one machine word, whatever the values.
            // d is 8 here (4 * ceil(b / 4) + 4 with b >= 1): the high half of R.
            let y = (u128::from_be_bytes(r) >> 64) as u64;
            if let Ok(m64) = u64::try_from(modulus) {
                return u128::from(mod_small(y, m64, recip));
            }
        }
        let mut y = 0u128;
        for &x in r.iter().take(sh.d) {
            y = (y << 8) | u128::from(x);
        }
        y % modulus
    } else {
        // S = R || CIPH(R xor [1]^16), first d (= 20) bytes.
        let mut next = r;
        if let Some(last) = next.last_mut() {
            *last ^= 1;
        }
        key.encrypt(&mut next);
        let extra = sh.d - 16;
        let mut lo = 0u32;
        for &x in next.iter().take(extra) {
            lo = (lo << 8) | u32::from(x);
        }
        reduce(u128::from_be_bytes(r), lo, extra, modulus)
    }
}

/// The PRF state after `P || T || [0]^((-t-b-1) mod 16)`: the part of `P || Q` that every
/// round shares.
fn prefix(
    key: &AesKey,
    radix: u32,
    sh: &Shape,
    n: usize,
    tweak: &[u8],
) -> Result<Prf, PrimitiveError> {
    let t = u32::try_from(tweak.len()).map_err(|_| PrimitiveError)?;
    let n32 = u32::try_from(n).map_err(|_| PrimitiveError)?;
    // P = [1]^1 || [2]^1 || [1]^1 || [radix]^3 || [10]^1 || [u mod 256]^1 || [n]^4 || [t]^4
    let [_, r2, r1, r0] = radix.to_be_bytes();
    let [n3, n2, n1, n0] = n32.to_be_bytes();
    let [t3, t2, t1, t0] = t.to_be_bytes();
    let p = [
        1,
        2,
        1,
        r2,
        r1,
        r0,
        10,
        (sh.u % 256) as u8,
        n3,
        n2,
        n1,
        n0,
        t3,
        t2,
        t1,
        t0,
    ];
    let mut base = Prf::new();
    base.absorb(key, &p);
    base.absorb(key, tweak);
    let pad = (16 - (tweak.len() + sh.b + 1) % 16) % 16;
    for _ in 0..pad {
        base.absorb(key, &[0]);
    }
    Ok(base)
}

/// FF1 encryption (`decrypt` false) or decryption of `x` (numerals, each < radix, length
/// within the Rev. 1 bounds: checked by the caller) into `out` (same length). Fails when the
/// string does not fit the fast path ([`fits`]).
pub(crate) fn ff1_u128(
    key: &AesKey,
    radix: u32,
    tweak: &[u8],
    x: &[u8],
    out: &mut [u8],
    decrypt: bool,
) -> Result<(), PrimitiveError> {
    let n = x.len();
    let sh = Shape::new(radix, n).ok_or(PrimitiveError)?;
    let base = prefix(key, radix, &sh, n, tweak)?;
    feistel(key, radix, &sh, &base, x, out, decrypt)
}

/// Shapes and PRF prefixes of one key, radix and tweak for every length the fast path takes
/// (from the Rev. 1 minimum): built once per domain, so a value skips them.
pub(crate) struct Prepared {
    radix: u32,
    first: usize,
    entries: Vec<(Shape, Prf)>,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        for (_, p) in self.entries.iter_mut() {
            p.acc.zeroize();
        }
    }
}

impl Prepared {
    /// Prepares lengths `min_len..` (as far as they fit) for `tweak`.
    pub(crate) fn new(
        key: &AesKey,
        radix: u32,
        tweak: &[u8],
        min_len: usize,
    ) -> Result<Prepared, PrimitiveError> {
        let mut entries = Vec::new();
        for n in min_len..=FAST_MAX_LEN {
            let Some(sh) = Shape::new(radix, n) else {
                break;
            };
            entries.push((sh, prefix(key, radix, &sh, n, tweak)?));
        }
        Ok(Prepared {
            radix,
            first: min_len,
            entries,
        })
    }

    /// Whether `n`-numeral strings are prepared.
    pub(crate) fn covers(&self, n: usize) -> bool {
        n.checked_sub(self.first)
            .is_some_and(|i| i < self.entries.len())
    }

    /// [`ff1_u128`] with the prepared tweak; fails for a length not prepared.
    pub(crate) fn run(
        &self,
        key: &AesKey,
        x: &[u8],
        out: &mut [u8],
        decrypt: bool,
    ) -> Result<(), PrimitiveError> {
        let (sh, base) = x
            .len()
            .checked_sub(self.first)
            .and_then(|i| self.entries.get(i))
            .ok_or(PrimitiveError)?;
        feistel(key, self.radix, sh, base, x, out, decrypt)
    }
}

/// The ten Feistel rounds from the shared PRF prefix.
fn feistel(
    key: &AesKey,
    radix: u32,
    sh: &Shape,
    base: &Prf,
    x: &[u8],
    out: &mut [u8],
    decrypt: bool,
) -> Result<(), PrimitiveError> {
    if out.len() != x.len() || x.len() != sh.u + sh.v {
        return Err(PrimitiveError);
    }
    let (xa, xb) = x.split_at(sh.u);
    let mut a = num(radix, xa)?;
    let mut b = num(radix, xb)?;
    if a >= sh.pow_u || b >= sh.pow_v {
        return Err(PrimitiveError);
    }
    if sh.d == 8 && base.pos + 1 + sh.b == 16 {
        // Short strings (radix^v <= 2^32, so b <= 4 and d = 8): the rounds in machine words.
        let (a, b) = feistel_word(key, sh, base, a, b, decrypt)?;
        let (oa, ob) = out.split_at_mut(sh.u);
        str_radix(radix, a, sh.pow_u, oa);
        str_radix(radix, b, sh.pow_v, ob);
        return Ok(());
    }
    for step in 0..10u8 {
        let i = if decrypt { 9 - step } else { step };
        let (modulus, recip) = sh.modulus(i % 2 == 0);
        // Q's variable tail: [i]^1 || [NUM_radix(B)]^b (encryption), NUM_radix(A) (decryption).
        let half = if decrypt { a } else { b };
        let r = if base.pos + 1 + sh.b == 16 {
            // The tail fills the rest of the open block exactly (always when b <= 15): it is
            // the block's last b + 1 bytes, i.e. the integer (i << 8b) | half (half < 2^8b).
            let mut blk = (u128::from_be_bytes(base.acc) ^ (u128::from(i) << (8 * sh.b)) ^ half)
                .to_be_bytes();
            key.encrypt(&mut blk);
            blk
        } else {
            let bytes = half.to_be_bytes();
            let mut prf = *base;
            prf.absorb(key, &[i]);
            prf.absorb(key, bytes.get(16 - sh.b..).ok_or(PrimitiveError)?);
            if prf.pos != 0 {
                return Err(PrimitiveError);
            }
            prf.acc
        };
        let y = round_value(key, sh, r, modulus, recip);
        if decrypt {
            // c = (NUM(B) - y) mod radix^m; B = A; A = C
            let c = sub_mod(b, y, modulus);
            b = a;
            a = c;
        } else {
            // c = (NUM(A) + y) mod radix^m; A = B; B = C
            let c = add_mod(a, y, modulus);
            a = b;
            b = c;
        }
    }
    let (oa, ob) = out.split_at_mut(sh.u);
    str_radix(radix, a, sh.pow_u, oa);
    str_radix(radix, b, sh.pow_v, ob);
    Ok(())
}

/// The ten rounds in `u64` for `d = 8` and a tail that fills one block: `radix^m <= 2^32`,
/// so sums stay below 2^33, `y` is the high half of R and the remainder is [`mod_small`].
/// The same arithmetic as the `u128` rounds, without branches on the values.
fn feistel_word(
    key: &AesKey,
    sh: &Shape,
    base: &Prf,
    a: u128,
    b: u128,
    decrypt: bool,
) -> Result<(u128, u128), PrimitiveError> {
    let word = |x: u128| u64::try_from(x).map_err(|_| PrimitiveError);
    let (mut a, mut b) = (word(a)?, word(b)?);
    let (mu, mv) = (word(sh.pow_u)?, word(sh.pow_v)?);
    let acc = u128::from_be_bytes(base.acc);
    let shift = 8 * sh.b;
    for step in 0..10u8 {
        let i = if decrypt { 9 - step } else { step };
        let (m, recip) = if i % 2 == 0 {
            (mu, sh.recip_u)
        } else {
            (mv, sh.recip_v)
        };
        let half = if decrypt { a } else { b };
        let mut blk = (acc ^ u128::from((u64::from(i) << shift) | half)).to_be_bytes();
        key.encrypt(&mut blk);
        let y = mod_small((u128::from_be_bytes(blk) >> 64) as u64, m, recip);
        if decrypt {
            let (t, borrow) = b.overflowing_sub(y);
            let c = t.wrapping_add(m & 0u64.wrapping_sub(u64::from(borrow)));
            b = a;
            a = c;
        } else {
            let s = a + y;
            let (t, borrow) = s.overflowing_sub(m);
            let keep = 0u64.wrapping_sub(u64::from(borrow));
            let c = (s & keep) | (t & !keep);
            a = b;
            b = c;
        }
    }
    Ok((u128::from(a), u128::from(b)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn modular_helpers_at_the_edges_of_u128() {
        let m = u128::MAX - 4; // odd, near 2^128
        assert_eq!(add_mod(m - 1, m - 1, m), m - 2);
        assert_eq!(add_mod(m - 1, 1, m), 0);
        assert_eq!(add_mod(0, 0, m), 0);
        assert_eq!(sub_mod(0, m - 1, m), 1);
        assert_eq!(sub_mod(5, 5, m), 0);
        let p = 10u128.pow(38);
        assert_eq!(add_mod(p - 1, p - 1, p), p - 2);
        assert_eq!(sub_mod(0, 1, p), p - 1);
        // y = hi * 2^32 + lo
        let hi = u128::MAX;
        let lo = u32::MAX;
        let want = {
            // (hi mod p) * 2^32 mod p by repeated doubling, checked independently with
            // 2^32 = 4 * 2^30 splits in u128 (p < 2^127, so 2 * r fits).
            let mut r = hi % p;
            for _ in 0..32 {
                r = (r * 2) % p;
            }
            (r + u128::from(lo) % p) % p
        };
        assert_eq!(reduce(hi, lo, 4, p), want);
        assert_eq!(reduce(7, 9, 0, 10), 6);
    }

    #[test]
    fn barrett_remainder_matches_the_division_at_the_extremes() {
        for m in [
            2u64,
            3,
            10,
            36,
            99_999,
            100_000,
            1_000_000,
            36u64.pow(6),
            10u64.pow(9),
            1 << 32,
            (1 << 32) - 1,
        ] {
            let recip = u64::try_from((1u128 << 64) / u128::from(m)).unwrap();
            for y in [
                0u64,
                1,
                m - 1,
                m,
                m + 1,
                2 * m - 1,
                u64::MAX,
                u64::MAX - 1,
                u64::MAX / m * m,
                0xDEAD_BEEF_1234_5678,
            ] {
                assert_eq!(mod_small(y, m, recip), y % m, "y {y} m {m}");
            }
        }
    }

    #[test]
    fn shapes_match_the_standard_sizes() {
        // Aadhaar body: 11 digits, u = 5, v = 6, b = ceil(20 / 8) = 3, d = 8.
        let s = Shape::new(10, 11).unwrap();
        assert_eq!((s.u, 11 - s.u, s.b, s.d), (5, 6, 3, 8));
        // radix 10, 76 numerals: v = 38, 10^38 needs 127 bits: b = 16, d = 20.
        let s = Shape::new(10, 76).unwrap();
        assert_eq!((76 - s.u, s.b, s.d), (38, 16, 20));
        assert!(Shape::new(10, 77).is_none());
        let s = Shape::new(36, 48).unwrap();
        assert_eq!((48 - s.u, s.b, s.d), (24, 16, 20));
        assert!(Shape::new(36, 49).is_none());
        // radix^v an exact power of two: ceil(v * log2 radix) = v * log2 radix.
        let s = Shape::new(16, 8).unwrap();
        assert_eq!(s.b, 2);
        assert!(Shape::new(10, 1).is_none());
        // the word-sized rounds (d = 8) end at radix^v <= 2^32
        assert_eq!(Shape::new(10, 18).unwrap().d, 8);
        assert_eq!(Shape::new(10, 19).unwrap().d, 12);
        assert_eq!(Shape::new(36, 12).unwrap().d, 8);
        assert_eq!(Shape::new(36, 13).unwrap().d, 12);
    }

    #[test]
    fn numeral_conversions_round_trip_at_the_extremes() {
        let nines = [9u8; 38];
        let v = num(10, &nines).unwrap();
        assert_eq!(v, 10u128.pow(38) - 1);
        let mut out = [0u8; 38];
        str_radix(10, v, 10u128.pow(38), &mut out);
        assert_eq!(out, nines);
        assert!(num(10, &[9u8; 40]).is_err());
        let zs = [35u8; 24];
        let v = num(36, &zs).unwrap();
        let mut out = [0u8; 24];
        str_radix(36, v, 36u128.pow(24), &mut out);
        assert_eq!(out, zs);
        let mut out = [7u8; 5];
        str_radix(10, 0, 100_000, &mut out);
        assert_eq!(out, [0; 5]);
    }
}
