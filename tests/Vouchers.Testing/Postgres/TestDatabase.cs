using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Vouchers.Silo.Persistence;

namespace Vouchers.Testing.Postgres;

/// <summary>A fresh database on the test server, so runs and test classes never see each other's rows.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ConnectionVariable = "VOUCHERS_PG_CONNECTION";

    private readonly string serverConnectionString;

    private TestDatabase(string serverConnectionString, string name)
    {
        this.serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>
    /// The server that scripts/test.sh starts. Missing means the tests were started some other way:
    /// that is a failure with instructions, never a silent skip and never a stand-in database.
    /// </summary>
    public static string ServerConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(ConnectionVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{ConnectionVariable} is not set. The integration tests run against the real PostgreSQL server that " +
                    "scripts/test.sh starts: run `bash scripts/test.sh` from the repository root (or source scripts/lib/postgres.sh, " +
                    "call pg_start and export its VOUCHERS_PG_CONNECTION before `dotnet test`).");
            }

            return value;
        }
    }

    /// <summary>Creates the database on <paramref name="server"/>, by default the server scripts/test.sh started.</summary>
    public static async Task<TestDatabase> CreateAsync(string? server = null)
    {
        server ??= ServerConnectionString;
        var database = new TestDatabase(server, "vouchers_it_" + Guid.NewGuid().ToString("N")[..16]);
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    public Task<IReadOnlyList<string>> MigrateAsync() =>
        new SchemaMigrator(ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var own = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(own);
        }

        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        // FORCE ends the sessions a killed silo may have left behind.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
