using System.Net;
using Vouchers.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// The QR route takes a code, so it is guarded like the institution's verifications: a channel asking for codes that
/// name no voucher of the person is refused with 429 once past the limit (5 per minute here), counted per channel.
/// </summary>
public sealed class QrLookupGuardTests(FiveFailedLookupsGatewayFactory gateway) : IClassFixture<FiveFailedLookupsGatewayFactory>
{
    [Fact]
    public async Task AChannelAskingForTooManyQrCodesOfVouchersThePersonDoesNotHoldIsRefusedWith429WhileOthersAreNot()
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var guesser = gateway.ClientFor(Demo.ChannelBankApp);
        var other = gateway.ClientFor(Demo.ChannelNationalApp);
        var school = gateway.ClientFor(Demo.InstitutionSzSkillsSchool);
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch() with { EnabledChannelIds = [] });
        var person = TestPerson.New();
        var voucher = await other.ClaimAsync(person, batch.Id);

        // The holder's own voucher never counts; five codes naming no voucher of the person are within the limit.
        Assert.Equal(HttpStatusCode.OK, (await guesser.PostQrAsync(person, voucher.Code)).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            await VoucherApi.ProblemAsync(await guesser.PostQrAsync(person, VoucherApi.UnknownCode()), HttpStatusCode.NotFound);
        }

        // The sixth failure is still answered; from then on the channel is refused, its holders' own codes included.
        await VoucherApi.ProblemAsync(await guesser.PostQrAsync(person, VoucherApi.UnknownCode()), HttpStatusCode.NotFound);
        var refused = await guesser.PostQrAsync(person, voucher.Code);
        var problem = await VoucherApi.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("urn:vouchers:problem:too-many-failed-lookups", problem.GetProperty("type").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // Another channel, and institutions' verifications, are counted apart.
        Assert.Equal(HttpStatusCode.OK, (await other.PostQrAsync(person, voucher.Code)).StatusCode);
        Assert.Equal(VerifyVerdict.Valid, (await school.VerifyAsync(voucher.Code)).Verdict);
    }
}
