#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: a cluster in a temp folder, on a free loopback port, that
# lives as long as the command it runs (or until `stop`).
#
#   scripts/test-postgres.sh run -- CMD...  start a cluster, run CMD with TEST_DATABASE_URL set, stop it;
#                                           exits with CMD's status
#   scripts/test-postgres.sh start          start one and print `export TEST_DATABASE_URL=...` and
#                                           `export HATLINE_PG_DIR=...` (eval it in a shell)
#   scripts/test-postgres.sh stop [DIR]     stop and remove the one in DIR (default $HATLINE_PG_DIR)
#
# Run as root on Debian: installs Debian's `postgresql` when no server binaries are found (apt-get
# update first), and runs the server as the `postgres` user. As any other user it runs the server as
# that user and needs the binaries installed. The cluster trusts loopback connections, listens on
# 127.0.0.1 only and runs without fsync: it holds nothing that must survive, and the tests are
# faster for it. Its locale is C.UTF-8 (UTF-8 text; code-point order, as SQLite sorts).
set -euo pipefail
# `start` runs inside $(...) in `run`: without this, bash would drop -e there and go on after a failure.
shopt -s inherit_errexit

log() { echo "test-postgres: $*" >&2; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  return 1
}

ensure_installed() {
  if find_bindir >/dev/null; then return 0; fi
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    log "no PostgreSQL server found (looked in /usr/lib/postgresql/*/bin); install Debian's postgresql package, as root"
    exit 1
  fi
  log "installing PostgreSQL (Debian package postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  find_bindir >/dev/null || { log "postgresql installed, but no initdb found"; exit 1; }
}

# Runs a command as the user the server runs as (postgres when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  ensure_installed
  local bindir dir port
  bindir=$(find_bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/hatline-pg.XXXXXX") || { log "cannot make a temp folder"; exit 1; }
  [ -n "$dir" ] && [ -d "$dir" ] || { log "cannot make a temp folder"; exit 1; }
  mkdir -p "$dir/data" "$dir/socket"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }
  # Another process may take the port between the look-up and the start: try a few.
  local tries=0
  while :; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null; then
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 3 ]; then tail -n 20 "$dir/server.log" >&2; log "the server did not start"; exit 1; fi
  done
  echo "$port" >"$dir/port"
  as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt -c 'CREATE DATABASE hatline_test' >/dev/null
  log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir"
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/hatline_test"
  echo "export HATLINE_PG_DIR=$dir"
}

stop() {
  local dir=${1:-${HATLINE_PG_DIR:-}}
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then log "no cluster to stop (give its folder, or set HATLINE_PG_DIR)"; exit 1; fi
  local bindir
  bindir=$(find_bindir)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { log "usage: $0 run -- CMD..."; exit 2; }
    # Not `eval "$(start)"`: a failed start must stop here, not run CMD on SQLite.
    exports=$(start) || exit 1
    eval "$exports"
    trap 'stop "$HATLINE_PG_DIR"' EXIT
    trap 'exit 130' INT TERM
    set +e
    "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  *)
    echo "usage: $0 run -- CMD... | start | stop [DIR]" >&2
    exit 2
    ;;
esac
