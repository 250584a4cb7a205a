using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vouchers.LoadTests.Reports;

/// <summary>Writes a run's reports into a folder: txt, md, html, csv and the machine-readable json summary.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(RunResult result, string folder, string name, IEnumerable<ReportFormat> formats)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var format in formats.Distinct())
        {
            var path = Path.Combine(folder, $"{name}.{format.ToString().ToLowerInvariant()}");
            var text = format switch
            {
                ReportFormat.Txt => TextReport.Render(result),
                ReportFormat.Md => MarkdownReport.Render(result),
                ReportFormat.Html => HtmlReport.Render(result),
                ReportFormat.Csv => Csv(result),
                _ => JsonSummary(result),
            };
            File.WriteAllText(path, text, new UTF8Encoding(false));
            files.Add(path);
        }

        return files;
    }

    /// <summary>The summary scripts read (scripts/bench.sh): one object per scenario, latencies in ms.</summary>
    public static string JsonSummary(RunResult result)
    {
        var summary = new
        {
            testName = result.TestName,
            target = result.Target,
            startedAt = result.StartedAt,
            durationSeconds = R(result.Duration.TotalSeconds),
            passed = result.Passed,
            exitCode = result.ExitCode,
            errors = result.Errors,
            stopReason = result.StopReason,
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
            scenarios = result.Scenarios.Select(s => new
            {
                name = s.Name,
                durationSeconds = R(s.DurationSeconds),
                intendedRate = s.IntendedRate is { } rate ? R(rate) : (double?)null,
                intendedCount = s.IntendedCount,
                okCount = s.Ok.Count,
                failCount = s.Fail.Count,
                droppedCount = s.DroppedCount,
                failPercent = R(s.FailPercent),
                droppedPercent = R(s.DroppedPercent),
                rps = R(s.Ok.Rps),
                latencyMs = Latency(s.Ok.Latency),
                serviceTimeMs = Latency(s.Ok.ServiceTime),
                failLatencyMs = Latency(s.Fail.Latency),
                bytes = new { all = s.Ok.DataTransfer.AllBytes + s.Fail.DataTransfer.AllBytes, min = s.Ok.DataTransfer.MinBytes, mean = R(s.Ok.DataTransfer.MeanBytes), max = s.Ok.DataTransfer.MaxBytes },
                statusCodes = s.StatusCodes.Select(c => new { statusCode = c.StatusCode, isError = c.IsError, count = c.Count, message = c.Message }),
                steps = s.Steps.Select(st => new
                {
                    name = st.Name,
                    okCount = st.Ok.Count,
                    failCount = st.Fail.Count,
                    rps = R(st.Ok.Rps),
                    latencyMs = Latency(st.Ok.Latency),
                    statusCodes = st.StatusCodes.Select(c => new { statusCode = c.StatusCode, isError = c.IsError, count = c.Count }),
                }),
                timeline = s.Timeline.Select(t => new { second = t.Second, ok = t.OkCount, fail = t.FailCount, dropped = t.DroppedCount, p50 = R(t.P50Ms), p99 = R(t.P99Ms), max = R(t.MaxMs) }),
                invariants = s.Invariants.Select(i => new { name = i.Name, passed = i.Passed, detail = i.Detail }),
                thresholds = s.Thresholds.Select(t => new { threshold = t.Threshold, actual = R(t.Actual), passed = t.Passed }),
                passed = s.Passed,
            }),
        };
        return JsonSerializer.Serialize(summary, Json) + "\n";
    }

    /// <summary>One row per scenario or step and per ok/fail half, columns as NBomber's CSV report.</summary>
    public static string Csv(RunResult result)
    {
        var sb = new StringBuilder();
        sb.AppendLine("test_name,scenario,step,result,count,rps,min_ms,mean_ms,max_ms,stddev_ms,p50_ms,p75_ms,p95_ms,p99_ms,"
            + "service_p50_ms,service_p99_ms,data_min_bytes,data_mean_bytes,data_max_bytes,data_all_bytes,intended,dropped,duration_s");
        foreach (var s in result.Scenarios)
        {
            var rows = new List<(string Step, string Result, MeasurementStats M)> { ("global information", "ok", s.Ok), ("global information", "fail", s.Fail) };
            rows.AddRange(s.Steps.SelectMany(st => new[] { (st.Name, "ok", st.Ok), (st.Name, "fail", st.Fail) }));
            foreach (var (step, half, m) in rows)
            {
                var l = m.Latency;
                sb.AppendLine(string.Join(',',
                    Field(result.TestName), Field(s.Name), Field(step), half, N(m.Count), F(m.Rps),
                    F(l.MinMs), F(l.MeanMs), F(l.MaxMs), F(l.StdDevMs), F(l.P50Ms), F(l.P75Ms), F(l.P95Ms), F(l.P99Ms),
                    F(m.ServiceTime.P50Ms), F(m.ServiceTime.P99Ms),
                    N(m.DataTransfer.MinBytes), F(m.DataTransfer.MeanBytes), N(m.DataTransfer.MaxBytes), N(m.DataTransfer.AllBytes),
                    N(s.IntendedCount), N(s.DroppedCount), F(s.DurationSeconds)));
            }
        }

        return sb.ToString();
    }

    private static object Latency(LatencyStats l) => new
    {
        min = R(l.MinMs),
        mean = R(l.MeanMs),
        max = R(l.MaxMs),
        stdDev = R(l.StdDevMs),
        p50 = R(l.P50Ms),
        p75 = R(l.P75Ms),
        p95 = R(l.P95Ms),
        p99 = R(l.P99Ms),
    };

    private static double R(double value) => Math.Round(value, 3);

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
