//! Property tests: determinism, domain separation, round trips, FF1 format preservation,
//! Aadhaar FF1 tokens never passing Verhoeff, masks never showing more than their preset, and no
//! panics on arbitrary input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ids::{self, IdType};
use consentry::pseudo::{MasterKey, Policy, Pseudonymiser};
use proptest::prelude::*;
use serde_json::json;

fn fields() -> serde_json::Value {
    json!({
        "p_aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
        "p_text": {"type": "text", "transform": "pseudonym"},
        "t_text": {"type": "text", "transform": "token"},
        "t_aadhaar": {"type": "aadhaar", "transform": "token"},
        "f_aadhaar": {"type": "aadhaar", "transform": "ff1"},
        "f_digits": {"type": "digits", "transform": "ff1", "params": {"min_len": 6}},
        "f_alnum": {"type": "alnum", "transform": "ff1", "params": {"min_len": 4}},
        "f_mobile": {"type": "mobile", "transform": "ff1"},
        "m_aadhaar": {"type": "aadhaar", "transform": "mask", "params": {"preset": "aadhaar"}},
        "m_mobile": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
        "m_text": {"type": "text", "transform": "mask", "params": {"keep_last": 4}},
        "s_date": {"type": "date", "transform": "shift", "params": {"max_days": 365, "subject": "p_text"}},
        "g_num": {"type": "number", "transform": "generalise", "params": {"bucket": 7}},
    })
}

/// A fixed test key (not all one byte: a weak master key is refused).
fn key(n: u8) -> [u8; 32] {
    let mut k = [n; 32];
    k[31] = n.wrapping_add(1);
    k
}

fn make(domain: &str, key: [u8; 32]) -> Pseudonymiser {
    let doc = json!({"domain": domain, "fields": fields(), "unlisted": "keep"});
    Pseudonymiser::new(
        &Policy::from_json(&doc.to_string()).unwrap(),
        &MasterKey::from_bytes(key),
    )
    .unwrap()
}

/// A valid synthetic Aadhaar number: first digit 2–9, 10 more digits, Verhoeff digit.
fn aadhaar() -> impl Strategy<Value = String> {
    "[2-9][0-9]{10}".prop_map(|body| {
        let c = ids::verhoeff_check_digit(&body).unwrap();
        format!("{body}{c}")
    })
}

fn mobile() -> impl Strategy<Value = String> {
    "[6-9][0-9]{9}"
}

proptest! {
    #[test]
    fn deterministic_across_instances(a in aadhaar(), t in "\\PC{1,40}", key in any::<[u8; 32]>()) {
        let (x, y) = (make("d", key), make("d", key));
        for f in ["p_aadhaar", "t_aadhaar", "f_aadhaar", "m_aadhaar"] {
            prop_assert_eq!(x.transform_value(f, &a).unwrap(), y.transform_value(f, &a).unwrap());
        }
        prop_assert_eq!(x.transform_value("p_text", &t).ok(), y.transform_value("p_text", &t).ok());
        prop_assert_eq!(x.shift_offset("s_date", &a).unwrap(), y.shift_offset("s_date", &a).unwrap());
    }

    #[test]
    fn domains_are_separated(a in aadhaar(), d1 in "[a-z./]{1,20}", d2 in "[a-z./]{1,20}") {
        prop_assume!(d1 != d2);
        let (x, y) = (make(&d1, key(9)), make(&d2, key(9)));
        for f in ["p_aadhaar", "t_aadhaar", "f_aadhaar"] {
            prop_assert_ne!(x.transform_value(f, &a).unwrap(), y.transform_value(f, &a).unwrap());
        }
        // A token of one domain does not open in another.
        let t = x.transform_value("t_aadhaar", &a).unwrap().unwrap();
        prop_assert!(y.reverse_value("t_aadhaar", &t).is_err());
    }

    #[test]
    fn token_round_trip(t in "\\PC{1,60}") {
        let p = make("d", key(1));
        if let Ok(Some(tok)) = p.transform_value("t_text", &t) {
            let canon = p.reverse_value("t_text", &tok).unwrap();
            // Canonicalisation is idempotent, so the canonical value gives the same token.
            prop_assert_eq!(p.transform_value("t_text", &canon).unwrap().unwrap(), tok.clone());
            prop_assert!(tok.starts_with("t1."));
        }
    }

    #[test]
    fn ff1_round_trip_length_and_alphabet(
        a in aadhaar(), d in "[0-9]{6,40}", s in "[0-9A-Z]{4,40}", m in mobile()
    ) {
        let p = make("d", key(2));
        let fa = p.transform_value("f_aadhaar", &a).unwrap().unwrap();
        prop_assert_eq!(fa.len(), 12);
        prop_assert!(fa.bytes().all(|c| c.is_ascii_digit()));
        prop_assert!(!ids::verhoeff_valid(&fa), "an aadhaar ff1 token never passes Verhoeff");
        prop_assert!(!ids::is_valid(IdType::Aadhaar, &fa));
        prop_assert_eq!(p.reverse_value("f_aadhaar", &fa).unwrap(), a);

        let fd = p.transform_value("f_digits", &d).unwrap().unwrap();
        prop_assert_eq!(fd.len(), d.len());
        prop_assert!(fd.bytes().all(|c| c.is_ascii_digit()));
        prop_assert_eq!(p.reverse_value("f_digits", &fd).unwrap(), d);

        let fs = p.transform_value("f_alnum", &s).unwrap().unwrap();
        prop_assert_eq!(fs.len(), s.len());
        prop_assert!(fs.bytes().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        prop_assert_eq!(p.reverse_value("f_alnum", &fs).unwrap(), s);

        let fm = p.transform_value("f_mobile", &m).unwrap().unwrap();
        prop_assert_eq!(fm.len(), 13);
        prop_assert_eq!(p.reverse_value("f_mobile", &fm).unwrap(), format!("+91{m}"));
    }

    #[test]
    fn masks_reveal_no_more_than_the_preset(a in aadhaar(), m in mobile(), t in "\\PC{1,30}") {
        let p = make("d", key(3));
        let ma = p.transform_value("m_aadhaar", &a).unwrap().unwrap();
        prop_assert_eq!(&ma[..10], "XXXX XXXX ");
        prop_assert_eq!(&ma[10..], &a[8..]);
        let mm = p.transform_value("m_mobile", &m).unwrap().unwrap();
        prop_assert_eq!(&mm[..6], "XXXXXX");
        prop_assert_eq!(&mm[6..], &m[6..]);
        if let Ok(Some(mt)) = p.transform_value("m_text", &t) {
            let shown = mt.chars().filter(|c| *c != 'X').count();
            prop_assert!(shown <= 4);
            let n = mt.chars().count();
            prop_assert!(mt.chars().take(n.saturating_sub(4)).all(|c| c == 'X'));
        }
    }

    #[test]
    fn shift_offsets_stay_in_range(subject in "\\PC{1,30}", y in 1900u32..2100, m in 1u32..=12, d in 1u32..=28) {
        let p = make("d", key(4));
        let date = format!("{y:04}-{m:02}-{d:02}");
        if let Ok(off) = p.shift_offset("s_date", &subject) {
            prop_assert!((-365..=365).contains(&off));
            let shifted = p.transform_shift("s_date", &date, &subject).unwrap().unwrap();
            prop_assert_eq!(shifted.len(), 10);
            if off == 0 {
                prop_assert_eq!(shifted, date);
            } else {
                prop_assert_ne!(shifted, date);
            }
        }
    }

    #[test]
    fn no_panics_on_arbitrary_input(v in "\\PC{0,40}", any_bytes in proptest::collection::vec(any::<u8>(), 0..60)) {
        let p = make("d", key(5));
        let lossy = String::from_utf8_lossy(&any_bytes).into_owned();
        for s in [&v, &lossy] {
            for f in ["p_aadhaar", "p_text", "t_text", "f_aadhaar", "f_digits", "f_alnum",
                      "f_mobile", "m_aadhaar", "m_mobile", "m_text", "g_num"] {
                let _ = p.transform_value(f, s);
                let _ = p.reverse_value(f, s);
            }
            let _ = p.transform_shift("s_date", s, s);
            let _ = ids::detect(s);
            for t in IdType::ALL {
                let _ = ids::normalise(*t, s);
            }
            let _ = Policy::from_json(s);
        }
    }
}
