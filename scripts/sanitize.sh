# Sourced by test.sh when REGISTRY_SANITIZE=ON (give it its own REGISTRY_BUILD_DIR, e.g.
# build-asan): the whole project and its tests are built with ASan and UBSan, and every process
# the tests start (the server, the CLI) runs with them. Reports are written to files, not only
# to a stream a test may not read: a server started by a test reports into the same directory,
# and test.sh fails if anything is there, even when every test passed. REGISTRY_ASAN_OPTIONS adds
# options, e.g. fast_unwind_on_malloc=0 for full stacks through uninstrumented libraries.
SANITIZER_REPORT_DIR="$BUILD_DIR/sanitizer-reports"

sanitize_setup() {
  log "sanitizer build (ASan + UBSan) in $BUILD_DIR; reports go to $SANITIZER_REPORT_DIR"
  # The option is cached, so build_project's own configure keeps it.
  cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DREGISTRY_SANITIZE=ON >/dev/null
  rm -rf "$SANITIZER_REPORT_DIR"
  mkdir -p "$SANITIZER_REPORT_DIR"
  chmod 777 "$SANITIZER_REPORT_DIR"
  export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:log_path=$SANITIZER_REPORT_DIR/asan${REGISTRY_ASAN_OPTIONS:+:$REGISTRY_ASAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$REPO_DIR/scripts/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$SANITIZER_REPORT_DIR/ubsan"
}

# Non-zero, after printing them, if any process wrote a sanitizer report.
sanitizer_reports() {
  local reports
  reports=$(find "$SANITIZER_REPORT_DIR" -type f -size +0 2>/dev/null | sort)
  if [ -z "$reports" ]; then
    log "no sanitizer reports"
    return 0
  fi
  local file
  for file in $reports; do
    printf '\n--- %s ---\n' "$file" >&2
    head -n 80 "$file" >&2
  done
  printf 'error: sanitizer reports above (%s)\n' "$SANITIZER_REPORT_DIR" >&2
  return 1
}
