//! Declared value types and their canonical forms.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

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

/// The canonical form of `value` for `ty`, or `None` when it does not validate. Borrows from
/// `value` when it is already canonical.
pub(crate) fn canonicalise(ty: ValueType, value: &str) -> Option<Cow<'_, str>> {
    if let Some(id) = ty.id_type() {
        return ids::normalise_cow(id, value).ok();
    }
    let out = match ty {
        ValueType::Name => {
            let nfc: String = value.nfc().collect();
            let mut out = String::with_capacity(nfc.len());
            for (i, w) in nfc.split_whitespace().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(w);
            }
            out
        }
        ValueType::Text => value.nfc().collect::<String>().trim().to_owned(),
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
}
