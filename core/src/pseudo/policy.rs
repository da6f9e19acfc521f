//! Pseudonymisation policies: the JSON document, its validation, and the typed form.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::dates::Date;
use super::types::ValueType;
use crate::error::{Code, HasCode};

/// What happens to values that no policy field names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unlisted {
    /// Unlisted values pass through unchanged.
    Keep,
    /// Unlisted values are removed.
    Drop,
}

/// The policy document as written (JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDoc {
    domain: String,
    #[serde(deserialize_with = "unique_map")]
    fields: BTreeMap<String, FieldDoc>,
    unlisted: Unlisted,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldDoc {
    #[serde(rename = "type")]
    ty: String,
    transform: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    params: Map<String, Value>,
}

/// Deserialises the `fields` map, refusing a selector written twice (serde_json would silently
/// keep the last one).
fn unique_map<'de, D>(d: D) -> Result<BTreeMap<String, FieldDoc>, D::Error>
where
    D: Deserializer<'de>,
{
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, FieldDoc>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of field selectors")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, FieldDoc>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate field `{k}`"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

/// Why a policy was refused. Messages name the field (the policy key) and never contain data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON, or not the policy schema (unknown or missing key, wrong JSON type).
    #[error("policy is malformed at line {line}, column {column}: {detail}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, without values.
        detail: String,
    },
    /// `domain` is empty.
    #[error("policy `domain` is empty")]
    EmptyDomain,
    /// Unknown transform id.
    #[error("field `{field}` names an unknown transform")]
    UnknownTransform {
        /// The policy key.
        field: String,
    },
    /// Unknown value type.
    #[error("field `{field}` names an unknown type")]
    UnknownType {
        /// The policy key.
        field: String,
    },
    /// A required parameter is missing.
    #[error("field `{field}` is missing parameter `{param}`")]
    MissingParam {
        /// The policy key.
        field: String,
        /// The parameter.
        param: &'static str,
    },
    /// A parameter the transform does not take.
    #[error("field `{field}` has unknown parameter `{param}`")]
    UnknownParam {
        /// The policy key.
        field: String,
        /// The parameter as written.
        param: String,
    },
    /// A parameter with a wrong JSON type or value, or conflicting parameters.
    #[error("field `{field}` has an invalid value for parameter `{param}`")]
    InvalidParam {
        /// The policy key.
        field: String,
        /// The parameter.
        param: &'static str,
    },
    /// FF1 message space radix^length below 10^6.
    #[error("field `{field}` has an ff1 message space below 10^6")]
    Ff1DomainTooSmall {
        /// The policy key.
        field: String,
    },
    /// `mask` on a date or number.
    #[error("field `{field}` puts `mask` on a non-string type")]
    MaskNonString {
        /// The policy key.
        field: String,
    },
    /// The transform does not apply to the type.
    #[error("field `{field}`: transform `{transform}` does not apply to type `{value_type}`")]
    UnsupportedTransform {
        /// The policy key.
        field: String,
        /// The transform id.
        transform: &'static str,
        /// The declared type.
        value_type: ValueType,
    },
    /// The selector is not well formed.
    #[error("field `{field}` is not a valid selector")]
    InvalidSelector {
        /// The policy key.
        field: String,
    },
    /// Two entries can select the same value (or one contains the other).
    #[error("fields `{field}` and `{other}` overlap")]
    OverlappingFields {
        /// One policy key.
        field: String,
        /// The other policy key.
        other: String,
    },
}

impl HasCode for PolicyError {
    fn code(&self) -> Code {
        match self {
            PolicyError::Malformed { .. } => Code::PolicyMalformed,
            PolicyError::EmptyDomain => Code::PolicyEmptyDomain,
            PolicyError::UnknownTransform { .. } => Code::PolicyUnknownTransform,
            PolicyError::UnknownType { .. } => Code::PolicyUnknownType,
            PolicyError::MissingParam { .. } => Code::PolicyMissingParam,
            PolicyError::UnknownParam { .. } => Code::PolicyUnknownParam,
            PolicyError::InvalidParam { .. } => Code::PolicyInvalidParam,
            PolicyError::Ff1DomainTooSmall { .. } => Code::PolicyFf1DomainTooSmall,
            PolicyError::MaskNonString { .. } => Code::PolicyMaskNonString,
            PolicyError::UnsupportedTransform { .. } => Code::PolicyUnsupportedTransform,
            PolicyError::InvalidSelector { .. } => Code::PolicyInvalidSelector,
            PolicyError::OverlappingFields { .. } => Code::PolicyOverlappingFields,
        }
    }
}

impl PolicyError {
    /// The policy key the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            PolicyError::Malformed { .. } | PolicyError::EmptyDomain => None,
            PolicyError::UnknownTransform { field }
            | PolicyError::UnknownType { field }
            | PolicyError::MissingParam { field, .. }
            | PolicyError::UnknownParam { field, .. }
            | PolicyError::InvalidParam { field, .. }
            | PolicyError::Ff1DomainTooSmall { field }
            | PolicyError::MaskNonString { field }
            | PolicyError::UnsupportedTransform { field, .. }
            | PolicyError::InvalidSelector { field }
            | PolicyError::OverlappingFields { field, .. } => Some(field),
        }
    }
}

/// One step of a selector.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// An object key or array index, unescaped.
    Lit(String),
    /// `*`: any array index or object key.
    Any,
}

/// A parsed field selector: `/a/b`, `/members/*/aadhaar`, or a bare CSV column name (one
/// literal step).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Selector {
    pub(crate) segs: Vec<Seg>,
}

impl Selector {
    /// Parses a policy key. Keys starting with `/` are JSON-pointer-like (`~0` is `~`, `~1` is
    /// `/`, an unescaped `*` step is a wildcard); any other non-empty key is one literal step.
    pub(crate) fn parse(key: &str) -> Option<Selector> {
        let Some(rest) = key.strip_prefix('/') else {
            if key.is_empty() {
                return None;
            }
            return Some(Selector {
                segs: vec![Seg::Lit(key.to_owned())],
            });
        };
        let mut segs = Vec::new();
        for raw in rest.split('/') {
            if raw.is_empty() {
                return None;
            }
            if raw == "*" {
                segs.push(Seg::Any);
                continue;
            }
            let mut s = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => s.push('~'),
                        Some('1') => s.push('/'),
                        _ => return None,
                    }
                } else {
                    s.push(c);
                }
            }
            segs.push(Seg::Lit(s));
        }
        Some(Selector { segs })
    }

    /// Whether some concrete path could be selected by both (or one selects an ancestor of
    /// what the other selects).
    fn overlaps(&self, other: &Selector) -> bool {
        self.segs
            .iter()
            .zip(&other.segs)
            .all(|(a, b)| match (a, b) {
                (Seg::Lit(x), Seg::Lit(y)) => x == y,
                _ => true,
            })
    }

    pub(crate) fn wildcards(&self) -> usize {
        self.segs.iter().filter(|s| matches!(s, Seg::Any)).count()
    }
}

/// How `mask` hides a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MaskSpec {
    /// `XXXX XXXX 1234`.
    Aadhaar,
    /// `XXXXXX1234`.
    Mobile,
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
];

/// One validated policy entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRule {
    pub(crate) name: String,
    pub(crate) selector: Selector,
    pub(crate) value_type: ValueType,
    pub(crate) transform: TransformSpec,
}

impl FieldRule {
    /// The policy key (selector or CSV column name) as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The declared value type.
    pub fn value_type(&self) -> ValueType {
        self.value_type
    }

    /// The transform id (`"pseudonym"`, `"token"`, `"ff1"`, `"mask"`, `"generalise"`,
    /// `"shift"`, `"drop"`).
    pub fn transform_id(&self) -> &'static str {
        self.transform.id()
    }

    /// Whether the transform can be reversed with the key (`token`, `ff1`).
    pub fn is_reversible(&self) -> bool {
        matches!(
            self.transform,
            TransformSpec::Token | TransformSpec::Ff1 { .. }
        )
    }
}

/// A validated pseudonymisation policy.
///
/// ```
/// use consentry::pseudo::Policy;
/// let p = Policy::from_json(r#"{
///   "domain": "tn.health/research",
///   "fields": {
///     "/patient/aadhaar": { "type": "aadhaar", "transform": "pseudonym" },
///     "/patient/dob": { "type": "date", "transform": "generalise", "params": { "to": "year" } },
///     "/visits/*/mobile": { "type": "mobile", "transform": "mask", "params": { "preset": "mobile" } }
///   },
///   "unlisted": "drop"
/// }"#).unwrap();
/// assert_eq!(p.domain(), "tn.health/research");
/// assert_eq!(p.fields().len(), 3);
///
/// let err = Policy::from_json(r#"{"domain":"d","fields":{"x":{"type":"date","transform":"mask",
///   "params":{"keep_last":2}}},"unlisted":"keep"}"#).unwrap_err();
/// assert_eq!(err.to_string(), "field `x` puts `mask` on a non-string type");
/// ```
#[derive(Clone, Debug)]
pub struct Policy {
    doc: PolicyDoc,
    fields: Vec<FieldRule>,
}

impl Policy {
    /// Parses and validates a policy document.
    pub fn from_json(json: &str) -> Result<Policy, PolicyError> {
        let doc: PolicyDoc = crate::json::from_str(json).map_err(malformed)?;
        Policy::from_doc(doc)
    }

    /// The policy as compact JSON (keys sorted), which [`Policy::from_json`] accepts.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.doc).unwrap_or_default()
    }

    /// The domain: who may link the pseudonymised values.
    pub fn domain(&self) -> &str {
        &self.doc.domain
    }

    /// What happens to values no field names.
    pub fn unlisted(&self) -> Unlisted {
        self.doc.unlisted
    }

    /// The field rules, sorted by policy key.
    pub fn fields(&self) -> &[FieldRule] {
        &self.fields
    }

    /// The rule for a policy key, as written.
    pub fn field(&self, name: &str) -> Option<&FieldRule> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn from_doc(doc: PolicyDoc) -> Result<Policy, PolicyError> {
        if doc.domain.is_empty() {
            return Err(PolicyError::EmptyDomain);
        }
        let mut parsed: Vec<(String, Selector, &FieldDoc)> = Vec::new();
        for (name, f) in &doc.fields {
            let sel = Selector::parse(name).ok_or_else(|| PolicyError::InvalidSelector {
                field: name.clone(),
            })?;
            parsed.push((name.clone(), sel, f));
        }
        for (i, (a, sa, _)) in parsed.iter().enumerate() {
            for (b, sb, _) in parsed.iter().skip(i + 1) {
                if sa.overlaps(sb) {
                    return Err(PolicyError::OverlappingFields {
                        field: a.clone(),
                        other: b.clone(),
                    });
                }
            }
        }
        let mut fields = Vec::with_capacity(parsed.len());
        for (name, sel, f) in &parsed {
            let value_type =
                ValueType::from_name(&f.ty).ok_or_else(|| PolicyError::UnknownType {
                    field: name.clone(),
                })?;
            let transform = parse_transform(name, sel, value_type, f, &parsed)?;
            fields.push(FieldRule {
                name: name.clone(),
                selector: sel.clone(),
                value_type,
                transform,
            });
        }
        Ok(Policy { doc, fields })
    }
}

fn malformed(e: crate::json::JsonError) -> PolicyError {
    // Names members and positions, never values (see `crate::json`).
    PolicyError::Malformed {
        line: e.line,
        column: e.column,
        detail: e.detail().to_owned(),
    }
}

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

fn parse_transform(
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
            let spec = match (preset, keep) {
                (Some(_), Some(_)) => return Err(p.invalid("keep_last")),
                (None, None) => return Err(p.missing("keep_last")),
                (Some("aadhaar"), None) if ty == ValueType::Aadhaar => MaskSpec::Aadhaar,
                (Some("mobile"), None) if ty == ValueType::Mobile => MaskSpec::Mobile,
                (Some(_), None) => return Err(p.invalid("preset")),
                (None, Some(n)) => {
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
            let subject = Selector::parse(subject_name)
                .filter(|s| s.wildcards() <= sel.wildcards() && s != sel)
                .ok_or_else(|| p.invalid("subject"))?;
            // The subject is canonicalised by its own declared type when the policy lists it.
            let subject_type = all
                .iter()
                .find(|(_, s, _)| *s == subject)
                .and_then(|(_, _, d)| ValueType::from_name(&d.ty))
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
    fn selectors() {
        assert_eq!(
            Selector::parse("/a/*/b~1c~0").unwrap().segs,
            vec![Seg::Lit("a".into()), Seg::Any, Seg::Lit("b/c~".into())]
        );
        assert_eq!(
            Selector::parse("date/time").unwrap().segs,
            vec![Seg::Lit("date/time".into())]
        );
        for bad in ["", "/", "/a//b", "/a/~2", "/a~"] {
            assert!(Selector::parse(bad).is_none(), "{bad}");
        }
        let a = Selector::parse("/m/*/x").unwrap();
        assert!(a.overlaps(&Selector::parse("/m/0/x").unwrap()));
        assert!(a.overlaps(&Selector::parse("/m").unwrap()));
        assert!(!a.overlaps(&Selector::parse("/m/*/y").unwrap()));
        assert!(Selector::parse("aadhaar")
            .unwrap()
            .overlaps(&Selector::parse("/aadhaar").unwrap()));
    }

    #[test]
    fn ff1_space() {
        assert!(ff1_space_ok(10, 6));
        assert!(!ff1_space_ok(10, 5));
        assert!(ff1_space_ok(36, 4));
        assert!(!ff1_space_ok(36, 3));
    }
}
