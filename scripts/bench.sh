#!/usr/bin/env bash
# Measures the engine against a plain-PostgreSQL baseline and the box's ceiling, in one run on this machine, and
# writes docs/BENCHMARKS.md from scratch with the figures of that run. Every process it started is stopped on exit,
# whatever happens.
#
#   bash scripts/bench.sh
#
# The lines below are what it does, in order; how, in scripts/lib/bench-setup.sh (builds, PostgreSQL, the targets),
# scripts/lib/bench-steps.sh (priming, steps, ladders, focused runs) and scripts/lib/bench-report.{sh,py}.
# A step is sustained when nothing was dropped (every arrival started on time), p99 latency (from the intended
# start, so queueing counts) stays at or under BENCH_P99_MS, failures stay at or under BENCH_MAX_FAIL_PERCENT,
# the scenario's invariants hold and the runner did not error out; one that is not runs once more at the same rate,
# and a target's ladder stops when both attempts fail. A target's sustained maximum is the throughput of its
# highest sustained step.
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
#   VOUCHERS_PG_MAX_CONNECTIONS=400              PostgreSQL's max_connections (every target's pool must fit)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/bench-setup.sh
source scripts/lib/bench-setup.sh
# shellcheck source=lib/bench-steps.sh
source scripts/lib/bench-steps.sh
# shellcheck source=lib/bench-report.sh
source scripts/lib/bench-report.sh
trap stop_all EXIT
trap 'exit 130' INT TERM

build_all               # Release: silo, gateway, baseline, ceiling app, runner (not with BENCH_SKIP_BUILD=1)
start_postgres          # throwaway PostgreSQL 15, synchronous commit on; databases vouchers, split, baseline
start_engine default    # engine: the gateway co-hosting a cluster silo (Orleans:CoHost=true), one node
start_engine_split      # engine-split: a silo process and a gateway process that is its Orleans client
start_baseline          # baseline: the same HTTP contract on ASP.NET Core + Npgsql, one transaction per claim
start_ceiling           # ceiling: Kestrel answering GET /ping
wait_for_quiet_box      # until other work uses less than BENCH_QUIET_CPU % of the CPU (BENCH_QUIET_WAIT s at most)

# Nothing is measured on cold processes: every scenario once against every target, unmeasured.
prime ceiling ceiling
prime claim-burst engine engine-split baseline
for target in engine baseline; do
  prime scan-gun-verify "$target"
  prime sold-out-storm "$target"
done

# Ladders of open-model arrival rates (BENCH_*_RATES): the targets climb the same rates, alternating at each.
ladder ceiling ceiling
ladder claim-burst engine engine-split baseline
ladder scan-gun-verify engine baseline
ladder sold-out-storm engine baseline

# Focused runs on the engine, from its sustained claim-burst maximum.
claim_burst_at_half_max engine engine-split                # latency with headroom
verify_during_burst                                        # scan-gun-verify while a burst runs at half the maximum
events_cost                                                # restarted with Events__Enabled on / off: at the maximum and 1.5×
scaling_runs Claims__ShardsPerBatch shards "$shard_counts"  # at the maximum, restarted with each stock-shard count
scaling_runs Claims__MaxBatchSize group "$group_sizes"     # and with each group-commit size

write_report            # BENCH_OUT: the machine, engine vs baseline, the ceiling, focused runs, every step
