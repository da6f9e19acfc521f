//! Properties of decisions and record filtering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod purpose_support;

use std::collections::BTreeMap;

use consentry::purpose::{decide, Decision, Request, StatusInput, Taxonomy};
use consentry::scope::{filter_record, HookError, Selector};
use consentry::{Grant, GrantorRole, Mode, VerifiedArtefact};
use proptest::prelude::*;
use purpose_support::*;
use serde_json::{Map, Value};

const KEYS: &[&str] = &["a", "b", "c", "0", "1"];
const PURPOSES: &[&str] = &[
    "svc:service",
    "svc:service/account",
    "svc:marketing",
    "svc:marketing/targeted-ads",
    "svc:marketing/targeted-ads/profiling",
    "svc:tracking",
    "aa:101",
    "aa:cat-1",
    "xx:unknown",
];
const MODES: &[Mode] = &[Mode::View, Mode::Store, Mode::Query, Mode::Stream];

fn selector() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(KEYS).prop_map(str::to_owned),
            1 => Just("*".to_owned()),
        ],
        1..=3,
    )
    .prop_map(|segs| format!("/{}", segs.join("/")))
}

#[derive(Clone, Debug)]
struct GrantSpec {
    purpose: &'static str,
    fields: Vec<String>,
    mode: Mode,
    data_life: Option<u64>,
    transforms: Vec<(usize, &'static str)>,
}

fn grant() -> impl Strategy<Value = GrantSpec> {
    (
        prop::sample::select(PURPOSES),
        prop::collection::vec(selector(), 1..4),
        prop::sample::select(MODES),
        prop::option::of(0u64..200_000),
        prop::collection::vec(
            (0usize..4, prop::sample::select(&["mask", "pseudonym"][..])),
            0..2,
        ),
    )
        .prop_map(|(purpose, fields, mode, data_life, transforms)| GrantSpec {
            purpose,
            fields,
            mode,
            data_life,
            transforms,
        })
}

#[derive(Clone, Debug)]
struct Scenario {
    grants: Vec<GrantSpec>,
    child: bool,
    grantor: bool,
    nbf_offset: i64,
    life: i64,
    purpose: &'static str,
    operation: Mode,
    fields: Vec<String>,
    leeway: u64,
    t: i64,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(grant(), 1..4),
        prop::bool::weighted(0.25),
        any::<bool>(),
        0i64..1000,
        1i64..200_000,
        (
            prop::sample::select(PURPOSES),
            prop::sample::select(MODES),
            prop::bool::weighted(0.75),
        ),
        prop::collection::vec(selector(), 1..4),
        prop_oneof![Just(0u64), Just(60), 0u64..=300],
        (0i64..=1000, -400i64..400),
    )
        .prop_map(
            |(
                grants,
                child,
                grantor,
                nbf_offset,
                life,
                (purpose, operation, aligned),
                mut fields,
                leeway,
                (frac, skew),
            )| {
                // Mostly ask for what the first grant allows, so that permits are common.
                let (purpose, operation) = match grants.first() {
                    Some(g) if aligned => {
                        fields.extend(g.fields.first().cloned());
                        (g.purpose, g.mode)
                    }
                    _ => (purpose, operation),
                };
                Scenario {
                    grants,
                    child,
                    grantor,
                    nbf_offset,
                    life,
                    purpose,
                    operation,
                    fields,
                    leeway,
                    t: life * frac / 1000 + skew,
                }
            },
        )
}

impl Scenario {
    fn nbf(&self) -> i64 {
        IAT + self.nbf_offset
    }
    fn exp(&self) -> i64 {
        self.nbf() + self.life
    }

    fn artefact(&self) -> VerifiedArtefact {
        let mut b = base()
            .not_before(self.nbf())
            .expires(self.exp())
            .child(self.child);
        if self.grantor {
            b = b.grantor(GrantorRole::Guardian, "ev-1");
        }
        for g in &self.grants {
            let mut gr = Grant::new(g.purpose, g.fields.iter().map(String::as_str), g.mode);
            if let Some(d) = g.data_life {
                gr = gr.data_life(d);
            }
            for (i, t) in &g.transforms {
                if let Some(f) = g.fields.get(*i) {
                    gr = gr.transform(f, t);
                }
            }
            b = b.grant(gr);
        }
        artefact(b)
    }

    fn request(&self, now: i64) -> Request {
        Request::new(FIU, self.purpose, self.operation, &self.fields, now)
            .unwrap()
            .with_leeway(self.leeway)
    }
}

fn tax() -> &'static Taxonomy {
    static T: std::sync::OnceLock<Taxonomy> = std::sync::OnceLock::new();
    T.get_or_init(taxonomy)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn decisions_are_deterministic(s in scenario()) {
        let a = s.artefact();
        let r = s.request(s.nbf() + s.t);
        let d1 = decide(&a, &r, tax(), StatusInput::Valid);
        let d2 = decide(&a.clone(), &r.clone(), &taxonomy(), StatusInput::Valid);
        prop_assert_eq!(&d1, &d2);
        prop_assert_eq!(d1.to_json(), d2.to_json());
        if let Decision::Deny { reasons } = &d1 {
            prop_assert!(!reasons.is_empty());
            prop_assert!(reasons.windows(2).all(|w| w[0].code <= w[1].code));
        }
    }

    #[test]
    fn permitted_fields_are_within_requested_and_consented(s in scenario()) {
        let a = s.artefact();
        let r = s.request(s.nbf() + s.t);
        if let Decision::Permit(p) = decide(&a, &r, tax(), StatusInput::Valid) {
            let requested: Vec<Selector> = s.fields.iter().map(|f| sel(f)).collect();
            let consented: Vec<Selector> = s
                .grants
                .iter()
                .flat_map(|g| g.fields.iter().map(|f| sel(f)))
                .collect();
            prop_assert!(!p.fields.is_empty());
            for f in &p.fields {
                prop_assert!(requested.iter().any(|q| q.covers(f)), "{} not requested", f);
                prop_assert!(consented.iter().any(|g| g.covers(f)), "{} not consented", f);
            }
            for k in p.transforms.keys() {
                prop_assert!(p.fields.iter().any(|f| f.covers(k)), "transform {} outside fields", k);
            }
            prop_assert!(p.erase_by <= s.exp());
        }
    }

    #[test]
    fn a_permit_holds_across_the_validity_window(s in scenario(), probes in prop::collection::vec(0i64..1_000_000, 4)) {
        let a = s.artefact();
        let t = s.nbf() + s.t;
        let d = decide(&a, &s.request(t), tax(), StatusInput::Valid);
        if let Decision::Permit(p) = d {
            let (nbf, exp) = (s.nbf(), s.exp());
            let lw = i64::try_from(s.leeway).unwrap();
            let mut times = vec![nbf, exp - 1, nbf - lw, exp + lw - 1];
            times.extend(probes.iter().map(|x| nbf + x % (exp - nbf)));
            for t2 in times {
                match decide(&a, &s.request(t2), tax(), StatusInput::Valid) {
                    Decision::Permit(p2) => {
                        prop_assert_eq!(&p2.fields, &p.fields);
                        prop_assert_eq!(&p2.transforms, &p.transforms);
                    }
                    other => prop_assert!(false, "permit at {} but not at {}: {:?}", t, t2, other),
                }
            }
        }
    }
}

// ---- record filtering ----------------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u8>().prop_map(Value::from)
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(KEYS).prop_map(str::to_owned),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn record() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(KEYS).prop_map(str::to_owned),
        json_value(),
        0..5,
    )
    .prop_map(|m| {
        let mut v = Value::Object(m.into_iter().collect());
        let mut n = 0u64;
        number_leaves(&mut v, &mut n);
        v
    })
}

/// Makes every scalar leaf a distinct number, so that leaves can be traced.
fn number_leaves(v: &mut Value, n: &mut u64) {
    match v {
        Value::Object(m) => m.values_mut().for_each(|c| number_leaves(c, n)),
        Value::Array(a) => a.iter_mut().for_each(|c| number_leaves(c, n)),
        other => {
            *n += 1;
            *other = Value::from(*n);
        }
    }
}

/// Leaves (scalars and empty containers, not the root) with their concrete paths.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    let is_leaf = match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    };
    if is_leaf {
        if !path.is_empty() {
            out.push((path.clone(), v.clone()));
        }
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                path.push(k.clone());
                leaves(c, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(c, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn sorted_values(v: Vec<(Vec<String>, Value)>) -> Vec<String> {
    let mut s: Vec<String> = v.into_iter().map(|(_, x)| x.to_string()).collect();
    s.sort();
    s
}

const MARK: &str = "transformed";

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Without transforms the output holds exactly the input leaves the permit covers.
    #[test]
    fn filtering_keeps_exactly_the_covered_leaves(r in record(), fields in prop::collection::vec(selector(), 1..4)) {
        let fields: Vec<Selector> = fields.iter().map(|f| sel(f)).collect();
        let out = filter_record(&r, &fields, &BTreeMap::new(), &consentry::scope::NoTransforms).unwrap();
        let mut input = Vec::new();
        leaves(&r, &mut Vec::new(), &mut input);
        let covered: Vec<_> = input
            .into_iter()
            .filter(|(p, _)| fields.iter().any(|f| f.matches_path(p)))
            .collect();
        let mut output = Vec::new();
        leaves(&out, &mut Vec::new(), &mut output);
        prop_assert_eq!(sorted_values(output), sorted_values(covered));
    }

    /// With transforms, nothing outside the permit is emitted, and nothing a transform selector
    /// names is emitted untransformed.
    #[test]
    fn filtering_never_emits_outside_the_permit(
        r in record(),
        fields in prop::collection::vec(selector(), 1..4),
        transforms in prop::collection::vec((selector(), prop::sample::select(&["mask", "drop"][..])), 0..3),
    ) {
        let fields: Vec<Selector> = fields.iter().map(|f| sel(f)).collect();
        // One transform id per selector (conflicts are tested elsewhere).
        let tmap: BTreeMap<Selector, String> =
            transforms.iter().map(|(s, t)| (sel(s), (*t).to_owned())).collect();
        let mark = |_: &str, _: &Selector, _: &Value| -> Result<Value, HookError> { Ok(Value::from(MARK)) };
        let out = match filter_record(&r, &fields, &tmap, &mark) {
            Ok(out) => out,
            Err(e) => {
                prop_assert_eq!(e.code(), consentry::Code::TransformConflict);
                return Ok(());
            }
        };
        let mut input = Vec::new();
        leaves(&r, &mut Vec::new(), &mut input);
        let allowed: Vec<String> = sorted_values(
            input
                .into_iter()
                .filter(|(p, _)| fields.iter().any(|f| f.matches_path(p)))
                .filter(|(p, _)| !tmap.keys().any(|t| t.matches_path(p)))
                .collect(),
        );
        let mut output = Vec::new();
        leaves(&out, &mut Vec::new(), &mut output);
        let mut allowed = allowed;
        for (_, v) in output {
            // Markers replaced transformed values; an empty container carries no data (a
            // granted container whose members were all dropped by a `drop` transform).
            let empty = v.as_object().is_some_and(Map::is_empty) || v.as_array().is_some_and(Vec::is_empty);
            if v == MARK || empty {
                continue;
            }
            let s = v.to_string();
            let pos = allowed.iter().position(|a| *a == s);
            prop_assert!(pos.is_some(), "emitted a leaf outside the permit: {}", s);
            if let Some(i) = pos {
                allowed.remove(i);
            }
        }
    }
}

use consentry::HasCode as _;

// ---- selector algebra ----------------------------------------------------------------------

fn concrete_path() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(KEYS).prop_map(str::to_owned), 0..5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// `intersect` names exactly the locations both selectors name; `covers` is subset.
    #[test]
    fn intersect_and_covers_agree_with_matching(a in selector(), b in selector(), paths in prop::collection::vec(concrete_path(), 16)) {
        let (a, b) = (sel(&a), sel(&b));
        let m = a.intersect(&b);
        prop_assert_eq!(m.clone(), b.intersect(&a));
        for p in &paths {
            let both = a.matches_path(p) && b.matches_path(p);
            prop_assert_eq!(both, m.as_ref().is_some_and(|m| m.matches_path(p)), "{:?}", p);
            if a.covers(&b) && b.matches_path(p) {
                prop_assert!(a.matches_path(p));
            }
        }
        if let Some(m) = &m {
            prop_assert!(a.covers(m) && b.covers(m));
        }
        prop_assert_eq!(sel(&a.to_string()), a);
    }
}
