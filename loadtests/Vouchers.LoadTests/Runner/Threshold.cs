using System.Globalization;
using System.Text.RegularExpressions;

namespace Vouchers.LoadTests;

/// <summary>
/// A pass/fail rule on a scenario's statistics; a broken one fails the run (exit code 1).
/// Text form: <c>[scenario:]metric op value[unit]</c>, e.g. <c>p99 &lt; 20ms</c>, <c>fail% &lt; 0.1</c>,
/// <c>claim-burst: rps &gt; 1000</c>. Latency metrics are over ok responses, measured from the intended start.
/// </summary>
public sealed partial class Threshold
{
    private static readonly string[] LatencyMetrics = ["min", "mean", "max", "stddev", "p50", "p75", "p95", "p99"];

    private readonly Func<ScenarioStats, double> metric;
    private readonly Func<double, bool> check;

    private Threshold(string? scenario, string text, Func<ScenarioStats, double> metric, Func<double, bool> check)
    {
        Scenario = scenario;
        Text = text;
        this.metric = metric;
        this.check = check;
    }

    /// <summary>The scenario it applies to; null for every scenario of the run.</summary>
    public string? Scenario { get; }

    public string Text { get; }

    /// <summary>The metric names <see cref="Parse"/> knows.</summary>
    public static string Help =>
        "metrics: p50 p75 p95 p99 min mean max stddev (ok latency from the intended start; units ms, s, us),"
        + " service.p99 etc. (from the actual start), fail% fail ok rps dropped dropped%; operators < <= > >= == !=";

    /// <summary>NBomber-style: a named predicate over the scenario's statistics.</summary>
    public static Threshold Create(string scenario, string description, Func<ScenarioStats, bool> predicate) =>
        new(scenario, description, s => predicate(s) ? 1 : 0, v => v == 1);

    /// <exception cref="FormatException">The text is not a threshold; the message says why.</exception>
    public static Threshold Parse(string text)
    {
        var m = Pattern().Match(text);
        if (!m.Success)
        {
            throw new FormatException($"'{text}' is not a threshold; write e.g. \"p99<20ms\" or \"claim-burst:fail%<0.1\" ({Help}).");
        }

        var scenario = m.Groups["scenario"].Success ? m.Groups["scenario"].Value : null;
        var name = m.Groups["metric"].Value.ToLowerInvariant();
        var op = m.Groups["op"].Value;
        var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Success ? m.Groups["unit"].Value : "";

        var service = name.StartsWith("service.", StringComparison.Ordinal);
        var latencyName = service ? name["service.".Length..] : name;
        Func<ScenarioStats, double> metric;
        if (LatencyMetrics.Contains(latencyName))
        {
            value *= unit switch
            {
                "" or "ms" => 1,
                "s" => 1000,
                "us" or "µs" => 0.001,
                _ => throw new FormatException($"'{text}': a latency takes ms, s or us, not '{unit}'."),
            };
            metric = s => Latency(service ? s.Ok.ServiceTime : s.Ok.Latency, latencyName);
            unit = "ms";
        }
        else
        {
            if (unit is not ("" or "%") || (unit == "%" && !name.EndsWith('%')))
            {
                throw new FormatException($"'{text}': '{name}' takes no unit '{unit}'.");
            }

            metric = name switch
            {
                "fail%" or "error%" => s => s.FailPercent,
                "fail" or "errors" => s => s.Fail.Count,
                "ok" => s => s.Ok.Count,
                "rps" => s => s.Ok.Rps,
                "dropped" => s => s.DroppedCount,
                "dropped%" => s => s.DroppedPercent,
                _ => throw new FormatException($"'{text}': unknown metric '{name}' ({Help})."),
            };
            unit = "";
        }

        Func<double, bool> check = op switch
        {
            "<" => v => v < value,
            "<=" => v => v <= value,
            ">" => v => v > value,
            ">=" => v => v >= value,
            "==" => v => Math.Abs(v - value) < 1e-9,
            _ => v => Math.Abs(v - value) >= 1e-9,
        };
        var normalized = string.Create(CultureInfo.InvariantCulture, $"{name} {op} {value:0.###}{unit}");
        return new Threshold(scenario, normalized, metric, check);
    }

    public bool AppliesTo(string scenario) => Scenario is null || Scenario == scenario;

    public ThresholdResult Evaluate(ScenarioStats stats)
    {
        var actual = metric(stats);
        return new ThresholdResult(stats.Name, Text, actual, check(actual));
    }

    public override string ToString() => Scenario is null ? Text : $"{Scenario}: {Text}";

    private static double Latency(LatencyStats l, string name) => name switch
    {
        "min" => l.MinMs,
        "mean" => l.MeanMs,
        "max" => l.MaxMs,
        "stddev" => l.StdDevMs,
        "p50" => l.P50Ms,
        "p75" => l.P75Ms,
        "p95" => l.P95Ms,
        _ => l.P99Ms,
    };

    [GeneratedRegex(@"^\s*(?:(?<scenario>[A-Za-z0-9_.\-]+)\s*:\s*)?(?<metric>[A-Za-z][A-Za-z0-9_.]*%?)\s*(?<op><=|>=|==|!=|<|>)\s*(?<value>[0-9]+(?:\.[0-9]+)?)\s*(?<unit>ms|s|us|µs|%)?\s*$")]
    private static partial Regex Pattern();
}
