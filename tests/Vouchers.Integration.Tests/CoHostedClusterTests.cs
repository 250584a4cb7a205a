using System.Net;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Postgres;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Gateways that co-host a cluster silo (Orleans:CoHost) on PostgreSQL: the first migrates an empty database at
/// start, a second one joins the same cluster, and either serves what was claimed through the other.
/// </summary>
public sealed class CoHostedClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly List<GatewayFactory> gateways = [];
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
        using var one = new VoucherApi(first.Gateway);
        var demo = await one.BatchAsync();
        Assert.Equal(("active", 1000, 0), (demo.Status, demo.Counters.Quantity, demo.Counters.Claimed));

        // A claim is a row of the claim store, verifies valid, can be used, and shows in the wallet.
        var trainee = Person.Number(1);
        var used = await one.ClaimAsync(trainee);
        Assert.Equal(("claimed", VoucherApi.BatchId), (used.Status, used.BatchId));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_claims WHERE code = @code AND batch_id = @batch AND returned_at IS NULL",
            ("code", used.Code), ("batch", VoucherApi.BatchId)));
        var verified = await one.VerifyAsync(used.Code);
        Assert.Equal(("valid", true), (verified.Verdict, verified.Valid));
        Assert.Equal(VoucherApi.InstitutionId, (await one.UseAsync(used.Code)).InstitutionId);
        Assert.Equal("alreadyUsed", (await one.VerifyAsync(used.Code)).Verdict);
        var wallet = await one.WalletAsync(trainee);
        Assert.Equal((used.Code, "used"), (Assert.Single(wallet.Vouchers).Code, wallet.Vouchers[0].Status));

        // A second gateway joins the same cluster on ports of its own (the schema is in place: nothing to apply).
        var second = await StartGatewayAsync();
        await Poll.UntilAsync(
            async () => (await ActiveSiloPortsAsync()).Order().SequenceEqual(new[] { first.Port, second.Port }.Order()),
            ReadyTimeout, () => "both co-hosted silos to be Active in orleans_membership");
        using var two = new VoucherApi(second.Gateway);

        // Claims made through one gateway are served by the other, and both read the same counters.
        var throughOne = await one.ClaimAsync(Person.Number(2));
        var throughTwo = await two.ClaimAsync(Person.Number(3));
        Assert.Equal("valid", (await two.VerifyAsync(throughOne.Code)).Verdict);
        Assert.Equal("valid", (await one.VerifyAsync(throughTwo.Code)).Verdict);
        Assert.Equal("alreadyUsed", (await two.VerifyAsync(used.Code)).Verdict);
        Assert.Equal(used.Code, Assert.Single((await two.WalletAsync(trainee)).Vouchers).Code);
        Assert.Equal(3L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM vouchers_claims WHERE batch_id = @batch", ("batch", VoucherApi.BatchId)));

        var countersOne = (await one.BatchAsync()).Counters;
        var countersTwo = (await two.BatchAsync()).Counters;
        Assert.Equal((1000, 3, 1, 997), (countersOne.Quantity, countersOne.Claimed, countersOne.Used, countersOne.Remaining));
        Assert.Equal(countersOne, countersTwo);
    }

    /// <summary>Starts a co-hosting gateway of this test's cluster on free ports and waits until it answers ready.</summary>
    private async Task<(GatewayFactory Gateway, int Port)> StartGatewayAsync()
    {
        var siloPort = FreePort.Next([.. ports]);
        var gatewayPort = FreePort.Next([.. ports, siloPort]);
        ports.AddRange([siloPort, gatewayPort]);
        var gateway = new GatewayFactory(new SiloSettings(database.ConnectionString, clusterId, clusterId, siloPort, gatewayPort), coHost: true);
        gateways.Add(gateway);

        using var client = gateway.CreateClient();
        var last = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            return response.StatusCode == HttpStatusCode.OK;
        }, ReadyTimeout, () => $"/health/ready of the co-hosting gateway to answer 200 (last: {last})");
        return (gateway, siloPort);
    }

    private async Task<List<int>> ActiveSiloPortsAsync() =>
        await database.ListAsync(
            "SELECT port FROM orleans_membership WHERE deployment_id = @cluster AND status = @active",
            r => r.GetInt32(0), ("cluster", clusterId), ("active", VoucherCluster.ActiveStatus));
}
