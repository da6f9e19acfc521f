//! Checks the hand-written TypeScript declarations (`types.d.ts`) against the Rust types: every
//! result type the package declares is matched against real values the core's typed responses
//! serialise to (built from real artefacts, decisions, lists and keys, every variant). A member
//! the Rust side adds, drops or renames, or whose JSON kind changes, fails this test until the
//! `.d.ts` says the same.
//!
//! A small structural checker, enough for the declarations the package uses: `export
//! interface` / `export type` declarations; object literals with optional (`?`) members and an
//! index signature; unions; `T[]`; `Record<string, T>`; string, number and boolean literals;
//! `string`, `number`, `boolean`, `null`, `object`, `unknown`; and names declared here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;

use consentry::interop;
use serde_json::{json, Value};

/// Declarations by name: the type text (an interface's body as an object literal).
struct Decls(HashMap<String, String>);

/// The index just past the bracket that closes the one at `open`; an error when it never closes.
fn close_of(s: &str, open: usize) -> Result<usize, String> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '{' | '[' | '(' | '<' => depth += 1,
            '}' | ']' | ')' | '>' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
            _ => {}
        }
    }
    Err("unbalanced brackets in the .d.ts".to_owned())
}

/// Splits `s` at `sep` outside brackets and string literals.
fn split_top(s: &str, sep: char) -> Vec<String> {
    let (mut out, mut cur, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' | '(' | '<' if !quoted => depth += 1,
            '}' | ']' | ')' | '>' if !quoted => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Drops `/* ... */` comments; an error for one that never ends.
fn strip_comments(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        let j = rest[i..]
            .find("*/")
            .ok_or_else(|| "unterminated comment in the .d.ts".to_owned())?
            + i
            + 2;
        rest = &rest[j..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Decls {
    /// The declarations of `src`; an error names what cannot be read.
    fn parse(src: &str) -> Result<Decls, String> {
        let src = strip_comments(src)?;
        let mut decls = HashMap::new();
        let mut at = 0;
        while let Some(i) = src[at..].find("export ") {
            let start = at + i + "export ".len();
            let rest = &src[start..];
            if let Some(r) = rest.strip_prefix("interface ") {
                let name: String = r
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let open = start
                    + rest
                        .find('{')
                        .ok_or_else(|| format!("interface `{name}` has no body"))?;
                let end = close_of(&src, open)?;
                decls.insert(name, src[open..end].to_owned());
                at = end;
            } else if let Some(r) = rest.strip_prefix("type ") {
                let name: String = r
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let eq = start
                    + rest
                        .find('=')
                        .ok_or_else(|| format!("type `{name}` has no `=`"))?
                    + 1;
                // The alias ends at the first `;` outside brackets.
                let (mut depth, mut end) = (0i32, src.len());
                for (k, c) in src[eq..].char_indices() {
                    match c {
                        '{' | '[' | '(' | '<' => depth += 1,
                        '}' | ']' | ')' | '>' => depth -= 1,
                        ';' if depth == 0 => {
                            end = eq + k;
                            break;
                        }
                        _ => {}
                    }
                }
                decls.insert(name, src[eq..end].trim().to_owned());
                at = end;
            } else {
                at = start;
            }
        }
        Ok(Decls(decls))
    }

    /// Whether `v` is a value of TypeScript type `ty`; the error names the path and the type.
    fn check(&self, ty: &str, v: &Value, path: &str) -> Result<(), String> {
        let alts = split_top(ty.trim(), '|');
        if alts.len() > 1 {
            let errs: Vec<String> = alts
                .iter()
                .filter_map(|a| self.check(a, v, path).err())
                .collect();
            return if errs.len() < alts.len() {
                Ok(())
            } else {
                Err(format!(
                    "{path}: no alternative of `{ty}` fits: {}",
                    errs.join("; ")
                ))
            };
        }
        let ty = ty.trim();
        let fail = || Err(format!("{path}: {v} is not a `{ty}`"));
        let ok = |b: bool| if b { Ok(()) } else { fail() };
        if ty.starts_with('(') && close_of(ty, 0)? == ty.len() {
            return self.check(&ty[1..ty.len() - 1], v, path);
        }
        if let Some(elem) = ty.strip_suffix("[]") {
            let Some(items) = v.as_array() else {
                return fail();
            };
            return items
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| self.check(elem, x, &format!("{path}[{i}]")));
        }
        if ty.starts_with('{') {
            return self.check_object(ty, v, path);
        }
        if let Some(inner) = ty
            .strip_prefix("Record<string,")
            .and_then(|r| r.strip_suffix('>'))
        {
            let Some(obj) = v.as_object() else {
                return fail();
            };
            return obj
                .iter()
                .try_for_each(|(k, x)| self.check(inner, x, &format!("{path}.{k}")));
        }
        if let Some(lit) = ty.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            return ok(v.as_str() == Some(lit));
        }
        match ty {
            "unknown" => Ok(()),
            "string" => ok(v.is_string()),
            "number" => ok(v.is_number()),
            "boolean" => ok(v.is_boolean()),
            "true" => ok(v == &Value::Bool(true)),
            "false" => ok(v == &Value::Bool(false)),
            "null" => ok(v.is_null()),
            "object" => ok(v.is_object()),
            _ if ty.parse::<f64>().is_ok() => ok(v.as_f64() == ty.parse::<f64>().ok()),
            name => match self.0.get(name) {
                Some(def) => self.check(def, v, path),
                None => Err(format!("{path}: `{name}` is not declared in the .d.ts")),
            },
        }
    }

    fn check_object(&self, ty: &str, v: &Value, path: &str) -> Result<(), String> {
        let Some(obj) = v.as_object() else {
            return Err(format!("{path}: {v} is not an object `{ty}`"));
        };
        let body = &ty[1..close_of(ty, 0)? - 1];
        let mut open = false;
        let mut declared = Vec::new();
        for member in split_top(body, ';') {
            let colon = split_top(&member, ':');
            let cannot_read = || format!("{path}: cannot read member `{member}` of the .d.ts");
            let (Some(name), true) = (colon.first(), colon.len() >= 2) else {
                return Err(cannot_read());
            };
            let name = name.as_str();
            let mtype = member[member.find(':').ok_or_else(cannot_read)? + 1..].trim();
            if name.starts_with('[') {
                open = true;
                continue;
            }
            let (name, optional) = match name.strip_suffix('?') {
                Some(n) => (n, true),
                None => (name, false),
            };
            declared.push(name.to_owned());
            match obj.get(name) {
                Some(x) => self.check(mtype, x, &format!("{path}.{name}"))?,
                None if optional => {}
                None => return Err(format!("{path}: required member `{name}` missing in {v}")),
            }
        }
        if !open {
            if let Some(extra) = obj.keys().find(|k| !declared.contains(k)) {
                return Err(format!(
                    "{path}: member `{extra}` is not declared in `{ty}`"
                ));
            }
        }
        Ok(())
    }
}

/// Real values of every result type the package declares, each with its declared type.
fn samples() -> Vec<(&'static str, Value)> {
    let rng = ring::rand::SystemRandom::new();
    let now = 1_800_000_000;
    let pkcs8 = consentry::SigningKey::generate_pkcs8(consentry::Algorithm::Ed25519, &rng).unwrap();
    let key = consentry::SigningKey::from_pkcs8(&pkcs8, &rng).unwrap();
    let mut trust = consentry::TrustStore::new();
    trust.add(key.verifying_key().clone()).unwrap();
    let verifier = consentry::Verifier::new(trust.clone());
    let claims = json!({"iss": "cm", "sub": "pp-1", "aud": ["tn.health", "x"], "exp": now + 1000,
        "nbf": now - 10,
        "status": {"status_list": {"idx": 3, "uri": "https://example.org/l/1"}},
        "consent": {"v": 1, "basis": "consent", "child": true,
          "grantor": {"role": "parent", "evidence": "e-1"},
          "range": {"from": now - 100, "to": now + 100},
          "notice": {"id": "n", "sha256": consentry::b64::encode(&[0; 32]), "lang": "en"},
          "purposes": [{"purpose": "aa:101", "fields": ["/name"], "mode": "view",
            "data_life": 86400, "frequency": {"max": 3, "per": 86400}}]}});
    let issued = interop::issue_pkcs8(&pkcs8, &claims.to_string(), now, &rng).unwrap();
    let artefact = consentry::b64::decode(&issued.artefact).unwrap();
    let verified =
        interop::verify_with(&verifier, &artefact, "tn.health", now, None, false).unwrap();
    let to = |v: &dyn erased::Ser| serde_json::from_str::<Value>(&v.text()).unwrap();
    let mut out = vec![
        ("IssueResult", to(&issued)),
        ("VerifiedArtefact", to(&verified)),
        ("Inspected", to(&interop::inspect_bytes(&artefact).unwrap())),
        ("Jwk", to(&interop::key_public_pkcs8(&pkcs8, &rng).unwrap())),
        ("CodeInfo[]", to(&crate::code_infos())),
    ];
    // Every form of the status check and of a list's freshness.
    use consentry::status::{Freshness, StatusValue};
    use consentry::{NotChecked, StatusCheck};
    let freshness = [
        Freshness::Fresh,
        Freshness::IssuedInFuture { iat: now },
        Freshness::Expired { exp: now },
        Freshness::Stale { refresh_by: now },
    ];
    let mut checks = vec![StatusCheck::NoStatusClaim];
    for reason in [
        NotChecked::NoList,
        NotChecked::OtherUri,
        NotChecked::ForeignList,
    ] {
        checks.push(StatusCheck::NotChecked {
            uri: "u".into(),
            idx: 1,
            reason,
        });
    }
    for (value, f) in [
        StatusValue::Valid,
        StatusValue::Invalid,
        StatusValue::Suspended,
        StatusValue::Other(3),
    ]
    .into_iter()
    .zip(freshness)
    {
        checks.push(StatusCheck::Checked {
            value,
            freshness: f,
        });
        out.push((
            "StatusEntry",
            to(&interop::StatusEntry {
                idx: 3,
                status: value.name(),
                value: value.as_u8(),
                uri: "https://example.org/l/1".into(),
                kid: "k".into(),
                list: f.to_json_value(),
            }),
        ));
    }
    for status in checks {
        let mut v = verified.clone();
        v.status = status.to_json_value();
        out.push(("VerifiedArtefact", to(&v)));
    }
    // A permit and a denial.
    let taxonomy = interop::taxonomy_with(&[]).unwrap();
    for purpose in ["aa:101", "aa:999"] {
        let request: consentry::Request = serde_json::from_value(json!({"recipient": "tn.health",
            "purpose": purpose, "operation": "view", "fields": ["/name"], "now": now}))
        .unwrap();
        let d = interop::decide_with(&verifier, &taxonomy, &artefact, &request, None).unwrap();
        out.push(("Decision", to(&d)));
    }
    // Account Aggregator consents: verified, detached, displayed, decided.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/aa/");
    let jws = std::fs::read_to_string(format!("{dir}signed_consent_spec_example.jws")).unwrap();
    let key = std::fs::read_to_string(format!("{dir}spec_example_key.jwk.json")).unwrap();
    let mut aa_trust = consentry::aa::AaTrust::new();
    aa_trust.add_json(&key, Some("finvu-aa")).unwrap();
    let inside = 1_570_000_000;
    out.push((
        "AaVerified",
        to(&interop::aa_verify_with(&aa_trust, &jws, Some("finvu-aa"), Some(inside)).unwrap()),
    ));
    let (_, imported) = consentry::aa::verify_current(&jws, &aa_trust, None, Some(inside)).unwrap();
    out.push(("AaDisplay", imported.display_json()));
    let mut no_key_entity = consentry::aa::AaTrust::new();
    no_key_entity.add_json(&key, None).unwrap();
    let (_, imported) = consentry::aa::verify_current(&jws, &no_key_entity, None, None).unwrap();
    out.push(("AaDisplay", imported.display_json()));
    out.push(("AaImported", imported.to_json_value().unwrap()));
    let signed: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}test-keys/python_signed.json")).unwrap(),
    )
    .unwrap();
    let one = std::fs::read_to_string(format!("{dir}test-keys/aa_one.jwk.json")).unwrap();
    let mut one_trust = consentry::aa::AaTrust::new();
    one_trust.add_json(&one, Some("aa-one")).unwrap();
    let body = consentry::b64::decode(signed["payload"].as_str().unwrap()).unwrap();
    for case in signed["cases"].as_array().unwrap() {
        let sig = case["detached"].as_str().unwrap();
        out.push((
            "AaDetached",
            to(&interop::aa_verify_detached_with(&one_trust, sig, &body, None).unwrap()),
        ));
    }
    for purpose in ["aa:101", "aa:102"] {
        let request: consentry::Request = serde_json::from_value(json!({
            "recipient": "cookiejar-aa@finvu.in", "purpose": purpose, "operation": "view",
            "fields": ["/fi/DEPOSIT/summary"], "now": inside, "uses": 0}))
        .unwrap();
        let d = interop::aa_decide_with(&aa_trust, &taxonomy, &jws, None, &request, Some("ACTIVE"))
            .unwrap();
        out.push(("Decision", to(&d)));
    }
    // Pseudonymisation, identifiers.
    out.push((
        "CsvRows",
        to(&interop::CsvRows {
            header: vec!["a".into()],
            rows: vec![vec!["x".into()]],
        }),
    ));
    for value in ["2345 6789 0124", "2345 6789 0125"] {
        let req = interop::IdRequest {
            kind: "aadhaar".into(),
            value: value.into(),
        };
        out.push(("IdValidation", to(&interop::id_validate(&req).unwrap())));
        if let Ok(m) = interop::id_mask(&req) {
            out.push(("{ masked: string }", to(&m)));
        }
    }
    let text = "call 98765 43210 or mail a@b.in: पता 2345 6789 0124";
    let spans = interop::id_detect(&interop::DetectRequest { text: text.into() }).unwrap();
    assert!(spans.spans.len() >= 2);
    out.push((
        "{ spans: IdSpan[] }",
        to(&crate::ids::JsDetect {
            spans: crate::ids::utf16_spans(text, &spans.spans).unwrap(),
        }),
    ));
    out
}

/// Object-safe serialisation for the sample table.
mod erased {
    pub(super) trait Ser {
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn text(&self) -> String {
            consentry::interop::to_json_text(self).unwrap()
        }
    }
}

#[test]
fn the_d_ts_declares_every_result_as_the_rust_types_serialise_it() -> Result<(), String> {
    let decls = Decls::parse(include_str!("types.d.ts"))?;
    let mut failures = Vec::new();
    for (ty, v) in samples() {
        if let Err(e) = decls.check(ty, &v, ty) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "the .d.ts drifted:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn the_checker_catches_a_drifted_declaration() -> Result<(), String> {
    let decls = Decls::parse(
        "export interface A { a: string; b?: number }\nexport type U = { k: \"x\"; n: 1 } | { k: \"y\" };",
    )?;
    assert!(decls.check("A", &json!({"a": "s"}), "A").is_ok());
    assert!(decls.check("A", &json!({"a": "s", "b": 2}), "A").is_ok());
    // A member the Rust side added, dropped or changed in kind.
    assert!(decls.check("A", &json!({"a": "s", "c": 1}), "A").is_err());
    assert!(decls.check("A", &json!({"b": 1}), "A").is_err());
    assert!(decls.check("A", &json!({"a": 1}), "A").is_err());
    assert!(decls
        .check("A", &json!({"a": "s", "b": null}), "A")
        .is_err());
    assert!(decls.check("U", &json!({"k": "x", "n": 1}), "U").is_ok());
    assert!(decls.check("U", &json!({"k": "y"}), "U").is_ok());
    assert!(decls.check("U", &json!({"k": "z"}), "U").is_err());
    assert!(decls.check("B", &json!({}), "B").is_err());
    // Declarations the checker cannot read are errors, not panics.
    assert!(Decls::parse("export interface A { a: string;").is_err());
    assert!(Decls::parse("/* never closed").is_err());
    assert!(Decls::parse("export type T string;").is_err());
    assert!(decls.check("{ a }", &json!({"a": 1}), "X").is_err());
    Ok(())
}
