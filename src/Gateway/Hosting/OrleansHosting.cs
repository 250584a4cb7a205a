using Orleans.Configuration;
using Vouchers.Silo.Hosting;

namespace Vouchers.Gateway.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Cluster mode (a PostgreSQL connection string is set): the gateway is an Orleans client that finds the
    /// silos through the membership table, or, with <c>Orleans:CoHost</c>, a cluster silo itself. Otherwise it
    /// co-hosts one silo with in-memory storage.
    /// </summary>
    public static WebApplicationBuilder AddVoucherOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(VoucherClusterOptions.Section).Get<VoucherClusterOptions>() ?? new VoucherClusterOptions();
        if (configuration.IsClusterMode() && options.CoHost)
        {
            if (options.MigrateOnStart)
            {
                builder.Services.AddHostedService<SchemaMigrationService>();
            }

            builder.UseOrleans(silo => silo.AddVoucherSilo(configuration));
        }
        else if (configuration.IsClusterMode())
        {
            builder.UseOrleansClient(client => client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                })
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout)
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = VoucherClusterOptions.AdoInvariant;
                    o.ConnectionString = configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName);
                })
                .UseConnectionRetryFilter(RetryWhileSilosStart(TimeSpan.FromMinutes(1))));
        }
        else
        {
            builder.UseOrleans(silo => silo.AddVoucherSilo(configuration));
        }

        return builder;
    }

    /// <summary>A gateway may start before any silo has joined (compose starts them together): keep trying a while.</summary>
    private static Func<Exception, CancellationToken, Task<bool>> RetryWhileSilosStart(TimeSpan patience)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        return async (_, cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return DateTimeOffset.UtcNow < deadline;
        };
    }
}
