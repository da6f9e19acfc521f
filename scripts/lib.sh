# Sourced by the scripts in this folder (`. "$ROOT/scripts/lib.sh"`); defines functions only.

# The public test vectors: $CONSENTRY_VECTORS if set, else <repo>/tests/vectors. The same rule as
# tests/src/vectors_dir.rs, the Rust tests' copy.
consentry_vectors() {
  printf '%s\n' "${CONSENTRY_VECTORS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/vectors}"
}
