#!/usr/bin/env python3
# Writes the benchmark report (docs/BENCHMARKS.md) from the steps manifest of scripts/bench.sh and the runner's JSON
# reports; the machine, the run's settings and its command come in BENCH_* environment variables (scripts/lib/bench-report.sh).
#   python3 scripts/lib/bench-report.py MANIFEST REPORTS_FOLDER OUT
import csv, json, os, sys

manifest, reports, out = sys.argv[1:4]
env = os.environ
steps = []
with open(manifest, newline="") as f:
    for target, scenario, rate, attempt, report, code, sustained, others, rss_before, rss_after, command in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            s = json.load(open(os.path.join(reports, report)))["scenarios"][0]
        except (OSError, ValueError, KeyError, IndexError):
            s = None
        steps.append(dict(target=target, scenario=scenario, rate=int(rate), attempt=int(attempt), code=int(code), ok=sustained == "yes", others=others,
                          rss=(int(rss_before), int(rss_after)), command=command, s=s))

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
w("load-test reports, except the sections after \"Measured by other commands\" at the end, which name their own commands")
w("and which it keeps. Run it again to replace the page (figures from another machine are not comparable).")
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
w("  `claim-burst` (people claim one hot batch as they behave: newcomers, 30 % holders claiming again with a new request id,")
w("  3 % replays of an earlier request id; each kind measured apart, below; then an invariant check),")
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
cost = [x for x in steps if x["scenario"] == "events-cost"]
w("What the events cost the claim path: the engine restarted with the event pipeline on and off (`Events__Enabled`;")
w("off, nothing is written to the outbox and nothing published or counted), claim-burst at its sustained maximum, then")
w("twice each, alternating, at 1.5 times it, where the engine is the limit and its throughput is its capacity.")
w("")
w("| configuration | offered /s | throughput /s | p50 / p95 / p99 ms | dropped | fail | sustained |")
w("|---|---:|---:|---|---:|---:|---|")
if not cost:
    w("| not run (the engine sustained no claim-burst step) | – | – | – | – | – | – |")
for x in cost:
    w(row(x, x["target"].replace("engine ", "") + ("" if x["attempt"] == 1 else f" (above the maximum, run {x['attempt'] - 1})")))
w("")
over = {v: [rps(x) for x in cost if x["attempt"] > 1 and x["target"] == f"engine events={v}" and x["s"]] for v in ("on", "off")}
if over["on"] and over["off"]:
    on, off = sum(over["on"]) / len(over["on"]), sum(over["off"]) / len(over["off"])
    w(f"Above the maximum, with the events on the engine answered {on:.0f} claims/s on average, off {off:.0f}/s: the events cost")
    w(f"**{100 * (1 - on / off):.1f} %** of the claim path's throughput (the target is at most 10 %).")
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
CLAIM_RUNS = ("claim-burst", "half-max", "burst-under-verify", "events-cost", "scaling", "sold-out-storm")
KINDS = ("fresh", "repeat", "replay", "sold-out")
def kind(x, name):
    """A claim step's answers of one kind (the runner's step of that name); a sold-out storm's answers are all sold-out."""
    s = x["s"]
    if s is None:
        return None
    if x["scenario"] == "sold-out-storm":
        return dict(okCount=s["okCount"], failCount=s["failCount"], rps=s["rps"], latencyMs=s["latencyMs"]) if name == "sold-out" else None
    return next((st for st in s.get("steps", []) if st["name"] == name), None)

def cell(st):
    if not st or st["okCount"] + st["failCount"] == 0:
        return "–"
    fail = f", {st['failCount']} failed" if st["failCount"] else ""
    return f"{st['okCount']} at {st['rps']:.0f}/s, {ms(st['latencyMs'].get('p50'))} / {ms(st['latencyMs'].get('p99'))} ms{fail}"

w("## Claims by kind of answer")
w("")
w("Every claim step split by what the claim met (the runner's steps): **fresh** a newcomer got a voucher, **repeat** a holder")
w("claimed again with a new request id (409 already-claimed), **replay** an earlier request id sent again (the first answer),")
w("**sold-out** a newcomer after the stock was gone. Each cell: answers, their rate, p50 / p99 ms. **RSS**: the target's resident")
w("memory (all its processes) before and after the step.")
w("")
w("| run | target | offered /s | fresh | repeat | replay | sold-out | RSS MB before → after |")
w("|---|---|---:|---|---|---|---|---|")
for x in steps:
    if x["scenario"] in CLAIM_RUNS:
        w(f"| {x['scenario']} | {x['target']} | {x['rate']} | " + " | ".join(cell(kind(x, k)) for k in KINDS) + f" | {x['rss'][0]} → {x['rss'][1]} |")
w("")
w("## Every step")
w("")
w("| scenario | target | offered /s | attempt | throughput /s | ok | fail | dropped | p50 | p95 | p99 | max | other work | RSS MB | sustained |")
w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
for x in steps:
    s = x["s"]
    if s is None:
        w(f"| {x['scenario']} | {x['target']} | {x['rate']} | {x['attempt']} | – | – | – | – | – | – | – | – | {x['others']} % | {x['rss'][0]} → {x['rss'][1]} | no (runner exit {x['code']}, no report) |")
        continue
    broken = [i["name"] for i in s.get("invariants", []) if not i.get("passed")]
    verdict = "yes" if x["ok"] else "no" + (f" (invariant broken: {', '.join(broken)})" if broken else "")
    w(f"| {x['scenario']} | {x['target']} | {x['rate']} | {x['attempt']} | {s['rps']:.0f} | {s['okCount']} | {s['failCount']} | {s['droppedCount']} |"
      f" {lat(x, 'p50')} | {lat(x, 'p95')} | {lat(x, 'p99')} | {lat(x, 'max')} | {x['others']} % | {x['rss'][0]} → {x['rss'][1]} | {verdict} |")
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
# Sections measured by other commands follow this marker in the page; they are not this run's, so they are kept as
# they are (each names its own command, machine and date).
KEPT = "<!-- Measured by other commands than scripts/bench.sh: kept as they are when it rewrites this page. -->"
kept = []
if os.path.exists(out):
    with open(out, encoding="utf-8") as f:
        previous = f.read()
    if KEPT in previous:
        kept = [previous[previous.index(KEPT):].rstrip("\n"), ""]
with open(out, "w") as f:
    f.write("\n".join(lines + kept))
