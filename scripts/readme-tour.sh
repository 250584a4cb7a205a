#!/usr/bin/env bash
# Runs the README's 60-second tour verbatim against a fresh zero-setup gateway and checks what it printed.
# Usage: scripts/readme-tour.sh [Configuration]   (expects the gateway to be built; test.sh builds Release)
set -euo pipefail
cd "$(dirname "$0")/.."
export CONFIGURATION=${1:-Release}
# shellcheck source=lib/gateway.sh
source scripts/lib/gateway.sh

work=$(mktemp -d)
log=$work/gateway.log
cleanup() {
  gateway_stop
  rm -rf "$work"
}
trap cleanup EXIT

# The tour names http://localhost:5080, so this gateway takes the default ports.
gateway_start http://localhost:5080 11111 30000 "$log"

# The bash blocks between the tour heading and the next section, exactly as a reader copies them.
awk '/^## A 60-second tour/{on=1} /^## The API at a glance/{on=0} on' README.md \
  | awk '/^```bash$/{inb=1; next} /^```$/{inb=0} inb' >"$work/tour.sh"
(cd "$work" && bash "$work/tour.sh") >"$work/out.txt" 2>&1

failed=0
expect() {
  if grep -qF -- "$1" "$work/out.txt"; then echo "  ok   $2"; else echo "  FAIL $2 (expected to see: $1)"; failed=1; fi
}
echo "README tour:"
expect '"status":"claimed"' "a person claims a voucher"
expect '"holderIdNumber":"4403**********2319"' "the ID number comes back masked"
expect 'Idempotent-Replayed: true' "the same requestId replays the first result"
expect 'urn:vouchers:problem:already-claimed' "a second claim of the batch is refused"
expect 'voucher.png' "the QR code is saved"
expect '"valid":true,"verdict":"valid"' "the institution verifies the code"
expect '"status":"used"' "the institution enrols the holder"
expect '"valid":false,"verdict":"unknown"' "a mistyped scan answers like a code never issued"
expect '"status":"disbursed"' "HR disburses the subsidy"
expect '"valid":false,"verdict":"redeemed"' "a redeemed code never verifies again"
expect '"redeemed":1' "the batch counters show the redemption"
expect '"errors":{"idNumber"' "a wrong check digit is a 400 naming idNumber"
if grep -q '440305199003072319' "$log"; then echo "  FAIL the gateway log contains an ID number"; failed=1; else echo "  ok   no ID number in the gateway log"; fi
if [ "$failed" -ne 0 ]; then echo "--- tour output ---"; cat "$work/out.txt"; exit 1; fi
