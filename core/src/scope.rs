//! Field selectors: JSON-pointer-like paths naming what may leave the data provider.
//!
//! `/name`, `/address/pincode`, `/members/*/aadhaar`: segments after `/`, `*` matching any
//! array index or object key, `~1` and `~0` escaping `/` and `~` as in RFC 6901.

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
