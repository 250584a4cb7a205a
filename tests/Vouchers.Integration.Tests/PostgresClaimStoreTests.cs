using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Silo.Persistence.Claims;
using Vouchers.Silo.Persistence.Events;
using Vouchers.Testing;
using Vouchers.Testing.Postgres;
using Vouchers.Testing.Stores;

namespace Vouchers.Integration.Tests;

/// <summary>
/// The claim store contract on a freshly migrated PostgreSQL database, plus what only the group-commit writer
/// has: shared round trips, a bounded queue, failures confined to one group, cancellation and draining on dispose.
/// </summary>
public sealed class PostgresClaimStoreTests : ClaimStoreContractTests, IAsyncLifetime
{
    /// <summary>A store INSERT that waits for a lock right now (never an idle connection whose last query was one).</summary>
    private const string BlockedInsert =
        "datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO vouchers_claims%' AND query NOT LIKE '%pg_stat_activity%'";

    private static readonly TimeSpan BlockedTimeout = TimeSpan.FromSeconds(30);

    private readonly List<PostgresClaimStore> stores = [];
    private TestDatabase database = null!;
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();
        dataSource = NpgsqlDataSource.Create(database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    protected override Task<IClaimStore> CreateStoreAsync() => Task.FromResult<IClaimStore>(CreateStore(new ClaimStoreOptions()));

    protected override IEventStore Events => new PostgresEventStore(dataSource, NullLogger<PostgresEventStore>.Instance);

    [Fact]
    public async Task WithEventsOffClaimsAndReturnsAreStoredWithoutEvents()
    {
        var store = CreateStore(new ClaimStoreOptions(), writeEvents: false);
        var claim = NewClaim(NewId("batch"), NewId("person"));

        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(claim));
        Assert.True(await store.MarkReturnedAsync(claim.Code, claim.ClaimedAt.AddHours(1), "channel-1"));

        Assert.NotNull((await store.GetAsync(claim.Code))?.ReturnedAt);
        Assert.DoesNotContain(await Events.ReadAsync(EventCursor.Start, 1_000_000), e => e.Event.BatchId == claim.BatchId);
    }

    [Fact]
    public async Task ConcurrentAppendsShareInsertRoundTrips()
    {
        const int Appends = 1_000;
        var store = CreateStore(new ClaimStoreOptions());
        var batchId = NewId("batch");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Appends).Select(_ => store.AppendAsync(NewClaim(batchId, NewId("person")))));

        Assert.All(outcomes, outcome => Assert.Equal(AppendOutcome.Stored, outcome));
        Assert.Equal(new ClaimCounts(Appends, 0), await store.CountAsync(batchId));
        Assert.True(store.Flushes <= Appends / 10, $"{Appends} concurrent appends took {store.Flushes} INSERT round trips.");
    }

    [Fact]
    public async Task GroupsInFlightTogetherForTheSamePeopleNeverDeadlock()
    {
        const int Rounds = 3;
        const int People = 300;
        const int ClaimsPerPerson = 4;
        // Several small groups at once, each holding the same people in another order: without one insertion order
        // they wait on each other's keys in a cycle and PostgreSQL aborts one of them.
        var store = CreateStore(new ClaimStoreOptions { Writers = 4, MaxBatchSize = 128 });
        var random = new Random(7);

        for (var round = 0; round < Rounds; round++)
        {
            var batchId = NewId("batch");
            var people = Enumerable.Range(0, People).Select(i => NewId($"person{i}")).ToArray();
            var claims = people.SelectMany(person => Enumerable.Range(0, ClaimsPerPerson).Select(_ => NewClaim(batchId, person)))
                .OrderBy(_ => random.Next())
                .ToArray();

            var outcomes = await Task.WhenAll(claims.Select(claim => Task.Run(() => store.AppendAsync(claim))));

            Assert.Equal(People, outcomes.Count(outcome => outcome == AppendOutcome.Stored));
            Assert.Equal(new ClaimCounts(People, 0), await store.CountAsync(batchId));
        }
    }

    [Fact]
    public async Task TwoClaimsOfOnePersonInOneGroupStoreTheFirstAndRefuseTheSecond()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1 });
        var batchId = NewId("batch");
        var person = NewId("person");
        var first = NewClaim(batchId, person);
        var second = NewClaim(batchId, person);
        var sameCode = NewClaim(batchId, NewId("person")) with { Code = first.Code };

        Task<AppendOutcome> blocker;
        Task<AppendOutcome>[] group;
        await using (await TableLock.TakeAsync(database))
        {
            blocker = store.AppendAsync(NewClaim(batchId, NewId("person")));
            await WaitUntilInsertIsBlockedAsync();
            group = [store.AppendAsync(first), store.AppendAsync(second), store.AppendAsync(sameCode)];
        }

        Assert.Equal(AppendOutcome.Stored, await blocker);
        Assert.Equal([AppendOutcome.Stored, AppendOutcome.PersonHasLiveClaim, AppendOutcome.CodeTaken], await Task.WhenAll(group));
        Assert.Equal(2, store.Flushes);
        Assert.Equal(first.RequestId, (await store.FindLiveAsync(batchId, person))?.RequestId);
        Assert.Null(await store.FindLiveAsync(batchId, sameCode.PersonKey));
        Assert.Equal(new ClaimCounts(2, 0), await store.CountAsync(batchId));
    }

    [Fact]
    public async Task EachClaimOfAGroupKeepsItsOwnInstitutionIds()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1 });
        var batchId = NewId("batch");
        // The group's ids travel as one flat array that each row slices: neighbours must not lend each other theirs.
        StoredClaim[] claims =
        [
            NewClaim(batchId, NewId("person")) with { EligibleInstitutionIds = ["a", "b"] },
            NewClaim(batchId, NewId("person")) with { EligibleInstitutionIds = [] },
            NewClaim(batchId, NewId("person")) with { EligibleInstitutionIds = ["c"] },
            NewClaim(batchId, NewId("person")) with { EligibleInstitutionIds = ["", "d", "e"] },
        ];

        Task<AppendOutcome> blocker;
        Task<AppendOutcome>[] group;
        await using (await TableLock.TakeAsync(database))
        {
            blocker = store.AppendAsync(NewClaim(batchId, NewId("person")));
            await WaitUntilInsertIsBlockedAsync();
            group = [.. claims.Select(claim => store.AppendAsync(claim))];
        }

        Assert.Equal(AppendOutcome.Stored, await blocker);
        Assert.All(await Task.WhenAll(group), outcome => Assert.Equal(AppendOutcome.Stored, outcome));
        Assert.Equal(2, store.Flushes);
        foreach (var claim in claims)
        {
            AssertSameClaim(claim, await store.GetAsync(claim.Code));
        }
    }

    [Fact]
    public async Task AClaimTheTableWouldRejectIsRefusedBeforeItIsQueued()
    {
        var store = CreateStore(new ClaimStoreOptions());
        var batchId = NewId("batch");
        var valid = NewClaim(batchId, NewId("person"));
        StoredClaim[] broken =
        [
            valid with { Code = "" },
            valid with { BatchId = "" },
            valid with { PersonKey = "" },
            valid with { Shard = -1 },
            valid with { SubsidyAmount = -0.01m },
            valid with { SubsidyAmount = 10_000_000_000m },
            valid with { SubsidyAmount = 1.001m },
            valid with { ChannelId = null! },
            valid with { HolderName = "a\0b" },
            valid with { EligibleInstitutionIds = ["inst-1", "inst\0"] },
            valid with { EligibleInstitutionIds = ["inst-1", null!] },
        ];

        await Assert.ThrowsAsync<ArgumentNullException>(() => store.AppendAsync(null!));
        foreach (var claim in broken)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(claim));
        }

        Assert.Equal(0, store.Flushes);
        Assert.Equal(new ClaimCounts(0, 0), await store.CountAsync(batchId));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(valid with { SubsidyAmount = 9_999_999_999.99m, EligibleInstitutionIds = default }));
        Assert.Equal(1, store.Flushes);
    }

    [Fact]
    public async Task FullQueueRefusesAtOnceAndWritesNothing()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1, QueueCapacity = 1 });
        var batchId = NewId("batch");
        var refused = NewClaim(batchId, NewId("person"));

        Task<AppendOutcome> inFlight;
        Task<AppendOutcome> queued;
        await using (await TableLock.TakeAsync(database))
        {
            inFlight = store.AppendAsync(NewClaim(batchId, NewId("person")));
            await WaitUntilInsertIsBlockedAsync();
            queued = store.AppendAsync(NewClaim(batchId, NewId("person")));

            var answer = store.AppendAsync(refused);
            Assert.True(answer.IsCompleted, "a full queue answers at once");
            Assert.Equal(AppendOutcome.Busy, await answer);
            Assert.False(inFlight.IsCompleted);
            Assert.False(queued.IsCompleted);
        }

        Assert.Equal(AppendOutcome.Stored, await inFlight);
        Assert.Equal(AppendOutcome.Stored, await queued);
        Assert.Null(await store.GetAsync(refused.Code));
        Assert.Equal(new ClaimCounts(2, 0), await store.CountAsync(batchId));
        Assert.Equal(2, store.Flushes);
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(refused));
    }

    [Fact]
    public async Task LostConnectionFailsOnlyItsGroupAndTheStoreKeepsWorking()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1 });
        var batchId = NewId("batch");
        var lost = NewClaim(batchId, NewId("person"));
        var later = new[] { NewClaim(batchId, NewId("person")), NewClaim(batchId, NewId("person")) };

        Task<AppendOutcome> lostAppend;
        Task<AppendOutcome>[] laterAppends;
        await using (await TableLock.TakeAsync(database))
        {
            lostAppend = store.AppendAsync(lost);
            await WaitUntilInsertIsBlockedAsync();
            laterAppends = [.. later.Select(claim => store.AppendAsync(claim))];

            var terminated = await database.ScalarAsync<long>(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {BlockedInsert}");
            Assert.Equal(1, terminated);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => lostAppend);
            // The next group is taken by the same loop and waits for the lock in its turn.
            await WaitUntilInsertIsBlockedAsync();
            Assert.DoesNotContain(laterAppends, append => append.IsCompleted);
        }

        Assert.Equal([AppendOutcome.Stored, AppendOutcome.Stored], await Task.WhenAll(laterAppends));
        Assert.Null(await store.GetAsync(lost.Code));
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(lost));
        Assert.Equal(new ClaimCounts(3, 0), await store.CountAsync(batchId));
    }

    [Fact]
    public async Task CancellationStopsOnlyAnAppendThatNoWriterHasTakenYet()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1 });
        var batchId = NewId("batch");
        var taken = NewClaim(batchId, NewId("person"));
        var waiting = NewClaim(batchId, NewId("person"));
        var cancelledUpFront = NewClaim(batchId, NewId("person"));
        using var takenCancellation = new CancellationTokenSource();
        using var waitingCancellation = new CancellationTokenSource();

        Task<AppendOutcome> takenAppend;
        await using (await TableLock.TakeAsync(database))
        {
            takenAppend = store.AppendAsync(taken, takenCancellation.Token);
            await WaitUntilInsertIsBlockedAsync();
            var waitingAppend = store.AppendAsync(waiting, waitingCancellation.Token);

            await takenCancellation.CancelAsync();
            await waitingCancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingAppend);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync(cancelledUpFront, waitingCancellation.Token));
            Assert.False(takenAppend.IsCompleted);
        }

        Assert.Equal(AppendOutcome.Stored, await takenAppend);
        Assert.Equal(AppendOutcome.Stored, await store.AppendAsync(NewClaim(batchId, NewId("person"))));
        Assert.Null(await store.GetAsync(waiting.Code));
        Assert.Null(await store.GetAsync(cancelledUpFront.Code));
        Assert.Equal(new ClaimCounts(2, 0), await store.CountAsync(batchId));
        Assert.Equal(2, store.Flushes);
    }

    [Fact]
    public async Task DisposeWritesWhatIsQueuedAndRefusesNewAppends()
    {
        var store = CreateStore(new ClaimStoreOptions { Writers = 1 });
        var batchId = NewId("batch");

        Task<AppendOutcome>[] appends;
        Task disposal;
        await using (await TableLock.TakeAsync(database))
        {
            appends = [store.AppendAsync(NewClaim(batchId, NewId("person")))];
            await WaitUntilInsertIsBlockedAsync();
            appends = [.. appends, store.AppendAsync(NewClaim(batchId, NewId("person"))), store.AppendAsync(NewClaim(batchId, NewId("person")))];

            disposal = store.DisposeAsync().AsTask();

            await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendAsync(NewClaim(batchId, NewId("person"))));
            Assert.False(disposal.IsCompleted);
        }

        await disposal;
        Assert.All(await Task.WhenAll(appends), outcome => Assert.Equal(AppendOutcome.Stored, outcome));
        Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch_id", ("batch_id", batchId)));
    }

    [Fact]
    public async Task MigrationCreatesTheKeysThatGuardClaims()
    {
        var liveIndex = await database.ScalarAsync<string>(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'vouchers_claims' AND indexname = 'ux_vouchers_claims_live'");
        Assert.StartsWith("CREATE UNIQUE INDEX", liveIndex, StringComparison.Ordinal);
        Assert.EndsWith("(batch_id, person_key) WHERE (returned_at IS NULL)", liveIndex, StringComparison.Ordinal);

        var returned = await InsertRowAsync("batch-1", "person-1", 0, DateTimeOffset.UtcNow);
        var live = await InsertRowAsync("batch-1", "person-1", 0, null);
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => InsertRowAsync("batch-1", "person-1", 0, null));
        var negativeShard = await Assert.ThrowsAsync<PostgresException>(() => InsertRowAsync("batch-1", "person-2", -1, null));

        Assert.NotEqual(returned, live);
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ux_vouchers_claims_live"), (duplicate.SqlState, duplicate.ConstraintName));
        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_vouchers_claims_shard"), (negativeShard.SqlState, negativeShard.ConstraintName));
    }

    private PostgresClaimStore CreateStore(ClaimStoreOptions options, bool writeEvents = true)
    {
        var store = new PostgresClaimStore(dataSource, options, NullLogger<PostgresClaimStore>.Instance, writeEvents);
        stores.Add(store);
        return store;
    }

    private Task WaitUntilInsertIsBlockedAsync() =>
        Poll.UntilAsync(
            async () => await database.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE {BlockedInsert}") == 1,
            BlockedTimeout,
            () => "an INSERT of the claim store to wait for the table lock");

    private Task<string> InsertRowAsync(string batchId, string personKey, int shard, DateTimeOffset? returnedAt) =>
        database.ScalarAsync<string>(
            """
            INSERT INTO vouchers_claims (code, batch_id, shard, person_key, channel_id, request_id, program_id, holder_name,
                                         holder_id_number, subsidy_amount, claimed_at, expires_at, eligible_institution_ids, returned_at)
            VALUES (@code, @batch_id, @shard, @person_key, 'c', 'r', 'p', 'n', 'i', 1, now(), now(), '{}', @returned_at)
            RETURNING code
            """,
            ("code", NewId("code")), ("batch_id", batchId), ("shard", shard), ("person_key", personKey),
            ("returned_at", (object?)returnedAt ?? DBNull.Value));

    /// <summary>Holds an ACCESS EXCLUSIVE lock on vouchers_claims in an open transaction until disposed, so INSERTs wait.</summary>
    private sealed class TableLock : IAsyncDisposable
    {
        private readonly NpgsqlConnection connection;
        private readonly NpgsqlTransaction transaction;

        private TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            this.connection = connection;
            this.transaction = transaction;
        }

        public static async Task<TableLock> TakeAsync(TestDatabase database)
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("LOCK TABLE vouchers_claims IN ACCESS EXCLUSIVE MODE", connection, transaction);
            await command.ExecuteNonQueryAsync();
            return new TableLock(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
