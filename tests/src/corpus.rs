//! The golden conformance corpus: deterministic cases, each an interop request with its
//! intended outcome written by hand ([`Intent`]) and its exact expected response, replayed
//! against every face (Rust, C ABI, npm). [`generate`] refuses a case whose response
//! contradicts its intent, naming the case and the difference.
//!
//! Generated from fixed seeds (Ed25519 keys, `cti`s and times are fixed; Ed25519 signatures and
//! zlib output are deterministic), so regenerating gives identical bytes. ES256 artefacts are
//! not in the corpus: ECDSA signatures are randomised.

#![expect(
    clippy::indexing_slicing,
    reason = "the corpus generator indexes JSON objects it has just built; json indexing inserts, it does not panic"
)]

use consentry::status::{StatusList, StatusListToken, StatusValue};
use consentry::{
    Audience, Claims, Cti, Grant, GrantorRole, Mode, Notice, SigningKey, Status, StatusListRef, V1,
};
use serde_json::{json, Value};

use consentry::purpose::ReasonCode;
use consentry::Code;

pub use crate::intent::{absent, deny, err, is, not, ok, permit, prefix, Fact, Intent};

/// Fixed time of the corpus: 2026-06-01T00:00:00Z.
pub const NOW: i64 = 1_780_272_000;
const DAY: i64 = 86_400;
/// The relying party of the corpus.
pub const AUD: &str = "tn.health.dept";
const LIST_URI: &str = "https://cm.tn.gov.in/status/corpus";

fn seed(label: &str) -> [u8; 32] {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        format!("consentry/corpus/v1/{label}").as_bytes(),
    );
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn key(label: &str) -> Result<SigningKey, String> {
    SigningKey::from_ed25519_seed(&seed(label)).map_err(|e| e.to_string())
}

fn cti(n: u8) -> Cti {
    let mut b = *b"corpus-cti-00000";
    b[15] = b'0' + n % 10;
    b[14] = b'0' + n / 10;
    Cti(b)
}

/// Claims exercising every claim of the CDDL in `docs/artefact.md`.
fn full_claims() -> Claims {
    let mut c = base_claims(1);
    c.nbf = Some(NOW - DAY);
    c.aud = Audience::Many(vec![AUD.into(), "tn.research".into()]);
    c.consent.grantor = Some(consentry::Grantor {
        role: GrantorRole::Parent,
        evidence: "digilocker:tok-1".into(),
    });
    c.consent.child = Some(true);
    c.consent.range = Some(consentry::DataRange {
        from: NOW - 365 * DAY,
        to: NOW,
    });
    c
}

fn base_claims(n: u8) -> Claims {
    Claims {
        iss: "cm.tn.gov.in".into(),
        sub: format!("pp-corpus-{n:02}"),
        aud: Audience::One(AUD.into()),
        exp: NOW + 365 * DAY,
        nbf: None,
        iat: NOW - DAY,
        cti: cti(n),
        status: Some(Status {
            status_list: StatusListRef {
                idx: u64::from(n),
                uri: LIST_URI.into(),
            },
        }),
        consent: consentry::Consent {
            v: V1,
            basis: "consent".into(),
            purposes: vec![
                Grant::new(
                    "abdm:CAREMGT",
                    ["/name", "/dob", "/diagnosis/*/code"],
                    Mode::View,
                )
                .data_life(DAY as u64)
                .transform("/name", "pseudonym"),
                Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store)
                    .frequency(3, DAY as u64),
                Grant::new("svc:service", ["/email"], Mode::Query),
            ],
            notice: Notice {
                id: "notice-corpus-1".into(),
                sha256: seed("notice"),
                lang: "ta-IN".into(),
            },
            grantor: None,
            child: None,
            range: None,
        },
    }
}

fn b64(b: &[u8]) -> String {
    consentry::b64::encode(b)
}

/// One corpus case.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Case {
    /// Unique id.
    pub id: String,
    /// What the case shows.
    pub about: String,
    /// The interop operation.
    pub op: String,
    /// The request JSON.
    pub request: Value,
    /// What the case must give, written by hand: the generator refuses a response that
    /// contradicts it, and every face's replay checks it.
    pub intent: Intent,
    /// The exact response envelope every face must produce (recorded once the intent holds).
    pub expect: Value,
}

#[path = "corpus_aa.rs"]
mod corpus_aa;

struct Gen {
    rng: ring::rand::SystemRandom,
    issuer: SigningKey,
    jwks: Value,
    cases: Vec<Case>,
    /// Cases whose response contradicts their intent, each with the difference.
    refused: Vec<String>,
}

impl Gen {
    fn sign(&self, c: &Claims) -> Result<Vec<u8>, String> {
        consentry::issue(c, &self.issuer, &self.rng).map_err(|e| e.to_string())
    }

    /// Adds a case: the response is recorded only when it agrees with the intent; otherwise
    /// the case is refused, named with the difference.
    fn push(&mut self, id: &str, about: &str, op: &str, request: Value, intent: Intent) {
        let expect = serde_json::from_str(&consentry::interop::call_json(
            op,
            &request.to_string(),
            &self.rng,
        ))
        .unwrap_or(Value::Null);
        if let Err(diff) = intent.check(&expect) {
            self.refused.push(format!("case `{id}`: {diff}"));
        }
        self.cases.push(Case {
            id: id.into(),
            about: about.into(),
            op: op.into(),
            request,
            intent,
            expect,
        });
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one line per case reads better than a builder here"
    )]
    fn verify(
        &mut self,
        id: &str,
        about: &str,
        art: &[u8],
        aud: &str,
        now: i64,
        list: Option<&[u8]>,
        intent: Intent,
    ) {
        let mut r = json!({"artefact": b64(art), "trust": self.jwks, "audience": aud, "now": now});
        if let Some(l) = list {
            r["statusList"] = b64(l).into();
        }
        self.push(id, about, "verify", r, intent);
    }

    fn decide(
        &mut self,
        id: &str,
        about: &str,
        art: &[u8],
        request: Value,
        list: Option<&[u8]>,
        intent: Intent,
    ) {
        let mut r = json!({"artefact": b64(art), "trust": self.jwks, "request": request});
        if let Some(l) = list {
            r["statusList"] = b64(l).into();
        }
        self.push(id, about, "decide", r, intent);
    }
}

fn status_list(issuer: &SigningKey, set: &[(u64, StatusValue)]) -> Result<Vec<u8>, String> {
    status_list_as(issuer, LIST_URI, NOW - 60, NOW + DAY, set)
}

/// A 2-bit list of 1024 entries signed by `issuer`, published at `sub`, issued at `iat`,
/// expiring at `exp`, fresh for an hour after `iat`.
fn status_list_as(
    issuer: &SigningKey,
    sub: &str,
    iat: i64,
    exp: i64,
    set: &[(u64, StatusValue)],
) -> Result<Vec<u8>, String> {
    let mut list = StatusList::new(1024, 2).map_err(|e| e.to_string())?;
    for &(i, v) in set {
        list.set(i, v).map_err(|e| e.to_string())?;
    }
    StatusListToken {
        sub: sub.into(),
        iat,
        exp: Some(exp),
        ttl: Some(3_600),
        list,
    }
    .sign(issuer, &ring::rand::SystemRandom::new())
    .map_err(|e| e.to_string())
}

fn flip(b: &[u8], at: usize) -> Vec<u8> {
    let mut v = b.to_vec();
    if let Some(x) = v.get_mut(at) {
        *x ^= 0x01;
    }
    v
}

fn req(purpose: &str, op: &str, fields: &[&str]) -> Value {
    json!({"recipient": AUD, "purpose": purpose, "operation": op, "fields": fields, "now": NOW, "uses": 0})
}

/// Generates the corpus (deterministic).
pub fn generate() -> Result<Vec<Case>, String> {
    let issuer = key("issuer-1")?;
    let stranger = key("stranger")?;
    let jwks = json!({"keys": [issuer.verifying_key().to_jwk()]});
    let mut g = Gen {
        rng: ring::rand::SystemRandom::new(),
        issuer,
        jwks,
        cases: Vec::new(),
        refused: Vec::new(),
    };

    let full = g.sign(&full_claims())?;
    let base = g.sign(&base_claims(2))?;
    let list_valid = status_list(&g.issuer, &[])?;
    let list_revoked = status_list(
        &g.issuer,
        &[(2, StatusValue::Invalid), (1, StatusValue::Suspended)],
    )?;

    // verify: accepted
    g.verify(
        "verify-full-valid",
        "every claim of the CDDL, verified",
        &full,
        AUD,
        NOW,
        None,
        ok(vec![
            is("/verified", true),
            is("/alg", "EdDSA"),
            is("/claims/iss", "cm.tn.gov.in"),
            is("/claims/sub", "pp-corpus-01"),
            is("/claims/aud", json!([AUD, "tn.research"])),
            is("/claims/exp", NOW + 365 * DAY),
            is("/claims/nbf", NOW - DAY),
            is("/claims/iat", NOW - DAY),
            is("/claims/consent/child", true),
            is("/claims/consent/grantor/role", "parent"),
            is("/claims/consent/range/to", NOW),
            is("/claims/consent/purposes/0/transforms/~1name", "pseudonym"),
            is(
                "/claims/consent/purposes/1/frequency",
                json!({"max": 3, "per": DAY}),
            ),
            is("/status/state", "not_checked"),
            is("/status/idx", 1),
        ]),
    );
    g.verify(
        "verify-second-audience",
        "a second recipient in `aud`",
        &full,
        "tn.research",
        NOW,
        None,
        ok(vec![
            is("/verified", true),
            is("/claims/sub", "pp-corpus-01"),
        ]),
    );
    g.verify(
        "verify-status-valid",
        "status list consulted: VALID, fresh",
        &base,
        AUD,
        NOW,
        Some(&list_valid),
        ok(vec![
            is("/verified", true),
            is("/claims/sub", "pp-corpus-02"),
            is("/claims/aud", AUD),
            is("/status/state", "valid"),
            is("/status/value", 0),
            is("/status/list/state", "fresh"),
        ]),
    );
    // verify: time, audience, status
    g.verify(
        "verify-expired",
        "after `exp` + leeway",
        &base,
        AUD,
        NOW + 400 * DAY,
        None,
        err(Code::Expired),
    );
    g.verify(
        "verify-not-yet-valid",
        "before `nbf` - leeway",
        &full,
        AUD,
        NOW - 2 * DAY,
        None,
        err(Code::NotYetValid),
    );
    let future = Claims {
        iat: NOW + DAY,
        cti: cti(3),
        ..base_claims(3)
    };
    g.verify(
        "verify-issued-in-future",
        "`iat` after now + leeway",
        &g.sign(&future)?,
        AUD,
        NOW,
        None,
        err(Code::IssuedInFuture),
    );
    g.verify(
        "verify-wrong-audience",
        "recipient not in `aud`",
        &base,
        "tn.police",
        NOW,
        None,
        err(Code::AudienceMismatch),
    );
    g.verify(
        "verify-revoked",
        "status list: INVALID (withdrawn)",
        &base,
        AUD,
        NOW,
        Some(&list_revoked),
        err(Code::Revoked),
    );
    let suspended = g.sign(&base_claims(1))?;
    g.verify(
        "verify-suspended",
        "status list: SUSPENDED (paused)",
        &suspended,
        AUD,
        NOW,
        Some(&list_revoked),
        err(Code::Suspended),
    );
    // status lists that must not speak for an artefact: another trusted issuer's list at the
    // artefact's URI (it can neither revoke nor un-revoke), the issuer's own list published at
    // another URI, a stale or expired list, a value above 2. `verify` fails closed on each;
    // `decide` denies `status_unknown`; both accept it only when the caller opts in.
    let other = key("issuer-2")?;
    let both = json!({"keys": [g.issuer.verifying_key().to_jwk(), other.verifying_key().to_jwk()]});
    let b_valid = status_list(&other, &[])?;
    let b_revokes = status_list(&other, &[(2, StatusValue::Invalid)])?;
    let cross = |g: &mut Gen, id: &str, about: &str, list: &[u8], accept: bool, intent: Intent| {
        let mut r = json!({"artefact": b64(&base), "trust": both, "audience": AUD, "now": NOW,
                           "statusList": b64(list)});
        if accept {
            r["acceptUnknownStatus"] = true.into();
        }
        g.push(id, about, "verify", r, intent);
    };
    cross(
        &mut g,
        "verify-status-foreign-unrevoke",
        "revoked in its issuer's list; another trusted issuer's list at the same URI says VALID",
        &b_valid,
        false,
        err(Code::StatusListForeign),
    );
    cross(
        &mut g,
        "verify-status-foreign-revoke",
        "another trusted issuer's list at the artefact's URI says INVALID",
        &b_revokes,
        false,
        err(Code::StatusListForeign),
    );
    cross(
        &mut g,
        "verify-status-foreign-accepted",
        "the same, with acceptUnknownStatus: verified, status not checked (foreign list)",
        &b_revokes,
        true,
        ok(vec![
            is("/verified", true),
            is("/status/state", "not_checked"),
            is("/status/reason", "foreign_list"),
            is("/status/uri", LIST_URI),
            is("/status/idx", 2),
        ]),
    );
    let mut r = json!({"artefact": b64(&base), "trust": both,
                       "request": req("abdm:CAREMGT", "view", &["/name"]),
                       "statusList": b64(&b_revokes)});
    g.push(
        "decide-status-foreign",
        "decide with another trusted issuer's list at the artefact's URI",
        "decide",
        r.clone(),
        deny(&[ReasonCode::StatusUnknown]),
    );
    r["request"]["acceptUnknownStatus"] = true.into();
    g.push(
        "decide-status-foreign-accepted",
        "the same, with acceptUnknownStatus: the foreign INVALID does not revoke",
        "decide",
        r,
        permit(&["/name"], &[("/name", "pseudonym")], NOW + DAY),
    );
    g.push(
        "status-get-foreign-kid",
        "a list names the key that signed it, so a caller can match it to the artefact's",
        "statusGet",
        json!({"statusList": b64(&b_valid), "trust": both, "idx": 2, "now": NOW}),
        ok(vec![
            is("/status", "valid"),
            is("/kid", b64(&other.verifying_key().thumbprint())),
        ]),
    );
    let other_uri = status_list_as(
        &g.issuer,
        "https://cm.tn.gov.in/status/other",
        NOW - 60,
        NOW + DAY,
        &[],
    )?;
    g.verify(
        "verify-status-other-uri",
        "the issuer's own list, published at another URI",
        &base,
        AUD,
        NOW,
        Some(&other_uri),
        err(Code::StatusListOtherUri),
    );
    let stale = status_list_as(&g.issuer, LIST_URI, NOW - 7_200, NOW + DAY, &[])?;
    g.verify(
        "verify-status-stale-valid",
        "VALID on a list past its ttl proves nothing",
        &base,
        AUD,
        NOW,
        Some(&stale),
        err(Code::StatusListStale),
    );
    let stale_revoked = status_list_as(
        &g.issuer,
        LIST_URI,
        NOW - 7_200,
        NOW + DAY,
        &[(2, StatusValue::Invalid)],
    )?;
    g.verify(
        "verify-status-stale-revoked",
        "INVALID on a stale list still revokes",
        &base,
        AUD,
        NOW,
        Some(&stale_revoked),
        err(Code::Revoked),
    );
    let expired = status_list_as(&g.issuer, LIST_URI, NOW - 2 * DAY, NOW - 60, &[])?;
    g.verify(
        "verify-status-expired-valid",
        "VALID on a list past its `exp` proves nothing",
        &base,
        AUD,
        NOW,
        Some(&expired),
        err(Code::StatusListStale),
    );
    let mut three = StatusList::new(1024, 2).map_err(|e| e.to_string())?;
    three
        .set(2, StatusValue::Other(3))
        .map_err(|e| e.to_string())?;
    let three = StatusListToken {
        sub: LIST_URI.into(),
        iat: NOW - 60,
        exp: Some(NOW + DAY),
        ttl: Some(3_600),
        list: three,
    }
    .sign(&g.issuer, &g.rng)
    .map_err(|e| e.to_string())?;
    g.verify(
        "verify-status-value-3",
        "a status value above 2 is unknown, not valid",
        &base,
        AUD,
        NOW,
        Some(&three),
        err(Code::StatusValueUnknown),
    );
    for (id, about, list) in [
        (
            "decide-status-stale",
            "decide with a stale list showing VALID",
            &stale,
        ),
        (
            "decide-status-value-3",
            "decide with status value 3",
            &three,
        ),
    ] {
        g.decide(
            id,
            about,
            &base,
            req("abdm:CAREMGT", "view", &["/name"]),
            Some(list),
            deny(&[ReasonCode::StatusUnknown]),
        );
    }
    // The issuer is the key, not the `kid`: the trust store binds the issuer's key under its
    // thumbprint AND under the JWK's own `kid` `issuer-a`; an artefact naming `issuer-a` is
    // revoked by its issuer's list (signed under the thumbprint), even accepting an unknown
    // status, and `decide` denies `revoked`.
    let mut custom = g.issuer.verifying_key().to_jwk();
    custom["kid"] = "issuer-a".into();
    let two_kids = json!({"keys": [g.issuer.verifying_key().to_jwk(), custom]});
    let base_custom_kid = consentry::cose::sign1_with_kid(
        &base_claims(2).to_cbor().map_err(|e| e.to_string())?,
        consentry::cose::ARTEFACT_TYP,
        b"issuer-a",
        &g.issuer,
        &g.rng,
    )
    .map_err(|e| e.to_string())?;
    for (id, about, accept) in [
        (
            "verify-status-same-key-other-kid",
            "signed under the issuer's custom `kid`, the issuer's list (thumbprint `kid`) says INVALID: revoked",
            false,
        ),
        (
            "verify-status-same-key-other-kid-accepted",
            "the same with acceptUnknownStatus: the issuer's own list is not foreign, still revoked",
            true,
        ),
    ] {
        let mut r = json!({"artefact": b64(&base_custom_kid), "trust": two_kids, "audience": AUD,
                           "now": NOW, "statusList": b64(&list_revoked)});
        if accept {
            r["acceptUnknownStatus"] = true.into();
        }
        g.push(id, about, "verify", r, err(Code::Revoked));
    }
    let mut r = json!({"artefact": b64(&base_custom_kid), "trust": two_kids,
                       "request": req("abdm:CAREMGT", "view", &["/name"]),
                       "statusList": b64(&list_revoked)});
    r["request"]["acceptUnknownStatus"] = true.into();
    g.push(
        "decide-status-same-key-other-kid-accepted",
        "decide, acceptUnknownStatus, artefact under the issuer's custom `kid`, its list says INVALID",
        "decide",
        r,
        deny(&[ReasonCode::Revoked]),
    );
    // A list issued in the future (`iat` after now + 60 s) is not fresh: it cannot prove VALID
    // (its ttl would count from a date not yet reached), but still revokes.
    let future = status_list_as(&g.issuer, LIST_URI, NOW + DAY, NOW + 2 * DAY, &[])?;
    g.verify(
        "verify-status-future-valid",
        "VALID on a list issued a day in the future proves nothing",
        &base,
        AUD,
        NOW,
        Some(&future),
        err(Code::StatusListIssuedInFuture),
    );
    g.push(
        "verify-status-future-accepted",
        "the same with acceptUnknownStatus: verified, the list reported as issued in the future",
        "verify",
        json!({"artefact": b64(&base), "trust": g.jwks, "audience": AUD, "now": NOW,
               "statusList": b64(&future), "acceptUnknownStatus": true}),
        ok(vec![
            is("/verified", true),
            is("/status/state", "valid"),
            is("/status/list/state", "future"),
            is("/status/list/iat", NOW + DAY),
        ]),
    );
    let future_revoked = status_list_as(
        &g.issuer,
        LIST_URI,
        NOW + DAY,
        NOW + 2 * DAY,
        &[(2, StatusValue::Invalid)],
    )?;
    g.verify(
        "verify-status-future-revoked",
        "INVALID on a list issued in the future still revokes",
        &base,
        AUD,
        NOW,
        Some(&future_revoked),
        err(Code::Revoked),
    );
    g.decide(
        "decide-status-future",
        "decide with a list issued in the future showing VALID",
        &base,
        req("abdm:CAREMGT", "view", &["/name"]),
        Some(&future),
        deny(&[ReasonCode::StatusUnknown]),
    );
    // An index past the end of the issuer's list is malformed evidence: `verify` refuses it and
    // `decide` denies it, even accepting an unknown status.
    let far = g.sign(&Claims {
        status: Some(Status {
            status_list: StatusListRef {
                idx: 5_000,
                uri: LIST_URI.into(),
            },
        }),
        ..base_claims(40)
    })?;
    g.push(
        "verify-status-index-out-of-range-accepted",
        "index 5000 in a list of 1024, acceptUnknownStatus: refused",
        "verify",
        json!({"artefact": b64(&far), "trust": g.jwks, "audience": AUD, "now": NOW,
               "statusList": b64(&list_valid), "acceptUnknownStatus": true}),
        err(Code::StatusIndexOutOfRange),
    );
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["acceptUnknownStatus"] = true.into();
    g.decide(
        "decide-status-index-out-of-range-accepted",
        "decide, acceptUnknownStatus, index 5000 in a list of 1024: denied, never permitted",
        &far,
        r,
        Some(&list_valid),
        deny(&[ReasonCode::StatusUnknown]),
    );
    // verify: tampered in each part
    let sig_at = base.len() - 10;
    g.verify(
        "tamper-signature",
        "one bit of the signature",
        &flip(&base, sig_at),
        AUD,
        NOW,
        None,
        err(Code::SignatureInvalid),
    );
    g.verify(
        "tamper-payload",
        "one bit of the claims",
        &flip(&base, base.len() - 100),
        AUD,
        NOW,
        None,
        err(Code::SignatureInvalid),
    );
    let kid_at = base.iter().position(|&b| b == 0x04).map_or(0, |p| p + 3);
    g.verify(
        "tamper-kid",
        "one bit of the `kid`",
        &flip(&base, kid_at),
        AUD,
        NOW,
        None,
        err(Code::KeyUnknownKid),
    );
    let alg_at = base
        .windows(2)
        .position(|w| w == [0x01, 0x27])
        .map_or(0, |p| p + 1);
    g.verify(
        "tamper-alg",
        "`alg` changed to ES256",
        &flip(&base, alg_at),
        AUD,
        NOW,
        None,
        err(Code::KeyAlgMismatch),
    );
    g.verify(
        "tamper-untagged",
        "tag 18 removed",
        base.get(1..).unwrap_or_default(),
        AUD,
        NOW,
        None,
        err(Code::CoseUntagged),
    );
    g.verify(
        "tamper-truncated",
        "last byte cut",
        base.get(..base.len() - 1).unwrap_or_default(),
        AUD,
        NOW,
        None,
        err(Code::CborTruncated),
    );
    g.verify(
        "tamper-trailing",
        "a byte appended",
        &[&base[..], &[0u8][..]].concat(),
        AUD,
        NOW,
        None,
        err(Code::CborTrailingBytes),
    );
    let forged = consentry::issue(&base_claims(2), &stranger, &g.rng).map_err(|e| e.to_string())?;
    g.verify(
        "unknown-issuer",
        "signed by a key not in the trust store",
        &forged,
        AUD,
        NOW,
        None,
        err(Code::KeyUnknownKid),
    );

    // strict decoding: envelope defects (no signature needed) and signed claims defects
    let raw = |g: &mut Gen, id: &str, about: &str, bytes: Vec<u8>, intent: Intent| {
        g.verify(id, about, &bytes, AUD, NOW, None, intent)
    };
    raw(
        &mut g,
        "cbor-indefinite",
        "indefinite-length envelope",
        [
            &[0xd2u8, 0x9f][..],
            base.get(2..).unwrap_or_default(),
            &[0xff][..],
        ]
        .concat(),
        err(Code::CborIndefiniteLength),
    );
    raw(
        &mut g,
        "cbor-non-canonical",
        "array length in two bytes",
        [&[0xd2u8, 0x98, 0x04][..], base.get(2..).unwrap_or_default()].concat(),
        err(Code::CborNonCanonical),
    );
    raw(
        &mut g,
        "cose-wrong-tag",
        "tag 17 (COSE_Mac0)",
        [&[0xd1u8][..], base.get(1..).unwrap_or_default()].concat(),
        err(Code::CoseWrongTag),
    );
    raw(
        &mut g,
        "cose-structure",
        "an array of three",
        vec![0xd2, 0x83, 0x40, 0xa0, 0x40],
        err(Code::CoseStructure),
    );
    raw(
        &mut g,
        "cbor-float",
        "a float where a header belongs",
        vec![0xd2, 0x84, 0x40, 0xf9, 0x3c, 0x00, 0x40, 0x40],
        err(Code::CborUnsupported),
    );
    raw(
        &mut g,
        "cbor-bad-utf8",
        "a header label that is not utf-8",
        vec![0xd2, 0x84, 0x40, 0xa1, 0x62, 0xff, 0xfe, 0x00, 0x40, 0x40],
        err(Code::CborInvalidUtf8),
    );
    raw(
        &mut g,
        "header-wrong-type",
        "`alg` as a byte string",
        [&[0xd2u8, 0x84, 0x43, 0xa1, 0x01, 0x40, 0xa0, 0x40, 0x40][..]].concat(),
        err(Code::HeaderWrongType),
    );
    raw(
        &mut g,
        "header-alg-missing",
        "an empty protected header",
        vec![0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40],
        err(Code::HeaderAlgMissing),
    );
    let payload = consentry::b64::decode(&b64(&base_claims(9)
        .to_cbor()
        .map_err(|e| e.to_string())?))
    .unwrap_or_default();
    let signed = |g: &Gen, p: &[u8]| {
        consentry::cose::sign1(p, consentry::cose::ARTEFACT_TYP, &g.issuer, &g.rng)
            .map_err(|e| e.to_string())
    };
    // The claims map with its first entry (`1: "cm.tn.gov.in"`, 14 bytes) repeated.
    let head = payload.first().copied().unwrap_or(0);
    let first = payload.get(1..15).unwrap_or_default();
    let dup = [&[head + 1][..], first, payload.get(1..).unwrap_or_default()].concat();
    g.verify(
        "claims-duplicate-key",
        "`iss` twice (signed)",
        &signed(&g, &dup)?,
        AUD,
        NOW,
        None,
        err(Code::CborDuplicateKey),
    );
    let mut trailing = payload.clone();
    trailing.push(0);
    g.verify(
        "claims-trailing",
        "a byte after the claims (signed)",
        &signed(&g, &trailing)?,
        AUD,
        NOW,
        None,
        err(Code::CborTrailingBytes),
    );
    g.verify(
        "claims-not-a-map",
        "claims that are an array (signed)",
        &signed(&g, &[0x80])?,
        AUD,
        NOW,
        None,
        err(Code::ClaimWrongType),
    );
    g.verify(
        "claims-missing",
        "an empty claims map (signed)",
        &signed(&g, &[0xa0])?,
        AUD,
        NOW,
        None,
        err(Code::ClaimMissing),
    );
    let unknown = [
        &[head + 1][..],
        payload.get(1..).unwrap_or_default(),
        &[0x19, 0x12, 0x34, 0x00][..],
    ]
    .concat();
    g.verify(
        "claims-unsorted",
        "a claim appended after `consent` (signed)",
        &signed(&g, &unknown)?,
        AUD,
        NOW,
        None,
        err(Code::CborUnsortedKeys),
    );
    let at = payload
        .windows(3)
        .position(|w| w == [0x19, 0xff, 0xff])
        .unwrap_or(0);
    let unknown = [
        &[head + 1][..],
        payload.get(1..at).unwrap_or_default(),
        &[0x19, 0x12, 0x34, 0x00][..],
        payload.get(at..).unwrap_or_default(),
    ]
    .concat();
    g.verify(
        "claims-unknown",
        "an undefined claim 4660 in its sorted place (signed)",
        &signed(&g, &unknown)?,
        AUD,
        NOW,
        None,
        err(Code::ClaimUnknown),
    );

    // inspect
    g.push(
        "inspect-full",
        "decoded, marked unverified",
        "inspect",
        json!({"artefact": b64(&full)}),
        ok(vec![
            is("/verified", false),
            is("/header/alg", "EdDSA"),
            is("/header/typ", "application/vnd.consentry.artefact+cwt"),
            is("/claims/sub", "pp-corpus-01"),
            is("/claims/consent/child", true),
        ]),
    );

    // status lists
    g.push(
        "status-get-suspended",
        "index 1 of a verified list",
        "statusGet",
        json!({"statusList": b64(&list_revoked), "trust": g.jwks, "idx": 1, "now": NOW}),
        ok(vec![
            is("/idx", 1),
            is("/status", "suspended"),
            is("/value", 2),
            is("/uri", LIST_URI),
            is("/list/state", "fresh"),
        ]),
    );
    g.push(
        "status-get-out-of-range",
        "index past the end",
        "statusGet",
        json!({"statusList": b64(&list_revoked), "trust": g.jwks, "idx": 1024, "now": NOW}),
        err(Code::StatusIndexOutOfRange),
    );

    // decide: permits
    let l = Some(&list_valid[..]);
    g.decide(
        "decide-permit-transform",
        "granted fields with their transforms",
        &base,
        req("abdm:CAREMGT", "view", &["/name", "/diagnosis", "/phone"]),
        l,
        permit(
            &["/name", "/diagnosis/*/code"],
            &[("/name", "pseudonym")],
            NOW + DAY,
        ),
    );
    g.decide(
        "decide-permit-store",
        "store implies view; a budget with uses below it",
        &base,
        req("abdm:PUBHLTH", "view", &["/pincode"]),
        l,
        permit(&["/pincode"], &[], NOW + 365 * DAY),
    );
    g.decide(
        "decide-permit-descendant",
        "a grant covers its purpose's descendants",
        &base,
        req("svc:service/delivery", "query", &["/email"]),
        l,
        permit(&["/email"], &[], NOW + 365 * DAY),
    );
    // decide: every reason code
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["leeway"] = 301.into();
    g.decide(
        "deny-undecidable-request",
        "leeway over 300 s",
        &base,
        r,
        l,
        deny(&[ReasonCode::UndecidableRequest]),
    );
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["now"] = (NOW - 2 * DAY).into();
    g.decide(
        "deny-not-yet-valid",
        "before `nbf` (and so before `iat`, which follows it); the list, issued after `now`, proves nothing",
        &full,
        r,
        l,
        deny(&[
            ReasonCode::IssuedInFuture,
            ReasonCode::NotYetValid,
            ReasonCode::StatusUnknown,
        ]),
    );
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["now"] = (NOW - 2 * DAY).into();
    g.decide(
        "deny-issued-in-future",
        "no `nbf`, but `iat` a day after `now` (beyond the leeway): `verify` refuses it too; the list, issued after `now`, proves nothing",
        &base,
        r,
        l,
        deny(&[ReasonCode::IssuedInFuture, ReasonCode::StatusUnknown]),
    );
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["now"] = (NOW + 400 * DAY).into();
    g.decide(
        "deny-expired",
        "after `exp`",
        &base,
        r,
        l,
        deny(&[ReasonCode::Expired, ReasonCode::StatusUnknown]),
    );
    let mut r = req("abdm:CAREMGT", "view", &["/name"]);
    r["recipient"] = "tn.police".into();
    g.decide(
        "deny-audience",
        "recipient not in `aud`",
        &base,
        r,
        l,
        deny(&[ReasonCode::AudienceMismatch]),
    );
    g.decide(
        "deny-revoked",
        "withdrawn",
        &base,
        req("abdm:CAREMGT", "view", &["/name"]),
        Some(&list_revoked),
        deny(&[ReasonCode::Revoked]),
    );
    g.decide(
        "deny-suspended",
        "paused",
        &suspended,
        req("abdm:CAREMGT", "view", &["/name"]),
        Some(&list_revoked),
        deny(&[ReasonCode::Suspended]),
    );
    g.decide(
        "deny-status-unknown",
        "a status claim but no list",
        &base,
        req("abdm:CAREMGT", "view", &["/name"]),
        None,
        deny(&[ReasonCode::StatusUnknown]),
    );
    let bad_basis = Claims {
        consent: consentry::Consent {
            basis: "because".into(),
            ..base_claims(4).consent
        },
        ..base_claims(4)
    };
    g.decide(
        "deny-basis",
        "basis neither consent nor a legitimate use",
        &g.sign(&bad_basis)?,
        req("abdm:CAREMGT", "view", &["/name"]),
        l,
        deny(&[ReasonCode::BasisInvalid]),
    );
    let child = Claims {
        consent: consentry::Consent {
            child: Some(true),
            ..base_claims(5).consent
        },
        ..base_claims(5)
    };
    g.decide(
        "deny-child-unverified",
        "a child without a parent's evidence",
        &g.sign(&child)?,
        req("abdm:CAREMGT", "view", &["/name"]),
        l,
        deny(&[ReasonCode::ChildConsentUnverified]),
    );
    g.decide(
        "deny-purpose-unknown",
        "a purpose no taxonomy defines",
        &base,
        req("xyz:unknown", "view", &["/name"]),
        l,
        deny(&[ReasonCode::PurposeUnknown]),
    );
    let mut ads = full_claims();
    ads.cti = cti(6);
    ads.consent
        .purposes
        .push(Grant::new("svc:marketing", ["/email"], Mode::View));
    g.decide(
        "deny-child-prohibited",
        "targeted ads for a child",
        &g.sign(&ads)?,
        req("svc:marketing/targeted-ads", "view", &["/email"]),
        l,
        deny(&[ReasonCode::ChildProhibited]),
    );
    g.decide(
        "deny-purpose-not-granted",
        "an ancestor of a granted purpose",
        &base,
        req("svc:marketing", "view", &["/email"]),
        l,
        deny(&[ReasonCode::PurposeNotGranted]),
    );
    let unknown_grant = Claims {
        consent: consentry::Consent {
            purposes: vec![Grant::new("xyz:private", ["/name"], Mode::View)],
            ..base_claims(7).consent
        },
        ..base_claims(7)
    };
    g.decide(
        "deny-grant-purpose-unknown",
        "the only grant names an unknown purpose",
        &g.sign(&unknown_grant)?,
        req("abdm:CAREMGT", "view", &["/name"]),
        l,
        deny(&[
            ReasonCode::PurposeNotGranted,
            ReasonCode::GrantPurposeUnknown,
        ]),
    );
    let conflicting = Claims {
        consent: consentry::Consent {
            purposes: vec![
                Grant::new("abdm:CAREMGT", ["/address", "/address/pin"], Mode::View)
                    .transform("/address", "pseudonym")
                    .transform("/address/pin", "mask"),
            ],
            ..base_claims(8).consent
        },
        ..base_claims(8)
    };
    g.decide(
        "deny-grant-invalid",
        "one grant requires two transforms at one place",
        &g.sign(&conflicting)?,
        req("abdm:CAREMGT", "view", &["/address/pin"]),
        l,
        deny(&[ReasonCode::GrantInvalid]),
    );
    g.decide(
        "deny-mode",
        "store requested, view granted",
        &base,
        req("abdm:CAREMGT", "store", &["/name"]),
        l,
        deny(&[ReasonCode::ModeNotGranted]),
    );
    g.decide(
        "deny-fields",
        "no requested field granted",
        &base,
        req("abdm:CAREMGT", "view", &["/phone"]),
        l,
        deny(&[ReasonCode::FieldsNotGranted]),
    );
    let mut r = req("abdm:PUBHLTH", "store", &["/pincode"]);
    r.as_object_mut().map(|o| o.remove("uses"));
    g.decide(
        "deny-frequency-unchecked",
        "a budget but no use count",
        &base,
        r,
        l,
        deny(&[ReasonCode::FrequencyUnchecked]),
    );
    let mut r = req("abdm:PUBHLTH", "store", &["/pincode"]);
    r["uses"] = 3.into();
    g.decide(
        "deny-frequency-exceeded",
        "the budget is spent",
        &base,
        r,
        l,
        deny(&[ReasonCode::FrequencyExceeded]),
    );

    pseudonymisation(&mut g)?;
    corpus_aa::aa_cases(&mut g)?;

    // Bad requests.
    g.push(
        "request-malformed",
        "a request that does not parse",
        "verify",
        json!({"artefact": 7}),
        err(Code::RequestInvalid),
    );
    g.push(
        "request-unknown-op",
        "an operation that does not exist",
        "nonesuch",
        json!({}),
        err(Code::RequestInvalid),
    );
    if g.refused.is_empty() {
        Ok(g.cases)
    } else {
        Err(format!(
            "{} case(s) contradict their stated intent; the corpus is not written:\n  {}",
            g.refused.len(),
            g.refused.join("\n  ")
        ))
    }
}

/// 64 hex digits of a fixed corpus master key.
fn master_hex() -> String {
    seed("master-key")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Known answers of `pseudonym` under the corpus master key and domain
/// `tn.health/research-2026`, computed outside consentry from the contract alone
/// (HKDF-SHA256(salt "consentry/v1/pseudonym", ikm master, info domain), then HMAC-SHA256 of
/// the canonical name, first 16 bytes, base32 lower-case without padding) with Python's
/// `hmac`/`hashlib`/`base64`:
///
/// ```text
/// k = hkdf(b"consentry/v1/pseudonym", sha256(b"consentry/corpus/v1/master-key"), b"tn.health/research-2026", 32)
/// b32encode(hmac(k, b"Meena Rajan", sha256)[:16]).lower().rstrip("=")
/// ```
const KAT_MEENA: &str = "fsv7ugypy7g7jlp4s3776eq4wa";
/// `pseudonym` of "Arun K" (as [`KAT_MEENA`]).
const KAT_ARUN: &str = "7ycrdlnuqdkwpjomnvtdkatmeu";
/// `pseudonym` of "Devi S" (as [`KAT_MEENA`]).
const KAT_DEVI: &str = "6z7gsilrcer2gbkebn3gk7dx7m";

/// A synthetic Aadhaar number (first 11 digits chosen, the 12th its Verhoeff digit).
fn aadhaar(first11: &str) -> String {
    let d = consentry::ids::verhoeff_check_digit(first11).unwrap_or(0);
    format!("{first11}{d}")
}

/// Policy, records and CSV through every transform, in both directions, and their errors.
fn pseudonymisation(g: &mut Gen) -> Result<(), String> {
    let policy = json!({
        "domain": "tn.health/research-2026",
        "unlisted": "drop",
        "fields": {
            "/aadhaar": {"type": "aadhaar", "transform": "ff1"},
            "/aadhaar_ref": {"type": "aadhaar", "transform": "token"},
            "/name": {"type": "name", "transform": "pseudonym"},
            "/mobile": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
            "/dob": {"type": "date", "transform": "generalise", "params": {"to": "year"}},
            "/visit": {"type": "date", "transform": "shift", "params": {"max_days": 30, "subject": "/name"}},
            "/pincode": {"type": "pincode", "transform": "generalise", "params": {"digits": 3}},
            "/notes": {"type": "text", "transform": "drop"},
        }
    });
    let key = master_hex();
    let record = json!({
        "aadhaar": aadhaar("23456789012"), "aadhaar_ref": aadhaar("98765432109"), "name": "  Meena   Rajan ",
        "mobile": "+91 98765 43210", "dob": "1988-04-12", "visit": "2026-05-20", "pincode": "600042",
        "notes": "asthma since 2010", "ward": "not in the policy: dropped"
    });
    let p = |extra: Value| {
        let mut r = json!({"policy": policy, "masterKey": key});
        if let (Some(o), Some(e)) = (r.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        r
    };
    g.push(
        "pseudo-record-every-transform",
        "ff1, token, pseudonym, mask, generalise (date, pin), shift, drop; unlisted dropped",
        "pseudonymise",
        p(json!({"record": record})),
        ok(vec![
            not("/record/aadhaar", aadhaar("23456789012")),
            prefix("/record/aadhaar_ref", "t1."),
            is("/record/name", KAT_MEENA),
            is("/record/mobile", "XXXXXX3210"),
            is("/record/dob", "1988"),
            prefix("/record/visit", "2026-0"),
            is("/record/pincode", "600"),
            absent("/record/notes"),
            absent("/record/ward"),
        ]),
    );
    let out = g
        .cases
        .last()
        .and_then(|c| c.expect.pointer("/result/record").cloned())
        .unwrap_or(Value::Null);
    // Issue 15: the date `pseudonymise` shifted, which a permit's `shift` must give too.
    let shifted_visit = out.get("visit").cloned().unwrap_or(Value::Null);
    g.push(
        "pseudo-record-reverse",
        "token and ff1 fields restored with the key",
        "pseudonymise",
        p(json!({"record": out, "reverse": true})),
        ok(vec![
            is("/record/aadhaar", aadhaar("23456789012")),
            is("/record/aadhaar_ref", aadhaar("98765432109")),
            is("/record/name", KAT_MEENA),
            is("/record/dob", "1988"),
            is("/record/pincode", "600"),
            absent("/record/notes"),
        ]),
    );
    // CSV columns are plain names: the same rules keyed by column name.
    let csv_policy = json!({
        "domain": "tn.health/research-2026",
        "unlisted": "drop",
        "fields": {
            "name": {"type": "name", "transform": "pseudonym"},
            "aadhaar": {"type": "aadhaar", "transform": "ff1"},
            "pincode": {"type": "pincode", "transform": "generalise", "params": {"digits": 3}},
        }
    });
    g.push("pseudo-csv", "csv rows by column name; an unlisted column dropped", "pseudonymise", json!({
        "policy": csv_policy, "masterKey": key, "csv": {
        "header": ["name", "aadhaar", "pincode", "ward"],
        "rows": [["Arun K", aadhaar("34567890123"), "641001", "7"], ["Devi S", aadhaar("45678901234"), "625020", "9"]]}}), ok(vec![is("/csv/header", json!(["name", "aadhaar", "pincode"])), is("/csv/rows/0/0", KAT_ARUN), is("/csv/rows/1/0", KAT_DEVI), not("/csv/rows/0/1", aadhaar("34567890123")), not("/csv/rows/1/1", aadhaar("45678901234")), is("/csv/rows/0/2", "641"), is("/csv/rows/1/2", "625"), absent("/csv/rows/0/3")]));
    let mut bad = record.clone();
    bad["aadhaar"] = "234567890123".into();
    g.push(
        "pseudo-invalid-value",
        "an aadhaar number failing verhoeff (never passed through, never echoed)",
        "pseudonymise",
        p(json!({"record": bad})),
        err(Code::PseudoInvalidValue),
    );
    g.push(
        "pseudo-unknown-field",
        "a value for a field the policy lacks",
        "pseudonymise",
        p(json!({"field": "/nope", "value": "x"})),
        err(Code::PseudoUnknownField),
    );
    g.push(
        "pseudo-not-reversible",
        "reversing a pseudonym",
        "pseudonymise",
        p(json!({"field": "/name", "value": "abc", "reverse": true})),
        err(Code::PseudoNotReversible),
    );
    g.push(
        "pseudo-invalid-token",
        "reversing a tampered token",
        "pseudonymise",
        p(json!({"field": "/aadhaar_ref", "value": "t1.AAAA", "reverse": true})),
        err(Code::PseudoInvalidToken),
    );
    g.push(
        "pseudo-row-length",
        "a csv row shorter than the header",
        "pseudonymise",
        p(json!({"csv": {"header": ["/name", "/pincode"], "rows": [["Arun K"]]}})),
        err(Code::PseudoRowLength),
    );
    g.push(
        "pseudo-duplicate-column",
        "a header naming a column twice",
        "pseudonymise",
        p(json!({"csv": {"header": ["/name", "/name"], "rows": []}})),
        err(Code::PseudoDuplicateColumn),
    );
    // A shift below year 1: "Subject 0" has a negative keyed offset under the corpus key and
    // domain (chosen once by search, then fixed here so the case can never silently vanish).
    g.push(
        "pseudo-date-out-of-range",
        "a date shifted before year 1",
        "pseudonymise",
        p(json!({"record": {"name": "Subject 0", "visit": "0001-01-01"}})),
        err(Code::PseudoDateOutOfRange),
    );
    // With `unlisted: keep`, a column that differs from a policy key only by case, spaces or
    // look-alike letters would pass through untransformed: refused.
    for (id, col) in [
        ("pseudo-near-miss-case", "Name"),
        ("pseudo-near-miss-cyrillic", "n\u{0430}me"),
    ] {
        g.push(
            id,
            "unlisted kept; a column that folds to the policy key `name` but is not it",
            "pseudonymise",
            json!({"policy": {"domain": "d", "unlisted": "keep",
                              "fields": {"name": {"type": "name", "transform": "pseudonym"}}},
                   "masterKey": key, "csv": {"header": ["name", col], "rows": [["Arun K", "Arun K"]]}}),
            err(Code::PseudoColumnNearMiss),
        );
    }
    let mut r = p(json!({"field": "/name", "value": "x"}));
    r["masterKey"] = "00ff".into();
    g.push(
        "pseudo-invalid-key",
        "a master key that is not 32 bytes",
        "pseudonymise",
        r,
        err(Code::PseudoInvalidKey),
    );
    let mut r = p(json!({"field": "/name", "value": "x"}));
    r["masterKey"] = "00".repeat(32).into();
    g.push(
        "pseudo-master-key-weak",
        "an all-zero master key (32 equal bytes)",
        "pseudonymise",
        r,
        err(Code::MasterKeyWeak),
    );
    // The trust store refuses a P-256 point off the curve before anything is verified.
    let zero = b64(&[0u8; 32]);
    g.push(
        "trust-p256-off-curve",
        "a trusted P-256 JWK whose point (0, 0) is not on the curve",
        "verify",
        json!({"artefact": "0oRDoQEmoEBA", "audience": AUD, "now": NOW,
               "trust": {"keys": [{"kty": "EC", "crv": "P-256", "x": zero, "y": zero}]}}),
        err(Code::KeyNotOnCurve),
    );
    let policy_case = |g: &mut Gen, id: &str, about: &str, pol: Value, intent: Intent| {
        g.push(
            id,
            about,
            "pseudonymise",
            json!({"policy": pol, "masterKey": master_hex(), "field": "/f", "value": "x"}),
            intent,
        );
    };
    let one = |rule: Value| json!({"domain": "d", "unlisted": "keep", "fields": {"/f": rule}});
    policy_case(
        g,
        "policy-malformed",
        "an unknown member",
        json!({"domain": "d", "unlisted": "keep", "fields": {}, "extra": 1}),
        err(Code::PolicyMalformed),
    );
    policy_case(
        g,
        "policy-unknown-transform",
        "an unkeyed hash is not offered",
        one(json!({"type": "aadhaar", "transform": "sha256"})),
        err(Code::PolicyUnknownTransform),
    );
    policy_case(
        g,
        "policy-unknown-type",
        "a type consentry does not know",
        one(json!({"type": "ssn", "transform": "pseudonym"})),
        err(Code::PolicyUnknownType),
    );
    policy_case(
        g,
        "policy-missing-param",
        "shift without max_days",
        one(json!({"type": "date", "transform": "shift", "params": {"subject": "/g"}})),
        err(Code::PolicyMissingParam),
    );
    policy_case(
        g,
        "policy-unknown-param",
        "a parameter the transform lacks",
        one(json!({"type": "aadhaar", "transform": "pseudonym", "params": {"x": 1}})),
        err(Code::PolicyUnknownParam),
    );
    policy_case(
        g,
        "policy-invalid-param",
        "max_days 0",
        one(
            json!({"type": "date", "transform": "shift", "params": {"max_days": 0, "subject": "/g"}}),
        ),
        err(Code::PolicyInvalidParam),
    );
    policy_case(
        g,
        "policy-ff1-too-small",
        "ff1 over fewer than 10^6 values",
        one(json!({"type": "digits", "transform": "ff1", "params": {"min_len": 5}})),
        err(Code::PolicyFf1DomainTooSmall),
    );
    policy_case(
        g,
        "policy-mask-non-string",
        "mask on a number",
        one(json!({"type": "number", "transform": "mask", "params": {"keep_last": 2}})),
        err(Code::PolicyMaskNonString),
    );
    policy_case(
        g,
        "policy-empty-domain",
        "an empty domain",
        json!({"domain": "", "unlisted": "keep", "fields": {}}),
        err(Code::PolicyEmptyDomain),
    );
    policy_case(
        g,
        "policy-overlapping",
        "a field and its descendant",
        json!({"domain": "d", "unlisted": "keep", "fields": {
        "/a": {"type": "text", "transform": "drop"}, "/a/b": {"type": "text", "transform": "drop"}}}),
        err(Code::PolicyOverlappingFields),
    );
    policy_case(
        g,
        "policy-invalid-selector",
        "an empty selector segment",
        json!({"domain": "d", "unlisted": "keep", "fields": {"/a//b": {"type": "text", "transform": "drop"}}}),
        err(Code::PolicyInvalidSelector),
    );

    // Filtering a permit's required transforms through the policy.
    let decision = json!({"allowed": true, "fields": ["/name", "/pincode"], "transforms": {"/name": "pseudonym"}, "eraseBy": NOW + DAY});
    g.push(
        "filter-with-transform",
        "only granted fields leave, /name through the policy's pseudonym",
        "filter",
        json!({"decision": decision, "record": record, "policy": policy, "masterKey": key}),
        ok(vec![is(
            "/record",
            json!({"name": KAT_MEENA, "pincode": "600042"}),
        )]),
    );
    g.push(
        "filter-permit-expired",
        "a permit is unsigned and ends at its `eraseBy`: given `now` at or past it, refused",
        "filter",
        json!({"decision": decision, "record": record, "policy": policy, "masterKey": key,
               "now": NOW + DAY}),
        err(Code::PermitExpired),
    );
    g.push(
        "filter-transform-unsupported",
        "a required transform with no policy: an error, never a pass-through",
        "filter",
        json!({"decision": decision, "record": record}),
        err(Code::TransformUnsupported),
    );
    // Issue 15: a permit's transforms give `pseudonymise`'s bytes.
    let shift_decision = json!({"allowed": true, "fields": ["/visit"], "transforms": {"/visit": "shift"}, "eraseBy": NOW + DAY});
    g.push(
        "filter-shift-through-permit",
        "a permit's `shift` takes its subject from the record (the policy's `subject`, not granted) and gives pseudonymise's date",
        "filter",
        json!({"decision": shift_decision, "record": record, "policy": policy, "masterKey": key}),
        ok(vec![is("/record", json!({"visit": shifted_visit}))]),
    );
    g.push(
        "filter-empty-value",
        "an empty string is no value: left as it is, as pseudonymise leaves it",
        "filter",
        json!({"decision": decision, "record": {"name": "", "pincode": "600042"}, "policy": policy, "masterKey": key}),
        ok(vec![is("/record", json!({"name": "", "pincode": "600042"}))]),
    );
    g.push(
        "pseudo-typeless-and-mask-preset",
        "`drop` and `keep` without `type`; `mask` without parameters uses the identifier type's preset",
        "pseudonymise",
        json!({"policy": {"domain": "d", "unlisted": "drop", "fields": {
            "/notes": {"transform": "drop"}, "/ward": {"transform": "keep"},
            "/aadhaar": {"type": "aadhaar", "transform": "mask"},
            "/mobile": {"type": "mobile", "transform": "mask"}}},
            "masterKey": key,
            "record": {"notes": "x", "ward": 7, "aadhaar": aadhaar("23456789012"), "mobile": "+91 98765 43210"}}),
        ok(vec![
            is("/record", json!({"ward": 7, "aadhaar": "XXXX XXXX 0124", "mobile": "XXXXXX3210"})),
        ]),
    );

    // Identifiers.
    let id =
        |g: &mut Gen, op: &str, id: &str, about: &str, kind: &str, value: &str, intent: Intent| {
            g.push(id, about, op, json!({"type": kind, "value": value}), intent);
        };
    id(
        g,
        "idValidate",
        "id-aadhaar-valid",
        "spaces removed, verhoeff checked",
        "aadhaar",
        &format!(
            "{} {}",
            &aadhaar("23456789012")[..4],
            &aadhaar("23456789012")[4..]
        ),
        ok(vec![
            is("/valid", true),
            is("/normalised", aadhaar("23456789012")),
        ]),
    );
    id(
        g,
        "idValidate",
        "id-aadhaar-checksum",
        "one digit changed",
        "aadhaar",
        "234567890123",
        ok(vec![
            is("/valid", false),
            is("/error/code", "id_checksum"),
            absent("/normalised"),
        ]),
    );
    id(
        g,
        "idValidate",
        "id-pan-holder",
        "an unknown holder-type letter",
        "pan",
        "ABCQE1234F",
        ok(vec![
            is("/valid", false),
            is("/error/code", "id_pan_holder_type"),
        ]),
    );
    id(
        g,
        "idValidate",
        "id-mobile-invalid",
        "a number starting with 5",
        "mobile",
        "5123456789",
        ok(vec![is("/valid", false), is("/error/code", "id_invalid")]),
    );
    id(
        g,
        "idMask",
        "id-aadhaar-mask",
        "the uidai display mask",
        "aadhaar",
        &aadhaar("23456789012"),
        ok(vec![is(
            "/masked",
            format!("XXXX XXXX {}", &aadhaar("23456789012")[8..]),
        )]),
    );
    g.push("id-detect", "typed spans in free text; a bad checksum is not reported", "idDetect",
        json!({"text": format!("aadhaar {} or 234567890123, pan ABCPE1234F, call +91 9876543210", aadhaar("23456789012"))}), ok(vec![is("/spans", json!([{"start": 8, "end": 20, "type": "aadhaar"}, {"start": 42, "end": 52, "type": "pan"}, {"start": 59, "end": 73, "type": "mobile"}]))]));
    Ok(())
}

/// The corpus as the committed `corpus.json` text.
pub fn to_json(cases: &[Case]) -> String {
    let doc = json!({
        "version": 1,
        "about": "consentry golden conformance corpus: each case is an interop request, its intended outcome (`intent`, written by hand in the generator; see tests/src/intent.rs) and the exact response every face must give (`expect`, recorded only when it holds the intent). Regenerate with `cargo run -p consentry-conformance --bin gen-corpus`.",
        "now": NOW,
        "cases": cases,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The human-readable list of cases.
pub fn readme(cases: &[Case]) -> String {
    let mut s = String::from(
        "# Golden conformance corpus\n\nGenerated by `cargo run -p consentry-conformance --bin gen-corpus` from fixed seeds; \
         `./scripts/test` regenerates it and fails if it differs from what is committed. Each case \
         is a request to one interop operation, its **intent** written by hand in \
         `tests/src/corpus.rs` (`ok` with the facts that matter, the exact error code, the deny \
         reason codes, or a permit's fields, transforms and `eraseBy`; see `tests/src/intent.rs`), \
         and the exact response every face (Rust, C ABI, npm) must return. The generator refuses \
         to write a case whose response contradicts its intent, naming the case and the \
         difference; regenerating only re-records the byte-level detail of responses whose intent \
         holds. Every face replays the corpus through its JSON entry point and its typed API, \
         checking both the intent and the recorded response.\n\n\
         | id | op | shows | intent |\n|---|---|---|---|\n",
    );
    for c in cases {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            c.id,
            c.op,
            c.about,
            c.intent.summary()
        ));
    }
    s.push_str(MUTATION_NOTE);
    s
}

/// The README's note on the generator refusing a mutated core (kept in the generator so that
/// regenerating the README keeps it).
const MUTATION_NOTE: &str = "
## It can fail: a deliberate mutation

Tried on 2026-12-03: one line of `core/src/error.rs` changed so that an expired artefact reports
the code of one not yet valid, then the generator run (and the mutation reverted):

```console
$ sed -i 's/VerifyError::Expired { .. } => Code::Expired,/VerifyError::Expired { .. } => Code::NotYetValid,/' core/src/error.rs
$ cargo run -q -p consentry-conformance --bin gen-corpus; echo \"exit $?\"
cannot generate the corpus: 1 case(s) contradict their stated intent; the corpus is not written:
  case `verify-expired`: intended error `expired`, got error `not_yet_valid`
exit 2
$ git checkout core/src/error.rs
```

Nothing was written: `corpus.json` and this README stay as committed. (`deny-expired` still held:
the decision path reports its own reason code, which the mutation did not touch.)
";
