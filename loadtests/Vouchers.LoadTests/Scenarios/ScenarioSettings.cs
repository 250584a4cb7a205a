namespace Vouchers.LoadTests.Scenarios;

/// <summary>What the command line says about the load; each scenario picks its defaults for what is unset.</summary>
public sealed record ScenarioSettings
{
    public int? Rate { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);
    public int? Quantity { get; init; }
    public int? People { get; init; }
    public int MaxConcurrency { get; init; } = 1_000;
    public TimeSpan MaxLag { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>claim-burst, mixed-day: the share of claim arrivals that are a holder tapping "claim" again (new request id).</summary>
    public double RepeatShare { get; init; } = 0.30;

    /// <summary>claim-burst, mixed-day: the share of claim arrivals that send an earlier request again, as a channel does after a timeout.</summary>
    public double ReplayShare { get; init; } = 0.03;

    public bool Smoke { get; init; }
    public string PingPath { get; init; } = "/ping";

    /// <summary>Makes each run's synthetic people and request ids new.</summary>
    public long Seed { get; init; } = Random.Shared.NextInt64(1, long.MaxValue / 4);

    /// <summary>Open-model load at the rate given, or the scenario's default (a low rate for --smoke).</summary>
    public ScenarioProps Apply(ScenarioProps scenario, int defaultRate) => scenario
        .WithWarmUpDuration(WarmUp)
        .WithMaxConcurrency(MaxConcurrency)
        .WithMaxLag(MaxLag)
        .WithLoadSimulations(Simulation.Inject(Rate ?? (Smoke ? Math.Min(defaultRate, 20) : defaultRate), TimeSpan.FromSeconds(1), Duration));

    /// <summary>A request id unique to this run.</summary>
    public string RequestId(string kind, long n) => $"lt-{Seed:x}-{kind}-{n}";
}
