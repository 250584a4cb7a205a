using System.Diagnostics;
using System.Globalization;

namespace Vouchers.LoadTests;

/// <summary>Prints one line per scenario every few seconds while the load runs: totals so far, rate and latency of the last interval.</summary>
internal sealed class ConsoleProgress : IDisposable
{
    private readonly TextWriter output;
    private readonly IReadOnlyList<ScenarioRuntime> runtimes;
    private readonly long origin;
    private readonly Timer? timer;
    private int lastSecond;

    public ConsoleProgress(TextWriter output, IReadOnlyList<ScenarioRuntime> runtimes, long origin, TimeSpan interval)
    {
        this.output = output;
        this.runtimes = runtimes;
        this.origin = origin;
        if (interval > TimeSpan.Zero)
        {
            timer = new Timer(_ => Print(), null, interval, interval);
        }
    }

    public void Dispose() => timer?.Dispose();

    private void Print()
    {
        var now = (int)((Stopwatch.GetTimestamp() - origin) / Stopwatch.Frequency);
        var from = Interlocked.Exchange(ref lastSecond, now);
        if (now <= from)
        {
            return;
        }

        lock (output)
        {
            foreach (var runtime in runtimes.Where(r => r.Props.Run is not null))
            {
                var phase = runtime.Current;
                var (ok, fail, latency) = phase.Scenario.Window(from, now);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{now,4}s] {runtime.Props.Name,-18} ok {phase.Scenario.OkCount,9:N0}  fail {phase.Scenario.FailCount,7:N0}  dropped {phase.Dropped,7:N0}"
                    + $"  | last {now - from}s: {(ok + fail) / (double)(now - from),8:0.0} rps  p50 {latency.PercentileMs(50),7:0.00} ms  p99 {latency.PercentileMs(99),8:0.00} ms"));
            }
        }
    }
}
