//! Pseudonymisation policies: the JSON document, its validation, and the typed form.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::types::ValueType;
use crate::scope::Selector;

mod error;
mod transform;

pub use error::PolicyError;
use transform::parse_transform;
pub use transform::TRANSFORM_IDS;
pub(crate) use transform::{GeneraliseSpec, MaskSpec, ShiftSpec, TransformSpec};

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

/// One policy field as written. `type` may be left out only for `drop` and `keep`, which do not
/// read the value.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "FieldDocRaw")]
struct FieldDoc {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    ty: Option<String>,
    transform: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    params: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldDocRaw {
    #[serde(rename = "type", default)]
    ty: Option<String>,
    transform: String,
    #[serde(default)]
    params: Map<String, Value>,
}

/// The transforms that do not read the value, so need no `type`.
const TYPELESS: &[&str] = &["drop", "keep"];

impl TryFrom<FieldDocRaw> for FieldDoc {
    type Error = &'static str;
    fn try_from(raw: FieldDocRaw) -> Result<Self, Self::Error> {
        // The same words serde uses, so the message (and `policy_malformed`) is unchanged for
        // transforms that need a type.
        if raw.ty.is_none() && !TYPELESS.contains(&raw.transform.as_str()) {
            return Err("missing field `type`");
        }
        Ok(FieldDoc {
            ty: raw.ty,
            transform: raw.transform,
            params: raw.params,
        })
    }
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
    /// `"shift"`, `"drop"`, `"keep"`).
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
            let sel =
                Selector::parse_policy_key(name).ok_or_else(|| PolicyError::InvalidSelector {
                    field: name.clone(),
                })?;
            parsed.push((name.clone(), sel, f));
        }
        for (i, (a, sa, _)) in parsed.iter().enumerate() {
            for (b, sb, _) in parsed.iter().skip(i + 1) {
                // Overlap: some location both name, or one names an ancestor of the other's.
                if sa.intersect(sb).is_some() {
                    return Err(PolicyError::OverlappingFields {
                        field: a.clone(),
                        other: b.clone(),
                    });
                }
            }
        }
        let mut fields = Vec::with_capacity(parsed.len());
        for (name, sel, f) in &parsed {
            // `drop` and `keep` may leave `type` out (they do not read the value): `text`.
            let value_type = match &f.ty {
                None => ValueType::Text,
                Some(ty) => ValueType::from_name(ty).ok_or_else(|| PolicyError::UnknownType {
                    field: name.clone(),
                })?,
            };
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
