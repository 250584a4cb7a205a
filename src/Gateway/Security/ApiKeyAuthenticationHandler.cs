using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Authenticates the X-Api-Key header against the principal registry, through the gateway's <see cref="CallerCache"/>:
/// a key seen lately is checked without a grain call or an allocation of its own. A channel's API key is accepted only
/// in the zero-setup mode (<see cref="RequestSigningOptions.AcceptChannelApiKeys"/>); elsewhere channels sign. Every
/// refusal is logged and counted by <see cref="FailedAuthentications"/>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CallerCache callers,
    IOptions<RequestSigningOptions> signing,
    FailedAuthentications failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
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
            return Task.FromResult(Refuse(CredentialRefusal.ApiKeyInvalid("The API key is malformed; it reads {keyId}.{secret}."), default));
        }

        return callers.TryGet(key.AsSpan(keyId), out var caller)
            ? Task.FromResult(Check(caller, key.AsSpan(keyId), key.AsSpan(secret)))
            : LoadAndCheckAsync(key![keyId], key[secret]);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if ((await HandleAuthenticateOnceSafeAsync()).Failure is CredentialRefusal refusal)
        {
            await refusal.WriteAsync(Context);
            return;
        }

        // No credential at all: either kind of caller may be asking.
        Response.Headers.WWWAuthenticate = new([CredentialRefusal.ApiKeyChallenge, CredentialRefusal.SignatureChallenge]);
        await base.HandleChallengeAsync(properties);
    }

    private async Task<AuthenticateResult> LoadAndCheckAsync(string keyId, string secret) =>
        Check(await callers.LoadAsync(keyId), keyId, secret);

    private AuthenticateResult Check(Caller caller, ReadOnlySpan<char> keyId, ReadOnlySpan<char> secret)
    {
        if (!caller.Admits(secret))
        {
            return Refuse(CredentialRefusal.ApiKeyInvalid("The API key is not valid."), keyId);
        }

        if (caller.Principal!.Role == PrincipalRole.Channel && !signing.Value.AcceptChannelApiKeys)
        {
            return Refuse(CredentialRefusal.SignatureRequired(), keyId);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(caller.User, SchemeName));
    }

    private AuthenticateResult Refuse(CredentialRefusal refusal, ReadOnlySpan<char> keyId)
    {
        failures.Record(Context, refusal, keyId);
        return AuthenticateResult.Fail(refusal);
    }
}
