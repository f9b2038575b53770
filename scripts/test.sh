#!/usr/bin/env bash
# `npm test`: typecheck, then node's own test runner (through tsx) on the test files.
#
#   npm test                                  all test/**/*.test.ts
#   npm test -- test/unit/x.test.ts test/integration
#                                             only these files (a directory means its *.test.ts)
#   npm test -- --test-name-pattern='returns' test/integration/x.test.ts
#                                             arguments starting with '-' go to node as they are
#                                             (write options as --opt=value)
#
# PostgreSQL: TEST_DATABASE_URL if set, else see scripts/ensure-postgres.sh (the server on
# 127.0.0.1:5432, or a throw-away one that is stopped and deleted when this script exits).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# npm ci only when needed: it deletes node_modules, which is slow and disturbs other runs.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "test.sh: node_modules missing or older than package-lock.json; running npm ci" >&2
  npm ci
fi

# --no-install: never let npx fetch the unrelated `tsc` package from the registry.
echo "test.sh: typecheck" >&2
npx --no-install tsc -p tsconfig.json --noEmit
npx --no-install tsc -p web/tsconfig.json
echo "test.sh: lint (floating promises, exhaustive switches)" >&2
npx --no-install eslint .
echo "test.sh: layering (scripts/check-layers.ts, docs/architecture.md#layering)" >&2
npx --no-install tsx scripts/check-layers.ts

# Test files and runner options from the arguments; no file arguments means all tests.
# Node 20 does not expand globs itself, hence find.
node_opts=()
files=()
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then
    node_opts+=("$arg")
  elif [[ -d "$arg" ]]; then
    mapfile -t -O "${#files[@]}" files < <(find "$arg" -name '*.test.ts' | sort)
  elif [[ -f "$arg" ]]; then
    files+=("$arg")
  else
    echo "test.sh: no such test file or directory: $arg" >&2
    exit 2
  fi
done
if [[ ${#files[@]} == 0 ]]; then
  if (( $# > ${#node_opts[@]} )); then
    echo "test.sh: no *.test.ts files in: $*" >&2
    exit 2
  fi
  mapfile -t files < <(find test -name '*.test.ts' | sort)
fi
if [[ ${#files[@]} == 0 ]]; then
  echo "test.sh: no test files found (test/**/*.test.ts)" >&2
  exit 1
fi

# The trap stops a throw-away PostgreSQL that ensure_postgres may start (none if the caller,
# e.g. .ci/run, already exported TEST_DATABASE_URL). INT/TERM turn into a normal exit so the
# EXIT trap runs.
source scripts/ensure-postgres.sh
source scripts/ensure-chromium.sh
trap stop_throwaway_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ensure_postgres
if printf '%s\n' "${files[@]}" | grep -q 'test/integration/'; then ensure_postgres_binaries; fi
# Browser tests need Debian's Chromium; install it only when one of them is to run.
if printf '%s\n' "${files[@]}" | grep -q 'test/browser/'; then
  ensure_chromium
  node scripts/build-web.mjs   # once, before the test files (it is skipped when up to date)
fi

echo "test.sh: running ${#files[@]} test file(s) with $(node --version)" >&2
status=0
node --import tsx --test --test-concurrency=2 --test-timeout=600000 ${node_opts[@]+"${node_opts[@]}"} "${files[@]}" || status=$?
exit "$status"
