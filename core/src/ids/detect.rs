//! Detection of identifiers in free text.

use super::validate::normalise;
use super::IdType;

/// A detected identifier: the byte range `start..end` of the input and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The identifier type.
    pub kind: IdType,
}

/// Finds identifiers in `text`, in order of position, without overlaps.
///
/// A candidate must start and end at a word boundary (the neighbouring bytes are not ASCII letters
/// or digits) and must validate as its type, so Aadhaar numbers are reported only when the
/// Verhoeff check holds, GSTINs only when the check character holds and PANs only with a known
/// holder type. Letter-bearing identifiers must be written in upper case. Accepted layouts:
/// Aadhaar `dddddddddddd`, `dddd dddd dddd` or `dddd-dddd-dddd`; VID the same in four groups;
/// mobile 10 digits, `ddddd ddddd`, with an optional `+91`, `91` or `0` prefix and separator;
/// PIN code `dddddd` or `ddd ddd`; e-mail addresses. When candidates overlap, the one starting
/// first wins, then the longest.
///
/// ```
/// use consentry::ids::{detect, IdType};
/// let text = "PAN ABCPE1234F, Aadhaar 2345 6789 0124, bad 2345 6789 0125";
/// let found: Vec<_> = detect(text).iter().map(|s| (&text[s.start..s.end], s.kind)).collect();
/// assert_eq!(found, [("ABCPE1234F", IdType::Pan), ("2345 6789 0124", IdType::Aadhaar)]);
/// ```
pub fn detect(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut cands: Vec<Span> = Vec::new();
    let mut i = 0usize;
    while i < b.len() {
        let Some(&c) = b.get(i) else { break };
        let at_boundary = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_alphanumeric);
        if at_boundary && (c.is_ascii_alphanumeric() || c == b'+') {
            candidates_at(text, i, &mut cands);
        }
        if c == b'@' {
            if let Some(s) = email_at(text, i) {
                cands.push(s);
            }
        }
        i += 1;
    }
    cands.sort_by(|x, y| x.start.cmp(&y.start).then(y.end.cmp(&x.end)));
    let mut out: Vec<Span> = Vec::new();
    let mut last_end = 0usize;
    for s in cands {
        if out.is_empty() || s.start >= last_end {
            last_end = s.end;
            out.push(s);
        }
    }
    out
}

/// Digit-group layouts tried for each digit-only type: (type, group sizes).
const DIGIT_LAYOUTS: &[(IdType, &[usize])] = &[
    (IdType::Vid, &[16]),
    (IdType::Vid, &[4, 4, 4, 4]),
    (IdType::Aadhaar, &[12]),
    (IdType::Aadhaar, &[4, 4, 4]),
    (IdType::Mobile, &[10]),
    (IdType::Mobile, &[5, 5]),
    (IdType::Pincode, &[6]),
    (IdType::Pincode, &[3, 3]),
];

/// Letter-bearing layouts: (type, shape as in `validate::shape`).
const ALNUM_LAYOUTS: &[(IdType, &str)] = &[
    (IdType::Gstin, "DDLLLLLDDDDLAAA"),
    (IdType::Ifsc, "LLLL0AAAAAA"),
    (IdType::Pan, "LLLLLDDDDL"),
    (IdType::Epic, "LLLDDDDDDD"),
    (IdType::Passport, "LDDDDDDD"),
];

fn is_boundary_after(b: &[u8], end: usize) -> bool {
    !b.get(end).is_some_and(u8::is_ascii_alphanumeric)
}

fn push_if_valid(text: &str, start: usize, end: usize, kind: IdType, out: &mut Vec<Span>) {
    if !is_boundary_after(text.as_bytes(), end) {
        return;
    }
    if let Some(s) = text.get(start..end) {
        if normalise(kind, s).is_ok() {
            out.push(Span { start, end, kind });
        }
    }
}

/// Length of `groups` of digits starting at `i`, separated by one consistent separator
/// (space or hyphen); `None` if the text does not follow the layout.
fn match_groups(b: &[u8], i: usize, groups: &[usize]) -> Option<usize> {
    let mut pos = i;
    let mut sep: Option<u8> = None;
    for (g, len) in groups.iter().enumerate() {
        if g > 0 {
            let s = *b.get(pos)?;
            if s != b' ' && s != b'-' {
                return None;
            }
            if sep.is_some_and(|p| p != s) {
                return None;
            }
            sep = Some(s);
            pos += 1;
        }
        let end = pos.checked_add(*len)?;
        if !b.get(pos..end)?.iter().all(u8::is_ascii_digit) {
            return None;
        }
        pos = end;
    }
    Some(pos - i)
}

fn candidates_at(text: &str, i: usize, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let Some(&c) = b.get(i) else { return };
    if c.is_ascii_digit() {
        for (kind, groups) in DIGIT_LAYOUTS {
            if let Some(len) = match_groups(b, i, groups) {
                push_if_valid(text, i, i + len, *kind, out);
            }
        }
        // Mobile with a `0` or `91` trunk prefix, optionally followed by a separator.
        for prefix in [&b"0"[..], &b"91"[..]] {
            if b.get(i..).is_some_and(|r| r.starts_with(prefix)) {
                mobile_after_prefix(text, i, i + prefix.len(), out);
            }
        }
    } else if c == b'+' && b.get(i..).is_some_and(|r| r.starts_with(b"+91")) {
        mobile_after_prefix(text, i, i + 3, out);
    }
    if c.is_ascii_alphanumeric() {
        for (kind, pattern) in ALNUM_LAYOUTS {
            let end = i + pattern.len();
            if let Some(s) = text.get(i..end) {
                if super::validate::shape(s, pattern) {
                    push_if_valid(text, i, end, *kind, out);
                }
            }
        }
    }
}

fn mobile_after_prefix(text: &str, start: usize, after: usize, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut p = after;
    if matches!(b.get(p), Some(b' ' | b'-')) {
        p += 1;
    }
    for groups in [&[10usize][..], &[5, 5][..]] {
        if let Some(len) = match_groups(b, p, groups) {
            push_if_valid(text, start, p + len, IdType::Mobile, out);
        }
    }
}

fn email_at(text: &str, at: usize) -> Option<Span> {
    let b = text.as_bytes();
    let local_ok = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-.".contains(&c);
    let mut start = at;
    while start > 0 && b.get(start - 1).copied().is_some_and(local_ok) {
        start -= 1;
    }
    // A leading dot belongs to the sentence, not the address.
    while b.get(start) == Some(&b'.') && start < at {
        start += 1;
    }
    let mut end = at + 1;
    while b
        .get(end)
        .copied()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
    {
        end += 1;
    }
    // A trailing dot ends the sentence.
    while end > at + 1 && b.get(end - 1) == Some(&b'.') {
        end -= 1;
    }
    if start == at || end == at + 1 {
        return None;
    }
    let s = text.get(start..end)?;
    normalise(IdType::Email, s).ok()?;
    Some(Span {
        start,
        end,
        kind: IdType::Email,
    })
}
