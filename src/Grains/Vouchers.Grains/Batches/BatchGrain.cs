using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Batches;

/// <summary>
/// Owns a batch's definition, status and stock. Claims do not come here one by one: the stock is leased in blocks
/// to the batch's stock shards (<see cref="IStockShardGrain"/>), and this grain records each grant durably before
/// answering, so the units on lease never exceed the quantity. Blocks shrink as the stock runs low, and a shard that
/// finds none left makes the batch take back what the other shards hold unreserved, so the last units go to
/// whoever asks, whichever shard they meet.
/// </summary>
internal sealed partial class BatchGrain(
    [PersistentState("batch", StorageNames.Vouchers)] IPersistentState<BatchState> state,
    IClaimStore claims,
    IEventStore events,
    TimeProvider time,
    IOptions<StockOptions> options,
    ILogger<BatchGrain> logger) : Grain, IBatchGrain
{
    private string Id => this.GetPrimaryKeyString();

    private BatchDefinition? Definition => state.State.Definition;

    /// <summary>Batches older than the claim store's stock guard register their quantity when they wake.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Definition is { } d)
        {
            await claims.SetQuantityAsync(Id, d.Quantity, cancellationToken);
        }

        await events.FlushAsync(state.State.Outbox);
    }

    public async Task<BatchCommandResult> CreateAsync(BatchDefinition definition)
    {
        if (Definition is not null)
        {
            return new(BatchCommandStatus.AlreadyExists, await SnapshotAsync());
        }

        if (await InvalidAsync(definition, previous: null) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        state.State.Definition = definition;
        state.State.Status = BatchStatus.Draft;
        state.State.CreatedAt = now;
        state.State.StockShards = Math.Max(1, options.Value.ShardsPerBatch);
        await claims.SetQuantityAsync(Id, definition.Quantity);
        await SaveAsync(EventKind.BatchDefined);
        LogCreated(Id, definition.RegionCode, definition.Quantity);
        return await DoneAsync();
    }

    public async Task<BatchCommandResult> UpdateAsync(BatchDefinition definition)
    {
        if (Definition is null)
        {
            return NotFound();
        }

        if (state.State.Status == BatchStatus.Closed)
        {
            return new(BatchCommandStatus.InvalidTransition, await SnapshotAsync(), "A closed batch cannot be changed.");
        }

        if (await InvalidAsync(definition, Definition) is { } invalid)
        {
            return invalid;
        }

        if (definition.RegionCode != Definition.RegionCode)
        {
            return new(BatchCommandStatus.Invalid, await SnapshotAsync(), "The region of a batch cannot change.");
        }

        if (definition.FixedExpiry != Definition.FixedExpiry || definition.DaysValidAfterClaim != Definition.DaysValidAfterClaim)
        {
            if (state.State.Leased.Count > 0)
            {
                return new(BatchCommandStatus.Invalid, await SnapshotAsync(), "The validity cannot change once claiming has begun.");
            }
        }

        if (definition.Quantity < LeasedTotal)
        {
            // Take back what the shards hold unreserved; what is left is claimed or being claimed right now.
            _ = await SweepAsync(except: null);
            if (definition.Quantity < LeasedTotal)
            {
                await SaveAsync();
                var snapshot = await SnapshotAsync();
                return new(BatchCommandStatus.Invalid, snapshot,
                    $"The quantity cannot drop below the {snapshot.Counters.Claimed} live claims and the claims in progress ({LeasedTotal} units in use).");
            }
        }

        var previous = Definition.Quantity;
        state.State.Definition = definition;
        await SaveWithQuantityAsync(previous, definition.Quantity, EventKind.BatchChanged);
        return await DoneAsync();
    }

    public async Task<BatchCommandResult> ActivateAsync()
    {
        if (Definition is { } d && state.State.Status is BatchStatus.Draft or BatchStatus.Paused
            && BatchDefinitionRules.ActivationRefusal(d, time.GetUtcNow()) is var (field, message))
        {
            return new(BatchCommandStatus.Invalid, await SnapshotAsync(), message, field);
        }

        return await TransitionAsync(BatchStatus.Active, BatchStatus.Draft, BatchStatus.Paused);
    }

    public Task<BatchCommandResult> PauseAsync() =>
        TransitionAsync(BatchStatus.Paused, BatchStatus.Active);

    public Task<BatchCommandResult> CloseAsync() =>
        TransitionAsync(BatchStatus.Closed, BatchStatus.Draft, BatchStatus.Active, BatchStatus.Paused);

    public async Task<BatchCommandResult> AddQuantityAsync(int amount)
    {
        if (Definition is null)
        {
            return NotFound();
        }

        if (state.State.Status == BatchStatus.Closed)
        {
            return new(BatchCommandStatus.InvalidTransition, await SnapshotAsync(), "A closed batch cannot be changed.");
        }

        var total = (long)Definition.Quantity + amount;
        if (amount < 1 || total > BatchDefinitionRules.MaxQuantity)
        {
            return new(BatchCommandStatus.Invalid, await SnapshotAsync(), $"The amount must be positive and the quantity stay at most {BatchDefinitionRules.MaxQuantity}.");
        }

        var previous = Definition.Quantity;
        state.State.Definition = Definition with { Quantity = (int)total };
        await SaveWithQuantityAsync(previous, (int)total, EventKind.QuantityChanged);
        return await DoneAsync();
    }

    public async Task<BatchSnapshot?> GetAsync() => Definition is null ? null : await SnapshotAsync();

    public Task<int> GetStockShardsAsync() => Task.FromResult(Definition is null ? 0 : state.State.StockShards);

    public Task<ShardAttachment> AttachShardAsync(int index) =>
        Task.FromResult(new ShardAttachment(Terms, state.State.Leased.GetValueOrDefault(index)));

    public async Task<Lease> LeaseAsync(int index)
    {
        if (Definition is not { } d || state.State.Status != BatchStatus.Active)
        {
            return new(0, Terms, Exhausted: true);
        }

        var pool = d.Quantity - LeasedTotal;
        if (pool <= 0)
        {
            var (back, unsettled) = await SweepAsync(except: index);
            pool += back;
            if (pool <= 0)
            {
                if (back > 0)
                {
                    await SaveAsync(); // the lease record changed; when nothing came back there is nothing to write
                }

                return new(0, Terms, Exhausted: unsettled == 0);
            }
        }

        // Half of the pool spread over the shards, so blocks shrink towards the end and no shard sits on the tail.
        var block = Math.Clamp(pool / (2 * state.State.StockShards), 1, Math.Max(1, options.Value.MaxLeaseBlock));
        state.State.Leased[index] = state.State.Leased.GetValueOrDefault(index) + block;
        await SaveAsync();
        return new(block, Terms);
    }

    public async Task OnUsedAsync(DateTimeOffset expiresAt)
    {
        state.State.Used++;
        var key = expiresAt.ToUnixTimeSeconds();
        state.State.UsedByExpiry[key] = state.State.UsedByExpiry.GetValueOrDefault(key) + 1;
        await SaveAsync();
    }

    public async Task OnRedeemedAsync(decimal amount)
    {
        state.State.Redeemed++;
        state.State.FundsDisbursed += amount;
        await SaveAsync();
    }

    private int LeasedTotal => state.State.Leased.Values.Sum();

    private StockTerms? Terms => Definition is null ? null : new(Definition, state.State.Status);

    private IStockShardGrain Shard(int index) => GrainFactory.Grain<IStockShardGrain>(StockShards.KeyOf(Id, index));

    /// <summary>
    /// Takes back the unreserved units of every shard but <paramref name="except"/>. Returns how many came back, and
    /// how many are unsettled: reserved by claims still being stored, or granted to a shard that has not received
    /// them yet (its own account is behind this record), or held by a shard that did not answer.
    /// </summary>
    private async Task<(int Back, int Unsettled)> SweepAsync(int? except)
    {
        var holders = state.State.Leased.Where(e => e.Value > 0 && e.Key != except).Select(e => e.Key).ToList();
        var answers = await Task.WhenAll(holders.Select(async i =>
        {
            try
            {
                return await Shard(i).SurrenderAsync();
            }
            catch (Exception ex)
            {
                LogSurrenderFailed(ex, Id, i);
                return null;
            }
        }));
        int back = 0, unsettled = 0;
        for (var i = 0; i < holders.Count; i++)
        {
            if (answers[i] is not { } answer)
            {
                unsettled += state.State.Leased[holders[i]];
                continue;
            }

            var leased = state.State.Leased[holders[i]] -= answer.Units;
            back += answer.Units;
            unsettled += answer.Reserved + Math.Max(0, leased - answer.Held);
        }

        return (back, unsettled);
    }

    private async Task<BatchCommandResult> TransitionAsync(BatchStatus target, params BatchStatus[] from)
    {
        if (Definition is null)
        {
            return NotFound();
        }

        if (state.State.Status == target)
        {
            return await DoneAsync();
        }

        if (!from.Contains(state.State.Status))
        {
            return new(BatchCommandStatus.InvalidTransition, await SnapshotAsync(),
                $"A {state.State.Status.ToString().ToLowerInvariant()} batch cannot become {target.ToString().ToLowerInvariant()}.");
        }

        var previous = state.State.Status;
        state.State.Status = target;
        await SaveAsync(target switch
        {
            BatchStatus.Active => EventKind.BatchActivated,
            BatchStatus.Paused => EventKind.BatchPaused,
            _ => EventKind.BatchClosed,
        });
        LogStatusChanged(Id, previous, target);
        return await DoneAsync();
    }

    /// <summary>
    /// Saves a definition whose quantity may have changed, and tells the claim store's stock guard in the order that
    /// keeps the guard never stricter than the batch if either write fails: a raise first, a cut last.
    /// </summary>
    private async Task SaveWithQuantityAsync(int previous, int quantity, EventKind change)
    {
        if (quantity > previous)
        {
            await claims.SetQuantityAsync(Id, quantity);
        }

        await SaveAsync(change);
        if (quantity < previous && !await claims.SetQuantityAsync(Id, quantity))
        {
            // The batch checked its leases first; only claims it does not know of could be in the way.
            LogGuardKeptQuantity(Id, quantity);
        }
    }

    /// <summary>
    /// Writes the state. A <paramref name="change"/> of the definition or the status is written with its event, which
    /// reaches the event store, the catalog and the shards before the change is answered; leases and counters are not.
    /// </summary>
    private async Task SaveAsync(EventKind? change = null)
    {
        var now = state.State.UpdatedAt = time.GetUtcNow();
        if (change is { } kind && Definition is { } changed)
        {
            state.State.Outbox.Add(new VoucherEvent($"batch/{Id}/{Guid.NewGuid():N}", kind, now, Id, ActorKind.Admin, ActingAdmin.Current,
                Batch: BatchFacts.Of(changed, state.State.Status)));
        }

        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        if (change is not null && Definition is { } d)
        {
            // Only definition and status changes reach the catalog and the shards; claims never touch them.
            var summary = new BatchSummary(Id, d.Title, d.ProgramId, d.RegionCode, state.State.Status, d.ClaimOpensAt, d.ClaimClosesAt, d.EnabledChannelIds);
            await GrainFactory.Grain<IBatchCatalogGrain>(BatchCatalogGrain.Key).UpsertAsync(summary);
            var terms = Terms!;
            await Task.WhenAll(Enumerable.Range(0, state.State.StockShards).Select(i => Shard(i).RefreshAsync(terms)));
        }
    }

    private async Task<BatchCommandResult?> InvalidAsync(BatchDefinition definition, BatchDefinition? previous)
    {
        var errors = BatchDefinitionRules.Validate(definition);
        foreach (var (field, messages) in BatchDefinitionRules.ValidateSchedule(definition, time.GetUtcNow(), previous))
        {
            errors[field] = [.. errors.GetValueOrDefault(field, []), .. messages];
        }

        return errors.Count == 0
            ? null
            : new(BatchCommandStatus.Invalid, Definition is null ? null : await SnapshotAsync(),
                string.Join(" ", errors.SelectMany(e => e.Value)), errors.Keys.First());
    }

    private async Task<BatchCommandResult> DoneAsync() => new(BatchCommandStatus.Done, await SnapshotAsync());

    private static BatchCommandResult NotFound() => new(BatchCommandStatus.NotFound, null);

    /// <summary>The batch with counters summed from the shards that ever held stock (each counts its stored claims).</summary>
    private async Task<BatchSnapshot> SnapshotAsync()
    {
        var s = state.State;
        var d = s.Definition!;
        var shards = await Task.WhenAll(s.Leased.Keys.Select(i => Shard(i).GetCountsAsync()));
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var liveExpired = shards.Sum(c => c.LiveByExpiry.Where(e => e.Key <= now).Sum(e => e.Value));
        var usedExpired = s.UsedByExpiry.Where(e => e.Key <= now).Sum(e => e.Value);
        var expired = liveExpired - usedExpired;
        var returned = shards.Sum(c => c.Returned);
        var live = shards.Sum(c => c.Issued) - returned;
        var counters = new BatchCounters(
            Quantity: d.Quantity,
            Claimed: live,
            Used: s.Used,
            Redeemed: s.Redeemed,
            Returned: returned,
            Expired: expired,
            Remaining: d.Quantity - live,
            FundsCommitted: (live - expired) * d.SubsidyAmount,
            FundsDisbursed: s.FundsDisbursed);
        return new BatchSnapshot(Id, d, s.Status, counters, s.CreatedAt, s.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {BatchId}: the claim store holds more live claims than the new quantity {Quantity}; its stock guard keeps the old one")]
    private partial void LogGuardKeptQuantity(string batchId, int quantity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock shard {BatchId}/{Index} did not surrender its units")]
    private partial void LogSurrenderFailed(Exception exception, string batchId, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} created in region '{RegionCode}' with quantity {Quantity}")]
    private partial void LogCreated(string batchId, string regionCode, int quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} went from {Previous} to {Current}")]
    private partial void LogStatusChanged(string batchId, BatchStatus previous, BatchStatus current);
}
