using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests;

/// <summary>
/// A claim is acknowledged only after its row is committed: the database server itself is killed (SIGKILL to every
/// PostgreSQL process at once) in the middle of a burst, and every claim answered 200 before that must be there
/// after crash recovery. A silo crash cannot show this, since a statement already sent commits without the silo.
/// </summary>
public sealed class DatabaseCrashTests : IAsyncLifetime
{
    private PostgresServer server = null!;
    private VoucherCluster cluster = null!;

    public async Task InitializeAsync()
    {
        server = await PostgresServer.CreateAsync();
        cluster = await VoucherCluster.StartAsync(server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await cluster.DisposeAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public Task KillingTheDatabaseMidBurstLosesNoAcknowledgedClaimAndTheWholeQuantityStaysClaimable() => cluster.RunAsync(async () =>
    {
        const int quantity = 3_000, people = 4_000;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;
        var requests = Enumerable.Range(1, people).Select(n => (Person: n, RequestId: $"db-crash-{n}")).ToList();

        // At the 1,000th acknowledgement the server dies with claims in flight; it comes back a few seconds later
        // while the burst goes on, so claims fail during the outage and succeed again after it.
        Task? outage = null;
        var burst = await ClaimBurst.RunAsync(api, batchId, requests, concurrency: 64, afterEach: acknowledged =>
        {
            if (acknowledged >= 1_000 && outage is null)
            {
                outage = CrashAndRecoverAsync();
            }
        });
        Assert.NotNull(outage);
        await outage;
        Assert.True(burst.Unexpected.IsEmpty, string.Join("\n", burst.Unexpected.Take(3)));
        await cluster.WaitUntilReadyAsync(gateway);

        await burst.AssertNothingAcknowledgedWasLostAsync(api, cluster.Database, batchId, quantity, requests);
    });

    private async Task CrashAndRecoverAsync()
    {
        await server.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // an outage long enough for claims to fail against it
        await server.StartAsync();
    }
}
