# Shared set-up for ./run.sh and ./test.sh: packages, build, a private PostgreSQL cluster.
# Sourced, not executed. Every function is idempotent.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${REGISTRY_BUILD_DIR:-$REPO_DIR/build}"

# Debian packages the build, the server and the tests need.
REGISTRY_PACKAGES=(g++ cmake make pkg-config git openssl ca-certificates
  libpoco-dev libpqxx-dev libboost-test-dev libssl-dev libxlsxwriter-dev
  postgresql postgresql-client libxml2-utils libglpk-dev libqrencode-dev chromium)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

install_packages() {
  local missing=() pkg
  for pkg in "${REGISTRY_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# npm_tools DIR: the npm packages pinned by DIR/package-lock.json, installed exactly (npm ci).
npm_tools() {
  local dir="$1"
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Debian packages: nodejs npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    log "installing npm packages pinned in $dir/package-lock.json"
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
    touch "$dir/node_modules"
  fi
}

build_project() {
  local type="${1:-Release}"
  log "building ($type) in $BUILD_DIR"
  cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

# The web app's npm step: the pinned packages of server/web/package-lock.json (Chart.js, and the
# browser-test tools; install scripts off, so no browser is ever downloaded), then the vendor
# copy into server/web/app/vendor/.
build_web() {
  npm_tools "$REPO_DIR/server/web"
  log "building the web app (server/web/vendor.js)"
  (cd "$REPO_DIR/server/web" && node vendor.js >/dev/null)
}

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$dir"
}

# initdb refuses to run as root, so root runs the cluster as the unprivileged `postgres` user.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR PORT: create (first time) and start a private cluster listening only on a Unix
# socket inside DIR. Exports PGHOST/PGPORT for psql.
pg_start() {
  local dir="$1" port="$2" bin
  bin=$(pg_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "creating private PostgreSQL cluster in $dir/data"
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=reject \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    log "starting PostgreSQL on socket $dir port $port"
    pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 start \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c max_connections=200 -c fsync=${PG_FSYNC:-on}" >/dev/null \
      || { cat "$dir/postgresql.log" >&2; die "PostgreSQL did not start"; }
  fi
  export PGHOST="$dir" PGPORT="$port"
}

pg_stop() {
  local dir="$1" bin
  bin=$(pg_bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    log "stopping PostgreSQL ($dir)"
    pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# The three roles of a deployment: the owner runs migrations, the service role gets only what
# the migrations grant to registry_service, and the superuser is only for creating them.
pg_roles() {
  psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_service') THEN CREATE ROLE registry_service NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_owner') THEN CREATE ROLE registry_owner LOGIN CREATEROLE CREATEDB; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'registry_app') THEN CREATE ROLE registry_app LOGIN IN ROLE registry_service; END IF;
END $$;
SQL
}

pg_create_database() {
  local name="$1"
  if ! psql -q -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres -c "CREATE DATABASE $name OWNER registry_owner"
  fi
}

# random_key FILE WHAT: a 64-byte random key as hex, readable only by its owner (kept if present).
random_key() {
  local file="$1"
  if [ ! -f "$file" ]; then
    log "generating $2 $file"
    (umask 077 && openssl rand -hex 64 >"$file")
  fi
  chmod 600 "$file"
}

# pseudonym_key FILE: the HMAC key of the pseudonyms (pseudonym.key_file).
pseudonym_key() { random_key "$1" "pseudonym key"; }

# totp_key FILE: the key that seals TOTP secrets at rest (auth.totp_key_file).
totp_key() { random_key "$1" "TOTP secret key"; }

# throwaway_cluster PREFIX PORT: a private cluster in a fresh temporary directory, durability off
# (nothing in it needs to survive), removed again when the calling script exits. Sets
# THROWAWAY_DIR.
throwaway_cluster() {
  THROWAWAY_DIR="$(mktemp -d "/tmp/$1.XXXXXX")"
  chmod 755 "$THROWAWAY_DIR"
  trap 'pg_stop "$THROWAWAY_DIR/pg"; rm -rf "$THROWAWAY_DIR"' EXIT
  PG_FSYNC=off pg_start "$THROWAWAY_DIR/pg" "$2"
  pg_roles
}
