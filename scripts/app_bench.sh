#!/usr/bin/env bash
# Benchmarks of the desktop app as it ships (a release build) under Xvfb, through
# tauri-driver + WebKitWebDriver:
#   app.cold_start_ms  the app process's start (its own start time in /proc) to the Setup
#                      screen found in the page, fresh data directory; median of 3 runs
#   app.start_rss_mb   resident memory after 10 s idle on the Setup screen: konter-app plus
#                      its WebKit processes (WebKitWebProcess, WebKitNetworkProcess), VmRSS
#                      from /proc/PID/status summed; median of the same 3 runs. The sum
#                      counts the WebKit libraries once per process that maps them.
#   app.start_pss_mb   the same processes' proportional set size (smaps_rollup), which
#                      counts each shared page once: what the app costs the machine
#                      before any work (after a day's work: app.idle_pss_mb,
#                      scripts/app_memory.sh)
# Prints `bench <name> <value> <unit>` lines; details go to standard error.
#
#   scripts/app_bench.sh   (KONTER_BENCH_APP_RUNS=N for another number of runs)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

RUNS="${KONTER_BENCH_APP_RUNS:-3}"
IDLE_S=10
APP="$CARGO_TARGET_DIR/release/konter-app"

# Inside Xvfb: one tauri-driver, one fresh data directory and one app per run.
if [ "${1:-}" = "--inner" ]; then
  app_runs "$RUNS" "$2" --app "$APP" --bench --idle-s "$IDLE_S"
  exit
fi

need_debs "${APP_BUILD_DEBS[@]}"
need_app_driver
build_app
say "building konter-app for release (the first time takes several minutes)"
cargo build --release --locked -p konter-app

WORK="$(mktemp -d)"
xgroup=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$xgroup" ] && kill -TERM -- "-$xgroup" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "app: $RUNS cold starts to the Setup screen, memory after ${IDLE_S} s idle (under Xvfb)"
setsid -w timeout 300 xvfb-run -a -s "-screen 0 1366x768x24" \
  bash "$0" --inner "$WORK" >"$WORK/runs.txt" &
xgroup=$!
status=0
wait "$xgroup" || status=$?
xgroup=""
cat "$WORK/runs.txt" >&2
if [ "$status" -ne 0 ]; then
  say "app bench failed (exit $status); tauri-driver log:"
  tail -n 40 "$WORK/tauri-driver.log" >&2 || true
  exit 1
fi

cold_ms="$(median cold_start_ms <"$WORK/runs.txt")"
rss_kb="$(median idle_rss_kb <"$WORK/runs.txt")"
pss_kb="$(median idle_pss_kb <"$WORK/runs.txt")"
echo "bench app.cold_start_ms $cold_ms ms"
echo "bench app.start_rss_mb $(((rss_kb + 512) / 1024)) MB"
echo "bench app.start_pss_mb $(((pss_kb + 512) / 1024)) MB"
