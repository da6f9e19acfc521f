//! Taxonomy packs and loading rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::purpose::{Pack, Taxonomy, TaxonomyError, MAX_DEPTH};
use consentry::{Code, HasCode};

fn doc(purposes: &str) -> String {
    format!(r#"{{"version":1,"pack":"t","purposes":[{purposes}]}}"#)
}

#[test]
fn shipped_packs_load_and_hold_the_expected_codes() {
    let t = Taxonomy::shipped().unwrap();
    assert_eq!(t.packs(), ["aa", "abdm", "dpdp", "svc"]);
    for p in Pack::ALL {
        let one = Taxonomy::builder().pack(*p).unwrap().build();
        // svc and abdm and aa and dpdp are each self-contained
        assert!(one.is_ok(), "{}: {one:?}", p.id());
        assert_eq!(Pack::from_id(p.id()), Some(*p));
    }
    let aa = [
        ("aa:101", "aa:cat-1", "Wealth management service"),
        (
            "aa:102",
            "aa:cat-1",
            "Customer spending patterns, budget or other reportings",
        ),
        ("aa:103", "aa:cat-2", "Aggregated statement"),
        (
            "aa:104",
            "aa:cat-3",
            "Explicit consent for monitoring of the accounts",
        ),
        (
            "aa:105",
            "aa:cat-3",
            "Explicit one-time consent for the accounts",
        ),
    ];
    for (code, parent, name) in aa {
        let p = t.get(code).unwrap();
        assert_eq!(p.parent.as_deref(), Some(parent));
        assert_eq!(p.name, name);
        assert_eq!(p.pack, "aa");
        assert!(t.covers(parent, code));
    }
    assert_eq!(t.get("aa:cat-1").unwrap().name, "Personal Finance");
    assert_eq!(t.get("aa:cat-2").unwrap().name, "Financial Reporting");
    assert_eq!(
        t.get("aa:cat-3").unwrap().name,
        "Account Query and Monitoring"
    );
    for c in ["CAREMGT", "BTG", "PUBHLTH", "HPAYMT", "DSRCH", "PATRQT"] {
        assert!(t.contains(&format!("abdm:{c}")), "{c}");
    }
    for clause in 'a'..='i' {
        let code = format!("dpdp:7({clause})");
        assert!(t.is_legitimate_use(&code), "{code}");
        assert!(t.covers("dpdp:7", &code));
    }
    assert!(!t.is_legitimate_use("dpdp:7"));
    assert!(!t.contains("dpdp:7(j)"));
    for code in [
        "svc:marketing/targeted-ads",
        "svc:marketing/targeted-ads/profiling",
        "svc:analytics/behavioural-monitoring",
        "svc:tracking",
        "svc:tracking/location",
        "svc:tracking/cross-service",
    ] {
        assert!(t.is_child_prohibited(code), "{code}");
    }
    for code in [
        "svc:marketing",
        "svc:marketing/direct",
        "svc:analytics",
        "aa:101",
        "nope",
    ] {
        assert!(!t.is_child_prohibited(code), "{code}");
    }
    // No pack flags a child prohibition on something that is not in the svc tree.
    let flagged: Vec<&str> = t
        .iter()
        .filter(|p| p.child_prohibited)
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(
        flagged,
        [
            "svc:analytics/behavioural-monitoring",
            "svc:marketing/targeted-ads",
            "svc:tracking"
        ]
    );
}

#[test]
fn hierarchy_queries() {
    let t = Taxonomy::shipped().unwrap();
    assert!(t.covers("aa:101", "aa:101"));
    assert!(!t.covers("aa:101", "aa:cat-1"), "never ancestors");
    assert!(!t.covers("aa:101", "aa:102"), "never siblings");
    assert!(!t.covers("nope", "aa:101"));
    assert!(!t.covers("aa:101", "nope"));
    assert!(t.covers("svc:marketing", "svc:marketing/targeted-ads/profiling"));
    let anc: Vec<&str> = t
        .ancestors("svc:marketing/targeted-ads/profiling")
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(anc, ["svc:marketing/targeted-ads", "svc:marketing"]);
    assert_eq!(t.depth("svc:marketing/targeted-ads/profiling"), Some(2));
    assert_eq!(t.depth("svc:marketing"), Some(0));
    assert_eq!(t.depth("nope"), None);
    assert_eq!(t.ancestors("nope").count(), 0);
}

#[test]
fn user_document_extends_shipped_packs() {
    let mine = r#"{"version":1,"pack":"mine","name":"Mine","source":"tests","purposes":[
        {"code":"mine:loans","name":"Loans","description":"d","ref":"r"},
        {"code":"mine:loans/collections","parent":"mine:loans","name":"Collections"},
        {"code":"mine:ads","name":"Our ads","child_prohibited":true},
        {"code":"mine:retarget","parent":"mine:ads","name":"Retargeting"},
        {"code":"gdpr:6(1)(c)","name":"Legal obligation","legitimate_use":true}
    ]}"#;
    let t = Pack::ALL
        .iter()
        .try_fold(Taxonomy::builder(), |b, p| b.pack(*p))
        .unwrap()
        .allow_legitimate_uses(true)
        .json("mine.json", mine)
        .unwrap()
        .build()
        .unwrap();
    assert!(t.covers("mine:loans", "mine:loans/collections"));
    assert!(t.covers("mine:ads", "mine:retarget"));
    assert!(t.is_child_prohibited("mine:ads"));
    assert!(t.is_child_prohibited("mine:retarget"), "inherited");
    assert!(t.is_legitimate_use("gdpr:6(1)(c)"));
    assert_eq!(t.get("mine:loans").unwrap().reference.as_deref(), Some("r"));
    // Parent declared after the child in the same document is fine.
    let t = Taxonomy::from_json(
        "x",
        &doc(r#"{"code":"t:b","parent":"t:a","name":"B"},{"code":"t:a","name":"A"}"#),
    )
    .unwrap();
    assert!(t.covers("t:a", "t:b"));
}

fn err(docs: &[(&str, &str)]) -> TaxonomyError {
    let mut b = Taxonomy::builder();
    for (origin, text) in docs {
        match b.json(origin, text) {
            Ok(next) => b = next,
            Err(e) => return e,
        }
    }
    b.build().unwrap_err()
}

#[test]
fn load_errors_name_the_code_and_place() {
    type Case = (Vec<(&'static str, String)>, Code, &'static str);
    let cases: Vec<Case> = vec![
        (
            vec![("a.json", doc(r#"{"code":"t:a","name":"A"},{"code":"t:a","name":"A2"}"#))],
            Code::TaxonomyDuplicateCode,
            "taxonomy `a.json` at `purposes[1]`: duplicate purpose code `t:a` (first defined in `a.json`)",
        ),
        (
            vec![
                ("a.json", doc(r#"{"code":"t:a","name":"A"}"#)),
                ("b.json", doc(r#"{"code":"t:a","name":"again"}"#)),
            ],
            Code::TaxonomyDuplicateCode,
            "taxonomy `b.json` at `purposes[0]`: duplicate purpose code `t:a` (first defined in `a.json`)",
        ),
        (
            vec![("b.json", doc(r#"{"code":"t:a","name":"A"},{"code":"t:b","parent":"t:zz","name":"B"}"#))],
            Code::TaxonomyUnknownParent,
            "taxonomy `b.json` at `purposes[1]`: purpose `t:b` names unknown parent `t:zz`",
        ),
        (
            vec![("c.json", doc(r#"{"code":"t:a","parent":"t:c","name":"A"},{"code":"t:b","parent":"t:a","name":"B"},{"code":"t:c","parent":"t:b","name":"C"}"#))],
            Code::TaxonomyCycle,
            "taxonomy: purpose `t:a` is its own ancestor (cycle in `parent` links)",
        ),
        (
            vec![("d.json", doc(r#"{"code":"t:a","parent":"t:a","name":"A"}"#))],
            Code::TaxonomyCycle,
            "taxonomy: purpose `t:a` is its own ancestor (cycle in `parent` links)",
        ),
        (
            vec![("e.json", "{\n  \"version\": 1,\n  \"pack\": \"t\",\n  \"purposes\": [\n    {\"code\": \"t:a\"}\n  ]\n}".to_string())],
            Code::TaxonomyJson,
            "taxonomy `e.json`: missing field `name` in member `purposes[0]` at line 5 column 19",
        ),
        (
            vec![("f.json", doc(r#"{"code":"t:a","name":"A","parnet":"t:b"}"#))],
            Code::TaxonomyJson,
            "unknown field `parnet`",
        ),
        (
            vec![("g.json", doc(r#"{"code":"t:a","name":"A","child_prohibited":"yes"}"#))],
            Code::TaxonomyJson,
            "line 1 column",
        ),
        (
            vec![("h.json", "{\"version\":1,\"pack\":\"t\",\"purposes\":[".to_string())],
            Code::TaxonomyJson,
            "taxonomy `h.json`: EOF while parsing a list at line 1 column 36",
        ),
        (
            vec![("i.json", doc(r#"{"code":"","name":"A"}"#))],
            Code::TaxonomyInvalid,
            "taxonomy `i.json` at `purposes[0].code`: `code` must not be empty",
        ),
        (
            vec![("j.json", doc(r#"{"code":"t:a","name":"A"},{"code":"t: b","name":"B"}"#))],
            Code::TaxonomyInvalid,
            "taxonomy `j.json` at `purposes[1].code`: `code` must not contain whitespace or control characters",
        ),
        (
            vec![("k.json", doc(r#"{"code":"t:a","name":"  "}"#))],
            Code::TaxonomyInvalid,
            "taxonomy `k.json` at `purposes[0].name`: `name` must not be empty",
        ),
        (
            vec![("l.json", r#"{"version":2,"pack":"t","purposes":[]}"#.to_string())],
            Code::TaxonomyInvalid,
            "taxonomy `l.json` at `version`: only version 1 is supported",
        ),
        (
            vec![("m.json", doc(&format!(r#"{{"code":"t:{}","name":"A"}}"#, "x".repeat(200))))],
            Code::TaxonomyInvalid,
            "`code` must be at most 128 bytes",
        ),
    ];
    for (docs, code, msg) in cases {
        let docs: Vec<(&str, &str)> = docs.iter().map(|(o, t)| (*o, t.as_str())).collect();
        let e = err(&docs);
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(msg), "{e} does not contain {msg}");
    }
}

#[test]
fn json_errors_carry_line_and_column() {
    let text = "{\n\"version\": 1,\n\"pack\": \"t\",\n\"purposes\": [\n{\"code\": \"t:a\", \"name\": 5}\n]}";
    match Taxonomy::from_json("n.json", text).unwrap_err() {
        TaxonomyError::Json { line, column, .. } => {
            assert_eq!(line, 5);
            assert!(column > 0);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn depth_limit() {
    let chain = |n: usize| {
        let mut v = vec![r#"{"code":"t:0","name":"n"}"#.to_string()];
        for i in 1..n {
            v.push(format!(
                r#"{{"code":"t:{i}","parent":"t:{}","name":"n"}}"#,
                i - 1
            ));
        }
        doc(&v.join(","))
    };
    let ok = Taxonomy::from_json("deep", &chain(MAX_DEPTH + 1)).unwrap();
    assert_eq!(ok.depth(&format!("t:{MAX_DEPTH}")), Some(MAX_DEPTH));
    assert_eq!(ok.ancestors(&format!("t:{MAX_DEPTH}")).count(), MAX_DEPTH);
    assert!(ok.covers("t:0", &format!("t:{MAX_DEPTH}")));
    let e = Taxonomy::from_json("deep", &chain(MAX_DEPTH + 2)).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyTooDeep);
    // Reversed order (children first) reaches the same verdicts.
    let mut v = vec![r#"{"code":"t:0","name":"n"}"#.to_string()];
    for i in 1..=MAX_DEPTH + 1 {
        v.push(format!(
            r#"{{"code":"t:{i}","parent":"t:{}","name":"n"}}"#,
            i - 1
        ));
    }
    v.reverse();
    let e = Taxonomy::from_json("deep", &doc(&v.join(","))).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyTooDeep);
}

#[test]
fn codes_are_in_the_shared_code_list() {
    for (c, n, s) in [
        (Code::TaxonomyJson, 1600, "taxonomy_json"),
        (Code::TaxonomyInvalid, 1601, "taxonomy_invalid"),
        (Code::TaxonomyDuplicateCode, 1602, "taxonomy_duplicate_code"),
        (Code::TaxonomyUnknownParent, 1603, "taxonomy_unknown_parent"),
        (Code::TaxonomyCycle, 1604, "taxonomy_cycle"),
        (Code::TaxonomyTooDeep, 1605, "taxonomy_too_deep"),
        (Code::TaxonomyShippedPrefix, 1606, "taxonomy_shipped_prefix"),
        (Code::TaxonomyShippedParent, 1607, "taxonomy_shipped_parent"),
        (
            Code::TaxonomyLegitimateUseNotAllowed,
            1608,
            "taxonomy_legitimate_use_not_allowed",
        ),
        (Code::RecordNotContainer, 1700, "record_not_container"),
        (Code::TransformUnsupported, 1701, "transform_unsupported"),
        (Code::TransformFailed, 1702, "transform_failed"),
        (Code::TransformConflict, 1703, "transform_conflict"),
    ] {
        assert_eq!(c.as_u32(), n);
        assert_eq!(c.as_str(), s);
        assert_eq!(Code::from_u32(n), Some(c));
    }
}

/// The shipped packs plus one caller document.
fn with_extra(extra: &str, allow_legitimate_uses: bool) -> Result<Taxonomy, TaxonomyError> {
    Pack::ALL
        .iter()
        .try_fold(Taxonomy::builder(), |b, p| b.pack(*p))?
        .allow_legitimate_uses(allow_legitimate_uses)
        .json("extra.json", extra)?
        .build()
}

#[test]
fn a_caller_pack_cannot_graft_targeted_ads_under_aa_101() {
    let graft = r#"{"version":1,"pack":"fid","purposes":[
        {"code":"fid:targeted-ads","parent":"aa:101","name":"Targeted ads"}]}"#;
    let e = with_extra(graft, false).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyShippedParent);
    assert_eq!(
        e.to_string(),
        "taxonomy `extra.json` at `purposes[0].parent`: purpose `fid:targeted-ads` may not be placed under shipped purpose `aa:101`"
    );
    // Not even with the legitimate-use opt-in, and not under a category or another pack's code.
    for parent in [
        "aa:cat-1",
        "svc:marketing",
        "abdm:CAREMGT",
        "dpdp:7",
        "AA:101",
    ] {
        let graft = graft.replace("aa:101", parent);
        assert_eq!(
            with_extra(&graft, true).unwrap_err().code(),
            Code::TaxonomyShippedParent,
            "{parent}"
        );
    }
}

#[test]
fn a_caller_pack_cannot_add_codes_inside_a_shipped_namespace() {
    for (code, prefix) in [
        ("aa:106", "aa"),
        ("svc:marketing/extra", "svc"),
        ("dpdp:7(z)", "dpdp"),
        ("ABDM:X", "abdm"),
        ("svc", "svc"),
    ] {
        let d =
            format!(r#"{{"version":1,"pack":"mine","purposes":[{{"code":"{code}","name":"N"}}]}}"#);
        let e = with_extra(&d, true).unwrap_err();
        assert_eq!(e.code(), Code::TaxonomyShippedPrefix, "{code}");
        assert_eq!(
            e.to_string(),
            format!("taxonomy `extra.json` at `purposes[0].code`: the prefix `{prefix}` belongs to a shipped pack; use your own")
        );
    }
    // A pack named like a shipped one is refused too, even alone.
    let d = r#"{"version":1,"pack":"svc","purposes":[{"code":"mine:a","name":"N"}]}"#;
    let e = Taxonomy::from_json("svc2.json", d).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyShippedPrefix);
    assert_eq!(
        e.to_string(),
        "taxonomy `svc2.json` at `pack`: the prefix `svc` belongs to a shipped pack; use your own"
    );
    // Shipped packs through `json` are caller documents like any other.
    let e = Taxonomy::from_json("svc.json", Pack::Service.json()).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyShippedPrefix);
    // Codes that merely contain a shipped id elsewhere are fine.
    assert!(with_extra(r#"{"version":1,"pack":"mine","purposes":[{"code":"mine:aa:101","name":"N"},{"code":"svcx:a","name":"N"}]}"#, false).is_ok());
}

#[test]
fn a_caller_pack_cannot_declare_a_legitimate_use_without_the_opt_in() {
    let d = r#"{"version":1,"pack":"gdpr","purposes":[
        {"code":"gdpr:6(1)(a)","name":"Consent"},
        {"code":"gdpr:6(1)(c)","name":"Legal obligation","legitimate_use":true}]}"#;
    let e = with_extra(d, false).unwrap_err();
    assert_eq!(e.code(), Code::TaxonomyLegitimateUseNotAllowed);
    assert_eq!(
        e.to_string(),
        "taxonomy `extra.json` at `purposes[1].legitimate_use`: purpose `gdpr:6(1)(c)` declares a legitimate use, which caller-supplied taxonomies may do only when explicitly allowed"
    );
    let t = with_extra(d, true).unwrap();
    assert!(t.is_legitimate_use("gdpr:6(1)(c)"));
    // The order of the opt-in and the document does not matter.
    let t = Taxonomy::builder()
        .json("x", d)
        .unwrap()
        .allow_legitimate_uses(true)
        .build()
        .unwrap();
    assert!(t.is_legitimate_use("gdpr:6(1)(c)"));
    // The shipped DPDP legitimate uses need no opt-in.
    assert!(Taxonomy::shipped().unwrap().is_legitimate_use("dpdp:7(a)"));
}
