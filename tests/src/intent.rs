//! What a corpus case must give, written by hand beside the case and checked against every
//! response (the generator's and every face's replay).
//!
//! An intent states outcomes, never message texts: `ok` with the facts that matter, the exact
//! error code, the exact set of deny reason codes, or a permit's fields, transforms and
//! `eraseBy`. Its JSON form (stored as each case's `intent` in `corpus.json`) is read by the
//! C and npm replays, which implement the same small check:
//!
//! ```json
//! {"outcome": "ok", "facts": [{"is": ["/claims/sub", "pp-1"]}, {"absent": "/record/notes"},
//!                             {"not": ["/record/aadhaar", "234567890124"]}, {"prefix": ["/record/t", "t1."]}]}
//! {"outcome": "error", "code": "expired"}
//! {"outcome": "deny", "codes": ["expired", "status_unknown"]}
//! {"outcome": "permit", "fields": ["/name"], "transforms": {"/name": "pseudonym"}, "eraseBy": 1780358400}
//! ```
//!
//! Pointers of facts are JSON pointers into the envelope's `result`. Deny codes are compared as
//! a set (sorted), permit fields too: their order is byte-level detail, not intent.

use std::collections::BTreeMap;

use consentry::purpose::ReasonCode;
use consentry::Code;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One fact about a successful result, at a JSON pointer into `result`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub enum Fact {
    /// The member equals the value.
    Is(String, Value),
    /// The member is present and differs from the value.
    Not(String, Value),
    /// The member is a string beginning with the text.
    Prefix(String, String),
    /// There is no such member.
    Absent(String),
}

/// The intended outcome of one corpus case.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", tag = "outcome", deny_unknown_fields)]
pub enum Intent {
    /// `{"ok": true}` and every fact holds in `result`.
    Ok {
        /// What must hold.
        facts: Vec<Fact>,
    },
    /// `{"ok": false}` with exactly this error code.
    Error {
        /// The stable code.
        code: String,
    },
    /// A decision `{"allowed": false}` whose reasons have exactly these codes (as a set).
    Deny {
        /// The reason codes, sorted.
        codes: Vec<String>,
    },
    /// A decision `{"allowed": true}` with exactly these fields, transforms and `eraseBy`.
    Permit {
        /// The granted fields, sorted.
        fields: Vec<String>,
        /// Required transforms by field.
        transforms: BTreeMap<String, String>,
        /// When the data must be erased.
        #[serde(rename = "eraseBy")]
        erase_by: i64,
    },
}

/// `ok` with facts.
pub fn ok(facts: Vec<Fact>) -> Intent {
    Intent::Ok { facts }
}

/// The error `code`.
pub fn err(code: Code) -> Intent {
    Intent::Error {
        code: code.as_str().to_owned(),
    }
}

/// A denial with exactly these reasons.
pub fn deny(codes: &[ReasonCode]) -> Intent {
    let mut codes: Vec<String> = codes.iter().map(|c| c.as_str().to_owned()).collect();
    codes.sort();
    Intent::Deny { codes }
}

/// A permit of exactly these fields and transforms, to be erased by `erase_by`.
pub fn permit(fields: &[&str], transforms: &[(&str, &str)], erase_by: i64) -> Intent {
    let mut fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    fields.sort();
    Intent::Permit {
        fields,
        transforms: transforms
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        erase_by,
    }
}

/// The member at `at` equals `v`.
pub fn is(at: &str, v: impl Into<Value>) -> Fact {
    Fact::Is(at.to_owned(), v.into())
}

/// The member at `at` is present and is not `v`.
pub fn not(at: &str, v: impl Into<Value>) -> Fact {
    Fact::Not(at.to_owned(), v.into())
}

/// The member at `at` is a string starting with `p`.
pub fn prefix(at: &str, p: &str) -> Fact {
    Fact::Prefix(at.to_owned(), p.to_owned())
}

/// No member at `at`.
pub fn absent(at: &str) -> Fact {
    Fact::Absent(at.to_owned())
}

/// How a response envelope reads, in the intent's terms (for messages).
pub fn describe(response: &Value) -> String {
    match response.get("ok") {
        Some(Value::Bool(false)) => format!(
            "error `{}`",
            response
                .pointer("/error/code")
                .and_then(Value::as_str)
                .unwrap_or("?")
        ),
        Some(Value::Bool(true)) => match response.pointer("/result/allowed") {
            Some(Value::Bool(false)) => format!("deny {:?}", reason_codes(response)),
            Some(Value::Bool(true)) => format!(
                "permit {}",
                response.get("result").cloned().unwrap_or(Value::Null)
            ),
            _ => "ok".to_owned(),
        },
        _ => format!("not an envelope: {response}"),
    }
}

fn reason_codes(response: &Value) -> Vec<String> {
    let mut codes: Vec<String> = response
        .pointer("/result/reasons")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("code").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes
}

impl Intent {
    /// Checks a response envelope (`{"ok": ..}`) against the intent; the error names the
    /// difference.
    pub fn check(&self, response: &Value) -> Result<(), String> {
        let ok = response.get("ok").and_then(Value::as_bool);
        let result = response.get("result").cloned().unwrap_or(Value::Null);
        let wrong = |want: String| Err(format!("intended {want}, got {}", describe(response)));
        match self {
            Intent::Error { code } => {
                if ok == Some(false)
                    && response.pointer("/error/code").and_then(Value::as_str) == Some(code)
                {
                    Ok(())
                } else {
                    wrong(format!("error `{code}`"))
                }
            }
            Intent::Deny { codes } => {
                if ok == Some(true)
                    && result.get("allowed") == Some(&Value::Bool(false))
                    && reason_codes(response) == *codes
                {
                    Ok(())
                } else {
                    wrong(format!("deny {codes:?}"))
                }
            }
            Intent::Permit {
                fields,
                transforms,
                erase_by,
            } => {
                let mut got_fields: Vec<String> = result
                    .get("fields")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                got_fields.sort();
                if ok == Some(true)
                    && result.get("allowed") == Some(&Value::Bool(true))
                    && got_fields == *fields
                    && result.get("transforms") == Some(&json!(transforms))
                    && result.get("eraseBy") == Some(&json!(erase_by))
                {
                    Ok(())
                } else {
                    wrong(format!(
                        "permit of {fields:?} with transforms {transforms:?}, eraseBy {erase_by}"
                    ))
                }
            }
            Intent::Ok { facts } => {
                if ok != Some(true) {
                    return wrong("ok".to_owned());
                }
                for f in facts {
                    check_fact(f, &result)?;
                }
                Ok(())
            }
        }
    }

    /// The outcome in one line, for the corpus README.
    pub fn summary(&self) -> String {
        match self {
            Intent::Ok { facts } => {
                let shown: Vec<String> = facts.iter().take(4).map(Fact::summary).collect();
                let more = facts.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(", {more} more")
                } else {
                    String::new()
                };
                format!("ok: {}{tail}", shown.join(", "))
            }
            Intent::Error { code } => format!("error `{code}`"),
            Intent::Deny { codes } => format!("deny `{}`", codes.join("`, `")),
            Intent::Permit { fields, .. } => format!("permit `{}`", fields.join("`, `")),
        }
    }
}

impl Fact {
    /// The fact in a few words, for the corpus README (`|` escaped for its table).
    pub fn summary(&self) -> String {
        let s = match self {
            Fact::Is(at, v) => format!("`{at}` = `{v}`"),
            Fact::Not(at, v) => format!("`{at}` \u{2260} `{v}`"),
            Fact::Prefix(at, p) => format!("`{at}` starts `{p}`"),
            Fact::Absent(at) => format!("no `{at}`"),
        };
        s.replace('|', "\\|")
    }
}

fn check_fact(f: &Fact, result: &Value) -> Result<(), String> {
    let (at, holds, want) = match f {
        Fact::Is(at, v) => (at, result.pointer(at) == Some(v), format!("= {v}")),
        Fact::Not(at, v) => (
            at,
            result.pointer(at).is_some_and(|g| g != v),
            format!("present and != {v}"),
        ),
        Fact::Prefix(at, p) => (
            at,
            result
                .pointer(at)
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with(p.as_str())),
            format!("a string starting with {p:?}"),
        ),
        Fact::Absent(at) => (at, result.pointer(at).is_none(), "absent".to_owned()),
    };
    if holds {
        Ok(())
    } else {
        Err(format!(
            "intended `{at}` {want}, got {}",
            result
                .pointer(at)
                .map_or_else(|| "nothing".to_owned(), Value::to_string)
        ))
    }
}
