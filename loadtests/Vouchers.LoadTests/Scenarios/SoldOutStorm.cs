namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// A tiny batch is exhausted in init; then new people storm it. Every answer must be 409 sold-out (anything else,
/// above all a 200, is a failure), and it should be cheap: the stock shard refuses from memory, without writing anything.
/// </summary>
public sealed class SoldOutStorm(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "sold-out-storm";

    private readonly PersonPool people = new(settings.Seed + 1);
    private string batchId = "";
    private int quantity;
    private long lastPerson;
    private long issuedDuringStorm;

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, IterationAsync), defaultRate: 300)
        .WithInit(InitAsync)
        .WithClean(CheckInvariantsAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        quantity = settings.Quantity ?? 5;
        batchId = await api.CreateActiveBatchAsync($"load test {Name} {settings.Seed:x}", quantity, context.CancellationToken);
        for (var i = 0; i < quantity; i++)
        {
            var r = await api.ClaimAsync(batchId, people[i], settings.RequestId("fill", i), context.CancellationToken);
            if (r.Status != 200)
            {
                throw new InvalidOperationException($"Filling batch {batchId}: claim {i + 1} of {quantity} answered {r.Status}: {VoucherApi.Text(r)}");
            }
        }

        var over = await api.ClaimAsync(batchId, people[quantity], settings.RequestId("fill", quantity), context.CancellationToken);
        if (over.Status != 409 || over.Problem != "sold-out")
        {
            throw new InvalidOperationException($"Batch {batchId} should be sold out, but one more claim answered {over.Status}: {VoucherApi.Text(over)}");
        }

        lastPerson = quantity;
        context.Log($"batch {batchId}: all {quantity:N0} vouchers claimed, the next claim is refused as sold out");
    }

    private async Task<IResponse> IterationAsync(IScenarioContext context)
    {
        var person = Interlocked.Increment(ref lastPerson);
        var r = await api.ClaimAsync(batchId, people[person], settings.RequestId("storm", person), context.CancellationToken);
        if (r.Status == 409 && r.Problem == "sold-out")
        {
            return r.Ok<object>("sold-out");
        }

        if (r.Status == 200)
        {
            Interlocked.Increment(ref issuedDuringStorm);
        }

        return r.Fail<object>($"expected 409 sold-out, got {r.Status}: {VoucherApi.Text(r)}");
    }

    private async Task CheckInvariantsAsync(IScenarioInitContext context)
    {
        var batch = await api.GetCountersAsync(batchId);
        context.Invariant("claimed == quantity", batch.Claimed == quantity, $"claimed {batch.Claimed:N0} of {quantity:N0}");
        context.Invariant("no voucher issued after sold out", Interlocked.Read(ref issuedDuringStorm) == 0,
            $"{issuedDuringStorm:N0} storm claims answered 200");
    }
}
