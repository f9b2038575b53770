#!/usr/bin/env bash
# Finds or starts a PostgreSQL server for the tests and yields its URL. The URL names a
# database on which the tests may run CREATE DATABASE / DROP DATABASE (each test file makes its
# own database); the login is the superuser `postgres`.
#
# Two ways to use it:
#   Sourced (scripts/test.sh, .ci/run):
#       source scripts/ensure-postgres.sh
#       trap stop_throwaway_postgres EXIT   # stops a throw-away server this shell started
#       ensure_postgres                     # exports TEST_DATABASE_URL
#   Run (by hand):
#       url="$(bash scripts/ensure-postgres.sh)"   # only the URL goes to stdout
#     A throw-away server started this way keeps running; stop it and delete its files with
#       bash scripts/ensure-postgres.sh --stop DIR   (DIR is printed on stderr)
#
# Where the server comes from, first match wins:
#   1. TEST_DATABASE_URL, if set, is used as is.
#   2. A server on 127.0.0.1:5432 that accepts postgres://postgres@127.0.0.1:5432/test.
#   3. A throw-away server: initdb into a temp dir, started on 127.0.0.1:54329 (or the next free
#      port), trust auth, durability off for speed, database `test`. If no PostgreSQL server
#      binaries are installed, they are installed with apt-get (needs root; Debian/Ubuntu).
#
# Environment switches:
#   KOPILKA_FORCE_THROWAWAY_PG=1  skip step 2 (to test step 3 on a machine that has a server).
#
# Progress lines go to stderr, prefixed "ensure-postgres:".

_kopilka_pg_log() { echo "ensure-postgres: $*" >&2; }

# The temp dir of the throw-away server started by this shell (empty if none).
_kopilka_pg_dir=""

# Runs a command as the owner of the throw-away cluster: initdb and postgres refuse to run as
# root, so as root we use the `postgres` system user (created by Debian's postgresql-common).
# `cd /` because that user may not be allowed into the caller's working directory.
_kopilka_pg_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && LC_ALL=C runuser -u postgres -- "$@")
    else
      (cd / && LC_ALL=C su postgres -s /bin/sh -c '"$0" "$@"' -- "$@")
    fi
  else
    (cd / && LC_ALL=C "$@")
  fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
_kopilka_pg_port_open() {
  timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Step 2: the machine's own server on 5432, if it answers and lets us in.
_kopilka_pg_try_local() {
  local url="postgres://postgres@127.0.0.1:5432/test"
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432 -t 3 || return 1
  else
    _kopilka_pg_port_open 5432 || return 1
  fi
  if command -v psql >/dev/null 2>&1; then
    # -w: never prompt for a password (CI has no stdin); a server that wants one is not usable.
    if ! PGCONNECT_TIMEOUT=5 psql -w -X -q -At "$url" -c 'select 1' >/dev/null 2>&1; then
      _kopilka_pg_log "a server answers on 127.0.0.1:5432 but refuses $url; starting a throw-away one instead"
      return 1
    fi
  else
    _kopilka_pg_log "no psql to check the login; assuming $url works"
  fi
  TEST_DATABASE_URL="$url"
}

# The newest installed server's bin dir (Debian layout), or nothing.
_kopilka_pg_bindir() {
  local initdb
  initdb="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$initdb" ]] && dirname "$initdb"
}

# Step 3: a throw-away server in a temp dir.
_kopilka_pg_start_throwaway() {
  local bindir dir port locale_opts
  bindir="$(_kopilka_pg_bindir)" || true
  if [[ -z "$bindir" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
      _kopilka_pg_log "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) and not root, so cannot apt-get install them."
      _kopilka_pg_log "Install the 'postgresql' package, or set TEST_DATABASE_URL to a server where user postgres may create databases."
      return 1
    fi
    _kopilka_pg_log "installing PostgreSQL with apt-get (one-time)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } >&2 || {
      _kopilka_pg_log "apt-get install postgresql failed"
      return 1
    }
    bindir="$(_kopilka_pg_bindir)" || true
    [[ -n "$bindir" ]] || { _kopilka_pg_log "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"; return 1; }
  fi
  if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
    _kopilka_pg_log "running as root but there is no 'postgres' user to run the server as"
    return 1
  fi

  # As root use /tmp: a custom TMPDIR may not be reachable by the postgres user.
  if [[ "$(id -u)" == 0 ]]; then
    dir="$(mktemp -d /tmp/kopilka-pg.XXXXXX)" || return 1
    chown postgres: "$dir" || return 1
  else
    dir="$(mktemp -d "${TMPDIR:-/tmp}/kopilka-pg.XXXXXX")" || return 1
  fi
  _kopilka_pg_dir="$dir"

  # 54329, or the next free port (another run may hold it).
  port=54329
  while _kopilka_pg_port_open "$port"; do
    port=$((port + 1))
    if ((port > 54399)); then _kopilka_pg_log "no free port in 54329-54399"; return 1; fi
  done

  # Same locale as a stock Debian server when the C.UTF-8 locale exists; plain C otherwise.
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_opts=(--locale=C.UTF-8)
  else
    locale_opts=(--no-locale)
  fi

  _kopilka_pg_log "starting a throw-away PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) in $dir on 127.0.0.1:$port"
  _kopilka_pg_as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 "${locale_opts[@]}" >"$dir/initdb.log" 2>&1 || {
    _kopilka_pg_log "initdb failed:"; cat "$dir/initdb.log" >&2; return 1
  }
  # Durability off: the data is thrown away anyway. The socket lives in the temp dir so that
  # nothing needs /var/run/postgresql. max_connections: test files run in parallel, each with a pool.
  _kopilka_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null || {
    _kopilka_pg_log "the server did not start:"; tail -n 30 "$dir/server.log" >&2; return 1
  }
  _kopilka_pg_as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres test || {
    _kopilka_pg_log "createdb test failed"; return 1
  }
  # Remember the bin dir for stopping: a later apt upgrade must not confuse us.
  echo "$bindir" >"$dir/bindir"
  TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
}

# Stops a throw-away server and deletes its temp dir. Without an argument: the one this shell
# started (safe to call when there is none, e.g. from an EXIT trap).
stop_throwaway_postgres() {
  local dir="${1:-$_kopilka_pg_dir}" bindir
  [[ -n "$dir" && -d "$dir" ]] || return 0
  # Refuse anything that does not look like ours, since we rm -rf it.
  case "$(basename "$dir")" in kopilka-pg.*) ;; *) _kopilka_pg_log "refusing to remove $dir"; return 1 ;; esac
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    bindir="$(cat "$dir/bindir" 2>/dev/null || _kopilka_pg_bindir)"
    # Immediate: no checkpoint needed for data we delete next.
    _kopilka_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 ||
      _kopilka_pg_log "pg_ctl stop failed for $dir"
  fi
  rm -rf "$dir"
  _kopilka_pg_log "stopped and removed the throw-away PostgreSQL in $dir"
  [[ "$dir" == "$_kopilka_pg_dir" ]] && _kopilka_pg_dir=""
  return 0
}

# The server binaries (initdb, pg_ctl) without starting anything: the outage tests
# (test/integration/database-outage.test.ts) run a server of their own that they restart and crash.
ensure_postgres_binaries() {
  [[ -n "$(_kopilka_pg_bindir)" ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    _kopilka_pg_log "no PostgreSQL server binaries and not root: the outage tests will fail; install the 'postgresql' package"
    return 0
  fi
  _kopilka_pg_log "installing PostgreSQL's server binaries with apt-get (for the outage tests)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql; } >&2 ||
    _kopilka_pg_log "apt-get install postgresql failed"
  return 0
}

# Sets and exports TEST_DATABASE_URL (see the top of the file for the order).
ensure_postgres() {
  if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    _kopilka_pg_log "using TEST_DATABASE_URL from the environment"
  elif [[ "${KOPILKA_FORCE_THROWAWAY_PG:-}" != 1 ]] && _kopilka_pg_try_local; then
    _kopilka_pg_log "using the PostgreSQL server on 127.0.0.1:5432"
  else
    [[ "${KOPILKA_FORCE_THROWAWAY_PG:-}" == 1 ]] && _kopilka_pg_log "KOPILKA_FORCE_THROWAWAY_PG=1: not looking at 127.0.0.1:5432"
    if ! _kopilka_pg_start_throwaway; then
      stop_throwaway_postgres
      return 1
    fi
  fi
  export TEST_DATABASE_URL
}

# Run, not sourced: print the URL (or stop a server with --stop DIR).
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if [[ "${1:-}" == "--stop" ]]; then
    [[ -n "${2:-}" ]] || { echo "usage: $0 --stop DIR" >&2; exit 2; }
    stop_throwaway_postgres "$2"
    exit
  fi
  ensure_postgres
  if [[ -n "$_kopilka_pg_dir" ]]; then
    _kopilka_pg_log "left running; stop it with: bash $0 --stop $_kopilka_pg_dir"
  fi
  echo "$TEST_DATABASE_URL"
fi
