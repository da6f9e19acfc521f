//! CRC-32C (Castagnoli) of frames, and CRCs of any range from prefix CRCs (for the linear
//! search for a valid frame after damage).

/// `crc32c(&data[..k])` for every `k` in `0..=data.len()`.
pub(super) fn crc32c_prefixes(data: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(data.len() + 1);
    let mut crc = !0u32;
    out.push(0);
    for &b in data {
        crc = crc32c_step(crc, b);
        out.push(!crc);
    }
    out
}

/// `crc32c(&data[start..end])` from the prefix CRCs of `data` ([`crc32c_prefixes`]), in
/// O(log(end - start)): CRC is linear, so `crc(A ++ B) = crc(A) * x^(8 |B|) + crc(B)` (mod the
/// polynomial; zlib's `crc32_combine`), solved for `crc(B)`.
pub(super) fn crc32c_of_range(prefix: &[u32], start: usize, end: usize) -> Option<u32> {
    let a = *prefix.get(start)?;
    let ab = *prefix.get(end)?;
    let n = end.checked_sub(start)?;
    Some(ab ^ gf2_mul(x8n_mod_p(n as u64), a))
}

/// Reflected CRC-32C polynomial.
const CRC_POLY: u32 = 0x82f6_3b78;

/// Product of two polynomials modulo the CRC polynomial (reflected bit order: x^0 is the top
/// bit).
const fn gf2_mul(a: u32, mut b: u32) -> u32 {
    let mut p = 0u32;
    let mut m = 1u32 << 31;
    while m != 0 {
        if a & m != 0 {
            p ^= b;
        }
        b = if b & 1 != 0 {
            (b >> 1) ^ CRC_POLY
        } else {
            b >> 1
        };
        m >>= 1;
    }
    p
}

/// `x^(2^k)` modulo the CRC polynomial, for k = 0..67 (enough for `x^(8 n)`, any 64-bit n).
const X2N: [u32; 67] = {
    let mut t = [0u32; 67];
    let mut p = 1u32 << 30; // x^1
    let mut k = 0;
    while k < 67 {
        #[expect(
            clippy::indexing_slicing,
            reason = "const evaluation: an out-of-range index fails the build, not at run time"
        )]
        {
            t[k] = p;
        }
        p = gf2_mul(p, p);
        k += 1;
    }
    t
};

/// `x^(8 n)` modulo the CRC polynomial: the operator that shifts a CRC past `n` zero bytes.
fn x8n_mod_p(mut n: u64) -> u32 {
    let mut p = 1u32 << 31; // x^0
    let mut k = 3usize; // x^(8 n) = x^(n * 2^3)
    while n != 0 {
        if n & 1 != 0 {
            p = gf2_mul(X2N.get(k).copied().unwrap_or(0), p);
        }
        n >>= 1;
        k += 1;
    }
    p
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI, ext4 and LevelDB.
///
/// ```
/// assert_eq!(consentry::ledger::crc32c(b"123456789"), 0xe306_9283);
/// ```
pub fn crc32c(data: &[u8]) -> u32 {
    crc32c_parts(&[data])
}

/// CRC-32C of the concatenation of `parts`.
pub(super) fn crc32c_parts(parts: &[&[u8]]) -> u32 {
    let mut crc = !0u32;
    for &b in parts.iter().flat_map(|p| p.iter()) {
        crc = crc32c_step(crc, b);
    }
    !crc
}

/// One byte of the table-driven CRC-32C. The index is a `u8`, so the table (256 entries)
/// always has it; `get` only satisfies the indexing lint.
fn crc32c_step(crc: u32, b: u8) -> u32 {
    let idx = usize::from((crc as u8) ^ b);
    (crc >> 8) ^ CRC_TABLE.get(idx).copied().unwrap_or(0)
}

#[expect(
    clippy::indexing_slicing,
    reason = "const evaluation: an out-of-range index fails the build, not at run time"
)]
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0x82f6_3b78
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn range_crcs_from_prefixes_equal_direct_crcs() {
        let mut data = Vec::new();
        let mut x = 0x2545_f491_u32;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.push(x as u8);
        }
        let prefix = crc32c_prefixes(&data);
        assert_eq!(prefix[data.len()], crc32c(&data));
        for (start, end) in [
            (0, 0),
            (0, 1),
            (3, 3),
            (1, 4999),
            (17, 4113),
            (4999, 5000),
            (0, 5000),
        ] {
            assert_eq!(
                crc32c_of_range(&prefix, start, end),
                Some(crc32c(&data[start..end])),
                "{start}..{end}"
            );
        }
        assert_eq!(crc32c_of_range(&prefix, 10, 5001), None);
        assert_eq!(crc32c_of_range(&prefix, 11, 10), None);
    }
}
