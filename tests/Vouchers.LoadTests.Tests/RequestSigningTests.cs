using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vouchers.Http.Signing;
using Vouchers.LoadTests.Scenarios;
using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Tests;

/// <summary>
/// The runner signs channel requests as an outside client implementing docs/API.md would; these tests check its
/// signatures with the code the gateway verifies them with (Vouchers.Http), over both of its transports.
/// </summary>
public sealed class RequestSigningTests
{
    private const string KeyId = "sign-test-channel";
    private const string Secret = "a-test-secret-of-the-channel-1234567890ab";

    [Fact]
    public async Task SignedRequestsOfBothTransportsVerifyWithThePublishedSignatureAndEachHasANewNonce()
    {
        await using var app = await StartVerifierAsync();
        var target = new Uri(app.Urls.Single());
        var credential = new SigningKeyCredential(KeyId, Secret);
        using var lean = new Http1Client(target);
        using var pooled = new HttpTransport(target, new SocketsHttpHandler());
        var body = Encoding.UTF8.GetBytes("{\"idNumber\":\"440305199003072319\",\"name\":\"张三丰\"}");

        var answers = new List<ApiResponse>
        {
            await lean.SendAsync("POST", "/api/v1/channel/claims?x=1", credential, body, CancellationToken.None),
            await lean.SendAsync("GET", "/api/v1/channel/batches", credential, null, CancellationToken.None),
            await pooled.SendAsync(HttpMethod.Post, "/api/v1/channel/claims", credential, body, CancellationToken.None),
            await pooled.SendAsync(HttpMethod.Get, "api/v1/channel/batches?page=2", credential, null, CancellationToken.None),
        };

        Assert.All(answers, a => Assert.True(a.Status == 200, Encoding.UTF8.GetString(a.Body)));
        Assert.Equal(answers.Count, answers.Select(a => a.Json.GetProperty("nonce").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task AWrongSecretDoesNotVerify()
    {
        await using var app = await StartVerifierAsync();
        using var lean = new Http1Client(new Uri(app.Urls.Single()));

        var r = await lean.SendAsync("GET", "/api/v1/channel/batches", new SigningKeyCredential(KeyId, Secret + "x"), null, CancellationToken.None);

        Assert.Equal(401, r.Status);
    }

    [Fact]
    public void TheDefaultChannelSecretIsTheOneTheZeroSetupGatewayDerivesForItsDemoSigningKey()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Gateway", "appsettings.json")));
        var master = settings.RootElement.GetProperty("Security").GetProperty("SigningMasterSecret").GetString()!;

        Assert.Equal(Credentials.DemoChannelSecret, SigningSecrets.Derive(Encoding.UTF8.GetBytes(master), Credentials.DemoChannelKeyId));
        Assert.Equal(new SigningKeyCredential(Credentials.DemoChannelKeyId, Credentials.DemoChannelSecret), Credentials.Demo.Channel);
    }

    [Fact]
    public void SigningARequestAllocatesNothing()
    {
        var credential = new SigningKeyCredential(KeyId, Secret);
        var body = new byte[300];
        var header = new byte[credential.MaxHeaderBytes(30)];
        credential.WriteHeader(header, "POST", "/api/v1/channel/claims", body);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            credential.WriteHeader(header, "POST", "/api/v1/channel/claims", body);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>A server that answers 200 with the nonce when the request's signature verifies under <see cref="Secret"/>, else 401.</summary>
    private static async Task<WebApplication> StartVerifierAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(async context =>
        {
            var request = context.Request;
            var hash = new byte[32];
            await RequestSignature.HashBodyAsync(request, 64 * 1024, hash);
            var signature = new byte[RequestSignature.SignatureBytes];
            var valid = RequestSignature.TryParse(request.Headers.Authorization.ToString(), out var parsed, out _)
                && parsed.KeyIdString() == KeyId
                && RequestSignature.IsFresh(parsed.Timestamp, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))
                && parsed.TryDecodeSignature(signature)
                && RequestSignature.Verify(SigningSecrets.HmacKey(Secret), request.Method, RequestSignature.PathAndQueryOf(request), parsed.Timestamp,
                    parsed.Nonce, hash, signature);
            context.Response.StatusCode = valid ? 200 : 401;
            await context.Response.WriteAsJsonAsync(new { nonce = valid ? parsed.Nonce.ToString() : null });
        });
        await app.StartAsync();
        return app;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vouchers.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Vouchers.slnx above the test assembly.");
    }
}
