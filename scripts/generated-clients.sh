#!/usr/bin/env bash
# Generates a Kiota and an NSwag C# client (defaults) from the document a fresh zero-setup gateway serves and runs the
# README tour through each against that gateway (scripts/generated-clients/): signed claim, replay, a typed 409, QR,
# wallet, verify, use, a mistyped scan, subsidy application, review, disbursement, a redeemed code, a typed 400. The
# only hand-written HTTP is the channel's signing handler and the X-Api-Key header. test.sh runs it as one check; the
# two generators are dotnet tools installed (pinned) into ~/.cache/vouchers-tools.
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

url=http://127.0.0.1:5093
gateway_start "$url" 11193 30093 "$work/gateway.log"
curl -sf "$url/openapi/v1.json" -o "$work/openapi.json"
# The channel's signing secret, as the zero-setup gateway prints it with the demo credentials.
secret=$(awk '$3 == "sign-national-app" { print $4; exit }' "$work/gateway.log")
[ -n "$secret" ] || { echo "the gateway printed no signing secret for sign-national-app"; exit 1; }

for client in kiota nswag; do
  mkdir -p "$work/$client"
  cp "$root/scripts/generated-clients/$client/Program.cs" "$root/scripts/generated-clients/shared/Tour.cs" "$work/$client/"
  for template in "$root/scripts/generated-clients/$client"/*.csproj.template; do
    cp "$template" "$work/$client/$(basename "$template" .template)"
  done
done
"$tools/kiota" generate -l CSharp -d "$work/openapi.json" -o "$work/kiota/Generated" -c VouchersClient -n Vouchers.Client \
  --log-level Error >/dev/null
"$tools/nswag" openapi2csclient "/input:$work/openapi.json" "/output:$work/nswag/VouchersClient.cs" \
  /namespace:Vouchers.NSwag /classname:VouchersClient /jsonLibrary:SystemTextJson >/dev/null

# Each client claims for its own person, so both tours run against the one gateway.
declare -A person=([kiota]=440305198506111231 [nswag]=440305199202144565)
failed=0
for client in kiota nswag; do
  (cd "$work/$client" && dotnet build -c Release -nologo -v q >"$work/$client-build.log" 2>&1) || { cat "$work/$client-build.log"; failed=1; continue; }
  (cd "$work/$client" && VOUCHERS_URL=$url VOUCHERS_SIGNING_SECRET=$secret VOUCHERS_ID_NUMBER=${person[$client]} \
    dotnet run -c Release --no-build) || failed=1
done
if grep -qE '440305198506111231|440305199202144565' "$work/gateway.log"; then
  echo "  FAIL the gateway log contains an ID number"
  failed=1
fi
exit "$failed"
