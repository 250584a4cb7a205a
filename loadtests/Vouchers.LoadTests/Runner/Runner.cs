using System.Diagnostics;
using Vouchers.LoadTests.Reports;

namespace Vouchers.LoadTests;

public enum ReportFormat
{
    Txt,
    Md,
    Html,
    Csv,
    Json,
}

/// <summary>The outcome of a run. <see cref="ExitCode"/> is 0 when every threshold and invariant held, else 1.</summary>
public sealed record RunResult(
    string TestName,
    string? Target,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<ScenarioStats> Scenarios,
    IReadOnlyList<string> Errors,
    string? StopReason)
{
    public IReadOnlyList<string> ReportFiles { get; init; } = [];

    public IEnumerable<ThresholdResult> Thresholds => Scenarios.SelectMany(s => s.Thresholds);

    public bool Passed => Errors.Count == 0 && Scenarios.All(s => s.Passed);

    public int ExitCode => Passed ? 0 : 1;
}

/// <summary>Entry point, as NBomber's <c>NBomberRunner</c>.</summary>
public static class Runner
{
    public static RunnerContext RegisterScenarios(params ScenarioProps[] scenarios) => new([.. scenarios]);
}

/// <summary>Run settings; every <c>With…</c> returns a changed copy.</summary>
public sealed record RunnerContext
{
    internal RunnerContext(IReadOnlyList<ScenarioProps> scenarios)
    {
        ArgumentOutOfRangeException.ThrowIfZero(scenarios.Count);
        var duplicate = scenarios.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two scenarios are named '{duplicate.Key}'.", nameof(scenarios));
        }

        Scenarios = scenarios;
    }

    public IReadOnlyList<ScenarioProps> Scenarios { get; }
    public IReadOnlyList<Threshold> Thresholds { get; private init; } = [];
    public string TestName { get; private init; } = "loadtest";
    public string? Target { get; private init; }
    public string ReportFolder { get; private init; } = "reports";
    public string? ReportFileName { get; private init; }
    public IReadOnlyList<ReportFormat> ReportFormats { get; private init; } = Enum.GetValues<ReportFormat>();
    public TextWriter Output { get; private init; } = Console.Out;
    public TimeSpan ProgressInterval { get; private init; } = TimeSpan.FromSeconds(5);
    public TimeSpan DrainTimeout { get; private init; } = TimeSpan.FromSeconds(30);
    public int Seed { get; private init; } = Environment.TickCount;

    public RunnerContext WithThresholds(params Threshold[] thresholds) => this with { Thresholds = [.. Thresholds, .. thresholds] };

    public RunnerContext WithTestName(string name) => this with { TestName = name };

    /// <summary>The system under test, shown in the reports.</summary>
    public RunnerContext WithTarget(string target) => this with { Target = target };

    public RunnerContext WithReportFolder(string folder) => this with { ReportFolder = folder };

    /// <summary>File name without extension; defaults to the test name and the start time.</summary>
    public RunnerContext WithReportFileName(string name) => this with { ReportFileName = name };

    public RunnerContext WithReportFormats(params ReportFormat[] formats) => this with { ReportFormats = [.. formats] };

    public RunnerContext WithoutReports() => this with { ReportFormats = [] };

    public RunnerContext WithOutput(TextWriter output) => this with { Output = output };

    /// <summary>How often the live progress lines are printed; zero turns them off.</summary>
    public RunnerContext WithProgressInterval(TimeSpan interval) => this with { ProgressInterval = interval };

    /// <summary>How long iterations may still run after the load ended before they are cancelled.</summary>
    public RunnerContext WithDrainTimeout(TimeSpan timeout) => this with { DrainTimeout = timeout };

    /// <summary>Seeds the random arrival times (Poisson, InjectRandom) so a run can be repeated.</summary>
    public RunnerContext WithRandomSeed(int seed) => this with { Seed = seed };

    public RunResult Run() => RunAsync().GetAwaiter().GetResult();

    public Task<RunResult> RunAsync(CancellationToken cancellationToken = default) => new RunExecution(this).RunAsync(cancellationToken);
}

/// <summary>One run: init, warm-up, bombing with live progress, clean, statistics, thresholds, reports.</summary>
internal sealed class RunExecution(RunnerContext settings)
{
    private readonly TextWriter output = settings.Output;

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        using var control = new RunControl();
        await using var link = cancellationToken.Register(() => control.Fail("The run was cancelled."));
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var runtimes = settings.Scenarios.Select(s => new ScenarioRuntime(s, control)).ToList();
        Write($"{settings.TestName}: {string.Join(", ", runtimes.Select(r => r.Props.Name))}{(settings.Target is null ? "" : $" against {settings.Target}")}");

        foreach (var runtime in runtimes.Where(r => r.Props.Init is not null))
        {
            Write($"init {runtime.Props.Name}");
            try
            {
                await runtime.Props.Init!(new InitContext(runtime, output, control.IterationsAborted));
            }
            catch (Exception ex)
            {
                runtime.InitFailed = true;
                control.Fail($"{runtime.Props.Name}: init failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        var lanes = BuildLanes(runtimes.Where(r => r.Props.Run is not null).ToList(), control);
        var bombingSeconds = 0.0;
        if (!control.Stopped.IsCancellationRequested && lanes.Count > 0)
        {
            var warmUps = lanes.Select(l => (Lane: l, Duration: l.Runtimes.Max(r => r.Props.WarmUpDuration))).Where(w => w.Duration > TimeSpan.Zero).ToList();
            if (warmUps.Count > 0)
            {
                Write($"warm-up {warmUps.Max(w => w.Duration).TotalSeconds:0.#} s");
                var origin = Stopwatch.GetTimestamp();
                foreach (var runtime in warmUps.SelectMany(w => w.Lane.Runtimes))
                {
                    runtime.BeginPhase(origin);
                }

                await Task.WhenAll(warmUps.Select(w =>
                    w.Lane.RunAsync(LoadPlan.Truncate(w.Lane.Lead.LoadSimulations, w.Duration), OperationType.WarmUp, origin, settings.DrainTimeout)));
            }

            if (!control.Stopped.IsCancellationRequested)
            {
                Write($"bombing {lanes.Max(l => LoadPlan.Duration(l.Lead.LoadSimulations)):0.#} s");
                var origin = Stopwatch.GetTimestamp();
                foreach (var runtime in runtimes)
                {
                    runtime.BeginPhase(origin);
                }

                using var progress = new ConsoleProgress(output, runtimes, origin, settings.ProgressInterval);
                await Task.WhenAll(lanes.Select(l => l.RunAsync(l.Lead.LoadSimulations, OperationType.Bombing, origin, settings.DrainTimeout)));
                bombingSeconds = Math.Min(
                    lanes.Max(l => LoadPlan.Duration(l.Lead.LoadSimulations)),
                    (double)(Stopwatch.GetTimestamp() - origin) / Stopwatch.Frequency);
            }
        }

        foreach (var runtime in runtimes.Where(r => r.Props.Clean is not null && !r.InitFailed))
        {
            Write($"clean {runtime.Props.Name}");
            try
            {
                await runtime.Props.Clean!(new InitContext(runtime, output, CancellationToken.None));
            }
            catch (Exception ex)
            {
                runtime.AddInvariant(new InvariantResult("clean completes", false, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }

        var errors = control.Errors.ToList();
        var stats = runtimes.Select(r => Thresholded(Build(r, lanes, bombingSeconds))).ToList();
        foreach (var threshold in settings.Thresholds.Where(t => t.Scenario is not null && runtimes.All(r => r.Props.Name != t.Scenario)))
        {
            errors.Add($"Threshold '{threshold}' names no scenario of this run.");
        }

        var result = new RunResult(settings.TestName, settings.Target, startedAt, clock.Elapsed, stats, errors, control.StopReason);
        if (settings.ReportFormats.Count > 0)
        {
            try
            {
                var name = settings.ReportFileName ?? $"{settings.TestName}-{startedAt:yyyyMMdd-HHmmss}";
                result = result with { ReportFiles = ReportWriter.Write(result, settings.ReportFolder, name, settings.ReportFormats) };
            }
            catch (IOException ex)
            {
                result = result with { Errors = [.. errors, $"The reports could not be written: {ex.Message}"] };
            }
            catch (UnauthorizedAccessException ex)
            {
                result = result with { Errors = [.. errors, $"The reports could not be written: {ex.Message}"] };
            }
        }

        lock (output)
        {
            output.Write(TextReport.Render(result));
        }

        return result;
    }

    private static List<Lane> BuildLanes(List<ScenarioRuntime> runnable, RunControl control)
    {
        var lanes = new List<Lane>();
        var seed = 0;
        var weighted = runnable.Where(r => r.Props.Weight is not null).ToList();
        if (weighted.Count >= 2)
        {
            lanes.Add(new Lane(weighted, control, seed++));
        }

        foreach (var runtime in runnable.Where(r => weighted.Count < 2 || r.Props.Weight is null))
        {
            lanes.Add(new Lane([runtime], control, seed++));
        }

        return lanes;
    }

    private static ScenarioStats Build(ScenarioRuntime runtime, List<Lane> lanes, double bombingSeconds)
    {
        var phase = runtime.Current;
        var lane = lanes.FirstOrDefault(l => l.Runtimes.Contains(runtime));
        var open = lane is not null && lane.Lead.LoadSimulations.Any(s => s.IsOpen);
        var (ok, fail, codes, timeline) = phase.Scenario.Snapshot(bombingSeconds);
        var steps = phase.Steps
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s =>
            {
                var (stepOk, stepFail, stepCodes, _) = s.Value.Snapshot(bombingSeconds);
                return new StepStats(s.Key, stepOk, stepFail, stepCodes);
            })
            .ToList();
        double? intendedRate = open && bombingSeconds > 0 ? phase.Intended / bombingSeconds : null;
        return new ScenarioStats(runtime.Props.Name, bombingSeconds, intendedRate, phase.Intended, phase.Dropped,
            ok, fail, codes, steps, timeline, [.. runtime.Invariants]);
    }

    private ScenarioStats Thresholded(ScenarioStats stats) =>
        stats with { Thresholds = [.. settings.Thresholds.Where(t => t.AppliesTo(stats.Name)).Select(t => t.Evaluate(stats))] };

    private void Write(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
        }
    }
}
