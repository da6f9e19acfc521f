//! The machine-integer FF1 and the prepared AES-SIV against their references: FF1 against the
//! `fpe` crate (`Ff1::encrypt_reference`) on every supported radix and length, at the edges
//! (all zeros, all maximum digits, odd lengths, the minimum lengths) and on random inputs, both
//! directions; AES-SIV against the `aes-siv` crate on random keys, associated data and
//! messages; and the zero-allocation per-value API against `transform_value`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use aes_siv::siv::{Aes128Siv, Aes256Siv, CmacSiv};
use aes_siv::KeyInit;
use consentry::pseudo::primitives::{self, Alphabet, Ff1, Ff1Tweaked, SivKey};
use consentry::pseudo::{MasterKey, Policy, Pseudonymiser};
use proptest::prelude::*;
use serde_json::json;

const DIGITS: &[u8] = b"0123456789";
const UPPER36: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn symbols(a: Alphabet) -> &'static [u8] {
    match a {
        Alphabet::Digits => DIGITS,
        Alphabet::Upper36 => UPPER36,
    }
}

/// Longest string on the machine-integer path: radix^ceil(n/2) < 2^128.
fn fast_max(a: Alphabet) -> usize {
    match a {
        Alphabet::Digits => 76,
        Alphabet::Upper36 => 48,
    }
}

fn min_len(a: Alphabet) -> usize {
    match a {
        Alphabet::Digits => 6,
        Alphabet::Upper36 => 4,
    }
}

/// A deterministic byte stream (splitmix64) for the exhaustive-length loops.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn string(&mut self, a: Alphabet, n: usize) -> String {
        let s = symbols(a);
        (0..n)
            .map(|_| char::from(s[(self.next() % s.len() as u64) as usize]))
            .collect()
    }
}

/// Our encryption and decryption (unbound and bound to the tweak) agree with `fpe` on `x`, and
/// decryption inverts encryption.
fn check(f: &Ff1, bound: &Ff1Tweaked, tweak: &[u8], x: &str) {
    assert_eq!(
        bound.encrypt(x).unwrap(),
        f.encrypt_reference(tweak, x).unwrap(),
        "bound encrypt len {} tweak {}",
        x.len(),
        tweak.len()
    );
    assert_eq!(
        bound.decrypt(x).unwrap(),
        f.decrypt_reference(tweak, x).unwrap(),
        "bound decrypt len {} tweak {}",
        x.len(),
        tweak.len()
    );
    let ct = f.encrypt(tweak, x).unwrap();
    assert_eq!(
        ct,
        f.encrypt_reference(tweak, x).unwrap(),
        "encrypt len {} tweak {}",
        x.len(),
        tweak.len()
    );
    assert_eq!(ct.len(), x.len());
    assert_eq!(
        f.decrypt(tweak, x).unwrap(),
        f.decrypt_reference(tweak, x).unwrap(),
        "decrypt len {} tweak {}",
        x.len(),
        tweak.len()
    );
    assert_eq!(f.decrypt(tweak, &ct).unwrap(), x);
}

#[test]
fn ff1_machine_integers_match_fpe_at_every_length_and_edge() {
    let mut st = Stream(18);
    for alphabet in [Alphabet::Digits, Alphabet::Upper36] {
        let syms = symbols(alphabet);
        let zero = char::from(syms[0]);
        let max = char::from(*syms.last().unwrap());
        for key_len in [16usize, 24, 32] {
            let key = st.bytes(key_len);
            let f = Ff1::new(&key, alphabet).unwrap();
            // tweak lengths around the block boundaries of P || Q
            let tweaks: Vec<Vec<u8>> = [0usize, 1, 7, 15, 16, 17, 18, 31, 32, 33]
                .iter()
                .map(|t| st.bytes(*t))
                .collect();
            let bound: Vec<Ff1Tweaked> = tweaks
                .iter()
                .map(|t| Ff1Tweaked::new(&key, alphabet, t).unwrap())
                .collect();
            for n in min_len(alphabet)..=fast_max(alphabet) + 4 {
                assert_eq!(
                    f.machine_integer_path(n),
                    n <= fast_max(alphabet),
                    "length {n}"
                );
                for (tweak, b) in tweaks.iter().zip(&bound) {
                    for x in [
                        zero.to_string().repeat(n),
                        max.to_string().repeat(n),
                        st.string(alphabet, n),
                    ] {
                        check(&f, b, tweak, &x);
                    }
                }
            }
        }
    }
}

#[test]
fn ff1_refuses_below_the_rev1_minimum_and_outside_the_alphabet_like_fpe() {
    for alphabet in [Alphabet::Digits, Alphabet::Upper36] {
        let f = Ff1::new(&[7u8; 32], alphabet).unwrap();
        let bound = Ff1Tweaked::new(&[7u8; 32], alphabet, b"t").unwrap();
        for n in 0..min_len(alphabet) {
            let x = "1".repeat(n);
            assert!(bound.encrypt(&x).is_err(), "length {n}");
            assert!(bound.decrypt(&x).is_err(), "length {n}");
            assert!(f.encrypt(b"t", &x).is_err(), "length {n}");
            assert!(f.decrypt(b"t", &x).is_err(), "length {n}");
            assert!(f.encrypt_reference(b"t", &x).is_err(), "length {n}");
        }
        let n = min_len(alphabet);
        assert!(f.encrypt(b"t", &"1".repeat(n)).is_ok());
        for bad in ["12345a", "1234 6", "12345\u{e9}", "-123456", "a234567"] {
            assert!(f.encrypt(b"t", bad).is_err(), "{bad}");
            assert!(f.decrypt(b"t", bad).is_err(), "{bad}");
            assert!(bound.encrypt(bad).is_err(), "{bad}");
        }
    }
}

fn alphabet_strategy() -> impl Strategy<Value = Alphabet> {
    prop_oneof![Just(Alphabet::Digits), Just(Alphabet::Upper36)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ff1_matches_fpe_on_random_inputs(
        alphabet in alphabet_strategy(),
        key_len in prop_oneof![Just(16usize), Just(24), Just(32)],
        key in proptest::collection::vec(any::<u8>(), 32),
        tweak in proptest::collection::vec(any::<u8>(), 0..48),
        len_seed in any::<usize>(),
        digits in proptest::collection::vec(any::<u8>(), 80),
    ) {
        let lo = min_len(alphabet);
        let n = lo + len_seed % (fast_max(alphabet) + 3 - lo);
        let syms = symbols(alphabet);
        let x: String = digits[..n].iter().map(|d| char::from(syms[usize::from(*d) % syms.len()])).collect();
        let f = Ff1::new(&key[..key_len], alphabet).unwrap();
        let bound = Ff1Tweaked::new(&key[..key_len], alphabet, &tweak).unwrap();
        let ct = f.encrypt(&tweak, &x).unwrap();
        prop_assert_eq!(&bound.encrypt(&x).unwrap(), &ct);
        prop_assert_eq!(bound.decrypt(&ct).unwrap(), x.clone());
        prop_assert_eq!(&ct, &f.encrypt_reference(&tweak, &x).unwrap());
        prop_assert_eq!(f.decrypt(&tweak, &x).unwrap(), f.decrypt_reference(&tweak, &x).unwrap());
        prop_assert_eq!(f.decrypt(&tweak, &ct).unwrap(), x);
    }

    #[test]
    fn prepared_siv_matches_the_aes_siv_crate(
        key_len in prop_oneof![Just(32usize), Just(48), Just(64)],
        key in proptest::collection::vec(any::<u8>(), 64),
        ad in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..4),
        msg in proptest::collection::vec(any::<u8>(), 0..80),
        flip in any::<usize>(),
    ) {
        let key = &key[..key_len];
        let ads: Vec<&[u8]> = ad.iter().map(Vec::as_slice).collect();
        let want = match key_len {
            32 => Aes128Siv::new_from_slice(key).unwrap().encrypt(&ads, &msg),
            48 => CmacSiv::<aes::Aes192>::new_from_slice(key).unwrap().encrypt(&ads, &msg),
            _ => Aes256Siv::new_from_slice(key).unwrap().encrypt(&ads, &msg),
        }.unwrap();
        let k = SivKey::new(key).unwrap();
        let st = k.ad_state(&ads).unwrap();
        let ct = k.seal(&st, &msg).unwrap();
        prop_assert_eq!(&ct, &want);
        prop_assert_eq!(primitives::siv_encrypt(key, &ads, &msg).unwrap(), want);
        prop_assert_eq!(k.open(&st, &ct).unwrap(), msg);
        let mut bad = ct.clone();
        let i = flip % bad.len();
        bad[i] ^= 1 << (flip % 8);
        prop_assert!(k.open(&st, &bad).is_err());
        prop_assert!(primitives::siv_decrypt(key, &ads, &bad).is_err());
    }
}

#[test]
fn prepared_siv_refuses_bad_keys_short_ciphertexts_and_too_much_associated_data() {
    for n in [0usize, 16, 31, 33, 47, 63, 65] {
        assert!(SivKey::new(&vec![1u8; n]).is_err(), "key length {n}");
    }
    let k = SivKey::new(&[3u8; 64]).unwrap();
    let st = k.ad_state(&[b"d"]).unwrap();
    for n in 0..16 {
        assert!(k.open(&st, &vec![0u8; n]).is_err(), "ciphertext length {n}");
    }
    let many: Vec<&[u8]> = vec![b"x"; 127];
    assert!(k.ad_state(&many).is_err());
    assert!(k.ad_state(&many[..126]).is_ok());
}

fn pseudonymiser() -> Pseudonymiser {
    let doc = json!({"domain": "tn.health/research", "unlisted": "drop", "fields": {
        "p": {"type": "aadhaar", "transform": "pseudonym"},
        "p_text": {"type": "text", "transform": "pseudonym"},
        "t": {"type": "mobile", "transform": "token"},
        "t_text": {"type": "text", "transform": "token"},
        "f": {"type": "aadhaar", "transform": "ff1"},
        "f_mobile": {"type": "mobile", "transform": "ff1"},
        "f_digits": {"type": "digits", "transform": "ff1", "params": {"min_len": 6}},
        "f_alnum": {"type": "alnum", "transform": "ff1", "params": {"min_len": 4}},
        "m": {"type": "aadhaar", "transform": "mask", "params": {"preset": "aadhaar"}},
        "g": {"type": "number", "transform": "generalise", "params": {"bucket": 10}},
        "s": {"type": "date", "transform": "shift", "params": {"max_days": 30, "subject": "p"}},
        "/k": {"type": "text", "transform": "keep"},
        "d": {"type": "name", "transform": "drop"},
    }});
    let master = MasterKey::from_bytes(*b"consentry h-ff1 test key, 32 b!!");
    Pseudonymiser::new(&Policy::from_json(&doc.to_string()).unwrap(), &master).unwrap()
}

#[test]
fn transform_into_appends_exactly_what_transform_value_returns() {
    let ps = pseudonymiser();
    let long_text = "x".repeat(300); // past the token's stack buffer
    let cases: &[(&str, &[&str])] = &[
        ("p", &["234567890124", "2345 6789 0124"]),
        ("p_text", &["Asha", " a  b ", "é"]),
        ("t", &["9876543210", "+91 98765 43210"]),
        ("t_text", &["x", "Asha Devi", &"y".repeat(256), &long_text]),
        ("f", &["234567890124", "999999999999"]),
        ("f_mobile", &["9876543210"]),
        (
            "f_digits",
            &[
                "000000",
                "1234567",
                &"9".repeat(76),
                &"9".repeat(77),
                &"1".repeat(256),
            ],
        ),
        (
            "f_alnum",
            &["ABCD", "abcd1234", &"Z".repeat(48), &"Z".repeat(49)],
        ),
        ("m", &["234567890124"]),
        ("g", &["17", "-3"]),
        ("k", &["anything"]),
        ("/k", &["anything"]),
        ("d", &["Asha"]),
    ];
    for (field, values) in cases {
        let h = ps.field(field).unwrap();
        for v in *values {
            let mut out = String::from("prefix|");
            let want = ps.transform_value(field, v).unwrap();
            let written = ps.transform_into(h, v, &mut out).unwrap();
            assert_eq!(written, want.is_some(), "{field}");
            assert_eq!(
                out,
                format!("prefix|{}", want.clone().unwrap_or_default()),
                "{field}"
            );
            if let (Some(w), true) = (
                want,
                matches!(
                    *field,
                    "t" | "t_text" | "f" | "f_mobile" | "f_digits" | "f_alnum"
                ),
            ) {
                let mut back = String::from("<");
                ps.reverse_into(h, &w, &mut back).unwrap();
                assert_eq!(
                    back,
                    format!("<{}", ps.reverse_value(field, &w).unwrap()),
                    "{field}"
                );
            }
        }
    }
    let s = ps.field("s").unwrap();
    let mut out = String::new();
    assert!(ps
        .transform_shift_into(s, "2024-03-01", "234567890124", &mut out)
        .unwrap());
    assert_eq!(
        Some(out),
        ps.transform_shift("s", "2024-03-01", "234567890124")
            .unwrap()
    );
}

#[test]
fn transform_into_and_reverse_into_leave_the_buffer_untouched_on_error() {
    let ps = pseudonymiser();
    let mut out = String::from("kept");
    for (field, bad) in [
        ("f", "1234"),
        ("p", "not an aadhaar"),
        ("f_digits", "12"),
        ("t", "x"),
    ] {
        let h = ps.field(field).unwrap();
        let e = ps.transform_into(h, bad, &mut out).unwrap_err();
        assert_eq!(Some(e), ps.transform_value(field, bad).err());
        assert_eq!(out, "kept");
    }
    let s = ps.field("s").unwrap();
    assert!(ps.transform_into(s, "2024-03-01", &mut out).is_err());
    assert_eq!(out, "kept");
    for (field, bad) in [
        ("t", "t1.AAAA"),
        ("t", "nope"),
        ("f", "234567890124"),
        ("p", "x"),
    ] {
        let h = ps.field(field).unwrap();
        assert!(ps.reverse_into(h, bad, &mut out).is_err(), "{field}");
        assert_eq!(out, "kept");
    }
    // a tampered token is refused and nothing of its plaintext reaches the buffer
    let t = ps.transform_value("t_text", "Asha Devi").unwrap().unwrap();
    let mut chars: Vec<char> = t.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    assert!(ps
        .reverse_into(ps.field("t_text").unwrap(), &tampered, &mut out)
        .is_err());
    assert_eq!(out, "kept");
}

#[test]
fn field_handles_resolve_policy_keys_and_their_aliases_and_refuse_unknown_names() {
    let ps = pseudonymiser();
    assert_eq!(ps.field("k").unwrap(), ps.field("/k").unwrap());
    assert_eq!(ps.field("/p").unwrap(), ps.field("p").unwrap());
    assert_eq!(ps.field_name(ps.field("k").unwrap()), Some("/k"));
    let e = ps.field("nope").unwrap_err();
    assert_eq!(
        consentry::HasCode::code(&e).as_str(),
        "pseudo_unknown_field"
    );
    // a handle from a larger policy is refused by a smaller one, not misapplied past its end
    let small = Pseudonymiser::new(
        &Policy::from_json(r#"{"domain": "d", "unlisted": "drop", "fields": {"a": {"type": "text", "transform": "keep"}}}"#).unwrap(),
        &MasterKey::from_bytes(*b"consentry h-ff1 test key, 32 b!!"),
    )
    .unwrap();
    let far = ps.field("t_text").unwrap();
    let mut out = String::new();
    assert!(small.transform_into(far, "x", &mut out).is_err());
    assert!(small.field_name(far).is_none());
    assert!(out.is_empty());
}

#[test]
fn ff1_transform_outputs_equal_the_fpe_reference_under_the_domain_key() {
    let ps = pseudonymiser();
    let master = MasterKey::from_bytes(*b"consentry h-ff1 test key, 32 b!!");
    let fkey = consentry::pseudo::derive_domain_key(
        &master,
        consentry::pseudo::KeyKind::Ff1,
        "tn.health/research",
    )
    .unwrap();
    let tweak = b"tn.health/research";
    let mut st = Stream(1818);
    for (field, alphabet, lo, hi) in [
        ("f_digits", Alphabet::Digits, 6usize, 90usize),
        ("f_alnum", Alphabet::Upper36, 4, 60),
    ] {
        let reference = Ff1::new(&fkey, alphabet).unwrap();
        let h = ps.field(field).unwrap();
        for n in lo..=hi {
            for _ in 0..3 {
                let x = st.string(alphabet, n);
                let want = reference.encrypt_reference(tweak, &x).unwrap();
                let mut out = String::new();
                assert!(ps.transform_into(h, &x, &mut out).unwrap());
                assert_eq!(out, want, "{field} length {n}");
                let mut back = String::new();
                ps.reverse_into(h, &out, &mut back).unwrap();
                assert_eq!(back, x, "{field} length {n}");
            }
        }
    }
    // Aadhaar: the first 11 digits through FF1, then the failing check digit.
    let reference = Ff1::new(&fkey, Alphabet::Digits).unwrap();
    let body = reference.encrypt_reference(tweak, "23456789012").unwrap();
    let got = ps.transform_value("f", "234567890124").unwrap().unwrap();
    assert_eq!(&got[..11], body);
    // Mobile: the 10 national digits.
    let nat = reference.encrypt_reference(tweak, "9876543210").unwrap();
    assert_eq!(
        ps.transform_value("f_mobile", "9876543210")
            .unwrap()
            .unwrap(),
        format!("+91{nat}")
    );
}

#[test]
fn token_outputs_equal_the_aes_siv_crate_under_the_domain_key() {
    use base64::Engine as _;
    let ps = pseudonymiser();
    let master = MasterKey::from_bytes(*b"consentry h-ff1 test key, 32 b!!");
    let tkey = consentry::pseudo::derive_domain_key(
        &master,
        consentry::pseudo::KeyKind::Token,
        "tn.health/research",
    )
    .unwrap();
    let h = ps.field("t_text").unwrap();
    let mut st = Stream(5297);
    for n in [1usize, 2, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257, 300] {
        let x: String = st.string(Alphabet::Upper36, n);
        let ct = Aes256Siv::new_from_slice(&tkey)
            .unwrap()
            .encrypt([b"tn.health/research".as_slice()], x.as_bytes())
            .unwrap();
        let want = format!(
            "t1.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ct)
        );
        let mut out = String::new();
        assert!(ps.transform_into(h, &x, &mut out).unwrap());
        assert_eq!(out, want, "length {n}");
        let mut back = String::new();
        ps.reverse_into(h, &out, &mut back).unwrap();
        assert_eq!(back, x);
    }
}
