//! IETF Token Status List examples (tests/vectors/ietf-oauth-status-list) through
//! `consentry::status`: every encoding example decodes to the statuses it declares, and the
//! signed example verifies with the example key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::status::{Freshness, StatusList, StatusListOptions, StatusListToken, StatusValue};
use consentry::{Code, HasCode, TrustStore};
use consentry_conformance::{unhex, vectors_dir};
use consentry_testkit::status::refusal;

fn example(name: &str) -> String {
    let p = vectors_dir()
        .join("ietf-oauth-status-list/examples")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The hex after `encoded:` (or the whole file), joined across lines.
fn hex_of(text: &str) -> Vec<u8> {
    let body = text.split("encoded:").last().unwrap();
    unhex(&body.split_whitespace().collect::<String>()).unwrap()
}

/// `byte_array = [0xb9, 0xa3]`
fn byte_array(text: &str) -> Vec<u8> {
    let line = text.lines().find(|l| l.starts_with("byte_array")).unwrap();
    let inner = line.split('[').nth(1).unwrap().split(']').next().unwrap();
    inner
        .split(',')
        .map(|h| u8::from_str_radix(h.trim().trim_start_matches("0x"), 16).unwrap())
        .collect()
}

/// The JSON form `{"bits": n, "lst": base64url}` (the `lst` string may be folded over lines).
fn json_list(text: &str) -> StatusList {
    let body = text.split("encoded:").last().unwrap();
    let bits: u8 = body
        .split("\"bits\":")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let lst: String = body
        .split("\"lst\":")
        .nth(1)
        .unwrap()
        .split('"')
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    let z = consentry::b64::decode(&lst).unwrap();
    // Re-wrap as the CBOR structure so the same decoder (and its cap) is used.
    let head: Vec<u8> = match z.len() {
        n @ 0..=23 => vec![0x40 | n as u8],
        n @ 24..=255 => vec![0x58, n as u8],
        n => [&[0x59][..], &(n as u16).to_be_bytes()].concat(),
    };
    let cbor = [
        &[
            0xa2, 0x64, b'b', b'i', b't', b's', bits, 0x63, b'l', b's', b't',
        ][..],
        &head,
        &z,
    ]
    .concat();
    StatusList::from_cbor(&cbor, 1 << 24).unwrap()
}

const MAX: u64 = 1 << 24;

#[test]
fn short_examples_decode_to_their_byte_arrays() {
    for (cbor, json) in [
        (
            "status_list_encoding_cbor.md",
            "status_list_encoding_json.md",
        ),
        (
            "status_list_encoding2_cbor.md",
            "status_list_encoding2_json.md",
        ),
    ] {
        let t = example(cbor);
        let list = StatusList::from_cbor(&hex_of(&t), MAX).unwrap();
        assert_eq!(list.as_bytes(), byte_array(&t), "{cbor}");
        let j = example(json);
        assert_eq!(json_list(&j), list, "{json}");
        assert_eq!(byte_array(&j), byte_array(&t));
    }
    // The draft's 1-bit example: statuses by index.
    let l = StatusList::from_cbor(&hex_of(&example("status_list_encoding_cbor.md")), MAX).unwrap();
    let got: Vec<u8> = (0..16).map(|i| l.get(i).unwrap().as_u8()).collect();
    assert_eq!(got, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
}

/// Indices and values set by the draft's generator (`src/main.py`, exampleStatusList2BitLong
/// and exampleStatusList4Bit at the snapshot commit); every other entry is 0.
#[test]
fn long_examples_hold_the_declared_statuses() {
    let two: &[(u64, u8)] = &[
        (0, 1),
        (1993, 2),
        (25460, 1),
        (159495, 3),
        (495669, 1),
        (554353, 1),
        (645645, 2),
        (723232, 1),
        (854545, 1),
        (934534, 2),
        (1000345, 3),
    ];
    let four: &[(u64, u8)] = &[
        (0, 1),
        (1993, 2),
        (35460, 3),
        (459495, 4),
        (595669, 5),
        (754353, 6),
        (845645, 7),
        (923232, 8),
        (924445, 9),
        (934534, 10),
        (1004534, 11),
        (1000345, 12),
        (1030203, 13),
        (1030204, 14),
        (1030205, 15),
    ];
    for (file, json, bits, set) in [
        (
            "status_list_encoding2_long_cbor.md",
            "status_list_encoding2_long_json.md",
            2,
            two,
        ),
        (
            "status_list_encoding4_cbor.md",
            "status_list_encoding4_json.md",
            4,
            four,
        ),
    ] {
        let list = StatusList::from_cbor(&hex_of(&example(file)), MAX).unwrap();
        assert_eq!((list.bits(), list.len()), (bits, 1 << 20), "{file}");
        for &(idx, v) in set {
            assert_eq!(list.get(idx).unwrap().as_u8(), v, "{file} idx {idx}");
        }
        let nonzero = (0..list.len())
            .filter(|&i| list.get(i).unwrap() != StatusValue::Valid)
            .count();
        assert_eq!(nonzero, set.len(), "{file}: no other entry set");
        assert_eq!(json_list(&example(json)), list, "{json} agrees with {file}");
    }
    // 1-bit long and 8-bit: the CBOR and JSON forms agree, with 2^20 entries.
    for (file, json, bits) in [
        (
            "status_list_encoding1_long_cbor.md",
            "status_list_encoding1_long_json.md",
            1,
        ),
        (
            "status_list_encoding8_cbor.md",
            "status_list_encoding8_json.md",
            8,
        ),
    ] {
        let list = StatusList::from_cbor(&hex_of(&example(file)), MAX).unwrap();
        assert_eq!((list.bits(), list.len()), (bits, 1 << 20), "{file}");
        assert_eq!(json_list(&example(json)), list, "{json} agrees with {file}");
    }
}

fn example_trust() -> TrustStore {
    let mut jwk: serde_json::Value =
        consentry_conformance::read_json("ietf-oauth-status-list/example_key.jwk.json").unwrap();
    // The example file carries the private `d`; a trust store refuses private material, so
    // hand it the public part only.
    assert_eq!(
        TrustStore::new().add_jwk(&jwk).unwrap_err().code(),
        Code::KeyPrivateMaterial
    );
    jwk.as_object_mut().unwrap().remove("d");
    let mut trust = TrustStore::new();
    trust.add_jwk(&jwk).unwrap();
    trust
}

#[test]
fn signed_example_verifies_with_its_key() {
    let token = hex_of(&example("status_list_cwt.md"));
    let trust = example_trust();
    let iat = 1_686_920_170;
    let opts = StatusListOptions::default();
    let v = StatusListToken::verify(&token, &trust, iat + 60, &opts).unwrap();
    assert_eq!(v.kid, b"12");
    assert_eq!(v.token.sub, "https://example.com/statuslists/1");
    assert_eq!(v.token.iat, iat);
    assert_eq!(v.token.ttl, Some(43_200));
    assert_eq!(v.token.list.as_bytes(), [0xb9, 0xa3]);
    assert_eq!(v.freshness, Freshness::Fresh);
    assert_eq!(
        StatusListToken::verify(&token, &trust, iat + 43_200, &opts)
            .unwrap()
            .freshness,
        Freshness::Stale {
            refresh_by: iat + 43_200
        }
    );
    let exp = v.token.exp.unwrap();
    assert_eq!(
        StatusListToken::verify(&token, &trust, exp, &opts)
            .unwrap()
            .freshness,
        Freshness::Expired { exp }
    );

    // Tampering and the wrong key are refused with their codes.
    let mut bad = token.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    assert_eq!(refusal(&bad, &trust, iat, &opts), Code::SignatureInvalid);
    assert_eq!(
        refusal(&token, &TrustStore::new(), iat, &opts),
        Code::KeyUnknownKid
    );
    let tiny = StatusListOptions {
        max_size: 50,
        ..opts
    };
    assert_eq!(refusal(&token, &trust, iat, &tiny), Code::InputTooLarge);
    let few = StatusListOptions {
        max_entries: 8,
        ..opts
    };
    assert_eq!(refusal(&token, &trust, iat, &few), Code::StatusListTooLarge);
}

/// The referenced-token example carries `status` exactly as consentry encodes it.
#[test]
fn referenced_token_status_claim_matches_our_encoding() {
    let wire = hex_of(&example("referenced_token_cwt.md"));
    let m = consentry::cose::parse_sign1(&wire, true).unwrap();
    let claims = ciborium_like::top_level(m.payload);
    let status = claims
        .iter()
        .find(|(k, _)| *k == 65535)
        .map(|(_, v)| v.clone())
        .unwrap();
    // consentry's encoding of the same status claim, inside a complete claims set.
    let c = consentry::Claims::builder("https://example.com", "12345", "rp")
        .issued_at(1_686_920_170)
        .expires(2_291_720_170)
        .cti(consentry::Cti([0; 16]))
        .status(0, "https://example.com/statuslists/1")
        .notice(consentry::Notice {
            id: "n".into(),
            sha256: [0; 32],
            lang: "en".into(),
        })
        .grant(consentry::Grant::new("p", ["/a"], consentry::Mode::View))
        .build()
        .unwrap();
    let ours = ciborium_like::top_level(&c.to_cbor().unwrap());
    let ours = ours
        .iter()
        .find(|(k, _)| *k == 65535)
        .map(|(_, v)| v.clone())
        .unwrap();
    assert_eq!(hex::encode(&ours), hex::encode(&status));
}

/// Just enough CBOR walking to slice out the raw value of each integer-keyed top-level claim.
mod ciborium_like {
    pub(crate) type Map = Vec<(i64, Vec<u8>)>;

    fn head(b: &[u8], i: &mut usize) -> (u8, u64) {
        let ib = b[*i];
        *i += 1;
        let (major, info) = (ib >> 5, ib & 0x1f);
        let arg = match info {
            0..=23 => u64::from(info),
            24 => {
                *i += 1;
                u64::from(b[*i - 1])
            }
            25 => {
                *i += 2;
                u64::from(u16::from_be_bytes([b[*i - 2], b[*i - 1]]))
            }
            26 => {
                *i += 4;
                u64::from(u32::from_be_bytes(b[*i - 4..*i].try_into().unwrap()))
            }
            _ => panic!("unexpected head"),
        };
        (major, arg)
    }

    fn skip(b: &[u8], i: &mut usize) {
        let (major, arg) = head(b, i);
        match major {
            2 | 3 => *i += arg as usize,
            4 => (0..arg).for_each(|_| skip(b, i)),
            5 => (0..arg * 2).for_each(|_| skip(b, i)),
            _ => {}
        }
    }

    pub(crate) fn top_level(b: &[u8]) -> Map {
        let mut i = 0;
        let (major, n) = head(b, &mut i);
        assert_eq!(major, 5);
        let mut out = Vec::new();
        for _ in 0..n {
            let (km, k) = head(b, &mut i);
            let start = i;
            skip(b, &mut i);
            let key = if km == 0 { k as i64 } else { -1 - k as i64 };
            out.push((key, b[start..i].to_vec()));
        }
        out
    }
}
