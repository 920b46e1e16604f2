#!/usr/bin/env bash
# Submission throughput of the full service path beside its floor, in one run on one database:
#   1. `registry serve` (Release, defaults) under wrk: keep-alive connections POSTing complete exam
#      forms with distinct references (bench/submit.lua), at 8 and 16 connections;
#   2. the raw floor: the same two inserts (exam row + audit event) through pgbench with a
#      prepared custom script (bench/submit-floor.sql), at the same connection counts;
#   3. the ratio service/raw, and the server's peak RSS (VmHWM);
#   4. optionally (BENCH_MIX_SECONDS > 0) a mixed run: 80% submissions, 15% record reads, 5% reports.
# PostgreSQL runs with its default settings and fsync on, as the issue's figures were taken. The
# per-user rate limit is off (one bench user stands for many doctors), and so is mandatory
# second-factor enrolment (the LOEF user that reads and runs reports signs in once, by password).
#
#   BENCH_SECONDS      seconds per load run (default 20)
#   BENCH_PRELOAD      exams bulk-loaded after a first round, then the round again (default 0;
#                      e.g. 1000000)
#   BENCH_MIX_SECONDS  seconds of the mixed run (default 60; 0 skips it)
#   BENCH_PG_PORT      socket port of the throwaway cluster (default 55436)
# Prints figures; asserts nothing. Stops its PostgreSQL and server on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
PRELOAD="${BENCH_PRELOAD:-0}"
MIX_SECONDS="${BENCH_MIX_SECONDS:-60}"
HTTP_PORT=18481

install_packages
for tool in wrk bc curl; do
  command -v "$tool" >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
done
build_project Release

DIR="$(mktemp -d /tmp/registry-submit.XXXXXX)"
chmod 755 "$DIR"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  pg_stop "$DIR/pg"
  rm -rf "$DIR"
}
trap cleanup EXIT
PG_FSYNC=on pg_start "$DIR/pg" "${BENCH_PG_PORT:-55436}"
pg_roles
pg_create_database bench_submit
url() { echo "postgresql:///bench_submit?host=$DIR/pg&port=$PGPORT&user=$1"; }
pseudonym_key "$DIR/key"
totp_key "$DIR/totp.key"
export REGISTRY_DB_URL="$(url registry_app)" REGISTRY_DB_OWNER_URL="$(url registry_owner)" \
  REGISTRY_DB_SCHEMA_DIR="$REPO_DIR/schema" REGISTRY_PSEUDONYM_KEY_FILE="$DIR/key" REGISTRY_AUTH_TOTP_KEY_FILE="$DIR/totp.key" \
  REGISTRY_HTTP_PORT="$HTTP_PORT" REGISTRY_LOG_LEVEL=warning REGISTRY_AUTH_PBKDF2_ITERATIONS=600000 \
  REGISTRY_RATELIMIT_PER_SECOND=0 REGISTRY_AUTH_REQUIRE_2FA_ROLES=
REGISTRY="$BUILD_DIR/registry"
"$REGISTRY" migrate >/dev/null
for u in bench.doctor:forensic_doctor:oost_brabant bench.loef:loef:; do
  IFS=: read -r name role region <<<"$u"
  echo "a long bench password" | "$REGISTRY" user add --username "$name" --role "$role" ${region:+--region "$region"} \
    --password-stdin >/dev/null
done
"$REGISTRY" serve &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$HTTP_PORT/health" >/dev/null && break; sleep 0.1; done
token() {
  curl -fs -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"a long bench password\"}" \
    "http://127.0.0.1:$HTTP_PORT/api/v1/sessions" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
export BENCH_TOKEN="$(token bench.doctor)" BENCH_LOEF_TOKEN="$(token bench.loef)" BENCH_BODY="$REPO_DIR/bench/submit-exam.json"

AUTHOR=$(psql -qtAX -U postgres -d bench_submit -c "SELECT id FROM users WHERE username = 'bench.doctor'")
FIELDS=$(sed -e 's/^{"fields"://' -e 's/}$//' -e 's/"police_reference":"[^"]*",//' -e 's/"victim_reference":"[^"]*",//' \
  "$REPO_DIR/bench/submit-exam.json")
# The stored fields as an immutable function (folded into the prepared plan): pgbench would read
# the colons of a JSON literal as its own variables.
psql -q -U registry_owner -d bench_submit -v ON_ERROR_STOP=1 -v fields="$FIELDS" >/dev/null <<'SQL'
SELECT format('CREATE FUNCTION bench_fields() RETURNS jsonb LANGUAGE sql IMMUTABLE AS %L',
              'SELECT ' || quote_literal(:'fields') || '::jsonb') \gexec
SQL
sed -e "s/__AUTHOR__/$AUTHOR/g" "$REPO_DIR/bench/submit-floor.sql" >"$DIR/floor.sql"

# CPU time so far, in ms: "server postgres". PostgreSQL's is the postmaster with every backend,
# living (their own time) and ended (the postmaster's waited-for children: pgbench's sessions).
cpu_ms() {
  local pm srv pg=0 p t
  pm=$(head -n 1 "$DIR/pg/data/postmaster.pid")
  pg=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for p in $(pgrep -P "$pm"); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) && pg=$((pg + t))
  done
  srv=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  local hz; hz=$(getconf CLK_TCK)
  echo "$((srv * 1000 / hz)) $((pg * 1000 / hz))"
}
per() { echo "scale=2; $1 / $2" | bc; }

# One round: the service and the floor at 8 and 16 connections, on what the table holds now,
# each with the CPU it cost per request (server and PostgreSQL; wrk's and pgbench's own not counted).
salt=0
measure() {
  echo "exams in the table: $(psql -qtAX -U postgres -d bench_submit -c 'SELECT count(*) FROM exams')"
  printf '%-28s %6s %10s %9s %9s %7s  %s\n' "path" "conns" "rate/s" "p50 ms" "p99 ms" "errors" "(status:count)"
  for conns in 8 16; do
    salt=$((salt + 1))
    read -r srv0 pg0 < <(cpu_ms)
    out=$(BENCH_SALT=$salt wrk -t1 -c"$conns" -d"${SECONDS_PER_RUN}s" --latency -s "$REPO_DIR/bench/submit.lua" \
      "http://127.0.0.1:$HTTP_PORT" | grep '^RESULT')
    read -r srv1 pg1 < <(cpu_ms)
    service=$(sed -n 's/.*rate=\([0-9.]*\).*/\1/p' <<<"$out")
    requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    printf '%-28s %6s %10s %9s %9s %7s  %s\n' "POST /exams?submit=true" "$conns" "$service" \
      "$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$out")" "$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")" \
      "$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$out")" "$(sed -n 's/.*kinds=\(.*\)$/\1/p' <<<"$out")"
    read -r _ pgf0 < <(cpu_ms)
    pgbench -n -M prepared -c "$conns" -j 1 -T "$SECONDS_PER_RUN" -f "$DIR/floor.sql" -U registry_owner bench_submit \
      >"$DIR/pgbench.out" 2>"$DIR/pgbench.err" || true
    # pgbench's sessions end after it does; their time is the postmaster's once they are reaped.
    for _ in $(seq 50); do
      [ "$(psql -qtAX -U postgres -d bench_submit -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'registry_owner'")" = 0 ] && break
      sleep 0.1
    done
    sleep 0.2
    read -r _ pgf1 < <(cpu_ms)
    floor=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$DIR/pgbench.out" | head -n 1)
    [ -n "$floor" ] || { cat "$DIR/pgbench.err" >&2; exit 1; }
    transactions=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$DIR/pgbench.out")
    lat=$(echo "scale=2; 1000 * $conns / $floor" | bc)
    printf '%-28s %6s %10s %9s %9s %7s\n' "pgbench floor (2 inserts)" "$conns" "$floor" "~$lat" "" ""
    printf '%-28s %6s %9s%%\n' "service / floor" "$conns" "$(echo "scale=1; 100 * $service / $floor" | bc)"
    echo "  CPU per request: service $(per $((srv1 - srv0)) "$requests") ms in the server + $(per $((pg1 - pg0)) "$requests") ms in PostgreSQL;" \
      "floor $(per $((pgf1 - pgf0)) "$transactions") ms in PostgreSQL"
  done
}

echo
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL $(pg_bindir | grep -o '[0-9]*' | tail -n 1), default settings, fsync on"
measure
if [ "$PRELOAD" -gt 0 ]; then
  # The same round again on a table bulk-loaded with PRELOAD exams (the server keeps running):
  # flat means the second round's ratio is the first's.
  log "bulk-loading $PRELOAD exams"
  "$BUILD_DIR/bench/bench_bulk_load" --owner-url "$(url registry_owner)" --count "$PRELOAD" --repeat 1 >/dev/null
  psql -q -U registry_owner -d bench_submit -c 'VACUUM (ANALYZE) exams' >/dev/null
  measure
fi
if [ "$MIX_SECONDS" -gt 0 ]; then
  out=$(BENCH_SALT=9 BENCH_MIX=1 wrk -t1 -c16 -d"${MIX_SECONDS}s" --latency -s "$REPO_DIR/bench/submit.lua" \
    "http://127.0.0.1:$HTTP_PORT" | grep '^RESULT')
  printf '%-28s %6s %10s %9s %9s %7s  %s\n' "mixed 80/15/5" 16 "$(sed -n 's/.*rate=\([0-9.]*\).*/\1/p' <<<"$out")" \
    "$(sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p' <<<"$out")" "$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")" \
    "$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$out")" "$(sed -n 's/.*kinds=\(.*\)$/\1/p' <<<"$out")"
fi
echo "exams in the table after the runs: $(psql -qtAX -U postgres -d bench_submit -c 'SELECT count(*) FROM exams')"
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER_PID/status")"
