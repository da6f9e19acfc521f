//! `idValidate`, `idMask` and `idDetect`: identifiers.

use serde::{Deserialize, Serialize};

use super::ErrorBody;

/// Request of the identifier operations.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdRequest {
    /// The identifier type (`aadhaar`, `vid`, `pan`, `gstin`, `mobile`, `email`, `pincode`,
    /// `epic`, `passport`, `ifsc`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The value.
    pub value: String,
}

/// `type` through the one identifier-type parser: an unknown name is `id_unknown_type`, as in
/// every face.
fn id_kind(name: &str) -> Result<crate::ids::IdType, ErrorBody> {
    crate::ids::IdType::from_name(name).map_err(|e| {
        let mut b = ErrorBody::from_error(&e);
        b.message = format!("`type` is {}", b.message);
        b
    })
}

/// Response of `idValidate`: `{"valid": true, "normalised"}` or `{"valid": false, "error"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum IdValidation {
    /// A valid identifier.
    Valid {
        /// Always `true`.
        valid: bool,
        /// Its normalised form.
        normalised: String,
    },
    /// An invalid one (a value, not an error: the request itself was fine).
    Invalid {
        /// Always `false`.
        valid: bool,
        /// Why it is invalid (never quoting the value).
        error: ErrorBody,
    },
}

/// `idValidate`: `{"valid": true, "normalised": ..}` or `{"valid": false, "error": {..}}`.
pub fn id_validate(req: &IdRequest) -> Result<IdValidation, ErrorBody> {
    Ok(
        match crate::ids::normalise(id_kind(&req.kind)?, &req.value) {
            Ok(normalised) => IdValidation::Valid {
                valid: true,
                normalised,
            },
            Err(e) => IdValidation::Invalid {
                valid: false,
                error: ErrorBody::from_error(&e),
            },
        },
    )
}

/// Response of `idMask`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MaskResponse {
    /// The display mask.
    pub masked: String,
}

/// `idMask`: `{"masked": ..}` (the preset for the type; errors on an invalid value).
pub fn id_mask(req: &IdRequest) -> Result<MaskResponse, ErrorBody> {
    crate::ids::mask(id_kind(&req.kind)?, &req.value)
        .map(|masked| MaskResponse { masked })
        .map_err(|e| ErrorBody::from_error(&e))
}

/// Request of `idDetect`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetectRequest {
    /// Free text.
    pub text: String,
}

/// Response of `idDetect`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DetectResponse {
    /// The identifiers found, in order of position.
    pub spans: Vec<Span>,
}

/// An identifier found in free text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// UTF-8 byte offset of the first byte.
    pub start: usize,
    /// UTF-8 byte offset just past the last byte.
    pub end: usize,
    /// The identifier type.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// `idDetect`: `{"spans": [{"start", "end", "type"}]}` (byte offsets; checksum types only when valid).
pub fn id_detect(req: &DetectRequest) -> Result<DetectResponse, ErrorBody> {
    let spans = crate::ids::detect(&req.text)
        .iter()
        .map(|s| Span {
            start: s.start,
            end: s.end,
            kind: s.kind.as_str(),
        })
        .collect();
    Ok(DetectResponse { spans })
}
