using System.Collections.Concurrent;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>
/// People claiming one batch as they behave on its opening day. Newcomers claim, and once the stock is gone they are
/// late arrivals told "sold out"; people who hold a voucher tap "claim" again with a new request id
/// (<see cref="ScenarioSettings.RepeatShare"/> of the arrivals, and every arrival once <see cref="ScenarioSettings.People"/>
/// newcomers came); a channel that timed out sends an earlier request again with the same request id, possibly while
/// the first is still in flight (<see cref="ScenarioSettings.ReplayShare"/>). Each arrival is one step named after
/// what it measures — <see cref="Fresh"/>, <see cref="SoldOut"/>, <see cref="Repeat"/>, <see cref="Replay"/> — so the
/// report gives each its own count, rate and latency. Every answer is checked against what was acknowledged before.
/// </summary>
public sealed class ClaimCrowd(VoucherApi api, ScenarioSettings settings, long seed, string requestKind, Action<string>? claimed = null)
{
    /// <summary>A newcomer's claim that got a voucher.</summary>
    public const string Fresh = "fresh";

    /// <summary>A newcomer's claim refused as sold out (a late arrival).</summary>
    public const string SoldOut = "sold-out";

    /// <summary>A holder's claim with a new request id: 409 already-claimed naming the held voucher.</summary>
    public const string Repeat = "repeat";

    /// <summary>An earlier request sent again with its request id: the first answer again.</summary>
    public const string Replay = "replay";

    private readonly PersonPool people = new(seed);
    private readonly ConcurrentDictionary<long, string> codeOfPerson = new();
    private readonly ConcurrentDictionary<string, long> personOfCode = new(StringComparer.Ordinal);
    private readonly List<long> holders = [];
    private readonly ConcurrentQueue<string> violations = new();
    private long lastPerson = -1;
    private long soldOut;
    private long unknownOutcomes;

    public string BatchId { get; set; } = "";

    public int Quantity { get; set; }

    /// <summary>The voucher acknowledged to each person who got one.</summary>
    public IReadOnlyDictionary<long, string> CodeOfPerson => codeOfPerson;

    public Person this[long person] => people[person];

    public async Task<IResponse> ArriveAsync(IScenarioContext context)
    {
        var ct = context.CancellationToken;
        var roll = context.Random.NextDouble();
        var sent = Interlocked.Read(ref lastPerson) + 1;
        if (roll < settings.ReplayShare && sent > 0)
        {
            var person = context.Random.NextInt64(sent);
            return await Step.Run(Replay, context, () => ClaimAsync(person, replay: true, ct));
        }

        if ((roll < settings.ReplayShare + settings.RepeatShare || (settings.People is { } cap && sent >= cap)) && PickHolder(context.Random) is { } holder)
        {
            return await Step.Run(Repeat, context, () => RepeatAsync(holder, ct));
        }

        var next = Interlocked.Increment(ref lastPerson);
        return await Step.Run(context, () => ClaimAsync(next, replay: false, ct), r => r.IsOk && Equals(r.Payload, SoldOut) ? SoldOut : Fresh);
    }

    /// <summary>What the batch's counters must show after the run, given what was acknowledged.</summary>
    public async Task CheckAsync(IScenarioInitContext context, string prefix = "")
    {
        var batch = await api.GetCountersAsync(BatchId);
        var acknowledged = personOfCode.Count;
        var unknown = Interlocked.Read(ref unknownOutcomes);
        context.Invariant($"{prefix}claimed <= quantity", batch.Claimed <= Quantity, $"claimed {batch.Claimed:N0} of {Quantity:N0}");
        if (Interlocked.Read(ref soldOut) > 0)
        {
            context.Invariant($"{prefix}sold out only when every voucher is claimed", batch.Claimed == Quantity,
                $"{soldOut:N0} sold-out answers; claimed {batch.Claimed:N0} of {Quantity:N0}");
            context.Invariant($"{prefix}acknowledged vouchers <= claimed", acknowledged <= batch.Claimed, $"acknowledged {acknowledged:N0}, claimed {batch.Claimed:N0}");
        }
        else
        {
            context.Invariant($"{prefix}claimed == distinct acknowledged vouchers", acknowledged <= batch.Claimed && batch.Claimed <= acknowledged + unknown,
                $"claimed {batch.Claimed:N0}, acknowledged {acknowledged:N0}, requests with unknown outcome {unknown:N0}");
        }

        context.Invariant($"{prefix}no person acknowledged twice with different codes", violations.IsEmpty,
            violations.IsEmpty ? $"{codeOfPerson.Count:N0} people acknowledged" : string.Join("; ", violations.Take(5)));
    }

    private async Task<Response<object>> ClaimAsync(long person, bool replay, CancellationToken cancellationToken)
    {
        var r = await Send(() => api.ClaimAsync(BatchId, people[person], settings.RequestId(requestKind, person), cancellationToken));
        switch (r.Status, r.Problem)
        {
            case (200, _):
                return r.String("code") is { } code && Acknowledge(person, code)
                    ? r.Ok<object>(code)
                    : r.Fail<object>($"person #{person} was acknowledged with a second code {r.String("code")}");
            case (409, "sold-out"):
                Interlocked.Increment(ref soldOut);
                return r.Ok<object>(SoldOut);
            default:
                return r.Fail<object>($"{(replay ? "a replay" : "a first claim")} answered {r.Status}: {VoucherApi.Text(r)}");
        }
    }

    /// <summary>A new request id for someone who holds a voucher: must be 409 already-claimed naming that voucher.</summary>
    private async Task<Response<object>> RepeatAsync(long person, CancellationToken cancellationToken)
    {
        var r = await Send(() => api.ClaimAsync(BatchId, people[person], settings.RequestId($"{requestKind}-again", Random.Shared.NextInt64()), cancellationToken));
        codeOfPerson.TryGetValue(person, out var held);
        if (r.Status == 409 && r.Problem == "already-claimed" && r.String("voucherCode") == held)
        {
            return r.Ok<object>(held!);
        }

        if (r.Status == 200 && r.String("code") is { } code)
        {
            Acknowledge(person, code);
        }

        return r.Fail<object>($"a repeat claim answered {r.Status} (voucher {r.String("voucherCode") ?? r.String("code")}, held {held})");
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

            claimed?.Invoke(code);
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
}
