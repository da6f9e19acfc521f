//! The one mapping from `serde_json` errors to messages, used wherever JSON input is parsed
//! (interop requests, claims, policies, taxonomies, trust stores, ledger events, and every face).
//!
//! `serde_json`'s own messages quote the offending value (`invalid type: integer `234567890124`,
//! expected a string`, `unknown variant `…``), which may be an Aadhaar number or a key. Messages
//! made here name the **member** instead (its path, e.g. `consent.grantor.role` or `fields[3]`),
//! with line and column when the input was text:
//!
//! - a value of the wrong type: ``member `sub` has the wrong type``
//! - a value out of range or not allowed: ``member `now` has an invalid value``
//! - an enum value not in the list: ``unknown variant at member `operation` ``
//! - ``unknown field `x` ``, ``missing field `x` ``, ``duplicate field `x` `` (member names,
//!   not values), in the member that holds them
//! - syntax errors keep `serde_json`'s text (it names characters and positions, never values)
//!
//! Member names are echoed only when they are short and hold no run of four or more digits;
//! others are written as `…`.
//!
//! ```
//! use consentry::json;
//! #[derive(serde::Deserialize, Debug)]
//! struct R { sub: String }
//! let e = json::from_str::<R>("{\"sub\": 234567890124}").unwrap_err();
//! assert_eq!(e.to_string(), "member `sub` has the wrong type at line 1 column 20");
//! assert!(!e.to_string().contains("234567890124"));
//! ```

use serde::de::DeserializeOwned;

/// A JSON input that did not parse into the expected shape, described without its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line, 0 when the input was not text (a parsed value).
    pub line: usize,
    /// 1-based column, 0 when the input was not text.
    pub column: usize,
    /// What is wrong and where, without the position (see [`JsonError::detail`]).
    detail: String,
}

impl JsonError {
    /// What is wrong, naming the member but no value, without the position.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.detail)
        } else {
            write!(
                f,
                "{} at line {} column {}",
                self.detail, self.line, self.column
            )
        }
    }
}

impl std::error::Error for JsonError {}

/// Parses JSON text into `T`, describing failures with [`describe`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    serde_json::from_str(text).map_err(|e| describe(&e, text))
}

/// Converts a parsed JSON value into `T`, describing failures with [`describe`] (without line
/// and column, which would refer to the value's compact text, not the caller's input).
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, JsonError> {
    // Through the compact text: one deserializer (the text one, which every caller has anyway)
    // and a position from which the member is found.
    let text = value.to_string();
    serde_json::from_str(&text).map_err(|e| {
        let mut d = describe(&e, &text);
        d.line = 0;
        d.column = 0;
        d
    })
}

/// Describes a `serde_json` error on `text` (the input it came from, used to find the member)
/// without any value from the input.
pub fn describe(e: &serde_json::Error, text: &str) -> JsonError {
    let (line, column) = (e.line(), e.column());
    // A value where an enum belongs (`"role": 5`) is a syntax error to serde_json ("expected
    // value"), though the text is well-formed: it is a wrong type.
    let well_formed = || {
        e.classify() == serde_json::error::Category::Syntax
            && serde_json::from_str::<serde_json::Value>(text).is_ok()
    };
    let detail = match e.classify() {
        _ if well_formed() => {
            let path = member_at(text, line, column, false);
            data_detail("invalid type", path.as_deref())
        }
        serde_json::error::Category::Data => {
            let msg = e.to_string();
            // An unknown variant written as a map key (`{"Asha": …}`) must not become part of
            // the path.
            let variant = msg.starts_with("unknown variant");
            let path = member_at(text, line, column, variant);
            data_detail(&msg, path.as_deref())
        }
        // Syntax and end-of-input messages name characters and positions, not values.
        _ => {
            let msg = e.to_string();
            without_position(&msg).to_owned()
        }
    };
    JsonError {
        line,
        column,
        detail,
    }
}

/// The message for a data error (`msg` is serde's, never copied wholesale unless it is one of
/// this crate's own fixed texts).
fn data_detail(msg: &str, path: Option<&str>) -> String {
    let member = |what: &str| match path {
        Some(p) => format!("member `{p}` {what}"),
        None => format!("the document {what}"),
    };
    let msg = without_position(msg);
    if msg.starts_with("invalid type") {
        member("has the wrong type")
    } else if msg.starts_with("invalid value") {
        member("has an invalid value")
    } else if msg.starts_with("invalid length") {
        member("has the wrong length")
    } else if msg.starts_with("unknown variant") {
        let at = match path {
            Some(p) => format!("unknown variant at member `{p}`"),
            None => "unknown variant".to_owned(),
        };
        format!("{at}{}", expected(msg))
    } else if let Some(kind) = ["unknown field", "missing field", "duplicate field"]
        .into_iter()
        .find(|k| msg.starts_with(k))
    {
        let name = msg
            .get(kind.len()..)
            .and_then(|r| r.trim_start().strip_prefix('`'))
            .and_then(|r| r.bytes().position(|b| b == b'`').and_then(|i| r.get(..i)))
            .map_or("…", safe_name);
        match path {
            Some(p) if kind != "unknown field" && kind != "duplicate field" => {
                format!("{kind} `{name}` in member `{p}`")
            }
            _ if kind == "unknown field" => format!("{kind} `{name}`{}", expected(msg)),
            _ => format!("{kind} `{name}`"),
        }
    } else if msg.contains('"') || digit_run(msg) {
        // Not one of serde's texts and not plainly one of ours: it might quote something.
        member("is invalid")
    } else {
        // This crate's own fixed texts (a selector rule, an unsupported version, ...).
        member(&format!("is invalid: {msg}"))
    }
}

/// The `, expected ...` list serde appends (names from the schema, never input): the
/// last occurrence, which follows whatever the input held.
fn expected(msg: &str) -> &str {
    rfind(msg, ", expected ")
        .and_then(|i| msg.get(i..))
        .unwrap_or("")
}

/// A member name as it may appear in a message: short, and without a run of four or more
/// digits (which could be part of an identifier); `…` otherwise.
fn safe_name(name: &str) -> &str {
    if name.len() > 64 || digit_run(name) || name.chars().any(char::is_control) {
        "…"
    } else {
        name
    }
}

/// The last position of `pat` in `hay` (a plain byte scan: messages are short).
fn rfind(hay: &str, pat: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(pat.len())
        .rposition(|w| w == pat.as_bytes())
}

/// `msg` without serde_json's trailing ` at line L column C`.
fn without_position(msg: &str) -> &str {
    rfind(msg, " at line ")
        .and_then(|i| msg.get(..i))
        .unwrap_or(msg)
}

/// Whether `s` holds a run of four or more ASCII digits.
fn digit_run(s: &str) -> bool {
    let mut run = 0usize;
    s.chars().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run >= 4
    })
}

/// One open container while scanning.
enum Frame {
    Object { key: Option<String>, want_key: bool },
    Array { index: usize },
}

/// The path of the member whose value ends at (`line`, `column`) of `text`: where `serde_json`
/// reports a data error (just after the value it rejected). `None` at the top level. With
/// `drop_key`, a key read last (the rejected value itself) is left out.
fn member_at(text: &str, line: usize, column: usize, drop_key: bool) -> Option<String> {
    if line == 0 {
        return None;
    }
    // Byte offset of the position: start of the line plus the column.
    let start = if line == 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    let end = start.saturating_add(column).min(text.len());
    let prefix = text.as_bytes().get(..end)?;
    let mut stack: Vec<Frame> = Vec::new();
    let mut last_was_key = false;
    let mut i = 0;
    while let Some(&b) = prefix.get(i) {
        match b {
            b'"' => {
                // A string: to its closing quote (or the end of the prefix).
                let from = i + 1;
                let mut j = from;
                while let Some(&c) = prefix.get(j) {
                    match c {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                last_was_key = false;
                if let Some(Frame::Object { key, want_key }) = stack.last_mut() {
                    if *want_key {
                        let raw = prefix.get(from..j.min(prefix.len())).unwrap_or(&[]);
                        *key = Some(core::str::from_utf8(raw).unwrap_or("…").to_owned());
                        *want_key = false;
                        last_was_key = true;
                    }
                }
                i = j + 1;
                continue;
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                want_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { key, want_key }) => {
                    *key = None;
                    *want_key = true;
                }
                None => {}
            },
            b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
            _ => last_was_key = false,
        }
        if matches!(b, b'{' | b'[' | b'}' | b']' | b',') {
            last_was_key = false;
        }
        i += 1;
    }
    if drop_key && last_was_key {
        if let Some(Frame::Object { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(safe_name(k));
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        sub: String,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        n: Option<u8>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        role: Role,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "lowercase")]
    enum Role {
        Parent,
    }

    fn msg(text: &str) -> String {
        from_str::<Doc>(text).unwrap_err().to_string()
    }

    #[test]
    fn messages_name_members_never_values() {
        let cases = [
            (
                r#"{"sub": 234567890124}"#,
                "member `sub` has the wrong type at line 1 column 20",
            ),
            (
                r#"{"sub": "a", "items": [{"role": "parent"}, {"role": "Asha Devi"}]}"#,
                "unknown variant at member `items[1].role`, expected `parent` at line 1 column 63",
            ),
            (
                r#"{"sub": "a", "items": [{"role": "parent", "tags": ["x", 234567890124]}]}"#,
                "member `items[0].tags[1]` has the wrong type at line 1 column 68",
            ),
            (
                r#"{"sub": "a", "n": 234567890124}"#,
                "member `n` has an invalid value at line 1 column 30",
            ),
            (
                r#"{"sub": "a", "items": [{}]}"#,
                "missing field `role` in member `items[0]` at line 1 column 25",
            ),
            (
                r#"{"sub": "a", "extra": 1}"#,
                "unknown field `extra`, expected one of `sub`, `items`, `n` at line 1 column 20",
            ),
            (
                r#"{"sub": "a", "x234567890124": 1}"#,
                "unknown field `…`, expected one of `sub`, `items`, `n` at line 1 column 28",
            ),
            ("[1]", "member `[0]` has the wrong type at line 1 column 2"),
            (
                r#"{"sub": "a", "items": [{"role": 234567890124}]}"#,
                "member `items[0].role` has the wrong type at line 1 column 33",
            ),
            (
                "\"234567890124\"",
                "the document has the wrong type at line 1 column 14",
            ),
            (
                r#"{"sub": {"a": 234567890124}}"#,
                "member `sub` has the wrong type at line 1 column 8",
            ),
            (
                r#"{"sub": [234567890124]}"#,
                "member `sub` has the wrong type at line 1 column 8",
            ),
            (
                r#"{"sub": "a", "items": [{"role": {"Asha Devi": 234567890124}}]}"#,
                "unknown variant at member `items[0].role`, expected `parent` at line 1 column 44",
            ),
            ("{\"sub\": ", "EOF while parsing a value at line 1 column 8"),
        ];
        for (text, want) in cases {
            let got = msg(text);
            assert_eq!(got, want, "{text}");
            assert!(!got.contains("234567890124") && !got.contains("Asha"));
        }
    }

    #[test]
    fn values_are_described_without_position() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"sub": 3141592653589793238462643383279502884197169399375105820974944592}"#,
        )
        .unwrap();
        let e = from_value::<Doc>(&v).unwrap_err().to_string();
        assert!(e.contains("wrong type") && !e.contains("14159"), "{e}");
        let v = serde_json::json!({"sub": 234567890124_u64});
        let e = from_value::<Doc>(&v).unwrap_err();
        assert_eq!(e.to_string(), "member `sub` has the wrong type");
        assert_eq!((e.line, e.column), (0, 0));
    }
}
