using Vouchers.LoadTests;
using Vouchers.LoadTests.Cli;
using Vouchers.LoadTests.Scenarios;

LoadTestOptions options;
try
{
    options = CommandLine.Parse(args);
}
catch (UsageException ex) when (ex.Message.Length == 0)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

// Socket completions run their continuations on the socket engine's own thread rather than waking a thread-pool
// worker for each response: on a small box the load generator's wake-ups would otherwise take CPU from the target.
// Read once, when the first socket is made; an explicit setting in the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

// Iterations are async, but a burst of continuations must not wait for the thread pool to grow.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

using var api = new VoucherApi(options.Target, options.Keys);
try
{
    await api.GetAsync("/");
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"error: the target {options.Target} cannot be reached: {ex.Message}");
    return 1;
}

// Each scenario at its own rate when the command line gives one with its name (claim-burst:2000,statistics:20).
var scenarios = options.Scenarios.Select(name => Create(name, options.SettingsOf(name))).ToArray();

ScenarioProps Create(string name, ScenarioSettings settings) => name switch
{
    ClaimBurst.Name => new ClaimBurst(api, settings).Create(),
    SoldOutStorm.Name => new SoldOutStorm(api, settings).Create(),
    ScanGunVerify.Name => new ScanGunVerify(api, settings).Create(),
    MixedDay.Name => new MixedDay(api, settings).Create(),
    StatisticsReads.Name => new StatisticsReads(api, settings).Create(),
    _ => new Ceiling(api, settings).Create(),
};

var reportName = options.ReportName ?? $"{string.Join('+', options.Scenarios)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var result = await Runner.RegisterScenarios(scenarios)
    .WithTestName(reportName)
    .WithTarget(options.Target.ToString())
    .WithThresholds([.. options.Thresholds])
    .WithReportFolder(options.ReportFolder)
    .WithReportFileName(reportName)
    .WithProgressInterval(options.ProgressInterval)
    .RunAsync(cancel.Token);
return result.ExitCode;
