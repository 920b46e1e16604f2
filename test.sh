#!/usr/bin/env bash
# Sets everything up and runs every test suite through CTest against a throwaway private
# PostgreSQL. Exits non-zero on any failure and leaves no server or PostgreSQL running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"

install_packages
build_project "${REGISTRY_BUILD_TYPE:-Release}"

TEST_DIR="$(mktemp -d /tmp/registry-test.XXXXXX)"
chmod 755 "$TEST_DIR"
cleanup() { pg_stop "$TEST_DIR/pg"; rm -rf "$TEST_DIR"; }
trap cleanup EXIT

# Durability is irrelevant for a throwaway cluster; fsync off makes the suite faster.
PG_FSYNC=off pg_start "$TEST_DIR/pg" "${REGISTRY_TEST_PG_PORT:-55433}"
pg_roles

export REGISTRY_TEST_PGHOST="$TEST_DIR/pg" REGISTRY_TEST_PGPORT="$PGPORT" REGISTRY_TEST_TMPDIR="$TEST_DIR"
ctest --test-dir "$BUILD_DIR" --output-on-failure "$@"
