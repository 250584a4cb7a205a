using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class EnrolmentRulesTests
{
    private const string School = "sz-skills-school";
    private const string OtherSchool = "gz-tech-college";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnEmptyWalletEnrolsNobody()
    {
        Assert.Null(EnrolmentRules.Find([], School));
    }

    [Fact]
    public void AVoucherUsedAtTheInstitutionIsTheEnrolledOneWithItsMaskedHolderBatchAndChannel()
    {
        var used = Voucher("AAAA", VoucherStatus.Used, School, Now.AddDays(-3));

        var enrolled = EnrolmentRules.Find([used], School);

        Assert.Equal(new EnrolledVoucher("AAAA", used.HolderName, used.HolderIdNumber, used.BatchId, used.ChannelId), enrolled);
    }

    [Theory]
    [InlineData(VoucherStatus.Claimed)]
    [InlineData(VoucherStatus.Expired)]
    [InlineData(VoucherStatus.Returned)]
    [InlineData(VoucherStatus.Redeemed)]
    public void AVoucherNotInUseAtTheInstitutionEnrolsNobody(VoucherStatus status)
    {
        var voucher = Voucher("AAAA", status, status is VoucherStatus.Redeemed ? School : null, status is VoucherStatus.Redeemed ? Now : null);

        Assert.Null(EnrolmentRules.Find([voucher], School));
    }

    [Fact]
    public void AVoucherWhoseSubsidyIsAppliedForStillEnrols()
    {
        var applied = Voucher("AAAA", VoucherStatus.SubsidyApplied, School, Now.AddDays(-20));

        Assert.Equal("AAAA", EnrolmentRules.Find([applied], School)?.Code);
    }

    [Fact]
    public void AVoucherUsedAtAnotherInstitutionEnrolsNobodyHere()
    {
        var elsewhere = Voucher("AAAA", VoucherStatus.Used, OtherSchool, Now.AddDays(-1));

        Assert.Null(EnrolmentRules.Find([elsewhere], School));
        Assert.Equal("AAAA", EnrolmentRules.Find([elsewhere], OtherSchool)?.Code);
    }

    [Fact]
    public void OfSeveralVouchersInUseTheOneUsedLastIsChosen()
    {
        VoucherView[] wallet =
        [
            Voucher("AAAA", VoucherStatus.Used, School, Now.AddDays(-30)),
            Voucher("BBBB", VoucherStatus.SubsidyApplied, School, Now.AddDays(-2)),
            Voucher("CCCC", VoucherStatus.Used, OtherSchool, Now.AddDays(-1)),
            Voucher("DDDD", VoucherStatus.Claimed, null, null),
            Voucher("EEEE", VoucherStatus.Expired, null, null),
        ];

        Assert.Equal("BBBB", EnrolmentRules.Find(wallet, School)?.Code);
    }

    [Fact]
    public void ANamedVoucherIsChosenOnlyWhenItIsInUseAtTheInstitution()
    {
        VoucherView[] wallet =
        [
            Voucher("AAAA", VoucherStatus.Used, School, Now.AddDays(-30)),
            Voucher("BBBB", VoucherStatus.Used, School, Now.AddDays(-2)),
            Voucher("CCCC", VoucherStatus.Used, OtherSchool, Now.AddDays(-1)),
            Voucher("EEEE", VoucherStatus.Expired, null, null),
        ];

        Assert.Equal("AAAA", EnrolmentRules.Find(wallet, School, "AAAA")?.Code);
        Assert.Null(EnrolmentRules.Find(wallet, School, "CCCC"));
        Assert.Null(EnrolmentRules.Find(wallet, School, "EEEE"));
        Assert.Null(EnrolmentRules.Find(wallet, School, "ZZZZ"));
    }

    private static VoucherView Voucher(string code, VoucherStatus status, string? institutionId, DateTimeOffset? usedAt) =>
        new(code, "batch-1", "electrician-basic", status, "张**", "4403**********2319", 1500m, Now.AddDays(-60), Now.AddDays(30),
            "national-app", institutionId, usedAt, ApplicationId: null);
}
