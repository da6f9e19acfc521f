//! Identifier validation, normalisation, masking and detection, with synthetic numbers only
//! (every Aadhaar, PAN and GSTIN here was made up and its check computed independently in
//! Python).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ids::{self, IdError, IdType};
use consentry::{Code, HasCode};

const AADHAAR_OK: &[&str] = &[
    "234567890124",
    "999900001119",
    "500000000006",
    "876543210988",
];
const GSTIN_OK: &[&str] = &["33ABCPE1234F1ZI", "29AAACZ9999Q1ZQ", "07ZZZPZ0000Z9Z4"];

#[test]
fn aadhaar_valid_and_normalised() {
    for a in AADHAAR_OK {
        assert!(ids::verhoeff_valid(a), "{a}");
        assert_eq!(ids::normalise(IdType::Aadhaar, a).unwrap(), *a);
    }
    assert_eq!(
        ids::normalise(IdType::Aadhaar, " 2345 6789 0124 ").unwrap(),
        "234567890124"
    );
    assert_eq!(
        ids::normalise(IdType::Aadhaar, "2345-6789-0124").unwrap(),
        "234567890124"
    );
}

#[test]
fn aadhaar_near_misses() {
    for a in AADHAAR_OK {
        let b = a.as_bytes();
        for i in 0..12 {
            for d in b'0'..=b'9' {
                if d == b[i] {
                    continue;
                }
                let mut m = b.to_vec();
                m[i] = d;
                let m = String::from_utf8(m).unwrap();
                let err = ids::normalise(IdType::Aadhaar, &m).unwrap_err();
                // First digit 0/1 is a format error, everything else a checksum error.
                if i == 0 && d < b'2' {
                    assert_eq!(
                        err,
                        IdError::Invalid {
                            kind: IdType::Aadhaar
                        }
                    );
                } else {
                    assert_eq!(
                        err,
                        IdError::Checksum {
                            kind: IdType::Aadhaar
                        },
                        "{m}"
                    );
                    assert_eq!(err.code(), Code::IdChecksum);
                }
            }
            if i < 11 && b[i] != b[i + 1] {
                let mut m = b.to_vec();
                m.swap(i, i + 1);
                let m = String::from_utf8(m).unwrap();
                assert!(!ids::is_valid(IdType::Aadhaar, &m), "transposition {m}");
            }
        }
    }
    for bad in [
        "23456789012",
        "2345678901245",
        "2345678901a4",
        "",
        "2345 6789 012４",
    ] {
        assert_eq!(
            ids::normalise(IdType::Aadhaar, bad).unwrap_err().code(),
            Code::IdInvalid,
            "{bad}"
        );
    }
    // First digit 0 or 1 is refused even with a valid Verhoeff digit.
    let body = "12345678901";
    let full = format!("{body}{}", ids::verhoeff_check_digit(body).unwrap());
    assert!(ids::verhoeff_valid(&full));
    assert!(!ids::is_valid(IdType::Aadhaar, &full));
}

#[test]
fn vid() {
    assert_eq!(
        ids::normalise(IdType::Vid, "9123 4567 8901 2345").unwrap(),
        "9123456789012345"
    );
    assert!(!ids::is_valid(IdType::Vid, "912345678901234"));
    assert_eq!(
        ids::mask(IdType::Vid, "9123456789012345").unwrap(),
        "XXXX XXXX XXXX 2345"
    );
}

#[test]
fn pan_holder_types() {
    for t in "ABCFGHJLPT".chars() {
        let pan = format!("ABC{t}E1234F");
        assert_eq!(
            ids::normalise(IdType::Pan, &pan.to_lowercase()).unwrap(),
            pan
        );
    }
    for t in "DEIKMNOQRSUVWXYZ".chars() {
        let pan = format!("ABC{t}E1234F");
        let err = ids::normalise(IdType::Pan, &pan).unwrap_err();
        assert_eq!(err, IdError::PanHolderType, "{pan}");
        assert_eq!(err.code(), Code::IdPanHolderType);
    }
    for bad in [
        "ABCPE1234",
        "ABCPE12345",
        "1BCPE1234F",
        "ABCPE123FF",
        "ABCPE1234F1",
    ] {
        assert_eq!(
            ids::normalise(IdType::Pan, bad).unwrap_err().code(),
            Code::IdInvalid
        );
    }
}

#[test]
fn gstin_check_char_and_near_misses() {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for g in GSTIN_OK {
        assert_eq!(ids::gstin_check_char(&g[..14]), g.chars().nth(14), "{g}");
        assert_eq!(
            ids::normalise(IdType::Gstin, &g.to_lowercase()).unwrap(),
            *g
        );
        // Every single-character change of the check character fails the check.
        for c in A {
            if *c == g.as_bytes()[14] {
                continue;
            }
            let mut m = g.as_bytes().to_vec();
            m[14] = *c;
            let m = String::from_utf8(m).unwrap();
            assert_eq!(
                ids::normalise(IdType::Gstin, &m).unwrap_err(),
                IdError::Checksum {
                    kind: IdType::Gstin
                }
            );
        }
        // Changing any other character (keeping the shape) also fails.
        for i in 0..14 {
            for c in A {
                let mut m = g.as_bytes().to_vec();
                if m[i] == *c {
                    continue;
                }
                m[i] = *c;
                let m = String::from_utf8(m).unwrap();
                assert!(!ids::is_valid(IdType::Gstin, &m), "{m}");
            }
        }
    }
    // Transpositions detected by the mod-36 check (both pairs chosen so the check differs).
    assert!(!ids::is_valid(IdType::Gstin, "33ABCPE2134F1ZI"));
    assert!(!ids::is_valid(IdType::Gstin, "33BACPE1234F1ZI"));
    // State code 00 and 40 are refused; 97 and 99 accepted with a right check char.
    let g00 = format!(
        "00ABCPE1234F1Z{}",
        ids::gstin_check_char("00ABCPE1234F1Z").unwrap()
    );
    assert_eq!(
        ids::normalise(IdType::Gstin, &g00).unwrap_err().code(),
        Code::IdInvalid
    );
    let g99 = format!(
        "99ABCPE1234F1Z{}",
        ids::gstin_check_char("99ABCPE1234F1Z").unwrap()
    );
    assert!(ids::is_valid(IdType::Gstin, &g99));
}

#[test]
fn mobile() {
    for ok in [
        "9876543210",
        "+91 98765 43210",
        "+91-9876543210",
        "09876543210",
        "919876543210",
        "6000000000",
    ] {
        assert_eq!(
            ids::normalise(IdType::Mobile, ok).unwrap().len(),
            13,
            "{ok}"
        );
    }
    assert_eq!(
        ids::normalise(IdType::Mobile, "98765 43210").unwrap(),
        "+919876543210"
    );
    for bad in [
        "5876543210",
        "+1 9876543210",
        "987654321",
        "98765432100",
        "+919876-5432a",
        "+9876543210",
    ] {
        assert!(!ids::is_valid(IdType::Mobile, bad), "{bad}");
    }
}

#[test]
fn email_pin_epic_passport_ifsc() {
    assert_eq!(
        ids::normalise(IdType::Email, "  Asha.Devi+x@Example.co.IN ").unwrap(),
        "asha.devi+x@example.co.in"
    );
    for bad in [
        "a@b",
        "@b.in",
        "a@.in",
        "a..b@c.in",
        "a@b..in",
        "a@-b.in",
        "a b@c.in",
        "a@b.123",
        "ä@b.in",
        "a@b@c.in",
    ] {
        assert!(!ids::is_valid(IdType::Email, bad), "{bad}");
    }
    assert_eq!(
        ids::normalise(IdType::Pincode, "600 001").unwrap(),
        "600001"
    );
    assert!(!ids::is_valid(IdType::Pincode, "060001"));
    assert!(!ids::is_valid(IdType::Pincode, "60001"));
    assert_eq!(
        ids::normalise(IdType::Epic, "abc1234567").unwrap(),
        "ABC1234567"
    );
    assert!(!ids::is_valid(IdType::Epic, "AB12345678"));
    assert_eq!(
        ids::normalise(IdType::Passport, "z1234567").unwrap(),
        "Z1234567"
    );
    assert!(!ids::is_valid(IdType::Passport, "Z123456"));
    assert_eq!(
        ids::normalise(IdType::Ifsc, "sbin0001234").unwrap(),
        "SBIN0001234"
    );
    assert_eq!(
        ids::normalise(IdType::Ifsc, "HDFC0ABC123").unwrap(),
        "HDFC0ABC123"
    );
    assert!(!ids::is_valid(IdType::Ifsc, "SBIN1001234"));
}

#[test]
fn masks() {
    assert_eq!(
        ids::mask(IdType::Aadhaar, "2345 6789 0124").unwrap(),
        "XXXX XXXX 0124"
    );
    assert_eq!(
        ids::mask(IdType::Mobile, "09876543210").unwrap(),
        "XXXXXX3210"
    );
    assert_eq!(ids::mask(IdType::Pan, "ABCPE1234F").unwrap(), "XXXXXX234F");
    assert_eq!(ids::mask(IdType::Pincode, "600001").unwrap(), "600XXX");
    // Invalid values are errors, never masked blindly.
    assert!(ids::mask(IdType::Aadhaar, "234567890125").is_err());
}

#[test]
fn errors_never_contain_the_value() {
    for (t, v) in [
        (IdType::Aadhaar, "234567890125"),
        (IdType::Pan, "ABCXE1234F"),
        (IdType::Gstin, "33ABCPE1234F1ZJ"),
        (IdType::Mobile, "5876543210"),
    ] {
        let msg = ids::normalise(t, v).unwrap_err().to_string();
        assert!(!msg.contains(v), "{msg}");
        assert!(msg.contains(&format!("`{}`", t.as_str())), "{msg}");
        assert!(msg.chars().next().unwrap().is_lowercase() && !msg.ends_with('.'));
    }
}

fn found(text: &str) -> Vec<(&str, IdType)> {
    ids::detect(text)
        .iter()
        .map(|s| (&text[s.start..s.end], s.kind))
        .collect()
}

#[test]
fn detection() {
    let text = "नाम: आशा, आधार 2345 6789 0124; फ़ोन +91 98765 43210, PAN ABCPE1234F, \
                GSTIN 33ABCPE1234F1ZI, mail asha.devi@example.in. PIN 600001, EPIC ABC1234567, \
                passport Z1234567, IFSC SBIN0001234, VID 9123-4567-8901-2345.";
    let by_type: Vec<(IdType, &str)> = found(text).into_iter().map(|(s, t)| (t, s)).collect();
    assert_eq!(
        by_type,
        vec![
            (IdType::Aadhaar, "2345 6789 0124"),
            (IdType::Mobile, "+91 98765 43210"),
            (IdType::Pan, "ABCPE1234F"),
            (IdType::Gstin, "33ABCPE1234F1ZI"),
            (IdType::Email, "asha.devi@example.in"),
            (IdType::Pincode, "600001"),
            (IdType::Epic, "ABC1234567"),
            (IdType::Passport, "Z1234567"),
            (IdType::Ifsc, "SBIN0001234"),
            (IdType::Vid, "9123-4567-8901-2345"),
        ]
    );
}

#[test]
fn detection_requires_checksums_and_boundaries() {
    // Verhoeff fails, GSTIN check fails, PAN holder type X: none reported.
    assert!(found("2345 6789 0125 and 33ABCPE1234F1ZJ and ABCXE1234F").is_empty());
    // Embedded in a longer token: not reported.
    assert!(found("X234567890124 2345678901240 ABCPE1234FZ").is_empty());
    // Lower-case letter identifiers are not reported in free text.
    assert!(found("abcpe1234f").is_empty());
    // Mixed separators are not one Aadhaar.
    assert!(found("2345 6789-0124")
        .iter()
        .all(|(_, k)| *k != IdType::Aadhaar));
}

#[test]
fn detection_spans_do_not_overlap() {
    let text = "0 98765 43210 / 919876543210 / 234567890124234567890124 / 600 001 600001";
    let spans = ids::detect(text);
    for w in spans.windows(2) {
        assert!(w[0].end <= w[1].start, "{spans:?}");
    }
    assert!(spans.iter().any(|s| s.kind == IdType::Mobile));
    // Fuzz-ish: every prefix and suffix of a messy string is scanned without panic.
    let messy = "₹+91-98765 43210@@a@b.in..2345-6789-0124ऋ";
    for i in 0..=messy.len() {
        if messy.is_char_boundary(i) {
            let _ = ids::detect(&messy[i..]);
            let _ = ids::detect(&messy[..i]);
        }
    }
}
