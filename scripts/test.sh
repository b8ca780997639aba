#!/usr/bin/env bash
# `make test`: everything CI runs. Installs what is missing, then format, lint and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_debs build-essential pkg-config

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "cargo test"
cargo test --workspace --locked
