#!/usr/bin/env bash
# Sets everything up and runs every test suite through CTest against a throwaway private
# PostgreSQL. Exits non-zero on any failure and leaves no server or PostgreSQL running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"

install_packages
npm_tools "$REPO_DIR/scripts/openapi-lint"
build_web
build_project "${REGISTRY_BUILD_TYPE:-Release}"

throwaway_cluster registry-test "${REGISTRY_TEST_PG_PORT:-55433}"
TEST_DIR="$THROWAWAY_DIR"

export REGISTRY_TEST_PGHOST="$TEST_DIR/pg" REGISTRY_TEST_PGPORT="$PGPORT" REGISTRY_TEST_TMPDIR="$TEST_DIR"
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" "$@"
