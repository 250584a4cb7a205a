using System.Collections.Concurrent;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Grains.VoucherLifecycle;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// People who hold a voucher tap "claim" again, channels replay a request after a timeout, latecomers meet a sold-out
/// batch: all of it is answered from the stock shards' memory, without activating a single voucher grain (each
/// activation is a storage read).
/// </summary>
[Collection(CountingCluster.Name)]
public sealed class RepeatClaimTests(ClusterFixture fixture)
{
    private const int Holders = 50_000;
    private const int Parallelism = 64;

    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task RepeatsReplaysAndLateArrivalsOf50000HoldersActivateNoVoucherGrainAndAnswerTheHeldVoucher()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), quantity: Holders));
        var router = new ClaimRouter(Grains);
        var people = Enumerable.Range(0, Holders).Select(_ => TestData.NewPersonKey()).ToArray();
        var requests = people.Select(p => TestData.Claim(batchId, p)).ToArray();
        var first = new VoucherView[Holders];
        await ForEachAsync(Holders, async i =>
        {
            var claimed = await router.ClaimAsync(requests[i]);
            Assert.Equal(ClaimOutcome.Claimed, claimed.Outcome);
            first[i] = claimed.Voucher!;
        });
        Assert.Equal(Holders, first.Select(v => v.Code).Distinct().Count());
        var before = await VoucherActivationsAsync();

        var wrong = new ConcurrentQueue<string>();
        await ForEachAsync(Holders, async i =>
        {
            var again = await router.ClaimAsync(TestData.Claim(batchId, people[i], channelId: i % 2 == 0 ? TestData.ChannelA : TestData.ChannelB));
            if (again.Outcome != ClaimOutcome.AlreadyClaimed || again.Voucher?.Code != first[i].Code)
            {
                wrong.Enqueue($"repeat of #{i}: {again.Outcome} {again.Voucher?.Code}, held {first[i].Code}");
            }

            var replay = await router.ClaimAsync(requests[i]);
            if (replay.Outcome != ClaimOutcome.Replayed || replay.Voucher != first[i])
            {
                wrong.Enqueue($"replay of #{i}: {replay.Outcome} {replay.Voucher}, first {first[i]}");
            }
        });
        await ForEachAsync(Holders / 10, async _ =>
        {
            var late = await router.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
            if (late.Outcome != ClaimOutcome.SoldOut)
            {
                wrong.Enqueue($"a late arrival: {late.Outcome}");
            }
        });

        Assert.Empty(wrong.Take(5));
        Assert.Equal(before, await VoucherActivationsAsync());
        Assert.Equal(0, before);
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((Holders, 0), (counters.Claimed, counters.Remaining));
        Assert.Equal(Holders, (await fixture.Claims.CountAsync(batchId)).Live);

        // The count can fail: reading one voucher activates exactly one grain.
        Assert.Equal(first[0].Code, (await Grains.VoucherAsync(first[0].Code)).Code);
        Assert.Equal(1, await VoucherActivationsAsync());
    }

    [Fact]
    public async Task AHolderWhoseVoucherWasUsedIsStillToldTheCodeAndAReplayIsStillTheFirstAnswer()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow()));
        var person = TestData.NewPersonKey();
        var request = TestData.Claim(batchId, person);
        var claimed = await Grains.ClaimAsync(request);
        Assert.Equal(VoucherCommandStatus.Done, (await Grains.GetGrain<IVoucherGrain>(claimed.Voucher!.Code).UseAsync(TestData.InstitutionA)).Status);

        var replay = await Grains.ClaimAsync(request);
        var again = await Grains.ClaimAsync(TestData.Claim(batchId, person));

        Assert.Equal((ClaimOutcome.Replayed, claimed.Voucher), (replay.Outcome, replay.Voucher));
        Assert.Equal((ClaimOutcome.AlreadyClaimed, claimed.Voucher.Code), (again.Outcome, again.Voucher?.Code));
        Assert.Equal(VoucherStatus.Used, (await Grains.VoucherAsync(claimed.Voucher.Code)).Status);
    }

    private async Task<int> VoucherActivationsAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        // Grain types read "Namespace.Class,Assembly".
        var voucherGrain = typeof(VoucherGrain).FullName + ",";
        return statistics.Where(s => s.GrainType.StartsWith(voucherGrain, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static Task ForEachAsync(int count, Func<int, Task> body) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) => await body(i));
}
