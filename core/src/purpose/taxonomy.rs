//! The purpose taxonomy: JSON packs, loading rules, hierarchy queries.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{Code, HasCode};

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
            Pack::AccountAggregator => include_str!("../taxonomy/aa.json"),
            Pack::Abdm => include_str!("../taxonomy/abdm.json"),
            Pack::Dpdp => include_str!("../taxonomy/dpdp.json"),
            Pack::Service => include_str!("../taxonomy/svc.json"),
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

/// Why a taxonomy did not load. Messages name the document (`origin`), the entry and the code.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TaxonomyError {
    /// The document is not JSON of the taxonomy shape.
    #[error("taxonomy `{origin}`: {reason}")]
    Json {
        /// the document's name as given to the loader
        origin: String,
        /// 1-based line of the error
        line: usize,
        /// 1-based column of the error
        column: usize,
        /// the parser's message (names the member, line and column)
        reason: String,
    },
    /// An entry or the document breaks a rule.
    #[error("taxonomy `{origin}` at `{at}`: {reason}")]
    Invalid {
        /// the document's name
        origin: String,
        /// the member at fault, e.g. `purposes[3].code`
        at: String,
        /// the rule
        reason: &'static str,
    },
    /// A code defined twice.
    #[error("taxonomy `{origin}` at `{at}`: duplicate purpose code `{code}` (first defined in `{first}`)")]
    DuplicateCode {
        /// the code
        code: String,
        /// the document holding the second definition
        origin: String,
        /// the entry, e.g. `purposes[3]`
        at: String,
        /// the document holding the first definition
        first: String,
    },
    /// A `parent` that names no loaded purpose.
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` names unknown parent `{parent}`")]
    UnknownParent {
        /// the child's code
        code: String,
        /// the missing parent code
        parent: String,
        /// the document
        origin: String,
        /// the entry
        at: String,
    },
    /// Parent links that form a cycle.
    #[error("taxonomy: purpose `{code}` is its own ancestor (cycle in `parent` links)")]
    Cycle {
        /// a code on the cycle
        code: String,
    },
    /// A caller-supplied document that uses a shipped pack's prefix (`aa`, `abdm`, `dpdp`, `svc`)
    /// as its `pack` or as the prefix of a code: it would add codes inside a shipped namespace.
    #[error("taxonomy `{origin}` at `{at}`: the prefix `{prefix}` belongs to a shipped pack; use your own")]
    ShippedPrefix {
        /// the document
        origin: String,
        /// the member, e.g. `purposes[0].code`
        at: String,
        /// the shipped prefix
        prefix: String,
    },
    /// A caller-supplied purpose whose `parent` is a shipped code: a grant of the shipped code
    /// would then cover it.
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` may not be placed under shipped purpose `{parent}`")]
    ShippedParent {
        /// the child's code
        code: String,
        /// the shipped parent
        parent: String,
        /// the document
        origin: String,
        /// the member, `purposes[i].parent`
        at: String,
    },
    /// A caller-supplied purpose flagged `legitimate_use` (a basis that skips consent and the
    /// parental-consent check) without [`TaxonomyBuilder::allow_legitimate_uses`].
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` declares a legitimate use, which caller-supplied taxonomies may do only when explicitly allowed")]
    LegitimateUseNotAllowed {
        /// the code
        code: String,
        /// the document
        origin: String,
        /// the member, `purposes[i].legitimate_use`
        at: String,
    },
    /// A hierarchy deeper than [`MAX_DEPTH`].
    #[error("taxonomy: purpose `{code}` is nested deeper than {max} levels")]
    TooDeep {
        /// the first code found too deep
        code: String,
        /// the limit
        max: usize,
    },
}

impl HasCode for TaxonomyError {
    fn code(&self) -> Code {
        match self {
            TaxonomyError::Json { .. } => Code::TaxonomyJson,
            TaxonomyError::Invalid { .. } => Code::TaxonomyInvalid,
            TaxonomyError::DuplicateCode { .. } => Code::TaxonomyDuplicateCode,
            TaxonomyError::UnknownParent { .. } => Code::TaxonomyUnknownParent,
            TaxonomyError::Cycle { .. } => Code::TaxonomyCycle,
            TaxonomyError::TooDeep { .. } => Code::TaxonomyTooDeep,
            TaxonomyError::ShippedPrefix { .. } => Code::TaxonomyShippedPrefix,
            TaxonomyError::ShippedParent { .. } => Code::TaxonomyShippedParent,
            TaxonomyError::LegitimateUseNotAllowed { .. } => Code::TaxonomyLegitimateUseNotAllowed,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    version: u64,
    pack: String,
    /// Checked for type, not kept.
    #[serde(default, rename = "name")]
    _name: Option<String>,
    /// Checked for type, not kept.
    #[serde(default, rename = "source")]
    _source: Option<String>,
    purposes: Vec<RawPurpose>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurpose {
    code: String,
    name: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    child_prohibited: bool,
    #[serde(default)]
    legitimate_use: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default, rename = "ref")]
    reference: Option<String>,
}

/// Where an entry came from, for error messages.
#[derive(Clone, Debug)]
struct Origin {
    doc: String,
    index: usize,
    /// From a caller's document ([`TaxonomyBuilder::json`]), not a shipped pack.
    extra: bool,
}

/// The shipped pack prefix `code` falls in, if any: the part before the first `:` (the whole
/// code without one), compared ignoring ASCII case.
fn shipped_prefix(code: &str) -> Option<&'static str> {
    let prefix = code.split(':').next().unwrap_or(code);
    Pack::ALL
        .iter()
        .map(|p| p.id())
        .find(|id| id.eq_ignore_ascii_case(prefix))
}

/// Collects packs and documents, then links them into a [`Taxonomy`].
///
/// Caller documents ([`TaxonomyBuilder::json`]) cannot widen what a grant of a shipped purpose
/// covers: they may not use a shipped prefix (`aa`, `abdm`, `dpdp`, `svc`) for their `pack` or
/// codes, may not name a shipped code as `parent`, and may not flag `legitimate_use` unless
/// [`TaxonomyBuilder::allow_legitimate_uses`] says so.
///
/// ```
/// use consentry::purpose::{Pack, Taxonomy};
/// use consentry::{Code, HasCode};
/// let mine = r#"{"version": 1, "pack": "mine", "purposes": [
///     {"code": "mine:ads", "name": "Ads", "child_prohibited": true},
///     {"code": "mine:ads/retargeting", "parent": "mine:ads", "name": "Retargeting"}]}"#;
/// let t = Taxonomy::builder().pack(Pack::Service)?.json("mine.json", mine)?.build()?;
/// assert!(t.covers("mine:ads", "mine:ads/retargeting"));
/// assert!(t.is_child_prohibited("mine:ads/retargeting"));
///
/// let graft = r#"{"version": 1, "pack": "fid", "purposes": [
///     {"code": "fid:targeted-ads", "parent": "aa:101", "name": "Ads"}]}"#;
/// let err = Taxonomy::builder().pack(Pack::AccountAggregator)?.json("fid.json", graft).unwrap_err();
/// assert_eq!(err.code(), Code::TaxonomyShippedParent);
///
/// let bad = r#"{"version": 1, "pack": "x", "purposes": [{"code": "x:a", "parent": "x:b", "name": "A"}]}"#;
/// let err = Taxonomy::builder().json("bad.json", bad)?.build().unwrap_err();
/// assert_eq!(err.to_string(),
///     "taxonomy `bad.json` at `purposes[0]`: purpose `x:a` names unknown parent `x:b`");
/// # Ok::<(), consentry::purpose::TaxonomyError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct TaxonomyBuilder {
    entries: Vec<(Purpose, Origin)>,
    packs: Vec<String>,
    allow_legitimate_uses: bool,
}

fn check_code(code: &str) -> Option<&'static str> {
    if code.is_empty() {
        Some("`code` must not be empty")
    } else if code.len() > MAX_CODE_LEN {
        Some("`code` must be at most 128 bytes")
    } else if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("`code` must not contain whitespace or control characters")
    } else {
        None
    }
}

impl TaxonomyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a shipped pack.
    pub fn pack(self, pack: Pack) -> Result<Self, TaxonomyError> {
        self.add(&format!("{}.json", pack.id()), pack.json(), false)
    }

    /// Lets caller documents flag purposes `legitimate_use` (default: refused with
    /// `taxonomy_legitimate_use_not_allowed`). Such a purpose may stand as an artefact's basis
    /// instead of `consent`, which also skips the parental-consent check: allow it only for
    /// documents you vouch for.
    #[must_use]
    pub fn allow_legitimate_uses(mut self, allow: bool) -> Self {
        self.allow_legitimate_uses = allow;
        self
    }

    /// Parses a caller's taxonomy document named `origin` (used in error messages) and adds its
    /// purposes. The document may not use a shipped prefix, name a shipped parent or (unless
    /// allowed) flag a legitimate use. Links (parents, duplicates, cycles) are checked by
    /// [`TaxonomyBuilder::build`].
    pub fn json(self, origin: &str, text: &str) -> Result<Self, TaxonomyError> {
        self.add(origin, text, true)
    }

    fn add(mut self, origin: &str, text: &str, extra: bool) -> Result<Self, TaxonomyError> {
        let doc: RawDoc = crate::json::from_str(text).map_err(|e| TaxonomyError::Json {
            origin: origin.to_owned(),
            line: e.line,
            column: e.column,
            reason: e.to_string(),
        })?;
        let invalid = |at: String, reason| TaxonomyError::Invalid {
            origin: origin.to_owned(),
            at,
            reason,
        };
        if doc.version != 1 {
            return Err(invalid("version".into(), "only version 1 is supported"));
        }
        if doc.pack.is_empty() {
            return Err(invalid("pack".into(), "`pack` must not be empty"));
        }
        let shipped = |at: String, prefix: &str| TaxonomyError::ShippedPrefix {
            origin: origin.to_owned(),
            at,
            prefix: prefix.to_owned(),
        };
        if let Some(prefix) = shipped_prefix(&doc.pack).filter(|_| extra) {
            return Err(shipped("pack".into(), prefix));
        }
        for (index, p) in doc.purposes.into_iter().enumerate() {
            if let Some(reason) = check_code(&p.code) {
                return Err(invalid(format!("purposes[{index}].code"), reason));
            }
            if let Some(prefix) = shipped_prefix(&p.code).filter(|_| extra) {
                return Err(shipped(format!("purposes[{index}].code"), prefix));
            }
            if let Some(parent) = &p.parent {
                if let Some(reason) = check_code(parent) {
                    return Err(invalid(format!("purposes[{index}].parent"), reason));
                }
                if extra && shipped_prefix(parent).is_some() {
                    return Err(TaxonomyError::ShippedParent {
                        code: p.code,
                        parent: parent.clone(),
                        origin: origin.to_owned(),
                        at: format!("purposes[{index}].parent"),
                    });
                }
            }
            if p.name.trim().is_empty() {
                return Err(invalid(
                    format!("purposes[{index}].name"),
                    "`name` must not be empty",
                ));
            }
            let purpose = Purpose {
                code: p.code,
                name: p.name,
                parent: p.parent,
                child_prohibited: p.child_prohibited,
                legitimate_use: p.legitimate_use,
                description: p.description,
                reference: p.reference,
                pack: doc.pack.clone(),
            };
            let origin = Origin {
                doc: origin.to_owned(),
                index,
                extra,
            };
            self.entries.push((purpose, origin));
        }
        if !self.packs.contains(&doc.pack) {
            self.packs.push(doc.pack);
        }
        Ok(self)
    }

    /// Links the purposes: every code unique, every parent known, no cycles, depth at most
    /// [`MAX_DEPTH`]. Errors are reported for the first offending entry in load order.
    pub fn build(self) -> Result<Taxonomy, TaxonomyError> {
        if !self.allow_legitimate_uses {
            let declared = self
                .entries
                .iter()
                .find(|(p, o)| o.extra && p.legitimate_use);
            if let Some((p, o)) = declared {
                return Err(TaxonomyError::LegitimateUseNotAllowed {
                    code: p.code.clone(),
                    origin: o.doc.clone(),
                    at: format!("purposes[{}].legitimate_use", o.index),
                });
            }
        }
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (i, (p, o)) in self.entries.iter().enumerate() {
            if let Some(&first) = index.get(&p.code) {
                let first = self
                    .entries
                    .get(first)
                    .map(|(_, f)| f.doc.clone())
                    .unwrap_or_default();
                return Err(TaxonomyError::DuplicateCode {
                    code: p.code.clone(),
                    origin: o.doc.clone(),
                    at: format!("purposes[{}]", o.index),
                    first,
                });
            }
            index.insert(p.code.clone(), i);
        }
        let mut parents = Vec::with_capacity(self.entries.len());
        for (p, o) in &self.entries {
            parents.push(match &p.parent {
                None => None,
                Some(code) => {
                    Some(
                        *index
                            .get(code)
                            .ok_or_else(|| TaxonomyError::UnknownParent {
                                code: p.code.clone(),
                                parent: code.clone(),
                                origin: o.doc.clone(),
                                at: format!("purposes[{}]", o.index),
                            })?,
                    )
                }
            });
        }
        let depth = depths(&parents).map_err(|(i, too_deep)| {
            let code = self
                .entries
                .get(i)
                .map(|(p, _)| p.code.clone())
                .unwrap_or_default();
            if too_deep {
                TaxonomyError::TooDeep {
                    code,
                    max: MAX_DEPTH,
                }
            } else {
                TaxonomyError::Cycle { code }
            }
        })?;
        // Inherited child_prohibited: visit parents before children (ascending depth).
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&i| depth.get(i).copied().unwrap_or(0));
        let mut child_prohibited = vec![false; self.entries.len()];
        for &i in &order {
            let own = self.entries.get(i).is_some_and(|(p, _)| p.child_prohibited);
            let inherited = parents
                .get(i)
                .copied()
                .flatten()
                .and_then(|pi| child_prohibited.get(pi).copied())
                .unwrap_or(false);
            if let Some(slot) = child_prohibited.get_mut(i) {
                *slot = own || inherited;
            }
        }
        let nodes = self
            .entries
            .into_iter()
            .zip(parents)
            .zip(depth)
            .zip(child_prohibited)
            .map(|((((purpose, _), parent), depth), child_prohibited)| Node {
                purpose,
                parent,
                depth,
                child_prohibited,
            })
            .collect();
        Ok(Taxonomy {
            nodes,
            index,
            packs: self.packs,
        })
    }
}

/// Depth of every node, or the index where a cycle (`false`) or excess depth (`true`) was found.
fn depths(parents: &[Option<usize>]) -> Result<Vec<usize>, (usize, bool)> {
    const UNSEEN: usize = usize::MAX;
    const ON_PATH: usize = usize::MAX - 1;
    let mut depth = vec![UNSEEN; parents.len()];
    let mut path = Vec::new();
    for start in 0..parents.len() {
        let mut cur = start;
        // Walk up until a node with a known depth or a root.
        let base = loop {
            match depth.get(cur).copied() {
                Some(ON_PATH) => return Err((cur, false)),
                Some(UNSEEN) => {}
                Some(d) => break Some(d),
                None => break None,
            }
            if let Some(slot) = depth.get_mut(cur) {
                *slot = ON_PATH;
            }
            path.push(cur);
            match parents.get(cur).copied().flatten() {
                Some(p) => cur = p,
                None => break None,
            }
        };
        // Unwind: the last pushed node is the root of the walk (or the child of `base`).
        let mut d = base.map_or(0, |b| b + 1);
        while let Some(i) = path.pop() {
            if d > MAX_DEPTH {
                return Err((i, true));
            }
            if let Some(slot) = depth.get_mut(i) {
                *slot = d;
            }
            d += 1;
        }
    }
    Ok(depth)
}

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
