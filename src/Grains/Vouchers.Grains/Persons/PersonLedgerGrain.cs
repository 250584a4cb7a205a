using System.Collections.Immutable;
using Vouchers.Contracts;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Persons;

/// <summary>
/// A person's view of their vouchers. The claims themselves are rows of the claim store (taken through the batches'
/// stock shards), so the wallet reads them from there and asks each voucher for its current status; the ledger's
/// own state is only the targeted lists naming the person.
/// </summary>
internal sealed class PersonLedgerGrain(
    [PersistentState("ledger", StorageNames.Vouchers)] IPersistentState<PersonLedgerState> state,
    IClaimStore claims) : Grain, IPersonLedgerGrain
{
    private string PersonKey => this.GetPrimaryKeyString();

    public async Task<ImmutableArray<VoucherView>> GetWalletAsync()
    {
        var stored = await claims.ListByPersonAsync(PersonKey);
        var views = await Task.WhenAll(stored.Select(c => GrainFactory.Grain<IVoucherGrain>(c.Code).GetAsync()));
        return [.. views.OfType<VoucherView>()];
    }

    public async Task<VoucherCommandResult> ReturnAsync(string code)
    {
        var result = await GrainFactory.Grain<IVoucherGrain>(code).ReturnAsync(PersonKey);

        // A retried return answers as the first one did.
        return result is { Status: VoucherCommandStatus.Rejected, Verdict: VerifyVerdict.Returned }
            ? result with { Status = VoucherCommandStatus.Done, Detail = null }
            : result;
    }

    public Task<VoucherCommandResult> UseAsync(string code, VoucherUse use) =>
        GrainFactory.Grain<IVoucherGrain>(code).UseAsync(use with { HolderKey = PersonKey });

    public async Task AddTargetAsync(string batchId)
    {
        if (state.State.TargetedBatches.Add(batchId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<bool> IsTargetedAsync(string batchId) => Task.FromResult(state.State.TargetedBatches.Contains(batchId));
}
