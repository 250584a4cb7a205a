using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Vouchers.Silo.Persistence;

/// <summary>
/// Applies the SQL scripts embedded in this assembly as <c>Migrations/NNNN_name.sql</c> to a PostgreSQL
/// database, in name order, each one exactly once.
/// </summary>
/// <remarks>
/// <para>
/// Applied scripts are recorded in <c>vouchers_schema_migrations(version, applied_at)</c>, where the
/// version is the file name without its extension (for example <c>0002_orleans_clustering</c>).
/// </para>
/// <para>
/// Every script runs in its own transaction together with the row that records it, and every such
/// transaction first takes a transaction-scoped advisory lock, then checks whether the script is
/// already recorded. Silos that start at the same time therefore queue up behind each other and each
/// script is applied by exactly one of them; since the lock is transaction-scoped it can never stay
/// behind on a pooled connection. A failing script rolls back completely and the exception propagates,
/// so the silo does not start on a half-migrated schema.
/// </para>
/// </remarks>
public sealed partial class SchemaMigrator(string connectionString, ILogger<SchemaMigrator> logger)
{
    /// <summary>Key of the advisory lock shared by every process that migrates this database.</summary>
    private const long AdvisoryLockKey = 0x566F_7563_6865_7273; // "Vouchers" in ASCII

    private const string ResourcePrefix = "Migrations/";
    private const string ResourceSuffix = ".sql";
    private const int ScriptTimeoutSeconds = 300;

    private const string CreateHistoryTableSql = """
        CREATE TABLE IF NOT EXISTS vouchers_schema_migrations
        (
            version    text        PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>
    /// Applies every embedded migration that the database has not recorded yet.
    /// </summary>
    /// <param name="cancellationToken">Cancels the run; the script in progress is rolled back.</param>
    /// <returns>The versions applied by this call, in order; empty when the schema was already current.</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var scripts = DiscoverScripts();
        LogDiscovered(scripts.Count);

        var applied = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, CreateHistoryTableSql, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var script in scripts)
        {
            var sql = await ReadScriptAsync(script.ResourceName, cancellationToken).ConfigureAwait(false);
            var stopwatch = Stopwatch.StartNew();

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

            if (await IsRecordedAsync(connection, transaction, script.Version, cancellationToken).ConfigureAwait(false))
            {
                LogAlreadyApplied(script.Version);
                continue;
            }

            LogApplying(script.Version);
            try
            {
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await RecordAsync(connection, transaction, script.Version, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception, script.Version);
                throw;
            }

            LogApplied(script.Version, stopwatch.ElapsedMilliseconds);
            applied.Add(script.Version);
        }

        LogCompleted(applied.Count, scripts.Count);
        return applied;
    }

    private static List<Script> DiscoverScripts()
    {
        var scripts = new List<Script>();
        foreach (var resourceName in typeof(SchemaMigrator).Assembly.GetManifestResourceNames())
        {
            if (!resourceName.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                || !resourceName.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var version = resourceName[ResourcePrefix.Length..^ResourceSuffix.Length];
            if (!VersionPattern().IsMatch(version))
            {
                throw new InvalidOperationException(
                    $"Embedded migration '{resourceName}' is not named Migrations/NNNN_name.sql (lower-case name, digits and underscores).");
            }

            scripts.Add(new Script(resourceName, version));
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException(
                $"No embedded migrations named {ResourcePrefix}*{ResourceSuffix} were found in {typeof(SchemaMigrator).Assembly.GetName().Name}; check the EmbeddedResource items of the project.");
        }

        scripts.Sort(static (left, right) => string.CompareOrdinal(left.Version, right.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (string.Equals(scripts[i - 1].Version[..4], scripts[i].Version[..4], StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Embedded migrations '{scripts[i - 1].Version}' and '{scripts[i].Version}' share the same number.");
            }
        }

        return scripts;
    }

    private static async Task<string> ReadScriptAsync(string resourceName, CancellationToken cancellationToken)
    {
        var stream = typeof(SchemaMigrator).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded migration '{resourceName}' could not be opened.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsRecordedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM vouchers_schema_migrations WHERE version = @version)", connection, transaction);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string version, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO vouchers_schema_migrations (version) VALUES (@version)", connection, transaction);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Runs only constant SQL and scripts embedded in this assembly at build time.")]
    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction)
        {
            CommandTimeout = ScriptTimeoutSeconds,
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[0-9]{4}_[a-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Found {Count} embedded schema migrations")]
    private partial void LogDiscovered(int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Schema migration {Version} is already applied")]
    private partial void LogAlreadyApplied(string version);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Applying schema migration {Version}")]
    private partial void LogApplying(string version);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Applied schema migration {Version} in {ElapsedMilliseconds} ms")]
    private partial void LogApplied(string version, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Schema migration {Version} failed and was rolled back")]
    private partial void LogFailed(Exception exception, string version);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Database schema is current: {AppliedCount} of {KnownCount} migrations applied in this run")]
    private partial void LogCompleted(int appliedCount, int knownCount);

    private readonly record struct Script(string ResourceName, string Version);
}
