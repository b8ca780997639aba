#!/usr/bin/env bash
# `make sim`: the seeded simulation of the money path (crates/konter-sim, docs/exactly-once.md).
#   make sim                 seeds 1..1000, plus every seed that ever failed
#   make sim SEEDS=300       seeds 1..300, plus every seed that ever failed
#   make sim SEED=42         replays one seed and prints its trace of events
#   make sim DB=postgres     each seed's server on a fresh PostgreSQL database (a throwaway
#                            cluster is started for the run)
# A failing seed is added to crates/konter-sim/failed-seeds.txt, which every run repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

cargo build --locked -p konter-sim
bin="$CARGO_TARGET_DIR/debug/konter-sim"
backend=()
if [ "${DB:-sqlite}" = postgres ]; then
  . scripts/pg.sh
  pg_start off
  backend=(--postgres "$KONTER_TEST_PG_URL")
fi
if [ -n "${SEED:-}" ]; then
  "$bin" --seed "$SEED" --trace "${backend[@]}"
  exit
fi
"$bin" --seeds "${SEEDS:-1000}" --failed crates/konter-sim/failed-seeds.txt "${backend[@]}"
