using System.Collections.Immutable;
using Orleans.Concurrency;
using Vouchers.Contracts;

namespace Vouchers;

/// <summary>
/// One voucher batch. Owns the stock: it never grants more live claims than its quantity,
/// and keeps the batch counters. Key: the batch id.
/// </summary>
[Alias("IBatchGrain")]
public interface IBatchGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<BatchCommandResult> CreateAsync(BatchDefinition definition);

    /// <summary>Replaces the definition; the quantity may not drop below the live claims.</summary>
    [Alias("Update")] Task<BatchCommandResult> UpdateAsync(BatchDefinition definition);

    [Alias("Activate")] Task<BatchCommandResult> ActivateAsync();

    [Alias("Pause")] Task<BatchCommandResult> PauseAsync();

    [Alias("Close")] Task<BatchCommandResult> CloseAsync();

    [Alias("AddQuantity")] Task<BatchCommandResult> AddQuantityAsync(int amount);

    /// <summary>The batch with live counters, or null when it does not exist.</summary>
    [Alias("Get")] Task<BatchSnapshot?> GetAsync();

    /// <summary>How many stock shards the batch's claims are spread over; 0 when the batch does not exist. Never changes.</summary>
    [Alias("GetStockShards")] Task<int> GetStockShardsAsync();

    /// <summary>A stock shard activates: the batch's terms and the units it holds on lease. Read-only.</summary>
    [Alias("AttachShard"), AlwaysInterleave] Task<ShardAttachment> AttachShardAsync(int index);

    /// <summary>A shard runs out of stock: grants it the next block, durably recorded first, or says why not.</summary>
    [Alias("Lease")] Task<Lease> LeaseAsync(int index);

    /// <summary>A voucher of this batch was used (enrolled) before it expired.</summary>
    [Alias("OnUsed")] Task OnUsedAsync(DateTimeOffset expiresAt);

    /// <summary>A voucher of this batch was redeemed after its subsidy was paid.</summary>
    [Alias("OnRedeemed")] Task OnRedeemedAsync(decimal amount);
}

/// <summary>The list of batches, for listing and filtering. Key: "all". Holds one small line per batch.</summary>
[Alias("IBatchCatalogGrain")]
public interface IBatchCatalogGrain : IGrainWithStringKey
{
    [Alias("Upsert")] Task UpsertAsync(BatchSummary summary);

    [Alias("List"), ReadOnly] Task<ImmutableArray<BatchSummary>> ListAsync();

    /// <summary>The lines of the named batches that exist (a channel's actions on vouchers check the batch enables it).</summary>
    [Alias("Find"), ReadOnly] Task<ImmutableArray<BatchSummary>> FindAsync(ImmutableArray<string> batchIds);
}

/// <summary>
/// One stock shard of a batch. Key: <c>{batchId}/{index}</c> (see <see cref="Claims.StockShards"/>). Holds a block of the
/// batch's stock on lease and the claims taken through it; every claim of a person for the batch meets the same
/// shard, which owns "one live claim per person per batch" together with the claim store's unique key, and
/// request-id idempotency. A claim is acknowledged only after its row is durable in the claim store.
/// </summary>
[Alias("IStockShardGrain")]
public interface IStockShardGrain : IGrainWithStringKey
{
    [Alias("Claim")] Task<ClaimResult> ClaimAsync(ClaimRequest request);

    /// <summary>
    /// The holder returned the unused voucher through channel <paramref name="returnedBy"/>: its claim is marked
    /// returned (with its event) and its unit goes back to stock.
    /// </summary>
    [Alias("ReturnBy")] Task<bool> ReturnAsync(string personKey, string code, DateTimeOffset at, string returnedBy);

    /// <summary>The batch changed its definition or status.</summary>
    [Alias("Refresh")] Task RefreshAsync(StockTerms terms);

    /// <summary>Gives every unreserved unit back to the batch (for a fair tail or a smaller quantity).</summary>
    [Alias("Surrender")] Task<Surrender> SurrenderAsync();

    [Alias("GetCounts")] Task<ShardCounts> GetCountsAsync();
}

/// <summary>
/// One person's ledger: their wallet, returns and targeted lists. Key: the keyed hash of the person's ID number,
/// never the number. Claims go to the batch's stock shard; the claim store is the durable record the wallet reads.
/// A channel acts here only for the person it has just checked, and sees and touches only vouchers of batches that
/// enable it (<see cref="Claims.ChannelAccess"/>): any other voucher answers as one that does not exist.
/// </summary>
[Alias("IPersonLedgerGrain")]
public interface IPersonLedgerGrain : IGrainWithStringKey
{
    /// <summary>The person's vouchers of batches that enable the channel, newest first, with their current status.</summary>
    [Alias("GetWalletFor")] Task<ImmutableArray<VoucherView>> GetWalletAsync(string channelId);

    /// <summary>Returns an unused voucher of this person, of a batch enabling the channel; its stock goes back to the batch.</summary>
    [Alias("ReturnFor")] Task<VoucherCommandResult> ReturnAsync(string code, string channelId);

    /// <summary>
    /// Uses (online) a voucher of this person at an institution, for the channel that checked the person; a code
    /// that is not this person's, or of a batch that does not enable the channel, answers not found.
    /// </summary>
    [Alias("UseFor")] Task<VoucherCommandResult> UseAsync(string code, string channelId, VoucherUse use);

    /// <summary>Puts the person on a batch's targeted list (定向发放).</summary>
    [Alias("AddTarget")] Task AddTargetAsync(string batchId);

    [Alias("IsTargeted")] Task<bool> IsTargetedAsync(string batchId);
}

/// <summary>
/// One voucher. Owns its lifecycle: claimed → used → subsidy applied → redeemed, or returned/expired. Key: its code.
/// It comes into existence with its stored claim and loads it from the claim store when first activated.
/// </summary>
[Alias("IVoucherGrain")]
public interface IVoucherGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<VoucherView?> GetAsync();

    /// <summary>
    /// The voucher as a channel may see it for a person: null, exactly as for a voucher that does not exist, unless it
    /// is that person's and of a batch that enables the channel.
    /// </summary>
    [Alias("GetFor")] Task<VoucherView?> GetForHolderAsync(HolderAccess holder);

    /// <summary>Whether the voucher is valid for use at the institution, or why not. Changes nothing.</summary>
    [Alias("Verify")] Task<VerifyResult> VerifyAsync(string institutionId);

    /// <summary>
    /// Enrolls the holder at the institution: binds the voucher to it, once, with the mode, course and class. The use
    /// is in the institution's verification records before a successful answer returns; a refused one is recorded
    /// too, without waiting. With <see cref="VoucherUse.Holder"/> (a channel's use for a person) a voucher of someone
    /// else, or of a batch that does not enable the channel, answers not found and records nothing.
    /// </summary>
    [Alias("UseWith")] Task<VoucherCommandResult> UseAsync(VoucherUse use);

    /// <summary>
    /// Returns the voucher if it is unused, the person's, and of a batch that enables the channel (else not found).
    /// </summary>
    [Alias("ReturnFor")] Task<VoucherCommandResult> ReturnAsync(HolderAccess holder);

    /// <summary>Puts the voucher into a subsidy application of the institution that used it.</summary>
    [Alias("ApplyForSubsidy")] Task<VoucherCommandResult> ApplyForSubsidyAsync(string institutionId, string applicationId);

    /// <summary>Takes the voucher out of a subsidy application whose line was rejected; it may be applied again.</summary>
    [Alias("ReleaseFromApplication")] Task<VoucherCommandResult> ReleaseFromApplicationAsync(string applicationId);

    /// <summary>Redeems (核销) the voucher after its subsidy was paid: its code is dead from now on.</summary>
    [Alias("Redeem")] Task<VoucherCommandResult> RedeemAsync(string applicationId);
}

/// <summary>
/// Counts an institution's failed lookups (codes that name no voucher) across the cluster, so guessing codes is
/// throttled wherever the guesses come in. Key: the institution id. Memory only: a restart forgives.
/// </summary>
[Alias("IFailedLookupGuardGrain")]
public interface IFailedLookupGuardGrain : IGrainWithStringKey
{
    /// <summary>Counts one failed lookup; returns until when the institution is refused, or null while it is within the limit.</summary>
    [Alias("Record")] Task<DateTimeOffset?> RecordAsync(int limit, TimeSpan window);
}

/// <summary>
/// The way in and out of the institutions' verification records (验券记录), which live in a record store outside any
/// grain's state. A stateless worker: any silo takes the call, on the caller's silo when it has one. Key: 0.
/// </summary>
[Alias("IVerificationRecordsGrain")]
public interface IVerificationRecordsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Queues verification records for the store and returns at once: it never waits for them to be stored. Records
    /// that find the silo's queue full are dropped (and counted in the log).
    /// </summary>
    [Alias("Append")] Task AppendAsync(ImmutableArray<VerificationRecord> records);

    /// <summary>One page of the institution's records, newest first.</summary>
    [Alias("Query")] Task<RecordPage> QueryAsync(string institutionId, RecordQuery query);
}

/// <summary>An institution's subsidy application (补贴申请) for vouchers of one batch. Key: the application id.</summary>
[Alias("ISubsidyApplicationGrain")]
public interface ISubsidyApplicationGrain : IGrainWithStringKey
{
    [Alias("Submit")] Task<SubsidyCommandResult> SubmitAsync(string institutionId, string batchId, string regionCode, ImmutableArray<string> codes);

    [Alias("Get")] Task<SubsidyApplicationView?> GetAsync();

    /// <summary>Approves or rejects pending lines.</summary>
    [Alias("Review")] Task<SubsidyCommandResult> ReviewAsync(ImmutableArray<SubsidyDecision> decisions);

    /// <summary>Pays the approved lines: their vouchers become redeemed. Safe to repeat.</summary>
    [Alias("Disburse")] Task<SubsidyCommandResult> DisburseAsync();
}

/// <summary>The ids of the subsidy applications filed against one batch. Key: the batch id.</summary>
[Alias("IBatchApplicationsGrain")]
public interface IBatchApplicationsGrain : IGrainWithStringKey
{
    [Alias("Add")] Task AddAsync(string applicationId);

    [Alias("List")] Task<ImmutableArray<string>> ListAsync();
}

/// <summary>
/// One entry of a registry (programs, institutions, channels, API-key principals). Key: the entry's id.
/// Entries are created once and read often; the gateway checks that batches reference existing entries. Principals
/// also change (revoked, given an expiry), only through <see cref="IKeyDirectoryGrain"/>.
/// </summary>
[Alias("IRegistryGrain`1")]
public interface IRegistryGrain<TEntry> : IGrainWithStringKey
    where TEntry : class
{
    /// <summary>False when an entry with this id exists already.</summary>
    [Alias("Create")] Task<bool> CreateAsync(TEntry entry);

    [Alias("Get")] Task<TEntry?> GetAsync();

    /// <summary>
    /// Replaces the entry with <paramref name="replacement"/> if it still equals <paramref name="expected"/>; false
    /// (nothing written) when it does not, or there is no entry.
    /// </summary>
    [Alias("Replace")] Task<bool> ReplaceAsync(TEntry expected, TEntry replacement);
}
