//! What to do with a record or row holding a value that cannot be transformed ([`OnError`]),
//! applied by the core so that every face (CLI `--on-error`, C, npm) behaves alike.

use serde_json::Value;

use super::csv_plan::CsvPlan;
use super::engine::{find_key, Pseudonymiser};
use super::error::PseudoError;
use crate::scope::{Segment, Selector};

/// What to do with a record or row holding a value that cannot be transformed (the CLI's
/// `--on-error`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnError {
    /// Refuse the record: the caller stops at it (the CLI leaves no output).
    #[default]
    Fail,
    /// Refuse the record: the caller leaves it out and goes on.
    SkipRow,
    /// Empty (CSV) or set to `null` (JSON) each failing value, and keep the record; an error
    /// that names no field (or a field with no location in the record) still refuses it.
    NullField,
}

impl OnError {
    /// Every mode.
    pub const ALL: &'static [OnError] = &[OnError::Fail, OnError::SkipRow, OnError::NullField];

    /// The stable name: `fail`, `skip-row`, `null-field`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OnError::Fail => "fail",
            OnError::SkipRow => "skip-row",
            OnError::NullField => "null-field",
        }
    }

    /// The mode with the given stable name.
    pub fn from_name(name: &str) -> Option<OnError> {
        OnError::ALL.iter().copied().find(|m| m.as_str() == name)
    }
}

/// A record or row transformed under an [`OnError`] mode.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Applied<T> {
    /// The transformed (or restored) record or row.
    pub output: T,
    /// How many values of the input were transformed: the non-null values at the policy's
    /// selectors (JSON) or the non-empty cells of the columns it names (CSV), emptied ones
    /// excepted.
    pub values: u64,
    /// The errors whose value was emptied or nulled ([`OnError::NullField`]), in order: each
    /// names its field, never the value. Empty in the other modes.
    pub nulled: Vec<PseudoError>,
}

impl<T> Applied<T> {
    /// The same outcome with its output converted (e.g. a record to its JSON text).
    pub fn map_output<U>(self, f: impl FnOnce(T) -> U) -> Applied<U> {
        Applied {
            output: f(self.output),
            values: self.values,
            nulled: self.nulled,
        }
    }
}

/// A policy key as a record selector: a key starting with `/` is one, any other key one
/// literal step (`name` is `/name`). `None` when it does not parse.
pub(super) fn field_selector(name: &str) -> Option<Selector> {
    if name.starts_with('/') {
        Selector::parse(name).ok()
    } else {
        Selector::parse(&format!("/{}", name.replace('~', "~0").replace('/', "~1"))).ok()
    }
}

/// Whether `seg` selects array element `i`.
fn selects_index(seg: &Segment, i: usize) -> bool {
    match seg {
        Segment::Any => true,
        Segment::Key(k) => *k == i.to_string(),
    }
}

/// Sets every value at `segs` in `v` to null.
fn null_at(v: &mut Value, segs: &[Segment]) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    let children: Vec<&mut Value> = match v {
        Value::Object(m) => m
            .iter_mut()
            .filter(|(k, _)| first.matches(k))
            .map(|(_, c)| c)
            .collect(),
        Value::Array(a) => a
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| selects_index(first, *i))
            .map(|(_, c)| c)
            .collect(),
        _ => Vec::new(),
    };
    for c in children {
        if rest.is_empty() {
            *c = Value::Null;
        } else {
            null_at(c, rest);
        }
    }
}

/// Counts the non-null values at `segs` in `v`.
fn count_at(v: &Value, segs: &[Segment]) -> u64 {
    let Some((first, rest)) = segs.split_first() else {
        return u64::from(!v.is_null());
    };
    match v {
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| first.matches(k))
            .map(|(_, c)| count_at(c, rest))
            .sum(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .filter(|(i, _)| selects_index(first, *i))
            .map(|(_, c)| count_at(c, rest))
            .sum(),
        _ => 0,
    }
}

impl Pseudonymiser {
    /// The non-null values at the policy's selectors in `record`.
    fn count_values(&self, record: &Value) -> u64 {
        self.selectors
            .iter()
            .map(|s| count_at(record, s.segments()))
            .sum()
    }

    /// Applies the policy to a JSON record ([`Pseudonymiser::apply_json`]), or with `reverse`
    /// restores it ([`Pseudonymiser::reverse_json`]), following `on_error`. With
    /// [`OnError::Fail`] and [`OnError::SkipRow`] an error is returned as it is. With
    /// [`OnError::NullField`] the values at the failing field's selector are set to `null`
    /// and the record is tried again, once per field at most; the error that remains when a
    /// field cannot be nulled (or the attempts run out) is returned.
    ///
    /// ```
    /// use consentry::pseudo::{MasterKey, OnError, Policy, Pseudonymiser};
    /// let policy = Policy::from_json(r#"{"domain": "d", "unlisted": "keep",
    ///   "fields": {"aadhaar": {"type": "aadhaar", "transform": "pseudonym"}}}"#).unwrap();
    /// let ps = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"an example key, never use it! 32")).unwrap();
    /// let rec = serde_json::json!({"aadhaar": "not a number", "x": 1});
    /// assert!(ps.apply_json_on_error(&rec, false, OnError::SkipRow).is_err());
    /// let done = ps.apply_json_on_error(&rec, false, OnError::NullField).unwrap();
    /// assert_eq!(done.output, serde_json::json!({"aadhaar": null, "x": 1}));
    /// assert_eq!((done.values, done.nulled[0].field()), (0, Some("aadhaar")));
    /// ```
    pub fn apply_json_on_error(
        &self,
        record: &Value,
        reverse: bool,
        on_error: OnError,
    ) -> Result<Applied<Value>, PseudoError> {
        let apply = |r: &mut Value| {
            if reverse {
                self.reverse_json(r)
            } else {
                self.apply_json(r)
            }
        };
        let mut output = record.clone();
        let err = match apply(&mut output) {
            Ok(()) => {
                return Ok(Applied {
                    output,
                    values: self.count_values(record),
                    nulled: Vec::new(),
                })
            }
            Err(e) if on_error != OnError::NullField => return Err(e),
            Err(e) => e,
        };
        let mut base = record.clone();
        let mut nulled = Vec::new();
        let mut err = err;
        for _ in 0..=self.policy.fields().len() {
            let Some(sel) = err.field().and_then(field_selector) else {
                break;
            };
            null_at(&mut base, sel.segments());
            let mut again = base.clone();
            let result = apply(&mut again);
            nulled.push(err);
            match result {
                Ok(()) => {
                    return Ok(Applied {
                        output: again,
                        values: self.count_values(&base),
                        nulled,
                    })
                }
                Err(e) => err = e,
            }
        }
        Err(err)
    }
}

impl<P: core::ops::Deref<Target = Pseudonymiser>> CsvPlan<P> {
    /// Transforms (or, planned for reversal, restores) one row ([`CsvPlan::apply_row`]),
    /// following `on_error`. With [`OnError::Fail`] and [`OnError::SkipRow`] an error is
    /// returned as it is. With [`OnError::NullField`] the cell of the failing field (the
    /// column of that name, or of the policy key it folds to) is emptied (empty cells are "no
    /// value") and the row is tried again, once per cell at most; the error that remains when
    /// no cell can be emptied (or the attempts run out) is returned.
    pub fn apply_row_on_error<T: AsRef<str>>(
        &self,
        row: &[T],
        on_error: OnError,
    ) -> Result<Applied<Vec<String>>, PseudoError> {
        let mut output = Vec::with_capacity(self.header().len());
        let done = self.apply_row_on_error_into(row, on_error, &mut output)?;
        Ok(done.map_output(|()| output))
    }

    /// [`CsvPlan::apply_row_on_error`] into `out`, reusing its strings as
    /// [`CsvPlan::apply_row_into`] does: on success `out` is the output row; on error its
    /// contents are unspecified.
    pub fn apply_row_on_error_into<T: AsRef<str>>(
        &self,
        row: &[T],
        on_error: OnError,
        out: &mut Vec<String>,
    ) -> Result<Applied<()>, PseudoError> {
        let values = self
            .listed
            .iter()
            .filter(|&&i| row.get(i).is_some_and(|c| !c.as_ref().is_empty()))
            .count() as u64;
        let err = match self.apply_row_into(row, out) {
            Ok(()) => {
                return Ok(Applied {
                    output: (),
                    values,
                    nulled: Vec::new(),
                })
            }
            Err(e) if on_error != OnError::NullField => return Err(e),
            Err(e) => e,
        };
        let mut row: Vec<String> = row.iter().map(|c| c.as_ref().to_owned()).collect();
        let mut nulled = Vec::new();
        let mut err = err;
        for _ in 0..=row.len() {
            let col = err.field().and_then(|f| find_key(&self.positions, f));
            let Some(cell) = col.and_then(|c| row.get_mut(c)) else {
                break;
            };
            cell.clear();
            nulled.push(err);
            match self.apply_row_into(&row, out) {
                Ok(()) => {
                    return Ok(Applied {
                        output: (),
                        values: values.saturating_sub(nulled.len() as u64),
                        nulled,
                    })
                }
                Err(e) => err = e,
            }
        }
        Err(err)
    }
}
