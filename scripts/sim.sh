#!/usr/bin/env bash
# `make sim`: the seeded simulation of the money path (crates/konter-sim, docs/exactly-once.md).
#   make sim                 seeds 1..1000, plus every seed that ever failed
#   make sim SEEDS=300       seeds 1..300, plus every seed that ever failed
#   make sim SEED=42         replays one seed and prints its trace of events
# A failing seed is added to crates/konter-sim/failed-seeds.txt, which every run repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

cargo build --locked -p konter-sim
bin="$CARGO_TARGET_DIR/debug/konter-sim"
if [ -n "${SEED:-}" ]; then
  exec "$bin" --seed "$SEED" --trace
fi
exec "$bin" --seeds "${SEEDS:-1000}" --failed crates/konter-sim/failed-seeds.txt
