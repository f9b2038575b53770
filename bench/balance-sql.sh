#!/usr/bin/env bash
# What PostgreSQL itself spends on the balance read's SQL, without the server: the exact query of
# GET /v1/members/{id}/balance (as it was before src/store/ledger.ts loadMemberLotsMany) driven by pgbench, sent
# unprepared (parse + plan on every call, as Kysely and node-postgres send it) and prepared; and
# its planning vs execution time from EXPLAIN ANALYZE in a warm session. About 1 minute.
#   bash bench/balance-sql.sh          (needs bench/.build from bench/run.sh, PostgreSQL, pgbench)
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BASE="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DB="kopilka_bench_sql_$$"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/kopilka-bench-sql.XXXXXX")"
cleanup() { psql "$PG_BASE/postgres" -qc "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT
test -f bench/.build/cli/main.js || { echo "build first: bash bench/run.sh (or npx tsc -p tsconfig.build.json --outDir bench/.build)" >&2; exit 1; }

psql "$PG_BASE/postgres" -qc "create database $DB"
export DATABASE_URL="$PG_BASE/$DB"
node bench/.build/cli/main.js migrate >/dev/null
PID=$(node bench/.build/cli/main.js program create --name bench | sed -E 's/program created: ([^ ]+).*/\1/')
npx tsx bench/load-cli.ts "$PID" 100000 2>&1 | grep -v '^npm warn' >&2

BALANCE="select 0::int as kind, null::uuid as lot_id, null::bigint as amount, null::timestamptz as available_at, null::timestamptz as expires_at, null::uuid as purchase_id from members where member_id = MEMBER and program_id = '$PID' union all select 1::int as kind, lot_id, remaining as amount, available_at, expires_at, purchase_id from lots where member_id = MEMBER and remaining <> 0 union all select 2::int, lot_id, amount, null, expires_at, purchase_id from holds where member_id = MEMBER"
# pgbench substitutes :q as text in simple mode (so it must be quoted) and binds :m as a parameter in prepared mode.
for mode in simple prepared; do
  var=$([[ $mode == simple ]] && echo ':q' || echo ':m')
  printf '\\set i random(1, 100000)\nselect member_id::text as m, quote_literal(member_id::text) as q from bench_ids where i = :i \\gset\n' >"$TMP/lookup-$mode.sql"
  { cat "$TMP/lookup-$mode.sql"; echo "${BALANCE//MEMBER/$var::uuid};"; } >"$TMP/balance-$mode.sql"
done
run() { pgbench -n -M "$1" -f "$TMP/$2-$1.sql" -c 32 -j 2 -T 8 "$DATABASE_URL" 2>&1 | sed -nE 's/^tps = ([0-9.]+) .*/\1/p'; }
declare -A TPS
for mode in simple prepared; do for f in lookup balance; do TPS[$f-$mode]=$(run $mode $f); done; done
M="'$(psql "$DATABASE_URL" -Atc "select member_id from bench_ids where i = 1")'"
PLAN=$( (for _ in $(seq 10); do echo "explain (analyze, summary, costs off) ${BALANCE//MEMBER/$M};"; done) | psql "$DATABASE_URL" -At | sed -nE 's/^(Planning|Execution) Time: ([0-9.]+) ms/\1 \2/p' | tail -10 |
  awk '{s[$1]+=$2; n[$1]++} END {printf "planning %.3f ms, execution %.3f ms (mean of the last 5 in one warm session)", s["Planning"]/n["Planning"], s["Execution"]/n["Execution"]}')
cpu() { awk -v a="$1" -v b="$2" -v c="$(nproc)" 'BEGIN { printf "%.0f", (c / a - c / b) * 1e6 }'; }
cat <<EOT
The balance read's SQL alone, pgbench -c 32 -j 2 -T 8 on $(nproc) cores, 100,000 members (each transaction first looks up a random member id):
  unprepared (parse + plan every time):  ${TPS[balance-simple]} tps (the lookup alone: ${TPS[lookup-simple]} tps) → about $(cpu "${TPS[balance-simple]}" "${TPS[lookup-simple]}") µs of machine CPU per balance query
  prepared (planned once per connection): ${TPS[balance-prepared]} tps (the lookup alone: ${TPS[lookup-prepared]} tps) → about $(cpu "${TPS[balance-prepared]}" "${TPS[lookup-prepared]}") µs of machine CPU per balance query
  EXPLAIN ANALYZE: $PLAN
EOT
