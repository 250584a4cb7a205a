namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// Tuning of the group-commit writer of <see cref="PostgresClaimStore"/> (section "Claims", e.g. <c>Claims__Writers</c>).
/// </summary>
public sealed class ClaimStoreOptions
{
    public const string Section = "Claims";

    /// <summary>The most appends one INSERT round trip writes; a larger backlog is split into several groups.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// Writer threads running side by side, each with one group (and one pooled connection) in flight. One is the
    /// default: the groups of one batch take turns on its stock row anyway (migration 0007), so a second writer on a
    /// hot batch only splits the queue into smaller groups that wait for each other's lock. Measured with
    /// <c>scripts/cpu-per-request.sh claim-burst</c> (docs/ARCHITECTURE.md): one writer costs PostgreSQL about
    /// 30 % less CPU per claim, with a lower p50 and p99. More may help when many batches are claimed at once.
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>
    /// While busy (it wrote a group within the last 10 ms), how long a writer waits for more appends before it
    /// writes: a little latency buys larger groups and fewer commits. Zero writes whatever is queued at once.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Appends that may wait for a writer. When that many are waiting, a new append is answered
    /// <see cref="Vouchers.Grains.Claims.AppendOutcome.Busy"/> at once and nothing is written.
    /// </summary>
    public int QueueCapacity { get; set; } = 16384;

    /// <summary>
    /// Connections of the store's own pool, shared by the writers (one each while a group is in flight) and the
    /// reads; keep it above <see cref="Writers"/>. Kept small so that a burst of voucher activations queues for a
    /// connection instead of exhausting the server's max_connections.
    /// </summary>
    public int MaxConnections { get; set; } = 16;
}
