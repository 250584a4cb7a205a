using Vouchers.Contracts;
using Vouchers.Grains.Claims;

namespace Vouchers.Grains.Events;

/// <summary>
/// Writes the <see cref="EventKind.Expired"/> events. A voucher expires by the clock, not by a request, so no change
/// of state writes them: the sweep walks the claims in expiry order up to a grace period before now, and writes an
/// Expired event for each claim neither returned (its row says) nor used (its Used event is stored) by then. A use or
/// a return is refused from the expiry instant on, so what the sweep reads cannot change after it; the grace period
/// covers the clocks of the silos and a use's event still on its way (the voucher writes it right after its state,
/// before it answers). Writing an event twice stores it once, so a walk repeated after a crash adds nothing.
/// </summary>
public static class ExpirySweep
{
    /// <summary>
    /// Walks one step: up to <paramref name="max"/> claims after <paramref name="after"/> expiring by
    /// <paramref name="through"/>. Returns where the step ended and how many Expired events it wrote; the position is
    /// <paramref name="after"/> when no claim was due.
    /// </summary>
    public static async Task<(ExpiryPosition Reached, int Expired, int Walked)> StepAsync(
        IClaimStore claims, IEventStore events, ExpiryPosition after, DateTimeOffset through, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(events);
        var due = await claims.ListExpiringAsync(after, through, max, cancellationToken);
        if (due.Count == 0)
        {
            return (after, 0, 0);
        }

        var unreturned = due.Where(c => c.ReturnedAt is null).ToList();
        var used = await events.FindStoredAsync([.. unreturned.Select(c => ClaimEvents.UsedId(c.Code))], cancellationToken);
        var expired = unreturned.Where(c => !used.Contains(ClaimEvents.UsedId(c.Code))).Select(ClaimEvents.Expired).ToList();
        await events.AppendAsync(expired, cancellationToken);
        return (new ExpiryPosition(due[^1].ExpiresAt, due[^1].Code), expired.Count, due.Count);
    }
}
