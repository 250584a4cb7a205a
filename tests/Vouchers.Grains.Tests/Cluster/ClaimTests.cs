using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class ClaimTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task AClaimIssuesAWellFormedVoucherThatExpiresAfterTheBatchValidity()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();

        var result = await Grains.ClaimAsync(TestData.Claim(id, person));

        Assert.Equal(ClaimOutcome.Claimed, result.Outcome);
        var voucher = result.Voucher!;
        Assert.True(VoucherCode.IsWellFormed(voucher.Code), voucher.Code);
        Assert.Equal(VoucherStatus.Claimed, voucher.Status);
        Assert.Equal(Now, voucher.ClaimedAt);
        Assert.Equal(ChinaTime.EndOfDay(ChinaTime.DayOf(Now).AddDays(30)), voucher.ExpiresAt);
        Assert.Equal((TestData.Subsidy, "electrician-basic", TestData.ChannelA), (voucher.SubsidyAmount, voucher.ProgramId, voucher.ChannelId));
        Assert.Equal(voucher, await Grains.VoucherAsync(voucher.Code));
        Assert.Equal(voucher, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA)));
        var counters = await Grains.CountersAsync(id);
        Assert.Equal((1, 9, TestData.Subsidy), (counters.Claimed, counters.Remaining, counters.FundsCommitted));
    }

    [Fact]
    public async Task ASecondClaimBySamePersonWithAnotherRequestIdIsAlreadyClaimedNamingTheFirstVoucher()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var first = await Grains.ClaimCodeAsync(TestData.Claim(id, person));

        var second = await Grains.ClaimAsync(TestData.Claim(id, person));
        var viaOtherChannel = await Grains.ClaimAsync(TestData.Claim(id, person, channelId: TestData.ChannelB));

        Assert.Equal(ClaimOutcome.AlreadyClaimed, second.Outcome);
        Assert.Equal(first, second.Voucher!.Code);
        Assert.Equal(ClaimOutcome.AlreadyClaimed, viaOtherChannel.Outcome);
        Assert.Equal(first, viaOtherChannel.Voucher!.Code);
        Assert.Equal(first, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA)).Code);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task TheSameRequestIdFromTheSameChannelIsReplayedWithTheSameCode()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var request = TestData.Claim(id, person);
        var first = await Grains.ClaimCodeAsync(request);

        var replay = await Grains.ClaimAsync(request);
        var sameIdOtherChannel = await Grains.ClaimAsync(request with { ChannelId = TestData.ChannelB });

        Assert.Equal(ClaimOutcome.Replayed, replay.Outcome);
        Assert.Equal(first, replay.Voucher!.Code);
        Assert.Equal(VoucherStatus.Claimed, replay.Voucher.Status);
        Assert.Equal(ClaimOutcome.AlreadyClaimed, sameIdOtherChannel.Outcome);
        Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));
        var counters = await Grains.CountersAsync(id);
        Assert.Equal((1, 9), (counters.Claimed, counters.Remaining));
    }

    [Fact]
    public async Task ATargetedListOnlyBatchRefusesAPersonUntilTheyAreAddedToTheList()
    {
        var definition = TestData.Batch(Now) with { Eligibility = new EligibilityRules { TargetedListOnly = true } };
        var id = await Grains.CreateBatchAsync(definition);
        var person = TestData.NewPersonKey();
        var ledger = Grains.GetGrain<IPersonLedgerGrain>(person);

        var refused = await Grains.ClaimAsync(TestData.Claim(id, person));
        Assert.Equal(ClaimOutcome.NotEligible, refused.Outcome);
        Assert.Null(refused.Voucher);
        Assert.Empty(await ledger.GetWalletAsync(TestData.ChannelA));
        Assert.Equal(0, (await Grains.CountersAsync(id)).Claimed);

        await ledger.AddTargetAsync(id);
        var accepted = await Grains.ClaimAsync(TestData.Claim(id, person));

        Assert.Equal(ClaimOutcome.Claimed, accepted.Outcome);
        Assert.Equal(accepted.Voucher!.Code, Assert.Single(await ledger.GetWalletAsync(TestData.ChannelA)).Code);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task BeingOnTheListOfAnotherBatchDoesNotAdmitAPerson()
    {
        var targeted = TestData.Batch(Now) with { Eligibility = new EligibilityRules { TargetedListOnly = true } };
        var id = await Grains.CreateBatchAsync(targeted);
        var other = await Grains.CreateBatchAsync(targeted);
        var person = TestData.NewPersonKey();
        await Grains.GetGrain<IPersonLedgerGrain>(person).AddTargetAsync(other);

        var result = await Grains.ClaimAsync(TestData.Claim(id, person));

        Assert.Equal(ClaimOutcome.NotEligible, result.Outcome);
        Assert.Equal(0, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task ABatchThatRequiresTheCommitmentRefusesAClaimWithoutIt()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now) with { RequiresCommitment = true });
        var person = TestData.NewPersonKey();

        var refused = await Grains.ClaimAsync(TestData.Claim(id, person, commitment: false));
        Assert.Equal(ClaimOutcome.CommitmentRequired, refused.Outcome);
        Assert.Empty(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));
        Assert.Equal(0, (await Grains.CountersAsync(id)).Claimed);

        var accepted = await Grains.ClaimAsync(TestData.Claim(id, person, commitment: true));
        Assert.Equal(ClaimOutcome.Claimed, accepted.Outcome);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task ClaimsBeforeTheWindowOpensAreRefused()
    {
        // A window that closed is covered with a moving clock (ExpiryTests): a batch cannot be defined with one.
        var notYet = await Grains.CreateBatchAsync(TestData.Batch(Now) with { ClaimOpensAt = Now.AddDays(1), ClaimClosesAt = Now.AddDays(2) });
        var person = TestData.NewPersonKey();

        var early = await Grains.ClaimAsync(TestData.Claim(notYet, person));

        Assert.Equal(ClaimOutcome.OutsideClaimWindow, early.Outcome);
        Assert.Empty(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));
        Assert.Equal(0, (await Grains.CountersAsync(notYet)).Claimed);
    }

    [Fact]
    public async Task ABatchWhoseClaimWindowIsOverOrWhoseFixedExpiryPassedIsNotCreated()
    {
        var over = await Grains.GetGrain<IBatchGrain>(TestData.NewBatchId())
            .CreateAsync(TestData.Batch(Now) with { ClaimOpensAt = Now.AddDays(-2), ClaimClosesAt = Now });
        var expired = await Grains.GetGrain<IBatchGrain>(TestData.NewBatchId())
            .CreateAsync(TestData.Batch(Now) with { ClaimOpensAt = Now.AddDays(-2), ClaimClosesAt = Now.AddDays(-1), DaysValidAfterClaim = null, FixedExpiry = Now.AddTicks(-1) });

        Assert.Equal((BatchCommandStatus.Invalid, "claimClosesAt", null), (over.Status, over.Field, over.Batch));
        Assert.Equal(BatchCommandStatus.Invalid, expired.Status);
        Assert.Contains("fixed expiry", expired.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChannelThatIsNotEnabledForTheBatchCannotClaimIt()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now) with { EnabledChannelIds = [TestData.ChannelA] });
        var person = TestData.NewPersonKey();

        var refused = await Grains.ClaimAsync(TestData.Claim(id, person, channelId: TestData.ChannelB));
        Assert.Equal(ClaimOutcome.ChannelNotEnabled, refused.Outcome);
        Assert.Equal(0, (await Grains.CountersAsync(id)).Claimed);

        var accepted = await Grains.ClaimAsync(TestData.Claim(id, person, channelId: TestData.ChannelA));
        Assert.Equal(ClaimOutcome.Claimed, accepted.Outcome);
        Assert.Equal(TestData.ChannelA, accepted.Voucher!.ChannelId);
    }

    [Fact]
    public async Task AChannelTheBatchDoesNotEnableIsRefusedBeforeTheHoldersVoucherIsNamed()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now) with { EnabledChannelIds = [TestData.ChannelA] });
        var person = TestData.NewPersonKey();
        var first = TestData.Claim(id, person, channelId: TestData.ChannelA);
        var code = await Grains.ClaimCodeAsync(first);

        var newRequest = await Grains.ClaimAsync(TestData.Claim(id, person, channelId: TestData.ChannelB));
        var sameRequestId = await Grains.ClaimAsync(first with { ChannelId = TestData.ChannelB });

        Assert.Equal((ClaimOutcome.ChannelNotEnabled, null), (newRequest.Outcome, newRequest.Voucher));
        Assert.Equal((ClaimOutcome.ChannelNotEnabled, null), (sameRequestId.Outcome, sameRequestId.Voucher));
        Assert.Equal(code, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA)).Code);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task APausedBatchOrAnIneligiblePersonIsRefusedBeforeTheVoucherIsNamedButTheChannelsOwnReplayStands()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var first = TestData.Claim(id, person);
        var code = await Grains.ClaimCodeAsync(first);

        var withoutCommitment = await Grains.ClaimAsync(TestData.Claim(id, person, commitment: false));
        Assert.Equal(BatchCommandStatus.Done, (await Grains.GetGrain<IBatchGrain>(id).UpdateAsync(TestData.Batch(Now) with
        {
            Eligibility = new EligibilityRules { MaxAge = 20 },
        })).Status);
        var tooOld = await Grains.ClaimAsync(TestData.Claim(id, person));
        Assert.Equal(BatchCommandStatus.Done, (await Grains.GetGrain<IBatchGrain>(id).PauseAsync()).Status);
        var paused = await Grains.ClaimAsync(TestData.Claim(id, person));
        var replay = await Grains.ClaimAsync(first);

        Assert.Equal((ClaimOutcome.AlreadyClaimed, code), (withoutCommitment.Outcome, withoutCommitment.Voucher?.Code));
        Assert.Equal((ClaimOutcome.NotEligible, null), (tooOld.Outcome, tooOld.Voucher));
        Assert.Equal((ClaimOutcome.BatchNotActive, null), (paused.Outcome, paused.Voucher));
        Assert.Equal((ClaimOutcome.Replayed, code), (replay.Outcome, replay.Voucher?.Code));
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task PeopleOutsideTheAgeRangeOrRegionAreNotEligible()
    {
        var rules = new EligibilityRules { MinAge = 16, MaxAge = 45, RegionPrefixes = ["4403"] };
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now) with { Eligibility = rules });
        var tooOld = TestData.Adult with { BirthDate = new DateOnly(1970, 1, 1) };
        var elsewhere = TestData.Adult with { RegionCode = "110105" };

        var old = await Grains.ClaimAsync(TestData.Claim(id, TestData.NewPersonKey(), person: tooOld));
        var away = await Grains.ClaimAsync(TestData.Claim(id, TestData.NewPersonKey(), person: elsewhere));
        var fits = await Grains.ClaimAsync(TestData.Claim(id, TestData.NewPersonKey()));

        Assert.Equal(ClaimOutcome.NotEligible, old.Outcome);
        Assert.Contains("45", old.Detail, StringComparison.Ordinal);
        Assert.Equal(ClaimOutcome.NotEligible, away.Outcome);
        Assert.Equal(ClaimOutcome.Claimed, fits.Outcome);
        Assert.Equal(1, (await Grains.CountersAsync(id)).Claimed);
    }

    [Fact]
    public async Task AClaimOnABatchThatDoesNotExistSaysSoAndLeavesNoTrace()
    {
        var person = TestData.NewPersonKey();

        var result = await Grains.ClaimAsync(TestData.Claim(TestData.NewBatchId(), person));

        Assert.Equal(ClaimOutcome.BatchNotFound, result.Outcome);
        Assert.Empty(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA));
    }
}
