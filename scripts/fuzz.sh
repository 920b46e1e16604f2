#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang++ (-fsanitize=fuzzer,address,undefined)
# in their own build directory and runs each for a bounded time from its seed corpus. Exits
# non-zero on any finding (crash, sanitizer report, failed property, leak, timeout, OOM); the
# input that caused it is kept under $REGISTRY_FUZZ_DIR/findings/.
#
#   scripts/fuzz.sh [TARGET...]          targets: json_body router merge_patch csv_reader
#   REGISTRY_FUZZ_SECONDS=600            time per target (default 60)
#   REGISTRY_FUZZ_RUNS=300000            a fixed number of inputs per target instead, from the
#                                        seeds alone: the same run on every machine (./test.sh)
#   REGISTRY_FUZZ_PARALLEL=2             targets run at once (default: number of cores)
#   REGISTRY_FUZZ_DIR=build-fuzz         build directory; the grown corpora stay in its corpus/
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_EACH="${REGISTRY_FUZZ_SECONDS:-60}"
PARALLEL="${REGISTRY_FUZZ_PARALLEL:-$(nproc)}"
FUZZ_DIR="${REGISTRY_FUZZ_DIR:-$REPO_DIR/build-fuzz}"
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(json_body router merge_patch csv_reader)

# clang and its sanitizer/libFuzzer runtimes only for this script: run.sh does not need them.
REGISTRY_PACKAGES=(clang libclang-rt-14-dev)
install_packages

log "building fuzz targets in $FUZZ_DIR"
cmake -S "$REPO_DIR" -B "$FUZZ_DIR" -DREGISTRY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$FUZZ_DIR" -j "$(nproc)" >/dev/null

run_target() {
  local target="$1" corpus="$FUZZ_DIR/corpus/$1" seeds="$REPO_DIR/tests/fuzz/$1"
  local extra=() dict="$REPO_DIR/tests/fuzz/$1.dict" budget=(-max_total_time="$SECONDS_EACH")
  if [ -n "${REGISTRY_FUZZ_RUNS:-}" ]; then
    # Reproducible: a fixed seed, a fixed number of inputs and no corpus grown by earlier runs,
    # so what passes here passes in CI (the time cap only guards against a hang).
    corpus="$FUZZ_DIR/corpus-fixed/$1"
    rm -rf "$corpus"
    budget=(-runs="$REGISTRY_FUZZ_RUNS" -max_total_time=900)
  fi
  [ "$target" = merge_patch ] && dict="$REPO_DIR/tests/fuzz/json_body.dict"  # both read exam JSON
  if [ -f "$dict" ]; then extra+=("-dict=$dict"); fi
  mkdir -p "$corpus" "$FUZZ_DIR/findings"
  # New inputs go to the build directory's corpus; the seeds in the repository stay as written.
  "$FUZZ_DIR/tests/fuzz/fuzz_$target" "$corpus" "$seeds" "${extra[@]}" \
    "${budget[@]}" -seed="${REGISTRY_FUZZ_SEED:-20261202}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/findings/$target-" \
    >"$FUZZ_DIR/fuzz-$target.log" 2>&1
}

if [ -n "${REGISTRY_FUZZ_RUNS:-}" ]; then
  log "fuzzing ${TARGETS[*]} for $REGISTRY_FUZZ_RUNS inputs each (seed ${REGISTRY_FUZZ_SEED:-20261202}), $PARALLEL at a time"
else
  log "fuzzing ${TARGETS[*]} for ${SECONDS_EACH}s each, $PARALLEL at a time"
fi
failed=()
pids=() names=()
for target in "${TARGETS[@]}"; do
  [ -x "$FUZZ_DIR/tests/fuzz/fuzz_$target" ] || die "no fuzz target $target"
  run_target "$target" &
  pids+=($!) names+=("$target")
  if [ "${#pids[@]}" -ge "$PARALLEL" ]; then
    wait "${pids[0]}" || failed+=("${names[0]}")
    pids=("${pids[@]:1}") names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${names[$i]}"); done

for target in "${TARGETS[@]}"; do
  stats=$(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$FUZZ_DIR/fuzz-$target.log" | awk '{printf "%s ", $0}')
  printf '  %-12s %s\n' "$target" "${stats:-(no statistics)}" >&2
done
if [ "${#failed[@]}" -gt 0 ]; then
  for target in "${failed[@]}"; do
    printf '\n--- fuzz_%s found something (log: %s) ---\n' "$target" "$FUZZ_DIR/fuzz-$target.log" >&2
    grep -E -A30 'ERROR: |property failed|==[0-9]+==' "$FUZZ_DIR/fuzz-$target.log" | head -60 >&2 || tail -40 "$FUZZ_DIR/fuzz-$target.log" >&2
  done
  ls "$FUZZ_DIR/findings" >&2
  die "fuzzing found problems in: ${failed[*]}"
fi
log "fuzzing found nothing"
