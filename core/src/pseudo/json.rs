//! A policy applied to JSON records: selected values transformed, `drop` fields removed,
//! unlisted members pruned; and their reversal.

use serde_json::Value;

use super::engine::Pseudonymiser;
use super::error::PseudoError;
use super::names::fold_column_name;
use super::policy::{FieldRule, ShiftSpec, TransformSpec, Unlisted};
use crate::scope::{index_of, PathStep as Step, Segment as Seg};

impl Pseudonymiser {
    /// Applies the policy to one JSON record in place: every selected value is transformed,
    /// `drop` fields are removed, and with `"unlisted": "drop"` everything no selector reaches
    /// is removed too. Selectors that match nothing are skipped; `null` and `""` are left as
    /// they are (no value to transform). Outputs are JSON strings. On error the record may be
    /// partly transformed and must be discarded.
    pub fn apply_json(&self, record: &mut Value) -> Result<(), PseudoError> {
        if self.policy.unlisted() == Unlisted::Keep {
            for (rule, steps) in self.policy.fields().iter().zip(&self.folded_steps) {
                near_miss_key(record, rule.selector.segments(), steps, rule)?;
            }
        }
        let mut jobs: Vec<(usize, Vec<Step>, Option<String>)> = Vec::new();
        let mut drops: Vec<Vec<Step>> = Vec::new();
        for (i, rule) in self.policy.fields().iter().enumerate() {
            for path in rule.selector.locate(record) {
                if rule.transform == TransformSpec::Keep {
                    continue;
                }
                if rule.transform == TransformSpec::Drop {
                    drops.push(path);
                    continue;
                }
                let Some(v) = get_path(record, &path) else {
                    continue;
                };
                if leaf_text(rule, v)?.is_none() {
                    continue;
                }
                let subject = match &rule.transform {
                    TransformSpec::Shift(s) => {
                        Some(subject_of(record, rule, s, &path)?.ok_or_else(|| {
                            PseudoError::MissingSubject {
                                field: rule.name.clone(),
                            }
                        })?)
                    }
                    _ => None,
                };
                jobs.push((i, path, subject));
            }
        }
        for (i, path, subject) in jobs {
            let Some(rule) = self.policy.fields().get(i) else {
                continue;
            };
            let Some(v) = get_path_mut(record, &path) else {
                continue;
            };
            let Some(text) = leaf_text(rule, v)? else {
                continue;
            };
            if let Some(out) = self.apply_rule(rule, &text, subject.as_deref())? {
                *v = Value::String(out);
            }
        }
        drops.sort();
        for path in drops.iter().rev() {
            remove_path(record, path);
        }
        if self.policy.unlisted() == Unlisted::Drop {
            let sels: Vec<&[Seg]> = self
                .policy
                .fields()
                .iter()
                .map(|f| f.selector.segments())
                .collect();
            prune(record, &sels);
        }
        Ok(())
    }

    /// Reverses every `token` and `ff1` field of a pseudonymised JSON record in place, to the
    /// canonical values; everything else is left as it is. A key that is a near miss of a
    /// policy key ([`fold_column_name`]) is refused ([`PseudoError::ColumnNearMiss`]), as in a
    /// forward run with `"unlisted": "keep"`.
    pub fn reverse_json(&self, record: &mut Value) -> Result<(), PseudoError> {
        // Everything not restored is kept: a near-miss key is refused as in a forward run.
        for (rule, steps) in self.policy.fields().iter().zip(&self.folded_steps) {
            near_miss_key(record, rule.selector.segments(), steps, rule)?;
        }
        for rule in self.policy.fields().iter().filter(|r| r.is_reversible()) {
            for path in rule.selector.locate(record) {
                let Some(v) = get_path_mut(record, &path) else {
                    continue;
                };
                if let Some(text) = leaf_text(rule, v)? {
                    *v = Value::String(self.reverse_rule(rule, &text)?);
                }
            }
        }
        Ok(())
    }
}

// ----- JSON walking -----

/// Refuses an object key on the way along `segs` that is not the selector's literal step but
/// folds to it ([`fold_column_name`]): with `"unlisted": "keep"` its value would pass through
/// untransformed. `folded` holds the folded literal of each step.
fn near_miss_key(
    v: &Value,
    segs: &[Seg],
    folded: &[Option<String>],
    rule: &FieldRule,
) -> Result<(), PseudoError> {
    let (Some((seg, rest)), Some((fold, fold_rest))) = (segs.split_first(), folded.split_first())
    else {
        return Ok(());
    };
    match (seg, v) {
        (Seg::Key(x), Value::Object(m)) => {
            if let Some(fx) = fold {
                if let Some(k) = m.keys().find(|k| *k != x && folds_to(k, fx)) {
                    return Err(PseudoError::ColumnNearMiss {
                        column: k.clone(),
                        field: rule.name.clone(),
                    });
                }
            }
            match m.get(x) {
                Some(child) => near_miss_key(child, rest, fold_rest, rule),
                None => Ok(()),
            }
        }
        (Seg::Key(x), Value::Array(a)) => match index_of(x).and_then(|i| a.get(i)) {
            Some(child) => near_miss_key(child, rest, fold_rest, rule),
            None => Ok(()),
        },
        (Seg::Any, Value::Object(m)) => m
            .values()
            .try_for_each(|c| near_miss_key(c, rest, fold_rest, rule)),
        (Seg::Any, Value::Array(a)) => a
            .iter()
            .try_for_each(|c| near_miss_key(c, rest, fold_rest, rule)),
        _ => Ok(()),
    }
}

/// Whether [`fold_column_name`]`(key) == folded`, without allocating for ASCII keys (most of
/// them): white space dropped, letters lower-cased, compared byte by byte.
fn folds_to(key: &str, folded: &str) -> bool {
    if key.is_ascii() {
        let mut k = key
            .bytes()
            .filter(|b| *b != b' ' && !b.is_ascii_control())
            .map(|b| b.to_ascii_lowercase());
        let mut f = folded.bytes();
        loop {
            match (k.next(), f.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
    fold_column_name(key) == folded
}

/// The text of a JSON leaf: `None` for null and `""` (nothing to transform), an error for
/// objects, arrays and booleans.
pub(super) fn leaf_text(rule: &FieldRule, v: &Value) -> Result<Option<String>, PseudoError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => Err(PseudoError::UnsupportedValue {
            field: rule.name.clone(),
        }),
    }
}

fn get_path<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(v, |cur, step| match (step, cur) {
        (Step::Key(k), Value::Object(m)) => m.get(k),
        (Step::Index(i), Value::Array(a)) => a.get(*i),
        _ => None,
    })
}

fn get_path_mut<'v>(v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |cur, step| match (step, cur) {
        (Step::Key(k), Value::Object(m)) => m.get_mut(k),
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

fn remove_path(v: &mut Value, path: &[Step]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match (last, get_path_mut(v, parent)) {
        (Step::Key(k), Some(Value::Object(m))) => {
            m.remove(k);
        }
        (Step::Index(i), Some(Value::Array(a))) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// The subject value for a `shift` target at `path`: the subject selector with its `*` steps
/// bound, in order, to the target's wildcard steps. `Ok(None)` when absent, null or empty.
pub(super) fn subject_of(
    record: &Value,
    rule: &FieldRule,
    s: &ShiftSpec,
    path: &[Step],
) -> Result<Option<String>, PseudoError> {
    let Some(cur) = s.subject.bind(record, &rule.selector, path) else {
        return Ok(None);
    };
    match cur {
        Value::Null => Ok(None),
        Value::String(x) if x.is_empty() => Ok(None),
        Value::String(x) => Ok(Some(x.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(PseudoError::UnsupportedValue {
            field: s.subject_name.clone(),
        }),
    }
}

/// Removes everything no selector reaches (`"unlisted": "drop"`). A node reached by a complete
/// selector is kept whole; containers on the way to a selector are kept (possibly emptied).
fn prune(v: &mut Value, sels: &[&[Seg]]) {
    fn next<'s>(sels: &[&'s [Seg]], key: &str) -> Vec<&'s [Seg]> {
        sels.iter()
            .filter_map(|s| match s.split_first() {
                Some((Seg::Key(x), rest)) if x == key => Some(rest),
                Some((Seg::Any, rest)) => Some(rest),
                _ => None,
            })
            .collect()
    }
    fn keep(child: &mut Value, sub: &[&[Seg]]) -> bool {
        if sub.is_empty() {
            return false;
        }
        if sub.iter().any(|s| s.is_empty()) {
            return true;
        }
        match child {
            Value::Object(_) | Value::Array(_) => {
                prune(child, sub);
                true
            }
            _ => false,
        }
    }
    match v {
        Value::Object(m) => m.retain(|k, child| keep(child, &next(sels, k))),
        Value::Array(a) => {
            let mut i = 0usize;
            a.retain_mut(|child| {
                let k = i.to_string();
                i += 1;
                keep(child, &next(sels, &k))
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fold_comparison_agrees_with_the_fold() {
        for (k, f) in [
            ("Aa B\t", "aab"),
            ("\u{b}X\r\n", "x"),
            ("ab", "abc"),
            ("abc", "ab"),
            ("a_b", "ab"),
            ("\u{430}b", "ab"),
            ("a\u{7f}b\u{1}", "ab"),
            ("a\u{0}B", "ab"),
        ] {
            assert_eq!(folds_to(k, f), fold_column_name(k) == f, "{k:?}");
        }
    }
}
