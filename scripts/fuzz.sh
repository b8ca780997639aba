#!/usr/bin/env bash
# `make fuzz`: every fuzz target (crates/konter-fuzz), 10 million inputs each by default.
#   make fuzz                 all targets
#   make fuzz RUNS=100000     fewer inputs
#   make fuzz TARGET=phone    one target
# With a nightly toolchain and cargo-fuzz installed (`cargo install cargo-fuzz`), the
# targets run under libFuzzer (coverage-guided, fuzz/); otherwise on the stable driver.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

runs="${RUNS:-10000000}"
targets="phone pln_number sn_token money digiflazz_answer iak_answer webhook_digiflazz webhook_iak webhook_midtrans"
if [ -n "${TARGET:-}" ]; then
  targets="$TARGET"
fi
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  for t in $targets; do
    echo "== $t (libFuzzer)"
    (cd fuzz && cargo +nightly fuzz run "$t" -- -runs="$runs")
  done
  exit 0
fi
echo "no nightly cargo-fuzz here: the stable driver runs the same targets (not coverage-guided)"
cargo build --locked --release -p konter-fuzz
for t in $targets; do
  "$CARGO_TARGET_DIR/release/konter-fuzz" --runs "$runs" --target "$t"
done
