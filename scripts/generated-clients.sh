#!/usr/bin/env bash
# Generates a Kiota and an NSwag C# client (defaults) from the document a fresh zero-setup gateway serves, compiles
# each with a small program (scripts/generated-clients/) that reads a 409's problem details, string enums and a null
# useMode through the generated types, and runs it. Not part of test.sh (it installs two dotnet tools).
# Usage: scripts/generated-clients.sh [Configuration]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CONFIGURATION=${1:-Release}
tools=${VOUCHERS_TOOLS:-$HOME/.cache/vouchers-tools}
# shellcheck source=lib/gateway.sh
source scripts/lib/gateway.sh

# Outside the repository, so its Directory.*.props (central package versions) do not apply to the generated projects.
work=$(mktemp -d)
cleanup() {
  gateway_stop
  rm -rf "$work"
}
trap cleanup EXIT

[ -x "$tools/kiota" ] || dotnet tool install --tool-path "$tools" Microsoft.OpenApi.Kiota --version 1.38.0 >/dev/null
[ -x "$tools/nswag" ] || dotnet tool install --tool-path "$tools" NSwag.ConsoleCore --version 14.8.0 >/dev/null

gateway_start http://127.0.0.1:5093 11193 30093 "$work/gateway.log"
curl -sf http://127.0.0.1:5093/openapi/v1.json -o "$work/openapi.json"
gateway_stop

for client in kiota nswag; do
  mkdir -p "$work/$client"
  cp "$root/scripts/generated-clients/$client/Program.cs" "$work/$client/"
  for template in "$root/scripts/generated-clients/$client"/*.csproj.template; do
    cp "$template" "$work/$client/$(basename "$template" .template)"
  done
done
"$tools/kiota" generate -l CSharp -d "$work/openapi.json" -o "$work/kiota/Generated" -c VouchersClient -n Vouchers.Client \
  --log-level Error >/dev/null
"$tools/nswag" openapi2csclient "/input:$work/openapi.json" "/output:$work/nswag/VouchersClient.cs" \
  /namespace:Vouchers.NSwag /classname:VouchersClient /jsonLibrary:SystemTextJson >/dev/null

failed=0
for client in kiota nswag; do
  echo "$client:"
  (cd "$work/$client" && dotnet run -c Release) || failed=1
done
exit "$failed"
