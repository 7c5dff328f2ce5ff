#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine.
# Installs what is missing (redis-server and redis-sentinel for the Redis store tests, etcd-server for the
# full-etcd load model, chromium and
# chromium-driver for the dashboard's browser test), builds, runs all test
# projects, and ends with one line: "tests: N passed, N failed[, N skipped]" taken from the
# real TRX results. Exits non-zero when any test failed or the run itself broke.
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing it (Debian package redis-server)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null \
    || { echo "could not install redis-server" >&2; exit 1; }
fi
if ! command -v redis-sentinel >/dev/null 2>&1; then
  # The Sentinel failover tests (tests/Shared/RedisSentinelCluster.cs) run a real redis-sentinel.
  echo "redis-sentinel not found: installing it (Debian package redis-sentinel)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq redis-sentinel >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-sentinel >/dev/null; }; } \
    || { echo "could not install redis-sentinel" >&2; exit 1; }
fi
if ! command -v etcd >/dev/null 2>&1; then
  # The full-etcd load model's smoke test (tests/Introspection.Bench.Tests) runs a real etcd 3.4.
  echo "etcd not found: installing it (Debian package etcd-server)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq etcd-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq etcd-server >/dev/null; }; } \
    || { echo "could not install etcd-server" >&2; exit 1; }
fi
if ! command -v python3 >/dev/null 2>&1; then
  # The revision tests run the Python reference implementation (protocol/tools/revision_vectors.py).
  echo "python3 not found: installing it (Debian package python3)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq python3 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }; } \
    || { echo "could not install python3" >&2; exit 1; }
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  # The dashboard tests (tests/Introspection.Dashboard.Tests) drive a real headless Chromium through chromedriver.
  echo "chromium or chromedriver not found: installing them (Debian packages chromium, chromium-driver)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }; } \
    || { echo "could not install chromium and chromium-driver" >&2; exit 1; }
fi
command -v dotnet >/dev/null 2>&1 || { echo "the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build Introspection.sln -c Release -nologo -clp:ErrorsOnly || { echo "tests: 0 passed, 1 failed (build failed)"; exit 1; }

# --blame-hang-timeout turns a hung test into a failure with a dump instead of a stuck CI job.
# -m:1 runs the test projects one after another: the fault suite and the Redis/Sentinel tests start real
# processes and measure timing, and on 2 cores they would otherwise starve each other; the run takes longer.
dotnet test Introspection.sln -c Release --no-build -nologo -m:1 \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 4m -- RunConfiguration.TreatNoTestsAsError=false "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

if [ "$files" -eq 0 ] && [ "$status" -ne 0 ]; then failed=$((failed + 1)); fi
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
