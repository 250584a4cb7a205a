using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Vouchers.Events;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Grains.Records;
using Vouchers.Grains.Storage;

namespace Vouchers.Grains.Tests.Infrastructure;

/// <summary>
/// An in-process cluster of two silos whose grains persist through the production JSON storage serializer
/// and read time from a fake clock. Infrastructure loops (membership, messaging, directory, activation
/// collection) keep the real clock, so advancing the fake one moves only the grains' notion of "now".
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>A Monday morning in China (09:00 UTC+8), far from any day boundary.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    public ClusterFixture()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.Options.ConfigureFileLogging = false;
        var time = Time;
        var events = Events;
        var claims = Claims = new MemoryClaimStore(events);
        var records = Records;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Vouchers, o => o.GrainStorageSerializer = new JsonGrainStorageSerializer());
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams(EventStreams.Provider);
            silo.Services.AddSingleton<TimeProvider>(time);
            silo.Services.AddSingleton<IEventStore>(events); // one outbox, as one database in production
            silo.Services.AddHostedService<EventPumpService>();
            silo.Services.AddSingleton<IClaimStore>(claims); // both silos share one store, as they share one database in production
            silo.Services.AddSingleton<IVerificationRecordStore>(records);
            silo.Services.AddSingleton<VerificationRecordWriter>();
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
        });
        Cluster = builder.Build();
    }

    /// <summary>The clock every grain of the cluster reads. Only ever move it forward.</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    public InProcessTestCluster Cluster { get; }

    /// <summary>The event outbox both silos write to and the pump reads.</summary>
    public MemoryEventStore Events { get; } = new();

    /// <summary>The claim store both silos write to.</summary>
    public MemoryClaimStore Claims { get; }

    /// <summary>The verification records both silos write to.</summary>
    public MemoryVerificationRecordStore Records { get; } = new();

    public IClusterClient Client => Cluster.Client;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Grain tests that never move the clock share this cluster.</summary>
[CollectionDefinition(Name)]
public sealed class GrainCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Grain cluster";
}

/// <summary>Tests that advance the fake clock get a cluster of their own, so no other test sees time jump.</summary>
[CollectionDefinition(Name)]
public sealed class ExpiryCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Expiry cluster";
}

/// <summary>Tests that count activations cluster-wide get a cluster of their own, so no other test's grains are counted.</summary>
[CollectionDefinition(Name)]
public sealed class CountingCluster : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Counting cluster";
}
