//! Record filtering: only granted locations leave, each through its required transform.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thiserror::Error;

use super::selector::{PathStep, Segment, Selector};
use crate::error::{Code, HasCode};

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

/// Where in the record a transform is applied: the whole record as given to [`filter_record`]
/// (before filtering) and the concrete path of the location in it (original array indices).
///
/// A hook that needs context, such as a `shift` whose subject is another member of the record,
/// reads it here; the context is never copied into the output by the filter.
#[derive(Clone, Copy, Debug)]
pub struct Location<'a> {
    record: &'a Value,
    path: &'a [PathStep],
}

impl<'a> Location<'a> {
    /// A location in `record`.
    pub fn new(record: &'a Value, path: &'a [PathStep]) -> Self {
        Location { record, path }
    }

    /// The whole record, unfiltered.
    pub fn record(&self) -> &'a Value {
        self.record
    }

    /// The concrete path of the location in [`Location::record`].
    pub fn path(&self) -> &'a [PathStep] {
        self.path
    }
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

    /// As [`TransformHook::apply`], knowing where the value is ([`Location`]).
    /// [`filter_record`] calls this; the default ignores the location.
    fn apply_at(
        &self,
        transform: &str,
        selector: &Selector,
        value: &Value,
        at: Location<'_>,
    ) -> Result<Value, HookError> {
        let _ = at;
        self.apply(transform, selector, value)
    }
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
        record,
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
    Ok(f.node(record, &fa, &ta, false, &mut Vec::new())?
        .unwrap_or(empty))
}

/// Active selectors at a node: (index into the list, number of segments already matched).
type Active = Vec<(usize, usize)>;

struct Filter<'a> {
    record: &'a Value,
    fields: &'a [Selector],
    transforms: Vec<(&'a Selector, &'a str)>,
    hook: &'a dyn TransformHook,
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
    /// `whole`: an ancestor is granted entirely; `path`: where `v` is in the record.
    fn node(
        &self,
        v: &Value,
        fa: &[(usize, usize)],
        ta: &[(usize, usize)],
        whole: bool,
        path: &mut Vec<PathStep>,
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
                        path.push(PathStep::Key(k.clone()));
                        let x = self.node(cv, &cfa, &cta, whole, path)?;
                        path.pop();
                        if let Some(x) = x {
                            o.insert(k.clone(), x);
                        }
                    }
                    (whole || !o.is_empty()).then_some(Value::Object(o))
                }
                Value::Array(a) => {
                    let mut o = Vec::new();
                    for (idx, cv) in a.iter().enumerate() {
                        let key = |s: &Segment| s.matches_index(idx);
                        let cfa = if whole {
                            Vec::new()
                        } else {
                            advance(fa, |i| self.field(i), key)
                        };
                        let cta = advance(ta, |i| self.transform(i), key);
                        path.push(PathStep::Index(idx));
                        let x = self.node(cv, &cfa, &cta, whole, path)?;
                        path.pop();
                        if let Some(x) = x {
                            o.push(x);
                        }
                    }
                    (whole || !o.is_empty()).then_some(Value::Array(o))
                }
                scalar => whole.then(|| scalar.clone()),
            }
        };
        match (out, exact) {
            (Some(val), Some((sel, id))) => self.apply(sel, id, &val, path),
            (out, _) => Ok(out),
        }
    }

    fn apply(
        &self,
        sel: &Selector,
        id: &str,
        val: &Value,
        path: &[PathStep],
    ) -> Result<Option<Value>, FilterError> {
        if id == DROP {
            return Ok(None);
        }
        match self
            .hook
            .apply_at(id, sel, val, Location::new(self.record, path))
        {
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
