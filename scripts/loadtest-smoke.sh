#!/usr/bin/env bash
# A few seconds of every load-test scenario against a fresh zero-setup gateway, with their invariant checks.
# Usage: scripts/loadtest-smoke.sh [Configuration]   (reports go to TestResults/loadtests)
set -euo pipefail
cd "$(dirname "$0")/.."
export CONFIGURATION=${1:-Release}
# shellcheck source=lib/gateway.sh
source scripts/lib/gateway.sh

runner=loadtests/Vouchers.LoadTests/bin/$CONFIGURATION/net10.0/Vouchers.LoadTests.dll
[ -f "$runner" ] || dotnet build loadtests/Vouchers.LoadTests/Vouchers.LoadTests.csproj -c "$CONFIGURATION" -nologo >/dev/null
mkdir -p TestResults/loadtests
trap gateway_stop EXIT
# scan-gun-verify looks up never-issued and mistyped codes by design: lift the brute-force guard for it.
gateway_start http://127.0.0.1:5091 11191 30091 TestResults/loadtests/gateway.log --Verification:MaxFailedLookups 1000000000

dotnet "$runner" --scenario claim-burst,sold-out-storm,scan-gun-verify,mixed-day,statistics \
  --target http://127.0.0.1:5091 --smoke --progress 0 --report-folder TestResults/loadtests --report-name smoke
