using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;

namespace Vouchers.Baseline.Security;

/// <summary>
/// The gateway's X-Api-Key scheme over a fixed table of the demo principals (README): the baseline has no key registry.
/// A secret can be overridden with <c>Demo__Secrets__&lt;keyId&gt;</c>, as in the gateway.
/// </summary>
public sealed class DemoApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "vouchers:scope";

    private static readonly FrozenDictionary<string, (PrincipalRole Role, string Scope)> Principals = new Dictionary<string, (PrincipalRole, string)>
    {
        ["admin-ministry"] = (PrincipalRole.Admin, ""),
        ["admin-guangdong"] = (PrincipalRole.Admin, "44"),
        ["admin-shenzhen"] = (PrincipalRole.Admin, "4403"),
        ["channel-national-app"] = (PrincipalRole.Channel, "national-app"),
        ["channel-bank-app"] = (PrincipalRole.Channel, "bank-app"),
        ["inst-sz-skills-school"] = (PrincipalRole.Institution, "sz-skills-school"),
        ["inst-gz-tech-college"] = (PrincipalRole.Institution, "gz-tech-college"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var key = values[0] ?? "";
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Principals.TryGetValue(key[..dot], out var principal))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var keyId = key[..dot];
        var expected = configuration[$"Demo:Secrets:{keyId}"] is { Length: > 0 } configured ? configured : "demo-" + keyId;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key[(dot + 1)..]), Encoding.UTF8.GetBytes(expected)))
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, keyId),
            new Claim(ClaimTypes.Role, principal.Role.ToString()),
            new Claim(ScopeClaim, principal.Scope),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return base.HandleChallengeAsync(properties);
    }
}

public static class CallerClaims
{
    public static string ScopeOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(DemoApiKeyHandler.ScopeClaim) ?? throw new InvalidOperationException("The caller has no scope.");

    public static bool CanAdminister(this ClaimsPrincipal user, string regionCode) =>
        regionCode.StartsWith(user.ScopeOf(), StringComparison.Ordinal);
}
