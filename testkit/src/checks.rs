//! Checks on JSON answers shared by several faces.

use serde_json::Value;

/// The `code` of each reason in a decision's `reasons` array, in order; none when `reasons` is
/// absent (`null`). Panics on any other shape than an array of objects with a string `code`.
pub fn reason_codes(reasons: &Value) -> Vec<&str> {
    if reasons.is_null() {
        return Vec::new();
    }
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
