using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vouchers.Contracts;
using Vouchers.Http.Signing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// Channels sign their requests (VOUCHERS-HMAC-SHA256): a request is accepted once, only as signed, only with a fresh
/// timestamp and an active signing key of a channel; every refusal is a 401 problem of its own type with a challenge.
/// </summary>
public sealed class RequestSigningTests(GatewayFactory gateway) : IClassFixture<GatewayFactory>
{
    private readonly HttpClient anonymous = gateway.AnonymousClient();
    private readonly HttpClient admin = gateway.ClientFor(Demo.AdminGuangdong);
    private readonly HttpClient channel = gateway.ClientFor(Demo.ChannelNationalApp);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task TheSameSignedRequestSentTwiceIsRefusedTheSecondTimeAsReplayed()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch());
        var person = TestPerson.New();
        var claim = Sign(HttpMethod.Post, "/api/v1/channel/claims", VoucherApi.Claim(person, batch.Id));

        var first = await VoucherApi.ReadAsync<VoucherView>(await anonymous.SendAsync(claim.ToRequest()), HttpStatusCode.OK);
        var second = await anonymous.SendAsync(claim.ToRequest());

        await RefusedAsync(second, "nonce-replayed");
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        var wallet = await channel.WalletAsync(person);
        Assert.Equal([first.Code], wallet.Vouchers.Select(v => v.Code));
    }

    [Fact]
    public async Task AnAttestationCopiedIntoARequestForAnotherPersonIsRefusedWithoutAValidSignature()
    {
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch());
        var (holder, other) = (TestPerson.New(), TestPerson.New());
        var body = VoucherApi.Claim(holder, batch.Id);
        var signed = Sign(HttpMethod.Post, "/api/v1/channel/claims", body);
        var forOther = body with { IdNumber = other.IdNumber, Name = other.Name, RequestId = VoucherApi.NewRequestId() };

        // The signed header over the holder's body, with the other person's body.
        await RefusedAsync(await anonymous.SendAsync((signed with { Body = Json(forOther) }).ToRequest()), "signature-invalid");
        // Signed by someone who does not have the channel's secret.
        var forged = RequestSignature.Sign(Demo.SignNationalApp, SigningSecrets.HmacKey("guessed-secret"), "POST", "/api/v1/channel/claims", Now,
            RequestSignature.NewNonce(), Json(forOther));
        await RefusedAsync(await anonymous.SendAsync((signed with { Body = Json(forOther), Authorization = forged }).ToRequest()), "signature-invalid");

        Assert.Empty((await channel.WalletAsync(other)).Vouchers);
        Assert.Equal(0, (await admin.GetBatchAsync(batch.Id)).Counters.Claimed);
    }

    [Fact]
    public async Task ASignatureCoversTheMethodAndThePathAndQuery()
    {
        var signed = Sign(HttpMethod.Get, "/api/v1/channel/batches?page=1", null);

        await RefusedAsync(await anonymous.SendAsync((signed with { Path = "/api/v1/channel/batches?page=2" }).ToRequest()), "signature-invalid");
        var signedAsPost = Sign(HttpMethod.Post, "/api/v1/channel/batches?page=1", null);
        await RefusedAsync(await anonymous.SendAsync((signedAsPost with { Method = HttpMethod.Get }).ToRequest()), "signature-invalid");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(signed.ToRequest())).StatusCode);
    }

    [Fact]
    public async Task ASignatureOlderOrNewerThanTheToleranceIsRefusedAsExpired()
    {
        await RefusedAsync(await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, timestamp: Now - 360).ToRequest()), "signature-expired");
        await RefusedAsync(await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, timestamp: Now + 360).ToRequest()), "signature-expired");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, timestamp: Now - 240).ToRequest())).StatusCode);
    }

    [Theory]
    [InlineData("sign-nobody")]
    [InlineData(Demo.ChannelNationalApp)] // an API key's id, not a signing key
    [InlineData(Demo.AdminMinistry)]
    public async Task AKeyIdThatNamesNoSigningKeyIsRefusedAsUnknown(string keyId)
    {
        var response = await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, keyId: keyId).ToRequest());

        await RefusedAsync(response, "key-unknown");
    }

    [Fact]
    public async Task RevokedAndExpiredSigningKeysAreRefusedWhileAnotherActiveKeyOfTheChannelIsAccepted()
    {
        var now = DateTimeOffset.UtcNow;
        var revoked = await NewSigningKeyAsync(p => p with { RevokedAt = now.AddMinutes(-1), RevokedBy = Demo.AdminMinistry });
        var expired = await NewSigningKeyAsync(p => p with { ExpiresAt = now.AddSeconds(-1) });
        var active = await NewSigningKeyAsync(p => p with { ExpiresAt = now.AddDays(1) });

        var revokedAnswer = await RefusedAsync(await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, keyId: revoked).ToRequest()), "key-revoked");
        var expiredAnswer = await RefusedAsync(await anonymous.SendAsync(Sign(HttpMethod.Get, "/api/v1/channel/batches", null, keyId: expired).ToRequest()), "key-revoked");
        Assert.Contains("revoked", revokedAnswer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("expired", expiredAnswer.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var rotated = gateway.SignedClient(active);
        var batch = await admin.CreateActiveBatchAsync(VoucherApi.NewBatch());
        var voucher = await rotated.ClaimAsync(TestPerson.New(), batch.Id);
        Assert.Equal(Demo.NationalApp, voucher.ChannelId);
    }

    [Theory]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"{ts}\",nonce=\"0123456789abcdef\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"{ts}\",nonce=\"short\",signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"{ts}\",nonce=\"0123456789abcdef!\",signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"-{ts}\",nonce=\"0123456789abcdef\",signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"{ts}\",nonce=\"0123456789abcdef\",signature=\"not base64\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",keyId=\"sign-bank-app\",timestamp=\"{ts}\",nonce=\"0123456789abcdef\",signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\";timestamp=\"{ts}\";nonce=\"0123456789abcdef\";signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"Sign National\",timestamp=\"{ts}\",nonce=\"0123456789abcdef\",signature=\"{sig}\"")]
    [InlineData("VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"{ts}\",nonce=\"0123456789abcdef\",signature=\"{sig}\"")]
    public async Task AMalformedOrWrongAuthorizationHeaderIsRefusedAsSignatureInvalid(string header)
    {
        var wrongSignature = Convert.ToBase64String(new byte[RequestSignature.SignatureBytes]);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/channel/batches");
        request.Headers.TryAddWithoutValidation("Authorization", header.Replace("{ts}", Now.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{sig}", wrongSignature, StringComparison.Ordinal));

        await RefusedAsync(await anonymous.SendAsync(request), "signature-invalid");
    }

    [Fact]
    public void TheWorkedExampleOfTheApiDocsSignsAsDocumented()
    {
        const string body = "{\"idNumber\":\"440305199003072319\"}";
        var secret = gateway.SigningSecret(Demo.SignNationalApp);

        Assert.Equal("4XaKc32tmpkgYepsqpPbTwy4FwzhaNlQvcpOaOzefRs", secret);
        Assert.Equal(
            "POST\n/api/v1/channel/wallet\n1796371200\n5K8vQ2mX9pLr4TzA\nee3294cf35b63d3b1f2a82521148b863ea6c470649e4af4318d58ebf5eb1368c\n",
            RequestSignature.CanonicalString("POST", "/api/v1/channel/wallet", 1796371200, "5K8vQ2mX9pLr4TzA", System.Text.Encoding.UTF8.GetBytes(body)));
        Assert.Equal(
            "VOUCHERS-HMAC-SHA256 keyId=\"sign-national-app\",timestamp=\"1796371200\",nonce=\"5K8vQ2mX9pLr4TzA\",signature=\"Yh4iuLv/wC17LzQ7bn6lv9r5bCMOKZy/tfNy0v65Mcs=\"",
            RequestSignature.Sign(Demo.SignNationalApp, SigningSecrets.HmacKey(secret), "POST", "/api/v1/channel/wallet", 1796371200, "5K8vQ2mX9pLr4TzA",
                System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task AChannelsApiKeyStillWorksInTheZeroSetupDemo()
    {
        var response = await gateway.ApiKeyClientFor(Demo.ChannelNationalApp).GetAsync("/api/v1/channel/batches");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnUnauthenticatedRequestIsChallengedForBothSchemes()
    {
        var response = await anonymous.GetAsync("/api/v1/channel/batches");

        await VoucherApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("ApiKey", challenges);
        Assert.Contains(RequestSignature.Scheme, challenges);
    }

    private async Task<string> NewSigningKeyAsync(Func<Principal, Principal> shape)
    {
        var keyId = "sign-test-" + Guid.NewGuid().ToString("N")[..12];
        var principal = shape(new Principal(keyId, PrincipalRole.Channel, Demo.NationalApp, "test signing key", "")
        {
            Kind = CredentialKind.SigningKey,
            IssuedBy = Demo.AdminMinistry,
            IssuedAt = DateTimeOffset.UtcNow.AddDays(-1),
        });
        Assert.True(await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IRegistryGrain<Principal>>(keyId).CreateAsync(principal));
        return keyId;
    }

    private SignedRequest Sign(HttpMethod method, string path, object? body, string keyId = Demo.SignNationalApp, long? timestamp = null)
    {
        var bytes = body is null ? [] : Json(body);
        var secret = keyId.StartsWith("sign-", StringComparison.Ordinal) ? gateway.SigningSecret(keyId) : "not-a-signing-key";
        var header = RequestSignature.Sign(keyId, SigningSecrets.HmacKey(secret), method.Method, path, timestamp ?? Now, RequestSignature.NewNonce(), bytes);
        return new SignedRequest(method, path, bytes, header);
    }

    private static byte[] Json(object body) => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), VoucherApi.Json);

    /// <summary>Asserts a 401 problem of type <c>urn:vouchers:problem:{code}</c> with a signature challenge naming the error.</summary>
    private static async Task<JsonElement> RefusedAsync(HttpResponseMessage response, string code)
    {
        var problem = await VoucherApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("urn:vouchers:problem:" + code, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Contains(response.Headers.WwwAuthenticate, h =>
            h.Scheme == RequestSignature.Scheme && h.Parameter is { } p && p.Contains($"error=\"{code}\"", StringComparison.Ordinal));
        return problem;
    }

    private sealed record SignedRequest(HttpMethod Method, string Path, byte[] Body, string Authorization)
    {
        public HttpRequestMessage ToRequest()
        {
            var request = new HttpRequestMessage(Method, Path);
            if (Body.Length > 0)
            {
                request.Content = new ByteArrayContent(Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            }

            request.Headers.TryAddWithoutValidation("Authorization", Authorization);
            return request;
        }
    }
}
