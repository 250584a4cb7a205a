using System.Collections.Frozen;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vouchers.Baseline.Data;
using Vouchers.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Signing;

namespace Vouchers.Baseline.Security;

/// <summary>
/// The gateway's channel request signature over the demo's signing keys (secrets derived from
/// <c>Security:SigningMasterSecret</c> as in the gateway), checked with the same code (<see cref="RequestSignature"/>):
/// timestamp within five minutes, signature over the buffered body, and the nonce once through PostgreSQL.
/// </summary>
public sealed class SignatureHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    DemoSigningKeys keys,
    NonceStore nonces,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Signature";

    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!RequestSignature.IsSigned(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!RequestSignature.TryParse(header, out var presented, out var error))
        {
            return AuthenticateResult.Fail(error);
        }

        var now = time.GetUtcNow();
        var keyId = presented.KeyIdString();
        if (!RequestSignature.IsFresh(presented.Timestamp, now, Tolerance) || !keys.TryGet(keyId, out var key))
        {
            return AuthenticateResult.Fail("The signature is expired or its key unknown.");
        }

        var bodyHash = new byte[SHA256.HashSizeInBytes];
        await RequestSignature.HashBodyAsync(Request, 64 * 1024, bodyHash);
        var signature = new byte[RequestSignature.SignatureBytes];
        if (!presented.TryDecodeSignature(signature)
            || !RequestSignature.Verify(key.HmacKey, Request.Method, RequestSignature.PathAndQueryOf(Request), presented.Timestamp, presented.Nonce, bodyHash, signature))
        {
            return AuthenticateResult.Fail("The signature does not match the request.");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(presented.Timestamp) + Tolerance;
        if (!await nonces.TryAcceptAsync(keyId, presented.Nonce.ToString(), expiresAt, Context.RequestAborted))
        {
            return AuthenticateResult.Fail("The nonce was used already.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, keyId),
            new Claim(ClaimTypes.Role, nameof(PrincipalRole.Channel)),
            new Claim(DemoApiKeyHandler.ScopeClaim, key.ChannelId),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{RequestSignature.Scheme} realm=\"vouchers\"";
        return base.HandleChallengeAsync(properties);
    }
}

/// <summary>The demo's channel signing keys with their HMAC keys, derived once from <c>Security:SigningMasterSecret</c>.</summary>
public sealed class DemoSigningKeys(IOptions<VoucherSecurityOptions> security)
{
    private readonly FrozenDictionary<string, (string ChannelId, byte[] HmacKey)> keys = new Dictionary<string, string>
    {
        ["sign-national-app"] = "national-app",
        ["sign-bank-app"] = "bank-app",
    }.ToFrozenDictionary(
        k => k.Key,
        k => (k.Value, SigningSecrets.HmacKey(SigningSecrets.Derive(Encoding.UTF8.GetBytes(security.Value.SigningMasterSecret), k.Key))),
        StringComparer.Ordinal);

    public bool TryGet(string keyId, out (string ChannelId, byte[] HmacKey) key) => keys.TryGetValue(keyId, out key);
}
