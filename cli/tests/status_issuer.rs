//! Status-list hardening through the binary: the issuer is the key, not the `kid` (an artefact
//! signed under a JWK's own `kid` is revoked by its issuer's list signed under the thumbprint);
//! a list issued in the future cannot prove an artefact valid; `decide` denies an index past
//! the end of the issuer's list even when an unknown status is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::verify_with_list as verify;
use common::*;

const URI: &str = "https://cm-a.example/status/1";
/// 2030: a list dated here is issued in the future at `NOW`.
const FUTURE: &str = "1900000000";

fn claims(idx: u64) -> String {
    format!(
        r#"{{"iss":"cm.example","sub":"pp-123","aud":["tn.health"],"exp":1900000000,
 "status":{{"status_list":{{"idx":{idx},"uri":"{URI}"}}}},
 "consent":{{"v":1,"basis":"consent","notice":{{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"}},
 "purposes":[{{"purpose":"aa:101","fields":["/name"],"mode":"view","data_life":3600}}]}}}}"#
    )
}

/// Issuer A (`a.pem`); `trust.json` binds its key under its thumbprint and, as a second JWK,
/// under the issuer's own `kid` `issuer-a`.
fn issuer_with_two_kids(name: &str) -> PathBuf {
    let d = tmp(name);
    ok(&["key", "new", "--out", "a.pem"], &d);
    let o = ok(&["key", "public", "--key", "a.pem", "--jwks"], &d);
    let set: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let jwk = set["keys"][0].clone();
    let mut custom = jwk.clone();
    custom["kid"] = "issuer-a".into();
    std::fs::write(
        d.join("trust.json"),
        serde_json::json!({ "keys": [jwk, custom] }).to_string(),
    )
    .unwrap();
    d
}

/// Issues an artefact with `a.pem` at index `idx` into `out`.
fn issue(d: &Path, idx: u64, out: &str) {
    issue_into(d, "a.pem", &claims(idx), out);
}

/// Re-signs the artefact in `src` with `a.pem` under the `kid` `kid` into `out` (the CLI always
/// names the thumbprint; another issuer's tooling names its own `kid`).
fn resign_with_kid(d: &Path, src: &str, kid: &[u8], out: &str) {
    let text = std::fs::read_to_string(d.join(src)).unwrap();
    let bytes = consentry::b64::decode(text.trim()).unwrap();
    let claims = consentry::inspect(&bytes).unwrap().claims;
    let pem = std::fs::read_to_string(d.join("a.pem")).unwrap();
    let (_, der) = pem_rfc7468::decode_vec(pem.as_bytes()).unwrap();
    let rng = ring::rand::SystemRandom::new();
    let key = consentry::SigningKey::from_pkcs8(&der, &rng).unwrap();
    let signed = consentry::cose::sign1_with_kid(
        &claims.to_cbor().unwrap(),
        consentry::cose::ARTEFACT_TYP,
        kid,
        &key,
        &rng,
    )
    .unwrap();
    std::fs::write(d.join(out), consentry::b64::encode(&signed)).unwrap();
}

fn new_list(d: &Path, out: &str, now: &str) {
    ok(
        &[
            "status", "new", "--key", "a.pem", "--size", "64", "--uri", URI, "--out", out, "--ttl",
            "3600", "--now", now,
        ],
        d,
    );
}

fn set(d: &Path, list: &str, idx: &str, value: &str, now: &str) {
    ok(
        &[
            "status", "set", "--list", list, "--key", "a.pem", "--idx", idx, "--value", value,
            "--now", now,
        ],
        d,
    );
}

fn decide(d: &Path, art: &str, list: &str, extra: &[&str]) -> Output {
    let mut args = vec!["decide", "--trust", "trust.json", "--now", NOW];
    args.extend_from_slice(&REQUEST);
    args.extend_from_slice(&["--status-list", list]);
    args.extend_from_slice(extra);
    args.push(art);
    run(&args, d)
}

#[test]
fn an_artefact_under_the_issuers_custom_kid_is_revoked_by_its_own_list() {
    let d = issuer_with_two_kids("kid");
    issue(&d, 7, "thumb7.txt");
    resign_with_kid(&d, "thumb7.txt", b"issuer-a", "a7.txt");
    new_list(&d, "a.cwt", T0);
    set(&d, "a.cwt", "7", "invalid", T0);
    let art = stdout_json(&ok(&[&VERIFY_TN[..], &["a7.txt"]].concat(), &d));
    assert_eq!(art["kid"], consentry::b64::encode(b"issuer-a"));

    // The list (signed under the thumbprint kid) is the artefact's own issuer's: revoked.
    let o = verify(&d, "a7.txt", "a.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "revoked");
    let o = verify(&d, "a7.txt", "a.cwt", &["--accept-unknown-status"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a revoked artefact never verifies"
    );
    assert_eq!(stderr_json(&o)["code"], "revoked");
    for extra in [&[][..], &["--accept-unknown-status"][..]] {
        let o = decide(&d, "a7.txt", "a.cwt", extra);
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        assert_eq!(reason_codes(&o), ["revoked"], "{extra:?}");
    }
    // `withdraw` applies the same key rule: the custom-kid artefact is the issuer's own.
    issue(&d, 9, "thumb9.txt");
    resign_with_kid(&d, "thumb9.txt", b"issuer-a", "a9.txt");
    assert_eq!(verify(&d, "a9.txt", "a.cwt", &[]).status.code(), Some(0));
    ok(&withdraw_args("a9.txt", "a.cwt", "a.pem"), &d);
    assert_eq!(
        stderr_json(&verify(&d, "a9.txt", "a.cwt", &[]))["code"],
        "revoked"
    );
}

#[test]
fn a_status_list_issued_in_the_future_cannot_prove_an_artefact_valid() {
    let d = issuer_with_two_kids("future");
    issue(&d, 5, "a5.txt");
    issue(&d, 6, "a6.txt");
    // A list dated 2030 with a one-hour ttl (fresh "until 2030 + 1 h").
    new_list(&d, "future.cwt", FUTURE);
    set(&d, "future.cwt", "6", "invalid", FUTURE);
    let o = ok(
        &[
            "status",
            "verify",
            "future.cwt",
            "--trust",
            "trust.json",
            "--now",
            NOW,
        ],
        &d,
    );
    assert_eq!(
        stdout_json(&o)["freshness"],
        serde_json::json!({"state": "future", "iat": 1_900_000_000})
    );
    let o = verify(&d, "a5.txt", "future.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "status_list_issued_in_future");
    let o = decide(&d, "a5.txt", "future.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(reason_codes(&o), ["status_unknown"]);
    // Accepting an unknown status reports it as such, not as fresh.
    let o = verify(&d, "a5.txt", "future.cwt", &["--accept-unknown-status"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout_json(&o)["status"]["list"]["state"], "future");
    // It still proves revocation.
    let o = verify(&d, "a6.txt", "future.cwt", &["--accept-unknown-status"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "revoked");
    let o = decide(&d, "a6.txt", "future.cwt", &["--accept-unknown-status"]);
    assert_eq!(reason_codes(&o), ["revoked"]);
}

#[test]
fn decide_denies_an_index_past_the_end_of_the_list_even_accepting_unknown() {
    let d = issuer_with_two_kids("range");
    issue(&d, 1_000, "far.txt");
    new_list(&d, "a.cwt", T0);
    let o = verify(&d, "far.txt", "a.cwt", &["--accept-unknown-status"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "status_index_out_of_range");
    for extra in [&[][..], &["--accept-unknown-status"][..]] {
        let o = decide(&d, "far.txt", "a.cwt", extra);
        assert_eq!(o.status.code(), Some(1), "never permitted: {extra:?}");
        assert_eq!(reason_codes(&o), ["status_unknown"], "{extra:?}");
    }
}
