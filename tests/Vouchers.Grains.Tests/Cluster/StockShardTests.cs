using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>How a batch's stock behaves when it is spread over shards: fair tail, smaller quantities, rebuilds.</summary>
[Collection(GrainCluster.Name)]
public sealed class StockShardTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task TheLastUnitsGoToWhoeverAsksWhicheverShardTheyMeet()
    {
        const int quantity = 40;
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), quantity));
        var shards = await Grains.GetGrain<IBatchGrain>(batchId).GetStockShardsAsync();
        Assert.True(shards > 1, "the default layout spreads a batch over several shards");

        // One claim through every other shard makes each of them lease a block it then sits on.
        for (var shard = 1; shard < shards; shard++)
        {
            await Grains.ClaimCodeAsync(TestData.Claim(batchId, PersonOn(shard, shards)));
        }

        Assert.All(await CountsAsync(batchId, shards), c => Assert.True(c.Issued > 0 || c.Available == 0));
        Assert.True((await CountsAsync(batchId, shards)).Skip(1).Sum(c => c.Available) > 0, "the other shards hold unused stock");

        // Everybody else meets shard 0, which must still be able to hand out every remaining unit.
        for (var i = shards - 1; i < quantity; i++)
        {
            await Grains.ClaimCodeAsync(TestData.Claim(batchId, PersonOn(0, shards)));
        }

        for (var shard = 0; shard < shards; shard++)
        {
            Assert.Equal(ClaimOutcome.SoldOut, (await Grains.ClaimAsync(TestData.Claim(batchId, PersonOn(shard, shards)))).Outcome);
        }

        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((quantity, 0), (counters.Claimed, counters.Remaining));
        Assert.Equal(quantity, (await fixture.Claims.CountAsync(batchId)).Live);
    }

    [Fact]
    public async Task AsManyPeopleAsVouchersClaimingConcurrentlyAllGetOneNobodyIsToldSoldOut()
    {
        // Units in flight at the tail (reserved by claims being stored, or granted to a shard and not yet received)
        // must not make the batch answer "sold out" while they may still come free.
        for (var round = 0; round < 5; round++)
        {
            const int quantity = 400;
            var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), quantity));
            var outcomes = new System.Collections.Concurrent.ConcurrentBag<ClaimOutcome>();
            await Parallel.ForEachAsync(Enumerable.Range(0, quantity), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
                outcomes.Add((await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))).Outcome));

            Assert.Equal(quantity, outcomes.Count(o => o == ClaimOutcome.Claimed));
            Assert.Equal((quantity, 0), ((await Grains.CountersAsync(batchId)).Claimed, (await Grains.CountersAsync(batchId)).Remaining));
        }
    }

    [Fact]
    public async Task LoweringTheQuantityTakesBackStockTheShardsHold()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), 100));
        var batch = Grains.GetGrain<IBatchGrain>(batchId);
        var shards = await batch.GetStockShardsAsync();
        for (var shard = 0; shard < shards; shard++)
        {
            await Grains.ClaimCodeAsync(TestData.Claim(batchId, PersonOn(shard, shards)));
        }

        var definition = (await batch.GetAsync())!.Definition;
        Assert.Equal(BatchCommandStatus.Done, (await batch.UpdateAsync(definition with { Quantity = 10 })).Status);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))));
        Assert.Equal(10 - shards, results.Count(r => r.Outcome == ClaimOutcome.Claimed));
        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { ClaimOutcome.Claimed, ClaimOutcome.SoldOut }));
        Assert.Equal(10, (await fixture.Claims.CountAsync(batchId)).Live);

        var belowLive = await batch.UpdateAsync(definition with { Quantity = 5 });
        Assert.Equal(BatchCommandStatus.Invalid, belowLive.Status);
        Assert.Equal((10, 10, 0), (belowLive.Batch!.Counters.Quantity, belowLive.Batch.Counters.Claimed, belowLive.Batch.Counters.Remaining));
    }

    [Fact]
    public async Task ShardsRebuiltFromTheStoreAndTheLeaseRecordCarryOnExactly()
    {
        const int quantity = 50;
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), quantity));
        var firstClaims = Enumerable.Range(0, 20).Select(_ => TestData.Claim(batchId, TestData.NewPersonKey())).ToList();
        var codes = new List<string>();
        foreach (var claim in firstClaims)
        {
            codes.Add(await Grains.ClaimCodeAsync(claim));
        }

        // Every activation goes away (as after a restart); the shards come back from the store and the batch.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((20, 30), (counters.Claimed, counters.Remaining));
        var replays = await Task.WhenAll(firstClaims.Select(Grains.ClaimAsync));
        Assert.All(replays, r => Assert.Equal(ClaimOutcome.Replayed, r.Outcome));
        Assert.Equal(codes, replays.Select(r => r.Voucher!.Code));

        var rest = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))));
        Assert.Equal(quantity - 20, rest.Count(r => r.Outcome == ClaimOutcome.Claimed));
        Assert.Equal(quantity, (await fixture.Claims.CountAsync(batchId)).Live);
    }

    [Fact]
    public async Task ARepeatedRequestIsAnsweredFromTheShardEvenWhenTheBatchIsSoldOutOrPaused()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), 1));
        var claim = TestData.Claim(batchId, TestData.NewPersonKey());
        var code = await Grains.ClaimCodeAsync(claim);
        Assert.Equal(ClaimOutcome.SoldOut, (await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))).Outcome);

        var replay = await Grains.ClaimAsync(claim);
        Assert.Equal((ClaimOutcome.Replayed, code), (replay.Outcome, replay.Voucher!.Code));
        await Grains.GetGrain<IBatchGrain>(batchId).PauseAsync();
        replay = await Grains.ClaimAsync(claim);
        Assert.Equal((ClaimOutcome.Replayed, code), (replay.Outcome, replay.Voucher!.Code));
    }

    /// <summary>A fresh person whose claims of a batch with <paramref name="shards"/> shards meet shard <paramref name="shard"/>.</summary>
    private static string PersonOn(int shard, int shards)
    {
        while (true)
        {
            var person = TestData.NewPersonKey();
            if (StockShards.IndexOf(person, shards) == shard)
            {
                return person;
            }
        }
    }

    private async Task<ShardCounts[]> CountsAsync(string batchId, int shards) =>
        await Task.WhenAll(Enumerable.Range(0, shards).Select(i => Grains.GetGrain<IStockShardGrain>(StockShards.KeyOf(batchId, i)).GetCountsAsync()));
}
