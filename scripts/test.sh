#!/usr/bin/env bash
# npm test: installs what the tests need (npm deps, Debian Chromium, the local stack),
# then runs lint, format check, typecheck, the layer rules and the unit, integration and e2e tiers,
# and ends with one summary line. Extra arguments go to vitest (e.g. --project unit).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
t0=$SECONDS
mkdir -p "$LOG_DIR" # install logs go here before the stack script creates anything

# The local stack's servers (Debian packages, DynamoDB Local, FerretDB built from source: the
# longest step on a fresh machine, about 165 s of CPU) install in the background from the
# start, while npm, apt and PyPI download what the tests need; the checks below run after,
# not beside the compile (measured: run beside it on two cores, the checks and the build
# each took two to four times as long).
bash scripts/stack.sh install >"$LOG_DIR/stack-install.log" 2>&1 &
stack_install=$!
# From PyPI, beside it (they need only python3): cfn-lint, schemathesis and sqlglot for the
# deploy, fuzzing and Oracle grammar checks, and moto (the AWS API emulator of the
# ElastiCache and Secrets Manager tests); no-op when present.
bash scripts/stack.sh tools >"$LOG_DIR/tools.log" 2>&1 &
tools_install=$!

ensure_node_modules

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if is_root && command -v apt-get >/dev/null; then
    say "installing Debian chromium for the browser tests"
    # (dpkg's lock is waited for: another install may hold it for a moment.)
    { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium; } >"$LOG_DIR/apt-chromium.log" 2>&1 ||
      die "apt-get install chromium failed (see $LOG_DIR/apt-chromium.log)"
  else
    die "Chromium is missing: sudo apt-get install chromium (or set CHROMIUM_PATH)"
  fi
fi

# Artillery, for the load-threshold tests: the bench's own installer (no-op when present).
tsx --eval "import('./scripts/lib/bench/artillery.ts').then((a) => a.ensureArtillery((l) => console.log('[oshop] ' + l)))" ||
  die "could not install Artillery into artillery/node_modules (see above)"

tools_installed=0
wait "$tools_install" && tools_installed=1
cat "$LOG_DIR/tools.log"
[ "$tools_installed" = 1 ] || die "could not install the Python tools (see above)"

say "waiting for the local stack's install ($((SECONDS - t0)) s in)"
stack_installed=0
wait "$stack_install" && stack_installed=1
cat "$LOG_DIR/stack-install.log"
[ "$stack_installed" = 1 ] || die "the local stack could not be installed (see above)"

stack_was_up=0
bash scripts/stack.sh status >/dev/null 2>&1 && stack_was_up=1
bash scripts/stack.sh up >/dev/null || die "the local stack did not start (see above)"
cleanup() { [ "$stack_was_up" = 0 ] && bash scripts/stack.sh down >/dev/null 2>&1; }
trap cleanup EXIT

# The PyPI tools install without compiling (scripts/stack.sh tools): Python compiles what a
# run imports, and with this unset keeps it for the next run (cfn-lint: 13 s a run without
# the cache, 11 s the run that writes it, 7 s after; some machines set it for everything).
unset PYTHONDONTWRITEBYTECODE

failed_steps=()
step() {
  local name=$1
  shift
  say "$name ($((SECONDS - t0)) s in)"
  "$@" || failed_steps+=("$name")
}

step "lint (eslint)" eslint . --max-warnings 0
step "format (prettier --check)" prettier --check . --log-level warn
step "typecheck (tsc, strict)" tsc --noEmit
step "layers (dependency-cruiser: no circle, no import up a layer)" depcruise functions shared scripts test --config .dependency-cruiser.cjs

results="$LOCAL_DIR/test-results.json"
rm -f "$results"
step "tests (vitest: unit, int, e2e)" vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"

passed=0 failed=0 skipped=0
if [ -f "$results" ]; then
  read -r passed failed skipped < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests);' "$results")
fi
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  printf '%s[oshop] failed:%s %s\n' "$C_ERR" "$C_OFF" "${failed_steps[*]}"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped ($((SECONDS - t0)) s)"
[ ${#failed_steps[@]} -eq 0 ] && [ "$passed" -gt 0 ]
