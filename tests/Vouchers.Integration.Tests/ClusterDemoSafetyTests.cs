using System.Net;
using Microsoft.Extensions.Logging;
using Vouchers.Gateway.Security;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Logging;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests;

/// <summary>
/// A real cluster (a co-hosting gateway on PostgreSQL) with the demo allowed on purpose, and one started as
/// docs/OPERATIONS.md says for real data: the demo off and secrets of its own.
/// </summary>
public sealed class ClusterDemoSafetyTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string clusterId = "safety-" + Guid.NewGuid().ToString("N")[..12];
    private TestDatabase database = null!;
    private ClusterGatewayFactory? gateway;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (gateway is not null)
        {
            await gateway.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task AClusterWithTheDemoAllowedStartsAndSaysSoAsCritical()
    {
        var logs = new CapturedLogs();
        gateway = await StartAsync(new Dictionary<string, string>(), logs);

        var warning = Assert.Single(logs.Lines, l => l.Level == LogLevel.Critical && l.Message.Contains(ClusterSafety.AllowInClusterKey, StringComparison.Ordinal));
        Assert.Contains(ClusterSafety.DemoEnabledKey, warning.Message, StringComparison.Ordinal);
        using var admin = gateway.ClientFor(Demo.AdminGuangdong);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/admin/batches/{Demo.BatchId}")).StatusCode);
    }

    [Fact]
    public async Task AClusterWithItsOwnSecretsAndNoDemoStartsAndRefusesEveryDemoKey()
    {
        var logs = new CapturedLogs();
        gateway = await StartAsync(new Dictionary<string, string>
        {
            ["Demo:Enabled"] = "false",
            ["Demo:AllowInCluster"] = "false",
            ["Security:PersonKeySecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(36)),
            ["Security:SigningMasterSecret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(36)),
        }, logs);

        Assert.DoesNotContain(logs.Lines, l => l.Level == LogLevel.Critical);
        foreach (var (keyId, _, _, _) in Vouchers.Gateway.Seeding.DemoData.Principals)
        {
            using var client = gateway.ClientFor(keyId);
            var response = await client.GetAsync($"/api/v1/admin/batches/{Demo.BatchId}");
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{keyId}: {(int)response.StatusCode}");
        }
    }

    private async Task<ClusterGatewayFactory> StartAsync(Dictionary<string, string> overrides, CapturedLogs logs)
    {
        var factory = ClusterGatewayFactory.CoHosting(database.ConnectionString, clusterId, [], overrides, logs);
        gateway = factory;
        await factory.WaitUntilReadyAsync(ReadyTimeout);
        return factory;
    }
}
