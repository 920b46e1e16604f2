#!/usr/bin/env bash
# Builds (Release) and runs the three benchmarks against a throwaway private PostgreSQL, set up
# as ./test.sh does, and prints their figures. Never part of the test suite; asserts nothing.
#
#   BENCH_EXAMS     exams bench_bulk_load loads (default 1000000)
#   BENCH_PG_PORT   port of the throwaway cluster's socket (default 55434)
#   BENCH_IMPORT_RECORDS  records bench_import generates and imports (default 1000000)
#   BENCH_VALIDATOR_ARGS, BENCH_API_ARGS, BENCH_BULK_ARGS, BENCH_IMPORT_ARGS: extra options for each program
#   BENCH_ONLY      space-separated subset to run (validator api bulk import reports); default all
#
# Stops its PostgreSQL and removes its data directory on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_EXAMS="${BENCH_EXAMS:-1000000}"

install_packages
build_project Release

# Durability is irrelevant for a throwaway cluster (the figures say so).
throwaway_cluster registry-bench "${BENCH_PG_PORT:-55434}"
BENCH_DIR="$THROWAWAY_DIR"

# want NAME: whether BENCH_ONLY (empty: everything) names this benchmark.
want() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

url() { echo "postgresql:///$1?host=$BENCH_DIR/pg&port=$PGPORT&user=$2"; }

# One database per benchmark, so that the API run does not page through a million rows left
# by the bulk load (and the load reports its own table alone).
KEY="$BENCH_DIR/migrate-pseudonym.key"
pseudonym_key "$KEY"
for db in bench_api bench_bulk bench_import; do
  pg_create_database "$db"
  log "migrating $db"
  REGISTRY_DB_URL="$(url "$db" registry_app)" REGISTRY_DB_OWNER_URL="$(url "$db" registry_owner)" \
    REGISTRY_DB_SCHEMA_DIR="$REPO_DIR/schema" REGISTRY_PSEUDONYM_KEY_FILE="$KEY" \
    "$BUILD_DIR/registry" migrate >/dev/null
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL $(pg_bindir | grep -o '[0-9]*' | tail -n 1) with fsync=off"
echo

if want validator; then
log "bench_validator"
# shellcheck disable=SC2086
"$BUILD_DIR/bench/bench_validator" ${BENCH_VALIDATOR_ARGS:-}
fi
echo

if want api; then
log "bench_api"
# shellcheck disable=SC2086
TMPDIR="$BENCH_DIR" "$BUILD_DIR/bench/bench_api" --db-url "$(url bench_api registry_app)" \
  --owner-url "$(url bench_api registry_owner)" ${BENCH_API_ARGS:-}
fi
echo

if want bulk; then
log "bench_bulk_load ($BENCH_EXAMS exams)"
# shellcheck disable=SC2086
"$BUILD_DIR/bench/bench_bulk_load" --owner-url "$(url bench_bulk registry_owner)" --count "$BENCH_EXAMS" \
  ${BENCH_BULK_ARGS:-}
fi
echo

if want import; then
log "bench_import (${BENCH_IMPORT_RECORDS:-1000000} records)"
# shellcheck disable=SC2086
TMPDIR="$BENCH_DIR" "$BUILD_DIR/bench/bench_import" --db-url "$(url bench_import registry_app)" \
  --owner-url "$(url bench_import registry_owner)" --count "${BENCH_IMPORT_RECORDS:-1000000}" ${BENCH_IMPORT_ARGS:-}
fi
echo

if want reports; then
log "bench_reports"
# shellcheck disable=SC2086
TMPDIR="$BENCH_DIR" "$BUILD_DIR/bench/bench_reports" --db-url "$(url bench_bulk registry_app)" \
  --api-db-url "$(url bench_api registry_app)" ${BENCH_REPORTS_ARGS:-}
fi
