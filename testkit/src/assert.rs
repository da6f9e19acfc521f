//! Checks on JSON answers shared by several faces.

use serde_json::Value;

/// The `code` of each reason in a decision's `reasons` array, in order. Panics when `reasons` is
/// not an array of objects with a string `code`: a decision must have that shape.
pub fn reason_codes(reasons: &Value) -> Vec<&str> {
    reasons
        .as_array()
        .expect("`reasons` is an array")
        .iter()
        .map(|r| {
            r.get("code")
                .and_then(Value::as_str)
                .expect("every reason has a string `code`")
        })
        .collect()
}
