#!/usr/bin/env bash
# `make bench`: every benchmark, each printing `bench <name> <value> <unit>` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/pg.sh

# Durability is part of what is measured: this cluster keeps fsync on.
pg_start on
cargo bench --workspace --locked 2>/dev/null | grep '^bench '
bash scripts/app_bench.sh 2>/dev/null
bash scripts/app_memory.sh 2>/dev/null
