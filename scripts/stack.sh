#!/usr/bin/env bash
# The local stack: DynamoDB Local, FerretDB (the MongoDB API, on the stack's PostgreSQL),
# redis-server and PostgreSQL, each the project's own instance on loopback with its data
# under .local/.
#
#   scripts/stack.sh install   fetch/build what is missing (idempotent)
#   scripts/stack.sh up        install if needed, start what is not running, health-check
#   scripts/stack.sh down      stop what this project started
#   scripts/stack.sh status    one line per store
#
# Ports: OSHOP_DYNAMODB_PORT (18000), OSHOP_MONGO_PORT (37017), OSHOP_REDIS_PORT (16379),
# OSHOP_PG_PORT (15432). OSHOP_DYNAMODB_PERSIST=1 keeps DynamoDB Local's data in .local/dynamodb
# (default: in memory, lost when the stack stops; npm run dev and the tests migrate it again).
# FerretDB keeps its data in PostgreSQL (database "ferretdb"), so it persists like the legacy data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DDB_DIR="$LOCAL_DIR/dynamodb-local"
FERRETDB_VERSION=v1.24.2
FERRET_DIR="$LOCAL_DIR/ferretdb"
FERRET_BIN="$FERRET_DIR/ferretdb-$FERRETDB_VERSION"
PG_DATA="$LOCAL_DIR/pg/data"
# Started in this order (FerretDB needs PostgreSQL), stopped in the reverse.
SERVICES=(dynamodb redis postgres mongo)

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}

# ---------------------------------------------------------------- install

missing_debian_packages() {
  local pkgs=()
  command -v java >/dev/null || pkgs+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || pkgs+=(maven)
  command -v redis-server >/dev/null || pkgs+=(redis-server)
  command -v redis-cli >/dev/null || pkgs+=(redis-tools)
  [ -n "$(pg_bin)" ] || pkgs+=(postgresql)
  echo "${pkgs[@]}"
}

install_debian_packages() {
  local pkgs
  pkgs=$(missing_debian_packages)
  [ -z "$pkgs" ] && return 0
  if ! command -v apt-get >/dev/null; then
    die "missing: $pkgs. This is not a Debian/Ubuntu machine: install Java 17, Maven, redis-server and PostgreSQL >= 13 with your package manager, then re-run."
  fi
  if ! is_root; then
    die "missing Debian packages: $pkgs. Run: sudo apt-get update && sudo apt-get install -y $pkgs"
  fi
  say "installing Debian packages: $pkgs"
  # Lock timeout: npm test may install Chromium at the same time (dpkg takes one at a time).
  apt-get -o DPkg::Lock::Timeout=600 update -qq >"$LOG_DIR/apt.log" 2>&1 || die "apt-get update failed (see $LOG_DIR/apt.log)"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $pkgs >>"$LOG_DIR/apt.log" 2>&1 ||
    die "apt-get install $pkgs failed (see $LOG_DIR/apt.log)"
}

# Resolves a small pom's dependencies from Maven Central into DIR/lib.
maven_fetch() {
  local pom=$1 dest=$2 what=$3
  say "fetching $what from Maven Central"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dest" >"$LOG_DIR/mvn-$(basename "$(dirname "$pom")").log" 2>&1 ||
    die "could not fetch $what with Maven (see $LOG_DIR/mvn-$(basename "$(dirname "$pom")").log)"
}

install_dynamodb_local() {
  ls "$DDB_DIR"/lib/DynamoDBLocal-*.jar >/dev/null 2>&1 && return 0
  rm -rf "$DDB_DIR"
  maven_fetch "$ROOT/scripts/stack/dynamodb-local/pom.xml" "$DDB_DIR/lib" "DynamoDB Local 3.1.0"
}

# FerretDB from the Go module proxy. `go install ...@v1.24.2` builds a binary that panics at
# start ("Invalid build/version/version.txt"): the module zip lacks that generated file. So:
# download the module, copy its source somewhere writable, write the version file, build.
install_ferretdb() {
  [ -x "$FERRET_BIN" ] && return 0
  command -v go >/dev/null ||
    die "go is missing: FerretDB $FERRETDB_VERSION is built from the Go module proxy and needs Go >= 1.21 (Debian 12: apt-get install -t bookworm-backports golang-go, or the go.dev tarball), then re-run"
  say "building FerretDB $FERRETDB_VERSION from the Go module proxy (once; about 75 s on two cores with a cold cache)"
  local log="$LOG_DIR/ferretdb-build.log" json src work="$FERRET_DIR/src"
  json=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>"$log") ||
    die "could not download FerretDB $FERRETDB_VERSION from the Go module proxy (see $log)"
  src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] || die "go mod download did not name FerretDB's source folder (see $log)"
  rm -rf "$work" && mkdir -p "$FERRET_DIR"
  cp -r "$src" "$work" && chmod -R u+w "$work"
  printf '%s\n' "$FERRETDB_VERSION" >"$work/build/version/version.txt"
  # -buildvcs=false: the copy sits inside this project's git work tree, not FerretDB's. Without its
  # SQLite backend (unused here) the build takes about a third less time; without cgo (pgx is
  # pure Go) and debug info, 138 s of CPU instead of 166 (a stripped binary still prints
  # Go stack traces).
  (cd "$work" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -tags ferretdb_no_sqlite \
    -ldflags='-s -w' -gcflags='all=-dwarf=false' -o "$FERRET_BIN.tmp" ./cmd/ferretdb) >>"$log" 2>&1 ||
    die "go build of FerretDB failed (see $log)"
  mv "$FERRET_BIN.tmp" "$FERRET_BIN"
  rm -rf "$work"
}

cmd_install() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  install_debian_packages
  # DynamoDB Local's download runs beside FerretDB's build (network beside CPU).
  install_dynamodb_local &
  local ddb=$!
  install_ferretdb
  wait "$ddb" || die "DynamoDB Local could not be installed (see above)"
}

# ---------------------------------------------------------------- per service

port_of() {
  case $1 in
    dynamodb) echo "$OSHOP_DYNAMODB_PORT" ;;
    mongo) echo "$OSHOP_MONGO_PORT" ;;
    redis) echo "$OSHOP_REDIS_PORT" ;;
    postgres) echo "$OSHOP_PG_PORT" ;;
  esac
}

pid_of() {
  local f="$RUN_DIR/$1.pid"
  [ -f "$f" ] || return 1
  local pid
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

healthy() {
  local port
  port=$(port_of "$1")
  case $1 in
    dynamodb)
      # Any HTTP answer (400 for an unsigned request) means the server is serving.
      [ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "http://127.0.0.1:$port/" 2>/dev/null)" != 000 ]
      ;;
    mongo) port_open "$port" ;;
    redis) [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] ;;
    postgres) "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$port" ;;
  esac
}

start_dynamodb() {
  # In memory by default: about five times faster than its SQLite files, and `npm run dev`
  # provisions, seeds and migrates again after a restart anyway.
  local store=(-inMemory)
  if [ "${OSHOP_DYNAMODB_PERSIST:-0}" = 1 ]; then
    mkdir -p "$LOCAL_DIR/dynamodb"
    store=(-dbPath "$LOCAL_DIR/dynamodb")
  fi
  # shellcheck disable=SC2086
  nohup setsid java ${OSHOP_DYNAMODB_JAVA_OPTS:--Xms1g -Xmx3g} -Djava.library.path="$DDB_DIR/lib" -cp "$DDB_DIR/lib/*" \
    software.amazon.dynamodb.services.local.main.ServerRunner \
    "${store[@]}" -sharedDb -port "$OSHOP_DYNAMODB_PORT" -disableTelemetry \
    >"$LOG_DIR/dynamodb.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/dynamodb.pid"
}

start_mongo() {
  # FerretDB stores each collection in PostgreSQL (its own database here), so the archive
  # persists across restarts and the report query is pushed down to PostgreSQL as SQL.
  wait_for postgres 60 healthy postgres || die "PostgreSQL is not up, and FerretDB needs it"
  local psql
  psql=("$(pg_bin)/psql" -h 127.0.0.1 -p "$OSHOP_PG_PORT" -U postgres -d postgres -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'")" != 1 ]; then
    "${psql[@]}" -c 'CREATE DATABASE ferretdb' >/dev/null || die "could not create PostgreSQL database ferretdb"
  fi
  mkdir -p "$RUN_DIR/ferretdb"
  nohup setsid "$FERRET_BIN" --handler=postgresql \
    --postgresql-url="postgres://postgres@127.0.0.1:$OSHOP_PG_PORT/ferretdb" \
    --listen-addr="127.0.0.1:$OSHOP_MONGO_PORT" --state-dir="$RUN_DIR/ferretdb" \
    --debug-addr=- --telemetry=disable --log-level=warn \
    >"$LOG_DIR/mongo.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/mongo.pid"
}

start_redis() {
  mkdir -p "$LOCAL_DIR/redis"
  redis-server --port "$OSHOP_REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$LOG_DIR/redis.log" \
    --dir "$LOCAL_DIR/redis" --save "" --appendonly no >/dev/null
}

# Change capture (npm run migrate -- ... --follow) decodes the WAL through a logical
# replication slot with the built-in pgoutput plugin: the cluster needs wal_level=logical.
PG_REPLICATION_OPTS="-c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20 -c max_slot_wal_keep_size=2GB"

# A cluster started by an older version of this script runs without logical WAL: restart it
# (FerretDB reconnects on its own; pooled clients of a running app retry their queries).
ensure_logical_wal() {
  pid_of postgres >/dev/null && healthy postgres || return 0
  local level
  level=$("$(pg_bin)/psql" -h 127.0.0.1 -p "$OSHOP_PG_PORT" -U postgres -d postgres -qtA -c 'SHOW wal_level' 2>/dev/null || true)
  [ "$level" = logical ] && return 0
  say "restarting PostgreSQL with wal_level=logical (change capture needs it; it had ${level:-unknown})"
  stop_service postgres
  start_postgres 9>&-
  wait_for postgres 60 healthy postgres || die "PostgreSQL did not come back (see $LOG_DIR/postgres.log)"
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  # PostgreSQL refuses to run as root: as root, its files belong to the postgres user.
  local as=()
  if is_root; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' is missing; reinstall the postgresql package"
    as=(runuser -u postgres --)
  fi
  mkdir -p "$LOCAL_DIR/pg"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "initialising PostgreSQL cluster in $PG_DATA"
    is_root && chown postgres "$LOCAL_DIR/pg"
    "${as[@]}" "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$LOG_DIR/initdb.log" 2>&1 || die "initdb failed (see $LOG_DIR/initdb.log)"
  fi
  is_root && chown postgres "$LOG_DIR" 2>/dev/null || true
  # Loopback only; trust auth is confined to this private dev cluster (no password in any file).
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $OSHOP_PG_PORT -k $LOCAL_DIR/pg -c max_connections=300 -c shared_buffers=256MB $PG_REPLICATION_OPTS" \
    >/dev/null || die "PostgreSQL did not start (see $LOG_DIR/postgres.log)"
  head -n 1 "$PG_DATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
}

stop_service() {
  local svc=$1 pid
  pid=$(pid_of "$svc") || {
    rm -f "$RUN_DIR/$svc.pid"
    return 0
  }
  if [ "$svc" = postgres ]; then
    local as=()
    is_root && as=(runuser -u postgres --)
    "${as[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  else
    kill "$pid" 2>/dev/null || true
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/$svc.pid"
  say "stopped $svc"
}

# ---------------------------------------------------------------- redis cluster
# A 3-master Redis Cluster on loopback (OSHOP_REDIS_CLUSTER_PORT, default 17001..17003), for
# testing cluster-mode code (hash tags, a hot product's stock sharded across slots).

CLUSTER_BASE="${OSHOP_REDIS_CLUSTER_PORT:-17001}"

cluster_ports() { echo "$CLUSTER_BASE" $((CLUSTER_BASE + 1)) $((CLUSTER_BASE + 2)); }

cluster_healthy() {
  [ "$(redis-cli -p "$CLUSTER_BASE" cluster info 2>/dev/null | tr -d '\r' | grep -c '^cluster_state:ok$')" = 1 ]
}

cmd_cluster_up() {
  cmd_install
  if cluster_healthy; then
    ok "redis cluster ok on $(cluster_ports)"
    return 0
  fi
  local port dir nodes=()
  for port in $(cluster_ports); do
    dir="$LOCAL_DIR/redis-cluster/$port"
    rm -rf "$dir" && mkdir -p "$dir"
    port_open "$port" && die "port $port is taken: set OSHOP_REDIS_CLUSTER_PORT to a free base port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
      --daemonize yes --pidfile "$RUN_DIR/redis-cluster-$port.pid" --logfile "$LOG_DIR/redis-cluster-$port.log" \
      --dir "$dir" --save "" --appendonly no 9>&- >/dev/null
    nodes+=("127.0.0.1:$port")
  done
  for port in $(cluster_ports); do
    wait_for redis 20 redis-cli -p "$port" ping || die "cluster node $port did not start (see $LOG_DIR/redis-cluster-$port.log)"
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$LOG_DIR/redis-cluster-create.log" 2>&1 ||
    die "redis-cli --cluster create failed (see $LOG_DIR/redis-cluster-create.log)"
  wait_for cluster 30 cluster_healthy || die "the redis cluster did not reach state ok"
  ok "redis cluster ok on $(cluster_ports)"
}

cmd_cluster_down() {
  local port pid
  for port in $(cluster_ports); do
    pid=$(cat "$RUN_DIR/redis-cluster-$port.pid" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/redis-cluster-$port.pid"
  done
}

# ---------------------------------------------------------------- moto (AWS API emulator)
# moto_server from PyPI answers the ElastiCache API (DescribeReplicationGroups) on loopback,
# so endpoint discovery is tested against a real API endpoint. Installed into .local/venv.

MOTO_PORT="${OSHOP_MOTO_PORT:-15050}"
MOTO_VERSION=5.2.5

install_moto() {
  local venv="$LOCAL_DIR/venv"
  [ -x "$venv/bin/moto_server" ] && return 0
  command -v python3 >/dev/null || die "python3 is missing: apt-get install python3 python3-venv"
  say "installing moto[server] $MOTO_VERSION from PyPI into $venv"
  mkdir -p "$LOG_DIR"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --no-compile "moto[server]==$MOTO_VERSION"; } >"$LOG_DIR/moto-install.log" 2>&1 ||
    die "could not install moto (see $LOG_DIR/moto-install.log; Debian needs python3-venv)"
}

cmd_moto_up() {
  local venv="$LOCAL_DIR/venv"
  install_moto
  if pid_of moto >/dev/null && port_open "$MOTO_PORT"; then return 0; fi
  port_open "$MOTO_PORT" && die "port $MOTO_PORT is taken: set OSHOP_MOTO_PORT"
  nohup setsid "$venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$LOG_DIR/moto.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/moto.pid"
  wait_for moto 30 port_open "$MOTO_PORT" || die "moto_server did not start (see $LOG_DIR/moto.log)"
}

# ---------------------------------------------------------------- Python tools (PyPI)
# cfn-lint (the packaged CloudFormation template), schemathesis (fuzzing the OpenAPI
# document) and sqlglot (the Oracle grammar check of the shipped SQL) for `npm test`, in
# their own venv so their pins do not meet moto's.

TOOLS_VENV="$LOCAL_DIR/venv-tools"
CFN_LINT_VERSION=1.58.0
SCHEMATHESIS_VERSION=4.32.5
SQLGLOT_VERSION=30.30.0

# pip --no-compile: pip compiles every module it installs (sympy, networkx, botocore: tens of
# thousands), more than half the CPU of these installs (measured: 81 s, 35 without); Python
# compiles the few a run imports, and caches them unless PYTHONDONTWRITEBYTECODE is set
# (npm test unsets it).
cmd_tools() {
  # moto too (the ElastiCache and Secrets Manager tests start it): installed here, beside
  # the stack's build, not inside a test.
  install_moto
  local stamp="$TOOLS_VENV/.oshop-$CFN_LINT_VERSION-$SCHEMATHESIS_VERSION-$SQLGLOT_VERSION"
  [ -f "$stamp" ] && return 0
  command -v python3 >/dev/null || die "python3 is missing: apt-get install python3 python3-venv"
  say "installing cfn-lint $CFN_LINT_VERSION, schemathesis $SCHEMATHESIS_VERSION and sqlglot $SQLGLOT_VERSION from PyPI into $TOOLS_VENV"
  mkdir -p "$LOG_DIR"
  { python3 -m venv "$TOOLS_VENV" &&
    "$TOOLS_VENV/bin/pip" install -q --no-compile "cfn-lint==$CFN_LINT_VERSION" "schemathesis==$SCHEMATHESIS_VERSION" \
      "sqlglot==$SQLGLOT_VERSION"; } \
    >"$LOG_DIR/tools-install.log" 2>&1 ||
    die "could not install the Python tools (see $LOG_DIR/tools-install.log; Debian needs python3-venv)"
  touch "$stamp"
}

# ---------------------------------------------------------------- commands

cmd_up() {
  cmd_install
  ensure_logical_wal
  local started=() svc
  for svc in "${SERVICES[@]}"; do
    if pid_of "$svc" >/dev/null && healthy "$svc"; then continue; fi
    if port_open "$(port_of "$svc")" && ! pid_of "$svc" >/dev/null; then
      die "port $(port_of "$svc") ($svc) is taken by another program. Stop it or choose another port: OSHOP_${svc^^}_PORT=... (see README)"
    fi
    "start_$svc" 9>&- # daemons must not inherit the lock
    started+=("$svc")
  done
  for svc in "${started[@]}"; do
    wait_for "$svc" 60 healthy "$svc" || die "$svc did not become healthy on port $(port_of "$svc") within 60 s (see $LOG_DIR/$svc.log)"
  done
  [ ${#started[@]} -gt 0 ] && ok "started: ${started[*]}"
  cmd_status
}

cmd_down() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_service "${SERVICES[i]}"; done
  cmd_cluster_down
  stop_service moto
}

cmd_status() {
  local svc bad=0 pid
  for svc in "${SERVICES[@]}"; do
    if pid=$(pid_of "$svc") && healthy "$svc"; then
      printf '  %-9s %sok%s    127.0.0.1:%s  pid %s\n' "$svc" "$C_OK" "$C_OFF" "$(port_of "$svc")" "$pid"
    else
      printf '  %-9s %sdown%s  127.0.0.1:%s\n' "$svc" "$C_ERR" "$C_OFF" "$(port_of "$svc")"
      bad=1
    fi
  done
  return $bad
}

main() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local cmd=${1:-status}
  # The Python tools have a venv of their own: installed beside a stack operation.
  [ "$cmd" = tools ] && {
    cmd_tools
    return
  }
  # One stack operation at a time (dev and test may both call "up").
  exec 9>"$LOCAL_DIR/stack.lock"
  flock -w 300 9 || die "another stack operation holds $LOCAL_DIR/stack.lock"
  case $cmd in
    install) cmd_install ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    cluster-up) cmd_cluster_up ;;
    cluster-down) cmd_cluster_down ;;
    moto-up) cmd_moto_up ;;
    tools) cmd_tools ;;
    *) die "usage: stack.sh install|up|down|status|cluster-up|cluster-down|moto-up|tools" ;;
  esac
}

main "$@"
