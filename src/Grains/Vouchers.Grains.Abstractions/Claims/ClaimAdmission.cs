using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Claims;

/// <summary>
/// The claim's admission rule: whether a batch's terms admit a claim at an instant. Stock shards judge every claim
/// by it, a channel's list of claimable batches shows the batches it would admit from that channel, and the
/// plain-PostgreSQL baseline applies it too, so the three never disagree.
/// </summary>
/// <remarks>
/// The checks run in a fixed order — status, claim window, channel (<see cref="ChannelAccess"/>), commitment,
/// eligibility — so a claim refused for several reasons always gets the same answer. Whether the person holds a live
/// claim already, and whether stock is left, are not terms of the batch: the stock shard answers those, and only
/// after these checks admit the claim, so a refused caller never learns the code of a voucher the person holds
/// (only the same channel's replay of the request that made the claim is answered before them).
/// </remarks>
public static class ClaimAdmission
{
    /// <summary>Why the batch's terms refuse the claim at <paramref name="now"/>, or null when they admit it.</summary>
    /// <param name="terms">The batch's definition and status; null when no such batch exists.</param>
    /// <param name="request">The claim.</param>
    /// <param name="onTargetedList">Whether the person is on the batch's targeted-issuance list (定向发放).</param>
    /// <param name="now">The instant of the claim.</param>
    public static ClaimResult? Refusal(StockTerms? terms, ClaimRequest request, bool onTargetedList, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (terms is not { Definition: var batch, Status: var status })
        {
            return new(ClaimOutcome.BatchNotFound);
        }

        if (status != BatchStatus.Active)
        {
            return new(ClaimOutcome.BatchNotActive, Detail: $"The batch is {status.ToString().ToLowerInvariant()}.");
        }

        if (!IsInClaimWindow(batch.ClaimOpensAt, batch.ClaimClosesAt, now))
        {
            return new(ClaimOutcome.OutsideClaimWindow, Detail: $"Claims are accepted from {batch.ClaimOpensAt:O} until {batch.ClaimClosesAt:O}.");
        }

        if (!ChannelAccess.Enables(batch.EnabledChannelIds, request.ChannelId))
        {
            return new(ClaimOutcome.ChannelNotEnabled);
        }

        if (batch.RequiresCommitment && !request.Commitment)
        {
            return new(ClaimOutcome.CommitmentRequired);
        }

        var groups = request.AttestedGroups.IsDefault ? [] : request.AttestedGroups;
        return batch.Eligibility.Check(request.Person, groups, onTargetedList, ChinaTime.DayOf(now)) is { } reason
            ? new(ClaimOutcome.NotEligible, Detail: reason)
            : null;
    }

    /// <summary>
    /// Whether <paramref name="channelId"/> can offer the batch at <paramref name="now"/>: the batch's own terms admit
    /// a claim from that channel, whoever the person turns out to be.
    /// </summary>
    public static bool IsOffered(BatchSummary batch, string channelId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Status == BatchStatus.Active
            && IsInClaimWindow(batch.ClaimOpensAt, batch.ClaimClosesAt, now)
            && ChannelAccess.Enables(batch, channelId);
    }

    /// <summary>The window opens at its first instant and closes at its last (exclusive).</summary>
    private static bool IsInClaimWindow(DateTimeOffset opensAt, DateTimeOffset closesAt, DateTimeOffset now) =>
        opensAt <= now && now < closesAt;
}
