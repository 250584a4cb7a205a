using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Records;
using Vouchers.Silo.Persistence;
using Vouchers.Testing;
using Vouchers.Testing.Postgres;
using Vouchers.Testing.Stores;

namespace Vouchers.Integration.Tests;

/// <summary>
/// The record-store contract on a freshly migrated PostgreSQL database, plus what the table itself promises: the
/// API's names in its columns, and groups from the silo's writer landing as few INSERTs.
/// </summary>
public sealed class PostgresVerificationRecordStoreTests : VerificationRecordStoreContractTests, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

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
        await dataSource.DisposeAsync();
        await database.DisposeAsync();
    }

    protected override Task<IVerificationRecordStore> CreateStoreAsync() =>
        Task.FromResult<IVerificationRecordStore>(new PostgresVerificationRecordStore(dataSource));

    [Fact]
    public async Task ARowHoldsTheMaskedCodeAndTheApiNamesOfKindResultAndMode()
    {
        var store = await CreateStoreAsync();
        var institution = NewId("inst");

        await store.AppendAsync([new VerificationRecord(0, institution, Start, RecordKind.Use, "ABCD…WXYZ", VerifyVerdict.AlreadyUsed,
            "national-app", null, UseMode.Online, "welding-online", null)]);

        var rows = await database.ListAsync(
            "SELECT kind, result, mode, masked_code, clerk_key_id, device_id IS NULL, course_id, class_id IS NULL, occurred_at FROM vouchers_verification_records WHERE institution_id = @i",
            r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetBoolean(5), r.GetString(6), r.GetBoolean(7), r.GetFieldValue<DateTimeOffset>(8)),
            ("i", institution));
        Assert.Equal(("use", "alreadyUsed", "online", "ABCD…WXYZ", "national-app", true, "welding-online", true, Start), Assert.Single(rows));
    }

    [Fact]
    public async Task TheTableRefusesRowsTheStoreWouldNeverWrite()
    {
        var institution = NewId("inst");

        await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<object>(
            "INSERT INTO vouchers_verification_records (institution_id, occurred_at, kind, masked_code, result) VALUES (@i, now(), 'scan', 'x', 'valid') RETURNING id",
            ("i", institution)));
        await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<object>(
            "INSERT INTO vouchers_verification_records (institution_id, occurred_at, kind, masked_code, result, mode) VALUES (@i, now(), 'use', 'x', 'valid', 'carrier-pigeon') RETURNING id",
            ("i", institution)));
    }

    [Fact]
    public async Task TheSilosWriterStoresAThousandRecordsInAFewInserts()
    {
        const int Records = 1_000;
        var store = new PostgresVerificationRecordStore(dataSource);
        var institution = NewId("inst");
        await using (var writer = new VerificationRecordWriter(store, Options.Create(new RecordOptions()), NullLogger<VerificationRecordWriter>.Instance))
        {
            for (var i = 0; i < Records; i++)
            {
                Assert.True(writer.TryEnqueue(Record(institution, Start.AddMilliseconds(i), device: $"gun-{i}")));
            }

            await Poll.UntilAsync(
                () => database.ScalarAsync<long>("SELECT count(*) FROM vouchers_verification_records WHERE institution_id = @i", ("i", institution)),
                stored => stored == Records, Patience, stored => $"{Records} records to be stored (stored: {stored})");
            Assert.True(writer.Appends <= Records / 10, $"{Records} records took {writer.Appends} INSERTs.");
        }

        var newest = await store.QueryAsync(institution, new RecordQuery(Limit: 1));
        Assert.Equal("gun-999", Assert.Single(newest.Records).DeviceId);
    }
}
