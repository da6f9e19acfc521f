//! Public-point validation for P-256 (NIST curve secp256r1): `ring` parses a public key only
//! when it verifies a signature, so a trust store would otherwise accept a point that is not on
//! the curve and fail later, at every verification, with an opaque error.
//!
//! The check is SEC 1 v2 §3.2.2.1 for a curve of cofactor 1: both coordinates below p and
//! y² = x³ − 3x + b (mod p). The arithmetic is a plain 4×64-bit-limb implementation of addition,
//! subtraction and shift-and-add multiplication modulo p: slow (a few microseconds per check) and
//! not constant-time, both of which are fine for public data checked once per key.

/// A field element or 256-bit integer: four 64-bit limbs, least significant first.
type Fe = [u64; 4];

/// p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1.
const P: Fe = [
    0xffff_ffff_ffff_ffff,
    0x0000_0000_ffff_ffff,
    0x0000_0000_0000_0000,
    0xffff_ffff_0000_0001,
];

/// b = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b.
const B: Fe = [
    0x3bce_3c3e_27d2_604b,
    0x651d_06b0_cc53_b0f6,
    0xb3eb_bd55_7698_86bc,
    0x5ac6_35d8_aa3a_93e7,
];

/// A 32-byte big-endian integer as limbs; `None` for any other length.
fn from_be(bytes: &[u8]) -> Option<Fe> {
    if bytes.len() != 32 {
        return None;
    }
    let mut out = [0u64; 4];
    // rchunks_exact yields the least significant 8 bytes first.
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(w);
    }
    Some(out)
}

/// a ≥ b as integers.
fn geq(a: &Fe, b: &Fe) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// a + b mod 2²⁵⁶ and the carry out.
fn add_raw(a: &Fe, b: &Fe) -> (Fe, bool) {
    let mut out = [0u64; 4];
    let mut carry = false;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let (s1, c1) = x.overflowing_add(*y);
        let (s2, c2) = s1.overflowing_add(u64::from(carry));
        *o = s2;
        carry = c1 || c2;
    }
    (out, carry)
}

/// a − b mod 2²⁵⁶ and the borrow out.
fn sub_raw(a: &Fe, b: &Fe) -> (Fe, bool) {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let (d1, b1) = x.overflowing_sub(*y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *o = d2;
        borrow = b1 || b2;
    }
    (out, borrow)
}

/// (a + b) mod p for a, b < p.
fn add_mod(a: &Fe, b: &Fe) -> Fe {
    let (s, carry) = add_raw(a, b);
    // a + b < 2p: one subtraction of p suffices; with a carry the wrapped difference is exact.
    if carry || geq(&s, &P) {
        sub_raw(&s, &P).0
    } else {
        s
    }
}

/// (a − b) mod p for a, b < p.
fn sub_mod(a: &Fe, b: &Fe) -> Fe {
    let (d, borrow) = sub_raw(a, b);
    if borrow {
        add_raw(&d, &P).0
    } else {
        d
    }
}

/// (a · b) mod p for a, b < p: double-and-add over the bits of b, most significant first.
fn mul_mod(a: &Fe, b: &Fe) -> Fe {
    let mut r = [0u64; 4];
    for limb in b.iter().rev() {
        for bit in (0..64).rev() {
            r = add_mod(&r, &r);
            if (limb >> bit) & 1 == 1 {
                r = add_mod(&r, a);
            }
        }
    }
    r
}

/// Whether the big-endian affine coordinates (32 bytes each) name a point of P-256: both below
/// p and on the curve. The point at infinity has no affine form, so it is never accepted.
pub(crate) fn p256_on_curve(x: &[u8], y: &[u8]) -> bool {
    let (Some(x), Some(y)) = (from_be(x), from_be(y)) else {
        return false;
    };
    if geq(&x, &P) || geq(&y, &P) {
        return false;
    }
    let lhs = mul_mod(&y, &y);
    let x3 = mul_mod(&mul_mod(&x, &x), &x);
    let three_x = add_mod(&add_mod(&x, &x), &x);
    let rhs = add_mod(&sub_mod(&x3, &three_x), &B);
    lhs == rhs
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    const GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    const GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    #[test]
    fn the_generator_is_on_the_curve() {
        assert!(p256_on_curve(&hex32(GX), &hex32(GY)));
    }

    #[test]
    fn ring_generated_public_keys_are_on_the_curve() {
        use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
        let rng = ring::rand::SystemRandom::new();
        for _ in 0..32 {
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
            let kp = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref(), &rng)
                .unwrap();
            let pk = kp.public_key().as_ref();
            assert_eq!(pk.len(), 65);
            assert!(p256_on_curve(&pk[1..33], &pk[33..]));
            // Flipping any bit of y moves the point off the curve (y and p − y are the only
            // roots, and p − y differs from y in far more than one bit).
            let mut y = pk[33..].to_vec();
            y[31] ^= 1;
            assert!(!p256_on_curve(&pk[1..33], &y));
        }
    }

    #[test]
    fn off_curve_and_out_of_range_points_are_refused() {
        assert!(!p256_on_curve(&[0; 32], &[0; 32]));
        let mut gy = hex32(GY);
        gy[0] ^= 0x80;
        assert!(!p256_on_curve(&hex32(GX), &gy));
        // x + p (= x as a residue) is not a canonical coordinate.
        let p = hex32("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        assert!(!p256_on_curve(&p, &hex32(GY)));
        assert!(!p256_on_curve(&[0xff; 32], &hex32(GY)));
        assert!(!p256_on_curve(&hex32(GX), &[0xff; 32]));
        assert!(!p256_on_curve(&hex32(GX)[1..], &hex32(GY)));
        // −G = (Gx, p − Gy) is on the curve.
        let neg_gy = sub_mod(&[0; 4], &from_be(&hex32(GY)).unwrap());
        let mut bytes = Vec::new();
        for limb in neg_gy.iter().rev() {
            bytes.extend_from_slice(&limb.to_be_bytes());
        }
        assert!(p256_on_curve(&hex32(GX), &bytes));
    }

    #[test]
    fn field_arithmetic_agrees_with_small_integers_and_known_identities() {
        let small = |v: u64| [v, 0, 0, 0];
        assert_eq!(mul_mod(&small(0xffff_ffff), &small(0xffff_ffff)), {
            let v = 0xffff_ffffu128 * 0xffff_ffff;
            [v as u64, (v >> 64) as u64, 0, 0]
        });
        let p_minus_1 = sub_raw(&P, &small(1)).0;
        // (p − 1)² = 1 and (p − 1) + 1 = 0 (mod p).
        assert_eq!(mul_mod(&p_minus_1, &p_minus_1), small(1));
        assert_eq!(add_mod(&p_minus_1, &small(1)), small(0));
        assert_eq!(sub_mod(&small(0), &small(1)), p_minus_1);
        // 2²⁵⁵ · 2 = 2²⁵⁶ ≡ 2²²⁴ − 2¹⁹² − 2⁹⁶ + 1 (mod p).
        let two_255 = [0, 0, 0, 1 << 63];
        let two_256_mod_p = sub_raw(&[0; 4], &P).0;
        assert_eq!(mul_mod(&two_255, &small(2)), two_256_mod_p);
    }
}
