using System.Diagnostics;
using HdrHistogram;

namespace Vouchers.LoadTests;

/// <summary>Latency figures in milliseconds.</summary>
public sealed record LatencyStats(
    double MinMs, double MeanMs, double MaxMs, double StdDevMs, double P50Ms, double P75Ms, double P95Ms, double P99Ms)
{
    public static LatencyStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);
}

public sealed record DataTransferStats(long MinBytes, double MeanBytes, long MaxBytes, long AllBytes)
{
    public static DataTransferStats Empty { get; } = new(0, 0, 0, 0);
}

/// <summary>The ok or the failed responses of a scenario or step. Latency counts from the intended start.</summary>
public sealed record MeasurementStats(long Count, double Rps, LatencyStats Latency, LatencyStats ServiceTime, DataTransferStats DataTransfer);

public sealed record StatusCodeStats(string StatusCode, bool IsError, long Count, string? Message);

public sealed record StepStats(string Name, MeasurementStats Ok, MeasurementStats Fail, IReadOnlyList<StatusCodeStats> StatusCodes)
{
    public long AllCount => Ok.Count + Fail.Count;
}

/// <summary>One second of a run: completions and the latency of the ok ones that completed in it.</summary>
public sealed record TimePoint(int Second, long OkCount, long FailCount, long DroppedCount, double P50Ms, double P99Ms, double MaxMs);

public sealed record InvariantResult(string Name, bool Passed, string Detail);

public sealed record ThresholdResult(string Scenario, string Threshold, double Actual, bool Passed);

/// <summary>Everything measured for one scenario in the bombing phase (warm-up excluded).</summary>
public sealed record ScenarioStats(
    string Name,
    double DurationSeconds,
    double? IntendedRate,
    long IntendedCount,
    long DroppedCount,
    MeasurementStats Ok,
    MeasurementStats Fail,
    IReadOnlyList<StatusCodeStats> StatusCodes,
    IReadOnlyList<StepStats> Steps,
    IReadOnlyList<TimePoint> Timeline,
    IReadOnlyList<InvariantResult> Invariants)
{
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    public long AllCount => Ok.Count + Fail.Count;

    public double FailPercent => AllCount == 0 ? 0 : 100.0 * Fail.Count / AllCount;

    public double DroppedPercent => IntendedCount == 0 ? 0 : 100.0 * DroppedCount / IntendedCount;

    public bool Passed => Invariants.All(i => i.Passed) && Thresholds.All(t => t.Passed);
}

/// <summary>
/// An HdrHistogram of latencies in microseconds (1 µs to 1 hour, 3 significant digits: percentiles within 0.1%),
/// with exact count, min, max, mean and standard deviation kept beside it. Not thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const long Highest = 3_600_000_000;
    private readonly LongHistogram histogram;
    private long min = long.MaxValue;
    private long max;
    private double sum;
    private double sumOfSquares;

    public LatencyHistogram(int significantDigits = 3) => histogram = new LongHistogram(1, Highest, significantDigits);

    public long Count { get; private set; }

    public void Record(TimeSpan latency) => RecordMicroseconds((long)Math.Round(latency.TotalMicroseconds));

    public void RecordTicks(long stopwatchTicks) => RecordMicroseconds(TicksToMicroseconds(stopwatchTicks));

    public void RecordMicroseconds(long microseconds)
    {
        var value = Math.Clamp(microseconds, 1, Highest);
        histogram.RecordValue(value);
        Count++;
        min = Math.Min(min, value);
        max = Math.Max(max, value);
        sum += value;
        sumOfSquares += (double)value * value;
    }

    public void Add(LatencyHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }

        histogram.Add(other.histogram);
        Count += other.Count;
        min = Math.Min(min, other.min);
        max = Math.Max(max, other.max);
        sum += other.sum;
        sumOfSquares += other.sumOfSquares;
    }

    /// <summary>The latency at a percentile (0–100) in milliseconds; 0 when nothing was recorded.</summary>
    public double PercentileMs(double percentile) => Count == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    public LatencyStats ToStats()
    {
        if (Count == 0)
        {
            return LatencyStats.Empty;
        }

        var mean = sum / Count;
        var variance = Math.Max(0, (sumOfSquares / Count) - (mean * mean));
        return new LatencyStats(
            min / 1000.0, mean / 1000.0, max / 1000.0, Math.Sqrt(variance) / 1000.0,
            PercentileMs(50), PercentileMs(75), PercentileMs(95), PercentileMs(99));
    }

    internal static long TicksToMicroseconds(long ticks) => (long)(ticks * 1_000_000.0 / Stopwatch.Frequency);
}

/// <summary>The ok or the failed half of a collector.</summary>
internal sealed class Measurements
{
    public LatencyHistogram Latency { get; } = new();
    public LatencyHistogram Service { get; } = new();
    public long Bytes { get; private set; }
    public long MinBytes { get; private set; } = long.MaxValue;
    public long MaxBytes { get; private set; }

    public void Record(long latencyTicks, long serviceTicks, long sizeBytes)
    {
        Latency.RecordTicks(latencyTicks);
        Service.RecordTicks(serviceTicks);
        Bytes += sizeBytes;
        MinBytes = Math.Min(MinBytes, sizeBytes);
        MaxBytes = Math.Max(MaxBytes, sizeBytes);
    }

    public MeasurementStats ToStats(double durationSeconds)
    {
        var count = Latency.Count;
        var transfer = count == 0 ? DataTransferStats.Empty : new DataTransferStats(MinBytes, (double)Bytes / count, MaxBytes, Bytes);
        return new MeasurementStats(count, durationSeconds > 0 ? count / durationSeconds : 0, Latency.ToStats(), Service.ToStats(), transfer);
    }
}

/// <summary>Collects the responses of one scenario or step; thread-safe (one lock, held for microseconds).</summary>
internal sealed class StatsCollector(long originTimestamp)
{
    private readonly Lock gate = new();
    private readonly Measurements ok = new();
    private readonly Measurements fail = new();
    private readonly Dictionary<(string Code, bool IsError), (long Count, string? Message)> codes = [];
    private readonly List<Bucket> timeline = [];

    public long OkCount { get { lock (gate) { return ok.Latency.Count; } } }

    public long FailCount { get { lock (gate) { return fail.Latency.Count; } } }

    public void Record(IResponse response, long latencyTicks, long serviceTicks, long endTimestamp)
    {
        lock (gate)
        {
            (response.IsError ? fail : ok).Record(latencyTicks, serviceTicks, response.SizeBytes);
            if (response.StatusCode is { } code)
            {
                var key = (code, response.IsError);
                codes[key] = codes.TryGetValue(key, out var entry)
                    ? (entry.Count + 1, entry.Message ?? response.Message)
                    : (1, response.Message);
            }

            var bucket = BucketAt(endTimestamp);
            if (response.IsError)
            {
                bucket.Fail++;
            }
            else
            {
                bucket.Ok++;
                bucket.Latency.RecordTicks(latencyTicks);
            }
        }
    }

    public void RecordDropped(long timestamp)
    {
        lock (gate)
        {
            BucketAt(timestamp).Dropped++;
        }
    }

    /// <summary>Completions and the ok latencies of the seconds in [from, to).</summary>
    public (long Ok, long Fail, LatencyHistogram Latency) Window(int fromSecond, int toSecond)
    {
        var latency = new LatencyHistogram(2);
        long okCount = 0, failCount = 0;
        lock (gate)
        {
            for (var s = Math.Max(0, fromSecond); s < Math.Min(toSecond, timeline.Count); s++)
            {
                okCount += timeline[s].Ok;
                failCount += timeline[s].Fail;
                latency.Add(timeline[s].Latency);
            }
        }

        return (okCount, failCount, latency);
    }

    public (MeasurementStats Ok, MeasurementStats Fail, IReadOnlyList<StatusCodeStats> Codes, IReadOnlyList<TimePoint> Timeline) Snapshot(double durationSeconds)
    {
        lock (gate)
        {
            var statusCodes = codes
                .Select(c => new StatusCodeStats(c.Key.Code, c.Key.IsError, c.Value.Count, c.Value.Message))
                .OrderBy(c => c.IsError).ThenByDescending(c => c.Count)
                .ToList();
            var points = timeline
                .Select((b, i) => new TimePoint(i, b.Ok, b.Fail, b.Dropped, b.Latency.PercentileMs(50), b.Latency.PercentileMs(99), b.Latency.ToStats().MaxMs))
                .ToList();
            return (ok.ToStats(durationSeconds), fail.ToStats(durationSeconds), statusCodes, points);
        }
    }

    private Bucket BucketAt(long timestamp)
    {
        var second = (int)Math.Max(0, (timestamp - originTimestamp) / Stopwatch.Frequency);
        while (timeline.Count <= second)
        {
            timeline.Add(new Bucket());
        }

        return timeline[second];
    }

    private sealed class Bucket
    {
        public long Ok;
        public long Fail;
        public long Dropped;
        public LatencyHistogram Latency { get; } = new(2);
    }
}
