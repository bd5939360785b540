# Shared settings for the shell scripts (sourced, not run).
# Ports default away from the standard ones so a user's own servers do not clash.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="${OSHOP_LOCAL_DIR:-$ROOT/.local}"
RUN_DIR="$LOCAL_DIR/run"
LOG_DIR="$LOCAL_DIR/log"

export OSHOP_DYNAMODB_PORT="${OSHOP_DYNAMODB_PORT:-18000}"
export OSHOP_MONGO_PORT="${OSHOP_MONGO_PORT:-37017}"
export OSHOP_REDIS_PORT="${OSHOP_REDIS_PORT:-16379}"
export OSHOP_PG_PORT="${OSHOP_PG_PORT:-15432}"

# Keep installs offline-safe: no browser downloads, no telemetry.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export ARTILLERY_DISABLE_TELEMETRY=true
export SLS_TELEMETRY_DISABLED=1
export SLS_NOTIFICATIONS_MODE=off

if [ -t 1 ]; then
  C_OK=$'\e[32m' C_ERR=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_OK='' C_ERR='' C_DIM='' C_OFF=''
fi

say() { printf '%s[oshop]%s %s\n' "$C_DIM" "$C_OFF" "$*"; }
ok() { printf '%s[oshop]%s %s%s%s\n' "$C_DIM" "$C_OFF" "$C_OK" "$*" "$C_OFF"; }
die() {
  printf '%s[oshop] error:%s %s\n' "$C_ERR" "$C_OFF" "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $2 seconds for command "$3..." to succeed.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  local i
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# Installs the project's npm dependencies when missing or older than the lockfile.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.oshop-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/package-lock.json" ] && [ "$stamp" -nt "$ROOT/package.json" ]; then
    return 0
  fi
  command -v npm >/dev/null || die "npm is missing: install Node.js (any version >= 18; the project brings its own Node 22)"
  say "installing npm dependencies (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed (see above)"
  touch "$stamp"
}

# The project's own Node 22 (devDependency "node") wins over the machine's once installed.
export PATH="$ROOT/node_modules/.bin:$PATH"
