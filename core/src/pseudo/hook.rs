//! The pseudonymiser as the transform hook of record filtering: a permit's required transforms
//! are applied with the policy's keys, types and parameters.

use serde_json::Value;

use super::Pseudonymiser;
use crate::scope::{HookError, Selector, TransformHook};

/// The policy key of a field rule as a selector: `/a/b` as is, a bare `name` as `/name`.
fn rule_selector(name: &str) -> Option<Selector> {
    if name.starts_with('/') {
        Selector::parse(name).ok()
    } else {
        Selector::parse(&format!("/{}", name.replace('~', "~0").replace('/', "~1"))).ok()
    }
}

impl TransformHook for Pseudonymiser {
    /// Applies `transform` to a value at `selector` through the policy rule for that selector.
    /// The rule must name the same transform the permit requires (a policy that would apply a
    /// different one, or none, is an error: nothing is passed through untransformed).
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
            .find(|r| rule_selector(r.name()).as_ref() == Some(selector))
            .ok_or(HookError::Unsupported)?;
        if rule.transform_id() != transform {
            return Err(HookError::Failed {
                reason: format!(
                    "the policy applies `{}` at `{selector}`, the permit requires `{transform}`",
                    rule.transform_id()
                ),
            });
        }
        let text = match value {
            Value::Null => return Ok(Value::Null),
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                return Err(HookError::Failed {
                    reason: format!("the value at `{selector}` is not a string or number"),
                })
            }
        };
        match self.transform_value(rule.name(), &text) {
            Ok(Some(out)) => Ok(Value::String(out)),
            Ok(None) => Ok(Value::Null),
            Err(e) => Err(HookError::Failed {
                reason: e.to_string(),
            }),
        }
    }
}
