using Vouchers.Contracts;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.Security;

/// <summary>How many failed lookups a caller may make before its lookups are refused (section "Verification").</summary>
public sealed class VerificationOptions
{
    public const string Section = "Verification";

    /// <summary>Failed lookups (codes that name no voucher, or malformed ones) allowed per caller per window.</summary>
    public int MaxFailedLookups { get; set; } = 60;

    public TimeSpan FailedLookupWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Brute-force defence for every route that looks up a voucher by a code the caller sends (an institution's
/// verification, use and attendance; a channel's QR route). A code that names no voucher, or is malformed, is a failed
/// lookup of the caller, counted cluster-wide by the caller's <see cref="IFailedLookupGuardGrain"/>; past the limit the
/// caller's lookups are refused with 429 <c>too-many-failed-lookups</c> and Retry-After until the window ends. A gateway
/// remembers the refusal it was told about, so a blocked caller is refused without a grain call and a valid lookup
/// never pays for the guard.
/// </summary>
/// <remarks>
/// Callers are named by a plain string id: an institution by its id (as the verification route always did), any other
/// kind of caller by an id that cannot collide with an institution's, e.g. <c>channel:bank-app</c>.
/// </remarks>
public sealed class FailedLookupGuard(IGrainFactory grains, IOptions<VerificationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> blockedUntil = new(StringComparer.Ordinal);

    /// <summary>How long the caller is still refused, or null when it may look up codes.</summary>
    public TimeSpan? RefusedFor(string callerId)
    {
        if (!blockedUntil.TryGetValue(callerId, out var until))
        {
            return null;
        }

        var left = until - time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            return left;
        }

        blockedUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(callerId, until));
        return null;
    }

    /// <summary>The 429 answer (with Retry-After set on <paramref name="response"/>) when the caller is refused, else null.</summary>
    public ProblemHttpResult? Refusal(string callerId, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (RefusedFor(callerId) is not { } wait)
        {
            return null;
        }

        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ProblemTypes.Problem(StatusCodes.Status429TooManyRequests, ProblemTypes.TooManyFailedLookups,
            "Too many codes that name no voucher were looked up; lookups resume after Retry-After.",
            $"Retry after {seconds} s.");
    }

    /// <summary>Counts a failed lookup (a code that names no voucher, or a malformed one) of the caller.</summary>
    public async Task RecordFailureAsync(string callerId)
    {
        var o = options.Value;
        if (await grains.Grain<IFailedLookupGuardGrain>(callerId).RecordAsync(o.MaxFailedLookups, o.FailedLookupWindow) is { } until)
        {
            blockedUntil[callerId] = until;
        }
    }
}
