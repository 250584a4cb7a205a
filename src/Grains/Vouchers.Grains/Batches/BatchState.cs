using Vouchers.Contracts;

namespace Vouchers.Grains.Batches;

/// <summary>
/// Persisted state of a batch: its definition and counters only, never a list of claimants,
/// so each write stays a few hundred bytes however many vouchers the batch has.
/// </summary>
[GenerateSerializer]
public sealed class BatchState
{
    [Id(0)] public BatchDefinition? Definition { get; set; }

    [Id(1)] public BatchStatus Status { get; set; }

    /// <summary>Claims ever granted (returned ones included).</summary>
    [Id(2)] public int Issued { get; set; }

    [Id(3)] public int Returned { get; set; }

    [Id(4)] public int Used { get; set; }

    [Id(5)] public int Redeemed { get; set; }

    [Id(6)] public decimal FundsDisbursed { get; set; }

    /// <summary>
    /// Unused, unreturned vouchers per expiry instant (Unix seconds). Every voucher claimed on one China day
    /// shares an expiry, so this has one entry per claim day at most; the expired counter is the sum of the
    /// entries whose instant has passed, computed when read, so no sweep or reminder is needed.
    /// </summary>
    [Id(7)] public Dictionary<long, int> OutstandingByExpiry { get; set; } = [];

    [Id(8)] public DateTimeOffset CreatedAt { get; set; }

    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }
}
