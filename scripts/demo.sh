#!/usr/bin/env bash
# `make demo`: builds Konter, starts the sandbox suppliers and the server on embedded
# SQLite with a demo shop and saldo, pairs two counters with a few sales and a demo owner
# for the back office at /owner/, and opens the desktop app on the first counter.
# With no display the app runs under Xvfb and its first screen is saved as a screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

headless=""
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || headless=1

need_debs "${APP_BUILD_DEBS[@]}"
# No display: the app runs under Xvfb, driven through WebDriver for its screenshot.
[ -z "$headless" ] || need_app_driver
build_app
BIN="$CARGO_TARGET_DIR/debug"
mkdir -p .demo
DEMO="$(pwd)/.demo"
SERVER=(env -u KONTER_DB "$BIN/konter-server" --config demo/konter-server.toml)
export KONTER_DATA_DIR="$DEMO/device" KONTER_TOKEN_STORE=file

pids=()
xgroup=""
cleanup() {
  trap - EXIT INT TERM
  # Under Xvfb the app runs in its own process group with tauri-driver and WebKitWebDriver.
  [ -n "$xgroup" ] && kill -TERM -- "-$xgroup" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN/konter-sandbox" --listen 127.0.0.1:8090 --webhook-base http://127.0.0.1:8080 2>.demo/sandbox.log &
pids+=($!)

if ! "${SERVER[@]}" shop list 2>/dev/null | grep -q '^DEMO'; then
  say "creating the demo shop DEMO with Rp1.000.000 saldo and the demo catalogue"
  "${SERVER[@]}" shop create DEMO --name "Konter Maju Jaya" --tier gold >/dev/null
  "${SERVER[@]}" saldo credit DEMO 1000000 --ref demo-modal >/dev/null
  # A counter paired with an earlier demo database would hold a token this one never issued.
  rm -rf "$KONTER_DATA_DIR" "$DEMO/device2" "$DEMO/owner-ready"
fi
# Every start: a demo database from an earlier version gets the products added since.
"${SERVER[@]}" catalog load demo/catalogue.toml
"${SERVER[@]}" serve 2>.demo/server.log &
pids+=($!)
wait_healthy http://127.0.0.1:8080 || { say "the server did not start: .demo/server.log"; exit 1; }

if [ ! -f "$KONTER_DATA_DIR/device-token" ]; then
  say "pairing the demo counter (data in .demo/device)"
  "$BIN/konter" pair http://127.0.0.1:8080 "$("${SERVER[@]}" device pair-code DEMO 2>/dev/null)" \
    --name "Kasir 1" >/dev/null
  # Receipts print to a file: ESC/POS bytes, as a 58 mm printer would get them.
  "$BIN/konter" set printer "file:$DEMO/struk.bin" 2>/dev/null
  "$BIN/konter" set auto_print true 2>/dev/null
  # The owner, so the app opens at the PIN login.
  "$BIN/konter" cashier "Bu Sari" --role owner --pin 123456 >/dev/null
fi
# The owner's back office: the demo owner, and a second counter, both counters with a few
# sales, once.
OWNER_PHONE=081200001234
OWNER_PASSWORD=konter-demo
if [ ! -f "$DEMO/owner-ready" ]; then
  say "setting up the demo owner ($OWNER_PHONE) and a second counter with a few sales"
  setup_code="$("${SERVER[@]}" owner create "$OWNER_PHONE" --shop DEMO 2>/dev/null)"
  curl -fsS -o /dev/null -H 'content-type: application/json' \
    -d "{\"phone\":\"$OWNER_PHONE\",\"code\":\"$setup_code\",\"password\":\"$OWNER_PASSWORD\"}" \
    http://127.0.0.1:8080/owner/api/setup
  D2="$DEMO/device2"
  rm -rf "$D2"
  "$BIN/konter" --data-dir "$D2" pair http://127.0.0.1:8080 \
    "$("${SERVER[@]}" device pair-code DEMO 2>/dev/null)" --name "Kasir 2" >/dev/null
  "$BIN/konter" --data-dir "$D2" cashier "Pak Budi" --role owner --pin 654321 >/dev/null
  "$BIN/konter" --data-dir "$D2" login "Pak Budi" --pin 654321 >/dev/null
  "$BIN/konter" login "Bu Sari" --pin 123456 >/dev/null
  for n in 081234567890 081234567891 081311112228; do
    "$BIN/konter" sell "$n" tsel10 --cash 20000 --wait >/dev/null 2>&1 || true
  done
  "$BIN/konter" logout >/dev/null
  for n in 081298765430 081298765431; do
    "$BIN/konter" --data-dir "$D2" sell "$n" tsel10 --cash 50000 --wait >/dev/null 2>&1 || true
  done
  for d in "$KONTER_DATA_DIR" "$D2"; do
    "$BIN/konter" --data-dir "$d" sync --once >/dev/null 2>&1 || true
  done
  touch "$DEMO/owner-ready"
fi
# For a third counter (the `konter` CLI or another app).
CODE="$("${SERVER[@]}" device pair-code DEMO 2>/dev/null)"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
SHOT="$DEMO/screenshot.png"
if [ -z "$headless" ]; then
  say "opening the app"
  "$BIN/konter-app" 2>.demo/app.log &
  pids+=($!)
  APP_LINE="a window on your display"
else
  say "no display: running the app under Xvfb"
  rm -f "$SHOT"
  # The app stays up under tauri-driver's session until Ctrl-C; setsid gives the whole
  # Xvfb session one process group for the cleanup.
  setsid xvfb-run -a -s "-screen 0 1366x768x24" sh -c '
    tauri-driver --port "$1" --native-port "$2" >>"$3/app.log" 2>&1 &
    driver=$!
    python3 scripts/app_smoke.py --app "$4" --driver "http://127.0.0.1:$1" \
      --screenshot-only "$3/screenshot.png" --keep >>"$3/app.log" 2>&1
    wait "$driver"
  ' sh "$(free_port)" "$(free_port)" "$DEMO" "$BIN/konter-app" &
  xgroup=$!
  for _ in $(seq 120); do [ -s "$SHOT" ] && break; sleep 0.5; done
  if [ -s "$SHOT" ]; then
    APP_LINE="under Xvfb (no display); its first screen: .demo/screenshot.png"
  else
    APP_LINE="under Xvfb, but no screenshot after 60 s: see .demo/app.log"
  fi
fi

cat <<MSG

Konter demo is running (Ctrl-C stops it; data stays in .demo/):
  server   http://127.0.0.1:8080   (API: /openapi.json, logs: .demo/server.log)
  sandbox  http://127.0.0.1:8090   (Digiflazz, IAK and Midtrans simulators, logs: .demo/sandbox.log)
  shop     DEMO "Konter Maju Jaya", gold tier, saldo Rp1.000.000
  owner    http://127.0.0.1:8080/owner/   the back office: phone $OWNER_PHONE, password $OWNER_PASSWORD
           (two counters' sales in it: "Kasir 1", the app below, and "Kasir 2", .demo/device2)
  app      Konter, paired as "Kasir 1": $APP_LINE
           (device data: .demo/device, logs: .demo/app.log, receipts: .demo/struk.bin)

Log in with the owner's PIN 123456 (Bu Sari). Add cashiers in Pengaturan, or with
  KONTER_TOKEN_STORE=file konter --data-dir .demo/device cashier NAME --pin 4-6-DIGITS

Orders are fulfilled through the sandbox suppliers. The last digit of the number decides:
  0, 1, 8, 9  success at once (with an SN)      2  failed
  3           pending, then success             4  pending, then failed
  5           pending (router issue), success   6  wrong number     7  product down
For example 0812-3456-7890 (Telkomsel) succeeds, 0812-3456-7893 waits a few seconds first.

A third counter: pairing code $CODE (valid 15 minutes), in the app's Setup or with
  KONTER_TOKEN_STORE=file konter --data-dir DIR pair http://127.0.0.1:8080 $CODE
Bills are paid in Tagihan (F5): PLN pascabayar 5300-0000-0001 (one month) or
5300-0000-0002 (two, one late) pay; 5300-0000-0003 has no bill; 5300-0000-0006 is refused by
the biller; 6300-0000-0001 is pending a few seconds, then paid. Also BPJS 8801234560001,
PDAM 1013226, internet 6391601001, instalment 6391601201.
MSG
wait
