//! Compact and detached JWS as the AA network writes them: parsing, the protected header, the
//! two signing inputs (`b64` false: RFC 7797; `b64` true or absent: RFC 7515) and verification.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::digest;
use serde_json::Value;

use super::b64url;
use super::json;
use super::keys::{AaAlg, AaTrust, MAX_AA_KID_LEN};
use super::AaError;

/// Largest compact JWS accepted (surrounding white space included), in bytes.
pub const MAX_JWS_LEN: usize = 64 * 1024;
/// Largest header segment (base64url text), in bytes.
pub const MAX_HEADER_SEGMENT_LEN: usize = 4 * 1024;
/// Largest detached `header..signature` value, in bytes.
pub const MAX_DETACHED_LEN: usize = 8 * 1024;
/// Largest body a detached signature is checked over, in bytes.
pub const MAX_DETACHED_BODY: usize = 16 * 1024 * 1024;

/// How the header's `b64` member was written. It decides the signing input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum B64Mode {
    /// `"b64": false` (RFC 7797): the signature is over `header "." payload bytes`. In a
    /// compact AA JWS the payload segment is still base64url (an AA network quirk).
    False,
    /// `"b64": true`: the RFC 7515 signing input `header "." base64url(payload)`.
    True,
    /// No `b64` member: as `true`.
    Absent,
}

impl B64Mode {
    /// `false`, `true` or `absent` (the JSON form).
    pub const fn as_str(self) -> &'static str {
        match self {
            B64Mode::False => "false",
            B64Mode::True => "true",
            B64Mode::Absent => "absent",
        }
    }
}

/// Decodes strict base64url without padding (no white space, canonical trailing bits).
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    b64url::decode_append(s.as_bytes(), &mut out).then_some(out)
}

/// The checked protected header.
#[derive(Debug)]
pub(crate) struct Header {
    pub(crate) alg: AaAlg,
    pub(crate) kid: String,
    pub(crate) b64: B64Mode,
}

/// Parses and checks the protected header segment (steps 3–8 of `docs/aa.md`).
pub(crate) fn parse_header(segment: &str) -> Result<Header, AaError> {
    if segment.len() > MAX_HEADER_SEGMENT_LEN {
        return Err(AaError::TooLarge {
            what: "header segment",
            cap: MAX_HEADER_SEGMENT_LEN,
        });
    }
    // At most 4,096 characters decode to at most 3,072 bytes: no allocation.
    let mut buf = [0u8; MAX_HEADER_SEGMENT_LEN / 4 * 3];
    let out = b64url::decoded_len(segment.len()).and_then(|n| buf.get_mut(..n));
    let bytes: &[u8] = match out {
        Some(out) => {
            if !b64url::decode_to_slice(segment.as_bytes(), out) {
                return Err(AaError::Base64("header"));
            }
            out
        }
        None => return Err(AaError::Base64("header")),
    };
    // A plain flat header (the usual case) is read without building a JSON value; anything
    // else (escapes, nested values, numbers, an error) goes through the strict parser. Both
    // give the same members to the same checks.
    if let Some(mut m) = json::flat_members(bytes) {
        // Each member is moved out (names are unique): no copy of a `crit` array.
        let mut get = |name: &str| {
            m.iter_mut()
                .find(|slot| slot.as_ref().is_some_and(|(k, _)| *k == name))
                .and_then(Option::take)
                .map(|(_, v)| v)
        };
        let (alg, kid, b64, crit) = (get("alg"), get("kid"), get("b64"), get("crit"));
        return check_members(alg, kid, b64, crit);
    }
    let value = json::parse(bytes).map_err(|e| AaError::Header(format!("header: {e}")))?;
    let Value::Object(h) = value else {
        return Err(AaError::Header("header must be a json object".into()));
    };
    let get = |name: &str| h.get(name).map(json::FlatValue::of);
    check_members(get("alg"), get("kid"), get("b64"), get("crit"))
}

/// Steps 4–7 on the header's members (`None`: absent).
fn check_members(
    alg: Option<json::FlatValue<'_>>,
    kid: Option<json::FlatValue<'_>>,
    b64: Option<json::FlatValue<'_>>,
    crit: Option<json::FlatValue<'_>>,
) -> Result<Header, AaError> {
    use json::FlatValue as F;
    let alg = match alg {
        None => return Err(AaError::Header("header `alg` is missing".into())),
        Some(F::Str(a)) => AaAlg::from_name(a).ok_or(AaError::AlgUnsupported)?,
        Some(_) => return Err(AaError::Header("header `alg` must be a string".into())),
    };
    let kid = match kid {
        None => return Err(AaError::Header("header `kid` is missing".into())),
        Some(F::Str(k)) if !k.is_empty() && k.len() <= MAX_AA_KID_LEN => k.to_owned(),
        Some(F::Str(_)) => {
            return Err(AaError::Header(format!(
                "header `kid` must be 1 to {MAX_AA_KID_LEN} bytes"
            )))
        }
        Some(_) => return Err(AaError::Header("header `kid` must be a string".into())),
    };
    let b64 = match b64 {
        None => B64Mode::Absent,
        Some(F::Bool(true)) => B64Mode::True,
        Some(F::Bool(false)) => B64Mode::False,
        Some(_) => return Err(AaError::Header("header `b64` must be a boolean".into())),
    };
    match crit {
        None => {}
        Some(F::Array(c)) => {
            if c.is_empty() {
                return Err(AaError::Crit("header `crit` must not be empty"));
            }
            let mut seen_b64 = false;
            for m in c {
                match m {
                    Some("b64") if !seen_b64 => seen_b64 = true,
                    Some("b64") => return Err(AaError::Crit("header `crit` names `b64` twice")),
                    _ => {
                        return Err(AaError::Crit(
                            "header `crit` names a member other than `b64`",
                        ))
                    }
                }
            }
            if b64 == B64Mode::Absent {
                return Err(AaError::Crit(
                    "header `crit` names `b64` but the header has no `b64`",
                ));
            }
        }
        Some(_) => return Err(AaError::Header("header `crit` must be an array".into())),
    }
    Ok(Header { alg, kid, b64 })
}

/// Which trusted key signed: its algorithm and entity (the `kid` is the header's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Signer {
    pub(crate) alg: AaAlg,
    pub(crate) b64: B64Mode,
    pub(crate) entity: Option<String>,
}

/// Steps 9–12: key lookup, algorithm, size, signature, then the expected issuer.
pub(crate) fn check_signature(
    header: &Header,
    signing_input: &[u8],
    sig: &[u8],
    trust: &AaTrust,
    expected_issuer: Option<&str>,
) -> Result<Signer, AaError> {
    let key = trust.get(&header.kid).ok_or(AaError::UnknownKid)?;
    if key.alg() != header.alg {
        return Err(AaError::AlgMismatch);
    }
    let bits = key.bits();
    if bits < super::keys::MIN_RSA_BITS {
        return Err(AaError::KeyTooSmall {
            at: "kid".into(),
            bits,
        });
    }
    key.verify(signing_input, sig)?;
    if let Some(want) = expected_issuer {
        if key.entity() != Some(want) {
            return Err(AaError::IssuerMismatch);
        }
    }
    Ok(Signer {
        alg: header.alg,
        b64: header.b64,
        entity: key.entity().map(str::to_owned),
    })
}

/// A compact JWS split and decoded (steps 1–8), its signing input built without a copy of
/// the payload: with `b64` false the payload is decoded straight after `header "."` in one
/// buffer; with `b64` true or absent the signing input is a prefix of the text itself.
pub(crate) struct Compact<'a> {
    pub(crate) text: &'a str,
    pub(crate) header: Header,
    /// `b64` false: `header "." payload bytes`, then the signature bytes; else the payload
    /// bytes, then the signature bytes (one allocation for both).
    buf: Vec<u8>,
    /// Where the payload starts in `buf`.
    payload_at: usize,
    /// Where the signature starts in `buf` (the payload ends).
    signature_at: usize,
    /// `b64` true or absent: the length of `header "." payload segment` in `text`.
    text_input_len: usize,
}

impl Compact<'_> {
    /// The signing input: `header "." payload bytes` when `b64` is false (RFC 7797), else
    /// `header "." payload segment` (RFC 7515, the segment as received).
    pub(crate) fn signing_input(&self) -> &[u8] {
        match self.header.b64 {
            B64Mode::False => self.buf.get(..self.signature_at).unwrap_or_default(),
            B64Mode::True | B64Mode::Absent => self
                .text
                .as_bytes()
                .get(..self.text_input_len)
                .unwrap_or_default(),
        }
    }

    /// The payload bytes, exactly as decoded.
    pub(crate) fn payload(&self) -> &[u8] {
        self.buf
            .get(self.payload_at..self.signature_at)
            .unwrap_or_default()
    }

    /// The signature bytes.
    pub(crate) fn signature(&self) -> &[u8] {
        self.buf.get(self.signature_at..).unwrap_or_default()
    }

    /// The payload bytes, taking the buffer (the signature cut off, the header prefix moved
    /// out in place).
    pub(crate) fn into_payload(mut self) -> Vec<u8> {
        self.buf.truncate(self.signature_at);
        self.buf.drain(..self.payload_at);
        self.buf
    }
}

/// Splits `text` at its two dots: exactly three segments.
fn three(text: &str) -> Result<(&str, &str, &str), AaError> {
    let mut parts = text.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => Ok((h, p, s)),
        _ => Err(AaError::Structure(
            "a jws needs exactly three `.`-separated segments",
        )),
    }
}

pub(crate) fn parse_compact(jws: &str) -> Result<Compact<'_>, AaError> {
    if jws.len() > MAX_JWS_LEN {
        return Err(AaError::TooLarge {
            what: "jws",
            cap: MAX_JWS_LEN,
        });
    }
    let text = jws.trim_matches(|c: char| c.is_ascii_whitespace());
    // The header ends at the first `.` and the signature starts after the last one, each found
    // from its own end; the payload between them is not scanned for a third `.` here: a `.` is
    // not base64url, so its decoding fails on one, and every failure before that decoding is
    // turned into the three-segment error when the middle holds a `.` (the same code and
    // message as splitting first would give).
    let (Some(first), Some(last)) = (text.find('.'), text.rfind('.')) else {
        return Err(three_segments());
    };
    if first == last {
        return Err(three_segments());
    }
    let (h, p, s) = (
        text.get(..first).unwrap_or_default(),
        text.get(first + 1..last).unwrap_or_default(),
        text.get(last + 1..).unwrap_or_default(),
    );
    let parsed = compact_parts(text, h, p, s);
    parsed.map_err(|e| if p.contains('.') { three_segments() } else { e })
}

/// The error for a JWS that is not three `.`-separated segments.
fn three_segments() -> AaError {
    AaError::Structure("a jws needs exactly three `.`-separated segments")
}

/// Steps 2–8 on the three segments of `text`.
fn compact_parts<'a>(
    text: &'a str,
    h: &'a str,
    p: &'a str,
    s: &'a str,
) -> Result<Compact<'a>, AaError> {
    if h.is_empty() || s.is_empty() {
        return Err(AaError::Structure(
            "the header and signature segments must not be empty",
        ));
    }
    if p.is_empty() {
        return Err(AaError::Structure(
            "the payload is detached: a signed consent carries its payload",
        ));
    }
    let header = parse_header(h)?;
    let payload_at = match header.b64 {
        B64Mode::False => h.len() + 1,
        B64Mode::True | B64Mode::Absent => 0,
    };
    // One buffer: `header "."` (b64 false), the payload decoded straight after it, then the
    // signature.
    let mut buf = Vec::with_capacity(payload_at + (p.len() + s.len()) / 4 * 3 + 6);
    if header.b64 == B64Mode::False {
        buf.extend_from_slice(h.as_bytes());
        buf.push(b'.');
    }
    if !b64url::decode_append(p.as_bytes(), &mut buf) {
        return Err(AaError::Base64("payload"));
    }
    let signature_at = buf.len();
    if !b64url::decode_append(s.as_bytes(), &mut buf) {
        return Err(AaError::Base64("signature"));
    }
    Ok(Compact {
        text,
        header,
        buf,
        payload_at,
        signature_at,
        text_input_len: h.len() + 1 + p.len(),
    })
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A verified detached signature (an `x-jws-signature` header) over a body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedDetached {
    /// The header's `kid`.
    pub kid: String,
    /// The algorithm.
    pub alg: AaAlg,
    /// How `b64` was written (it chose the signing input).
    pub b64: B64Mode,
    /// The entity the signing key is bound to, if any.
    pub issuer: Option<String>,
}

/// Verifies a detached JWS `header..signature` (the `x-jws-signature` HTTP header) over the
/// exact `body` bytes. With `b64` false the signing input is `header "." body`; with `b64`
/// true or absent, `header "." base64url(body)`. With `expected_issuer`, the signing key must
/// be bound to that entity (`aa_issuer_mismatch`).
///
/// Caps: the header value [`MAX_DETACHED_LEN`], the body [`MAX_DETACHED_BODY`].
pub fn verify_detached(
    header_value: &str,
    body: &[u8],
    trust: &AaTrust,
    expected_issuer: Option<&str>,
) -> Result<VerifiedDetached, AaError> {
    if header_value.len() > MAX_DETACHED_LEN {
        return Err(AaError::TooLarge {
            what: "detached signature",
            cap: MAX_DETACHED_LEN,
        });
    }
    if body.len() > MAX_DETACHED_BODY {
        return Err(AaError::TooLarge {
            what: "body",
            cap: MAX_DETACHED_BODY,
        });
    }
    let text = header_value.trim_matches(|c: char| c.is_ascii_whitespace());
    let (h, p, s) = three(text)?;
    if h.is_empty() || s.is_empty() || !p.is_empty() {
        return Err(AaError::Structure(
            "a detached jws is `header..signature`: an empty middle segment",
        ));
    }
    let header = parse_header(h)?;
    let signature = b64_decode(s).ok_or(AaError::Base64("signature"))?;
    let mut input = Vec::with_capacity(h.len() + 1 + body.len() / 3 * 4 + 4);
    input.extend_from_slice(h.as_bytes());
    input.push(b'.');
    match header.b64 {
        B64Mode::False => input.extend_from_slice(body),
        B64Mode::True | B64Mode::Absent => {
            input.extend_from_slice(URL_SAFE_NO_PAD.encode(body).as_bytes());
        }
    }
    let signer = check_signature(&header, &input, &signature, trust, expected_issuer)?;
    Ok(VerifiedDetached {
        kid: header.kid,
        alg: signer.alg,
        b64: signer.b64,
        issuer: signer.entity,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn seg(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn b64_member_selects_the_mode() {
        let h = |j: &str| parse_header(&seg(j)).map(|h| h.b64);
        assert_eq!(h(r#"{"alg":"RS256","kid":"k"}"#).unwrap(), B64Mode::Absent);
        assert_eq!(
            h(r#"{"alg":"RS256","kid":"k","b64":true}"#).unwrap(),
            B64Mode::True
        );
        assert_eq!(
            h(r#"{"alg":"RS256","kid":"k","b64":false,"crit":["b64"]}"#).unwrap(),
            B64Mode::False
        );
        assert_eq!(
            h(r#"{"alg":"RS256","kid":"k","b64":null}"#).unwrap_err(),
            AaError::Header("header `b64` must be a boolean".into())
        );
    }

    #[test]
    fn a_small_key_that_bypassed_loading_is_still_refused_before_verifying() {
        let mut trust = AaTrust::new();
        let mut n = vec![0xc5; 128];
        n[127] = 0xc7;
        trust.insert_unchecked("k", n, vec![1, 0, 1], AaAlg::Rs256);
        let header = parse_header(&seg(r#"{"alg":"RS256","kid":"k"}"#)).unwrap();
        let r = check_signature(&header, b"k.x", &[0; 128], &trust, None);
        assert_eq!(
            r,
            Err(AaError::KeyTooSmall {
                at: "kid".into(),
                bits: 1024
            })
        );
    }

    #[test]
    fn four_or_more_segments_are_the_structure_error_whatever_fails_first() {
        let three = Err::<(), _>(AaError::Structure(
            "a jws needs exactly three `.`-separated segments",
        ));
        let good_h = seg(r#"{"alg":"RS256","kid":"k","b64":false}"#);
        for text in [
            format!("{good_h}.e30.e30.AAAA"),
            format!("{good_h}..e30.AAAA"),
            format!("{good_h}.e30..AAAA"),
            "a.b.c.d".to_owned(),
            ".a.b.c".to_owned(),
            "a.b.c.".to_owned(),
            format!("{}.e30.x.AAAA", seg(r#"{"alg":"HS256","kid":"k"}"#)),
            "...".to_owned(),
            "a".to_owned(),
            "a.b".to_owned(),
        ] {
            assert_eq!(parse_compact(&text).map(|_| ()), three, "{text}");
        }
        // Three segments keep their own errors.
        assert_eq!(
            parse_compact("a..").map(|_| ()),
            Err(AaError::Structure(
                "the header and signature segments must not be empty"
            ))
        );
        assert_eq!(
            parse_compact(".a.b").map(|_| ()),
            Err(AaError::Structure(
                "the header and signature segments must not be empty"
            ))
        );
        assert_eq!(
            parse_compact(&format!("{good_h}.e30=.AAAA")).map(|_| ()),
            Err(AaError::Base64("payload"))
        );
    }

    #[test]
    fn the_two_signing_inputs() {
        let h = seg(r#"{"alg":"RS256","kid":"k","b64":false}"#);
        let p = seg("{}");
        let text = format!("{h}.{p}.AAAA");
        let c = parse_compact(&text).unwrap();
        assert_eq!(c.signing_input(), format!("{h}.{{}}").as_bytes());
        assert_eq!(c.payload(), b"{}");
        assert_eq!(c.signature(), [0, 0, 0]);
        assert_eq!(c.into_payload(), b"{}");
        let h = seg(r#"{"alg":"RS256","kid":"k"}"#);
        let text = format!("{h}.{p}.AQID");
        let c = parse_compact(&text).unwrap();
        assert_eq!(c.signing_input(), format!("{h}.{p}").as_bytes());
        assert_eq!(c.payload(), b"{}");
        assert_eq!(c.signature(), [1, 2, 3]);
        assert_eq!(c.into_payload(), b"{}");
    }
}
