//! Redaction of free text: every identifier [`detect`] finds replaced by its type or its
//! display mask.

use super::detect::{detect, Span};
use super::validate::mask;

/// What [`redact`] writes in place of an identifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Redaction {
    /// `[type]`, e.g. `[aadhaar]`.
    #[default]
    Label,
    /// The type's display mask ([`mask`], e.g. `XXXX XXXX 0124`); `[type]` for a value that
    /// has no mask.
    Mask,
}

/// Text with its identifiers replaced ([`redact`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redacted {
    /// The redacted text.
    pub text: String,
    /// The identifiers replaced, as byte ranges of the input (never their values).
    pub spans: Vec<Span>,
}

/// Replaces every identifier [`detect`] finds in `text` as `with` says; the rest of the text is
/// copied unchanged. Cost linear in the text.
///
/// ```
/// use consentry::ids::{redact, Redaction};
/// let r = redact("call +91 98765 43210 or mail a@b.in", Redaction::Label);
/// assert_eq!(r.text, "call [mobile] or mail [email]");
/// assert_eq!(r.spans.len(), 2);
/// let r = redact("Aadhaar 2345 6789 0124.", Redaction::Mask);
/// assert_eq!(r.text, "Aadhaar XXXX XXXX 0124.");
/// ```
pub fn redact(text: &str, with: Redaction) -> Redacted {
    let spans = detect(text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &spans {
        out.push_str(text.get(at..s.start).unwrap_or_default());
        let found = text.get(s.start..s.end).unwrap_or_default();
        let masked = match with {
            Redaction::Mask => mask(s.kind, found).ok(),
            Redaction::Label => None,
        };
        out.push_str(&masked.unwrap_or_else(|| format!("[{}]", s.kind.as_str())));
        at = s.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Redacted { text: out, spans }
}
