# Shared helpers for the make targets. Sourced, not run.

# Build output lives outside the clone so CI's fresh clone can reuse a warm cache; a cold
# cache only costs time.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/konter/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '==> %s\n' "$*" >&2; }

# need_debs PKG...: installs the Debian packages that are missing. As root it runs
# apt-get; otherwise it prints the exact command and fails.
_apt_updated=""
need_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}"
    say "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  say "installing ${missing[*]}"
  if [ -z "$_apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    _apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building the desktop app needs (Tauri's Debian prerequisites).
APP_BUILD_DEBS=(build-essential pkg-config curl libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev)

# need_app_driver: what driving the app with no display needs: Xvfb, WebKitWebDriver and
# tauri-driver (from crates.io, when missing).
need_app_driver() {
  need_debs webkit2gtk-driver xvfb xauth python3
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver 2"
    cargo install "tauri-driver@^2" --locked
  fi
}

# build_app: the UI (when ui/dist is missing) and every binary the app scripts run. One
# package set everywhere, so the features resolve once and one build serves them all.
build_app() {
  if [ ! -f ui/dist/index.html ]; then
    command -v npm >/dev/null || need_debs nodejs npm
    say "building the UI"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
  fi
  say "building konter-app, konter-server, konter-sandbox and konter"
  cargo build --locked -p konter-app -p konter-server -p konter-sandbox -p konter-client
}

# median NAME: the median of the values on standard input's `NAME VALUE` lines; fails
# when there are none.
median() {
  awk -v name="$1" '$1 == name { print $2 }' | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print v[int((NR + 1) / 2)] }'
}

# free_port: a TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# demo_server_toml WORK PORT SANDBOX_PORT: the demo's server settings with this run's
# database (WORK/server.db), listen port and sandbox suppliers' port, as WORK/server.toml.
demo_server_toml() {
  sed -e "s|^db = .*|db = \"sqlite://$1/server.db\"|" \
    -e "s|^listen = .*|listen = \"127.0.0.1:$2\"|" \
    -e "s|127\.0\.0\.1:8090|127.0.0.1:$3|g" \
    demo/konter-server.toml >"$1/server.toml"
}

# wait_healthy URL: waits up to 10 s for URL/healthz to answer; fails if it never does.
wait_healthy() {
  for _ in $(seq 100); do
    curl -fsS "$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  curl -fsS "$1/healthz" >/dev/null 2>&1
}

# app_runs RUNS WORK ARGS...: for the benches, run inside Xvfb. RUNS times over: a fresh
# device data directory, a tauri-driver, and scripts/app_smoke.py ARGS against it; the app
# gets KONTER_APP_ENV (VAR=VALUE words) in its environment. A `before_run` function, when
# the caller defines one, runs first each time and may put more arguments in RUN_ARGS. A
# failed run's device database is kept in WORK; its status ends the loop.
app_runs() {
  local runs=$1 work=$2 i data port driver status
  shift 2
  for i in $(seq "$runs"); do
    RUN_ARGS=()
    if declare -F before_run >/dev/null; then before_run; fi
    data="$(mktemp -d)"
    port="$(free_port)"
    # shellcheck disable=SC2086 # KONTER_APP_ENV is a list of VAR=VALUE words
    env KONTER_DATA_DIR="$data" KONTER_TOKEN_STORE=file ${KONTER_APP_ENV:-} \
      tauri-driver --port "$port" --native-port "$(free_port)" >>"$work/tauri-driver.log" 2>&1 &
    driver=$!
    status=0
    python3 scripts/app_smoke.py --driver "http://127.0.0.1:$port" --driver-pid "$driver" \
      "$@" "${RUN_ARGS[@]}" || status=$?
    kill "$driver" 2>/dev/null || true
    wait "$driver" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
      for f in "$data"/konter.db*; do cp "$f" "$work/run$i-$(basename "$f")" || true; done
    fi
    rm -rf "$data"
    [ "$status" -eq 0 ] || return "$status"
    echo "run $i done" >&2
  done
}

# smoke_app WORK APP OUT SERVER_URL CODE RECEIPT: the app at APP under Xvfb, driven through
# tauri-driver by scripts/app_smoke.py: paired with SERVER_URL by CODE, a pulsa sale and a
# bill, screenshots in OUT, the printer writing RECEIPT, logs in WORK. The session is its own
# process group, in $XGROUP while it runs, so a caller's cleanup can end all of it.
XGROUP=""
smoke_app() {
  local work=$1 app=$2 out=$3 url=$4 code=$5 receipt=$6 status=0
  setsid -w timeout 150 xvfb-run -a -s "-screen 0 1366x768x24" sh -c '
    tauri-driver --port "$1" --native-port "$2" >"$3/tauri-driver.log" 2>&1 &
    driver=$!
    python3 scripts/app_smoke.py --app "$4" --driver "http://127.0.0.1:$1" --out "$5" \
      --server-url "$6" --pair-code "$7" --receipt "$8"
    status=$?
    kill "$driver" 2>/dev/null
    wait "$driver" 2>/dev/null
    exit $status
  ' sh "$(free_port)" "$(free_port)" "$work" "$app" "$out" "$url" "$code" "$receipt" &
  XGROUP=$!
  wait "$XGROUP" || status=$?
  XGROUP=""
  return "$status"
}
