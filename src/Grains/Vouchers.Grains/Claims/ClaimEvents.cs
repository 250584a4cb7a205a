using Vouchers.Contracts;

namespace Vouchers.Grains.Claims;

/// <summary>
/// The events the claim store writes with a claim and with its return. Their ids derive from the code (a code is
/// claimed once and returned at most once), so writing one twice stores it once.
/// </summary>
public static class ClaimEvents
{
    public static VoucherEvent Claimed(StoredClaim claim) =>
        new($"claimed/{claim.Code}", EventKind.Claimed, claim.ClaimedAt, claim.BatchId, ActorKind.Channel, claim.ChannelId,
            claim.Code, claim.PersonKey, claim.Profile, claim.ChannelId, Amount: claim.SubsidyAmount);

    public static VoucherEvent Returned(StoredClaim claim, DateTimeOffset at, string returnedBy) =>
        new($"returned/{claim.Code}", EventKind.Returned, at, claim.BatchId, ActorKind.Channel, returnedBy,
            claim.Code, claim.PersonKey, claim.Profile, claim.ChannelId, Amount: claim.SubsidyAmount);
}
