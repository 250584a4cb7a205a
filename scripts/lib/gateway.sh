# shellcheck shell=bash
# Starts and stops a zero-setup gateway (co-hosted silo, in-memory storage, demo data) from the Release build.
#   gateway_start URL SILO_PORT GATEWAY_PORT LOGFILE [--Key value ...]   then   gateway_stop
GATEWAY_PID=""

gateway_start() {
  local url=$1 silo_port=$2 gateway_port=$3 log=$4
  shift 4
  local dll=src/Gateway/bin/${CONFIGURATION:-Release}/net10.0/Vouchers.Gateway.dll
  [ -f "$dll" ] || dotnet build src/Gateway -c "${CONFIGURATION:-Release}" -nologo >/dev/null
  (cd src/Gateway && exec dotnet "../../$dll" --urls "$url" --Orleans:SiloPort "$silo_port" --Orleans:GatewayPort "$gateway_port" "$@") >"$log" 2>&1 &
  GATEWAY_PID=$!
  local _
  for _ in $(seq 1 120); do
    curl -sf "$url/health/ready" >/dev/null 2>&1 && return 0
    if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
      echo "the gateway exited:"; tail -50 "$log"; GATEWAY_PID=""; return 1
    fi
    sleep 0.5
  done
  echo "the gateway did not become ready within 60 s:"; tail -50 "$log"
  return 1
}

gateway_stop() {
  if [ -n "$GATEWAY_PID" ]; then
    kill "$GATEWAY_PID" 2>/dev/null || true
    wait "$GATEWAY_PID" 2>/dev/null || true
    GATEWAY_PID=""
  fi
}
