//! Field selectors: JSON-pointer-like paths naming what may leave the data provider.
//!
//! `/name`, `/address/pincode`, `/members/*/aadhaar`: segments after `/`, `*` matching any
//! array index or object key, `~1` and `~0` escaping `/` and `~` as in RFC 6901.
//!
//! # What a selector denotes
//!
//! A selector names a **subtree**: every location whose path starts with the selector's segments
//! (`*` standing for any one key or index). `/address` therefore covers `/address/pincode`, and
//! `/members/*` covers `/members/3/aadhaar`. Array indices are written in decimal (`/members/0`).
//!
//! - [`Selector::covers`]: `a` covers `b` when every location `b` names is also named by `a`
//!   (`a` is a segment-wise prefix of `b`, where `*` in `a` matches any segment of `b`, but a key
//!   in `a` never matches `*` in `b`).
//! - [`Selector::intersect`]: the selector naming exactly the locations both name, or `None` when
//!   they are disjoint: segment by segment a key meets an equal key or `*` (giving the key), `*`
//!   meets `*`, two different keys are disjoint; the longer selector's remaining segments are
//!   appended (a shorter selector names the whole subtree, so it does not constrain them).
//!
//! # Record filtering
//!
//! [`filter_record`] keeps only the locations of a JSON record that a list of granted selectors
//! covers, and passes every location a transform selector names through a caller-supplied
//! [`TransformHook`]. Nothing that is not covered is ever copied; a required transform that no hook
//! can apply is an error ([`FilterError`]), never a pass-through.
//!
//! # One language
//!
//! Pseudonymisation policies use this same language for their keys (with one addition: a key
//! not starting with `/` is one literal step, a CSV column or top-level member), and their
//! overlap rule is [`Selector::intersect`] being `Some`. Walking a record along a selector
//! ([`Selector::locate`]) and binding a `shift` subject's `*` steps ([`Selector::bind`]) are
//! shared by pseudonymisation and filtering, so a permit's transform and a policy give the same
//! bytes for the same record.

mod filter;
mod selector;

pub use filter::{
    filter_record, FilterError, HookError, Location, NoTransforms, TransformHook, DROP,
};
pub(crate) use selector::index_of;
pub use selector::{PathStep, Segment, Selector, SelectorError};
