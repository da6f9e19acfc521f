//! The granted fields: requested selectors intersected with a grant's, in linear time, within a
//! step budget ([`MAX_FIELD_STEPS`](super::MAX_FIELD_STEPS)).

use crate::scope::{Segment, Selector};

/// A step budget for computing granted fields (see [`MAX_FIELD_STEPS`]).
pub(super) struct Budget {
    left: usize,
    out: bool,
}

impl Budget {
    pub(super) fn new(steps: usize) -> Self {
        Budget {
            left: steps,
            out: false,
        }
    }

    /// Spends `n` steps; `false` (and the budget is spent from then on) when there were fewer.
    pub(super) fn spend(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(left) if !self.out => {
                self.left = left;
                true
            }
            _ => {
                self.out = true;
                false
            }
        }
    }

    pub(super) fn exhausted(&self) -> bool {
        self.out
    }
}

/// Budget steps for copying `segs`: one, plus one per 8 bytes of keys (so that long keys from
/// the artefact cannot make a bounded number of steps copy unbounded text).
fn bytes_cost(segs: &[Segment]) -> usize {
    segs.iter().fold(1, |acc, s| match s {
        Segment::Key(k) => acc.saturating_add(k.len() / 8),
        Segment::Any => acc,
    })
}

/// A trie of selectors, one path of segments per selector.
#[derive(Default)]
struct Trie<'a> {
    nodes: Vec<TrieNode<'a>>,
}

#[derive(Default)]
struct TrieNode<'a> {
    /// Children by key segment, sorted by key (selectors go in sorted, so keys arrive in order).
    keys: Vec<(&'a str, usize)>,
    /// The child by `*`.
    any: Option<usize>,
    /// Whether a selector ends here.
    end: bool,
}

impl<'a> TrieNode<'a> {
    fn key(&self, k: &str) -> Option<usize> {
        self.keys
            .binary_search_by(|(x, _)| (*x).cmp(k))
            .ok()
            .and_then(|i| self.keys.get(i))
            .map(|&(_, c)| c)
    }
}

impl<'a> Trie<'a> {
    /// A trie of `selectors`, which must be sorted (children are appended in key order).
    fn new(selectors: &'a [Selector]) -> Self {
        let mut t = Trie {
            nodes: vec![TrieNode::default()],
        };
        for s in selectors {
            let mut cur = 0;
            for seg in s.segments() {
                let next = t.nodes.len();
                let Some(node) = t.nodes.get_mut(cur) else {
                    break;
                };
                cur = match seg {
                    Segment::Any => *node.any.get_or_insert(next),
                    Segment::Key(k) => match node.keys.last() {
                        Some(&(last, c)) if last == k.as_str() => c,
                        _ => {
                            node.keys.push((k.as_str(), next));
                            next
                        }
                    },
                };
                if cur == next {
                    t.nodes.push(TrieNode::default());
                }
            }
            if let Some(node) = t.nodes.get_mut(cur) {
                node.end = true;
            }
        }
        t
    }

    fn node(&self, i: usize) -> Option<&TrieNode<'a>> {
        self.nodes.get(i)
    }

    /// Pushes to `out` the intersection of `r` with every selector in the trie (walking only
    /// the branches that meet `r`); `prefix` holds the merged segments above `node`, at depth
    /// `d`. `false` when the budget ran out.
    fn intersect(
        &self,
        node: usize,
        r: &[Segment],
        d: usize,
        prefix: &mut Vec<Segment>,
        out: &mut Vec<Selector>,
        budget: &mut Budget,
    ) -> bool {
        let Some(n) = self.node(node) else {
            return true;
        };
        if !budget.spend(1) {
            return false;
        }
        let rest = r.get(d..).unwrap_or(&[]);
        if n.end && d > 0 {
            // A granted selector of length `d` (at most `r`'s): the merged prefix, then `r`'s rest.
            let mut segs = prefix.clone();
            segs.extend(rest.iter().cloned());
            if !budget.spend(bytes_cost(&segs)) {
                return false;
            }
            out.extend(Selector::from_segments(segs));
        }
        match rest.first() {
            // `r` ends here: every longer granted selector below, as it is.
            None => self.below(node, prefix, out, budget),
            Some(Segment::Key(k)) => {
                for child in [n.key(k), n.any].into_iter().flatten() {
                    if !budget.spend(1 + k.len() / 8) {
                        return false;
                    }
                    prefix.push(Segment::Key(k.clone()));
                    let ok = self.intersect(child, r, d + 1, prefix, out, budget);
                    prefix.pop();
                    if !ok {
                        return false;
                    }
                }
                true
            }
            Some(Segment::Any) => {
                let keyed = n.keys.iter().map(|&(k, c)| (Segment::Key(k.to_owned()), c));
                for (seg, child) in keyed.chain(n.any.map(|c| (Segment::Any, c))) {
                    if !budget.spend(bytes_cost(core::slice::from_ref(&seg))) {
                        return false;
                    }
                    prefix.push(seg);
                    let ok = self.intersect(child, r, d + 1, prefix, out, budget);
                    prefix.pop();
                    if !ok {
                        return false;
                    }
                }
                true
            }
        }
    }

    /// Pushes every selector strictly below `node` (whose path is `prefix`).
    fn below(
        &self,
        node: usize,
        prefix: &mut Vec<Segment>,
        out: &mut Vec<Selector>,
        budget: &mut Budget,
    ) -> bool {
        let Some(n) = self.node(node) else {
            return true;
        };
        let keyed = n.keys.iter().map(|&(k, c)| (Segment::Key(k.to_owned()), c));
        for (seg, child) in keyed.chain(n.any.map(|c| (Segment::Any, c))) {
            if !budget.spend(bytes_cost(core::slice::from_ref(&seg))) {
                return false;
            }
            prefix.push(seg);
            let end = self.node(child).is_some_and(|c| c.end);
            if end {
                if !budget.spend(bytes_cost(prefix)) {
                    prefix.pop();
                    return false;
                }
                out.extend(Selector::from_segments(prefix.clone()));
            }
            let ok = self.below(child, prefix, out, budget);
            prefix.pop();
            if !ok {
                return false;
            }
        }
        true
    }

    /// Whether a selector in the trie other than `s` covers `s` (`s` is in the trie). Follows,
    /// level by level, only the key equal to `s`'s and `*`: at most the selectors that could
    /// cover a prefix of `s`. `None` when the budget ran out.
    fn covered(
        &self,
        node: usize,
        s: &[Segment],
        d: usize,
        exact: bool,
        budget: &mut Budget,
    ) -> Option<bool> {
        let n = self.node(node)?;
        if !budget.spend(1) {
            return None;
        }
        match s.get(d) {
            None => Some(n.end && !exact),
            Some(_) if n.end && d > 0 => Some(true),
            Some(Segment::Any) => match n.any {
                Some(c) => self.covered(c, s, d + 1, exact, budget),
                None => Some(false),
            },
            Some(Segment::Key(k)) => {
                if let Some(c) = n.key(k) {
                    if self.covered(c, s, d + 1, exact, budget)? {
                        return Some(true);
                    }
                }
                match n.any {
                    Some(c) => self.covered(c, s, d + 1, false, budget),
                    None => Some(false),
                }
            }
        }
    }
}

/// The minimal sorted set of pairwise intersections of `requested` and `granted` (none covers
/// another), or `None` when it would take more than the budget.
///
/// Cost: the granted selectors go into a trie; each requested selector walks only the branches
/// it meets (a key follows its own key and `*`; a `*` follows every child). The intersections go
/// into a second trie, and each is checked for a cover by walking only its own keys and `*`. No
/// pass is quadratic in the number of requested selectors; every step is counted against
/// `budget` (copying a key costs one step per 8 bytes), so the work and the memory are at most
/// `O(R·L + G·L + MAX_FIELD_STEPS)` for `R` requested and `G` granted selectors of at most `L`
/// segments, whatever the artefact holds.
pub(super) fn intersect_all(
    requested: &[Selector],
    granted: &[Selector],
    budget: &mut Budget,
) -> Option<Vec<Selector>> {
    let mut sorted = granted.to_vec();
    sorted.sort();
    let grants = Trie::new(&sorted);
    let mut all = Vec::new();
    let mut prefix = Vec::new();
    for r in requested {
        if !grants.intersect(0, r.segments(), 0, &mut prefix, &mut all, budget) {
            return None;
        }
    }
    all.sort();
    all.dedup();
    let found = Trie::new(&all);
    let mut keep = Vec::with_capacity(all.len());
    for s in &all {
        keep.push(!found.covered(0, s.segments(), 0, true, budget)?);
    }
    Some(
        all.into_iter()
            .zip(keep)
            .filter_map(|(s, k)| k.then_some(s))
            .collect(),
    )
}

/// The quadratic reference the trie version replaced: pairwise intersections, then an
/// all-pairs minimality pass. Tests compare the two.
#[cfg(test)]
fn intersect_all_reference(requested: &[Selector], granted: &[Selector]) -> Vec<Selector> {
    let mut all: Vec<Selector> = requested
        .iter()
        .flat_map(|r| granted.iter().filter_map(move |g| r.intersect(g)))
        .collect();
    all.sort();
    all.dedup();
    let keep: Vec<bool> = all
        .iter()
        .enumerate()
        .map(|(i, s)| !all.iter().enumerate().any(|(j, o)| j != i && o.covers(s)))
        .collect();
    all.into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use crate::purpose::{MAX_FIELD_STEPS, MAX_REQUEST_FIELDS};
    use proptest::prelude::*;

    fn sel() -> impl Strategy<Value = Selector> {
        prop::collection::vec(
            prop_oneof![Just("*"), Just("a"), Just("b"), Just("0")],
            1..5,
        )
        .prop_map(|segs| Selector::parse(&format!("/{}", segs.join("/"))).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn trie_fields_equal_the_pairwise_reference(
            requested in prop::collection::vec(sel(), 0..12),
            granted in prop::collection::vec(sel(), 0..12),
        ) {
            let mut budget = Budget::new(MAX_FIELD_STEPS);
            let fast = intersect_all(&requested, &granted, &mut budget).unwrap();
            prop_assert_eq!(fast, intersect_all_reference(&requested, &granted));
        }
    }

    #[test]
    fn two_thousand_requested_selectors_give_the_reference_answer() {
        let granted: Vec<Selector> = (0..20)
            .map(|i| Selector::parse(&format!("/g{i}/*")).unwrap())
            .chain([Selector::parse("/accounts/*/balance").unwrap()])
            .collect();
        let requested: Vec<Selector> = (0..2000)
            .map(|i| Selector::parse(&format!("/g{}/k{i}", i % 25)).unwrap())
            .chain([
                Selector::parse("/accounts").unwrap(),
                Selector::parse("/*/x").unwrap(),
            ])
            .collect();
        let mut budget = Budget::new(MAX_FIELD_STEPS);
        let fast = intersect_all(&requested, &granted, &mut budget).unwrap();
        assert_eq!(fast, intersect_all_reference(&requested, &granted));
        assert!(fast.len() > 1500);
    }

    #[test]
    fn long_granted_keys_cannot_multiply_into_unbounded_output() {
        // 4,096 requested `*` selectors each meeting one 60,000-byte granted key would copy
        // 245 MB; the budget stops it first.
        let granted = vec![Selector::parse(&format!("/{}", "k".repeat(60_000))).unwrap()];
        let requested: Vec<Selector> = (0..MAX_REQUEST_FIELDS)
            .map(|i| Selector::parse(&format!("/*/a{i}")).unwrap())
            .collect();
        let mut budget = Budget::new(MAX_FIELD_STEPS);
        assert_eq!(intersect_all(&requested, &granted, &mut budget), None);
        assert!(budget.exhausted());
    }

    #[test]
    fn an_exhausted_budget_gives_no_fields() {
        let granted = vec![Selector::parse("/a").unwrap()];
        let requested = vec![Selector::parse("/a/b").unwrap()];
        assert_eq!(
            intersect_all(&requested, &granted, &mut Budget::new(1)),
            None
        );
    }
}
