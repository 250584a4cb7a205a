using System.Net;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>No API answer may be kept by a cache: successes, problems, 401 and 403 alike carry Cache-Control: no-store.</summary>
public sealed class NoStoreTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    public static TheoryData<string, string, string?, string?, HttpStatusCode> Requests => new()
    {
        { "GET", $"/api/v1/admin/batches/{Demo.BatchId}", Demo.AdminGuangdong, null, HttpStatusCode.OK },
        { "GET", "/api/v1/channel/batches", Demo.ChannelNationalApp, null, HttpStatusCode.OK },
        { "GET", "/api/v1/admin/batches/no-such-batch", Demo.AdminGuangdong, null, HttpStatusCode.NotFound },
        { "POST", "/api/v1/channel/claims", Demo.ChannelNationalApp, "{}", HttpStatusCode.BadRequest },
        { "POST", "/api/v1/channel/claims", Demo.ChannelNationalApp, "{\"requestId\": ", HttpStatusCode.BadRequest },
        { "GET", $"/api/v1/admin/batches/{Demo.BatchId}", null, null, HttpStatusCode.Unauthorized },
        { "GET", $"/api/v1/admin/batches/{Demo.BatchId}", Demo.ChannelNationalApp, null, HttpStatusCode.Forbidden },
        { "GET", "/api/v1/no-such-route", Demo.AdminGuangdong, null, HttpStatusCode.NotFound },
        { "DELETE", $"/api/v1/admin/batches/{Demo.BatchId}", Demo.AdminGuangdong, null, HttpStatusCode.MethodNotAllowed },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task EveryApiAnswerSaysNoStore(string method, string path, string? keyId, string? json, HttpStatusCode expected)
    {
        using var client = keyId is null ? gateway.CreateClient() : gateway.ClientFor(keyId);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{method} {path} -> {(int)response.StatusCode}: Cache-Control '{response.Headers.CacheControl}'");
    }
}
