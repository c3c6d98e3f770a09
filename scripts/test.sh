#!/usr/bin/env bash
# Runs every test of the repository: installs test tools, builds Release, runs all test projects,
# prints one summary line "N passed, N failed, N skipped". Exit code is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-tools.sh chromium fonts-dejavu-core

dotnet build HardSamples.sln -c Release -nologo -clp:ErrorsOnly

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test HardSamples.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

scripts/test-summary.sh "$results"
exit $status
