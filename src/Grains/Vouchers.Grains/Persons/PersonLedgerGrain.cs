using System.Collections.Immutable;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Persons;

/// <summary>
/// A person's view of their vouchers. The claims themselves are rows of the claim store (taken through the batches'
/// stock shards), so the wallet reads them from there and asks each voucher for its current status; the ledger's
/// own state is only the targeted lists naming the person. Every channel action names the channel, and the ledger names
/// the person (its own key) to the voucher, so a voucher answers only its holder's channels.
/// </summary>
internal sealed class PersonLedgerGrain(
    [PersistentState("ledger", StorageNames.Vouchers)] IPersistentState<PersonLedgerState> state,
    IClaimStore claims) : Grain, IPersonLedgerGrain
{
    private string PersonKey => this.GetPrimaryKeyString();

    public async Task<ImmutableArray<VoucherView>> GetWalletAsync(string channelId)
    {
        var stored = await claims.ListByPersonAsync(PersonKey);
        if (stored.Count == 0)
        {
            return [];
        }

        // The channel sees only vouchers of batches that enable it; the others are not even activated.
        var enabling = await GrainFactory.BatchesEnablingAsync(stored.Select(c => c.BatchId), channelId);
        var views = await Task.WhenAll(stored.Where(c => enabling.Contains(c.BatchId)).Select(c => GrainFactory.Grain<IVoucherGrain>(c.Code).GetAsync()));
        return [.. views.OfType<VoucherView>()];
    }

    public async Task<VoucherCommandResult> ReturnAsync(string code, string channelId)
    {
        var result = await GrainFactory.Grain<IVoucherGrain>(code).ReturnAsync(new HolderAccess(PersonKey, channelId));

        // A retried return answers as the first one did.
        return result is { Status: VoucherCommandStatus.Rejected, Verdict: VerifyVerdict.Returned }
            ? result with { Status = VoucherCommandStatus.Done, Detail = null }
            : result;
    }

    public Task<VoucherCommandResult> UseAsync(string code, string channelId, VoucherUse use) =>
        GrainFactory.Grain<IVoucherGrain>(code).UseAsync(use with { Holder = new HolderAccess(PersonKey, channelId) });

    public async Task AddTargetAsync(string batchId)
    {
        if (state.State.TargetedBatches.Add(batchId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<bool> IsTargetedAsync(string batchId) => Task.FromResult(state.State.TargetedBatches.Contains(batchId));
}
