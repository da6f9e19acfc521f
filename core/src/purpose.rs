//! Purpose limitation: the purpose taxonomy, requests, decisions and retention deadlines.
//!
//! # Taxonomy
//!
//! A [`Taxonomy`] is data: purpose codes with parent links, names and flags, loaded from JSON
//! packs. Four packs ship inside the crate ([`Pack`]): Account Aggregator purposes 101–105 under
//! their ReBIT categories (`aa:101` …), ABDM health purposes (`abdm:CAREMGT` …), the DPDP Act
//! s.7 legitimate uses (`dpdp:7(a)` … `dpdp:7(i)`) and a generic service-delivery tree (`svc:…`).
//! Packs combine with a caller's own JSON documents; duplicate codes, unknown parents, cycles and
//! hierarchies deeper than [`MAX_DEPTH`] are load errors. Granting a purpose covers its
//! descendants, never its ancestors.
//!
//! A taxonomy document:
//!
//! ```json
//! { "version": 1, "pack": "mine", "name": "optional", "source": "optional",
//!   "purposes": [
//!     { "code": "mine:loans", "name": "Loans" },
//!     { "code": "mine:loans/underwriting", "parent": "mine:loans", "name": "Underwriting",
//!       "description": "optional", "ref": "optional" },
//!     { "code": "mine:ads", "name": "Ads", "child_prohibited": true },
//!     { "code": "mine:6(1)(c)", "name": "Legal obligation", "legitimate_use": true }
//!   ] }
//! ```
//!
//! Flags: `child_prohibited` (DPDP s.9(3): tracking, behavioural monitoring, targeted advertising
//! directed at children) is **inherited** by descendants; `legitimate_use` marks codes that may
//! stand as an artefact's `basis` instead of `consent` (not inherited). A parent may live in
//! another of the caller's packs, as long as it is loaded into the same taxonomy.
//!
//! Caller documents cannot widen consent: they may not use a shipped prefix (`aa`, `abdm`,
//! `dpdp`, `svc`) for their `pack` or codes (`taxonomy_shipped_prefix`), may not name a shipped
//! code as `parent` (`taxonomy_shipped_parent`: a grant of the shipped purpose would cover it),
//! and may flag `legitimate_use` (a basis that skips consent and the parental-consent check)
//! only when the caller allows it with [`TaxonomyBuilder::allow_legitimate_uses`]
//! (`taxonomy_legitimate_use_not_allowed` otherwise).
//!
//! # Decisions
//!
//! [`decide`] answers "may this recipient use these fields for this purpose now?" from a verified
//! artefact, a [`Request`], a taxonomy and the artefact's status ([`StatusInput`]). A denial is a
//! value listing **every** failed check, ordered by [`ReasonCode`] (the order of the checks):
//!
//! | # | code | check |
//! |---|---|---|
//! | 1 | `undecidable_request` | leeway ≤ 300 s; non-empty recipient, purpose and field list; the size caps of [`Request::check_limits`]; the field computation within [`MAX_FIELD_STEPS`] |
//! | 2 | `not_yet_valid` | `nbf - leeway ≤ now` (when `nbf` is present) |
//! | 3 | `expired` | `now < exp + leeway` |
//! | 19 | `issued_in_future` | `iat ≤ now + leeway` (added later: the number is new, the place is here) |
//! | 4 | `audience_mismatch` | the recipient is in `aud` |
//! | 5 | `revoked` | status is not revoked |
//! | 6 | `suspended` | status is not suspended |
//! | 7 | `status_unknown` | an artefact with a status claim has a known status, unless the request accepts unknown status |
//! | 8 | `basis_invalid` | basis is `consent`, or a code the taxonomy flags `legitimate_use` |
//! | 9 | `child_consent_unverified` | a child's artefact names a parent or guardian grantor with evidence (unless its basis is a valid legitimate use) |
//! | 10 | `purpose_unknown` | the requested purpose is in the taxonomy |
//! | 11 | `child_prohibited` | a child artefact is not used for a `child_prohibited` purpose |
//! | 12 | `purpose_not_granted` | some grant's purpose equals the requested one or is an ancestor of it |
//! | 13 | `grant_purpose_unknown` | (when nothing covers) grants naming purposes unknown to the taxonomy |
//! | 14 | `grant_invalid` | the covering grant's selectors parse and its transforms do not conflict |
//! | 15 | `mode_not_granted` | the grant's mode allows the operation (see [`mode_allows`]) |
//! | 16 | `fields_not_granted` | requested and granted fields intersect |
//! | 17 | `frequency_unchecked` | a grant with a budget gets a use count |
//! | 18 | `frequency_exceeded` | uses so far < `max` |
//!
//! Checks 14–18 run on every grant that covers the requested purpose, in artefact order. The
//! permit uses the covering grant that passes them all and yields the most granted fields
//! (the first such grant on a tie); when none passes, the reasons of every covering grant are
//! listed. Grants naming purposes the taxonomy does not know are never used (their place in the
//! hierarchy is unknown) and never crash a decision.
//!
//! **Time** follows the verifier: `nbf - leeway ≤ now < exp + leeway` and `iat ≤ now + leeway`. **Mode lattice**: `store` implies `view`;
//! every other mode allows only itself. **Fields**: the permit holds the pairwise intersections
//! of requested and granted selectors ([`Selector::intersect`]), minus any covered by another,
//! sorted; a requested selector that meets no granted one is silently left out. They are
//! computed with prefix tries (each requested selector walks only the granted branches it meets;
//! each result is checked for a cover along its own keys and `*`), never pairwise, and every step
//! counts against [`MAX_FIELD_STEPS`]: the cost is at most linear in the request and grant sizes
//! plus that fixed budget, and a decision that would exceed it denies with `undecidable_request`.
//! Requests are capped ([`MAX_REQUEST_FIELDS`] selectors of at most [`MAX_SELECTOR_LEN`] bytes
//! and [`MAX_SELECTOR_DEPTH`] segments); faces refuse a larger one with `request_too_large`.
//! **Transforms**:
//! every grant transform whose selector meets a permitted field is listed under the
//! intersection. **Erase-by**: `min(now + data_life, exp)` (just `exp` without `data_life`).
//!
//! ```
//! use consentry::purpose::{decide, Request, StatusInput, Taxonomy};
//! use consentry::{issue, Claims, Cti, Grant, Mode, Notice, SigningKey, TrustStore, Verifier};
//!
//! let rng = ring::rand::SystemRandom::new();
//! let key = SigningKey::from_ed25519_seed(&[7; 32])?;
//! let claims = Claims::builder("cm.example", "pp-1", "fiu.example")
//!     .issued_at(1_700_000_000).expires(1_800_000_000).cti(Cti([1; 16]))
//!     .notice(Notice { id: "n".into(), sha256: [0; 32], lang: "en-IN".into() })
//!     .grant(Grant::new("aa:cat-1", ["/accounts/*/balance", "/name"], Mode::Store)
//!         .data_life(86_400)
//!         .transform("/name", "pseudonym"))
//!     .build()?;
//! let mut trust = TrustStore::new();
//! trust.add(key.verifying_key().clone())?;
//! let verified = Verifier::new(trust)
//!     .verify(&issue(&claims, &key, &rng)?, "fiu.example", 1_750_000_000)?;
//!
//! let taxonomy = Taxonomy::shipped()?;
//! let request = Request::new("fiu.example", "aa:101", Mode::View,
//!                            ["/accounts", "/name", "/pan"], 1_750_000_000)?;
//! let decision = decide(&verified, &request, &taxonomy, StatusInput::Valid);
//! assert_eq!(
//!     decision.to_json(),
//!     r#"{"allowed":true,"fields":["/accounts/*/balance","/name"],"transforms":{"/name":"pseudonym"},"eraseBy":1750086400}"#
//! );
//!
//! let ads = Request::new("fiu.example", "svc:marketing/targeted-ads", Mode::View, ["/name"],
//!                        1_750_000_000)?;
//! let denied = decide(&verified, &ads, &taxonomy, StatusInput::Revoked);
//! let codes: Vec<&str> = denied.reasons().iter().map(|r| r.code.as_str()).collect();
//! assert_eq!(codes, ["revoked", "purpose_not_granted"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Retention
//!
//! [`retention`] and [`Permit::retention`] give the erase-by time, the time of the pre-erasure
//! notice ([`ERASURE_NOTICE_LEAD`], 48 hours before, DPDP Rules 2025) and how long the log of the
//! use must be kept ([`LOG_RETENTION`], at least one year).
//!
//! [`Selector::intersect`]: crate::scope::Selector::intersect

mod decide;
mod fields;
mod permit;
mod reasons;
mod request;
mod retention;
mod taxonomy;

pub use crate::status::StatusInput;
pub(crate) use decide::decide_claims;
pub use decide::{decide, mode_allows};
pub use permit::{Decision, Permit};
pub use reasons::{Reason, ReasonCode};
pub use request::{
    Request, RequestTooLarge, MAX_FIELD_STEPS, MAX_REQUEST_FIELDS, MAX_SELECTOR_DEPTH,
    MAX_SELECTOR_LEN,
};
pub use retention::{retention, Retention, ERASURE_NOTICE_LEAD, LOG_RETENTION};
pub use taxonomy::{
    Pack, Purpose, Taxonomy, TaxonomyBuilder, TaxonomyError, MAX_CODE_LEN, MAX_DEPTH,
};
