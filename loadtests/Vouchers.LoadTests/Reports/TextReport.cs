using System.Globalization;
using System.Text;

namespace Vouchers.LoadTests.Reports;

/// <summary>The plain-text report, also printed at the end of a run; laid out as NBomber's console statistics.</summary>
public static class TextReport
{
    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(Inv($"==== {r.TestName}: {(r.Passed ? "PASSED" : "FAILED")} (exit {r.ExitCode}) — {r.Scenarios.Count} scenario(s), {r.Duration.TotalSeconds:0.0} s in all ===="));
        sb.AppendLine(Inv($"target: {r.Target ?? "-"}   started: {r.StartedAt:yyyy-MM-dd HH:mm:ss}Z   machine: {Environment.ProcessorCount} cores"));
        foreach (var s in r.Scenarios)
        {
            sb.AppendLine();
            sb.AppendLine(Inv($"scenario: {s.Name}   duration: {s.DurationSeconds:0.0} s   intended rate: {Rate(s.IntendedRate)}   intended: {s.IntendedCount:N0}   dropped: {s.DroppedCount:N0} ({s.DroppedPercent:0.##}%)"));
            sb.AppendLine("  global information");
            sb.AppendLine(Inv($"    request count   all = {s.AllCount:N0} | ok = {s.Ok.Count:N0} | fail = {s.Fail.Count:N0} ({s.FailPercent:0.###}%) | RPS = {s.Ok.Rps:0.0}"));
            AppendMeasurement(sb, "ok", s.Ok);
            if (s.Fail.Count > 0)
            {
                AppendMeasurement(sb, "fail", s.Fail);
            }

            if (s.StatusCodes.Count > 0)
            {
                sb.AppendLine("  status codes");
                foreach (var c in s.StatusCodes)
                {
                    sb.AppendLine(Inv($"    {c.StatusCode,-14} {(c.IsError ? "fail" : "ok"),-5} {c.Count,10:N0}   {c.Message}"));
                }
            }

            if (s.Steps.Count > 0)
            {
                sb.AppendLine(Inv($"  steps {"name",-24} {"ok",9} {"fail",7} {"rps",8} {"p50",8} {"p75",8} {"p95",8} {"p99",8} {"max",8}  (ms)"));
                foreach (var st in s.Steps)
                {
                    var l = st.Ok.Latency;
                    sb.AppendLine(Inv($"        {st.Name,-24} {st.Ok.Count,9:N0} {st.Fail.Count,7:N0} {st.Ok.Rps,8:0.0} {l.P50Ms,8:0.00} {l.P75Ms,8:0.00} {l.P95Ms,8:0.00} {l.P99Ms,8:0.00} {l.MaxMs,8:0.00}"));
                    foreach (var c in st.StatusCodes.Where(c => c.IsError))
                    {
                        sb.AppendLine(Inv($"          fail {c.StatusCode}: {c.Count:N0}  {c.Message}"));
                    }
                }
            }

            foreach (var i in s.Invariants)
            {
                sb.AppendLine(Inv($"  invariant {(i.Passed ? "ok    " : "BROKEN")} {i.Name}: {i.Detail}"));
            }

            foreach (var t in s.Thresholds)
            {
                sb.AppendLine(Inv($"  threshold {(t.Passed ? "ok    " : "BROKEN")} {t.Threshold} (actual {t.Actual:0.###})"));
            }
        }

        if (r.StopReason is not null)
        {
            sb.AppendLine();
            sb.AppendLine($"stopped early: {r.StopReason}");
        }

        foreach (var e in r.Errors)
        {
            sb.AppendLine($"error: {e}");
        }

        foreach (var f in r.ReportFiles)
        {
            sb.AppendLine($"report: {f}");
        }

        return sb.ToString();
    }

    internal static string Rate(double? rate) => rate is { } r ? Inv($"{r:0.0}/s") : "closed model";

    internal static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static string Bytes(double bytes) => bytes switch
    {
        < 1024 => Inv($"{bytes:0} B"),
        < 1024 * 1024 => Inv($"{bytes / 1024:0.0} KB"),
        _ => Inv($"{bytes / 1024 / 1024:0.00} MB"),
    };

    private static void AppendMeasurement(StringBuilder sb, string half, MeasurementStats m)
    {
        var l = m.Latency;
        var sv = m.ServiceTime;
        sb.AppendLine(Inv($"    {half} latency (ms, from intended start)   min = {l.MinMs:0.00} | mean = {l.MeanMs:0.00} | max = {l.MaxMs:0.00} | StdDev = {l.StdDevMs:0.00}"));
        sb.AppendLine(Inv($"    {half} latency percentile (ms)          p50 = {l.P50Ms:0.00} | p75 = {l.P75Ms:0.00} | p95 = {l.P95Ms:0.00} | p99 = {l.P99Ms:0.00}"));
        sb.AppendLine(Inv($"    {half} service time (ms, from actual start) p50 = {sv.P50Ms:0.00} | p75 = {sv.P75Ms:0.00} | p95 = {sv.P95Ms:0.00} | p99 = {sv.P99Ms:0.00} | max = {sv.MaxMs:0.00}"));
        var d = m.DataTransfer;
        sb.AppendLine($"    {half} data transfer                    min = {Bytes(d.MinBytes)} | mean = {Bytes(d.MeanBytes)} | max = {Bytes(d.MaxBytes)} | all = {Bytes(d.AllBytes)}");
    }
}

/// <summary>The same figures as Markdown tables.</summary>
public static class MarkdownReport
{
    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(TextReport.Inv($"# Load test {r.TestName}: {(r.Passed ? "passed" : "FAILED")}"));
        sb.AppendLine();
        sb.AppendLine(TextReport.Inv($"Target `{r.Target ?? "-"}`, started {r.StartedAt:yyyy-MM-dd HH:mm:ss}Z, {r.Duration.TotalSeconds:0.0} s in all, {Environment.ProcessorCount} cores."));
        sb.AppendLine("Latency is measured from each iteration's intended start (open model, no coordinated omission); service time from its actual start.");
        sb.AppendLine();
        sb.AppendLine("| scenario | duration | intended rate | ok | fail | fail % | dropped | RPS | p50 ms | p75 ms | p95 ms | p99 ms | max ms | mean ms | stddev ms | service p99 ms |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in r.Scenarios)
        {
            var l = s.Ok.Latency;
            sb.AppendLine(TextReport.Inv($"| {s.Name} | {s.DurationSeconds:0.0} s | {TextReport.Rate(s.IntendedRate)} | {s.Ok.Count:N0} | {s.Fail.Count:N0} | {s.FailPercent:0.###} | {s.DroppedCount:N0} | {s.Ok.Rps:0.0} | {l.P50Ms:0.00} | {l.P75Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.MaxMs:0.00} | {l.MeanMs:0.00} | {l.StdDevMs:0.00} | {s.Ok.ServiceTime.P99Ms:0.00} |"));
        }

        foreach (var s in r.Scenarios)
        {
            sb.AppendLine();
            sb.AppendLine($"## {s.Name}");
            sb.AppendLine();
            sb.AppendLine(TextReport.Inv($"Data transfer: {TextReport.Bytes(s.Ok.DataTransfer.AllBytes + s.Fail.DataTransfer.AllBytes)} in all, {TextReport.Bytes(s.Ok.DataTransfer.MeanBytes)} per ok response."));
            if (s.Steps.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("| step | ok | fail | RPS | p50 ms | p75 ms | p95 ms | p99 ms | max ms |");
                sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var st in s.Steps)
                {
                    var l = st.Ok.Latency;
                    sb.AppendLine(TextReport.Inv($"| {st.Name} | {st.Ok.Count:N0} | {st.Fail.Count:N0} | {st.Ok.Rps:0.0} | {l.P50Ms:0.00} | {l.P75Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.MaxMs:0.00} |"));
                }
            }

            if (s.StatusCodes.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("| status code | result | count | message |");
                sb.AppendLine("|---|---|---:|---|");
                foreach (var c in s.StatusCodes)
                {
                    sb.AppendLine(TextReport.Inv($"| {c.StatusCode} | {(c.IsError ? "fail" : "ok")} | {c.Count:N0} | {Escape(c.Message)} |"));
                }
            }

            if (s.Invariants.Count + s.Thresholds.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine("| check | result | detail |");
                sb.AppendLine("|---|---|---|");
                foreach (var i in s.Invariants)
                {
                    sb.AppendLine($"| invariant: {Escape(i.Name)} | {(i.Passed ? "ok" : "**BROKEN**")} | {Escape(i.Detail)} |");
                }

                foreach (var t in s.Thresholds)
                {
                    sb.AppendLine(TextReport.Inv($"| threshold: {Escape(t.Threshold)} | {(t.Passed ? "ok" : "**BROKEN**")} | actual {t.Actual:0.###} |"));
                }
            }
        }

        if (r.Errors.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Errors");
            sb.AppendLine();
            foreach (var e in r.Errors)
            {
                sb.AppendLine($"- {Escape(e)}");
            }
        }

        return sb.ToString();
    }

    private static string Escape(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
