using Microsoft.AspNetCore.Mvc;
using Vouchers.Http.Problems;
using Vouchers.Http.Signing;

namespace Vouchers.Gateway.Security;

/// <summary>
/// Why a presented credential was refused: the 401 problem (a documented <c>type</c> and a detail saying what to fix)
/// and the WWW-Authenticate challenge the client gets. Carried as the failure of the authentication result, so the
/// handler's challenge can answer it.
/// </summary>
public sealed class CredentialRefusal : Exception
{
    public const string ApiKeyChallenge = $"ApiKey header=\"{ApiKeys.HeaderName}\"";
    public const string SignatureChallenge = $"{RequestSignature.Scheme} realm=\"vouchers\"";

    private CredentialRefusal(string type, string title, string detail, bool signature, bool countsAsFailure = true)
        : base(detail)
    {
        Type = type;
        Title = title;
        Challenge = signature ? $"{SignatureChallenge}, error=\"{Code}\"" : ApiKeyChallenge;
        CountsAsFailure = countsAsFailure;
    }

    /// <summary>The problem type (a <see cref="ProblemTypes"/> URN).</summary>
    public string Type { get; }

    public string Title { get; }

    /// <summary>The type's last part (e.g. <c>nonce-replayed</c>): the challenge's error and what the log says.</summary>
    public string Code => Type[(Type.LastIndexOf(':') + 1)..];

    /// <summary>The WWW-Authenticate value of the answer.</summary>
    public string Challenge { get; }

    /// <summary>
    /// Whether the refusal counts against the client address (<see cref="FailedAuthentications"/>). A request refused
    /// only because the engine itself recovered from a crash was signed correctly, and its client signs it again: counting
    /// those would lock a busy channel out right after every crash.
    /// </summary>
    public bool CountsAsFailure { get; }

    public static CredentialRefusal ApiKeyInvalid(string detail) =>
        new(ProblemTypes.ApiKeyInvalid, "The API key is not valid.", detail, signature: false);

    public static CredentialRefusal SignatureRequired() =>
        new(ProblemTypes.SignatureRequired, "Channel requests must be signed.",
            $"Channel API keys are accepted only by the zero-setup demo. Sign every request with the channel's signing key ({RequestSignature.Scheme}, docs/API.md).",
            signature: true);

    public static CredentialRefusal SignatureInvalid(string detail) =>
        new(ProblemTypes.SignatureInvalid, "The request signature is not valid.", detail, signature: true);

    public static CredentialRefusal SignatureExpired(DateTimeOffset now, TimeSpan tolerance) =>
        new(ProblemTypes.SignatureExpired, "The request was signed too long ago or in the future.",
            $"The timestamp must lie within {tolerance.TotalSeconds:0} s of the server's time ({now.ToUnixTimeSeconds()}); sign the request again now.",
            signature: true);

    public static CredentialRefusal SignatureStale() =>
        new(ProblemTypes.SignatureStale, "The request was signed before the replay guard recovered.",
            "The nonce store of this key restarted after a failure and cannot tell whether it saw this request; sign it again (a new timestamp and nonce).",
            signature: true, countsAsFailure: false);

    public static CredentialRefusal NonceReplayed() =>
        new(ProblemTypes.NonceReplayed, "The request's nonce was used already.",
            "A request of this key used this nonce already; every request is signed with a new nonce, a retry too.",
            signature: true);

    public static CredentialRefusal KeyUnknown(string detail) =>
        new(ProblemTypes.KeyUnknown, "The signing key is not known.", detail, signature: true);

    public static CredentialRefusal KeyRevoked(string detail) =>
        new(ProblemTypes.KeyRevoked, "The signing key is no longer valid.", detail, signature: true);

    /// <summary>Answers 401 with this problem and challenge.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = Challenge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = Type,
                Title = Title,
                Detail = Message,
            },
        });
    }
}
