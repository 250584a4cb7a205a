#!/usr/bin/env bash
# Runs every test of the repository: the one command that README and CI call.
#
#   bash scripts/test.sh
#
# Installs Debian's chromium for the browser tests when it is missing (scripts/lib/chromium.sh), starts a
# throwaway PostgreSQL 15 (scripts/lib/postgres.sh) for the integration tests, builds the
# solution once in Release, runs each test project against that build and that server, goes on after
# a failing project, and ends with a summary and the line "N passed, N failed". Exits non-zero when
# the build or any test failed. Test results (trx) are left in TestResults/ for CI to pick up.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

# shellcheck source=scripts/lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=scripts/lib/chromium.sh
source scripts/lib/chromium.sh
trap pg_stop EXIT
# Turn Ctrl+C and kill into a normal exit so the EXIT trap still stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The three suites in this order (fast to slow), then any other test project under tests/. A test project's name
# ends in ".Tests"; the others there (Vouchers.Testing) are libraries the test projects share, with no test to run.
projects=()
for name in Vouchers.Grains.Tests Vouchers.Gateway.Tests Vouchers.Integration.Tests; do
  if [ -f "tests/$name/$name.csproj" ]; then
    projects+=("$name")
  fi
done
for csproj in tests/*.Tests/*.Tests.csproj; do
  name="$(basename "$csproj" .csproj)"
  if [ -f "$csproj" ] && [ "tests/$name/$name.csproj" = "$csproj" ] && [[ " ${projects[*]:-} " != *" $name "* ]]; then
    projects+=("$name")
  fi
done
if [ "${#projects[@]}" -eq 0 ]; then
  echo "test.sh: no test project found under tests/" >&2
  exit 1
fi

started=$SECONDS
# The browser tests drive Debian's chromium; without it they fail and say so, and the other suites still run.
chromium_ensure || echo "test.sh: chromium is not available; the browser tests will fail" >&2
pg_start
# pg_start exported VOUCHERS_PG_CONNECTION; dotnet test passes the environment on to the test hosts.

echo "==> dotnet build Vouchers.slnx -c Release"
if ! dotnet build Vouchers.slnx -c Release -nologo; then
  echo
  echo "==> Summary"
  echo "  build: FAILED (no test was run)"
  echo "0 passed, 1 failed"
  exit 1
fi

results="$root/TestResults"
mkdir -p "$results"

# Names each failed test of a trx file with the first line of its message, for the summary (CI shows its tail).
trx_failures() {
  local name
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*' "$1" | grep -o ' testName="[^"]*"' | cut -d'"' -f2 |
    while IFS= read -r name; do
      printf '    failed: %s\n' "$name"
    done
  awk '/<Message>/ { inside = 1 } inside { line = $0; sub(/.*<Message>/, "", line); if (sub(/<\/Message>.*/, "", line)) inside = 0; print line }' "$1" | sed -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' |
    grep -v '^\s*$' | head -n 6 | cut -c1-300 | sed 's/^/      /' || true
}

# Reads one attribute of the <Counters> element of a trx file (0 when absent).
trx_counter() {
  local value
  value="$(grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]\+" | head -n 1 || true)"
  printf '%s\n' "${value:-0}"
}

total_passed=0
total_failed=0
summary=()
status=0
for name in "${projects[@]}"; do
  trx="$results/$name.trx"
  rm -f "$trx"
  echo
  echo "==> dotnet test tests/$name"
  project_started=$SECONDS
  code=0
  dotnet test "tests/$name/$name.csproj" -c Release --no-build -nologo \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$trx" \
    --results-directory "$results" \
    --blame-hang-timeout 5m --blame-hang-dump-type none \
    || code=$?
  seconds=$((SECONDS - project_started))

  passed=0
  failed=0
  skipped=0
  if [ -f "$trx" ]; then
    passed="$(trx_counter "$trx" passed)"
    failed=$(($(trx_counter "$trx" failed) + $(trx_counter "$trx" error) + $(trx_counter "$trx" timeout) + $(trx_counter "$trx" aborted)))
    skipped="$(trx_counter "$trx" notExecuted)"
  fi
  # A run that failed without a failed test (crash, hang, no results) still counts as one failure.
  if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  if [ "$code" -ne 0 ] || [ "$failed" -ne 0 ]; then
    status=1
    verdict="FAILED (exit $code)"
  else
    verdict="ok"
  fi

  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  summary+=("$(printf '  %-28s %-16s %4s passed %4s failed %4s skipped %5ss' "$name" "$verdict" "$passed" "$failed" "$skipped" "$seconds")")
  if [ "$failed" -ne 0 ] && [ -f "$trx" ]; then
    while IFS= read -r line; do
      summary+=("$line")
    done < <(trx_failures "$trx")
  fi
done

# End-to-end checks against a real zero-setup gateway process: the README's tour verbatim, a smoke run of every
# load-test scenario with its invariant checks, the lint of the OpenAPI document it serves, and the tour through a
# Kiota and an NSwag client generated from that document. Each counts as one test.
for check in readme-tour loadtest-smoke openapi-lint generated-clients; do
  echo
  echo "==> scripts/$check.sh"
  check_started=$SECONDS
  if bash "scripts/$check.sh" Release; then
    total_passed=$((total_passed + 1))
    verdict="ok"
    passed=1 failed=0
  else
    total_failed=$((total_failed + 1))
    status=1
    verdict="FAILED"
    passed=0 failed=1
  fi
  summary+=("$(printf '  %-28s %-16s %4s passed %4s failed %4s skipped %5ss' "$check" "$verdict" "$passed" "$failed" 0 "$((SECONDS - check_started))")")
done

echo
echo "==> Summary ($((SECONDS - started))s in all, results in TestResults/)"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
exit "$status"
