//! The pseudonymiser as the transform hook of record filtering: a permit's required transforms
//! are applied with the policy's keys, types and parameters, exactly as
//! [`Pseudonymiser::apply_json`] applies them, so the same record gives the same bytes.

use serde_json::Value;

use super::json::{leaf_text, subject_of};
use super::policy::{FieldRule, TransformSpec};
use super::{PseudoError, Pseudonymiser};
use crate::scope::{HookError, Location, Selector, TransformHook};

fn failed(e: &PseudoError) -> HookError {
    HookError::Failed {
        reason: e.to_string(),
    }
}

impl Pseudonymiser {
    /// Transforms `value` at a location through `rule`, as `apply_json` does: `null` and `""`
    /// are no value and stay as they are; a `shift` reads its subject from `at` (the whole,
    /// unfiltered record), or is [`PseudoError::SubjectRequired`] without one.
    fn hook_value(
        &self,
        rule: &FieldRule,
        transform: &str,
        selector: &Selector,
        value: &Value,
        at: Option<Location<'_>>,
    ) -> Result<Value, HookError> {
        if rule.transform_id() != transform {
            return Err(HookError::Failed {
                reason: format!(
                    "the policy applies `{}` at `{selector}`, the permit requires `{transform}`",
                    rule.transform_id()
                ),
            });
        }
        if rule.transform == TransformSpec::Keep {
            return Ok(value.clone());
        }
        let Some(text) = leaf_text(rule, value).map_err(|e| failed(&e))? else {
            return Ok(value.clone());
        };
        let out = match (&rule.transform, at) {
            (TransformSpec::Shift(s), Some(at)) => {
                let subject = subject_of(at.record(), rule, s, at.path())
                    .map_err(|e| failed(&e))?
                    .ok_or_else(|| {
                        failed(&PseudoError::MissingSubject {
                            field: rule.name().to_owned(),
                        })
                    })?;
                self.transform_shift(rule.name(), &text, &subject)
            }
            _ => self.transform_value(rule.name(), &text),
        };
        match out.map_err(|e| failed(&e))? {
            Some(out) => Ok(Value::String(out)),
            None => Ok(Value::Null),
        }
    }
}

impl TransformHook for Pseudonymiser {
    /// Applies `transform` through the policy rule whose selector equals `selector`. Without
    /// the location a `shift` has no subject (`apply_at` has one).
    fn apply(
        &self,
        transform: &str,
        selector: &Selector,
        value: &Value,
    ) -> Result<Value, HookError> {
        let rule = self
            .policy()
            .fields()
            .iter()
            .find(|r| r.selector == *selector)
            .ok_or(HookError::Unsupported)?;
        self.hook_value(rule, transform, selector, value, None)
    }

    /// Applies `transform` to the value at `at` through the policy rule that selects that
    /// location (the rule `apply_json` would use there). The rule must name the same transform
    /// the permit requires (a policy that would apply a different one, or none, is an error:
    /// nothing is passed through untransformed). A `shift` takes its subject from the record, at
    /// the policy's `subject` selector bound to this location, as `apply_json` does.
    fn apply_at(
        &self,
        transform: &str,
        selector: &Selector,
        value: &Value,
        at: Location<'_>,
    ) -> Result<Value, HookError> {
        let rule = self
            .policy()
            .fields()
            .iter()
            .find(|r| r.selector.selects(at.path()))
            .ok_or(HookError::Unsupported)?;
        self.hook_value(rule, transform, selector, value, Some(at))
    }
}
