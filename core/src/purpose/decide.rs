//! The decision procedure: the request-level checks in order, then the grant-level checks of
//! every covering grant.

use std::collections::BTreeMap;

use super::fields::{intersect_all, Budget};
use super::permit::{Decision, Permit};
use super::reasons::{Reason, ReasonCode};
use super::request::{Request, MAX_FIELD_STEPS};
use super::taxonomy::Taxonomy;
use crate::artefact::{Grant, GrantorRole, Mode};
use crate::scope::Selector;
use crate::status::StatusInput;
use crate::verify::{VerifiedArtefact, MAX_LEEWAY};

/// Whether a grant in mode `granted` allows the operation `requested`.
///
/// The lattice is deliberately small: `store` implies `view` (a recipient allowed to keep a copy
/// may display it); `view`, `query` and `stream` allow only themselves.
///
/// ```
/// use consentry::purpose::mode_allows;
/// use consentry::Mode;
/// assert!(mode_allows(Mode::Store, Mode::View));
/// assert!(!mode_allows(Mode::View, Mode::Store));
/// assert!(!mode_allows(Mode::Stream, Mode::View));
/// ```
pub fn mode_allows(granted: Mode, requested: Mode) -> bool {
    granted == requested || (granted == Mode::Store && requested == Mode::View)
}

/// What a covering grant allows, when it passes every grant-level check.
struct Granted {
    fields: Vec<Selector>,
    transforms: BTreeMap<Selector, String>,
}

fn reason(code: ReasonCode, message: impl Into<String>) -> Reason {
    Reason {
        code,
        message: message.into(),
    }
}

/// Decides a request (see the [module docs](crate::purpose) for the checks and their order).
///
/// Deterministic and total: the same inputs give the same decision, and no input panics.
pub fn decide(
    verified: &VerifiedArtefact,
    request: &Request,
    taxonomy: &Taxonomy,
    status: StatusInput,
) -> Decision {
    decide_claims(&verified.claims, request, taxonomy, status)
}

/// [`decide`] on authenticated claims: a verified artefact's, or an imported Account
/// Aggregator consent's (`crate::aa::ImportedConsent::decide`). Crate-private so that no caller
/// decides on claims nobody verified.
pub(crate) fn decide_claims(
    c: &crate::artefact::Claims,
    request: &Request,
    taxonomy: &Taxonomy,
    status: StatusInput,
) -> Decision {
    let mut reasons = Vec::new();

    if request.leeway > MAX_LEEWAY {
        reasons.push(reason(
            ReasonCode::UndecidableRequest,
            "`leeway` must be at most 300 seconds",
        ));
    }
    if request.recipient.is_empty() {
        reasons.push(reason(
            ReasonCode::UndecidableRequest,
            "`recipient` must not be empty",
        ));
    }
    if request.purpose.is_empty() {
        reasons.push(reason(
            ReasonCode::UndecidableRequest,
            "`purpose` must not be empty",
        ));
    }
    if request.fields.is_empty() {
        reasons.push(reason(
            ReasonCode::UndecidableRequest,
            "`fields` must name at least one selector",
        ));
    }
    let too_large = request.check_limits().err();
    if let Some(e) = &too_large {
        reasons.push(reason(ReasonCode::UndecidableRequest, e.to_string()));
    }

    let leeway = i128::from(request.leeway.min(MAX_LEEWAY));
    let now = i128::from(request.now);
    if let Some(nbf) = c.nbf {
        if now < i128::from(nbf) - leeway {
            reasons.push(reason(
                ReasonCode::NotYetValid,
                format!("artefact not yet valid: `nbf` {nbf} - leeway {leeway} s > now {now}"),
            ));
        }
    }
    if now >= i128::from(c.exp) + leeway {
        reasons.push(reason(
            ReasonCode::Expired,
            format!(
                "artefact expired: `exp` {} + leeway {leeway} s <= now {now}",
                c.exp
            ),
        ));
    }

    if i128::from(c.iat) > now + leeway {
        reasons.push(reason(
            ReasonCode::IssuedInFuture,
            format!(
                "artefact issued in the future: `iat` {} is after now {now} + leeway {leeway} s",
                c.iat
            ),
        ));
    }

    if !c.aud.contains(&request.recipient) {
        reasons.push(reason(
            ReasonCode::AudienceMismatch,
            "recipient is not in `aud`",
        ));
    }

    match status {
        StatusInput::Revoked => reasons.push(reason(ReasonCode::Revoked, "artefact is revoked")),
        StatusInput::Suspended => {
            reasons.push(reason(ReasonCode::Suspended, "artefact is suspended"));
        }
        StatusInput::Unknown if c.status.is_some() && !request.accept_unknown_status => {
            reasons.push(reason(
                ReasonCode::StatusUnknown,
                "artefact's status in its `status` list is unknown",
            ));
        }
        StatusInput::Malformed => {
            reasons.push(reason(
                ReasonCode::StatusUnknown,
                "artefact's `status` index lies past the end of its issuer's list",
            ));
        }
        StatusInput::Valid | StatusInput::Unknown => {}
    }

    let basis = c.consent.basis.as_str();
    let legitimate_use = basis != "consent" && taxonomy.is_legitimate_use(basis);
    if basis != "consent" && !legitimate_use {
        reasons.push(reason(
            ReasonCode::BasisInvalid,
            "`consent.basis` is neither `consent` nor a legitimate use in the taxonomy",
        ));
    }

    let child = c.consent.child == Some(true);
    // Verifiable parental consent (DPDP s.9(1)) unless a valid legitimate use is the basis.
    if child && !legitimate_use {
        let verified_grantor = c.consent.grantor.as_ref().is_some_and(|g| {
            matches!(g.role, GrantorRole::Parent | GrantorRole::Guardian)
                && !g.evidence.trim().is_empty()
        });
        if !verified_grantor {
            reasons.push(reason(
                ReasonCode::ChildConsentUnverified,
                "a child's consent needs `consent.grantor` with role `parent` or `guardian` and evidence",
            ));
        }
    }

    let requested = taxonomy.index_of(&request.purpose);
    match requested {
        None => reasons.push(reason(
            ReasonCode::PurposeUnknown,
            format!("purpose `{}` is not in the taxonomy", request.purpose),
        )),
        Some(r) if child && taxonomy.child_prohibited_at(r) => reasons.push(reason(
            ReasonCode::ChildProhibited,
            format!(
                "purpose `{}` is prohibited for children (dpdp s.9(3))",
                request.purpose
            ),
        )),
        Some(_) => {}
    }

    // Grants covering the requested purpose, in artefact order.
    let mut chain = [usize::MAX; super::taxonomy::MAX_DEPTH + 1];
    let mut chain_len = 0;
    for (slot, i) in chain.iter_mut().zip(taxonomy.chain(requested)) {
        *slot = i;
        chain_len += 1;
    }
    let chain = chain.get(..chain_len).unwrap_or(&[]);
    let mut covering = Vec::new();
    let mut unknown_grants = 0usize;
    for (i, g) in c.consent.purposes.iter().enumerate() {
        match taxonomy.index_of(&g.purpose) {
            None => unknown_grants += 1,
            Some(gi) if chain.contains(&gi) => covering.push(i),
            Some(_) => {}
        }
    }
    if covering.is_empty() {
        if requested.is_some() {
            reasons.push(reason(
                ReasonCode::PurposeNotGranted,
                format!("no grant covers purpose `{}`", request.purpose),
            ));
        }
        if unknown_grants > 0 {
            reasons.push(reason(
                ReasonCode::GrantPurposeUnknown,
                format!("{unknown_grants} grant(s) in `consent.purposes` name purposes not in the taxonomy"),
            ));
        }
    }

    let mut best: Option<(usize, Granted)> = None;
    let mut grant_reasons = Vec::new();
    let mut budget = Budget::new(MAX_FIELD_STEPS);
    // An over-cap request is denied above; its fields are not computed.
    let covering = if too_large.is_some() {
        Vec::new()
    } else {
        covering
    };
    for &i in &covering {
        let Some(g) = c.consent.purposes.get(i) else {
            continue;
        };
        match evaluate(g, i, request, &mut budget) {
            Ok(granted) => {
                let better = best
                    .as_ref()
                    .is_none_or(|(_, b)| granted.fields.len() > b.fields.len());
                if better {
                    best = Some((i, granted));
                }
            }
            Err(mut rs) => grant_reasons.append(&mut rs),
        }
    }
    if best.is_none() {
        reasons.append(&mut grant_reasons);
    }
    if budget.exhausted() {
        reasons.push(reason(
            ReasonCode::UndecidableRequest,
            format!("the requested fields meet the granted ones in too many ways (over {MAX_FIELD_STEPS} steps)"),
        ));
    }

    match best {
        Some((i, granted)) if reasons.is_empty() => {
            let data_life = c
                .consent
                .purposes
                .get(i)
                .and_then(|g| g.data_life)
                .map(|d| i64::try_from(d).unwrap_or(i64::MAX));
            let erase_by = match data_life {
                Some(d) => request.now.saturating_add(d).min(c.exp),
                None => c.exp,
            };
            Decision::Permit(Permit {
                fields: granted.fields,
                transforms: granted.transforms,
                erase_by,
            })
        }
        _ => {
            if reasons.is_empty() {
                // Unreachable by construction; fail closed all the same.
                reasons.push(reason(
                    ReasonCode::PurposeNotGranted,
                    format!("no grant covers purpose `{}`", request.purpose),
                ));
            }
            reasons.sort_by_key(|r| r.code);
            Decision::Deny { reasons }
        }
    }
}

/// The grant-level checks (14–18) for grant `i`.
fn evaluate(
    g: &Grant,
    i: usize,
    request: &Request,
    budget: &mut Budget,
) -> Result<Granted, Vec<Reason>> {
    let at = |m: &str| format!("consent.purposes[{i}].{m}");
    let mut rs = Vec::new();

    let mut granted = Vec::with_capacity(g.fields.len());
    for (j, f) in g.fields.iter().enumerate() {
        match Selector::parse(f) {
            Ok(s) => granted.push(s),
            Err(e) => rs.push(reason(
                ReasonCode::GrantInvalid,
                format!("`{}[{j}]`: {}", at("fields"), e.reason()),
            )),
        }
    }
    let mut required = Vec::new();
    for (sel, id) in g.transforms.iter().flatten() {
        match Selector::parse(sel) {
            Ok(s) => required.push((s, id)),
            Err(e) => rs.push(reason(
                ReasonCode::GrantInvalid,
                format!("`{}`: {}", at("transforms"), e.reason()),
            )),
        }
    }

    if !mode_allows(g.mode, request.operation) {
        rs.push(reason(
            ReasonCode::ModeNotGranted,
            format!(
                "`{}` is `{}`, which does not allow `{}`",
                at("mode"),
                g.mode.as_str(),
                request.operation.as_str()
            ),
        ));
    }

    let Some(fields) = intersect_all(&request.fields, &granted, budget) else {
        // Out of budget: `decide` denies with `undecidable_request`.
        return Err(Vec::new());
    };
    if fields.is_empty() {
        rs.push(reason(
            ReasonCode::FieldsNotGranted,
            format!("no requested field is within `{}`", at("fields")),
        ));
    }

    if let Some(fr) = g.frequency {
        match request.uses {
            None => rs.push(reason(
                ReasonCode::FrequencyUnchecked,
                format!(
                    "`{}` sets a budget but the request gives no `uses`",
                    at("frequency")
                ),
            )),
            Some(u) if u >= fr.max => rs.push(reason(
                ReasonCode::FrequencyExceeded,
                format!(
                    "{u} uses already made; `{}` allows {} per {} s",
                    at("frequency"),
                    fr.max,
                    fr.per
                ),
            )),
            Some(_) => {}
        }
    }

    let mut transforms: BTreeMap<Selector, String> = BTreeMap::new();
    if !budget.spend(fields.len().saturating_mul(required.len())) {
        return Err(Vec::new());
    }
    for f in &fields {
        for (t, id) in &required {
            let Some(m) = f.intersect(t) else { continue };
            match transforms.get(&m) {
                Some(prev) if prev != *id => rs.push(reason(
                    ReasonCode::GrantInvalid,
                    format!(
                        "`{}` requires different transforms at `{m}`",
                        at("transforms")
                    ),
                )),
                Some(_) => {}
                None => {
                    transforms.insert(m, (*id).clone());
                }
            }
        }
    }

    if rs.is_empty() {
        Ok(Granted { fields, transforms })
    } else {
        Err(rs)
    }
}
