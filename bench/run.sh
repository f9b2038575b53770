#!/usr/bin/env bash
# Kopilka benchmark, in one go (about 5–6 minutes on a 2-core machine):
#   build the server, then on PostgreSQL: 100,000 members, POST /v1/purchases at c=8/32/64 with
#   the simple mix (5-line receipts, no campaigns), GET balance, round trips per request, then the
#   "real program" on the same server and members (bench/real-program.ts: 12 campaigns and 4 tiers
#   published over the API, 8–20-line receipts from the real baskets of ../shared/data/groceries,
#   members by phone, 30 % anonymous, a third of member receipts spending points) at the same
#   concurrencies with its round trips, `kopilka verify`; pgbench TPC-B on the same server; the
#   simple mix and the real program on PGlite. Prints a results table and writes it into
#   bench/RESULTS.md.
#
#   bash bench/run.sh              the benchmark
#   bash bench/run.sh --profile    purchase and balance loads on PostgreSQL and a purchase load on
#                                  PGlite with the server under `node --cpu-prof`; prints and keeps
#                                  (bench/.profiles/RUN/summary.txt) the top self-time functions
#
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres (BENCH_PG_URL to change:
# a base URL without a database name) and pgbench. Knobs (environment): BENCH_MEMBERS (100000),
# BENCH_PGLITE_MEMBERS (10000), BENCH_DURATION (12 s per step), BENCH_WARMUP (3),
# BENCH_CONCURRENCY ("8 32 64"), BENCH_PGLITE_CONCURRENCY ("8 32 64"),
# BENCH_BALANCE_CONCURRENCY (32), BENCH_DB_POOL_SIZE (20), BENCH_PG_TRANSPORT (auto: the Unix-domain
# socket in BENCH_PG_SOCKET_DIR=/var/run/postgresql when it exists, else tcp; both server and pgbench), BENCH_PGBENCH_SCALE (10),
# BENCH_SERVER_NODE_ARGS (the V8 flags `npm start` uses, src/config.ts; "" for none),
# BENCH_PGBENCH_CLIENTS (32), BENCH_PGBENCH_THREADS (2), BENCH_WRITE_RESULTS (1; 0 = don't
# touch RESULTS.md), BENCH_QUIET_WAIT (15 s: the most a step waits for a busy machine to quiet
# down), BENCH_QUIET_BUDGET (60 s in all), SHARED_DATA_DIR (../shared/data: where groceries/ is),
# BENCH_STEPS (all of "mix real balance roundtrips pgbench pglite": the steps to run, e.g.
# BENCH_STEPS="real pgbench" for the real program on PostgreSQL and its ratio to pgbench only;
# mix = the simple purchase mix, real = the real program, pglite = the PGlite phase with
# whichever of mix and real are chosen; the PostgreSQL phase runs when any of mix, real,
# balance, roundtrips is chosen). Each 12-s step at 3 concurrencies adds about 45 s.
#
# Everything made here is removed at the end, also on failure or Ctrl-C: the databases
# kopilka_bench_*<run id>, the servers, the temp data directory.
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_COMMAND="bash bench/run.sh${*:+ $*}"
export BENCH_RUN_ID="r$(date +%s)$$"
BENCH_STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kopilka-bench.XXXXXX")"
export BENCH_STATE_DIR
PG_BASE="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"

cleanup() {
  # Last resort, for when the driver itself was killed: its servers, its databases, its files.
  if [[ -f "$BENCH_STATE_DIR/pids" ]]; then
    while read -r pid; do
      if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    done <"$BENCH_STATE_DIR/pids"
  fi
  if command -v psql >/dev/null 2>&1; then
    for db in $(psql "$PG_BASE/postgres" -Atc "select datname from pg_database where datname like 'kopilka\_bench\_%${BENCH_RUN_ID}'" 2>/dev/null); do
      psql "$PG_BASE/postgres" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$BENCH_STATE_DIR"
}
trap cleanup EXIT

# The server is built into bench/.build (not dist/, which others may be building at the same
# time) and run from there: faster than tsx and what production runs.
echo "[bench] building the server into bench/.build" >&2
if ! npx tsc -p tsconfig.build.json --outDir bench/.build --tsBuildInfoFile bench/.build/.tsbuildinfo >"$BENCH_STATE_DIR/tsc.log" 2>&1; then
  echo "[bench] tsc reported errors (it still emits JavaScript; going on):" >&2
  head -20 "$BENCH_STATE_DIR/tsc.log" >&2
fi
test -f bench/.build/cli/main.js || { echo "[bench] the build produced no bench/.build/cli/main.js" >&2; exit 1; }

npx tsx bench/main.ts "$@"
