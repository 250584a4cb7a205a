using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Vouchers.Http.Problems;

/// <summary>
/// The problem types (RFC 9457) of the API. Each is documented in docs/API.md; clients switch on
/// <c>type</c>, never on <c>title</c> or <c>detail</c>.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:vouchers:problem:";
    public const string Validation = Prefix + "validation";
    public const string NotFound = Prefix + "not-found";
    public const string SoldOut = Prefix + "sold-out";
    public const string AlreadyClaimed = Prefix + "already-claimed";
    public const string NotClaimable = Prefix + "batch-not-claimable";
    public const string ChannelNotEnabled = Prefix + "channel-not-enabled";
    public const string NotEligible = Prefix + "not-eligible";
    public const string Conflict = Prefix + "conflict";
    public const string VoucherRejected = Prefix + "voucher-rejected";
    public const string Forbidden = Prefix + "forbidden";
    public const string Unavailable = Prefix + "unavailable";
    public const string TooManyFailedLookups = Prefix + "too-many-failed-lookups";
    public const string NotEnrolled = Prefix + "not-enrolled";
    public const string OutsideSessionWindow = Prefix + "outside-session-window";
    public const string OutsideCheckInRadius = Prefix + "outside-check-in-radius";
    public const string SessionFull = Prefix + "session-full";
    public const string AuditUnavailable = Prefix + "audit-unavailable";

    // Authentication refusals (401) and the failed-authentication guard (429): docs/API.md, "Signing channel requests".
    public const string SignatureInvalid = Prefix + "signature-invalid";
    public const string SignatureExpired = Prefix + "signature-expired";
    public const string SignatureStale = Prefix + "signature-stale";
    public const string SignatureRequired = Prefix + "signature-required";
    public const string NonceReplayed = Prefix + "nonce-replayed";
    public const string KeyUnknown = Prefix + "key-unknown";
    public const string KeyRevoked = Prefix + "key-revoked";
    public const string ApiKeyInvalid = Prefix + "api-key-invalid";
    public const string TooManyFailedAuthentications = Prefix + "too-many-failed-authentications";

    /// <summary>Every problem type above, for the OpenAPI document's list.</summary>
    public static IReadOnlyList<string> All { get; } = [.. typeof(ProblemTypes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)];

    public static ProblemHttpResult Problem(int status, string type, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: extensions);

    public static ProblemHttpResult NotFoundProblem(string what) =>
        Problem(StatusCodes.Status404NotFound, NotFound, $"{what} was not found.");

    public static ProblemHttpResult ConflictProblem(string title, string? detail = null) =>
        Problem(StatusCodes.Status409Conflict, Conflict, title, detail);

    public static ProblemHttpResult OutOfScope(string detail) =>
        Problem(StatusCodes.Status403Forbidden, Forbidden, "The resource lies outside your scope.", detail);
}
