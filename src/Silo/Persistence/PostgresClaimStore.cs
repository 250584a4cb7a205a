using System.Data.Common;
using System.Diagnostics;
using System.Collections.Immutable;
using System.Threading.Channels;
using Npgsql;
using Vouchers.Grains.Claims;

namespace Vouchers.Silo.Persistence;

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
/// </remarks>
public sealed partial class PostgresClaimStore : IClaimStore, IAsyncDisposable
{
    private const string Columns = """
        code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name, holder_id_number,
        subsidy_amount, claimed_at, expires_at, eligible_institution_ids, returned_at
        """;

    // unnest cannot yield one array per row, so the institution ids of the group travel as one flat array and each
    // row takes its slice (first > last gives the empty array). An appended claim is live: returned_at stays NULL.
    // The stock rows of the group's batches are locked, at most quantity - live rows of each batch are inserted (in
    // the group's order) and live grows by what was inserted, all in this one statement (0007). Each returned row
    // says whether it was inserted (true) or cut because its batch had no stock left (false); a row not returned
    // conflicted with an existing claim.
    private const string InsertSql = """
        WITH c AS (
            SELECT c.*, row_number() OVER (PARTITION BY c.batch_id ORDER BY c.ord) AS nth
            FROM unnest(@codes::text[], @batch_ids::text[], @shards::int[], @person_keys::text[], @channel_ids::text[],
                        @request_ids::text[], @program_ids::text[], @holder_names::text[], @holder_id_numbers::text[],
                        @subsidy_amounts::numeric[], @claimed_at::timestamptz[], @expires_at::timestamptz[],
                        @first_institutions::int[], @last_institutions::int[]) WITH ORDINALITY
                 AS c(code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name,
                      holder_id_number, subsidy_amount, claimed_at, expires_at, first_institution, last_institution, ord)
        ), stock AS (
            SELECT s.batch_id, s.quantity - s.live AS room
            FROM vouchers_batch_stock s
            WHERE s.batch_id = ANY(@batch_ids::text[])
            ORDER BY s.batch_id
            FOR UPDATE
        ), inserted AS (
            INSERT INTO vouchers_claims (code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name,
                                         holder_id_number, subsidy_amount, claimed_at, expires_at, eligible_institution_ids)
            SELECT c.code, c.batch_id, c.shard, c.person_key, c.channel_id, c.request_id, c.program_id, c.holder_name,
                   c.holder_id_number, c.subsidy_amount, c.claimed_at, c.expires_at,
                   (@institution_ids::text[])[c.first_institution:c.last_institution]
            FROM c LEFT JOIN stock ON stock.batch_id = c.batch_id
            WHERE stock.room IS NULL OR c.nth <= stock.room
            ORDER BY c.ord
            ON CONFLICT DO NOTHING
            RETURNING code, batch_id
        ), counted AS (
            UPDATE vouchers_batch_stock s SET live = s.live + n.inserted
            FROM (SELECT batch_id, count(*)::int AS inserted FROM inserted GROUP BY batch_id) n
            WHERE s.batch_id = n.batch_id
        )
        SELECT code, true FROM inserted
        UNION ALL
        SELECT c.code, false FROM c JOIN stock ON stock.batch_id = c.batch_id WHERE c.nth > stock.room
        """;

    private const string ExistingCodesSql = "SELECT code FROM vouchers_claims WHERE code = ANY(@codes)";
    private const string GetSql = $"SELECT {Columns} FROM vouchers_claims WHERE code = @code";
    private const string FindLiveSql = $"SELECT {Columns} FROM vouchers_claims WHERE batch_id = @batch_id AND person_key = @person_key AND returned_at IS NULL";
    private const string ListByPersonSql = $"SELECT {Columns} FROM vouchers_claims WHERE person_key = @person_key ORDER BY claimed_at DESC, code DESC";
    private const string LoadShardSql = """
        SELECT code, person_key, channel_id, request_id, expires_at, returned_at IS NOT NULL
        FROM vouchers_claims WHERE batch_id = @batch_id AND shard = @shard ORDER BY claimed_at, code
        """;
    private const string MarkReturnedSql = """
        WITH returned AS (
            UPDATE vouchers_claims SET returned_at = @at WHERE code = @code AND returned_at IS NULL RETURNING batch_id
        ), counted AS (
            UPDATE vouchers_batch_stock s SET live = s.live - 1 FROM returned WHERE s.batch_id = returned.batch_id
        )
        SELECT count(*)::int FROM returned
        """;
    // The first registration counts the batch's live claims; later ones change the quantity only. A quantity below
    // the live claims violates ck_vouchers_batch_stock_live.
    private const string SetQuantitySql = """
        INSERT INTO vouchers_batch_stock (batch_id, quantity, live)
        VALUES (@batch_id, @quantity, (SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch_id AND returned_at IS NULL))
        ON CONFLICT (batch_id) DO UPDATE SET quantity = excluded.quantity
        """;
    private const string CountSql = "SELECT count(*)::int, count(returned_at)::int FROM vouchers_claims WHERE batch_id = @batch_id";

    /// <summary>A writer that wrote a group less than this long ago counts as busy and lingers.</summary>
    private static readonly TimeSpan BusyWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>The answer to an append that finds the queue full.</summary>
    private static readonly Task<AppendOutcome> BusyOutcome = Task.FromResult(AppendOutcome.Busy);

    private readonly NpgsqlDataSource dataSource;
    private readonly ClaimStoreOptions options;
    private readonly ILogger<PostgresClaimStore> logger;
    private readonly Channel<PendingAppend> queue;
    private readonly Task[] writers;
    private long flushes;
    private volatile bool disposed;

    public PostgresClaimStore(NpgsqlDataSource dataSource, ClaimStoreOptions options, ILogger<PostgresClaimStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options.MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Writers, 1, nameof(options.Writers));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options.QueueCapacity));

        this.dataSource = dataSource;
        this.options = options;
        this.logger = logger;
        queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = options.Writers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Each writer is a thread of its own (LongRunning), off the caller's scheduler (a grain's, when the store is
        // created inside one) and off the thread pool: see RunWriter.
        writers = [.. Enumerable.Range(0, options.Writers).Select(_ => Task.Factory.StartNew(
            RunWriter, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>INSERT round trips made so far, one per group.</summary>
    public long Flushes => Interlocked.Read(ref flushes);

    public Task<AppendOutcome> AppendAsync(StoredClaim claim, CancellationToken cancellationToken = default)
    {
        Validate(claim);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendOutcome>(cancellationToken);
        }

        var pending = new PendingAppend(claim);
        if (!queue.Writer.TryWrite(pending))
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return BusyOutcome;
        }

        return cancellationToken.CanBeCanceled ? pending.WaitAsync(cancellationToken) : pending.Task;
    }

    private async Task<StoredClaim?> GetCoreAsync(string code, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(GetSql);
        command.Parameters.AddWithValue("code", code);
        var claims = await ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
        return claims.Count == 0 ? null : claims[0];
    }

    private async Task<StoredClaim?> FindLiveCoreAsync(string batchId, string personKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindLiveSql);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("person_key", personKey);
        var claims = await ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
        return claims.Count == 0 ? null : claims[0];
    }

    private async Task<IReadOnlyList<StoredClaim>> ListByPersonCoreAsync(string personKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ListByPersonSql);
        command.Parameters.AddWithValue("person_key", personKey);
        return await ReadClaimsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ShardClaim>> LoadShardCoreAsync(string batchId, int shard, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(LoadShardSql);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("shard", shard);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claims = new List<ShardClaim>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claims.Add(new ShardClaim(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5)));
        }

        return claims;
    }

    private async Task<bool> MarkReturnedCoreAsync(string code, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(MarkReturnedSql);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    private async Task<bool> SetQuantityCoreAsync(string batchId, int quantity, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SetQuantitySql);
        command.Parameters.AddWithValue("batch_id", batchId);
        command.Parameters.AddWithValue("quantity", quantity);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CheckViolation)
        {
            return false; // more live claims than the quantity
        }
    }

    private async Task<ClaimCounts> CountCoreAsync(string batchId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountSql);
        command.Parameters.AddWithValue("batch_id", batchId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ClaimCounts(reader.GetInt32(0), reader.GetInt32(1));
    }

    public Task<StoredClaim?> GetAsync(string code, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(GetAsync), () => GetCoreAsync(code, cancellationToken));

    public Task<StoredClaim?> FindLiveAsync(string batchId, string personKey, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(FindLiveAsync), () => FindLiveCoreAsync(batchId, personKey, cancellationToken));

    public Task<IReadOnlyList<StoredClaim>> ListByPersonAsync(string personKey, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(ListByPersonAsync), () => ListByPersonCoreAsync(personKey, cancellationToken));

    public Task<IReadOnlyList<ShardClaim>> LoadShardAsync(string batchId, int shard, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(LoadShardAsync), () => LoadShardCoreAsync(batchId, shard, cancellationToken));

    public Task<bool> MarkReturnedAsync(string code, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(MarkReturnedAsync), () => MarkReturnedCoreAsync(code, at, cancellationToken));

    public Task<bool> SetQuantityAsync(string batchId, int quantity, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(SetQuantityAsync), () => SetQuantityCoreAsync(batchId, quantity, cancellationToken));

    public Task<ClaimCounts> CountAsync(string batchId, CancellationToken cancellationToken = default) =>
        TranslatedAsync(nameof(CountAsync), () => CountCoreAsync(batchId, cancellationToken));

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

    /// <summary>Stops taking appends, lets the writers write everything already queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        disposed = true;
        queue.Writer.TryComplete();
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    /// <summary>
    /// Refuses, before it is queued, a claim that PostgreSQL would reject: one bad row would fail its whole group.
    /// </summary>
    private static void Validate(StoredClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentException.ThrowIfNullOrEmpty(claim.Code);
        ArgumentException.ThrowIfNullOrEmpty(claim.BatchId);
        ArgumentException.ThrowIfNullOrEmpty(claim.PersonKey);
        ArgumentOutOfRangeException.ThrowIfNegative(claim.Shard);
        if (claim.SubsidyAmount is < 0 or >= 10_000_000_000m || decimal.Round(claim.SubsidyAmount, 2) != claim.SubsidyAmount)
        {
            throw new ArgumentOutOfRangeException(nameof(claim), claim.SubsidyAmount, "The subsidy amount must fit numeric(12,2): 0 to 9999999999.99, at most two decimals.");
        }

        string[] texts = [claim.Code, claim.BatchId, claim.PersonKey, claim.ChannelId, claim.RequestId, claim.ProgramId, claim.HolderName, claim.HolderIdNumber];
        if (texts.Concat(claim.EligibleInstitutionIds.IsDefault ? [] : claim.EligibleInstitutionIds).Any(text => text is null || text.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("The claim's texts and institution ids must not be null nor contain NUL characters.", nameof(claim));
        }
    }

    private static async Task<List<StoredClaim>> ReadClaimsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var claims = new List<StoredClaim>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claims.Add(new StoredClaim(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetDecimal(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11),
                ImmutableArray.Create(reader.GetFieldValue<string[]>(12)),
                reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13)));
        }

        return claims;
    }

    private static NpgsqlParameter<T[]> Column<T>(string name, List<PendingAppend> rows, Func<StoredClaim, T> value) =>
        new(name, [.. rows.Select(row => value(row.Claim))]);

    /// <summary>
    /// One writer's loop. It blocks its own thread (waits, linger, synchronous Npgsql round trips) instead of awaiting:
    /// under load the thread pool's queue holds thousands of work items, and a writer whose every step waited its
    /// turn there kept the queued claims waiting too (tens of milliseconds at 1,500 claims/s on two cores).
    /// </summary>
    private void RunWriter()
    {
        var group = new List<PendingAppend>(options.MaxBatchSize);
        long? lastWrite = null;
        while (WaitToRead())
        {
            Drain(group);

            // Busy (a group was written moments ago): wait a little for more appends, so one commit carries more
            // claims. An append at a quiet time is written at once.
            if (group.Count < options.MaxBatchSize && options.Linger > TimeSpan.Zero
                && lastWrite is { } last && Stopwatch.GetElapsedTime(last) < BusyWindow)
            {
                Thread.Sleep(options.Linger);
                Drain(group);
            }

            if (group.Count > 0)
            {
                WriteGroup(group);
                group.Clear();
                lastWrite = Stopwatch.GetTimestamp();
            }
        }
    }

    private void Drain(List<PendingAppend> group)
    {
        while (group.Count < options.MaxBatchSize && queue.Reader.TryRead(out var pending))
        {
            if (pending.TryTake())
            {
                group.Add(pending);
            }
        }
    }

    private bool WaitToRead()
    {
        var wait = queue.Reader.WaitToReadAsync();
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Writes one group and completes every append in it; never throws, so the loop survives any failure.</summary>
    private void WriteGroup(List<PendingAppend> group)
    {
        // The primary key lets one copy of a code in at most, and RETURNING code must name exactly one row, so a
        // code repeated inside the group is answered CodeTaken (draw another code) without being sent.
        var codes = new HashSet<string>(group.Count, StringComparer.Ordinal);
        var rows = new List<PendingAppend>(group.Count);
        foreach (var pending in group)
        {
            if (codes.Add(pending.Claim.Code))
            {
                rows.Add(pending);
            }
            else
            {
                pending.TrySetResult(AppendOutcome.CodeTaken);
            }
        }

        // Concurrent groups (other writers, other silos) wait on each other's live-claim keys; inserting every group
        // in one order of those keys rules out deadlocks. The sort is stable: of one person's rows, the first queued
        // is still inserted first.
        rows = [.. rows.OrderBy(pending => pending.Claim.BatchId, StringComparer.Ordinal).ThenBy(pending => pending.Claim.PersonKey, StringComparer.Ordinal)];

        Dictionary<string, bool> inserted;
        try
        {
            inserted = Insert(rows);
        }
        catch (Exception exception)
        {
            LogGroupFailed(exception, rows.Count);
            rows.ForEach(pending => pending.TrySetException(exception));
            return;
        }

        var conflicted = new List<PendingAppend>();
        foreach (var pending in rows)
        {
            if (inserted.TryGetValue(pending.Claim.Code, out var stored))
            {
                pending.TrySetResult(stored ? AppendOutcome.Stored : AppendOutcome.NoStock);
            }
            else
            {
                conflicted.Add(pending);
            }
        }

        if (conflicted.Count == 0)
        {
            return;
        }

        try
        {
            var taken = ExistingCodes(conflicted);
            conflicted.ForEach(pending => pending.TrySetResult(
                taken.Contains(pending.Claim.Code) ? AppendOutcome.CodeTaken : AppendOutcome.PersonHasLiveClaim));
        }
        catch (Exception exception)
        {
            // These rows were not written, so failing them is the truth; only their reason is unknown.
            LogClassificationFailed(exception, conflicted.Count);
            conflicted.ForEach(pending => pending.TrySetException(exception));
        }
    }

    private Dictionary<string, bool> Insert(List<PendingAppend> rows)
    {
        var institutionIds = new List<string>();
        var first = new int[rows.Count];
        var last = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var ids = rows[i].Claim.EligibleInstitutionIds;
            first[i] = institutionIds.Count + 1;
            institutionIds.AddRange(ids.IsDefault ? [] : ids);
            last[i] = institutionIds.Count;
        }

        using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(Column("codes", rows, c => c.Code));
        command.Parameters.Add(Column("batch_ids", rows, c => c.BatchId));
        command.Parameters.Add(Column("shards", rows, c => c.Shard));
        command.Parameters.Add(Column("person_keys", rows, c => c.PersonKey));
        command.Parameters.Add(Column("channel_ids", rows, c => c.ChannelId));
        command.Parameters.Add(Column("request_ids", rows, c => c.RequestId));
        command.Parameters.Add(Column("program_ids", rows, c => c.ProgramId));
        command.Parameters.Add(Column("holder_names", rows, c => c.HolderName));
        command.Parameters.Add(Column("holder_id_numbers", rows, c => c.HolderIdNumber));
        command.Parameters.Add(Column("subsidy_amounts", rows, c => c.SubsidyAmount));
        command.Parameters.Add(Column("claimed_at", rows, c => c.ClaimedAt.ToUniversalTime()));
        command.Parameters.Add(Column("expires_at", rows, c => c.ExpiresAt.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("institution_ids", [.. institutionIds]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("first_institutions", first));
        command.Parameters.Add(new NpgsqlParameter<int[]>("last_institutions", last));

        Interlocked.Increment(ref flushes);
        // RETURNING rows arrive before the commit; the reader is disposed (read up to ReadyForQuery, after the
        // commit) before this method returns, and only then is any append completed.
        var inserted = new Dictionary<string, bool>(rows.Count, StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            inserted[reader.GetString(0)] = reader.GetBoolean(1);
        }

        return inserted;
    }

    private HashSet<string> ExistingCodes(List<PendingAppend> rows)
    {
        using var command = dataSource.CreateCommand(ExistingCodesSql);
        command.Parameters.Add(Column("codes", rows, c => c.Code));
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            existing.Add(reader.GetString(0));
        }

        return existing;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Writing a group of {Count} claims failed; none of them was acknowledged")]
    private partial void LogGroupFailed(Exception exception, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Telling apart {Count} conflicting claims failed; none of them was written")]
    private partial void LogClassificationFailed(Exception exception, int count);

    /// <summary>One queued append. A writer takes it unless the caller's cancellation got there first.</summary>
    private sealed class PendingAppend(StoredClaim claim)
        : TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Cancelled = 2;

        private int state = Queued;

        public StoredClaim Claim { get; } = claim;

        /// <summary>False when the append was cancelled while it waited; from true on it ends with its real outcome.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref state, Taken, Queued) == Queued;

        public async Task<AppendOutcome> WaitAsync(CancellationToken cancellationToken)
        {
            using (cancellationToken.Register(static (self, token) => ((PendingAppend)self!).Cancel(token), this))
            {
                return await Task.ConfigureAwait(false);
            }
        }

        private void Cancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued)
            {
                TrySetCanceled(token);
            }
        }
    }
}
