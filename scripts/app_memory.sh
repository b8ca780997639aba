#!/usr/bin/env bash
# The desktop app's memory as the machine pays for it, after a day's work (a release build
# under Xvfb, through tauri-driver + WebKitWebDriver, against a real server and sandbox):
# pair, log in, 20 pulsa sales, every screen, then 60 s idle; the proportional set size
# (smaps_rollup PSS, each shared page counted once) summed over konter-app and its WebKit
# processes. Median of 5 runs, each with a fresh device:
#   bench app.idle_pss_mb      the memory
#   bench app.flow_s           how long the scripted flow took (setup to the last screen)
#   bench webkit.floor_pss_mb  for scale, WebKitGTK's own floor: a bare window with a
#                              one-line page and the app's WebKit settings, same idle,
#                              median of 3 (scripts/webkit_floor.py)
#
#   scripts/app_memory.sh
#   KONTER_APP_ENV="MALLOC_ARENA_MAX=4" scripts/app_memory.sh   # the app with extra settings
#   KONTER_BENCH_PSS_RUNS=3 KONTER_BENCH_IDLE_S=60 KONTER_APP=PATH scripts/app_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

RUNS="${KONTER_BENCH_PSS_RUNS:-5}"
IDLE_S="${KONTER_BENCH_IDLE_S:-60}"
APP="${KONTER_APP:-$CARGO_TARGET_DIR/release/konter-app}"

# Inside Xvfb: one tauri-driver, one fresh device and one app per run.
if [ "${1:-}" = "--inner" ]; then
  SERVER=(env -u KONTER_DB -u KONTER_LISTEN "$SERVER_BIN" --config "$SERVER_CONFIG")
  before_run() { RUN_ARGS=(--pair-code "$("${SERVER[@]}" device pair-code MEM 2>/dev/null)"); }
  app_runs "$RUNS" "$2" --app "$APP" --bench-flow --server-url "$3" --idle-s "$IDLE_S"
  # The app's WebKit settings (src-tauri/src/memory.rs), then any the caller adds.
  settings="$(sed -n 's/^ *("\([A-Za-z_]*\)", "\([^"]*\)"),.*/\1=\2/p' src-tauri/src/memory.rs)"
  for i in 1 2 3; do
    # shellcheck disable=SC2086 # both are lists of VAR=VALUE words
    env $settings ${KONTER_APP_ENV:-} /usr/bin/python3 scripts/webkit_floor.py --idle-s "$IDLE_S"
    echo "floor run $i done" >&2
  done
  exit
fi

need_debs "${APP_BUILD_DEBS[@]}"
need_app_driver
need_debs python3-gi gir1.2-webkit2-4.1
if [ ! -f ui/dist/index.html ]; then
  say "building the UI"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
say "building konter-server and konter-sandbox (and konter-app for release unless KONTER_APP names one)"
cargo build --locked -p konter-server -p konter-sandbox --bins
[ -n "${KONTER_APP:-}" ] || cargo build --release --locked -p konter-app
BIN="$CARGO_TARGET_DIR/debug"

WORK="$(mktemp -d)"
pids=()
xgroup=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$xgroup" ] && kill -TERM -- "-$xgroup" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SERVER_PORT="$(free_port)"
SANDBOX_PORT="$(free_port)"
URL="http://127.0.0.1:$SERVER_PORT"
demo_server_toml "$WORK" "$SERVER_PORT" "$SANDBOX_PORT"
SERVER=(env -u KONTER_DB -u KONTER_LISTEN "$BIN/konter-server" --config "$WORK/server.toml")
"$BIN/konter-sandbox" --listen "127.0.0.1:$SANDBOX_PORT" --webhook-base "$URL" \
  >"$WORK/sandbox.log" 2>&1 &
pids+=($!)
{
  "${SERVER[@]}" shop create MEM --name "Konter Memori" --tier gold
  "${SERVER[@]}" catalog load demo/catalogue.toml
  "${SERVER[@]}" saldo credit MEM 10000000 --ref memory-bench
} >"$WORK/setup.log" 2>&1
"${SERVER[@]}" serve >"$WORK/server.log" 2>&1 &
pids+=($!)
wait_healthy "$URL" || { say "the server did not come up"; cat "$WORK/server.log" >&2; exit 1; }

say "app memory: $RUNS runs of pair, log in, 20 sales, every screen, ${IDLE_S} s idle${KONTER_APP_ENV:+ (with $KONTER_APP_ENV)}"
export KONTER_BENCH_PSS_RUNS="$RUNS" KONTER_BENCH_IDLE_S="$IDLE_S" KONTER_APP="$APP"
export SERVER_BIN="$BIN/konter-server" SERVER_CONFIG="$WORK/server.toml"
setsid -w timeout $(((RUNS + 3) * (IDLE_S + 180))) xvfb-run -a -s "-screen 0 1366x768x24" \
  bash "$0" --inner "$WORK" "$URL" >"$WORK/runs.txt" &
xgroup=$!
status=0
wait "$xgroup" || status=$?
xgroup=""
cat "$WORK/runs.txt" >&2
if [ "$status" -ne 0 ]; then
  say "app memory bench failed (exit $status); logs in artifacts/app-memory/"
  mkdir -p artifacts/app-memory
  cp "$WORK"/*.log "$WORK"/*.db* artifacts/app-memory/ 2>/dev/null || true
  tail -n 40 "$WORK/tauri-driver.log" >&2 || true
  exit 1
fi
pss_kb="$(median idle_pss_kb <"$WORK/runs.txt")"
flow_ms="$(median flow_ms <"$WORK/runs.txt")"
floor_kb="$(median floor_pss_kb <"$WORK/runs.txt")"
echo "bench app.idle_pss_mb $(((pss_kb + 512) / 1024)) MB"
echo "bench app.flow_s $(((flow_ms + 500) / 1000)) s"
echo "bench webkit.floor_pss_mb $(((floor_kb + 512) / 1024)) MB"
