using System.Globalization;
using System.Net;
using System.Text;

namespace Vouchers.LoadTests.Reports;

/// <summary>A self-contained HTML report: tables and inline SVG charts, no script and no external resource, readable offline.</summary>
public static class HtmlReport
{
    private const int Width = 900;
    private const int Height = 260;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 20;
    private const int Bottom = 40;

    public static string Render(RunResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>");
        sb.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine($"<title>Load test {E(r.TestName)}</title>");
        sb.AppendLine("""
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1200px}
            table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right;white-space:nowrap}td.text{text-align:left;white-space:normal}
            th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
            .ok{color:#15803d}.bad{color:#b91c1c;font-weight:bold}svg{background:#fff;border:1px solid #ddd}
            .legend span{display:inline-block;margin-right:16px}.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
            </style></head><body>
            """);
        sb.AppendLine(Inv($"<h1>Load test {E(r.TestName)}: <span class=\"{(r.Passed ? "ok" : "bad")}\">{(r.Passed ? "passed" : "FAILED")}</span></h1>"));
        sb.AppendLine(Inv($"<p>Target <code>{E(r.Target ?? "-")}</code>, started {r.StartedAt:yyyy-MM-dd HH:mm:ss}Z, {r.Duration.TotalSeconds:0.0} s in all, {Environment.ProcessorCount} cores. "));
        sb.AppendLine("Latency is measured from each iteration's <em>intended</em> start (open model, no coordinated omission); service time from its actual start.</p>");

        sb.AppendLine("<table><tr><th>scenario</th><th>intended rate</th><th>ok</th><th>fail</th><th>fail %</th><th>dropped</th><th>RPS</th><th>p50 ms</th><th>p75 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>mean ms</th><th>stddev ms</th><th>service p99 ms</th></tr>");
        foreach (var s in r.Scenarios)
        {
            var l = s.Ok.Latency;
            sb.AppendLine(Inv($"<tr><td>{E(s.Name)}</td><td>{TextReport.Rate(s.IntendedRate)}</td><td>{s.Ok.Count:N0}</td><td>{s.Fail.Count:N0}</td><td>{s.FailPercent:0.###}</td><td>{s.DroppedCount:N0}</td><td>{s.Ok.Rps:0.0}</td><td>{l.P50Ms:0.00}</td><td>{l.P75Ms:0.00}</td><td>{l.P95Ms:0.00}</td><td>{l.P99Ms:0.00}</td><td>{l.MaxMs:0.00}</td><td>{l.MeanMs:0.00}</td><td>{l.StdDevMs:0.00}</td><td>{s.Ok.ServiceTime.P99Ms:0.00}</td></tr>"));
        }

        sb.AppendLine("</table>");
        foreach (var s in r.Scenarios)
        {
            AppendScenario(sb, s);
        }

        if (r.Errors.Count > 0)
        {
            sb.AppendLine("<h2>Errors</h2><ul>");
            foreach (var e in r.Errors)
            {
                sb.AppendLine($"<li class=\"bad\">{E(e)}</li>");
            }

            sb.AppendLine("</ul>");
        }

        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void AppendScenario(StringBuilder sb, ScenarioStats s)
    {
        sb.AppendLine(Inv($"<h2>{E(s.Name)}</h2><p>{s.DurationSeconds:0.0} s, intended {s.IntendedCount:N0} ({TextReport.Rate(s.IntendedRate)}), dropped {s.DroppedCount:N0}; data transfer {TextReport.Bytes(s.Ok.DataTransfer.AllBytes + s.Fail.DataTransfer.AllBytes)}.</p>"));
        sb.AppendLine("<h3>Latency over time (ok responses, per second of completion)</h3>");
        sb.AppendLine(LineChart(s.Timeline,
            [("p50", "#2563eb", p => p.P50Ms, false), ("p99", "#dc2626", p => p.P99Ms, false), ("max", "#9ca3af", p => p.MaxMs, true)], "ms"));
        sb.AppendLine("<h3>Throughput (per second)</h3>");
        sb.AppendLine(BarChart(s.Timeline));

        if (s.Steps.Count > 0)
        {
            sb.AppendLine("<h3>Steps</h3><table><tr><th>step</th><th>ok</th><th>fail</th><th>RPS</th><th>p50 ms</th><th>p75 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>");
            foreach (var st in s.Steps)
            {
                var l = st.Ok.Latency;
                sb.AppendLine(Inv($"<tr><td>{E(st.Name)}</td><td>{st.Ok.Count:N0}</td><td>{st.Fail.Count:N0}</td><td>{st.Ok.Rps:0.0}</td><td>{l.P50Ms:0.00}</td><td>{l.P75Ms:0.00}</td><td>{l.P95Ms:0.00}</td><td>{l.P99Ms:0.00}</td><td>{l.MaxMs:0.00}</td></tr>"));
            }

            sb.AppendLine("</table>");
        }

        if (s.StatusCodes.Count > 0)
        {
            sb.AppendLine("<h3>Status codes</h3><table><tr><th>status code</th><th>result</th><th>count</th><th>message</th></tr>");
            foreach (var c in s.StatusCodes)
            {
                sb.AppendLine(Inv($"<tr><td>{E(c.StatusCode)}</td><td class=\"{(c.IsError ? "bad" : "ok")}\">{(c.IsError ? "fail" : "ok")}</td><td>{c.Count:N0}</td><td class=\"text\">{E(c.Message ?? "")}</td></tr>"));
            }

            sb.AppendLine("</table>");
        }

        if (s.Invariants.Count + s.Thresholds.Count > 0)
        {
            sb.AppendLine("<h3>Checks</h3><table><tr><th>check</th><th>result</th><th>detail</th></tr>");
            foreach (var i in s.Invariants)
            {
                sb.AppendLine($"<tr><td>invariant: {E(i.Name)}</td><td class=\"{(i.Passed ? "ok" : "bad")}\">{(i.Passed ? "ok" : "BROKEN")}</td><td class=\"text\">{E(i.Detail)}</td></tr>");
            }

            foreach (var t in s.Thresholds)
            {
                sb.AppendLine(Inv($"<tr><td>threshold: {E(t.Threshold)}</td><td class=\"{(t.Passed ? "ok" : "bad")}\">{(t.Passed ? "ok" : "BROKEN")}</td><td class=\"text\">actual {t.Actual:0.###}</td></tr>"));
            }

            sb.AppendLine("</table>");
        }
    }

    private static string LineChart(IReadOnlyList<TimePoint> points, (string Name, string Color, Func<TimePoint, double> Value, bool Dashed)[] series, string unit)
    {
        if (points.Count == 0)
        {
            return "<p>(no data)</p>";
        }

        // Scale to the p99 line so one outlier max does not flatten the rest; taller max points are clipped at the top.
        var top = NiceCeiling(Math.Max(points.Max(p => series[1].Value(p)) * 1.2, 0.001));
        var sb = Frame(points.Count, top, unit, out var x, out var y);
        foreach (var (name, color, value, dashed) in series)
        {
            var coordinates = string.Join(' ', points.Where(p => p.OkCount > 0).Select(p => Inv($"{x(p.Second + 0.5):0.#},{y(Math.Min(value(p), top)):0.#}")));
            sb.AppendLine(Inv($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{(dashed ? 1 : 2)}\"{(dashed ? " stroke-dasharray=\"4 3\"" : "")} points=\"{coordinates}\"><title>{name}</title></polyline>"));
        }

        sb.AppendLine("</svg>");
        sb.AppendLine("<div class=\"legend\">" + string.Concat(series.Select(s => $"<span><i class=\"sw\" style=\"background:{s.Color}\"></i>{s.Name}</span>")) + "</div>");
        return sb.ToString();
    }

    private static string BarChart(IReadOnlyList<TimePoint> points)
    {
        if (points.Count == 0)
        {
            return "<p>(no data)</p>";
        }

        var top = NiceCeiling(Math.Max(points.Max(p => p.OkCount + p.FailCount + p.DroppedCount) * 1.1, 1));
        var sb = Frame(points.Count, top, "/s", out var x, out var y);
        var w = Math.Max(1, x(1) - x(0) - 1);
        foreach (var p in points)
        {
            var baseline = 0.0;
            foreach (var (count, color, name) in new[] { (p.OkCount, "#16a34a", "ok"), (p.FailCount, "#dc2626", "fail"), (p.DroppedCount, "#6b7280", "dropped") })
            {
                if (count == 0)
                {
                    continue;
                }

                sb.AppendLine(Inv($"<rect x=\"{x(p.Second):0.#}\" y=\"{y(baseline + count):0.#}\" width=\"{w:0.#}\" height=\"{y(baseline) - y(baseline + count):0.#}\" fill=\"{color}\"><title>{p.Second}s {name} {count}</title></rect>"));
                baseline += count;
            }
        }

        sb.AppendLine("</svg>");
        sb.AppendLine("<div class=\"legend\"><span><i class=\"sw\" style=\"background:#16a34a\"></i>ok</span><span><i class=\"sw\" style=\"background:#dc2626\"></i>fail</span><span><i class=\"sw\" style=\"background:#6b7280\"></i>dropped</span></div>");
        return sb.ToString();
    }

    /// <summary>The SVG element with axes, grid and tick labels; the caller adds the data and closes it.</summary>
    private static StringBuilder Frame(int seconds, double top, string unit, out Func<double, double> x, out Func<double, double> y)
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        x = s => Left + (s / Math.Max(seconds, 1) * plotWidth);
        y = v => Top + plotHeight - (v / top * plotHeight);
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-size=\"11\" font-family=\"sans-serif\">"));
        for (var i = 0; i <= 5; i++)
        {
            var v = top * i / 5;
            sb.AppendLine(Inv($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y(v):0.#}\" y2=\"{y(v):0.#}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.###}</text>"));
        }

        var step = Math.Max(1, (int)NiceCeiling(seconds / 10.0));
        for (var s = 0; s <= seconds; s += step)
        {
            sb.AppendLine(Inv($"<text x=\"{x(s):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{s}s</text>"));
        }

        sb.AppendLine(Inv($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#999\"/><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#999\"/>"));
        sb.AppendLine(Inv($"<text x=\"12\" y=\"{Top + (plotHeight / 2)}\" transform=\"rotate(-90 12 {Top + (plotHeight / 2)})\" text-anchor=\"middle\">{unit}</text>"));
        return sb;
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var f in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (f * magnitude >= value)
            {
                return f * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
