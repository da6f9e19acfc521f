//! Strict typed decoding of the claims set: deterministic CBOR only, no unknown claims,
//! every claim of its type.

use std::collections::BTreeMap;

use super::{cbor_err, invalid, label};
use super::{Audience, Claims, Consent, Cti, DataRange, Frequency, Grant, Grantor, GrantorRole};
use super::{Mode, Notice, Status, StatusListRef, V1};
use crate::cbor::{self, Reader};
use crate::{CborError, ClaimsError};

// ---------------------------------------------------------------------------------------------
// Strict typed decoding. Claim paths are formatted only when an error is reported.

/// Where in the claims a decoder is: a static path, or a member of the `i`th grant.
#[derive(Clone, Copy)]
enum At {
    Claim(&'static str),
    Grant(u64, &'static str),
}

impl At {
    fn path(self) -> String {
        match self {
            At::Claim(p) => p.to_owned(),
            At::Grant(i, "") => format!("consent.purposes[{i}]"),
            At::Grant(i, m) => format!("consent.purposes[{i}].{m}"),
        }
    }
}

/// Maps a CBOR error while reading a claim's value: a type mismatch is `WrongType`, anything
/// else stays a CBOR error.
fn value<T>(res: Result<T, CborError>, at: At, expected: &'static str) -> Result<T, ClaimsError> {
    res.map_err(|e| match e {
        CborError::WrongType { .. } => ClaimsError::WrongType {
            claim: at.path(),
            expected,
        },
        other => cbor_err(at.path(), other),
    })
}

enum Key<'a> {
    Int(i64),
    Text(&'a str),
}

/// Reads a map key and checks deterministic order.
fn key<'a>(
    r: &mut Reader<'a>,
    keys: &mut cbor::MapKeys<'a>,
    within: At,
) -> Result<Key<'a>, ClaimsError> {
    let start = r.position();
    let k = match r.peek_major().map_err(|e| cbor_err(within.path(), e))? {
        0 | 1 => Key::Int(r.int().map_err(|e| cbor_err(within.path(), e))?),
        3 => Key::Text(r.text().map_err(|e| cbor_err(within.path(), e))?),
        _ => {
            return Err(ClaimsError::Unknown {
                within: within.path(),
                label: "of a non-integer, non-text type".into(),
            })
        }
    };
    keys.check(r, start)
        .map_err(|e| cbor_err(within.path(), e))?;
    Ok(k)
}

fn unknown(within: At, k: &Key<'_>) -> ClaimsError {
    ClaimsError::Unknown {
        within: within.path(),
        label: match k {
            Key::Int(n) => n.to_string(),
            // Text labels are attacker-chosen: do not echo them.
            Key::Text(_) => "(text label)".to_owned(),
        },
    }
}

fn text_key<'a>(
    r: &mut Reader<'a>,
    keys: &mut cbor::MapKeys<'a>,
    within: At,
) -> Result<&'a str, ClaimsError> {
    match key(r, keys, within)? {
        Key::Text(t) => Ok(t),
        k @ Key::Int(_) => Err(unknown(within, &k)),
    }
}

fn req<T>(v: Option<T>, at: At) -> Result<T, ClaimsError> {
    v.ok_or_else(|| ClaimsError::Missing { claim: at.path() })
}

fn text_of(r: &mut Reader<'_>, at: At) -> Result<String, ClaimsError> {
    Ok(value(r.text(), at, "a text string")?.to_owned())
}

fn int_of(r: &mut Reader<'_>, at: At) -> Result<i64, ClaimsError> {
    value(r.int(), at, "an integer")
}

fn uint_of(r: &mut Reader<'_>, at: At) -> Result<u64, ClaimsError> {
    value(r.uint(), at, "an unsigned integer")
}

/// Reads an array of text strings.
fn texts_of(r: &mut Reader<'_>, at: At) -> Result<Vec<String>, ClaimsError> {
    let n = value(r.array(), at, "an array")?;
    let mut v = Vec::new();
    for j in 0..n {
        let s = r.text().map_err(|e| match e {
            CborError::WrongType { .. } => ClaimsError::WrongType {
                claim: format!("{}[{j}]", at.path()),
                expected: "a text string",
            },
            other => cbor_err(at.path(), other),
        })?;
        v.push(s.to_owned());
    }
    r.leave();
    Ok(v)
}

/// Reads a map, calling `entry` with each text key; unknown keys are the callback's to refuse.
fn text_map<'a>(
    r: &mut Reader<'a>,
    at: At,
    mut entry: impl FnMut(&mut Reader<'a>, &'a str) -> Result<(), ClaimsError>,
) -> Result<(), ClaimsError> {
    let mut keys = value(r.map(), at, "a map")?;
    for _ in 0..keys.len {
        let k = text_key(r, &mut keys, at)?;
        entry(r, k)?;
    }
    r.leave();
    Ok(())
}

pub(super) fn decode_claims(r: &mut Reader<'_>) -> Result<Claims, ClaimsError> {
    let within = At::Claim("claims");
    let mut keys = value(r.map(), within, "a map")?;
    let (mut iss, mut sub, mut aud, mut exp, mut nbf, mut iat, mut cti, mut status, mut consent) =
        (None, None, None, None, None, None, None, None, None);
    for _ in 0..keys.len {
        match key(r, &mut keys, within)? {
            Key::Int(label::ISS) => iss = Some(text_of(r, At::Claim("iss"))?),
            Key::Int(label::SUB) => sub = Some(text_of(r, At::Claim("sub"))?),
            Key::Int(label::AUD) => aud = Some(decode_aud(r)?),
            Key::Int(label::EXP) => exp = Some(int_of(r, At::Claim("exp"))?),
            Key::Int(label::NBF) => nbf = Some(int_of(r, At::Claim("nbf"))?),
            Key::Int(label::IAT) => iat = Some(int_of(r, At::Claim("iat"))?),
            Key::Int(label::CTI) => {
                let b = value(r.bytes(), At::Claim("cti"), "a byte string")?;
                let a: [u8; 16] = b
                    .try_into()
                    .map_err(|_| invalid("cti", "must be 16 bytes"))?;
                cti = Some(Cti(a));
            }
            Key::Int(label::STATUS) => status = Some(decode_status(r)?),
            Key::Text(label::CONSENT) => consent = Some(decode_consent(r)?),
            k => return Err(unknown(within, &k)),
        }
    }
    r.leave();
    Ok(Claims {
        iss: req(iss, At::Claim("iss"))?,
        sub: req(sub, At::Claim("sub"))?,
        aud: req(aud, At::Claim("aud"))?,
        exp: req(exp, At::Claim("exp"))?,
        nbf,
        iat: req(iat, At::Claim("iat"))?,
        cti: req(cti, At::Claim("cti"))?,
        status,
        consent: req(consent, At::Claim("consent"))?,
    })
}

fn decode_aud(r: &mut Reader<'_>) -> Result<Audience, ClaimsError> {
    let at = At::Claim("aud");
    match r.peek_major().map_err(|e| cbor_err("aud", e))? {
        3 => Ok(Audience::One(text_of(r, at)?)),
        4 => Ok(Audience::Many(texts_of(r, at)?)),
        _ => Err(ClaimsError::WrongType {
            claim: "aud".into(),
            expected: "a text string or an array of text strings",
        }),
    }
}

fn decode_status(r: &mut Reader<'_>) -> Result<Status, ClaimsError> {
    let mut list = None;
    text_map(r, At::Claim("status"), |r, k| {
        if k != "status_list" {
            return Err(unknown(At::Claim("status"), &Key::Text(k)));
        }
        let (mut idx, mut uri) = (None, None);
        text_map(r, At::Claim("status.status_list"), |r, k| {
            match k {
                "idx" => idx = Some(uint_of(r, At::Claim("status.status_list.idx"))?),
                "uri" => uri = Some(text_of(r, At::Claim("status.status_list.uri"))?),
                other => return Err(unknown(At::Claim("status.status_list"), &Key::Text(other))),
            }
            Ok(())
        })?;
        list = Some(StatusListRef {
            idx: req(idx, At::Claim("status.status_list.idx"))?,
            uri: req(uri, At::Claim("status.status_list.uri"))?,
        });
        Ok(())
    })?;
    Ok(Status {
        status_list: req(list, At::Claim("status.status_list"))?,
    })
}

fn decode_consent(r: &mut Reader<'_>) -> Result<Consent, ClaimsError> {
    let within = At::Claim("consent");
    let (mut v, mut basis, mut purposes, mut notice, mut grantor, mut child, mut range) =
        (None, None, None, None, None, None, None);
    text_map(r, within, |r, k| {
        match k {
            "v" => {
                if uint_of(r, At::Claim("consent.v"))? != 1 {
                    return Err(invalid("consent.v", "unsupported version (only 1)"));
                }
                v = Some(V1);
            }
            "basis" => basis = Some(text_of(r, At::Claim("consent.basis"))?),
            "purposes" => {
                let n = value(r.array(), At::Claim("consent.purposes"), "an array")?;
                let mut gs = Vec::new();
                for i in 0..n {
                    gs.push(decode_grant(r, i)?);
                }
                r.leave();
                purposes = Some(gs);
            }
            "notice" => notice = Some(decode_notice(r)?),
            "grantor" => {
                let (mut role, mut evidence) = (None, None);
                text_map(r, At::Claim("consent.grantor"), |r, k| {
                    match k {
                        "role" => {
                            let s = value(
                                r.text(),
                                At::Claim("consent.grantor.role"),
                                "a text string",
                            )?;
                            role = Some(GrantorRole::from_name(s).ok_or_else(|| {
                                invalid(
                                    "consent.grantor.role",
                                    "must be `parent`, `guardian` or `nominee`",
                                )
                            })?);
                        }
                        "evidence" => {
                            evidence = Some(text_of(r, At::Claim("consent.grantor.evidence"))?)
                        }
                        other => {
                            return Err(unknown(At::Claim("consent.grantor"), &Key::Text(other)))
                        }
                    }
                    Ok(())
                })?;
                grantor = Some(Grantor {
                    role: req(role, At::Claim("consent.grantor.role"))?,
                    evidence: req(evidence, At::Claim("consent.grantor.evidence"))?,
                });
            }
            "child" => child = Some(value(r.bool(), At::Claim("consent.child"), "a boolean")?),
            "range" => {
                let (mut from, mut to) = (None, None);
                text_map(r, At::Claim("consent.range"), |r, k| {
                    match k {
                        "from" => from = Some(int_of(r, At::Claim("consent.range.from"))?),
                        "to" => to = Some(int_of(r, At::Claim("consent.range.to"))?),
                        other => {
                            return Err(unknown(At::Claim("consent.range"), &Key::Text(other)))
                        }
                    }
                    Ok(())
                })?;
                range = Some(DataRange {
                    from: req(from, At::Claim("consent.range.from"))?,
                    to: req(to, At::Claim("consent.range.to"))?,
                });
            }
            other => return Err(unknown(within, &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Consent {
        v: req(v, At::Claim("consent.v"))?,
        basis: req(basis, At::Claim("consent.basis"))?,
        purposes: req(purposes, At::Claim("consent.purposes"))?,
        notice: req(notice, At::Claim("consent.notice"))?,
        grantor,
        child,
        range,
    })
}

fn decode_notice(r: &mut Reader<'_>) -> Result<Notice, ClaimsError> {
    let (mut id, mut sha, mut lang) = (None, None, None);
    text_map(r, At::Claim("consent.notice"), |r, k| {
        match k {
            "id" => id = Some(text_of(r, At::Claim("consent.notice.id"))?),
            "sha256" => {
                let b = value(
                    r.bytes(),
                    At::Claim("consent.notice.sha256"),
                    "a byte string",
                )?;
                sha = Some(
                    <[u8; 32]>::try_from(b)
                        .map_err(|_| invalid("consent.notice.sha256", "must be 32 bytes"))?,
                );
            }
            "lang" => lang = Some(text_of(r, At::Claim("consent.notice.lang"))?),
            other => return Err(unknown(At::Claim("consent.notice"), &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Notice {
        id: req(id, At::Claim("consent.notice.id"))?,
        sha256: req(sha, At::Claim("consent.notice.sha256"))?,
        lang: req(lang, At::Claim("consent.notice.lang"))?,
    })
}

fn decode_grant(r: &mut Reader<'_>, i: u64) -> Result<Grant, ClaimsError> {
    let at = |m: &'static str| At::Grant(i, m);
    let (mut purpose, mut fields, mut mode, mut data_life, mut frequency, mut transforms) =
        (None, None, None, None, None, None);
    text_map(r, at(""), |r, k| {
        match k {
            "purpose" => purpose = Some(text_of(r, at("purpose"))?),
            "fields" => fields = Some(texts_of(r, at("fields"))?),
            "mode" => {
                let s = value(r.text(), at("mode"), "a text string")?;
                mode = Some(Mode::from_name(s).ok_or_else(|| {
                    invalid(
                        at("mode").path(),
                        "must be `view`, `store`, `query` or `stream`",
                    )
                })?);
            }
            "data_life" => data_life = Some(uint_of(r, at("data_life"))?),
            "frequency" => {
                let (mut max, mut per) = (None, None);
                text_map(r, at("frequency"), |r, k| {
                    match k {
                        "max" => max = Some(uint_of(r, at("frequency.max"))?),
                        "per" => per = Some(uint_of(r, at("frequency.per"))?),
                        other => return Err(unknown(at("frequency"), &Key::Text(other))),
                    }
                    Ok(())
                })?;
                frequency = Some(Frequency {
                    max: req(max, at("frequency.max"))?,
                    per: req(per, at("frequency.per"))?,
                });
            }
            "transforms" => {
                let mut t = BTreeMap::new();
                text_map(r, at("transforms"), |r, sel| {
                    let tr = value(r.text(), at("transforms"), "a map of text to text")?;
                    t.insert(sel.to_owned(), tr.to_owned());
                    Ok(())
                })?;
                transforms = Some(t);
            }
            other => return Err(unknown(at(""), &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Grant {
        purpose: req(purpose, at("purpose"))?,
        fields: req(fields, at("fields"))?,
        mode: req(mode, at("mode"))?,
        data_life,
        frequency,
        transforms,
    })
}
