using System.Collections.Immutable;
using Vouchers.Domain;

namespace Vouchers.Contracts;

/// <summary>What an HR department defines for a voucher batch.</summary>
[GenerateSerializer, Immutable, Alias("BatchDefinition")]
public sealed record BatchDefinition
{
    [Id(0)] public required string Title { get; init; }

    /// <summary>The training program (培训项目) the vouchers pay for.</summary>
    [Id(1)] public required string ProgramId { get; init; }

    /// <summary>The owning HR department's region code ("" for the ministry, "44" a province, "4403" a city).</summary>
    [Id(2)] public required string RegionCode { get; init; }

    /// <summary>Institutions where the vouchers can be used; empty means every institution.</summary>
    [Id(3)] public ImmutableArray<string> EligibleInstitutionIds { get; init; } = [];

    [Id(4)] public EligibilityRules Eligibility { get; init; } = EligibilityRules.Everybody;

    [Id(5)] public required DateTimeOffset ClaimOpensAt { get; init; }

    [Id(6)] public required DateTimeOffset ClaimClosesAt { get; init; }

    /// <summary>Days a voucher stays valid after its claim day (it expires when that China day ends).</summary>
    [Id(7)] public int? DaysValidAfterClaim { get; init; }

    /// <summary>A fixed expiry instant for every voucher of the batch; exclusive with <c>daysValidAfterClaim</c>.</summary>
    [Id(8)] public DateTimeOffset? FixedExpiry { get; init; }

    [Id(9)] public required int Quantity { get; init; }

    /// <summary>Subsidy per voucher in yuan, at most two decimals.</summary>
    [Id(10)] public required decimal SubsidyAmount { get; init; }

    [Id(11)] public required string FundingSource { get; init; }

    /// <summary>Channels that may offer the batch; empty means every channel.</summary>
    [Id(12)] public ImmutableArray<string> EnabledChannelIds { get; init; } = [];

    /// <summary>Claimants must accept the online commitment (个人线上承诺).</summary>
    [Id(13)] public bool RequiresCommitment { get; init; }

    /// <summary>When a voucher claimed at <paramref name="claimedAt"/> stops being usable.</summary>
    public DateTimeOffset ExpiryFor(DateTimeOffset claimedAt) =>
        FixedExpiry ?? ChinaTime.EndOfDay(ChinaTime.DayOf(claimedAt).AddDays(DaysValidAfterClaim ?? 0));
}

[GenerateSerializer, Alias("BatchStatus")]
public enum BatchStatus
{
    Draft = 0,
    Active = 1,
    Paused = 2,
    Closed = 3,
}

/// <summary>Live counters of a batch. Claimed counts live claims (returned ones give their stock back).</summary>
[GenerateSerializer, Immutable, Alias("BatchCounters")]
public sealed record BatchCounters(
    [property: Id(0)] int Quantity,
    [property: Id(1)] int Claimed,
    [property: Id(2)] int Used,
    [property: Id(3)] int Redeemed,
    [property: Id(4)] int Returned,
    [property: Id(5)] int Expired,
    [property: Id(6)] int Remaining,
    [property: Id(7)] decimal FundsCommitted,
    [property: Id(8)] decimal FundsDisbursed);

[GenerateSerializer, Immutable, Alias("BatchSnapshot")]
public sealed record BatchSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] BatchDefinition Definition,
    [property: Id(2)] BatchStatus Status,
    [property: Id(3)] BatchCounters Counters,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt);

/// <summary>Outcome of an admin command on a batch.</summary>
[GenerateSerializer, Alias("BatchCommandStatus")]
public enum BatchCommandStatus
{
    Done = 0,
    NotFound = 1,
    AlreadyExists = 2,
    InvalidTransition = 3,
    Invalid = 4,
}

/// <param name="Status">What happened.</param>
/// <param name="Batch">The batch after the command, when it exists.</param>
/// <param name="Detail">Why the command was refused.</param>
/// <param name="Field">The JSON path of the definition field that made it <see cref="BatchCommandStatus.Invalid"/>, when one did.</param>
[GenerateSerializer, Immutable, Alias("BatchCommandResult")]
public sealed record BatchCommandResult(
    [property: Id(0)] BatchCommandStatus Status,
    [property: Id(1)] BatchSnapshot? Batch,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null);

/// <summary>A catalog line: enough to list and filter batches without activating each batch grain.</summary>
[GenerateSerializer, Immutable, Alias("BatchSummary")]
public sealed record BatchSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] string ProgramId,
    [property: Id(3)] string RegionCode,
    [property: Id(4)] BatchStatus Status,
    [property: Id(5)] DateTimeOffset ClaimOpensAt,
    [property: Id(6)] DateTimeOffset ClaimClosesAt,
    [property: Id(7)] ImmutableArray<string> EnabledChannelIds);
