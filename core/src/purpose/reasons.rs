//! Why a request was denied: the stable reason codes and their messages.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! reason_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $num:literal => $name:literal, )*) => {
        /// Why a request was denied. The declaration order is the order of the checks and of the
        /// reasons in a denial (and the order of [`Ord`]); numbers and strings are stable and
        /// never reused, so a reason added later has a higher number but keeps its place.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum ReasonCode { $( $(#[doc = $doc])* $variant = $num, )* }

        impl ReasonCode {
            /// Every reason code, in check order.
            pub const ALL: &'static [ReasonCode] = &[ $(ReasonCode::$variant,)* ];

            /// The stable string form, e.g. `"purpose_not_granted"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ReasonCode::$variant => $name,)* }
            }

            /// The stable number (its own space, starting at 1; not a [`crate::Code`]).
            pub const fn as_u32(self) -> u32 {
                self as u32
            }

            /// The reason code with this string form.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == s)
            }

            /// The place of the check in the order of checks (0 first).
            pub fn rank(self) -> usize {
                Self::ALL.iter().position(|c| *c == self).unwrap_or(usize::MAX)
            }
        }

        impl PartialOrd for ReasonCode {
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// Check order (the declaration order), not numeric order.
        impl Ord for ReasonCode {
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                self.rank().cmp(&other.rank())
            }
        }
    };
}

reason_codes! {
    /// the request itself is malformed (leeway over 300 s, empty recipient, purpose or fields, over
    /// the size caps) or its fields cannot be computed within the step budget
    UndecidableRequest = 1 => "undecidable_request",
    /// now is before `nbf` minus leeway
    NotYetValid = 2 => "not_yet_valid",
    /// now is at or after `exp` plus leeway
    Expired = 3 => "expired",
    /// `iat` is after now plus leeway (an artefact `verify` rejects as issued in the future)
    IssuedInFuture = 19 => "issued_in_future",
    /// the recipient is not in `aud`
    AudienceMismatch = 4 => "audience_mismatch",
    /// the artefact was revoked (withdrawn)
    Revoked = 5 => "revoked",
    /// the artefact is suspended (paused)
    Suspended = 6 => "suspended",
    /// the artefact has a status claim but its status is unknown and the request does not accept
    /// that, or its index lies past the end of its issuer's list (denied even when accepted)
    StatusUnknown = 7 => "status_unknown",
    /// the basis is neither `consent` nor a legitimate use in the taxonomy
    BasisInvalid = 8 => "basis_invalid",
    /// a child's consent without a parent or guardian grantor with evidence
    ChildConsentUnverified = 9 => "child_consent_unverified",
    /// the requested purpose is not in the taxonomy
    PurposeUnknown = 10 => "purpose_unknown",
    /// the requested purpose is prohibited for children and the artefact is a child's
    ChildProhibited = 11 => "child_prohibited",
    /// no grant's purpose equals or is an ancestor of the requested purpose
    PurposeNotGranted = 12 => "purpose_not_granted",
    /// nothing covers the request and some grants name purposes the taxonomy does not know
    GrantPurposeUnknown = 13 => "grant_purpose_unknown",
    /// a covering grant holds a selector that does not parse, or conflicting transforms
    GrantInvalid = 14 => "grant_invalid",
    /// the grant's mode does not allow the operation
    ModeNotGranted = 15 => "mode_not_granted",
    /// no requested field intersects the grant's fields
    FieldsNotGranted = 16 => "fields_not_granted",
    /// the grant has a usage budget but the request gives no use count
    FrequencyUnchecked = 17 => "frequency_unchecked",
    /// the usage budget is spent
    FrequencyExceeded = 18 => "frequency_exceeded",
}

impl core::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ReasonCode::from_name(&s).ok_or_else(|| D::Error::custom("unknown reason code"))
    }
}

/// One failed check: a stable code and a lower-case message (names claims, purpose codes and
/// selectors; never personal values).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// Explanation for people.
    pub message: String,
}
