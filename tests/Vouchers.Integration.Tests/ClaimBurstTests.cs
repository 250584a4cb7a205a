using Vouchers.Contracts;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing.Gateway;

namespace Vouchers.Integration.Tests;

/// <summary>
/// The claim invariants under a real burst: a silo process on PostgreSQL, the gateway as its client, thousands of
/// concurrent claims with retries, and the stored claims counted in the database afterwards.
/// </summary>
public sealed class ClaimBurstTests : IAsyncLifetime
{
    private VoucherCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await VoucherCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task FiftyThousandClaimsByFortyThousandPeopleOnThirtyThousandVouchers() => cluster.RunAsync(async () =>
    {
        const int quantity = 30_000, people = 40_000, replays = 5_000, secondClaims = 5_000;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;

        // Everybody once, then the same request again (a channel retrying) and a new request (a person trying twice).
        var random = new Random(20261129);
        var requests = Enumerable.Range(1, people).Select(n => (Person: n, RequestId: $"first-{n}")).ToList();
        requests.AddRange(Enumerable.Range(0, replays).Select(_ => random.Next(1, people + 1)).Select(n => (n, $"first-{n}")));
        requests.AddRange(Enumerable.Range(0, secondClaims).Select(_ => random.Next(1, people + 1)).Select(n => (n, $"second-{n}-{Guid.NewGuid():N}")));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(requests));

        var burst = await ClaimBurst.RunAsync(api, batchId, requests, concurrency: 256);

        Assert.Empty(burst.Unexpected);
        var codes = burst.Acknowledged.Values.Distinct().ToList();
        Assert.Equal(Math.Min(quantity, people), codes.Count);
        Assert.Equal(codes.Count, burst.Acknowledged.Count); // one code per person, whatever they retried

        var stored = await StoredClaims.ReadAsync(cluster.Database, batchId);
        Assert.Equal(quantity, stored.Live);
        Assert.Equal(quantity, stored.DistinctPeople);
        Assert.Equal(codes.Order(), stored.Codes.Order());

        var counters = (await api.Admin.GetBatchAsync(batchId)).Counters;
        Assert.Equal(stored.Live, counters.Claimed);
        Assert.Equal(0, counters.Remaining);
    });

    [Fact]
    public Task AKillDashNineMidBurstLosesNoAcknowledgedClaimAndRecoveryReturnsUnacknowledgedStock() => cluster.RunAsync(async () =>
    {
        const int quantity = 3_000, people = 4_000;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;
        var requests = Enumerable.Range(1, people).Select(n => (Person: n, RequestId: $"crash-{n}")).ToList();

        var killed = false;
        var burst = await ClaimBurst.RunAsync(api, batchId, requests, concurrency: 64, afterEach: acknowledged =>
        {
            if (acknowledged >= 1_000 && !killed)
            {
                killed = true;
                cluster.KillSilo();
            }
        });
        Assert.True(killed, "The burst ended before the silo was killed.");
        Assert.InRange(burst.Acknowledged.Count, 1_000, quantity - 1);

        await cluster.StartSiloAsync();
        await cluster.WaitUntilReadyAsync(gateway);

        await burst.AssertNothingAcknowledgedWasLostAsync(api, cluster.Database, batchId, quantity, requests);
    });

    [Fact]
    public Task ReturnsDuringABurstGoBackToStockAndAreClaimedAgain() => cluster.RunAsync(async () =>
    {
        const int quantity = 1_000, people = 1_500, returns = 200;
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        using var api = new DemoClients(gateway);
        var batchId = (await api.Admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity, subsidyAmount: 800m))).Id;

        var first = await ClaimBurst.RunAsync(api, batchId, [.. Enumerable.Range(1, 800).Select(n => (n, $"r-{n}"))], concurrency: 64);
        Assert.Equal(800, first.Acknowledged.Count);

        // The rest of the people claim while 200 holders return their vouchers.
        var rest = ClaimBurst.RunAsync(api, batchId, [.. Enumerable.Range(801, people - 800).Select(n => (n, $"r-{n}"))], concurrency: 64);
        var returned = first.Acknowledged.Take(returns).ToList();
        await Task.WhenAll(returned.Select(r => api.Channel.ReturnAsync(TestPerson.Number(r.Key), r.Value)));
        var second = await rest;
        Assert.Empty(second.Unexpected);

        var stored = await StoredClaims.ReadAsync(cluster.Database, batchId);
        Assert.Equal(quantity, stored.Live); // demand exceeded stock, so every returned unit was claimed again
        Assert.Equal(quantity + returns, stored.Total);
        Assert.Equal(stored.Live, stored.DistinctPeople);
        var counters = (await api.Admin.GetBatchAsync(batchId)).Counters;
        Assert.Equal((quantity, returns, 0), (counters.Claimed, counters.Returned, counters.Remaining));
        var verdicts = await Task.WhenAll(returned.Select(r => api.Institution.VerifyAsync(r.Value)));
        Assert.All(verdicts, v => Assert.Equal(VerifyVerdict.Returned, v.Verdict));
    });
}
