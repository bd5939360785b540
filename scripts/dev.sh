#!/usr/bin/env bash
# npm run dev: on a fresh machine, installs what is missing, starts the local stack,
# provisions and seeds it, and serves the API with serverless offline on
# http://localhost:${PORT:-3000}. Ctrl-C stops the server and whatever this started.
#
#   PORT=3001 npm run dev              another HTTP port
#   OSHOP_DEV_RELOAD=1 npm run dev     worker threads with hot reload (slower; not for load runs)
#   OSHOP_SEED_SCALE=0.1 npm run dev   a smaller data set
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
t0=$SECONDS
PORT="${PORT:-3000}"
LAMBDA_PORT="${LAMBDA_PORT:-3012}"

port_open "$PORT" && die "port $PORT is already in use (another npm run dev?). Stop it or run: PORT=3001 npm run dev"

ensure_node_modules

stack_was_up=0
bash scripts/stack.sh status >/dev/null 2>&1 && stack_was_up=1
projector_pid=
sweeper_pid=
audit_pid=
capture_pid=
cleanup() {
  # Ctrl-C reaches every process of the foreground group: a reader of our output (| tee)
  # may be gone already, and a second Ctrl-C or a closed terminal may follow. None of that
  # may cut the stop short, so signals are ignored here and the stack's own lines go to a
  # log first (a write to a closed pipe would end a script that writes to it).
  trap '' INT TERM HUP PIPE
  set +e
  [ -n "$projector_pid" ] && kill "$projector_pid" 2>/dev/null
  [ -n "$sweeper_pid" ] && kill "$sweeper_pid" 2>/dev/null
  [ -n "$audit_pid" ] && kill "$audit_pid" 2>/dev/null
  [ -n "$capture_pid" ] && kill "$capture_pid" 2>/dev/null
  if [ "$stack_was_up" = 0 ]; then
    say "stopping the local stack this run started" 2>/dev/null
    bash scripts/stack.sh down >"$LOG_DIR/stack-down.log" 2>&1
    cat "$LOG_DIR/stack-down.log" 2>/dev/null
  fi
}
trap cleanup EXIT

say "starting the local stack"
bash scripts/stack.sh up
say "provisioning tables, indexes and schemas"
tsx scripts/provision.ts
say "seeding (scale ${OSHOP_SEED_SCALE:-1})"
tsx scripts/seed.ts --scale "${OSHOP_SEED_SCALE:-1}" --keep-changes
# The projector, the sweeper and change capture keep promises of their own (read models up
# to date, every order finished within its bound, the new stores in step with legacy): each
# runs under a watch that restarts it, and says so, when it dies (a crash, an OOM kill); a
# clean stop (exit 0) is not restarted, nor is a run that fails before it says it is ready
# (READY_FILE: the full load did not verify; restarting would only repeat it).
supervise() {
  local name=$1 child= rc
  shift
  trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' INT TERM
  while true; do
    "$@" &
    child=$!
    rc=0
    wait "$child" || rc=$?
    [ "$rc" = 0 ] && exit 0
    if [ -n "${READY_FILE:-}" ] && [ ! -f "$READY_FILE" ]; then
      say "the $name failed before it was ready (exit $rc)"
      exit "$rc"
    fi
    say "the $name stopped (exit $rc); restarting it in 2 s"
    sleep 2
  done
}
say "migrating the legacy data into the new stores (resumes; verifies what it writes), then following"
say "  every legacy change into them (change capture; its lines start with capture: and check:)"
capture_ready="$LOG_DIR/capture.ready"
rm -f "$capture_ready"
READY_FILE="$capture_ready" OSHOP_CAPTURE_READY_FILE="$capture_ready" \
  supervise "change capture" tsx scripts/migrate.ts purchases crm catalog --verify-if-migrated --follow &
capture_pid=$!
until [ -f "$capture_ready" ]; do
  kill -0 "$capture_pid" 2>/dev/null || die "the migration into the new stores failed (see above)"
  sleep 0.5
done
say "the legacy path's hot-deal orders into the event log (once each; replays keep them)"
tsx scripts/projections.ts import-legacy | tail -1
say "the dev issuer's signing keys (made once under .local/auth; npm run token prints tokens)"
tsx scripts/token.ts staff >/dev/null
# Each run's metrics (EMF, as the functions write them) from empty: the operations data of this run.
rm -f "${OSHOP_METRICS_FILE:-$LOCAL_DIR/metrics/emf.jsonl}"
say "starting the projector (order events -> read models; its lines start with [projector])"
supervise projector tsx scripts/projector.ts &
projector_pid=$!
say "starting the sweeper (finishes hot-deal orders left pending; its lines start with [sweeper])"
supervise sweeper tsx scripts/sweeper.ts &
sweeper_pid=$!
say "starting the consistency audit (log vs read models, Redis vs log, sold vs stock, legacy vs new; its lines start with [audit])"
# At a lower CPU priority and at its AWS cadence (every 5 minutes): in AWS the audit is a
# Lambda of its own; here it shares two cores with the API. Its reads of the whole log are
# paced (AUDIT_READ_RATE), so DynamoDB Local, which nice cannot reach, serves them beside the
# API; every minute, the reads of a log of ~100,000 events kept that JVM at +30 % of a core.
supervise audit nice -n 10 tsx scripts/audit.ts --watch &
audit_pid=$!

# Our handlers log one JSON line per request; serverless offline's own per-request lines
# (and its route table) show with SLS_LOG_LEVEL=notice.
export SLS_LOG_LEVEL="${SLS_LOG_LEVEL:-warning}"
# The running server's build folder is its own: `serverless package` by hand (which cleans
# serverless.yml's default .esbuild/) or `npm run package` can run beside it.
export OSHOP_ESBUILD_DIR="${OSHOP_ESBUILD_DIR:-.esbuild-dev}"
mode=(--useInProcess --noTimeout)
[ "${OSHOP_DEV_RELOAD:-0}" = 1 ] && mode=(--reloadHandler)
say "serving on http://localhost:$PORT (ready in about $((SECONDS - t0)) s of setup; Ctrl-C stops)"
say "calls need a bearer token from the dev issuer:"
say "  TOKEN=\$(npm run -s token -- customer 1)   # or: staff, admin"
say "  curl -H \"authorization: Bearer \$TOKEN\" localhost:$PORT/purchases/1"
say "  in a browser: http://localhost:$PORT/ (todos) and http://localhost:$PORT/crm (staff) sign you in"
serverless offline start --httpPort "$PORT" --lambdaPort "$LAMBDA_PORT" --noPrependStageInUrl "${mode[@]}"
