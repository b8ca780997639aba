#!/usr/bin/env bash
# `make package`: release Debian packages into dist/, from a clean checkout:
#   dist/konter-server_VERSION_ARCH.deb  the server, its hardened systemd unit, settings in
#                                        /etc/konter (0640 root:konter), state in /var/lib/konter
#   dist/konter_VERSION_ARCH.deb         the desktop app, built by Tauri's bundler
# How they install, run and come off again: scripts/package_test.sh (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

need_debs "${APP_BUILD_DEBS[@]}" dpkg-dev
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' crates/konter-server/Cargo.toml | head -1)"
ARCH="$(dpkg --print-architecture)"
mkdir -p dist

say "the UI and Tauri's bundler (npm)"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

say "konter-server $VERSION (release)"
cargo build --locked --release -p konter-server
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/konter-server"
SRC=deploy/debian/konter-server
install -D -m 0755 "$CARGO_TARGET_DIR/release/konter-server" "$ROOT/usr/bin/konter-server"
install -D -m 0644 "$SRC/konter-server.service" "$ROOT/lib/systemd/system/konter-server.service"
install -D -m 0640 "$SRC/konter-server.toml" "$ROOT/etc/konter/konter-server.toml"
DOC="$ROOT/usr/share/doc/konter-server"
install -D -m 0644 docs/operations.md "$DOC/operations.md"
install -D -m 0644 deploy/prometheus/konter.rules.yml "$DOC/examples/konter.rules.yml"
install -D -m 0644 demo/catalogue.toml "$DOC/examples/catalogue.toml"
cat >"$DOC/copyright" <<'COPYRIGHT'
Konter: point of sale and sync server for Indonesian konter pulsa.
License: AGPL-3.0-only. On Debian systems the full text of the GNU Affero General Public
License version 3 is at https://www.gnu.org/licenses/agpl-3.0.txt.
COPYRIGHT
install -d "$ROOT/DEBIAN"
install -m 0755 "$SRC/postinst" "$SRC/prerm" "$SRC/postrm" "$ROOT/DEBIAN/"
echo /etc/konter/konter-server.toml >"$ROOT/DEBIAN/conffiles"
# The shared libraries the binary needs, as Debian package dependencies.
mkdir -p "$STAGE/shlibs/debian"
printf 'Source: konter\n\nPackage: konter-server\nArchitecture: any\n' >"$STAGE/shlibs/debian/control"
DEPENDS="$(cd "$STAGE/shlibs" && dpkg-shlibdeps -O "$ROOT/usr/bin/konter-server" | sed -n 's/^shlibs:Depends=//p')"
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: konter-server
Version: $VERSION
Architecture: $ARCH
Maintainer: Konter <packages@konter.invalid>
Section: net
Priority: optional
Depends: $DEPENDS, adduser
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Description: Konter sync server for konter pulsa shops
 Holds the supplier and payment gateway credentials, keeps every shop's saldo in a
 double-entry ledger, takes the counters' orders exactly once and fulfils them through
 Digiflazz and IAK, feeds paired counters their shop's changes, and serves the owners'
 back office. Runs as the konter user under systemd; HTTPS with its own certificate.
CONTROL
dpkg-deb --root-owner-group --build "$ROOT" "dist/konter-server_${VERSION}_${ARCH}.deb" >/dev/null
say "dist/konter-server_${VERSION}_${ARCH}.deb"

say "the desktop app $VERSION (release, Tauri's bundler)"
ui/node_modules/.bin/tauri build --ci --bundles deb
APP_DEB="$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/*_"${VERSION}"_"${ARCH}".deb | head -1)"
cp "$APP_DEB" "dist/konter_${VERSION}_${ARCH}.deb"
say "dist/konter_${VERSION}_${ARCH}.deb"
