namespace Vouchers.LoadTests;

/// <summary>Whether an iteration belongs to the warm-up (not measured) or to the bombing phase.</summary>
public enum OperationType
{
    WarmUp,
    Bombing,
}

/// <summary>What an iteration knows about itself, as NBomber's <c>IScenarioContext</c>.</summary>
public interface IScenarioContext
{
    string ScenarioName { get; }

    /// <summary>1-based number of this iteration within the scenario (warm-up included).</summary>
    long InvocationNumber { get; }

    /// <summary>The copy running this iteration in a closed-model stage; -1 for an arrival of the open model.</summary>
    int CopyNumber { get; }

    OperationType CurrentOperation { get; }

    /// <summary>Cancelled when the run aborts iterations still running after the drain timeout.</summary>
    CancellationToken CancellationToken { get; }

    Random Random { get; }

    /// <summary>Data steps of this iteration share.</summary>
    Dictionary<string, object> Data { get; }

    /// <summary>Ends the run early (not a failure by itself).</summary>
    void StopCurrentTest(string reason);
}

/// <summary>What init and clean see, as NBomber's <c>IScenarioInitContext</c>, plus invariant checks.</summary>
public interface IScenarioInitContext
{
    string ScenarioName { get; }

    CancellationToken CancellationToken { get; }

    void Log(string message);

    /// <summary>Records a property the system under test must have kept; a broken invariant fails the run (exit 1).</summary>
    void Invariant(string name, bool holds, string detail);
}

/// <summary>A scenario's definition; every <c>With…</c> returns a changed copy, as NBomber's <c>ScenarioProps</c>.</summary>
public sealed record ScenarioProps
{
    internal ScenarioProps(string name, Func<IScenarioContext, Task<IResponse>>? run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Run = run;
    }

    public string Name { get; }
    public Func<IScenarioContext, Task<IResponse>>? Run { get; }
    public Func<IScenarioInitContext, Task>? Init { get; private init; }
    public Func<IScenarioInitContext, Task>? Clean { get; private init; }
    public TimeSpan WarmUpDuration { get; private init; }
    public IReadOnlyList<LoadSimulation> LoadSimulations { get; private init; } = [Simulation.KeepConstant(1, TimeSpan.FromMinutes(1))];
    public int? Weight { get; private init; }
    public int MaxFailCount { get; private init; } = 5_000;
    public bool RestartIterationOnFail { get; private init; } = true;

    /// <summary>Open model: iterations in flight at most; later arrivals wait for a slot (their wait counts as latency).</summary>
    public int MaxConcurrency { get; private init; } = 1_000;

    /// <summary>Open model: an arrival that cannot start within this of its intended time is dropped and counted.</summary>
    public TimeSpan MaxLag { get; private init; } = TimeSpan.FromSeconds(1);

    public ScenarioProps WithInit(Func<IScenarioInitContext, Task> init) => this with { Init = init };

    public ScenarioProps WithInit(Action<IScenarioInitContext> init) => this with { Init = c => { init(c); return Task.CompletedTask; } };

    public ScenarioProps WithClean(Func<IScenarioInitContext, Task> clean) => this with { Clean = clean };

    public ScenarioProps WithClean(Action<IScenarioInitContext> clean) => this with { Clean = c => { clean(c); return Task.CompletedTask; } };

    public ScenarioProps WithWarmUpDuration(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return this with { WarmUpDuration = duration };
    }

    public ScenarioProps WithoutWarmUp() => this with { WarmUpDuration = TimeSpan.Zero };

    public ScenarioProps WithLoadSimulations(params LoadSimulation[] simulations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(simulations.Length);
        return this with { LoadSimulations = [.. simulations] };
    }

    /// <summary>
    /// Relative share among the weighted scenarios of a run: they share one arrival stream (the load simulations of the
    /// first weighted scenario), and each arrival runs one of them, drawn by weight.
    /// </summary>
    public ScenarioProps WithWeight(int weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        return this with { Weight = weight };
    }

    /// <summary>The run stops when this scenario has failed this many times.</summary>
    public ScenarioProps WithMaxFailCount(int maxFailCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFailCount);
        return this with { MaxFailCount = maxFailCount };
    }

    public ScenarioProps WithRestartIterationOnFail(bool shouldRestart) => this with { RestartIterationOnFail = shouldRestart };

    public ScenarioProps WithMaxConcurrency(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        return this with { MaxConcurrency = maxConcurrency };
    }

    public ScenarioProps WithMaxLag(TimeSpan maxLag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLag, TimeSpan.Zero);
        return this with { MaxLag = maxLag };
    }
}

public static class Scenario
{
    public static ScenarioProps Create(string name, Func<IScenarioContext, Task<IResponse>> run) => new(name, run);

    /// <summary>A scenario with no load, only init and clean.</summary>
    public static ScenarioProps Empty(string name) => new(name, null);
}

/// <summary>Named parts of an iteration, measured on their own (as NBomber's <c>Step.Run</c>).</summary>
public static class Step
{
    public static Task<Response<T>> Run<T>(string name, IScenarioContext context, Func<Task<Response<T>>> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Run(context, run, _ => name);
    }

    /// <summary>
    /// A step named after its outcome (<paramref name="nameOf"/> sees the response, a failed one included), so that, say,
    /// a claim answered "sold out" is measured apart from one that got a voucher.
    /// </summary>
    public static async Task<Response<T>> Run<T>(IScenarioContext context, Func<Task<Response<T>>> run, Func<Response<T>, string> nameOf)
    {
        var iteration = context as IterationContext
            ?? throw new ArgumentException("Step.Run needs the context the runner passed to the scenario.", nameof(context));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Response<T> response;
        try
        {
            response = await run();
        }
        catch (Exception ex) when (ex is not StepFailedException)
        {
            response = Response.Fail<T>(ex is OperationCanceledException ? "cancelled" : "exception", $"{ex.GetType().Name}: {ex.Message}");
        }

        var name = nameOf(response);
        ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(nameOf));
        iteration.RecordStep(name, response, started);
        if (response.IsError && iteration.RestartIterationOnFail)
        {
            throw new StepFailedException(name, response);
        }

        return response;
    }
}

/// <summary>Ends an iteration whose step failed (NBomber's restart-iteration-on-fail), carrying that step's response.</summary>
internal sealed class StepFailedException(string step, IResponse response) : Exception($"Step '{step}' failed: {response.Message}")
{
    public IResponse Response { get; } = response;
}
