using System.Collections.Concurrent;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// Distinct people claim one hot batch; 3% of the arrivals retry an earlier request (same request id, possibly
/// while the first is still in flight) and 2% make a second claim for someone already holding a voucher. Clean
/// reads the batch and the vouchers back from the API and checks that nothing was over-issued or issued twice.
/// </summary>
public sealed class ClaimBurst(VoucherApi api, ScenarioSettings settings)
{
    public const string Name = "claim-burst";
    private const int VerifySample = 2_000;
    private const int WalletSample = 200;

    private readonly PersonPool people = new(settings.Seed);
    private readonly ConcurrentDictionary<long, string> codeOfPerson = new();
    private readonly ConcurrentDictionary<string, long> personOfCode = new(StringComparer.Ordinal);
    private readonly List<long> holders = [];
    private readonly ConcurrentQueue<string> violations = new();
    private string batchId = "";
    private int quantity;
    private long lastPerson = -1;
    private long soldOut;
    private long unknownOutcomes;

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, IterationAsync), defaultRate: 200)
        .WithInit(InitAsync)
        .WithClean(CheckInvariantsAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        quantity = settings.Quantity ?? (settings.Smoke ? 1_000 : 1_000_000);
        batchId = await api.CreateActiveBatchAsync($"load test {Name} {settings.Seed:x}", quantity, context.CancellationToken);
        context.Log($"batch {batchId} with {quantity:N0} vouchers is active");
    }

    private async Task<IResponse> IterationAsync(IScenarioContext context)
    {
        var roll = context.Random.NextDouble();
        var sent = Interlocked.Read(ref lastPerson) + 1;
        if (roll < 0.03 && sent > 0)
        {
            var person = context.Random.NextInt64(sent);
            return await Step.Run("retry", context, () => ClaimAsync(person, retry: true, context.CancellationToken));
        }

        if ((roll < 0.05 || (settings.People is { } cap && sent >= cap)) && PickHolder(context.Random) is { } holder)
        {
            return await Step.Run("second-claim", context, () => SecondClaimAsync(holder, context.CancellationToken));
        }

        var next = Interlocked.Increment(ref lastPerson);
        return await Step.Run("claim", context, () => ClaimAsync(next, retry: false, context.CancellationToken));
    }

    private async Task<Response<object>> ClaimAsync(long person, bool retry, CancellationToken cancellationToken)
    {
        var r = await Send(() => api.ClaimAsync(batchId, people[person], settings.RequestId("claim", person), cancellationToken));
        switch (r.Status, r.Problem)
        {
            case (200, _):
                return r.String("code") is { } code && Acknowledge(person, code)
                    ? r.Ok<object>(code)
                    : r.Fail<object>($"person #{person} was acknowledged with a second code {r.String("code")}");
            case (409, "sold-out"):
                Interlocked.Increment(ref soldOut);
                return r.Ok<object>("sold-out");
            default:
                return r.Fail<object>($"{(retry ? "a retry" : "a first claim")} answered {r.Status}: {VoucherApi.Text(r)}");
        }
    }

    /// <summary>A new request id for someone who holds a voucher: must be 409 already-claimed naming that voucher.</summary>
    private async Task<Response<object>> SecondClaimAsync(long person, CancellationToken cancellationToken)
    {
        var r = await Send(() => api.ClaimAsync(batchId, people[person], settings.RequestId("again", Random.Shared.NextInt64()), cancellationToken));
        codeOfPerson.TryGetValue(person, out var held);
        if (r.Status == 409 && r.Problem == "already-claimed" && r.String("voucherCode") == held)
        {
            return r.Ok<object>(held!);
        }

        if (r.Status == 200 && r.String("code") is { } code)
        {
            Acknowledge(person, code);
        }

        return r.Fail<object>($"a second claim answered {r.Status} (voucher {r.String("voucherCode") ?? r.String("code")}, held {held})");
    }

    private async Task<ApiResponse> Send(Func<Task<ApiResponse>> send)
    {
        try
        {
            return await send();
        }
        catch
        {
            // The claim may or may not have happened: the invariant allows for it.
            Interlocked.Increment(ref unknownOutcomes);
            throw;
        }
    }

    private bool Acknowledge(long person, string code)
    {
        var isNew = codeOfPerson.TryAdd(person, code);
        if (!isNew && codeOfPerson[person] != code)
        {
            violations.Enqueue($"person #{person} was acknowledged with {codeOfPerson[person]} and {code}");
            return false;
        }

        var holder = personOfCode.GetOrAdd(code, person);
        if (holder != person)
        {
            violations.Enqueue($"voucher {code} was acknowledged to person #{holder} and person #{person}");
            return false;
        }

        if (isNew)
        {
            lock (holders)
            {
                holders.Add(person);
            }
        }

        return true;
    }

    private long? PickHolder(Random random)
    {
        lock (holders)
        {
            return holders.Count == 0 ? null : holders[random.Next(holders.Count)];
        }
    }

    private async Task CheckInvariantsAsync(IScenarioInitContext context)
    {
        var batch = await api.GetCountersAsync(batchId);
        var acknowledged = personOfCode.Count;
        var unknown = Interlocked.Read(ref unknownOutcomes);
        context.Invariant("claimed <= quantity", batch.Claimed <= quantity, $"claimed {batch.Claimed:N0} of {quantity:N0}");
        if (Interlocked.Read(ref soldOut) > 0)
        {
            context.Invariant("sold out only when every voucher is claimed", batch.Claimed == quantity,
                $"{soldOut:N0} sold-out answers; claimed {batch.Claimed:N0} of {quantity:N0}");
            context.Invariant("acknowledged vouchers <= claimed", acknowledged <= batch.Claimed, $"acknowledged {acknowledged:N0}, claimed {batch.Claimed:N0}");
        }
        else
        {
            context.Invariant("claimed == distinct acknowledged vouchers", acknowledged <= batch.Claimed && batch.Claimed <= acknowledged + unknown,
                $"claimed {batch.Claimed:N0}, acknowledged {acknowledged:N0}, requests with unknown outcome {unknown:N0}");
        }

        context.Invariant("no person acknowledged twice with different codes", violations.IsEmpty,
            violations.IsEmpty ? $"{codeOfPerson.Count:N0} people acknowledged" : string.Join("; ", violations.Take(5)));

        var sample = personOfCode.Keys.OrderBy(_ => Random.Shared.Next()).Take(VerifySample).ToList();
        var verdicts = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (code, ct) =>
        {
            var r = await api.VerifyAsync(code, ct);
            verdicts.AddOrUpdate(r.Status == 200 ? r.String("verdict") ?? "?" : $"http-{r.Status}", 1, (_, n) => n + 1);
        });
        var missing = verdicts.Where(v => v.Key is not ("valid" or "alreadyUsed" or "redeemed" or "expired" or "returned" or "notForThisInstitution")).Sum(v => v.Value);
        context.Invariant("every acknowledged voucher exists", missing == 0,
            $"verified {sample.Count:N0} of {acknowledged:N0}: {string.Join(", ", verdicts.OrderBy(v => v.Key).Select(v => $"{v.Key} {v.Value:N0}"))}");

        var wallets = codeOfPerson.Keys.OrderBy(_ => Random.Shared.Next()).Take(WalletSample).ToList();
        var bad = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(wallets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (person, ct) =>
        {
            var r = await api.WalletAsync(people[person], ct);
            var live = r.Status == 200 && r.Json.TryGetProperty("vouchers", out var vouchers)
                ? vouchers.EnumerateArray()
                    .Where(v => v.GetProperty("batchId").GetString() == batchId && v.GetProperty("status").GetString() is not ("returned" or "expired"))
                    .Select(v => v.GetProperty("code").GetString())
                    .ToList()
                : null;
            if (live is null || live.Count != 1 || live[0] != codeOfPerson[person])
            {
                bad.Enqueue($"person #{person}: wallet {r.Status} shows [{string.Join(", ", live ?? [])}], acknowledged {codeOfPerson[person]}");
            }
        });
        context.Invariant("one live voucher of the batch per person (wallet sample)", bad.IsEmpty,
            bad.IsEmpty ? $"{wallets.Count:N0} wallets checked" : string.Join("; ", bad.Take(5)));
    }
}
