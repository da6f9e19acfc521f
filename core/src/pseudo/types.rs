//! Declared value types and their canonical forms.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::dates::Date;
use crate::ids::{self, IdType};

/// The declared type of a policy field; it fixes how a value is validated and canonicalised
/// before any keyed transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ValueType {
    /// Aadhaar number: 12 digits, first digit 2–9, Verhoeff valid.
    Aadhaar,
    /// Aadhaar Virtual ID: 16 digits.
    Vid,
    /// PAN: upper-case `AAAAA9999A` with a valid holder-type letter.
    Pan,
    /// GSTIN with a valid check character.
    Gstin,
    /// Mobile number: `+91` and 10 digits starting 6–9.
    Mobile,
    /// E-mail: trimmed and lower-cased.
    Email,
    /// PIN code: 6 digits.
    Pincode,
    /// Voter ID (EPIC).
    Epic,
    /// Passport number.
    Passport,
    /// IFSC.
    Ifsc,
    /// A person's name: Unicode NFC, whitespace runs collapsed to one space, trimmed.
    Name,
    /// Free text: Unicode NFC, trimmed.
    Text,
    /// A date `YYYY-MM-DD`.
    Date,
    /// An integer (up to 18 digits), optionally signed; canonical without `+` or leading zeros.
    Number,
    /// ASCII digits.
    Digits,
    /// ASCII letters and digits; canonical in upper case.
    Alnum,
}

impl ValueType {
    /// Every value type.
    pub const ALL: &'static [ValueType] = &[
        ValueType::Aadhaar,
        ValueType::Vid,
        ValueType::Pan,
        ValueType::Gstin,
        ValueType::Mobile,
        ValueType::Email,
        ValueType::Pincode,
        ValueType::Epic,
        ValueType::Passport,
        ValueType::Ifsc,
        ValueType::Name,
        ValueType::Text,
        ValueType::Date,
        ValueType::Number,
        ValueType::Digits,
        ValueType::Alnum,
    ];

    /// The stable name used in policies.
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueType::Aadhaar => "aadhaar",
            ValueType::Vid => "vid",
            ValueType::Pan => "pan",
            ValueType::Gstin => "gstin",
            ValueType::Mobile => "mobile",
            ValueType::Email => "email",
            ValueType::Pincode => "pincode",
            ValueType::Epic => "epic",
            ValueType::Passport => "passport",
            ValueType::Ifsc => "ifsc",
            ValueType::Name => "name",
            ValueType::Text => "text",
            ValueType::Date => "date",
            ValueType::Number => "number",
            ValueType::Digits => "digits",
            ValueType::Alnum => "alnum",
        }
    }

    /// The type with the given stable name.
    pub fn from_name(name: &str) -> Option<ValueType> {
        ValueType::ALL.iter().copied().find(|t| t.as_str() == name)
    }

    /// The identifier type behind this value type, if it is one.
    pub const fn id_type(self) -> Option<IdType> {
        Some(match self {
            ValueType::Aadhaar => IdType::Aadhaar,
            ValueType::Vid => IdType::Vid,
            ValueType::Pan => IdType::Pan,
            ValueType::Gstin => IdType::Gstin,
            ValueType::Mobile => IdType::Mobile,
            ValueType::Email => IdType::Email,
            ValueType::Pincode => IdType::Pincode,
            ValueType::Epic => IdType::Epic,
            ValueType::Passport => IdType::Passport,
            ValueType::Ifsc => IdType::Ifsc,
            _ => return None,
        })
    }

    /// Whether values of this type are strings for display purposes (`mask` applies).
    pub const fn is_string(self) -> bool {
        !matches!(self, ValueType::Date | ValueType::Number)
    }
}

impl core::fmt::Display for ValueType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `value` is certainly in Unicode NFC: ASCII, or the quick check says yes (a
/// "maybe" counts as no, and the caller takes the slow path, which normalises).
fn is_nfc_fast(value: &str) -> bool {
    value.is_ascii() || unicode_normalization::is_nfc_quick(value.chars()) == IsNormalized::Yes
}

/// Whether the whitespace of `value` is already as [`ValueType::Name`]'s canonical form has
/// it: no leading or trailing whitespace, words separated by exactly one U+0020 (whitespace
/// as `str::split_whitespace` sees it, Unicode `White_Space`).
fn single_spaced(value: &str) -> bool {
    let mut prev_space = true; // no leading whitespace
    for c in value.chars() {
        if c.is_whitespace() {
            if c != ' ' || prev_space {
                return false;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
    }
    // no trailing whitespace (an empty value is refused by the caller)
    !prev_space || value.is_empty()
}

/// [`ValueType::Name`]'s canonical form, built: NFC, then whitespace runs collapsed to one
/// space, trimmed. The reference the borrowing fast path must agree with.
fn name_slow(value: &str) -> Option<Cow<'_, str>> {
    let nfc: String = value.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for (i, w) in nfc.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    (!out.is_empty()).then_some(Cow::Owned(out))
}

/// [`ValueType::Text`]'s canonical form, built: NFC, trimmed.
fn text_slow(value: &str) -> Option<Cow<'_, str>> {
    let out = value.nfc().collect::<String>().trim().to_owned();
    (!out.is_empty()).then_some(Cow::Owned(out))
}

/// The canonical form of `value` for `ty`, or `None` when it does not validate. Borrows from
/// `value` when it is already canonical.
pub(crate) fn canonicalise(ty: ValueType, value: &str) -> Option<Cow<'_, str>> {
    if let Some(id) = ty.id_type() {
        return ids::normalise_cow(id, value).ok();
    }
    let out = match ty {
        ValueType::Name => {
            if is_nfc_fast(value) && single_spaced(value) {
                // Already NFC with one space between words: canonical as it stands.
                return (!value.is_empty()).then_some(Cow::Borrowed(value));
            }
            return name_slow(value);
        }
        ValueType::Text => {
            if is_nfc_fast(value) {
                let v = value.trim();
                return (!v.is_empty()).then_some(Cow::Borrowed(v));
            }
            return text_slow(value);
        }
        ValueType::Date => {
            // `Date::parse` accepts exactly `YYYY-MM-DD`, so a parsed value is canonical.
            let v = value.trim();
            Date::parse(v)?;
            return Some(Cow::Borrowed(v));
        }
        ValueType::Number => {
            let v = value.trim();
            let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
            if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let n = v.parse::<i64>().ok()?;
            // Canonical as written: no `+`, no leading zero, and zero unsigned.
            let canonical = !v.starts_with('+')
                && if digits == "0" {
                    !v.starts_with('-')
                } else {
                    !digits.starts_with('0')
                };
            if canonical {
                return Some(Cow::Borrowed(v));
            }
            n.to_string()
        }
        ValueType::Digits => {
            let v = value.trim();
            if v.is_empty() || !v.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            return Some(Cow::Borrowed(v));
        }
        ValueType::Alnum => {
            let v = value.trim();
            if !v.bytes().all(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            if !v.bytes().any(|c| c.is_ascii_lowercase()) {
                return (!v.is_empty()).then_some(Cow::Borrowed(v));
            }
            v.to_ascii_uppercase()
        }
        _ => return None,
    };
    (!out.is_empty()).then_some(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(
            canonicalise(ValueType::Name, "  Asha \t  Devi\n").unwrap(),
            "Asha Devi"
        );
        // NFD input (e + combining acute) becomes NFC.
        assert_eq!(
            canonicalise(ValueType::Name, "Re\u{301}mi").unwrap(),
            "R\u{e9}mi"
        );
        assert_eq!(canonicalise(ValueType::Number, "+007").unwrap(), "7");
        assert_eq!(canonicalise(ValueType::Number, "-0").unwrap(), "0");
        assert_eq!(canonicalise(ValueType::Number, "1.5"), None);
        assert_eq!(canonicalise(ValueType::Alnum, "ab12").unwrap(), "AB12");
        assert_eq!(canonicalise(ValueType::Digits, "12a"), None);
        assert_eq!(canonicalise(ValueType::Date, "2024-02-30"), None);
        assert_eq!(canonicalise(ValueType::Text, "   "), None);
        assert_eq!(
            canonicalise(ValueType::Email, " A@B.IN ").unwrap(),
            "a@b.in"
        );
        for t in ValueType::ALL {
            assert_eq!(ValueType::from_name(t.as_str()), Some(*t));
        }
    }

    /// The canonical forms as they were built before the borrowing fast paths (the oracle).
    fn reference(ty: ValueType, value: &str) -> Option<String> {
        let out = match ty {
            ValueType::Name => {
                let nfc: String = value.nfc().collect();
                nfc.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            ValueType::Text => value.nfc().collect::<String>().trim().to_owned(),
            ValueType::Number => {
                let v = value.trim();
                let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
                if digits.is_empty()
                    || digits.len() > 18
                    || !digits.bytes().all(|c| c.is_ascii_digit())
                {
                    return None;
                }
                v.parse::<i64>().ok()?.to_string()
            }
            ValueType::Digits => {
                let v = value.trim();
                if !v.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                v.to_owned()
            }
            ValueType::Alnum => {
                let v = value.trim();
                if !v.bytes().all(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                v.to_ascii_uppercase()
            }
            _ => return None,
        };
        (!out.is_empty()).then_some(out)
    }

    const FAST_PATH_TYPES: [ValueType; 5] = [
        ValueType::Name,
        ValueType::Text,
        ValueType::Number,
        ValueType::Digits,
        ValueType::Alnum,
    ];

    #[test]
    fn non_canonical_names_and_texts_still_canonicalise_as_before() {
        for (ty, input, want) in [
            (ValueType::Name, "  Asha   Devi ", "Asha Devi"),
            (ValueType::Name, "Asha\u{a0}Devi", "Asha Devi"),
            (ValueType::Name, "Asha\u{3000}Devi", "Asha Devi"),
            (ValueType::Name, "Asha\tDevi", "Asha Devi"),
            (ValueType::Name, "Asha  Devi", "Asha Devi"),
            (ValueType::Name, "Ame\u{301}lie", "Am\u{e9}lie"),
            (ValueType::Name, "Am\u{e9}lie", "Am\u{e9}lie"),
            // U+2000 EN QUAD is whitespace with a canonical decomposition (to U+2002)
            (ValueType::Name, "a\u{2000}b", "a b"),
            (ValueType::Text, "  e\u{301} x ", "\u{e9} x"),
            (ValueType::Text, "a  b", "a  b"),
            (ValueType::Number, "-0", "0"),
            (ValueType::Number, "+5", "5"),
            (ValueType::Number, "007", "7"),
            (ValueType::Number, "-12", "-12"),
            (ValueType::Alnum, " ab1 ", "AB1"),
            (ValueType::Alnum, "AB1", "AB1"),
            (ValueType::Digits, " 0012 ", "0012"),
        ] {
            assert_eq!(
                canonicalise(ty, input).as_deref(),
                Some(want),
                "{ty} {input:?}"
            );
            assert_eq!(
                reference(ty, input).as_deref(),
                Some(want),
                "{ty} {input:?}"
            );
        }
        for ty in FAST_PATH_TYPES {
            for empty in ["", " ", "\u{a0}", " \t\n"] {
                assert_eq!(canonicalise(ty, empty), None, "{ty} {empty:?}");
            }
        }
    }

    #[test]
    fn canonical_values_are_borrowed_not_copied() {
        for (ty, v) in [
            (ValueType::Name, "Asha Devi"),
            (
                ValueType::Name,
                "\u{905}\u{936}\u{93e} \u{926}\u{947}\u{935}\u{940}",
            ),
            (ValueType::Text, "free  text"),
            (ValueType::Number, "-12"),
            (ValueType::Number, "0"),
            (ValueType::Digits, "0012"),
            (ValueType::Alnum, "AB12"),
        ] {
            assert!(
                matches!(canonicalise(ty, v), Some(Cow::Borrowed(b)) if b == v),
                "{ty} {v:?}"
            );
        }
    }

    use proptest::prelude::*;

    /// Strings mixing ASCII, Latin with and without combining marks, Devanagari (with nukta
    /// and composition exclusions), Hangul jamo and every kind of whitespace.
    fn messy() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            "Z",
            "0",
            "7",
            "-",
            "+",
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\u{a0}",
            "\u{2000}",
            "\u{2002}",
            "\u{3000}",
            "\u{85}",
            "\u{1680}",
            "e\u{301}",
            "\u{e9}",
            "\u{301}",
            "A\u{30a}",
            "\u{212b}",
            "\u{915}\u{93c}",
            "\u{958}",
            "\u{1100}\u{1161}",
            "\u{ac00}",
            "\u{f900}",
            "\u{2126}",
            "o\u{308}\u{301}",
            "\u{1e0b}\u{323}",
            "x",
        ]);
        prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn fast_path_equals_slow_path_on_messy_unicode(s in messy()) {
            for ty in FAST_PATH_TYPES {
                prop_assert_eq!(canonicalise(ty, &s).map(Cow::into_owned), reference(ty, &s));
            }
        }

        #[test]
        fn fast_path_equals_slow_path_on_any_string(s in "\\PC{0,24}") {
            for ty in FAST_PATH_TYPES {
                prop_assert_eq!(canonicalise(ty, &s).map(Cow::into_owned), reference(ty, &s));
            }
        }

        #[test]
        fn fast_path_equals_slow_path_on_numbers(n in any::<i64>(), plus in any::<bool>(), zeros in 0usize..3) {
            let body = n.unsigned_abs().to_string();
            let s = format!("{}{}{}", if n < 0 { "-" } else if plus { "+" } else { "" }, "0".repeat(zeros), body);
            prop_assert_eq!(canonicalise(ValueType::Number, &s).map(Cow::into_owned), reference(ValueType::Number, &s));
        }
    }
}
