//! The validated transforms and their parameters: what each policy field does, checked when the
//! policy is loaded.

use serde_json::{Map, Value};

use super::{FieldDoc, PolicyError};
use crate::ids::IdType;
use crate::pseudo::dates::Date;
use crate::pseudo::ValueType;
use crate::scope::Selector;

/// How `mask` hides a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MaskSpec {
    /// The identifier type's display mask ([`crate::ids::mask`]): Aadhaar `XXXX XXXX 1234`,
    /// mobile `XXXXXX1234`, ...
    Preset(IdType),
    /// `X`s then the last N characters.
    KeepLast(usize),
}

/// How `generalise` coarsens a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GeneraliseSpec {
    /// Date to its year.
    Year,
    /// Date of birth to an age band of `years` years at `reference`.
    AgeBand { years: u32, reference: Date },
    /// PIN code to its first `digits` digits.
    PinPrefix { digits: usize },
    /// Integer to a bucket of `width`.
    Bucket { width: u64 },
}

/// `shift` parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ShiftSpec {
    pub(crate) max_days: u32,
    pub(crate) subject: Selector,
    pub(crate) subject_name: String,
    pub(crate) subject_type: ValueType,
}

/// A validated transform with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TransformSpec {
    Pseudonym,
    Token,
    Ff1 { radix: u32, min_len: usize },
    Mask(MaskSpec),
    Generalise(GeneraliseSpec),
    Shift(ShiftSpec),
    Drop,
    Keep,
}

impl TransformSpec {
    pub(crate) fn id(&self) -> &'static str {
        match self {
            TransformSpec::Pseudonym => "pseudonym",
            TransformSpec::Token => "token",
            TransformSpec::Ff1 { .. } => "ff1",
            TransformSpec::Mask(_) => "mask",
            TransformSpec::Generalise(_) => "generalise",
            TransformSpec::Shift(_) => "shift",
            TransformSpec::Drop => "drop",
            TransformSpec::Keep => "keep",
        }
    }
}

/// The transform ids, as named in policies and artefacts.
pub const TRANSFORM_IDS: &[&str] = &[
    "pseudonym",
    "token",
    "ff1",
    "mask",
    "generalise",
    "shift",
    "drop",
    "keep",
];

/// Reads parameters and remembers which were read, to report the rest as unknown.
struct Params<'a> {
    field: &'a str,
    map: &'a Map<String, Value>,
    used: Vec<&'static str>,
}

impl<'a> Params<'a> {
    fn new(field: &'a str, map: &'a Map<String, Value>) -> Self {
        Params {
            field,
            map,
            used: Vec::new(),
        }
    }

    fn invalid(&self, param: &'static str) -> PolicyError {
        PolicyError::InvalidParam {
            field: self.field.to_owned(),
            param,
        }
    }

    fn missing(&self, param: &'static str) -> PolicyError {
        PolicyError::MissingParam {
            field: self.field.to_owned(),
            param,
        }
    }

    fn raw(&mut self, name: &'static str) -> Option<&'a Value> {
        self.used.push(name);
        self.map.get(name)
    }

    fn uint(&mut self, name: &'static str, min: u64, max: u64) -> Result<Option<u64>, PolicyError> {
        match self.raw(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|n| (min..=max).contains(n))
                .map(Some)
                .ok_or_else(|| self.invalid(name)),
        }
    }

    fn string(&mut self, name: &'static str) -> Result<Option<&'a str>, PolicyError> {
        match self.raw(name) {
            None => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or_else(|| self.invalid(name)),
        }
    }

    fn finish(self) -> Result<(), PolicyError> {
        match self.map.keys().find(|k| !self.used.contains(&k.as_str())) {
            Some(k) => Err(PolicyError::UnknownParam {
                field: self.field.to_owned(),
                param: k.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// The fixed canonical length of FF1 input for a type, with the radixes allowed.
fn ff1_shape(ty: ValueType) -> Option<(Option<usize>, &'static [u32])> {
    Some(match ty {
        // Aadhaar: 11 digits are encrypted, the 12th is a failing check digit.
        ValueType::Aadhaar => (Some(11), &[10]),
        ValueType::Mobile => (Some(10), &[10]),
        ValueType::Vid => (Some(16), &[10, 36]),
        ValueType::Pincode => (Some(6), &[10, 36]),
        ValueType::Digits => (None, &[10, 36]),
        ValueType::Pan | ValueType::Epic => (Some(10), &[36]),
        ValueType::Gstin => (Some(15), &[36]),
        ValueType::Passport => (Some(8), &[36]),
        ValueType::Ifsc => (Some(11), &[36]),
        ValueType::Alnum => (None, &[36]),
        _ => return None,
    })
}

/// Whether radix^len >= 10^6 (NIST SP 800-38G Rev. 1).
pub(crate) fn ff1_space_ok(radix: u32, len: usize) -> bool {
    let mut space: u64 = 1;
    for _ in 0..len {
        space = space.saturating_mul(u64::from(radix));
        if space >= 1_000_000 {
            return true;
        }
    }
    false
}

pub(super) fn parse_transform(
    name: &str,
    sel: &Selector,
    ty: ValueType,
    f: &FieldDoc,
    all: &[(String, Selector, &FieldDoc)],
) -> Result<TransformSpec, PolicyError> {
    let mut p = Params::new(name, &f.params);
    let unsupported = |transform: &'static str| PolicyError::UnsupportedTransform {
        field: name.to_owned(),
        transform,
        value_type: ty,
    };
    let spec = match f.transform.as_str() {
        "pseudonym" => TransformSpec::Pseudonym,
        "token" => TransformSpec::Token,
        "drop" => TransformSpec::Drop,
        "keep" => TransformSpec::Keep,
        "ff1" => {
            let (fixed_len, radixes) = ff1_shape(ty).ok_or_else(|| unsupported("ff1"))?;
            let default_radix = radixes.first().copied().unwrap_or(10);
            let radix = match p.uint("radix", 0, u64::from(u32::MAX))? {
                None => default_radix,
                Some(r) => {
                    let r = u32::try_from(r).map_err(|_| p.invalid("radix"))?;
                    if !radixes.contains(&r) {
                        return Err(p.invalid("radix"));
                    }
                    r
                }
            };
            let min_len = match fixed_len {
                Some(n) => n,
                None => {
                    let n = p
                        .uint("min_len", 1, 4096)?
                        .ok_or_else(|| p.missing("min_len"))?;
                    usize::try_from(n).map_err(|_| p.invalid("min_len"))?
                }
            };
            if !ff1_space_ok(radix, min_len) {
                return Err(PolicyError::Ff1DomainTooSmall {
                    field: name.to_owned(),
                });
            }
            TransformSpec::Ff1 { radix, min_len }
        }
        "mask" => {
            if !ty.is_string() {
                return Err(PolicyError::MaskNonString {
                    field: name.to_owned(),
                });
            }
            let preset = p.string("preset")?;
            let keep = p.uint("keep_last", 0, 64)?;
            let spec = match (preset, keep, ty.id_type()) {
                (Some(_), Some(_), _) => return Err(p.invalid("keep_last")),
                // No parameter: the identifier type's display mask (issue 15).
                (None, None, Some(id)) => MaskSpec::Preset(id),
                (None, None, None) => return Err(p.missing("keep_last")),
                // `preset` names the field's own identifier type (`aadhaar`, `mobile`, ...).
                (Some(name), None, Some(id)) if name == ty.as_str() => MaskSpec::Preset(id),
                (Some(_), None, _) => return Err(p.invalid("preset")),
                (None, Some(n), _) => {
                    // UIDAI: a masked Aadhaar (or VID) shows at most its last four digits.
                    if matches!(ty, ValueType::Aadhaar | ValueType::Vid) && n > 4 {
                        return Err(p.invalid("keep_last"));
                    }
                    MaskSpec::KeepLast(usize::try_from(n).map_err(|_| p.invalid("keep_last"))?)
                }
            };
            TransformSpec::Mask(spec)
        }
        "generalise" => TransformSpec::Generalise(match ty {
            ValueType::Date => match p.string("to")?.ok_or_else(|| p.missing("to"))? {
                "year" => GeneraliseSpec::Year,
                "age_band" => {
                    let years = p.uint("years", 1, 200)?.ok_or_else(|| p.missing("years"))?;
                    let reference = p
                        .string("reference")?
                        .ok_or_else(|| p.missing("reference"))?;
                    let reference = Date::parse(reference).ok_or_else(|| p.invalid("reference"))?;
                    GeneraliseSpec::AgeBand {
                        years: u32::try_from(years).map_err(|_| p.invalid("years"))?,
                        reference,
                    }
                }
                _ => return Err(p.invalid("to")),
            },
            ValueType::Pincode => {
                let d = p.uint("digits", 1, 5)?.ok_or_else(|| p.missing("digits"))?;
                GeneraliseSpec::PinPrefix {
                    digits: usize::try_from(d).map_err(|_| p.invalid("digits"))?,
                }
            }
            ValueType::Number => {
                let w = p
                    .uint("bucket", 1, 1_000_000_000_000)?
                    .ok_or_else(|| p.missing("bucket"))?;
                GeneraliseSpec::Bucket { width: w }
            }
            _ => return Err(unsupported("generalise")),
        }),
        "shift" => {
            if ty != ValueType::Date {
                return Err(unsupported("shift"));
            }
            let max_days = p
                .uint("max_days", 1, 36_500)?
                .ok_or_else(|| p.missing("max_days"))?;
            let subject_name = p.string("subject")?.ok_or_else(|| p.missing("subject"))?;
            let subject = Selector::parse_policy_key(subject_name)
                .filter(|s| s.wildcards() <= sel.wildcards() && s != sel)
                .ok_or_else(|| p.invalid("subject"))?;
            // The subject is canonicalised by its own declared type when the policy lists it.
            let subject_type = all
                .iter()
                .find(|(_, s, _)| *s == subject)
                .and_then(|(_, _, d)| d.ty.as_deref().and_then(ValueType::from_name))
                .unwrap_or(ValueType::Text);
            TransformSpec::Shift(ShiftSpec {
                max_days: u32::try_from(max_days).map_err(|_| p.invalid("max_days"))?,
                subject,
                subject_name: subject_name.to_owned(),
                subject_type,
            })
        }
        _ => {
            return Err(PolicyError::UnknownTransform {
                field: name.to_owned(),
            })
        }
    };
    p.finish()?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn policy_keys_use_the_one_selector_language() {
        let k = |t: &str| Selector::parse_policy_key(t);
        assert_eq!(k("/a/*/b~1c~0").unwrap().to_string(), "/a/*/b~1c~0");
        assert_eq!(k("date/time").unwrap().to_string(), "/date~1time");
        for bad in ["", "/", "/a//b", "/a/~2", "/a~"] {
            assert!(k(bad).is_none(), "{bad}");
        }
        let overlaps = |a: &str, b: &str| k(a).unwrap().intersect(&k(b).unwrap()).is_some();
        assert!(overlaps("/m/*/x", "/m/0/x"));
        assert!(overlaps("/m/*/x", "/m"));
        assert!(!overlaps("/m/*/x", "/m/*/y"));
        assert!(overlaps("aadhaar", "/aadhaar"));
    }

    #[test]
    fn ff1_space() {
        assert!(ff1_space_ok(10, 6));
        assert!(!ff1_space_ok(10, 5));
        assert!(ff1_space_ok(36, 4));
        assert!(!ff1_space_ok(36, 3));
    }
}
