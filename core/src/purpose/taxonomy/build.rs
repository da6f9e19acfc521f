//! Loading packs and documents and linking them into a [`Taxonomy`]: schema, code rules, the
//! shipped-prefix guard, parents, cycles and depth.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Node, Pack, Purpose, Taxonomy, TaxonomyError, MAX_CODE_LEN, MAX_DEPTH};

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
