//! Retention deadlines: erase-by, the pre-erasure notice, and how long to keep the use log.

use serde::{Deserialize, Serialize};

use crate::verify::VerifiedArtefact;

/// How long before erasure the data principal must be told (48 hours: DPDP Rules 2025, rule 8).
pub const ERASURE_NOTICE_LEAD: i64 = 48 * 3600;

/// How long the log of a use is kept after the use: 366 days, so that it is at least one
/// calendar year (DPDP Rules 2025 require logs to be kept for at least one year) even across a
/// leap day.
pub const LOG_RETENTION: i64 = 366 * 86_400;

/// Retention deadlines for one use (seconds since the epoch).
///
/// JSON: `{"eraseBy":N,"erasureNoticeAt":N,"logRetainUntil":N}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Retention {
    /// The data must be erased by this time.
    pub erase_by: i64,
    /// Tell the data principal about the coming erasure at this time: 48 hours before
    /// `erase_by`, but not before the use itself.
    pub erasure_notice_at: i64,
    /// Keep the log of the use at least until this time (the use plus [`LOG_RETENTION`]).
    pub log_retain_until: i64,
}

impl Retention {
    /// The deadlines for a use at `used_at` of data that must be erased by `erase_by`.
    ///
    /// ```
    /// use consentry::purpose::Retention;
    /// let r = Retention::from_erase_by(1_000_000, 500_000);
    /// assert_eq!(r.erasure_notice_at, 1_000_000 - 172_800);
    /// assert_eq!(r.log_retain_until, 500_000 + 366 * 86_400);
    /// // data life shorter than the notice lead: the notice is due at the use
    /// assert_eq!(Retention::from_erase_by(600_000, 500_000).erasure_notice_at, 500_000);
    /// ```
    pub fn from_erase_by(erase_by: i64, used_at: i64) -> Self {
        Retention {
            erase_by,
            erasure_notice_at: erase_by.saturating_sub(ERASURE_NOTICE_LEAD).max(used_at),
            log_retain_until: used_at.saturating_add(LOG_RETENTION),
        }
    }
}

/// Retention deadlines for data received at `used_at` under `verified`, when the grant it was
/// received under is not known: erase-by is the **earliest** of `min(used_at + data_life, exp)`
/// over the artefact's grants (a grant without `data_life` gives `exp`), the conservative
/// answer. For the deadline of one permitted use, prefer [`Permit::retention`].
///
/// [`Permit::retention`]: super::Permit::retention
pub fn retention(verified: &VerifiedArtefact, used_at: i64) -> Retention {
    let c = &verified.claims;
    let erase_by = c
        .consent
        .purposes
        .iter()
        .map(|g| match g.data_life {
            Some(d) => used_at
                .saturating_add(i64::try_from(d).unwrap_or(i64::MAX))
                .min(c.exp),
            None => c.exp,
        })
        .min()
        .unwrap_or(c.exp);
    Retention::from_erase_by(erase_by, used_at)
}
