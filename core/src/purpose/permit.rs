//! The answer to a request: a [`Decision`], and the [`Permit`] that filters records.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::reasons::Reason;
use super::retention::Retention;
use crate::scope::{filter_record, FilterError, Selector, TransformHook};

/// What a permit allows.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Permit {
    /// The granted fields: intersections of requested and consented selectors, minimal (none
    /// covers another), sorted segment by segment (keys in byte order, a key before `*`).
    pub fields: Vec<Selector>,
    /// Selector ⇒ transform every value there must go through before it leaves.
    pub transforms: BTreeMap<Selector, String>,
    /// When the recipient must have erased the data: `min(now + data_life, exp)`.
    pub erase_by: i64,
}

impl Permit {
    /// A permit from its parts (for example one received as JSON from another face).
    pub fn new(
        fields: Vec<Selector>,
        transforms: BTreeMap<Selector, String>,
        erase_by: i64,
    ) -> Self {
        Permit {
            fields,
            transforms,
            erase_by,
        }
    }

    /// Applies the permit to a record: only granted fields remain, each passed through its
    /// required transform by `hook` (see [`filter_record`]).
    pub fn filter(
        &self,
        record: &serde_json::Value,
        hook: &dyn TransformHook,
    ) -> Result<serde_json::Value, FilterError> {
        filter_record(record, &self.fields, &self.transforms, hook)
    }

    /// Whether the permit may still be applied at `now`: refuses it from its `eraseBy` on
    /// (`permit_expired`). A permit is not signed: whoever holds the file can edit it, so apply
    /// only permits your own `decide` produced, or decide again from the artefact.
    pub fn check_current(&self, now: i64) -> Result<(), crate::VerifyError> {
        if now >= self.erase_by {
            return Err(crate::VerifyError::PermitExpired {
                erase_by: self.erase_by,
                now,
            });
        }
        Ok(())
    }

    /// Retention deadlines for a use at `used_at` under this permit.
    pub fn retention(&self, used_at: i64) -> Retention {
        Retention::from_erase_by(self.erase_by, used_at)
    }
}

/// The answer to a [`Request`](super::Request).
///
/// JSON: `{"allowed":true,"fields":[..],"transforms":{..},"eraseBy":N}` or
/// `{"allowed":false,"reasons":[{"code":..,"message":..}]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The use is allowed, within the permit.
    Permit(Permit),
    /// The use is not allowed.
    Deny {
        /// Every failed check, in [`ReasonCode`](super::ReasonCode) order (at least one).
        reasons: Vec<Reason>,
    },
}

impl Decision {
    /// Whether the use is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Permit(_))
    }

    /// The permit, if allowed.
    pub fn permit(&self) -> Option<&Permit> {
        match self {
            Decision::Permit(p) => Some(p),
            Decision::Deny { .. } => None,
        }
    }

    /// The reasons of a denial (empty for a permit).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Decision::Permit(_) => &[],
            Decision::Deny { reasons } => reasons,
        }
    }

    /// The JSON form (compact, members in the documented order).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Decision::Permit(p) => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("allowed", &true)?;
                m.serialize_entry("fields", &p.fields)?;
                m.serialize_entry("transforms", &p.transforms)?;
                m.serialize_entry("eraseBy", &p.erase_by)?;
                m.end()
            }
            Decision::Deny { reasons } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("allowed", &false)?;
                m.serialize_entry("reasons", reasons)?;
                m.end()
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DecisionJson {
    allowed: bool,
    fields: Option<Vec<Selector>>,
    transforms: Option<BTreeMap<Selector, String>>,
    erase_by: Option<i64>,
    reasons: Option<Vec<Reason>>,
}

impl<'de> Deserialize<'de> for Decision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = DecisionJson::deserialize(d)?;
        match j {
            DecisionJson {
                allowed: true,
                fields: Some(fields),
                transforms: Some(transforms),
                erase_by: Some(erase_by),
                reasons: None,
            } if !fields.is_empty() => Ok(Decision::Permit(Permit {
                fields,
                transforms,
                erase_by,
            })),
            DecisionJson {
                allowed: false,
                fields: None,
                transforms: None,
                erase_by: None,
                reasons: Some(reasons),
            } if !reasons.is_empty() => Ok(Decision::Deny { reasons }),
            _ => Err(D::Error::custom(
                "a permit needs non-empty `fields`, `transforms` and `eraseBy`; a denial needs non-empty `reasons`",
            )),
        }
    }
}
