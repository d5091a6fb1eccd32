#!/usr/bin/env bash
# Runs every test suite: .NET (unit, contract, functional on real Kestrel, Redis), TypeScript (unit, type,
# integration against a real server), browser tests in headless Chromium, and the newcomer test (packages,
# template and README app used from outside the repository).
# Installs and starts what the tests need (Redis, Chromium, nginx, npm packages) when it is missing.
# The last line is "N passed, N failed" summed over every suite; the exit code is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
ROOT="$(pwd)"
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

log() { printf '\n== %s\n' "$*"; }

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The scale-out tests start their own nginx (own -c config and -p prefix on a loopback port), never the service.
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    log "installing ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]} (install with: sudo apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi

export REDIS_URL="${REDIS_URL:-127.0.0.1:6379}"
REDIS_PORT="${REDIS_URL##*:}"
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting redis-server on port $REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no --logfile "$RESULTS/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"

log "npm packages"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >"$RESULTS/npm-install.log" 2>&1; else npm install --no-audit --no-fund >"$RESULTS/npm-install.log" 2>&1; fi || { cat "$RESULTS/npm-install.log"; echo "0 passed, 1 failed"; exit 1; }
npm run build --workspaces --if-present >"$RESULTS/npm-build.log" 2>&1 || { cat "$RESULTS/npm-build.log"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; status=0

log ".NET tests"
dotnet test SignalRChannels.sln -c Release -p:ChannelsTypeScriptCheck=true 2>&1 | tee "$RESULTS/dotnet.log"
[ "${PIPESTATUS[0]}" = "0" ] || status=1
read -r p f < <(awk '/^(Passed|Failed)! +- +Failed:/ { gsub(/,/,""); f+=$4; p+=$6 } END { printf "%d %d\n", p, f }' "$RESULTS/dotnet.log")
passed=$((passed + p)); failed=$((failed + f))
if [ "$status" != "0" ] && [ "$f" = "0" ]; then failed=$((failed + 1)); fi

for ws in clients/typescript clients/dashboard samples/ChatApp/client tests/pusher-compat; do
  [ -f "$ws/package.json" ] || continue
  for script in test test:integration test:browser; do
    if node -e "process.exit(require('./$ws/package.json').scripts?.['$script'] ? 0 : 1)"; then
      name="$(echo "$ws-$script" | tr '/:' '--')"
      log "npm $script ($ws)"
      report="$RESULTS/$name.json"
      (cd "$ws" && npm run "$script" -- --reporter=default --reporter=json --outputFile="$report") 2>&1 | tee "$RESULTS/$name.log"
      rc=${PIPESTATUS[0]}
      if [ -f "$report" ]; then
        read -r p f < <(node -e "const r=require('$report'); console.log(r.numPassedTests, r.numFailedTests)")
      else
        p=0; f=0
      fi
      passed=$((passed + p)); failed=$((failed + f))
      if [ "$rc" != "0" ]; then status=1; [ "$f" = "0" ] && failed=$((failed + 1)); fi
    fi
  done
done

log "newcomer test (tests/newcomer: packed packages, template and README app, outside the repository)"
tests/newcomer/run.sh 2>&1 | tee "$RESULTS/newcomer.log"
rc=${PIPESTATUS[0]}
read -r p f < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p=$1; f=$3 } END { printf "%d %d\n", p, f }' "$RESULTS/newcomer.log")
passed=$((passed + p)); failed=$((failed + f))
if [ "$rc" != "0" ]; then status=1; [ "$f" = "0" ] && failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
[ "$status" = "0" ] && [ "$failed" = "0" ]
