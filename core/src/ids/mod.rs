//! Indian identifiers: validation, normalisation, masking, and detection and redaction in free
//! text.
//!
//! | type | canonical form | check |
//! |---|---|---|
//! | [`IdType::Aadhaar`] | 12 digits, first digit 2–9 | Verhoeff |
//! | [`IdType::Vid`] | 16 digits | — |
//! | [`IdType::Pan`] | `AAAAA9999A`, 4th letter a holder type | holder type |
//! | [`IdType::Gstin`] | 2-digit state code, PAN-shaped 10 chars, entity char, 1 char, check char | mod-36 check char |
//! | [`IdType::Mobile`] | `+91` + 10 digits, first digit 6–9 | — |
//! | [`IdType::Email`] | trimmed, lower-case ASCII `local@domain` | — |
//! | [`IdType::Pincode`] | 6 digits, first digit 1–9 | — |
//! | [`IdType::Epic`] | voter ID, `AAA9999999` | — |
//! | [`IdType::Passport`] | `A9999999` | — |
//! | [`IdType::Ifsc`] | `AAAA0XXXXXX` (6 upper-case alphanumerics) | — |
//!
//! Normalisation trims surrounding whitespace, upper-cases ASCII letters for the letter-bearing
//! types (e-mail: lower-cases), and removes ASCII spaces and hyphens from the digit-only types
//! (Aadhaar, VID, mobile, PIN code). Errors never contain the value.
//!
//! ```
//! use consentry::ids::{self, IdType};
//! assert_eq!(ids::normalise(IdType::Aadhaar, "2345 6789 0124")?, "234567890124");
//! assert_eq!(ids::mask(IdType::Aadhaar, "2345-6789-0124")?, "XXXX XXXX 0124");
//! let spans = ids::detect("call +91 98765 43210 or write to a@b.in");
//! assert_eq!(spans.len(), 2);
//! assert_eq!(spans[0].kind, IdType::Mobile);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checks;
mod detect;
mod redact;
mod validate;

pub use checks::{gstin_check_char, verhoeff_check_digit, verhoeff_valid};
pub use detect::{detect, Span};
pub use redact::{redact, Redacted, Redaction};
pub use validate::{is_valid, mask, mask_keep_last, normalise, validate};

pub(crate) use validate::{national_mobile, normalise_cow};

use crate::error::{Code, HasCode};

/// The identifier types this module knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum IdType {
    /// Aadhaar number (UIDAI), 12 digits with a Verhoeff check digit.
    Aadhaar,
    /// Aadhaar Virtual ID, 16 digits.
    Vid,
    /// Permanent Account Number (income tax).
    Pan,
    /// GST identification number.
    Gstin,
    /// Indian mobile number.
    Mobile,
    /// E-mail address.
    Email,
    /// Postal index number (PIN code).
    Pincode,
    /// Electors Photo Identity Card number (voter ID).
    Epic,
    /// Indian passport number.
    Passport,
    /// Indian Financial System Code (bank branch).
    Ifsc,
}

impl IdType {
    /// Every identifier type.
    pub const ALL: &'static [IdType] = &[
        IdType::Aadhaar,
        IdType::Vid,
        IdType::Pan,
        IdType::Gstin,
        IdType::Mobile,
        IdType::Email,
        IdType::Pincode,
        IdType::Epic,
        IdType::Passport,
        IdType::Ifsc,
    ];

    /// The stable lower-case name, as used in policies (`"aadhaar"`, `"pan"`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            IdType::Aadhaar => "aadhaar",
            IdType::Vid => "vid",
            IdType::Pan => "pan",
            IdType::Gstin => "gstin",
            IdType::Mobile => "mobile",
            IdType::Email => "email",
            IdType::Pincode => "pincode",
            IdType::Epic => "epic",
            IdType::Passport => "passport",
            IdType::Ifsc => "ifsc",
        }
    }

    /// The type with the given stable name ([`IdType::as_str`]; exact, lower case). The one
    /// parser of identifier-type names: every face (JSON `idValidate`/`idMask`, C
    /// `consentry_id_validate`/`_mask`) calls it, and an unknown name is [`UnknownIdType`]
    /// (`id_unknown_type`) in every face. Also `name.parse::<IdType>()`.
    pub fn from_name(name: &str) -> Result<IdType, UnknownIdType> {
        IdType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
            .ok_or(UnknownIdType)
    }

    /// Whether the type carries a checksum or check character (then [`detect`] reports it only
    /// when the check holds).
    pub const fn has_checksum(self) -> bool {
        matches!(self, IdType::Aadhaar | IdType::Gstin | IdType::Pan)
    }
}

impl core::str::FromStr for IdType {
    type Err = UnknownIdType;

    fn from_str(name: &str) -> Result<IdType, UnknownIdType> {
        IdType::from_name(name)
    }
}

/// A name that is not an identifier type ([`IdType::from_name`]). The message lists the known
/// names and never echoes the one given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a known identifier type (aadhaar, vid, pan, gstin, mobile, email, pincode, epic, passport, ifsc)")]
pub struct UnknownIdType;

impl HasCode for UnknownIdType {
    fn code(&self) -> Code {
        Code::IdUnknownType
    }
}

impl core::fmt::Display for IdType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a value is not a valid identifier. Never contains the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The value does not have the shape of the type.
    #[error("value is not a valid `{kind}`")]
    Invalid {
        /// The declared type.
        kind: IdType,
    },
    /// The value has the right shape but its check digit or character is wrong.
    #[error("value fails the `{kind}` check")]
    Checksum {
        /// The declared type.
        kind: IdType,
    },
    /// The PAN's fourth letter is not a known holder type.
    #[error("value has an unknown `pan` holder type")]
    PanHolderType,
}

impl HasCode for IdError {
    fn code(&self) -> Code {
        match self {
            IdError::Invalid { .. } => Code::IdInvalid,
            IdError::Checksum { .. } => Code::IdChecksum,
            IdError::PanHolderType => Code::IdPanHolderType,
        }
    }
}

impl IdError {
    /// The identifier type the error is about.
    pub fn kind(&self) -> IdType {
        match self {
            IdError::Invalid { kind } | IdError::Checksum { kind } => *kind,
            IdError::PanHolderType => IdType::Pan,
        }
    }
}
