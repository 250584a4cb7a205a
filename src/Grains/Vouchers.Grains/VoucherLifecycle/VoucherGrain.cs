using Microsoft.Extensions.Logging;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Grains.Records;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.VoucherLifecycle;

/// <summary>
/// A voucher comes into existence with its stored claim, not with a grain write: on activation the grain loads the
/// claim from the claim store. Its own state is written from the first use onwards; a return is recorded on the
/// claim itself (which also frees the person to claim the batch again). Every use is put in the institution's
/// verification records; a successful one before it is answered. Each change's event is written with the state and
/// reaches the event store before the change is answered (<see cref="EventOutbox"/>); the claim store writes the
/// claim's and the return's.
/// </summary>
internal sealed partial class VoucherGrain(
    [PersistentState("voucher", StorageNames.Vouchers)] IPersistentState<VoucherState> state,
    IClaimStore claims,
    IEventStore events,
    VerificationRecordWriter records,
    TimeProvider time,
    ILogger<VoucherGrain> logger) : Grain, IVoucherGrain
{
    private string Code => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Issue is null && await claims.GetAsync(Code, cancellationToken) is { } claim)
        {
            state.State.Issue = new VoucherIssue(claim.BatchId, claim.ProgramId, claim.PersonKey, claim.HolderName, claim.HolderIdNumber,
                claim.SubsidyAmount, claim.ClaimedAt, claim.ExpiresAt, claim.ChannelId, claim.EligibleInstitutionIds, claim.Shard, claim.Profile);
            state.State.Status = claim.ReturnedAt is null ? VoucherStatus.Claimed : VoucherStatus.Returned;
            state.State.ClosedAt = claim.ReturnedAt;
        }

        await events.FlushAsync(state.State.Outbox);
    }

    public Task<VoucherView?> GetAsync() => Task.FromResult(state.State.Issue is null ? null : View());

    public async Task<VoucherView?> GetForHolderAsync(HolderAccess holder) =>
        await ActsForHolderAsync(holder) ? View() : null;

    public Task<VerifyResult> VerifyAsync(string institutionId) => Task.FromResult(Check(institutionId));

    public async Task<VoucherCommandResult> UseAsync(VoucherUse use)
    {
        if (use.Holder is { } holder && !await ActsForHolderAsync(holder))
        {
            // Not this person's voucher, or not the channel's to touch: nothing happened at the institution, so
            // nothing is recorded either.
            return new(VoucherCommandStatus.NotFound, VerifyVerdict.Unknown);
        }

        if (state.State.Status == VoucherStatus.Used && state.State.InstitutionId == use.InstitutionId)
        {
            // A retried use by the same institution: answered as done, and recorded again (with the use as it was
            // made), since the first answer, and perhaps its record, may have been lost.
            var made = use with { Mode = state.State.UseMode ?? use.Mode, CourseId = state.State.CourseId, ClassId = state.State.ClassId };
            await records.AppendAsync(RecordOf(made, VerifyVerdict.Valid));
            return Done();
        }

        var check = Check(use.InstitutionId);
        if (!check.Valid)
        {
            records.TryEnqueue(RecordOf(use, check.Verdict));
            return Reject(check);
        }

        var issue = state.State.Issue!;
        state.State.Status = VoucherStatus.Used;
        state.State.InstitutionId = use.InstitutionId;
        state.State.UsedAt = time.GetUtcNow();
        state.State.UseMode = use.Mode;
        state.State.CourseId = use.CourseId;
        state.State.ClassId = use.ClassId;
        var (actor, actorId) = use.Holder is { } online ? (ActorKind.Channel, online.ChannelId) : (ActorKind.Institution, use.InstitutionId);
        state.State.Outbox.Add(EventOf(EventKind.Used, ClaimEvents.UsedId(Code), state.State.UsedAt.Value, actor, actorId, use.InstitutionId) with { Mode = use.Mode });
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        await Batch.OnUsedAsync(issue.ExpiresAt);

        // The use is durable in the voucher's state; it is answered only once its record is stored too. Should that
        // fail, the caller gets an error and its retry (answered as done) records it.
        await records.AppendAsync(RecordOf(use, VerifyVerdict.Valid));
        LogUsed(Masking.MaskCode(Code), issue.BatchId, use.InstitutionId, use.Mode);
        return Done();
    }

    public async Task<VoucherCommandResult> ReturnAsync(HolderAccess holder)
    {
        if (!await ActsForHolderAsync(holder))
        {
            return new(VoucherCommandStatus.NotFound, VerifyVerdict.Unknown);
        }

        var status = CurrentStatus();
        if (status != VoucherStatus.Claimed)
        {
            return new(VoucherCommandStatus.Rejected, VerdictFor(status), View(), "Only an unused voucher can be returned.");
        }

        var issue = state.State.Issue!;
        var now = time.GetUtcNow();
        var shard = GrainFactory.Grain<IStockShardGrain>(StockShards.KeyOf(issue.BatchId, issue.Shard));
        await shard.ReturnAsync(issue.PersonKey, Code, now, holder.ChannelId); // false only when an earlier attempt got that far
        state.State.Status = VoucherStatus.Returned;
        state.State.ClosedAt = now;
        return Done();
    }

    public async Task<VoucherCommandResult> ApplyForSubsidyAsync(string institutionId, string applicationId)
    {
        if (state.State.Issue is null)
        {
            return new(VoucherCommandStatus.NotFound, VerifyVerdict.Unknown);
        }

        if (state.State.Status == VoucherStatus.SubsidyApplied && state.State.ApplicationId == applicationId)
        {
            return Done();
        }

        if (state.State.Status != VoucherStatus.Used || state.State.InstitutionId != institutionId)
        {
            var status = CurrentStatus();
            var verdict = status == VoucherStatus.Claimed ? VerifyVerdict.Valid : VerdictFor(status);
            return new(VoucherCommandStatus.Rejected, verdict, ViewFor(institutionId), DescribeNotApplicable(status, institutionId));
        }

        state.State.Status = VoucherStatus.SubsidyApplied;
        state.State.ApplicationId = applicationId;
        state.State.Outbox.Add(EventOf(EventKind.SubsidyApplied, $"subsidy-applied/{Code}/{applicationId}", time.GetUtcNow(),
            ActorKind.Institution, institutionId, institutionId) with { ApplicationId = applicationId, Amount = state.State.Issue.SubsidyAmount });
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        return Done();
    }

    public async Task<VoucherCommandResult> ReleaseFromApplicationAsync(string applicationId)
    {
        if (state.State.Status != VoucherStatus.SubsidyApplied || state.State.ApplicationId != applicationId)
        {
            return Unchanged();
        }

        state.State.Status = VoucherStatus.Used;
        state.State.ApplicationId = null;
        state.State.Outbox.Add(EventOf(EventKind.SubsidyRejected, $"subsidy-rejected/{Code}/{applicationId}", time.GetUtcNow(),
            ActorKind.Admin, ActingAdmin.Current, state.State.InstitutionId) with { ApplicationId = applicationId, Amount = state.State.Issue!.SubsidyAmount });
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        return Done();
    }

    public async Task<VoucherCommandResult> RedeemAsync(string applicationId)
    {
        if (state.State.Status == VoucherStatus.Redeemed && state.State.ApplicationId == applicationId)
        {
            return Done();
        }

        if (state.State.Status != VoucherStatus.SubsidyApplied || state.State.ApplicationId != applicationId)
        {
            return Unchanged();
        }

        var issue = state.State.Issue!;
        state.State.Status = VoucherStatus.Redeemed;
        state.State.ClosedAt = time.GetUtcNow();
        state.State.Outbox.Add(EventOf(EventKind.Redeemed, $"redeemed/{Code}", state.State.ClosedAt.Value, ActorKind.Admin, ActingAdmin.Current,
            state.State.InstitutionId) with { ApplicationId = applicationId, Amount = issue.SubsidyAmount });
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        await Batch.OnRedeemedAsync(issue.SubsidyAmount);
        LogRedeemed(Masking.MaskCode(Code), issue.BatchId, applicationId);
        return Done();
    }

    private IBatchGrain Batch => GrainFactory.Grain<IBatchGrain>(state.State.Issue!.BatchId);

    /// <summary>An event of this voucher: its batch, holder, profile and claim channel, with who did what where.</summary>
    private VoucherEvent EventOf(EventKind kind, string id, DateTimeOffset at, ActorKind actor, string actorId, string? institutionId)
    {
        var issue = state.State.Issue!;
        return new(id, kind, at, issue.BatchId, actor, actorId, Code, issue.PersonKey, issue.Profile, issue.ChannelId, institutionId);
    }

    /// <summary>
    /// Whether a channel acts here for the voucher's holder, on a batch that enables it. The holder is checked first,
    /// so only the holder's own requests cost the catalog call; whatever fails, the caller is answered as if the
    /// voucher did not exist.
    /// </summary>
    private async Task<bool> ActsForHolderAsync(HolderAccess holder) =>
        state.State.Issue is { } issue
        && issue.PersonKey == holder.PersonKey
        && (await GrainFactory.BatchesEnablingAsync([issue.BatchId], holder.ChannelId)).Count == 1;

    /// <summary>The stored status, or Expired once an unused voucher's validity has passed.</summary>
    private VoucherStatus CurrentStatus() =>
        state.State.Status == VoucherStatus.Claimed && time.GetUtcNow() >= state.State.Issue!.ExpiresAt
            ? VoucherStatus.Expired
            : state.State.Status;

    private VerifyResult Check(string institutionId)
    {
        if (state.State.Issue is not { } issue)
        {
            return new(VerifyVerdict.Unknown);
        }

        var status = CurrentStatus();
        if (status != VoucherStatus.Claimed)
        {
            return new(VerdictFor(status), ViewFor(institutionId));
        }

        if (!issue.EligibleInstitutionIds.IsDefaultOrEmpty && !issue.EligibleInstitutionIds.Contains(institutionId))
        {
            // Not usable here: the verdict only, as for a voucher used elsewhere (the holder is none of this institution's business).
            return new(VerifyVerdict.NotForThisInstitution);
        }

        return new(VerifyVerdict.Valid, View());
    }

    private static VerifyVerdict VerdictFor(VoucherStatus status) => status switch
    {
        VoucherStatus.Claimed => VerifyVerdict.Valid,
        VoucherStatus.Used or VoucherStatus.SubsidyApplied => VerifyVerdict.AlreadyUsed,
        VoucherStatus.Redeemed => VerifyVerdict.Redeemed,
        VoucherStatus.Returned => VerifyVerdict.Returned,
        VoucherStatus.Expired => VerifyVerdict.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private string DescribeNotApplicable(VoucherStatus status, string institutionId) => status switch
    {
        VoucherStatus.Claimed or VoucherStatus.Expired => "The voucher was never used (enrolled), so no subsidy can be applied for.",
        VoucherStatus.Used when state.State.InstitutionId != institutionId => "The voucher was used at another institution.",
        VoucherStatus.SubsidyApplied => "The voucher is in another subsidy application.",
        VoucherStatus.Redeemed => "The voucher was redeemed already.",
        VoucherStatus.Returned => "The voucher was returned.",
        _ => "The voucher cannot be applied for.",
    };

    /// <summary>
    /// What an institution may see of the voucher: all of it, unless the voucher was used at another institution, in
    /// which case nothing (the caller gets the verdict only: no holder, no dates, no batch).
    /// </summary>
    private VoucherView? ViewFor(string institutionId) =>
        state.State.InstitutionId is { } usedAt && usedAt != institutionId ? null : View();

    private VoucherView View()
    {
        var i = state.State.Issue!;
        return new VoucherView(Code, i.BatchId, i.ProgramId, CurrentStatus(), i.HolderName, i.HolderIdNumber, i.SubsidyAmount,
            i.ClaimedAt, i.ExpiresAt, i.ChannelId, state.State.InstitutionId, state.State.UsedAt, state.State.ApplicationId,
            state.State.CourseId, state.State.ClassId, state.State.UseMode);
    }

    private VerificationRecord RecordOf(VoucherUse use, VerifyVerdict result) =>
        new(0, use.InstitutionId, VerificationRecord.Instant(time.GetUtcNow()), RecordKind.Use, Masking.MaskCode(Code), result,
            use.Clerk, use.DeviceId, use.Mode, use.CourseId, use.ClassId);

    private VoucherCommandResult Done() => new(VoucherCommandStatus.Done, VerifyVerdict.Valid, View());

    private VoucherCommandResult Unchanged() =>
        state.State.Issue is null
            ? new(VoucherCommandStatus.NotFound, VerifyVerdict.Unknown)
            : new(VoucherCommandStatus.Rejected, VerdictFor(CurrentStatus()), View(), "The voucher is not in this application.");

    private static VoucherCommandResult Reject(VerifyResult check) =>
        new(check.Verdict == VerifyVerdict.Unknown ? VoucherCommandStatus.NotFound : VoucherCommandStatus.Rejected, check.Verdict, check.Voucher);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Voucher {MaskedCode} of batch {BatchId} used at {InstitutionId} ({Mode})")]
    private partial void LogUsed(string maskedCode, string batchId, string institutionId, UseMode mode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Voucher {MaskedCode} of batch {BatchId} redeemed by application {ApplicationId}")]
    private partial void LogRedeemed(string maskedCode, string batchId, string applicationId);
}
