#!/usr/bin/env bash
# `make demo`: builds Konter and runs what exists so far. See README "Status".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_debs build-essential pkg-config
say "building the workspace"
cargo build --workspace --locked
cat >&2 <<'MSG'

Konter is being built in steps. Built so far: konter-domain (money, phone numbers and
operators, PLN and game targets, the catalogue, the order status machine, the API types).
Not built yet: konter-server, konter-sandbox, the device engine and the desktop app, so
there is nothing to open. This command will start them as they land.
MSG
