# shellcheck shell=bash
#
# write_report: writes BENCH_OUT (docs/BENCHMARKS.md) from scratch with scripts/lib/bench-report.py, from the
# manifest of scripts/bench.sh's steps and the runner's JSON reports, with the machine, the run's settings and the
# command that reproduces it. Needs scripts/lib/bench-setup.sh (settings, PostgreSQL, fdatasync).

write_report() {
  # The machine, as the report shows it.
  local cpu_model mem_total pg_version bench_command="bash scripts/bench.sh" var
  cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
  mem_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  pg_version="$("$VOUCHERS_PG_BIN/postgres" --version | awk '{print $3}')"
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
  python3 scripts/lib/bench-report.py "$manifest" "$reports" "$out"
  log "done in $((SECONDS - started)) s; reports and logs in $reports"
}
