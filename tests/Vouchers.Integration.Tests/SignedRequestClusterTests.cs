using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vouchers.Http.Signing;
using Vouchers.Integration.Tests.Infrastructure;
using Vouchers.Testing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Integration.Tests;

/// <summary>
/// Channel request signing in cluster mode: a channel's API key is refused, a nonce is accepted once across gateways
/// (the nonce store is the cluster's, not a gateway's), and a request accepted just before its silo was killed is not
/// accepted again by the restarted cluster.
/// </summary>
public sealed class SignedRequestClusterTests : IAsyncLifetime
{
    private const string Path = "/api/v1/channel/batches";

    private VoucherCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await VoucherCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public Task AChannelApiKeyIsRefusedAndTheSameSignedRequestIsAcceptedByOnlyOneOfTwoGateways() => cluster.RunAsync(async () =>
    {
        var (one, two) = (cluster.CreateGateway(), cluster.CreateGateway());
        await cluster.WaitUntilReadyAsync(one);
        await cluster.WaitUntilReadyAsync(two);

        var apiKey = await one.ApiKeyClientFor(Demo.ChannelNationalApp).GetAsync(Path);
        var problem = await VoucherApi.ProblemAsync(apiKey, HttpStatusCode.Unauthorized);
        Assert.Equal("urn:vouchers:problem:signature-required", problem.GetProperty("type").GetString());
        Assert.Contains("Sign every request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await one.ClientFor(Demo.AdminGuangdong).GetAsync("/api/v1/admin/batches")).StatusCode);
        // The document says so too: a cluster's channel routes take a signature only.
        using (var document = JsonDocument.Parse(await one.CreateClient().GetStringAsync("/openapi/v1.json")))
        {
            var security = document.RootElement.GetProperty("paths").GetProperty("/api/v1/channel/claims").GetProperty("post").GetProperty("security");
            Assert.Equal("Signature", security.EnumerateArray().Single().EnumerateObject().Single().Name);
        }


        var header = Sign(one);
        Assert.Equal(HttpStatusCode.OK, (await Send(one, header)).StatusCode);
        await ReplayedAsync(await Send(two, header), "nonce-replayed");
        Assert.Equal(HttpStatusCode.OK, (await Send(two, Sign(two))).StatusCode);
    });

    [Fact]
    public Task ARequestAcceptedBeforeTheSiloWasKilledIsNotAcceptedAgainAfterItsRestart() => cluster.RunAsync(async () =>
    {
        var gateway = cluster.CreateGateway();
        await cluster.WaitUntilReadyAsync(gateway);
        var header = Sign(gateway);
        Assert.Equal(HttpStatusCode.OK, (await Send(gateway, header)).StatusCode);

        cluster.KillSilo();
        await cluster.StartSiloAsync();
        await cluster.WaitUntilReadyAsync(gateway);

        await ReplayedAsync(await Send(gateway, header), "signature-stale");
        // The channel signs again (a new timestamp and nonce) and goes on: at once, or, on the shard that saw the first
        // request, once the signing time passes the lost activation's horizon (at most a few seconds).
        var last = HttpStatusCode.Unauthorized;
        await Poll.UntilAsync(async () => (last = (await Send(gateway, Sign(gateway))).StatusCode) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), () => $"a newly signed request to be accepted (last: {(int)last})");
    });

    private static string Sign(ClusterGatewayFactory gateway) => RequestSignature.Sign(
        Demo.SignNationalApp, SigningSecrets.HmacKey(gateway.SigningSecret(Demo.SignNationalApp)), "GET", Path,
        DateTimeOffset.UtcNow.ToUnixTimeSeconds(), RequestSignature.NewNonce(), []);

    private static Task<HttpResponseMessage> Send(ClusterGatewayFactory gateway, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return gateway.AnonymousClient().SendAsync(request);
    }

    private static async Task ReplayedAsync(HttpResponseMessage response, string code)
    {
        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("urn:vouchers:problem:" + code, problem.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, problem.GetProperty("detail").ValueKind);
    }
}
