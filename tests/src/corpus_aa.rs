//! Corpus cases of the Account Aggregator operations (`aaVerify`, `aaVerifyDetached`,
//! `aaDecide`): the vendored spec example, every tamper of issue 16's "Must show", each `b64`
//! variant, compact and detached, and each quirk fixture. RS256 is deterministic: the cases
//! are the same bytes on every run.

use consentry::aa::{self, AaAlg, AaSigningKey, B64Mode};
use consentry::purpose::ReasonCode;
use consentry::Code;
use serde_json::{json, Value};

use super::Gen;
use crate::intent::{deny, err, is, ok, permit};

/// The spec example's window (rounded as `docs/aa.md` says) and an instant inside it.
const START: i64 = 1_559_043_501;
const EXPIRY: i64 = 1_590_665_900;
const INSIDE: i64 = 1_570_000_000;
/// The spec example's data consumer.
const FIU: &str = "cookiejar-aa@finvu.in";

/// A well-formed consent detail (the spec example's terms, compact JSON).
const DETAIL: &str = r#"{"consentStart":"2019-05-28T11:38:20.380+0000","consentExpiry":"2020-05-28T11:38:20.381+0000","consentMode":"VIEW","fetchType":"ONETIME","consentTypes":["PROFILE","SUMMARY","TRANSACTIONS"],"fiTypes":["DEPOSIT","TERM-DEPOSIT"],"DataConsumer":{"id":"cookiejar-aa@finvu.in","type":"AA"},"DataProvider":{"id":"BARB0KIMXXX","type":"FIP"},"Customer":{"id":"demo@finvu"},"Accounts":[],"Purpose":{"code":"101","refUri":"https://api.rebit.org.in/aa/purpose/101.xml","text":"Wealth management service","Category":{"type":"purposeCategoryType"}},"FIDataRange":{"from":"2019-05-28T11:38:20.383+0000","to":"2020-05-28T11:38:20.381+0000"},"DataLife":{"unit":"MONTH","value":4},"Frequency":{"unit":"HOUR","value":4},"DataFilter":[{"type":"TRANSACTIONAMOUNT","operator":">","value":"20000"}]}"#;

fn vector(rel: &str) -> Result<String, String> {
    let p = crate::vectors_dir().join("aa").join(rel);
    std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn json_vector(rel: &str) -> Result<Value, String> {
    serde_json::from_str(&vector(rel)?).map_err(|e| format!("{rel}: {e}"))
}

/// PKCS#8 DER of a PEM file (standard base64 body, read through the base64url decoder).
fn pem_der(rel: &str) -> Result<Vec<u8>, String> {
    let body: String = vector(rel)?
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .replace('+', "-")
        .replace('/', "_")
        .replace('=', "");
    consentry::b64::decode(&body).ok_or_else(|| format!("{rel}: not base64"))
}

fn b64(b: &[u8]) -> String {
    consentry::b64::encode(b)
}

fn unb64(s: &str) -> Vec<u8> {
    consentry::b64::decode(s).unwrap_or_default()
}

fn segments(jws: &str) -> (String, String, String) {
    let mut p = jws.trim().split('.').map(str::to_owned);
    let h = p.next().unwrap_or_default();
    let m = p.next().unwrap_or_default();
    let s = p.next().unwrap_or_default();
    (h, m, s)
}

/// A raw RS256 signature of `input` with the test key `name`.
fn raw_sign(name: &str, input: &[u8]) -> Result<Vec<u8>, String> {
    let pair =
        ring::signature::RsaKeyPair::from_pkcs8(&pem_der(&format!("test-keys/{name}.pk8.pem"))?)
            .map_err(|e| e.to_string())?;
    let mut sig = vec![0u8; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input,
        &mut sig,
    )
    .map_err(|e| e.to_string())?;
    Ok(sig)
}

/// Adds the AA cases.
pub(super) fn aa_cases(g: &mut Gen) -> Result<(), String> {
    let spec = vector("signed_consent_spec_example.jws")?.trim().to_owned();
    let spec_key = json_vector("spec_example_key.jwk.json")?;
    let one_jwk = json_vector("test-keys/aa_one.jwk.json")?;
    let two_jwk = json_vector("test-keys/aa_two.jwk.json")?;
    let short_jwk = json_vector("test-keys/short_1024.jwk.json")?;
    // A trust document mixing consentry's own issuer key with the AA key: split by the core.
    let mut ours = g.jwks.clone();
    let mut mixed_keys = ours["keys"].as_array().cloned().unwrap_or_default();
    mixed_keys.push(spec_key.clone());
    ours["keys"] = Value::Array(mixed_keys);
    let mixed = ours;
    let registry = json!([{"id": "finvu-aa", "certificate": spec_key},
                          {"id": "aa-one", "certificate": one_jwk},
                          {"id": "aa-two", "certificate": two_jwk}]);
    let rng = ring::rand::SystemRandom::new();
    let signer = |name: &str, kid: &str| {
        AaSigningKey::from_pkcs8(
            &pem_der(&format!("test-keys/{name}.pk8.pem"))?,
            AaAlg::Rs256,
            kid,
        )
        .map_err(|e| e.to_string())
    };
    let one = signer("aa_one", "aa-one-key-1")?;
    let two = signer("aa_two", "aa-two-key-1")?;
    let compact = |k: &AaSigningKey, detail: &str, mode: B64Mode| {
        aa::sign_compact(detail.as_bytes(), k, mode, &rng).map_err(|e| e.to_string())
    };
    let verify = |g: &mut Gen,
                  id: &str,
                  about: &str,
                  jws: &str,
                  trust: &Value,
                  issuer: Option<&str>,
                  intent| {
        let mut r = json!({"jws": jws, "trust": trust});
        if let Some(i) = issuer {
            r["issuer"] = i.into();
        }
        g.push(id, about, "aaVerify", r, intent);
    };

    // The spec example.
    verify(g, "aa-verify-spec-example", "the AA API 2.1.0 signedConsent example verifies with its key from a trust file mixing our keys and AA keys; CRLF payload kept", &spec, &mixed, None, ok(vec![
        is("/kid", "4271913e-7b93-49dd-9949-1c76ff5fc5cf"), is("/alg", "RS256"), is("/b64", "false"),
        is("/issuer", Value::Null), is("/payload/consentMode", "VIEW"),
        is("/claims/source", "aa"), is("/claims/claims/aud", FIU), is("/claims/claims/nbf", START),
        is("/claims/claims/exp", EXPIRY), is("/claims/claims/consent/purposes/0/purpose", "aa:101"),
        is("/claims/issuer", "kid:4271913e-7b93-49dd-9949-1c76ff5fc5cf"),
    ]));
    verify(
        g,
        "aa-verify-spec-expected-issuer",
        "the spec example from Central Registry entity records, required to come from `finvu-aa`",
        &spec,
        &registry,
        Some("finvu-aa"),
        ok(vec![
            is("/issuer", "finvu-aa"),
            is("/claims/claims/iss", "finvu-aa"),
        ]),
    );
    let mut r = json!({"jws": spec, "trust": registry, "issuer": "finvu-aa", "now": INSIDE});
    g.push(
        "aa-verify-spec-now-inside",
        "with `now` inside the consent window",
        "aaVerify",
        r.clone(),
        ok(vec![is("/issuer", "finvu-aa")]),
    );
    r["now"] = EXPIRY.into();
    g.push(
        "aa-verify-spec-now-expired",
        "with `now` at `consentExpiry`",
        "aaVerify",
        r.clone(),
        err(Code::Expired),
    );
    r["now"] = (START - 1).into();
    g.push(
        "aa-verify-spec-now-early",
        "with `now` before `consentStart`",
        "aaVerify",
        r,
        err(Code::NotYetValid),
    );

    // Tampering with the spec example.
    let (h, p, s) = segments(&spec);
    let header = unb64(&h);
    let payload = unb64(&p);
    let sig = unb64(&s);
    let mut spaced = header.clone();
    spaced.insert(1, b' ');
    verify(
        g,
        "aa-tamper-header-byte",
        "one byte added to the header JSON (still valid JSON): the signature no longer covers it",
        &format!("{}.{p}.{s}", b64(&spaced)),
        &mixed,
        None,
        err(Code::SignatureInvalid),
    );
    let mut flipped_p = payload.clone();
    if let Some(b) = flipped_p.get_mut(40) {
        *b ^= 0x01;
    }
    verify(
        g,
        "aa-tamper-payload-byte",
        "one payload byte flipped",
        &format!("{h}.{}.{s}", b64(&flipped_p)),
        &mixed,
        None,
        err(Code::SignatureInvalid),
    );
    let mut flipped_s = sig.clone();
    if let Some(b) = flipped_s.get_mut(10) {
        *b ^= 0x01;
    }
    verify(
        g,
        "aa-tamper-signature-byte",
        "one signature byte flipped",
        &format!("{h}.{p}.{}", b64(&flipped_s)),
        &mixed,
        None,
        err(Code::SignatureInvalid),
    );
    let crlf_free = String::from_utf8_lossy(&payload).replace("\r\n", "\n");
    verify(
        g,
        "aa-tamper-payload-reserialised",
        "the payload with its CRLF line ends rewritten as LF (re-serialised): refused",
        &format!("{h}.{}.{s}", b64(crlf_free.as_bytes())),
        &mixed,
        None,
        err(Code::SignatureInvalid),
    );
    let hs = b64(br#"{"alg":"HS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]}"#);
    verify(
        g,
        "aa-tamper-alg-hs256",
        "`alg` changed to HS256",
        &format!("{hs}.{p}.{s}"),
        &mixed,
        None,
        err(Code::AaAlgUnsupported),
    );
    let none = b64(br#"{"alg":"none","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]}"#);
    verify(
        g,
        "aa-tamper-alg-none",
        "`alg` changed to none, signature dropped",
        &format!("{none}.{p}.x"),
        &mixed,
        None,
        err(Code::AaAlgUnsupported),
    );
    let crit = b64(br#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64","exp"],"exp":1}"#);
    verify(
        g,
        "aa-tamper-crit-extra",
        "an extra `crit` member",
        &format!("{crit}.{p}.{s}"),
        &mixed,
        None,
        err(Code::AaCritUnknown),
    );
    let kid_number = b64(br#"{"alg":"RS256","kid":42,"b64":false,"crit":["b64"]}"#);
    verify(
        g,
        "aa-header-kid-number",
        "a header whose `kid` is a number",
        &format!("{kid_number}.{p}.{s}"),
        &mixed,
        None,
        err(Code::AaHeaderInvalid),
    );
    let other_kid = b64(br#"{"alg":"RS256","kid":"00000000-0000-0000-0000-000000000000","b64":false,"crit":["b64"]}"#);
    verify(
        g,
        "aa-tamper-unknown-kid",
        "a `kid` no trusted key has",
        &format!("{other_kid}.{p}.{s}"),
        &mixed,
        None,
        err(Code::KeyUnknownKid),
    );
    verify(
        g,
        "aa-structure-two-segments",
        "two segments",
        &format!("{h}.{p}"),
        &mixed,
        None,
        err(Code::AaJwsStructure),
    );
    verify(
        g,
        "aa-base64url-padded",
        "a padded signature segment",
        &format!("{h}.{p}.{s}=="),
        &mixed,
        None,
        err(Code::AaBase64url),
    );
    verify(
        g,
        "aa-key-1024-bit",
        "a trust document holding a 1024-bit key",
        &spec,
        &json!({"keys": [spec_key, short_jwk]}),
        None,
        err(Code::AaKeyTooSmall),
    );
    // The RFC 7515 signing input under a `b64` false header (signed by aa-one).
    let h1 = b64(aa_header("aa-one-key-1").as_bytes());
    let p1 = b64(DETAIL.as_bytes());
    let rfc = raw_sign("aa_one", format!("{h1}.{p1}").as_bytes())?;
    verify(
        g,
        "aa-tamper-rfc7515-input",
        "a `b64` false header over a signature made on the RFC 7515 input",
        &format!("{h1}.{p1}.{}", b64(&rfc)),
        &registry,
        None,
        err(Code::SignatureInvalid),
    );
    verify(
        g,
        "aa-issuer-other-aa",
        "a valid consent signed by a different AA than the expected one",
        &compact(&two, DETAIL, B64Mode::False)?,
        &registry,
        Some("aa-one"),
        err(Code::AaIssuerMismatch),
    );
    let not_json = raw_sign("aa_one", format!("{h1}.not json").as_bytes())?;
    verify(
        g,
        "aa-payload-not-json",
        "a verified payload that is not JSON",
        &format!("{h1}.{}.{}", b64(b"not json"), b64(&not_json)),
        &registry,
        None,
        err(Code::AaPayloadNotJson),
    );
    verify(
        g,
        "aa-detail-invalid",
        "a verified detail whose `consentMode` cannot be mapped",
        &compact(
            &one,
            &DETAIL.replace("\"VIEW\"", "\"PEEK\""),
            B64Mode::False,
        )?,
        &registry,
        None,
        err(Code::AaDetailInvalid),
    );

    // Each b64 variant, compact and detached.
    for (mode, name) in [
        (B64Mode::False, "false"),
        (B64Mode::True, "true"),
        (B64Mode::Absent, "absent"),
    ] {
        verify(
            g,
            &format!("aa-verify-b64-{name}"),
            &format!("a consent signed by aa-one with `b64` {name}"),
            &compact(&one, DETAIL, mode)?,
            &registry,
            Some("aa-one"),
            ok(vec![
                is("/b64", name),
                is("/kid", "aa-one-key-1"),
                is("/issuer", "aa-one"),
                is(
                    "/claims/claims/consent/purposes/0/fields",
                    json!([
                        "/fi/DEPOSIT/profile",
                        "/fi/DEPOSIT/summary",
                        "/fi/DEPOSIT/transactions",
                        "/fi/TERM_DEPOSIT/profile",
                        "/fi/TERM_DEPOSIT/summary",
                        "/fi/TERM_DEPOSIT/transactions"
                    ]),
                ),
            ]),
        );
        let detached =
            aa::sign_detached(DETAIL.as_bytes(), &one, mode, &rng).map_err(|e| e.to_string())?;
        g.push(&format!("aa-detached-b64-{name}"), &format!("a detached x-jws-signature with `b64` {name} over a body"), "aaVerifyDetached",
            json!({"signature": detached, "body": b64(DETAIL.as_bytes()), "trust": registry, "issuer": "aa-one"}),
            ok(vec![is("/b64", name), is("/kid", "aa-one-key-1"), is("/issuer", "aa-one"), is("/alg", "RS256")]));
        g.push(&format!("aa-detached-b64-{name}-body-changed"), &format!("the same `b64` {name} signature over a body with one byte changed"), "aaVerifyDetached",
            json!({"signature": detached, "body": b64(DETAIL.replace("20000", "20001").as_bytes()), "trust": registry}),
            err(Code::SignatureInvalid));
    }
    let detached = aa::sign_detached(DETAIL.as_bytes(), &one, B64Mode::False, &rng)
        .map_err(|e| e.to_string())?;
    let (dh, _, ds) = segments(&detached);
    g.push("aa-detached-middle-not-empty", "a detached value whose middle segment is not empty", "aaVerifyDetached",
        json!({"signature": format!("{dh}.{}.{ds}", b64(DETAIL.as_bytes())), "body": b64(DETAIL.as_bytes()), "trust": registry}),
        err(Code::AaJwsStructure));

    // Quirk fixtures: each imports.
    let quirks: [(&str, String); 6] = [
        (
            "offset-colon",
            DETAIL
                .replace("11:38:20.380+0000", "17:08:20.380+05:30")
                .replace("11:38:20.381+0000", "11:38:20.381Z"),
        ),
        (
            "epoch-millis",
            DETAIL
                .replace(r#""2019-05-28T11:38:20.380+0000""#, "1559043500380")
                .replace(
                    r#""consentExpiry":"2020-05-28T11:38:20.381+0000""#,
                    r#""consentExpiry":1590665900381"#,
                ),
        ),
        (
            "term-deposit-underscore",
            DETAIL.replace("TERM-DEPOSIT", "TERM_DEPOSIT"),
        ),
        (
            "lower-camel-keys",
            DETAIL
                .replace("\"Purpose\"", "\"purpose\"")
                .replace("\"DataLife\"", "\"dataLife\"")
                .replace("\"FIDataRange\"", "\"fidataRange\""),
        ),
        (
            "numbers-4-0",
            DETAIL.replace(r#""value":4}"#, r#""value":4.0}"#),
        ),
        (
            "category-placeholder",
            DETAIL.replace("purposeCategoryType", "string"),
        ),
    ];
    for (name, detail) in &quirks {
        verify(
            g,
            &format!("aa-quirk-{name}"),
            &format!("quirk fixture `{name}` imports to the canonical claims"),
            &compact(&one, detail, B64Mode::False)?,
            &registry,
            Some("aa-one"),
            ok(vec![
                is("/claims/claims/nbf", START),
                is("/claims/claims/exp", EXPIRY),
                is("/claims/claims/consent/purposes/0/purpose", "aa:101"),
                is("/claims/aa/fiTypes", json!(["DEPOSIT", "TERM_DEPOSIT"])),
                is("/claims/aa/dataLife", json!({"unit": "MONTH", "value": 4})),
            ]),
        );
    }

    // Decisions on the imported spec example.
    let req = |purpose: &str, op: &str, fields: &[&str], recipient: &str, now: i64| json!({"recipient": recipient, "purpose": purpose, "operation": op, "fields": fields, "now": now, "uses": 0});
    let decide =
        |g: &mut Gen, id: &str, about: &str, request: Value, status: Option<&str>, intent| {
            let mut r =
                json!({"jws": spec, "trust": registry, "issuer": "finvu-aa", "request": request});
            if let Some(s) = status {
                r["status"] = s.into();
            }
            g.push(id, about, "aaDecide", r, intent);
        };
    let erase_by = INSIDE + 4 * 30 * 86_400;
    decide(g, "aa-decide-permit", "aa:101 view of /fi/DEPOSIT/summary for the data consumer inside the window, status ACTIVE: permitted", req("aa:101", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE), Some("ACTIVE"), permit(&["/fi/DEPOSIT/summary"], &[], erase_by));
    decide(
        g,
        "aa-decide-other-purpose",
        "aa:102: not granted",
        req("aa:102", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE),
        Some("ACTIVE"),
        deny(&[ReasonCode::PurposeNotGranted]),
    );
    decide(
        g,
        "aa-decide-store",
        "store on a VIEW consent",
        req("aa:101", "store", &["/fi/DEPOSIT/summary"], FIU, INSIDE),
        Some("ACTIVE"),
        deny(&[ReasonCode::ModeNotGranted]),
    );
    decide(
        g,
        "aa-decide-after-expiry",
        "an hour after consentExpiry",
        req(
            "aa:101",
            "view",
            &["/fi/DEPOSIT/summary"],
            FIU,
            EXPIRY + 3_600,
        ),
        Some("ACTIVE"),
        deny(&[ReasonCode::Expired]),
    );
    decide(
        g,
        "aa-decide-other-recipient",
        "another recipient",
        req(
            "aa:101",
            "view",
            &["/fi/DEPOSIT/summary"],
            "other-fiu@finvu.in",
            INSIDE,
        ),
        Some("ACTIVE"),
        deny(&[ReasonCode::AudienceMismatch]),
    );
    decide(
        g,
        "aa-decide-no-status",
        "no AA status given: unknown, fails closed",
        req("aa:101", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE),
        None,
        deny(&[ReasonCode::StatusUnknown]),
    );
    decide(
        g,
        "aa-decide-revoked",
        "AA status REVOKED",
        req("aa:101", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE),
        Some("REVOKED"),
        deny(&[ReasonCode::Revoked]),
    );
    decide(
        g,
        "aa-decide-paused",
        "AA status PAUSED",
        req("aa:101", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE),
        Some("PAUSED"),
        deny(&[ReasonCode::Suspended]),
    );
    let mut r = json!({"jws": spec, "trust": registry, "issuer": "aa-one", "request": req("aa:101", "view", &["/fi/DEPOSIT/summary"], FIU, INSIDE), "status": "ACTIVE"});
    g.push(
        "aa-decide-issuer-mismatch",
        "a consent from another AA than the expected one is an error, not a denial",
        "aaDecide",
        r.clone(),
        err(Code::AaIssuerMismatch),
    );
    r["issuer"] = "finvu-aa".into();
    r["jws"] = format!("{h}.{}.{s}", b64(&flipped_p)).into();
    g.push(
        "aa-decide-tampered",
        "a tampered consent is an error, not a denial",
        "aaDecide",
        r,
        err(Code::SignatureInvalid),
    );
    Ok(())
}

/// The AA header with `kid`, `b64` false and `crit` b64.
fn aa_header(kid: &str) -> String {
    format!(r#"{{"alg":"RS256","kid":"{kid}","b64":false,"crit":["b64"]}}"#)
}
