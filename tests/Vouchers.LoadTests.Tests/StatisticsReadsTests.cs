using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vouchers.LoadTests.Cli;
using Vouchers.LoadTests.Scenarios;

namespace Vouchers.LoadTests.Tests;

/// <summary>
/// The statistics scenario: each scenario's own rate on the command line, the shape every answer is checked against,
/// and whole runs beside another scenario against an in-process stand-in for the statistics route.
/// </summary>
public sealed class StatisticsReadsTests : IAsyncLifetime
{
    private const string CityAnswer = """
        {"groupBy":"city","total":{"key":"","claimed":5,"returned":1,"live":4,"used":1,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":6000.00,"fundsDisbursed":0},
         "rows":[{"key":"4401","claimed":2,"returned":0,"live":2,"used":1,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":3000.00,"fundsDisbursed":0},
                 {"key":"4403","claimed":3,"returned":1,"live":2,"used":0,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":3000.00,"fundsDisbursed":0}],
         "batches":[]}
        """;

    private const string MinuteAnswer = """
        {"groupBy":"minute","total":{"key":"","claimed":3,"returned":0,"live":3,"used":0,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":4500,"fundsDisbursed":0},
         "rows":[{"key":"2026-12-05T08:01Z","claimed":1,"returned":0,"live":1,"used":0,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":1500,"fundsDisbursed":0},
                 {"key":"2026-12-05T08:02Z","claimed":2,"returned":0,"live":2,"used":0,"checkedIn":0,"subsidyApplied":0,"subsidyApproved":0,"subsidyRejected":0,"redeemed":0,"fundsCommitted":3000,"fundsDisbursed":0}],
         "batches":[{"batchId":"b-1"}]}
        """;

    private readonly string folder = Path.Combine(Path.GetTempPath(), $"loadtest-statistics-{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<string> queries = new();
    private WebApplication? engine;
    private string target = "";

    /// <summary>What the stand-in answers a city query with; tests break it to see the scenario fail.</summary>
    private string cityAnswer = CityAnswer;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        engine = builder.Build();
        engine.MapGet("/", () => Results.Text("engine"));
        engine.MapGet("/ping", () => Results.Text("pong"));
        engine.MapGet("/api/v1/admin/statistics", (HttpRequest request) =>
        {
            queries.Enqueue(request.QueryString.Value ?? "");
            return request.Headers["X-Api-Key"].Count == 0
                ? Results.Unauthorized()
                : Results.Text(request.Query["groupBy"] == "minute" ? MinuteAnswer : cityAnswer, "application/json");
        });
        await engine.StartAsync();
        target = engine.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (engine is not null)
        {
            await engine.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ARateGivenWithAScenariosNameIsThatScenariosAndTheOthersKeepTheCommonOne()
    {
        var options = CommandLine.Parse(["--scenario", "claim-burst:2000, statistics:20,ceiling", "--target", "http://127.0.0.1:5080", "--rate", "500"], _ => null);

        Assert.Equal(["claim-burst", "statistics", "ceiling"], options.Scenarios);
        Assert.Equal(2000, options.SettingsOf("claim-burst").Rate);
        Assert.Equal(20, options.SettingsOf("statistics").Rate);
        Assert.Equal(500, options.SettingsOf("ceiling").Rate);
        Assert.Equal(options.Settings.Seed, options.SettingsOf("statistics").Seed);
    }

    [Fact]
    public void WithoutAnyRateEachScenarioKeepsItsDefault()
    {
        var options = CommandLine.Parse(["--scenario", "statistics", "--target", "http://127.0.0.1:5080"], _ => null);

        Assert.Null(options.SettingsOf("statistics").Rate);
    }

    [Theory]
    [InlineData("statistics:0")]
    [InlineData("statistics:fast")]
    [InlineData("statistics:")]
    [InlineData("statistics:-5")]
    [InlineData("claim-burst:100,claim-burst:200")]
    [InlineData("statistic:20")]
    public void ABadScenarioRateIsAUsageError(string scenarios) =>
        Assert.Throws<UsageException>(() => CommandLine.Parse(["--scenario", scenarios, "--target", "http://127.0.0.1:5080"], _ => null));

    [Fact]
    public void WellFormedCityAndMinuteAnswersPass()
    {
        Assert.Null(StatisticsAnswerShape.Check(Parse(CityAnswer), "city", "44"));
        Assert.Null(StatisticsAnswerShape.Check(Parse(MinuteAnswer), "minute", null));
        Assert.Equal(5, StatisticsAnswerShape.Claimed(Parse(CityAnswer)));
    }

    [Theory]
    [InlineData("\"4401\"", "\"3201\"", "not a city of 44")]
    [InlineData("\"4401\"", "\"440305\"", "not a city of 44")]
    [InlineData("\"4403\"", "\"4400\"", "ascending")]
    [InlineData("\"groupBy\":\"city\"", "\"groupBy\":\"county\"", "groupBy")]
    [InlineData("\"total\":{\"key\":\"\",\"claimed\":5", "\"total\":{\"key\":\"\",\"claimed\":6", "sum")]
    [InlineData("\"fundsCommitted\":3000.00,", "", "fundsCommitted")]
    [InlineData("\"batches\":[]", "\"batches\":{}", "batches")]
    [InlineData("\"claimed\":2,", "\"claimed\":\"2\",", "claimed")]
    public void AnAnswerOfTheWrongShapeSaysWhatIsWrong(string part, string replacement, string expected)
    {
        var problem = StatisticsAnswerShape.Check(Parse(Replace(CityAnswer, part, replacement)), "city", "44");

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AMinuteKeyThatIsNotAMinuteFails() =>
        Assert.Contains("not a minute", StatisticsAnswerShape.Check(Parse(Replace(MinuteAnswer, "2026-12-05T08:02Z", "08:02")), "minute", null), StringComparison.Ordinal);

    [Fact]
    public async Task StatisticsReadsRunAtTheirOwnRateBesideAnotherScenarioAndMeasureEachQueryAsAStep()
    {
        var exit = await RunAsync("side-by-side", "statistics:40,ceiling:10", "--threshold", "fail% < 0.1");

        Assert.Equal(0, exit.Code);
        var scenarios = exit.Summary.RootElement.GetProperty("scenarios").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(40, scenarios["statistics"].GetProperty("okCount").GetInt64());
        Assert.Equal(40.0, scenarios["statistics"].GetProperty("intendedRate").GetDouble());
        Assert.Equal(10, scenarios["ceiling"].GetProperty("okCount").GetInt64());
        var steps = scenarios["statistics"].GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("okCount").GetInt64());
        Assert.Equal(30, steps[StatisticsReads.ByCity]);
        Assert.Equal(10, steps[StatisticsReads.MinuteSeries]);
        Assert.Contains("?region=44&groupBy=city", queries);
        Assert.Contains("?groupBy=minute", queries);
    }

    [Fact]
    public async Task AnAnswerOfTheWrongShapeFailsTheRun()
    {
        cityAnswer = Replace(CityAnswer, "\"4403\"", "\"3201\"");

        var exit = await RunAsync("bad-shape", "statistics:40", "--threshold", "fail% < 1");

        Assert.Equal(1, exit.Code);
        var scenario = Assert.Single(exit.Summary.RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.Equal(30, scenario.GetProperty("failCount").GetInt64());
        Assert.Contains(scenario.GetProperty("statusCodes").EnumerateArray(), s => s.GetProperty("statusCode").GetString() == "200 bad shape");
    }

    /// <summary>Runs the program's entry point in-process, as <c>dotnet Vouchers.LoadTests.dll</c> would, and reads its summary.</summary>
    private async Task<(int Code, JsonDocument Summary)> RunAsync(string name, string scenarios, params string[] more)
    {
        string[] args = ["--scenario", scenarios, "--target", target, "--duration", "1s", "--warmup", "0", "--progress", "0",
            "--report-folder", folder, "--report-name", name, .. more];
        var value = typeof(Runner).Assembly.EntryPoint!.Invoke(null, [args]);
        var code = value is Task<int> task ? await task : (int)value!;
        return (code, JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, $"{name}.json"))));
    }

    private static string Replace(string text, string part, string replacement)
    {
        Assert.Contains(part, text, StringComparison.Ordinal);
        var at = text.IndexOf(part, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + part.Length));
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
