//! Field selectors: JSON-pointer-like paths naming what may leave the data provider.
//!
//! `/name`, `/address/pincode`, `/members/*/aadhaar`: segments after `/`, `*` matching any
//! array index or object key, `~1` and `~0` escaping `/` and `~` as in RFC 6901.
//!
//! # What a selector denotes
//!
//! A selector names a **subtree**: every location whose path starts with the selector's segments
//! (`*` standing for any one key or index). `/address` therefore covers `/address/pincode`, and
//! `/members/*` covers `/members/3/aadhaar`. Array indices are written in decimal (`/members/0`).
//!
//! - [`Selector::covers`]: `a` covers `b` when every location `b` names is also named by `a`
//!   (`a` is a segment-wise prefix of `b`, where `*` in `a` matches any segment of `b`, but a key
//!   in `a` never matches `*` in `b`).
//! - [`Selector::intersect`]: the selector naming exactly the locations both name, or `None` when
//!   they are disjoint: segment by segment a key meets an equal key or `*` (giving the key), `*`
//!   meets `*`, two different keys are disjoint; the longer selector's remaining segments are
//!   appended (a shorter selector names the whole subtree, so it does not constrain them).
//!
//! # Record filtering
//!
//! [`filter_record`] keeps only the locations of a JSON record that a list of granted selectors
//! covers, and passes every location a transform selector names through a caller-supplied
//! [`TransformHook`]. Nothing that is not covered is ever copied; a required transform that no hook
//! can apply is an error ([`FilterError`]), never a pass-through.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use thiserror::Error;

use crate::error::{Code, HasCode};

/// One segment of a selector.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object key or array index, unescaped.
    Key(String),
    /// `*`: any array index or object key.
    Any,
}

/// A parsed field selector.
///
/// ```
/// use consentry::scope::{Selector, Segment};
/// let s = Selector::parse("/members/*/aadhaar").unwrap();
/// assert_eq!(s.segments()[1], Segment::Any);
/// assert_eq!(s.to_string(), "/members/*/aadhaar");
/// assert!(Selector::parse("name").is_err());
/// assert!(Selector::parse("/a//b").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector {
    segments: Vec<Segment>,
}

/// Why a selector does not parse. The selector itself is not echoed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectorError {
    /// It does not start with `/`.
    NoLeadingSlash,
    /// It has an empty segment (`//` or a trailing `/`).
    EmptySegment,
    /// A `~` not followed by `0` or `1`.
    BadEscape,
}

impl SelectorError {
    /// A short, lower-case reason.
    pub fn reason(self) -> &'static str {
        match self {
            SelectorError::NoLeadingSlash => "a selector must start with `/`",
            SelectorError::EmptySegment => "a selector must not have empty segments",
            SelectorError::BadEscape => "`~` must be followed by `0` or `1`",
        }
    }
}

impl core::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for SelectorError {}

impl Selector {
    /// Checks a selector's syntax without building it.
    pub fn check(s: &str) -> Result<(), SelectorError> {
        raw_segments(s)?.try_for_each(|raw| unescape(raw, |_| {}))
    }

    /// Parses a selector.
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let mut segments = Vec::new();
        for raw in raw_segments(s)? {
            if raw == "*" {
                segments.push(Segment::Any);
                continue;
            }
            let mut key = String::with_capacity(raw.len());
            unescape(raw, |c| key.push(c))?;
            segments.push(Segment::Key(key));
        }
        Ok(Selector { segments })
    }

    /// The segments, in order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

/// The raw segments after the leading `/`.
fn raw_segments(s: &str) -> Result<core::str::Split<'_, char>, SelectorError> {
    Ok(s.strip_prefix('/')
        .ok_or(SelectorError::NoLeadingSlash)?
        .split('/'))
}

/// Unescapes one raw segment (`~0` → `~`, `~1` → `/`), passing each character to `out`.
fn unescape(raw: &str, mut out: impl FnMut(char)) -> Result<(), SelectorError> {
    if raw.is_empty() {
        return Err(SelectorError::EmptySegment);
    }
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out('~'),
                Some('1') => out('/'),
                _ => return Err(SelectorError::BadEscape),
            }
        } else {
            out(c);
        }
    }
    Ok(())
}

impl Selector {
    /// Builds a selector from segments; `None` when `segments` is empty or a key is empty.
    pub fn from_segments(segments: Vec<Segment>) -> Option<Self> {
        let empty_key = segments
            .iter()
            .any(|s| matches!(s, Segment::Key(k) if k.is_empty()));
        if segments.is_empty() || empty_key {
            return None;
        }
        Some(Selector { segments })
    }

    /// Number of segments (at least 1).
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Length in bytes of the text form ([`Selector`]'s `Display`, with `~0` / `~1` escapes).
    ///
    /// ```
    /// use consentry::scope::Selector;
    /// assert_eq!(Selector::parse("/a~1b/*").unwrap().text_len(), 7);
    /// ```
    pub fn text_len(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Any => 2,
                Segment::Key(k) => {
                    1 + k.len() + k.bytes().filter(|&b| b == b'~' || b == b'/').count()
                }
            })
            .sum()
    }

    /// Always `false`: a selector has at least one segment. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Whether every location `other` names is also named by `self` (see the module docs).
    ///
    /// ```
    /// use consentry::scope::Selector;
    /// let s = |t| Selector::parse(t).unwrap();
    /// assert!(s("/address").covers(&s("/address/pincode")));
    /// assert!(s("/members/*/name").covers(&s("/members/0/name")));
    /// assert!(!s("/members/0/name").covers(&s("/members/*/name")));
    /// assert!(!s("/address/pincode").covers(&s("/address")));
    /// ```
    pub fn covers(&self, other: &Selector) -> bool {
        self.segments.len() <= other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|(a, b)| match (a, b) {
                    (Segment::Any, _) => true,
                    (Segment::Key(x), Segment::Key(y)) => x == y,
                    (Segment::Key(_), Segment::Any) => false,
                })
    }

    /// The selector naming exactly the locations both name, or `None` when they are disjoint.
    ///
    /// ```
    /// use consentry::scope::Selector;
    /// let s = |t| Selector::parse(t).unwrap();
    /// assert_eq!(s("/address").intersect(&s("/address/pincode")), Some(s("/address/pincode")));
    /// assert_eq!(s("/members/*/name").intersect(&s("/members/0")), Some(s("/members/0/name")));
    /// assert_eq!(s("/members/*/id").intersect(&s("/*/1")), Some(s("/members/1/id")));
    /// assert_eq!(s("/name").intersect(&s("/address")), None);
    /// ```
    pub fn intersect(&self, other: &Selector) -> Option<Selector> {
        let (long, short) = if self.segments.len() >= other.segments.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut out = Vec::with_capacity(long.segments.len());
        let mut rest = long.segments.iter();
        for b in &short.segments {
            let a = rest.next()?;
            out.push(match (a, b) {
                (Segment::Any, Segment::Any) => Segment::Any,
                (Segment::Key(k), Segment::Any) | (Segment::Any, Segment::Key(k)) => {
                    Segment::Key(k.clone())
                }
                (Segment::Key(x), Segment::Key(y)) if x == y => Segment::Key(x.clone()),
                (Segment::Key(_), Segment::Key(_)) => return None,
            });
        }
        out.extend(rest.cloned());
        Some(Selector { segments: out })
    }

    /// Whether the concrete location `path` (unescaped keys, array indices in decimal) lies in
    /// the subtree this selector names.
    ///
    /// ```
    /// use consentry::scope::Selector;
    /// let s = Selector::parse("/members/*/aadhaar").unwrap();
    /// assert!(s.matches_path(&["members", "2", "aadhaar"]));
    /// assert!(!s.matches_path(&["members", "2"]));
    /// ```
    pub fn matches_path<S: AsRef<str>>(&self, path: &[S]) -> bool {
        self.segments.len() <= path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(seg, p)| seg.matches(p.as_ref()))
    }
}

impl Segment {
    /// Whether this segment matches the concrete key (or decimal array index) `key`.
    pub fn matches(&self, key: &str) -> bool {
        match self {
            Segment::Any => true,
            Segment::Key(k) => k == key,
        }
    }
}

impl core::str::FromStr for Selector {
    type Err = SelectorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Selector::parse(s)
    }
}

impl Serialize for Selector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Selector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Selector::parse(&text).map_err(|e| serde::de::Error::custom(e.reason()))
    }
}

impl core::fmt::Display for Selector {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for seg in &self.segments {
            f.write_str("/")?;
            match seg {
                Segment::Any => f.write_str("*")?,
                Segment::Key(k) => f.write_str(&k.replace('~', "~0").replace('/', "~1"))?,
            }
        }
        Ok(())
    }
}

/// The transform id that removes a field. [`filter_record`] applies it itself, without a hook.
pub const DROP: &str = "drop";

/// Why a [`TransformHook`] produced no value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookError {
    /// The hook does not implement this transform (the record is then an error, never passed
    /// through untransformed).
    Unsupported,
    /// The hook implements the transform, but this value cannot go through it (for example a
    /// value that fails validation for its declared type).
    Failed {
        /// what went wrong; must not contain the value or any other personal data
        reason: String,
    },
}

/// Applies a named transform to one value. Supplied by the caller (the pseudonymisation module,
/// or a closure), so that record filtering does not depend on any particular transform.
///
/// Any `Fn(&str, &Selector, &Value) -> Result<Value, HookError>` is a hook.
pub trait TransformHook {
    /// Transforms `value`, found at a location named by `selector`, with the transform `transform`
    /// (the id from the artefact, e.g. `pseudonym`). `value` has already been filtered: it holds
    /// only granted content.
    fn apply(
        &self,
        transform: &str,
        selector: &Selector,
        value: &Value,
    ) -> Result<Value, HookError>;
}

impl<F> TransformHook for F
where
    F: Fn(&str, &Selector, &Value) -> Result<Value, HookError>,
{
    fn apply(
        &self,
        transform: &str,
        selector: &Selector,
        value: &Value,
    ) -> Result<Value, HookError> {
        self(transform, selector, value)
    }
}

/// A hook that supports no transform: filtering with it succeeds only when no granted location
/// needs a transform other than [`DROP`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTransforms;

impl TransformHook for NoTransforms {
    fn apply(&self, _: &str, _: &Selector, _: &Value) -> Result<Value, HookError> {
        Err(HookError::Unsupported)
    }
}

/// Why a record could not be filtered. Messages name selectors and transform ids from the permit,
/// never keys or values from the record.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The record is neither a JSON object nor an array.
    #[error("record must be a json object or array")]
    NotContainer,
    /// A granted location needs a transform that the hook does not implement.
    #[error("no transform hook implements `{transform}`, required at `{selector}`")]
    TransformUnsupported {
        /// the transform selector
        selector: String,
        /// the transform id
        transform: String,
    },
    /// The hook failed on a value.
    #[error("transform `{transform}` failed at `{selector}`: {reason}")]
    TransformFailed {
        /// the transform selector
        selector: String,
        /// the transform id
        transform: String,
        /// the hook's reason
        reason: String,
    },
    /// Two different transforms are required at the same location.
    #[error("transforms `{first}` and `{second}` are both required at `{selector}`")]
    TransformConflict {
        /// one of the transform selectors naming the location
        selector: String,
        /// the first transform id (in selector order)
        first: String,
        /// the second transform id
        second: String,
    },
}

impl HasCode for FilterError {
    fn code(&self) -> Code {
        match self {
            FilterError::NotContainer => Code::RecordNotContainer,
            FilterError::TransformUnsupported { .. } => Code::TransformUnsupported,
            FilterError::TransformFailed { .. } => Code::TransformFailed,
            FilterError::TransformConflict { .. } => Code::TransformConflict,
        }
    }
}

/// Keeps only the locations of `record` that some selector in `fields` covers, passing each
/// location that a key of `transforms` names through that transform; everything else is dropped.
///
/// - Objects keep only covered members; arrays keep only covered elements, **compacted** (an
///   element with no granted content is removed, so indices may shift); a container left with no
///   granted content is removed from its parent. The top-level object or array is always
///   returned, possibly empty.
/// - A transform applies to the (already filtered) value at every location its selector names
///   exactly; transforms on a location and on locations inside it are applied inside-out.
///   [`DROP`] removes the location; any other id goes to `hook`, and a hook that cannot apply it
///   makes the whole record an error. Two different transforms at one location are an error.
///
/// ```
/// use std::collections::BTreeMap;
/// use consentry::scope::{filter_record, HookError, Selector};
/// use serde_json::{json, Value};
///
/// let fields = vec![Selector::parse("/name").unwrap(), Selector::parse("/members/*/aadhaar").unwrap()];
/// let mut transforms = BTreeMap::new();
/// transforms.insert(Selector::parse("/members/*/aadhaar").unwrap(), "mask".to_string());
/// let mask = |t: &str, _: &Selector, v: &Value| -> Result<Value, HookError> {
///     match (t, v.as_str()) {
///         ("mask", Some(s)) => {
///             let last4: String = s.chars().skip(s.chars().count().saturating_sub(4)).collect();
///             Ok(json!(format!("XXXX{last4}")))
///         }
///         _ => Err(HookError::Unsupported),
///     }
/// };
/// let record = json!({"name": "Asha", "phone": "9876543210",
///                     "members": [{"aadhaar": "234123412346", "age": 9}]});
/// let out = filter_record(&record, &fields, &transforms, &mask).unwrap();
/// assert_eq!(out, json!({"name": "Asha", "members": [{"aadhaar": "XXXX2346"}]}));
/// ```
pub fn filter_record(
    record: &Value,
    fields: &[Selector],
    transforms: &BTreeMap<Selector, String>,
    hook: &dyn TransformHook,
) -> Result<Value, FilterError> {
    let f = Filter {
        fields,
        transforms: transforms.iter().map(|(s, t)| (s, t.as_str())).collect(),
        hook,
    };
    let fa: Vec<(usize, usize)> = (0..fields.len()).map(|i| (i, 0)).collect();
    let ta: Vec<(usize, usize)> = (0..f.transforms.len()).map(|i| (i, 0)).collect();
    let empty = match record {
        Value::Object(_) => Value::Object(Map::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        _ => return Err(FilterError::NotContainer),
    };
    Ok(f.node(record, &fa, &ta, false)?.unwrap_or(empty))
}

/// Active selectors at a node: (index into the list, number of segments already matched).
type Active = Vec<(usize, usize)>;

struct Filter<'a> {
    fields: &'a [Selector],
    transforms: Vec<(&'a Selector, &'a str)>,
    hook: &'a dyn TransformHook,
}

/// Whether `seg` matches array index `idx` (decimal, no sign, no leading zeros).
fn matches_index(seg: &Segment, idx: usize) -> bool {
    match seg {
        Segment::Any => true,
        Segment::Key(k) => {
            k.bytes().all(|b| b.is_ascii_digit())
                && (k == "0" || !k.starts_with('0'))
                && k.parse::<usize>() == Ok(idx)
        }
    }
}

/// The selectors of `active` (over `sel`) that continue into a child matched by `m`.
fn advance<'s>(
    active: &[(usize, usize)],
    sel: impl Fn(usize) -> Option<&'s Selector>,
    m: impl Fn(&Segment) -> bool,
) -> Active {
    active
        .iter()
        .filter_map(|&(i, p)| {
            let seg = sel(i)?.segments().get(p)?;
            m(seg).then_some((i, p + 1))
        })
        .collect()
}

impl Filter<'_> {
    fn field(&self, i: usize) -> Option<&Selector> {
        self.fields.get(i)
    }

    fn transform(&self, i: usize) -> Option<&Selector> {
        self.transforms.get(i).map(|(s, _)| *s)
    }

    /// Filters the value at one location. `fa`/`ta`: field/transform selectors matched so far;
    /// `whole`: an ancestor is granted entirely.
    fn node(
        &self,
        v: &Value,
        fa: &[(usize, usize)],
        ta: &[(usize, usize)],
        whole: bool,
    ) -> Result<Option<Value>, FilterError> {
        let whole = whole
            || fa
                .iter()
                .any(|&(i, p)| self.field(i).is_some_and(|s| p >= s.len()));
        if !whole && fa.is_empty() {
            return Ok(None);
        }
        let mut exact: Option<(&Selector, &str)> = None;
        let mut pending = false;
        for &(i, p) in ta {
            let Some(&(sel, id)) = self.transforms.get(i) else {
                continue;
            };
            if p < sel.len() {
                pending = true;
                continue;
            }
            match exact {
                None => exact = Some((sel, id)),
                Some((_, first)) if first != id => {
                    return Err(FilterError::TransformConflict {
                        selector: sel.to_string(),
                        first: first.to_owned(),
                        second: id.to_owned(),
                    });
                }
                Some(_) => {}
            }
        }
        let out = if whole && !pending {
            Some(v.clone())
        } else {
            match v {
                Value::Object(m) => {
                    let mut o = Map::new();
                    for (k, cv) in m {
                        let key = |s: &Segment| s.matches(k);
                        let cfa = if whole {
                            Vec::new()
                        } else {
                            advance(fa, |i| self.field(i), key)
                        };
                        let cta = advance(ta, |i| self.transform(i), key);
                        if let Some(x) = self.node(cv, &cfa, &cta, whole)? {
                            o.insert(k.clone(), x);
                        }
                    }
                    (whole || !o.is_empty()).then_some(Value::Object(o))
                }
                Value::Array(a) => {
                    let mut o = Vec::new();
                    for (idx, cv) in a.iter().enumerate() {
                        let key = |s: &Segment| matches_index(s, idx);
                        let cfa = if whole {
                            Vec::new()
                        } else {
                            advance(fa, |i| self.field(i), key)
                        };
                        let cta = advance(ta, |i| self.transform(i), key);
                        if let Some(x) = self.node(cv, &cfa, &cta, whole)? {
                            o.push(x);
                        }
                    }
                    (whole || !o.is_empty()).then_some(Value::Array(o))
                }
                scalar => whole.then(|| scalar.clone()),
            }
        };
        match (out, exact) {
            (Some(val), Some((sel, id))) => self.apply(sel, id, &val),
            (out, _) => Ok(out),
        }
    }

    fn apply(&self, sel: &Selector, id: &str, val: &Value) -> Result<Option<Value>, FilterError> {
        if id == DROP {
            return Ok(None);
        }
        match self.hook.apply(id, sel, val) {
            Ok(v) => Ok(Some(v)),
            Err(HookError::Unsupported) => Err(FilterError::TransformUnsupported {
                selector: sel.to_string(),
                transform: id.to_owned(),
            }),
            Err(HookError::Failed { reason }) => Err(FilterError::TransformFailed {
                selector: sel.to_string(),
                transform: id.to_owned(),
                reason,
            }),
        }
    }
}
