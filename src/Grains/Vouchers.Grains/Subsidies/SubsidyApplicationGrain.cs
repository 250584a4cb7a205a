using System.Collections.Immutable;
using Vouchers.Contracts;
using Vouchers.Grains.Events;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Subsidies;

/// <summary>
/// An institution's subsidy application. Submission binds each listed voucher to the application
/// (the voucher grain refuses a second application); disbursement redeems the approved ones. An approval and a
/// disbursement are written with their events (<see cref="EventOutbox"/>); the vouchers write their own (applied,
/// rejected, redeemed).
/// </summary>
internal sealed class SubsidyApplicationGrain(
    [PersistentState("application", StorageNames.Vouchers)] IPersistentState<SubsidyApplicationState> state,
    IEventStore events,
    TimeProvider time) : Grain, ISubsidyApplicationGrain
{
    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) => events.FlushAsync(state.State.Outbox);

    public async Task<SubsidyCommandResult> SubmitAsync(string institutionId, string batchId, string regionCode, ImmutableArray<string> codes)
    {
        if (state.State.InstitutionId is not null)
        {
            return new(SubsidyCommandStatus.AlreadyExists, View());
        }

        if (codes.IsDefaultOrEmpty || codes.Length > SubsidyApplicationLimits.MaxCodes)
        {
            return new(SubsidyCommandStatus.Invalid, Detail: $"An application lists 1 to {SubsidyApplicationLimits.MaxCodes} codes.", Field: "codes");
        }

        var lines = new List<SubsidyLine>(codes.Length);
        foreach (var code in codes.Distinct(StringComparer.Ordinal))
        {
            var voucher = GrainFactory.Grain<IVoucherGrain>(code);
            var view = await voucher.GetAsync();
            if (view is null || view.BatchId != batchId)
            {
                lines.Add(new SubsidyLine(code, SubsidyLineStatus.Refused, 0, "The code is not a voucher of this batch."));
                continue;
            }

            var result = await voucher.ApplyForSubsidyAsync(institutionId, Id);
            lines.Add(result.Status == VoucherCommandStatus.Done
                ? new SubsidyLine(code, SubsidyLineStatus.Pending, view.SubsidyAmount)
                : new SubsidyLine(code, SubsidyLineStatus.Refused, 0, result.Detail ?? result.Verdict.ToString()));
        }

        state.State.InstitutionId = institutionId;
        state.State.BatchId = batchId;
        state.State.RegionCode = regionCode;
        state.State.Lines = lines;
        state.State.SubmittedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        await GrainFactory.Grain<IBatchApplicationsGrain>(batchId).AddAsync(Id);
        return new(SubsidyCommandStatus.Done, View());
    }

    public Task<SubsidyApplicationView?> GetAsync() => Task.FromResult(state.State.InstitutionId is null ? null : View());

    public async Task<SubsidyCommandResult> ReviewAsync(ImmutableArray<SubsidyDecision> decisions)
    {
        if (state.State.InstitutionId is null)
        {
            return new(SubsidyCommandStatus.NotFound);
        }

        if (state.State.Status != SubsidyApplicationStatus.Submitted)
        {
            return new(SubsidyCommandStatus.InvalidState, View(), "A disbursed application cannot be reviewed.");
        }

        var lines = state.State.Lines;
        foreach (var decision in decisions)
        {
            // A rejected line's voucher was released and may sit in another application by now: approving the line
            // later would pay for it twice (here without redeeming it), so a rejection is final.
            var index = lines.FindIndex(l => l.Code == decision.Code);
            if (index < 0 || lines[index].Status is SubsidyLineStatus.Refused
                || (lines[index].Status is SubsidyLineStatus.Rejected && decision.Approve))
            {
                return new(SubsidyCommandStatus.UnknownLine, View(), $"The application has no reviewable line for code '{decision.Code}'.");
            }
        }

        foreach (var decision in decisions)
        {
            var index = lines.FindIndex(l => l.Code == decision.Code);
            var line = lines[index];
            if (decision.Approve)
            {
                lines[index] = line with { Status = SubsidyLineStatus.Approved, Reason = decision.Reason };
                state.State.Outbox.Add(EventOf(EventKind.SubsidyApproved, $"subsidy-approved/{line.Code}/{Id}", line.Amount) with { Code = line.Code });
            }
            else
            {
                await GrainFactory.Grain<IVoucherGrain>(line.Code).ReleaseFromApplicationAsync(Id);
                lines[index] = line with { Status = SubsidyLineStatus.Rejected, Reason = decision.Reason };
            }
        }

        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        return new(SubsidyCommandStatus.Done, View());
    }

    public async Task<SubsidyCommandResult> DisburseAsync()
    {
        if (state.State.InstitutionId is null)
        {
            return new(SubsidyCommandStatus.NotFound);
        }

        if (state.State.Status == SubsidyApplicationStatus.Disbursed)
        {
            return new(SubsidyCommandStatus.Done, View());
        }

        if (state.State.Lines.Any(l => l.Status == SubsidyLineStatus.Pending))
        {
            return new(SubsidyCommandStatus.InvalidState, View(), "Every line must be approved or rejected before disbursement.");
        }

        // Each voucher redeems idempotently, so a crash half-way is finished by repeating the call.
        var lines = state.State.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Status == SubsidyLineStatus.Approved)
            {
                var redeemed = await GrainFactory.Grain<IVoucherGrain>(lines[i].Code).RedeemAsync(Id);
                lines[i] = redeemed.Status == VoucherCommandStatus.Done
                    ? lines[i] with { Status = SubsidyLineStatus.Redeemed }
                    : lines[i] with { Status = SubsidyLineStatus.Rejected, Reason = "The voucher could not be redeemed: " + (redeemed.Detail ?? redeemed.Verdict.ToString()) };
            }
        }

        state.State.Status = SubsidyApplicationStatus.Disbursed;
        state.State.DisbursedAt = time.GetUtcNow();
        state.State.Outbox.Add(EventOf(EventKind.SubsidyDisbursed, $"subsidy-disbursed/{Id}",
            lines.Where(l => l.Status == SubsidyLineStatus.Redeemed).Sum(l => l.Amount)));
        await state.WriteStateAsync();
        await events.FlushAsync(state.State.Outbox);
        return new(SubsidyCommandStatus.Done, View());
    }

    private VoucherEvent EventOf(EventKind kind, string id, decimal amount) =>
        new(id, kind, time.GetUtcNow(), state.State.BatchId, ActorKind.Admin, ActingAdmin.Current, InstitutionId: state.State.InstitutionId,
            Amount: amount, ApplicationId: Id);

    private SubsidyApplicationView View() =>
        new(Id, state.State.InstitutionId!, state.State.BatchId, state.State.RegionCode, state.State.Status,
            [.. state.State.Lines], state.State.SubmittedAt, state.State.DisbursedAt);
}
