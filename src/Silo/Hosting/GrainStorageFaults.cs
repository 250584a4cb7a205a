using Orleans.Storage;
using Vouchers.Silo.Persistence;

namespace Vouchers.Silo.Hosting;

/// <summary>
/// Grain storage whose database faults are translated by <see cref="StorageFaults"/>: its reads fail grain
/// activations, which no call filter (<see cref="StorageFaultFilter"/>) sees.
/// </summary>
internal static class GrainStorageFaults
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

    /// <summary>The grain storage with its database faults translated; its lifecycle is the wrapped storage's.</summary>
    private sealed class TranslatingGrainStorage(IGrainStorage inner, ILogger logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.ReadStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (StorageFaults.DatabaseFault(exception) is { } fault)
            {
                throw StorageFaults.Translate(logger, exception, fault, $"reading {stateName} of {grainId}");
            }
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.WriteStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (StorageFaults.DatabaseFault(exception) is { } fault)
            {
                throw StorageFaults.Translate(logger, exception, fault, $"writing {stateName} of {grainId}");
            }
        }

        public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            try
            {
                await inner.ClearStateAsync(stateName, grainId, grainState);
            }
            catch (Exception exception) when (StorageFaults.DatabaseFault(exception) is { } fault)
            {
                throw StorageFaults.Translate(logger, exception, fault, $"clearing {stateName} of {grainId}");
            }
        }

        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
    }
}
