#!/usr/bin/env bash
# Smoke test of the real desktop app against a real server: builds the UI, konter-app,
# konter-server, konter-sandbox and the `konter` CLI; starts the sandbox suppliers and the
# server on free ports with a fresh SQLite shop; points the device's printer at a file;
# then, under Xvfb through tauri-driver + WebKitWebDriver, sets the app up (pairing code,
# shop profile, owner PIN), logs in, sells Telkomsel 10.000 to 081234567890 for cash and
# checks the success with its SN on screen and in the printed receipt; pays a PLN
# pascabayar bill from Tagihan and checks its reference and lines on the receipt; and
# screenshots Riwayat, Saldo, Laporan and Pengaturan with that data.
#
#   scripts/app_smoke.sh            # screenshots and logs in artifacts/app-smoke/
#   KONTER_SMOKE_OUT=DIR scripts/app_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

OUT_DIR="${KONTER_SMOKE_OUT:-artifacts/app-smoke}"
mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

need_debs "${APP_BUILD_DEBS[@]}"
need_app_driver
build_app
BIN="$CARGO_TARGET_DIR/debug"
APP="$BIN/konter-app"

WORK="$(mktemp -d)"
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # The Xvfb session runs in its own process group: tauri-driver, WebKitWebDriver, the app.
  [ -n "$XGROUP" ] && kill -TERM -- "-$XGROUP" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  cp "$WORK"/*.log "$OUT_DIR"/ 2>/dev/null || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

logs_tail() {
  for f in server sandbox tauri-driver; do
    [ -s "$WORK/$f.log" ] || continue
    printf '\n----- %s.log (last 40 lines) -----\n' "$f" >&2
    tail -n 40 "$WORK/$f.log" >&2
  done
}
fail() {
  say "FAILED: $*"
  logs_tail
  exit 1
}

SERVER_PORT="$(free_port)"
SANDBOX_PORT="$(free_port)"
SERVER_URL="http://127.0.0.1:$SERVER_PORT"

demo_server_toml "$WORK" "$SERVER_PORT" "$SANDBOX_PORT"
SERVER=(env -u KONTER_DB -u KONTER_LISTEN "$BIN/konter-server" --config "$WORK/server.toml")

say "sandbox on :$SANDBOX_PORT, server on :$SERVER_PORT (work dir $WORK)"
"$BIN/konter-sandbox" --listen "127.0.0.1:$SANDBOX_PORT" --webhook-base "$SERVER_URL" \
  --pending-delay-ms 500 >"$WORK/sandbox.log" 2>&1 &
pids+=($!)
{
  "${SERVER[@]}" shop create SMOKE --name "Konter Uji Coba" --tier gold
  "${SERVER[@]}" catalog load demo/catalogue.toml
  "${SERVER[@]}" saldo credit SMOKE 1000000 --ref smoke-modal
} >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; fail "creating the shop"; }
"${SERVER[@]}" serve >"$WORK/server.log" 2>&1 &
pids+=($!)
wait_healthy "$SERVER_URL" || fail "the server did not come up"
CODE="$("${SERVER[@]}" device pair-code SMOKE 2>>"$WORK/setup.log")" || fail "no pairing code"

# The device: a fresh data directory whose printer is a file, printing on success.
export KONTER_DATA_DIR="$WORK/device" KONTER_TOKEN_STORE=file
RECEIPT="$OUT_DIR/receipt.bin"
rm -f "$RECEIPT" "$OUT_DIR"/*.png "$OUT_DIR"/failure.html
"$BIN/konter" --data-dir "$KONTER_DATA_DIR" set printer "file:$RECEIPT"
"$BIN/konter" --data-dir "$KONTER_DATA_DIR" set auto_print true

say "running the app under Xvfb (pairing code $CODE)"
started=$(date +%s)
smoke_app "$WORK" "$APP" "$OUT_DIR" "$SERVER_URL" "$CODE" "$RECEIPT" ||
  fail "the app smoke test (exit $?)"

"${SERVER[@]}" audit >/dev/null 2>>"$WORK/setup.log" || fail "the server's books do not agree"
say "app smoke test passed in $(($(date +%s) - started)) s; screenshots, receipt and logs in $OUT_DIR"
