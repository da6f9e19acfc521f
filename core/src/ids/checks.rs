//! Check-digit algorithms written by hand: no maintained crate covers the Verhoeff digit used by
//! Aadhaar or the GSTIN mod-36 check character, and both are a few lines over fixed tables.

/// Verhoeff multiplication table (dihedral group D5), flattened: row `c`, column `p` at
/// `c * 10 + p`.
#[rustfmt::skip]
const D: [u8; 100] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    1, 2, 3, 4, 0, 6, 7, 8, 9, 5,
    2, 3, 4, 0, 1, 7, 8, 9, 5, 6,
    3, 4, 0, 1, 2, 8, 9, 5, 6, 7,
    4, 0, 1, 2, 3, 9, 5, 6, 7, 8,
    5, 9, 8, 7, 6, 0, 4, 3, 2, 1,
    6, 5, 9, 8, 7, 1, 0, 4, 3, 2,
    7, 6, 5, 9, 8, 2, 1, 0, 4, 3,
    8, 7, 6, 5, 9, 3, 2, 1, 0, 4,
    9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
];

/// Verhoeff permutation table, flattened: row `position % 8`, column `digit` at
/// `row * 10 + digit`.
#[rustfmt::skip]
const P: [u8; 80] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    1, 5, 7, 6, 2, 8, 3, 0, 9, 4,
    5, 8, 0, 3, 7, 9, 6, 1, 4, 2,
    8, 9, 1, 6, 0, 4, 3, 5, 2, 7,
    9, 4, 5, 3, 1, 2, 6, 8, 7, 0,
    4, 2, 8, 6, 5, 7, 3, 9, 0, 1,
    2, 7, 9, 3, 8, 0, 6, 4, 1, 5,
    7, 0, 4, 6, 9, 1, 3, 2, 5, 8,
];

/// Verhoeff inverse table.
const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Runs the Verhoeff accumulator over ASCII digits, right to left, with the position offset
/// `shift` (0 to check a full number, 1 to compute the digit to append). `None` on a non-digit.
#[inline(always)]
fn verhoeff_acc(digits: &[u8], shift: usize) -> Option<u8> {
    let mut c = 0u8;
    for (i, b) in digits.iter().rev().enumerate() {
        let n = b.wrapping_sub(b'0');
        if n > 9 {
            return None;
        }
        let p = *P.get(((i + shift) & 7) * 10 + usize::from(n))?;
        c = *D.get(usize::from(c) * 10 + usize::from(p))?;
    }
    Some(c)
}

/// [`verhoeff_acc`] of exactly 12 digits with `shift` 0 (an Aadhaar number), as a balanced
/// tree: the accumulator is the product `p0 ∘ p1 ∘ … ∘ p11` in the dihedral group D5 of the
/// permuted digits (`pi` the `i`-th from the right), and a group product is associative, so
/// pairing neighbours (keeping their order) gives the same element with 4 dependent table
/// lookups instead of 12.
fn verhoeff_acc_12(digits: &[u8; 12]) -> Option<u8> {
    // Position `i` from the right (the row of P is `i % 8`), written out so that each lookup
    // is independent of the others.
    let perm = |row: usize, b: u8| {
        let n = b.wrapping_sub(b'0');
        if n > 9 {
            return None;
        }
        P.get(row * 10 + usize::from(n)).copied()
    };
    let [d11, d10, d9, d8, d7, d6, d5, d4, d3, d2, d1, d0] = *digits;
    let p = [
        perm(0, d0)?,
        perm(1, d1)?,
        perm(2, d2)?,
        perm(3, d3)?,
        perm(4, d4)?,
        perm(5, d5)?,
        perm(6, d6)?,
        perm(7, d7)?,
        perm(0, d8)?,
        perm(1, d9)?,
        perm(2, d10)?,
        perm(3, d11)?,
    ];
    let m = |a: u8, b: u8| D.get(usize::from(a) * 10 + usize::from(b)).copied();
    let [p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11] = p;
    let (q0, q1, q2) = (m(p0, p1)?, m(p2, p3)?, m(p4, p5)?);
    let (q3, q4, q5) = (m(p6, p7)?, m(p8, p9)?, m(p10, p11)?);
    let (r0, r1, r2) = (m(q0, q1)?, m(q2, q3)?, m(q4, q5)?);
    m(m(r0, r1)?, r2)
}

/// Whether `digits` (ASCII digits only, check digit last) passes the Verhoeff check.
///
/// Returns `false` for an empty string or any non-digit.
///
/// ```
/// assert!(consentry::ids::verhoeff_valid("2363"));
/// assert!(!consentry::ids::verhoeff_valid("2364"));
/// ```
pub fn verhoeff_valid(digits: &str) -> bool {
    let b = digits.as_bytes();
    // Aadhaar's 12 digits get a copy of the loop unrolled with its positions fixed (about a
    // third faster on the pseudonym hot path).
    let acc = match <&[u8; 12]>::try_from(b) {
        Ok(twelve) => verhoeff_acc_12(twelve),
        Err(_) => verhoeff_acc(b, 0),
    };
    !b.is_empty() && acc == Some(0)
}

/// The Verhoeff check digit (0–9) to append to `digits` (ASCII digits only), or `None` when
/// `digits` holds a non-digit.
///
/// ```
/// assert_eq!(consentry::ids::verhoeff_check_digit("236"), Some(3));
/// ```
pub fn verhoeff_check_digit(digits: &str) -> Option<u8> {
    let c = verhoeff_acc(digits.as_bytes(), 1)?;
    INV.get(usize::from(c)).copied()
}

/// The 36 characters of the GSTIN alphabet, in value order.
const ALNUM36: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Value of an upper-case alphanumeric ASCII character in base 36.
pub(crate) fn alnum36_value(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some(u32::from(b - b'0')),
        b'A'..=b'Z' => Some(u32::from(b - b'A') + 10),
        _ => None,
    }
}

/// The GSTIN check character for the first 14 characters of a GSTIN (upper-case ASCII
/// alphanumerics), or `None` when the input is not 14 such characters.
///
/// The algorithm is Luhn mod 36: factors 1, 2, 1, 2, … from the left; each product `p`
/// contributes `p / 36 + p % 36`; the check value is `(36 - sum % 36) % 36`.
///
/// ```
/// assert_eq!(consentry::ids::gstin_check_char("33ABCPE1234F1Z"), Some('I'));
/// ```
pub fn gstin_check_char(first14: &str) -> Option<char> {
    let bytes = first14.as_bytes();
    if bytes.len() != 14 {
        return None;
    }
    let mut sum = 0u32;
    for (i, b) in bytes.iter().enumerate() {
        let v = alnum36_value(*b)?;
        let factor = if i % 2 == 0 { 1 } else { 2 };
        let p = v * factor;
        sum += p / 36 + p % 36;
    }
    let check = (36 - sum % 36) % 36;
    ALNUM36
        .get(usize::try_from(check).ok()?)
        .map(|b| char::from(*b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    #[test]
    fn verhoeff_tree_of_twelve_equals_the_left_fold_on_random_and_edge_inputs() {
        // A small deterministic generator (xorshift) over 12-byte strings of digits, with a
        // non-digit now and then: the tree and the fold must agree on every one.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut b = [0u8; 12];
            for (k, c) in b.iter_mut().enumerate() {
                let r = (x >> (k * 5)) as u8;
                *c = b'0' + r % 10;
            }
            if round % 97 == 0 {
                b[(x % 12) as usize] = b"a/:x"[(round % 4) as usize];
            }
            assert_eq!(
                super::verhoeff_acc_12(&b),
                super::verhoeff_acc(&b, 0),
                "{:?}",
                core::str::from_utf8(&b)
            );
        }
        for s in [
            b"000000000000",
            b"999999999999",
            b"234567890124",
            b"234567890125",
        ] {
            assert_eq!(super::verhoeff_acc_12(s), super::verhoeff_acc(s, 0));
        }
    }

    use super::*;

    #[test]
    fn verhoeff_known() {
        // Worked example from the literature: 236 -> 3.
        assert_eq!(verhoeff_check_digit("236"), Some(3));
        assert!(verhoeff_valid("2363"));
        // 12345 -> 1 (another published example).
        assert_eq!(verhoeff_check_digit("12345"), Some(1));
        assert!(verhoeff_valid("123451"));
        assert!(!verhoeff_valid(""));
        assert!(!verhoeff_valid("12a451"));
    }

    #[test]
    fn verhoeff_catches_single_errors_and_transpositions() {
        let base = "23456789012";
        let full = format!("{base}{}", verhoeff_check_digit(base).unwrap());
        assert!(verhoeff_valid(&full));
        let bytes = full.as_bytes().to_vec();
        for i in 0..bytes.len() {
            for d in b'0'..=b'9' {
                if d == bytes[i] {
                    continue;
                }
                let mut m = bytes.clone();
                m[i] = d;
                assert!(!verhoeff_valid(std::str::from_utf8(&m).unwrap()));
            }
            if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
                let mut m = bytes.clone();
                m.swap(i, i + 1);
                assert!(!verhoeff_valid(std::str::from_utf8(&m).unwrap()));
            }
        }
    }

    #[test]
    fn gstin_check_values() {
        assert_eq!(gstin_check_char("short"), None);
        assert_eq!(gstin_check_char("27aapfu0939f1z"), None);
        assert_eq!(gstin_check_char("33ABCPE1234F1Z"), Some('I'));
        assert_eq!(gstin_check_char("29AAACZ9999Q1Z"), Some('Q'));
    }
}
