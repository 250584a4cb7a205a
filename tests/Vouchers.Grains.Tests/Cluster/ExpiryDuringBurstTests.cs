using System.Collections.Concurrent;
using Vouchers.Claims;
using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// Expiry between two bursts: the counters, summed from the stock shards and the batch's record of uses, must agree
/// with the stored claims and with what each voucher says of itself, whatever ran concurrently.
/// </summary>
[Collection(ExpiryCluster.Name)]
public sealed class ExpiryDuringBurstTests(ClusterFixture fixture)
{
    private const int Quantity = 300;
    private const int FirstWave = 200;
    private const int SecondWave = 300;
    private const int UsedBeforeExpiry = 20;
    private const int ReturnedBeforeExpiry = 10;
    private const int ExpiredReturns = 50;
    private const int ExpiredUses = 20;
    private const int ExpiredHoldersClaimingAgain = 30;

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task CountersAgreeWithTheStoreAndTheVouchersWhenTheFirstWaveExpiresBeforeASecondBurst()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now, Quantity) with { DaysValidAfterClaim = 1 });

        // First wave: everybody gets a voucher valid until the end of the China day after today.
        var firstPeople = NewPeople(FirstWave);
        var first = await AllAtOnceAsync(firstPeople.Select(p => (Func<Task<ClaimResult>>)(() => Grains.ClaimAsync(TestData.Claim(batchId, p)))));
        Assert.All(first, r => Assert.Equal(ClaimOutcome.Claimed, r.Outcome));
        var firstCodes = first.Select(r => r.Voucher!.Code).ToArray();
        var firstExpiry = EndOfTheChinaDayAfter(Now);
        Assert.All(first, r => Assert.Equal(firstExpiry, r.Voucher!.ExpiresAt));

        // Before it expires, part of the first wave is used and part returned.
        var usedEarly = Enumerable.Range(0, UsedBeforeExpiry).ToArray();
        var returnedEarly = Enumerable.Range(UsedBeforeExpiry, ReturnedBeforeExpiry).ToArray();
        var early = await AllAtOnceAsync(
            usedEarly.Select(i => (Func<Task<VoucherCommandResult>>)(() => Grains.GetGrain<IVoucherGrain>(firstCodes[i]).UseAsync(TestData.InstitutionA)))
                .Concat(returnedEarly.Select(i => (Func<Task<VoucherCommandResult>>)(() => Grains.GetGrain<IPersonLedgerGrain>(firstPeople[i]).ReturnAsync(firstCodes[i], TestData.ChannelA)))));
        Assert.All(early, r => Assert.Equal(VoucherCommandStatus.Done, r.Status));
        var beforeExpiry = await Grains.CountersAsync(batchId);
        Assert.Equal((FirstWave - ReturnedBeforeExpiry, UsedBeforeExpiry, ReturnedBeforeExpiry, 0), (beforeExpiry.Claimed, beforeExpiry.Used, beforeExpiry.Returned, beforeExpiry.Expired));

        fixture.Time.Advance(firstExpiry - Now + TimeSpan.FromMinutes(1));

        // Second wave, all at once: new people claim (some then return or use their fresh voucher), holders of expired
        // vouchers try to return or use them or to claim again, and the early returners claim again.
        var untouched = Enumerable.Range(UsedBeforeExpiry + ReturnedBeforeExpiry, FirstWave - UsedBeforeExpiry - ReturnedBeforeExpiry).ToArray();
        var expiredReturns = untouched[..ExpiredReturns];
        var expiredUses = untouched[ExpiredReturns..(ExpiredReturns + ExpiredUses)];
        var claimingAgain = untouched[(ExpiredReturns + ExpiredUses)..(ExpiredReturns + ExpiredUses + ExpiredHoldersClaimingAgain)];
        var secondPeople = NewPeople(SecondWave);
        var newCodes = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var returnedLate = new ConcurrentBag<string>();
        var usedLate = new ConcurrentBag<string>();
        var soldOut = 0;

        // Claims; the n-th claimant then returns (n % 6 == 0) or uses (n % 6 == 1) the voucher, or keeps it.
        async Task ClaimAsync(string person, int n)
        {
            var result = await Grains.ClaimAsync(TestData.Claim(batchId, person));
            if (result.Outcome == ClaimOutcome.SoldOut)
            {
                Interlocked.Increment(ref soldOut);
                return;
            }

            Assert.Equal(ClaimOutcome.Claimed, result.Outcome);
            var code = result.Voucher!.Code;
            Assert.True(newCodes.TryAdd(person, code), $"{person} was given two vouchers");
            Assert.True(result.Voucher.ExpiresAt > Now, "a fresh voucher is valid");
            if (n % 6 == 0)
            {
                Assert.Equal(VoucherCommandStatus.Done, (await Grains.GetGrain<IPersonLedgerGrain>(person).ReturnAsync(code, TestData.ChannelA)).Status);
                returnedLate.Add(code);
            }
            else if (n % 6 == 1)
            {
                Assert.Equal(VoucherCommandStatus.Done, (await Grains.GetGrain<IVoucherGrain>(code).UseAsync(TestData.InstitutionB)).Status);
                usedLate.Add(code);
            }
        }

        var second = new List<Func<Task>>();
        second.AddRange(secondPeople.Select((p, n) => (Func<Task>)(() => ClaimAsync(p, n))));
        second.AddRange(returnedEarly.Select(i => (Func<Task>)(() => ClaimAsync(firstPeople[i], n: 5 /* keeps it */))));
        second.AddRange(expiredReturns.Select(i => (Func<Task>)(async () =>
        {
            var refused = await Grains.GetGrain<IPersonLedgerGrain>(firstPeople[i]).ReturnAsync(firstCodes[i], TestData.ChannelA);
            Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.Expired), (refused.Status, refused.Verdict));
        })));
        second.AddRange(expiredUses.Select(i => (Func<Task>)(async () =>
        {
            var refused = await Grains.GetGrain<IVoucherGrain>(firstCodes[i]).UseAsync(TestData.InstitutionA);
            Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.Expired), (refused.Status, refused.Verdict));
        })));
        second.AddRange(claimingAgain.Select(i => (Func<Task>)(async () =>
        {
            var again = await Grains.ClaimAsync(TestData.Claim(batchId, firstPeople[i]));
            // The held voucher as issued (from the shard's memory), whose validity is over.
            Assert.Equal((ClaimOutcome.AlreadyClaimed, firstCodes[i]), (again.Outcome, again.Voucher?.Code));
            Assert.True(again.Voucher!.ExpiresAt <= fixture.Time.GetUtcNow(), "the held voucher has expired");
        })));
        new Random(20260302).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(second));
        await AllAtOnceAsync(second.Select(f => (Func<Task<bool>>)(async () =>
        {
            await f();
            return true;
        })));

        // The wave wanted more than the stock, so some were sold out; the rest got the units left and those returned.
        Assert.True(soldOut > 0, "the second wave asked for more than was left");
        Assert.Equal(SecondWave + ReturnedBeforeExpiry, newCodes.Count + soldOut);

        // An independent count: the stored claims, and every voucher's own status.
        var stored = await fixture.Claims.CountAsync(batchId);
        var allCodes = firstCodes.Concat(newCodes.Values).ToArray();
        var statuses = (await Task.WhenAll(allCodes.Select(c => Grains.VoucherAsync(c)))).Select(v => v.Status).ToArray();
        var expiredFirstWave = untouched.Length;
        Assert.Equal(FirstWave + newCodes.Count, stored.Total);
        Assert.Equal(ReturnedBeforeExpiry + returnedLate.Count, stored.Returned);
        Assert.Equal(stored.Returned, statuses.Count(s => s == VoucherStatus.Returned));
        Assert.Equal(stored.Live, statuses.Count(s => s is VoucherStatus.Claimed or VoucherStatus.Used or VoucherStatus.Expired));
        Assert.Equal(UsedBeforeExpiry + usedLate.Count, statuses.Count(s => s == VoucherStatus.Used));
        Assert.Equal(expiredFirstWave, statuses.Count(s => s == VoucherStatus.Expired));
        Assert.Equal(expiredFirstWave, firstCodes.Select((_, i) => statuses[i]).Count(s => s == VoucherStatus.Expired));

        // Nobody holds two live claims of the batch, and the live claims are exactly the stored live count.
        var everybody = firstPeople.Concat(secondPeople).ToArray();
        var liveByPerson = await Task.WhenAll(everybody.Select(async p =>
            (await fixture.Claims.ListByPersonAsync(p)).Count(c => c.BatchId == batchId && c.ReturnedAt is null)));
        Assert.All(liveByPerson, live => Assert.InRange(live, 0, 1));
        Assert.Equal(stored.Live, liveByPerson.Sum());

        var counters = await Grains.CountersAsync(batchId);
        AssertAgree(counters);

        // No unit went missing in the shuffle: once the shards that found no stock ask again, every remaining unit
        // can be claimed, and not one more.
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < counters.Remaining; i++)
        {
            Assert.Equal(ClaimOutcome.Claimed, (await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))).Outcome);
        }

        Assert.Equal(ClaimOutcome.SoldOut, (await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))).Outcome);
        var full = await Grains.CountersAsync(batchId);
        Assert.Equal(counters with { Claimed = Quantity, Remaining = 0, FundsCommitted = (Quantity - counters.Expired) * TestData.Subsidy }, full);
        Assert.Equal(Quantity, (await fixture.Claims.CountAsync(batchId)).Live);

        // The counters are rebuilt from the store and the batch's state alone.
        await fixture.Cluster.DeactivateAsync(Grains.GetGrain<IBatchGrain>(batchId));
        var shards = await Grains.GetGrain<IBatchGrain>(batchId).GetStockShardsAsync();
        foreach (var index in Enumerable.Range(0, shards))
        {
            await fixture.Cluster.DeactivateAsync(Grains.GetGrain<IStockShardGrain>(StockShards.KeyOf(batchId, index)));
        }

        Assert.Equal(full, await Grains.CountersAsync(batchId));

        void AssertAgree(BatchCounters c)
        {
            Assert.Equal(Quantity, c.Quantity);
            Assert.Equal(stored.Live, c.Claimed);
            Assert.Equal(Quantity, c.Claimed + c.Remaining);
            Assert.Equal(stored.Returned, c.Returned);
            Assert.Equal(expiredFirstWave, c.Expired);
            Assert.Equal(UsedBeforeExpiry + usedLate.Count, c.Used);
            Assert.Equal((c.Claimed - c.Expired) * TestData.Subsidy, c.FundsCommitted);
        }
    }

    private static string[] NewPeople(int count) => [.. Enumerable.Range(0, count).Select(_ => TestData.NewPersonKey())];

    /// <summary>The first instant of the China day after the day after <paramref name="instant"/>'s China day.</summary>
    private static DateTimeOffset EndOfTheChinaDayAfter(DateTimeOffset instant)
    {
        var local = instant.ToOffset(ChinaOffset);
        return new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, ChinaOffset).AddDays(2);
    }

    /// <summary>Starts every call at once (released together by one signal) and waits for all of them.</summary>
    private static async Task<T[]> AllAtOnceAsync<T>(IEnumerable<Func<Task<T>>> calls)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = calls.Select(async call =>
        {
            await start.Task;
            return await call();
        }).ToArray();
        start.SetResult();
        return await Task.WhenAll(running);
    }
}
