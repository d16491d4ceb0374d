#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL 15 server, for the PostgreSQL half of the store's
# contract tests (docs/STORAGE.md "Testing on PostgreSQL"):
#
#   scripts/with-postgres.sh build/dev/src/store/ketaclinic_store_tests
#   scripts/with-postgres.sh ctest --preset dev
#
# The cluster lives in a new temporary folder, listens on a Unix socket in that folder only (no
# TCP port, so it cannot clash with another server), trusts local connections, and runs with
# fsync off (a test server: speed over durability). The command sees KC_TEST_PG_URL (a libpq
# URI for the superuser) and PGHOST/PGPORT/PGUSER/PGDATABASE (for psql). The server is stopped
# and the folder removed when the command ends, whether it passed, failed or was interrupted.
# Exits with the command's status. initdb refuses to run as root, so as root the server runs as
# the `postgres` user (created by Debian's postgresql package).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || pgbin="$(pg_config --bindir)"
if [ ! -x "$pgbin/initdb" ]; then
  echo "$0: PostgreSQL 15 server binaries not found (apt-get install postgresql-15)" >&2
  exit 1
fi

as_server=()
if [ "$(id -u)" -eq 0 ]; then
  as_server=(runuser -u postgres --)
fi

root="$(mktemp -d /tmp/kc-pg.XXXXXX)"
port=55432
started=0
cleanup() {
  if [ "$started" = 1 ]; then
    "${as_server[@]}" "$pgbin/pg_ctl" -D "$root/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${#as_server[@]}" -gt 0 ]; then
  chown postgres:postgres "$root"
fi
chmod 700 "$root"

begin=$(date +%s.%N)
"${as_server[@]}" "$pgbin/initdb" -D "$root/data" -A trust -U postgres -E UTF8 --no-locale \
  --no-sync >"$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; exit 1; }
started=1
"${as_server[@]}" "$pgbin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
  -o "-k $root -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c max_connections=100" start >/dev/null ||
  { cat "$root/server.log" >&2; exit 1; }
end=$(date +%s.%N)
awk -v v="$("$pgbin/postgres" --version | awk '{print $3}')" -v b="$begin" -v e="$end" \
  -v r="$root" 'BEGIN { printf "with-postgres: PostgreSQL %s started in %.1f s (socket in %s)\n", v, e - b, r }' >&2

export PGHOST="$root" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
export KC_TEST_PG_URL="postgresql:///postgres?host=$root&port=$port&user=postgres"

status=0
"$@" || status=$?
exit "$status"
