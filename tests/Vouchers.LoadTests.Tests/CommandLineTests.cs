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
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Tests;

/// <summary>The command line scripts rely on: its options, its usage errors (exit 2) and its verdicts (exit 0 / 1).</summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"loadtest-cli-{Guid.NewGuid():N}");
    private WebApplication? ping;
    private string target = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        ping = builder.Build();
        ping.MapGet("/ping", () => Results.Text("pong"));
        await ping.StartAsync();
        target = ping.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        if (ping is not null)
        {
            await ping.DisposeAsync();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ParsesEveryOptionScriptsUse()
    {
        var options = CommandLine.Parse(
            ["--scenario", "claim-burst,ceiling", "--target", "http://127.0.0.1:5080", "--rate", "800", "--duration", "10s", "--warmup=0",
             "--quantity", "5000", "--people", "3000", "--report-folder", "out", "--report-name", "claim", "--threshold", "p99<20ms",
             "--threshold", "claim-burst:fail%<0.1", "--admin-key", "a.b", "--channel-key-id", "sign-c", "--channel-secret", "d", "--institution-key", "e.f", "--seed", "9",
             "--repeat-share", "0.5", "--replay-share=0.1"],
            _ => null);

        Assert.Equal(["claim-burst", "ceiling"], options.Scenarios);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Target);
        Assert.Equal(800, options.Settings.Rate);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Settings.Duration);
        Assert.Equal(TimeSpan.Zero, options.Settings.WarmUp);
        Assert.Equal((5000, 3000), (options.Settings.Quantity, options.Settings.People));
        Assert.Equal(("out", "claim"), (options.ReportFolder, options.ReportName));
        Assert.Equal(["p99 < 20ms", "claim-burst: fail% < 0.1"], options.Thresholds.Select(t => t.ToString()));
        Assert.Equal(new Credentials(new ApiKeyCredential("a.b"), new SigningKeyCredential("sign-c", "d"), new ApiKeyCredential("e.f")), options.Keys);
        Assert.Equal(9, options.Settings.Seed);
        Assert.Equal((0.5, 0.1), (options.Settings.RepeatShare, options.Settings.ReplayShare));
        Assert.False(options.Settings.Smoke);
    }

    [Fact]
    public void ClaimantsRepeatAndReplayByDefaultAsPeopleDo()
    {
        var options = CommandLine.Parse(["--scenario", "claim-burst", "--target", "http://127.0.0.1:5080"], _ => null);

        Assert.Equal((0.30, 0.03), (options.Settings.RepeatShare, options.Settings.ReplayShare));
    }

    [Fact]
    public void SmokeIsShortWithoutWarmUpAndFailsOnErrors()
    {
        var options = CommandLine.Parse(["--scenario", "mixed-day", "--target", "http://localhost:5080", "--smoke"], _ => null);

        Assert.True(options.Settings.Smoke);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Settings.Duration);
        Assert.Equal(TimeSpan.Zero, options.Settings.WarmUp);
        Assert.Equal("fail% < 1", Assert.Single(options.Thresholds).Text);
        Assert.Equal(Credentials.Demo, options.Keys);
    }

    [Fact]
    public void TargetAndKeysComeFromTheEnvironmentWhenNotGiven()
    {
        var environment = new Dictionary<string, string> { ["VOUCHERS_TARGET"] = "http://127.0.0.1:8080", ["VOUCHERS_ADMIN_KEY"] = "x.y" };

        var options = CommandLine.Parse(["--scenario", "claim-burst"], name => environment.GetValueOrDefault(name));

        Assert.Equal(new Uri("http://127.0.0.1:8080"), options.Target);
        Assert.Equal(new ApiKeyCredential("x.y"), options.Keys.Admin);
    }

    [Fact]
    public void TheChannelsSigningKeyComesFromTheEnvironmentWhenNotGiven()
    {
        var environment = new Dictionary<string, string> { ["VOUCHERS_CHANNEL_KEY_ID"] = "sign-bank-app", ["VOUCHERS_CHANNEL_SECRET"] = "s3cret" };

        var options = CommandLine.Parse(["--scenario", "claim-burst", "--target", "http://127.0.0.1:5080"], name => environment.GetValueOrDefault(name));

        Assert.Equal(new SigningKeyCredential("sign-bank-app", "s3cret"), options.Keys.Channel);
    }

    [Theory]
    [InlineData("--channel-key", "c.d")]
    [InlineData("--channel-key-id", "sign-x")]
    [InlineData("--channel-secret", "s")]
    public void AChannelApiKeyOrHalfASigningKeyIsAUsageError(string option, string value)
    {
        var error = Assert.Throws<UsageException>(() =>
            CommandLine.Parse(["--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", option, value], _ => null));

        Assert.Contains("--channel-secret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("1.5m", 90)]
    [InlineData("00:00:30", 30)]
    [InlineData("45", 45)]
    public void ParsesDurations(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), CommandLine.ParseDuration(text));

    [Theory]
    [InlineData("--target", "http://127.0.0.1:5080")]
    [InlineData("--scenario", "claim-burst")]
    [InlineData("--scenario", "nope", "--target", "http://127.0.0.1:5080")]
    [InlineData("--scenario", "claim-burst", "--target", "http://10.0.0.1:5080")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--rate", "fast")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--threshold", "p99 is small")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--bogus")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--repeat-share", "1.5")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--replay-share", "a third")]
    [InlineData("--scenario", "claim-burst", "--target", "http://127.0.0.1:5080", "--repeat-share", "0.8", "--replay-share", "0.3")]
    public async Task UsageErrorsExitWithTwo(params string[] args)
    {
        Assert.Throws<UsageException>(() => CommandLine.Parse(args, _ => null));
        Assert.Equal(2, await RunAsync(args));
    }

    [Fact]
    public async Task ADeliberatelyFailingThresholdExitsWithOne()
    {
        var exit = await RunAsync(Ceiling("broken", "--threshold", "p99 < 0.001ms"));

        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "broken.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task ACeilingRunThatHoldsItsThresholdsExitsWithZeroAndWritesItsSummary()
    {
        var exit = await RunAsync(Ceiling("held", "--threshold", "fail% < 1", "--threshold", "p99 < 5s"));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "held.json")));
        var scenario = Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.Equal("ceiling", scenario.GetProperty("name").GetString());
        Assert.Equal(50, scenario.GetProperty("okCount").GetInt64());
        Assert.Equal(0, scenario.GetProperty("failCount").GetInt64());
        Assert.All(new[] { "txt", "md", "html", "csv" }, e => Assert.True(File.Exists(Path.Combine(folder, $"held.{e}"))));
    }

    private string[] Ceiling(string name, params string[] more) =>
        ["--scenario", "ceiling", "--target", target, "--rate", "50", "--duration", "1s", "--warmup", "0", "--progress", "0",
         "--report-folder", folder, "--report-name", name, .. more];

    /// <summary>Runs the program's entry point in-process, as <c>dotnet Vouchers.LoadTests.dll</c> would.</summary>
    private static async Task<int> RunAsync(string[] args)
    {
        var entry = typeof(Runner).Assembly.EntryPoint!;
        var value = entry.Invoke(null, [args]);
        return value switch
        {
            Task<int> task => await task,
            int code => code,
            _ => throw new InvalidOperationException($"Unexpected entry point result {value}"),
        };
    }
}
