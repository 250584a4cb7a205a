using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Health;

/// <summary>Ready when a grain call through the cluster answers within two seconds.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.Grain<IBatchCatalogGrain>("all").ListAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The cluster did not answer.", ex);
        }
    }
}
