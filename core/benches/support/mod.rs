//! Shared by the benches: a ratio measurement that holds on a busy machine.
#![allow(dead_code, clippy::indexing_slicing)]

/// Alternates short rounds of the raw primitive and the consentry operation and returns the
/// median of the per-round time ratios: both sides see the same machine load, so the ratio
/// holds on a busy machine where separate criterion timings drift.
pub(crate) fn interleaved_ratio(
    rounds: usize,
    iters: u32,
    raw: &mut dyn FnMut(),
    ours: &mut dyn FnMut(),
) -> f64 {
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        for _ in 0..iters {
            raw();
        }
        let r = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        for _ in 0..iters {
            ours();
        }
        ratios.push(t.elapsed().as_secs_f64() / r);
    }
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}
