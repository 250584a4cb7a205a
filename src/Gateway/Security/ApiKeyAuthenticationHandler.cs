using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Authenticates the X-Api-Key header against the principal registry, through the gateway's <see cref="CallerCache"/>:
/// a key seen lately is checked without a grain call or an allocation of its own.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CallerCache callers) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeys.HeaderName, out var values) || values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var key = values[0];
        if (!ApiKeys.TrySplit(key, out var keyId, out var secret))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is malformed."));
        }

        return callers.TryGet(key.AsSpan(keyId), out var caller)
            ? Task.FromResult(Check(caller, key.AsSpan(secret)))
            : LoadAndCheckAsync(key![keyId], key[secret]);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{ApiKeys.HeaderName}\"";
        return base.HandleChallengeAsync(properties);
    }

    private async Task<AuthenticateResult> LoadAndCheckAsync(string keyId, string secret) =>
        Check(await callers.LoadAsync(keyId), secret);

    private static AuthenticateResult Check(Caller caller, ReadOnlySpan<char> secret) =>
        caller.Admits(secret)
            ? AuthenticateResult.Success(new AuthenticationTicket(caller.User, SchemeName))
            : AuthenticateResult.Fail("The API key is not valid.");
}
