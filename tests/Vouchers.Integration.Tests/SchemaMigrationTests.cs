using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests;

/// <summary>The embedded SQL migrations against a real, empty PostgreSQL database.</summary>
public sealed class SchemaMigrationTests : IAsyncLifetime
{
    private static readonly string[] AllMigrations =
        ["0001_orleans_main", "0002_orleans_clustering", "0003_orleans_persistence", "0004_orleans_reminders", "0005_vouchers_claims",
         "0006_verification_records", "0007_vouchers_batch_stock", "0008_audit_records", "0009_vouchers_events",
         "0010_vouchers_claims_expiry"];

    /// <summary>Every key the 10.4.2 ADO.NET clustering, persistence and reminder providers look up at start-up.</summary>
    private static readonly string[] ProviderQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseAndASecondRunAppliesNothing()
    {
        var first = await database.MigrateAsync();
        var second = await database.MigrateAsync();

        Assert.Equal(AllMigrations, first);
        Assert.Empty(second);
        var recorded = await database.ListAsync("SELECT version FROM vouchers_schema_migrations ORDER BY version", r => r.GetString(0));
        Assert.Equal(AllMigrations, recorded);
        var tables = await database.ListAsync(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", r => r.GetString(0));
        Assert.Superset(
            new HashSet<string> { "orleansquery", "orleans_membership", "orleans_membership_version", "orleans_grain_state", "orleans_reminder" },
            tables.ToHashSet());
    }

    [Fact]
    public async Task QueryRegistryHoldsEveryKeyTheOrleansProvidersLookUp()
    {
        await database.MigrateAsync();

        var keys = await database.ListAsync(
            "SELECT QueryKey FROM OrleansQuery WHERE length(btrim(QueryText)) > 0", r => r.GetString(0));

        Assert.Empty(ProviderQueryKeys.Except(keys));
    }

    [Fact]
    public async Task MigratorsRacingOnTheSameDatabaseApplyEachScriptExactlyOnce()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => database.MigrateAsync()));

        Assert.Equal(AllMigrations, runs.SelectMany(applied => applied).Order(StringComparer.Ordinal));
        Assert.Equal(AllMigrations.Length, await database.ScalarAsync<long>("SELECT count(*) FROM vouchers_schema_migrations"));
    }

    [Fact]
    public async Task SiloMigrateCommandAppliesTheSchemaAndExits()
    {
        var settings = new SiloSettings(database.ConnectionString, "migrate-only", "migrate-only", FreePort.Next(), FreePort.Next());
        using var silo = SiloProcess.Start(settings, "migrate", "migrate");

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"`Vouchers.Silo.dll migrate` exited with {exitCode}:{Environment.NewLine}{silo.Output}");
        Assert.Contains("Applied migrations: " + string.Join(", ", AllMigrations), silo.Output, StringComparison.Ordinal);
        Assert.Equal(AllMigrations.Length, await database.ScalarAsync<long>("SELECT count(*) FROM vouchers_schema_migrations"));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership"));
    }
}
