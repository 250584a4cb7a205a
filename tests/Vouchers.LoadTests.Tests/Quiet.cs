namespace Vouchers.LoadTests.Tests;

/// <summary>Runner settings for tests: no console output, no progress lines, no reports unless asked.</summary>
internal static class Quiet
{
    public static RunnerContext Run(params ScenarioProps[] scenarios) =>
        Runner.RegisterScenarios(scenarios)
            .WithOutput(TextWriter.Null)
            .WithProgressInterval(TimeSpan.Zero)
            .WithoutReports()
            .WithRandomSeed(42);

    public static ScenarioStats Single(this RunResult result) => Assert.Single(result.Scenarios);
}
