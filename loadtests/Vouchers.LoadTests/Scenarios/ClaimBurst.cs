using System.Collections.Concurrent;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// People claim one hot batch as they behave (<see cref="ClaimCrowd"/>): newcomers, late arrivals after sell-out,
/// holders tapping again (30 % by default) and replays of a request id after a timeout (3 %), each measured as a step of
/// its own. Clean reads the batch and the vouchers back from the API and checks that nothing was over-issued or issued twice.
/// </summary>
public sealed class ClaimBurst(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "claim-burst";
    private const int VerifySample = 2_000;
    private const int WalletSample = 200;

    /// <summary>A smoke run (about 60 arrivals) sells this out, so late arrivals are part of it.</summary>
    private const int SmokeQuantity = 25;

    private readonly ClaimCrowd crowd = new(api, settings, settings.Seed, "claim");

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, crowd.ArriveAsync), defaultRate: 200)
        .WithInit(InitAsync)
        .WithClean(CheckInvariantsAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        crowd.Quantity = settings.Quantity ?? (settings.Smoke ? SmokeQuantity : 1_000_000);
        crowd.BatchId = await api.CreateActiveBatchAsync($"load test {Name} {settings.Seed:x}", crowd.Quantity, context.CancellationToken);
        context.Log($"batch {crowd.BatchId} with {crowd.Quantity:N0} vouchers is active; {settings.RepeatShare:P0} of the arrivals are holders " +
            $"claiming again, {settings.ReplayShare:P0} replay a request");
    }

    private async Task CheckInvariantsAsync(IScenarioInitContext context)
    {
        await crowd.CheckAsync(context);
        var acknowledged = crowd.CodeOfPerson.Count;
        var sample = crowd.CodeOfPerson.Values.OrderBy(_ => Random.Shared.Next()).Take(VerifySample).ToList();
        var verdicts = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (code, ct) =>
        {
            var r = await api.VerifyAsync(code, ct);
            verdicts.AddOrUpdate(r.Status == 200 ? r.String("verdict") ?? "?" : $"http-{r.Status}", 1, (_, n) => n + 1);
        });
        var missing = verdicts.Where(v => v.Key is not ("valid" or "alreadyUsed" or "redeemed" or "expired" or "returned" or "notForThisInstitution")).Sum(v => v.Value);
        context.Invariant("every acknowledged voucher exists", missing == 0,
            $"verified {sample.Count:N0} of {acknowledged:N0}: {string.Join(", ", verdicts.OrderBy(v => v.Key).Select(v => $"{v.Key} {v.Value:N0}"))}");

        var wallets = crowd.CodeOfPerson.Keys.OrderBy(_ => Random.Shared.Next()).Take(WalletSample).ToList();
        var bad = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(wallets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (person, ct) =>
        {
            var r = await api.WalletAsync(crowd[person], ct);
            var live = r.Status == 200 && r.Json.TryGetProperty("vouchers", out var vouchers)
                ? vouchers.EnumerateArray()
                    .Where(v => v.GetProperty("batchId").GetString() == crowd.BatchId && v.GetProperty("status").GetString() is not ("returned" or "expired"))
                    .Select(v => v.GetProperty("code").GetString())
                    .ToList()
                : null;
            if (live is null || live.Count != 1 || live[0] != crowd.CodeOfPerson[person])
            {
                bad.Enqueue($"person #{person}: wallet {r.Status} shows [{string.Join(", ", live ?? [])}], acknowledged {crowd.CodeOfPerson[person]}");
            }
        });
        context.Invariant("one live voucher of the batch per person (wallet sample)", bad.IsEmpty,
            bad.IsEmpty ? $"{wallets.Count:N0} wallets checked" : string.Join("; ", bad.Take(5)));
    }
}
