using System.Net;
using System.Net.Http.Json;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>A gateway that admits one claim at a time and queues none.</summary>
public sealed class OneClaimAtATimeGatewayFactory : GatewayFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Overload:MaxConcurrentClaims"] = "1",
        ["Overload:ClaimQueueLimit"] = "0",
        ["Overload:RetryAfterSeconds"] = "2",
    };
}

/// <summary>Claims beyond the admission limit are refused at once with 503 and Retry-After, and leave nothing behind.</summary>
public sealed class OverloadTests(OneClaimAtATimeGatewayFactory gateway) : IClassFixture<OneClaimAtATimeGatewayFactory>
{
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);

    [Fact]
    public async Task ClaimsBeyondTheAdmissionLimitAreRefusedFastWithRetryAfterAndWriteNothing()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch(quantity: 1000));
        var people = Enumerable.Range(0, 100).Select(_ => TestPerson.New()).ToList();

        var responses = await Task.WhenAll(people.Select(p => channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(p, batch.Id))));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.NotEmpty(refused);
        Assert.Equal(people.Count, refused.Count + accepted);
        foreach (var response in refused)
        {
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("urn:vouchers:problem:unavailable", problem.GetProperty("type").GetString());
        }

        // A refused claim wrote nothing: the counter holds exactly the accepted ones, and refused people hold no voucher.
        Assert.Equal(accepted, (await admin.GetBatchAsync(batch.Id)).Counters.Claimed);
        var refusedPeople = people.Where((_, i) => responses[i].StatusCode == HttpStatusCode.ServiceUnavailable).Take(5);
        foreach (var person in refusedPeople)
        {
            var wallet = await channel.PostAsJsonAsync("/api/v1/channel/wallet", VoucherApi.Wallet(person), VoucherApi.Json);
            var body = await wallet.Content.ReadFromJsonAsync<WalletResponse>(VoucherApi.Json);
            Assert.Empty(body!.Vouchers);
        }

        // Once the burst is over, a retry of a refused claim goes through.
        var retried = await channel.PostJsonAsync("/api/v1/channel/claims", VoucherApi.Claim(refusedPeople.First(), batch.Id));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }
}
