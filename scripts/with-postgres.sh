#!/usr/bin/env bash
# Run a command against a private, throwaway PostgreSQL cluster (Debian's package).
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]; DATABASE_URL is set for the command.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/archive-pg.XXXXXX)
chown postgres:postgres "$dir"
port=${PGPORT:-$((20000 + RANDOM % 20000))}
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null
as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -qc "CREATE ROLE app LOGIN CREATEDB" >/dev/null
as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -qc "CREATE DATABASE app OWNER app" >/dev/null
socket=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$dir")
export DATABASE_URL="postgres://app@${socket}:${port}/app"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') at $dir:$port"
"$@"
