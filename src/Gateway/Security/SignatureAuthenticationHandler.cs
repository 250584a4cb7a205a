using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vouchers.Contracts;
using Vouchers.Gateway.Limits;
using Vouchers.Http.Signing;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Authenticates a channel's signed request (<see cref="RequestSignature"/>): the timestamp within the tolerance, the
/// key an active signing key of a channel, the signature over the request (its body hashed from a buffer the endpoint
/// reads again) compared in constant time, and then the nonce new across the deployment (<see cref="ReplayGuard"/>).
/// Each refusal is its own 401 problem (<see cref="CredentialRefusal"/>), logged and counted by
/// <see cref="FailedAuthentications"/>.
/// </summary>
public sealed class SignatureAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CallerCache callers,
    SigningKeys signingKeys,
    ReplayGuard replay,
    IOptions<RequestSigningOptions> signing,
    FailedAuthentications failures,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Signature";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!RequestSignature.IsSigned(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!RequestSignature.TryParse(header, out var presented, out var error))
        {
            return Refuse(CredentialRefusal.SignatureInvalid(error), default);
        }

        var now = time.GetUtcNow();
        var tolerance = signing.Value.TimestampTolerance;
        if (!RequestSignature.IsFresh(presented.Timestamp, now, tolerance))
        {
            return Refuse(CredentialRefusal.SignatureExpired(now, tolerance), presented.KeyId);
        }

        if (!callers.TryGet(presented.KeyId, out var caller))
        {
            caller = await callers.LoadAsync(presented.KeyIdString());
        }

        if (caller.Principal is not { Kind: CredentialKind.SigningKey, Role: PrincipalRole.Channel } principal)
        {
            return Refuse(CredentialRefusal.KeyUnknown(caller.Principal is null
                ? "No signing key has this key id."
                : $"This key id names no request-signing key; API keys go in the {ApiKeys.HeaderName} header."), presented.KeyId);
        }

        if (!principal.IsActiveAt(now))
        {
            return Refuse(CredentialRefusal.KeyRevoked(principal.RevokedAt is { } revoked
                ? $"The signing key was revoked at {revoked:O}; sign with another active key of the channel."
                : $"The signing key expired at {principal.ExpiresAt:O}; sign with another active key of the channel."), presented.KeyId);
        }

        var bodyHash = new byte[SHA256.HashSizeInBytes];
        await RequestSignature.HashBodyAsync(Request, (int)RequestLimits.MaxBodyBytes, bodyHash);
        if (!Matches(presented, principal.KeyId, bodyHash))
        {
            return Refuse(CredentialRefusal.SignatureInvalid(
                "The signature does not match the request: sign METHOD, the path and query as sent, the timestamp, the nonce and " +
                "the hex SHA-256 of the body, each followed by a line feed, with HMAC-SHA256 under the key's secret."), presented.KeyId);
        }

        return await replay.AcceptAsync(principal.KeyId, presented.Nonce, presented.Timestamp) switch
        {
            NonceVerdict.Accepted => AuthenticateResult.Success(new AuthenticationTicket(caller.User, SchemeName)),
            NonceVerdict.Replayed => Refuse(CredentialRefusal.NonceReplayed(), presented.KeyId),
            NonceVerdict.SignedBeforeRecovery => Refuse(CredentialRefusal.SignatureStale(), presented.KeyId),
            _ => Refuse(CredentialRefusal.SignatureExpired(now, tolerance), presented.KeyId),
        };
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if ((await HandleAuthenticateOnceSafeAsync()).Failure is CredentialRefusal refusal)
        {
            await refusal.WriteAsync(Context);
            return;
        }

        Response.Headers.WWWAuthenticate = CredentialRefusal.SignatureChallenge;
        await base.HandleChallengeAsync(properties);
    }

    private bool Matches(SignedAuthorization presented, string keyId, byte[] bodyHash)
    {
        Span<byte> signature = stackalloc byte[RequestSignature.SignatureBytes];
        return presented.TryDecodeSignature(signature)
            && RequestSignature.Verify(signingKeys.HmacKeyFor(keyId), Request.Method, RequestSignature.PathAndQueryOf(Request),
                presented.Timestamp, presented.Nonce, bodyHash, signature);
    }

    private AuthenticateResult Refuse(CredentialRefusal refusal, ReadOnlySpan<char> keyId)
    {
        failures.Record(Context, refusal, keyId);
        return AuthenticateResult.Fail(refusal);
    }
}
