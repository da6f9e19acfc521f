//! Test and bench support shared by every crate of the workspace: the core's integration tests
//! and benches, the CLI, C ABI and conformance tests, and the npm package's native fixture
//! generator. One copy of the set-up each of them used to repeat:
//!
//! - [`keys`]: deterministic signing keys, trust stores and verifiers;
//! - [`artefacts`]: the fixture claims (typical and full) and issuing helpers;
//! - [`status`]: a builder for signed status lists;
//! - [`pseudo`]: the pseudonymisation cross-check key and policy;
//! - [`faces`]: the scenario (recipient, status list URI, clock) of the face-level tests;
//! - [`checks`]: small checks on JSON answers shared by several faces;
//! - [`sweep`]: the secret sweep (no error may quote a secret) run by the core and the C ABI.
//!
//! Dev-only (`publish = false`): every crate names it under `[dev-dependencies]` only. The core's
//! own unit tests (inside `core/src`) cannot use it: they build a second copy of `consentry`
//! whose types differ from the one this crate links.
//!
//! A fixture that cannot be built is a broken test, so helpers here panic (through `expect`)
//! rather than return errors.
#![expect(
    clippy::expect_used,
    reason = "test support: a fixture that cannot be built must stop the test that asked for it"
)]

pub mod artefacts;
pub mod checks;
pub mod faces;
pub mod keys;
pub mod pseudo;
pub mod status;
pub mod sweep;

pub use artefacts::{AUD, NOW};

/// The system random generator (ECDSA signatures and generated keys need one).
pub fn rng() -> ring::rand::SystemRandom {
    ring::rand::SystemRandom::new()
}
