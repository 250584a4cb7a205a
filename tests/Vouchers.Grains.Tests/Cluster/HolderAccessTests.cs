using Vouchers.Contracts;
using Vouchers.Grains.Tests.Infrastructure;

namespace Vouchers.Grains.Tests.Cluster;

/// <summary>
/// After the claim, the person's ledger and the voucher answer a channel only for the voucher's holder and only on a
/// batch that enables the channel; otherwise exactly as for a voucher that does not exist, and nothing changes.
/// </summary>
[Collection(GrainCluster.Name)]
public sealed class HolderAccessTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    private DateTimeOffset Now => fixture.Time.GetUtcNow();

    [Fact]
    public async Task AChannelTheBatchDoesNotEnableSeesNoVoucherAndCanNeitherReturnNorUseIt()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now) with { EnabledChannelIds = [TestData.ChannelA] });
        var person = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(id, person, channelId: TestData.ChannelA));
        var ledger = Grains.GetGrain<IPersonLedgerGrain>(person);
        var voucher = Grains.GetGrain<IVoucherGrain>(code);
        var online = new VoucherUse(TestData.InstitutionA, UseMode.Online, TestData.ChannelB);

        var wallet = await ledger.GetWalletAsync(TestData.ChannelB);
        var view = await voucher.GetForHolderAsync(new HolderAccess(person, TestData.ChannelB));
        var returned = await ledger.ReturnAsync(code, TestData.ChannelB);
        var used = await ledger.UseAsync(code, TestData.ChannelB, online);

        Assert.Empty(wallet);
        Assert.Null(view);
        Assert.Equal((VoucherCommandStatus.NotFound, VerifyVerdict.Unknown, null), (returned.Status, returned.Verdict, returned.Voucher));
        Assert.Equal((VoucherCommandStatus.NotFound, VerifyVerdict.Unknown, null), (used.Status, used.Verdict, used.Voucher));
        Assert.Equal(VoucherStatus.Claimed, (await Grains.VoucherAsync(code)).Status);
        Assert.Equal((1, 0), ((await Grains.CountersAsync(id)).Claimed, (await Grains.CountersAsync(id)).Returned));

        // The enabled channel acts for the holder.
        Assert.Equal(code, Assert.Single(await ledger.GetWalletAsync(TestData.ChannelA)).Code);
        Assert.Equal(code, (await voucher.GetForHolderAsync(new HolderAccess(person, TestData.ChannelA)))?.Code);
        Assert.Equal(VoucherCommandStatus.Done, (await ledger.ReturnAsync(code, TestData.ChannelA)).Status);
    }

    [Fact]
    public async Task AnotherPersonGetsNothingThroughAnyChannel()
    {
        var id = await Grains.CreateBatchAsync(TestData.Batch(Now));
        var holder = TestData.NewPersonKey();
        var stranger = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(id, holder));

        Assert.Null(await Grains.GetGrain<IVoucherGrain>(code).GetForHolderAsync(new HolderAccess(stranger, TestData.ChannelA)));
        Assert.Equal(VoucherCommandStatus.NotFound, (await Grains.GetGrain<IVoucherGrain>(code).ReturnAsync(new HolderAccess(stranger, TestData.ChannelA))).Status);
        Assert.Null(await Grains.GetGrain<IVoucherGrain>(VoucherCodeOfNobody()).GetForHolderAsync(new HolderAccess(holder, TestData.ChannelA)));
        Assert.Equal(VoucherStatus.Claimed, (await Grains.VoucherAsync(code)).Status);
    }

    [Fact]
    public async Task TakingTheChannelOffTheBatchTakesItsVouchersOutOfTheChannelsReach()
    {
        var definition = TestData.Batch(Now) with { EnabledChannelIds = [TestData.ChannelA, TestData.ChannelB] };
        var id = await Grains.CreateBatchAsync(definition);
        var person = TestData.NewPersonKey();
        var code = await Grains.ClaimCodeAsync(TestData.Claim(id, person, channelId: TestData.ChannelB));
        var ledger = Grains.GetGrain<IPersonLedgerGrain>(person);
        Assert.Single(await ledger.GetWalletAsync(TestData.ChannelB));

        Assert.Equal(BatchCommandStatus.Done, (await Grains.GetGrain<IBatchGrain>(id).UpdateAsync(definition with { EnabledChannelIds = [TestData.ChannelA] })).Status);

        Assert.Empty(await ledger.GetWalletAsync(TestData.ChannelB));
        Assert.Equal(VoucherCommandStatus.NotFound, (await ledger.ReturnAsync(code, TestData.ChannelB)).Status);
        Assert.Single(await ledger.GetWalletAsync(TestData.ChannelA));
    }

    private static string VoucherCodeOfNobody() => Vouchers.Domain.VoucherCode.New();
}
