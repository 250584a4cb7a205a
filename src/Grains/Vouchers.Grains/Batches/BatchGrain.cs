using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Batches;

internal sealed partial class BatchGrain(
    [PersistentState("batch", StorageNames.Vouchers)] IPersistentState<BatchState> state,
    TimeProvider time,
    ILogger<BatchGrain> logger) : Grain, IBatchGrain
{
    private string Id => this.GetPrimaryKeyString();

    private BatchDefinition? Definition => state.State.Definition;

    public async Task<BatchCommandResult> CreateAsync(BatchDefinition definition)
    {
        if (Definition is not null)
        {
            return new(BatchCommandStatus.AlreadyExists, Snapshot());
        }

        if (Invalid(definition) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        state.State.Definition = definition;
        state.State.Status = BatchStatus.Draft;
        state.State.CreatedAt = now;
        await SaveAsync(publishSummary: true);
        LogCreated(Id, definition.RegionCode, definition.Quantity);
        return Done();
    }

    public async Task<BatchCommandResult> UpdateAsync(BatchDefinition definition)
    {
        if (Definition is null)
        {
            return NotFound();
        }

        if (state.State.Status == BatchStatus.Closed)
        {
            return new(BatchCommandStatus.InvalidTransition, Snapshot(), "A closed batch cannot be changed.");
        }

        if (Invalid(definition) is { } invalid)
        {
            return invalid;
        }

        if (definition.RegionCode != Definition.RegionCode)
        {
            return new(BatchCommandStatus.Invalid, Snapshot(), "The region of a batch cannot change.");
        }

        if (definition.Quantity < LiveClaims)
        {
            return new(BatchCommandStatus.Invalid, Snapshot(), $"The quantity cannot drop below the {LiveClaims} live claims.");
        }

        if (definition.FixedExpiry != Definition.FixedExpiry || definition.DaysValidAfterClaim != Definition.DaysValidAfterClaim)
        {
            if (state.State.Issued > 0)
            {
                return new(BatchCommandStatus.Invalid, Snapshot(), "The validity cannot change once vouchers were claimed.");
            }
        }

        state.State.Definition = definition;
        await SaveAsync(publishSummary: true);
        return Done();
    }

    public Task<BatchCommandResult> ActivateAsync() =>
        TransitionAsync(BatchStatus.Active, BatchStatus.Draft, BatchStatus.Paused);

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
            return new(BatchCommandStatus.InvalidTransition, Snapshot(), "A closed batch cannot be changed.");
        }

        var total = (long)Definition.Quantity + amount;
        if (amount < 1 || total > BatchDefinitionRules.MaxQuantity)
        {
            return new(BatchCommandStatus.Invalid, Snapshot(), $"The amount must be positive and the quantity stay at most {BatchDefinitionRules.MaxQuantity}.");
        }

        state.State.Definition = Definition with { Quantity = (int)total };
        await SaveAsync();
        return Done();
    }

    public Task<BatchSnapshot?> GetAsync() => Task.FromResult(Definition is null ? null : Snapshot());

    public async Task<Reservation> ReserveAsync(ClaimRequest request, bool onTargetedList)
    {
        if (Definition is not { } d)
        {
            return new(ClaimOutcome.BatchNotFound);
        }

        if (state.State.Status != BatchStatus.Active)
        {
            return new(ClaimOutcome.BatchNotActive, Detail: $"The batch is {state.State.Status.ToString().ToLowerInvariant()}.");
        }

        var now = time.GetUtcNow();
        if (now < d.ClaimOpensAt || now >= d.ClaimClosesAt)
        {
            return new(ClaimOutcome.OutsideClaimWindow, Detail: $"Claims are accepted from {d.ClaimOpensAt:O} until {d.ClaimClosesAt:O}.");
        }

        if (!d.EnabledChannelIds.IsDefaultOrEmpty && !d.EnabledChannelIds.Contains(request.ChannelId))
        {
            return new(ClaimOutcome.ChannelNotEnabled);
        }

        if (d.RequiresCommitment && !request.Commitment)
        {
            return new(ClaimOutcome.CommitmentRequired);
        }

        var groups = request.AttestedGroups.IsDefault ? [] : request.AttestedGroups;
        if (d.Eligibility.Check(request.Person, groups, onTargetedList, ChinaTime.DayOf(now)) is { } reason)
        {
            return new(ClaimOutcome.NotEligible, Detail: reason);
        }

        if (LiveClaims >= d.Quantity)
        {
            return new(ClaimOutcome.SoldOut);
        }

        var expiresAt = d.ExpiryFor(now);
        state.State.Issued++;
        ChangeOutstanding(expiresAt, +1);
        await SaveAsync();
        return new(ClaimOutcome.Claimed, d.ProgramId, d.SubsidyAmount, expiresAt, d.EligibleInstitutionIds);
    }

    public async Task CancelReservationAsync(DateTimeOffset expiresAt)
    {
        state.State.Issued--;
        ChangeOutstanding(expiresAt, -1);
        await SaveAsync();
    }

    public async Task OnReturnedAsync(DateTimeOffset expiresAt)
    {
        state.State.Returned++;
        ChangeOutstanding(expiresAt, -1);
        await SaveAsync();
    }

    public async Task OnUsedAsync(DateTimeOffset expiresAt)
    {
        state.State.Used++;
        ChangeOutstanding(expiresAt, -1);
        await SaveAsync();
    }

    public async Task OnRedeemedAsync(decimal amount)
    {
        state.State.Redeemed++;
        state.State.FundsDisbursed += amount;
        await SaveAsync();
    }

    private int LiveClaims => state.State.Issued - state.State.Returned;

    private void ChangeOutstanding(DateTimeOffset expiresAt, int delta)
    {
        var key = expiresAt.ToUnixTimeSeconds();
        var count = state.State.OutstandingByExpiry.GetValueOrDefault(key) + delta;
        if (count == 0)
        {
            state.State.OutstandingByExpiry.Remove(key);
        }
        else
        {
            state.State.OutstandingByExpiry[key] = count;
        }
    }

    private async Task<BatchCommandResult> TransitionAsync(BatchStatus target, params BatchStatus[] from)
    {
        if (Definition is null)
        {
            return NotFound();
        }

        if (state.State.Status == target)
        {
            return Done();
        }

        if (!from.Contains(state.State.Status))
        {
            return new(BatchCommandStatus.InvalidTransition, Snapshot(),
                $"A {state.State.Status.ToString().ToLowerInvariant()} batch cannot become {target.ToString().ToLowerInvariant()}.");
        }

        var previous = state.State.Status;
        state.State.Status = target;
        await SaveAsync(publishSummary: true);
        LogStatusChanged(Id, previous, target);
        return Done();
    }

    private async Task SaveAsync(bool publishSummary = false)
    {
        state.State.UpdatedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        if (publishSummary && Definition is { } d)
        {
            // Only definition and status changes reach the catalog; claims never touch it.
            var summary = new BatchSummary(Id, d.Title, d.ProgramId, d.RegionCode, state.State.Status, d.ClaimOpensAt, d.ClaimClosesAt, d.EnabledChannelIds);
            await GrainFactory.GetGrain<IBatchCatalogGrain>(BatchCatalogGrain.Key).UpsertAsync(summary);
        }
    }

    private BatchCommandResult? Invalid(BatchDefinition definition)
    {
        var errors = BatchDefinitionRules.Validate(definition);
        return errors.Count == 0
            ? null
            : new(BatchCommandStatus.Invalid, Definition is null ? null : Snapshot(), string.Join(" ", errors.SelectMany(e => e.Value)));
    }

    private BatchCommandResult Done() => new(BatchCommandStatus.Done, Snapshot());

    private static BatchCommandResult NotFound() => new(BatchCommandStatus.NotFound, null);

    private BatchSnapshot Snapshot()
    {
        var s = state.State;
        var d = s.Definition!;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var expired = s.OutstandingByExpiry.Where(e => e.Key <= now).Sum(e => e.Value);
        var live = LiveClaims;
        var counters = new BatchCounters(
            Quantity: d.Quantity,
            Claimed: live,
            Used: s.Used,
            Redeemed: s.Redeemed,
            Returned: s.Returned,
            Expired: expired,
            Remaining: d.Quantity - live,
            FundsCommitted: (live - expired) * d.SubsidyAmount,
            FundsDisbursed: s.FundsDisbursed);
        return new BatchSnapshot(Id, d, s.Status, counters, s.CreatedAt, s.UpdatedAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} created in region '{RegionCode}' with quantity {Quantity}")]
    private partial void LogCreated(string batchId, string regionCode, int quantity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} went from {Previous} to {Current}")]
    private partial void LogStatusChanged(string batchId, BatchStatus previous, BatchStatus current);
}
