//! Strict JSON for AA headers, payloads and key documents: a duplicate member anywhere is
//! refused (`serde_json::Value` would keep the last one silently, so two readers of the same
//! signed bytes could see different consents), plus the lenient member lookup the import needs
//! (ASCII case drift, integral numbers written `4.0`).

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::AaError;

/// A JSON value parsed with duplicate members refused (at every level).
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

/// A member name as it may appear in a message: short identifiers only, never a value.
pub(crate) fn shown(name: &str) -> &str {
    let plain = !name.is_empty()
        && name.len() <= 32
        && name
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-');
    if plain {
        name
    } else {
        "…"
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a json value")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!(
                    "member `{}` appears twice",
                    shown(&key)
                )));
            }
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Checks that `bytes` are one strict JSON value (as [`parse`] would accept) without building
/// it: keys are borrowed where the text has no escapes, values are skipped. The verifier runs
/// this on every payload; the value itself is built only when asked for.
pub(crate) fn check(bytes: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<Checked>(bytes).map(|_| ())
}

/// A JSON value that was checked for duplicate members and dropped.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckVisitor)
    }
}

/// An object key, borrowed from the input when it holds no escape.
#[derive(PartialEq, Eq, Hash)]
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

struct CheckVisitor;

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a json value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Checked, E> {
        if v.is_finite() {
            Ok(Checked)
        } else {
            Err(E::custom("a number that is not finite"))
        }
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        // Small objects (the usual case) are scanned; larger ones hashed: linear either way.
        let mut small: Vec<Key<'de>> = Vec::new();
        let mut large: std::collections::HashSet<Key<'de>> = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            map.next_value::<Checked>()?;
            let duplicate = if large.is_empty() && small.len() < 16 {
                let d = small.iter().any(|k| k.as_str() == key.as_str());
                small.push(key);
                d
            } else {
                large.extend(small.drain(..));
                let name = shown(key.as_str()).to_owned();
                if large.insert(key) {
                    false
                } else {
                    return Err(A::Error::custom(format!("member `{name}` appears twice")));
                }
            };
            if duplicate {
                let name = small.last().map_or("…", |k| shown(k.as_str()));
                return Err(A::Error::custom(format!("member `{name}` appears twice")));
            }
        }
        Ok(Checked)
    }
}

/// Parses `bytes` as one strict JSON value (UTF-8, no duplicate members, nothing after it).
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<StrictValue>(bytes).map(|StrictValue(v)| v)
}

/// The member of `obj` whose name equals `name` ignoring ASCII case (`Purpose` / `purpose`,
/// `FIDataRange` / `fidataRange`). Two members that match are ambiguous and refused.
pub(crate) fn member<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Option<&'a Value>, AaError> {
    let mut found = None;
    for (k, v) in obj {
        if k.eq_ignore_ascii_case(name) {
            if found.is_some() {
                return Err(AaError::detail(
                    join(path, name),
                    "appears twice in different letter cases",
                ));
            }
            found = Some(v);
        }
    }
    Ok(found)
}

/// `path.name`, or `name` at the top.
pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// A required member (see [`member`]); `null` counts as absent.
pub(crate) fn required<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<&'a Value, AaError> {
    match member(obj, name, path)? {
        Some(Value::Null) | None => Err(AaError::detail(join(path, name), "is missing")),
        Some(v) => Ok(v),
    }
}

/// An optional member; `null` counts as absent.
pub(crate) fn optional<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Option<&'a Value>, AaError> {
    Ok(member(obj, name, path)?.filter(|v| !v.is_null()))
}

/// The value as an object, or a detail error at `at`.
pub(crate) fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, AaError> {
    v.as_object()
        .ok_or_else(|| AaError::detail(at, "must be an object"))
}

/// The value as a string, or a detail error at `at`.
pub(crate) fn string<'a>(v: &'a Value, at: &str) -> Result<&'a str, AaError> {
    v.as_str()
        .ok_or_else(|| AaError::detail(at, "must be a string"))
}

/// The value as an array, or a detail error at `at`.
pub(crate) fn array<'a>(v: &'a Value, at: &str) -> Result<&'a [Value], AaError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| AaError::detail(at, "must be an array"))
}

/// Largest integer a JSON number written with a fraction (`4.0`) may stand for exactly.
const MAX_EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// An integral JSON number: an integer, or a number with a zero fraction (`4.0`) within
/// ±2^53; anything else is `None`.
pub(crate) fn integral(v: &Value) -> Option<i128> {
    let n = v.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(i128::from(u));
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || f.abs() > MAX_EXACT_F64 {
        return None;
    }
    // Integral and within ±2^53, so its shortest text is the integer followed by `.0`.
    let text = n.to_string();
    text.strip_suffix(".0")?.parse::<i64>().ok().map(i128::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn check_agrees_with_parse() {
        let many: String = (0..40).map(|i| format!("\"k{i}\":{i},")).collect();
        for text in [
            r#"{"a":1,"a":2}"#.to_owned(),
            r#"{"x":{"b":1,"b":1}}"#.to_owned(),
            r#"[{"c":1},{"c":2}]"#.to_owned(),
            r#"{"a":1} x"#.to_owned(),
            r#"{"\u0061":1,"a":2}"#.to_owned(),
            format!("{{{many}\"k3\":0}}"),
            format!("{{{many}\"z\":0}}"),
            "[1, 2.5, -3, true, null, \"s\", {}]".to_owned(),
        ] {
            assert_eq!(
                check(text.as_bytes()).is_ok(),
                parse(text.as_bytes()).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn duplicate_members_are_refused_at_every_level() {
        assert!(parse(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse(br#"{"x":{"b":1,"b":1}}"#).is_err());
        assert!(parse(br#"[{"c":1},{"c":2}]"#).is_ok());
        assert!(parse(br#"{"a":1} x"#).is_err());
    }

    #[test]
    fn case_drift_is_found_once_and_ambiguity_refused() {
        let v = parse(br#"{"dataLife":{"unit":"DAY"}}"#).unwrap();
        let o = v.as_object().unwrap();
        assert!(member(o, "DataLife", "").unwrap().is_some());
        let v = parse(br#"{"Purpose":1,"purpose":2}"#).unwrap();
        let e = member(v.as_object().unwrap(), "Purpose", "").unwrap_err();
        assert_eq!(crate::HasCode::code(&e), crate::Code::AaDetailInvalid);
    }

    #[test]
    fn integral_numbers_take_a_zero_fraction() {
        assert_eq!(integral(&parse(b"4.0").unwrap()), Some(4));
        assert_eq!(integral(&parse(b"4").unwrap()), Some(4));
        assert_eq!(integral(&parse(b"4.5").unwrap()), None);
        assert_eq!(integral(&parse(b"1e300").unwrap()), None);
        assert_eq!(integral(&parse(b"\"4\"").unwrap()), None);
    }
}
