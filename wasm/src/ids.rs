//! Identifier functions: `idValidate`, `idMask`, `idDetect` (with UTF-16 offsets for JS).

use consentry::interop;
use wasm_bindgen::prelude::*;

use crate::{invalid, js_of, lift, JsResult};

/// Checks an identifier of type `kind` (`aadhaar`, `vid`, `pan`, `gstin`, `mobile`, `email`,
/// `pincode`, `epic`, `passport`, `ifsc`): `{ valid: true, normalised }` or
/// `{ valid: false, error: { code, message } }`. The value is never echoed in an error; an
/// unknown `kind` throws.
#[wasm_bindgen(js_name = idValidate, unchecked_return_type = "IdValidation")]
pub fn id_validate(kind: String, value: String) -> JsResult<JsValue> {
    js_of(&lift(interop::id_validate(&interop::IdRequest {
        kind,
        value,
    }))?)
}

/// The display mask of a valid identifier (`XXXX XXXX 1234` for an Aadhaar number):
/// `{ masked }`. Throws on an invalid value or an unknown `kind`.
#[wasm_bindgen(js_name = idMask, unchecked_return_type = "{ masked: string }")]
pub fn id_mask(kind: String, value: String) -> JsResult<JsValue> {
    js_of(&lift(interop::id_mask(&interop::IdRequest {
        kind,
        value,
    }))?)
}

/// Identifiers found in free text: `{ spans: [{ start, end, type, utf16Start, utf16End }] }`
/// (checksum types only when their check passes). `start` / `end` are UTF-8 byte offsets, as in
/// every face; `utf16Start` / `utf16End` index the JS string (`text.slice(utf16Start, utf16End)`).
#[wasm_bindgen(js_name = idDetect, unchecked_return_type = "{ spans: IdSpan[] }")]
pub fn id_detect(text: String) -> JsResult<JsValue> {
    let req = interop::DetectRequest { text };
    let out = lift(interop::id_detect(&req))?;
    js_of(&JsDetect {
        spans: utf16_spans(&req.text, &out.spans)?,
    })
}

/// `idDetect`'s result in JS: the core's spans with their UTF-16 offsets.
#[derive(serde::Serialize)]
pub(crate) struct JsDetect {
    pub(crate) spans: Vec<JsSpan>,
}

/// A span of [`interop::Span`] plus the offsets that index a JS string.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsSpan {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    utf16_start: usize,
    utf16_end: usize,
}

/// Adds UTF-16 offsets to spans in order of position (as the core returns them), in one pass
/// over `text`. Argument conversion only: JS strings index by UTF-16 code units.
pub(crate) fn utf16_spans(text: &str, spans: &[interop::Span]) -> JsResult<Vec<JsSpan>> {
    let bad = || invalid("a span offset is not a character boundary in order".to_owned());
    let (mut at8, mut at16) = (0usize, 0usize);
    let mut to16 = |off: usize| -> JsResult<usize> {
        let seg = text.get(at8..off).ok_or_else(bad)?;
        at16 += seg.encode_utf16().count();
        at8 = off;
        Ok(at16)
    };
    spans
        .iter()
        .map(|s| {
            Ok(JsSpan {
                start: s.start,
                end: s.end,
                kind: s.kind,
                utf16_start: to16(s.start)?,
                utf16_end: to16(s.end)?,
            })
        })
        .collect()
}
