using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Vouchers.Grains.Storage;

namespace Vouchers.Silo.Hosting;

/// <summary>The silo configuration shared by the cluster silo and the gateway's co-hosted zero-setup silo.</summary>
public static class SiloHostingExtensions
{
    public const string StreamProvider = "events";

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

        var connectionString = configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
                .AddMemoryGrainStorage(StorageNames.Vouchers, o => o.GrainStorageSerializer = serializer)
                .AddMemoryGrainStorage("PubSubStore", o => o.GrainStorageSerializer = serializer)
                .UseInMemoryReminderService();
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
                .AddAdoNetGrainStorage("PubSubStore", o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                    o.GrainStorageSerializer = serializer;
                })
                .UseAdoNetReminderService(o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = connectionString;
                });
        }

        silo.AddMemoryStreams(StreamProvider);
        return silo;
    }
}
