//! The purpose taxonomy: JSON packs, loading rules, hierarchy queries.

use std::collections::BTreeMap;

use serde::Serialize;

/// Deepest allowed hierarchy: a top-level purpose has depth 0, its children depth 1, and so on.
pub const MAX_DEPTH: usize = 32;

/// Longest allowed purpose code, in bytes.
pub const MAX_CODE_LEN: usize = 128;

/// The packs shipped inside the crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Pack {
    /// Account Aggregator (ReBIT) purposes 101–105 under categories `aa:cat-1` … `aa:cat-3`.
    AccountAggregator,
    /// ABDM health information purposes: `abdm:CAREMGT`, `abdm:BTG`, `abdm:PUBHLTH`,
    /// `abdm:HPAYMT`, `abdm:DSRCH`, `abdm:PATRQT`.
    Abdm,
    /// DPDP Act 2023 s.7 legitimate uses `dpdp:7(a)` … `dpdp:7(i)` under `dpdp:7`.
    Dpdp,
    /// A generic service-delivery tree (`svc:service`, `svc:marketing/targeted-ads`,
    /// `svc:tracking`, …).
    Service,
}

impl Pack {
    /// Every shipped pack.
    pub const ALL: &'static [Pack] = &[
        Pack::AccountAggregator,
        Pack::Abdm,
        Pack::Dpdp,
        Pack::Service,
    ];

    /// The pack id (also the code prefix): `aa`, `abdm`, `dpdp`, `svc`.
    pub const fn id(self) -> &'static str {
        match self {
            Pack::AccountAggregator => "aa",
            Pack::Abdm => "abdm",
            Pack::Dpdp => "dpdp",
            Pack::Service => "svc",
        }
    }

    /// The pack's JSON document, as embedded in the crate.
    pub const fn json(self) -> &'static str {
        match self {
            Pack::AccountAggregator => include_str!("../../taxonomy/aa.json"),
            Pack::Abdm => include_str!("../../taxonomy/abdm.json"),
            Pack::Dpdp => include_str!("../../taxonomy/dpdp.json"),
            Pack::Service => include_str!("../../taxonomy/svc.json"),
        }
    }

    /// The pack with this id.
    pub fn from_id(id: &str) -> Option<Pack> {
        Pack::ALL.iter().copied().find(|p| p.id() == id)
    }
}

/// One purpose of a taxonomy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Purpose {
    /// The purpose code, e.g. `aa:101`.
    pub code: String,
    /// Human-readable name.
    pub name: String,
    /// The parent's code, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Set on this purpose itself (descendants inherit it; see [`Taxonomy::is_child_prohibited`]).
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub child_prohibited: bool,
    /// May stand as an artefact's `basis` instead of `consent`.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub legitimate_use: bool,
    /// Longer description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the purpose is defined (a clause, a code list).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Id of the pack that defined it.
    #[serde(skip)]
    pub pack: String,
}

mod build;
mod error;

pub use build::TaxonomyBuilder;
pub use error::TaxonomyError;

#[derive(Clone, Debug)]
struct Node {
    purpose: Purpose,
    parent: Option<usize>,
    depth: usize,
    child_prohibited: bool,
}

/// A linked purpose taxonomy. Immutable once built; cheap to share (`Send + Sync`).
///
/// ```
/// use consentry::purpose::Taxonomy;
/// let t = Taxonomy::shipped()?;
/// assert!(t.covers("aa:cat-1", "aa:101"));
/// assert!(!t.covers("aa:101", "aa:cat-1"));
/// assert!(t.is_child_prohibited("svc:tracking/location"));
/// assert!(t.is_legitimate_use("dpdp:7(f)"));
/// assert_eq!(t.get("abdm:BTG").map(|p| p.name.as_str()), Some("Break the Glass"));
/// # Ok::<(), consentry::purpose::TaxonomyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Taxonomy {
    nodes: Vec<Node>,
    index: BTreeMap<String, usize>,
    packs: Vec<String>,
}

impl Taxonomy {
    /// A builder for combining packs and documents.
    pub fn builder() -> TaxonomyBuilder {
        TaxonomyBuilder::new()
    }

    /// All shipped packs ([`Pack::ALL`]).
    pub fn shipped() -> Result<Self, TaxonomyError> {
        Pack::ALL
            .iter()
            .try_fold(Self::builder(), |b, &p| b.pack(p))?
            .build()
    }

    /// One document on its own (parents must be in it).
    pub fn from_json(origin: &str, text: &str) -> Result<Self, TaxonomyError> {
        Self::builder().json(origin, text)?.build()
    }

    /// The purpose with this code.
    pub fn get(&self, code: &str) -> Option<&Purpose> {
        self.node(self.index_of(code)?).map(|n| &n.purpose)
    }

    /// Whether the taxonomy defines `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    /// Number of purposes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are no purposes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The pack ids loaded, in load order.
    pub fn packs(&self) -> &[String] {
        &self.packs
    }

    /// Every purpose, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &Purpose> {
        self.nodes.iter().map(|n| &n.purpose)
    }

    /// Depth of `code` (0 for a top-level purpose).
    pub fn depth(&self, code: &str) -> Option<usize> {
        Some(self.node(self.index_of(code)?)?.depth)
    }

    /// The ancestors of `code`, nearest first (empty for an unknown or top-level code).
    pub fn ancestors(&self, code: &str) -> impl Iterator<Item = &Purpose> {
        let start = self
            .index_of(code)
            .and_then(|i| self.node(i))
            .and_then(|n| n.parent);
        self.chain(start)
            .filter_map(|i| self.node(i).map(|n| &n.purpose))
    }

    /// Whether a grant of `granted` covers a use for `requested`: both are known and `granted`
    /// equals `requested` or is one of its ancestors.
    pub fn covers(&self, granted: &str, requested: &str) -> bool {
        match (self.index_of(granted), self.index_of(requested)) {
            (Some(g), Some(r)) => self.chain(Some(r)).any(|i| i == g),
            _ => false,
        }
    }

    /// Whether `code` or one of its ancestors is flagged `child_prohibited` (false if unknown).
    pub fn is_child_prohibited(&self, code: &str) -> bool {
        self.index_of(code)
            .and_then(|i| self.node(i))
            .is_some_and(|n| n.child_prohibited)
    }

    /// Whether `code` is flagged `legitimate_use` (false if unknown).
    pub fn is_legitimate_use(&self, code: &str) -> bool {
        self.get(code).is_some_and(|p| p.legitimate_use)
    }

    pub(crate) fn index_of(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub(crate) fn child_prohibited_at(&self, i: usize) -> bool {
        self.node(i).is_some_and(|n| n.child_prohibited)
    }

    /// `start` and its ancestors, nearest first. Bounded by [`MAX_DEPTH`] (links are acyclic).
    pub(crate) fn chain(&self, start: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        let mut cur = start;
        std::iter::from_fn(move || {
            let i = cur?;
            cur = self.node(i).and_then(|n| n.parent);
            Some(i)
        })
        .take(MAX_DEPTH + 1)
    }

    fn node(&self, i: usize) -> Option<&Node> {
        self.nodes.get(i)
    }
}
