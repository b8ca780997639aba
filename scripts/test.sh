#!/usr/bin/env bash
# `make test`: everything CI runs. Installs what is missing, then format, lint and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/pg.sh

need_debs build-essential pkg-config chromium dbus gnome-keyring python3 \
  libwebkit2gtk-4.1-dev curl wget file libxdo-dev libssl-dev libayatana-appindicator3-dev \
  librsvg2-dev webkit2gtk-driver xvfb xauth

say "UI: install and build (the desktop app embeds ui/dist when it compiles)"
(
  cd ui
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent build
)

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "starting a throwaway PostgreSQL for the store conformance suite"
pg_start off
export KONTER_TEST_REQUIRE_PG=1

say "python-escpos, the independent encoder the receipt bytes are checked against"
python3 -m pip install --quiet --disable-pip-version-check python-escpos
export KONTER_TEST_REQUIRE_PYESCPOS=1

say "cargo test"
cargo test --workspace --locked

say "the money-path simulation: 300 seeds and every seed that ever failed"
SEEDS=300 SEED= bash scripts/sim.sh

say "device token in a real Secret Service (gnome-keyring under dbus-run-session)"
(
  # Not HOME: cargo and rustup live there.
  XDG_DATA_HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_DATA_HOME XDG_RUNTIME_DIR
  chmod 700 "$XDG_RUNTIME_DIR"
  timeout 300 dbus-run-session -- sh -c 'printf konter-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && cargo test --locked -p konter-client --test keyring -- --ignored'
)

say "UI: type check, unit tests, browser tests (screenshots in ui/artifacts/screenshots)"
(
  cd ui
  npm run --silent check
  npm test --silent
  timeout 600 npm run --silent e2e
)

say "the owner's back office in Chromium: a real server and sandbox, three paired counters selling, two owners (screenshots in ui/artifacts/owner)"
(
  cd ui
  cargo build --locked -p konter-server -p konter-sandbox -p konter-client --bins
  KONTER_BIN="$CARGO_TARGET_DIR/debug" timeout 300 node e2e/owner.mjs
)

say "the real app under Xvfb: paired to a real server and sandbox, one pulsa sold, receipt printed"
timeout 900 bash scripts/app_smoke.sh

say "the packages: make package, installed with dpkg -i, the installed server and app paired and selling, purged"
timeout 2400 bash scripts/package_test.sh
