using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;

namespace Vouchers.Gateway.Security;

/// <summary>Authenticates the X-Api-Key header against the principal registry (cached briefly per gateway).</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    IMemoryCache cache,
    IOptions<VoucherSecurityOptions> security) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeys.HeaderName, out var values) || values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeys.TrySplit(values[0], out var keyId, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var principal = await cache.GetOrCreateAsync(("principal", keyId), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = security.Value.PrincipalCacheDuration;
            return grains.Grain<IRegistryGrain<Principal>>(keyId).GetAsync();
        });

        if (principal is null || !ApiKeys.Matches(secret, principal.SecretHash))
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, principal.KeyId),
            new Claim(ClaimTypes.Name, principal.DisplayName),
            new Claim(ClaimTypes.Role, principal.Role.ToString()),
            new Claim(CallerClaims.Scope, principal.Scope),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{ApiKeys.HeaderName}\"";
        return base.HandleChallengeAsync(properties);
    }
}
