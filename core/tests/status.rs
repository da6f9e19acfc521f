//! Status lists end to end: revocation and suspension through the verifier, and bad input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::status::{
    Freshness, StatusList, StatusListOptions, StatusListToken, StatusValue, STATUS_LIST_TYP,
};
use consentry::{Code, HasCode, NotChecked, StatusCheck, StatusError, TrustStore};
use consentry_testkit::keys::{issuer, verifier};
use consentry_testkit::status::{refusal, List};
use consentry_testkit::{artefacts, keys, rng};
use consentry_testkit::{AUD, NOW};

const URI: &str = "https://cm.tn.gov.in/status/1";

fn trust() -> TrustStore {
    keys::trust(&[&issuer()])
}

/// The typical claims at index `idx` of the list at `URI`.
fn claims_at(idx: u64) -> consentry::Claims {
    artefacts::with_status(artefacts::typical_claims(), idx, URI)
}

/// An artefact at index `idx` of the list at `URI`.
fn artefact_at(idx: u64) -> Vec<u8> {
    artefacts::sign(&claims_at(idx), &issuer())
}

/// A 10,000-entry list at `URI`, issued a minute before `NOW`, expiring a day after.
fn list_at_uri() -> List {
    List::at(URI)
        .size(10_000)
        .issued(NOW - 60)
        .expires(Some(NOW + 86_400))
}

fn signed_list(set: &[(u64, StatusValue)], ttl: Option<u64>) -> Vec<u8> {
    list_at_uri().ttl(ttl).set_all(set).sign(&issuer())
}

fn verified_list(bytes: &[u8], now: i64) -> consentry::status::VerifiedStatusList {
    StatusListToken::verify(bytes, &trust(), now, &StatusListOptions::default()).unwrap()
}

#[test]
fn valid_revoked_suspended_and_not_supplied() {
    let list = verified_list(
        &signed_list(
            &[(7, StatusValue::Invalid), (8, StatusValue::Suspended)],
            Some(3_600),
        ),
        NOW,
    );
    let v = verifier();
    let ok = v
        .verify_with_status(&artefact_at(6), AUD, NOW, &list)
        .unwrap();
    assert_eq!(
        ok.status,
        StatusCheck::Checked {
            value: StatusValue::Valid,
            freshness: Freshness::Fresh
        }
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(7), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(8), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::Suspended
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(10_000), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::StatusIndexOutOfRange
    );
    // Without a list, the check is reported as not done.
    let plain = v.verify(&artefact_at(7), AUD, NOW).unwrap();
    assert_eq!(
        plain.status,
        StatusCheck::NotChecked {
            uri: URI.into(),
            idx: 7,
            reason: NotChecked::NoList,
        }
    );
    // With a list published elsewhere, verification fails closed ...
    let mut other = list.clone();
    other.token.sub = "https://elsewhere.example/1".into();
    assert_eq!(
        v.verify_with_status(&artefact_at(7), AUD, NOW, &other)
            .unwrap_err()
            .code(),
        Code::StatusListOtherUri
    );
    // ... unless the caller accepts an unknown status, which is then reported as not checked.
    assert_eq!(
        v.verify_with_status_accepting_unknown(&artefact_at(7), AUD, NOW, &other)
            .unwrap()
            .status,
        StatusCheck::NotChecked {
            uri: URI.into(),
            idx: 7,
            reason: NotChecked::OtherUri,
        }
    );
    // Stale: cannot prove VALID; reported with the value when the caller accepts that.
    let stale = verified_list(&signed_list(&[], Some(30)), NOW);
    assert_eq!(
        v.verify_with_status(&artefact_at(1), AUD, NOW, &stale)
            .unwrap_err()
            .code(),
        Code::StatusListStale
    );
    assert_eq!(
        v.verify_with_status_accepting_unknown(&artefact_at(1), AUD, NOW, &stale)
            .unwrap()
            .status,
        StatusCheck::Checked {
            value: StatusValue::Valid,
            freshness: Freshness::Stale {
                refresh_by: NOW - 30
            }
        }
    );
}

/// Issuer B, also in the relying party's trust store.
fn other_issuer() -> consentry::SigningKey {
    keys::ed25519(0x6b)
}

fn trust_both() -> TrustStore {
    keys::trust(&[&issuer(), &other_issuer()])
}

/// A list at A's URI, signed by B.
fn list_by_b(set: &[(u64, StatusValue)], now: i64) -> consentry::status::VerifiedStatusList {
    let bytes = list_at_uri().set_all(set).sign(&other_issuer());
    StatusListToken::verify(&bytes, &trust_both(), now, &StatusListOptions::default()).unwrap()
}

#[test]
fn another_issuers_list_at_the_same_uri_can_neither_revoke_nor_unrevoke() {
    let v = consentry::Verifier::new(trust_both());
    // B's list says index 7 is VALID, where A revoked it: not checked, never valid.
    let b_valid = list_by_b(&[], NOW);
    let err = v
        .verify_with_status(&artefact_at(7), AUD, NOW, &b_valid)
        .unwrap_err();
    assert_eq!(err.code(), Code::StatusListForeign);
    let accepted = v
        .verify_with_status_accepting_unknown(&artefact_at(7), AUD, NOW, &b_valid)
        .unwrap();
    assert_eq!(
        accepted.status,
        StatusCheck::NotChecked {
            uri: URI.into(),
            idx: 7,
            reason: NotChecked::ForeignList,
        }
    );
    assert_eq!(
        accepted.status.to_json_value()["reason"],
        serde_json::json!("foreign_list")
    );
    // B's list says index 7 is revoked: that does not revoke A's artefact either.
    let b_revoked = list_by_b(&[(7, StatusValue::Invalid)], NOW);
    assert_eq!(
        v.verify_with_status(&artefact_at(7), AUD, NOW, &b_revoked)
            .unwrap_err()
            .code(),
        Code::StatusListForeign
    );
    assert!(v
        .verify_with_status_accepting_unknown(&artefact_at(7), AUD, NOW, &b_revoked)
        .is_ok());
    // The decision input is UNKNOWN for both, never VALID nor REVOKED.
    let a = v.authenticate(&artefact_at(7)).unwrap();
    for l in [&b_valid, &b_revoked] {
        assert_eq!(
            consentry::StatusInput::from_list(&a, Some(l)),
            consentry::StatusInput::Unknown
        );
    }
}

#[test]
fn status_values_above_two_are_unknown_not_valid() {
    let v = verifier();
    let list = verified_list(&signed_list(&[(5, StatusValue::Other(3))], None), NOW);
    assert_eq!(
        v.verify_with_status(&artefact_at(5), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::StatusValueUnknown
    );
    let a = v.authenticate(&artefact_at(5)).unwrap();
    assert_eq!(
        consentry::StatusInput::from_list(&a, Some(&list)),
        consentry::StatusInput::Unknown
    );
    // An expired list still proves revocation, but not validity.
    let expired = verified_list(
        &signed_list(&[(6, StatusValue::Invalid)], None),
        NOW + 86_400,
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(6), AUD, NOW + 86_400, &expired)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(4), AUD, NOW + 86_400, &expired)
            .unwrap_err()
            .code(),
        Code::StatusListStale
    );
}

#[test]
fn withdrawal_is_one_bit_flip_and_a_resign() {
    let v = verifier();
    let before = verified_list(&signed_list(&[], None), NOW);
    assert!(v
        .verify_with_status(&artefact_at(42), AUD, NOW, &before)
        .is_ok());
    let mut token = before.token.clone();
    token.list.set(42, StatusValue::Invalid).unwrap();
    let after = verified_list(&token.sign(&issuer(), &rng()).unwrap(), NOW);
    assert_eq!(
        v.verify_with_status(&artefact_at(42), AUD, NOW, &after)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
}

#[test]
fn random_allocation_covers_every_index_once() {
    let mut allocated = StatusList::new(64, 1).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..64 {
        assert!(seen.insert(StatusList::allocate_index(&mut allocated, &rng()).unwrap()));
    }
    assert_eq!(seen.len(), 64);
    assert_eq!(
        StatusList::allocate_index(&mut allocated, &rng()),
        Err(StatusError::Full)
    );
}

#[test]
fn bad_lists_get_typed_errors() {
    let t = trust();
    let opts = StatusListOptions::default();
    // A consent artefact is not a status list (wrong typ).
    let art = artefact_at(1);
    assert_eq!(refusal(&art, &t, NOW, &opts), Code::HeaderTypMismatch);
    // Corrupted `lst` (signed, so the decoder is reached).
    let claims = |lst: &[u8], bits: u8| {
        let mut m = vec![0xa3, 0x02];
        m.extend_from_slice(&[0x78, URI.len() as u8]);
        m.extend_from_slice(URI.as_bytes());
        m.extend_from_slice(&[0x06, 0x1a]);
        m.extend_from_slice(&(NOW as u32).to_be_bytes());
        m.extend_from_slice(&[
            0x19, 0xff, 0xfd, 0xa2, 0x64, b'b', b'i', b't', b's', bits, 0x63, b'l', b's', b't',
        ]);
        m.push(0x40 | lst.len() as u8);
        m.extend_from_slice(lst);
        consentry::cose::sign1(&m, STATUS_LIST_TYP, &issuer(), &rng()).unwrap()
    };
    let garbage = claims(b"not zlib at all", 1);
    assert_eq!(refusal(&garbage, &t, NOW, &opts), Code::StatusListCorrupt);
    let three = claims(&[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], 3);
    assert_eq!(refusal(&three, &t, NOW, &opts), Code::StatusBitsInvalid);
    // Over the decompression cap: a zero list of 2^20 one-byte entries, capped at 2^10.
    let big = List::at(URI)
        .size(1 << 20)
        .bits(8)
        .issued(NOW)
        .sign(&issuer());
    let capped = StatusListOptions {
        max_entries: 1 << 10,
        ..opts
    };
    assert_eq!(refusal(&big, &t, NOW, &capped), Code::StatusListTooLarge);
    // Index out of range; value too wide.
    let l = verified_list(&signed_list(&[], None), NOW);
    assert_eq!(
        l.get(10_000).unwrap_err().code(),
        Code::StatusIndexOutOfRange
    );
    let mut one = StatusList::new(8, 1).unwrap();
    assert_eq!(
        one.set(0, StatusValue::Suspended).unwrap_err().code(),
        Code::StatusValueTooWide
    );
}

/// The issuer's JWK bound under its own `kid` string `issuer-a` as well as its thumbprint.
fn trust_with_custom_kid() -> TrustStore {
    let mut jwk = issuer().verifying_key().to_jwk();
    let mut t = trust();
    jwk["kid"] = "issuer-a".into();
    t.add_jwk(&jwk).unwrap();
    assert_eq!(
        t.get(b"issuer-a"),
        Some(issuer().verifying_key()),
        "one key, two kids"
    );
    t
}

/// [`artefact_at`], signed by the same issuer key but naming the `kid` `issuer-a`.
fn artefact_at_with_kid(idx: u64, kid: &[u8]) -> Vec<u8> {
    artefacts::sign_with_kid(&claims_at(idx), &issuer(), kid)
}

/// `decide` (every face's path: `interop::decide_with`) for `abdm:CAREMGT` view `/name`.
fn decide_reasons(
    v: &consentry::Verifier,
    art: &[u8],
    list: &[u8],
    now: i64,
    accept_unknown: bool,
) -> Vec<consentry::purpose::ReasonCode> {
    let request =
        consentry::Request::new(AUD, "abdm:CAREMGT", consentry::Mode::View, ["/name"], now)
            .unwrap()
            .accept_unknown_status(accept_unknown);
    let taxonomy = consentry::Taxonomy::shipped().unwrap();
    let d = consentry::interop::decide_with(v, &taxonomy, art, &request, Some(list)).unwrap();
    d.reasons().iter().map(|r| r.code).collect()
}

#[test]
fn the_issuers_own_list_revokes_an_artefact_signed_under_another_kid_of_the_same_key() {
    // Attack: the artefact names the JWK's own `kid` (`issuer-a`), the list the thumbprint;
    // comparing `kid` bytes called the issuer's own list foreign, and accepting an unknown
    // status then let a REVOKED artefact verify and `decide` permit.
    let t = trust_with_custom_kid();
    let v = consentry::Verifier::new(t.clone());
    let art = artefact_at_with_kid(7, b"issuer-a");
    let list_bytes = signed_list(&[(7, StatusValue::Invalid)], Some(3_600));
    let list =
        StatusListToken::verify(&list_bytes, &t, NOW, &StatusListOptions::default()).unwrap();
    assert_ne!(list.kid, b"issuer-a", "the list names the thumbprint kid");
    let a = v.authenticate(&art).unwrap();
    assert_eq!(a.kid, b"issuer-a");
    assert!(a.is_signed_by(&list.key_thumbprint));
    assert!(a.is_signed_by(&issuer().verifying_key().thumbprint()));

    assert_eq!(
        v.verify_with_status(&art, AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
    assert_eq!(
        v.verify_with_status_accepting_unknown(&art, AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
    assert_eq!(
        consentry::StatusInput::from_list(&a, Some(&list)),
        consentry::StatusInput::Revoked
    );
    for accept in [false, true] {
        assert_eq!(
            decide_reasons(&v, &art, &list_bytes, NOW, accept),
            [consentry::purpose::ReasonCode::Revoked],
            "accept unknown: {accept}"
        );
    }
    // And the list's VALID proves the custom-kid artefact valid (same issuer).
    let valid = verified_list(&signed_list(&[], Some(3_600)), NOW);
    assert!(v.verify_with_status(&art, AUD, NOW, &valid).is_ok());
    // Another key under its own custom kid is still foreign.
    let mut both = t;
    let mut b_jwk = other_issuer().verifying_key().to_jwk();
    b_jwk["kid"] = "issuer-b".into();
    both.add_jwk(&b_jwk).unwrap();
    let vb = consentry::Verifier::new(both);
    let b_art = artefacts::sign_with_kid(&claims_at(7), &other_issuer(), b"issuer-b");
    assert_eq!(
        vb.verify_with_status(&b_art, AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::StatusListForeign
    );
}

/// A list at `URI` issued at `iat`, with the given `ttl`/`exp`.
fn list_issued_at(
    iat: i64,
    exp: Option<i64>,
    ttl: Option<u64>,
    set: &[(u64, StatusValue)],
) -> Vec<u8> {
    List::at(URI)
        .size(10_000)
        .issued(iat)
        .expires(exp)
        .ttl(ttl)
        .set_all(set)
        .sign(&issuer())
}

#[test]
fn a_list_issued_in_the_future_cannot_prove_an_artefact_valid() {
    // Attack: a list dated 2030 (or a day ahead) with a ttl counted from its `iat` stayed
    // fresh, so it proved VALID now and long after its real refresh time.
    let v = verifier();
    let future = 1_900_000_000; // 2030
    let bytes = list_issued_at(future, None, Some(3_600), &[(7, StatusValue::Invalid)]);
    let list = verified_list(&bytes, NOW);
    assert_eq!(list.freshness, Freshness::IssuedInFuture { iat: future });
    assert!(!list.freshness.is_fresh());
    assert_eq!(
        list.freshness.to_json_value(),
        serde_json::json!({"state": "future", "iat": future})
    );
    assert_eq!(
        v.verify_with_status(&artefact_at(6), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::StatusListIssuedInFuture
    );
    // Accepting an unknown status reports it, never as fresh.
    let accepted = v
        .verify_with_status_accepting_unknown(&artefact_at(6), AUD, NOW, &list)
        .unwrap();
    assert_eq!(
        accepted.status,
        StatusCheck::Checked {
            value: StatusValue::Valid,
            freshness: Freshness::IssuedInFuture { iat: future }
        }
    );
    // It still proves revocation, like a stale list.
    assert_eq!(
        v.verify_with_status(&artefact_at(7), AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::Revoked
    );
    assert_eq!(
        decide_reasons(&v, &artefact_at(6), &bytes, NOW, false),
        [consentry::purpose::ReasonCode::StatusUnknown]
    );
    assert_eq!(
        decide_reasons(&v, &artefact_at(7), &bytes, NOW, true),
        [consentry::purpose::ReasonCode::Revoked]
    );
    // Within the 60 s leeway a list is fresh; one second past it, it is not.
    let edge = verified_list(&list_issued_at(NOW + 60, None, None, &[]), NOW);
    assert_eq!(edge.freshness, Freshness::Fresh);
    let past = verified_list(&list_issued_at(NOW + 61, None, None, &[]), NOW);
    assert_eq!(past.freshness, Freshness::IssuedInFuture { iat: NOW + 61 });
    // An expired list dated ahead is reported expired (either way, not fresh).
    let both = verified_list(&list_issued_at(future, Some(NOW - 1), None, &[]), NOW);
    assert_eq!(both.freshness, Freshness::Expired { exp: NOW - 1 });
    // A list with neither `exp` nor `ttl` stays fresh once issued: the issuer chose no expiry.
    let forever = verified_list(
        &list_issued_at(NOW - 60, None, None, &[]),
        NOW + 10 * 31_536_000,
    );
    assert_eq!(forever.freshness, Freshness::Fresh);
}

#[test]
fn decide_denies_an_index_past_the_end_of_the_issuers_list_even_accepting_unknown() {
    // Attack: `verify --accept-unknown-status` refused it, `decide` with acceptUnknownStatus
    // permitted an artefact pointing outside its issuer's list.
    let v = verifier();
    let bytes = signed_list(&[], Some(3_600));
    let list = verified_list(&bytes, NOW);
    let art = artefact_at(10_000);
    assert_eq!(
        v.verify_with_status_accepting_unknown(&art, AUD, NOW, &list)
            .unwrap_err()
            .code(),
        Code::StatusIndexOutOfRange
    );
    let a = v.authenticate(&art).unwrap();
    assert_eq!(
        consentry::StatusInput::from_list(&a, Some(&list)),
        consentry::StatusInput::Malformed
    );
    for accept in [false, true] {
        assert_eq!(
            decide_reasons(&v, &art, &bytes, NOW, accept),
            [consentry::purpose::ReasonCode::StatusUnknown],
            "accept unknown: {accept}"
        );
    }
    // The last index in range is still decided normally.
    assert!(decide_reasons(&v, &artefact_at(9_999), &bytes, NOW, true).is_empty());
}
