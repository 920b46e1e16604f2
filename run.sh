#!/usr/bin/env bash
# Sets everything up and serves the registry with demo data on a private PostgreSQL.
# Ctrl-C stops the server and then its PostgreSQL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/lib.sh"

STATE_DIR="${REGISTRY_STATE_DIR:-/var/tmp/strangulation-registry-$(id -un)}"
PG_PORT="${REGISTRY_PG_PORT:-55432}"
HTTP_PORT="${REGISTRY_HTTP_PORT:-8080}"

install_packages
build_web
build_project Release

mkdir -p "$STATE_DIR" && chmod 755 "$STATE_DIR"
pg_start "$STATE_DIR/pg" "$PG_PORT"
trap 'pg_stop "$STATE_DIR/pg"' EXIT
pg_roles
pg_create_database registry
pseudonym_key "$STATE_DIR/pseudonym.key"
totp_key "$STATE_DIR/totp.key"

CONFIG="$STATE_DIR/registry.properties"
cat >"$CONFIG" <<PROPS
# Written by run.sh for the local demo; see config/registry.properties for every key.
http.port = $HTTP_PORT
db.url = postgresql:///registry?host=$STATE_DIR/pg&port=$PG_PORT&user=registry_app
db.owner_url = postgresql:///registry?host=$STATE_DIR/pg&port=$PG_PORT&user=registry_owner
db.schema_dir = $REPO_DIR/schema
web.root = $REPO_DIR/server/web/app
pseudonym.key_file = $STATE_DIR/pseudonym.key
auth.totp_key_file = $STATE_DIR/totp.key
# auth.require_2fa_roles keeps its default (admin,loef,researcher): those demo accounts enrol a
# TOTP second factor on first sign-in, as in production; the others sign in by password.
demo.enabled = true
PROPS

REGISTRY=("$BUILD_DIR/registry" --config "$CONFIG")
log "migrating"
"${REGISTRY[@]}" migrate
log "seeding demo data"
"${REGISTRY[@]}" demo seed

log "serving http://localhost:$HTTP_PORT (Ctrl-C stops)"
"${REGISTRY[@]}" serve &
SERVER_PID=$!
trap 'kill -TERM $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; pg_stop "$STATE_DIR/pg"' EXIT
trap 'exit 0' INT TERM
wait $SERVER_PID
