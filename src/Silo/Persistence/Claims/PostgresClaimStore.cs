using System.Data.Common;
using Npgsql;
using Vouchers.Grains.Claims;

namespace Vouchers.Silo.Persistence.Claims;

/// <summary>
/// <see cref="IClaimStore"/> on the <c>vouchers_claims</c> table (migration 0005), with appends written by group commit.
/// </summary>
/// <remarks>
/// <para>
/// An append does not get a round trip of its own: it is queued, with a completion source, in a bounded channel.
/// <see cref="ClaimStoreOptions.Writers"/> writer threads each wait for the first queued append, take whatever else
/// is queued at that moment (up to <see cref="ClaimStoreOptions.MaxBatchSize"/>, without waiting for more) and write
/// the whole group with one <c>INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING code</c>. The
/// statement commits on its own with synchronous commit, so one commit makes the whole group durable, and only then
/// are its appends completed. While a group is in flight the next appends queue up and form the next group: under
/// load groups grow by themselves, and a lone append is written at once.
/// </para>
/// <para>
/// A row the INSERT does not return conflicted with a unique key: its code exists (<see cref="AppendOutcome.CodeTaken"/>)
/// or its person holds a live claim of the batch (<see cref="AppendOutcome.PersonHasLiveClaim"/>, which is also the
/// answer for the later of two such rows in one group, since a person's rows are inserted in queue order). A second
/// query tells the two apart, only when some row conflicted. Every group is inserted in (batch, person) order, so
/// groups in flight together wait on each other's keys without ever deadlocking.
/// </para>
/// <para>
/// When the INSERT fails (the connection is lost, say), every append of the group fails with that exception, none of
/// them having been acknowledged, and the loop goes on with the next group; a claim the table would reject is
/// therefore refused by <see cref="AppendAsync"/> before it is queued. A full queue refuses an append at once with
/// <see cref="AppendOutcome.Busy"/>, and a cancelled append is dropped only while no writer has taken it.
/// </para>
/// <para>
/// This class puts together its parts: <see cref="GroupCommitWriter"/> (the queue and the writer threads),
/// <see cref="GroupInsert"/> (one group's round trips and answers), <see cref="PendingAppend"/> (one append's
/// cancellation and completion), <see cref="ClaimStatements"/> (the SQL), <see cref="ClaimRows"/> (claims to and from
/// rows), <see cref="ClaimQueries"/> (every other statement) and <see cref="StorageFaults"/> (the faults of reads).
/// </para>
/// </remarks>
public sealed class PostgresClaimStore : IClaimStore, IAsyncDisposable
{
    /// <summary>The answer to an append that finds the queue full.</summary>
    private static readonly Task<AppendOutcome> BusyOutcome = Task.FromResult(AppendOutcome.Busy);

    private readonly ILogger<PostgresClaimStore> logger;
    private readonly ClaimQueries queries;
    private readonly GroupInsert insert;
    private readonly GroupCommitWriter writer;
    private volatile bool disposed;

    /// <summary>
    /// A store on <paramref name="dataSource"/>; claims and returns write their events unless
    /// <paramref name="writeEvents"/> is false (<see cref="Vouchers.Grains.Events.EventOptions.Enabled"/> off, only to
    /// measure what the events cost).
    /// </summary>
    public PostgresClaimStore(NpgsqlDataSource dataSource, ClaimStoreOptions options, ILogger<PostgresClaimStore> logger, bool writeEvents = true)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options.MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Writers, 1, nameof(options.Writers));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options.QueueCapacity));

        this.logger = logger;
        queries = new ClaimQueries(dataSource, writeEvents);
        insert = new GroupInsert(dataSource, logger, writeEvents);
        writer = new GroupCommitWriter(options, insert);
    }

    /// <summary>INSERT round trips made so far, one per group.</summary>
    public long Flushes => insert.Flushes;

    public Task<AppendOutcome> AppendAsync(StoredClaim claim, CancellationToken cancellationToken = default)
    {
        ClaimRows.Validate(claim);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendOutcome>(cancellationToken);
        }

        var pending = new PendingAppend(claim);
        if (!writer.TryEnqueue(pending))
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return BusyOutcome;
        }

        return cancellationToken.CanBeCanceled ? pending.WaitAsync(cancellationToken) : pending.Task;
    }

    public Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(GetAsync), () => queries.GetAsync(code, cancellationToken));

    public Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(FindLiveAsync), () => queries.FindLiveAsync(batchId, personKey, cancellationToken));

    public Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(ListByPersonAsync), () => queries.ListByPersonAsync(personKey, cancellationToken));

    public Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(LoadShardAsync), () => queries.LoadShardAsync(batchId, shard, cancellationToken));

    public Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, string returnedBy, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(MarkReturnedAsync), () => queries.MarkReturnedAsync(code, at, returnedBy, cancellationToken));

    public Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(SetQuantityAsync), () => queries.SetQuantityAsync(batchId, quantity, cancellationToken));

    public Task<IReadOnlyList<StoredClaim>> ListExpiringAsync(ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(ListExpiringAsync), () => queries.ListExpiringAsync(after, through, max, cancellationToken));

    public Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(CountAsync), () => queries.CountAsync(batchId, cancellationToken));

    /// <summary>Stops taking appends, lets the writers write everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        disposed = true;
        await writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Reads fail with <see cref="Vouchers.Contracts.StorageUnavailableException"/> when the database does (a driver exception cannot
    /// reach the caller of the grain that asked, often during its activation, where no call filter sees it).
    /// </summary>
    private async Task<T> TranslatedAsync<T>(string during, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            throw StorageFaults.Translate(logger, exception, exception, during);
        }
    }
}
