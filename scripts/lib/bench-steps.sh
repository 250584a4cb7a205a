# shellcheck shell=bash
#
# What scripts/bench.sh measures, one runner process per step: priming, steps judged sustained or not, ladders of
# rates and the focused runs on the engine. Every measured step is a line of the manifest that the report is written
# from. Needs scripts/lib/bench-setup.sh (settings, url_of[], start/restart of the engine).
#
#   wait_for_quiet_box                      until other work uses less than BENCH_QUIET_CPU % of the box's CPU
#   prime SCENARIO TARGET...                one unmeasured run at the ladder's first rate, for BENCH_PRIME
#   ladder SCENARIO TARGET...               every target climbs the scenario's rates (BENCH_*_RATES) in turn
#   claim_burst_at_half_max TARGET...       claim-burst at half of each target's sustained maximum
#   verify_during_burst                     scan-gun-verify on the engine while a claim burst runs at half its maximum
#   events_cost                            claim-burst with the events on and off, at the maximum and above it
#   scaling_runs SETTING NAME "VALUES"      claim-burst at the engine's maximum, the engine restarted with each value

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
wait_for_quiet_box() {
  local deadline=$((SECONDS + quiet_wait)) before others
  while :; do
    before="$(cpu_sample)"
    sleep 5
    others="$(others_percent "$before" "$(cpu_sample)")"
    if [ "$others" -lt "$quiet_cpu" ]; then
      log "other work uses $others % of the CPU: starting"
      break
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "other work still uses $others % of the CPU: measuring anyway; the report shows it for each step"
      break
    fi
    log "waiting for a quiet box: other work uses $others % of the CPU, want < $quiet_cpu %"
  done
}

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
# scenario, with the target's resident memory before and after), returns 1 when it was not sustained. step_warmup=DURATION before the call replaces the step's warm-up.
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
  local code=0 before others rss_before rss_after
  rss_before="$(rss_mb "$target")"
  before="$(cpu_sample)"
  "${cmd[@]}" >"$reports/$name.log" 2>&1 || code=$?
  others="$(others_percent "$before" "$(cpu_sample)")"
  rss_after="$(rss_mb "$target")"
  local verdict
  mapfile -t verdict < <(judge "$reports/$name.json" "$code")
  log "  ${verdict[1]} (other work: $others % of the CPU; RSS $rss_before → $rss_after MB)"
  local shown
  printf -v shown '%q ' "${cmd[@]}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$label" "$rate" "$attempt" "$name.json" "$code" "${verdict[0]}" "$others" \
    "$rss_before" "$rss_after" "${shown//$root\//}" >>"$manifest"
  [ "${verdict[0]}" = yes ]
}

# prime SCENARIO TARGET...: one unmeasured run of the scenario against each target, at its ladder's first rate.
# Nothing is measured on cold processes (JIT, connection pools, grain activations).
prime() {
  local scenario="$1" target rate
  shift
  rate="${rates[$scenario]%% *}"
  for target in "$@"; do
    local cmd=(dotnet "$runner" --scenario "$scenario" --target "${url_of[$target]}" --rate "$rate" --duration "$prime_duration" --warmup 0
      --progress 0 --report-folder "$reports/prime" --report-name "$scenario-$target")
    if [ "$scenario" = claim-burst ]; then
      cmd+=(--quantity 100000 --people 100000)
    fi
    log "priming $target with $scenario at $rate/s for $prime_duration (not measured)"
    "${cmd[@]}" >"$reports/prime/$scenario-$target.log" 2>&1 || log "  priming answered exit $? (see $reports/prime/$scenario-$target.log)"
  done
}

# ladder SCENARIO TARGET...: climbs the scenario's rates for every target in turn at each rate. A step that is not
# sustained runs once more (one GC pause or checkpoint does not end a ladder); a target leaves the ladder when the
# second attempt is not sustained either.
ladder() {
  local scenario="$1" rate target
  shift
  local -A climbing=()
  for target in "$@"; do
    climbing["$target"]=1
  done
  for rate in ${rates[$scenario]}; do
    for target in "$@"; do
      [ "${climbing[$target]}" = 1 ] || continue
      step "$target" "${url_of[$target]}" "$scenario" "$rate" \
        || step "$target" "${url_of[$target]}" "$scenario" "$rate" 2 \
        || climbing["$target"]=0
    done
  done
}

# sustained_max LABEL TARGET: the offered rate of the target's highest sustained step (0 when none).
sustained_max() {
  awk -F '\t' -v l="$1" -v t="$2" '$1 == t && $2 == l && $7 == "yes" && $3 > m { m = $3 } END { print m + 0 }' "$manifest"
}

# claim_burst_at_half_max TARGET...: latency with headroom.
claim_burst_at_half_max() {
  local target best_rate
  for target in "$@"; do
    best_rate="$(sustained_max claim-burst "$target")"
    if [ "$best_rate" -gt 0 ]; then
      step "$target" "${url_of[$target]}" claim-burst "$((best_rate / 2))" 1 half-max || true
    fi
  done
}

# verify_during_burst: the burst at half the engine's sustained maximum in the background, the scan guns in the
# foreground; both are recorded. The scan guns' runner starts once the burst is warm; its own start-up and init (a
# batch, a pool of claimed codes, some used and redeemed: claims and admin calls, not verifications) fall in the
# burst's longer warm-up (+10 s), and its measured phase (after +5 s of warm-up) covers the burst's, so each measures
# the other's steady load.
verify_during_burst() {
  local half_rate burst_pid
  half_rate="$(( $(sustained_max claim-burst engine) / 2 ))"
  [ "$half_rate" -gt 0 ] || return 0
  step_warmup="$(python3 -c "print($warmup_seconds + 10)")s" step engine "${url_of[engine]}" claim-burst "$half_rate" 1 burst-under-verify &
  burst_pid=$!
  sleep "$warmup_seconds"
  step_warmup="$(python3 -c "print($warmup_seconds + 5)")s" step engine "${url_of[engine]}" scan-gun-verify "$verify_during_rate" 1 verify-during-burst || true
  wait "$burst_pid" || true
}

# events_cost: what the events cost the claim path (each claim's event written in its group's INSERT, each grain
# change's with its state, the pump and the statistics consuming them). The engine restarted (and primed) with
# Events__Enabled=true and =false in turn: at its sustained claim-burst maximum (latency), then twice each, alternating,
# at 1.5 times it, where the engine is the limit and its throughput is its capacity.
events_cost() {
  local max over round value
  max="$(sustained_max claim-burst engine)"
  [ "$max" -gt 0 ] || return 0
  over=$((max * 3 / 2))
  for round in 1 2 3; do
    for value in on off; do
      restart_engine "events-$value" "Events__Enabled=$([ "$value" = on ] && echo true || echo false)"
      prime claim-burst engine
      if [ "$round" = 1 ]; then
        step "engine events=$value" "${url_of[engine]}" claim-burst "$max" 1 events-cost || true
      else
        step "engine events=$value" "${url_of[engine]}" claim-burst "$over" "$round" events-cost || true
      fi
    done
  done
}

# scaling_runs SETTING NAME "VALUES": claim-burst at the engine's sustained maximum, the engine restarted (and primed)
# with SETTING=value for each value. Each claim-burst step creates a new batch, which takes the setting the engine
# runs with.
scaling_runs() {
  local setting="$1" name="$2" values="$3" scale_rate value
  scale_rate="$(sustained_max claim-burst engine)"
  [ "$scale_rate" -gt 0 ] || return 0
  for value in $values; do
    restart_engine "$name-$value" "$setting=$value"
    prime claim-burst engine
    step "engine $name=$value" "${url_of[engine]}" claim-burst "$scale_rate" 1 scaling || true
  done
}
