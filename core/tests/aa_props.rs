//! Properties of the AA verifier and import: arbitrary input never panics; any one-character
//! change of the spec example's JWS text is refused; any signed JSON object either imports or
//! is refused with `aa_detail_invalid`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aa_support;

use aa_support::*;
use consentry::aa::{self, verify_detached, verify_signed_consent, AaTrust};
use consentry::{Code, HasCode};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics_and_never_verifies(s in "\\PC{0,400}", dots in 0usize..4) {
        let trust = spec_trust();
        let text = format!("{s}{}", ".".repeat(dots));
        prop_assert!(verify_signed_consent(&text, &trust, None).is_err());
        prop_assert!(verify_detached(&text, text.as_bytes(), &trust, None).is_err());
        let _ = AaTrust::from_json(&text);
    }

    #[test]
    fn any_one_character_change_of_the_spec_jws_is_refused(
        pos in any::<prop::sample::Index>(),
        c in prop::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/= ".chars().collect::<Vec<_>>()
        ),
    ) {
        let jws = spec_jws().trim().to_owned();
        let mut chars: Vec<char> = jws.chars().collect();
        let i = pos.index(chars.len());
        chars[i] = c;
        let changed: String = chars.into_iter().collect();
        let r = verify_signed_consent(&changed, &spec_trust(), None);
        prop_assert_eq!(r.is_ok(), changed == jws);
    }

    #[test]
    fn any_signed_json_object_imports_or_is_aa_detail_invalid(
        entries in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "consentStart", "consentExpiry", "consentMode", "fiTypes", "consentTypes",
                    "DataConsumer", "Customer", "Purpose", "DataLife", "Frequency",
                    "FIDataRange", "DataFilter", "purpose", "dataLife",
                ]),
                prop_oneof![
                    Just(serde_json::json!("2019-05-28T11:38:20.380+0000")),
                    Just(serde_json::json!("2020-05-28T11:38:20Z")),
                    Just(serde_json::json!(1_559_043_500_380u64)),
                    Just(serde_json::json!("VIEW")),
                    Just(serde_json::json!(["DEPOSIT", "TERM-DEPOSIT"])),
                    Just(serde_json::json!(["SUMMARY"])),
                    Just(serde_json::json!({"id": "x@y"})),
                    Just(serde_json::json!({"code": "101"})),
                    Just(serde_json::json!({"unit": "MONTH", "value": 4.0})),
                    Just(serde_json::json!({"unit": "INF"})),
                    Just(serde_json::json!({"from": "2019-05-28T11:38:20Z", "to": 1_590_665_900_381u64})),
                    Just(serde_json::json!([{"type": "T", "operator": ">", "value": 1}])),
                    Just(serde_json::json!(null)),
                    Just(serde_json::json!(-1.5)),
                ],
            ),
            0..14,
        )
    ) {
        let mut detail = serde_json::Map::new();
        for (k, v) in entries {
            detail.insert(k.to_owned(), v);
        }
        let jws = signed_detail(&serde_json::Value::Object(detail).to_string());
        let v = verify_signed_consent(&jws, &two_entities(), Some("aa-one")).unwrap();
        if let Err(e) = aa::import(&v) {
            prop_assert_eq!(e.code(), Code::AaDetailInvalid);
        }
    }
}
