using Vouchers.Contracts;

namespace Vouchers.Grains.Batches;

/// <summary>
/// Persisted state of a batch: its definition, lease record and a few counters, never a list of claimants,
/// so each write stays a few hundred bytes however many vouchers the batch has. Claims themselves live in the
/// claim store; the claimed/returned counters are summed from the stock shards when read.
/// </summary>
[GenerateSerializer]
public sealed class BatchState
{
    [Id(0)] public BatchDefinition? Definition { get; set; }

    [Id(1)] public BatchStatus Status { get; set; }

    [Id(4)] public int Used { get; set; }

    [Id(5)] public int Redeemed { get; set; }

    [Id(6)] public decimal FundsDisbursed { get; set; }

    /// <summary>
    /// Vouchers used per expiry instant (Unix seconds). The shards count live claims per expiry instant; the unused
    /// ones past their instant are the expired counter, computed when read, so no sweep or reminder is needed.
    /// Every voucher claimed on one China day shares an expiry, so both have one entry per claim day at most.
    /// </summary>
    [Id(12)] public Dictionary<long, int> UsedByExpiry { get; set; } = [];

    [Id(8)] public DateTimeOffset CreatedAt { get; set; }

    [Id(9)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Stock shards the batch's claims are spread over; fixed when the batch is created.</summary>
    [Id(10)] public int StockShards { get; set; }

    /// <summary>
    /// Units each shard holds on lease (granted minus surrendered), by shard index. The sum never exceeds the quantity,
    /// and a shard's live claims never exceed its lease, so claims never exceed the quantity. Written before a grant is
    /// answered. A shard that ever leased keeps its entry, so counters know which shards to ask.
    /// </summary>
    [Id(11)] public Dictionary<int, int> Leased { get; set; } = [];

    /// <summary>Events of the last definition or status change not yet known to be in the event store (<see cref="Events.EventOutbox"/>).</summary>
    [Id(13)] public List<VoucherEvent> Outbox { get; set; } = [];
}
