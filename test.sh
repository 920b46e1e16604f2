#!/usr/bin/env bash
# Sets everything up and runs every test suite through CTest against a throwaway private
# PostgreSQL. Exits non-zero on any failure and leaves no server or PostgreSQL running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"

install_packages
npm_tools "$REPO_DIR/scripts/openapi-lint"
build_web
if [ "${REGISTRY_SANITIZE:-OFF}" = ON ]; then
  source "$REPO_DIR/scripts/sanitize.sh"
  sanitize_setup
fi
build_project "${REGISTRY_BUILD_TYPE:-Release}"

throwaway_cluster registry-test "${REGISTRY_TEST_PG_PORT:-55433}"
TEST_DIR="$THROWAWAY_DIR"

export REGISTRY_TEST_PGHOST="$TEST_DIR/pg" REGISTRY_TEST_PGPORT="$PGPORT" REGISTRY_TEST_TMPDIR="$TEST_DIR"
# The sanitizer pass (.ci/run) leaves out the browser tests: they drive the web app's JavaScript,
# which the sanitizers do not see, through endpoints the integration suites already run under
# them, and they are the slowest tests there (~90 s of the pass). The normal pass runs them.
exclude=()
if [ "${REGISTRY_SANITIZE:-OFF}" = ON ] && [ "$#" -eq 0 ]; then exclude=(--exclude-regex '^browser'); fi
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" "${exclude[@]}" "$@" || status=$?
if [ "${REGISTRY_SANITIZE:-OFF}" = ON ]; then sanitizer_reports || status=1; fi
[ "$status" -eq 0 ] || exit "$status"

# libFuzzer targets, a fixed number of inputs from the seeds so the gate is the same run on
# every machine (tests/fuzz/README.md); REGISTRY_FUZZ_SECONDS=0 skips them. Open-ended fuzzing
# (scripts/fuzz.sh with REGISTRY_FUZZ_SECONDS) is how new findings are looked for.
if [ "${REGISTRY_FUZZ_SECONDS:-60}" != 0 ] && [ "$#" -eq 0 ]; then
  REGISTRY_FUZZ_RUNS="${REGISTRY_FUZZ_RUNS:-400000}" "$REPO_DIR/scripts/fuzz.sh"
fi
