#!/usr/bin/env bash
# Mutation testing of the core project (src/SignalRChannels) with dotnet-stryker, a local dotnet tool
# (.config/dotnet-tools.json). Not part of CI: a full run takes tens of minutes on two cores.
#
#   eng/mutation.sh                       # every file of the core
#   eng/mutation.sh --since:main          # only what changed since main (faster, for a pull request)
#   eng/mutation.sh -m "**/Presence/**"   # one folder
#
# Extra arguments go to Stryker. Settings, test projects and the break threshold: eng/stryker-config.json.
# The report: src/SignalRChannels/StrykerOutput/<timestamp>/reports/mutation-report.html (and .json).
set -euo pipefail
cd "$(dirname "$0")/.."
export REDIS_URL="${REDIS_URL:-127.0.0.1:6379}"
dotnet tool restore >/dev/null
cd src/SignalRChannels
exec dotnet stryker --config-file ../../eng/stryker-config.json "$@"
