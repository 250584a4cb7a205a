using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// These tests move the cluster's clock, always forward and always from the clock's current reading,
/// so they run in a collection (and cluster) of their own and do not depend on each other's order.
/// </summary>
[Collection(ExpiryCluster.Name)]
public sealed class ExpiryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    /// <summary>Midnight at the start of the China day that follows <paramref name="instant"/>'s China day, plus <paramref name="days"/>.</summary>
    private static DateTimeOffset ChinaMidnightAfter(DateTimeOffset instant, int days)
    {
        var local = instant.ToOffset(ChinaOffset);
        return new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, ChinaOffset).AddDays(1 + days);
    }

    private void AdvanceTo(DateTimeOffset instant)
    {
        Assert.True(instant > Now, "the clock only moves forward");
        fixture.Time.Advance(instant - Now);
    }

    [Fact]
    public async Task UnusedVouchersExpireAtTheEndOfTheChinaDayAfterTheClaimDayWhileAUsedOneStaysUsed()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now, quantity: 5) with { DaysValidAfterClaim = 1 });
        var holders = Enumerable.Range(0, 3).Select(_ => TestData.NewPersonKey()).ToArray();
        var codes = new List<string>();
        foreach (var holder in holders)
        {
            codes.Add(await Grains.ClaimCodeAsync(TestData.Claim(batchId, holder)));
        }

        var (usedCode, unusedCode, returnedCode) = (codes[0], codes[1], codes[2]);
        var expiry = ChinaMidnightAfter(Now, days: 1);
        foreach (var code in codes)
        {
            Assert.Equal(expiry, (await Grains.VoucherAsync(code)).ExpiresAt);
        }

        Assert.Equal(VoucherCommandStatus.Done, (await Grains.GetGrain<IVoucherGrain>(usedCode).UseAsync(TestData.InstitutionA)).Status);

        AdvanceTo(expiry.AddSeconds(-1));
        Assert.Equal(VerifyVerdict.Valid, (await Grains.GetGrain<IVoucherGrain>(unusedCode).VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(0, (await Grains.CountersAsync(batchId)).Expired);

        AdvanceTo(expiry);

        var unused = Grains.GetGrain<IVoucherGrain>(unusedCode);
        var verified = await unused.VerifyAsync(TestData.InstitutionA);
        Assert.Equal(VerifyVerdict.Expired, verified.Verdict);
        Assert.Equal(VoucherStatus.Expired, verified.Voucher!.Status);

        var use = await unused.UseAsync(TestData.InstitutionA);
        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.Expired), (use.Status, use.Verdict));
        var afterUse = await Grains.VoucherAsync(unusedCode);
        Assert.Equal((VoucherStatus.Expired, null, null), (afterUse.Status, afterUse.InstitutionId, afterUse.UsedAt));

        var returned = await Grains.GetGrain<IPersonLedgerGrain>(holders[2]).ReturnAsync(returnedCode, TestData.ChannelA);
        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.Expired), (returned.Status, returned.Verdict));
        var wallet = await Grains.GetGrain<IPersonLedgerGrain>(holders[2]).GetWalletAsync(TestData.ChannelA);
        Assert.Equal((returnedCode, VoucherStatus.Expired), (Assert.Single(wallet).Code, wallet[0].Status));
        Assert.Equal(VoucherStatus.Expired, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(holders[1]).GetWalletAsync(TestData.ChannelA)).Status);

        var used = Grains.GetGrain<IVoucherGrain>(usedCode);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await used.VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(VoucherStatus.Used, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(holders[0]).GetWalletAsync(TestData.ChannelA)).Status);

        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal(new BatchCounters(Quantity: 5, Claimed: 3, Used: 1, Redeemed: 0, Returned: 0, Expired: 2, Remaining: 2,
            FundsCommitted: TestData.Subsidy, FundsDisbursed: 0m), counters);

        // The expired count is derived from persisted state and the clock, not kept in memory.
        await fixture.Cluster.DeactivateAsync(Grains.GetGrain<IBatchGrain>(batchId));
        Assert.Equal(counters, await Grains.CountersAsync(batchId));

        // Their Expired events are written once the grace period after the expiry instant is over, by the engine, at
        // the expiry instant, for the two unused vouchers only; sweeping again writes none.
        var pump = Grains.GetGrain<IEventPumpGrain>(IEventPumpGrain.Key);
        await pump.SweepExpiriesAsync();
        Assert.Empty(await ExpiredEventsAsync(batchId));
        AdvanceTo(expiry + new Grains.Events.EventOptions().ExpiryGrace + TimeSpan.FromSeconds(1));
        await pump.SweepExpiriesAsync();
        await pump.SweepExpiriesAsync();
        var expired = await ExpiredEventsAsync(batchId);
        Assert.Equal([returnedCode, unusedCode], expired.Select(e => e.Code).Order(StringComparer.Ordinal));
        Assert.All(expired, e => Assert.Equal((expiry, ActorKind.System, TestData.Subsidy), (e.At, e.Actor, e.Amount)));
    }

    private async Task<List<VoucherEvent>> ExpiredEventsAsync(string batchId) =>
        [.. (await fixture.Events.ReadAsync(EventCursor.Start, int.MaxValue)).Select(e => e.Event)
            .Where(e => e.BatchId == batchId && e.Kind == EventKind.Expired)];

    [Fact]
    public async Task VouchersClaimedOnDifferentChinaDaysExpireOnDifferentDays()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now) with { DaysValidAfterClaim = 1 });
        var first = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var firstExpiry = ChinaMidnightAfter(Now, days: 1);

        // Shortly after the next China midnight: a new claim day.
        AdvanceTo(ChinaMidnightAfter(Now, days: 0).AddMinutes(5));
        var second = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var secondExpiry = (await Grains.VoucherAsync(second)).ExpiresAt;
        Assert.Equal(firstExpiry.AddDays(1), secondExpiry);

        AdvanceTo(firstExpiry);
        Assert.Equal(VerifyVerdict.Expired, (await Grains.GetGrain<IVoucherGrain>(first).VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(VerifyVerdict.Valid, (await Grains.GetGrain<IVoucherGrain>(second).VerifyAsync(TestData.InstitutionA)).Verdict);
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((2, 1), (counters.Claimed, counters.Expired));

        AdvanceTo(secondExpiry);
        Assert.Equal(VerifyVerdict.Expired, (await Grains.GetGrain<IVoucherGrain>(second).VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(2, (await Grains.CountersAsync(batchId)).Expired);
    }

    [Fact]
    public async Task AVoucherValidForZeroDaysExpiresAtTheNextChinaMidnight()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now) with { DaysValidAfterClaim = 0 });
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var midnight = ChinaMidnightAfter(Now, days: 0);

        Assert.Equal(midnight, (await Grains.VoucherAsync(code)).ExpiresAt);
        AdvanceTo(midnight);

        Assert.Equal(VerifyVerdict.Expired, (await Grains.GetGrain<IVoucherGrain>(code).VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(1, (await Grains.CountersAsync(batchId)).Expired);
    }

    [Fact]
    public async Task AFixedExpiryAppliesToEveryVoucherWhateverItsClaimDay()
    {
        var fixedExpiry = Now.AddDays(3).AddMinutes(17);
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now) with { ClaimClosesAt = Now.AddDays(3), DaysValidAfterClaim = null, FixedExpiry = fixedExpiry });
        var early = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        AdvanceTo(Now.AddDays(2));
        var late = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));

        Assert.Equal(fixedExpiry, (await Grains.VoucherAsync(early)).ExpiresAt);
        Assert.Equal(fixedExpiry, (await Grains.VoucherAsync(late)).ExpiresAt);
        AdvanceTo(fixedExpiry);

        Assert.Equal(VoucherStatus.Expired, (await Grains.VoucherAsync(early)).Status);
        Assert.Equal(VoucherStatus.Expired, (await Grains.VoucherAsync(late)).Status);
        Assert.Equal(2, (await Grains.CountersAsync(batchId)).Expired);
    }

    [Fact]
    public async Task ClaimsStopWhenTheClockReachesTheEndOfTheClaimWindow()
    {
        var closes = Now.AddHours(2);
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now) with { ClaimClosesAt = closes });
        Assert.Equal(ClaimOutcome.Claimed, (await Grains.ClaimAsync(TestData.Claim(batchId, TestData.NewPersonKey()))).Outcome);

        AdvanceTo(closes);
        var person = TestData.NewPersonKey();
        var late = await Grains.ClaimAsync(TestData.Claim(batchId, person));

        Assert.Equal(ClaimOutcome.OutsideClaimWindow, late.Outcome);
        Assert.Empty(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));
        Assert.Equal(1, (await Grains.CountersAsync(batchId)).Claimed);
    }

    [Fact]
    public async Task ABatchWhoseWindowEndedStaysActiveAndEditableButCannotBeActivatedAgain()
    {
        var definition = TestData.Batch(Now) with { ClaimClosesAt = Now.AddHours(2) };
        var batchId = await Grains.CreateBatchAsync(definition);
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        AdvanceTo(Now.AddHours(3));
        var batch = Grains.GetGrain<IBatchGrain>(batchId);

        Assert.Equal(BatchStatus.Active, (await batch.GetAsync())!.Status);
        Assert.Equal(BatchCommandStatus.Done, (await batch.UpdateAsync(definition with { Title = "Renamed after the window" })).Status);
        var reopenedInThePast = await batch.UpdateAsync(definition with { ClaimClosesAt = Now.AddMinutes(-1) });
        Assert.Equal((BatchCommandStatus.Invalid, "claimClosesAt"), (reopenedInThePast.Status, reopenedInThePast.Field));
        Assert.Equal(BatchCommandStatus.Done, (await batch.PauseAsync()).Status);
        var activated = await batch.ActivateAsync();

        Assert.Equal((BatchCommandStatus.Invalid, "claimClosesAt", BatchStatus.Paused), (activated.Status, activated.Field, activated.Batch!.Status));
        Assert.Equal(VerifyVerdict.Valid, (await Grains.GetGrain<IVoucherGrain>(code).VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal("Renamed after the window", (await batch.GetAsync())!.Definition.Title);
    }
}
