using Npgsql;
using Vouchers.Contracts;
using Vouchers.Grains.Audit;
using Vouchers.Silo.Persistence;
using Vouchers.Testing.Postgres;
using Vouchers.Testing.Stores;

namespace Vouchers.Integration.Tests;

/// <summary>The audit-store contract on a freshly migrated PostgreSQL database, plus what the table itself refuses.</summary>
public sealed class PostgresAuditStoreTests : AuditStoreContractTests, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 9, 1, 0, 0, 0, TimeSpan.Zero);

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

    protected override Task<IAuditStore> CreateStoreAsync() => Task.FromResult<IAuditStore>(new PostgresAuditStore(dataSource));

    [Fact]
    public async Task ARowHoldsTheRecordAsWrittenAndIsCommittedWhenTheAppendReturns()
    {
        var store = await CreateStoreAsync();
        var actor = NewId("k");

        var stored = await store.AppendAsync(new AuditRecord(0, Start, actor, AuditActions.KeyRevoke, "k-abc", "4403",
            """{"revokedAt":null}""", """{"revokedAt":"2030-09-01T00:00:00+00:00"}""", "192.0.2.10"));

        // Read through another connection: the row is committed.
        var rows = await database.ListAsync(
            "SELECT id, action, target_id, region_code, before_state, after_state, client_address, occurred_at FROM vouchers_audit_records WHERE actor_key_id = @a",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7)),
            ("a", actor));
        Assert.Equal((stored.Id, "key.revoke", "k-abc", "4403", """{"revokedAt":null}""", """{"revokedAt":"2030-09-01T00:00:00+00:00"}""", "192.0.2.10", Start),
            Assert.Single(rows));
    }

    [Fact]
    public async Task TheTableRefusesRowsTheStoreWouldNeverWrite()
    {
        var actor = NewId("k");

        await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<object>(
            "INSERT INTO vouchers_audit_records (occurred_at, actor_key_id, action, target_id, region_code, after_state) VALUES (now(), @a, 'DROP TABLE', 't', '44', '{}') RETURNING id",
            ("a", actor)));
        await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<object>(
            "INSERT INTO vouchers_audit_records (occurred_at, actor_key_id, action, target_id, region_code, after_state) VALUES (now(), @a, 'batch.create', 't', '4', '{}') RETURNING id",
            ("a", actor)));
        await Assert.ThrowsAsync<PostgresException>(() => database.ScalarAsync<object>(
            "INSERT INTO vouchers_audit_records (occurred_at, actor_key_id, action, target_id, region_code, after_state) VALUES (now(), '', 'batch.create', 't', '44', '{}') RETURNING id"));
    }
}
