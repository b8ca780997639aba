#!/usr/bin/env bash
# `make demo`: builds Konter, starts the sandbox suppliers and the server on embedded
# SQLite with a demo shop and saldo, and prints how to pair a counter. See README "Status".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_debs build-essential pkg-config curl
say "building konter-server and konter-sandbox"
cargo build --locked -p konter-server -p konter-sandbox
BIN="$CARGO_TARGET_DIR/debug"
mkdir -p .demo
SERVER=(env -u KONTER_DB "$BIN/konter-server" --config demo/konter-server.toml)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

"$BIN/konter-sandbox" --listen 127.0.0.1:8090 --webhook-base http://127.0.0.1:8080 2>.demo/sandbox.log &
pids+=($!)

if ! "${SERVER[@]}" shop list 2>/dev/null | grep -q '^DEMO'; then
  say "creating the demo shop DEMO with Rp1.000.000 saldo and the demo catalogue"
  "${SERVER[@]}" shop create DEMO --name "Konter Maju Jaya" --tier gold >/dev/null
  "${SERVER[@]}" catalog load demo/catalogue.toml
  "${SERVER[@]}" saldo credit DEMO 1000000 --ref demo-modal >/dev/null
fi
"${SERVER[@]}" serve 2>.demo/server.log &
pids+=($!)
for _ in $(seq 50); do curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break; sleep 0.2; done
CODE="$("${SERVER[@]}" device pair-code DEMO 2>/dev/null)"

cat <<MSG

Konter demo is running (Ctrl-C stops it; data stays in .demo/):
  server   http://127.0.0.1:8080   (API: /openapi.json, logs: .demo/server.log)
  sandbox  http://127.0.0.1:8090   (Midtrans simulator, logs: .demo/sandbox.log)
  shop     DEMO "Konter Maju Jaya", gold tier, saldo Rp1.000.000
  pairing code for a counter: $CODE   (valid 15 minutes)

Not built yet: the desktop app and the device engine, and fulfilment with Digiflazz/IAK.
Until then you can drive the server by hand, for example:
  TOKEN=\$(curl -s -XPOST localhost:8080/v1/devices/pair -H 'content-type: application/json' \\
      -d '{"pairing_code":"$CODE","device_name":"Kasir 1"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -s localhost:8080/v1/catalog -H "authorization: Bearer \$TOKEN" | head -c 300
The UI with a stand-in engine: (cd ui && npm ci && npm run dev -- --open /mock.html)
MSG
wait
