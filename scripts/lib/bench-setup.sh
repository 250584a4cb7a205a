# shellcheck shell=bash
#
# What scripts/bench.sh runs against, and how it starts and stops it: its settings (the BENCH_* tunables that
# bench.sh's header lists), the Release builds, the throwaway PostgreSQL and the four targets, all on 127.0.0.1.
# Source it from the repository's root; every function returns non-zero (or exits, under set -e) on failure.
#
#   build_all                  Release builds of the silo, the gateway, the baseline, the ceiling app and the runner
#   start_postgres             PostgreSQL 15 with databases vouchers (engine), split (engine-split), baseline; fsync cost
#   start_engine LABEL [VAR=value...]  the co-hosted engine, one cluster node; restart_engine to start it anew
#   start_engine_split         a silo process and a gateway process that is its Orleans client
#   start_baseline, start_ceiling
#   stop_all                   every process started here, then PostgreSQL (the EXIT trap)
#   rss_mb TARGET              the resident memory of the target's processes now, in MB
#
# The targets' base URLs are in url_of[engine], url_of[engine-split], url_of[baseline] and url_of[ceiling]; their
# process ids in pids_of[…] (two for engine-split: the silo and the gateway).

# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

root="$(pwd)"
started=$SECONDS
duration="${BENCH_DURATION:-15s}"
warmup="${BENCH_WARMUP:-3s}"
declare -A rates=(
  [claim-burst]="${BENCH_CLAIM_RATES:-500 1000 2000 3000 4000 5000 6000 7000 8000 10000}"
  [scan-gun-verify]="${BENCH_VERIFY_RATES:-2000 4000 6000 8000 10000 12000 16000 24000}"
  [sold-out-storm]="${BENCH_SOLD_OUT_RATES:-2000 5000 10000 15000 20000 30000}"
  [ceiling]="${BENCH_CEILING_RATES:-4000 8000 16000 24000 32000 48000}"
)
verify_during_rate="${BENCH_VERIFY_DURING_RATE:-2000}"
shard_counts="${BENCH_SHARDS:-1 2 4 8}"
group_sizes="${BENCH_GROUPS:-1 32 512}"
p99_ms="${BENCH_P99_MS:-100}"
max_fail="${BENCH_MAX_FAIL_PERCENT:-1}"
quiet_cpu="${BENCH_QUIET_CPU:-10}"
quiet_wait="${BENCH_QUIET_WAIT:-180}"
prime_duration="${BENCH_PRIME:-10s}"
out="${BENCH_OUT:-docs/BENCHMARKS.md}"
reports="${BENCH_REPORTS:-$(mktemp -d /tmp/vouchers-bench.XXXXXX)}"
mkdir -p "$reports" "$reports/prime"
manifest="$reports/steps.tsv"
: >"$manifest"
runner="$root/loadtests/Vouchers.LoadTests/bin/Release/net10.0/Vouchers.LoadTests.dll"
secret="bench-person-key-secret-$(date +%s)"
declare -A url_of=()
declare -A pids_of=()

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Both engines' pools (grain storage 100 + claim store 16 each), the baseline's (64) and the gateways' must all fit.
export VOUCHERS_PG_MAX_CONNECTIONS="${VOUCHERS_PG_MAX_CONNECTIONS:-400}"

log() {
  printf '[bench] %s\n' "$*" >&2
}

# "20s", "1m", "500ms" → seconds (may be fractional).
seconds_of() {
  python3 -c 'import re, sys
m = re.fullmatch(r"([0-9.]+)(ms|s|m)?", sys.argv[1])
if not m: sys.exit("bad duration: " + sys.argv[1])
v = float(m.group(1)); u = m.group(2) or "s"
print(v / 1000 if u == "ms" else v * 60 if u == "m" else v)' "$1"
}
step_seconds="$(seconds_of "$duration")"
warmup_seconds="$(seconds_of "$warmup")"

build_all() {
  local project
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    for project in src/Silo/Vouchers.Silo.csproj src/Gateway/Vouchers.Gateway.csproj \
        loadtests/Vouchers.Baseline/Vouchers.Baseline.csproj loadtests/Vouchers.Ceiling/Vouchers.Ceiling.csproj \
        loadtests/Vouchers.LoadTests/Vouchers.LoadTests.csproj; do
      log "dotnet build $project -c Release"
      dotnet build "$project" -c Release -nologo -v quiet >"$reports/build.log" 2>&1 || { tail -n 40 "$reports/build.log" >&2; exit 1; }
    done
  fi
  [ -f "$runner" ] || { log "the load-test runner is not built: $runner"; exit 1; }
}

# Sets engine_db, split_db, baseline_db (connection strings) and fdatasync (what one durable commit costs on this disk).
start_postgres() {
  pg_start
  pg_psql -q -c "CREATE DATABASE baseline" >/dev/null
  pg_psql -q -c "CREATE DATABASE split" >/dev/null
  # PostgreSQL's own fsync test, on the server's file system.
  log "pg_test_fsync (about 15 s)"
  fdatasync="$("$VOUCHERS_PG_BIN/pg_test_fsync" -s 1 -f "$VOUCHERS_PG_DIR/fsync-test" 2>/dev/null \
    | awk '/^Compare file sync methods using one/ { one = 1 } one && $1 == "fdatasync" { print $2 " ops/s, " $4 " µs per sync"; exit }' || true)"
  log "fdatasync: ${fdatasync:-not measured}"
  engine_db="$VOUCHERS_PG_CONNECTION"
  split_db="${VOUCHERS_PG_CONNECTION/Database=vouchers/Database=split}"
  baseline_db="${VOUCHERS_PG_CONNECTION/Database=vouchers/Database=baseline}"
  baseline_db="${baseline_db/Maximum Pool Size=100/Maximum Pool Size=64}"
}

pids=()
# start_process NAME DIR DLL [VAR=value...]: runs a built app from its own folder (so its appsettings.json applies).
start_process() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec env "$@" dotnet "$dll") >"$reports/$name.log" 2>&1 &
  pids+=("$!")
  log "started $name (pid $!), log $reports/$name.log"
}

# stop_process PID: stops one process started by start_process (TERM, then KILL after 15 s).
stop_process() {
  local pid="$1" _
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  local pid _
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  pg_stop
}

# wait_for NAME URL [HEADER]: polls until the URL answers 2xx, the last process started dies or 120 s pass.
wait_for() {
  local name="$1" url="$2" header="${3:-X-Bench: 1}" pid="${pids[-1]}"
  local deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null -H "$header" "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; last log lines:"
      tail -n 40 "$reports/$name.log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name not ready at $url after 120 s; last log lines:"
      tail -n 40 "$reports/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  log "$name ready ($url)"
}

# wait_for_demo NAME URL: the demo principals (the API keys the scenarios use) exist once the seeder has created the
# demo batch.
wait_for_demo() {
  wait_for "$1" "$2/health/ready"
  wait_for "$1" "$2/api/v1/admin/batches/demo-electrician-2026" "X-Api-Key: admin-ministry.demo-admin-ministry"
}

# start_engine LABEL [VAR=value...]: the co-hosted engine (one cluster node: gateway + silo in one process), with
# extra settings for the scaling runs; sets engine_pid. Its ports stay the same across restarts.
engine_pid=""
start_engine() {
  local label="$1"
  shift
  if [ -z "${url_of[engine]:-}" ]; then
    url_of[engine]="http://127.0.0.1:$(free_port)"
    engine_silo_port="$(free_port)"
    engine_silo_gateway_port="$(free_port)"
  fi
  start_process "engine-$label" src/Gateway/bin/Release/net10.0 Vouchers.Gateway.dll \
    "ConnectionStrings__Vouchers=$engine_db" Orleans__CoHost=true Orleans__ClusterId=bench-engine Orleans__ServiceId=bench-engine \
    "Orleans__SiloPort=$engine_silo_port" "Orleans__GatewayPort=$engine_silo_gateway_port" \
    "Urls=${url_of[engine]}" Demo__Enabled=true Demo__AllowInCluster=true "Security__PersonKeySecret=$secret" Verification__MaxFailedLookups=1000000000 "$@"
  engine_pid="${pids[-1]}"
  pids_of[engine]="$engine_pid"
  wait_for_demo "engine-$label" "${url_of[engine]}"
}

# restart_engine LABEL [VAR=value...]: stops the co-hosted engine and starts it with these settings.
restart_engine() {
  stop_process "$engine_pid"
  start_engine "$@"
}

start_engine_split() {
  local silo_port gateway_port
  silo_port="$(free_port)"
  gateway_port="$(free_port)"
  url_of[engine-split]="http://127.0.0.1:$(free_port)"
  start_process silo src/Silo/bin/Release/net10.0 Vouchers.Silo.dll \
    "ConnectionStrings__Vouchers=$split_db" Orleans__ClusterId=bench-split Orleans__ServiceId=bench-split \
    "Orleans__SiloPort=$silo_port" "Orleans__GatewayPort=$gateway_port"
  pids_of[engine-split]="${pids[-1]}"
  start_process gateway src/Gateway/bin/Release/net10.0 Vouchers.Gateway.dll \
    "ConnectionStrings__Vouchers=$split_db" Orleans__ClusterId=bench-split Orleans__ServiceId=bench-split \
    "Urls=${url_of[engine-split]}" Demo__Enabled=true Demo__AllowInCluster=true "Security__PersonKeySecret=$secret" Verification__MaxFailedLookups=1000000000
  pids_of[engine-split]+=" ${pids[-1]}"
  wait_for_demo gateway "${url_of[engine-split]}"
}

start_baseline() {
  url_of[baseline]="http://127.0.0.1:$(free_port)"
  start_process baseline loadtests/Vouchers.Baseline/bin/Release/net10.0 Vouchers.Baseline.dll \
    "ConnectionStrings__Baseline=$baseline_db" "Urls=${url_of[baseline]}" "Security__PersonKeySecret=$secret"
  pids_of[baseline]="${pids[-1]}"
  wait_for baseline "${url_of[baseline]}/health/ready"
}

start_ceiling() {
  url_of[ceiling]="http://127.0.0.1:$(free_port)"
  start_process ceiling loadtests/Vouchers.Ceiling/bin/Release/net10.0 Vouchers.Ceiling.dll "Urls=${url_of[ceiling]}"
  pids_of[ceiling]="${pids[-1]}"
  wait_for ceiling "${url_of[ceiling]}/ping"
}

# rss_mb TARGET: the resident memory (VmRSS) of the target's processes now, in MB; a scaling run's target ("engine
# shards=8") is the engine.
rss_mb() {
  local pid kb=0 total=0
  for pid in ${pids_of[${1%% *}]:-}; do
    kb="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}
