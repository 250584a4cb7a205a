#!/usr/bin/env bash
# Lints the OpenAPI document a fresh zero-setup gateway serves with Redocly's recommended rules (redocly.yaml) and
# fails on any error or warning. Usage: scripts/openapi-lint.sh [Configuration]   (expects the gateway to be built)
# Needs npx (Node.js 20+); the pinned CLI is cached in ~/.npm after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONFIGURATION=${1:-Release}
REDOCLY_CLI_VERSION=2.77.0
# shellcheck source=lib/gateway.sh
source scripts/lib/gateway.sh

work=$(mktemp -d)
cleanup() {
  gateway_stop
  rm -rf "$work"
}
trap cleanup EXIT

gateway_start http://127.0.0.1:5092 11192 30092 "$work/gateway.log"
curl -sf http://127.0.0.1:5092/openapi/v1.json -o "$work/openapi.json"
gateway_stop

npx --yes "@redocly/cli@$REDOCLY_CLI_VERSION" lint --config redocly.yaml --max-problems 100 "$work/openapi.json" \
  >"$work/lint.txt" 2>&1 || { cat "$work/lint.txt"; exit 1; }
grep -v '^\s*$' "$work/lint.txt" | grep -iv 'deprecation\|node\.js\|║\|╔\|╚' || true
if grep -qE '[0-9]+ warnings?\.' "$work/lint.txt"; then
  echo "openapi-lint: the document has warnings"; exit 1
fi
echo "openapi-lint: 0 errors, 0 warnings"
