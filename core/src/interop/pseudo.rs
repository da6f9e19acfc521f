//! `pseudonymise`: a policy applied to (or reversed on) a value, a record or CSV rows.

use serde::{Deserialize, Serialize};

use super::{ErrorBody, RecordResponse};
use crate::error::Code;
use crate::pseudo::PseudoError;
use crate::Pseudonymiser;

/// A policy given either as a JSON object or as JSON text (a JSON string holding it).
pub fn policy_of(policy: &serde_json::Value) -> Result<crate::Policy, ErrorBody> {
    let text = match policy {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    crate::Policy::from_json(&text).map_err(|e| ErrorBody::from_error(&e))
}

/// A pseudonymiser from a policy (a JSON object or JSON text) and a hex master key: the
/// request form. Bindings holding typed values build one with [`Pseudonymiser::new`].
pub fn pseudonymiser(
    policy: &serde_json::Value,
    master_key_hex: &str,
) -> Result<Pseudonymiser, ErrorBody> {
    let policy = policy_of(policy)?;
    let key = crate::MasterKey::from_hex(master_key_hex).map_err(|e| ErrorBody::from_error(&e))?;
    Pseudonymiser::new(&policy, &key).map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `pseudonymise`: exactly one of `value` (with `field`), `record` or `csv`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PseudonymiseRequest {
    /// The policy (JSON object or text).
    pub policy: serde_json::Value,
    /// The 32-byte master key as 64 hex digits. Never echoed.
    pub master_key: String,
    /// Undo `token` and `ff1` instead of applying the policy.
    #[serde(default)]
    pub reverse: bool,
    /// The policy field of `value`.
    #[serde(default)]
    pub field: Option<String>,
    /// One value.
    #[serde(default)]
    pub value: Option<String>,
    /// One JSON record.
    #[serde(default)]
    pub record: Option<serde_json::Value>,
    /// CSV rows with their header.
    #[serde(default)]
    pub csv: Option<CsvRows>,
}

/// CSV rows with their header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvRows {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// Response of `pseudonymise`: the shape follows the request's input.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PseudonymiseResponse {
    /// For `field` with `value`.
    Value(ValueResponse),
    /// For `record`.
    Record(RecordResponse),
    /// For `csv`.
    Csv(CsvResponse),
}

/// `pseudonymise` of one value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueResponse {
    /// The pseudonym, token or masked form; `null` when the policy drops the field.
    pub value: Option<String>,
}

/// `pseudonymise` of CSV rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CsvResponse {
    /// The rows out (dropped columns gone).
    pub csv: CsvRows,
}

/// One value of policy field `field` through the policy, or back (`reverse`): `None` when the
/// policy drops the field (never in reverse).
pub fn pseudonymise_value(
    p: &Pseudonymiser,
    reverse: bool,
    field: &str,
    value: &str,
) -> Result<Option<String>, ErrorBody> {
    let out = if reverse {
        p.reverse_value(field, value).map(Some)
    } else {
        p.transform_value(field, value)
    };
    out.map_err(|e| ErrorBody::from_error(&e))
}

/// A JSON record through the policy, or back (`reverse`), in place.
pub fn pseudonymise_record(
    p: &Pseudonymiser,
    reverse: bool,
    record: &mut serde_json::Value,
) -> Result<(), ErrorBody> {
    let out = if reverse {
        p.reverse_json(record)
    } else {
        p.apply_json(record)
    };
    out.map_err(|e| ErrorBody::from_error(&e))
}

/// CSV rows through the policy, or back (`reverse`); an error names its row (from 1).
pub fn pseudonymise_csv(
    p: &Pseudonymiser,
    reverse: bool,
    csv: &CsvRows,
) -> Result<CsvRows, ErrorBody> {
    let options = crate::pseudo::CsvOptions::default().reverse(reverse);
    let plan = p
        .csv_plan_with(&csv.header, options)
        .map_err(|e| ErrorBody::from_error(&e))?;
    let mut rows = Vec::with_capacity(csv.rows.len());
    for (i, row) in csv.rows.iter().enumerate() {
        rows.push(plan.apply_row(row).map_err(|e| row_err(i, &e))?);
    }
    Ok(CsvRows {
        header: plan.header().to_vec(),
        rows,
    })
}

fn row_err(i: usize, e: &PseudoError) -> ErrorBody {
    let mut b = ErrorBody::from_error(e);
    b.message = format!("row {}: {}", i + 1, b.message);
    b
}

/// Applies (or reverses) a policy with a pseudonymiser (the long-lived form bindings hold).
pub fn pseudonymise_with(
    p: &Pseudonymiser,
    req: &PseudonymiseRequest,
) -> Result<PseudonymiseResponse, ErrorBody> {
    match (&req.field, &req.value, &req.record, &req.csv) {
        (Some(field), Some(value), None, None) => Ok(PseudonymiseResponse::Value(ValueResponse {
            value: pseudonymise_value(p, req.reverse, field, value)?,
        })),
        (None, None, Some(record), None) => {
            let mut record = record.clone();
            pseudonymise_record(p, req.reverse, &mut record)?;
            Ok(PseudonymiseResponse::Record(RecordResponse { record }))
        }
        (None, None, None, Some(csv)) => Ok(PseudonymiseResponse::Csv(CsvResponse {
            csv: pseudonymise_csv(p, req.reverse, csv)?,
        })),
        _ => Err(ErrorBody::new(
            Code::RequestInvalid,
            "give exactly one of `field` with `value`, `record`, or `csv`",
        )),
    }
}

/// `pseudonymise`: `{"value"}`, `{"record"}` or `{"csv": {"header", "rows"}}`.
pub fn pseudonymise(req: &PseudonymiseRequest) -> Result<PseudonymiseResponse, ErrorBody> {
    pseudonymise_with(&pseudonymiser(&req.policy, &req.master_key)?, req)
}
