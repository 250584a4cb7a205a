using Vouchers.Contracts;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Vouchers.Gateway.Security;

/// <summary>How many failed lookups an institution may make before its verifications are refused (section "Verification").</summary>
public sealed class VerificationOptions
{
    public const string Section = "Verification";

    /// <summary>Failed lookups (codes that name no voucher) allowed per institution per window.</summary>
    public int MaxFailedLookups { get; set; } = 60;

    public TimeSpan FailedLookupWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Brute-force defence for the verify route. Failed lookups are counted cluster-wide by the institution's
/// <see cref="IFailedLookupGuardGrain"/>; a gateway remembers the refusal it was told about, so a blocked institution
/// is refused without a grain call and a valid lookup never pays for the guard.
/// </summary>
public sealed class FailedLookupGuard(IGrainFactory grains, IOptions<VerificationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> blockedUntil = new(StringComparer.Ordinal);

    /// <summary>How long the institution is still refused, or null when it may look up codes.</summary>
    public TimeSpan? RefusedFor(string institutionId)
    {
        if (!blockedUntil.TryGetValue(institutionId, out var until))
        {
            return null;
        }

        var left = until - time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            return left;
        }

        blockedUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(institutionId, until));
        return null;
    }

    public async Task RecordFailureAsync(string institutionId)
    {
        var o = options.Value;
        if (await grains.Grain<IFailedLookupGuardGrain>(institutionId).RecordAsync(o.MaxFailedLookups, o.FailedLookupWindow) is { } until)
        {
            blockedUntil[institutionId] = until;
        }
    }
}
