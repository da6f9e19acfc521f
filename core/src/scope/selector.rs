//! The selector language: parsing, the text form, coverage and intersection, and the walks
//! over JSON records that every selector user shares (policies, pseudonymisation, decisions and
//! record filtering).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

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

    /// Whether this segment matches array index `idx` (a key written in decimal, no sign, no
    /// leading zeros).
    pub fn matches_index(&self, idx: usize) -> bool {
        match self {
            Segment::Any => true,
            Segment::Key(k) => index_of(k) == Some(idx),
        }
    }

    /// Whether this segment matches one step of a concrete path.
    pub fn matches_step(&self, step: &PathStep) -> bool {
        match step {
            PathStep::Key(k) => self.matches(k),
            PathStep::Index(i) => self.matches_index(*i),
        }
    }
}

/// The array index a key names: decimal, no sign, no leading zeros.
pub(crate) fn index_of(key: &str) -> Option<usize> {
    if key.is_empty()
        || !key.bytes().all(|b| b.is_ascii_digit())
        || (key.len() > 1 && key.starts_with('0'))
    {
        return None;
    }
    key.parse().ok()
}

/// One step of a concrete location in a JSON record: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

impl Selector {
    /// Reads a pseudonymisation policy key: a key starting with `/` is a selector; any other
    /// non-empty key is one literal step (a CSV column name or a top-level JSON member), so
    /// `name` and `/name` are the same selector. `None` when it is neither.
    ///
    /// ```
    /// use consentry::scope::Selector;
    /// assert_eq!(Selector::parse_policy_key("date/time").unwrap().len(), 1);
    /// assert_eq!(Selector::parse_policy_key("name"), Selector::parse("/name").ok());
    /// assert!(Selector::parse_policy_key("").is_none());
    /// assert!(Selector::parse_policy_key("/a//b").is_none());
    /// ```
    pub fn parse_policy_key(key: &str) -> Option<Selector> {
        if key.starts_with('/') {
            Selector::parse(key).ok()
        } else {
            Selector::from_segments(vec![Segment::Key(key.to_owned())])
        }
    }

    /// Number of `*` segments.
    pub fn wildcards(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Any))
            .count()
    }

    /// Whether this selector names the concrete location `path` itself (same length, each
    /// segment matching its step), not only a location above it.
    pub fn selects(&self, path: &[PathStep]) -> bool {
        self.segments.len() == path.len()
            && self
                .segments
                .iter()
                .zip(path)
                .all(|(seg, step)| seg.matches_step(step))
    }

    /// The concrete locations in `record` this selector names exactly, in document order.
    /// Selectors that reach nothing give none.
    ///
    /// ```
    /// use consentry::scope::{PathStep, Selector};
    /// let r = serde_json::json!({"m": [{"a": 1}, {"b": 2}, {"a": 3}]});
    /// let paths = Selector::parse("/m/*/a").unwrap().locate(&r);
    /// assert_eq!(paths, vec![
    ///     vec![PathStep::Key("m".into()), PathStep::Index(0), PathStep::Key("a".into())],
    ///     vec![PathStep::Key("m".into()), PathStep::Index(2), PathStep::Key("a".into())],
    /// ]);
    /// ```
    pub fn locate(&self, record: &Value) -> Vec<Vec<PathStep>> {
        let mut out = Vec::new();
        locate(record, &self.segments, &mut Vec::new(), &mut out);
        out
    }

    /// The value this selector names in `record` once each of its `*` segments is bound, in
    /// order, to the step that the `*` segments of `field` matched in `path` (a location `field`
    /// selects). Used for a `shift` subject: `/members/*/aadhaar` bound through
    /// `/members/*/dob` at `/members/2/dob` is `/members/2/aadhaar`. `None` when absent, or
    /// when this selector has more `*` segments than `field`.
    ///
    /// ```
    /// use consentry::scope::{PathStep, Selector};
    /// let r = serde_json::json!({"members": [{"id": "a"}, {"id": "b", "dob": "2000-01-01"}]});
    /// let subject = Selector::parse("/members/*/id").unwrap();
    /// let field = Selector::parse("/members/*/dob").unwrap();
    /// let at = [PathStep::Key("members".into()), PathStep::Index(1), PathStep::Key("dob".into())];
    /// assert_eq!(subject.bind(&r, &field, &at), Some(&serde_json::json!("b")));
    /// ```
    pub fn bind<'v>(
        &self,
        record: &'v Value,
        field: &Selector,
        path: &[PathStep],
    ) -> Option<&'v Value> {
        let mut bound = field
            .segments
            .iter()
            .zip(path)
            .filter(|(seg, _)| matches!(seg, Segment::Any))
            .map(|(_, step)| step);
        let mut cur = record;
        for seg in &self.segments {
            cur = match (seg, cur) {
                (Segment::Key(k), Value::Object(m)) => m.get(k)?,
                (Segment::Key(k), Value::Array(a)) => a.get(index_of(k)?)?,
                (Segment::Any, v) => match (bound.next()?, v) {
                    (PathStep::Key(k), Value::Object(m)) => m.get(k)?,
                    (PathStep::Index(i), Value::Array(a)) => a.get(*i)?,
                    _ => return None,
                },
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// Collects the concrete paths `segs` names in `v`, in document order.
fn locate(v: &Value, segs: &[Segment], path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    let Some((first, rest)) = segs.split_first() else {
        out.push(path.clone());
        return;
    };
    let mut visit = |step: PathStep, child: &Value, path: &mut Vec<PathStep>| {
        path.push(step);
        locate(child, rest, path, out);
        path.pop();
    };
    match (first, v) {
        (Segment::Key(k), Value::Object(m)) => {
            if let Some(child) = m.get(k) {
                visit(PathStep::Key(k.clone()), child, path);
            }
        }
        (Segment::Key(k), Value::Array(a)) => {
            if let Some((i, child)) = index_of(k).and_then(|i| a.get(i).map(|c| (i, c))) {
                visit(PathStep::Index(i), child, path);
            }
        }
        (Segment::Any, Value::Object(m)) => {
            for (k, child) in m {
                visit(PathStep::Key(k.clone()), child, path);
            }
        }
        (Segment::Any, Value::Array(a)) => {
            for (i, child) in a.iter().enumerate() {
                visit(PathStep::Index(i), child, path);
            }
        }
        _ => {}
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
