using Vouchers.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Gateways that co-host a cluster silo (Orleans:CoHost) on PostgreSQL: the first migrates an empty database at
/// start, a second one joins the same cluster, and either serves what was claimed through the other.
/// </summary>
public sealed class CoHostedClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly List<ClusterGatewayFactory> gateways = [];
    private readonly List<int> ports = [];
    private readonly string clusterId = "cohost-" + Guid.NewGuid().ToString("N")[..12];
    private TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        // The last to join leaves first.
        for (var i = gateways.Count - 1; i >= 0; i--)
        {
            await gateways[i].DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task TwoCoHostingGatewaysMigrateAnEmptyDatabaseFormOneClusterAndServeEachOthersClaims()
    {
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"));

        // The first gateway: its own silo migrates the schema, joins the cluster alone and seeds the demo data.
        var first = await StartGatewayAsync();
        Assert.Contains("0005_vouchers_claims",
            await database.ListAsync("SELECT version FROM vouchers_schema_migrations", r => r.GetString(0)));
        Assert.Equal(first.Port, Assert.Single(await ActiveSiloPortsAsync()));
        using var one = new DemoClients(first.Gateway);
        var demo = await one.Admin.GetBatchAsync(Demo.BatchId);
        Assert.Equal((BatchStatus.Active, 1000, 0), (demo.Status, demo.Counters.Quantity, demo.Counters.Claimed));

        // A claim is a row of the claim store, verifies valid, can be used, and shows in the wallet.
        var trainee = TestPerson.Number(1);
        var used = await one.Channel.ClaimAsync(trainee, Demo.BatchId);
        Assert.Equal((VoucherStatus.Claimed, Demo.BatchId), (used.Status, used.BatchId));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_claims WHERE code = @code AND batch_id = @batch AND returned_at IS NULL",
            ("code", used.Code), ("batch", Demo.BatchId)));
        var verified = await one.Institution.VerifyAsync(used.Code);
        Assert.Equal((VerifyVerdict.Valid, true), (verified.Verdict, verified.Valid));
        Assert.Equal(Demo.SzSkillsSchool, (await one.Institution.UseAsync(used.Code)).InstitutionId);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await one.Institution.VerifyAsync(used.Code)).Verdict);
        var wallet = await one.Channel.WalletAsync(trainee);
        Assert.Equal((used.Code, VoucherStatus.Used), (Assert.Single(wallet.Vouchers).Code, wallet.Vouchers[0].Status));

        // A second gateway joins the same cluster on ports of its own (the schema is in place: nothing to apply).
        var second = await StartGatewayAsync();
        await Poll.UntilAsync(
            async () => (await ActiveSiloPortsAsync()).Order().SequenceEqual(new[] { first.Port, second.Port }.Order()),
            ReadyTimeout, () => "both co-hosted silos to be Active in orleans_membership");
        using var two = new DemoClients(second.Gateway);

        // Claims made through one gateway are served by the other, and both read the same counters.
        var throughOne = await one.Channel.ClaimAsync(TestPerson.Number(2), Demo.BatchId);
        var throughTwo = await two.Channel.ClaimAsync(TestPerson.Number(3), Demo.BatchId);
        Assert.Equal(VerifyVerdict.Valid, (await two.Institution.VerifyAsync(throughOne.Code)).Verdict);
        Assert.Equal(VerifyVerdict.Valid, (await one.Institution.VerifyAsync(throughTwo.Code)).Verdict);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await two.Institution.VerifyAsync(used.Code)).Verdict);
        Assert.Equal(used.Code, Assert.Single((await two.Channel.WalletAsync(trainee)).Vouchers).Code);
        Assert.Equal(3L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch", ("batch", Demo.BatchId)));

        var countersOne = (await one.Admin.GetBatchAsync(Demo.BatchId)).Counters;
        var countersTwo = (await two.Admin.GetBatchAsync(Demo.BatchId)).Counters;
        Assert.Equal((1000, 3, 1, 997), (countersOne.Quantity, countersOne.Claimed, countersOne.Used, countersOne.Remaining));
        Assert.Equal(countersOne, countersTwo);
    }

    /// <summary>Starts a co-hosting gateway of this test's cluster on free ports and waits until it answers ready.</summary>
    private async Task<(ClusterGatewayFactory Gateway, int Port)> StartGatewayAsync()
    {
        var gateway = ClusterGatewayFactory.CoHosting(database.ConnectionString, clusterId, ports);
        gateways.Add(gateway);

        await gateway.WaitUntilReadyAsync(ReadyTimeout);
        return (gateway, gateway.SiloPort);
    }

    private async Task<List<int>> ActiveSiloPortsAsync() =>
        await database.ListAsync(
            "SELECT port FROM orleans_membership WHERE deployment_id = @cluster AND status = @active",
            r => r.GetInt32(0), ("cluster", clusterId), ("active", VoucherCluster.ActiveStatus));
}
