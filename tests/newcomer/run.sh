#!/usr/bin/env bash
# What a newcomer does, outside the repository tree: pack the NuGet packages into a local feed and the npm package
# into a tarball; `dotnet new` the template from the packed template package; paste the README's Program.cs into
# `dotnet new web`; build and run both apps; then connect with the packed TypeScript client in Node and in headless
# Chromium, as signed-in users, to a private and a presence channel, and receive publishes (newcomer.mjs).
# NuGet restores from the local feed (SignalRChannels*) and nuget.org (the rest) into a fresh packages folder, so
# nothing stale from an earlier run is used. Prints one line per check and "N passed, N failed" last.
# KEEP_NEWCOMER=1 keeps the work folder.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/channels-newcomer.XXXXXX")"
LOGS="$WORK/logs"
mkdir -p "$LOGS" "$WORK/feed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NUGET_PACKAGES="$WORK/nuget-packages"
HIVE=(--debug:custom-hive "$WORK/dotnet-new-hive")
apps=()
passed=0
failed=0

cleanup() {
  for pid in "${apps[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${apps[@]}"; do wait "$pid" 2>/dev/null; done
  [ "${KEEP_NEWCOMER:-0}" = "1" ] && echo "work folder: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# step NAME COMMAND...: runs a step, logs its output, counts it.
step() {
  local name="$1"; shift
  local log="$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9' '-').log"
  local started=$SECONDS
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "ok - $name ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1)); echo "not ok - $name ($((SECONDS - started)) s)"; tail -n 40 "$log" | sed 's/^/    /'
    return 1
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" = "0" ]
  exit $?
}

pack_nuget() {
  # One pack of the shipped projects (packages.slnf): SignalRChannels, .Protocol, .Redis, .Client and the template package.
  dotnet pack "$ROOT/tests/newcomer/packages.slnf" -c Release -o "$WORK/feed" || return 1
  ls "$WORK/feed"/SignalRChannels.Templates.*.nupkg "$WORK/feed"/SignalRChannels.*.snupkg
}

pack_npm() {
  (cd "$ROOT/clients/typescript" && npm pack --pack-destination "$WORK") || return 1
  TARBALL="$(ls "$WORK"/signalr-channels-client-*.tgz)"
  tar -xzf "$TARBALL" -C "$WORK" package/dist/browser/signalr-channels.js
}

write_nuget_config() {
  cat >"$WORK/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$WORK/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="SignalRChannels*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
}

template_app() {
  dotnet new install "$(ls "$WORK"/feed/SignalRChannels.Templates.*.nupkg)" "${HIVE[@]}" || return 1
  dotnet new channels-app -o "$WORK/TemplateApp" "${HIVE[@]}" || return 1
  cd "$WORK/TemplateApp" || return 1
  # The published template asks npm for @signalr-channels/client; here it is the packed tarball.
  npm pkg set "dependencies.@signalr-channels/client=file:$TARBALL" || return 1
  npm install --no-audit --no-fund || return 1
  test -f wwwroot/lib/signalr-channels/signalr-channels.js || { echo "npm install did not copy the browser build"; return 1; }
  dotnet build -c Release
}

readme_app() {
  local version
  version="$(basename "$(ls "$WORK"/feed/SignalRChannels.[0-9]*.nupkg)" .nupkg)"; version="${version#SignalRChannels.}"
  dotnet new web -o "$WORK/ReadmeApp" --debug:custom-hive "$WORK/dotnet-new-hive-web" || return 1
  cd "$WORK/ReadmeApp" || return 1
  dotnet add package SignalRChannels --version "$version" || return 1
  # The README's C# block after its snippet marker, as a reader would copy it.
  node -e '
    const readme = require("fs").readFileSync(process.argv[1], "utf8");
    const block = /<!-- snippet: readme-app [^>]*-->\s*```csharp\n([\s\S]*?)\n```/.exec(readme);
    if (!block) { console.error("no readme-app block in README.md"); process.exit(1); }
    require("fs").writeFileSync("Program.cs", block[1] + "\n");
  ' "$ROOT/README.md" || return 1
  # A page for the browser check, with the packed client's single-file browser build.
  mkdir -p wwwroot/lib && echo '<!doctype html><title>ReadmeApp</title>' >wwwroot/index.html
  cp "$WORK/package/dist/browser/signalr-channels.js" wwwroot/lib/ || return 1
  dotnet build -c Release
}

# The typed-contracts generator from its package: a [Channel] record in, the TypeScript module out on build.
typed_app() {
  local version
  version="$(basename "$(ls "$WORK"/feed/SignalRChannels.[0-9]*.nupkg)" .nupkg)"; version="${version#SignalRChannels.}"
  dotnet new web -o "$WORK/TypedApp" --debug:custom-hive "$WORK/dotnet-new-hive-typed" || return 1
  cd "$WORK/TypedApp" || return 1
  dotnet add package SignalRChannels --version "$version" || return 1
  dotnet add package SignalRChannels.TypeScript --version "$version" || return 1
  cat >Contracts.cs <<'CS'
using SignalRChannels;

[Channel("private-orders.{orderId}")]
[Broadcasts(typeof(OrderShipped))]
public sealed record OrderChannel(long OrderId) : TypedChannel;

public sealed record OrderShipped(long OrderId, string? Carrier);
CS
  dotnet build -c Release -p:ChannelsTypeScriptOutput=client/channels.generated.ts || return 1
  grep -q 'orderChannel: (orderId: number)' client/channels.generated.ts \
    && grep -q 'carrier: string | null;' client/channels.generated.ts \
    || { echo "the packaged generator did not write the expected module"; cat client/channels.generated.ts; return 1; }
}

# start NAME DLL_DIR: runs the app on a free port; sets URL.
start_app() {
  local dir="$1" name="$2" log="$LOGS/$2-run.log"
  (cd "$dir" && exec dotnet "bin/Release/net10.0/$name.dll" --urls http://127.0.0.1:0) >"$log" 2>&1 &
  apps+=($!)
  for _ in $(seq 1 600); do
    URL="$(sed -n 's/.*Now listening on: \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)"
    [ -n "$URL" ] && return 0
    kill -0 "${apps[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log"; return 1
}

e2e_setup() {
  mkdir -p "$WORK/e2e/node_modules" && cd "$WORK/e2e" || return 1
  echo '{ "name": "newcomer-e2e", "private": true, "type": "module" }' >package.json
  npm install --no-audit --no-fund "$TARBALL" || return 1
  # The browser driver only; the browser is the system Chromium.
  ln -s "$ROOT/node_modules/playwright-core" node_modules/playwright-core
  cp "$ROOT/tests/newcomer/newcomer.mjs" .
}

echo "newcomer work folder: $WORK"
step "pack the NuGet packages into a local feed" pack_nuget || finish
step "npm pack the TypeScript client" pack_npm || finish
write_nuget_config
# The two apps restore and build side by side (mostly waiting on the package source).
step "dotnet new channels-app from the packed template; npm install the packed client; build" template_app &
template_job=$!
step "README Program.cs pasted into dotnet new web with the packed package; build" readme_app &
readme_job=$!
step "a [Channel] record with the packed SignalRChannels.TypeScript generates its TypeScript on build" typed_app &
typed_job=$!
wait $template_job; template_ok=$?
wait $readme_job; readme_ok=$?
wait $typed_job; typed_ok=$?
passed=$((passed + (template_ok == 0) + (readme_ok == 0) + (typed_ok == 0))); failed=$((failed + (template_ok != 0) + (readme_ok != 0) + (typed_ok != 0)))
[ $template_ok = 0 ] && [ $readme_ok = 0 ] || finish
step "run the template app" start_app "$WORK/TemplateApp" TemplateApp || finish
TEMPLATE_URL="$URL"
step "run the README app" start_app "$WORK/ReadmeApp" ReadmeApp || finish
README_URL="$URL"
step "install the packed client for Node" e2e_setup || finish

(cd "$WORK/e2e" && node newcomer.mjs "$TEMPLATE_URL" "$README_URL") | tee "$LOGS/e2e.log"
read -r p f < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p=$1; f=$3 } END { printf "%d %d\n", p, f }' "$LOGS/e2e.log")
passed=$((passed + p)); failed=$((failed + f))
[ "$p" = "0" ] && [ "$f" = "0" ] && failed=$((failed + 1))
grep -q '^[0-9]* passed' "$LOGS/e2e.log" || sed 's/^/    /' "$LOGS/e2e.log"
finish
