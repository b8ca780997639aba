#!/usr/bin/env bash
# `make package-test`: builds both packages (scripts/package.sh), installs them with dpkg -i
# on this machine, checks what the server's package set up (its user, 0640 settings,
# state directory, migrated database, the unit file verified where systemd-analyze exists),
# starts the installed server with the packaged settings (directly: there is no systemd
# here) and the sandbox suppliers added to them as an operator would, launches the installed
# app under Xvfb, pairs it and sells (scripts/app_smoke.py), checks the books, then purges
# both packages and checks they left nothing but the database. Needs root (dpkg).
#
#   scripts/package_test.sh     (KONTER_PACKAGE_BUILT=1 to test dist/ as it is)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ "$(id -u)" -eq 0 ] || { say "the install test needs root (dpkg -i)"; exit 1; }
[ "${KONTER_PACKAGE_BUILT:-}" = 1 ] || bash scripts/package.sh
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' crates/konter-server/Cargo.toml | head -1)"
ARCH="$(dpkg --print-architecture)"
SERVER_DEB="dist/konter-server_${VERSION}_${ARCH}.deb"
APP_DEB="dist/konter_${VERSION}_${ARCH}.deb"

need_app_driver
say "the sandbox suppliers and the konter CLI (debug builds; not part of the packages)"
cargo build --locked -p konter-sandbox -p konter-client --bins
BIN="$CARGO_TARGET_DIR/debug"

OUT_DIR="$(pwd)/artifacts/package-test"
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -n "$XGROUP" ] && kill -TERM -- "-$XGROUP" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  cp "$WORK"/*.log "$OUT_DIR"/ 2>/dev/null || true
  rm -rf "$WORK"
  if [ "$status" -ne 0 ]; then
    dpkg --purge konter konter-server >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  say "FAILED: $*"
  for f in "$WORK"/*.log; do
    [ -s "$f" ] || continue
    printf '\n----- %s (last 30 lines) -----\n' "$(basename "$f")" >&2
    tail -n 30 "$f" >&2
  done
  exit 1
}

say "installing $SERVER_DEB and $APP_DEB with dpkg -i"
dpkg --purge konter konter-server >/dev/null 2>&1 || true
rm -rf /var/lib/konter
dpkg -i "$SERVER_DEB" "$APP_DEB" >"$WORK/dpkg.log" 2>&1 || fail "dpkg -i"

CONF=/etc/konter/konter-server.toml
[ -x /usr/bin/konter-server ] || fail "no /usr/bin/konter-server"
[ -x /usr/bin/konter-app ] || fail "no /usr/bin/konter-app"
[ -f /usr/share/applications/Konter.desktop ] || ls /usr/share/applications/ | grep -qi konter ||
  fail "the app has no desktop entry"
getent passwd konter >/dev/null || fail "no konter user"
[ "$(stat -c '%a %U:%G' "$CONF")" = "640 root:konter" ] || fail "$CONF is $(stat -c '%a %U:%G' "$CONF")"
[ "$(stat -c '%a %U' /var/lib/konter)" = "750 konter" ] || fail "/var/lib/konter is $(stat -c '%a %U' /var/lib/konter)"
[ -f /var/lib/konter/konter-server.db ] || fail "the database was not migrated on install"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/konter-server.service >"$WORK/systemd-analyze.log" 2>&1 ||
    fail "systemd-analyze verify"
  say "systemd-analyze verify: the unit is valid"
else
  say "systemd-analyze is not on this machine: the unit file was not verified"
fi

PORT="$(free_port)"
SANDBOX_PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"
say "the operator's edit: port $PORT and the sandbox suppliers in $CONF"
sed -i "s|^listen = .*|listen = \"127.0.0.1:$PORT\"|" "$CONF"
sed -n '/^\[suppliers.digiflazz\]/,$p' demo/konter-server.toml |
  sed "s|127\.0\.0\.1:8090|127.0.0.1:$SANDBOX_PORT|g" >>"$CONF"
AS_KONTER=(runuser -u konter -- env -C /var/lib/konter /usr/bin/konter-server --config "$CONF")

"$BIN/konter-sandbox" --listen "127.0.0.1:$SANDBOX_PORT" --webhook-base "$URL" \
  --pending-delay-ms 500 >"$WORK/sandbox.log" 2>&1 &
pids+=($!)
install -m 0644 demo/catalogue.toml "$WORK/catalogue.toml"
{
  "${AS_KONTER[@]}" shop create PKG01 --name "Konter Paket" --tier gold
  "${AS_KONTER[@]}" catalog load "$WORK/catalogue.toml"
  "${AS_KONTER[@]}" saldo credit PKG01 500000 --ref package-test
} >"$WORK/setup.log" 2>&1 || fail "setting up the shop as the konter user"
"${AS_KONTER[@]}" serve >"$WORK/server.log" 2>&1 &
pids+=($!)
wait_healthy "$URL" || fail "the installed server did not come up"
CODE="$("${AS_KONTER[@]}" device pair-code PKG01 2>>"$WORK/setup.log")" || fail "no pairing code"

export KONTER_DATA_DIR="$WORK/device" KONTER_TOKEN_STORE=file
RECEIPT="$OUT_DIR/receipt.bin"
rm -f "$RECEIPT" "$OUT_DIR"/*.png
"$BIN/konter" --data-dir "$KONTER_DATA_DIR" set printer "file:$RECEIPT"
"$BIN/konter" --data-dir "$KONTER_DATA_DIR" set auto_print true
say "the installed app under Xvfb: pair, sell, pay a bill (code $CODE)"
smoke_app "$WORK" /usr/bin/konter-app "$OUT_DIR" "$URL" "$CODE" "$RECEIPT" ||
  fail "the installed app (exit $?)"
"${AS_KONTER[@]}" audit >/dev/null 2>>"$WORK/setup.log" || fail "the server's books do not agree"

say "removing both packages"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
dpkg --purge konter konter-server >"$WORK/purge.log" 2>&1 || fail "dpkg --purge"
for f in /usr/bin/konter-server /usr/bin/konter-app /lib/systemd/system/konter-server.service "$CONF"; do
  [ ! -e "$f" ] || fail "$f is still there after purge"
done
[ -f /var/lib/konter/konter-server.db ] || fail "purge must keep the database"
rm -rf /var/lib/konter
say "package test passed: installed, served, paired, sold, purged"
