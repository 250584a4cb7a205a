using System.Data.Common;
using Orleans.Storage;
using Vouchers.Contracts;

namespace Vouchers.Silo.Hosting;

/// <summary>
/// A database driver's exception cannot travel back to the caller: answered to a gateway it turns into a codec error
/// there, and an outage looks like a bug (500). Everything the silo does on the database therefore fails with
/// <see cref="StorageUnavailableException"/> instead (503 at the gateway, safe to retry), and the driver's exception
/// is logged here, in the silo, where its SQL details belong. Grain storage is wrapped, since its reads fail grain
/// activations, which no call filter sees; the call filter catches the rest (the claim store and other direct use).
/// </summary>
internal static partial class StorageFaults
{
    /// <summary>Wraps the named grain storage, as registered so far, so that its database faults are translated.</summary>
    public static void TranslateGrainStorageFaults(this IServiceCollection services, string name)
    {
        var registered = services.Single(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"Grain storage '{name}' is not registered through a factory.");
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new TranslatingGrainStorage(
            (IGrainStorage)create(sp, key), sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageFaults))));
    }

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

    /// <summary>The grain storage with its database faults translated; its lifecycle is the wrapped storage's.</summary>
    private sealed class TranslatingGrainStorage(IGrainStorage inner, ILogger logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.ReadStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (DatabaseFault(exception) is { } fault)
            {
                throw Translate(logger, exception, fault, $"reading {stateName} of {grainId}");
            }
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.WriteStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (DatabaseFault(exception) is { } fault)
            {
                throw Translate(logger, exception, fault, $"writing {stateName} of {grainId}");
            }
        }

        public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.ClearStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (DatabaseFault(exception) is { } fault)
            {
                throw Translate(logger, exception, fault, $"clearing {stateName} of {grainId}");
            }
        }

        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
    }
}

/// <summary>Translates the database faults of any grain call (see <see cref="StorageFaults"/>).</summary>
internal sealed class StorageFaultFilter(ILogger<StorageFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (StorageFaults.DatabaseFault(exception) is { } fault)
        {
            throw StorageFaults.Translate(logger, exception, fault, $"{context.InterfaceName}.{context.MethodName}");
        }
    }
}
