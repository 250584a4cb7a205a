using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Grains.Claims;

/// <summary>
/// One row of the claims table: everything a voucher needs to come into existence, written once when the claim
/// is acknowledged. The stored row is the proof of the claim; the voucher grain loads it lazily. Its
/// <see cref="Profile"/> is what statistics count the holder under (null for claims stored before profiles were).
/// The store writes the claim's <see cref="EventKind.Claimed"/> event with it (<see cref="ClaimEvents"/>).
/// </summary>
public sealed record StoredClaim(
    string Code,
    string BatchId,
    int Shard,
    string PersonKey,
    string ChannelId,
    string RequestId,
    string ProgramId,
    string HolderName,
    string HolderIdNumber,
    decimal SubsidyAmount,
    DateTimeOffset ClaimedAt,
    DateTimeOffset ExpiresAt,
    ImmutableArray<string> EligibleInstitutionIds,
    DateTimeOffset? ReturnedAt = null,
    ClaimantProfile? Profile = null);

/// <summary>
/// The part of a claim a stock shard keeps in memory to answer repeats and replays without a read: who holds which
/// code through which request, and what the first answer showed (program, masked name, amount, dates, channel).
/// </summary>
public sealed record ShardClaim(
    string Code,
    string PersonKey,
    string ChannelId,
    string RequestId,
    string ProgramId,
    string HolderName,
    decimal SubsidyAmount,
    DateTimeOffset ClaimedAt,
    DateTimeOffset ExpiresAt,
    bool Returned);

public enum AppendOutcome
{
    /// <summary>The claim is durable.</summary>
    Stored = 0,

    /// <summary>The person holds a live (unreturned) claim of the batch already; nothing was written.</summary>
    PersonHasLiveClaim = 1,

    /// <summary>The code belongs to another claim already; nothing was written. Draw a new code.</summary>
    CodeTaken = 2,

    /// <summary>
    /// The batch's live claims already equal its registered quantity (<see cref="IClaimStore.SetQuantityAsync"/>);
    /// nothing was written. Only a shard whose stock disagrees with the stored claims meets this.
    /// </summary>
    NoStock = 3,

    /// <summary>
    /// The store refuses new work for now (the PostgreSQL store's queue of appends is full); nothing was written.
    /// Retrying later is safe.
    /// </summary>
    Busy = 4,
}

/// <summary>
/// Where a walk through the claims in expiry order stands: after the claim that expires at <see cref="ExpiresAt"/>
/// with <see cref="Code"/> (codes ordered by ordinal comparison, PostgreSQL's "C" collation). <see cref="Start"/> is before every claim.
/// </summary>
[GenerateSerializer]
public readonly record struct ExpiryPosition([property: Id(0)] DateTimeOffset ExpiresAt, [property: Id(1)] string Code)
{
    public static ExpiryPosition Start { get; } = new(DateTimeOffset.MinValue, "");
}

/// <summary>Stored claims of one batch, counted from the rows themselves (reconciliation and tests).</summary>
public sealed record ClaimCounts(int Total, int Returned)
{
    public int Live => Total - Returned;
}

/// <summary>
/// Durable claims. Uniqueness of the live claim of a person per batch and of codes is enforced by the store
/// itself (a unique key), so no grain state has to hold a set of claimants to keep that invariant.
/// </summary>
public interface IClaimStore
{
    /// <summary>
    /// Stores the claim durably and completes only after it is (PostgreSQL: after the commit). Many concurrent
    /// appends share one round trip. Answers <see cref="AppendOutcome.Busy"/> at once when the queue is full.
    /// Of one batch, at most its registered quantity of claims is live at any time.
    /// </summary>
    Task<AppendOutcome> AppendAsync(StoredClaim claim, CancellationToken cancellationToken = default);

    Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>The person's unreturned claim of the batch, if any.</summary>
    Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken = default);

    /// <summary>Every claim of the person (returned ones included), newest first.</summary>
    Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken = default);

    /// <summary>Every claim (returned ones included) taken through one stock shard of a batch.</summary>
    Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the claim returned at <paramref name="at"/> by channel <paramref name="returnedBy"/>, with its
    /// <see cref="EventKind.Returned"/> event; false, and nothing written, if there is no such unreturned claim.
    /// </summary>
    Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, string returnedBy, CancellationToken cancellationToken = default);

    Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> claims (returned ones included) whose validity ends after <paramref name="after"/>
    /// and no later than <paramref name="through"/>, in expiry order (expiry instant, then code).
    /// </summary>
    Task<IReadOnlyList<StoredClaim>> ListExpiringAsync(ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers the batch's quantity with the store, which from then on refuses (<see cref="AppendOutcome.NoStock"/>)
    /// any append that would make the batch's live claims exceed it, whatever the grains believe: the durable
    /// backstop of "never more claims than the quantity". False, and nothing changed, when the batch has more live
    /// claims than <paramref name="quantity"/>. A batch never registered is not guarded.
    /// </summary>
    Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken = default);
}
