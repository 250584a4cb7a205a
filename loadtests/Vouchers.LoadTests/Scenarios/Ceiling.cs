namespace Vouchers.LoadTests.Scenarios;

/// <summary>A plain GET of a trivial endpoint (default /ping): what this box and this load generator can do at all.</summary>
public sealed class Ceiling(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "ceiling";

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, async context =>
    {
        var r = await api.GetAsync(settings.PingPath, context.CancellationToken);
        return r.IsSuccess ? r.Ok<object>("") : r.Fail<object>($"GET {settings.PingPath} answered {r.Status}");
    }), defaultRate: 1_000);
}
