//! `consentry aa verify`, `aa verify-detached` and `aa sign` (issue 16): the spec example
//! verifies; every tamper of the issue's "Must show" is refused through the CLI with its code;
//! `aa sign` round-trips in every `b64` variant, compact and detached, and reproduces Python
//! `cryptography`'s signatures byte for byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

mod common;
use common::*;

const INSIDE: &str = "1570000000";
const KID: &str = "4271913e-7b93-49dd-9949-1c76ff5fc5cf";

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/aa")
}

fn b64(b: &[u8]) -> String {
    consentry::b64::encode(b)
}

fn unb64(s: &str) -> Vec<u8> {
    consentry::b64::decode(s).unwrap()
}

fn spec() -> String {
    std::fs::read_to_string(vectors().join("signed_consent_spec_example.jws"))
        .unwrap()
        .trim()
        .to_owned()
}

fn jwk(rel: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(vectors().join(rel)).unwrap()).unwrap()
}

/// A scratch folder with `registry.json` (entity records for `finvu-aa`, `aa-one`, `aa-two`),
/// `short.json` (a JWK Set with a 1024-bit key) and `one.pem` (aa-one's key, mode 0600).
fn setup(name: &str) -> PathBuf {
    let d = tmp(name);
    let registry = serde_json::json!([
        {"id": "finvu-aa", "certificate": jwk("spec_example_key.jwk.json")},
        {"id": "aa-one", "certificate": jwk("test-keys/aa_one.jwk.json")},
        {"id": "aa-two", "certificate": jwk("test-keys/aa_two.jwk.json")},
    ]);
    std::fs::write(d.join("registry.json"), registry.to_string()).unwrap();
    let short = serde_json::json!({"keys": [jwk("spec_example_key.jwk.json"), jwk("test-keys/short_1024.jwk.json")]});
    std::fs::write(d.join("short.json"), short.to_string()).unwrap();
    for (name, to) in [("aa_one", "one.pem"), ("aa_two", "two.pem")] {
        let pem = std::fs::read(vectors().join(format!("test-keys/{name}.pk8.pem"))).unwrap();
        std::fs::write(d.join(to), pem).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(d.join(to), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    d
}

fn verify(d: &Path, jws: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["aa", "verify", "--trust", "registry.json", "--now", INSIDE];
    args.extend_from_slice(extra);
    args.push("-");
    run_stdin(&args, d, jws)
}

fn refused(o: &std::process::Output, code: &str, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(err_code(o), code, "{what}");
    assert!(o.stdout.is_empty(), "{what}: nothing on stdout");
}

#[test]
fn the_spec_example_verifies_through_the_cli_with_its_detail_and_imported_view() {
    let d = setup("aa-spec");
    let path = vectors().join("signed_consent_spec_example.jws");
    let o = ok(
        &[
            "aa",
            "verify",
            "--trust",
            "registry.json",
            "--issuer",
            "finvu-aa",
            "--now",
            INSIDE,
            path.to_str().unwrap(),
        ],
        &d,
    );
    let v = stdout_json(&o);
    assert_eq!(v["kid"], KID);
    assert_eq!(v["alg"], "RS256");
    assert_eq!(v["b64"], "false");
    assert_eq!(v["issuer"], "finvu-aa");
    assert_eq!(v["payload"]["Customer"]["id"], "demo@finvu");
    assert_eq!(v["claims"]["source"], "aa");
    assert_eq!(v["claims"]["claims"]["iss"], "finvu-aa");
    assert_eq!(
        v["claims"]["claims"]["consent"]["purposes"][0]["purpose"],
        "aa:101"
    );
    assert!(v["evidence"].as_str().unwrap().len() == 43);
    // The same through stdin, and from a JWK file holding only the key (no entity: issuer null).
    let v2 = stdout_json(&verify(&d, &spec(), &[]));
    assert_eq!(v2["claims"], v["claims"]);
    let key = vectors().join("spec_example_key.jwk.json");
    let o = ok(
        &[
            "aa",
            "verify",
            "--trust",
            key.to_str().unwrap(),
            "--now",
            INSIDE,
            &spec(),
        ],
        &d,
    );
    assert_eq!(stdout_json(&o)["issuer"], serde_json::Value::Null);
}

#[test]
fn every_tamper_of_the_spec_example_is_refused_through_the_cli_with_its_code() {
    let d = setup("aa-tamper");
    let jws = spec();
    let mut parts = jws.split('.');
    let (h, p, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let (header, payload, sig) = (unb64(h), unb64(p), unb64(s));
    let flip = |b: &[u8], at: usize| {
        let mut v = b.to_vec();
        v[at] ^= 0x01;
        v
    };
    let mut spaced = header.clone();
    spaced.insert(1, b' ');
    let crlf_free = String::from_utf8(payload.clone())
        .unwrap()
        .replace("\r\n", "\n");
    let header_with = |json: &str| b64(json.as_bytes());
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{}.{p}.{s}", b64(&spaced)),
            "signature_invalid",
            "a byte added to the header",
        ),
        (
            format!("{}.{p}.{s}", b64(&flip(&header, 10))),
            "aa_alg_unsupported",
            "a header byte flipped inside the alg",
        ),
        (
            format!("{}.{p}.{s}", b64(&flip(&header, 25))),
            "key_unknown_kid",
            "a header byte flipped inside the kid",
        ),
        (
            format!("{h}.{}.{s}", b64(&flip(&payload, 40))),
            "signature_invalid",
            "a payload byte flipped",
        ),
        (
            format!("{h}.{p}.{}", b64(&flip(&sig, 10))),
            "signature_invalid",
            "a signature byte flipped",
        ),
        (
            format!("{h}.{}.{s}", b64(crlf_free.as_bytes())),
            "signature_invalid",
            "the payload re-serialised without CRLF",
        ),
        (
            format!(
                "{}.{p}.{s}",
                header_with(&format!(
                    r#"{{"alg":"HS256","kid":"{KID}","b64":false,"crit":["b64"]}}"#
                ))
            ),
            "aa_alg_unsupported",
            "alg HS256",
        ),
        (
            format!(
                "{}.{p}.",
                header_with(&format!(
                    r#"{{"alg":"none","kid":"{KID}","b64":false,"crit":["b64"]}}"#
                ))
            ),
            "aa_jws_structure",
            "alg none without a signature",
        ),
        (
            format!(
                "{}.{p}.{s}",
                header_with(&format!(
                    r#"{{"alg":"none","kid":"{KID}","b64":false,"crit":["b64"]}}"#
                ))
            ),
            "aa_alg_unsupported",
            "alg none",
        ),
        (
            format!(
                "{}.{p}.{s}",
                header_with(&format!(
                    r#"{{"alg":"RS256","kid":"{KID}","b64":false,"crit":["b64","exp"],"exp":1}}"#
                ))
            ),
            "aa_crit_unknown",
            "an extra crit member",
        ),
        (
            format!(
                "{}.{p}.{s}",
                header_with(r#"{"alg":"RS256","kid":"unknown-kid","b64":false,"crit":["b64"]}"#)
            ),
            "key_unknown_kid",
            "an unknown kid",
        ),
        (
            format!("{h}.{p}.{s}=="),
            "aa_base64url",
            "a padded signature",
        ),
        (format!("{h}.{p}"), "aa_jws_structure", "two segments"),
    ];
    for (bad, code, what) in &cases {
        refused(&verify(&d, bad, &[]), code, what);
    }
    // The RFC 7515 signing input under a `b64` false header (signed with aa-one's key).
    let pem = std::fs::read_to_string(d.join("one.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der =
        consentry::b64::decode(&body.replace('+', "-").replace('/', "_").replace('=', "")).unwrap();
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let h1 = header_with(r#"{"alg":"RS256","kid":"aa-one-key-1","b64":false,"crit":["b64"]}"#);
    let mut sig1 = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        format!("{h1}.{p}").as_bytes(),
        &mut sig1,
    )
    .unwrap();
    refused(
        &verify(&d, &format!("{h1}.{p}.{}", b64(&sig1)), &[]),
        "signature_invalid",
        "the RFC 7515 signing input",
    );
    // A valid consent from another AA than the one required; the window.
    refused(
        &verify(&d, &jws, &["--issuer", "aa-one"]),
        "aa_issuer_mismatch",
        "another AA",
    );
    let o = run(
        &[
            "aa",
            "verify",
            "--trust",
            "registry.json",
            "--now",
            "1590665900",
            &jws,
        ],
        &d,
    );
    refused(&o, "expired", "at consentExpiry");
    let o = run(
        &[
            "aa",
            "verify",
            "--trust",
            "registry.json",
            "--now",
            "1559043500",
            &jws,
        ],
        &d,
    );
    refused(&o, "not_yet_valid", "before consentStart");
    // A trust file holding a 1024-bit key: refused at load (a file problem: exit 2).
    let o = run(
        &[
            "aa",
            "verify",
            "--trust",
            "short.json",
            "--now",
            INSIDE,
            &jws,
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "aa_key_too_small");
    // Usage and files: exit 2.
    let o = run(&["aa", "verify", "--trust", "missing.json", &jws], &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_io");
    let o = run(&["aa", "verify", "--now", INSIDE, &jws], &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_usage");
}

#[test]
fn aa_sign_round_trips_in_every_b64_variant_compact_and_detached() {
    let d = setup("aa-sign");
    let detail = r#"{"consentStart":"2019-05-28T11:38:20.380+0000","consentExpiry":"2020-05-28T11:38:20.381+0000","consentMode":"VIEW","fetchType":"ONETIME","consentTypes":["PROFILE","SUMMARY"],"fiTypes":["DEPOSIT"],"DataConsumer":{"id":"fiu@example"},"Customer":{"id":"c@aa"},"Purpose":{"code":"101"},"DataLife":{"unit":"MONTH","value":4},"Frequency":{"unit":"HOUR","value":4}}"#;
    std::fs::write(d.join("detail.json"), format!("{detail}\r\n")).unwrap();
    for mode in ["false", "true", "omit"] {
        let o = ok(
            &[
                "aa",
                "sign",
                "--key",
                "one.pem",
                "--kid",
                "aa-one-key-1",
                "--payload",
                "detail.json",
                "--b64",
                mode,
            ],
            &d,
        );
        let jws = String::from_utf8(o.stdout).unwrap();
        let v = stdout_json(&ok(
            &[
                "aa",
                "verify",
                "--trust",
                "registry.json",
                "--issuer",
                "aa-one",
                "--now",
                INSIDE,
                jws.trim(),
            ],
            &d,
        ));
        assert_eq!(
            v["b64"],
            if mode == "omit" { "absent" } else { mode },
            "{mode}"
        );
        assert_eq!(v["issuer"], "aa-one");
        let o = ok(
            &[
                "aa",
                "sign",
                "--key",
                "one.pem",
                "--kid",
                "aa-one-key-1",
                "--payload",
                "detail.json",
                "--b64",
                mode,
                "--detached",
            ],
            &d,
        );
        let sig = String::from_utf8(o.stdout).unwrap();
        assert!(sig.trim().contains(".."), "{mode}: detached form");
        let v = stdout_json(&ok(
            &[
                "aa",
                "verify-detached",
                "--trust",
                "registry.json",
                "--issuer",
                "aa-one",
                "--signature",
                sig.trim(),
                "--body",
                "detail.json",
            ],
            &d,
        ));
        assert_eq!(v["kid"], "aa-one-key-1");
        // One byte of the body changed, and a signer's key not bound to the expected entity.
        std::fs::write(d.join("other.json"), format!("{detail} ")).unwrap();
        let o = run(
            &[
                "aa",
                "verify-detached",
                "--trust",
                "registry.json",
                "--signature",
                sig.trim(),
                "--body",
                "other.json",
            ],
            &d,
        );
        refused(&o, "signature_invalid", "detached over another body");
        let o = run(
            &[
                "aa",
                "verify-detached",
                "--trust",
                "registry.json",
                "--issuer",
                "aa-two",
                "--signature",
                sig.trim(),
                "--body",
                "detail.json",
            ],
            &d,
        );
        refused(&o, "aa_issuer_mismatch", "detached from another AA");
    }
    // A detached value with a payload in the middle.
    let o = ok(
        &[
            "aa",
            "sign",
            "--key",
            "one.pem",
            "--kid",
            "aa-one-key-1",
            "--payload",
            "detail.json",
        ],
        &d,
    );
    let jws = String::from_utf8(o.stdout).unwrap();
    let o = run(
        &[
            "aa",
            "verify-detached",
            "--trust",
            "registry.json",
            "--signature",
            jws.trim(),
            "--body",
            "detail.json",
        ],
        &d,
    );
    refused(&o, "aa_jws_structure", "a compact jws as a detached one");
    // A key that is not PKCS#8 PEM: exit 2.
    let o = run(
        &[
            "aa",
            "sign",
            "--key",
            "registry.json",
            "--kid",
            "k",
            "--payload",
            "detail.json",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "key_pkcs8_invalid");
}

#[test]
fn aa_sign_reproduces_python_cryptography_signatures_byte_for_byte() {
    let d = setup("aa-python");
    let py: serde_json::Value = jwk("test-keys/python_signed.json");
    std::fs::write(d.join("payload"), unb64(py["payload"].as_str().unwrap())).unwrap();
    for case in py["cases"].as_array().unwrap() {
        let mode = match case["b64"].as_str().unwrap() {
            "absent" => "omit",
            m => m,
        };
        let o = ok(
            &[
                "aa",
                "sign",
                "--key",
                "one.pem",
                "--kid",
                "aa-one-key-1",
                "--payload",
                "payload",
                "--b64",
                mode,
            ],
            &d,
        );
        assert_eq!(
            String::from_utf8(o.stdout).unwrap().trim(),
            case["compact"].as_str().unwrap(),
            "{mode}"
        );
        let o = ok(
            &[
                "aa",
                "sign",
                "--key",
                "one.pem",
                "--kid",
                "aa-one-key-1",
                "--payload",
                "payload",
                "--b64",
                mode,
                "--detached",
            ],
            &d,
        );
        assert_eq!(
            String::from_utf8(o.stdout).unwrap().trim(),
            case["detached"].as_str().unwrap(),
            "{mode} detached"
        );
        let o = ok(
            &[
                "aa",
                "verify-detached",
                "--trust",
                "registry.json",
                "--signature",
                case["detached"].as_str().unwrap(),
                "--body",
                "payload",
            ],
            &d,
        );
        assert_eq!(stdout_json(&o)["issuer"], "aa-one");
    }
}

#[test]
fn key_new_rs256_writes_a_0600_pkcs8_key_whose_public_jwk_verifies_aa_sign_output() {
    let d = setup("aa-rsa-key");
    ok(
        &[
            "key", "new", "--alg", "rs256", "--kid", "my-aa-1", "--out", "rsa.pem",
        ],
        &d,
    );
    let pem = std::fs::read_to_string(d.join("rsa.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(d.join("rsa.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwritten without --force.
    let o = run(&["key", "new", "--alg", "rs256", "--out", "rsa.pem"], &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(d.join("rsa.pem")).unwrap(), pem);
    // The public JWK, with the chosen kid; without one, the RFC 7638 thumbprint.
    let o = ok(
        &[
            "key", "public", "--key", "rsa.pem", "--kid", "my-aa-1", "--jwks",
        ],
        &d,
    );
    let set = stdout_json(&o);
    let jwk = &set["keys"][0];
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["kid"], "my-aa-1");
    assert_eq!(jwk["alg"], "RS256");
    assert!(jwk.get("d").is_none(), "no private member");
    assert_eq!(
        consentry::b64::decode(jwk["n"].as_str().unwrap())
            .unwrap()
            .len(),
        256
    );
    let bare = stdout_json(&ok(&["key", "public", "--key", "rsa.pem"], &d));
    assert_eq!(bare["kid"].as_str().unwrap().len(), 43);
    std::fs::write(d.join("mine.json"), set.to_string()).unwrap();
    std::fs::write(d.join("body"), b"{\"x\":1}\r\n").unwrap();
    let o = ok(
        &[
            "aa",
            "sign",
            "--key",
            "rsa.pem",
            "--kid",
            "my-aa-1",
            "--payload",
            "body",
            "--detached",
        ],
        &d,
    );
    let sig = String::from_utf8(o.stdout).unwrap();
    let v = stdout_json(&ok(
        &[
            "aa",
            "verify-detached",
            "--trust",
            "mine.json",
            "--signature",
            sig.trim(),
            "--body",
            "body",
        ],
        &d,
    ));
    assert_eq!(v["kid"], "my-aa-1");
    // The key of another AA does not verify it.
    let o = run(
        &[
            "aa",
            "verify-detached",
            "--trust",
            "registry.json",
            "--signature",
            sig.trim(),
            "--body",
            "body",
        ],
        &d,
    );
    refused(&o, "key_unknown_kid", "a kid the registry does not have");
    // `--kid` belongs to RSA keys.
    let o = run(
        &[
            "key", "new", "--alg", "ed25519", "--kid", "k", "--out", "ed.pem",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_usage");
    assert!(!d.join("ed.pem").exists());
}

#[test]
fn decide_detects_an_aa_consent_by_form_and_decides_with_the_aa_keys_of_a_mixed_trust_file() {
    let d = setup("aa-decide");
    // A trust file mixing one of our keys with the AA's key.
    ok(&["key", "new", "--out", "ours.pem"], &d);
    let ours = stdout_json(&ok(&["key", "public", "--key", "ours.pem"], &d));
    let mixed = serde_json::json!({"keys": [ours, jwk("spec_example_key.jwk.json")]});
    std::fs::write(d.join("mixed.json"), mixed.to_string()).unwrap();
    std::fs::write(d.join("consent.jws"), spec()).unwrap();
    let decide = |extra: &[&str]| {
        let mut args = vec![
            "decide",
            "--trust",
            "mixed.json",
            "--aud",
            "cookiejar-aa@finvu.in",
            "--purpose",
            "aa:101",
            "--op",
            "view",
            "--fields",
            "/fi/DEPOSIT/summary",
            "--now",
            INSIDE,
            "--uses",
            "0",
        ];
        args.extend_from_slice(extra);
        args.push("consent.jws");
        run(&args, &d)
    };
    let o = decide(&["--aa-status", "ACTIVE"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = stdout_json(&o);
    assert_eq!(v["allowed"], true);
    assert_eq!(v["fields"], serde_json::json!(["/fi/DEPOSIT/summary"]));
    // No AA status: fails closed. REVOKED: denied.
    let o = decide(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(reason_codes(&o), ["status_unknown"]);
    let o = decide(&["--aa-status", "REVOKED"]);
    assert_eq!(reason_codes(&o), ["revoked"]);
    // A tampered consent is refused with its code (exit 1), not decided.
    let jws = spec();
    let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
    let mut payload = unb64(&parts[1]);
    payload[40] ^= 1;
    parts[1] = b64(&payload);
    std::fs::write(d.join("consent.jws"), parts.join(".")).unwrap();
    let o = decide(&["--aa-status", "ACTIVE"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err_code(&o), "signature_invalid");
    // A consent from another AA than the one required.
    std::fs::write(d.join("consent.jws"), spec()).unwrap();
    let o = decide(&["--aa-status", "ACTIVE", "--aa-issuer", "aa-one"]);
    assert_eq!(err_code(&o), "aa_issuer_mismatch");
}

#[test]
fn verify_batch_mixes_cose_artefacts_and_aa_consents_each_line_with_its_code() {
    let d = setup("aa-batch");
    // One of our keys beside the AA's key in one trust file.
    ok(&["key", "new", "--out", "ours.pem"], &d);
    let ours = stdout_json(&ok(&["key", "public", "--key", "ours.pem"], &d));
    let mixed = serde_json::json!({"keys": [ours, jwk("spec_example_key.jwk.json")]});
    std::fs::write(d.join("mixed.json"), mixed.to_string()).unwrap();
    let claims = r#"{"iss":"cm.example","sub":"pp-123","aud":"cookiejar-aa@finvu.in","exp":1600000000,
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view"}]}}"#;
    std::fs::write(d.join("claims.json"), claims).unwrap();
    let o = ok(
        &[
            "issue",
            "--key",
            "ours.pem",
            "--claims",
            "claims.json",
            "--now",
            "1569990000",
        ],
        &d,
    );
    let cose = String::from_utf8(o.stdout).unwrap().trim().to_owned();
    let mut cose_bad = cose.clone();
    let at = cose.len() - 10;
    cose_bad.replace_range(at..at + 1, if &cose[at..at + 1] == "A" { "B" } else { "A" });
    let jws = spec();
    let tamper = |seg: usize, at: usize| {
        let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
        let mut raw = unb64(&parts[seg]);
        raw[at] ^= 1;
        parts[seg] = b64(&raw);
        parts.join(".")
    };
    let mut hs256 = jws.clone();
    let header = String::from_utf8(unb64(jws.split('.').next().unwrap())).unwrap();
    hs256.replace_range(
        ..jws.find('.').unwrap(),
        &b64(header.replace("RS256", "HS256").as_bytes()),
    );
    let lines = [
        cose.clone(),         // 1 ours, valid
        jws.clone(),          // 2 AA, valid
        tamper(1, 60),        // 3 AA, payload byte flipped
        cose_bad,             // 4 ours, signature changed
        tamper(2, 5),         // 5 AA, signature byte flipped
        hs256,                // 6 AA, alg HS256
        format!("  {jws}  "), // 7 AA with surrounding blanks, valid
        "a.b".to_owned(),     // 8 AA form, two segments
    ];
    std::fs::write(d.join("batch.txt"), lines.join("\n")).unwrap();
    let batch = |aud: &str, now: &str| {
        run(
            &[
                "verify",
                "--trust",
                "mixed.json",
                "--aud",
                aud,
                "--now",
                now,
                "--batch",
                "batch.txt",
            ],
            &d,
        )
    };
    let o = batch("cookiejar-aa@finvu.in", INSIDE);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let results: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 8);
    let want = [
        (1, None),
        (2, None),
        (3, Some("signature_invalid")),
        (4, Some("signature_invalid")),
        (5, Some("signature_invalid")),
        (6, Some("aa_alg_unsupported")),
        (7, None),
        (8, Some("aa_jws_structure")),
    ];
    for (r, (line, code)) in results.iter().zip(want) {
        assert_eq!(r["line"], line, "{r}");
        match code {
            None => assert_eq!(r["verified"], true, "line {line}: {r}"),
            Some(c) => {
                assert_eq!(r["code"], c, "line {line}: {r}");
                assert_eq!(r["verified"], false, "line {line}");
            }
        }
    }
    // The AA lines carry the imported view, marked as such; ours carry our view.
    assert_eq!(results[1]["kid"], KID);
    assert_eq!(results[1]["issuer"], serde_json::Value::Null);
    assert_eq!(results[1]["claims"]["source"], "aa");
    assert_eq!(results[0]["claims"]["iss"], "cm.example");
    // Another recipient, and a time after the consent's expiry: refused with their codes.
    let o = batch("other.example", INSIDE);
    let results: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results[0]["code"], "audience_mismatch");
    assert_eq!(results[1]["code"], "audience_mismatch");
    let o = batch("cookiejar-aa@finvu.in", "1595000000");
    let results: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results[1]["code"], "expired");
    assert_eq!(results[0]["verified"], true);
}
