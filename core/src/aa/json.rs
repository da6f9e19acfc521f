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

/// A fast, conservative pre-check of the verifier's payload check: `true` only for texts that
/// [`check`] (and so [`parse`]) accepts, so the verifier may skip [`check`] on them; `false`
/// for anything it is unsure of (an error, a `\u` escape, an escaped member name, nesting
/// deeper than [`FAST_MAX_DEPTH`], an integer over 18 digits), which [`check`] then decides with
/// its own message. One pass over the bytes, no allocation for objects of up to 16 members
/// (larger ones keep a set of borrowed names): linear in the input.
pub(crate) fn fast_valid(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_err() {
        return false;
    }
    let mut s = Scan { b: bytes, i: 0 };
    s.ws();
    if !s.value(0) {
        return false;
    }
    s.ws();
    s.i == bytes.len()
}

/// The index of the first byte of `rest` that ends a run of plain string bytes: a quote, a
/// backslash or a control character. Eight bytes at a time (SWAR): the lowest flagged byte
/// of a word is exact (a borrow only runs towards higher bytes).
fn special_at(rest: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut chunks = rest.chunks_exact(8);
    let mut off = 0usize;
    for c in &mut chunks {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(c).ok()?);
        let flags = (w.wrapping_sub(LO * 0x20) & !w & HI)
            | zero(w ^ (LO * u64::from(b'"')))
            | zero(w ^ (LO * u64::from(b'\\')));
        if flags != 0 {
            return Some(off + (flags.trailing_zeros() / 8) as usize);
        }
        off += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|p| off + p)
}

/// A header member's value as the header checks see it: a string, a boolean, an array (its
/// elements' strings, `None` for an element that is not one), or anything else.
#[derive(Clone, Debug)]
pub(crate) enum FlatValue<'a> {
    Str(&'a str),
    Bool(bool),
    Array(Vec<Option<&'a str>>),
    Other,
}

impl<'a> FlatValue<'a> {
    /// The view of a parsed JSON value.
    pub(crate) fn of(v: &'a Value) -> Self {
        match v {
            Value::String(s) => FlatValue::Str(s),
            Value::Bool(b) => FlatValue::Bool(*b),
            Value::Array(a) => FlatValue::Array(a.iter().map(Value::as_str).collect()),
            _ => FlatValue::Other,
        }
    }
}

/// Members of a flat JSON object (at most 8), read without building a value.
pub(crate) type FlatMembers<'a> = [Option<(&'a str, FlatValue<'a>)>; 8];

/// The members of `bytes` when it is a plain flat JSON object: at most 8 members, names and
/// strings without escapes, each value a string, a boolean or an array of such strings, no
/// duplicate name, nothing after it but white space. `None` for anything else (the caller
/// then parses strictly): whatever this accepts, [`parse`] accepts with the same members.
pub(crate) fn flat_members(bytes: &[u8]) -> Option<FlatMembers<'_>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut s = Scan { b: bytes, i: 0 };
    let mut out: FlatMembers<'_> = Default::default();
    s.ws();
    if s.peek()? != b'{' {
        return None;
    }
    s.i += 1;
    s.ws();
    let mut n = 0usize;
    if s.peek()? == b'}' {
        s.i += 1;
    } else {
        loop {
            let name = s.flat_str(text)?;
            if out.iter().flatten().any(|(k, _)| *k == name) {
                return None;
            }
            s.ws();
            if s.peek()? != b':' {
                return None;
            }
            s.i += 1;
            s.ws();
            let value = match s.peek()? {
                b'"' => FlatValue::Str(s.flat_str(text)?),
                b't' if s.lit(b"true") => FlatValue::Bool(true),
                b'f' if s.lit(b"false") => FlatValue::Bool(false),
                b'[' => {
                    s.i += 1;
                    s.ws();
                    let mut items = Vec::new();
                    if s.peek()? == b']' {
                        s.i += 1;
                    } else {
                        loop {
                            if s.peek()? != b'"' {
                                return None;
                            }
                            items.push(Some(s.flat_str(text)?));
                            s.ws();
                            match s.peek()? {
                                b',' => {
                                    s.i += 1;
                                    s.ws();
                                }
                                b']' => {
                                    s.i += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    FlatValue::Array(items)
                }
                _ => return None,
            };
            *out.get_mut(n)? = Some((name, value));
            n += 1;
            s.ws();
            match s.peek()? {
                b',' => {
                    s.i += 1;
                    s.ws();
                }
                b'}' => {
                    s.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.ws();
    (s.i == bytes.len()).then_some(out)
}

/// Deepest nesting [`fast_valid`] follows (serde_json's own limit is 127 levels).
const FAST_MAX_DEPTH: usize = 64;

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        // Most calls find a token, not white space: one byte decides.
        if !matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            return;
        }
        let rest = self.b.get(self.i..).unwrap_or_default();
        let mut n = 0usize;
        loop {
            // Indentation comes in runs: the leading spaces of eight bytes at a time.
            if let Some(w) = rest.get(n..n + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
                let x = u64::from_le_bytes(w) ^ 0x2020_2020_2020_2020;
                if x == 0 {
                    n += 8;
                    continue;
                }
                n += (x.trailing_zeros() / 8) as usize;
            }
            match rest.get(n) {
                Some(b' ' | b'\n' | b'\t' | b'\r') => n += 1,
                _ => break,
            }
        }
        self.i += n;
    }

    fn lit(&mut self, word: &[u8]) -> bool {
        let end = self.i.saturating_add(word.len());
        if self.b.get(self.i..end) == Some(word) {
            self.i = end;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(false).is_some(),
            Some(b't') => self.lit(b"true"),
            Some(b'f') => self.lit(b"false"),
            Some(b'n') => self.lit(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => false,
        }
    }

    /// A string from its opening quote; with `key`, its bytes (`None` for an escape).
    fn string(&mut self, key: bool) -> Option<&'a [u8]> {
        self.i += 1;
        let start = self.i;
        loop {
            // Plain string bytes in one tight scan, to the next quote, escape or control.
            self.i += special_at(self.b.get(self.i..)?)?;
            match self.peek()? {
                b'"' => {
                    let s = self.b.get(start..self.i)?;
                    self.i += 1;
                    return Some(s);
                }
                b'\\' => {
                    if key {
                        return None;
                    }
                    match self.b.get(self.i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// A string without escapes or control bytes, from its opening quote, borrowed from
    /// `text` (the same bytes, checked UTF-8); `None` otherwise.
    fn flat_str<'t>(&mut self, text: &'t str) -> Option<&'t str> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let len = special_at(self.b.get(start..)?)?;
        if self.b.get(start + len) != Some(&b'"') {
            return None;
        }
        self.i = start + len + 1;
        text.get(start..start + len)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> bool {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || n > 18 || (n > 1 && self.b.get(int_start) == Some(&b'0')) {
            return false;
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return false;
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return false;
            }
            float = true;
        }
        // A fraction or an exponent is left to the strict check (which refuses a number out of
        // range): AA details write whole numbers, and parsing floats here would add a float
        // parser to the WebAssembly modules.
        let _ = start;
        !float
    }

    fn array(&mut self, depth: usize) -> bool {
        if depth > FAST_MAX_DEPTH {
            return false;
        }
        self.i += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return true;
        }
        loop {
            if !self.value(depth) {
                return false;
            }
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }

    fn object(&mut self, depth: usize) -> bool {
        if depth > FAST_MAX_DEPTH {
            return false;
        }
        self.i += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return true;
        }
        // Up to 16 names in an array; past 16, a set built on first need.
        let mut small: [&[u8]; 16] = [&[]; 16];
        let mut n = 0usize;
        let mut large: Option<std::collections::HashSet<&[u8]>> = None;
        loop {
            if self.peek() != Some(b'"') {
                return false;
            }
            let Some(key) = self.string(true) else {
                return false;
            };
            if n < small.len() {
                if small.iter().take(n).any(|k| *k == key) {
                    return false;
                }
                if let Some(slot) = small.get_mut(n) {
                    *slot = key;
                }
                n += 1;
            } else {
                let set = large.get_or_insert_with(|| small.iter().copied().collect());
                if !set.insert(key) {
                    return false;
                }
            }
            self.ws();
            if self.peek() != Some(b':') {
                return false;
            }
            self.i += 1;
            self.ws();
            if !self.value(depth) {
                return false;
            }
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return true;
                }
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod fast_tests {
    #![allow(clippy::unwrap_used)]
    use super::{check, fast_valid};

    #[test]
    fn special_at_finds_the_first_quote_backslash_or_control_byte() {
        use super::special_at;
        for len in 0..40usize {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    let mut v = vec![b'a'; len];
                    // bytes that look close to the specials but are not
                    for (i, b) in v.iter_mut().enumerate() {
                        *b = [b'a', b' ', 0x7f, 0xc3, b'!', b'#', b'[', b']'][i % 8];
                    }
                    v[at] = special;
                    if at + 1 < len {
                        v[at + 1] = b'"';
                    }
                    assert_eq!(special_at(&v), Some(at), "len {len} at {at} byte {special}");
                }
            }
            let plain: Vec<u8> = (0..len).map(|i| [b'a', b' ', 0x7f, 0xff][i % 4]).collect();
            assert_eq!(special_at(&plain), None);
        }
    }

    #[test]
    fn flat_members_agree_with_the_strict_parser_or_decline() {
        use super::{flat_members, parse, FlatValue};
        let texts: &[&str] = &[
            r#"{"alg":"RS256","kid":"k","b64":false,"crit":["b64"]}"#,
            r#" { "alg" : "RS256" , "kid":"k" , "crit" : [ ] } "#,
            r#"{}"#,
            r#"{"alg":"RS256","alg":"RS256"}"#,
            r#"{"alg":"R\u0053256"}"#,
            r#"{"alg":1}"#,
            r#"{"crit":["b64",1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a":"x"} y"#,
            r#"{"a":"x",}"#,
            r#"{"a":tru}"#,
            r#"{"1":1,"2":2}"#,
            r#"{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}"#,
            "[]",
            "",
        ];
        for t in texts {
            let Some(m) = flat_members(t.as_bytes()) else {
                continue;
            };
            let v = parse(t.as_bytes())
                .unwrap_or_else(|e| panic!("flat accepted, parse refused {t}: {e}"));
            let obj = v.as_object().unwrap();
            assert_eq!(obj.len(), m.iter().flatten().count(), "{t}");
            for (k, fv) in m.iter().flatten() {
                let want = FlatValue::of(obj.get(*k).unwrap());
                assert_eq!(format!("{fv:?}"), format!("{want:?}"), "{t}");
            }
        }
        assert!(flat_members(br#"{"alg":"RS256","kid":"k","b64":false,"crit":["b64"]}"#).is_some());
        assert!(flat_members(br#"{"alg":"RS256","alg":"x"}"#).is_none());
        assert!(flat_members(br#"{"alg":"R\u0053256"}"#).is_none());
    }

    /// Every text the fast pre-check accepts, `check` accepts too; it declines the rest.
    #[test]
    fn the_fast_check_accepts_only_what_check_accepts() {
        let texts: &[&str] = &[
            "{}",
            "[]",
            r#"{"a":1,"b":[true,false,null,-0,0.5,1e3,-2.5E-3,"x\n\"y"],"c":{"d":{}}}"#,
            "{\r\n  \"a\" : 1 ,\t\"b\":\"\"\r\n}",
            r#"{"a":1,"a":2}"#,
            r#"{"a":{"b":1,"b":1}}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":1e400}"#,
            r#"{"a":123456789012345678901234567890}"#,
            r#"{"a":"\u0041"}"#,
            r#"{"\u0061":1,"a":2}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"\u{1}\"}",
            r#"{"a":tru}"#,
            r#"{"a":1} x"#,
            r#"{"a" 1}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":NaN}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k3":17}"#,
            r#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k16":17}"#,
            "",
            "{",
        ];
        for t in texts {
            if fast_valid(t.as_bytes()) {
                assert!(
                    check(t.as_bytes()).is_ok(),
                    "fast accepted, check refused: {t}"
                );
            }
        }
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(!fast_valid(deep.as_bytes()));
        assert!(check(deep.as_bytes()).is_ok());
        assert!(fast_valid(br#"{"a":[1,{"b":"c"}]}"#));
        assert!(!fast_valid(br#"{"a":1,"a":2}"#));
        assert!(!fast_valid(br#"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k3":17}"#));
        assert!(!fast_valid(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}']));
    }
}
