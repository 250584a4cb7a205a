#!/usr/bin/env bash
# Measures the engine against a plain-PostgreSQL baseline and the box's ceiling, in one run on this machine,
# and writes docs/BENCHMARKS.md from scratch with the figures of that run.
#
#   bash scripts/bench.sh
#
# What it does:
#   1. starts a throwaway PostgreSQL 15 (scripts/lib/postgres.sh, synchronous commit on) with two databases:
#      "vouchers" for the engine and "baseline" for the baseline;
#   2. builds in Release and starts, all on 127.0.0.1, each engine on its own database: "engine", the engine in
#      cluster mode as one node (the gateway co-hosting a cluster silo, Orleans:CoHost=true), and "engine-split", the
#      engine as a silo process plus a gateway process that is its Orleans client; the baseline (loadtests/Vouchers.Baseline)
#      and the ceiling app (loadtests/Vouchers.Ceiling, GET /ping). Demo principals are seeded in both engines;
#   3. climbs ladders of open-model arrival rates with the load-test runner (loadtests/Vouchers.LoadTests): claim-burst against both
#      engines and the baseline, scan-gun-verify and sold-out-storm against the engine and the baseline, step by
#      step at the same rates, and ceiling against the ceiling app. A step that is not sustained runs once more at
#      the same rate; a target's ladder stops when both attempts fail (see below);
#   4. focused runs on the engine: claim-burst at half its sustained maximum (latency with headroom), scan-gun-verify
#      while a claim burst runs at that rate, and claim-burst at the sustained maximum with other numbers of stock
#      shards per batch (Claims:ShardsPerBatch) and of claims per group commit (Claims:MaxBatchSize), the engine
#      restarted for each;
#   5. writes docs/BENCHMARKS.md: the machine, the commands, engine vs baseline, the ceiling, fractions of it, the
#      focused runs.
#   Every process it started is stopped on exit, whatever happens.
#
# A step is sustained when nothing was dropped (every arrival started on time), p99 latency (from the intended
# start, so queueing counts) stays at or under BENCH_P99_MS, failures stay at or under BENCH_MAX_FAIL_PERCENT,
# the scenario's invariants hold and the runner did not error out. The sustained maximum of a target is the
# throughput of its highest sustained step.
#
# Tunables (environment), with their defaults:
#   BENCH_DURATION=15s  BENCH_WARMUP=3s                    measured time and warm-up of each step
#   BENCH_CLAIM_RATES="500 1000 2000 3000 4000 5000 6000 7000 8000 10000"  claim-burst ladder (arrivals/s)
#   BENCH_VERIFY_RATES="2000 4000 6000 8000 10000 12000 16000 24000" scan-gun-verify ladder, engine and baseline
#   BENCH_SOLD_OUT_RATES="2000 5000 10000 15000 20000 30000"  sold-out-storm ladder, engine and baseline
#   BENCH_CEILING_RATES="4000 8000 16000 24000 32000 48000"    ceiling ladder
#   BENCH_VERIFY_DURING_RATE=2000                     scan-gun-verify rate while a claim burst runs
#   BENCH_SHARDS="1 2 4 8"  BENCH_GROUPS="1 32 512"   stock shards / group-commit sizes of the scaling runs
#   BENCH_P99_MS=100  BENCH_MAX_FAIL_PERCENT=1             what "sustained" means
#   BENCH_OUT=docs/BENCHMARKS.md                 where the report goes
#   BENCH_REPORTS=(a new /tmp/vouchers-bench.* folder)  the runner's JSON reports and every process's log; kept
#   BENCH_QUIET_CPU=10  BENCH_QUIET_WAIT=180     before the ladders, wait up to this many seconds until processes
#                                                that are not this run's use less than this % of the box's CPU
#                                                (other work skews every figure; the report shows it for each step)
#   BENCH_PRIME=10s                              unmeasured run of every scenario against every target before the
#                                                ladders (JIT, connection pools, grain activations)
#   BENCH_SKIP_BUILD=1                           use the existing Release build
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

duration="${BENCH_DURATION:-15s}"
warmup="${BENCH_WARMUP:-3s}"
claim_rates="${BENCH_CLAIM_RATES:-500 1000 2000 3000 4000 5000 6000 7000 8000 10000}"
sold_out_rates="${BENCH_SOLD_OUT_RATES:-2000 5000 10000 15000 20000 30000}"
verify_during_rate="${BENCH_VERIFY_DURING_RATE:-2000}"
shard_counts="${BENCH_SHARDS:-1 2 4 8}"
group_sizes="${BENCH_GROUPS:-1 32 512}"
verify_rates="${BENCH_VERIFY_RATES:-2000 4000 6000 8000 10000 12000 16000 24000}"
ceiling_rates="${BENCH_CEILING_RATES:-4000 8000 16000 24000 32000 48000}"
p99_ms="${BENCH_P99_MS:-100}"
max_fail="${BENCH_MAX_FAIL_PERCENT:-1}"
out="${BENCH_OUT:-docs/BENCHMARKS.md}"
reports="${BENCH_REPORTS:-$(mktemp -d /tmp/vouchers-bench.XXXXXX)}"
mkdir -p "$reports"
manifest="$reports/steps.tsv"
: >"$manifest"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Both engines' pools (grain storage 100 + claim store 16 each), the baseline's (64) and the gateways' must all fit.
export VOUCHERS_PG_MAX_CONNECTIONS="${VOUCHERS_PG_MAX_CONNECTIONS:-400}"

log() {
  printf '[bench] %s\n' "$*" >&2
}

# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh

pids=()
cleanup() {
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
trap cleanup EXIT
trap 'exit 130' INT TERM

# "20s", "1m", "500ms" → seconds (may be fractional).
seconds_of() {
  python3 -c 'import re, sys
m = re.fullmatch(r"([0-9.]+)(ms|s|m)?", sys.argv[1])
if not m: sys.exit("bad duration: " + sys.argv[1])
v = float(m.group(1)); u = m.group(2) or "s"
print(v / 1000 if u == "ms" else v * 60 if u == "m" else v)' "$1"
}

# start NAME DIR DLL [VAR=value...]: runs a built app from its own folder (so its appsettings.json applies).
start() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec env "$@" dotnet "$dll") >"$reports/$name.log" 2>&1 &
  pids+=("$!")
  log "started $name (pid $!), log $reports/$name.log"
}

# stop PID: stops one process started by start (TERM, then KILL after 15 s).
stop() {
  local pid="$1" _
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 75); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# wait_for NAME URL [HEADER]: polls until the URL answers 2xx, the process dies or 120 s pass.
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

started=$SECONDS
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  for project in src/Silo/Vouchers.Silo.csproj src/Gateway/Vouchers.Gateway.csproj \
      loadtests/Vouchers.Baseline/Vouchers.Baseline.csproj loadtests/Vouchers.Ceiling/Vouchers.Ceiling.csproj loadtests/Vouchers.LoadTests/Vouchers.LoadTests.csproj; do
    log "dotnet build $project -c Release"
    dotnet build "$project" -c Release -nologo -v quiet >"$reports/build.log" 2>&1 || { tail -n 40 "$reports/build.log" >&2; exit 1; }
  done
fi
runner="$root/loadtests/Vouchers.LoadTests/bin/Release/net10.0/Vouchers.LoadTests.dll"
[ -f "$runner" ] || { log "the load-test runner is not built: $runner"; exit 1; }

pg_start
pg_psql -q -c "CREATE DATABASE baseline" >/dev/null
pg_psql -q -c "CREATE DATABASE split" >/dev/null
# What one durable commit costs on this disk: PostgreSQL's own fsync test, on the server's file system.
log "pg_test_fsync (about 15 s)"
fdatasync="$("$VOUCHERS_PG_BIN/pg_test_fsync" -s 1 -f "$VOUCHERS_PG_DIR/fsync-test" 2>/dev/null \
  | awk '/^Compare file sync methods using one/ { one = 1 } one && $1 == "fdatasync" { print $2 " ops/s, " $4 " µs per sync"; exit }' || true)"
log "fdatasync: ${fdatasync:-not measured}"
engine_db="$VOUCHERS_PG_CONNECTION"
split_db="${VOUCHERS_PG_CONNECTION/Database=vouchers/Database=split}"
baseline_db="${VOUCHERS_PG_CONNECTION/Database=vouchers/Database=baseline}"
baseline_db="${baseline_db/Maximum Pool Size=100/Maximum Pool Size=64}"

secret="bench-person-key-secret-$(date +%s)"
engine_port="$(free_port)"
engine_silo_port="$(free_port)"
engine_silo_gateway_port="$(free_port)"
silo_port="$(free_port)"
silo_gateway_port="$(free_port)"
gateway_port="$(free_port)"
baseline_port="$(free_port)"
ceiling_port="$(free_port)"
engine_url="http://127.0.0.1:$engine_port"
split_url="http://127.0.0.1:$gateway_port"
baseline_url="http://127.0.0.1:$baseline_port"
ceiling_url="http://127.0.0.1:$ceiling_port"

# start_engine LABEL [VAR=value...]: the co-hosted engine (one cluster node: gateway + silo in one process), with
# extra settings for the scaling runs; sets engine_pid.
engine_pid=""
start_engine() {
  local label="$1"
  shift
  start "engine-$label" src/Gateway/bin/Release/net10.0 Vouchers.Gateway.dll \
    "ConnectionStrings__Vouchers=$engine_db" Orleans__CoHost=true Orleans__ClusterId=bench-engine Orleans__ServiceId=bench-engine \
    "Orleans__SiloPort=$engine_silo_port" "Orleans__GatewayPort=$engine_silo_gateway_port" \
    "Urls=$engine_url" Demo__Enabled=true "Security__PersonKeySecret=$secret" Verification__MaxFailedLookups=1000000000 "$@"
  engine_pid="${pids[-1]}"
  wait_for "engine-$label" "$engine_url/health/ready"
  # The demo principals (the API keys the scenarios use) exist once the seeder has created the demo batch.
  wait_for "engine-$label" "$engine_url/api/v1/admin/batches/demo-electrician-2026" "X-Api-Key: admin-ministry.demo-admin-ministry"
}

start_engine default
start silo src/Silo/bin/Release/net10.0 Vouchers.Silo.dll \
  "ConnectionStrings__Vouchers=$split_db" Orleans__ClusterId=bench-split Orleans__ServiceId=bench-split \
  "Orleans__SiloPort=$silo_port" "Orleans__GatewayPort=$silo_gateway_port"
start gateway src/Gateway/bin/Release/net10.0 Vouchers.Gateway.dll \
  "ConnectionStrings__Vouchers=$split_db" Orleans__ClusterId=bench-split Orleans__ServiceId=bench-split \
  "Urls=$split_url" Demo__Enabled=true "Security__PersonKeySecret=$secret" Verification__MaxFailedLookups=1000000000
wait_for gateway "$split_url/health/ready"
wait_for gateway "$split_url/api/v1/admin/batches/demo-electrician-2026" "X-Api-Key: admin-ministry.demo-admin-ministry"
start baseline loadtests/Vouchers.Baseline/bin/Release/net10.0 Vouchers.Baseline.dll \
  "ConnectionStrings__Baseline=$baseline_db" "Urls=$baseline_url" "Security__PersonKeySecret=$secret"
wait_for baseline "$baseline_url/health/ready"
start ceiling loadtests/Vouchers.Ceiling/bin/Release/net10.0 Vouchers.Ceiling.dll "Urls=$ceiling_url"
wait_for ceiling "$ceiling_url/ping"

# cpu_sample: prints "<all CPU ticks> <busy ticks> <ticks of this run's processes>" of the box so far. This run's
# processes are this shell's descendants (the targets, each runner) and the PostgreSQL server's.
cpu_sample() {
  python3 - "$$" "$(head -n 1 "$VOUCHERS_PG_DIR/data/postmaster.pid" 2>/dev/null || echo 0)" <<'PY'
import os, sys
roots = {int(a) for a in sys.argv[1:] if a != "0"}
procs = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        data = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    fields = data[data.rindex(")") + 2:].split()
    # ppid; utime + stime + cutime + cstime (reaped children count towards their parent)
    procs[int(pid)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))

def ours(pid):
    seen = set()
    while pid > 1 and pid not in seen:
        if pid in roots:
            return True
        seen.add(pid)
        pid = procs.get(pid, (0, 0))[0]
    return False

cpu = [int(x) for x in open("/proc/stat").readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
print(sum(cpu), sum(cpu) - cpu[3] - cpu[4], sum(t for pid, (_, t) in procs.items() if ours(pid)))
PY
}

# others_percent "SAMPLE_BEFORE" "SAMPLE_AFTER": % of the box's CPU that processes not of this run used in between.
others_percent() {
  python3 -c 'import sys
a = [int(x) for x in sys.argv[1].split()]; b = [int(x) for x in sys.argv[2].split()]
total = b[0] - a[0]
print(f"{max(0, (b[1] - a[1]) - (b[2] - a[2])) * 100 / total:.0f}" if total > 0 else "0")' "$1" "$2"
}

# Other work on this box (builds, tests) takes cores from the targets and the load generator alike.
quiet_cpu="${BENCH_QUIET_CPU:-10}"
quiet_deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-180}))
while :; do
  before="$(cpu_sample)"
  sleep 5
  others="$(others_percent "$before" "$(cpu_sample)")"
  if [ "$others" -lt "$quiet_cpu" ]; then
    log "other work uses $others % of the CPU: starting"
    break
  fi
  if [ "$SECONDS" -ge "$quiet_deadline" ]; then
    log "other work still uses $others % of the CPU: measuring anyway; the report shows it for each step"
    break
  fi
  log "waiting for a quiet box: other work uses $others % of the CPU, want < $quiet_cpu %"
done

step_seconds="$(seconds_of "$duration")"
warmup_seconds="$(seconds_of "$warmup")"

# judge REPORT EXIT_CODE: prints "yes" when the step was sustained, "no" otherwise, then a one-line summary.
judge() {
  python3 - "$1" "$2" "$p99_ms" "$max_fail" <<'PY'
import json, sys
path, code, p99_limit, max_fail = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
try:
    s = json.load(open(path))["scenarios"][0]
except (OSError, ValueError, KeyError, IndexError):
    print("no"); print(f"no report (runner exit {code})"); sys.exit()
lat = s.get("latencyMs") or {}
p99 = lat.get("p99")
why = []
if code == 2: why.append("runner error")
if s.get("okCount", 0) == 0: why.append("no ok response")
if s.get("droppedCount", 0) > 0: why.append(f"{s['droppedCount']} dropped")
if p99 is None or p99 > p99_limit: why.append(f"p99 {p99} ms > {p99_limit:g} ms")
if s.get("failPercent", 0) > max_fail: why.append(f"fail {s['failPercent']:.2f}% > {max_fail:g}%")
why += [f"invariant '{i['name']}' broken" for i in s.get("invariants", []) if not i.get("passed")]
print("no" if why else "yes")
print(f"{s.get('rps', 0):.0f} rps, p50 {lat.get('p50')} ms, p99 {p99} ms, dropped {s.get('droppedCount')}, fail {s.get('failPercent', 0):.2f}%"
      + (" -- not sustained: " + "; ".join(why) if why else " -- sustained"))
PY
}

# step TARGET URL SCENARIO RATE [ATTEMPT] [LABEL]: runs one step, records it in the manifest (under LABEL, default the
# scenario), returns 1 when it was not sustained. step_warmup=DURATION before the call replaces the step's warm-up.
step() {
  local target="$1" url="$2" scenario="$3" rate="$4" attempt="${5:-1}" label="${6:-$3}"
  local warm="${step_warmup:-$warmup}"
  local name="$label-$target-$rate"
  name="${name//[^A-Za-z0-9.=-]/_}"
  if [ "$attempt" != 1 ]; then
    name="$name-$attempt"
  fi
  local cmd=(dotnet "$runner" --scenario "$scenario" --target "$url" --rate "$rate" --duration "$duration" --warmup "$warm"
    --report-folder "$reports" --report-name "$name" --threshold "p99<${p99_ms}ms")
  if [ "$scenario" = claim-burst ]; then
    # Enough stock and distinct people that the batch never sells out within the step.
    local people
    people="$(python3 -c "import math; print(math.ceil($rate * ($step_seconds + $(seconds_of "$warm")) * 1.2) + 100)")"
    cmd+=(--quantity "$people" --people "$people")
  fi
  log "$target $label at $rate/s for $duration$([ "$attempt" = 1 ] || echo " (attempt $attempt)")"
  local code=0 before others
  before="$(cpu_sample)"
  "${cmd[@]}" >"$reports/$name.log" 2>&1 || code=$?
  others="$(others_percent "$before" "$(cpu_sample)")"
  local verdict
  mapfile -t verdict < <(judge "$reports/$name.json" "$code")
  log "  ${verdict[1]} (other work: $others % of the CPU)"
  local shown
  printf -v shown '%q ' "${cmd[@]}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$label" "$rate" "$attempt" "$name.json" "$code" "${verdict[0]}" "$others" "${shown//$root\//}" >>"$manifest"
  [ "${verdict[0]}" = yes ]
}

# ladder SCENARIO "RATES" TARGET=URL...: climbs the rates for every target in turn at each rate. A step that is not
# sustained runs once more (one GC pause or checkpoint does not end a ladder); a target leaves the ladder when the
# second attempt is not sustained either.
ladder() {
  local scenario="$1" rates="$2"
  shift 2
  local -A climbing=()
  local spec
  for spec in "$@"; do
    climbing["${spec%%=*}"]=1
  done
  local rate
  for rate in $rates; do
    for spec in "$@"; do
      local target="${spec%%=*}" url="${spec#*=}"
      [ "${climbing[$target]}" = 1 ] || continue
      step "$target" "$url" "$scenario" "$rate" || step "$target" "$url" "$scenario" "$rate" 2 || climbing["$target"]=0
    done
  done
}

# Nothing is measured on cold processes: one unmeasured run of every scenario against every target first.
prime_duration="${BENCH_PRIME:-10s}"
mkdir -p "$reports/prime"
prime() {
  local target="$1" url="$2" scenario="$3" rate="$4"
  local cmd=(dotnet "$runner" --scenario "$scenario" --target "$url" --rate "$rate" --duration "$prime_duration" --warmup 0
    --progress 0 --report-folder "$reports/prime" --report-name "$scenario-$target")
  if [ "$scenario" = claim-burst ]; then
    cmd+=(--quantity 100000 --people 100000)
  fi
  log "priming $target with $scenario at $rate/s for $prime_duration (not measured)"
  "${cmd[@]}" >"$reports/prime/$scenario-$target.log" 2>&1 || log "  priming answered exit $? (see $reports/prime/$scenario-$target.log)"
}
first() {
  printf '%s\n' "${1%% *}"
}
prime ceiling "$ceiling_url" ceiling "$(first "$ceiling_rates")"
for spec in "engine=$engine_url" "engine-split=$split_url" "baseline=$baseline_url"; do
  prime "${spec%%=*}" "${spec#*=}" claim-burst "$(first "$claim_rates")"
done
for spec in "engine=$engine_url" "baseline=$baseline_url"; do
  prime "${spec%%=*}" "${spec#*=}" scan-gun-verify "$(first "$verify_rates")"
  prime "${spec%%=*}" "${spec#*=}" sold-out-storm "$(first "$sold_out_rates")"
done

ladder ceiling "$ceiling_rates" "ceiling=$ceiling_url"
ladder claim-burst "$claim_rates" "engine=$engine_url" "engine-split=$split_url" "baseline=$baseline_url"
ladder scan-gun-verify "$verify_rates" "engine=$engine_url" "baseline=$baseline_url"
ladder sold-out-storm "$sold_out_rates" "engine=$engine_url" "baseline=$baseline_url"

# sustained_max LABEL TARGET: the offered rate of the target's highest sustained step (0 when none).
sustained_max() {
  awk -F '\t' -v l="$1" -v t="$2" '$1 == t && $2 == l && $7 == "yes" && $3 > m { m = $3 } END { print m + 0 }' "$manifest"
}

# Latency with headroom: claim-burst at half of each engine's sustained maximum.
for spec in "engine=$engine_url" "engine-split=$split_url"; do
  best_rate="$(sustained_max claim-burst "${spec%%=*}")"
  if [ "$best_rate" -gt 0 ]; then
    step "${spec%%=*}" "${spec#*=}" claim-burst "$((best_rate / 2))" 1 half-max || true
  fi
done

# Verifications during a claim burst: the burst at half the engine's sustained maximum in the background, the
# scan guns in the foreground; both are recorded. The scan guns' runner starts once the burst is warm; its own
# start-up and init (a batch, a pool of claimed codes, some used and redeemed: claims and admin calls, not
# verifications) fall in the burst's longer warm-up (+10 s), and its measured phase (after +5 s of warm-up) covers
# the burst's, so each measures the other's steady load.
half_rate="$(( $(sustained_max claim-burst engine) / 2 ))"
if [ "$half_rate" -gt 0 ]; then
  step_warmup="$(python3 -c "print($warmup_seconds + 10)")s" step engine "$engine_url" claim-burst "$half_rate" 1 burst-under-verify &
  burst_pid=$!
  sleep "$warmup_seconds"
  step_warmup="$(python3 -c "print($warmup_seconds + 5)")s" step engine "$engine_url" scan-gun-verify "$verify_during_rate" 1 verify-during-burst || true
  wait "$burst_pid" || true
fi

# Scaling: claim-burst at the engine's sustained maximum with other stock-shard counts and group-commit sizes. Each
# claim-burst step creates a new batch, which takes the shard count the engine runs with.
scale_rate="$(sustained_max claim-burst engine)"
if [ "$scale_rate" -gt 0 ]; then
  for shards in $shard_counts; do
    stop "$engine_pid"
    start_engine "shards-$shards" "Claims__ShardsPerBatch=$shards"
    prime engine "$engine_url" claim-burst "$(first "$claim_rates")"
    step "engine shards=$shards" "$engine_url" claim-burst "$scale_rate" 1 scaling || true
  done
  for group in $group_sizes; do
    stop "$engine_pid"
    start_engine "group-$group" "Claims__MaxBatchSize=$group"
    prime engine "$engine_url" claim-burst "$(first "$claim_rates")"
    step "engine group=$group" "$engine_url" claim-burst "$scale_rate" 1 scaling || true
  done
fi

# The machine, as the report shows it.
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
pg_version="$("$VOUCHERS_PG_BIN/postgres" --version | awk '{print $3}')"
bench_command="bash scripts/bench.sh"
for var in BENCH_DURATION BENCH_WARMUP BENCH_CLAIM_RATES BENCH_VERIFY_RATES BENCH_SOLD_OUT_RATES BENCH_CEILING_RATES BENCH_VERIFY_DURING_RATE BENCH_SHARDS BENCH_GROUPS BENCH_P99_MS BENCH_MAX_FAIL_PERCENT BENCH_QUIET_CPU BENCH_QUIET_WAIT BENCH_PRIME; do
  if [ -n "${!var:-}" ]; then
    bench_command="$var=\"${!var}\" $bench_command"
  fi
done

log "writing $out"
BENCH_MACHINE_CORES="$(nproc)" BENCH_MACHINE_CPU="${cpu_model:-unknown}" BENCH_MACHINE_MEMORY="$mem_total" \
BENCH_MACHINE_KERNEL="$(uname -sr)" BENCH_FDATASYNC="${fdatasync:-not measured}" BENCH_DOTNET="$(dotnet --version)" BENCH_POSTGRES="$pg_version" \
BENCH_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')" BENCH_COMMAND="$bench_command" BENCH_SECONDS=$((SECONDS - started)) \
BENCH_PRIME_FOR="$prime_duration" BENCH_P99="$p99_ms" BENCH_FAIL="$max_fail" BENCH_STEP="$duration" BENCH_WARM="$warmup" \
python3 - "$manifest" "$reports" "$out" <<'PY'
import csv, json, os, sys

manifest, reports, out = sys.argv[1:4]
env = os.environ
steps = []
with open(manifest, newline="") as f:
    for target, scenario, rate, attempt, report, code, sustained, others, command in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            s = json.load(open(os.path.join(reports, report)))["scenarios"][0]
        except (OSError, ValueError, KeyError, IndexError):
            s = None
        steps.append(dict(target=target, scenario=scenario, rate=int(rate), attempt=int(attempt), code=int(code), ok=sustained == "yes", others=others, command=command, s=s))

def best(scenario, target):
    """The highest sustained step of a target, or None."""
    ok = [x for x in steps if x["scenario"] == scenario and x["target"] == target and x["ok"]]
    return max(ok, key=lambda x: x["rate"]) if ok else None

def steps_top(scenario, target):
    """The last step run on a ladder when it was sustained: the ladder ended before the target's limit."""
    run = [x for x in steps if x["scenario"] == scenario and x["target"] == target]
    return run[-1] if run and run[-1]["ok"] else None

def ms(value):
    return "–" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"

def lat(step, key):
    return ms(((step or {}).get("s") or {}).get("latencyMs", {}).get(key)) if step and step["s"] else "–"

def rps(step):
    return step["s"]["rps"] if step and step["s"] else None

def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"

def pct(a, b):
    return f"{'≤ ' if ceiling_bound else ''}{100 * a / b:.1f} %" if a and b else "–"

ceiling = best("ceiling", "ceiling")
ceiling_rps = rps(ceiling)
# When even the ceiling's top step held, the ceiling is a lower bound and every fraction of it an upper bound.
ceiling_bound = ceiling is not None and ceiling is steps_top("ceiling", "ceiling")
lines = []
w = lines.append
w("# Benchmarks")
w("")
w("Written by `scripts/bench.sh` from one run on the machine below; every figure on this page comes from that run's")
w("load-test reports. Run it again to replace the page (figures from another machine are not comparable).")
w("")
w("## The machine")
w("")
w("| | |")
w("|---|---|")
w(f"| date | {env['BENCH_DATE']} |")
w(f"| CPU | {env['BENCH_MACHINE_CPU']}, {env['BENCH_MACHINE_CORES']} cores (nproc) |")
w(f"| memory | {env['BENCH_MACHINE_MEMORY']} |")
w(f"| OS | {env['BENCH_MACHINE_KERNEL']} |")
w(f"| .NET SDK | {env['BENCH_DOTNET']} (Release builds) |")
w(f"| PostgreSQL | {env['BENCH_POSTGRES']}, throwaway server from `scripts/lib/postgres.sh`: `fsync=on`, `synchronous_commit=on` |")
w(f"| disk | one 8 kB write + fdatasync (`pg_test_fsync`, where the server keeps its files): {env['BENCH_FDATASYNC']} |")
w(f"| whole run | {int(env['BENCH_SECONDS']) // 60} min {int(env['BENCH_SECONDS']) % 60} s |")
w("")
w("Everything ran on this one box over 127.0.0.1: PostgreSQL, the silo, the gateway, the baseline, the ceiling app")
w("and the load generator itself, which competes with them for the same cores. Other work on the box takes cores from")
w("all of them: the column *other work* of every step gives the share of the box's CPU that processes outside this run")
w("used during that step (from /proc: all busy CPU time minus that of this run's processes and PostgreSQL server).")
busy = [int(x["others"]) for x in steps if int(x["others"]) >= 10]
if busy:
    w("")
    w(f"**Other work used 10 % or more of the box's CPU during {len(busy)} of the {len(steps)} steps (up to {max(busy)} %)**:")
    w("those steps' figures are lower than a quiet box would give; see the *other work* column.")
w("")
w("## What ran")
w("")
w("- **engine**: cluster mode, Release, as one node: the gateway (`src/Gateway`) co-hosting a cluster silo")
w("  (`Orleans:CoHost=true`; membership, grain state and the claim store in PostgreSQL), demo principals seeded.")
w("- **engine-split**: cluster mode, Release, as two processes: a silo (`src/Silo`) and a gateway that is its Orleans")
w("  client, on a database of its own. Every request crosses one more hop (and serialization) than on the engine.")
w("- Both engines take claims the same way: the gateway sends a claim to the batch's stock shard that owns the person")
w("  (4 shards per batch unless a scaling run says otherwise), which holds stock leased in blocks from the batch grain")
w("  and acknowledges the claim only after the claim store committed its row; the store writes the claims of many")
w("  requests in one INSERT (group commit, up to 512 per group, a writer lingering 1 ms while busy). See")
w("  docs/ARCHITECTURE.md.")
w("- **baseline**: `loadtests/Vouchers.Baseline`, the same HTTP contract for claims, wallets and verification on plain ASP.NET Core")
w("  + Npgsql: one transaction per claim (`UPDATE batches SET remaining = remaining - 1 WHERE id = @b AND status = 'active'")
w("  AND remaining > 0` and `INSERT INTO claims` under `UNIQUE (batch_id, person_key)` and `UNIQUE (channel_id, request_id)`),")
w("  synchronous commit on, a pool of at most 64 connections.")
w("- **ceiling**: `loadtests/Vouchers.Ceiling`, Kestrel answering `GET /ping` with `pong`: the most this box serves through the")
w("  same load generator.")
w("- **load**: the runner in `loadtests/Vouchers.LoadTests` (open model: arrivals on a fixed schedule; latency measured from each request's")
w("  intended start, so queueing counts; arrivals that could not start on time are counted as dropped). Scenarios:")
w("  `claim-burst` (distinct people claim one hot batch, with retries and second claims mixed in, then an invariant check),")
w("  `scan-gun-verify` (institutions verify a mix of codes), `sold-out-storm` (new people storm a batch whose stock is")
w("  gone: every answer must be 409 sold-out), `ceiling` (`GET /ping`). The verify mix differs: against the")
w("  engine it holds valid, used, redeemed, never-issued and mistyped codes; against the baseline, which does not use or")
w("  redeem vouchers, valid and never-issued codes only. Either way a verification is one lookup by code (a mistyped")
w("  code none). The engines run with the brute-force guard on failed lookups lifted")
w("  (`Verification__MaxFailedLookups=1000000000`): a fifth of the mix names no voucher, all from one institution.")
w(f"- **priming**: before the ladders, every scenario ran unmeasured against every target for {env['BENCH_PRIME_FOR']} at the")
w("  ladder's first rate, so that no step meets a cold process (JIT, connection pools, grain activations).")
w(f"- **ladder**: each target climbs the same arrival rates, {env['BENCH_STEP']} measured after {env['BENCH_WARM']} warm-up per")
w("  step, engine and baseline alternating at each rate. A step is **sustained** when nothing was dropped,")
w(f"  p99 ≤ {env['BENCH_P99']} ms, failures ≤ {env['BENCH_FAIL']} % and the scenario's invariants hold. A step that is not runs once")
w("  more at the same rate (one GC pause or checkpoint does not end a ladder); a target stops climbing when that second")
w("  attempt fails too. Its **sustained maximum** is the throughput of its highest sustained step (a lower bound when")
w("  even the top step of the ladder was sustained).")
w("")
w("## Engine vs baseline")
w("")
w("Throughput (ok responses per second) and latency (ms, from the intended start) at each target's highest sustained step.")
w("")
w("| scenario | target | offered rate /s | throughput /s | p50 | p95 | p99 | of the ceiling |")
w("|---|---|---:|---:|---:|---:|---:|---:|")
TARGETS = {"claim-burst": ("engine", "engine-split", "baseline"), "scan-gun-verify": ("engine", "baseline"), "sold-out-storm": ("engine", "baseline")}
for scenario, targets in TARGETS.items():
    for target in targets:
        b = best(scenario, target)
        if b is None:
            w(f"| {scenario} | {target} | none sustained | – | – | – | – | – |")
        else:
            bound = " (top step: a lower bound)" if b is steps_top(scenario, target) else ""
            w(f"| {scenario} | {target} | {b['rate']}{bound} | {rps(b):.0f} | {lat(b, 'p50')} | {lat(b, 'p95')} | {lat(b, 'p99')} | {pct(rps(b), ceiling_rps)} |")
w("")
w("| scenario | engine ÷ baseline, sustained throughput |")
w("|---|---:|")
def versus(scenario, target):
    e, b = best(scenario, target), best(scenario, "baseline")
    e_top, b_top = e is not None and e is steps_top(scenario, target), b is not None and b is steps_top(scenario, "baseline")
    # A sustained top step is a lower bound: the ratio is then bounded on that side only.
    bound = "" if e_top == b_top else "≥ " if e_top else "≤ "
    value = ratio(rps(e), rps(b))
    return "– (both held the top step)" if e_top and b_top else bound + value if value != "–" else value
for scenario, targets in TARGETS.items():
    for target in targets[:-1]:
        w(f"| {scenario}{'' if target == 'engine' else f' ({target})'} | {versus(scenario, target)} |")
w("")
if ceiling is None:
    w("**Ceiling**: no ceiling step was sustained, so no fraction of it can be given.")
else:
    w(f"**Ceiling**: `GET /ping` sustained {ceiling_rps:.0f} requests/s (offered {ceiling['rate']}/s; p50 {lat(ceiling, 'p50')} ms,"
      f" p99 {lat(ceiling, 'p99')} ms). A higher step was {'not run' if ceiling['rate'] == max(x['rate'] for x in steps if x['scenario'] == 'ceiling') else 'not sustained'}"
      f"{', so the box may serve more' if ceiling['rate'] == max(x['rate'] for x in steps if x['scenario'] == 'ceiling') else ''}.")
w("")
w("### Latency at the same offered rate")
w("")
w("The highest rate that both engine and baseline sustained, side by side.")
w("")
w("| scenario | rate /s | engine p50 / p95 / p99 | baseline p50 / p95 / p99 |")
w("|---|---:|---|---|")
for scenario in TARGETS:
    e = {x["rate"]: x for x in steps if x["scenario"] == scenario and x["target"] == "engine" and x["ok"]}
    b = {x["rate"]: x for x in steps if x["scenario"] == scenario and x["target"] == "baseline" and x["ok"]}
    common = sorted(set(e) & set(b))
    if not common:
        w(f"| {scenario} | none in common | – | – |")
    else:
        r = common[-1]
        w(f"| {scenario} | {r} | {lat(e[r], 'p50')} / {lat(e[r], 'p95')} / {lat(e[r], 'p99')} | {lat(b[r], 'p50')} / {lat(b[r], 'p95')} / {lat(b[r], 'p99')} |")
w("")
def only(label, target=None):
    run = [x for x in steps if x["scenario"] == label and (target is None or x["target"] == target)]
    return run[-1] if run else None

def row(x, what):
    if x is None or x["s"] is None:
        return f"| {what} | – | – | – | – | – | – |"
    s = x["s"]
    return (f"| {what} | {x['rate']} | {s['rps']:.0f} | {lat(x, 'p50')} / {lat(x, 'p95')} / {lat(x, 'p99')} | {s['droppedCount']} |"
            f" {s['failCount']} | {'yes' if x['ok'] else 'no'} |")

w("## Focused runs on the engine")
w("")
w("Latency with headroom: claim-burst at half of each engine's sustained maximum; then scan-gun-verify while a claim")
w("burst runs on the same engine at that half rate (two load generators at once). In that pair the burst warms up 10 s")
w("longer and the scan guns 5 s longer than a ladder step, so the scan guns' start-up and init (claims and admin calls")
w("that set up their codes) fall before both measured phases.")
w("")
w("| run | offered /s | throughput /s | p50 / p95 / p99 ms | dropped | fail | sustained |")
w("|---|---:|---:|---|---:|---:|---|")
w(row(only("half-max", "engine"), "claim-burst at half the maximum, engine"))
w(row(only("half-max", "engine-split"), "claim-burst at half the maximum, engine-split"))
w(row(only("verify-during-burst"), "scan-gun-verify during the burst"))
w(row(only("burst-under-verify"), "the claim burst meanwhile"))
w("")
scaling = [x for x in steps if x["scenario"] == "scaling"]
w("Scaling: claim-burst at the engine's sustained maximum, the engine restarted with another number of stock shards")
w("per batch (`Claims__ShardsPerBatch`, default 4) or of claims per group commit (`Claims__MaxBatchSize`, default 512;")
w("1 means one INSERT and one commit per claim).")
w("")
w("| configuration | offered /s | throughput /s | p50 / p95 / p99 ms | dropped | fail | sustained |")
w("|---|---:|---:|---|---:|---:|---|")
if not scaling:
    w("| no scaling run (the engine sustained no claim-burst step) | – | – | – | – | – | – |")
for x in scaling:
    w(row(x, x["target"].replace("engine ", "")))
w("")
w("### Against the targets of the claim-burst issue")
w("")
cb, half, so, vd = best("claim-burst", "engine"), only("half-max", "engine"), best("sold-out-storm", "engine"), only("verify-during-burst")
def p99(x):
    return ((x or {}).get("s") or {}).get("latencyMs", {}).get("p99") if x and x["s"] else None
checks = [
    ("hot batch ≥ 20,000 claims/s", f"{rps(cb):.0f}/s" if cb else "none sustained", bool(cb and rps(cb) >= 20000)),
    ("≥ 5× the baseline's claims/s", versus("claim-burst", "engine"), bool(cb and best("claim-burst", "baseline") and rps(cb) >= 5 * rps(best("claim-burst", "baseline")))),
    ("p99 ≤ 20 ms at half the maximum", f"{ms(p99(half))} ms at {half['rate']}/s" if half else "not run", bool(half and p99(half) is not None and p99(half) <= 20)),
    ("sold-out ≥ 50,000/s", f"{rps(so):.0f}/s" if so else "none sustained", bool(so and rps(so) >= 50000)),
    ("sold-out p99 ≤ 5 ms", f"{lat(so, 'p99')} ms at its maximum" if so else "–", bool(so and p99(so) is not None and p99(so) <= 5)),
    ("verifications during a burst p99 ≤ 10 ms", f"{ms(p99(vd))} ms" if vd else "not run", bool(vd and p99(vd) is not None and p99(vd) <= 10)),
]
w("| target | measured | met |")
w("|---|---|---|")
for what, measured, met in checks:
    w(f"| {what} | {measured} | {'yes' if met else '**no**'} |")
w("")
w("### Against the target of the institution issue")
w("")
v10 = [x for x in steps if x["scenario"] == "scan-gun-verify" and x["target"] == "engine" and x["rate"] == 10000 and x["s"]]
v10 = min(v10, key=lambda x: p99(x) if p99(x) is not None else 1e9) if v10 else None
w("| target | measured | met |")
w("|---|---|---|")
w(f"| scan-gun-verify p99 ≤ 5 ms at 10,000/s | {(ms(p99(v10)) + ' ms (best attempt)') if v10 else 'not run'} | {'yes' if v10 and p99(v10) is not None and p99(v10) <= 5 and v10['s']['droppedCount'] == 0 else '**no**'} |")
w("")
w("## Every step")
w("")
w("| scenario | target | offered /s | attempt | throughput /s | ok | fail | dropped | p50 | p95 | p99 | max | other work | sustained |")
w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for x in steps:
    s = x["s"]
    if s is None:
        w(f"| {x['scenario']} | {x['target']} | {x['rate']} | {x['attempt']} | – | – | – | – | – | – | – | – | {x['others']} % | no (runner exit {x['code']}, no report) |")
        continue
    broken = [i["name"] for i in s.get("invariants", []) if not i.get("passed")]
    verdict = "yes" if x["ok"] else "no" + (f" (invariant broken: {', '.join(broken)})" if broken else "")
    w(f"| {x['scenario']} | {x['target']} | {x['rate']} | {x['attempt']} | {s['rps']:.0f} | {s['okCount']} | {s['failCount']} | {s['droppedCount']} |"
      f" {lat(x, 'p50')} | {lat(x, 'p95')} | {lat(x, 'p99')} | {lat(x, 'max')} | {x['others']} % | {verdict} |")
w("")
codes = {}
for x in steps:
    for c in (x["s"] or {}).get("statusCodes", []):
        codes.setdefault((x["scenario"], x["target"]), {}).setdefault(str(c["statusCode"]), 0)
        codes[(x["scenario"], x["target"])][str(c["statusCode"])] += c["count"]
if codes:
    w("Status codes over all steps of each ladder:")
    w("")
    w("| scenario | target | status codes (count) |")
    w("|---|---|---|")
    for (scenario, target), table in codes.items():
        w(f"| {scenario} | {target} | {', '.join(f'{k}: {v}' for k, v in sorted(table.items()))} |")
    w("")
w("## The commands")
w("")
w("The whole run:")
w("")
w("```bash")
w(env["BENCH_COMMAND"])
w("```")
w("")
w("Each step, as the script ran it (ports were free ones picked for this run; the runner writes `<report-name>.json`):")
w("")
w("```bash")
for x in steps:
    w(x["command"])
w("```")
w("")
with open(out, "w") as f:
    f.write("\n".join(lines))
PY
log "done in $((SECONDS - started)) s; reports and logs in $reports"
