using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Persons;

/// <summary>
/// Serializes every claim of one person, so "one live claim per person per batch" holds without locks:
/// the ledger checks its entries, reserves stock in the batch, issues the voucher, then records the entry.
/// The claim is acknowledged only after all three writes; a crash before the ledger write can only leave
/// an unused unit of stock counted as claimed (never an oversell, never a second live voucher shown).
/// </summary>
internal sealed partial class PersonLedgerGrain(
    [PersistentState("ledger", StorageNames.Vouchers)] IPersistentState<PersonLedgerState> state,
    TimeProvider time,
    ILogger<PersonLedgerGrain> logger) : Grain, IPersonLedgerGrain
{
    private const int MaxIssueAttempts = 3;

    public async Task<ClaimResult> ClaimAsync(ClaimRequest request)
    {
        if (state.State.Entries.FirstOrDefault(e => e.BatchId == request.BatchId && !e.Returned) is { } live)
        {
            var voucher = await GrainFactory.GetGrain<IVoucherGrain>(live.Code).GetAsync();
            var replay = live.ChannelId == request.ChannelId && live.RequestId == request.RequestId;
            return new(replay ? ClaimOutcome.Replayed : ClaimOutcome.AlreadyClaimed, voucher);
        }

        var batch = GrainFactory.GetGrain<IBatchGrain>(request.BatchId);
        var reservation = await batch.ReserveAsync(request, state.State.TargetedBatches.Contains(request.BatchId));
        if (reservation.Outcome != ClaimOutcome.Claimed)
        {
            return new(reservation.Outcome, Detail: reservation.Detail);
        }

        var issue = new VoucherIssue(request.BatchId, reservation.ProgramId!, this.GetPrimaryKeyString(), request.MaskedName,
            request.MaskedIdNumber, reservation.SubsidyAmount, time.GetUtcNow(), reservation.ExpiresAt, request.ChannelId,
            reservation.EligibleInstitutionIds);

        string? code = null;
        try
        {
            for (var attempt = 0; attempt < MaxIssueAttempts && code is null; attempt++)
            {
                var candidate = VoucherCode.New();
                if (await GrainFactory.GetGrain<IVoucherGrain>(candidate).IssueAsync(issue))
                {
                    code = candidate;
                }
            }
        }
        catch (Exception ex)
        {
            LogIssueFailed(ex, request.BatchId);
            await batch.CancelReservationAsync(reservation.ExpiresAt);
            throw;
        }

        if (code is null)
        {
            await batch.CancelReservationAsync(reservation.ExpiresAt);
            throw new InvalidOperationException("No free voucher code was found; the random source is broken.");
        }

        state.State.Entries.Add(new LedgerEntry
        {
            BatchId = request.BatchId,
            Code = code,
            ChannelId = request.ChannelId,
            RequestId = request.RequestId,
            ClaimedAt = issue.ClaimedAt,
        });
        await state.WriteStateAsync();
        var view = new VoucherView(code, issue.BatchId, issue.ProgramId, VoucherStatus.Claimed, issue.HolderName, issue.HolderIdNumber,
            issue.SubsidyAmount, issue.ClaimedAt, issue.ExpiresAt, issue.ChannelId, null, null, null);
        return new(ClaimOutcome.Claimed, view);
    }

    public async Task<ImmutableArray<VoucherView>> GetWalletAsync()
    {
        var views = await Task.WhenAll(state.State.Entries
            .OrderByDescending(e => e.ClaimedAt)
            .Select(e => GrainFactory.GetGrain<IVoucherGrain>(e.Code).GetAsync()));
        return [.. views.OfType<VoucherView>()];
    }

    public async Task<VoucherCommandResult> ReturnAsync(string code)
    {
        var entry = state.State.Entries.FirstOrDefault(e => e.Code == code);
        if (entry is null)
        {
            return new(VoucherCommandStatus.NotFound, VerifyVerdict.Unknown);
        }

        if (entry.Returned)
        {
            // A retried return answers as the first one did.
            var view = await GrainFactory.GetGrain<IVoucherGrain>(code).GetAsync();
            return new(VoucherCommandStatus.Done, VerifyVerdict.Returned, view);
        }

        var result = await GrainFactory.GetGrain<IVoucherGrain>(code).ReturnAsync(this.GetPrimaryKeyString());
        if (result is { Status: VoucherCommandStatus.Rejected, Verdict: VerifyVerdict.Returned })
        {
            // The voucher was returned but this ledger failed to record it: finish the return now.
            result = result with { Status = VoucherCommandStatus.Done };
        }

        if (result.Status == VoucherCommandStatus.Done)
        {
            entry.Returned = true;
            await state.WriteStateAsync();
        }

        return result;
    }

    public async Task AddTargetAsync(string batchId)
    {
        if (state.State.TargetedBatches.Add(batchId))
        {
            await state.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Issuing a voucher of batch {BatchId} failed; the reservation was given back")]
    private partial void LogIssueFailed(Exception exception, string batchId);
}
