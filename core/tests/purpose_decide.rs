//! Decisions: table-driven tests covering every reason code, boundary times, status, child rules,
//! wildcard and nested selectors, grant choice, JSON form and retention.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod purpose_support;

use consentry::purpose::{
    decide, retention, Decision, Permit, ReasonCode, Request, Retention, StatusInput, Taxonomy,
    ERASURE_NOTICE_LEAD, LOG_RETENTION,
};
use consentry::scope::Selector;
use consentry::{ClaimsBuilder, Grant, GrantorRole, Mode, VerifiedArtefact};
use consentry_testkit::artefacts;
use purpose_support::*;

/// The standard artefact: three grants.
/// 0: `aa:cat-1`, store, 1 h data life, `/name` pseudonymised.
/// 1: `svc:service`, view, at most 2 uses per day, `/address` generalised.
/// 2: `abdm:CAREMGT`, query.
fn std_claims() -> ClaimsBuilder {
    base()
        .grant(
            Grant::new(
                "aa:cat-1",
                ["/name", "/accounts/*/balance", "/accounts/*/txns"],
                Mode::Store,
            )
            .data_life(3600)
            .transform("/name", "pseudonym"),
        )
        .grant(
            Grant::new("svc:service", ["/email", "/address"], Mode::View)
                .frequency(2, 86_400)
                .transform("/address", "generalise"),
        )
        .grant(Grant::new("abdm:CAREMGT", ["/members/*/name"], Mode::Query))
}

fn std_artefact() -> VerifiedArtefact {
    artefact(std_claims())
}

fn child_claims() -> ClaimsBuilder {
    base()
        .child(true)
        .grantor(GrantorRole::Parent, "digilocker:token-42")
        .grant(Grant::new("svc:marketing", ["/name"], Mode::View))
        .grant(Grant::new("svc:tracking", ["/name"], Mode::View))
        .grant(Grant::new("svc:service", ["/name"], Mode::View))
}

/// Claims for FIU alone, issued at `IAT` (no `nbf`), granting `aa:101` view of `/name`.
fn aa101_claims() -> ClaimsBuilder {
    consentry::Claims::builder("cm.example", "pp-1", FIU)
        .issued_at(IAT)
        .expires(EXP)
        .cti(consentry::Cti([4; 16]))
        .notice(artefacts::notice("n", "en", 0))
        .grant(Grant::new("aa:101", ["/name"], Mode::View))
}

enum Expect {
    Deny(&'static [&'static str]),
    Permit {
        fields: &'static [&'static str],
        transforms: &'static [(&'static str, &'static str)],
        erase_by: i64,
    },
}

type Setup = Box<dyn Fn() -> (VerifiedArtefact, Request, StatusInput)>;

fn std_with(req: impl Fn() -> Request + 'static) -> Setup {
    Box::new(move || (std_artefact(), req(), StatusInput::Valid))
}

fn with(b: impl Fn() -> ClaimsBuilder + 'static, req: impl Fn() -> Request + 'static) -> Setup {
    Box::new(move || (artefact(b()), req(), StatusInput::Valid))
}

fn with_status(s: StatusInput, setup: Setup) -> Setup {
    Box::new(move || {
        let (a, r, _) = setup();
        (a, r, s)
    })
}

fn aa101() -> Request {
    request("aa:101", Mode::View, &["/name"])
}

const AA101_PERMIT: Expect = Expect::Permit {
    fields: &["/name"],
    transforms: &[("/name", "pseudonym")],
    erase_by: NOW + 3600,
};

fn cases() -> Vec<(&'static str, Setup, Expect)> {
    vec![
        // --- permits and field semantics ---------------------------------------------------
        ("baseline permit", std_with(aa101), AA101_PERMIT),
        (
            "subtree request narrowed to wildcard grant",
            std_with(|| request("aa:102", Mode::View, &["/accounts"])),
            Expect::Permit {
                fields: &["/accounts/*/balance", "/accounts/*/txns"],
                transforms: &[],
                erase_by: NOW + 3600,
            },
        ),
        (
            "index request meets wildcard grant",
            std_with(|| request("aa:101", Mode::Store, &["/accounts/0"])),
            Expect::Permit {
                fields: &["/accounts/0/balance", "/accounts/0/txns"],
                transforms: &[],
                erase_by: NOW + 3600,
            },
        ),
        (
            "deeper request inside granted subtree",
            std_with(|| request("aa:101", Mode::View, &["/accounts/*/balance/amount"])),
            Expect::Permit {
                fields: &["/accounts/*/balance/amount"],
                transforms: &[],
                erase_by: NOW + 3600,
            },
        ),
        (
            "wildcard request gets the whole grant, minimal and sorted",
            std_with(|| request("aa:101", Mode::View, &["/*", "/name", "/accounts/1/txns"])),
            Expect::Permit {
                fields: &["/accounts/*/balance", "/accounts/*/txns", "/name"],
                transforms: &[("/name", "pseudonym")],
                erase_by: NOW + 3600,
            },
        ),
        (
            "partly granted request keeps only the intersection",
            std_with(|| request("aa:101", Mode::View, &["/name", "/pan", "/address"])),
            AA101_PERMIT,
        ),
        (
            "transform of a granted parent applies to the nested field",
            std_with(|| {
                request(
                    "svc:service/support",
                    Mode::View,
                    &["/address/pincode", "/email"],
                )
                .with_uses(0)
            }),
            Expect::Permit {
                fields: &["/address/pincode", "/email"],
                transforms: &[("/address/pincode", "generalise")],
                erase_by: EXP,
            },
        ),
        (
            "grant of an ancestor covers a depth-2 descendant",
            with(
                || base().grant(Grant::new("svc:marketing", ["/name"], Mode::View)),
                || {
                    request(
                        "svc:marketing/targeted-ads/profiling",
                        Mode::View,
                        &["/name"],
                    )
                },
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "store implies view",
            std_with(|| request("aa:cat-1", Mode::View, &["/name"])),
            AA101_PERMIT,
        ),
        (
            "data life beyond exp is capped at exp",
            with(
                || base().grant(Grant::new("aa:101", ["/name"], Mode::View).data_life(10_000_000)),
                aa101,
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "the covering grant with the most fields wins",
            with(
                || {
                    base()
                        .grant(Grant::new("aa:cat-1", ["/name"], Mode::View))
                        .grant(Grant::new("aa:101", ["/name", "/pan"], Mode::View))
                },
                || request("aa:101", Mode::View, &["/name", "/pan"]),
            ),
            Expect::Permit {
                fields: &["/name", "/pan"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "a passing grant wins over a failing one",
            with(
                || {
                    base()
                        .grant(Grant::new("aa:cat-1", ["/name"], Mode::View))
                        .grant(Grant::new("aa:101", ["/name"], Mode::Store).data_life(60))
                },
                || request("aa:101", Mode::Store, &["/name"]),
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: NOW + 60,
            },
        ),
        (
            "unknown grant purposes are ignored when a known grant covers",
            with(
                || {
                    base()
                        .grant(Grant::new("gdpr:unknown", ["/name"], Mode::View))
                        .grant(Grant::new("aa:101", ["/name"], Mode::View))
                },
                aa101,
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        // --- 1 undecidable_request ------------------------------------------------------------
        (
            "leeway over 300 s",
            std_with(|| aa101().with_leeway(301)),
            Expect::Deny(&["undecidable_request"]),
        ),
        (
            "leeway of exactly 300 s",
            std_with(|| aa101().with_leeway(300)),
            AA101_PERMIT,
        ),
        (
            "no fields",
            std_with(|| Request::new(FIU, "aa:101", Mode::View, Vec::<&str>::new(), NOW).unwrap()),
            Expect::Deny(&["undecidable_request", "fields_not_granted"]),
        ),
        (
            "empty purpose and recipient",
            std_with(|| Request::new("", "", Mode::View, ["/name"], NOW).unwrap()),
            Expect::Deny(&[
                "undecidable_request",
                "undecidable_request",
                "audience_mismatch",
                "purpose_unknown",
            ]),
        ),
        // --- 2/3 validity window ----------------------------------------------------------
        (
            "nbf - leeway exactly",
            std_with(|| aa101().at(NBF - 60)),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[("/name", "pseudonym")],
                erase_by: NBF - 60 + 3600,
            },
        ),
        (
            "one second before nbf - leeway",
            std_with(|| aa101().at(NBF - 61)),
            Expect::Deny(&["not_yet_valid"]),
        ),
        (
            "exactly nbf without leeway",
            std_with(|| aa101().at(NBF).with_leeway(0)),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[("/name", "pseudonym")],
                erase_by: NBF + 3600,
            },
        ),
        (
            "one second before nbf without leeway",
            std_with(|| aa101().at(NBF - 1).with_leeway(0)),
            Expect::Deny(&["not_yet_valid"]),
        ),
        (
            "last second before exp without leeway",
            std_with(|| aa101().at(EXP - 1).with_leeway(0)),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[("/name", "pseudonym")],
                erase_by: EXP,
            },
        ),
        (
            "exactly exp without leeway",
            std_with(|| aa101().at(EXP).with_leeway(0)),
            Expect::Deny(&["expired"]),
        ),
        (
            "exactly exp inside leeway",
            std_with(|| aa101().at(EXP)),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[("/name", "pseudonym")],
                erase_by: EXP,
            },
        ),
        (
            "exactly exp + leeway",
            std_with(|| aa101().at(EXP + 60)),
            Expect::Deny(&["expired"]),
        ),
        (
            "no nbf: iat in the future is the lower bound",
            with(aa101_claims, || aa101().at(IAT - 1_000_000)),
            Expect::Deny(&["issued_in_future"]),
        ),
        (
            "iat exactly now + leeway is not in the future",
            with(aa101_claims, || aa101().at(IAT - 60)),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "iat in the future sorts after the time checks and before audience_mismatch",
            with(
                || aa101_claims().not_before(IAT + 100),
                || Request::new(OTHER, "aa:101", Mode::View, ["/name"], IAT - 61).unwrap(),
            ),
            Expect::Deny(&["not_yet_valid", "issued_in_future", "audience_mismatch"]),
        ),
        // --- 4 audience ---------------------------------------------------------------------
        (
            "recipient not in aud",
            std_with(|| Request::new(OTHER, "aa:101", Mode::View, ["/name"], NOW).unwrap()),
            Expect::Deny(&["audience_mismatch"]),
        ),
        (
            "second audience member",
            std_with(|| Request::new("aa.example", "aa:101", Mode::View, ["/name"], NOW).unwrap()),
            AA101_PERMIT,
        ),
        // --- 5-7 status ---------------------------------------------------------------------
        (
            "revoked",
            with_status(StatusInput::Revoked, std_with(aa101)),
            Expect::Deny(&["revoked"]),
        ),
        (
            "suspended",
            with_status(StatusInput::Suspended, std_with(aa101)),
            Expect::Deny(&["suspended"]),
        ),
        (
            "status list value 2 is suspended, not revoked",
            with_status(StatusInput::from_status_value(2), std_with(aa101)),
            Expect::Deny(&["suspended"]),
        ),
        (
            "unknown status of an artefact with a status claim",
            with_status(
                StatusInput::Unknown,
                with(
                    || std_claims().status(17, "https://cm.example/status/1"),
                    aa101,
                ),
            ),
            Expect::Deny(&["status_unknown"]),
        ),
        (
            "unknown status accepted by the request",
            with_status(
                StatusInput::Unknown,
                with(
                    || std_claims().status(17, "https://cm.example/status/1"),
                    || aa101().accept_unknown_status(true),
                ),
            ),
            AA101_PERMIT,
        ),
        (
            "unknown status of an artefact without a status claim",
            with_status(StatusInput::Unknown, std_with(aa101)),
            AA101_PERMIT,
        ),
        (
            "valid status of an artefact with a status claim",
            with(
                || std_claims().status(17, "https://cm.example/status/1"),
                aa101,
            ),
            AA101_PERMIT,
        ),
        // --- 8 basis ------------------------------------------------------------------------
        (
            "legitimate use basis",
            with(|| std_claims().basis("dpdp:7(b)"), aa101),
            AA101_PERMIT,
        ),
        (
            "basis is a taxonomy code that is not a legitimate use",
            with(|| std_claims().basis("dpdp:7"), aa101),
            Expect::Deny(&["basis_invalid"]),
        ),
        (
            "basis unknown to the taxonomy",
            with(|| std_claims().basis("gdpr:6(1)(b)"), aa101),
            Expect::Deny(&["basis_invalid"]),
        ),
        // --- 9 child consent ----------------------------------------------------------------
        (
            "child with parent evidence",
            with(child_claims, || {
                request("svc:service", Mode::View, &["/name"])
            }),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "child without grantor",
            with(
                || {
                    base()
                        .child(true)
                        .grant(Grant::new("svc:service", ["/name"], Mode::View))
                },
                || request("svc:service", Mode::View, &["/name"]),
            ),
            Expect::Deny(&["child_consent_unverified"]),
        ),
        (
            "child with a nominee grantor",
            with(
                || {
                    base()
                        .child(true)
                        .grantor(GrantorRole::Nominee, "ref-1")
                        .grant(Grant::new("svc:service", ["/name"], Mode::View))
                },
                || request("svc:service", Mode::View, &["/name"]),
            ),
            Expect::Deny(&["child_consent_unverified"]),
        ),
        (
            "child under a legitimate use needs no grantor",
            with(
                || {
                    base().child(true).basis("dpdp:7(f)").grant(Grant::new(
                        "abdm:BTG",
                        ["/name"],
                        Mode::View,
                    ))
                },
                || request("abdm:BTG", Mode::View, &["/name"]),
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "child: false is not a child",
            with(
                || {
                    base()
                        .child(false)
                        .grant(Grant::new("svc:tracking", ["/name"], Mode::View))
                },
                || request("svc:tracking/location", Mode::View, &["/name"]),
            ),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        // --- 10 purpose_unknown -------------------------------------------------------------
        (
            "requested purpose unknown",
            std_with(|| request("aa:999", Mode::View, &["/name"])),
            Expect::Deny(&["purpose_unknown"]),
        ),
        // --- 11 child_prohibited ------------------------------------------------------------
        (
            "child and targeted advertising",
            with(child_claims, || {
                request("svc:marketing/targeted-ads", Mode::View, &["/name"])
            }),
            Expect::Deny(&["child_prohibited"]),
        ),
        (
            "child and a descendant of a prohibited purpose (inherited flag)",
            with(child_claims, || {
                request(
                    "svc:marketing/targeted-ads/third-party",
                    Mode::View,
                    &["/name"],
                )
            }),
            Expect::Deny(&["child_prohibited"]),
        ),
        (
            "child and location tracking",
            with(child_claims, || {
                request("svc:tracking/location", Mode::View, &["/name"])
            }),
            Expect::Deny(&["child_prohibited"]),
        ),
        (
            "child and behavioural monitoring, not granted either",
            with(child_claims, || {
                request(
                    "svc:analytics/behavioural-monitoring",
                    Mode::View,
                    &["/name"],
                )
            }),
            Expect::Deny(&["child_prohibited", "purpose_not_granted"]),
        ),
        (
            "child and direct marketing (not prohibited)",
            with(child_claims, || {
                request("svc:marketing/direct", Mode::View, &["/name"])
            }),
            Expect::Permit {
                fields: &["/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        // --- 12/13 coverage -----------------------------------------------------------------
        (
            "sibling purpose not granted",
            std_with(|| request("aa:103", Mode::View, &["/name"])),
            Expect::Deny(&["purpose_not_granted"]),
        ),
        (
            "a grant never covers its ancestors",
            with(
                || base().grant(Grant::new("aa:101", ["/name"], Mode::View)),
                || request("aa:cat-1", Mode::View, &["/name"]),
            ),
            Expect::Deny(&["purpose_not_granted"]),
        ),
        (
            "only unknown grant purposes",
            with(
                || base().grant(Grant::new("xx:1", ["/name"], Mode::View)),
                aa101,
            ),
            Expect::Deny(&["purpose_not_granted", "grant_purpose_unknown"]),
        ),
        (
            "requested and granted purpose both unknown",
            with(
                || base().grant(Grant::new("xx:1", ["/name"], Mode::View)),
                || request("xx:1", Mode::View, &["/name"]),
            ),
            Expect::Deny(&["purpose_unknown", "grant_purpose_unknown"]),
        ),
        // --- 14 grant_invalid ---------------------------------------------------------------
        (
            "conflicting transforms on one field",
            with(
                || {
                    base().grant(
                        Grant::new("aa:101", ["/a/*", "/a/b"], Mode::View)
                            .transform("/a/*", "mask")
                            .transform("/a/b", "pseudonym"),
                    )
                },
                || request("aa:101", Mode::View, &["/a/b"]),
            ),
            Expect::Deny(&["grant_invalid"]),
        ),
        (
            "a hand-built artefact with a selector that does not parse",
            Box::new(|| {
                let mut a = std_artefact();
                a.claims.consent.purposes[0].fields[1] = "accounts".into();
                (a, aa101(), StatusInput::Valid)
            }),
            Expect::Deny(&["grant_invalid"]),
        ),
        // --- 15 mode ------------------------------------------------------------------------
        (
            "stream not granted by store",
            std_with(|| request("aa:101", Mode::Stream, &["/name"])),
            Expect::Deny(&["mode_not_granted"]),
        ),
        (
            "store not granted by view",
            std_with(|| request("svc:service", Mode::Store, &["/email"]).with_uses(0)),
            Expect::Deny(&["mode_not_granted"]),
        ),
        (
            "view not granted by query",
            std_with(|| request("abdm:CAREMGT", Mode::View, &["/members"])),
            Expect::Deny(&["mode_not_granted"]),
        ),
        (
            "query granted by query",
            std_with(|| request("abdm:CAREMGT", Mode::Query, &["/members"])),
            Expect::Permit {
                fields: &["/members/*/name"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        // --- 16 fields ----------------------------------------------------------------------
        (
            "no requested field granted",
            std_with(|| request("aa:101", Mode::View, &["/pan", "/accounts/*/holder"])),
            Expect::Deny(&["fields_not_granted"]),
        ),
        (
            "an index does not meet a different index",
            with(
                || base().grant(Grant::new("aa:101", ["/members/0/name"], Mode::View)),
                || request("aa:101", Mode::View, &["/members/1"]),
            ),
            Expect::Deny(&["fields_not_granted"]),
        ),
        // --- 17/18 frequency ----------------------------------------------------------------
        (
            "budget without a use count",
            std_with(|| request("svc:service", Mode::View, &["/email"])),
            Expect::Deny(&["frequency_unchecked"]),
        ),
        (
            "budget with one use left",
            std_with(|| request("svc:service", Mode::View, &["/email"]).with_uses(1)),
            Expect::Permit {
                fields: &["/email"],
                transforms: &[],
                erase_by: EXP,
            },
        ),
        (
            "budget spent",
            std_with(|| request("svc:service", Mode::View, &["/email"]).with_uses(2)),
            Expect::Deny(&["frequency_exceeded"]),
        ),
        // --- several failures at once, in check order ----------------------------------------
        (
            "every global check failing at once",
            with_status(
                StatusInput::Suspended,
                with(
                    || {
                        base().basis("dpdp:7").child(true).grant(Grant::new(
                            "aa:101",
                            ["/name"],
                            Mode::View,
                        ))
                    },
                    || {
                        Request::new(OTHER, "svc:tracking", Mode::View, ["/name"], EXP + 500)
                            .unwrap()
                            .with_leeway(400)
                    },
                ),
            ),
            Expect::Deny(&[
                "undecidable_request",
                "expired",
                "audience_mismatch",
                "suspended",
                "basis_invalid",
                "child_consent_unverified",
                "child_prohibited",
                "purpose_not_granted",
            ]),
        ),
        (
            "every covering grant's failures, by code then grant",
            with(
                || {
                    base()
                        .grant(Grant::new("aa:cat-1", ["/name"], Mode::View).frequency(1, 60))
                        .grant(Grant::new("aa:101", ["/name"], Mode::Query))
                },
                || request("aa:101", Mode::Stream, &["/pan"]).with_uses(5),
            ),
            Expect::Deny(&[
                "mode_not_granted",
                "mode_not_granted",
                "fields_not_granted",
                "fields_not_granted",
                "frequency_exceeded",
            ]),
        ),
    ]
}

fn check(name: &str, d: &Decision, expect: &Expect) {
    match (d, expect) {
        (Decision::Deny { reasons }, Expect::Deny(codes)) => {
            let got: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
            assert_eq!(&got, codes, "{name}: {reasons:#?}");
            for r in reasons {
                assert!(!r.message.is_empty(), "{name}");
                assert_eq!(
                    r.message,
                    r.message.to_lowercase(),
                    "{name}: lower-case message"
                );
                assert!(
                    !r.message.contains("pp-7f3a"),
                    "{name}: no subject in messages"
                );
            }
        }
        (
            Decision::Permit(p),
            Expect::Permit {
                fields,
                transforms,
                erase_by,
            },
        ) => {
            let got: Vec<String> = p.fields.iter().map(ToString::to_string).collect();
            assert_eq!(&got, fields, "{name}: fields");
            let got: Vec<(String, String)> = p
                .transforms
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            let want: Vec<(String, String)> = transforms
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(got, want, "{name}: transforms");
            assert_eq!(p.erase_by, *erase_by, "{name}: erase_by");
        }
        (d, _) => panic!("{name}: unexpected decision {d:#?}"),
    }
}

#[test]
fn decision_table() {
    let t = taxonomy();
    for (name, setup, expect) in cases() {
        let (a, r, s) = setup();
        let d = decide(&a, &r, &t, s);
        check(name, &d, &expect);
        // Deterministic, and the JSON form round-trips.
        assert_eq!(decide(&a, &r, &t, s), d, "{name}");
        let json = d.to_json();
        let back: Decision = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d, "{name}");
    }
}

#[test]
fn every_reason_code_is_exercised_by_the_table() {
    let t = taxonomy();
    let mut seen = std::collections::BTreeSet::new();
    for (_, setup, _) in cases() {
        let (a, r, s) = setup();
        for reason in decide(&a, &r, &t, s).reasons() {
            seen.insert(reason.code);
        }
    }
    for code in ReasonCode::ALL {
        assert!(seen.contains(code), "no table case for `{code}`");
    }
}

#[test]
fn reason_codes_are_stable_and_ordered() {
    let names: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "undecidable_request",
            "not_yet_valid",
            "expired",
            "issued_in_future",
            "audience_mismatch",
            "revoked",
            "suspended",
            "status_unknown",
            "basis_invalid",
            "child_consent_unverified",
            "purpose_unknown",
            "child_prohibited",
            "purpose_not_granted",
            "grant_purpose_unknown",
            "grant_invalid",
            "mode_not_granted",
            "fields_not_granted",
            "frequency_unchecked",
            "frequency_exceeded",
        ]
    );
    let numbers: Vec<u32> = ReasonCode::ALL.iter().map(|c| c.as_u32()).collect();
    // Numbers are stable: a reason added later takes the next number but keeps its place.
    assert_eq!(
        numbers,
        [1, 2, 3, 19, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]
    );
    for (i, c) in ReasonCode::ALL.iter().enumerate() {
        assert_eq!(c.rank(), i);
        assert_eq!(ReasonCode::from_name(c.as_str()), Some(*c));
    }
    assert!(ReasonCode::ALL.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn json_forms() {
    let t = taxonomy();
    let a = std_artefact();
    let d = decide(&a, &aa101(), &t, StatusInput::Valid);
    assert_eq!(
        d.to_json(),
        format!(
            r#"{{"allowed":true,"fields":["/name"],"transforms":{{"/name":"pseudonym"}},"eraseBy":{}}}"#,
            NOW + 3600
        )
    );
    let d = decide(&a, &aa101(), &t, StatusInput::Revoked);
    assert_eq!(
        d.to_json(),
        r#"{"allowed":false,"reasons":[{"code":"revoked","message":"artefact is revoked"}]}"#
    );
    let d = decide(
        &a,
        &request("aa:101", Mode::View, &["/pan"]),
        &t,
        StatusInput::Valid,
    );
    assert_eq!(
        d.to_json(),
        r#"{"allowed":false,"reasons":[{"code":"fields_not_granted","message":"no requested field is within `consent.purposes[0].fields`"}]}"#
    );
    // Malformed decision JSON is rejected.
    for bad in [
        r#"{"allowed":true,"fields":[],"transforms":{}}"#,
        r#"{"allowed":false,"reasons":[]}"#,
        r#"{"allowed":false,"reasons":[{"code":"nope","message":""}]}"#,
        r#"{"allowed":true,"fields":["x"],"transforms":{},"eraseBy":1}"#,
        r#"{"allowed":true,"fields":[],"transforms":{},"eraseBy":1}"#,
        r#"{"allowed":true,"fields":["/a"],"transforms":{},"eraseBy":1,"extra":1}"#,
        r#"{"allowed":true,"fields":["/a"],"transforms":{},"eraseBy":1,"reasons":[]}"#,
    ] {
        assert!(serde_json::from_str::<Decision>(bad).is_err(), "{bad}");
    }
}

#[test]
fn request_json_round_trip() {
    let r = request("aa:101", Mode::Query, &["/members/*/name", "/a~1b"]).with_uses(3);
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        json,
        r#"{"recipient":"fiu.example","purpose":"aa:101","operation":"query","fields":["/members/*/name","/a~1b"],"now":1700010000,"uses":3,"leeway":60,"acceptUnknownStatus":false}"#
    );
    assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), r);
    assert!(serde_json::from_str::<Request>(
        r#"{"recipient":"x","purpose":"p","operation":"view","fields":[],"now":0,"bogus":1}"#
    )
    .is_err());
}

#[test]
fn deep_hierarchy_subsumption() {
    // A 33-node chain (depth 0..=32): a grant of the root covers the deepest node.
    let mut purposes = vec![r#"{"code":"d:0","name":"level 0"}"#.to_string()];
    for i in 1..=32 {
        purposes.push(format!(
            r#"{{"code":"d:{i}","parent":"d:{}","name":"level {i}"}}"#,
            i - 1
        ));
    }
    let doc = format!(
        r#"{{"version":1,"pack":"d","purposes":[{}]}}"#,
        purposes.join(",")
    );
    let t = Taxonomy::from_json("deep.json", &doc).unwrap();
    assert_eq!(t.depth("d:32"), Some(32));
    let a = artefact(base().grant(Grant::new("d:0", ["/x"], Mode::View)));
    let d = decide(
        &a,
        &request("d:32", Mode::View, &["/x"]),
        &t,
        StatusInput::Valid,
    );
    assert!(d.is_allowed(), "{d:?}");
    let a = artefact(base().grant(Grant::new("d:16", ["/x"], Mode::View)));
    for (code, allowed) in [
        ("d:15", false),
        ("d:16", true),
        ("d:17", true),
        ("d:32", true),
    ] {
        let d = decide(
            &a,
            &request(code, Mode::View, &["/x"]),
            &t,
            StatusInput::Valid,
        );
        assert_eq!(d.is_allowed(), allowed, "{code}");
    }
}

#[test]
fn retention_deadlines() {
    let a = std_artefact();
    // Conservative artefact-level deadline: the 1 h data life of grant 0.
    let r = retention(&a, NOW);
    assert_eq!(
        r,
        Retention {
            erase_by: NOW + 3600,
            erasure_notice_at: NOW, // 48 h before erase-by is before the use
            log_retain_until: NOW + LOG_RETENTION,
        }
    );
    const { assert!(LOG_RETENTION >= 365 * 86_400) };
    // Near exp the deadline is exp.
    assert_eq!(retention(&a, EXP - 10).erase_by, EXP);

    // A permit's deadline.
    let t = taxonomy();
    let d = decide(
        &a,
        &request("svc:service", Mode::View, &["/email"]).with_uses(0),
        &t,
        StatusInput::Valid,
    );
    let p: &Permit = d.permit().unwrap();
    let r = p.retention(NOW);
    assert_eq!(r.erase_by, EXP);
    // exp is less than 48 h after the use: the notice is due at the use.
    assert_eq!(r.erasure_notice_at, NOW);
    assert_eq!(ERASURE_NOTICE_LEAD, 172_800);
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        format!(
            r#"{{"eraseBy":{EXP},"erasureNoticeAt":{NOW},"logRetainUntil":{}}}"#,
            NOW + LOG_RETENTION
        )
    );
    let r = p.retention(EXP - 3 * 86_400);
    assert_eq!(r.erasure_notice_at, EXP - ERASURE_NOTICE_LEAD);
    // No overflow at the edges.
    let r = Retention::from_erase_by(i64::MIN, i64::MAX);
    assert_eq!(r.log_retain_until, i64::MAX);
    assert_eq!(r.erasure_notice_at, i64::MAX);
}

#[test]
fn extreme_times_do_not_panic() {
    let t = taxonomy();
    let a = std_artefact();
    for now in [i64::MIN, -1, 0, i64::MAX] {
        for leeway in [0, 300, u64::MAX] {
            let r = aa101().at(now).with_leeway(leeway);
            let d = decide(&a, &r, &t, StatusInput::Valid);
            assert!(!d.is_allowed());
        }
    }
    let mut a = std_artefact();
    a.claims.consent.purposes[0].data_life = Some(u64::MAX);
    let d = decide(&a, &aa101(), &t, StatusInput::Valid);
    assert_eq!(d.permit().unwrap().erase_by, EXP);
}

#[test]
fn selectors_in_permits_parse_back() {
    let s = |x: &str| Selector::parse(x).unwrap();
    let t = taxonomy();
    let a = artefact(base().grant(Grant::new("aa:101", ["/a~1b/*", "/c~0d"], Mode::View)));
    let d = decide(
        &a,
        &request("aa:101", Mode::View, &["/*"]),
        &t,
        StatusInput::Valid,
    );
    assert_eq!(d.permit().unwrap().fields, vec![s("/a~1b/*"), s("/c~0d")]);
}
