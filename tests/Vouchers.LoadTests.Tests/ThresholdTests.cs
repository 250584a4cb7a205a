namespace Vouchers.LoadTests.Tests;

/// <summary>Thresholds and invariants decide the run's result and exit code.</summary>
public sealed class ThresholdTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static ScenarioProps NoOp(string name = "no-op") =>
        Scenario.Create(name, _ => Task.FromResult<IResponse>(Response.Ok(statusCode: "200")))
            .WithLoadSimulations(Simulation.Inject(50, Second, Second));

    [Theory]
    [InlineData("p99<20ms", null, "p99 < 20ms")]
    [InlineData("p99 < 2s", null, "p99 < 2000ms")]
    [InlineData("service.p50 <= 500us", null, "service.p50 <= 0.5ms")]
    [InlineData("claim-burst: fail% < 0.1", "claim-burst", "fail% < 0.1")]
    [InlineData("rps>1000", null, "rps > 1000")]
    [InlineData("dropped == 0", null, "dropped == 0")]
    public void ParsesTheTextForms(string text, string? scenario, string normalized)
    {
        var threshold = Threshold.Parse(text);

        Assert.Equal(scenario, threshold.Scenario);
        Assert.Equal(normalized, threshold.Text);
    }

    [Theory]
    [InlineData("p99")]
    [InlineData("p99 < fast")]
    [InlineData("latency < 5ms")]
    [InlineData("rps > 5ms")]
    [InlineData("fail% < 1s")]
    public void RefusesWhatIsNotAThreshold(string text) => Assert.Throws<FormatException>(() => Threshold.Parse(text));

    [Fact]
    public async Task ABrokenThresholdFailsTheRun()
    {
        var result = await Quiet.Run(NoOp()).WithThresholds(Threshold.Parse("rps > 1000000"), Threshold.Parse("fail% < 0.1")).RunAsync();

        Assert.False(result.Passed);
        Assert.Equal(1, result.ExitCode);
        var thresholds = result.Thresholds.ToDictionary(t => t.Threshold, t => t.Passed);
        Assert.False(thresholds["rps > 1000000"]);
        Assert.True(thresholds["fail% < 0.1"]);
    }

    [Fact]
    public async Task ThresholdsThatHoldPassTheRun()
    {
        var result = await Quiet.Run(NoOp()).WithThresholds(Threshold.Parse("fail% < 0.1"), Threshold.Parse("p99 < 5s"), Threshold.Parse("ok == 50")).RunAsync();

        Assert.True(result.Passed, string.Join("; ", result.Thresholds));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task AScenarioNamedThresholdAppliesToThatScenarioOnly()
    {
        var result = await Quiet.Run(NoOp("a"), NoOp("b")).WithThresholds(Threshold.Parse("b: rps > 1000000")).RunAsync();

        Assert.Empty(result.Scenarios.Single(s => s.Name == "a").Thresholds);
        Assert.False(Assert.Single(result.Scenarios.Single(s => s.Name == "b").Thresholds).Passed);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task ANamedPredicateThresholdWorksAsInNBomber()
    {
        var result = await Quiet.Run(NoOp())
            .WithThresholds(Threshold.Create("no-op", "every request ok", s => s.Fail.Count == 0 && s.Ok.Count == 50))
            .RunAsync();

        Assert.True(Assert.Single(result.Thresholds).Passed);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task ABrokenInvariantFailsTheRun()
    {
        var result = await Quiet.Run(NoOp().WithClean(context => context.Invariant("claimed <= quantity", false, "claimed 11 of 10"))).RunAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.False(Assert.Single(result.Single().Invariants).Passed);
    }

    [Fact]
    public async Task AFailingInitFailsTheRunWithoutLoad()
    {
        var ran = 0;
        var scenario = Scenario.Create("broken-init", _ =>
            {
                Interlocked.Increment(ref ran);
                return Task.FromResult<IResponse>(Response.Ok());
            })
            .WithInit(_ => Task.FromException(new InvalidOperationException("the target is down")))
            .WithLoadSimulations(Simulation.Inject(50, Second, Second));

        var result = await Quiet.Run(scenario).RunAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.Errors, e => e.Contains("the target is down", StringComparison.Ordinal));
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task ReachingMaxFailCountStopsTheRunEarly()
    {
        var scenario = Scenario.Create("always-fails", _ => Task.FromResult<IResponse>(Response.Fail(statusCode: "500")))
            .WithMaxFailCount(10)
            .WithLoadSimulations(Simulation.Inject(100, Second, TimeSpan.FromSeconds(10)));

        var result = await Quiet.Run(scenario).RunAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Duration < TimeSpan.FromSeconds(5), $"ran {result.Duration}");
        Assert.Contains(result.Errors, e => e.Contains("max fail count", StringComparison.Ordinal));
        Assert.InRange(result.Single().Fail.Count, 10, 20);
    }
}
