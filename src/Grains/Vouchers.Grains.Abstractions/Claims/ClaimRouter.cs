using System.Collections.Concurrent;
using Vouchers.Contracts;

namespace Vouchers.Claims;

/// <summary>
/// The way in for a claim: sends it straight to the stock shard that owns the person's slot of the batch, which
/// judges it by <see cref="ClaimAdmission"/> and stores it. A batch's shard count never changes, so it is asked once
/// per batch and kept; only existing batches are remembered.
/// </summary>
public sealed class ClaimRouter(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, int> shardCounts = new(StringComparer.Ordinal);

    public async Task<ClaimResult> ClaimAsync(ClaimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!shardCounts.TryGetValue(request.BatchId, out var shards))
        {
            shards = await grains.Grain<IBatchGrain>(request.BatchId).GetStockShardsAsync();
            if (shards == 0)
            {
                return new(ClaimOutcome.BatchNotFound);
            }

            shardCounts[request.BatchId] = shards;
        }

        return await grains.ShardFor(request.BatchId, request.PersonKey, shards).ClaimAsync(request);
    }
}
