using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class ConcurrentClaimTests(ClusterFixture fixture)
{
    private const int Quantity = 1_000;
    private const int People = 1_500;
    private const int ClaimingTwice = 500;

    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task TwoThousandSimultaneousClaimsNeverOversellAndNeverGiveOnePersonTwoVouchers()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(fixture.Time.GetUtcNow(), Quantity));
        var people = Enumerable.Range(0, People).Select(_ => TestData.NewPersonKey()).ToArray();
        var requests = people
            .SelectMany((person, i) => Enumerable.Range(0, i < ClaimingTwice ? 2 : 1).Select(_ => TestData.Claim(batchId, person)))
            .ToArray();
        new Random(2020).Shuffle(requests);
        Assert.Equal(2_000, requests.Length);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = requests.Select(async request =>
        {
            await start.Task;
            return (request.PersonKey, Result: await Grains.ClaimAsync(request));
        }).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(claims);

        var claimed = results.Where(r => r.Result.Outcome == ClaimOutcome.Claimed).ToArray();
        Assert.Equal(Quantity, claimed.Length);
        Assert.All(results, r => Assert.Contains(r.Result.Outcome, new[] { ClaimOutcome.Claimed, ClaimOutcome.SoldOut, ClaimOutcome.AlreadyClaimed }));
        Assert.All(claimed.GroupBy(r => r.PersonKey), g => Assert.Single(g));

        // Someone told "already claimed" was told about the voucher they really hold.
        var codeOf = claimed.ToDictionary(r => r.PersonKey, r => r.Result.Voucher!.Code);
        Assert.All(results.Where(r => r.Result.Outcome == ClaimOutcome.AlreadyClaimed),
            r => Assert.Equal(codeOf[r.PersonKey], r.Result.Voucher!.Code));

        var codes = claimed.Select(r => r.Result.Voucher!.Code).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Quantity, codes.Count);
        Assert.All(codes, c => Assert.True(VoucherCode.IsWellFormed(c), c));

        var vouchers = await Task.WhenAll(codes.Select(c => Grains.GetGrain<IVoucherGrain>(c).GetAsync()));
        Assert.All(vouchers, v =>
        {
            Assert.NotNull(v);
            Assert.Equal((VoucherStatus.Claimed, batchId), (v.Status, v.BatchId));
        });

        var wallets = await Task.WhenAll(people.Select(p => Grains.GetGrain<IPersonLedgerGrain>(p).GetWalletAsync(TestData.ChannelA)));
        Assert.Equal(Quantity, wallets.Count(w => w.Length == 1));
        Assert.Equal(People - Quantity, wallets.Count(w => w.IsEmpty));

        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((Quantity, Quantity, 0, 0), (counters.Quantity, counters.Claimed, counters.Remaining, counters.Returned));
        var latecomer = await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        Assert.Equal(ClaimOutcome.SoldOut, latecomer.Outcome);
    }
}
