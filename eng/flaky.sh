#!/usr/bin/env bash
# Runs one test project N times and reports every test that failed at least once.
#
#   eng/flaky.sh tests/SignalRChannels.FunctionalTests/SignalRChannels.FunctionalTests.csproj 10 ["FullyQualifiedName~Presence"]
#
# Builds once (Release), then runs `dotnet test --no-build` N times with a TRX logger. Results go to
# artifacts/flaky/<project>/run-<i>.trx; the report lists each failed test with how many runs it failed in,
# and the first failure message. Exit code: 0 when every run passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
  echo "usage: $0 <test project .csproj> <runs> [dotnet test --filter expression]" >&2
  exit 2
fi
project="$1"; runs="$2"; filter="${3:-}"
name="$(basename "$project" .csproj)"
out="artifacts/flaky/$name"
rm -rf "$out" && mkdir -p "$out"
export REDIS_URL="${REDIS_URL:-127.0.0.1:6379}"

dotnet build "$project" -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 2; }

filter_args=()
[ -n "$filter" ] && filter_args=(--filter "$filter")
started=$(date +%s)
for i in $(seq 1 "$runs"); do
  run_start=$(date +%s)
  dotnet test "$project" -c Release --no-build -nologo "${filter_args[@]}" \
    --results-directory "$out" --logger "trx;LogFileName=run-$i.trx" >"$out/run-$i.log" 2>&1
  rc=$?
  summary=$(grep -E '^(Passed|Failed)! +- ' "$out/run-$i.log" | tail -1)
  echo "run $i/$runs: exit $rc, $(( $(date +%s) - run_start )) s: ${summary:-no summary line (see $out/run-$i.log)}"
done

python3 - "$out" "$runs" "$(( $(date +%s) - started ))" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
out, runs, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed, first_message, executed, incomplete = {}, {}, 0, 0
for i in range(1, runs + 1):
    path = os.path.join(out, f"run-{i}.trx")
    if not os.path.exists(path):
        incomplete += 1  # the run crashed or hung before writing results
        continue
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", ns):
        executed += 1
        if result.get("outcome") != "Passed":
            test = result.get("testName")
            failed[test] = failed.get(test, 0) + 1
            if test not in first_message:
                message = result.find(".//t:Message", ns)
                first_message[test] = (message.text or "").strip().splitlines()[0][:300] if message is not None and message.text else result.get("outcome")
print(f"\n{runs} runs in {seconds} s, {executed} test results, {sum(failed.values())} failures, {incomplete} runs without results")
for test, count in sorted(failed.items(), key=lambda kv: -kv[1]):
    print(f"FLAKY {count}/{runs}  {test}\n        {first_message[test]}")
sys.exit(1 if failed or incomplete else 0)
PY
