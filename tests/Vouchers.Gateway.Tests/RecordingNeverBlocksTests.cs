using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Grains.Records;
using Vouchers.Testing.Gateway;
using Vouchers.Testing.Stores;

namespace Vouchers.Gateway.Tests;

/// <summary>The zero-setup gateway whose co-hosted silo keeps its records in a <see cref="GatedRecordStore"/>.</summary>
public sealed class GatedRecordStoreGatewayFactory : GatewayFactory
{
    public GatedRecordStore Store { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);

        // The silo shares the web host's services and adds its own store only if none is registered.
        builder.ConfigureTestServices(services => services.AddSingleton<IVerificationRecordStore>(Store));
    }
}

/// <summary>A verification is answered whatever the record store does: its record follows when the store can take it.</summary>
public sealed class RecordingNeverBlocksTests(GatedRecordStoreGatewayFactory gateway) : IClassFixture<GatedRecordStoreGatewayFactory>
{
    private static readonly TimeSpan Answered = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task VerificationsAreAnsweredWhileTheRecordStoreIsStuckAndTheirRecordsFollowOnceItMovesAgain()
    {
        var school = await Institutions.NewAsync(gateway);
        var batch = await gateway.ClientFor(Demo.AdminGuangdong).CreateActiveBatchAsync(VoucherApi.NewBatch() with { EligibleInstitutionIds = [school.Id] });
        var voucher = await gateway.ClientFor(Demo.ChannelNationalApp).ClaimAsync(TestPerson.New(), batch.Id);

        var stuck = gateway.Store.CloseAsync();
        try
        {
            Assert.Equal(VerifyVerdict.Valid, (await school.Client.VerifyAsync(voucher.Code).WaitAsync(Answered)).Verdict);
            await stuck.WaitAsync(Answered); // the first record reached the store, which does not answer

            // While the store holds the writer, verifications are still answered at once.
            var verifications = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => school.Client.VerifyAsync(voucher.Code))).WaitAsync(Answered);
            Assert.All(verifications, v => Assert.Equal(VerifyVerdict.Valid, v.Verdict));
            Assert.Empty((await school.Client.RecordsAsync()).Records);
        }
        finally
        {
            gateway.Store.Open();
        }

        var records = await school.Client.RecordsWhenAsync(21);
        Assert.Equal(21, records.Count);
        Assert.All(records, r => Assert.Equal((RecordKind.Verify, VerifyVerdict.Valid), (r.Kind, r.Result)));
    }
}
