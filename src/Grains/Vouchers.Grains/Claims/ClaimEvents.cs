using Vouchers.Contracts;

namespace Vouchers.Grains.Claims;

/// <summary>
/// The events of a claim that the claim's row alone makes: its claim and its return (written by the claim store with
/// the change) and its expiry (written by the expiry sweep, <see cref="Events.ExpirySweep"/>). Their ids derive from
/// the code (a code is claimed once, and returned or expired at most once), so writing one twice stores it once.
/// </summary>
public static class ClaimEvents
{
    /// <summary>The id of the voucher's <see cref="EventKind.Used"/> event (a voucher is used at most once).</summary>
    public static string UsedId(string code) => $"used/{code}";

    public static VoucherEvent Claimed(StoredClaim claim) =>
        new($"claimed/{claim.Code}", EventKind.Claimed, claim.ClaimedAt, claim.BatchId, ActorKind.Channel, claim.ChannelId,
            claim.Code, claim.PersonKey, claim.Profile, claim.ChannelId, Amount: claim.SubsidyAmount);

    public static VoucherEvent Returned(StoredClaim claim, DateTimeOffset at, string returnedBy) =>
        new($"returned/{claim.Code}", EventKind.Returned, at, claim.BatchId, ActorKind.Channel, returnedBy,
            claim.Code, claim.PersonKey, claim.Profile, claim.ChannelId, Amount: claim.SubsidyAmount);

    /// <summary>The claim's validity ended with the voucher neither used nor returned: at its expiry instant, by the engine.</summary>
    public static VoucherEvent Expired(StoredClaim claim) =>
        new($"expired/{claim.Code}", EventKind.Expired, claim.ExpiresAt, claim.BatchId, ActorKind.System, "",
            claim.Code, claim.PersonKey, claim.Profile, claim.ChannelId, Amount: claim.SubsidyAmount);
}
