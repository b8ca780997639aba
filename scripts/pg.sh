# A throwaway PostgreSQL cluster for tests and benchmarks. Sourced, not run.
# pg_start [fsync on|off]: initdb into a temp dir, start on 127.0.0.1 on a free port, export
# KONTER_TEST_PG_URL, and stop and remove it when the calling script exits.

pg_start() {
  local fsync="${1:-off}"
  need_debs postgresql
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$PG_BIN/initdb" ] || { say "no PostgreSQL binaries under /usr/lib/postgresql"; return 1; }
  PG_DIR="$(mktemp -d /tmp/konter-pg.XXXXXX)"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root; the Debian package made a postgres user for this.
    chown postgres:postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=$fsync" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  export KONTER_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  PG_AS=("${as[@]}")
  trap pg_stop EXIT
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync=$fsync)"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
