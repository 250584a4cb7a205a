using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Vouchers.Grains.Audit;
using Vouchers.Events;
using Vouchers.Grains.Claims;
using Vouchers.Grains.Events;
using Vouchers.Grains.Records;
using Vouchers.Grains.Storage;
using Vouchers.Silo.Persistence;
using Vouchers.Silo.Persistence.Claims;
using Vouchers.Silo.Persistence.Events;

namespace Vouchers.Silo.Hosting;

/// <summary>The silo configuration shared by the cluster silo and the gateway's co-hosted zero-setup silo.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The storage of the streams' registrations (the name Orleans looks for).</summary>
    private const string PubSubStore = "PubSubStore";

    /// <summary>True when a PostgreSQL connection string is configured (cluster mode).</summary>
    public static bool IsClusterMode(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName));

    public static ISiloBuilder AddVoucherSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = configuration.GetSection(VoucherClusterOptions.Section).Get<VoucherClusterOptions>() ?? new VoucherClusterOptions();
        var serializer = new JsonGrainStorageSerializer();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        silo.Services.Configure<StockOptions>(configuration.GetSection(StockOptions.Section));
        silo.Services.Configure<RecordOptions>(configuration.GetSection(RecordOptions.Section));
        silo.Services.Configure<EventOptions>(configuration.GetSection(EventOptions.Section));
        var events = configuration.GetSection(EventOptions.Section).Get<EventOptions>() ?? new EventOptions();
        silo.Services.TryAddSingleton<VerificationRecordWriter>();

        var connectionString = configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
                .AddMemoryGrainStorage(StorageNames.Vouchers, o => o.GrainStorageSerializer = serializer)
                .AddMemoryGrainStorage(PubSubStore)
                .UseInMemoryReminderService();
            silo.Services.TryAddSingleton(_ => new MemoryEventStore(keep: events.Enabled));
            silo.Services.TryAddSingleton<IEventStore>(sp => sp.GetRequiredService<MemoryEventStore>());
            silo.Services.TryAddSingleton<IClaimStore, MemoryClaimStore>();
            silo.Services.TryAddSingleton<IVerificationRecordStore>(sp =>
                new MemoryVerificationRecordStore(sp.GetRequiredService<IOptions<RecordOptions>>().Value.MemoryCapPerInstitution));
            silo.Services.TryAddSingleton<IAuditStore>(_ => new MemoryAuditStore());
        }
        else
        {
            var advertised = string.IsNullOrWhiteSpace(options.AdvertisedIPAddress) ? IPAddress.Loopback : IPAddress.Parse(options.AdvertisedIPAddress);
            silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true)
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                })
                .AddAdoNetGrainStorage(StorageNames.Vouchers, o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                    o.GrainStorageSerializer = serializer;
                })
                .AddAdoNetGrainStorage(PubSubStore, o =>
                {
                    // Orleans's own serializer: its stream registrations are not plain records that System.Text.Json
                    // can read back (a restarted silo failed every stream producer's registration).
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                })
                .UseAdoNetReminderService(o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                });
            silo.Services.TranslateGrainStorageFaults(StorageNames.Vouchers);
            silo.Services.TranslateGrainStorageFaults(PubSubStore);
            silo.Services.Configure<ClaimStoreOptions>(configuration.GetSection(ClaimStoreOptions.Section));
            silo.Services.TryAddSingleton(sp =>
            {
                // Its own small pool: claim reads and group commits queue for a connection rather than crowd the
                // server, and the grain-storage pool of the connection string keeps its share.
                var source = new NpgsqlDataSourceBuilder(connectionString);
                source.ConnectionStringBuilder.MaxPoolSize = sp.GetRequiredService<IOptions<ClaimStoreOptions>>().Value.MaxConnections;
                source.ConnectionStringBuilder.MaxAutoPrepare = 16; // the group INSERT and the claim reads are planned once per connection
                return source.Build();
            });
            silo.Services.TryAddSingleton<IClaimStore>(sp => new PostgresClaimStore(
                sp.GetRequiredService<NpgsqlDataSource>(),
                sp.GetRequiredService<IOptions<ClaimStoreOptions>>().Value,
                sp.GetRequiredService<ILogger<PostgresClaimStore>>(),
                writeEvents: events.Enabled));
            // Records share the claim store's small pool: a record group is one INSERT, a page one indexed query.
            silo.Services.TryAddSingleton<IVerificationRecordStore>(sp => new PostgresVerificationRecordStore(sp.GetRequiredService<NpgsqlDataSource>()));
            // So does the outbox: a grain's events are one INSERT, and the pump's read one indexed query.
            silo.Services.TryAddSingleton<IEventStore>(sp => events.Enabled
                ? new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<PostgresEventStore>>())
                : new MemoryEventStore(keep: false));
            // So does the audit trail: a record is one INSERT, and admin changes are rare.
            silo.Services.TryAddSingleton<IAuditStore>(sp => new PostgresAuditStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }

        silo.AddIncomingGrainCallFilter<StorageFaultFilter>();
        // Events travel from the outbox to their consumers on in-memory streams; the outbox, the pump's position and the
        // consumers' written positions make the delivery at least once (docs/ARCHITECTURE.md, "Events").
        silo.AddMemoryStreams(EventStreams.Provider);
        if (events.Enabled)
        {
            silo.Services.AddHostedService<EventPumpService>();
        }

        return silo;
    }
}
