using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

[Collection(GrainCluster.Name)]
public sealed class VoucherLifecycleTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task AVoucherIsClaimedUsedAppliedForApprovedDisbursedAndThenVerifiesAsRedeemed()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, person));
        var voucher = Grains.GetGrain<IVoucherGrain>(code);

        Assert.Equal(VerifyVerdict.Valid, (await voucher.VerifyAsync(TestData.InstitutionA)).Verdict);

        var used = await voucher.UseAsync(TestData.InstitutionA);
        Assert.Equal(VoucherCommandStatus.Done, used.Status);
        Assert.Equal((VoucherStatus.Used, TestData.InstitutionA, Now), (used.Voucher!.Status, used.Voucher.InstitutionId, used.Voucher.UsedAt));
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await voucher.VerifyAsync(TestData.InstitutionA)).Verdict);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await voucher.VerifyAsync(TestData.InstitutionB)).Verdict);
        var usedElsewhere = await voucher.UseAsync(TestData.InstitutionB);
        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.AlreadyUsed), (usedElsewhere.Status, usedElsewhere.Verdict));

        var applicationId = $"app-{Guid.NewGuid():N}";
        var application = Grains.GetGrain<ISubsidyApplicationGrain>(applicationId);
        var submitted = await application.SubmitAsync(TestData.InstitutionA, batchId, "4403", [code]);
        Assert.Equal(SubsidyCommandStatus.Done, submitted.Status);
        Assert.Equal(new SubsidyLine(code, SubsidyLineStatus.Pending, TestData.Subsidy), Assert.Single(submitted.Application!.Lines));
        Assert.Equal(VoucherStatus.SubsidyApplied, (await Grains.VoucherAsync(code)).Status);
        Assert.Equal(VerifyVerdict.AlreadyUsed, (await voucher.VerifyAsync(TestData.InstitutionA)).Verdict);

        var reviewed = await application.ReviewAsync([new SubsidyDecision(code, Approve: true, Reason: "records complete")]);
        Assert.Equal(SubsidyCommandStatus.Done, reviewed.Status);
        Assert.Equal(SubsidyLineStatus.Approved, Assert.Single(reviewed.Application!.Lines).Status);

        var disbursed = await application.DisburseAsync();
        Assert.Equal(SubsidyCommandStatus.Done, disbursed.Status);
        Assert.Equal(SubsidyApplicationStatus.Disbursed, disbursed.Application!.Status);
        Assert.Equal(SubsidyLineStatus.Redeemed, Assert.Single(disbursed.Application.Lines).Status);
        Assert.Equal(TestData.Subsidy, disbursed.Application.ApprovedAmount);
        Assert.Equal(Now, disbursed.Application.DisbursedAt);

        var redeemed = await voucher.VerifyAsync(TestData.InstitutionA);
        Assert.Equal(VerifyVerdict.Redeemed, redeemed.Verdict);
        Assert.Equal(VoucherStatus.Redeemed, redeemed.Voucher!.Status);
        Assert.Equal(applicationId, redeemed.Voucher.ApplicationId);

        // Disbursing again changes nothing: the subsidy is paid once.
        Assert.Equal(SubsidyCommandStatus.Done, (await application.DisburseAsync()).Status);
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal(new BatchCounters(Quantity: 10, Claimed: 1, Used: 1, Redeemed: 1, Returned: 0, Expired: 0, Remaining: 9,
            FundsCommitted: TestData.Subsidy, FundsDisbursed: TestData.Subsidy), counters);
        Assert.Equal(applicationId, Assert.Single(await Grains.GetGrain<IBatchApplicationsGrain>(batchId).ListAsync()));
        Assert.Equal(VoucherStatus.Redeemed, Assert.Single(await Grains.GetGrain<IPersonLedgerGrain>(person).GetWalletAsync(TestData.ChannelA)).Status);
    }

    [Fact]
    public async Task StateSurvivesDeactivationThroughTheJsonStorageSerializer()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, person));
        var voucher = Grains.GetGrain<IVoucherGrain>(code);
        await voucher.UseAsync(TestData.InstitutionA);
        var application = Grains.GetGrain<ISubsidyApplicationGrain>($"app-{Guid.NewGuid():N}");
        await application.SubmitAsync(TestData.InstitutionA, batchId, "4403", [code]);
        var batch = Grains.GetGrain<IBatchGrain>(batchId);
        var ledger = Grains.GetGrain<IPersonLedgerGrain>(person);
        var before = (await batch.GetAsync(), await voucher.GetAsync(), await application.GetAsync(), await ledger.GetWalletAsync(TestData.ChannelA));

        foreach (var grain in new IAddressable[] { batch, voucher, application, ledger })
        {
            await fixture.Cluster.DeactivateAsync(grain);
        }

        var after = (await batch.GetAsync(), await voucher.GetAsync(), await application.GetAsync(), await ledger.GetWalletAsync(TestData.ChannelA));
        Assert.NotNull(after.Item1);
        Assert.NotNull(after.Item3);
        Structural.Equal(before, after);
        // The reactivated ledger still knows the claim.
        var again = await Grains.ClaimAsync(TestData.Claim(batchId, person));
        Assert.Equal((ClaimOutcome.AlreadyClaimed, code), (again.Outcome, again.Voucher!.Code));
    }

    [Fact]
    public async Task AVoucherUsedAtAnInstitutionOutsideTheBatchIsNotForThisInstitution()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var voucher = Grains.GetGrain<IVoucherGrain>(code);

        var verified = await voucher.VerifyAsync(TestData.OtherInstitution);
        var used = await voucher.UseAsync(TestData.OtherInstitution);

        Assert.Equal(VerifyVerdict.NotForThisInstitution, verified.Verdict);
        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.NotForThisInstitution), (used.Status, used.Verdict));
        var view = await Grains.VoucherAsync(code);
        Assert.Equal((VoucherStatus.Claimed, null, null), (view.Status, view.InstitutionId, view.UsedAt));
        Assert.Equal(0, (await Grains.CountersAsync(batchId)).Used);
        Assert.Equal(VerifyVerdict.Valid, (await voucher.VerifyAsync(TestData.InstitutionB)).Verdict);
    }

    [Fact]
    public async Task ABatchWithoutAnInstitutionListAcceptsAnyInstitution()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now) with { EligibleInstitutionIds = [] });
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));

        var used = await Grains.GetGrain<IVoucherGrain>(code).UseAsync(TestData.OtherInstitution);

        Assert.Equal(VoucherCommandStatus.Done, used.Status);
        Assert.Equal(TestData.OtherInstitution, (await Grains.VoucherAsync(code)).InstitutionId);
        Assert.Equal(1, (await Grains.CountersAsync(batchId)).Used);
    }

    [Fact]
    public async Task AReturnedVoucherGivesItsStockBackAndItsHolderMayClaimAgain()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var ledger = Grains.GetGrain<IPersonLedgerGrain>(person);
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, person));
        Assert.Equal(9, (await Grains.CountersAsync(batchId)).Remaining);

        var returned = await ledger.ReturnAsync(code, TestData.ChannelA);

        Assert.Equal(VoucherCommandStatus.Done, returned.Status);
        Assert.Equal(VoucherStatus.Returned, returned.Voucher!.Status);
        var verified = await Grains.GetGrain<IVoucherGrain>(code).VerifyAsync(TestData.InstitutionA);
        Assert.Equal(VerifyVerdict.Returned, verified.Verdict);
        var used = await Grains.GetGrain<IVoucherGrain>(code).UseAsync(TestData.InstitutionA);
        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.Returned), (used.Status, used.Verdict));
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((0, 1, 10, 0m), (counters.Claimed, counters.Returned, counters.Remaining, counters.FundsCommitted));

        // A retried return answers as the first did and gives back nothing more.
        var retried = await ledger.ReturnAsync(code, TestData.ChannelA);
        Assert.Equal((VoucherCommandStatus.Done, VerifyVerdict.Returned), (retried.Status, retried.Verdict));
        Assert.Equal(1, (await Grains.CountersAsync(batchId)).Returned);

        var second = await Grains.ClaimCodeAsync(TestData.Claim(batchId, person));

        Assert.NotEqual(code, second);
        var wallet = await ledger.GetWalletAsync(TestData.ChannelA);
        Assert.Equal(2, wallet.Length);
        Assert.Equal(VoucherStatus.Returned, Assert.Single(wallet, v => v.Code == code).Status);
        Assert.Equal(VoucherStatus.Claimed, Assert.Single(wallet, v => v.Code == second).Status);
        counters = await Grains.CountersAsync(batchId);
        Assert.Equal((1, 1, 9), (counters.Claimed, counters.Returned, counters.Remaining));
    }

    [Fact]
    public async Task AUsedVoucherCannotBeReturned()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var person = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, person));
        await Grains.GetGrain<IVoucherGrain>(code).UseAsync(TestData.InstitutionA);

        var returned = await Grains.GetGrain<IPersonLedgerGrain>(person).ReturnAsync(code, TestData.ChannelA);

        Assert.Equal((VoucherCommandStatus.Rejected, VerifyVerdict.AlreadyUsed), (returned.Status, returned.Verdict));
        Assert.Equal(VoucherStatus.Used, (await Grains.VoucherAsync(code)).Status);
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((1, 0, 9), (counters.Claimed, counters.Returned, counters.Remaining));
    }

    [Fact]
    public async Task SomebodyElseCannotReturnAVoucher()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));

        var byLedger = await Grains.GetGrain<IPersonLedgerGrain>(TestData.NewPersonKey()).ReturnAsync(code, TestData.ChannelA);
        var byVoucher = await Grains.GetGrain<IVoucherGrain>(code).ReturnAsync(new HolderAccess(TestData.NewPersonKey(), TestData.ChannelA));

        Assert.Equal(VoucherCommandStatus.NotFound, byLedger.Status);
        Assert.Equal(VoucherCommandStatus.NotFound, byVoucher.Status);
        Assert.Equal(VoucherStatus.Claimed, (await Grains.VoucherAsync(code)).Status);
        Assert.Equal(0, (await Grains.CountersAsync(batchId)).Returned);
    }

    [Fact]
    public async Task ARejectedSubsidyLineReleasesTheVoucherAndIsNotPaid()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var approved = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var rejected = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        var unused = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        await Grains.GetGrain<IVoucherGrain>(approved).UseAsync(TestData.InstitutionA);
        await Grains.GetGrain<IVoucherGrain>(rejected).UseAsync(TestData.InstitutionA);
        var application = Grains.GetGrain<ISubsidyApplicationGrain>($"app-{Guid.NewGuid():N}");

        var submitted = await application.SubmitAsync(TestData.InstitutionA, batchId, "4403", [approved, rejected, unused]);
        Assert.Equal(SubsidyLineStatus.Refused, Assert.Single(submitted.Application!.Lines, l => l.Code == unused).Status);
        Assert.Equal(SubsidyCommandStatus.InvalidState, (await application.DisburseAsync()).Status);
        await application.ReviewAsync([new SubsidyDecision(approved, true, null), new SubsidyDecision(rejected, false, "no attendance record")]);
        var disbursed = await application.DisburseAsync();

        Assert.Equal(TestData.Subsidy, disbursed.Application!.ApprovedAmount);
        Assert.Equal(VoucherStatus.Redeemed, (await Grains.VoucherAsync(approved)).Status);
        Assert.Equal(VoucherStatus.Used, (await Grains.VoucherAsync(rejected)).Status);
        Assert.Equal(VoucherStatus.Claimed, (await Grains.VoucherAsync(unused)).Status);
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((3, 2, 1, TestData.Subsidy), (counters.Claimed, counters.Used, counters.Redeemed, counters.FundsDisbursed));
    }
    [Fact]
    public async Task ARejectedSubsidyLineCannotBeApprovedLaterSoItsVoucherIsPaidOnlyOnce()
    {
        var batchId = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var code = await Grains.ClaimCodeAsync(TestData.Claim(batchId, TestData.NewPersonKey()));
        await Grains.GetGrain<IVoucherGrain>(code).UseAsync(TestData.InstitutionA);
        var first = Grains.GetGrain<ISubsidyApplicationGrain>($"app-{Guid.NewGuid():N}");
        var second = Grains.GetGrain<ISubsidyApplicationGrain>($"app-{Guid.NewGuid():N}");
        await first.SubmitAsync(TestData.InstitutionA, batchId, "4403", [code]);
        await first.ReviewAsync([new SubsidyDecision(code, false, "no attendance record")]);
        var retriedRejection = await first.ReviewAsync([new SubsidyDecision(code, false, "no attendance record")]);
        // The released voucher is applied for again, in a second application.
        var resubmitted = await second.SubmitAsync(TestData.InstitutionA, batchId, "4403", [code]);
        Assert.Equal(SubsidyLineStatus.Pending, Assert.Single(resubmitted.Application!.Lines).Status);

        var changedMind = await first.ReviewAsync([new SubsidyDecision(code, true, null)]);
        var firstPaid = await first.DisburseAsync();
        await second.ReviewAsync([new SubsidyDecision(code, true, null)]);
        var retriedApproval = await second.ReviewAsync([new SubsidyDecision(code, true, null)]);
        var secondPaid = await second.DisburseAsync();

        Assert.Equal(SubsidyCommandStatus.UnknownLine, changedMind.Status);
        Assert.Equal(SubsidyCommandStatus.Done, retriedRejection.Status);
        Assert.Equal(SubsidyCommandStatus.Done, retriedApproval.Status);
        Assert.Equal(SubsidyLineStatus.Rejected, Assert.Single(firstPaid.Application!.Lines).Status);
        Assert.Equal(0m, firstPaid.Application.ApprovedAmount);
        Assert.Equal(TestData.Subsidy, secondPaid.Application!.ApprovedAmount);
        var voucher = await Grains.VoucherAsync(code);
        Assert.Equal((VoucherStatus.Redeemed, second.GetPrimaryKeyString()), (voucher.Status, voucher.ApplicationId));
        var counters = await Grains.CountersAsync(batchId);
        Assert.Equal((1, TestData.Subsidy), (counters.Redeemed, counters.FundsDisbursed));
    }
}
