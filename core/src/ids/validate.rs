//! Per-type validation, normalisation and display masks.

use std::borrow::Cow;

use super::checks::{gstin_check_char, verhoeff_valid};
use super::{IdError, IdType};

/// PAN fourth-letter holder types published by the Income Tax Department: A association of
/// persons, B body of individuals, C company, F firm, G government, H Hindu undivided family,
/// J artificial juridical person, L local authority, P individual, T trust.
const PAN_HOLDER_TYPES: &[u8] = b"ABCFGHJLPT";

/// Normalises `value` to the canonical form of `kind`, or says why it is not valid.
///
/// ```
/// use consentry::ids::{normalise, IdType};
/// assert_eq!(normalise(IdType::Mobile, "098765-43210")?, "+919876543210");
/// assert_eq!(normalise(IdType::Pan, " abcpe1234f ")?, "ABCPE1234F");
/// assert!(normalise(IdType::Pan, "ABCXE1234F").is_err()); // X is no holder type
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn normalise(kind: IdType, value: &str) -> Result<String, IdError> {
    normalise_cow(kind, value).map(Cow::into_owned)
}

/// ASCII upper case, borrowing when there is nothing to change.
fn upper(v: &str) -> Cow<'_, str> {
    if v.bytes().any(|c| c.is_ascii_lowercase()) {
        Cow::Owned(v.to_ascii_uppercase())
    } else {
        Cow::Borrowed(v)
    }
}

/// [`normalise`], borrowing from `value` when it is already canonical (the hot path of the
/// keyed transforms).
pub(crate) fn normalise_cow(kind: IdType, value: &str) -> Result<Cow<'_, str>, IdError> {
    let invalid = IdError::Invalid { kind };
    let v = value.trim();
    match kind {
        IdType::Aadhaar => {
            let d = digits_without_separators(v, 12).ok_or(invalid)?;
            if !matches!(d.as_bytes().first(), Some(b'2'..=b'9')) {
                return Err(invalid);
            }
            if !verhoeff_valid(&d) {
                return Err(IdError::Checksum { kind });
            }
            Ok(d)
        }
        IdType::Vid => digits_without_separators(v, 16).ok_or(invalid),
        IdType::Mobile if is_canonical_mobile(v) => Ok(Cow::Borrowed(v)),
        IdType::Mobile => normalise_mobile(v).map(Cow::Owned).ok_or(invalid),
        IdType::Pincode => {
            let d = digits_without_separators(v, 6).ok_or(invalid)?;
            if matches!(d.as_bytes().first(), Some(b'0')) {
                return Err(invalid);
            }
            Ok(d)
        }
        IdType::Pan => {
            let u = upper(v);
            if !shape(&u, "LLLLLDDDDL") {
                return Err(invalid);
            }
            check_pan_holder(&u)?;
            Ok(u)
        }
        IdType::Gstin => {
            let u = upper(v);
            if !shape(&u, "DDLLLLLDDDDLAAA") {
                return Err(invalid);
            }
            let state = u
                .get(0..2)
                .and_then(|s| s.parse::<u8>().ok())
                .ok_or(invalid)?;
            if !((1..=38).contains(&state) || state == 97 || state == 99) {
                return Err(invalid);
            }
            if matches!(u.as_bytes().get(12), Some(b'0')) {
                return Err(invalid);
            }
            let expected = u.get(0..14).and_then(gstin_check_char).ok_or(invalid)?;
            if u.get(14..15).and_then(|s| s.chars().next()) != Some(expected) {
                return Err(IdError::Checksum { kind });
            }
            Ok(u)
        }
        IdType::Epic => {
            let u = upper(v);
            if shape(&u, "LLLDDDDDDD") {
                Ok(u)
            } else {
                Err(invalid)
            }
        }
        IdType::Passport => {
            let u = upper(v);
            if shape(&u, "LDDDDDDD") {
                Ok(u)
            } else {
                Err(invalid)
            }
        }
        IdType::Ifsc => {
            let u = upper(v);
            if shape(&u, "LLLL0AAAAAA") {
                Ok(u)
            } else {
                Err(invalid)
            }
        }
        IdType::Email => normalise_email(v).ok_or(invalid),
    }
}

/// Checks that `value` is a valid `kind`.
pub fn validate(kind: IdType, value: &str) -> Result<(), IdError> {
    normalise(kind, value).map(|_| ())
}

/// Whether `value` is a valid `kind`.
///
/// ```
/// use consentry::ids::{is_valid, IdType};
/// assert!(is_valid(IdType::Aadhaar, "234567890124"));
/// assert!(!is_valid(IdType::Aadhaar, "234567890125")); // Verhoeff fails
/// assert!(!is_valid(IdType::Aadhaar, "134567890124")); // first digit 1
/// ```
pub fn is_valid(kind: IdType, value: &str) -> bool {
    normalise(kind, value).is_ok()
}

/// The display mask of a valid `kind` value: Aadhaar `XXXX XXXX 1234`, VID
/// `XXXX XXXX XXXX 1234`, mobile `XXXXXX1234` (the 10-digit national number), PIN code the first
/// three digits then `XXX`, e-mail the first character of the local part then `X`s then the
/// domain, every other type `X`s then the last four characters.
///
/// The value is validated first; an invalid value is an error, never masked blindly.
///
/// ```
/// use consentry::ids::{mask, IdType};
/// assert_eq!(mask(IdType::Mobile, "+91 98765 43210")?, "XXXXXX3210");
/// assert_eq!(mask(IdType::Email, "Asha@Example.IN")?, "aXXX@example.in");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn mask(kind: IdType, value: &str) -> Result<String, IdError> {
    let canon = normalise(kind, value)?;
    Ok(match kind {
        IdType::Aadhaar => format!("XXXX XXXX {}", last_chars(&canon, 4)),
        IdType::Vid => format!("XXXX XXXX XXXX {}", last_chars(&canon, 4)),
        IdType::Mobile => mask_keep_last(national_mobile(&canon), 4),
        IdType::Pincode => format!("{}XXX", canon.get(0..3).unwrap_or_default()),
        IdType::Email => {
            let (local, domain) = canon.split_once('@').unwrap_or((canon.as_str(), ""));
            let mut chars = local.chars();
            let first: String = chars.next().map(String::from).unwrap_or_default();
            let rest = "X".repeat(chars.count());
            format!("{first}{rest}@{domain}")
        }
        IdType::Pan | IdType::Gstin | IdType::Epic | IdType::Passport | IdType::Ifsc => {
            mask_keep_last(&canon, 4)
        }
    })
}

/// Replaces every character of `value` except the last `keep` with `X`. When `value` has `keep`
/// characters or fewer, every character is replaced, so a mask never shows a whole value.
///
/// ```
/// assert_eq!(consentry::ids::mask_keep_last("ABCPE1234F", 4), "XXXXXX234F");
/// assert_eq!(consentry::ids::mask_keep_last("abc", 4), "XXX");
/// ```
pub fn mask_keep_last(value: &str, keep: usize) -> String {
    let n = value.chars().count();
    if n <= keep {
        return "X".repeat(n);
    }
    let hidden = n - keep;
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        out.push(if i < hidden { 'X' } else { c });
    }
    out
}

/// The 10-digit national part of a canonical mobile number (`+91` removed).
pub(crate) fn national_mobile(canon: &str) -> &str {
    canon.strip_prefix("+91").unwrap_or(canon)
}

/// The last `n` characters of an ASCII string (the whole string if shorter).
fn last_chars(s: &str, n: usize) -> &str {
    s.get(s.len().saturating_sub(n)..).unwrap_or(s)
}

/// Removes ASCII spaces and hyphens; `Some` when exactly `len` ASCII digits remain.
fn digits_without_separators(v: &str, len: usize) -> Option<Cow<'_, str>> {
    let b = v.as_bytes();
    if b.len() == len && b.iter().all(u8::is_ascii_digit) {
        return Some(Cow::Borrowed(v));
    }
    let mut out = String::with_capacity(len);
    for c in b {
        match c {
            b'0'..=b'9' => out.push(char::from(*c)),
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    (out.len() == len).then_some(Cow::Owned(out))
}

/// Whether `v` is a mobile number in its canonical form already (`+91` and 10 digits, the
/// first 6–9): [`normalise_mobile`] would return it unchanged.
fn is_canonical_mobile(v: &str) -> bool {
    match v.as_bytes() {
        [b'+', b'9', b'1', first, rest @ ..] => {
            matches!(first, b'6'..=b'9') && rest.len() == 9 && rest.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// Mobile: optional `+91`, `91` or `0` prefix, ASCII spaces/hyphens allowed, 10 digits 6–9….
fn normalise_mobile(v: &str) -> Option<String> {
    let (plus, rest) = match v.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, v),
    };
    let mut d = String::with_capacity(12);
    for c in rest.chars() {
        match c {
            '0'..='9' => d.push(c),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    let national = if plus {
        d.strip_prefix("91").filter(|n| n.len() == 10)?
    } else if d.len() == 12 {
        d.strip_prefix("91")?
    } else if d.len() == 11 {
        d.strip_prefix('0')?
    } else if d.len() == 10 {
        d.as_str()
    } else {
        return None;
    };
    if !matches!(national.as_bytes().first(), Some(b'6'..=b'9')) {
        return None;
    }
    Some(format!("+91{national}"))
}

/// E-mail: ASCII only, lower-cased; a dot-atom local part (1–64 chars) and a domain of at least
/// two LDH labels (1–63 chars each, no leading or trailing hyphen), the last one not all digits.
fn normalise_email(v: &str) -> Option<Cow<'_, str>> {
    if !v.is_ascii() || v.len() > 254 {
        return None;
    }
    // Borrowed when already lower case (the common case), else lower-cased once.
    let lower = if v.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(v.to_ascii_lowercase())
    } else {
        Cow::Borrowed(v)
    };
    email_shape_ok(&lower).then_some(lower)
}

/// The checks of [`normalise_email`] on the lower-cased address.
fn email_shape_ok(lower: &str) -> bool {
    let Some((local, domain)) = lower.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c);
    if !local.chars().all(atext) {
        return false;
    }
    if domain.len() > 253 {
        return false;
    }
    let mut labels = 0usize;
    let mut last = "";
    for l in domain.split('.') {
        if l.is_empty()
            || l.len() > 63
            || l.starts_with('-')
            || l.ends_with('-')
            || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return false;
        }
        labels += 1;
        last = l;
    }
    labels >= 2 && !last.chars().all(|c| c.is_ascii_digit())
}

/// Checks an upper-cased ASCII string against a shape: `L` letter A–Z, `D` digit, `A` letter or
/// digit, `0` the digit zero.
pub(crate) fn shape(s: &str, pattern: &str) -> bool {
    s.len() == pattern.len()
        && s.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
            b'L' => c.is_ascii_uppercase(),
            b'D' => c.is_ascii_digit(),
            b'A' => c.is_ascii_uppercase() || c.is_ascii_digit(),
            other => c == other,
        })
}

fn check_pan_holder(u: &str) -> Result<(), IdError> {
    match u.as_bytes().get(3) {
        Some(b) if PAN_HOLDER_TYPES.contains(b) => Ok(()),
        _ => Err(IdError::PanHolderType),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    /// `normalise_email` as it was before it borrowed (the oracle).
    fn old_normalise_email(v: &str) -> Option<String> {
        if !v.is_ascii() || v.len() > 254 {
            return None;
        }
        let lower = v.to_ascii_lowercase();
        let (local, domain) = lower.split_once('@')?;
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return None;
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return None;
        }
        let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c);
        if !local.chars().all(atext) {
            return None;
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || domain.len() > 253 {
            return None;
        }
        for l in &labels {
            if l.is_empty()
                || l.len() > 63
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return None;
            }
        }
        if labels.last()?.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(lower)
    }

    #[test]
    fn canonical_mobiles_and_emails_are_borrowed_others_still_normalised() {
        for v in ["+919876543210", "+916000000000"] {
            assert!(matches!(normalise_cow(IdType::Mobile, v), Ok(Cow::Borrowed(b)) if b == v));
        }
        for (v, want) in [
            (" +91 98765 43210 ", "+919876543210"),
            ("09876543210", "+919876543210"),
            ("919876543210", "+919876543210"),
            ("9876543210", "+919876543210"),
            ("+91-98765-43210", "+919876543210"),
        ] {
            assert_eq!(normalise_cow(IdType::Mobile, v).unwrap(), want);
        }
        for bad in [
            "+915876543210",
            "+9198765432100",
            "+91987654321",
            "+91987654321x",
            "+929876543210",
        ] {
            assert!(normalise_cow(IdType::Mobile, bad).is_err(), "{bad}");
        }
        assert!(matches!(
            normalise_cow(IdType::Email, "a.b@x.in"),
            Ok(Cow::Borrowed("a.b@x.in"))
        ));
        assert_eq!(
            normalise_cow(IdType::Email, " A.B@X.IN ").unwrap(),
            "a.b@x.in"
        );
        for bad in [
            "a@b",
            "a@b.123",
            "@b.in",
            "a..b@x.in",
            "a@-b.in",
            "a@b..in",
            "a@b@c.in",
        ] {
            assert!(normalise_cow(IdType::Email, bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn mobile_fast_path_equals_the_slow_path(s in "[+]?(91|0)?[ -]?[5-9][0-9 -]{8,11}") {
            let fast = normalise_cow(IdType::Mobile, &s).ok().map(Cow::into_owned);
            prop_assert_eq!(fast, normalise_mobile(s.trim()));
        }

        #[test]
        fn email_borrowing_equals_the_old_normalise_email(s in "[a-zA-Z0-9.@_+-]{0,12}@[a-zA-Z0-9.-]{0,12}") {
            prop_assert_eq!(normalise_email(&s).map(Cow::into_owned), old_normalise_email(&s));
        }

        #[test]
        fn email_borrowing_equals_the_old_on_any_string(s in "\\PC{0,30}") {
            prop_assert_eq!(normalise_email(&s).map(Cow::into_owned), old_normalise_email(&s));
        }
    }
}
