#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL and Redis on 127.0.0.1, then stop them.
#   scripts/with-services.sh pytest …
# Exports DATABASE_URL and REDIS_URL for the command. Both servers live in a temporary folder
# and are stopped (and the folder removed) however the command ends.
set -euo pipefail

dir=$(mktemp -d /tmp/rebours-services.XXXXXX)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
  echo "PostgreSQL and Redis are needed: run 'make system-deps' first" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pg_port=$(free_port)
redis_port=$(free_port)

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  set +e
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null
  [ -d "$dir/pg/data" ] && as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap stop EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" >/dev/null

mkdir -p "$dir/pg"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir/pg"; chmod 755 "$dir"; fi
as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w -o \
  "-p $pg_port -c listen_addresses=127.0.0.1 -k $dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null

for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/rebours"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port" >&2
"$@"
