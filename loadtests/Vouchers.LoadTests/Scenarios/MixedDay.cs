using System.Collections.Concurrent;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// A working day over several batches, a few hot and a long tail (Zipf): people claim, institutions verify and
/// enrol (use), apply for subsidies in small bundles, and HR reviews and disburses, which redeems the vouchers.
/// Each arrival does one of these, in the ratios of <see cref="Actions"/>; each is a named step. Claimants behave as
/// people do (<see cref="ClaimCrowd"/>: holders claiming again, replays, late arrivals), measured as steps of their own.
/// </summary>
public sealed class MixedDay
{
    public const string Name = "mixed-day";
    private const int Batches = 5;
    private const int ApplicationSize = 10;

    private readonly VoucherApi api;
    private readonly ScenarioSettings settings;

    private static readonly (string Name, int Weight)[] Actions = [("claim", 50), ("verify", 22), ("use", 14), ("apply-subsidy", 8), ("review-disburse", 6)];

    /// <summary>Keeps the people of the batches' crowds apart (a pool holds about 5.5 × 10⁸).</summary>
    private const long PeoplePerBatch = 100_000_000;

    private readonly Zipf zipf = new(Batches);
    private readonly BatchState[] batches;
    private readonly ConcurrentQueue<(int Batch, string Id, string[] Codes)> applications = new();
    private readonly List<string> seen = [];
    private int quantity;
    private long unknownOutcomes;

    public MixedDay(VoucherApi api, ScenarioSettings settings)
    {
        this.api = api;
        this.settings = settings;
        batches = [.. Enumerable.Range(0, Batches).Select(b => new BatchState(this, b))];
    }

    public ScenarioProps Create() => settings.Apply(Scenario.Create(Name, IterationAsync), defaultRate: 100)
        .WithInit(InitAsync)
        .WithClean(CheckInvariantsAsync);

    private async Task InitAsync(IScenarioInitContext context)
    {
        quantity = settings.Quantity ?? (settings.Smoke ? 2_000 : 100_000);
        for (var b = 0; b < Batches; b++)
        {
            batches[b].Crowd.Quantity = quantity;
            batches[b].Crowd.BatchId = await api.CreateActiveBatchAsync($"load test {Name} {settings.Seed:x} #{b + 1}", quantity, context.CancellationToken);
        }

        context.Log($"{Batches} batches of {quantity:N0} vouchers are active: {string.Join(", ", batches.Select(b => b.Crowd.BatchId))}");
    }

    private async Task<IResponse> IterationAsync(IScenarioContext context)
    {
        var ct = context.CancellationToken;
        var action = PickAction(context.Random);
        var b = zipf.Next(context.Random);
        var batch = batches[b];
        switch (action)
        {
            case "verify" when PickSeen(context.Random) is { } code:
                return await Step.Run("verify", context, () => VerifyAsync(code, ct));
            case "use" when batch.Claimed.TryDequeue(out var code):
                return await Step.Run("use", context, () => UseAsync(batch, code, ct));
            case "apply-subsidy" when batch.Used.Count > 0:
                return await Step.Run("apply-subsidy", context, () => ApplyAsync(b, ct));
            case "review-disburse" when applications.TryDequeue(out var application):
                var reviewed = await Step.Run("review", context, () => ReviewAsync(application, context.Random, ct));
                return await Step.Run("disburse", context, () => DisburseAsync(application, reviewed.Payload!, ct));
            default:
                // Claims come first in a day; an action with nothing to act on yet claims instead.
                return await batch.Crowd.ArriveAsync(context);
        }
    }

    private async Task<Response<object>> VerifyAsync(string code, CancellationToken ct)
    {
        var r = await api.VerifyAsync(code, ct);
        return r.Status == 200 && r.String("verdict") is "valid" or "alreadyUsed" or "redeemed"
            ? Response.Ok<object>(code, $"200 {r.String("verdict")}", r.Size)
            : r.Fail<object>($"an issued code verified as {r.String("verdict") ?? r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private async Task<Response<object>> UseAsync(BatchState batch, string code, CancellationToken ct)
    {
        var r = await api.UseAsync(code, ct);
        if (r.Status == 200)
        {
            batch.Used.Enqueue(code);
            return r.Ok<object>(code);
        }

        return r.Fail<object>($"use answered {r.Status}: {VoucherApi.Text(r)}");
    }

    private async Task<Response<object>> ApplyAsync(int b, CancellationToken ct)
    {
        var codes = new List<string>(ApplicationSize);
        while (codes.Count < ApplicationSize && batches[b].Used.TryDequeue(out var code))
        {
            codes.Add(code);
        }

        if (codes.Count == 0)
        {
            return Response.Ok<object>("nothing to apply for", "skipped");
        }

        var r = await api.ApplyForSubsidyAsync(batches[b].Crowd.BatchId, codes, ct);
        if (r.Status == 201 && r.String("id") is { } id)
        {
            applications.Enqueue((b, id, [.. codes]));
            return r.Ok<object>(id);
        }

        return r.Fail<object>($"applying answered {r.Status}: {VoucherApi.Text(r)}");
    }

    /// <summary>Approves the lines, rejecting about one in twenty; the payload is the number approved.</summary>
    private async Task<Response<object>> ReviewAsync((int Batch, string Id, string[] Codes) application, Random random, CancellationToken ct)
    {
        var decisions = application.Codes.Select(c => (Code: c, Approve: random.Next(20) != 0)).ToList();
        var r = await api.ReviewAsync(application.Id, decisions, ct);
        return r.Status == 200 ? r.Ok<object>(decisions.Count(d => d.Approve)) : r.Fail<object>($"review answered {r.Status}: {VoucherApi.Text(r)}");
    }

    private async Task<Response<object>> DisburseAsync((int Batch, string Id, string[] Codes) application, object approved, CancellationToken ct)
    {
        var r = await api.DisburseAsync(application.Id, ct);
        if (r.Status == 200)
        {
            Interlocked.Add(ref batches[application.Batch].Redeemed, (int)approved);
            return r.Ok<object>(application.Id);
        }

        Interlocked.Increment(ref unknownOutcomes);
        return r.Fail<object>($"disburse answered {r.Status}: {VoucherApi.Text(r)}");
    }

    private static string PickAction(Random random)
    {
        var draw = random.Next(Actions.Sum(a => a.Weight));
        foreach (var (name, weight) in Actions)
        {
            if ((draw -= weight) < 0)
            {
                return name;
            }
        }

        return Actions[0].Name;
    }

    private string? PickSeen(Random random)
    {
        lock (seen)
        {
            return seen.Count == 0 ? null : seen[random.Next(seen.Count)];
        }
    }

    private async Task CheckInvariantsAsync(IScenarioInitContext context)
    {
        var unknown = Interlocked.Read(ref unknownOutcomes);
        for (var b = 0; b < Batches; b++)
        {
            var batch = batches[b];
            await batch.Crowd.CheckAsync(context, $"batch #{b + 1}: ");
            var counters = await api.GetCountersAsync(batch.Crowd.BatchId);
            context.Invariant($"batch #{b + 1}: redeemed == approved and disbursed", counters.Redeemed >= batch.Redeemed && counters.Redeemed <= batch.Redeemed + (unknown * ApplicationSize),
                $"redeemed {counters.Redeemed:N0}, approved and disbursed {batch.Redeemed:N0}");
        }
    }

    private sealed class BatchState
    {
        public BatchState(MixedDay day, int index) =>
            Crowd = new(day.api, day.settings, day.settings.Seed + 3 + (index * PeoplePerBatch), $"day{index}", code =>
            {
                Claimed.Enqueue(code);
                lock (day.seen)
                {
                    day.seen.Add(code);
                }
            });

        public ClaimCrowd Crowd { get; }
        public int Redeemed;
        public ConcurrentQueue<string> Claimed { get; } = new();
        public ConcurrentQueue<string> Used { get; } = new();
    }
}
