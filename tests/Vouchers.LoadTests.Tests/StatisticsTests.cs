namespace Vouchers.LoadTests.Tests;

/// <summary>Percentiles and the other figures come out right for distributions whose answers are known.</summary>
public sealed class StatisticsTests
{
    [Fact]
    public void UniformLatenciesGiveTheirKnownPercentiles()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 10_000; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        var stats = histogram.ToStats();
        Assert.Equal(10_000, histogram.Count);
        Close(5_000, stats.P50Ms);
        Close(7_500, stats.P75Ms);
        Close(9_500, stats.P95Ms);
        Close(9_900, stats.P99Ms);
        Assert.Equal(1, stats.MinMs);
        Assert.Equal(10_000, stats.MaxMs);
        Assert.Equal(5_000.5, stats.MeanMs, 6);
        Close(Math.Sqrt(((10_000.0 * 10_000) - 1) / 12), stats.StdDevMs);
    }

    [Fact]
    public void ExponentialLatenciesGiveTheirKnownQuantiles()
    {
        const int n = 100_000;
        const double meanMs = 10;
        var histogram = new LatencyHistogram();
        for (var i = 0; i < n; i++)
        {
            // The exact quantiles of an exponential distribution, one per 1/n of probability.
            histogram.Record(TimeSpan.FromMilliseconds(-Math.Log(1 - ((i + 0.5) / n)) * meanMs));
        }

        var stats = histogram.ToStats();
        Close(Math.Log(2) * meanMs, stats.P50Ms);
        Close(Math.Log(4) * meanMs, stats.P75Ms);
        Close(Math.Log(20) * meanMs, stats.P95Ms);
        Close(Math.Log(100) * meanMs, stats.P99Ms);
        Close(meanMs, stats.MeanMs);
        Close(meanMs, stats.StdDevMs, tolerance: 0.01);
    }

    [Fact]
    public void TheOnePercentTailDecidesTheP99()
    {
        var quiet = new LatencyHistogram();
        var tail = new LatencyHistogram();
        for (var i = 0; i < 1_000; i++)
        {
            quiet.Record(TimeSpan.FromMilliseconds(i < 990 ? 1 : 100));
            tail.Record(TimeSpan.FromMilliseconds(i < 980 ? 1 : 100));
        }

        Close(1, quiet.ToStats().P99Ms);
        Assert.Equal(100, quiet.ToStats().MaxMs);
        Close(100, tail.ToStats().P99Ms);
    }

    [Fact]
    public async Task RunnerSplitsOkAndFailWithTheirStatusCodesStepsAndDataTransfer()
    {
        var scenario = Scenario.Create("mixed", async context =>
            {
                var even = context.InvocationNumber % 2 == 0;
                await Step.Run("lookup", context, () => Task.FromResult(Response.Ok(payload: 1, statusCode: "200", sizeBytes: 10)));
                return even ? Response.Fail(statusCode: "503", message: "busy", sizeBytes: 50) : Response.Ok(statusCode: "200", sizeBytes: 100);
            })
            .WithLoadSimulations(Simulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        var stats = (await Quiet.Run(scenario).RunAsync()).Single();

        Assert.Equal(50, stats.Ok.Count);
        Assert.Equal(50, stats.Fail.Count);
        Assert.Equal(50, stats.FailPercent);
        Assert.Equal(5_000, stats.Ok.DataTransfer.AllBytes);
        Assert.Equal(2_500, stats.Fail.DataTransfer.AllBytes);
        Assert.Equal(100, stats.Ok.DataTransfer.MeanBytes);
        Assert.Contains(new StatusCodeStats("200", false, 50, null), stats.StatusCodes);
        Assert.Contains(new StatusCodeStats("503", true, 50, "busy"), stats.StatusCodes);
        var step = Assert.Single(stats.Steps);
        Assert.Equal(("lookup", 100L, 0L), (step.Name, step.Ok.Count, step.Fail.Count));
        Assert.Equal(100, stats.Timeline.Sum(p => p.OkCount + p.FailCount));
    }

    [Fact]
    public async Task AStepNamedAfterItsOutcomeIsMeasuredApartFromTheOthers()
    {
        var scenario = Scenario.Create("claims", async context =>
            {
                var soldOut = context.InvocationNumber % 4 == 0;
                return await Step.Run(context,
                    () => Task.FromResult(Response.Ok(payload: soldOut ? "sold-out" : "code", statusCode: soldOut ? "409 sold-out" : "200")),
                    r => Equals(r.Payload, "sold-out") ? "sold-out" : "fresh");
            })
            .WithLoadSimulations(Simulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        var stats = (await Quiet.Run(scenario).RunAsync()).Single();

        Assert.Equal([("fresh", 75L), ("sold-out", 25L)], stats.Steps.Select(s => (s.Name, s.Ok.Count)).OrderBy(s => s.Name));
        Assert.Equal("409 sold-out", Assert.Single(stats.Steps.Single(s => s.Name == "sold-out").StatusCodes).StatusCode);
    }

    [Fact]
    public async Task AFailedStepEndsItsIterationAsFailed()
    {
        var after = 0;
        var scenario = Scenario.Create("step-fails", async context =>
            {
                await Step.Run("first", context, () => Task.FromResult(Response.Fail<object>(statusCode: "409", message: "conflict")));
                Interlocked.Increment(ref after);
                return Response.Ok();
            })
            .WithLoadSimulations(Simulation.Inject(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        var stats = (await Quiet.Run(scenario).RunAsync()).Single();

        Assert.Equal(0, after);
        Assert.Equal(20, stats.Fail.Count);
        Assert.Equal("409", Assert.Single(stats.StatusCodes).StatusCode);
        Assert.Equal(20, Assert.Single(stats.Steps).Fail.Count);
    }

    private static void Close(double expected, double actual, double tolerance = 0.002) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * tolerance, $"expected {expected} ± {tolerance:P1}, got {actual}");
}
