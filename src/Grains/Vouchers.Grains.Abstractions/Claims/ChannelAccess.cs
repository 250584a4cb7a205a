using System.Collections.Immutable;
using Vouchers.Contracts;

namespace Vouchers.Claims;

/// <summary>
/// Whether a channel may act on a batch: offer it, claim it, and act on its vouchers afterwards (wallet, QR, return,
/// online use, check-in). A batch enables the channels it lists in <see cref="BatchDefinition.EnabledChannelIds"/>;
/// an empty list enables every channel. The claim (<see cref="ClaimAdmission"/>) and every action after it judge by
/// this one rule, so a channel can never act on a voucher of a batch it could not have claimed.
/// </summary>
public static class ChannelAccess
{
    /// <summary>An empty (or default) list of channels enables every channel.</summary>
    public static bool Enables(ImmutableArray<string> enabledChannelIds, string channelId) =>
        enabledChannelIds.IsDefaultOrEmpty || enabledChannelIds.Contains(channelId);

    /// <summary>Whether the batch enables the channel; a batch that does not exist enables none.</summary>
    public static bool Enables(BatchSummary? batch, string channelId) =>
        batch is not null && Enables(batch.EnabledChannelIds, channelId);

    /// <summary>
    /// Of <paramref name="batchIds"/>, the batches that enable <paramref name="channelId"/> now, read from the batch
    /// catalog in one grain call (its lines change with every definition and status change of a batch).
    /// </summary>
    public static async Task<IReadOnlySet<string>> BatchesEnablingAsync(this IGrainFactory grains, IEnumerable<string> batchIds, string channelId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ImmutableArray<string> ids = [.. batchIds.Distinct(StringComparer.Ordinal)];
        if (ids.IsEmpty)
        {
            return ImmutableHashSet<string>.Empty;
        }

        var found = await grains.Grain<IBatchCatalogGrain>("all").FindAsync(ids);
        return found.Where(b => Enables(b, channelId)).Select(b => b.Id).ToImmutableHashSet(StringComparer.Ordinal);
    }
}
