//! Record filtering: selectors over objects and arrays, transforms through a hook, errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod purpose_support;

use std::collections::BTreeMap;

use consentry::purpose::{decide, StatusInput};
use consentry::scope::{filter_record, FilterError, HookError, NoTransforms, Selector};
use consentry::{Code, Grant, HasCode, Mode};
use purpose_support::*;
use serde_json::{json, Value};

fn sels(v: &[&str]) -> Vec<Selector> {
    v.iter().map(|s| Selector::parse(s).unwrap()).collect()
}

fn tmap(v: &[(&str, &str)]) -> BTreeMap<Selector, String> {
    v.iter()
        .map(|(s, t)| (Selector::parse(s).unwrap(), t.to_string()))
        .collect()
}

fn record() -> Value {
    json!({
        "name": "Asha Devi",
        "phone": "+919876543210",
        "address": {"line1": "12 Temple St", "pincode": "600001", "geo": {"lat": 13.0, "lon": 80.2}},
        "members": [
            {"name": "Ravi", "aadhaar": "234123412346", "age": 9},
            {"name": "Meena", "aadhaar": "345234523457", "age": 41},
            {"age": 70}
        ],
        "accounts": {
            "acc-1": {"balance": 1200, "txns": [1, 2]},
            "acc-2": {"balance": 50, "holder": "Asha"}
        },
        "a/b": 1,
        "tags": ["x", "y"],
        "empty": {}
    })
}

/// A hook that wraps the value: `{"<transform>": value}`.
fn tag(t: &str, _: &Selector, v: &Value) -> Result<Value, HookError> {
    Ok(json!({ t: v }))
}

#[test]
fn selection_table() {
    let cases: Vec<(&[&str], Value)> = vec![
        (&["/name"], json!({"name": "Asha Devi"})),
        (
            &["/address/pincode"],
            json!({"address": {"pincode": "600001"}}),
        ),
        (
            &["/address"],
            json!({"address": record()["address"].clone()}),
        ),
        (
            &["/address/geo/lat", "/address/pincode"],
            json!({"address": {"pincode": "600001", "geo": {"lat": 13.0}}}),
        ),
        (
            &["/members/*/name"],
            json!({"members": [{"name": "Ravi"}, {"name": "Meena"}]}),
        ),
        (
            &["/members/1/name"],
            json!({"members": [{"name": "Meena"}]}),
        ),
        (&["/members/01/name"], json!({})),
        (&["/members/+1/name"], json!({})),
        (
            &["/members/*/age"],
            json!({"members": [{"age": 9}, {"age": 41}, {"age": 70}]}),
        ),
        (
            &["/accounts/*/balance"],
            json!({"accounts": {"acc-1": {"balance": 1200}, "acc-2": {"balance": 50}}}),
        ),
        (
            &["/accounts/acc-1"],
            json!({"accounts": {"acc-1": {"balance": 1200, "txns": [1, 2]}}}),
        ),
        (
            &["/accounts/*/txns/1"],
            json!({"accounts": {"acc-1": {"txns": [2]}}}),
        ),
        (&["/a~1b"], json!({"a/b": 1})),
        (&["/tags/*"], json!({"tags": ["x", "y"]})),
        (&["/empty"], json!({"empty": {}})),
        (&["/empty/x"], json!({})),
        (&["/name/first"], json!({})),
        (&["/nothing"], json!({})),
        (&["/*/pincode"], json!({"address": {"pincode": "600001"}})),
        (&["/name", "/name", "/*/name"], json!({"name": "Asha Devi"})),
        (&["/*"], record()),
    ];
    for (fields, want) in cases {
        let got = filter_record(&record(), &sels(fields), &BTreeMap::new(), &NoTransforms).unwrap();
        assert_eq!(got, want, "{fields:?}");
    }
}

#[test]
fn arrays_at_the_top_level() {
    let r = json!([{"id": 1, "x": 2}, {"x": 3}, 7]);
    let got = filter_record(&r, &sels(&["/*/id"]), &BTreeMap::new(), &NoTransforms).unwrap();
    assert_eq!(got, json!([{"id": 1}]));
    let got = filter_record(&r, &sels(&["/2"]), &BTreeMap::new(), &NoTransforms).unwrap();
    assert_eq!(got, json!([7]));
    let got = filter_record(&r, &sels(&["/9"]), &BTreeMap::new(), &NoTransforms).unwrap();
    assert_eq!(got, json!([]));
}

#[test]
fn scalar_records_are_rejected() {
    for r in [json!(1), json!("x"), json!(null), json!(true)] {
        let e = filter_record(&r, &sels(&["/a"]), &BTreeMap::new(), &NoTransforms).unwrap_err();
        assert_eq!(e, FilterError::NotContainer);
        assert_eq!(e.code(), Code::RecordNotContainer);
    }
}

#[test]
fn transforms_go_through_the_hook() {
    let got = filter_record(
        &record(),
        &sels(&["/name", "/members/*/aadhaar", "/address"]),
        &tmap(&[
            ("/members/*/aadhaar", "pseudonym"),
            ("/address/pincode", "generalise"),
            ("/address/geo", "drop"),
        ]),
        &tag,
    )
    .unwrap();
    assert_eq!(
        got,
        json!({
            "name": "Asha Devi",
            "address": {"line1": "12 Temple St", "pincode": {"generalise": "600001"}},
            "members": [
                {"aadhaar": {"pseudonym": "234123412346"}},
                {"aadhaar": {"pseudonym": "345234523457"}}
            ]
        })
    );
}

#[test]
fn nested_transforms_apply_inside_out() {
    let got = filter_record(
        &record(),
        &sels(&["/address/pincode", "/address/line1"]),
        &tmap(&[("/address", "outer"), ("/address/pincode", "inner")]),
        &tag,
    )
    .unwrap();
    assert_eq!(
        got,
        json!({"address": {"outer": {"line1": "12 Temple St", "pincode": {"inner": "600001"}}}})
    );
}

#[test]
fn transforms_on_ungranted_locations_do_nothing() {
    let got = filter_record(
        &record(),
        &sels(&["/name"]),
        &tmap(&[("/phone", "mask")]),
        &NoTransforms,
    )
    .unwrap();
    assert_eq!(got, json!({"name": "Asha Devi"}));
}

#[test]
fn a_transform_no_hook_implements_is_an_error_never_a_pass_through() {
    let e = filter_record(
        &record(),
        &sels(&["/name", "/members/*/aadhaar"]),
        &tmap(&[("/members/*/aadhaar", "ff1")]),
        &NoTransforms,
    )
    .unwrap_err();
    assert_eq!(
        e,
        FilterError::TransformUnsupported {
            selector: "/members/*/aadhaar".into(),
            transform: "ff1".into()
        }
    );
    assert_eq!(e.code(), Code::TransformUnsupported);
    assert_eq!(
        e.to_string(),
        "no transform hook implements `ff1`, required at `/members/*/aadhaar`"
    );
    // A hook that implements other transforms only.
    let only_mask = |t: &str, _: &Selector, v: &Value| match t {
        "mask" => Ok(json!(format!("XX{}", v.as_str().unwrap_or("").len()))),
        _ => Err(HookError::Unsupported),
    };
    let e = filter_record(
        &record(),
        &sels(&["/name", "/phone"]),
        &tmap(&[("/name", "mask"), ("/phone", "token")]),
        &only_mask,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::TransformUnsupported);
}

#[test]
fn hook_failures_and_conflicts() {
    let fail = |_: &str, _: &Selector, _: &Value| -> Result<Value, HookError> {
        Err(HookError::Failed {
            reason: "not a valid aadhaar number".into(),
        })
    };
    let e = filter_record(
        &record(),
        &sels(&["/members/*/aadhaar"]),
        &tmap(&[("/members/*/aadhaar", "ff1")]),
        &fail,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::TransformFailed);
    let msg = e.to_string();
    assert_eq!(
        msg,
        "transform `ff1` failed at `/members/*/aadhaar`: not a valid aadhaar number"
    );
    assert!(!msg.contains("2341"), "no values in messages");

    let e = filter_record(
        &record(),
        &sels(&["/members"]),
        &tmap(&[
            ("/members/*/aadhaar", "pseudonym"),
            ("/members/0/aadhaar", "mask"),
        ]),
        &tag,
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::TransformConflict);
    // The same transform twice is no conflict.
    let got = filter_record(
        &record(),
        &sels(&["/members/0/aadhaar"]),
        &tmap(&[
            ("/members/*/aadhaar", "mask"),
            ("/members/0/aadhaar", "mask"),
        ]),
        &tag,
    )
    .unwrap();
    assert_eq!(
        got,
        json!({"members": [{"aadhaar": {"mask": "234123412346"}}]})
    );
}

#[test]
fn permit_filter_end_to_end() {
    let a = artefact(
        base().grant(
            Grant::new(
                "aa:cat-1",
                ["/name", "/accounts/*/balance", "/address"],
                Mode::View,
            )
            .transform("/address", "generalise"),
        ),
    );
    let d = decide(
        &a,
        &request(
            "aa:101",
            Mode::View,
            &["/accounts", "/address/pincode", "/phone"],
        ),
        &taxonomy(),
        StatusInput::Valid,
    );
    let p = d.permit().unwrap();
    let out = p.filter(&record(), &tag).unwrap();
    assert_eq!(
        out,
        json!({
            "accounts": {"acc-1": {"balance": 1200}, "acc-2": {"balance": 50}},
            "address": {"pincode": {"generalise": "600001"}}
        })
    );
    assert_eq!(
        p.filter(&record(), &NoTransforms).unwrap_err().code(),
        Code::TransformUnsupported
    );
}
