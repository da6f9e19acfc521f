//! The artefact's status as a decision reads it ([`StatusInput`]).

use serde::{Deserialize, Serialize};

/// The artefact's current status, as the caller found it (for example in a Token Status List).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum StatusInput {
    /// Active (status list value 0, VALID).
    Valid,
    /// Withdrawn for good (status list value 1, INVALID).
    Revoked,
    /// Paused (status list value 2, SUSPENDED).
    Suspended,
    /// Not checked, or not available (no list, a stale list, an application-specific value).
    Unknown,
    /// The artefact's status index lies past the end of its own issuer's list: malformed
    /// evidence. Always denied (`status_unknown`), even when the request accepts an unknown
    /// status.
    Malformed,
}

impl StatusInput {
    /// The status for a Token Status List value: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED,
    /// anything else (application-specific or reserved) unknown.
    ///
    /// ```
    /// use consentry::purpose::StatusInput;
    /// assert_eq!(StatusInput::from_status_value(1), StatusInput::Revoked);
    /// assert_eq!(StatusInput::from_status_value(3), StatusInput::Unknown);
    /// ```
    pub const fn from_status_value(value: u8) -> Self {
        match value {
            0 => StatusInput::Valid,
            1 => StatusInput::Revoked,
            2 => StatusInput::Suspended,
            _ => StatusInput::Unknown,
        }
    }
}
