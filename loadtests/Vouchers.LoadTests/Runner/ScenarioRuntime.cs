using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vouchers.LoadTests;

/// <summary>The measurements of one phase (warm-up or bombing) of one scenario.</summary>
internal sealed class PhaseStats(long originTimestamp)
{
    private long intended;
    private long dropped;

    public long OriginTimestamp { get; } = originTimestamp;
    public StatsCollector Scenario { get; } = new(originTimestamp);
    public ConcurrentDictionary<string, StatsCollector> Steps { get; } = new(StringComparer.Ordinal);
    public long Intended => Interlocked.Read(ref intended);
    public long Dropped => Interlocked.Read(ref dropped);

    public void CountIntended() => Interlocked.Increment(ref intended);

    public void CountDropped(long timestamp)
    {
        Interlocked.Increment(ref dropped);
        Scenario.RecordDropped(timestamp);
    }

    public StatsCollector Step(string name) => Steps.GetOrAdd(name, _ => new StatsCollector(OriginTimestamp));
}

/// <summary>A registered scenario while the run goes on: its current phase's stats, counters and invariants.</summary>
internal sealed class ScenarioRuntime(ScenarioProps props, RunControl control)
{
    private readonly ConcurrentQueue<InvariantResult> invariants = new();
    private long invocations;
    private long failures;
    private volatile PhaseStats current = new(Stopwatch.GetTimestamp());

    public ScenarioProps Props { get; } = props;
    public PhaseStats Current => current;
    public IReadOnlyCollection<InvariantResult> Invariants => invariants;
    public bool InitFailed { get; set; }

    public void BeginPhase(long originTimestamp) => current = new PhaseStats(originTimestamp);

    public void AddInvariant(InvariantResult result) => invariants.Enqueue(result);

    /// <summary>Runs one iteration and records it; <paramref name="intendedTimestamp"/> is when it should have started.</summary>
    public async Task ExecuteAsync(long intendedTimestamp, int copyNumber, OperationType operation)
    {
        var stats = current;
        var context = new IterationContext(this, stats, Interlocked.Increment(ref invocations), copyNumber, operation, control);
        var started = Stopwatch.GetTimestamp();
        IResponse response;
        try
        {
            response = await Props.Run!(context) ?? Response.Fail("null", "The scenario returned no response.");
        }
        catch (StepFailedException ex)
        {
            response = ex.Response;
        }
        catch (OperationCanceledException) when (control.IterationsAborted.IsCancellationRequested)
        {
            response = Response.Fail("cancelled", "The run ended before the iteration did.");
        }
        catch (Exception ex)
        {
            response = Response.Fail("exception", $"{ex.GetType().Name}: {ex.Message}");
        }

        var ended = Stopwatch.GetTimestamp();
        stats.Scenario.Record(response, ended - intendedTimestamp, ended - started, ended);
        if (response.IsError && Interlocked.Increment(ref failures) >= Props.MaxFailCount)
        {
            control.Fail($"{Props.Name}: reached its max fail count ({Props.MaxFailCount}); the run was stopped.");
        }
    }
}

/// <summary>What every part of a run can reach to stop it.</summary>
internal sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource abort = new();
    private readonly ConcurrentQueue<string> errors = new();

    /// <summary>Cancelled when no new iteration may start.</summary>
    public CancellationToken Stopped => stop.Token;

    /// <summary>Cancelled when iterations still running must give up.</summary>
    public CancellationToken IterationsAborted => abort.Token;

    public IReadOnlyCollection<string> Errors => errors;

    public string? StopReason { get; private set; }

    public void Stop(string reason)
    {
        StopReason ??= reason;
        stop.Cancel();
    }

    public void Fail(string error)
    {
        if (!stop.IsCancellationRequested)
        {
            errors.Enqueue(error);
        }

        Stop(error);
    }

    public void AddError(string error) => errors.Enqueue(error);

    public void AbortIterations()
    {
        stop.Cancel();
        abort.Cancel();
    }

    public void Dispose()
    {
        stop.Dispose();
        abort.Dispose();
    }
}

internal sealed class IterationContext(
    ScenarioRuntime runtime, PhaseStats stats, long invocation, int copyNumber, OperationType operation, RunControl control) : IScenarioContext
{
    public string ScenarioName => runtime.Props.Name;
    public long InvocationNumber => invocation;
    public int CopyNumber => copyNumber;
    public OperationType CurrentOperation => operation;
    public CancellationToken CancellationToken => control.IterationsAborted;
    public Random Random => Random.Shared;
    public Dictionary<string, object> Data { get; } = [];
    public bool RestartIterationOnFail => runtime.Props.RestartIterationOnFail;

    public void StopCurrentTest(string reason) => control.Stop(reason);

    public void RecordStep(string name, IResponse response, long startedTimestamp)
    {
        var ended = Stopwatch.GetTimestamp();
        stats.Step(name).Record(response, ended - startedTimestamp, ended - startedTimestamp, ended);
    }
}

internal sealed class InitContext(ScenarioRuntime runtime, TextWriter output, CancellationToken cancellationToken) : IScenarioInitContext
{
    public string ScenarioName => runtime.Props.Name;
    public CancellationToken CancellationToken => cancellationToken;

    public void Log(string message)
    {
        lock (output)
        {
            output.WriteLine($"  [{ScenarioName}] {message}");
        }
    }

    public void Invariant(string name, bool holds, string detail)
    {
        runtime.AddInvariant(new InvariantResult(name, holds, detail));
        Log($"invariant {(holds ? "ok    " : "BROKEN")} {name}: {detail}");
    }
}
