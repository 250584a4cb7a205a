using System.Data.Common;
using Vouchers.Contracts;

namespace Vouchers.Silo.Persistence;

/// <summary>
/// A database driver's exception cannot travel back to the caller: answered to a gateway it turns into a codec error
/// there, and an outage looks like a bug (500). Everything the silo does on the database therefore fails with
/// <see cref="StorageUnavailableException"/> instead (503 at the gateway, safe to retry), and the driver's exception
/// is logged here, in the silo, where its SQL details belong. The silo's hosting wraps grain storage with this, since
/// its reads fail grain activations, which no call filter sees; its call filter catches the rest (the claim store and
/// other direct use).
/// </summary>
internal static partial class StorageFaults
{
    /// <summary>The database exception in the chain of <paramref name="exception"/>, if any.</summary>
    public static DbException? DatabaseFault(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException db)
            {
                return db;
            }
        }

        return null;
    }

    public static StorageUnavailableException Translate(ILogger logger, Exception exception, DbException fault, string during)
    {
        LogDatabaseFault(logger, exception, during, fault.GetType().Name);
        if (LostConnection(fault))
        {
            // Pooled connections opened before a server restart are dead; without this each would fail one more
            // request after the server is back.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        return new StorageUnavailableException($"The database failed during {during} ({fault.GetType().Name}); nothing was acknowledged.");
    }

    /// <summary>
    /// The connection itself failed (network, server gone or shutting down), as opposed to a statement that the
    /// server refused: SQLSTATE classes 08 (connection exception) and 57 (operator intervention, e.g. 57P01).
    /// </summary>
    private static bool LostConnection(DbException fault) => fault switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57", StringComparison.Ordinal),
        Npgsql.NpgsqlException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{During} failed on the database ({Fault}); the caller is told the storage is unavailable")]
    private static partial void LogDatabaseFault(ILogger logger, Exception exception, string during, string fault);
}
