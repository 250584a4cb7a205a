#!/usr/bin/env bash
# Where the box's CPU goes at a given load: one scenario against the engine at each given rate, with the CPU time of
# the engine, of the load generator and of PostgreSQL, per second and per request.
#
#   bash scripts/cpu-per-request.sh scan-gun-verify 6000 10000
#   CPU_ENGINE_ENV="DOTNET_gcServer=0" bash scripts/cpu-per-request.sh claim-burst 3000
#
# It builds in Release, starts a throwaway PostgreSQL (scripts/lib/postgres.sh, synchronous commit on) and the engine
# as bench.sh's "engine" (cluster mode, one node: the gateway co-hosting a silo, brute-force guard lifted), primes it
# with the scenario for CPU_PRIME (JIT tier-up goes on for tens of seconds on two busy cores), then runs the scenario
# at each rate for CPU_DURATION after a CPU_WARMUP warm-up (each run is a new load-generator process, whose own start-up
# shows in the first seconds). CPU is read from /proc (utime + stime) around each run, so the
# engine's and PostgreSQL's figures span the warm-up too; the load generator's is its whole process (start-up and the
# scenario's init included). On a box with idle cores, .NET's thread pool spins before it sleeps, so CPU figures are
# an upper bound of the work; latency is the figure to trust.
#
# Tunables (environment): CPU_PRIME=30s  CPU_DURATION=20s  CPU_WARMUP=3s  CPU_ENGINE_ENV="" / CPU_RUNNER_ENV="" (extra VAR=value for
#   the engine / the load generator)
#   CPU_RUNNER_ARGS="" (extra runner arguments, e.g. "--quantity 1000000")  CPU_REPORTS=(a new /tmp folder)
# Every process it started is stopped on exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 2 ] || { echo "usage: $0 SCENARIO RATE [RATE...]" >&2; exit 2; }
scenario="$1"
shift
prime="${CPU_PRIME:-30s}"
duration="${CPU_DURATION:-20s}"
warmup="${CPU_WARMUP:-3s}"
reports="${CPU_REPORTS:-$(mktemp -d /tmp/vouchers-cpu.XXXXXX)}"
mkdir -p "$reports"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() {
  printf '[cpu] %s\n' "$*" >&2
}

# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

engine=""
cleanup() {
  if [ -n "$engine" ]; then
    kill -TERM "$engine" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$engine" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$engine" 2>/dev/null || true
  fi
  pg_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ticks PID...: utime + stime of the processes, in clock ticks (100 per CPU-second).
ticks() {
  local total=0 pid t
  for pid in "$@"; do
    t="$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + t))
  done
  echo "$total"
}

for project in src/Gateway/Vouchers.Gateway.csproj loadtests/Vouchers.LoadTests/Vouchers.LoadTests.csproj; do
  log "dotnet build $project -c Release"
  dotnet build "$project" -c Release -nologo -v quiet >"$reports/build.log" 2>&1 || { tail -n 40 "$reports/build.log" >&2; exit 1; }
done
runner="$PWD/loadtests/Vouchers.LoadTests/bin/Release/net10.0/Vouchers.LoadTests.dll"

pg_start
port="$(free_port)"
url="http://127.0.0.1:$port"
# shellcheck disable=SC2086 # CPU_ENGINE_ENV is a list of VAR=value words
(cd src/Gateway/bin/Release/net10.0 && exec env "ConnectionStrings__Vouchers=$VOUCHERS_PG_CONNECTION" Orleans__CoHost=true \
  Orleans__ClusterId=cpu Orleans__ServiceId=cpu "Orleans__SiloPort=$(free_port)" "Orleans__GatewayPort=$(free_port)" \
  "Urls=$url" Demo__Enabled=true Demo__AllowInCluster=true "Security__PersonKeySecret=cpu-person-key-secret-$(date +%s)" \
  Verification__MaxFailedLookups=1000000000 ${CPU_ENGINE_ENV:-} dotnet Vouchers.Gateway.dll) >"$reports/engine.log" 2>&1 &
engine=$!
for _ in $(seq 1 240); do
  curl -fsS -o /dev/null -H "X-Api-Key: admin-ministry.demo-admin-ministry" "$url/api/v1/admin/batches/demo-electrician-2026" 2>/dev/null && break
  kill -0 "$engine" 2>/dev/null || { tail -n 40 "$reports/engine.log" >&2; exit 1; }
  sleep 0.5
done
log "engine ready at $url (pid $engine), log $reports/engine.log"

postgres_pids() {
  pgrep -u "$(stat -c %U "$VOUCHERS_PG_DIR/data")" -f postgres | tr '\n' ' '
}

run() {
  local name="$1" rate="$2" time="$3" warmup="$4"
  # shellcheck disable=SC2086 # CPU_RUNNER_ENV and CPU_RUNNER_ARGS are lists of words
  /usr/bin/env time -f "%U %S" -o "$reports/$name.time" env ${CPU_RUNNER_ENV:-} dotnet "$runner" --scenario "$scenario" --target "$url" \
    --rate "$rate" --duration "$time" --warmup "$warmup" --progress 0 --report-folder "$reports" --report-name "$name" \
    ${CPU_RUNNER_ARGS:-} >"$reports/$name.log" 2>&1 || true
}

log "priming: $scenario at ${1}/s for $prime"
run prime "$1" "$prime" 0s

printf '%-8s %-10s %-9s %-9s %-9s %-9s %-10s %-10s %-10s %s\n' rate ok/s p50_ms p99_ms dropped failed \
  engine_cpu loadgen_cpu pg_cpu "µs of CPU per request (engine / load generator / PostgreSQL)"
for rate in "$@"; do
  name="$scenario-$rate"
  pg="$(postgres_pids)"
  # shellcheck disable=SC2086 # pg is a list of pids
  e0="$(ticks "$engine")" p0="$(ticks $pg)" s0=$SECONDS
  run "$name" "$rate" "$duration" "$warmup"
  # shellcheck disable=SC2086
  e1="$(ticks "$engine")" p1="$(ticks $pg)" s1=$SECONDS
  python3 - "$reports/$name.json" "$reports/$name.time" "$rate" "$((e1 - e0))" "$((p1 - p0))" "$((s1 - s0))" <<'PY'
import json, sys
report_path, time_path, rate, engine_ticks, pg_ticks, wall = sys.argv[1:7]
try:
    report = json.load(open(report_path))
except (OSError, ValueError):
    print(f"{rate:<8} the runner wrote no report; see {report_path[:-5]}.log")
    sys.exit(0)
sc = report["scenarios"][0]
lat = sc["latencyMs"]
user, system = (float(x) for x in open(time_path).read().split()[:2])
wall = max(1, int(wall)); rps = max(1.0, sc["rps"])
engine, pg, loadgen = int(engine_ticks) / 100, int(pg_ticks) / 100, user + system
print(f"{rate:<8} {sc['rps']:<10.0f} {lat['p50']:<9.2f} {lat['p99']:<9.2f} {sc['droppedCount']:<9} {sc['failCount']:<9} "
      f"{engine / wall:<10.2f} {loadgen / wall:<10.2f} {pg / wall:<10.2f} "
      f"{1e6 * engine / wall / rps:.0f} / {1e6 * loadgen / wall / rps:.0f} / {1e6 * pg / wall / rps:.0f}")
PY
done
log "reports and logs: $reports (CPU in cores: CPU-seconds per wall second of the run, warm-up and start-up included; per request: those cores divided by the throughput)"
