using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Claims;

namespace Vouchers.Grains.Stock;

/// <summary>
/// One shard of a batch's stock. It keeps no grain state: its durable truth is the batch's lease record (how many
/// units the shard holds) and the claim store (the claims taken through it), and it rebuilds itself from both on
/// activation, so a unit reserved for a claim that was never acknowledged is back in stock after a crash.
/// <para>
/// The grain is reentrant so that hundreds of claims wait on the claim store's group commit at once. Every change
/// of its memory happens between awaits (one thread at a time), and a person's second claim waits for the first
/// to settle before it is judged, so "one live claim per person" never depends on timing.
/// </para>
/// </summary>
[Reentrant]
internal sealed partial class StockShardGrain(
    IClaimStore store,
    TimeProvider time,
    IOptions<StockOptions> options,
    ILogger<StockShardGrain> logger) : Grain, IStockShardGrain
{
    private const int MaxCodeAttempts = 3;

    /// <summary>At the very end of the stock, how often a claim asks again while units are still settling.</summary>
    private const int MaxTailRetries = 25;

    private static readonly TimeSpan TailRetryDelay = TimeSpan.FromMilliseconds(2);

    /// <summary>Unreturned claims taken through this shard, by person key.</summary>
    private readonly LiveClaims live = new();

    /// <summary>Claims waiting for the store, by person key.</summary>
    private readonly Dictionary<string, Task> pending = new(StringComparer.Ordinal);

    private readonly Dictionary<long, int> liveByExpiry = [];
    private string batchId = "";
    private int index;
    private StockTerms? terms;
    private int available;

    /// <summary>Units received from the batch minus units given back (claimed ones included): the batch's record, seen from here.</summary>
    private int held;

    /// <summary>Units taken by claims whose rows are still being stored.</summary>
    private int reserved;
    private int returned;
    private Task<Lease>? leasing;
    private int lowWater;
    private DateTimeOffset dryUntil;

    private IBatchGrain Batch => GrainFactory.Grain<IBatchGrain>(batchId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (batchId, index) = StockShards.Parse(this.GetPrimaryKeyString());
        var attachment = await Batch.AttachShardAsync(index);
        terms = attachment.Terms;
        var stored = await store.LoadShardAsync(batchId, index, cancellationToken);
        live.EnsureCapacity(Math.Max(attachment.Leased, stored.Count));
        foreach (var claim in stored)
        {
            if (claim.Returned)
            {
                returned++;
            }
            else
            {
                live.Add(claim.PersonKey, claim.Code, claim.ChannelId, claim.RequestId,
                    new IssueTerms(claim.ProgramId, claim.SubsidyAmount, claim.HolderName, claim.ChannelId), claim.ClaimedAt, claim.ExpiresAt);
                CountExpiry(claim.ExpiresAt, +1);
            }
        }

        held = attachment.Leased;
        available = attachment.Leased - live.Count;
        if (available < 0)
        {
            LogLeaseShort(batchId, index, attachment.Leased, live.Count);
            available = 0;
        }
    }

    public async Task<ClaimResult> ClaimAsync(ClaimRequest request)
    {
        var person = request.PersonKey;
        while (pending.TryGetValue(person, out var earlier))
        {
            await earlier;
        }

        if (live.TryGet(person, out var mine))
        {
            // Answered from memory: a burst of people tapping "claim" again costs no voucher activation or read.
            if (mine.IsFrom(request.ChannelId, request.RequestId))
            {
                // The channel's own request again: it was told this code, so its first answer stands.
                return new(ClaimOutcome.Replayed, IssuedView(mine, request));
            }

            // Judged before the live claim is named, so a caller the batch refuses never learns the holder's code.
            return await RefusalAsync(request) ?? new(ClaimOutcome.AlreadyClaimed, IssuedView(mine, request));
        }

        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[person] = settled.Task;
        try
        {
            return await ClaimNewAsync(request);
        }
        finally
        {
            pending.Remove(person);
            settled.SetResult();
        }
    }

    public async Task<bool> ReturnAsync(string personKey, string code, DateTimeOffset at, string returnedBy)
    {
        if (!await store.MarkReturnedAsync(code, at, returnedBy))
        {
            return false;
        }

        if (live.TryRemove(personKey, code, out var expiresAt))
        {
            CountExpiry(expiresAt, -1);
        }

        returned++;
        available++;
        return true;
    }

    public Task RefreshAsync(StockTerms terms)
    {
        this.terms = terms;
        dryUntil = default;
        return Task.CompletedTask;
    }

    public Task<Surrender> SurrenderAsync()
    {
        var units = available;
        available = 0;
        held -= units;
        return Task.FromResult(new Surrender(units, held, reserved));
    }

    public Task<ShardCounts> GetCountsAsync() =>
        Task.FromResult(new ShardCounts(live.Count + returned, returned, available, liveByExpiry.ToImmutableDictionary()));

    private async Task<ClaimResult> ClaimNewAsync(ClaimRequest request)
    {
        var onTargetedList = await IsOnTargetedListAsync(request);
        if (ClaimAdmission.Refusal(terms, request, onTargetedList, time.GetUtcNow()) is { } refusal)
        {
            return refusal;
        }

        for (var attempt = 0; available == 0; attempt++)
        {
            var refill = await RefillAsync();
            if (refill == Refill.Exhausted || (refill == Refill.Settling && attempt >= MaxTailRetries))
            {
                return ClaimAdmission.Refusal(terms, request, onTargetedList, time.GetUtcNow()) ?? new(ClaimOutcome.SoldOut);
            }

            if (refill == Refill.Settling)
            {
                await Task.Delay(TailRetryDelay);
            }
        }

        available--;
        reserved++;
        try
        {
            PrefetchIfLow();
            return await StoreAsync(request);
        }
        finally
        {
            reserved--;
        }
    }

    /// <summary>Why the batch's terms refuse the claim now, or null when they admit it.</summary>
    private async Task<ClaimResult?> RefusalAsync(ClaimRequest request) =>
        ClaimAdmission.Refusal(terms, request, await IsOnTargetedListAsync(request), time.GetUtcNow());

    /// <summary>Asks the person's ledger only for a batch that admits listed people alone.</summary>
    private async Task<bool> IsOnTargetedListAsync(ClaimRequest request) =>
        terms?.Definition.Eligibility.TargetedListOnly == true
        && await GrainFactory.Grain<IPersonLedgerGrain>(request.PersonKey).IsTargetedAsync(batchId);

    private async Task<ClaimResult> StoreAsync(ClaimRequest request)
    {
        var d = terms!.Definition;
        var now = time.GetUtcNow();
        var profile = ClaimantProfile.Of(request, d.Eligibility, ChinaTime.DayOf(now));
        for (var attempt = 0; attempt < MaxCodeAttempts; attempt++)
        {
            var claim = new StoredClaim(VoucherCode.New(), batchId, index, request.PersonKey, request.ChannelId, request.RequestId,
                d.ProgramId, request.MaskedName, request.MaskedIdNumber, d.SubsidyAmount, now, d.ExpiryFor(now), d.EligibleInstitutionIds,
                Profile: profile);
            AppendOutcome outcome;
            try
            {
                outcome = await store.AppendAsync(claim);
            }
            catch (Exception ex)
            {
                // The write may or may not have committed: rebuild from the store rather than guess.
                LogAppendFailed(ex, batchId, index);
                this.DeactivateOnIdle();
                throw;
            }

            switch (outcome)
            {
                case AppendOutcome.Stored:
                    live.Add(request.PersonKey, claim.Code, claim.ChannelId, claim.RequestId,
                        new IssueTerms(claim.ProgramId, claim.SubsidyAmount, claim.HolderName, claim.ChannelId), claim.ClaimedAt, claim.ExpiresAt);
                    CountExpiry(claim.ExpiresAt, +1);
                    return new(ClaimOutcome.Claimed, ViewOf(claim));
                case AppendOutcome.PersonHasLiveClaim:
                    // A live claim taken through another shard (the batch was sharded differently then).
                    available++;
                    if (await store.FindLiveAsync(batchId, request.PersonKey) is { } other)
                    {
                        var replay = other.ChannelId == request.ChannelId && other.RequestId == request.RequestId;
                        return new(replay ? ClaimOutcome.Replayed : ClaimOutcome.AlreadyClaimed, ViewOf(other));
                    }

                    return new(ClaimOutcome.Busy); // returned meanwhile: the caller may simply retry
                case AppendOutcome.CodeTaken:
                    continue;
                case AppendOutcome.NoStock:
                    // The store's guard holds the batch at its quantity: this shard's stock disagrees with the stored
                    // claims (e.g. a second activation of it spent the same units). The unit is not real; rebuild.
                    LogNoStock(batchId, index);
                    this.DeactivateOnIdle();
                    return new(ClaimOutcome.Busy);
                case AppendOutcome.Busy:
                    available++; // refused before anything was written
                    return new(ClaimOutcome.Busy);
            }
        }

        available++;
        throw new InvalidOperationException("No free voucher code was found; the random source is broken.");
    }

    private enum Refill
    {
        Granted,

        /// <summary>Nothing granted, but units are still settling elsewhere (reserved, or on their way to a shard).</summary>
        Settling,

        Exhausted,
    }

    /// <summary>Asks the batch for the next block, one request at a time (claims waiting meanwhile share it).</summary>
    private async Task<Refill> RefillAsync()
    {
        if (time.GetUtcNow() < dryUntil)
        {
            return Refill.Exhausted;
        }

        var pendingLease = leasing ??= LeaseAsync();
        try
        {
            var lease = await pendingLease;
            return lease.Granted > 0 ? Refill.Granted : lease.Exhausted ? Refill.Exhausted : Refill.Settling;
        }
        finally
        {
            if (leasing == pendingLease)
            {
                leasing = null;
            }
        }
    }

    /// <summary>
    /// When the stock runs low, asks for the next block before it is gone, so claims rarely wait for a lease (a
    /// durable batch write). Only one request is ever in flight; a claim that does run dry waits for that one.
    /// </summary>
    private void PrefetchIfLow()
    {
        if (available > lowWater || leasing is not null || time.GetUtcNow() < dryUntil)
        {
            return;
        }

        var lease = leasing = LeaseAsync();
        _ = ForgetAsync(lease);

        async Task ForgetAsync(Task<Lease> task)
        {
            try
            {
                await task;
            }
            catch (Exception ex)
            {
                LogPrefetchFailed(ex, batchId, index); // a claim that runs dry asks again
            }
            finally
            {
                if (leasing == task)
                {
                    leasing = null;
                }
            }
        }
    }

    private async Task<Lease> LeaseAsync()
    {
        var lease = await Batch.LeaseAsync(index);
        // Prefetch again once a quarter of this block is left.
        lowWater = lease.Granted / 4;
        available += lease.Granted;
        held += lease.Granted;
        terms = lease.Terms ?? terms;
        if (lease.Exhausted)
        {
            dryUntil = time.GetUtcNow() + options.Value.SoldOutRecheck;
        }

        return lease;
    }

    private void CountExpiry(DateTimeOffset expiresAt, int delta)
    {
        var key = expiresAt.ToUnixTimeSeconds();
        var count = liveByExpiry.GetValueOrDefault(key) + delta;
        if (count == 0)
        {
            liveByExpiry.Remove(key);
        }
        else
        {
            liveByExpiry[key] = count;
        }
    }

    /// <summary>The voucher as the claim answered it (status claimed): what a replay and a repeat are told.</summary>
    private static VoucherView ViewOf(StoredClaim c) =>
        new(c.Code, c.BatchId, c.ProgramId, VoucherStatus.Claimed, c.HolderName, c.HolderIdNumber, c.SubsidyAmount,
            c.ClaimedAt, c.ExpiresAt, c.ChannelId, null, null, null);

    /// <summary>
    /// <see cref="ViewOf"/> rebuilt from memory. The masked ID number is the request's: the same person key is the same
    /// ID number, so it masks alike.
    /// </summary>
    private VoucherView IssuedView(LiveClaim c, ClaimRequest request) =>
        new(c.Code, batchId, c.Issue.ProgramId, VoucherStatus.Claimed, c.Issue.HolderName, request.MaskedIdNumber, c.Issue.SubsidyAmount,
            c.ClaimedAt, c.ExpiresAt, c.Issue.ChannelId, null, null, null);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stock shard {BatchId}/{Index} holds {Leased} units on lease but {Live} live claims; it takes no new claims until it gets stock")]
    private partial void LogLeaseShort(string batchId, int index, int leased, int live);

    [LoggerMessage(Level = LogLevel.Error, Message = "The claim store refused a claim of stock shard {BatchId}/{Index}: the batch's live claims are at its quantity, so the shard's stock is wrong; it rebuilds from the store")]
    private partial void LogNoStock(string batchId, int index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock shard {BatchId}/{Index} could not lease its next block ahead of time")]
    private partial void LogPrefetchFailed(Exception exception, string batchId, int index);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing a claim through stock shard {BatchId}/{Index} failed; the shard rebuilds from the store")]
    private partial void LogAppendFailed(Exception exception, string batchId, int index);
}
