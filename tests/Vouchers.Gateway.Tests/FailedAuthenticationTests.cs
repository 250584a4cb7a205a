using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vouchers.Gateway.Security;
using Vouchers.Http.Signing;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>
/// The gateway with the failed-authentication guard at 3 failures a minute, the client address of each request taken
/// from a test header (a test host has none), and its log lines kept.
/// </summary>
public sealed class FailedAuthenticationGatewayFactory : GatewayFactory
{
    public const string AddressHeader = "X-Test-Client-Address";
    public const int MaxFailures = 3;

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:FailedAuthentications:MaxFailures"] = MaxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Security:FailedAuthentications:Window"] = "00:01:00",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ClientAddressFromHeader()));
        builder.ConfigureLogging(logging => logging.AddProvider(new KeptLogs(Logs)));
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(AddressHeader, out var value) && IPAddress.TryParse(value, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class KeptLogs(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}

/// <summary>Failed authentications are logged with the key id and the client address, never the secret, and throttled per address.</summary>
public sealed class FailedAuthenticationTests(FailedAuthenticationGatewayFactory gateway) : IClassFixture<FailedAuthenticationGatewayFactory>
{
    [Fact]
    public async Task AFailedApiKeyOrSignatureIsLoggedWithTheKeyIdAndTheClientAddressButNotTheSecret()
    {
        var address = "203.0.113.7";
        var wrongKey = await SendAsync(address, "/api/v1/admin/batches", apiKey: "admin-guangdong.wrong-secret-7f3a9c");
        var forged = await SendAsync(address, "/api/v1/channel/batches", authorization: RequestSignature.Sign(
            Demo.SignNationalApp, SigningSecrets.HmacKey("forged-secret-5b1e2d"), "GET", "/api/v1/channel/batches",
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), RequestSignature.NewNonce(), []));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var lines = gateway.Logs.Where(l => l.Contains(address, StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("admin-guangdong", StringComparison.Ordinal) && l.Contains("api-key-invalid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Demo.SignNationalApp, StringComparison.Ordinal) && l.Contains("signature-invalid", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Logs, l => l.Contains("wrong-secret-7f3a9c", StringComparison.Ordinal) || l.Contains("forged-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterTheLimitAnAddressGets429WithRetryAfterBeforeAnyKeyIsLookedUpWhileOtherAddressesGoOn()
    {
        var blocked = "198.51.100.23";
        for (var i = 0; i < FailedAuthenticationGatewayFactory.MaxFailures; i++)
        {
            await VoucherApi.ProblemAsync(await SendAsync(blocked, "/api/v1/admin/batches", apiKey: $"admin-guangdong.guess-{i}"), HttpStatusCode.Unauthorized);
        }

        // The right key, a signed channel request and a key id never seen: all refused before authentication.
        var rightKey = await SendAsync(blocked, "/api/v1/admin/batches", apiKey: Demo.ApiKey(Demo.AdminGuangdong));
        var problem = await VoucherApi.ProblemAsync(rightKey, HttpStatusCode.TooManyRequests);
        Assert.Equal("urn:vouchers:problem:too-many-failed-authentications", problem.GetProperty("type").GetString());
        var retryAfter = rightKey.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), $"Retry-After {retryAfter}");
        var signed = await SendAsync(blocked, "/api/v1/channel/batches", authorization: RequestSignature.Sign(
            Demo.SignNationalApp, SigningSecrets.HmacKey(gateway.SigningSecret(Demo.SignNationalApp)), "GET", "/api/v1/channel/batches",
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), RequestSignature.NewNonce(), []));
        Assert.Equal(HttpStatusCode.TooManyRequests, signed.StatusCode);
        var neverSeen = "admin-never-seen-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(blocked, "/api/v1/admin/batches", apiKey: neverSeen + ".secret")).StatusCode);
        Assert.False(gateway.Services.GetRequiredService<CallerCache>().TryGet(neverSeen, out _), "the key id was looked up");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync("198.51.100.24", "/api/v1/admin/batches", apiKey: Demo.ApiKey(Demo.AdminGuangdong))).StatusCode);
        Assert.Contains(gateway.Logs, l => l.Contains(blocked, StringComparison.Ordinal) && l.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public void RequestsRefusedOnlyBecauseTheNonceStoreRecoveredAreLoggedButNotCounted()
    {
        // After a crash, every request a channel signed before the nonce store came back is refused as stale and
        // signed again: counting those would lock a busy channel's address out right after the crash.
        var failures = gateway.Services.GetRequiredService<FailedAuthentications>();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.77");
        for (var i = 0; i < 10 * FailedAuthenticationGatewayFactory.MaxFailures; i++)
        {
            failures.Record(context, CredentialRefusal.SignatureStale(), Demo.SignNationalApp);
        }

        Assert.Null(failures.RefusedFor(context.Connection.RemoteIpAddress));
        Assert.Contains(gateway.Logs, l => l.Contains("198.51.100.77", StringComparison.Ordinal) && l.Contains("signature-stale", StringComparison.Ordinal));

        for (var i = 0; i < FailedAuthenticationGatewayFactory.MaxFailures; i++)
        {
            failures.Record(context, CredentialRefusal.NonceReplayed(), Demo.SignNationalApp);
        }

        Assert.NotNull(failures.RefusedFor(context.Connection.RemoteIpAddress));
    }

    [Fact]
    public async Task IPv6AddressesAreCountedPerSlash64()
    {
        for (var i = 0; i < FailedAuthenticationGatewayFactory.MaxFailures; i++)
        {
            await SendAsync($"2001:db8:7:1::{i + 1}", "/api/v1/admin/batches", apiKey: $"admin-guangdong.guess-{i}");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync("2001:db8:7:1::ff", "/api/v1/admin/batches", apiKey: Demo.ApiKey(Demo.AdminGuangdong))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("2001:db8:7:2::1", "/api/v1/admin/batches", apiKey: Demo.ApiKey(Demo.AdminGuangdong))).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string address, string path, string? apiKey = null, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(FailedAuthenticationGatewayFactory.AddressHeader, address);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeys.HeaderName, apiKey);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await gateway.AnonymousClient().SendAsync(request);
    }
}
