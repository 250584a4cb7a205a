using System.Text.Json;

namespace Vouchers.LoadTests.Tests;

/// <summary>A run leaves txt, md, html, csv and the json summary in its report folder.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"loadtest-reports-{Guid.NewGuid():N}");

    [Fact]
    public async Task RunWritesEveryReportFormatIntoTheFolder()
    {
        var scenario = Scenario.Create("claim-like", async context =>
            {
                await Step.Run("claim", context, () => Task.FromResult(Response.Ok(payload: "code", statusCode: "200", sizeBytes: 360)));
                return context.InvocationNumber % 10 == 0 ? Response.Fail(statusCode: "409 sold-out", sizeBytes: 150) : Response.Ok(statusCode: "200", sizeBytes: 360);
            })
            .WithLoadSimulations(Simulation.Inject(50, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)))
            .WithClean(context => context.Invariant("claimed <= quantity", true, "claimed 90 of 100"));

        var result = await Runner.RegisterScenarios(scenario)
            .WithOutput(TextWriter.Null)
            .WithProgressInterval(TimeSpan.Zero)
            .WithTestName("report-test")
            .WithTarget("http://127.0.0.1:5080")
            .WithThresholds(Threshold.Parse("p99 < 5s"))
            .WithReportFolder(folder)
            .WithReportFileName("run")
            .RunAsync();

        var expected = new[] { "txt", "md", "html", "csv", "json" }.Select(e => Path.Combine(folder, $"run.{e}")).ToList();
        Assert.Equal(expected.Order(), result.ReportFiles.Order());
        Assert.All(expected, f => Assert.True(new FileInfo(f).Length > 0, f));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "run.json")));
        var s = Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.Equal("claim-like", s.GetProperty("name").GetString());
        Assert.Equal(90, s.GetProperty("okCount").GetInt64());
        Assert.Equal(10, s.GetProperty("failCount").GetInt64());
        Assert.Equal(0, s.GetProperty("droppedCount").GetInt64());
        Assert.Equal(50, s.GetProperty("intendedRate").GetDouble(), 1);
        Assert.Equal(2, s.GetProperty("durationSeconds").GetDouble(), 1);
        Assert.Equal(45, s.GetProperty("rps").GetDouble(), 1);
        foreach (var key in new[] { "min", "mean", "max", "stdDev", "p50", "p75", "p95", "p99" })
        {
            Assert.True(s.GetProperty("latencyMs").GetProperty(key).GetDouble() >= 0, key);
        }

        Assert.Contains(s.GetProperty("statusCodes").EnumerateArray(), c => c.GetProperty("statusCode").GetString() == "409 sold-out" && c.GetProperty("count").GetInt64() == 10);
        var seconds = s.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(2, seconds.Count);
        Assert.Equal([0, 1], seconds.Select(t => t.GetProperty("second").GetInt32()));
        Assert.Equal(90, seconds.Sum(t => t.GetProperty("ok").GetInt64()));
        Assert.Equal(10, seconds.Sum(t => t.GetProperty("fail").GetInt64()));
        Assert.All(seconds, t => Assert.True(t.GetProperty("p99").GetDouble() >= t.GetProperty("p50").GetDouble()));
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());

        var html = await File.ReadAllTextAsync(Path.Combine(folder, "run.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);

        var csv = await File.ReadAllLinesAsync(Path.Combine(folder, "run.csv"));
        Assert.StartsWith("test_name,scenario,step,result,count,rps,", csv[0], StringComparison.Ordinal);
        Assert.Contains(csv, l => l.StartsWith("report-test,claim-like,global information,ok,90,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("report-test,claim-like,claim,ok,100,", StringComparison.Ordinal));

        var md = await File.ReadAllTextAsync(Path.Combine(folder, "run.md"));
        Assert.Contains("| claim-like |", md, StringComparison.Ordinal);
        Assert.Contains("invariant: claimed <= quantity", md, StringComparison.Ordinal);

        var txt = await File.ReadAllTextAsync(Path.Combine(folder, "run.txt"));
        Assert.Contains("PASSED", txt, StringComparison.Ordinal);
        Assert.Contains("409 sold-out", txt, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
