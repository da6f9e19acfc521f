//! Strict base64url without padding, decoded eight characters at a time: the AA verifier's
//! payload decoding (a 3 KiB JWS is mostly its payload segment). It accepts exactly what
//! `base64`'s `URL_SAFE_NO_PAD` accepts (the URL-safe alphabet only: no padding, no white
//! space; a length of 4n+1 refused; the unused bits of the last character zero) and decodes to
//! the same bytes; the tests hold it to that crate.

/// Marks a byte outside the alphabet in [`DECODE`].
const INVALID: u8 = 0xff;

/// The six-bit value of each URL-safe alphabet byte, [`INVALID`] for every other byte.
const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        // `i < 64` and every alphabet byte is below 256: in bounds (const evaluation).
        #[allow(clippy::indexing_slicing)]
        {
            t[alphabet[i] as usize] = i as u8;
        }
        i += 1;
    }
    t
};

/// Bit set in a [`SHIFTED`] entry for a byte outside the alphabet.
const BAD: u32 = 1 << 31;

/// [`DECODE`] pre-shifted for each of the four positions of a quantum, so that four look-ups
/// ORed together give its 24 bits (and [`BAD`] for any byte outside the alphabet).
const SHIFTED: [[u32; 256]; 4] = {
    let mut t = [[0u32; 256]; 4];
    let mut c = 0;
    while c < 256 {
        #[allow(clippy::indexing_slicing)]
        {
            let v = DECODE[c];
            let mut pos = 0;
            while pos < 4 {
                t[pos][c] = if v == INVALID {
                    BAD
                } else {
                    (v as u32) << (18 - 6 * pos)
                };
                pos += 1;
            }
        }
        c += 1;
    }
    t
};

/// The value of `b`, [`INVALID`] outside the alphabet.
#[inline(always)]
fn value(b: u8) -> u8 {
    DECODE.get(usize::from(b)).copied().unwrap_or(INVALID)
}

/// The 24 bits of one four-character quantum, with [`BAD`] set for a byte outside the alphabet.
#[inline(always)]
fn quantum([c0, c1, c2, c3]: [u8; 4]) -> u32 {
    let [t0, t1, t2, t3] = &SHIFTED;
    let at = |t: &[u32; 256], c: u8| t.get(usize::from(c)).copied().unwrap_or(BAD);
    at(t0, c0) | at(t1, c1) | at(t2, c2) | at(t3, c3)
}

/// The number of bytes `len` base64url characters decode to, `None` for a length of 4n+1
/// (no such encoding).
pub(crate) const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        r => Some(len / 4 * 3 + r.saturating_sub(1)),
    }
}

/// Decodes `text` into `out` (exactly [`decoded_len`] bytes long); `false` (with `out` holding
/// unspecified bytes) when `text` is not strict unpadded base64url.
pub(crate) fn decode_to_slice(text: &[u8], out: &mut [u8]) -> bool {
    if decoded_len(text.len()) != Some(out.len()) {
        return false;
    }
    let mut seen = 0u8;
    let mut src = text.chunks_exact(8);
    let mut dst = out.chunks_exact_mut(6);
    let mut bad = 0u32;
    for (s, d) in (&mut src).zip(&mut dst) {
        let Ok([c0, c1, c2, c3, c4, c5, c6, c7]) = <[u8; 8]>::try_from(s) else {
            return false;
        };
        // Two quanta, each four independent look-ups ORed together.
        let (a, b) = (quantum([c0, c1, c2, c3]), quantum([c4, c5, c6, c7]));
        bad |= a | b;
        let bytes = ((u64::from(a) << 40) | (u64::from(b) << 16)).to_be_bytes();
        d.copy_from_slice(bytes.get(..6).unwrap_or_default());
    }
    if bad & BAD != 0 {
        return false;
    }
    // Fewer than eight characters are left (and fewer than six bytes to write).
    let rest = src.remainder();
    let tail = dst.into_remainder();
    let mut acc = 0u64;
    for &c in rest {
        let v = value(c);
        seen |= v;
        acc = (acc << 6) | u64::from(v & 0x3f);
    }
    let bits = rest.len() * 6;
    let keep = tail.len() * 8;
    // The bits after the last whole byte must be zero (a canonical encoding).
    let extra = bits - keep.min(bits);
    if extra >= 8 || acc & ((1u64 << extra) - 1) != 0 {
        return false;
    }
    let acc = acc >> extra;
    let n = tail.len();
    for (i, b) in tail.iter_mut().enumerate() {
        *b = (acc >> ((n - 1 - i) * 8)) as u8;
    }
    seen & 0xc0 == 0
}

/// Appends the decoding of `text` to `out`; `false` (with `out` as it was) when `text` is not
/// strict unpadded base64url.
pub(crate) fn decode_append(text: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(n) = decoded_len(text.len()) else {
        return false;
    };
    let start = out.len();
    out.resize(start + n, 0);
    let ok = out
        .get_mut(start..)
        .is_some_and(|dst| decode_to_slice(text, dst));
    if !ok {
        out.truncate(start);
    }
    ok
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    fn ours(text: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![7];
        if decode_append(text, &mut out) {
            assert_eq!(out[0], 7);
            Some(out[1..].to_vec())
        } else {
            assert_eq!(out, [7], "left as it was");
            None
        }
    }

    fn oracle(text: &[u8]) -> Option<Vec<u8>> {
        URL_SAFE_NO_PAD.decode(text).ok()
    }

    #[test]
    fn agrees_with_the_base64_crate_on_every_short_text_over_a_mixed_alphabet() {
        // Valid characters, each alphabet edge, padding, the standard alphabet's `+` and `/`,
        // white space, a dot, a NUL and a high byte, in every string of up to 4 of them, then
        // all lengths up to 40 over shifted patterns.
        let chars: &[u8] = b"AB_-Qz09=+/ .\0\xc3gw";
        let mut texts: Vec<Vec<u8>> = vec![vec![]];
        let mut last: Vec<Vec<u8>> = vec![vec![]];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|t| chars.iter().map(move |&c| [t.as_slice(), &[c]].concat()))
                .collect();
            texts.extend(last.iter().cloned());
        }
        for t in &texts {
            assert_eq!(ours(t), oracle(t), "{:?}", String::from_utf8_lossy(t));
        }
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for len in 0..=40usize {
            for shift in 0..64usize {
                let t: Vec<u8> = (0..len).map(|i| alphabet[(i * 7 + shift) % 64]).collect();
                assert_eq!(ours(&t), oracle(&t), "{}", String::from_utf8_lossy(&t));
                // One bad byte at every position.
                for at in 0..len {
                    for bad in [b'=', b'+', b'.', b'\n', 0xff] {
                        let mut u = t.clone();
                        u[at] = bad;
                        assert_eq!(ours(&u), None);
                        assert_eq!(oracle(&u), None);
                    }
                }
            }
        }
    }

    #[test]
    fn round_trips_every_byte_length_up_to_100() {
        for len in 0..=100usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 151 + 17) as u8).collect();
            let text = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(ours(text.as_bytes()).unwrap(), bytes);
            let mut slice = vec![0u8; decoded_len(text.len()).unwrap()];
            assert!(decode_to_slice(text.as_bytes(), &mut slice));
            assert_eq!(slice, bytes);
            // A slice of the wrong length is refused.
            let mut long = vec![0u8; slice.len() + 1];
            assert!(!decode_to_slice(text.as_bytes(), &mut long));
        }
    }
}
