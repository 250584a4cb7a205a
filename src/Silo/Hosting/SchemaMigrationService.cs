using Vouchers.Silo.Persistence;

namespace Vouchers.Silo.Hosting;

/// <summary>
/// Applies the schema migrations before the silo starts (hosted services start in the order they were added, so
/// it is added before Orleans). Used where a silo is hosted inside another process (a co-hosting gateway).
/// </summary>
public sealed class SchemaMigrationService(IConfiguration configuration, ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName)!;
        await new SchemaMigrator(connectionString, logger).MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
